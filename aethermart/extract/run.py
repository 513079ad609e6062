"""One extraction run: every configured table streamed into a staged Parquet extraction
from one consistent snapshot of the database, then all published together, so dbt only
ever sees complete extractions. A snapshot table whose content is the same as its newest
extraction's is not staged (content_fingerprint.py); its check is recorded instead."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from aethermart.extract.casting import (
    CONVERSION_ERRORS,
    BatchCaster,
    LandedColumn,
    declared_type,
    incompatibility,
    landed_schema,
    server_family,
)
from aethermart.extract.config import ColumnSpec, ExtractConfig, TableSpec
from aethermart.extract.content_fingerprint import landed_files, landed_fingerprint, server_fingerprint
from aethermart.extract.errors import ExtractError, SchemaError
from aethermart.extract.key_chunks import KeyChunks, delta_ranges, server_chunks
from aethermart.extract.landing_writer import (
    TableWriter,
    discard_extraction,
    prune_extractions,
    publish_all,
    record_check,
    recover_interrupted,
)
from aethermart.extract.result import ExtractResult, TableResult
from aethermart.extract.types import arrow_type, to_arrow
from aethermart.filelock import held
from aethermart.mariadb_client import connect
from aethermart.mariadb_client import quote_identifier as _quote
from aethermart.mariadb_url import MariaDBURL

__all__ = ["extract"]


# Columns bronze's reader adds to every MariaDB row (read_parquet's filename and
# file_row_number, the hive partition) and the extractor's own: a server column of that name
# outside the contract would make the bronze view fail to bind ("Option filename adds column
# filename, but a column with this name is also in the file"). Such a column is not landed.
_READER_COLUMNS = ("filename", "file_row_number", "extraction_id", CONVERSION_ERRORS)


def _not_landed(name: str) -> str | None:
    """Why a server column outside the contract is not landed, or None."""
    if name.lower() in _READER_COLUMNS:
        return (
            f"not landed: its name is taken by the column bronze adds to every row "
            f"({', '.join(_READER_COLUMNS)}); to land it, map it under another name with "
            "`meta: {source_column: " + name + "}`"
        )
    return None


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def _new_extraction_id(landing: Path) -> str:
    """UTC start time, and always later than every existing id (retention keeps the newest)."""
    existing = sorted(p.name.split("=", 1)[1] for p in (landing / "mariadb").glob("*/extraction_id=*"))
    now = datetime.now(UTC).replace(microsecond=0)
    if existing:
        latest = datetime.strptime(existing[-1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        now = max(now, latest + timedelta(seconds=1))
    return now.strftime("%Y%m%dT%H%M%SZ")


def _server_columns(cur, table: str) -> list[tuple]:
    cur.execute(
        "select column_name, data_type, column_type, numeric_precision, numeric_scale, is_nullable "
        "from information_schema.columns where table_schema = database() and table_name = %s "
        "order by ordinal_position",
        (table,),
    )
    # the connection returns text; precision and scale are numbers
    return [
        (
            name,
            dt,
            ct,
            int(p) if p is not None else None,
            int(sc) if sc is not None else None,
            nullable == "YES",
        )
        for name, dt, ct, p, sc, nullable in cur.fetchall()
    ]


def _previous_types(landing: Path, table: str) -> tuple[str, dict[str, str]] | None:
    published = sorted((landing / "mariadb" / table).glob("extraction_id=*/_manifest.json"))
    if not published:
        return None
    try:
        manifest = json.loads(published[-1].read_text())
        return manifest["extraction_id"], {c["name"]: c["type"] for c in manifest["columns"]}
    except (ValueError, KeyError) as exc:
        raise ExtractError(
            f"manifest {published[-1]} is unreadable ({exc}); remove that extraction "
            "folder or repair the file"
        ) from exc


def _last_watermark(landing: Path, spec: TableSpec) -> str | None:
    """The highest watermark value any published extraction of the table has read; None
    (take a snapshot) when the newest extraction is a delta of a keyed snapshot table, whose
    silver rows need a snapshot after them before incremental ones."""
    best = None
    published = sorted((landing / "mariadb" / spec.name).glob("extraction_id=*/_manifest.json"))
    if published and json.loads(published[-1].read_text()).get("mode") == "delta":
        return None
    for path in published:
        mark = json.loads(path.read_text()).get("watermark") or {}
        if mark.get("column") == spec.watermark and mark.get("max") is not None:
            best = mark["max"] if best is None or _key(mark["max"]) > _key(best) else best
    return best


def _key(value: str):
    return (0, int(value)) if value.lstrip("-").isdigit() else (1, value)


def _lower_bound(spec: TableSpec, last: str) -> str:
    """Strictly-greater-than bound: the last watermark minus the safety overlap."""
    if last.lstrip("-").isdigit():
        return str(int(last) - spec.overlap)
    day = datetime.strptime(last[:10], "%Y-%m-%d") - timedelta(days=spec.overlap)
    return day.strftime("%Y-%m-%d") + last[10:]


def _where(spec: TableSpec, column: ColumnSpec | None = None) -> str:
    """Where in the YAML to write a mapping: `column price of Order_Items (line 160 of …)`."""
    line = column.line if column is not None else spec.line
    place = f"column {column.name} of {spec.name}" if column is not None else f"table {spec.name}"
    path = spec.yaml_path.name if spec.yaml_path is not None else "the sources YAML"
    return f"{place} ({path}, line {line})" if line else f"{place} ({path})"


def _drift(spec: TableSpec, schema: pa.Schema, landing: Path, allow_type_change: bool) -> list[str]:
    """Differences between this extraction's landed types and the previous extraction's."""
    previous = _previous_types(landing, spec.name)
    if not previous or allow_type_change:
        return []
    prev_id, prev_types = previous
    declared = {c.name: c for c in spec.contract}
    out = []
    for f in schema:
        if f.name in prev_types and prev_types[f.name] != str(f.type):
            column = declared.get(f.name)
            hint = (
                "; if intended, run again with --allow-type-change, or declare the landed type "
                f"once with `data_type: ...` under {_where(spec, column)}"
                if column is not None and column.data_type is None
                else "; if intended, run again with --allow-type-change"
            )
            out.append(
                f"table {spec.name}, column {f.name}: type changed from {prev_types[f.name]} "
                f"(extraction {prev_id}) to {f.type}{hint}"
            )
    return out


def _nullability(spec: TableSpec, columns: dict[str, tuple]) -> list[str]:
    out = []
    for column in spec.contract:
        server = columns.get(column.server_name.lower())
        if column.not_null and server is not None and server[5]:
            out.append(
                f"table {spec.name}, column {column.name}: declared not_null, but "
                f"{spec.server_table}.{server[0]} is nullable in MariaDB; make it NOT NULL there "
                f"or remove not_null from {_where(spec, column)}"
            )
    return out


def _schema(
    spec: TableSpec, columns: list[tuple], landing: Path, allow_type_change: bool
) -> tuple[pa.Schema | None, dict[str, str], list[str]]:
    """Landed schema of an unmapped table (every server column, the server's types), notes,
    and the differences that stop the run."""
    names = [c[0] for c in columns]
    missing = [c for c in spec.columns if c not in names]
    if missing:
        unclaimed = [n for n in names if n not in spec.columns]
        hints = [_column_hint(spec, column, unclaimed) for column in spec.contract if column.name in missing]
        return (
            None,
            {},
            [
                f"table {spec.name} has no column(s) {', '.join(missing)} "
                f"(it has: {', '.join(names)}); renamed or dropped in MariaDB? " + "; ".join(hints),
                *_nullability(spec, {c[0].lower(): c for c in columns}),
            ],
        )
    fields, notes = [], {}
    for name, dt, ct, precision, scale, nullable in columns:
        if name not in spec.columns and (skip := _not_landed(name)):
            notes[name] = skip
            continue
        arrow, note = arrow_type(dt, ct, precision, scale)
        if note:
            notes[name] = note
        # a zero date lands as NULL, so date columns are nullable even when NOT NULL in MariaDB
        nullable = nullable or pa.types.is_date(arrow) or pa.types.is_timestamp(arrow)
        fields.append(pa.field(name, arrow, nullable=nullable))
    schema = pa.schema(fields)
    by_name = {c[0].lower(): c for c in columns}
    return schema, notes, _drift(spec, schema, landing, allow_type_change) + _nullability(spec, by_name)


def _column_hint(spec: TableSpec, column: ColumnSpec, unclaimed: list[str]) -> str:
    table = spec.server_table
    if len(unclaimed) == 1:
        return (
            f"{table}.{unclaimed[0]} exists, {column.server_name} does not: add "
            f"`meta: {{source_column: {unclaimed[0]}}}` under {_where(spec, column)}"
        )
    if unclaimed:
        return (
            f"{table}.{column.server_name} does not exist: add `meta: {{source_column: <one of "
            f"{', '.join(unclaimed)}>}}` under {_where(spec, column)}, or add the column to MariaDB"
        )
    return f"{table}.{column.server_name} does not exist: add the column to MariaDB"


def _mapped_columns(
    spec: TableSpec, columns: list[tuple]
) -> tuple[list[LandedColumn], list[str], dict[str, str]]:
    """The landed columns of a table with a declared contract, the differences, and the server
    columns outside the contract that are not landed (name: why)."""
    by_name: dict[str, list[tuple]] = {}
    for c in columns:
        by_name.setdefault(c[0].lower(), []).append(c)
    claimed = {c.server_name.lower() for c in spec.contract}
    unclaimed = [c[0] for c in columns if c[0].lower() not in claimed]
    landed, problems, missing = [], [], []
    for column in spec.contract:
        try:
            declared = declared_type(column.data_type) if column.data_type else None
        except ExtractError as exc:
            problems.append(f"table {spec.name}, column {column.name}: {exc} ({_where(spec, column)})")
            continue
        server = by_name.get(column.server_name.lower())
        if server is None:
            missing.append(_column_hint(spec, column, unclaimed))
            continue
        name, dt, ct, precision, scale, nullable = server[0]
        if declared is not None and (why := incompatibility(dt, declared)):
            problems.append(
                f"table {spec.name}, column {column.name}: {spec.server_table}.{name} is "
                f"{ct}, declared {column.data_type}: {why}; change data_type under "
                f"{_where(spec, column)} or the column in MariaDB"
            )
            continue
        if (
            spec.mode == "incremental"
            and column.name == spec.watermark
            and declared is not None
            and declared.family != "text"
            and server_family(dt) in ("text", "other")
        ):
            # the server compares the watermark as it holds it: text orders `10` before `9`
            problems.append(
                f"table {spec.name}, column {column.name}: the watermark is {ct} in MariaDB, "
                "which the server compares as text; use a numeric or date column as "
                f"meta.extract.watermark of {_where(spec)}, or mode: snapshot"
            )
            continue
        landed_column = LandedColumn(column.name, name, dt, ct, precision, scale, nullable, declared)
        if declared is not None and landed_column.server_arrow == declared.arrow:
            # the server already holds the declared type: land it as it is (no cast, its
            # nullability kept), exactly as an undeclared column
            landed_column = replace(landed_column, declared=None)
        landed.append(landed_column)
    if missing:
        absent = [c.name for c in spec.contract if c.server_name.lower() not in by_name]
        problems.insert(
            0,
            f"table {spec.name} has no column(s) {', '.join(absent)}"
            f" (MariaDB table {spec.server_table} has: {', '.join(c[0] for c in columns)}): "
            + "; ".join(missing),
        )
    contract_names = {c.name.lower() for c in spec.contract}
    skipped: dict[str, str] = {}
    for name, dt, ct, precision, scale, nullable in columns:
        if name.lower() not in claimed and name.lower() not in contract_names:
            # a server column outside the contract lands as it is, as in an unmapped table:
            # the landing zone keeps what the source has; bronze reads the contract's columns
            if skip := _not_landed(name):
                skipped[name] = skip
                continue
            landed.append(LandedColumn(name, name, dt, ct, precision, scale, nullable, None))
    return landed, problems + _nullability(spec, {k: v[0] for k, v in by_name.items()}), skipped


def _bounded_chunks(cur, spec: TableSpec, schema: pa.Schema) -> Iterator[list[tuple]]:
    """Rows in batches of at most ``batch_rows`` rows and about ``batch_bytes`` bytes of
    text/binary values (a batch ends with the row that reaches the cap)."""
    variable = [
        i
        for i, f in enumerate(schema)
        if pa.types.is_string(f.type)
        or pa.types.is_large_string(f.type)
        or pa.types.is_binary(f.type)
        or pa.types.is_large_binary(f.type)
    ]
    if not variable:  # fixed-width columns only: rows are small, count them
        while rows := cur.fetchmany(spec.batch_rows):
            yield rows
        return
    step = min(spec.batch_rows, 1024)
    batch: list[tuple] = []
    size = 0
    while chunk := cur.fetchmany(step):
        for row in chunk:
            batch.append(row)
            size += sum(len(row[i]) for i in variable if row[i] is not None)
            if len(batch) >= spec.batch_rows or size >= spec.batch_bytes:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _batches(
    conn, spec: TableSpec, schema: pa.Schema, zero: dict[str, int], where: str, table: _Table
) -> Iterator[pa.RecordBatch]:
    """The table's rows (``where``: an SQL condition with its values as literals, or empty) as
    batches. No query parameters: PyMySQL formats the whole text with `%`, which a quoted
    name holding a `%` would break."""
    import pymysql.cursors

    cols = ", ".join(_quote(name) for name in table.select)
    source = _quote(table.server_name)
    cur = conn.cursor(pymysql.cursors.SSCursor)  # unbuffered: rows stream from the server
    try:
        cur.execute(f"select {cols} from {source}" + (f" where {where}" if where else ""))
        for rows in _bounded_chunks(cur, spec, table.fetched):
            if table.caster is not None:
                yield table.caster.cast(rows, zero)
                continue
            arrays = []
            for f, values in zip(schema, zip(*rows, strict=True), strict=True):
                array, zeros = to_arrow(list(values), f.type, f"table {spec.name}, column {f.name}")
                if zeros:
                    zero[f.name] = zero.get(f.name, 0) + zeros
                arrays.append(array)
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
    except pymysql.err.MySQLError as exc:
        raise ExtractError(
            f"table {spec.name}: reading from MariaDB failed ({exc.args[-1]}); "
            "nothing was published, run again"
        ) from exc
    except BaseException:
        # Interrupted: abandon the result stream and drop the connection, instead of letting
        # PyMySQL read (and discard) every remaining row of the table first. PyMySQL has no
        # public call for this; `unbuffered_active` is what its close() checks (pinned version).
        result = getattr(cur, "_result", None)
        if result is not None and hasattr(result, "unbuffered_active"):
            result.unbuffered_active = False
        with contextlib.suppress(Exception):
            conn.close()
        raise
    finally:
        with contextlib.suppress(Exception):  # a lost connection cannot close its cursor
            cur.close()


class _Table:
    """How one configured table is read: server name, selected columns, landed schema."""

    def __init__(
        self, spec: TableSpec, server_name: str, schema: pa.Schema, landed: list[LandedColumn] | None
    ):
        self.server_name = server_name
        self.schema = schema
        self.caster = BatchCaster(spec.name, landed) if landed is not None else None
        if landed is None:
            self.select = [f.name for f in schema]
            self.fetched = schema
            self.watermark = spec.watermark
        else:  # text from the wire, before the cast: batch bounds count every text value
            self.select = [c.server_name for c in landed]
            self.fetched = pa.schema([pa.field(c.name, pa.string()) for c in landed])
            self.watermark = next((c.server_name for c in landed if c.name == spec.watermark), None)

    def close(self) -> None:
        if self.caster is not None:
            self.caster.close()


def _server_table(spec: TableSpec, present: set[str]) -> tuple[str | None, str | None]:
    """The server's name of a configured table, or None and what to write in the YAML.

    The declared `source_table` matches exactly, else in any case when only one table fits;
    the table's own name must match exactly, as MariaDB's table names are case-sensitive on
    Linux."""
    if spec.server_table in present:
        return spec.server_table, None
    folded = sorted(t for t in present if t.lower() == spec.server_table.lower())
    if spec.source_table is not None and len(folded) == 1:
        return folded[0], None
    if len(folded) > 1:
        return None, (
            f"ambiguous: the server has {' and '.join(folded)}, which differ only in case: "
            f"write the exact case of the one to read as `source_table:` under "
            f"meta.extract of {_where(spec)}"
        )
    if folded:
        return None, (
            f"the server has {' and '.join(folded)}: add `source_table: {folded[0]}` under "
            f"meta.extract of {_where(spec)}"
        )
    return None, None


def _check(
    cfg: ExtractConfig,
    url: MariaDBURL,
    conn,
    present: set[str],
    allow_type_change: bool,
    quiet: bool,
    result: ExtractResult,
) -> list[tuple[TableSpec, _Table, dict[str, str]]]:
    """Compare every configured table with the server before reading any data; one
    SchemaError listing every difference (and the YAML that would map it)."""
    plan: list = []
    problems: list[str] = []
    missing_tables: list[tuple[TableSpec, int, str | None]] = []
    for spec in cfg.tables:
        server_name, hint = _server_table(spec, present)
        if server_name is None:
            if not spec.required and hint is None:
                result.tables.append(
                    TableResult(spec.name, "skipped", note="optional table not in the database")
                )
                _say(f"extract: {spec.name:<20} skipped (optional table not in the database)", quiet)
                continue
            missing_tables.append((spec, len(problems), hint))
            problems.append(
                f"table {spec.server_table} not found in database {url.database} at "
                f"{url.redacted()} (table names are case-sensitive)" + (f"; {hint}" if hint else "")
            )
            continue
        with conn.cursor() as cur:
            columns = _server_columns(cur, server_name)
        if spec.mapped:
            landed, differences, skipped = _mapped_columns(spec, columns)
            notes = {
                c.name: note
                for c in landed
                if c.declared is None
                and (note := arrow_type(c.server_data_type, c.server_column_type, c.precision, c.scale)[1])
            }
            notes.update(skipped)
            schema = None
            if not differences:
                schema = landed_schema(landed)
                differences = _drift(spec, schema, cfg.landing, allow_type_change)
        else:
            landed = None
            schema, notes, differences = _schema(spec, columns, cfg.landing, allow_type_change)
        problems.extend(differences)
        if not differences:
            plan.append((spec, _Table(spec, server_name, schema, landed), notes))
    claimed = {s.server_table.lower() for s in cfg.tables}
    others = sorted(t for t in present if t.lower() not in claimed)
    for spec, index, hint in missing_tables:
        if others and hint is None:
            candidate = others[0] if len(others) == 1 else f"<one of {', '.join(others)}>"
            problems[index] += (
                f"; the database has tables no configured table reads ({', '.join(others)}): "
                f"if {spec.name} was renamed, add `source_table: {candidate}` under "
                f"meta.extract of {_where(spec)}"
            )
    if problems:
        for _, table, _ in plan:
            table.close()
        if len(problems) == 1:
            raise SchemaError(f"{problems[0]}; nothing was extracted", problems)
        path = cfg.tables[0].yaml_path if cfg.tables else None
        raise SchemaError(
            f"MariaDB at {url.redacted()} does not match {path or 'the sources YAML'} "
            f"({len(problems)} differences); nothing was extracted:\n"
            + "\n".join(f"  - {p}" for p in problems),
            problems,
        )
    return plan


def extract(
    cfg: ExtractConfig,
    *,
    quiet: bool = False,
    allow_type_change: bool = False,
    full: bool = False,
    on_first_landing: Callable[[], None] | None = None,
) -> ExtractResult:
    """Extract every table of ``cfg``; ``on_first_landing`` is called once, when the first
    table that is not unchanged starts to be read (aethermart sync starts dbt then)."""
    url = cfg.url
    (cfg.landing / "mariadb").mkdir(parents=True, exist_ok=True)
    busy = ExtractError(f"another extraction into {cfg.landing} is running; try again when it has finished")
    with held(cfg.landing / "mariadb" / ".extract.lock", busy):
        published, removed = recover_interrupted(cfg.landing)
        for path in published:
            _say(f"extract: completed the publication of {path} (its run was interrupted)", quiet)
        for path in removed:
            _say(f"extract: removed {path} left by an interrupted run", quiet)
        return _extract_locked(cfg, url, quiet, allow_type_change, full, on_first_landing)


def _report_unchanged(
    result: ExtractResult, table: str, since: str, rows: int, t_table: float, quiet: bool
) -> None:
    result.tables.append(
        TableResult(
            table,
            "unchanged",
            0,
            round(time.perf_counter() - t_table, 3),
            since,
            note=f"same content as extraction {since} ({rows:,} rows): not landed again",
        )
    )
    _say(f"extract: {table:<20} unchanged since {since} ({rows:,} rows)", quiet)


def _extract_locked(
    cfg: ExtractConfig,
    url: MariaDBURL,
    quiet: bool,
    allow_type_change: bool,
    full: bool,
    on_first_landing: Callable[[], None] | None,
) -> ExtractResult:
    import pymysql

    t0 = time.perf_counter()
    extraction_id = _new_extraction_id(cfg.landing)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    result = ExtractResult(extraction_id)
    staged: list[TableWriter] = []
    unchanged: list[tuple[str, str]] = []  # (table, the extraction whose content it still has)
    plan: list[tuple[TableSpec, _Table, dict[str, str]]] = []
    conn = connect(url, raw_text=True)
    try:
        with conn.cursor() as cur:
            # every table from the same point in time, whatever the server's default isolation
            cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            cur.execute("select version()")
            server_version = cur.fetchone()[0]
            cur.execute("select table_name from information_schema.tables where table_schema = database()")
            present = {r[0] for r in cur.fetchall()}
        plan = _check(cfg, url, conn, present, allow_type_change, quiet, result)  # every table first
        for spec, _table, notes in plan:
            for column, note in notes.items():
                _say(f"extract: note: table {spec.name}, column {column}: {note}", quiet)
        for spec, table, notes in plan:
            schema = table.schema
            t_table = time.perf_counter()
            last = None if full or spec.mode != "incremental" else _last_watermark(cfg.landing, spec)
            after = None if last is None else _lower_bound(spec, last)
            mode = "snapshot" if after is None else "incremental"
            where = ""
            if after is not None:
                where = f"{_quote(table.watermark)} > {conn.escape(after)}"
            fingerprint = None
            chunks: KeyChunks | None = None
            ranges: list[tuple[int, int]] | None = None
            base: str | None = None  # a delta's: the extraction it was compared with
            if mode == "snapshot":  # same snapshot as the rows read below
                if spec.key is not None:
                    chunks, why = server_chunks(
                        conn, cfg.landing, spec.name, table.server_name, spec.key, table.select, schema
                    )
                    if chunks is None:
                        _say(f"extract: note: table {spec.name}: landed whole: {why}", quiet)
                fingerprint = (
                    chunks.fingerprint
                    if chunks is not None
                    else server_fingerprint(conn, table.server_name, table.select, schema)
                )
                landed = (
                    None
                    if full or fingerprint is None
                    else landed_fingerprint(cfg.landing, spec.name, spec.key)
                )
                if landed is not None and landed[0] == fingerprint:
                    _, since, rows = landed
                    _report_unchanged(result, spec.name, since, rows, t_table, quiet)
                    unchanged.append((spec.name, since))
                    continue
                if chunks is not None and not full:
                    ranges, why, base = delta_ranges(cfg.landing, spec.name, chunks)
                    if ranges is None:
                        _say(f"extract: note: table {spec.name}: landed whole: {why}", quiet)
                if ranges is not None:
                    mode = "delta"
                    key = _quote(chunks.server_key)
                    where = " or ".join(f"({key} >= {int(lo)} and {key} < {int(hi)})" for lo, hi in ranges)
                    where = where or "false"
            if on_first_landing is not None:
                on_first_landing()
                on_first_landing = None
            writer = TableWriter(cfg.landing, spec.name, extraction_id, schema)
            staged.append(writer)
            zero: dict[str, int] = {}
            for batch in _batches(conn, spec, schema, zero, where, table):
                writer.write(batch)
                if not quiet and sys.stderr.isatty():
                    rate = writer.rows / max(time.perf_counter() - t_table, 1e-9)
                    print(
                        f"\rextract: {spec.name:<20} {writer.rows:>12,} rows {rate:>10,.0f} rows/s",
                        end="",
                        file=sys.stderr,
                        flush=True,
                    )
            seconds = time.perf_counter() - t_table
            table_result = TableResult(
                spec.name, "published", writer.rows, round(seconds, 3), extraction_id, zero
            )
            if ranges is not None:
                table_result.table_rows = chunks.rows
                table_result.note = (
                    f"delta: {writer.rows:,} rows in {len(ranges)} changed key range(s) "
                    f"of {chunks.rows:,} rows"
                )
            mapped = {}
            if table.caster is not None:
                table_result.conversion_errors = dict(sorted(table.caster.conversion_errors.items()))
                mapped = {
                    "source_table": table.server_name,
                    "source_columns": dict(zip(table.schema.names, table.select, strict=False)),
                }
                if table.caster.casts:
                    mapped["conversion_errors"] = table_result.conversion_errors
            watermark = None
            if spec.mode == "incremental":
                with conn.cursor() as cur:  # same snapshot: the max this extraction can have read
                    cur.execute(f"select max({_quote(table.watermark)}) from {_quote(table.server_name)}")
                    high = cur.fetchone()[0]
                watermark = {
                    "column": spec.watermark,
                    "after": after,
                    "max": high if high is not None else last,
                }
            writer.finalize(
                {
                    "table": spec.name,
                    "extraction_id": extraction_id,
                    "mode": mode,
                    "watermark": watermark,
                    "content_fingerprint": fingerprint,
                    **({"key_chunks": chunks.record(), "table_rows": chunks.rows} if chunks else {}),
                    **(
                        {
                            "base_extraction_id": base,
                            "replaced_key": chunks.key,
                            "replaced_key_ranges": [{"lo": lo, "hi": hi} for lo, hi in ranges],
                        }
                        if ranges is not None
                        else {}
                    ),
                    "columns": [
                        {
                            "name": f.name,
                            "type": str(f.type),
                            **({"note": notes[f.name]} if f.name in notes else {}),
                        }
                        for f in schema
                    ],
                    **(
                        {"skipped_columns": skipped}
                        if (
                            skipped := {
                                name: note for name, note in notes.items() if name not in schema.names
                            }
                        )
                        else {}
                    ),
                    "zero_dates_nulled": zero,
                    "started_at": started_at,
                    "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "server_version": server_version,
                    **mapped,
                }
            )
            if mode == "snapshot" and fingerprint is None and not full:
                # no server fingerprint (not InnoDB, a row too long to hash, an error): the
                # landed file is the check, so that an unchanged table does not make every
                # sync build; Parquet from the same rows is byte-identical
                same = landed_files(cfg.landing, spec.name)
                if same is not None and same[2] == [writer.sha256]:
                    writer.abort()
                    staged.remove(writer)
                    _report_unchanged(result, spec.name, same[0], same[1], t_table, quiet)
                    unchanged.append((spec.name, same[0]))
                    continue
            result.tables.append(table_result)
            if not quiet:
                end = "\r" if sys.stderr.isatty() else ""
                print(
                    f"{end}extract: {spec.name:<20} {writer.rows:>12,} rows "
                    f"{table_result.rows_per_second:>10,.0f} rows/s  {seconds:6.1f}s"
                    + (f"  ({table_result.note})" if ranges is not None else ""),
                    file=sys.stderr,
                    flush=True,
                )
    except BaseException as exc:
        discard_extraction(cfg.landing, extraction_id, staged)
        if isinstance(exc, pymysql.err.MySQLError):
            raise ExtractError(
                f"MariaDB at {url.redacted()} failed: {exc.args[-1]}; nothing was published"
            ) from exc
        raise
    finally:
        for _, table, _ in plan:
            table.close()
        with contextlib.suppress(Exception):  # already broken; the error being raised says why
            conn.close()

    # Publish: Ctrl-C and SIGTERM wait until every table is renamed; a SIGKILL in these
    # milliseconds is rolled forward by the next run (recover_interrupted).
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        publish_all(cfg.landing, staged)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    for writer in staged:
        for old in prune_extractions(cfg.landing, writer.table, cfg.keep, extraction_id):
            _say(f"extract: removed old extraction {old}", quiet)
    for table_name, since in unchanged:  # checked now: what `dbt source freshness` reads
        try:
            record_check(cfg.landing, table_name, since, extraction_id)
        except (OSError, ValueError) as exc:  # the extraction stands; only freshness lags
            _say(f"extract: warning: could not record the check of {table_name} ({exc})", quiet)
    order = {s.name: i for i, s in enumerate(cfg.tables)}
    result.tables.sort(key=lambda t: order[t.table])
    result.seconds = round(time.perf_counter() - t0, 3)
    return result
