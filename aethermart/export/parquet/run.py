"""Publishing gold as Parquet for BI: every dataset written anew (in ``--mode incremental`` a
fact only in the months whose rows changed), and the whole set swapped in by one atomic
rename.

    <out>/<model>                      symlink -> .current/<model>   (fixed; what readers open)
    <out>/.current                     symlink -> .versions/<run_id> (the one version pointer)
    <out>/.versions/<run_id>/<model>/  the dataset in that version: data_0.parquet, or for the
                                       facts year=YYYY/month=MM/data_0.parquet; _manifest.json
    <out>/.versions/<run_id>/_version.json   the set: version id, datasets, the run that wrote each
    <out>/.staging-<run_id>/           while a run assembles its version (never read)
    <out>/.publish.lock                held by the running publish

A version holds every published dataset, not only those of the run: the selected datasets
are written new, the others (``--select``, or identical files in incremental mode) are
hardlinked from the version before (a copy where hardlinks fail), so a version is a
complete, self-consistent set. The run then renames the staging folder to
``.versions/<run_id>`` and replaces ``.current`` with one ``os.replace`` (rename(2)): a kill
at any instant leaves every ``<out>/<model>`` on the old version or every one on the new one.
Each dataset's ``_manifest.json`` says ``version`` (the set it is part of) and ``run_id``
(the run that wrote its files; older than ``version`` when the files were carried over).

The newest ``keep`` versions are kept (the published one, and one to roll back to and for
readers still scanning it); older ones and the debris of crashed runs (staging folders,
versions moved in but never pointed to) are removed by the next run. A folder published by
the per-dataset layout of before (``<model>`` -> ``.versions/<model>/<run_id>``) is first
moved over by a run that publishes exactly what those links show, so the upgrade never
shows new data next to old.

Reading: DuckDB ``read_parquet('<out>/<model>/**/*.parquet', hive_partitioning = true)`` and
``pyarrow.dataset.dataset('<out>/<model>', partitioning='hive')`` both follow the links (files
starting with ``_`` or ``.`` are not data). A reader that must see one version across a long
scan of several datasets resolves ``<out>/.current`` once (``layout.published_paths``).
From ``month=03`` DuckDB infers month VARCHAR ('03': it only auto-casts when the text
round-trips, and '03' -> 3 -> '3' does not) and year BIGINT; pyarrow infers int32 for both.
Filter on the date column (it is in the files), or pass ``hive_types = {'year': INTEGER,
'month': INTEGER}`` to DuckDB.

Same gold tables -> byte-identical Parquet files: rows are ordered by the model's key (facts:
by date, then key), row groups have a fixed size, and the Hive-partitioned write runs on one
thread (DuckDB 1.5's partitioned writer appends each thread's chunks in arrival order, so
with two threads rows inside a partition came out in a different order run to run).

Months of a fact (``--mode incremental``): each manifest records, per month partition, the
row count and the sum of DuckDB's hash of every written row (one scan of the table, no
Parquet written), under a "recipe" (the query, row group size, compression, DuckDB version).
The next incremental run computes them again and writes only the months whose fingerprint
differs, or that are new, or whose published files are no longer at their recorded size;
the others' files are hardlinked. A month is written from the same ordered rows either way,
so the files are the bytes a full write gives (a test compares them). Measured on the
scale-10 fct_order_lines (2,983,921 rows, 23 months): a full write 8.1 s, the fingerprints
0.46 s, 3 changed months 1.4 s.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from aethermart.export.build_guard import BuildRecord
from aethermart.export.config import ExportConfig, ExportRun, Say
from aethermart.export.errors import PublishError
from aethermart.export.manifest import ExportManifest, ExportSpec
from aethermart.export.parquet.layout import (
    CURRENT,
    MARKER,
    RUN_ID,
    VERSIONS,
    current_version,
    legacy_link_target,
    model_link_target,
)
from aethermart.export.result import DatasetResult
from aethermart.export.run_id import run_id_before
from aethermart.export.warehouse import first_line, open_warehouse, source_lineage, table_columns
from aethermart.filelock import held
from aethermart.sql import sql_identifier, sql_string

__all__ = ["PARTITION_COLUMNS", "ROW_GROUP_SIZE", "current_version", "publish_parquet"]

ROW_GROUP_SIZE = 122_880  # DuckDB's default, pinned: the file bytes depend on it
PARTITION_COLUMNS = ("year", "month")
# Change it when what a partition fingerprint covers changes: every partition is written again.
PARTITION_FINGERPRINT_VERSION = 1
STAGING_PREFIX = ".staging-"
LINK_PREFIX = ".link-"
LOCK_NAME = ".publish.lock"
MANIFEST = "_manifest.json"
ROTATE_ENV = "AETHERMART_PII_SALT_ROTATE"  # as aethermart.dbt_plugins.pii_salt (not imported: it loads dbt)


def _pause_for_tests() -> None:
    """Tests only: AETHERMART_TEST_PAUSE_PARQUET=SECONDS sleeps after every step of a publish
    (each dataset written or carried, the rename, the swap, each link), so a test that kills
    the publish at random instants lands in every phase, not only in the long writes."""
    seconds = os.environ.get("AETHERMART_TEST_PAUSE_PARQUET")
    if seconds:
        time.sleep(float(seconds))


@dataclass
class _Staged:
    spec: ExportSpec
    path: Path  # <out>/.staging-<run_id>/<model>
    manifest: dict
    result: DatasetResult
    files: list[dict] = field(default_factory=list)


def publish_parquet(specs: tuple[ExportSpec, ...], run: ExportRun) -> list[DatasetResult]:
    """Write every dataset of ``specs`` into a new version of the whole set, named ``run_id``
    (the export run's id, aethermart/export/run_id.py), and point ``.current`` at it; returns one
    result per dataset of ``specs``. Each ``_manifest.json`` names the dbt invocation that
    built the gold: ``build`` (from the export guard), else — the guard skipped
    (``--allow-failed-build``) — the manifest's, marked unchecked."""
    manifest, cfg, run_id, build = run.manifest, run.cfg, run.run_id, run.build
    notice, progress = run.notice, run.progress
    con = open_warehouse(cfg.duckdb, memory_limit=cfg.memory_limit, temp_directory=cfg.temp_directory)
    try:
        _check_root(cfg.out)
        columns = {s.model: _check(con, s, cfg) for s in specs}  # every table first, before any write
        if cfg.dry_run:
            return [_plan(con, s, cfg) for s in specs]
        cfg.out.mkdir(parents=True, exist_ok=True)
        with _lock(cfg.out):
            for path in _remove_debris(cfg.out):
                notice(f"export: removed {path} left by an interrupted run")
            upgraded = _upgrade_legacy(cfg.out, run_id_before(run_id))
            if upgraded:
                notice(
                    f"export: moved {upgraded} dataset(s) of {cfg.out} from per-dataset links to one "
                    f"version pointer ({CURRENT})"
                )
            _check_salt(cfg.out, specs, build, notice)
            _check_run_id(cfg.out, run_id)
            lineage = source_lineage(con)
            base = current_version(cfg.out) if cfg.mode == "incremental" else None
            staging_root = cfg.out / f"{STAGING_PREFIX}{run_id}"
            try:
                staged = []
                for spec in specs:
                    staged.append(
                        _stage(
                            con,
                            spec,
                            columns[spec.model],
                            staging_root,
                            run_id,
                            _provenance(manifest, build),
                            lineage,
                            base,
                        )
                    )
                    r = staged[-1].result
                    progress(f"export: parquet {spec.model:<32} {r.rows:>12,} rows {r.seconds:7.2f}s")
                    _pause_for_tests()
                results = _assemble_and_swap(cfg, staged, staging_root, run_id, progress)
            finally:
                shutil.rmtree(staging_root, ignore_errors=True)
            pruned = _prune(cfg.out, cfg.keep)
            if pruned:
                notice(
                    f"export: removed {len(pruned)} old version(s) under {cfg.out / VERSIONS} "
                    f"(keeping {cfg.keep})"
                )
            return results
    finally:
        con.close()


def _check_salt(out: Path, specs: tuple[ExportSpec, ...], build: BuildRecord | None, notice: Say) -> None:
    """No silent change of PII salt between publishes: the published version's datasets name
    the salt fingerprint of their build; another one (every email_sha256 would differ) is
    published only with AETHERMART_PII_SALT_ROTATE=1, and then for every such dataset at once."""
    base = current_version(out)
    new = build.pii_salt_fingerprint if build else None
    if base is None or new is None:
        return
    before: dict[str, str] = {}
    for meta_path in sorted(base.glob(f"*/{MANIFEST}")):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            old = (json.loads(meta_path.read_text()).get("dbt") or {}).get("pii_salt_fingerprint")
            if old and old != new:
                before[meta_path.parent.name] = old
    if not before:
        return
    first = next(iter(before.values()))
    if os.environ.get(ROTATE_ENV, "").strip() != "1":
        raise PublishError(
            f"{out} was published from gold hashed with another PII salt (fingerprint "
            f"{first}, now {new}): every email_sha256 would change for its readers; restore "
            f"the salt and rebuild, or set {ROTATE_ENV}=1 to publish the new hashes"
        )
    left = sorted(set(before) - {s.model for s in specs})
    if left:
        more = f" and {len(left) - 3} other(s)" if len(left) > 3 else ""
        raise PublishError(
            f"a PII salt rotation must publish every dataset at once: "
            f"{', '.join(left[:3])}{more} would keep the old salt's hashes next to the new; "
            "run without --select"
        )
    notice(
        f"export: PII salt rotated (fingerprint {first} -> {new}): every email_sha256 differs from "
        "the previous version"
    )


def _check_root(out: Path) -> None:
    pointer = out / CURRENT
    if pointer.exists() and not pointer.is_symlink():
        raise PublishError(
            f"{pointer} is a real folder or file, not the version pointer this tool "
            "writes; move it away and run again"
        )


def _check(con: duckdb.DuckDBPyConnection, spec: ExportSpec, cfg: ExportConfig) -> list[tuple[str, str]]:
    columns = table_columns(con, spec, cfg.duckdb)
    link = cfg.out / spec.model
    if link.is_symlink():
        if link.readlink() != model_link_target(spec.model) and not legacy_link_target(cfg.out, spec.model):
            raise PublishError(
                f"dataset {spec.model}: {link} links to {link.readlink()}, not to "
                f"{model_link_target(spec.model)} (made by hand?); move it away and run again"
            )
    elif link.exists():
        raise PublishError(
            f"dataset {spec.model}: {link} is a real folder or file, not a published "
            "link (written by hand or by an older tool?); move it away and run again"
        )
    month_of = spec.parquet.partition_by_month_of
    if month_of:
        clash = [c for c, _ in columns if c in PARTITION_COLUMNS]
        if clash:
            raise PublishError(
                f"dataset {spec.model}: column(s) {', '.join(clash)} clash with the Hive "
                "partition columns year/month; rename them in the model"
            )
        nulls = con.execute(
            f"select count(*) from {spec.relation} where {sql_identifier(month_of)} is null"
        ).fetchone()[0]
        if nulls:
            raise PublishError(
                f"dataset {spec.model}: {nulls} rows have no {month_of}, so they have no "
                "year/month partition; fix the model (its tests should catch this)"
            )
    return columns


def _plan(con: duckdb.DuckDBPyConnection, spec: ExportSpec, cfg: ExportConfig) -> DatasetResult:
    rows = con.execute(f"select count(*) from {spec.relation}").fetchone()[0]
    month_of = spec.parquet.partition_by_month_of
    partitions = 0
    if month_of:
        partitions = con.execute(
            f"select count(distinct date_trunc('month', {sql_identifier(month_of)})) from {spec.relation}"
        ).fetchone()[0]
    current = current_version(cfg.out)
    return DatasetResult(
        spec.model,
        "parquet",
        "planned",
        rows=rows,
        location=str(cfg.out / spec.model),
        version=current.name if current else None,
        partitions=partitions,
        note=f"partitioned by month of {month_of}" if month_of else None,
    )


def _select_items(spec: ExportSpec, columns: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The written columns (with the Hive partition columns of a fact) and the sort key."""
    items = []
    for name, data_type in columns:
        # HUGEINT would land in Parquet as DOUBLE (DuckDB has no 128-bit Parquet integer); BIGINT
        # keeps it exact, and the cast fails loudly instead of rounding if a value does not fit.
        cast = re.sub(r"\b(U?)HUGEINT\b", lambda m: f"{m[1]}BIGINT", data_type)
        items.append(
            f"cast({sql_identifier(name)} as {cast}) as {sql_identifier(name)}"
            if cast != data_type
            else sql_identifier(name)
        )
    names = [n for n, _ in columns]
    key = [k for k in spec.primary_key if k in names] or names[:1]
    month_of = spec.parquet.partition_by_month_of
    if month_of:
        items += [
            f"year({sql_identifier(month_of)}) as year",
            f"lpad(cast(month({sql_identifier(month_of)}) as varchar), 2, '0') as month",
        ]
        key = [month_of, *[k for k in key if k != month_of]]
    return items, key


def _select_sql(
    spec: ExportSpec, columns: list[tuple[str, str]], partitions: list[tuple[int, int]] | None = None
) -> str:
    """The ordered query a dataset is written from; with ``partitions`` (year, month) only
    the rows of those months of a fact."""
    items, key = _select_items(spec, columns)
    where = ""
    if partitions is not None:
        month_of = sql_identifier(spec.parquet.partition_by_month_of)
        months = ", ".join(f"({int(y)}, {int(m)})" for y, m in partitions)
        where = f" where (year({month_of}), month({month_of})) in ({months})"
    return (
        f"select {', '.join(items)} from {spec.relation}{where} "
        f"order by {', '.join(sql_identifier(k) for k in key)}"
    )


def _year_month(partition: str) -> tuple[int, int]:
    """``year=2024/month=03`` -> (2024, 3)."""
    year, month = (part.split("=", 1)[1] for part in partition.split("/"))
    return int(year), int(month)


def _partition_recipe(spec: ExportSpec, columns: list[tuple[str, str]]) -> str:
    """What a partition's bytes depend on besides its rows: the query, the columns' names and
    types (an int column that became bigint hashes its values alike, but writes another Parquet
    schema), the writer and its options. Fingerprints recorded under another recipe are not
    compared, so every month is written again."""
    described = {
        "version": PARTITION_FINGERPRINT_VERSION,
        "columns": [[name, data_type] for name, data_type in columns],
        "select": _select_sql(spec, columns),
        "row_hash": _row_hash_sql(columns),
        "row_group_size": ROW_GROUP_SIZE,
        "compression": "zstd",
        "duckdb": duckdb.__version__,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:32]


def _row_hash_sql(columns: list[tuple[str, str]]) -> str:
    """DuckDB's hash of a written row ``t``: of the row itself when every column is flat, of its
    text when one is a list, struct, map or union - hash() does not see their structure
    (NULL, [] and [NULL] hash alike), the text does (3.6x the cost on the scale-10 facts)."""
    nested = any(
        re.search(r"\[|\b(STRUCT|MAP|UNION)\b", data_type, re.IGNORECASE) for _, data_type in columns
    )
    return "hash(t::varchar)" if nested else "hash(t)"


def _is_as_recorded(file: Path, entry: dict) -> bool:
    """``file`` has the size and sha256 its manifest entry records (the size first: cheap)."""
    if file.stat().st_size != entry["bytes"]:
        return False
    with open(file, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest() == entry["sha256"]


def _partition_fingerprints(
    con: duckdb.DuckDBPyConnection, spec: ExportSpec, columns: list[tuple[str, str]]
) -> dict[str, str]:
    """``year=YYYY/month=MM`` -> "rows:sum of DuckDB's hash of each written row" for every month
    of a fact: one scan, no Parquet written. Equal rows give equal sums; a duplicated row
    counts twice (a sum, not an xor)."""
    items, _ = _select_items(spec, columns)
    rows = con.execute(
        f"select year, month, count(*), sum({_row_hash_sql(columns)}::hugeint) from (select "
        f"{', '.join(items)} from {spec.relation}) t group by year, month order by year, month"
    ).fetchall()
    return {f"year={y}/month={m}": f"{n}:{h}" for y, m, n, h in rows}


def _reusable_partitions(
    base_dataset: Path | None, recipe: str, fingerprints: dict[str, str]
) -> dict[str, list[dict]]:
    """The partitions of the published dataset that hold exactly the rows the run would write
    (same recipe, same fingerprint) and whose files are all still there as recorded (size, then
    sha256: a file edited by hand is written again, not linked): partition -> its files'
    manifest entries."""
    if base_dataset is None:
        return {}
    try:
        body = json.loads((base_dataset / MANIFEST).read_text())
        recorded = body.get("partition_fingerprints") or {}
        if recorded.get("recipe") != recipe:
            return {}
        files: dict[str, list[dict]] = {}
        for file in body["files"]:
            files.setdefault(file["path"].rsplit("/", 1)[0], []).append(file)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    reusable = {}
    for partition, fingerprint in fingerprints.items():
        entries = files.get(partition)
        if not entries or (recorded.get("partitions") or {}).get(partition) != fingerprint:
            continue
        try:
            intact = all(_is_as_recorded(base_dataset / f["path"], f) for f in entries)
        except (OSError, KeyError, TypeError):
            intact = False
        if intact:
            reusable[partition] = entries
    return reusable


def _provenance(manifest: ExportManifest, build: BuildRecord | None) -> dict:
    """The dbt run a dataset comes from: the build the guard checked (not the invocation that
    last wrote the manifest, e.g. `dbt docs generate`, which built nothing)."""
    dbt = {
        "manifest_invocation_id": manifest.invocation_id,
        "generated_at": manifest.generated_at,
        "dbt_version": manifest.dbt_version,
    }
    if build is None:
        return {"invocation_id": manifest.invocation_id, "build_checked": False, **dbt}
    return {
        "invocation_id": build.invocation_id,
        "build_checked": True,
        "command": build.command,
        "target_name": build.target_name,
        "started_at": build.started_at,
        "finished_at": build.finished_at,
        "pii_salt_fingerprint": build.pii_salt_fingerprint,
        "enabled_sources": build.enabled_sources.split(",") if build.enabled_sources else None,
        **dbt,
    }


def _stage(
    con: duckdb.DuckDBPyConnection,
    spec: ExportSpec,
    columns: list[tuple[str, str]],
    staging_root: Path,
    run_id: str,
    dbt: dict,
    lineage: dict,
    base: Path | None = None,
) -> _Staged:
    """Write one dataset into the staging folder. A fact in ``--mode incremental`` (``base``:
    the published version) writes only the months whose rows differ from the published ones
    (see _partition_fingerprints) and hardlinks the others' files: the same bytes a full
    write gives them, since each month is written from the same ordered rows."""
    t0 = time.perf_counter()
    path = staging_root / spec.model
    path.mkdir(parents=True)
    month_of = spec.parquet.partition_by_month_of
    options = f"format parquet, compression zstd, row_group_size {ROW_GROUP_SIZE}"
    fingerprints: dict[str, str] = {}
    carried: dict[str, list[dict]] = {}
    recipe = None
    try:
        if month_of:
            recipe = _partition_recipe(spec, columns)
            fingerprints = _partition_fingerprints(con, spec, columns)
            carried = _reusable_partitions(base / spec.model if base else None, recipe, fingerprints)
            todo = [_year_month(p) for p in fingerprints if p not in carried] if carried else None
            written = 0
            if todo is None or todo:
                con.execute("set threads = 1")  # deterministic row order inside each partition (see top)
                try:
                    written = con.execute(
                        f"copy ({_select_sql(spec, columns, todo)}) to {sql_string(path)} "
                        f"({options}, partition_by (year, month), "
                        "overwrite_or_ignore true)"
                    ).fetchone()[0]
                finally:
                    con.execute("reset threads")
        else:
            written = con.execute(
                f"copy ({_select_sql(spec, columns)}) to {sql_string(path / 'data_0.parquet')} ({options})"
            ).fetchone()[0]
    except duckdb.Error as exc:
        raise PublishError(
            f"dataset {spec.model}: writing Parquet from {spec.schema}.{spec.table} failed "
            f"({first_line(exc)}); nothing was published, the current versions are "
            "unchanged"
        ) from exc
    files = []
    for file in sorted(path.rglob("*.parquet")):
        meta = pq.ParquetFile(file).metadata
        with open(file, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            os.fsync(fh.fileno())
        files.append(
            {
                "path": file.relative_to(path).as_posix(),
                "rows": meta.num_rows,
                "bytes": file.stat().st_size,
                "sha256": digest,
            }
        )
    rows = sum(f["rows"] for f in files)
    if rows != written:
        raise PublishError(
            f"dataset {spec.model}: DuckDB reported {written} rows written but the files "
            f"hold {rows}; nothing was published"
        )
    for entries in carried.values():  # the published files of the unchanged months, as they are
        for entry in entries:
            target = path / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(base / spec.model / entry["path"], target)
            except OSError:
                shutil.copy2(base / spec.model / entry["path"], target)
            files.append({k: entry[k] for k in ("path", "rows", "bytes", "sha256")})
    files.sort(key=lambda f: f["path"])
    rows = sum(f["rows"] for f in files)
    schema = pq.ParquetFile(path / files[0]["path"]).schema_arrow if files else None
    partitioning = None
    if month_of:
        partitioning = {
            "flavor": "hive",
            "columns": list(PARTITION_COLUMNS),
            "from_column": month_of,
            "layout": "year=YYYY/month=MM (month zero-padded)",
            # what readers infer from the folder names (see docs/exports.md)
            "inferred_types": {
                "duckdb": {"year": "BIGINT", "month": "VARCHAR"},
                "pyarrow": {"year": "int32", "month": "int32"},
            },
            "partitions": len({f["path"].rsplit("/", 1)[0] for f in files}),
        }
    body = {
        "model": spec.model,
        "dbt_unique_id": spec.unique_id,
        "source_table": f"{spec.schema}.{spec.table}",
        "run_id": run_id,
        "version": run_id,
        "rows": rows,
        "schema": [{"name": f.name, "type": str(f.type)} for f in schema] if schema is not None else [],
        "order_by": _select_sql(spec, columns).rsplit(" order by ", 1)[1],
        "partitioning": partitioning,
        "files": files,
        # per month: "rows:sum of row hashes", what the next incremental run compares
        "partition_fingerprints": {"recipe": recipe, "partitions": fingerprints} if month_of else None,
        "dbt": dbt,
        "sources": lineage,
        "format": {
            "compression": "zstd",
            "row_group_size": ROW_GROUP_SIZE,
            "writer": f"duckdb {duckdb.__version__}",
        },
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_durable(path / MANIFEST, json.dumps(body, indent=2, sort_keys=True) + "\n")
    result = DatasetResult(
        spec.model,
        "parquet",
        "published",
        rows=rows,
        seconds=round(time.perf_counter() - t0, 3),
        files=len(files),
        bytes=sum(f["bytes"] for f in files),
        partitions=partitioning["partitions"] if partitioning else 0,
        note=(
            f"{len(fingerprints) - len(carried)} of {len(fingerprints)} month partitions written; "
            f"the {len(carried)} unchanged since version {base.name} hardlinked"
            if carried and base is not None
            else None
        ),
    )
    return _Staged(spec, path, body, result, files)


def _assemble_and_swap(
    cfg: ExportConfig, staged: list[_Staged], staging_root: Path, run_id: str, progress: Say
) -> list[DatasetResult]:
    """Complete the staged set with the datasets this run leaves as they are (hardlinked from
    the published version), then publish it with one swap of ``.current``."""
    out, base = cfg.out, current_version(cfg.out)
    results, changed = [], False
    for item in staged:
        model, result = item.spec.model, item.result
        result.location = str(out / model)
        if cfg.mode == "incremental" and base is not None and _same_files(base / model, item.manifest):
            written_by = json.loads((base / model / MANIFEST).read_text()).get("run_id")
            shutil.rmtree(item.path)
            _carry(base / model, item.path, run_id)  # the published inodes, not a second copy
            result.status = "unchanged"
            result.note = f"files identical to those written by run {written_by}; kept them"
        else:
            changed = True
        results.append(result)
    if not changed:  # incremental and nothing differs: the published version stays as it is
        for result in results:
            result.version = base.name
        return results
    if base is not None:
        t0 = time.perf_counter()
        others = [p for p in sorted(base.iterdir()) if p.is_dir() and not (staging_root / p.name).exists()]
        for src in others:
            _carry(src, staging_root / src.name, run_id)
            _pause_for_tests()
        if others:
            progress(
                f"export: parquet {len(others)} dataset(s) not selected carried into version "
                f"{run_id} (hardlinks) {time.perf_counter() - t0:7.2f}s"
            )
    _commit(out, staging_root, run_id)
    for result in results:
        result.version = run_id
    return results


def _carry(src: Path, dst: Path, run_id: str) -> None:
    """``src`` (a dataset folder of an older version) as part of version ``run_id``: the data
    files its manifest lists, hardlinked (published files are never changed in place, so
    versions may share them; copied where the file system refuses links), and its manifest
    with the new version. Anything else in the folder (put there by hand) stays behind."""
    body = json.loads((src / MANIFEST).read_text())
    dst.mkdir(parents=True)
    for file in body["files"]:
        target = dst / file["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src / file["path"], target)
        except OSError:
            shutil.copy2(src / file["path"], target)
    body["version"] = run_id
    _write_durable(dst / MANIFEST, json.dumps(body, indent=2, sort_keys=True) + "\n")


def _commit(out: Path, staging_root: Path, run_id: str) -> None:
    """Write the version marker, move the staged set to ``.versions/<run_id>`` and point
    ``.current`` at it with one rename. Links of datasets new to the folder are made first
    (they dangle until the swap: the old version has no such dataset); links of the old
    per-dataset layout are repointed after it."""
    datasets = {}
    for folder in sorted(p for p in staging_root.iterdir() if p.is_dir()):
        raw = (folder / MANIFEST).read_bytes()
        body = json.loads(raw)
        datasets[folder.name] = {
            "run_id": body.get("run_id"),
            "rows": body.get("rows"),
            "manifest_sha256": hashlib.sha256(raw).hexdigest(),
        }
    marker = {
        "version": run_id,
        "datasets": datasets,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_durable(staging_root / MARKER, json.dumps(marker, indent=2, sort_keys=True) + "\n")
    for folder in sorted(p for p in staging_root.rglob("*") if p.is_dir()):
        _fsync_dir(folder)
    version = out / VERSIONS / run_id
    version.parent.mkdir(exist_ok=True)
    staging_root.rename(version)
    _fsync_dir(version.parent)
    _pause_for_tests()
    for model in datasets:
        if not (out / model).is_symlink():
            _point(out / model, model_link_target(model), run_id)
            _pause_for_tests()
    _point(out / CURRENT, Path(VERSIONS) / run_id, run_id)  # the publish: one rename
    _pause_for_tests()
    for model in datasets:
        if legacy_link_target(out, model):
            _point(out / model, model_link_target(model), run_id)
            _pause_for_tests()


def _point(link: Path, target: Path, run_id: str) -> None:
    """Make ``link`` point to ``target`` (relative) with one atomic rename over it."""
    tmp = link.parent / f"{LINK_PREFIX}{run_id}-{link.name}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _fsync_dir(link.parent)


def _upgrade_legacy(out: Path, run_id: str) -> int:
    """Move a folder of the per-dataset layout (``<model>`` -> ``.versions/<model>/<run_id>``)
    to the version pointer: a first version is assembled from exactly the files the links
    show now, published, and only then is each link repointed, so every repoint shows the
    same data and a kill at any step leaves readers what they saw before. ``run_id`` names
    that first version (just before the export run's own)."""
    links = sorted(p.name for p in out.iterdir() if p.is_symlink() and p.name != CURRENT)
    legacy = [m for m in links if legacy_link_target(out, m)]
    if not legacy:
        _remove_legacy_dirs(out)  # left by an upgrade killed after its last repoint
        return 0
    staging_root = out / f"{STAGING_PREFIX}{run_id}"
    try:
        for model in links:
            src = (out / model).resolve()
            if (legacy_link_target(out, model) or (out / model).readlink() == model_link_target(model)) and (
                src / MANIFEST
            ).is_file():
                _carry(src, staging_root / model, run_id)
        _commit(out, staging_root, run_id)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    _remove_legacy_dirs(out)
    return len(legacy)


def _remove_legacy_dirs(out: Path) -> list[Path]:
    """``.versions/<model>/`` folders of the per-dataset layout, once no link points into them."""
    old = [p for p in sorted((out / VERSIONS).glob("*")) if p.is_dir() and not RUN_ID.match(p.name)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return old


def _same_files(dataset: Path, staged: dict) -> bool:
    """The published dataset has the staged files (path and sha256), each still as recorded
    (size and sha256: a file changed by hand is published again), and records the same partition
    fingerprints (else the next run could not compare with them: a dataset published before
    they existed, or under another recipe, is published again once)."""
    try:
        published = json.loads((dataset / MANIFEST).read_text())
        files = published["files"]
        if [(f["path"], f["sha256"]) for f in files] != [
            (f["path"], f["sha256"]) for f in staged["files"]
        ] or published.get("partition_fingerprints") != staged.get("partition_fingerprints"):
            return False
        return all(_is_as_recorded(dataset / f["path"], f) for f in files)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _remove_debris(out: Path) -> list[Path]:
    """Staging folders and temporary links of crashed runs, and versions a crashed run moved
    into place but never pointed to (newer than ``.current``). Caller holds the lock."""
    removed = []
    for path in sorted(out.glob(f"{STAGING_PREFIX}*")):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    for path in sorted(out.glob(f"{LINK_PREFIX}*")):
        path.unlink(missing_ok=True)
        removed.append(path)
    current = current_version(out)
    for version in sorted(p for p in (out / VERSIONS).glob("*") if RUN_ID.match(p.name)):
        if current is None or version.name > current.name:
            shutil.rmtree(version, ignore_errors=True)
            removed.append(version)
    return removed


def _prune(out: Path, keep: int) -> list[Path]:
    """Keep the version ``.current`` points to and the newest ``keep`` in all."""
    current = current_version(out)
    versions = sorted(p for p in (out / VERSIONS).glob("*") if RUN_ID.match(p.name))
    kept = {p.name for p in versions[-keep:]} | ({current.name} if current else set())
    old = [p for p in versions if p.name not in kept]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return old


def _check_run_id(out: Path, run_id: str) -> None:
    """The run's version must be the newest (retention keeps the newest; a version newer than
    ``.current`` is a crashed run's debris): its id was minted before this run held the lock,
    so a publish that ran meanwhile may have taken a later second. Caller holds the lock."""
    newer = [
        p.name for p in (out / VERSIONS).glob("*") if RUN_ID.match(p.name) and p.name[:16] >= run_id[:16]
    ]
    if newer:
        raise PublishError(
            f"another export published version {max(newer)} into {out} while this run "
            f"({run_id}) was starting; nothing was written, run again"
        )


def _write_durable(path: Path, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _lock(out: Path):
    busy = PublishError(f"another Parquet publish into {out} is running; try again when it has finished")
    return held(out / LOCK_NAME, busy)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
