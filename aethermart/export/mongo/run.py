"""`aethermart export --target mongodb`: the doc_ models as MongoDB collections.

Per model (``config.meta.export.mongodb``: collection, key, indexes, decimals):

- **full** (default): every row is written to ``<collection>__staging_<run>``, the declared
  indexes are built, the staging collection is validated (count = rows of the model, a
  random sample read back byte for byte, indexes present) and swapped in; the outgoing
  version is kept as ``<collection>__previous`` for ``--rollback``. See publish.py for
  the swap and what readers see on MongoDB (atomic) and FerretDB (a measured gap).
- **incremental**: only documents whose content hash (``_content_hash``, md5 of the
  document, computed in DuckDB) differs from the stored one are replaced (upsert,
  unordered, batched); ids no longer in the model are deleted. Nothing changed -> nothing
  written. A collection that does not exist yet is exported in full. The stored hashes come
  from the export ledger (ledger.py: what this exporter last wrote there, checked against
  the server's mark and count) or, without a usable ledger or with ``--verify``, are read
  back from the server. A gold table whose fingerprint equals the ledger's is not hashed at
  all. Extended JSON and BSON are built only for the changed rows. On a FerretDB whose update
  and delete scan the whole collection per statement (stock 1.24; not the test server, see
  MongoServer.finds_by_id_index), a batch with many replacements is written as one delete
  (``$in``) and one insert (publish.rewrite_on_ferretdb).
- **--dry-run**: connects and reads the stored hashes (ledger or server), writes nothing,
  reports what would be inserted, updated, deleted and left unchanged.
- **--rollback**: the ``__previous`` version becomes the collection again (and the
  current one becomes ``__previous``, so a second rollback undoes the first).

One lock document per collection (lock.py) keeps two exporters apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from aethermart import settings
from aethermart.export.config import ExportConfig, ExportRun, Say
from aethermart.export.errors import PublishError, WarehouseError
from aethermart.export.manifest import ExportSpec
from aethermart.export.mongo.config import MongoServer, check_decimals, connect
from aethermart.export.mongo.encode import (
    HASH_FIELD,
    EncodeTimes,
    check_map_keys,
    document_passes,
    document_query,
    iter_document_batches,
    pass_rows,
)
from aethermart.export.mongo.ledger import Ledger, LedgerStore, destination_of, mark, read_mark
from aethermart.export.mongo.lock import acquire
from aethermart.export.mongo.publish import (
    FERRETDB_REPLACES_PER_COMMAND,
    FERRETDB_REWRITE_MIN,
    Acknowledged,
    CollectionNames,
    Sample,
    cleanup_debris,
    count_documents,
    create_indexes,
    fetch_hashes,
    insert_staging,
    pause_for_tests,
    recover_swap,
    rewrite_on_ferretdb,
    swap_in,
    validate,
    write_changes,
)
from aethermart.export.result import DatasetResult
from aethermart.export.warehouse import open_published_parquet, open_warehouse, table_columns
from aethermart.sql import sql_identifier

__all__ = ["MongoDatasetResult", "publish_mongodb"]

DELETE_BATCH = 10_000
FERRETDB_DELETE_BATCH = 1_000
INCREMENTAL_GUARANTEE = (
    "incremental: changed documents replaced one by one (each document is "
    "atomic); until the run ends readers may see old and new documents side by side"
)
REWRITE_GUARANTEE = (
    "incremental on FerretDB: changed documents deleted and re-inserted in batches (its "
    "update and delete scan the whole collection per statement); a reader may not find "
    "a changed document for up to {gap:.0f} ms, and until the run ends may see old and new "
    "documents side by side"
)


@dataclass
class MongoDatasetResult(DatasetResult):
    collection: str = ""
    mode: str = "full"
    written: int = 0  # documents sent to the server (full: all of them)
    inserted: int = 0  # compared with the collection before the run: new _id
    updated: int = 0  # same _id, different content
    deleted: int = 0  # _id no longer in the model
    unchanged: int = 0
    decimals: str | None = None
    server: str | None = None
    guarantee: str | None = None  # what readers could see while the collection changed
    gap_ms: float | None = None  # FerretDB swap: how long the collection did not exist
    duckdb_seconds: float = 0.0  # query, Extended JSON, hash (in a thread: overlaps the rest)
    encode_seconds: float = 0.0  # libbson
    server_seconds: float = 0.0  # waiting for the server: the sum of `phases`
    # server time per step: count (the ledger's drift check, before any write), read_hashes
    # (diff with the stored version, when the ledger cannot be used), write, indexes, validate,
    # swap, delete (incremental)
    phases: dict[str, float] = field(default_factory=dict)
    # where the stored hashes came from: ledger (this exporter's record of its last write,
    # ledger.py), server (read back: no usable ledger, or --verify), none (new collection)
    hashes_from: str = ""
    hashes_read: int = 0  # stored hashes read back from the server
    documents_built: int = 0  # rows whose Extended JSON and md5 were computed (incremental)
    passes: int = 0  # passes over the model that built its documents (document_passes); 0: none built
    # incremental: the validation's count after the writes: derived (the count before them
    # plus what the server acknowledged they created and removed, publish.Acknowledged) or
    # counted (no count before them, or an acknowledgement the stored hashes did not imply)
    count_after: str = ""
    ledger: str = ""  # written | not written (why) | "" (unchanged, dry run, --from-parquet)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - t0
            self.phases[name] = round(self.phases.get(name, 0.0) + took, 3)
            self.server_seconds = round(self.server_seconds + took, 3)


def publish_mongodb(specs: tuple[ExportSpec, ...], run: ExportRun) -> list[MongoDatasetResult]:
    """Publish every model of ``specs`` to its collection; returns one result per model.
    ``build`` (the guard's build record) is not written to MongoDB: collections carry no
    export metadata; the run's summary (``--json``) names its invocation. ``run_id`` (the
    export run's, aethermart/export/run_id.py) names the staging/keep collections, the lock, the
    export mark and the ledger."""
    cfg, run_id, notice, progress = run.cfg, run.run_id, run.notice, run.progress
    uri = cfg.mongodb_uri  # parsed where it was given; export() refuses a MongoDB export without one
    assert uri is not None
    # the ledger lives next to the warehouse it describes; --from-parquet keeps none (reads back)
    ledgers = (
        None
        if cfg.from_parquet
        else _Ledgers(LedgerStore.for_destination(cfg.duckdb, uri), destination_of(uri)[1])
    )
    if cfg.rollback:
        con = None
    elif cfg.from_parquet:
        con = open_published_parquet(
            cfg.out, specs, memory_limit=cfg.memory_limit, temp_directory=cfg.temp_directory
        )
    else:
        con = open_warehouse(cfg.duckdb, memory_limit=cfg.memory_limit, temp_directory=cfg.temp_directory)
    try:
        plans = [] if con is None else [_Plan.make(con, s, cfg) for s in specs]  # all checked first
        server = connect(uri)
        try:
            for plan in plans:
                plan.resolve_decimals(server, cfg)
            if cfg.rollback:  # every collection has a version to go back to, before any swap
                names = server.db.list_collection_names()
                for spec in specs:
                    _check_previous(spec.mongodb.collection, names)
            notice(f"export: mongodb {uri.redacted()} ({server.name}), database {uri.database}")
            if cfg.rollback:
                return [_rollback(server, s, run_id, cfg.dry_run, notice) for s in specs]
            hashes = _RowHashes(con, plans, enabled=not cfg.dry_run and ledgers is not None)
            try:
                results = []
                for i, plan in enumerate(plans):
                    cursor, row_hashes = hashes.cursors[i], hashes.futures[i]
                    results.append(
                        _export(server, plan, cursor, row_hashes, cfg, run_id, ledgers, notice, progress)
                    )
                    cursor.close()  # its temp tables and registered hashes go with it
                return results
            finally:
                hashes.close()
        finally:
            server.close()
    finally:
        if con is not None:
            con.close()


class _RowHashes:
    """Every dataset's gold row hashes (_row_hashes), made one dataset after another in one
    thread from the start of the export, each on the cursor its dataset then exports with: the
    next datasets are hashed (DuckDB) while the server counts, writes and validates the current
    one (on FerretDB a count reads the whole collection), instead of after it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, plans: list[_Plan], enabled: bool):
        self.cursors = [con.cursor() for _ in plans]
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aethermart-row-hashes")
        self.futures: list[Future | None] = [
            self._pool.submit(_row_hashes, cursor, plan.spec) if enabled else None
            for cursor, plan in zip(self.cursors, plans, strict=True)
        ]

    def close(self) -> None:
        """Stop the hashing not yet done (the export failed or was stopped: it is not waited
        out) and close the cursors."""
        try:
            self._pool.shutdown(wait=False, cancel_futures=True)  # none not yet started starts
            running = [
                (cursor, future)
                for cursor, future in zip(self.cursors, self.futures, strict=True)
                if future is not None and not future.done()
            ]
            for cursor, future in running:
                # an interrupt that falls between two statements is lost: repeat until it ends
                while not future.done():
                    cursor.interrupt()
                    wait([future], timeout=0.05)
            self._pool.shutdown(wait=True)  # a cursor is the hashing's until it ends
        finally:
            for cursor in self.cursors:
                cursor.close()


