"""A snapshot table read again only where it changed: chunks of its key, compared by content.

A `mode: snapshot` table has no reliable `updated_at`, so a change to it (100 new orders)
used to land the whole table again (Orders and Order_Items, 2.6M rows and ~15 s at scale 10,
for a few hundred changed rows), and bronze and silver then read it all again.

With `meta.extract.key` (a column of the table's declared columns whose server type is an
integer, one value per row, never NULL or negative) the table is cut into **chunks** of
`size` consecutive key values (chunk = key div size). In the extraction's consistent
snapshot the server computes, per chunk, the count and the sum of the per-row hashes of the
content fingerprint (content_fingerprint.py); their totals are the table's fingerprint, so
one query serves both. Every extraction's manifest records the chunks (`key_chunks`).

The next extraction compares them with the newest extraction's record. The chunks whose
count or sum differ (rows inserted, updated or deleted in them; a chunk that appeared or
emptied) are read again, whole, and landed as a `delta` extraction whose manifest lists the
key ranges it replaces (`replaced_key_ranges`, `[lo, hi)`). Silver (macro
`current_extraction`) takes, for each key, the newest extraction of the chain (snapshot,
then deltas) whose ranges hold it: a row in a replaced range that the delta does not hold
was deleted.

A snapshot is landed instead, and the reason printed, when: `--full`; the key is not an
integer on the server or in the landed schema; a key is NULL or negative; the server cannot
vouch for the content (content_fingerprint.py); the chain's newest extraction has no chunk
record for this key and size, or was read with another recipe (columns, landed types,
extractor code); the changed chunks hold more than half of the table's rows; or the chain
already has `MAX_DELTAS` deltas (a snapshot starts a new one, so bronze does not grow
without end).

The chunk size is chosen when a snapshot is taken: the smallest power of two of at least
`MIN_CHUNK` key values that cuts the key range into at most `TARGET_CHUNKS` chunks; a
chain keeps it. A chunk of 2,048 Order_Items rows is read again for one changed row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from aethermart.extract.content_fingerprint import (
    current_chain,
    hash_sum_sql,
    is_innodb,
    recipe,
    row_hash_sql,
    split_hash_sum,
)
from aethermart.mariadb_client import quote_identifier as _quote

__all__ = ["MAX_DELTAS", "KeyChunks", "delta_ranges", "server_chunks"]

CHUNK_VERSION = 1
MIN_CHUNK = 16
TARGET_CHUNKS = 1024
MAX_CHUNKS = 8 * TARGET_CHUNKS  # a key range grown 8x since the snapshot: take a new one
MAX_DELTAS = 64
MAX_CHANGED_SHARE = 0.5
_INTEGER_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}


@dataclass(frozen=True)
class KeyChunks:
    """One table's content per key chunk, as the server computed it."""

    key: str  # landed column name
    server_key: str
    size: int
    chunks: dict[int, tuple[int, int]]  # chunk -> (rows, sum of row hashes)
    fingerprint: str  # the table's content fingerprint (content_fingerprint.py's format)

    @property
    def rows(self) -> int:
        return sum(count for count, _ in self.chunks.values())

    def record(self) -> dict:
        """What the manifest keeps (`key_chunks`): the next extraction compares with it."""
        return {
            "version": CHUNK_VERSION,
            "key": self.key,
            "server_key": self.server_key,
            "size": self.size,
            "chunks": {str(c): [n, total] for c, (n, total) in sorted(self.chunks.items())},
        }


def _chunk_size(max_key: int) -> int:
    size = MIN_CHUNK
    while (max_key + 1) / size > TARGET_CHUNKS:
        size *= 2
    return size


def _chain_record(landing: Path, table: str, key: str) -> tuple[dict, str, int, str] | None:
    """(chunk record, recipe, deltas in the chain, extraction id) of the table's newest
    extraction, when it recorded chunks of this key and every delta of its chain replaced
    ranges of this key."""
    chain = current_chain(landing, table)
    if chain is None or any(m.get("replaced_key") != key for _, m in chain[1:]):
        return None
    folder, manifest = chain[-1]
    record = manifest.get("key_chunks")
    fingerprint = manifest.get("content_fingerprint") or ""
    if not isinstance(record, dict) or record.get("version") != CHUNK_VERSION or record.get("key") != key:
        return None
    return record, fingerprint.split(":", 1)[0], len(chain) - 1, folder.name.split("=", 1)[1]


