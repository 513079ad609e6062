"""Export one document model two ways in one run; print docs/s, peak RSS and where the time goes.

    python bench/export_vs_seed_approach.py --duckdb WAREHOUSE [--model doc_customer_profiles]
        [--mongodb-uri URI]     (default: a private FerretDB, if `make ferretdb` built it)
        [--manifest target/manifest.json]

- ours: `aethermart export --target mongodb --select MODEL` (DuckDB builds Extended JSON per
  row, libbson encodes it, RawBSONDocument batches into a staging collection, validate, swap);
- seed approach: `select *` into Python dicts row by row (decimals -> Decimal128, dates ->
  datetime), then `delete_many({})` and `insert_many(docs)`, as the seed systems did.

Two measurements each, every one in its own process so peak RSS is its own
(/usr/bin/time -v):
1. client side only (no server): rows -> BSON bytes, with decimals as Decimal128 (MongoDB's
   default), which is what the >= 15k docs/s target is about;
2. end to end against the server, with the decimal encoding the server takes (FerretDB:
   exact strings), split into encode and server time.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


# --- workers (run in their own process) -------------------------------------------------------


def _seed_documents(duckdb_path: str, model: str, decimals: str) -> tuple[list[dict], float]:
    import datetime as dt
    from decimal import Decimal

    import duckdb
    from bson.decimal128 import Decimal128

    def convert(value):
        if isinstance(value, Decimal):
            return Decimal128(value) if decimals == "decimal128" else str(value)
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    t0 = time.perf_counter()
    con = duckdb.connect(duckdb_path, read_only=True)
    cur = con.execute(f'select * from gold."{model}"')
    columns = [d[0] for d in cur.description]
    docs = [{c: convert(v) for c, v in zip(columns, row, strict=True)} for row in cur.fetchall()]
    return docs, time.perf_counter() - t0


def worker_seed(duckdb_path: str, model: str, uri: str | None) -> dict:
    import bson
    import pymongo
    from bson.raw_bson import RawBSONDocument

    decimals = "decimal128" if uri is None else _server_decimals(uri)
    docs, dict_seconds = _seed_documents(duckdb_path, model, decimals)
    t0 = time.perf_counter()
    encoded = [bson.encode(d) for d in docs]  # what insert_many does with the dicts
    encode_seconds = time.perf_counter() - t0
    out = {
        "docs": len(docs),
        "dict_seconds": dict_seconds,
        "encode_seconds": encode_seconds,
        "bytes": sum(map(len, encoded)),
    }
    if uri is not None:
        collection = pymongo.MongoClient(uri).get_database()[f"bench_seed_{model}"]
        raw = [RawBSONDocument(b) for b in encoded]
        del docs
        t0 = time.perf_counter()
        collection.delete_many({})
        collection.insert_many(raw)
        out["server_seconds"] = time.perf_counter() - t0
    return out


def worker_ours_encode(duckdb_path: str, model: str) -> dict:
    import duckdb

    from aethermart.export.mongo.encode import EncodeTimes, document_query, iter_document_batches

    t0 = time.perf_counter()
    con = duckdb.connect(duckdb_path, read_only=True)
    relation = f'gold."{model}"'
    rel = con.sql(f"select * from {relation} limit 0")
    columns = list(zip(rel.columns, rel.types, strict=True))
    query = document_query(relation, columns, "_id", "decimal128", model)
    times = EncodeTimes()
    docs = nbytes = 0
    for batch in iter_document_batches(con.cursor(), query.sql, 1000, model, times):
        docs += len(batch.ids)
        nbytes += batch.nbytes
    return {
        "docs": docs,
        "seconds": time.perf_counter() - t0,
        "duckdb_seconds": times.duckdb,
        "encode_seconds": times.encode,
        "bytes": nbytes,
    }


def _server_decimals(uri: str) -> str:
    import pymongo

    info = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000).admin.command("buildInfo")
    return "string" if "ferretdbVersion" in info else "decimal128"


# --- driver ---------------------------------------------------------------------------------


def timed(cmd: list[str]) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return seconds, rss_kb, proc.stdout


def _worker(name: str, *args: str) -> dict:
    seconds, rss, out = timed([sys.executable, __file__, "_worker", name, *args])
    return {**json.loads(out.strip().splitlines()[-1]), "wall": seconds, "rss_mb": rss / 1024}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        name, args = sys.argv[2], sys.argv[3:]
        result = (
            worker_seed(args[0], args[1], args[2] if len(args) > 2 else None)
            if name == "seed"
            else worker_ours_encode(args[0], args[1])
        )
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duckdb", required=True)
    parser.add_argument("--manifest", default="target/manifest.json")
    parser.add_argument("--model", default="doc_customer_profiles")
    parser.add_argument("--mongodb-uri", default=None)
    parser.add_argument("--client-only", action="store_true", help="only measurement 1 (no server)")
    args = parser.parse_args()

    server = None
    uri = args.mongodb_uri
    if uri is None and not args.client_only:
        from tools.local_ferretdb import LocalFerretDB

        server = LocalFerretDB(Path(tempfile.mkdtemp(prefix="bench_ferretdb_"))).start()
        uri = f"{server.uri}bench"
    try:
        ours_enc = _worker("ours", args.duckdb, args.model)
        seed_enc = _worker("seed", args.duckdb, args.model)
        print(
            f"{args.model}: {ours_enc['docs']:,} documents, {ours_enc['bytes'] / ours_enc['docs']:,.0f} "
            "bytes each (BSON)"
        )
        print("\n1. client side only (rows -> BSON bytes, decimals as Decimal128), own process each:")
        print(f"  {'approach':<44} {'wall s':>7} {'docs/s':>9} {'peak RSS':>9}  split")
        print(
            f"  {'ours: DuckDB Extended JSON + libbson':<44} {ours_enc['wall']:7.2f} "
            f"{ours_enc['docs'] / ours_enc['seconds']:9,.0f} {ours_enc['rss_mb']:7.0f}MB  "
            f"in-process {ours_enc['seconds']:.2f}s (DuckDB {ours_enc['duckdb_seconds']:.2f}s, "
            f"libbson {ours_enc['encode_seconds']:.2f}s, overlapped)"
        )
        seed_s = seed_enc["dict_seconds"] + seed_enc["encode_seconds"]
        print(
            f"  {'seed: dicts row by row + bson.encode':<44} {seed_enc['wall']:7.2f} "
            f"{seed_enc['docs'] / seed_s:9,.0f} {seed_enc['rss_mb']:7.0f}MB  "
            f"in-process {seed_s:.2f}s (dicts {seed_enc['dict_seconds']:.2f}s, "
            f"bson.encode {seed_enc['encode_seconds']:.2f}s)"
        )
        print(f"  ratio (seed time / ours): {seed_s / ours_enc['seconds']:.2f}x")
        if args.client_only:
            return

        export = [
            str(BIN / "aethermart"),
            "export",
            "--target",
            "mongodb",
            "--select",
            args.model,
            "--duckdb",
            args.duckdb,
            "--manifest",
            args.manifest,
            "--mongodb-uri",
            uri,
            "--json",
        ]
        timed(export)  # first runs create the collections; the second runs replace them (steady state)
        _worker("seed", args.duckdb, args.model, uri)
        seconds, rss, out = timed(export)
        ours = json.loads(out)["datasets"][0]
        seed = _worker("seed", args.duckdb, args.model, uri)
        seed_total = seed["dict_seconds"] + seed["encode_seconds"] + seed["server_seconds"]
        name = _server_decimals(uri)
        print(
            f"\n2. end to end against the server, second run of each (the collection exists), "
            f"decimals as {name}:"
        )
        print(f"  {'approach':<44} {'wall s':>7} {'docs/s':>9} {'peak RSS':>9}  split")
        print(
            f"  {'ours: aethermart export (full, staged, swap)':<44} {seconds:7.2f} "
            f"{ours['rows'] / ours['seconds']:9,.0f} {rss / 1024:7.0f}MB  "
            f"in-process {ours['seconds']:.2f}s: server {ours['server_seconds']:.2f}s, DuckDB "
            f"{ours['duckdb_seconds']:.2f}s + libbson {ours['encode_seconds']:.2f}s"
        )
        print(
            f"  {'seed: dicts + delete_many + insert_many':<44} {seed['wall']:7.2f} "
            f"{seed['docs'] / seed_total:9,.0f} {seed['rss_mb']:7.0f}MB  "
            f"in-process {seed_total:.2f}s: server {seed['server_seconds']:.2f}s, dicts "
            f"{seed['dict_seconds']:.2f}s + bson.encode {seed['encode_seconds']:.2f}s"
        )
        print(f"  ratio (seed time / ours): {seed_total / ours['seconds']:.2f}x")
        print(
            "  ours, server time by step: "
            + ", ".join(f"{k} {v:.2f}s" for k, v in ours["phases"].items())
            + " (the seed approach reads nothing back, builds no index, validates nothing, and leaves "
            "readers an empty or partial collection while it runs)"
        )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