@dataclass
class _Plan:
    spec: ExportSpec
    columns: list[tuple[str, duckdb.DuckDBPyType]]
    rows: int
    batch_rows: int  # documents per write (settings.mongodb_batch_rows)
    decimals: str | None = None
    decimals_note: str | None = None
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)  # sizes the passes
    _passes: int | None = None

    @property
    def where(self) -> str:
        return f"model {self.spec.model} -> collection {self.spec.mongodb.collection}"

    @classmethod
    def make(cls, con: duckdb.DuckDBPyConnection, spec: ExportSpec, cfg: ExportConfig) -> _Plan:
        table_columns(con, spec, cfg.duckdb)  # exists and matches the manifest
        rel = con.sql(f"select * from {spec.relation} limit 0")
        key = spec.mongodb.key
        quoted = sql_identifier(key)
        rows, distinct, nulls = con.execute(
            f"select count(*), count(distinct {quoted}), count(*) - count({quoted}) from {spec.relation}"
        ).fetchone()
        if nulls or distinct != rows:
            raise WarehouseError(
                f"model {spec.model}: the export key {key} must be unique and not null, "
                f"but {rows - distinct - nulls:,} values repeat and {nulls:,} are NULL; "
                "fix the model (its unique/not_null tests should have failed)"
            )
        plan = cls(spec, list(zip(rel.columns, rel.types, strict=True)), rows, settings.mongodb_batch_rows())
        query = document_query(spec.relation, plan.columns, key, "decimal128", plan.where)  # types it can map
        check_map_keys(con, spec.relation, query.map_columns, plan.where)
        plan.con = con
        return plan

    @property
    def passes(self) -> int:
        """The passes over the rows that build every document (document_passes: sampled on first
        use, so an export that builds no document samples nothing)."""
        if self._passes is None:
            relation, key = self.spec.relation, self.spec.mongodb.key
            self._passes = document_passes(self.con, relation, self.columns, key, self.where, self.rows)
        return self._passes

    def rows_of_pass(self, part: int | None, passes: int | None = None) -> str:
        """The model's rows in pass ``part`` of ``passes`` (default: the plan's; part None: all)."""
        if part is None:
            return self.spec.relation
        return pass_rows(self.spec.relation, self.spec.mongodb.key, passes or self.passes, part)

    def passes_for(self, rows: int) -> int:
        """Passes for building ``rows`` of the model's documents (the changed ones): a pass
        joined to a sparse key set yields sparse vectors, so few changed rows need one pass
        (40 of doc_product_sales' 10k at scale 10: 0.2-0.3 s in 1 pass, 3.7-3.8 s in 27)."""
        return min(self.passes, max(1, math.ceil(self.passes * rows / max(self.rows, 1))))

    def resolve_decimals(self, server: MongoServer, cfg: ExportConfig) -> None:
        asked = cfg.mongodb_decimals or self.spec.mongodb.decimals
        self.decimals, self.decimals_note = check_decimals(server, asked, self.where)


