"""Publishing one collection: full (staging + validate + swap), incremental (changed
documents only), rollback, and the recovery of a run that died mid-swap.

Collections, for a collection ``C`` (``<run>`` = the run id):

    C                      what applications read
    C__previous            the version before the last swap (for --rollback)
    C__staging_<run>       a full export being written; dropped by the next run if it died
    C__keep_<run>          the outgoing version during a swap (see below)

Swap, on MongoDB: the current ``C`` is copied to ``C__keep_<run>`` (``$out``), then
``renameCollection C__staging_<run> -> C, dropTarget: true`` replaces it atomically (readers
see the old or the new collection, never neither), then the copy becomes ``C__previous``.
On FerretDB (no ``dropTarget``, no ``$out``): ``C -> C__keep_<run>``, then
``C__staging_<run> -> C`` (between the two renames ``C`` does not exist: readers get no
documents for that moment, which is measured and reported), then ``C__keep_<run>`` replaces
``C__previous``. Each step is journaled in the collection's lock document first, so a run
killed mid-swap is finished (or undone) by the next one, which also drops leftover staging
collections.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import bson
from bson.codec_options import CodecOptions
from bson.json_util import CANONICAL_JSON_OPTIONS
from bson.raw_bson import RawBSONDocument
from pymongo import DeleteOne, IndexModel, ReplaceOne
from pymongo.errors import AutoReconnect, BulkWriteError, OperationFailure, PyMongoError

from aethermart.export.errors import PublishError
from aethermart.export.manifest import IndexSpec
from aethermart.export.mongo.config import MongoServer
from aethermart.export.mongo.encode import HASH_FIELD, DocumentBatch
from aethermart.export.mongo.lock import CollectionLock

__all__ = [
    "FERRETDB_REPLACES_PER_COMMAND",
    "Acknowledged",
    "CollectionNames",
    "Sample",
    "cleanup_debris",
    "count_documents",
    "create_indexes",
    "fetch_hashes",
    "index_name",
    "insert_staging",
    "pause_for_tests",
    "recover_swap",
    "rewrite_on_ferretdb",
    "swap_in",
    "validate",
    "with_retry",
    "write_changes",
]

RETRIES = 5
SAMPLE_SIZE = 32
# a server that finds a document by _id by scanning the collection (stock FerretDB 1.24:
# ~1.3 s per lookup in 10k purchase histories) reads back this many of the sample
SCANNING_SAMPLE_SIZE = 8
DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class CollectionNames:
    target: str
    run_id: str

    @property
    def previous(self) -> str:
        return f"{self.target}__previous"

    @property
    def staging(self) -> str:
        return f"{self.target}__staging_{self.run_id}"

    @property
    def keep(self) -> str:
        return f"{self.target}__keep_{self.run_id}"

    @property
    def debris_prefixes(self) -> tuple[str, ...]:
        return (f"{self.target}__staging_", f"{self.target}__keep_")


def pause_for_tests(step: str) -> None:
    """Tests only: AETHERMART_TEST_PAUSE_<STEP>=SECONDS (BATCH: after each batch; SWAP: inside the
    swap; WRITE: before an incremental run's first write) sleeps there, so a test can SIGKILL
    the exporter, or change the collection behind it, at that point."""
    seconds = os.environ.get(f"AETHERMART_TEST_PAUSE_{step.upper()}")
    if seconds:
        time.sleep(float(seconds))


def with_retry(what: str, call: Callable, *, retry_call: Callable | None = None):
    """Run ``call``; on a dropped connection or network timeout (AutoReconnect) wait and run
    ``retry_call`` (default: ``call`` again), up to RETRIES times with doubling waits. Only
    for operations that are safe to repeat (upserts, deletes by _id, staging inserts)."""
    delay = 0.5
    for attempt in range(1, RETRIES + 1):
        try:
            return call() if attempt == 1 or retry_call is None else retry_call()
        except AutoReconnect as exc:
            if attempt == RETRIES:
                raise PublishError(
                    f"{what}: the connection to the server failed {RETRIES} times "
                    f"({str(exc).splitlines()[0][:200]}); run again, the export "
                    "converges"
                ) from exc
            print(
                f"export mongodb: {what}: {type(exc).__name__}, retrying in {delay:g} s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def _collections(db) -> set[str]:
    return set(db.list_collection_names())


def _rename(server: MongoServer, source: str, target: str, drop_target: bool = False) -> None:
    db = server.db
    options = {"dropTarget": True} if drop_target else {}
    server.client.admin.command(
        "renameCollection", f"{db.name}.{source}", to=f"{db.name}.{target}", **options
    )


def index_name(index: IndexSpec) -> str:
    return index.name or "_".join(f"{path}_{direction}" for path, direction in index.keys)


def create_indexes(db, collection: str, indexes: tuple[IndexSpec, ...]) -> None:
    """Make the collection's indexes the declared ones: create the missing ones, re-create one
    whose keys or uniqueness changed. Only missing indexes are sent: FerretDB 1.24 drops the
    connection when createIndexes names two or more indexes that all exist already."""
    if not indexes:
        return
    where = f"collection {collection}"
    have = (
        with_retry(f"{where}: reading indexes", lambda: db[collection].index_information())
        if collection in _collections(db)
        else {}
    )
    missing = []
    for index in indexes:
        name = index_name(index)
        current = have.get(name)
        if current is not None:
            same = [tuple(k) for k in current["key"]] == [tuple(k) for k in index.keys] and bool(
                current.get("unique")
            ) == index.unique
            if same:
                continue
            db[collection].drop_index(name)  # declared differently now: build it again
        missing.append(
            IndexModel(
                list(index.keys), name=name, unique=index.unique, **({"sparse": True} if index.sparse else {})
            )
        )
    if not missing:
        return
    try:
        with_retry(f"{where}: creating indexes", lambda: db[collection].create_indexes(missing))
    except OperationFailure as exc:
        raise PublishError(
            f"{where}: creating the declared indexes failed "
            f"({str(exc).split(', full error')[0]}); check "
            "config.meta.export.mongodb.indexes; nothing was published"
        ) from exc


def _replace_with(server: MongoServer, source: str, target: str) -> None:
    """``source`` becomes ``target`` (which may exist); not atomic where dropTarget is missing."""
    if server.supports_drop_target:
        _rename(server, source, target, drop_target=True)
    else:
        server.db.drop_collection(target)
        _rename(server, source, target)


def recover_swap(server: MongoServer, swap: dict) -> list[str]:
    """Finish (or undo) the swap a killed run journaled; returns what was done, for the output."""
    db = server.db
    target, new, keep, previous = swap["target"], swap["new"], swap["keep"], swap["previous"]
    names = _collections(db)
    notes = []
    if target not in names:
        if new in names:
            _rename(server, new, target)
            notes.append(f"finished the interrupted swap of {target}: {new} is now {target}")
        elif keep in names:
            _rename(server, keep, target)
            notes.append(f"restored {target} from {keep} (interrupted swap)")
        names = _collections(db)
    if keep in names:
        if new in names:  # the swap never happened: keep is a copy of the current collection
            db.drop_collection(keep)
        else:
            _replace_with(server, keep, previous)
            notes.append(f"kept the version before the interrupted swap as {previous}")
    return notes


def cleanup_debris(db, names: CollectionNames) -> list[str]:
    """Drop staging and keep collections of runs that died (the caller holds the lock)."""
    dropped = []
    for name in sorted(_collections(db)):
        if name.startswith(names.debris_prefixes) and name not in (names.staging, names.keep):
            db.drop_collection(name)
            dropped.append(name)
    return dropped


def swap_in(
    server: MongoServer,
    lock: CollectionLock,
    names: CollectionNames,
    new: str,
    indexes: tuple[IndexSpec, ...],
    kind: str,
) -> tuple[str, float | None]:
    """Make ``new`` the collection readers see and keep the outgoing one as ``previous``.

    Returns (the guarantee readers had, the gap in ms when the collection was missing).
    """
    db = server.db
    target, keep, previous = names.target, names.keep, names.previous
    exists = target in _collections(db)
    lock.journal({"kind": kind, "target": target, "new": new, "keep": keep, "previous": previous})
    with _signals_held() as received:  # Ctrl-C and SIGTERM wait; a SIGKILL is finished by the next run
        guarantee, gap_ms = _swap_steps(server, names, new, indexes, exists)
    lock.journal(None)
    if signal.SIGINT in received:
        raise KeyboardInterrupt
    if signal.SIGTERM in received:
        raise SystemExit(128 + signal.SIGTERM)
    return guarantee, gap_ms


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """Record SIGINT and SIGTERM instead of acting on them while the block runs; the caller
    acts on them afterwards. (Masking them would not do: pymongo's monitor threads could
    receive them.)"""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {
        sig: signal.signal(sig, lambda signum, _frame: received.append(signum))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _swap_steps(
    server: MongoServer, names: CollectionNames, new: str, indexes: tuple[IndexSpec, ...], exists: bool
) -> tuple[str, float | None]:
    db = server.db
    target, keep, previous = names.target, names.keep, names.previous
    gap_ms = None
    try:
        if server.supports_drop_target:
            if exists:  # a copy of the outgoing version, made while it is still being served
                db[target].aggregate([{"$out": keep}])
                create_indexes(db, keep, indexes)
            pause_for_tests("swap")
            _rename(server, new, target, drop_target=True)
            if exists:
                _rename(server, keep, previous, drop_target=True)
            guarantee = (
                "atomic: readers saw the previous complete collection until one renameCollection "
                "(dropTarget) replaced it with the new complete one"
            )
        else:
            if exists:
                t0 = time.perf_counter()
                _rename(server, target, keep)
                pause_for_tests("swap")
                _rename(server, new, target)
                gap_ms = (time.perf_counter() - t0) * 1000
                _replace_with(server, keep, previous)
            else:
                _rename(server, new, target)
            guarantee = (
                f"not atomic on {server.name} (no renameCollection dropTarget): readers saw the "
                "previous complete collection, then for "
                f"{gap_ms or 0:.0f} ms between two renames no collection (queries returned no "
                "documents), then the new complete one; never a partial or mixed collection"
            )
        if not exists:
            guarantee = (
                "first version: the complete collection appeared with one rename (readers saw "
                "no collection before it)"
            )
    except PyMongoError as exc:
        raise PublishError(
            f"collection {target}: the swap failed ({str(exc).splitlines()[0][:200]}); "
            "the next run finishes or undoes it (journaled in the lock)"
        ) from exc
    return guarantee, gap_ms


def insert_staging(coll, batch: DocumentBatch, where: str) -> None:
    """Insert a batch into a staging collection; a retry after a dropped connection ignores the
    documents that did arrive (duplicate _id), since staging is this run's own collection."""

    def first() -> None:
        try:
            coll.insert_many(batch.docs, ordered=False)
        except BulkWriteError as exc:
            raise PublishError(
                f"{where}: the server refused documents ({_write_errors(exc)}); nothing was published"
            ) from exc

    def again() -> None:
        try:
            coll.insert_many(batch.docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise PublishError(
                    f"{where}: the server refused documents ({_write_errors(exc)}); nothing was published"
                ) from exc

    with_retry(where, first, retry_call=again)


def _write_errors(exc: BulkWriteError) -> str:
    errors = exc.details.get("writeErrors", [])
    first = errors[0] if errors else {}
    return (
        f"{len(errors)} write error(s), first: code {first.get('code')}: {str(first.get('errmsg', ''))[:200]}"
    )


class Sample:
    """A reservoir sample of (id, BSON bytes) of the documents sent, to read back and compare."""

    def __init__(self, seed: str, size: int = SAMPLE_SIZE):
        self.size = size
        self.seen = 0
        self.items: list[tuple[str, bytes]] = []
        self._random = random.Random(seed)

    def add(self, batch: DocumentBatch) -> None:
        for doc_id, doc in zip(batch.ids, batch.docs, strict=True):
            self.seen += 1
            if len(self.items) < self.size:
                self.items.append((doc_id, doc.raw))
            else:
                slot = self._random.randrange(self.seen)
                if slot < self.size:
                    self.items[slot] = (doc_id, doc.raw)

    def to_read(self, lookups_scan: bool) -> dict[str, bytes]:
        """The sampled documents to read back: all of them, or a random SCANNING_SAMPLE_SIZE
        of them where each lookup scans the collection."""
        items = self.items
        if lookups_scan and len(items) > SCANNING_SAMPLE_SIZE:
            items = self._random.sample(items, SCANNING_SAMPLE_SIZE)
        return dict(items)


def _same_document(stored: bytes, sent: bytes) -> bool:
    if stored == sent:
        return True
    dump = lambda raw: bson.json_util.dumps(bson.decode(raw), json_options=CANONICAL_JSON_OPTIONS)  # noqa: E731
    return dump(stored) == dump(sent)


def count_documents(server: MongoServer, collection: str) -> int:
    """The exact number of documents. FerretDB's count reads every document (seconds for 10k
    profiles); its collStats count is exact and reads only the collection's pages (1.8 s for
    the 100k purchase histories at scale 10); MongoDB counts with the _id index."""
    db = server.db
    if server.is_ferretdb:
        return int(
            with_retry(
                f"collection {collection}: counting", lambda: db.command("collStats", collection)["count"]
            )
        )
    return with_retry(f"collection {collection}: counting", lambda: db[collection].count_documents({}))


def validate(
    server: MongoServer,
    collection: str,
    expected: int,
    sample: Sample,
    indexes: tuple[IndexSpec, ...],
    *,
    derived_count: int | None = None,
) -> None:
    """Count = source rows, sampled documents equal what was sent, declared indexes present.
    ``derived_count``: the count this run knows without asking the server again (the count it
    read before its writes plus what the server acknowledged they created and removed, see
    Acknowledged); else the server counts."""
    db = server.db
    where = f"collection {collection}"
    count = count_documents(server, collection) if derived_count is None else derived_count
    if count != expected:
        how = "" if derived_count is None else " (counted before the write, plus its acknowledged changes)"
        raise PublishError(
            f"{where}: validation failed, {count:,} documents on the server{how} but "
            f"{expected:,} rows in the model; nothing was published, run again"
        )
    raw = db.get_collection(collection, codec_options=CodecOptions(document_class=RawBSONDocument))
    wanted = sample.to_read(lookups_scan=not server.finds_by_id_index(collection))
    # one lookup per _id (an index lookup; $in is a full scan on FerretDB)
    found = with_retry(
        f"{where}: reading the sample", lambda: [raw.find_one({"_id": doc_id}) for doc_id in wanted]
    )
    stored = {d["_id"]: d.raw for d in found if d is not None}
    bad = [i for i, sent in wanted.items() if i not in stored or not _same_document(stored[i], sent)]
    if bad:
        raise PublishError(
            f"{where}: validation failed, {len(bad)} of {len(wanted)} sampled documents "
            f"read back differ from what was sent (first _id {bad[0]!r}); nothing was "
            "published"
        )
    have = set(db[collection].index_information())
    missing = [index_name(i) for i in indexes if index_name(i) not in have]
    if missing:
        raise PublishError(
            f"{where}: validation failed, index(es) {', '.join(missing)} missing; nothing was published"
        )


def fetch_hashes(db, collection: str) -> tuple[list, list]:
    """(_id, content hash or None) of every document, streamed with a projection."""
    ids, hashes = [], []
    coll = db.get_collection(collection, codec_options=CodecOptions(document_class=RawBSONDocument))

    def read() -> None:
        ids.clear()
        hashes.clear()
        for doc in coll.find({}, {HASH_FIELD: 1}, batch_size=10_000):
            ids.append(doc["_id"])
            value = doc.get(HASH_FIELD)
            hashes.append(value if isinstance(value, str) else None)

    with_retry(f"collection {collection}: reading the content hashes", read)
    return ids, hashes


@dataclass
class Acknowledged:
    """What the server acknowledged of an incremental run's writes: how many documents they
    created and removed, and every write whose acknowledgement was not what the stored hashes
    implied (a replacement of a document they hold that created it, an insert of one they do
    not hold that found it, a delete that removed fewer than it named) or that was sent again
    after a dropped connection (a repeated command's counts cannot tell). With none of those,
    the collection holds the count read before the writes plus ``created`` less ``removed``:
    the validation need not count it again (on FerretDB a count reads the collection's pages,
    1.8 s for the 100k purchase histories at scale 10)."""

    created: int = 0
    removed: int = 0
    surprises: list[str] = field(default_factory=list)

    def count_after(self, before: int | None) -> int | None:
        """The collection's count after the writes, or None when it must be counted."""
        return None if before is None or self.surprises else before + self.created - self.removed

    def check(self, what: str, got: int, expected: int) -> None:
        if got != expected:
            self.surprises.append(f"{what}: {got:,} where the stored hashes implied {expected:,}")


# FerretDB 1.24 on SQLite keeps a connection per replaced (existing) document open until the
# whole `update` command ends; at 100 replacements in one command its pool is exhausted and
# the command never answers (measured: 99 answer in 0.4 s, 100 hang). Inserts and deletes are
# unaffected. Replacements are sent to FerretDB in commands of at most this many.
FERRETDB_REPLACES_PER_COMMAND = 50


def write_changes(
    db,
    collection: str,
    upserts: list[tuple[str, RawBSONDocument]],
    deletes: list,
    where: str,
    *,
    replaces_per_command: int | None = None,
    acks: Acknowledged | None = None,
    existing: int = 0,
) -> None:
    """Replace-or-insert documents by _id and delete ids, unordered; safe to repeat. With
    ``replaces_per_command`` (FerretDB) the replacements go in commands of at most that many.
    ``acks`` records what the server acknowledged, against ``existing`` of the ``upserts``
    replacing a stored document (the others create one) and every delete removing one."""
    ops = [ReplaceOne({"_id": doc_id}, doc, upsert=True) for doc_id, doc in upserts]
    ops += [DeleteOne({"_id": doc_id}) for doc_id in deletes]
    if not ops:
        return
    step = replaces_per_command or len(ops)
    matched = upserted = deleted = 0
    for start in range(0, len(ops), step):
        chunk = ops[start : start + step]
        sent: list[int] = []

        def write(chunk: list = chunk, sent: list = sent):
            sent.append(1)
            try:
                return db[collection].bulk_write(chunk, ordered=False)
            except BulkWriteError as exc:
                raise PublishError(
                    f"{where}: the server refused changes ({_write_errors(exc)}); the "
                    "collection holds a mix of old and new documents, run again"
                ) from exc

        done = with_retry(where, write)
        if acks is None:
            continue
        if len(sent) > 1:
            acks.surprises.append(f"{where}: sent again after a dropped connection")
        if not done.acknowledged:  # write concern w=0: no counts to derive from
            acks.surprises.append(f"{where}: not acknowledged (write concern w=0)")
            continue
        matched, upserted, deleted = (
            matched + done.matched_count,
            upserted + done.upserted_count,
            deleted + done.deleted_count,
        )
    if acks is not None:
        acks.created += upserted
        acks.removed += deleted
        acks.check(f"{where}: replaced", matched, existing)
        acks.check(f"{where}: created", upserted, len(upserts) - existing)
        acks.check(f"{where}: deleted", deleted, len(deletes))


# Stock FerretDB 1.24.2 (SQLite) runs every find, update and delete by _id as a scan of the
# whole collection (its filter expression misses its _id index; the test server is built with
# the fix, see MongoServer.finds_by_id_index): measured on 10k documents of 2 KB, ~0.1 s per
# ReplaceOne/DeleteOne, but ~1 s for one delete_many with `$in` of 1 to 2,000 ids, and inserts
# take ~0.1 ms per document. So on such a server a batch with more replacements than this is
# written as one delete ($in) of the changed ids, then one insert_many.
FERRETDB_REWRITE_MIN = 8


def rewrite_on_ferretdb(
    db,
    collection: str,
    updates: list[tuple[str, RawBSONDocument]],
    inserts: list[tuple[str, RawBSONDocument]],
    deletes: list,
    where: str,
    acks: Acknowledged | None = None,
) -> float:
    """Write a batch on FerretDB with one collection scan: ``deletes`` and the ids of ``updates``
    go in one ``delete`` ($in), then the new versions of ``updates`` and ``inserts`` in one
    unordered insert. An insert whose _id exists after all (a retry, or a document the stored
    hashes did not know) is replaced instead. Safe to repeat. Returns the milliseconds between
    the delete and the end of the insert: how long the updated documents were absent. ``acks``
    records what the server acknowledged (see Acknowledged)."""
    coll = db[collection]
    gone = [doc_id for doc_id, _ in updates] + list(deletes)
    docs = [doc for _, doc in updates] + [doc for _, doc in inserts]
    t0 = time.perf_counter()
    if gone:
        sent: list[int] = []

        def delete():
            sent.append(1)
            return coll.delete_many({"_id": {"$in": gone}})

        done = with_retry(where, delete)
        if acks is not None:
            if not done.acknowledged:  # write concern w=0: no counts to derive from
                acks.surprises.append(f"{where}: delete not acknowledged (write concern w=0)")
            else:
                acks.removed += done.deleted_count
                acks.check(f"{where}: deleted", done.deleted_count, len(gone))
            if len(sent) > 1:
                acks.surprises.append(f"{where}: delete sent again after a dropped connection")
    if docs:
        existing: list[tuple[str, RawBSONDocument]] = []
        attempts: list[int] = []
        unacknowledged: list[int] = []

        def insert() -> None:
            attempts.append(1)
            try:
                done = coll.insert_many(docs, ordered=False)
                if not done.acknowledged:
                    unacknowledged.append(1)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise PublishError(
                        f"{where}: the server refused documents ({_write_errors(exc)}); the "
                        "collection holds a mix of old and new documents, run again"
                    ) from exc
                existing[:] = [(docs[e["index"]]["_id"], docs[e["index"]]) for e in errors]

        with_retry(where, insert)
        if acks is not None:
            acks.created += len(docs) - len(existing)
            acks.check(f"{where}: found existing where inserting", len(existing), 0)
            if len(attempts) > 1:
                acks.surprises.append(f"{where}: insert sent again after a dropped connection")
            if unacknowledged:
                acks.surprises.append(f"{where}: insert not acknowledged (write concern w=0)")
        if existing:
            write_changes(
                db,
                collection,
                existing,
                [],
                where,
                replaces_per_command=FERRETDB_REPLACES_PER_COMMAND,
                acks=acks,
                existing=len(existing),
            )
    return (time.perf_counter() - t0) * 1000 if updates else 0.0
