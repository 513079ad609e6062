"""`aethermart sync` end to end: private MariaDB -> landing -> dbt build -> FerretDB (and Parquet).

One module-scoped pipeline at scale 0.01: a first sync builds and exports everything; a
committed change in MariaDB (new orders with their items for existing customers, new emails
and cities for some customers, deleted reviews) is synced, and the documents that changed in
MongoDB are exactly the ones that change implies; a sync with nothing new builds nothing and
writes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pymongo
import pymysql
import pytest
from bson import encode as bson_encode

from aethermart.mariadb_url import MariaDBURL
from tests.conftest import BIN, REPO, run_cli

COLLECTIONS = (
    "customer_profiles",
    "customer_purchase_history",
    "product_catalog",
    "product_sales",
    "reviews",
)
# fields of a customer profile that rank the customer among all customers (RFM quintiles by
# percent rank): new orders of some customers may move other customers' scores
RANK_FIELDS = ("rfm_score", "segment")


def _connect(url: str, database: str | None = None):
    u = MariaDBURL.parse(url)
    return pymysql.connect(
        host=u.host, port=u.port, user=u.user, password=u.password, database=database, autocommit=True
    )


def _query(url: str, sql: str, *params) -> list[tuple]:
    con = _connect(url, MariaDBURL.parse(url).database)
    with con.cursor() as cur:
        cur.execute(sql, params)
        rows = list(cur.fetchall())
    con.close()
    return rows


class Pipeline:
    def __init__(self, workdir: Path, mariadb_url: str, mongodb_uri: str, database: str):
        self.workdir = workdir
        self.landing = workdir / "landing"
        self.duckdb = workdir / "warehouse.duckdb"
        self.mariadb_url = mariadb_url
        self.mongodb_uri = mongodb_uri
        self.database = database

    def args(self, *extra: str) -> list[str]:
        return [
            "sync",
            "--landing",
            str(self.landing),
            "--duckdb",
            str(self.duckdb),
            "--target-path",
            str(self.workdir / "target"),
            "--out",
            str(self.workdir / "gold"),
            "--mariadb-url",
            self.mariadb_url,
            "--mongodb-uri",
            self.mongodb_uri,
            *extra,
        ]

    def env(self) -> dict:
        return {
            "AETHERMART_TEMP_DIR": str(self.workdir / "duckdb_tmp"),
            "DBT_LOG_PATH": str(self.workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def sync(self) -> dict:
        proc = run_cli(*self.args("--json"), env=self.env())
        assert proc.returncode == 0, f"sync failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        secret = MariaDBURL.parse(self.mariadb_url).password
        assert not secret or secret not in proc.stdout + proc.stderr
        return json.loads(proc.stdout)

    def documents(self) -> dict[str, dict[str, dict]]:
        with pymongo.MongoClient(self.mongodb_uri, serverSelectionTimeoutMS=5000) as client:
            db = client[self.database]
            return {c: {d["_id"]: d for d in db[c].find()} for c in COLLECTIONS}


@pytest.fixture(scope="module")
def pipeline(mariadb_server, ferretdb_server, tmp_path_factory) -> Pipeline:
    """Sources generated into a private MariaDB database (POS and events into the landing
    zone), then one `aethermart sync` that extracts, builds and exports everything."""
    workdir = tmp_path_factory.mktemp("sync")
    name = "sync_e2e"
    con = _connect(mariadb_server.url)
    with con.cursor() as cur:
        cur.execute(f"drop database if exists `{name}`")
        cur.execute(f"create database `{name}`")
    con.close()
    url = mariadb_server.url.rsplit("/", 1)[0] + "/" + name
    p = Pipeline(workdir, url, ferretdb_server.uri + name, name)
    run_cli(
        "generate",
        "--scale",
        "0.01",
        "--seed",
        "11",
        "--out",
        str(p.landing),
        "--quiet",
        "--mariadb-url",
        url,
        check=True,
    )
    # the generator's own copy of the tables: the sync must extract them from the server
    subprocess.run(["rm", "-rf", str(p.landing / "mariadb")], check=True)
    p.first = p.sync()
    return p


def _stage(summary: dict, name: str) -> dict:
    return next(s for s in summary["stages"] if s["name"] == name)


def test_first_sync_extracts_builds_and_exports_everything(pipeline):
    first = pipeline.first
    assert first["status"] == "ok" and first["built"] and first["dbt_select"] == []  # everything
    assert [s["name"] for s in first["stages"]] == [
        "extract",
        "check",
        "dbt build",
        "export parquet",
        "export mongodb",
    ]
    assert all(s["status"] in ("ran", "changed") for s in first["stages"]), first["stages"]
    assert first["unit_tests"] == "ran"  # no unit test has passed under this code here yet
    # dbt was started (imported) when the extract began to land, and ran the build
    assert (
        first["dbt_started_ahead"]
        and "dbt started while the extract ran" in _stage(first, "dbt build")["note"]
    )
    (customers,) = _query(pipeline.mariadb_url, "select count(*) from Customers")[0]
    assert first["extracted"]["Customers"] == customers
    docs = pipeline.documents()
    for collection in COLLECTIONS:
        assert docs[collection], collection
        assert first["collections"][collection]["inserted"] == len(docs[collection])
    assert first["layers"]["gold"]["after"] > 0 and first["layers"]["bronze"]["after"] > 0
    assert (pipeline.workdir / "gold" / "doc_customer_profiles").exists()
    # when the MongoDB export ended (the change readable there), within the run; the Parquet
    # export beside it, a child process, may end later
    export_mongodb = _stage(first, "export mongodb")["seconds"]
    assert export_mongodb < first["mongodb_done_s"] <= first["seconds"]


def _differs_beyond_rank(before: dict, after: dict) -> bool:
    strip = [
        dict(d, lifetime={k: v for k, v in d["lifetime"].items() if k not in RANK_FIELDS}, _content_hash=None)
        for d in (before, after)
    ]
    return strip[0] != strip[1]


def test_a_committed_change_reaches_exactly_the_documents_it_implies(pipeline):
    url = pipeline.mariadb_url
    before = pipeline.documents()
    profiles = before["customer_profiles"]
    online_only = sorted(
        (d["channels"]["online_customer_id"], key)
        for key, d in profiles.items()
        if d["channels"]["has_online_account"]
        and not d["channels"]["has_store_account"]
        and d["identity"]["email_sha256"]
    )
    profile_of = {cid: key for cid, key in online_only}
    # orders dated within the present range (the RFM as-of date stays; the table also holds
    # dirt such as 9999-12-31), of products that sell
    (max_date,) = _query(url, "select max(order_date) from Orders where order_date <= curdate()")[0]
    catalog_of = {
        d["source_product_id"]: key
        for key, d in before["product_catalog"].items()
        if d["source_system"] == "mariadb"
    }
    sales_ids = set(before["product_sales"])
    products = sorted(pid for pid, key in catalog_of.items() if key in sales_ids)[:6]
    price = dict(_query(url, "select cast(product_id as char), price from Products"))
    order_customers = [cid for cid, _ in online_only[:8]]
    (next_order, next_item) = _query(
        url, "select (select max(order_id) from Orders), (select max(order_item_id) from Order_Items)"
    )[0]
    orders, items, used_products = [], [], set()
    for i in range(20):  # 20 orders, 2 lines each, spread over 8 customers and 6 products
        order_id, customer = next_order + 1 + i, order_customers[i % len(order_customers)]
        lines = [(products[i % 6], 1 + i % 3), (products[(i + 1) % 6], 2)]
        used_products |= {p for p, _ in lines}
        total = sum(price[p] * q for p, q in lines)
        orders.append((order_id, int(customer), max_date, total))
        for product, quantity in lines:
            next_item += 1
            items.append((next_item, order_id, int(product), quantity, price[product]))
    updated = [cid for cid, _ in online_only[20:30]]  # other customers: new email and city
    in_reviews = {d["source_review_id"]: d for d in before["reviews"].values()}
    deleted = sorted(in_reviews, key=int)[:10]

    con = _connect(url, MariaDBURL.parse(url).database)
    con.autocommit(False)
    with con.cursor() as cur:
        cur.executemany(
            "insert into Orders (order_id, customer_id, order_date, total_amount) values (%s, %s, %s, %s)",
            orders,
        )
        cur.executemany(
            "insert into Order_Items (order_item_id, order_id, product_id, quantity, price) "
            "values (%s, %s, %s, %s, %s)",
            items,
        )
        for cid in updated:
            cur.execute(
                "update Customers set email = %s, city = %s where customer_id = %s",
                (f"moved.{cid}@proton.me", "Springfield", int(cid)),
            )
        cur.execute(
            f"delete from Reviews where review_id in ({', '.join(['%s'] * len(deleted))})",
            [int(r) for r in deleted],
        )
    con.commit()
    con.close()

    second = pipeline.sync()
    after = pipeline.documents()
    assert second["built"] and _stage(second, "check")["status"] == "changed"
    # the unit tests passed in the first sync's build under the same code: left out of this
    # build, and the export guard (which published below) counted the earlier passes
    assert second["unit_tests"] == "passed before under this code"
    assert "unit tests passed before" in _stage(second, "dbt build")["note"]
    with duckdb.connect(str(pipeline.duckdb), read_only=True) as con:
        unit_runs = con.execute(
            "select i.invocation_id, count(r.unique_id) from ops.dbt_invocations as i "
            "left join ops.dbt_node_results as r on r.invocation_id = i.invocation_id "
            "and r.resource_type = 'unit_test' group by i.invocation_id, i.started_at order by i.started_at"
        ).fetchall()
    ran = dict(unit_runs)
    assert ran[pipeline.first["build_invocation_id"]] > 0 and ran[second["build_invocation_id"]] == 0
    changed_tables = {c for c in second["changed"] if c.startswith("mariadb/")}
    assert changed_tables == {"mariadb/Orders", "mariadb/Order_Items", "mariadb/Customers", "mariadb/Reviews"}
    # only what reads the changed MariaDB tables, and every exported model: not the POS and
    # events models, not the product tables' chain (their content did not change: not landed)
    assert "doc_reviews" in second["dbt_select"] and "slv_mariadb_orders__checked" in second["dbt_select"]
    not_reached = (
        "brz_pos_", "slv_pos_", "brz_events_", "slv_events__checked", "slv_quarantine__pos",
        "slv_quarantine__events", "brz_mariadb__products", "slv_mariadb_products_",
        "slv_mariadb_categories_", "slv_mariadb_suppliers_", "slv_mariadb_product_attributes_",
        "slv_products", "snap_products",
    )  # fmt: skip
    assert not [s for s in second["dbt_select"] if s.startswith(not_reached)], second["dbt_select"]
    # the build runs on the profile's 2 dbt threads (AETHERMART_THREADS unset), in the dbt
    # started while the extract landed the change: its output is in the sync's dbt log
    assert second["dbt_started_ahead"]
    assert "Concurrency: 2 threads" in (pipeline.workdir / "target" / "aethermart_sync_dbt.log").read_text()
    assert _stage(second, "extract")["note"].endswith(
        "unchanged since their last extraction: Categories, Suppliers, Products, Product_Attributes"
    )

    deleted_docs = [d for d in in_reviews.values() if d["source_review_id"] in deleted]
    review_customers = {d["customer"]["customer_key"] for d in deleted_docs}
    review_products = {d["product"]["product_key"] for d in deleted_docs}
    ordered_products = {catalog_of[p] for p in used_products}
    implied = {
        "customer_profiles": {profile_of[c] for c in order_customers + updated} | review_customers,
        "customer_purchase_history": {profile_of[c] for c in order_customers},
        "product_catalog": ordered_products | review_products,
        "product_sales": ordered_products,
        "reviews": set(),
    }
    for collection in COLLECTIONS:
        old, new = before[collection], after[collection]
        changed = {k for k in old.keys() & new.keys() if old[k] != new[k]}
        gone, added = old.keys() - new.keys(), new.keys() - old.keys()
        counts = second["collections"][collection]
        assert (counts["inserted"], counts["updated"], counts["deleted"]) == (
            len(added),
            len(changed),
            len(gone),
        ), collection
        assert not added, f"{collection}: documents appeared: {sorted(added)[:5]}"
        if collection == "reviews":
            assert {old[k]["source_review_id"] for k in gone} == set(deleted)
            assert not changed
            continue
        assert not gone, f"{collection}: documents vanished: {sorted(gone)[:5]}"
        missing = implied[collection] - changed
        assert not missing, f"{collection}: {len(missing)} documents the change touches did not change"
        extra = changed - implied[collection]
        if collection == "customer_profiles":  # others' RFM rank may move; nothing else of theirs
            extra = {k for k in extra if _differs_beyond_rank(old[k], new[k])}
        assert not extra, f"{collection}: {len(extra)} documents changed that the change does not touch"
    for cid in updated:  # the new email reached the profile (hashed; PII never leaves in clear)
        assert after["customer_profiles"][profile_of[cid]]["identity"]["email_masked"].startswith("m***@")
    assert second["documents_written"] == sum(
        c["inserted"] + c["updated"] + c["deleted"] for c in second["collections"].values()
    )


def test_sync_with_nothing_new_builds_nothing_and_writes_nothing(pipeline):
    third = pipeline.sync()
    assert _stage(third, "extract")["status"] == "ran"  # asked the server: every table unchanged
    assert third["extracted"] == {} and _stage(third, "extract")["note"].startswith("nothing landed")
    assert _stage(third, "check")["status"] == "unchanged" and third["changed"] == []
    assert not third["built"] and _stage(third, "dbt build")["status"] == "skipped"
    assert not third["dbt_started_ahead"]  # nothing landed: no dbt was started
    assert third["documents_written"] == 0 and third["collections"] == {}
    assert _stage(third, "export mongodb")["status"] == "up to date"
    assert third["mongodb_done_s"] is None  # no MongoDB export ran


def _started(pipeline, args: list[str]) -> subprocess.Popen:
    """`aethermart <args>` started in the background with the pipeline's environment."""
    cmd, env = [str(BIN / "aethermart"), *args], {**os.environ, **pipeline.env()}
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_watch_repeats_until_ctrl_c_then_exits_130_in_one_line(pipeline):
    proc = _started(pipeline, pipeline.args("--watch", "1", "--json"))
    runs, deadline = 0, time.monotonic() + 120
    while runs < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        runs += bool(line.strip())
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert runs == 2 and proc.returncode == 130
    assert err.strip().splitlines() == ["aethermart sync: interrupted"]