@dataclass(frozen=True)
class _Ledgers:
    store: LedgerStore
    about: dict  # the destination, for destination.json (no secrets)


def _existing_table(server: MongoServer, collection: str, present: bool) -> tuple[pa.Table, list]:
    """The stored (_id, hash) as an Arrow table, and the ids that are not strings (never ours)."""
    ids, hashes = fetch_hashes(server.db, collection) if present else ([], [])
    strings = [(i, h) for i, h in zip(ids, hashes, strict=True) if isinstance(i, str)]
    foreign = [i for i in ids if not isinstance(i, str)]
    table = pa.table(
        {
            "_id": pa.array([i for i, _ in strings], pa.string()),
            "h": pa.array([h for _, h in strings], pa.string()),
            "rh": pa.nulls(len(strings), pa.uint64()),
        }
    )
    return table, foreign


def _usable_ledger(
    server: MongoServer,
    ledgers: _Ledgers | None,
    collection: str,
    query_id: str,
    verify: bool,
) -> tuple[Ledger | None, str]:
    """The ledger when it can stand for the stored hashes (ledger.py: same run as the server's
    mark, state done, same document query), else None and why not. The server's count is
    compared with it next (_count_drift), before anything is written."""
    if verify:
        return None, "--verify"
    if ledgers is None:
        return None, "no ledger with --from-parquet"
    ledger = ledgers.store.read(collection)
    if ledger is None:
        return None, "no ledger of this destination yet"
    marked = read_mark(server.db, collection)
    if marked is None or marked.get("run_id") != ledger.run_id or marked.get("state") != "done":
        return None, (
            "the collection was last changed by another run than the ledger's "
            "(another exporter, a rollback, or a run that died before its ledger)"
        )
    if ledger.query != query_id:
        return None, "the document query changed (columns, types or decimals)"
    return ledger, ""


