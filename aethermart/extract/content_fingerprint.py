"""Whether a snapshot table changed since its last extraction, asked of the server.

A `mode: snapshot` table has no reliable `updated_at`, so the only way to know that it did
not change is to compare its content. Reading every row into Parquet to find out costs the
whole extraction (16.6 s of a 17.4 s sync with nothing new at scale 10). Instead the server
computes, in the extraction's consistent snapshot, one number over the columns the
extraction reads:

    count(*) and sum over rows of the first 60 bits of
    sha1(concat_ws(',', quote(cast(c1 as binary)), quote(cast(c2 as binary)), ...))

`QUOTE()` writes NULL as the word NULL and every value as an escaped, quoted string, so NULL,
'NULL', '' and values containing the separator are all different texts; the cast to binary
keeps each value's bytes as stored, so columns of character sets MariaDB cannot combine
(latin1 and cp1251) still concatenate. The sum of per-row hashes does not depend on row
order and changes with any change to any row (a collision needs changes whose 60-bit hashes
cancel out exactly: about 2**-60 per change). It is compared together with the "recipe":
this module's version, the server columns read, the landed Parquet schema, and the code
that turns server values into Parquet (the extractor's casting and type modules, silver's
cleaning macros it renders, the DuckDB and pyarrow versions), so a changed declaration in
the sources YAML or a fixed parser lands the table again.

No fingerprint when the server cannot vouch for the content (the table is then read as
before, and the extractor compares the Parquet file it wrote with the newest extraction's:
byte-identical, it is discarded and the table reported unchanged, so a table without a
fingerprint does not make every sync build): a table that is not InnoDB (MyISAM, Aria and
MEMORY tables are not part of the consistent snapshot, so the rows read later may differ
from the ones hashed), a row whose quoted text exceeds `max_allowed_packet` (MariaDB's hash
of it is NULL, which a sum would skip), or any error computing it.

Measured at scale 1 (266,670 rows in 8 tables): 0.34 s on the server, against 1.8 s to
extract them; a sync with nothing new at scale 10 went from 17.4 s to 4.7 s. The sum and the
count of rows not hashed are one aggregate (hash_sum_sql): as two, MariaDB computed every
row's md5 twice (the extract stage of a sync with nothing new at scale 10: 5.4 -> 3.7 s).
The hash is SHA-1, not MD5 (before FINGERPRINT_VERSION 3): on MariaDB 10.11 md5() costs
about eight times as much as sha1() (Order_Items at scale 10, 1.8M rows: the row texts alone
0.68 s, hashed with sha1() 0.78 s, with md5() 1.48 s; the eight tables' fingerprints 2.1 s
against 3.3-3.5 s).

Equal fingerprint, and the previous extraction's files still there with their recorded
sizes: the table is not landed again (`aethermart extract --full` always lands it).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import pyarrow as pa

from aethermart.extract.casting import MACROS as CLEANING_MACROS
from aethermart.mariadb_client import quote_identifier as _quote

__all__ = [
    "FINGERPRINT_VERSION",
    "current_chain",
    "hash_sum_sql",
    "is_innodb",
    "landed_files",
    "landed_fingerprint",
    "recipe",
    "row_hash_sql",
    "row_text",
    "server_fingerprint",
    "split_hash_sum",
]

# Change it when the query below or what the extractor writes for the same rows changes:
# every snapshot table is then landed once more (3: SHA-1 instead of MD5).
FINGERPRINT_VERSION = 3
_EXTRACT_DIR = Path(__file__).parent


@functools.cache
def _code_digest() -> str:
    """The code between a server value and its landed Parquet value, and its libraries."""
    import duckdb

    h = hashlib.sha256(f"duckdb={duckdb.__version__} pyarrow={pa.__version__}".encode())
    files = [_EXTRACT_DIR / "casting.py", _EXTRACT_DIR / "types.py", *sorted(CLEANING_MACROS.glob("*.sql"))]
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:32]


def recipe(server_table: str, columns: list[str], schema: pa.Schema) -> str:
    described = {
        "version": FINGERPRINT_VERSION,
        "server_table": server_table,
        "columns": columns,
        "landed": [[f.name, str(f.type)] for f in schema],
        "code": _code_digest(),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:32]


# A row whose hash is NULL (its text longer than max_allowed_packet) adds this to the sum
# instead of nothing, so one aggregate gives both the sum and whether a row was not hashed:
# MariaDB evaluates an expression once per aggregate that names it, and `count(md5(...))`
# beside `sum(... md5(...))` hashed every row twice (Order_Items at scale 10: 3.4 s against
# 2.2 s). The 60-bit prefixes of fewer than 2**40 rows sum below it; SUM over the DECIMAL is
# exact.
NOT_HASHED = 2**100
MAX_HASHED_ROWS = 2**40


def hash_sum_sql(row_hash: str) -> str:
    """SQL of the aggregate over the rows' hex hash texts ``row_hash`` (row_hash_sql): the sum
    of their first 60 bits, plus NOT_HASHED per row whose hash is NULL (split it with
    split_hash_sum)."""
    prefix = f"cast(conv(left({row_hash}, 15), 16, 10) as unsigned)"
    return f"coalesce(sum(coalesce({prefix}, cast({NOT_HASHED} as decimal(31, 0)))), 0)"


def split_hash_sum(total, rows) -> tuple[int, int] | None:
    """(rows hashed, their sum) from hash_sum_sql's value over ``rows`` rows; None when the
    rows are too many for the split to be exact."""
    rows, total = int(rows), int(total)
    if rows >= MAX_HASHED_ROWS:
        return None
    return rows - total // NOT_HASHED, total % NOT_HASHED


def server_fingerprint(conn, server_table: str, columns: list[str], schema: pa.Schema) -> str | None:
    """The fingerprint of the table's current content (in the connection's transaction), or
    None when the server cannot vouch for it (see the module docstring)."""
    import pymysql

    if not columns:
        return None
    try:
        with conn.cursor() as cur:
            if not is_innodb(cur, server_table):
                return None
            cur.execute(
                f"select count(*), {hash_sum_sql('row_hash')} "
                f"from (select {row_hash_sql(columns)} as row_hash from {_quote(server_table)}) as hashed"
            )
            rows, summed = cur.fetchone()
    except pymysql.err.MySQLError:
        return None
    split = split_hash_sum(summed, rows)
    if split is None or split[0] != int(rows):  # a row too long to hash: the sum would not see it
        return None
    return f"{recipe(server_table, columns, schema)}:{int(rows)}:{split[1]}"


def row_hash_sql(columns: list[str]) -> str:
    """The SQL of one row's hash, as hex text (NULL when its text exceeds max_allowed_packet)."""
    return f"sha1({row_text(columns)})"