def test_a_failing_stage_stops_the_run_in_one_line(pipeline, tmp_path):
    state = Path(f"{pipeline.duckdb}.sync.json").read_text()
    args = pipeline.args()
    args[args.index("--mariadb-url") + 1] = "mysql://nobody:secret@127.0.0.1:1/none"
    proc = run_cli(*args, env=pipeline.env())
    assert proc.returncode != 0
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("aethermart sync: error: extract: ") and "secret" not in line
    assert Path(f"{pipeline.duckdb}.sync.json").read_text() == state  # nothing after it ran


def test_watch_reports_a_failed_run_and_tries_again(pipeline):
    args = pipeline.args("--watch", "1")
    args[args.index("--mariadb-url") + 1] = "mysql://nobody:secret@127.0.0.1:1/none"
    proc = _started(pipeline, args)
    errors, deadline = 0, time.monotonic() + 120
    while errors < 2 and time.monotonic() < deadline:
        errors += proc.stderr.readline().startswith("aethermart sync: error: extract: ")
    assert proc.poll() is None  # still watching after two failed runs
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert errors == 2 and proc.returncode == 130 and "secret" not in err


def test_a_removed_parquet_output_is_published_again(pipeline):
    gold = pipeline.workdir / "gold"
    shutil.move(gold, pipeline.workdir / "gold.away")
    again = pipeline.sync()
    assert not again["built"] and _stage(again, "export parquet")["status"] == "ran"
    assert (gold / "doc_customer_profiles").exists()
    assert _stage(again, "export mongodb")["status"] == "up to date"