def _count_drift(
    server: MongoServer, collection: str, ledger: Ledger, result: MongoDatasetResult
) -> tuple[int, str]:
    """The server's count, and why the ledger cannot stand for the collection by it ("" when
    the server holds as many documents as the ledger): documents deleted or inserted behind
    the exporter."""
    with result.phase("count"):
        count = count_documents(server, collection)
    why = "" if count == ledger.rows else f"the server holds {count:,} documents, the ledger {ledger.rows:,}"
    return count, why


def _read_back(
    server: MongoServer,
    collection: str,
    present: bool,
    why: str,
    result: MongoDatasetResult,
    notes: list[str],
) -> tuple[pa.Table, list]:
    """The stored hashes read back from the server (no usable ledger), and the foreign ids."""
    with result.phase("read_hashes"):
        existing, foreign = _existing_table(server, collection, present)
    result.hashes_read = existing.num_rows + len(foreign)
    result.hashes_from = "server" if present else "none"
    if present:
        notes.append(f"stored hashes read back from the server ({why})")
    return existing, foreign


def _diff_sql(plan: _Plan, part: int | None) -> str:
    """Every document of the model (of pass ``part``) with its change against the stored hashes
    (``_aethermart_existing``): i(nserted), u(pdated) or s(ame). The stored hashes are joined
    to the model's rows, below the documents (see document_query's ``carry``)."""
    spec = plan.spec
    key = spec.mongodb.key
    stored_id, stored_hash = "_aethermart_stored_id", "_aethermart_stored_hash"
    joined = (
        f"(select r.*, e._id as {stored_id}, e.h as {stored_hash} from {plan.rows_of_pass(part)} r "
        f"left join _aethermart_existing e on (r.{sql_identifier(key)})::varchar = e._id)"
    )
    carry = (stored_id, stored_hash)
    docs = document_query(joined, plan.columns, key, plan.decimals, plan.where, carry).sql
    return (
        f"select _id, {HASH_FIELD}, doc, case when {stored_id} is null then 'i' "
        f"when {stored_hash} is distinct from {HASH_FIELD} then 'u' else 's' end as change from ({docs})"
    )


def _vanished(cursor: duckdb.DuckDBPyConnection, spec: ExportSpec) -> list[str]:
    key = spec.mongodb.key
    return [
        r[0]
        for r in cursor.execute(
            f"select _id from _aethermart_existing where _id not in (select ({sql_identifier(key)})::varchar "
            f"from {spec.relation}) order by _id"
        ).fetchall()
    ]