def row_text(columns: list[str]) -> str:
    """The SQL text of one row that the fingerprint hashes (see the module docstring)."""
    return "concat_ws(',', " + ", ".join(f"quote(cast({_quote(c)} as binary))" for c in columns) + ")"


def is_innodb(cur, server_table: str) -> bool:
    """Whether the table is part of the transaction's consistent snapshot."""
    cur.execute(
        "select engine from information_schema.tables where table_schema = database() and table_name = %s",
        (server_table,),
    )
    engine = cur.fetchone()
    return bool(engine) and str(engine[0] or "").lower() == "innodb"


def current_chain(landing: Path, table: str) -> list[tuple[Path, dict]] | None:
    """The extractions that hold the table's current content, oldest first: its newest
    snapshot and the `delta` extractions after it (key_chunks.py), when every one of their
    files is still there as written (path in the folder, recorded size) and each delta names
    the extraction before it as its base (none is missing); None otherwise, and when the
    newest extraction is an incremental one."""
    published = sorted(p for p in (landing / "mariadb" / table).glob("extraction_id=*") if p.is_dir())
    chain: list[tuple[Path, dict]] = []
    for folder in reversed(published):
        try:
            manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
            mode = manifest.get("mode")
            if mode not in ("snapshot", "delta"):
                return None
            for file in manifest["files"]:
                path = folder / file["path"]
                if not path.is_file() or Path(file["path"]).name != file["path"]:
                    return None
                if "bytes" in file and path.stat().st_size != file["bytes"]:
                    return None
            int(manifest["rows"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if chain and chain[0][1].get("base_extraction_id") != folder.name.split("=", 1)[1]:
            return None  # the next delta was not compared with this one: one is missing
        chain.insert(0, (folder, manifest))
        if mode == "snapshot":
            return chain
    return None


def landed_fingerprint(landing: Path, table: str, key: str | None = None) -> tuple[str, str, int] | None:
    """(fingerprint, extraction_id, rows) of the table's newest extraction, when it is a
    snapshot that recorded a fingerprint and whose files are all still there as written;
    None otherwise (the table is then landed). The id is the folder's, which is what dbt reads;
    the newest extraction may be a `delta`, whose manifest states the whole table's content,
    when every delta of the chain replaced ranges of `key` (the table's declared key)."""
    chain = current_chain(landing, table)
    if chain is None or not chain[-1][1].get("content_fingerprint"):
        return None
    if any(manifest.get("replaced_key") != key for _, manifest in chain[1:]):
        return None  # deltas of a key no longer declared: silver cannot apply them, land whole
    folder, manifest = chain[-1]
    rows = manifest.get("table_rows", manifest["rows"])  # a delta's file holds its changed rows only
    return manifest["content_fingerprint"], folder.name.split("=", 1)[1], int(rows)


def landed_files(landing: Path, table: str) -> tuple[str, int, list[str]] | None:
    """(extraction_id, rows, sha256 of each file) of the table's newest extraction, when it is
    a snapshot whose files are all still there as written; None otherwise."""
    chain = current_chain(landing, table)
    if chain is None or len(chain) != 1:
        return None
    folder, manifest = chain[0]
    try:
        return folder.name.split("=", 1)[1], int(manifest["rows"]), [f["sha256"] for f in manifest["files"]]
    except (KeyError, TypeError):
        return None