def test_an_export_that_fails_lets_the_one_beside_it_finish(pipeline):
    """The two exports run side by side: Parquet refusing its output folder fails the run in
    one line, and the MongoDB export beside it still ends and is recorded, so the next sync
    publishes only the Parquet."""
    state_path = Path(f"{pipeline.duckdb}.sync.json")
    state = json.loads(state_path.read_text())
    state["exports"] = {}  # as if neither destination had this build yet
    state_path.write_text(json.dumps(state))
    pointer = pipeline.workdir / "gold" / ".current"
    published = os.readlink(pointer)
    pointer.unlink()
    pointer.mkdir()  # not the version pointer the Parquet export writes: it refuses to publish
    proc = run_cli(*pipeline.args("--json"), env=pipeline.env())
    assert proc.returncode != 0
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("aethermart sync: error: export parquet: ") and ".current" in line, line
    exported = json.loads(state_path.read_text())["exports"]
    assert [k.split(":")[0] for k in exported] == ["mongodb"], exported
    pointer.rmdir()
    pointer.symlink_to(published)
    again = pipeline.sync()
    assert not again["built"] and _stage(again, "export parquet")["status"] == "ran"
    assert _stage(again, "export mongodb")["status"] == "up to date"


def test_a_dbt_that_stops_before_running_is_reported_by_its_own_error(pipeline):
    """Not by the run_results of the previous build (kept last: the failed build is now the
    warehouse's newest command, so the next sync builds everything)."""
    proc = run_cli(*pipeline.args("--vars", "{enabled_sources: [posx]}"), env=pipeline.env())
    assert proc.returncode != 0
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("aethermart sync: error: dbt build: ")
    assert "failure(s)" not in line and "posx" in line, line


