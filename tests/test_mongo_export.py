"""`aethermart export --target mongodb` against the private FerretDB (MongoDB wire protocol).

Every export runs the real CLI in a subprocess, reading the scale-0.01 warehouse of
`built_001` (or a copy of it whose gold rows a test changed) read-only. FerretDB has no
Decimal128 and no renameCollection dropTarget: the exporter falls back to exact decimal
strings and to a two-rename swap there, which is what these tests exercise against the
server; the Decimal128 encoding is checked at the BSON-bytes level instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import bson
import duckdb
import pytest
from bson.codec_options import CodecOptions
from bson.decimal128 import Decimal128
from bson.json_util import CANONICAL_JSON_OPTIONS
from bson.raw_bson import RawBSONDocument

from tests.conftest import BIN, REPO

COLLECTIONS = {
    "doc_customer_profiles": "customer_profiles",
    "doc_customer_purchase_history": "customer_purchase_history",
    "doc_product_catalog": "product_catalog",
    "doc_product_sales": "product_sales",
    "doc_reviews": "reviews",
}
HASH = "_content_hash"
PASSWORD = "Pw-n0t/2b#seen"  # percent-encoded in URIs: Pw-n0t%2F2b%23seen
PASSWORD_QUOTED = "Pw-n0t%2F2b%23seen"


@dataclass(frozen=True)
class Warehouse:
    duckdb: Path
    manifest: Path

    def rows(self, model: str) -> tuple[list[str], list[tuple]]:
        with duckdb.connect(str(self.duckdb), read_only=True) as con:
            cur = con.execute(f"select * from gold.{model} order by _id")
            return [d[0] for d in cur.description], cur.fetchall()


@dataclass(frozen=True)
class Changes:
    """What the changed copy of the warehouse differs in, per model: ids updated, deleted, inserted."""

    updated: dict[str, list[str]]
    deleted: dict[str, list[str]]
    inserted: dict[str, list[str]]


@pytest.fixture(scope="module")
def warehouse(built_001) -> Warehouse:
    return Warehouse(built_001.duckdb_path, built_001.target / "manifest.json")


@pytest.fixture(scope="module")
def changed(built_001, tmp_path_factory) -> tuple[Warehouse, Changes]:
    """A copy of the warehouse with ~1 % of the rows of three document models changed:
    updated (nested and top-level fields), deleted and inserted."""
    folder = tmp_path_factory.mktemp("changed_warehouse")
    path = folder / "warehouse.duckdb"
    shutil.copy(built_001.duckdb_path, path)
    updated, deleted, inserted = {}, {}, {}
    with duckdb.connect(str(path)) as con:

        def ids(model: str, n: int, offset: int) -> list[str]:
            return [
                r[0]
                for r in con.execute(
                    f"select _id from gold.{model} order by md5(_id) limit {n} offset {offset}"
                ).fetchall()
            ]

        def one_percent(model: str) -> int:
            return max(1, con.execute(f"select count(*) from gold.{model}").fetchone()[0] // 100)

        model = "doc_customer_profiles"
        updated[model] = ids(model, one_percent(model), 0)
        con.execute(
            f"""update gold.{model} set identity = struct_pack(
                first_name := 'Changed', last_name := identity.last_name,
                email_masked := identity.email_masked, email_sha256 := identity.email_sha256,
                phone_masked := identity.phone_masked, birth_year := identity.birth_year)
            where _id in ?""",
            [updated[model]],
        )
        deleted[model], inserted[model] = ids(model, 1, 50), []
        con.execute(f"delete from gold.{model} where _id in ?", [deleted[model]])

        model = "doc_product_catalog"
        updated[model] = ids(model, one_percent(model), 0)
        con.execute(f"update gold.{model} set price = price + 1 where _id in ?", [updated[model]])
        deleted[model], inserted[model] = [], []

        model = "doc_reviews"
        n = one_percent(model)
        updated[model] = ids(model, n, 0)
        con.execute(
            f"update gold.{model} set review_text = 'changed: ' || coalesce(review_text, '') where _id in ?",
            [updated[model]],
        )
        deleted[model] = ids(model, n, n)
        con.execute(f"delete from gold.{model} where _id in ?", [deleted[model]])
        inserted[model] = ["new-review-1"]
        con.execute(
            f"insert into gold.{model} select * replace ('new-review-1' as _id) from gold.{model} "
            "order by _id limit 1"
        )
        con.execute("checkpoint")
    return Warehouse(path, built_001.target / "manifest.json"), Changes(updated, deleted, inserted)


def uri_of(server, db) -> str:
    return f"{server.uri}{db.name}"


def export(
    uri: str, wh: Warehouse | None, *args: str, env: dict | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    cmd = [str(BIN / "aethermart"), "export", "--target", "mongodb", "--mongodb-uri", uri]
    if wh is not None:
        cmd += ["--duckdb", str(wh.duckdb), "--manifest", str(wh.manifest)]
    run_env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    run_env["AETHERMART_TEMP_DIR"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / "aethermart_test_tmp")
    proc = subprocess.run(
        [*cmd, *args], cwd=REPO, capture_output=True, text=True, env={**run_env, **(env or {})}
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"export {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def export_json(uri: str, wh: Warehouse, *args: str) -> dict[str, dict]:
    """Run an export with --json; the result per collection."""
    out = json.loads(export(uri, wh, *args, "--json").stdout)
    return {d["collection"]: d for d in out["datasets"]}


def start_export(uri: str, wh: Warehouse, *args: str, env: dict) -> subprocess.Popen:
    cmd = [
        str(BIN / "aethermart"),
        "export",
        "--target",
        "mongodb",
        "--mongodb-uri",
        uri,
        "--duckdb",
        str(wh.duckdb),
        "--manifest",
        str(wh.manifest),
        *args,
    ]
    return subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def digest(db, collection: str) -> str:
    """A hash over every document's BSON bytes, in _id order."""
    raw = db.get_collection(collection, codec_options=CodecOptions(document_class=RawBSONDocument))
    h = hashlib.sha256()
    for doc in sorted(raw.find(), key=lambda d: d["_id"]):
        h.update(doc.raw)
    return h.hexdigest()