def _export(
    server: MongoServer,
    plan: _Plan,
    cursor: duckdb.DuckDBPyConnection,
    row_hashes: Future | None,
    cfg: ExportConfig,
    run_id: str,
    ledgers: _Ledgers | None,
    notice: Say,
    progress: Say,
) -> MongoDatasetResult:
    """Publish one dataset with ``cursor``, which is the hashing's (``row_hashes``, _RowHashes)
    until it is done."""
    spec, db = plan.spec, server.db
    collection = spec.mongodb.collection
    names = CollectionNames(collection, run_id)
    t0 = time.perf_counter()
    query = document_query(spec.relation, plan.columns, spec.mongodb.key, plan.decimals, plan.where)
    query_id = hashlib.md5((query.sql + repr([(n, str(t)) for n, t in plan.columns])).encode()).hexdigest()
    result = MongoDatasetResult(
        model=spec.model,
        target="mongodb",
        status="published",
        rows=plan.rows,
        location=f"{db.name}.{collection}",
        version=run_id,
        collection=collection,
        mode=cfg.mode,
        decimals=plan.decimals,
        server=server.name,
    )
    notes = [plan.decimals_note] if plan.decimals_note else []
    lock = None if cfg.dry_run else acquire(db, collection, run_id)
    try:
        if lock is not None:
            if lock.stale_swap:
                notes += recover_swap(server, lock.stale_swap)
                lock.journal(None)
            notes += [f"dropped {n} left by an interrupted run" for n in cleanup_debris(db, names)]
        present = collection in db.list_collection_names()
        if cfg.mode == "incremental" and not present:
            result.mode = "full"
            notes.append("collection did not exist: exported in full")
        ledger, why = (
            _usable_ledger(server, ledgers, collection, query_id, cfg.verify) if present else (None, "")
        )
        # the ledger's drift check (ledger.py): the server's count against the ledger's, before
        # anything is written (a count after the writes could not tell: a document deleted
        # behind the exporter and re-created by an upsert counts as if never gone); the gold
        # rows are hashed meanwhile (_RowHashes)
        counted = None  # the server's count before anything is written
        if ledger is not None:
            counted, why = _count_drift(server, collection, ledger, result)
            if why:
                ledger = None
        print_ = row_hashes.result() if row_hashes is not None else ""  # the cursor is free again
        unchanged = (
            ledger is not None
            and result.mode == "incremental"
            and ledger.fingerprint == print_
            and ledger.rows == plan.rows
        )
        if ledger is not None:
            existing, foreign = ledger.table, []
            result.hashes_from = "ledger"
        else:
            existing, foreign = _read_back(server, collection, present, why, result, notes)
        cursor.register("_aethermart_existing", existing)
        if cfg.dry_run:
            result.deleted = len(_vanished(cursor, spec)) + len(foreign)
            counts: dict[str, int] = {}
            result.passes = plan.passes
            for part in range(plan.passes):
                sql = f"select change, count(*) from ({_diff_sql(plan, part)}) group by change"
                for change, count in cursor.execute(sql).fetchall():
                    counts[change] = counts.get(change, 0) + count
            result.inserted, result.updated = counts.get("i", 0), counts.get("u", 0)
            result.unchanged = counts.get("s", 0)
            result.written = plan.rows if result.mode == "full" else result.inserted + result.updated
            result.status = "planned"
            notes.append(
                f"would write {result.written:,} documents "
                + ("to a staging collection and swap it in" if result.mode == "full" else "(upserts)")
                + f" and delete {result.deleted:,}"
            )
        else:
            keep = None if ledgers is None else _LedgerWrite(ledgers, collection, run_id, query_id, print_)
            if unchanged:
                result.unchanged = plan.rows  # the table the ledger was written from: nothing to hash
                result.guarantee = INCREMENTAL_GUARANTEE
                notes.append("gold table unchanged since the ledger (fingerprint): not hashed")
                with result.phase("indexes"):
                    create_indexes(db, collection, spec.mongodb.indexes)
            elif result.mode == "full":
                _full(cursor, server, lock, plan, names, result, progress, keep)
            else:
                by_row = ledger is not None and ledger.row_hashes == ROW_HASH_VERSION
                # the count before the writes stands for the collection as the ledger's only
                # when the ledger is used: a read-back's count is taken again in the validation
                before = counted if ledger is not None else None
                notes += _incremental(
                    cursor, server, lock, plan, foreign, result, progress, keep, by_row, before
                )
    finally:
        if lock is not None:
            lock.release()
    if result.ledger.startswith("not written"):
        notes.append(f"ledger {result.ledger}")
    result.seconds = round(time.perf_counter() - t0, 3)
    result.note = "; ".join(notes) or None
    rate = result.written / result.seconds if result.seconds else 0
    verb = "would change" if cfg.dry_run else f"{result.written:,} written"
    hashes = {
        "ledger": "hashes: ledger",
        "server": f"hashes: read back {result.hashes_read:,}",
        "none": "new",
    }.get(result.hashes_from, "")
    notice(
        f"export: mongodb {collection:<28} {result.mode:<11} {plan.rows:>10,} docs  {verb}: "
        f"+{result.inserted:,} ~{result.updated:,} -{result.deleted:,} ={result.unchanged:,}  "
        f"{result.seconds:.1f}s {rate:,.0f} docs/s  {hashes}"
    )
    if result.guarantee:
        notice(f"export: mongodb {collection:<28} readers: {result.guarantee}")
    for note in notes:
        notice(f"export: mongodb {collection:<28} note: {note}")
    return result


# A gold row's hash: of its text rendering, not of the row itself - DuckDB's hash() of a row
# does not see list or struct structure (NULL, [] and [NULL] hash alike, as do [1,2] and
# [[1],[2]]), while the text keeps field names, brackets, NULL and -0.0 apart. The tag names
# the rule and the DuckDB version: a ledger hashed another way is never compared by row.
ROW_HASH_SQL = "hash(t::varchar)"
ROW_HASH_VERSION = f"varchar:{duckdb.__version__}"


@dataclass(frozen=True)
class _LedgerWrite:
    """Where and as what the run records its ledger once the server acknowledged everything."""

    ledgers: _Ledgers
    collection: str
    run_id: str
    query_id: str
    fingerprint: str

    def write(self, server: MongoServer, table: pa.Table, result: MongoDatasetResult) -> None:
        """The ledger file first, then the server's mark ``done``: a run killed in between
        leaves the mark at ``writing``, and the next run reads back. A ledger that cannot be
        written (a read-only folder, a full disk) does not fail the export, whose documents
        are published: the mark stays ``writing`` and the summary says so."""
        pause_for_tests("ledger")
        try:
            self.ledgers.store.write(
                self.collection,
                table,
                self.run_id,
                self.query_id,
                self.ledgers.about,
                self.fingerprint,
                ROW_HASH_VERSION,
            )
        except OSError as exc:
            result.ledger = (
                f"not written ({exc.strerror or type(exc).__name__}: "
                f"{self.ledgers.store.path(self.collection)}); the next run reads back"
            )
            return
        mark(server.db, self.collection, self.run_id, "done")
        result.ledger = "written"