def _extraction(
    landing: Path, table: str, extraction_id: str, sha: str, mode: str = "snapshot", rows: int = 3
) -> None:
    folder = landing / "mariadb" / table / f"extraction_id={extraction_id}"
    folder.mkdir(parents=True)
    (folder / "part-00000.parquet").write_bytes(sha.encode())
    (folder / "_manifest.json").write_text(
        json.dumps(
            {
                "mode": mode,
                "rows": rows,
                "files": [{"path": "part-00000.parquet", "rows": rows, "sha256": sha}],
            }
        )
    )


def test_the_change_rule_compares_extracted_content_and_landed_files(tmp_path):
    from aethermart.sync import _changed_parts, landing_signature

    landing = tmp_path / "landing"
    _extraction(landing, "Orders", "20260101T000000Z", "aaa")
    _extraction(landing, "Reviews", "20260101T000000Z", "rrr")
    pos = landing / "pos" / "load_date=2026-01-01"
    pos.mkdir(parents=True)
    (pos / "order.csv").write_text("id\n1\n")
    base = landing_signature(landing, [])

    def changed() -> list[str]:
        return _changed_parts(base, landing_signature(landing, []))

    _extraction(landing, "Orders", "20260103T000000Z", "", mode="incremental", rows=0)  # nothing new
    (landing / "mariadb" / "Orders" / ".staging-20260104T000000Z").mkdir()  # in progress: not landed
    (landing / "mariadb" / ".extract.lock").write_text("")
    assert changed() == []
    # a new snapshot with the same content (`extract --full`) is a change: silver takes the
    # current rows by extraction id, so the table's bronze must read the new folder
    _extraction(landing, "Orders", "20260105T000000Z", "aaa")
    assert changed() == ["mariadb/Orders"]
    base = landing_signature(landing, [])
    _extraction(landing, "Reviews", "20260102T000000Z", "rr2")  # a row deleted in MariaDB
    assert changed() == ["mariadb/Reviews"]
    (pos / "order.csv").write_text("id\n1\n2\n")  # a POS drop rewritten
    (landing / "events" / "date=2026-01-02").mkdir(parents=True)  # a new events day
    (landing / "events" / "date=2026-01-02" / "events-00000.jsonl").write_text("{}\n")
    assert changed() == ["events/date=2026-01-02", "mariadb/Reviews", "pos/load_date=2026-01-01"]
    assert _changed_parts(base, landing_signature(landing, ["--vars", "{x: 1}"]))[0] == "dbt arguments"