def server_chunks(
    conn, landing: Path, table: str, server_table: str, key: str, columns: list[str], schema: pa.Schema
) -> tuple[KeyChunks | None, str | None]:
    """(the table's chunks, None), or (None, why not) when its key cannot cut it (see the
    module docstring); the chunk size is the chain's when its newest extraction has one."""
    import pymysql

    if key not in schema.names or not pa.types.is_integer(schema.field(key).type):
        return None, f"key {key} is not landed as an integer"
    landed = schema.field(key).type
    landed_max = (1 << (landed.bit_width - (0 if pa.types.is_unsigned_integer(landed) else 1))) - 1
    server_key = columns[schema.names.index(key)]
    k = _quote(server_key)
    try:
        with conn.cursor() as cur:
            if not is_innodb(cur, server_table):
                return None, "the table is not InnoDB (its content cannot be compared)"
            cur.execute(
                "select data_type from information_schema.columns "
                "where table_schema = database() and table_name = %s and column_name = %s",
                (server_table, server_key),
            )
            found = cur.fetchone()
            if not found or str(found[0]).lower() not in _INTEGER_TYPES:
                return None, f"key {key} is not an integer column on the server"
            previous = _chain_record(landing, table, key)
            size = int(previous[0]["size"]) if previous else None
            while True:
                if size is None:
                    cur.execute(f"select max({k}) from {_quote(server_table)}")
                    high = cur.fetchone()[0]
                    size = _chunk_size(int(high) if high is not None else 0)
                cur.execute(
                    f"select key_value div {size} as chunk, count(*), {hash_sum_sql('row_hash')}, "
                    "min(key_value), max(key_value) "
                    f"from (select {k} as key_value, {row_hash_sql(columns)} as row_hash "
                    f"from {_quote(server_table)}) as hashed group by chunk"
                )
                rows = cur.fetchall()
                if len(rows) <= MAX_CHUNKS or previous is None:
                    break
                size = previous = None  # the key range outgrew the chain's size: choose again
    except pymysql.err.MySQLError as exc:
        return None, f"the server could not compute the chunks ({exc.args[-1]})"
    chunks: dict[int, tuple[int, int]] = {}
    for chunk, count, summed, low, high in rows:
        if chunk is None:
            return None, f"key {key} is NULL in {int(count):,} rows"
        if int(low) < 0:
            return None, f"key {key} has negative values"
        if int(high) > landed_max:  # it would land NULL (a conversion error): no range holds it
            return None, f"key {key} has values above its landed type's maximum ({landed})"
        split = split_hash_sum(summed, count)
        if split is None:
            return None, f"{int(count):,} rows in one chunk are too many to hash exactly"
        if split[0] != int(count):
            return None, "a row is too long to hash (max_allowed_packet)"
        chunks[int(chunk)] = (int(count), split[1])
    rows_total = sum(n for n, _ in chunks.values())
    total = sum(t for _, t in chunks.values())
    fingerprint = f"{recipe(server_table, columns, schema)}:{rows_total}:{total}"
    return KeyChunks(key, server_key, size, chunks, fingerprint), None


def delta_ranges(
    landing: Path, table: str, current: KeyChunks
) -> tuple[list[tuple[int, int]] | None, str, str | None]:
    """(the key ranges `[lo, hi)` to land as a delta, "", the id of the extraction they
    replace ranges of), or (None, the reason a snapshot is landed instead, None)."""
    previous = _chain_record(landing, table, current.key)
    if previous is None:
        return None, "no chunk record of this key to compare with", None
    record, previous_recipe, deltas, base = previous
    if int(record["size"]) != current.size or record.get("server_key") != current.server_key:
        return None, "the key's chunks changed", None
    if previous_recipe != current.fingerprint.split(":", 1)[0]:
        return None, "read with other columns, types or extractor code", None
    if deltas >= MAX_DELTAS:
        return None, f"{deltas} deltas since the snapshot", None
    before = {int(c): (int(v[0]), int(v[1])) for c, v in record["chunks"].items()}
    every = before.keys() | current.chunks.keys()
    changed = sorted(c for c in every if before.get(c) != current.chunks.get(c))
    rows = sum(current.chunks.get(c, (0, 0))[0] for c in changed)
    if rows > MAX_CHANGED_SHARE * current.rows:
        return None, f"{rows:,} of {current.rows:,} rows are in changed chunks", None
    ranges: list[tuple[int, int]] = []
    for c in changed:
        lo, hi = c * current.size, (c + 1) * current.size
        if ranges and ranges[-1][1] == lo:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges, "", base
