"""Gold rows -> BSON documents, built in DuckDB and encoded by libbson.

DuckDB turns every row into one MongoDB Extended JSON text (``to_json`` of the row with
decimals as ``{"$numberDecimal": "12.50"}``, dates as ``{"$date": {"$numberLong": ms}}``,
…) plus an md5 content hash of that text; python-bsonjs (libbson, C) turns the text into
BSON bytes that pymongo sends as a ``RawBSONDocument``. No Python object is built per
field: per document there is one ``str`` and one ``bytes``. Rows are read as Arrow record
batches, so memory stays bounded whatever the table size; a model of large documents is read
in several passes (``document_passes``), so it stays bounded whatever the document size too.

Type rules (a DuckDB type -> its BSON type):

    VARCHAR, ENUM, UUID, TIME, INTERVAL, …      string
    BOOLEAN                                     boolean
    TINYINT … BIGINT, UTINYINT … UINTEGER       int32 when it fits, else int64 (as pymongo does)
    UBIGINT, HUGEINT, UHUGEINT                  like DECIMAL (they may not fit int64)
    DECIMAL(p, s)                               per the export's `decimals`: decimal128 (exact,
                                                the default), double, or string (exact text,
                                                e.g. "12.50"); decimal128 holds 34 significant
                                                digits, a wider value is a clear error
    FLOAT, DOUBLE                               double (NaN and ±Infinity as Extended JSON)
    DATE                                        date at 00:00 UTC
    TIMESTAMP WITH TIME ZONE                    date (UTC instant, floored to the millisecond)
    TIMESTAMP (no zone)                         date, the value read as UTC
    STRUCT                                      sub-document, fields in declared order
    LIST / ARRAY                                array (a list of lists is refused: FerretDB
                                                rejects arrays directly inside arrays)
    MAP                                         sub-document (keys as text, in map order; a key
                                                that is empty, starts with '$' or contains '.'
                                                is refused before anything is written)
    BLOB                                        binary (subtype 0)

NULL rule: a NULL is kept as BSON null at every level (top-level column, struct field,
list element, map value), so every document of a collection has every declared field.
A NULL list is null, not []. ``_id`` is the export key as text; ``_content_hash`` (md5 hex
of the document's Extended JSON without the hash) is appended as the last field.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import bsonjs
import duckdb
import pyarrow as pa
from bson.raw_bson import RawBSONDocument

from aethermart.export.errors import ExportError
from aethermart.sql import sql_identifier

__all__ = [
    "DECIMAL_MODES",
    "HASH_FIELD",
    "DocumentBatch",
    "DocumentQuery",
    "EncodeTimes",
    "check_map_keys",
    "document_passes",
    "document_query",
    "encode_documents",
    "iter_document_batches",
    "pass_rows",
]

DECIMAL_MODES = ("decimal128", "double", "string")
HASH_FIELD = "_content_hash"

_INTEGERS = {"tinyint", "smallint", "integer", "bigint", "utinyint", "usmallint", "uinteger"}
_WIDE_INTEGERS = {"ubigint", "hugeint", "uhugeint"}
_TIMESTAMPS = {"timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"}
_PASS_THROUGH = _INTEGERS | {"boolean", "varchar"}  # to_json already writes them right


def _null_or(expr: str, value: str) -> str:
    return f"case when {expr} is null then null else {value} end"


def _millis(epoch_us: str) -> str:
    """Milliseconds since the epoch, floored (as pymongo does for datetimes), as text."""
    return f"(({epoch_us}) - ((({epoch_us}) % 1000) + 1000) % 1000) // 1000"


def _date(ms: str) -> str:
    return f"{{'$date': {{'$numberLong': ({ms})::varchar}}}}"


class _Builder:
    """Rewrites a DuckDB value expression into one whose ``to_json`` is Extended JSON."""

    def __init__(self, decimals: str, where: str):
        self.decimals = decimals
        self.where = where
        self._names = (f"v{i}" for i in itertools.count())

    def expr(self, expr: str, dtype: duckdb.DuckDBPyType, path: str) -> str | None:
        """The rewritten expression, or None when ``to_json`` of ``expr`` is already right."""
        kind = dtype.id
        if kind in _PASS_THROUGH:
            return None
        if kind == "decimal" or kind in _WIDE_INTEGERS:
            if self.decimals == "decimal128":
                return _null_or(expr, f"{{'$numberDecimal': ({expr})::varchar}}")
            if self.decimals == "double":
                return f"({expr})::double"
            return f"({expr})::varchar"
        if kind in ("float", "double"):
            # JSON has no NaN/Infinity: write them as {"$numberDouble": "NaN"} etc.
            special = (
                f"json_object('$numberDouble', case when isnan({expr}) then 'NaN' "
                f"when {expr} > 0 then 'Infinity' else '-Infinity' end)"
            )
            return (
                f"case when {expr} is null then null when isfinite({expr}) "
                f"then to_json(({expr})::double) else {special} end"
            )
        if kind == "date":
            return _null_or(expr, _date(f"epoch_ms({expr})"))
        if kind == "timestamp with time zone":
            return _null_or(expr, _date(_millis(f"epoch_us({expr})")))
        if kind in _TIMESTAMPS:
            return _null_or(expr, _date(_millis(f"epoch_us(({expr})::timestamp)")))
        if kind == "blob":
            return _null_or(expr, f"{{'$binary': {{'base64': to_base64({expr}), 'subType': '00'}}}}")
        if kind == "struct":
            fields = []
            changed = False
            for name, child in dtype.children:
                self._check_key(name, path)
                sub = self.expr(f"({expr}).{sql_identifier(name)}", child, f"{path}.{name}")
                changed = changed or sub is not None
                fields.append(f"{sql_identifier(name)} := {sub or f'({expr}).{sql_identifier(name)}'}")
            if not changed:
                return None
            return _null_or(expr, f"struct_pack({', '.join(fields)})")
        if kind in ("list", "array"):
            child = dict(dtype.children)["child"]
            if child.id in ("list", "array"):
                # BSON allows it, but FerretDB refuses arrays directly inside arrays and most
                # tools read them badly: wrap the inner list in a struct in the model instead
                raise ExportError(
                    f"{self.where}: column {path} is a list of lists; make the inner "
                    "list a field of a struct in the model"
                )
            var = next(self._names)
            sub = self.expr(var, child, f"{path}[]")
            if sub is None:
                return None if kind == "list" else f"({expr})::{child}[]"
            return f"list_transform({expr}, lambda {var}: {sub})"
        if kind == "map":
            children = dict(dtype.children)
            key_type, value_type = children["key"], children["value"]
            var = next(self._names)
            sub = self.expr(f"{var}.value", value_type, f"{path}{{}}")
            if key_type.id == "varchar" and sub is None:
                return None
            entries = (
                f"list_transform(map_entries({expr}), lambda {var}: struct_pack("
                f"key := ({var}.key)::varchar, value := {sub or f'{var}.value'}))"
            )
            return f"map_from_entries({entries})"
        if kind == "union":
            raise ExportError(
                f"{self.where}: column {path} is a UNION, which has no document form; cast it in the model"
            )
        return _null_or(expr, f"({expr})::varchar")  # uuid, time, interval, enum, bit, …

    def _check_key(self, name: str, path: str) -> None:
        if name.startswith("$") or "." in name or not name:
            raise ExportError(
                f"{self.where}: field {path}.{name} cannot be a document key "
                "(empty, starts with '$' or contains '.'); rename it in the model"
            )


@dataclass(frozen=True)
class DocumentQuery:
    """The SQL that yields (``_id``, ``_content_hash``, ``doc``) for every row of a model."""

    sql: str
    map_columns: tuple[str, ...]  # MAP columns, whose keys are checked before the export


def document_query(
    relation: str,
    columns: list[tuple[str, duckdb.DuckDBPyType]],
    key: str,
    decimals: str,
    where: str,
    carry: tuple[str, ...] = (),
) -> DocumentQuery:
    """Build the query for ``relation`` (already quoted) with its ``columns`` (name, type).

    ``carry``: more columns of ``relation`` (a subquery that joins something to the model's
    rows) passed through after ``doc``, outside the document. Join below the documents, never
    above them: with the stored hashes joined on top of the built documents, exporting
    doc_product_sales at scale 10 (10k documents of 38 KB) needed more than 1GB of DuckDB
    memory (it passed at 1,200 MB); joined below, it passes at 1GB.
    """
    if decimals not in DECIMAL_MODES:
        raise ExportError(f"{where}: decimals {decimals!r} is not one of {', '.join(DECIMAL_MODES)}")
    names = [name for name, _ in columns]
    if key not in names:
        raise ExportError(
            f"{where}: the export key {key!r} is not a column of {relation} (columns: {', '.join(names)})"
        )
    if HASH_FIELD in names:
        raise ExportError(f"{where}: column {HASH_FIELD} is reserved for the exporter's content hash")
    builder = _Builder(decimals, where)
    fields = [f'"_id" := ({sql_identifier(key)})::varchar']
    maps = []
    for name, dtype in columns:
        if name in (key, "_id"):
            continue
        builder._check_key(name, "")
        column = sql_identifier(name)
        fields.append(f"{column} := {builder.expr(column, dtype, name) or column}")
        if dtype.id == "map":
            maps.append(name)
    doc = f"to_json(struct_pack({', '.join(fields)}))::varchar"
    clash = sorted(set(carry) & {*names, "_id", "doc", HASH_FIELD})
    if clash:
        raise ExportError(
            f"{where}: column {clash[0]} is reserved for the exporter (it adds a column of that "
            "name to the rows it reads); rename it in the model"
        )
    carried = "".join(f", {sql_identifier(name)}" for name in carry)
    sql = (
        f"select _id, md5(doc) as {HASH_FIELD}, "
        f"substr(doc, 1, length(doc) - 1) || ',\"{HASH_FIELD}\":\"' || md5(doc) || '\"}}' as doc{carried} "
        f"from (select ({sql_identifier(key)})::varchar as _id, {doc} as doc{carried} from {relation})"
    )
    return DocumentQuery(sql, tuple(maps))


# DuckDB builds the Extended JSON of a whole vector (up to 2,048 rows) at once, in memory its
# buffer pool does not show. Streaming doc_product_sales at scale 10 (10k documents
# of 44 KB, DuckDB limit 1GB, 2 threads) peaked at 1,662 MB RSS read in one pass; read in
# passes of every n-th key it peaked at 1,022 MB (8 passes), 683 (16), 521 (32) and 431 (64),
# in the same 3.2-3.9 s (docs/benchmarks.md, 2026-12-04). So a pass takes the share of the
# rows whose vectors hold about this many bytes of documents:
VECTOR_DOCUMENT_BYTES = 4 << 20
VECTOR_ROWS = 2048  # DuckDB's STANDARD_VECTOR_SIZE
MAX_PASSES = 64  # each pass scans the model again
SIZE_SAMPLE_ROWS = 256


def document_passes(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[str, duckdb.DuckDBPyType]],
    key: str,
    where: str,
    rows: int,
) -> int:
    """How many passes keep the documents of ``relation`` (``rows`` rows) within
    VECTOR_DOCUMENT_BYTES per vector: from the mean size of a sample of its documents
    (decimals as Decimal128). A vector holds at most all the rows: 100 rows of 100 KB need 3."""
    if not rows:
        return 1
    sample = f"(select * from {relation} using sample reservoir({SIZE_SAMPLE_ROWS} rows) repeatable (1))"
    docs = document_query(sample, columns, key, "decimal128", where).sql
    mean = con.execute(f"select avg(strlen(doc)) from ({docs})").fetchone()[0] or 0
    vector_bytes = min(VECTOR_ROWS, rows) * mean
    return max(1, min(MAX_PASSES, math.ceil(vector_bytes / VECTOR_DOCUMENT_BYTES)))


def pass_rows(relation: str, key: str, passes: int, part: int | None) -> str:
    """The rows of ``relation`` in pass ``part`` of ``passes`` (by the hash of the export key,
    unique and not null, so every row is in exactly one pass); None: every row."""
    if passes == 1 or part is None:
        return relation
    return f"(select * from {relation} where hash(({sql_identifier(key)})::varchar) % {passes} = {part})"


def check_map_keys(con: duckdb.DuckDBPyConnection, relation: str, maps: tuple[str, ...], where: str) -> None:
    """Refuse MAP keys MongoDB-compatible servers reject (empty, leading '$', containing '.')."""
    for name in maps:
        bad = con.execute(
            f"select k from (select unnest(map_keys({sql_identifier(name)}))::varchar as k from {relation}) "
            "where k = '' or k like '$%' or contains(k, '.') limit 1"
        ).fetchone()
        if bad is not None:
            raise ExportError(
                f"{where}: column {name} has the key {bad[0]!r}, which cannot be a "
                "document key (empty, starts with '$' or contains '.'); rename it in the model"
            )


@dataclass
class DocumentBatch:
    ids: list[str]
    hashes: list[str]
    docs: list[RawBSONDocument]
    nbytes: int = 0
    changes: list[str] = field(default_factory=list)  # a 4th query column, when there is one


@dataclass
class EncodeTimes:
    """Seconds spent in DuckDB (query, Extended JSON, hash; in its own thread) and in libbson."""

    duckdb: float = 0.0
    encode: float = 0.0


def encode_documents(texts: list[str]) -> list[RawBSONDocument]:
    """Extended JSON texts -> BSON documents (libbson)."""
    return [RawBSONDocument(bsonjs.loads(text)) for text in texts]


def _arrow_batches(
    cursor: duckdb.DuckDBPyConnection, sqls: list[str], batch_rows: int, where: str, times: EncodeTimes
) -> Iterator[pa.RecordBatch]:
    try:
        for sql in sqls:
            t0 = time.perf_counter()
            reader: pa.RecordBatchReader = cursor.execute(sql).to_arrow_reader(batch_rows)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                finally:
                    times.duckdb += time.perf_counter() - t0
                yield batch  # waiting for the consumer is not counted
                t0 = time.perf_counter()
    except duckdb.Error as exc:
        raise ExportError(
            f"{where}: reading the documents from DuckDB failed: {str(exc).splitlines()[0]}"
        ) from exc


def _prefetched(items: Iterator, depth: int, on_stop: Callable[[], None]) -> Iterator:
    """Run ``items`` in a thread, ``depth`` items ahead of the consumer."""
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(exc)

    thread = threading.Thread(target=run, name="aethermart-duckdb", daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        if thread.is_alive():
            with contextlib.suppress(Exception):
                on_stop()
        thread.join(timeout=10)


def iter_document_batches(
    cursor: duckdb.DuckDBPyConnection,
    sql: str | list[str],
    batch_rows: int,
    where: str,
    times: EncodeTimes | None = None,
    prefetch: int = 4,
) -> Iterator[DocumentBatch]:
    """Run ``sql`` (columns _id, _content_hash, doc[, change]; or a list of such queries, one
    after the other: the passes of a model) and yield encoded batches.

    DuckDB runs in a thread, ``prefetch`` Arrow batches ahead (it releases the GIL while it
    computes), so the query overlaps libbson's encoding and the caller's waits on the server.
    ``cursor`` must not be used by anyone else meanwhile (pass ``con.cursor()``).
    """
    times = times if times is not None else EncodeTimes()
    for batch in _prefetched(
        _arrow_batches(cursor, [sql] if isinstance(sql, str) else sql, batch_rows, where, times),
        prefetch,
        cursor.interrupt,
    ):
        if not batch.num_rows:
            continue
        t0 = time.perf_counter()
        ids = batch.column(0).to_pylist()
        try:
            docs = encode_documents(batch.column(2).to_pylist())
        except ValueError as exc:  # bsonjs: not valid Extended JSON
            if "DECIMAL128" in str(exc):
                raise ExportError(
                    f"{where}: a value has more than the 34 significant digits of "
                    f"Decimal128 ({exc}), in the batch from _id {ids[0]!r}; use decimals: "
                    "string (exact) for this model"
                ) from exc
            raise ExportError(
                f"{where}: a document does not encode to BSON ({exc}), in the batch from "
                f"_id {ids[0]!r}; a bug in the exporter's type mapping"
            ) from exc
        changes = batch.column(3).to_pylist() if batch.num_columns > 3 else []
        out = DocumentBatch(ids, batch.column(1).to_pylist(), docs, sum(len(d.raw) for d in docs), changes)
        times.encode += time.perf_counter() - t0
        yield out