class _Progress:
    def __init__(self, collection: str, total: int, progress: Say):
        self.collection, self.total, self.say = collection, total, progress
        self.t0 = self.last = time.perf_counter()

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if now - self.last >= 2:
            self.last = now
            self.say(
                f"export: mongodb {self.collection:<28} {done:>10,}/{self.total:,} docs "
                f"{done / (now - self.t0):>9,.0f} docs/s"
            )


def _full(
    cursor,
    server: MongoServer,
    lock,
    plan: _Plan,
    names: CollectionNames,
    result: MongoDatasetResult,
    progress: Say,
    keep: _LedgerWrite | None,
) -> None:
    db, indexes = server.db, plan.spec.mongodb.indexes
    where = f"{plan.where} (staging {names.staging})"
    staging = db[names.staging]
    sample = Sample(names.run_id)
    times = EncodeTimes()
    meter = _Progress(names.target, plan.rows, progress)
    ids: list[str] = []
    hashes: list[str] = []
    try:
        result.passes = plan.passes
        queries = [_diff_sql(plan, part) for part in range(plan.passes)]
        for batch in iter_document_batches(cursor, queries, plan.batch_rows, where, times):
            sample.add(batch)
            with result.phase("write"):
                insert_staging(staging, batch, f"{where}, batch at document {result.written:,}")
            result.written += len(batch.ids)
            ids += batch.ids
            hashes += batch.hashes
            for change in batch.changes:
                if change == "i":
                    result.inserted += 1
                elif change == "u":
                    result.updated += 1
                else:
                    result.unchanged += 1
            meter.update(result.written)
            lock.renew()
            pause_for_tests("batch")
        if result.written != plan.rows:
            raise PublishError(
                f"{where}: read {result.written:,} rows but the model has {plan.rows:,} "
                "(did the warehouse change?); nothing was published"
            )
        with result.phase("indexes"):
            create_indexes(db, names.staging, indexes)
        lock.renew(force=True)
        with result.phase("validate"):
            validate(server, names.staging, plan.rows, sample, indexes)
        mark(db, names.target, names.run_id, "writing")
        with result.phase("swap"):
            result.guarantee, result.gap_ms = swap_in(server, lock, names, names.staging, indexes, "full")
    except BaseException:
        if not lock.swapping:  # not yet swapped: the staging collection is debris
            _drop_quietly(db, names.staging)
        raise
    result.duckdb_seconds, result.encode_seconds = round(times.duckdb, 3), round(times.encode, 3)
    if keep is not None:
        with result.phase("ledger"):
            cursor.register(
                "_aethermart_written",
                pa.table({"_id": pa.array(ids, pa.string()), "h": pa.array(hashes, pa.string())}),
            )
            _row_hashes(cursor, plan.spec)
            keep.write(
                server,
                cursor.execute(
                    "select w._id, w.h, r.rh from _aethermart_written w join _aethermart_rows r "
                    "on w._id = r._id"
                ).to_arrow_table(),
                result,
            )


def _row_hashes(cursor: duckdb.DuckDBPyConnection, spec: ExportSpec) -> str:
    """Temp table _aethermart_rows (_id, rh): every gold row's key and DuckDB row hash, made once
    per dataset (the cursor's own temp table; the read-only warehouse cannot change under it).
    Returns the gold table's content fingerprint from it: row count and bit_xor of the row
    hashes (10-30x cheaper than the Extended JSON and md5 of every row), with the DuckDB
    version (the hash function may change between versions). Keys are unique, so no two rows
    cancel out. A 64-bit collision of two renderings is the only change it misses: `--mode
    full` rewrites it. Rendering every row (``t::varchar``) is most of the cost: of 3.5 s for
    100k purchase histories at scale 10, paid once instead of once for the fingerprint and
    once for the diff."""
    made = cursor.execute(
        "select count(*) from duckdb_tables() where temporary and table_name = '_aethermart_rows'"
    ).fetchone()[0]
    if not made:
        cursor.execute(
            "create temp table _aethermart_rows as select "
            f"({sql_identifier(spec.mongodb.key)})::varchar "
            f"as _id, {ROW_HASH_SQL} as rh from {spec.relation} t"
        )
    rows, xor = cursor.execute("select count(*), bit_xor(rh) from _aethermart_rows").fetchone()
    return f"{ROW_HASH_VERSION}:{rows}:{xor}"