# --- the documented type rules, written independently of the exporter -----------------------


def to_bson_value(value, decimals: str):
    if isinstance(value, Decimal):
        return {"decimal128": Decimal128, "string": str, "double": float}[decimals](value)
    if isinstance(value, dt.datetime):  # TIMESTAMPTZ: UTC, floored to the millisecond
        utc = value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
    if isinstance(value, dt.date):  # DATE: midnight UTC
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dict):  # STRUCT and MAP: sub-document, in order; NULLs kept
        return {str(k): to_bson_value(v, decimals) for k, v in value.items()}
    if isinstance(value, list):
        return [to_bson_value(v, decimals) for v in value]
    return value


def expected_documents(wh: Warehouse, model: str, decimals: str = "string") -> dict[str, dict]:
    columns, rows = wh.rows(model)
    return {
        row[0]: {c: to_bson_value(v, decimals) for c, v in zip(columns, row, strict=True)} for row in rows
    }


def canonical(doc: dict) -> str:
    """Extended JSON in canonical mode: keeps field order and BSON types (int32 vs int64, …)."""
    return bson.json_util.dumps(doc, json_options=CANONICAL_JSON_OPTIONS)


def assert_collection_equals_gold(db, collection: str, wh: Warehouse, model: str, ignore=()) -> None:
    expected = expected_documents(wh, model)
    stored = {}
    for doc in db[collection].find():
        assert re.fullmatch(r"[0-9a-f]{32}", doc.pop(HASH)), f"{collection} {doc['_id']}: bad {HASH}"
        for field in ignore:
            doc.pop(field, None)
        stored[doc["_id"]] = doc
    assert len(stored) == len(expected), f"{collection}: {len(stored)} documents, {len(expected)} gold rows"
    assert stored.keys() == expected.keys()
    for doc_id, doc in expected.items():
        assert canonical(stored[doc_id]) == canonical(doc), f"{collection} {doc_id} differs from its gold row"


def assert_no_debris(db, collection: str) -> None:
    names = db.list_collection_names()
    debris = [n for n in names if n.startswith((f"{collection}__staging_", f"{collection}__keep_"))]
    assert not debris, f"left behind: {debris}"
    assert db["_aethermart_locks"].count_documents({}) == 0


