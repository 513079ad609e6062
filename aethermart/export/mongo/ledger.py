"""The incremental MongoDB export's ledger: what this exporter last wrote to a collection.

Per destination (server hosts + database, never the user or password) and collection, the
ledger holds (``_id``, ``h``) — the content hash of every document the last successful
export left in the collection — as one Parquet file next to the warehouse:

    <warehouse>.mongo-ledger/<destination>/<collection>.parquet
    <warehouse>.mongo-ledger/<destination>/destination.json   {"server": "mongodb://host:port",
                                                               "database": …}

With a usable ledger the incremental export diffs the model's new hashes against it in
DuckDB (a join) and writes only what changed, without reading the stored hashes back from
the server (on FerretDB that read costs seconds per thousand documents: it reads every
document whole). It also holds each gold row's DuckDB ``hash()`` (``rh``): with it, only rows
whose row hash changed get their Extended JSON and md5 built (10-30x cheaper than hashing
every document); a ledger from another DuckDB version falls back to hashing every document.

The ledger is *usable* only when all of these hold; otherwise the export
reads the stored hashes back from the server as before (and says so in its summary):

- the ledger file exists and names the run that wrote it (``run_id``) and the document
  query it hashed (``query``: a change of the model's columns, types or the decimals
  encoding gives other hashes);
- the collection's mark on the server (collection ``_aethermart_exports``, one document per
  collection: ``{_id: <collection>, run_id, state}``) names the same run and the state
  ``done``. Every export that changes the collection (incremental, full, rollback, an export
  from another warehouse or from Parquet) first sets ``state: writing`` with its own run id,
  and only a run that wrote the ledger sets ``done`` — after the ledger file is in place. A
  run killed between its writes and its ledger therefore leaves ``writing`` (or another run
  id) behind, and the next run reads back;
- the server's count of the collection equals the ledger's row count (FerretDB: collStats,
  exact, but it reads the collection's pages: seconds at scale 10; MongoDB: count on the
  _id index), which catches documents deleted or inserted behind the exporter's back. It
  is taken before anything is written: after the writes, an upsert that re-created a
  document deleted behind the exporter's back would hide it. The validation after the writes
  derives its count from this one and the server's acknowledgements where they are the ones
  the ledger implies (publish.Acknowledged), and counts again where they are not;
- ``--verify`` was not given.

Limit (documented): a document *modified in place* behind the exporter's back (same count,
no export of ours involved) is not seen by the ledger path; ``--verify`` reads every stored
hash back and rewrites it. The file is written atomically (a temporary file in the same
folder, fsynced, then renamed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
import pyarrow.parquet as pq

from aethermart.export.mongo.config import MongoURI

__all__ = [
    "LEDGER_SUFFIX",
    "MARKS_COLLECTION",
    "Ledger",
    "LedgerStore",
    "destination_of",
    "mark",
    "read_mark",
]

LEDGER_SUFFIX = ".mongo-ledger"
MARKS_COLLECTION = "_aethermart_exports"
# _id, the document's content hash (_content_hash), DuckDB's 64-bit hash of the gold row
SCHEMA = pa.schema([("_id", pa.string()), ("h", pa.string()), ("rh", pa.uint64())])


def destination_of(uri: MongoURI) -> tuple[str, dict]:
    """(folder name, description) of the server and database; no user, password or options."""
    scheme, rest = uri.uri.split("://", 1)
    hosts = rest.rpartition("@")[2].partition("/")[0].partition("?")[0].lower()
    about = {"server": f"{scheme}://{hosts}", "database": uri.database}
    key = hashlib.sha256(json.dumps(about, sort_keys=True).encode()).hexdigest()[:24]
    return key, about


@dataclass(frozen=True)
class Ledger:
    table: pa.Table  # _id, h
    run_id: str
    query: str  # md5 of the document query (and the columns' types) whose hashes it holds
    # the gold table's fingerprint when the ledger was written (count and bit_xor of DuckDB's
    # row hash, with the DuckDB version): equal now -> the table did not change, nothing to hash
    fingerprint: str = ""
    row_hashes: str = ""  # the DuckDB version whose hash() filled rh ("" = none)

    @property
    def rows(self) -> int:
        return self.table.num_rows


@dataclass(frozen=True)
class LedgerStore:
    root: Path  # <warehouse>.mongo-ledger/<destination>

    @classmethod
    def for_destination(cls, warehouse: Path, uri: MongoURI) -> LedgerStore:
        key, _ = destination_of(uri)
        return cls(Path(f"{warehouse}{LEDGER_SUFFIX}") / key)

    def path(self, collection: str) -> Path:
        # a collection name may hold '/' (one file per collection, never a sub-folder)
        return self.root / f"{quote(collection, safe='')}.parquet"

    def read(self, collection: str) -> Ledger | None:
        """The ledger, or None when it is missing or unreadable (the caller reads back)."""
        try:
            table = pq.read_table(self.path(collection))
            meta = table.schema.metadata or {}
            run_id, query = meta[b"aethermart.run_id"].decode(), meta[b"aethermart.query"].decode()
            fingerprint = meta.get(b"aethermart.fingerprint", b"").decode()
            row_hashes = meta.get(b"aethermart.row_hashes", b"").decode()
            if table.schema.names == ["_id", "h"]:  # written without row hashes: diff by content hash
                table = table.append_column("rh", pa.nulls(table.num_rows, pa.uint64()))
            if table.schema.names != SCHEMA.names:
                return None
            table = table.cast(SCHEMA)
        except (OSError, KeyError, pa.ArrowException):
            return None
        if table.column("rh").null_count:
            row_hashes = ""
        return Ledger(table, run_id, query, fingerprint, row_hashes)

    def write(
        self,
        collection: str,
        table: pa.Table,
        run_id: str,
        query: str,
        about: dict,
        fingerprint: str = "",
        row_hashes: str = "",
    ) -> None:
        """Replace the collection's ledger atomically with ``table`` (_id, h)."""
        self.root.mkdir(parents=True, exist_ok=True)
        described = self.root / "destination.json"
        if not described.exists():
            _atomic_bytes(described, json.dumps(about, indent=1).encode() + b"\n")
        table = (
            table.select(SCHEMA.names)
            .cast(SCHEMA)
            .replace_schema_metadata(
                {
                    "aethermart.run_id": run_id,
                    "aethermart.query": query,
                    "aethermart.fingerprint": fingerprint,
                    "aethermart.row_hashes": row_hashes,
                    "aethermart.written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
        )
        target = self.path(collection)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            pq.write_table(table, tmp, compression="zstd")
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _atomic_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_mark(db, collection: str) -> dict | None:
    return db[MARKS_COLLECTION].find_one({"_id": collection})


def mark(db, collection: str, run_id: str, state: str) -> None:
    """Record on the server which run last changed ``collection`` and whether its ledger is
    complete (``done``) or not (``writing``: the run is changing it, or died doing so)."""
    db[MARKS_COLLECTION].replace_one(
        {"_id": collection},
        {"_id": collection, "run_id": run_id, "state": state, "at": datetime.now(UTC).replace(tzinfo=None)},
        upsert=True,
    )