def _incremental(
    cursor,
    server: MongoServer,
    lock,
    plan: _Plan,
    foreign: list,
    result: MongoDatasetResult,
    progress: Say,
    keep: _LedgerWrite | None,
    by_row: bool = False,
    before: int | None = None,
) -> list[str]:
    """Find the changed rows (``by_row``: the gold row hash differs from the ledger's; else:
    every document hashed, compared with the stored hashes of the ledger or the server), build
    Extended JSON and BSON only for them, write them and delete the vanished ids; then record
    the new hashes as the ledger. ``before``: the server's count read in this run before the
    writes, which with acknowledgements as the stored hashes imply gives the count after them
    (the validation then does not count again, see Acknowledged)."""
    db, spec = server.db, plan.spec
    collection = spec.mongodb.collection
    key = spec.mongodb.key
    with result.phase("indexes"):
        create_indexes(db, collection, spec.mongodb.indexes)
    times = EncodeTimes()
    t0 = time.perf_counter()
    _row_hashes(cursor, spec)
    if by_row:  # the ledger's row hashes: only rows whose hash changed are documents to build
        compare = (
            "_aethermart_rows n left join _aethermart_existing e on n._id = e._id "
            "where e.rh is distinct from n.rh"
        )
    else:  # stored content hashes only: hash every document
        cursor.execute("create or replace temp table _aethermart_new (_id varchar, h varchar)")
        for part in range(plan.passes):
            docs = document_query(plan.rows_of_pass(part), plan.columns, key, plan.decimals, plan.where).sql
            cursor.execute(f"insert into _aethermart_new select _id, {HASH_FIELD} from ({docs})")
        compare = (
            "_aethermart_new n left join _aethermart_existing e on n._id = e._id "
            "where e.h is distinct from n.h"
        )
    cursor.execute(
        "create or replace temp table _aethermart_changed as select n._id, case when e._id is "
        f"null then 'i' else 'u' end as change from {compare}"
    )
    changed = cursor.execute("select count(*) from _aethermart_changed").fetchone()[0]
    result.documents_built = changed if by_row else plan.rows
    gone = [
        r[0]
        for r in cursor.execute(
            "select _id from _aethermart_existing e where not exists "
            "(select 1 from _aethermart_rows n where n._id = e._id) order by _id"
        ).fetchall()
    ] + foreign
    times.duckdb += time.perf_counter() - t0
    written_ids: list[str] = []
    written_hashes: list[str] = []
    if changed or gone or result.hashes_from != "ledger":
        mark(db, collection, result.version or "", "writing")  # the ledger stops vouching from here
        pause_for_tests("write")
    # the documents of the changed rows only: the join runs before the Extended JSON (and
    # below it: see document_query's carry)
    changed_sql = []
    passes = plan.passes_for(changed) if changed else 0
    result.passes = passes if by_row else plan.passes  # every document was hashed: in the plan's passes
    for part in range(passes):
        only_changed = (
            f"(select r.*, c.change as _aethermart_change from {plan.rows_of_pass(part, passes)} r "
            f"join _aethermart_changed c on (r.{sql_identifier(key)})::varchar = c._id)"
        )
        changed_doc_sql = document_query(
            only_changed, plan.columns, key, plan.decimals, plan.where, ("_aethermart_change",)
        ).sql
        changed_sql.append(
            f"select _id, {HASH_FIELD}, doc, _aethermart_change as change from ({changed_doc_sql})"
        )
    sample = Sample(result.version or "")
    meter = _Progress(collection, changed, progress)
    per_command = FERRETDB_REPLACES_PER_COMMAND if server.is_ferretdb else None
    by_index = server.finds_by_id_index(collection)  # else each replace/delete scans (stock FerretDB)
    where = f"{plan.where} (incremental)"
    acks = Acknowledged()
    if changed:
        for batch in iter_document_batches(cursor, changed_sql, plan.batch_rows, where, times):
            sample.add(batch)
            at = f"{where}, batch at document {result.written:,}"
            pairs = list(zip(batch.ids, batch.docs, batch.changes, strict=True))
            updates = [(i, d) for i, d, c in pairs if c == "u"]
            inserts = [(i, d) for i, d, c in pairs if c == "i"]
            with result.phase("write"):
                if by_index:
                    write_changes(
                        db,
                        collection,
                        updates + inserts,
                        [],
                        at,
                        replaces_per_command=per_command,
                        acks=acks,
                        existing=len(updates),
                    )
                elif len(updates) >= FERRETDB_REWRITE_MIN:
                    gap = rewrite_on_ferretdb(db, collection, updates, inserts, [], at, acks)
                    result.gap_ms = round(max(result.gap_ms or 0.0, gap), 1)
                else:  # a few replacements: each atomic; the new ids need no scan
                    write_changes(
                        db,
                        collection,
                        updates,
                        [],
                        at,
                        replaces_per_command=per_command,
                        acks=acks,
                        existing=len(updates),
                    )
                    rewrite_on_ferretdb(db, collection, [], inserts, [], at, acks)
            result.written += len(batch.ids)
            written_ids += batch.ids
            written_hashes += batch.hashes
            result.inserted += batch.changes.count("i")
            result.updated += batch.changes.count("u")
            meter.update(result.written)
            lock.renew()
            pause_for_tests("batch")
    if result.written != changed:
        raise PublishError(
            f"{where}: wrote {result.written:,} documents but {changed:,} changed "
            "(did the warehouse change?); run again"
        )
    # deletes by _id go one by one (~7 ms each on FerretDB): the lock is renewed every slice
    step = FERRETDB_DELETE_BATCH if server.is_ferretdb and by_index else DELETE_BATCH
    for i in range(0, len(gone), step):
        chunk, what = gone[i : i + step], f"{where}, deleting vanished ids"
        with result.phase("delete"):
            if by_index:
                write_changes(db, collection, [], chunk, what, acks=acks)
            else:  # one scan for the whole chunk
                rewrite_on_ferretdb(db, collection, [], [], chunk, what, acks)
        lock.renew()
    result.deleted = len(gone)
    result.unchanged = plan.rows - result.inserted - result.updated
    derived = acks.count_after(before)
    result.count_after = "derived" if derived is not None else "counted"
    notes = []
    if before is not None and derived is None:
        more = f" (and {len(acks.surprises) - 3} more)" if len(acks.surprises) > 3 else ""
        notes.append(
            "the server's acknowledgements differed from the ledger's hashes, so the collection "
            f"was counted again after the write: {'; '.join(acks.surprises[:3])}{more}"
        )
    with result.phase("validate"):
        validate(server, collection, plan.rows, sample, spec.mongodb.indexes, derived_count=derived)
    result.duckdb_seconds, result.encode_seconds = round(times.duckdb, 3), round(times.encode, 3)
    result.guarantee = (
        INCREMENTAL_GUARANTEE if result.gap_ms is None else REWRITE_GUARANTEE.format(gap=result.gap_ms)
    )
    if keep is not None and (changed or gone or result.hashes_from != "ledger"):
        with result.phase("ledger"):
            cursor.register(
                "_aethermart_written",
                pa.table(
                    {"_id": pa.array(written_ids, pa.string()), "h": pa.array(written_hashes, pa.string())}
                ),
            )
            source = "_aethermart_existing" if by_row else "_aethermart_new"
            keep.write(
                server,
                cursor.execute(
                    "select r._id, coalesce(w.h, s.h) as h, r.rh from _aethermart_rows r "
                    "left join _aethermart_written w on r._id = w._id "
                    f"left join {source} s on r._id = s._id"
                ).to_arrow_table(),
                result,
            )
    return notes