def assert_one_line_without_password(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert PASSWORD not in out and PASSWORD_QUOTED not in out, out
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aethermart export: error: "), proc.stderr
    return lines[0]


# --- tests ---------------------------------------------------------------------------------


def test_round_trip_every_document_equals_its_gold_row(ferretdb_server, db, warehouse):
    proc = export(uri_of(ferretdb_server, db), warehouse, "--json")
    result = {d["collection"]: d for d in json.loads(proc.stdout)["datasets"]}
    assert set(result) == set(COLLECTIONS.values())

    for model, collection in COLLECTIONS.items():
        assert result[collection]["status"] == "published"
        assert result[collection]["decimals"] == "string"  # FerretDB: no Decimal128
        assert_collection_equals_gold(db, collection, warehouse, model)
        # top-level fields in the model's column order, _id first, the content hash last
        columns, _ = warehouse.rows(model)
        assert list(db[collection].find_one()) == [*columns, HASH]
        # declared indexes exist, with their keys and options
        declared = json.loads(warehouse.manifest.read_text())["nodes"][f"model.aethermart.{model}"]
        indexes = declared["config"]["meta"]["export"]["mongodb"]["indexes"]
        info = db[collection].index_information()
        for index in indexes:
            keys = [(f, d) for f, d in index["keys"]]
            name = "_".join(f"{f}_{d}" for f, d in keys)
            assert info[name]["key"] == keys
            assert bool(info[name].get("unique")) == index.get("unique", False)
        assert_no_debris(db, collection)
        # what readers could see is stated in the output
        assert result[collection]["guarantee"].startswith("first version")


def test_decimal128_and_every_type_at_the_bson_byte_level(warehouse):
    """FerretDB cannot store Decimal128, so the default encoding (for MongoDB) is checked here:
    each document's bytes equal pymongo's own encoding of the gold row with Decimal128 values."""
    from aethermart.export.mongo.encode import document_query, iter_document_batches

    seen_decimal = 0
    with duckdb.connect(str(warehouse.duckdb), read_only=True) as con:
        for model in COLLECTIONS:
            relation = f"gold.{model}"
            rel = con.sql(f"select * from {relation} limit 0")
            query = document_query(
                relation, list(zip(rel.columns, rel.types, strict=True)), "_id", "decimal128", model
            )
            expected = expected_documents(warehouse, model, "decimal128")
            count = 0
            for batch in iter_document_batches(con.cursor(), query.sql, 64, model):
                for doc_id, content_hash, doc in zip(batch.ids, batch.hashes, batch.docs, strict=True):
                    want = bson.encode({**expected[doc_id], HASH: content_hash})
                    assert doc.raw == want, f"{model} {doc_id}: BSON differs from the dict encoding"
                    seen_decimal += doc.raw.count(b"\x13")  # upper bound; confirmed below
                    count += 1
            assert count == len(expected)
        one = con.execute(
            "select lifetime.revenue from gold.doc_customer_profiles "
            "where lifetime.revenue is not null limit 1"
        ).fetchone()[0]
    assert seen_decimal > 0
    decoded = bson.decode(bson.encode({"x": Decimal128(one)}))
    assert decoded["x"] == Decimal128(str(one))  # exact: scale kept (e.g. 12.50)


def test_full_exports_are_idempotent_and_incremental_without_changes_writes_nothing(
    ferretdb_server, db, warehouse
):
    uri = uri_of(ferretdb_server, db)
    select = ["--select", "doc_customer_profiles", "doc_reviews"]
    export(uri, warehouse, *select)
    first = {c: digest(db, c) for c in ("customer_profiles", "reviews")}
    again = export_json(uri, warehouse, *select)
    assert {c: digest(db, c) for c in first} == first
    assert {c: digest(db, f"{c}__previous") for c in first} == first
    for r in again.values():  # a full export writes everything, and says nothing changed
        assert r["written"] == r["rows"] == r["unchanged"]
        assert r["inserted"] == r["updated"] == r["deleted"] == 0

    incremental = export_json(uri, warehouse, *select, "--mode", "incremental")
    for c, r in incremental.items():
        assert (r["mode"], r["written"], r["inserted"], r["updated"], r["deleted"]) == (
            "incremental",
            0,
            0,
            0,
            0,
        )
        assert r["unchanged"] == r["rows"] == db[c].count_documents({})
    assert {c: digest(db, c) for c in first} == first
    for c in first:
        assert_no_debris(db, c)


def test_incremental_rewrites_exactly_the_changed_documents(ferretdb_server, db, warehouse, changed):
    uri = uri_of(ferretdb_server, db)
    changed_wh, changes = changed
    models = list(changes.updated)
    export(uri, warehouse, "--select", *models)
    for model in models:  # a marker the exporter does not know: a rewritten document loses it
        db[COLLECTIONS[model]].update_many({}, {"$set": {"_probe": 1}})

    planned = export_json(uri, changed_wh, "--select", *models, "--mode", "incremental", "--dry-run")
    result = export_json(uri, changed_wh, "--select", *models, "--mode", "incremental")
    for model in models:
        collection = COLLECTIONS[model]
        r, p = result[collection], planned[collection]
        want = (len(changes.inserted[model]), len(changes.updated[model]), len(changes.deleted[model]))
        assert (r["inserted"], r["updated"], r["deleted"]) == want, collection
        assert (p["inserted"], p["updated"], p["deleted"], p["status"]) == (*want, "planned"), collection
        assert r["written"] == want[0] + want[1]
        assert r["unchanged"] == r["rows"] - want[0] - want[1]
        rewritten = {d["_id"] for d in db[collection].find({"_probe": {"$exists": False}}, {"_id": 1})}
        assert rewritten == set(changes.updated[model]) | set(changes.inserted[model]), collection
        for gone in changes.deleted[model]:
            assert db[collection].find_one({"_id": gone}) is None
        assert_collection_equals_gold(db, collection, changed_wh, model, ignore=("_probe",))

    again = export_json(uri, changed_wh, "--select", *models, "--mode", "incremental")
    assert all(r["written"] == 0 and r["deleted"] == 0 for r in again.values())


def test_large_documents_are_built_in_several_passes_and_every_one_arrives(
    ferretdb_server, db, built_001, tmp_path
):
    """Documents of ~40 KB are built in several passes over the model (each pass every n-th
    key; DuckDB's to_json of whole vectors of large documents needed >1 GB): the full export,
    the incremental one from the ledger's row hashes (few changed rows: fewer passes) and the
    one that hashes every document (--verify) each write every document once, and the
    collection equals gold."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built_001.duckdb_path, path)
    wh, model = Warehouse(path, built_001.target / "manifest.json"), "doc_reviews"
    collection = COLLECTIONS[model]

    def change(sql: str) -> list[str]:
        """Apply ``sql`` (parameter: 5 ids) to 5 reviews spread over the ids; their ids."""
        with duckdb.connect(str(path)) as con:
            picked = con.execute(f"select _id from gold.{model} order by md5(_id) limit 5").fetchall()
            ids = [r[0] for r in picked]
            con.execute(sql, [ids])
        return ids

    change(f"update gold.{model} set review_text = repeat('review ' || _id || ' ', 2000) where _id not in ?")
    uri = uri_of(ferretdb_server, db)
    full = export_json(uri, wh, "--select", model, "--mode", "full")[collection]
    assert full["passes"] > 1, full
    assert (full["written"], full["inserted"]) == (full["rows"], full["rows"])
    assert_collection_equals_gold(db, collection, wh, model)

    updated = change(f"update gold.{model} set review_text = 'changed ' || review_text where _id in ?")
    by_row = export_json(uri, wh, "--select", model, "--mode", "incremental")[collection]
    assert by_row["hashes_from"] == "ledger" and by_row["passes"] < full["passes"]  # 5 changed: fewer
    assert (by_row["updated"], by_row["inserted"], by_row["deleted"]) == (len(updated), 0, 0)
    assert_collection_equals_gold(db, collection, wh, model)

    deleted = change(f"delete from gold.{model} where _id in ?")
    verify = ("--select", model, "--mode", "incremental", "--verify")
    planned = export_json(uri, wh, *verify, "--dry-run")[collection]
    verified = export_json(uri, wh, *verify)[collection]
    assert verified["hashes_from"] == "server" and verified["documents_built"] == verified["rows"]
    assert verified["passes"] > 1  # every document hashed, in passes (sized from a sample of today's rows)
    assert (verified["updated"], verified["inserted"], verified["deleted"]) == (0, 0, len(deleted))
    assert (planned["deleted"], planned["unchanged"]) == (len(deleted), verified["rows"])
    assert_collection_equals_gold(db, collection, wh, model)


def test_incremental_converges_after_a_crash(ferretdb_server, db, warehouse, changed):
    uri = uri_of(ferretdb_server, db)
    changed_wh, changes = changed
    export(uri, warehouse, "--select", "doc_reviews")
    expected = len(changes.updated["doc_reviews"]) + len(changes.inserted["doc_reviews"])
    proc = start_export(
        uri,
        changed_wh,
        "--select",
        "doc_reviews",
        "--mode",
        "incremental",
        env={"AETHERMART_MONGODB_BATCH_ROWS": "1", "AETHERMART_TEST_PAUSE_BATCH": "30"},
    )
    try:
        wait_for(
            lambda: db.reviews.count_documents({"review_text": {"$regex": "^changed: "}}) >= 1,
            "the first changed document",
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert db.reviews.count_documents({"review_text": {"$regex": "^changed: "}}) < expected

    result = export_json(uri, changed_wh, "--select", "doc_reviews", "--mode", "incremental")["reviews"]
    assert result["written"] == expected - 1  # the one the killed run wrote is unchanged now
    assert result["deleted"] == len(changes.deleted["doc_reviews"])
    assert_collection_equals_gold(db, "reviews", changed_wh, "doc_reviews")
    assert_no_debris(db, "reviews")


def test_killed_full_export_leaves_readers_the_previous_collection(ferretdb_server, db, warehouse, changed):
    uri = uri_of(ferretdb_server, db)
    changed_wh, _ = changed
    select = ("--select", "doc_customer_profiles")
    export(uri, warehouse, *select)
    before = digest(db, "customer_profiles")

    # killed while writing its staging collection
    proc = start_export(
        uri,
        changed_wh,
        *select,
        env={"AETHERMART_MONGODB_BATCH_ROWS": "5", "AETHERMART_TEST_PAUSE_BATCH": "1"},
    )
    try:

        def staging_has_documents() -> bool:
            staged = [n for n in db.list_collection_names() if n.startswith("customer_profiles__staging_")]
            return bool(staged) and db[staged[0]].count_documents({}) >= 5

        wait_for(staging_has_documents, "the staging collection to fill")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert digest(db, "customer_profiles") == before  # readers: the previous complete collection
    assert any(n.startswith("customer_profiles__staging_") for n in db.list_collection_names())
    assert db["_aethermart_locks"].find_one({"_id": "customer_profiles"}) is not None

    # the next run takes over the dead run's lock, drops its debris and publishes
    proc = export(uri, changed_wh, *select)
    assert "left by an interrupted run" in proc.stderr
    assert_collection_equals_gold(db, "customer_profiles", changed_wh, "doc_customer_profiles")
    assert digest(db, "customer_profiles__previous") == before
    assert_no_debris(db, "customer_profiles")


def test_killed_between_the_two_renames_is_finished_by_the_next_run(ferretdb_server, db, warehouse, changed):
    """FerretDB's fallback swap has a moment without the collection; a run killed right there
    leaves a journal in its lock, and the next run completes the swap first."""
    uri = uri_of(ferretdb_server, db)
    changed_wh, _ = changed
    select = ("--select", "doc_product_catalog")
    export(uri, warehouse, *select)
    before = digest(db, "product_catalog")
    proc = start_export(uri, changed_wh, *select, env={"AETHERMART_TEST_PAUSE_SWAP": "60"})
    try:
        wait_for(
            lambda: (
                "product_catalog" not in db.list_collection_names()
                and any(n.startswith("product_catalog__keep_") for n in db.list_collection_names())
            ),
            "the swap's gap",
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    lock = db["_aethermart_locks"].find_one({"_id": "product_catalog"})
    assert lock["swap"]["kind"] == "full"

    proc = export(uri, warehouse, *select, "--mode", "incremental")
    assert "finished the interrupted swap" in proc.stderr
    assert digest(db, "product_catalog__previous") == before  # the killed run's outgoing version
    # the killed run's validated staging became the collection; this incremental run then
    # brought it back to the warehouse it reads
    assert_collection_equals_gold(db, "product_catalog", warehouse, "doc_product_catalog")
    assert_no_debris(db, "product_catalog")


def test_rollback_swaps_the_previous_version_back(ferretdb_server, db, warehouse, changed):
    uri = uri_of(ferretdb_server, db)
    changed_wh, _ = changed
    select = ("--select", "doc_reviews", "--manifest", str(warehouse.manifest))  # no warehouse needed
    proc = export(uri, None, *select, "--rollback", check=False)
    assert "no previous version" in assert_one_line_without_password(proc)
    export(uri, warehouse, *select)
    v1 = digest(db, "reviews")
    export(uri, changed_wh, *select)
    v2 = digest(db, "reviews")
    assert v1 != v2

    export(uri, None, *select, "--rollback", "--dry-run")
    assert digest(db, "reviews") == v2
    proc = export(uri, None, *select, "--rollback")
    assert "readers:" in proc.stderr
    assert (digest(db, "reviews"), digest(db, "reviews__previous")) == (v1, v2)
    export(uri, None, *select, "--rollback")
    assert (digest(db, "reviews"), digest(db, "reviews__previous")) == (v2, v1)
    assert_no_debris(db, "reviews")


def test_dry_run_writes_nothing(ferretdb_server, db, warehouse):
    uri = uri_of(ferretdb_server, db)
    result = export_json(uri, warehouse, "--select", "doc_product_catalog", "--dry-run")["product_catalog"]
    assert result["status"] == "planned"
    assert result["inserted"] == result["rows"] > 0
    assert db.list_collection_names() == []


def test_one_export_run_has_one_run_id_in_every_target(ferretdb_server, db, warehouse, tmp_path):
    """`--target all` mints one run id (the UTC second and a uuid4) and every target records
    it: the summary, the Parquet version and its manifest, the MongoDB export mark and ledger."""
    from aethermart.export.mongo.config import MongoURI
    from aethermart.export.mongo.ledger import MARKS_COLLECTION, LedgerStore

    uri = uri_of(ferretdb_server, db)
    out = tmp_path / "gold"
    run_env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    run_env["AETHERMART_TEMP_DIR"] = str(tmp_path / "duckdb_tmp")
    proc = subprocess.run(
        [
            str(BIN / "aethermart"),
            "export",
            "--target",
            "all",
            "--mongodb-uri",
            uri,
            "--duckdb",
            str(warehouse.duckdb),
            "--manifest",
            str(warehouse.manifest),
            "--out",
            str(out),
            "--select",
            "doc_reviews",
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=run_env,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    run_id = result["run_id"]
    assert re.fullmatch(r"\d{8}T\d{6}Z_[0-9a-f]{32}", run_id), run_id
    assert sorted((d["target"], d["status"], d["version"]) for d in result["datasets"]) == [
        ("mongodb", "published", run_id),
        ("parquet", "published", run_id),
    ]
    assert (out / ".current").resolve().name == run_id
    meta = json.loads((out / "doc_reviews" / "_manifest.json").read_text())
    assert meta["run_id"] == meta["version"] == run_id
    assert db[MARKS_COLLECTION].find_one({"_id": "reviews"})["run_id"] == run_id
    ledger = LedgerStore.for_destination(warehouse.duckdb, MongoURI.parse(uri)).read("reviews")
    assert ledger is not None and ledger.run_id == run_id


def test_a_held_lock_stops_a_second_exporter(ferretdb_server, db, warehouse):
    uri = uri_of(ferretdb_server, db)
    locks = db["_aethermart_locks"]
    far = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    locks.insert_one(
        {
            "_id": "product_catalog",
            "token": "t",
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "run_id": "other",
            "acquired_at": far,
            "expires_at": far,
        }
    )
    proc = export(uri, warehouse, "--select", "doc_product_catalog", check=False)
    assert proc.returncode == 1
    assert (
        f"error: collection product_catalog is being exported by pid {os.getpid()}"
        in proc.stderr.strip().splitlines()[-1]
    )
    assert "product_catalog" not in db.list_collection_names()

    # a lock whose lease ran out (its holder on another machine is gone) is taken over
    past = far - dt.timedelta(hours=2)
    locks.update_one({"_id": "product_catalog"}, {"$set": {"host": "elsewhere", "expires_at": past}})
    export(uri, warehouse, "--select", "doc_product_catalog")
    assert_no_debris(db, "product_catalog")


def test_decimals_double_and_explicit_decimal128_on_ferretdb(ferretdb_server, db, warehouse):
    uri = uri_of(ferretdb_server, db)
    proc = export(
        uri, warehouse, "--select", "doc_product_catalog", "--mongodb-decimals", "decimal128", check=False
    )
    line = assert_one_line_without_password(proc)
    assert "no Decimal128" in line and "product_catalog" in line
    assert db.list_collection_names() == []

    export(uri, warehouse, "--select", "doc_product_catalog", "--mongodb-decimals", "double")
    expected = expected_documents(warehouse, "doc_product_catalog", "double")
    for doc in db.product_catalog.find():
        doc.pop(HASH)
        assert canonical(doc) == canonical(expected[doc["_id"]])


@pytest.mark.parametrize(
    ("case", "uri", "args", "message"),
    [
        ("bad scheme", f"http://ann:{PASSWORD_QUOTED}@127.0.0.1:1/x", (), "must start with mongodb://"),
        ("unescaped password", f"mongodb://ann:{PASSWORD}@127.0.0.1:1/x", (), "MongoDB URI"),
        ("auth failure", "mongodb://ann:{pw}@{hostport}/x", (), "refused user 'ann'"),
        (
            "unreachable",
            f"mongodb://ann:{PASSWORD_QUOTED}@127.0.0.1:{{closed}}/x?serverSelectionTimeoutMS=300",
            (),
            "is unreachable",
        ),
        ("missing manifest", "{server}x", ("--manifest", "/nonexistent/manifest.json"), "not found"),
        ("unknown model", "{server}x", ("--select", "doc_nope"), "doc_nope"),
        ("no uri", "", (), "set MONGODB_URI"),
        ("rollback of parquet", "{server}x", ("--rollback",), "--rollback needs --target mongodb"),
    ],
)
def test_errors_are_one_line_without_password(ferretdb_server, warehouse, case, uri, args, message):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    hostport = ferretdb_server.uri.split("//")[1].rstrip("/")
    uri = uri.format(pw=PASSWORD_QUOTED, hostport=hostport, closed=closed, server=ferretdb_server.uri)
    cmd_args = list(args)
    if case == "rollback of parquet":
        cmd = [str(BIN / "aethermart"), "export", "--target", "all", "--mongodb-uri", uri, *cmd_args]
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    else:
        wh = None if "--manifest" in cmd_args else warehouse
        if wh is None:
            cmd_args += ["--duckdb", str(warehouse.duckdb)]
        t0 = time.monotonic()
        proc = export(uri, wh, *cmd_args, check=False)
        assert time.monotonic() - t0 < 30  # a short server selection timeout, no retries
    line = assert_one_line_without_password(proc)
    assert message in line, line


def test_a_dropped_connection_is_retried_without_duplicates(db, monkeypatch):
    """Staging inserts are repeated after AutoReconnect; the documents that did arrive before
    the connection dropped are not an error the second time. After RETRIES it gives up."""
    from pymongo.errors import AutoReconnect

    from aethermart.export.errors import PublishError
    from aethermart.export.mongo import publish as mongo_publish
    from aethermart.export.mongo.encode import DocumentBatch, encode_documents

    monkeypatch.setattr(mongo_publish.time, "sleep", lambda _: None)
    docs = encode_documents([json.dumps({"_id": f"d{i}", "n": i}) for i in range(10)])
    batch = DocumentBatch([f"d{i}" for i in range(10)], [""] * 10, docs)

    class Flaky:
        """Delivers the first half, then drops the connection; works the second time."""

        def __init__(self, fail_times: int):
            self.fail_times = fail_times
            self.calls = 0

        def insert_many(self, documents, ordered):
            self.calls += 1
            if self.fail_times:
                self.fail_times -= 1
                if self.calls == 1:
                    db.staging.insert_many(documents[:5], ordered=ordered)
                raise AutoReconnect("connection closed")
            return db.staging.insert_many(documents, ordered=ordered)

    mongo_publish.insert_staging(Flaky(fail_times=1), batch, "test")
    assert sorted(d["n"] for d in db.staging.find()) == list(range(10))

    db.staging.drop()
    with pytest.raises(PublishError, match="failed 5 times"):
        mongo_publish.insert_staging(Flaky(fail_times=99), batch, "test")


def test_every_duckdb_type_follows_the_documented_rule():
    """Types the gold models do not use yet (doubles with NaN/±Inf, plain TIMESTAMP, BLOB,
    HUGEINT, UUID, MAP with decimal values, NULL structs, lists of dates), and the refusals."""
    from aethermart.export.errors import ExportError
    from aethermart.export.mongo.encode import check_map_keys, document_query, iter_document_batches

    con = duckdb.connect()
    con.execute("""create table t as select * from (values
        ('a', 1.5::double, '1969-12-31 23:59:59.9995'::timestamp,
         '2024-02-29 12:00:00.123456+00'::timestamptz,
         '\\x00\\xFF'::blob, 1234567890123456789012345678901234::hugeint,
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, map {'k.1': 1.10::decimal(4,2)},
         {'inner': null::date, 'n': 2}, ['2024-01-01'::date, null], null::struct(x integer)),
        ('b', 'nan'::double, null, null, null, -1, null, map {}, null, [], {'x': 1}),
        ('c', 'inf'::double, null, null, null, null, null, null, null, null, null),
        ('d', '-inf'::double, null, null, null, null, null, null, null, null, null)
    ) as v(_id, d, ts, tstz, b, h, u, m, s, l, n)""")
    rel = con.sql("select * from t limit 0")
    columns = list(zip(rel.columns, rel.types, strict=True))
    query = document_query("t", columns, "_id", "decimal128", "t")
    docs = {}
    for batch in iter_document_batches(con.cursor(), query.sql, 10, "t"):
        docs.update({i: bson.decode(d.raw) for i, d in zip(batch.ids, batch.docs, strict=True)})
    a = docs["a"]
    assert a["ts"] == dt.datetime(1969, 12, 31, 23, 59, 59, 999000)  # floored to the millisecond
    assert a["tstz"] == dt.datetime(2024, 2, 29, 12, 0, 0, 123000)
    assert a["b"] == b"\x00\xff"
    assert a["h"] == Decimal128("1234567890123456789012345678901234")
    assert a["u"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert a["m"] == {"k.1": Decimal128("1.10")}
    assert a["s"] == {"inner": None, "n": 2}
    assert a["l"] == [dt.datetime(2024, 1, 1), None]
    assert a["n"] is None  # NULL kept as null, at every level
    assert canonical({"d": [docs[k]["d"] for k in "abcd"]}) == (
        '{"d": [{"$numberDouble": "1.5"}, {"$numberDouble": "NaN"}, {"$numberDouble": "Infinity"}, '
        '{"$numberDouble": "-Infinity"}]}'
    )
    assert docs["b"]["m"] == {} and docs["b"]["l"] == [] and docs["b"]["n"] == {"x": 1}
    assert list(a) == ["_id", "d", "ts", "tstz", "b", "h", "u", "m", "s", "l", "n", HASH]

    with pytest.raises(ExportError, match=r"column m has the key 'k.1'"):
        check_map_keys(con, "t", ("m",), "t")
    con.execute(
        "create table wide as select 'x' as _id, 170141183460469231731687303715884105727::hugeint as h"
    )  # 39 digits
    rel = con.sql("select * from wide")
    query = document_query(
        "wide", list(zip(rel.columns, rel.types, strict=True)), "_id", "decimal128", "wide"
    )
    with pytest.raises(ExportError, match="34 significant digits"):
        list(iter_document_batches(con.cursor(), query.sql, 10, "wide"))
    con.execute("create table bad as select 'x' as _id, [[1, 2]] as ll")
    rel = con.sql("select * from bad")
    with pytest.raises(ExportError, match="list of lists"):
        document_query("bad", list(zip(rel.columns, rel.types, strict=True)), "_id", "decimal128", "bad")

    # carried columns (what the exporter joins to the rows: the stored hash, the change) pass
    # through after the document and are not in it; they may not shadow what the query yields
    rel = con.sql("select * from wide")
    columns = list(zip(rel.columns, rel.types, strict=True))
    joined = "(select w.*, 'u' as change_code from wide w)"
    query = document_query(joined, columns, "_id", "string", "wide", ("change_code",))
    row = con.execute(f"select _id, doc, change_code from ({query.sql})").fetchone()
    assert row[0] == "x" and row[2] == "u" and "change_code" not in row[1]
    for reserved in ("h", "doc", HASH):
        with pytest.raises(ExportError, match=f"column {reserved} is reserved"):
            document_query(joined, columns, "_id", "string", "wide", (reserved,))


def test_an_export_key_named_with_quotes_and_spaces_is_one_column():
    """The exporter's own queries (key check, diff against the stored hashes, vanished ids,
    row hashes) quote the key like any column: a key named `order "id" 2` works."""
    import pyarrow as pa

    from aethermart.export.manifest import ColumnSpec, ExportSpec, MongoSpec
    from aethermart.export.mongo import run
    from aethermart.export.mongo.encode import document_query
    from aethermart.sql import sql_identifier

    key = 'order "id" 2'
    con = duckdb.connect()
    con.execute("create schema gold")
    con.execute(f"""create table gold.t as select * from (values ('a', 1), ('b', 2), ('c', 3))
        as v({sql_identifier(key)}, n)""")
    spec = ExportSpec(
        model="t",
        unique_id="model.x.t",
        schema="gold",
        table="t",
        columns=(ColumnSpec(key, "VARCHAR"), ColumnSpec("n", "INTEGER")),
        primary_key=(key,),
        yaml_path="t.yml",
        mongodb=MongoSpec(collection="t", key=key),
    )
    rel = con.sql("select * from gold.t limit 0")
    plan = run._Plan(spec, list(zip(rel.columns, rel.types, strict=True)), 3, 10, "decimal128")
    docs = document_query(spec.relation, plan.columns, key, "decimal128", "t").sql
    (hash_of_a,) = con.execute(f"select {HASH} from ({docs}) where _id = 'a'").fetchone()
    con.register("_aethermart_existing", pa.table({"_id": ["a", "z"], "h": [hash_of_a, "x"]}))
    changes = dict(con.execute(f"select _id, change from ({run._diff_sql(plan, None)})").fetchall())
    assert changes == {"a": "s", "b": "i", "c": "i"}
    assert run._vanished(con, spec) == ["z"]
    run._row_hashes(con, spec)
    assert con.execute("select count(distinct _id) from _aethermart_rows").fetchone()[0] == 3


def test_export_from_the_published_parquet_equals_export_from_the_warehouse(
    ferretdb_server, client, warehouse, tmp_path
):
    """--from-parquet reads the gold Parquet instead of the DuckDB file: same documents."""
    gold = tmp_path / "gold"
    publish = subprocess.run(
        [
            str(BIN / "aethermart"),
            "export",
            "--target",
            "parquet",
            "--duckdb",
            str(warehouse.duckdb),
            "--manifest",
            str(warehouse.manifest),
            "--out",
            str(gold),
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert publish.returncode == 0, publish.stderr
    from_duckdb, from_parquet = client["x_from_duckdb"], client["x_from_parquet"]
    for db in (from_duckdb, from_parquet):
        client.drop_database(db.name)
    export(uri_of(ferretdb_server, from_duckdb), warehouse, "--quiet")

    def export_from_parquet(out: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        published = ["--manifest", str(warehouse.manifest), "--from-parquet", "--out", str(out)]
        return export(uri_of(ferretdb_server, from_parquet), None, *published, *args, check=check)

    assert export_from_parquet(gold, "--quiet").returncode == 0

    def documents(db, collection: str) -> dict:
        return {d["_id"]: d[HASH] for d in db[collection].find({}, {HASH: 1})}

    for collection in COLLECTIONS.values():
        assert documents(from_parquet, collection) == documents(from_duckdb, collection), collection
        assert len(documents(from_parquet, collection)) > 0, collection
    missing = export_from_parquet(tmp_path / "nothing", check=False)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "no published Parquet" in missing.stderr and "--target parquet" in missing.stderr
    for db in (from_duckdb, from_parquet):
        client.drop_database(db.name)


def test_validation_checks_the_servers_count_and_the_sample_read_back(ferretdb_server, db):
    """validate() counts on the server while it reads the sample back: a count other than the
    model's rows, or a sampled document that differs from what was sent, stops the publish."""
    import bson

    from aethermart.export.errors import PublishError
    from aethermart.export.mongo.config import MongoURI, connect
    from aethermart.export.mongo.publish import Sample, validate

    sent = {str(i): bson.encode({"_id": str(i), "v": i}) for i in range(5)}
    db.docs.insert_many([bson.decode(raw) for raw in sent.values()])
    server = connect(MongoURI.parse(ferretdb_server.uri + db.name))
    try:
        sample = Sample("seed")
        sample.items = list(sent.items())
        validate(server, "docs", 5, sample, ())
        with pytest.raises(PublishError, match="5 documents on the server but 6 rows in the model"):
            validate(server, "docs", 6, sample, ())
        sample.items = [("3", bson.encode({"_id": "3", "v": -3}))]
        with pytest.raises(
            PublishError,
            match=r"1 of 1 sampled documents read back differ from what was sent \(first _id '3'\)",
        ):
            validate(server, "docs", 5, sample, ())
        # nothing sampled: the count alone decides
        with pytest.raises(PublishError, match="5 documents on the server but 4 rows"):
            validate(server, "docs", 4, Sample("empty"), ())
    finally:
        server.close()