def test_a_drop_rewritten_with_its_size_and_modification_time_put_back_is_a_change(tmp_path):
    """`cp -p`, `rsync -a` and `touch -r` put the modification time back; the status-change time
    still moves (aethermart.file_identity), as it does for bronze's file identity."""
    from aethermart.sync import _changed_parts, landing_signature

    drop = tmp_path / "pos" / "load_date=2026-01-01"
    drop.mkdir(parents=True)
    orders = drop / "order.csv"
    orders.write_text("id,datePlaced\n1,2026-01-01\n")
    before = os.stat(orders)
    base = landing_signature(tmp_path, [])
    time.sleep(0.01)  # a status-change time after the first one, on any file system clock
    orders.write_text("id,datePlaced\n1,2026-01-02\n")  # a corrected digit, the same size
    os.utime(orders, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(orders).st_size, os.stat(orders).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert _changed_parts(base, landing_signature(tmp_path, [])) == ["pos/load_date=2026-01-01"]


def test_python_bytecode_caches_are_not_project_code(tmp_path, monkeypatch):
    """The first run after a plugin's code changed writes its bytecode cache after that sync took
    its signature; counted as code, it made the next sync build everything again."""
    import aethermart.sync as sync

    plugins = tmp_path / "aethermart" / "dbt_plugins"
    plugins.mkdir(parents=True)
    (plugins / "guard.py").write_text("X = 1\n")
    monkeypatch.setattr(sync, "PROJECT_DIR", tmp_path)
    landing = tmp_path / "landing"
    base = sync.landing_signature(landing, [])
    (plugins / "__pycache__").mkdir()
    (plugins / "__pycache__" / "guard.cpython-311.pyc").write_bytes(b"\x00" * 16)
    assert sync._changed_parts(base, sync.landing_signature(landing, [])) == []
    (plugins / "guard.py").write_text("X = 2\n")
    assert sync._changed_parts(base, sync.landing_signature(landing, [])) == ["project"]


def test_a_dotfile_in_a_drop_is_landed_data(tmp_path):
    """dbt's globs (`date=*/*.jsonl`) read files whose names start with '.', so they count."""
    from aethermart.sync import _changed_parts, landing_signature

    day = tmp_path / "events" / "date=2026-01-01"
    day.mkdir(parents=True)
    (day / "events-00000.jsonl").write_text("{}\n")
    base = landing_signature(tmp_path, [])
    (day / ".upload-in-progress.jsonl").write_text("{}\n")
    assert _changed_parts(base, landing_signature(tmp_path, [])) == ["events/date=2026-01-01"]


def _model(name: str, *parents: str, **meta) -> tuple[str, dict]:
    return f"model.a.{name}", {
        "name": name,
        "resource_type": "model",
        "config": {"meta": meta},
        "depends_on": {"nodes": list(parents)},
    }


def test_a_landing_change_builds_only_what_reads_it_and_the_exports(tmp_path):
    from aethermart.sync import build_selection

    tables = ("Orders", "Products")
    sources = {f"source.a.mariadb.{t}": {"source_name": "mariadb", "name": t} for t in tables}
    sources |= {
        f"source.a.{name}.t": {"source_name": name, "name": "t"}
        for name in ("pos", "mariadb_extractions", "events")
    }
    every_source = sorted(sources)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "sources": sources,
                "nodes": dict(
                    [
                        _model("files", *every_source, per_source_listing=True),
                        _model(
                            "extractions",
                            "source.a.mariadb_extractions.t",
                            "model.a.files",
                            per_source_listing=True,
                        ),
                        _model("brz_orders", "source.a.mariadb.Orders", "model.a.files"),
                        _model("brz_products", "source.a.mariadb.Products", "model.a.files"),
                        _model("brz_pos", "source.a.pos.t", "model.a.files"),
                        _model("brz_events", "source.a.events.t", "model.a.files"),
                        _model("orders_checked", "model.a.brz_orders", "model.a.extractions"),
                        _model("products_checked", "model.a.brz_products", "model.a.extractions"),
                        _model("pos_checked", "model.a.brz_pos"),
                        _model("slv_products", "model.a.products_checked", "model.a.pos_checked"),
                        _model("doc_x", "model.a.orders_checked", export={"parquet": {}}),
                        (
                            "snapshot.a.snap",
                            {
                                "name": "snap",
                                "resource_type": "snapshot",
                                "depends_on": {"nodes": ["model.a.slv_products"]},
                            },
                        ),
                        (
                            "test.a.t1",
                            {
                                "name": "t1",
                                "resource_type": "test",
                                "depends_on": {"nodes": ["model.a.pos_checked"]},
                            },
                        ),
                    ]
                ),
            }
        )
    )
    # one MariaDB table changed: its chain, the listings, the exports; not the other table's
    # chain though the listings (every model's parents) changed too
    assert build_selection(["mariadb/Orders"], manifest) == [
        "brz_orders",
        "doc_x",
        "extractions",
        "files",
        "orders_checked",
    ]
    assert build_selection(["mariadb/Products"], manifest) == [
        "brz_products",
        "doc_x",
        "extractions",
        "files",
        "products_checked",
        "slv_products",
        "snap",
    ]
    # a table the manifest has no source of: every MariaDB source
    assert set(build_selection(["mariadb/Renamed"], manifest)) >= {"orders_checked", "slv_products"}
    assert build_selection(["events/date=2026-01-02", "pos/load_date=2026-01-01"], manifest) == [
        "brz_events",
        "brz_pos",
        "doc_x",
        "files",
        "pos_checked",
        "slv_products",
        "snap",
    ]
    for everything in (["project"], ["dbt arguments", "pos/x"], ["no successful build"]):
        assert build_selection(everything, manifest) == []
    assert build_selection(["mariadb/Orders"], tmp_path / "missing.json") == []


