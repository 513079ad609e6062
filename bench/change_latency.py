"""Change latency MariaDB -> MongoDB through `aethermart sync` (a stage of `make bench`).

After the pipeline's other stages (and the baselines, which compare against this warehouse),
on the same private MariaDB, landing zone, warehouse and FerretDB:

1. prime: one `aethermart sync` (not measured) so that the sync state knows the warehouse;
2. the change, committed in one MariaDB transaction: 100 new orders (2 lines each) of
   existing customers, new emails and cities for 50 other customers, 10 reviews deleted;
3. latency: from the commit until one `aethermart sync`, started right after it, has every
   change acknowledged by MongoDB: until its MongoDB export ended (the summary's
   `mongodb_done_s`; the Parquet export beside it may end later: the process time is reported
   too, as `sync_process_s`); then MongoDB is read back to prove it shows every change
   (the 100 orders in the customers' purchase histories, the 50 new emails in their
   profiles, the 10 reviews gone; the read-back's own time is reported apart); a scheduled
   sync (`--watch N`) adds up to N seconds of waiting for its next run;
4. nothing new: one more `aethermart sync`, which must not build, next to a warm `dbt parse`
   (the target is `dbt parse` + 3 s).

Targets: 30 s at scale 1, 60 s at scale 10 (test server).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from aethermart.mariadb_url import MariaDBURL

__all__ = ["latency_target", "measure_change_latency"]

ORDERS, LINES_PER_ORDER, CUSTOMERS_UPDATED, REVIEWS_DELETED = 100, 2, 50, 10
NEW_EMAIL_DOMAIN = "syncmail.net"


def latency_target(scale: float) -> float | None:
    """The target in seconds (docs/benchmarks.md): 30 s up to scale 1, 60 s up to scale 10."""
    return 30.0 if scale <= 1 else 60.0 if scale <= 10 else None


def _mariadb(url: str):
    import pymysql

    u = MariaDBURL.parse(url)
    return pymysql.connect(host=u.host, port=u.port, user=u.user, password=u.password, database=u.database)


def _sync(cmd: list[str], env: dict, log_dir: Path, name: str) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    (log_dir / f"{name}.out").write_text(proc.stdout)
    (log_dir / f"{name}.err").write_text(proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"{name}: aethermart sync exited {proc.returncode}: {proc.stderr.strip()[-1000:]}")
    return seconds, json.loads(proc.stdout)


def _moved_before(url: str) -> set[int]:
    """Customers an earlier measurement on this folder moved already: moving them again would
    change nothing, and the change measured would lack its customer updates."""
    con = _mariadb(url)
    try:
        with con.cursor() as cur:
            cur.execute("select customer_id from Customers where email like %s", (f"%@{NEW_EMAIL_DOMAIN}",))
            return {int(r[0]) for r in cur.fetchall()}
    finally:
        con.close()


def _pick(db, moved_before: set[int]) -> tuple[list[str], list[str], list[str]]:
    """From the published documents: online-only customers (a profile per MariaDB customer, so
    each change has one document to show it in) to order and to move (none moved before), and
    reviews to delete."""
    online = sorted(
        int(d["channels"]["online_customer_id"])
        for d in db.customer_profiles.find(
            {"channels.has_online_account": True, "channels.has_store_account": False},
            {"channels.online_customer_id": 1},
        )
        if d["channels"].get("online_customer_id")
    )
    ordering = online[: max(1, min(40, len(online) // 3))]
    moving = [c for c in online[len(ordering) :] if c not in moved_before][:CUSTOMERS_UPDATED]
    reviews = sorted(int(d["source_review_id"]) for d in db.reviews.find({}, {"source_review_id": 1}))
    return ordering, moving, reviews[:REVIEWS_DELETED]


def _apply_change(url: str, ordering: list[int], moving: list[int], reviews: list[int]) -> dict:
    """Commit the change in one transaction; return what it touched (MariaDB ids, as text)."""
    con = _mariadb(url)
    try:
        with con.cursor() as cur:
            # a date inside the data's range (the table also holds dirt such as 9999-12-31)
            cur.execute("select max(order_date) from Orders where order_date <= curdate()")
            (order_date,) = cur.fetchone()
            cur.execute("select product_id, price from Products where price > 0 order by product_id limit 20")
            products = cur.fetchall()
            cur.execute(
                "select coalesce(max(order_id), 0), (select coalesce(max(order_item_id), 0) "
                "from Order_Items) from Orders"
            )
            next_order, next_item = cur.fetchone()
            orders, items = [], []
            for i in range(ORDERS):
                order_id = next_order + 1 + i
                lines = [products[(i + k) % len(products)] for k in range(LINES_PER_ORDER)]
                orders.append(
                    (
                        order_id,
                        ordering[i % len(ordering)],
                        order_date,
                        sum(price * (1 + k) for k, (_, price) in enumerate(lines)),
                    )
                )
                for k, (product_id, price) in enumerate(lines):
                    next_item += 1
                    items.append((next_item, order_id, product_id, 1 + k, price))
            cur.executemany(
                "insert into Orders (order_id, customer_id, order_date, total_amount) "
                "values (%s, %s, %s, %s)",
                orders,
            )
            cur.executemany(
                "insert into Order_Items (order_item_id, order_id, product_id, quantity, price) "
                "values (%s, %s, %s, %s, %s)",
                items,
            )
            cur.executemany(
                "update Customers set email = %s, city = %s where customer_id = %s",
                [(f"moved.{c}@{NEW_EMAIL_DOMAIN}", "Springfield", c) for c in moving],
            )
            marks = ", ".join(["%s"] * len(reviews))
            cur.execute(f"delete from Reviews where review_id in ({marks})", reviews)
        con.commit()
    finally:
        con.close()
    return {
        "orders": [str(o[0]) for o in orders],
        "order_customers": sorted({str(c) for c in ordering}),
        "moved_customers": [str(c) for c in moving],
        "deleted_reviews": [str(r) for r in reviews],
    }


def _visible(db, change: dict) -> dict[str, int]:
    """How much of the change MongoDB shows now."""
    profiles = {
        d["channels"]["online_customer_id"]: d
        for d in db.customer_profiles.find({}, {"channels.online_customer_id": 1, "identity.email_masked": 1})
        if d.get("channels", {}).get("online_customer_id")
    }
    new_email = f"m***@{NEW_EMAIL_DOMAIN}"
    moved = sum(
        1
        for c in change["moved_customers"]
        if (profiles.get(c, {}).get("identity") or {}).get("email_masked") == new_email
    )
    keys = [profiles[c]["_id"] for c in change["order_customers"] if c in profiles]
    wanted = set(change["orders"])
    seen = set()
    for doc in db.customer_purchase_history.find({"_id": {"$in": keys}}):
        seen |= {
            o.get("source_order_id") for o in doc.get("orders", []) if o.get("channel") == "online"
        } & wanted
    left = db.reviews.count_documents({"source_review_id": {"$in": change["deleted_reviews"]}})
    return {
        "orders": len(seen),
        "moved_customers": moved,
        "deleted_reviews": len(change["deleted_reviews"]) - left,
    }


def measure_change_latency(
    scale: float, mariadb_url: str, mongodb_uri: str, run_dir: Path, env: dict, bin_dir: Path | None = None
) -> dict:
    """Prime, change, measure (see the module docstring); returns the numbers for the results.
    ``run_dir`` is laid out by bench.pipeline.fresh_run_dir: landing/, dbt/warehouse.duckdb,
    dbt/target/, gold/, logs/."""
    import pymongo

    from aethermart.export.mongo.config import MongoURI

    landing, dbt_dir = run_dir / "landing", run_dir / "dbt"
    duckdb_path, target_path = dbt_dir / "warehouse.duckdb", dbt_dir / "target"
    log_dir = run_dir / "logs" / "change_latency"
    bin_dir = bin_dir or Path(sys.executable).parent
    log_dir.mkdir(parents=True, exist_ok=True)
    paths = ["--landing", str(landing), "--duckdb", str(duckdb_path), "--target-path", str(target_path)]
    servers = ["--mariadb-url", mariadb_url, "--mongodb-uri", mongodb_uri]
    cmd = [str(bin_dir / "aethermart"), "sync", "--json", *paths, "--out", str(run_dir / "gold"), *servers]
    env = {**env, "DBT_LOG_PATH": str(log_dir / "dbt_logs")}
    print("  sync   | prime sync ...", end="", flush=True, file=sys.stderr)
    prime_s, _ = _sync(cmd, env, log_dir, "sync-prime")
    print(f" {prime_s:.1f} s", file=sys.stderr)

    with pymongo.MongoClient(mongodb_uri, serverSelectionTimeoutMS=5000) as client:
        db = client[MongoURI.parse(mongodb_uri).database]
        ordering, moving, reviews = _pick(db, _moved_before(mariadb_url))
        change = _apply_change(mariadb_url, ordering, moving, reviews)
        committed = time.perf_counter()
        print("  sync   | change -> MongoDB ...", end="", flush=True, file=sys.stderr)
        sync_s, summary = _sync(cmd, env, log_dir, "sync-change")
        ended = time.perf_counter() - committed
        # the MongoDB export ends once the server acknowledged every write: from then on the
        # change is readable; the read-back below proves it (its own time is the reader's,
        # reported apart). What the sync did after it (the rest of the Parquet export beside
        # it) is not part of the latency.
        after_mongodb = summary["seconds"] - summary["mongodb_done_s"]
        latency = ended - after_mongodb
        want = {"orders": ORDERS, "moved_customers": len(moving), "deleted_reviews": len(reviews)}
        seen = _visible(db, change)
        verify_s = time.perf_counter() - committed - ended
    print(f" {latency:.1f} s (read back in {verify_s:.1f} s)", file=sys.stderr)
    if seen != want:
        raise RuntimeError(f"after aethermart sync MongoDB shows {seen} of the change {want}")

    print("  sync   | nothing new ...", end="", flush=True, file=sys.stderr)
    idle_s, idle = _sync(cmd, env, log_dir, "sync-idle")
    print(f" {idle_s:.1f} s", file=sys.stderr)
    if idle["built"] or idle["documents_written"]:
        raise RuntimeError("a sync with nothing new built or wrote documents")
    started = time.perf_counter()
    subprocess.run(
        [str(bin_dir / "dbt"), "parse", "--target-path", str(target_path)],
        env={**env, "AETHERMART_LANDING": str(landing), "AETHERMART_DUCKDB": str(duckdb_path)},
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        check=True,
    )
    parse_s = time.perf_counter() - started
    return {
        "scale": scale,
        "latency_s": round(latency, 2),
        "target_s": latency_target(scale),
        "sync_process_s": round(sync_s, 2),
        "sync_after_mongodb_s": round(after_mongodb, 2),
        "read_back_s": round(verify_s, 2),
        "stages_s": {s["name"]: s["seconds"] for s in summary["stages"]},
        "documents": summary["collections"],
        "changed": summary["changed"],
        "change": {
            "orders": ORDERS,
            "order_lines": ORDERS * LINES_PER_ORDER,
            "ordering_customers": len(ordering),
            "customers_updated": len(moving),
            "reviews_deleted": len(reviews),
        },
        "prime_sync_s": round(prime_s, 2),
        "nothing_new_sync_s": round(idle_s, 2),
        "warm_dbt_parse_s": round(parse_s, 2),
        "nothing_new_target_s": round(parse_s + 3, 2),
        "nothing_new_stages_s": {s["name"]: s["seconds"] for s in idle["stages"]},
    }


def describe(result: dict) -> str:
    """Lines for the bench's terminal table."""
    target = f"target {result['target_s']:g} s" if result["target_s"] else "no target at this scale"
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result["stages_s"].items() if v)
    c = result["change"]
    return (
        f"  change latency MariaDB -> MongoDB via aethermart sync ({c['orders']} orders, "
        f"{c['customers_updated']} customers moved, {c['reviews_deleted']} reviews deleted): "
        f"{result['latency_s']:.1f} s ({target}; the sync process "
        f"{result['sync_process_s']:.1f} s); stages s: {stages}\n"
        f"  sync with nothing new: {result['nothing_new_sync_s']:.1f} s (target: warm dbt parse "
        f"{result['warm_dbt_parse_s']:.1f} s + 3 s = {result['nothing_new_target_s']:.1f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Only this stage, on a fresh work dir (setup as `make bench` does it, without baselines):

        python -m bench.change_latency --scale 0.1 [--seed 1] [--workdir data/bench-latency]

    Prints the result (with each collection's export phases) as JSON on stdout."""
    import argparse
    import shutil

    from bench.pipeline import BIN, REPO, export_command, fresh_run_dir, generate_command, measure
    from tools.local_ferretdb import LocalFerretDB
    from tools.local_mariadb import LocalMariaDB

    parser = argparse.ArgumentParser(prog="python -m bench.change_latency", description=main.__doc__)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=REPO / "data" / "bench-latency")
    args = parser.parse_args(argv)
    run_dir = args.workdir / f"scale-{args.scale:g}"
    landing, logs, wd, env = fresh_run_dir(run_dir)
    duckdb_path, target = Path(env["AETHERMART_DUCKDB"]), wd / "target"
    aethermart = str(BIN / "aethermart")
    with LocalMariaDB(run_dir / "mariadb") as mariadb, LocalFerretDB(run_dir / "ferretdb") as ferret:
        measure(
            "generate + load MariaDB",
            "setup",
            generate_command(args.scale, args.seed, landing, mariadb.url),
            env,
            logs,
        )
        shutil.rmtree(landing / "mariadb")
        measure(
            "extract",
            "setup",
            [aethermart, "extract", "--mariadb-url", mariadb.url, "--landing", str(landing), "--json"],
            env,
            logs,
        )
        measure(
            "dbt build",
            "setup",
            [str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(wd / "logs")],
            env,
            logs,
        )
        uri = ferret.uri + "aethermart_bench"
        full_export = ["--target", "mongodb", "--mongodb-uri", uri, "--mode", "full"]
        measure(
            "export mongodb",
            "setup",
            export_command(duckdb_path, target, *full_export),
            env,
            logs,
        )
        result = measure_change_latency(args.scale, mariadb.url, uri, run_dir, env)
    print(describe(result), file=sys.stderr)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