def _rollback(
    server: MongoServer, spec: ExportSpec, run_id: str, dry_run: bool, notice: Say
) -> MongoDatasetResult:
    db, collection = server.db, spec.mongodb.collection
    names = CollectionNames(collection, run_id)
    t0 = time.perf_counter()
    result = MongoDatasetResult(
        model=spec.model,
        target="mongodb",
        status="rolled back",
        location=f"{db.name}.{collection}",
        version=run_id,
        collection=collection,
        mode="rollback",
        server=server.name,
    )
    notes = []
    lock = None if dry_run else acquire(db, collection, run_id)
    try:
        if lock is not None and lock.stale_swap:
            notes += recover_swap(server, lock.stale_swap)
            lock.journal(None)
        _check_previous(collection, db.list_collection_names())
        result.rows = count_documents(server, names.previous)
        if dry_run:
            result.status = "planned"
            notes.append(f"would make {names.previous} ({result.rows:,} documents) the collection again")
        else:
            notes += [f"dropped {n} left by an interrupted run" for n in cleanup_debris(db, names)]
            mark(db, collection, run_id, "writing")  # no ledger vouches for the version swapped back
            result.guarantee, result.gap_ms = swap_in(
                server, lock, names, names.previous, spec.mongodb.indexes, "rollback"
            )
    finally:
        if lock is not None:
            lock.release()
    result.seconds = round(time.perf_counter() - t0, 3)
    result.note = "; ".join(notes) or None
    notice(
        f"export: mongodb {collection:<28} {result.status}: {result.rows:,} documents "
        f"({names.previous} <-> {collection}) {result.seconds:.1f}s"
    )
    if result.guarantee:
        notice(f"export: mongodb {collection:<28} readers: {result.guarantee}")
    return result


def _check_previous(collection: str, names: list[str]) -> None:
    previous = CollectionNames(collection, "").previous
    if previous not in names:
        raise PublishError(
            f"collection {collection}: no previous version ({previous}) to roll back to; "
            "a full export keeps one from its second run on"
        )


def _drop_quietly(db, name: str) -> None:
    with contextlib.suppress(Exception):  # best effort; the next run drops it as debris
        db.drop_collection(name)