def test_every_reader_of_a_per_source_listing_reads_a_source_too(built_001):
    """The sync does not select a reader through a `per_source_listing` model: each reader must
    also depend on its own source (or on a model that does), or a change would never reach it."""
    nodes = json.loads((built_001.target / "manifest.json").read_text())["nodes"]
    listings = {uid for uid, n in nodes.items() if (n["config"].get("meta") or {}).get("per_source_listing")}
    assert listings == {"model.aethermart.brz_landing__files", "model.aethermart.brz_mariadb__extractions"}
    readers = [
        n
        for n in nodes.values()
        if n["resource_type"] in ("model", "snapshot") and listings & set(n["depends_on"]["nodes"])
    ]
    assert len(readers) >= 20
    for node in readers:
        other = set(node["depends_on"]["nodes"]) - listings
        assert other, f"{node['name']} reads only per-source listings"


def test_many_replacements_in_one_incremental_batch_do_not_hang_ferretdb(ferretdb_server):
    """FerretDB 1.24 never answers an `update` command that replaces 100 existing documents
    (found by the change-latency bench at scale 1, where new orders move many customers' RFM
    scores); the exporter sends it replacements in smaller commands."""
    from bson.raw_bson import RawBSONDocument

    from aethermart.export.mongo.publish import FERRETDB_REPLACES_PER_COMMAND, write_changes

    with pymongo.MongoClient(
        ferretdb_server.uri, serverSelectionTimeoutMS=5000, socketTimeoutMS=20_000
    ) as client:
        client.drop_database("sync_many_replacements")
        coll = client["sync_many_replacements"]["docs"]
        coll.insert_many([{"_id": str(i), "v": 0} for i in range(250)])
        upserts = [(str(i), RawBSONDocument(bson_encode({"_id": str(i), "v": 1}))) for i in range(300)]
        started = time.monotonic()
        write_changes(
            client["sync_many_replacements"],
            "docs",
            upserts,
            [str(i) for i in range(300, 310)],
            "test",
            replaces_per_command=FERRETDB_REPLACES_PER_COMMAND,
        )
        assert time.monotonic() - started < 15
        assert coll.count_documents({"v": 1}) == 300 and coll.count_documents({}) == 300
        client.drop_database("sync_many_replacements")


def test_a_driver_error_in_a_stage_is_one_line_without_the_sources_credentials(tmp_path):
    """A driver's message may quote the URL it was given; the stage's one line hides its secrets."""
    from aethermart.export.mongo.config import MongoURI
    from aethermart.sync import SyncConfig, SyncError, SyncResult, _timed

    cfg = SyncConfig(
        landing=tmp_path,
        duckdb=tmp_path / "w.duckdb",
        target_path=tmp_path,
        gold_dir=tmp_path,
        mariadb_url=MariaDBURL.parse("mysql://shop:maria-s3cret@db:3306/shop"),
        mongodb_uri=MongoURI.parse("mongodb://app:mongo-s3cret@mongo:27017/aethermart"),
    )

    def failing() -> None:
        raise pymysql.err.OperationalError(
            "cannot reach mysql://shop:maria-s3cret@db:3306/shop nor mongodb://app:mongo-s3cret@mongo:27017\n"
            "second line"
        )

    with pytest.raises(SyncError) as raised:
        _timed(SyncResult(started_at="", landing="", warehouse=""), "extract", failing, cfg=cfg)
    message = str(raised.value)
    assert "s3cret" not in message and "\n" not in message.strip()
    assert "OperationalError from pymysql: cannot reach" in message


