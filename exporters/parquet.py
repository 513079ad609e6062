"""Publishing gold as Parquet for BI: every dataset rewritten from scratch, swapped in atomically.

    <out>/<model>                      symlink -> .versions/<model>/<run_id>  (what readers open)
    <out>/.versions/<model>/<run_id>/  one complete version: data_0.parquet, or for the facts
                                       year=YYYY/month=MM/data_0.parquet; plus _manifest.json
    <out>/.staging-<run_id>/<model>/   while a run writes (never read)
    <out>/.publish.lock                held by the running publish

Readers open ``<out>/<model>`` and resolve the link once; replacing the link is one
``os.replace`` (rename(2)), so a reader sees the old version or the new one, never a mix.
Every dataset is staged before any link changes, so a failed run publishes nothing. The
version a link pointed to before is kept for rollback and for readers still scanning it
(``keep``); older versions and the debris of crashed runs are removed by the next run.

Each link swap is atomic; the swaps of one run follow each other once everything is staged
(a reader opening two datasets in those milliseconds may see one new and one old version).

Reading: DuckDB ``read_parquet('<out>/<model>/**/*.parquet', hive_partitioning = true)`` and
``pyarrow.dataset.dataset('<out>/<model>', partitioning='hive')`` both follow the link (files
starting with ``_`` or ``.`` are not data). From ``month=03`` DuckDB infers month VARCHAR
('03': it only auto-casts when the text round-trips, and '03' -> 3 -> '3' does not) and year
BIGINT; pyarrow infers int32 for both. Filter on the date column (it is in the files), or
pass ``hive_types = {'year': INTEGER, 'month': INTEGER}`` to DuckDB.

Same gold tables -> byte-identical Parquet files: rows are ordered by the model's key (facts:
by date, then key), row groups have a fixed size, and the Hive-partitioned write runs on one
thread (DuckDB 1.5's partitioned writer appends each thread's chunks in arrival order, so
with two threads rows inside a partition came out in a different order run to run).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from aethermart.sql import sql_string
from exporters.config import ExportConfig
from exporters.errors import PublishError
from exporters.manifest import ExportManifest, ExportSpec
from exporters.result import DatasetResult
from exporters.warehouse import first_line, open_warehouse, source_lineage, table_columns

__all__ = ["PARTITION_COLUMNS", "ROW_GROUP_SIZE", "current_version", "publish_parquet"]

ROW_GROUP_SIZE = 122_880  # DuckDB's default, pinned: the file bytes depend on it
PARTITION_COLUMNS = ("year", "month")
VERSIONS = ".versions"
STAGING_PREFIX = ".staging-"
LINK_PREFIX = ".link-"
LOCK_NAME = ".publish.lock"
_RUN_ID = re.compile(r"^\d{8}T\d{6}Z$")

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class _Staged:
    spec: ExportSpec
    path: Path  # <out>/.staging-<run_id>/<model>
    manifest: dict
    result: DatasetResult
    files: list[dict] = field(default_factory=list)


def current_version(out: Path, model: str) -> Path | None:
    """The version folder ``<out>/<model>`` points to, or None when nothing is published."""
    link = out / model
    return link.resolve() if link.is_symlink() else None


def publish_parquet(specs: tuple[ExportSpec, ...], manifest: ExportManifest, cfg: ExportConfig, *,
                    notice: Say = _quiet, progress: Say = _quiet) -> list[DatasetResult]:
    """Write every dataset of ``specs`` and swap them in; returns one result per dataset."""
    con = open_warehouse(cfg.duckdb, memory_limit=cfg.memory_limit, temp_directory=cfg.temp_directory)
    try:
        columns = {s.model: _check(con, s, cfg) for s in specs}  # every table first, before any write
        if cfg.dry_run:
            return [_plan(con, s, cfg) for s in specs]
        cfg.out.mkdir(parents=True, exist_ok=True)
        with _lock(cfg.out):
            for path in _remove_debris(cfg.out):
                notice(f"export: removed {path} left by an interrupted run")
            run_id = _new_run_id(cfg.out)
            lineage = source_lineage(con)
            staging_root = cfg.out / f"{STAGING_PREFIX}{run_id}"
            try:
                staged = []
                for spec in specs:
                    staged.append(_stage(con, spec, columns[spec.model], staging_root, run_id,
                                         manifest, lineage))
                    r = staged[-1].result
                    progress(f"export: parquet {spec.model:<32} {r.rows:>12,} rows {r.seconds:7.2f}s")
                results = _swap_all(cfg, staged, run_id)
            finally:
                shutil.rmtree(staging_root, ignore_errors=True)
            pruned = [old for r in results if r.status == "published"
                      for old in _prune(cfg.out, r.model, cfg.keep)]
            if pruned:
                notice(f"export: removed {len(pruned)} old version(s) under {cfg.out / VERSIONS} "
                       f"(keeping {cfg.keep} per dataset)")
            return results
    finally:
        con.close()


def _check(con: duckdb.DuckDBPyConnection, spec: ExportSpec, cfg: ExportConfig) -> list[tuple[str, str]]:
    columns = table_columns(con, spec, cfg.duckdb)
    link = cfg.out / spec.model
    if link.exists() and not link.is_symlink():
        raise PublishError(f"dataset {spec.model}: {link} is a real folder or file, not a published "
                           "link (written by hand or by an older tool?); move it away and run again")
    month_of = spec.parquet.partition_by_month_of
    if month_of:
        clash = [c for c, _ in columns if c in PARTITION_COLUMNS]
        if clash:
            raise PublishError(f"dataset {spec.model}: column(s) {', '.join(clash)} clash with the Hive "
                               "partition columns year/month; rename them in the model")
        nulls = con.execute(f"select count(*) from {spec.relation} "
                            f"where {_q(month_of)} is null").fetchone()[0]
        if nulls:
            raise PublishError(f"dataset {spec.model}: {nulls} rows have no {month_of}, so they have no "
                               "year/month partition; fix the model (its tests should catch this)")
    return columns


def _plan(con: duckdb.DuckDBPyConnection, spec: ExportSpec, cfg: ExportConfig) -> DatasetResult:
    rows = con.execute(f"select count(*) from {spec.relation}").fetchone()[0]
    month_of = spec.parquet.partition_by_month_of
    partitions = 0
    if month_of:
        partitions = con.execute(f"select count(distinct date_trunc('month', {_q(month_of)})) "
                                 f"from {spec.relation}").fetchone()[0]
    current = current_version(cfg.out, spec.model)
    return DatasetResult(spec.model, "parquet", "planned", rows=rows, location=str(cfg.out / spec.model),
                         version=current.name if current else None, partitions=partitions,
                         note=f"partitioned by month of {month_of}" if month_of else None)


def _select_sql(spec: ExportSpec, columns: list[tuple[str, str]]) -> str:
    """The ordered query a dataset is written from."""
    items = []
    for name, data_type in columns:
        # HUGEINT would land in Parquet as DOUBLE (DuckDB has no 128-bit Parquet integer); BIGINT
        # keeps it exact, and the cast fails loudly instead of rounding if a value does not fit.
        cast = re.sub(r"\b(U?)HUGEINT\b", lambda m: f"{m[1]}BIGINT", data_type)
        items.append(f"cast({_q(name)} as {cast}) as {_q(name)}" if cast != data_type else _q(name))
    names = [n for n, _ in columns]
    key = [k for k in spec.primary_key if k in names] or names[:1]
    month_of = spec.parquet.partition_by_month_of
    if month_of:
        items += [f"year({_q(month_of)}) as year",
                  f"lpad(cast(month({_q(month_of)}) as varchar), 2, '0') as month"]
        key = [month_of, *[k for k in key if k != month_of]]
    return f"select {', '.join(items)} from {spec.relation} order by {', '.join(_q(k) for k in key)}"


def _stage(con: duckdb.DuckDBPyConnection, spec: ExportSpec, columns: list[tuple[str, str]],
           staging_root: Path, run_id: str, manifest: ExportManifest, lineage: dict) -> _Staged:
    t0 = time.perf_counter()
    path = staging_root / spec.model
    path.mkdir(parents=True)
    month_of = spec.parquet.partition_by_month_of
    options = f"format parquet, compression zstd, row_group_size {ROW_GROUP_SIZE}"
    try:
        if month_of:
            con.execute("set threads = 1")  # deterministic row order inside each partition (see top)
            try:
                written = con.execute(f"copy ({_select_sql(spec, columns)}) to {sql_string(path)} "
                                      f"({options}, partition_by (year, month), "
                                      "overwrite_or_ignore true)").fetchone()[0]
            finally:
                con.execute("reset threads")
        else:
            written = con.execute(f"copy ({_select_sql(spec, columns)}) to "
                                  f"{sql_string(path / 'data_0.parquet')} ({options})").fetchone()[0]
    except duckdb.Error as exc:
        raise PublishError(f"dataset {spec.model}: writing Parquet from {spec.schema}.{spec.table} failed "
                           f"({first_line(exc)}); nothing was published, the current versions are "
                           "unchanged") from None
    files, schema = [], None
    for file in sorted(path.rglob("*.parquet")):
        meta = pq.ParquetFile(file).metadata
        if schema is None:
            schema = meta.schema.to_arrow_schema()
        with open(file, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            os.fsync(fh.fileno())
        files.append({"path": file.relative_to(path).as_posix(), "rows": meta.num_rows,
                      "bytes": file.stat().st_size, "sha256": digest})
    rows = sum(f["rows"] for f in files)
    if rows != written:
        raise PublishError(f"dataset {spec.model}: DuckDB reported {written} rows written but the files "
                           f"hold {rows}; nothing was published")
    partitioning = None
    if month_of:
        partitioning = {
            "flavor": "hive", "columns": list(PARTITION_COLUMNS), "from_column": month_of,
            "layout": "year=YYYY/month=MM (month zero-padded)",
            # what readers infer from the folder names (see the README)
            "inferred_types": {"duckdb": {"year": "BIGINT", "month": "VARCHAR"},
                               "pyarrow": {"year": "int32", "month": "int32"}},
            "partitions": len({f["path"].rsplit("/", 1)[0] for f in files}),
        }
    body = {
        "model": spec.model, "dbt_unique_id": spec.unique_id,
        "source_table": f"{spec.schema}.{spec.table}", "run_id": run_id, "rows": rows,
        "schema": [{"name": f.name, "type": str(f.type)} for f in schema] if schema is not None else [],
        "order_by": _select_sql(spec, columns).rsplit(" order by ", 1)[1],
        "partitioning": partitioning, "files": files,
        "dbt": {"invocation_id": manifest.invocation_id, "generated_at": manifest.generated_at,
                "dbt_version": manifest.dbt_version},
        "sources": lineage,
        "format": {"compression": "zstd", "row_group_size": ROW_GROUP_SIZE,
                   "writer": f"duckdb {duckdb.__version__}"},
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (path / "_manifest.json").write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    result = DatasetResult(spec.model, "parquet", "published", rows=rows,
                           seconds=round(time.perf_counter() - t0, 3),
                           files=len(files), bytes=sum(f["bytes"] for f in files),
                           partitions=partitioning["partitions"] if partitioning else 0)
    return _Staged(spec, path, body, result, files)


def _swap_all(cfg: ExportConfig, staged: list[_Staged], run_id: str) -> list[DatasetResult]:
    """Move each staged dataset to its version folder and repoint its link. Ctrl-C and SIGTERM
    wait until the last link is replaced, so a run publishes all of its datasets or none."""
    _fsync_dir(cfg.out)
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        results = []
        for item in staged:
            model, result = item.spec.model, item.result
            link = cfg.out / model
            result.location = str(link)
            current = current_version(cfg.out, model)
            if cfg.mode == "incremental" and current is not None and _same_files(current, item.files):
                result.status, result.version = "unchanged", current.name
                result.note = "identical to the published version; kept it"
                results.append(result)
                continue
            version = cfg.out / VERSIONS / model / run_id
            version.parent.mkdir(parents=True, exist_ok=True)
            item.path.rename(version)
            _fsync_dir(version.parent)
            tmp = cfg.out / f"{LINK_PREFIX}{run_id}-{model}"
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            os.symlink(Path(VERSIONS) / model / run_id, tmp)  # relative: the folder can move
            os.replace(tmp, link)
            _fsync_dir(cfg.out)
            result.version = run_id
            results.append(result)
        return results
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def _same_files(version: Path, files: list[dict]) -> bool:
    try:
        published = json.loads((version / "_manifest.json").read_text())["files"]
    except (OSError, ValueError, KeyError):
        return False
    return ([(f["path"], f["sha256"]) for f in published] == [(f["path"], f["sha256"]) for f in files])


def _remove_debris(out: Path) -> list[Path]:
    """Staging folders and temporary links of crashed runs, and versions a crashed run moved
    into place but never linked (newer than what the link points to). Caller holds the lock."""
    removed = []
    for path in sorted(out.glob(f"{STAGING_PREFIX}*")):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    for path in sorted(out.glob(f"{LINK_PREFIX}*")):
        path.unlink(missing_ok=True)
        removed.append(path)
    for model_dir in sorted(p for p in (out / VERSIONS).glob("*") if p.is_dir()):
        current = current_version(out, model_dir.name)
        for version in sorted(p for p in model_dir.iterdir() if _RUN_ID.match(p.name)):
            if current is None or version.name > current.name:
                shutil.rmtree(version, ignore_errors=True)
                removed.append(version)
    return removed


def _prune(out: Path, model: str, keep: int) -> list[Path]:
    """Keep the version the link points to and the newest ``keep`` in all."""
    current = current_version(out, model)
    versions = sorted(p for p in (out / VERSIONS / model).iterdir() if _RUN_ID.match(p.name))
    kept = {p.name for p in versions[-keep:]} | ({current.name} if current else set())
    old = [p for p in versions if p.name not in kept]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return old


def _new_run_id(out: Path) -> str:
    """UTC start time, and always later than every existing version (retention keeps the newest)."""
    existing = sorted(p.name for p in (out / VERSIONS).glob("*/*") if _RUN_ID.match(p.name))
    now = datetime.now(UTC).replace(microsecond=0)
    if existing:
        latest = datetime.strptime(existing[-1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        now = max(now, latest + timedelta(seconds=1))
    return now.strftime("%Y%m%dT%H%M%SZ")


@contextlib.contextmanager
def _lock(out: Path):
    lock = open(out / LOCK_NAME, "w")  # noqa: SIM115 - held for the run
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another Parquet publish into {out} is running; try again when it has "
                               "finished") from None
        yield
    finally:
        lock.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'