def test_the_syncs_dbt_file_log_is_at_info_unless_the_user_set_a_level(monkeypatch, tmp_path):
    """dbt's default file log (debug: every statement, ~1.3 s of a build at scale 0.01) is not
    what a scheduled sync needs; a user who wants it sets DBT_LOG_LEVEL_FILE or DBT_LOG_LEVEL."""
    from aethermart.sync import SyncConfig, _dbt_env

    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    monkeypatch.delenv("DBT_LOG_LEVEL", raising=False)
    assert _dbt_env(cfg)["DBT_LOG_LEVEL_FILE"] == "info"
    monkeypatch.setenv("DBT_LOG_LEVEL", "debug")  # dbt applies it to the file log as well
    assert "DBT_LOG_LEVEL_FILE" not in _dbt_env(cfg)
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "warn")
    assert _dbt_env(cfg)["DBT_LOG_LEVEL_FILE"] == "warn"


def test_a_dbt_started_ahead_runs_the_arguments_it_is_given_or_ends_unused(tmp_path):
    """_DbtAhead: a Python that imported dbt runs dbt's command line with the arguments the
    build gives it, its output in the given file, with dbt's exit code; one never given any
    ends at end of input without running dbt (nothing written)."""
    from aethermart.sync import SyncConfig, _DbtAhead

    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    ahead = _DbtAhead(cfg)
    ahead.start()
    proc = ahead.take(tmp_path / "version.log", ["--version"])
    assert proc is not None and proc.wait(timeout=120) == 0
    assert "Core:" in (tmp_path / "version.log").read_text()
    assert ahead.take(tmp_path / "again.log", ["--version"]) is None  # taken once

    failing = _DbtAhead(cfg)
    failing.start()
    proc = failing.take(tmp_path / "fails.log", ["no-such-command"])
    assert proc is not None and proc.wait(timeout=120) == 2  # click's usage error, as `dbt` exits
    assert "no-such-command" in (tmp_path / "fails.log").read_text()

    unused = _DbtAhead(cfg)
    unused.start()
    child = unused.proc
    unused.close()
    assert child is not None and child.returncode == 0 and unused.proc is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fails.log", "version.log"]  # it wrote nothing


def test_a_dbt_started_ahead_that_dies_before_running_dbt_leaves_the_build_to_start_dbt(
    monkeypatch, tmp_path
):
    """Its log is removed before the build hands it the arguments: one that ends without
    writing it (its import failed) never lets the last build's output pass for this one's,
    and the build starts dbt itself, whose output and exit code are reported."""
    from aethermart.sync import SyncConfig, SyncError, SyncResult, _dbt_build, _DbtAhead

    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    (tmp_path / "aethermart_sync_dbt.log").write_text("Database Error in model old_model: last week's\n")
    fake_dbt = tmp_path / "dbt"
    fake_dbt.write_text("#!/bin/sh\necho 'Runtime Error: started by the build itself'\nexit 3\n")
    fake_dbt.chmod(0o755)
    monkeypatch.setattr("aethermart.sync._dbt_executable", lambda: str(fake_dbt))
    monkeypatch.setattr("aethermart.sync._DBT_AHEAD", "import sys; sys.stdin.readline(); sys.exit(1)")
    ahead = _DbtAhead(cfg)
    ahead.start()
    result = SyncResult(started_at="", landing=str(tmp_path), warehouse=str(cfg.duckdb))
    with pytest.raises(SyncError) as raised:
        _dbt_build(cfg, result, ahead)
    assert not result.dbt_started_ahead
    assert "exited 3" in str(raised.value) and "started by the build itself" in str(raised.value)
    assert "last week" not in (tmp_path / "aethermart_sync_dbt.log").read_text()


def test_export_nice_lowers_the_cpu_priority_before_the_export_starts(monkeypatch, tmp_path):
    """`aethermart export --nice N` (how the sync runs its Parquet export beside MongoDB's)
    lowers the process's priority first, even when the export then fails; 0 leaves it."""
    from aethermart.cli import main

    calls: list[int] = []
    monkeypatch.setattr(os, "nice", calls.append)
    missing = [
        "--target",
        "parquet",
        "--duckdb",
        str(tmp_path / "none.duckdb"),
        "--manifest",
        str(tmp_path / "m.json"),
    ]
    assert main(["export", "--nice", "7", *missing]) != 0
    assert main(["export", *missing]) != 0
    assert calls == [7]
    with pytest.raises(SystemExit):
        main(["export", "--nice", "20", *missing])  # beyond POSIX's 19: argparse's one-line error


def _fake_python(tmp_path: Path, monkeypatch, script: str) -> None:
    """The sync's child processes run ``script`` (sh) instead of Python."""
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setattr("aethermart.sync.sys.executable", str(fake))


@pytest.mark.parametrize(
    ("script", "message", "exit_code"),
    [
        (
            "echo 'aethermart export: error: the output folder is refused' >&2; exit 2",
            "the output folder is refused",
            2,
        ),
        ("echo 'aethermart export: interrupted' >&2; exit 130", "interrupted", 130),
        ("exit 3", "the Parquet export exited with code 3", 3),
        ("echo 'progress 50%'", "the Parquet export's summary is not JSON: it printed 'progress 50%'", 1),
        ("kill -9 $$", "the Parquet export was killed by signal 9", 1),
    ],
)
def test_the_parquet_child_fails_in_one_line_with_its_own_reason(
    monkeypatch, tmp_path, script, message, exit_code
):
    """The Parquet export beside MongoDB's is a child process: its one-line error, output
    that is not its summary, or its death become one AetherMartError, never a traceback."""
    from aethermart.errors import AetherMartError
    from aethermart.sync import SyncConfig, _Children, _export_parquet_in_child

    _fake_python(tmp_path, monkeypatch, script)
    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    with pytest.raises(AetherMartError) as raised:
        _export_parquet_in_child(cfg, _Children())
    assert str(raised.value) == message and raised.value.exit_code == exit_code


def test_the_parquet_child_spills_into_a_temp_folder_of_its_own(monkeypatch, tmp_path):
    """DuckDB names spill files without the process: two instances spilling into one folder
    overwrite each other's (duckdb/duckdb#15173), so the child gets a folder of its own."""
    from aethermart.errors import AetherMartError
    from aethermart.sync import SyncConfig, _Children, _export_parquet_in_child

    monkeypatch.setenv("AETHERMART_TEMP_DIR", str(tmp_path / "spill"))
    _fake_python(tmp_path, monkeypatch, 'echo "$AETHERMART_TEMP_DIR" >&2; exit 1')
    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    with pytest.raises(AetherMartError) as raised:
        _export_parquet_in_child(cfg, _Children())
    child_temp = Path(str(raised.value))
    assert child_temp == tmp_path / "spill" / "parquet-export" and child_temp.is_dir()


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_sync_stops_the_parquet_child_with_it(monkeypatch, tmp_path, interruption):
    """Ctrl-C (KeyboardInterrupt) or SIGTERM (SystemExit) while the MongoDB export runs: the
    Parquet child is terminated at once, not waited out, and does not outlive the sync."""
    from aethermart import sync
    from aethermart.sync import SyncConfig, SyncResult, _exports_side_by_side

    pid_file = tmp_path / "child.pid"
    _fake_python(tmp_path, monkeypatch, f"echo $$ > {pid_file}; exec sleep 60")
    export = sync._export

    def mongodb_interrupted(cfg, target, result, children=None):
        if target == "parquet":
            return export(cfg, target, result, children)
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "the Parquet child never started"
            time.sleep(0.05)
        raise interruption()

    monkeypatch.setattr("aethermart.sync._export", mongodb_interrupted)
    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    started = time.monotonic()
    with pytest.raises(interruption):
        _exports_side_by_side(cfg, ["parquet", "mongodb"], SyncResult(started_at=""))
    assert time.monotonic() - started < 20  # the 60 s child was not waited out
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_sigterm_raises_system_exit_only_while_the_exports_run():
    from aethermart.sync import _sigterm_as_exit

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as raised, _sigterm_as_exit():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises here, in the main thread
    assert raised.value.code == 143
    assert signal.getsignal(signal.SIGTERM) == before


def test_when_both_exports_fail_the_run_reports_the_first_and_the_summary_both(monkeypatch, tmp_path):
    """The exports run side by side: the error names the first in the summary's order, and
    the other's reason is in its stage's note, not lost."""
    from aethermart.errors import AetherMartError
    from aethermart.sync import SyncConfig, SyncResult, _exports_side_by_side

    def refused(cfg, target, result, children=None):
        raise AetherMartError(f"{target} refused")

    monkeypatch.setattr("aethermart.sync._export", refused)
    cfg = SyncConfig(landing=tmp_path, duckdb=tmp_path / "w.duckdb", target_path=tmp_path, gold_dir=tmp_path)
    done = _exports_side_by_side(cfg, ["parquet", "mongodb"], SyncResult(started_at=""))
    assert [(stage.name, stage.status, stage.note) for stage, _ in done.values()] == [
        ("export parquet", "failed", "parquet refused"),
        ("export mongodb", "failed", "mongodb refused"),
    ]
    assert [str(error) for _, error in done.values()] == [
        "export parquet: parquet refused",
        "export mongodb: mongodb refused",
    ]
