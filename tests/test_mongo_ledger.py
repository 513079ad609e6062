"""The incremental MongoDB export's ledger (aethermart/export/mongo/ledger.py) against the test FerretDB.

Each test exports from its own copy of the scale-0.01 warehouse (so the ledger next to it is
the test's own), changes gold rows in the copy, and checks through the result's counters
(hashes_from, hashes_read) that the ledger, not a read-back, decided what to write — and that
every doubt (a count that differs, a run killed before its ledger, --verify) reads back.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess

import duckdb
import pytest

from aethermart.export.mongo.config import MongoURI
from aethermart.export.mongo.ledger import LEDGER_SUFFIX, LedgerStore, destination_of
from aethermart.export.mongo.run import INCREMENTAL_GUARANTEE, REWRITE_GUARANTEE
from tests.test_mongo_export import (
    PASSWORD,
    PASSWORD_QUOTED,
    Warehouse,
    assert_collection_equals_gold,
    assert_no_debris,
    export_json,
    start_export,
    uri_of,
    wait_for,
)

REVIEWS = ["--select", "doc_reviews"]


@pytest.fixture
def own(built_001, tmp_path) -> Warehouse:
    """A private copy of the scale-0.01 warehouse: its ledger folder is this test's alone."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built_001.duckdb_path, path)
    return Warehouse(path, built_001.target / "manifest.json")


def change_reviews(
    wh: Warehouse, updated: int, deleted: int, inserted: int, prefix: str = "changed: "
) -> dict[str, list[str]]:
    """Change gold rows of doc_reviews in place; returns the ids per kind of change."""
    with duckdb.connect(str(wh.duckdb)) as con:
        ids = [r[0] for r in con.execute("select _id from gold.doc_reviews order by md5(_id)").fetchall()]
        up, gone = ids[:updated], ids[updated : updated + deleted]
        new = [f"new-review-{i}" for i in range(inserted)]
        if up:
            con.execute(
                "update gold.doc_reviews set review_text = ? || coalesce(review_text, '') where _id in ?",
                [prefix, up],
            )
        if gone:
            con.execute("delete from gold.doc_reviews where _id in ?", [gone])
        for new_id in new:
            con.execute(
                "insert into gold.doc_reviews select * replace (? as _id) from gold.doc_reviews "
                "order by _id limit 1",
                [new_id],
            )
        con.execute("checkpoint")
    return {"updated": up, "deleted": gone, "inserted": new}


def test_incremental_after_a_change_writes_exactly_the_changed_documents_from_the_ledger(
    ferretdb_server, db, own
):
    uri = uri_of(ferretdb_server, db)
    models = ["--select", "doc_reviews", "doc_customer_profiles"]
    first = export_json(uri, own, *models)
    assert {r["hashes_from"] for r in first.values()} == {"none"}
    store = LedgerStore.for_destination(own.duckdb, MongoURI.parse(uri))
    assert store.path("reviews").is_file() and store.path("customer_profiles").is_file()

    # more replacements than FERRETDB_REWRITE_MIN: one replace per document on a server whose
    # lookups by _id read the index (MongoDB, the test server); else the delete-and-insert path
    change = change_reviews(own, updated=12, deleted=2, inserted=1)
    db.reviews.update_many({}, {"$set": {"_probe": 1}})  # lost by every rewritten document
    result = export_json(uri, own, *models, "--mode", "incremental")
    reviews, profiles = result["reviews"], result["customer_profiles"]
    assert (reviews["hashes_from"], reviews["hashes_read"]) == ("ledger", 0)
    assert (reviews["inserted"], reviews["updated"], reviews["deleted"], reviews["written"]) == (1, 12, 2, 13)
    assert reviews["documents_built"] == 13  # the ledger's row hashes: only changed rows become JSON
    # counted once, before the writes; after them the count is that plus the acknowledged changes
    assert "count" in reviews["phases"] and reviews["count_after"] == "derived", reviews
    assert (profiles["hashes_from"], profiles["hashes_read"], profiles["written"]) == ("ledger", 0, 0)
    rewritten = {d["_id"] for d in db.reviews.find({"_probe": {"$exists": False}}, {"_id": 1})}
    assert rewritten == set(change["updated"]) | set(change["inserted"])
    assert reviews["guarantee"] == INCREMENTAL_GUARANTEE and reviews["gap_ms"] is None
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews", ignore=("_probe",))

    # a few replacements (each atomic), then nothing: no read-back either time
    change_reviews(own, updated=3, deleted=0, inserted=0, prefix="again: ")
    few = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (few["hashes_from"], few["hashes_read"], few["updated"], few["written"]) == ("ledger", 0, 3, 3)
    assert few["count_after"] == "derived"
    again = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (again["hashes_from"], again["hashes_read"], again["written"], again["deleted"]) == (
        "ledger",
        0,
        0,
        0,
    )
    assert "not hashed" in again["note"] and "not hashed" not in (few["note"] or "")
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews", ignore=("_probe",))
    assert_no_debris(db, "reviews")


@pytest.fixture(scope="module")
def scanning_ferretdb(tmp_path_factory):
    """Stock FerretDB 1.24.2 (`make ferretdb` builds it next to the test server, without
    tools/ferretdb/id_index_fix.sh): every lookup by _id scans the collection."""
    from tools.local_ferretdb import STOCK_BINARY, LocalFerretDB

    with LocalFerretDB(tmp_path_factory.mktemp("ferretdb-stock"), binary=STOCK_BINARY) as server:
        yield server


def test_on_a_server_whose_id_lookups_scan_many_replacements_are_one_delete_and_one_insert(
    scanning_ferretdb, own
):
    """The exporter reads the server's plan for a lookup by _id. Where it scans, a batch of
    FERRETDB_REWRITE_MIN or more replacements is one delete ($in) and one insert, not a scan per
    document; readers are told of the gap. The result is the same collection."""
    import pymongo

    from aethermart.export.mongo.config import connect

    uri = scanning_ferretdb.uri + "scanning"
    with pymongo.MongoClient(scanning_ferretdb.uri, serverSelectionTimeoutMS=5000) as client:
        db = client["scanning"]
        assert export_json(uri, own, *REVIEWS)["reviews"]["status"] == "published"
        server = connect(MongoURI.parse(uri))
        try:
            assert not server.finds_by_id_index("reviews")
        finally:
            server.close()
        change = change_reviews(own, updated=12, deleted=2, inserted=1)
        db.reviews.update_many({}, {"$set": {"_probe": 1}})
        reviews = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
        assert (reviews["inserted"], reviews["updated"], reviews["deleted"]) == (1, 12, 2)
        assert reviews["count_after"] == "derived"
        assert reviews["gap_ms"] > 0
        assert reviews["guarantee"] == REWRITE_GUARANTEE.format(gap=reviews["gap_ms"])
        rewritten = {d["_id"] for d in db.reviews.find({"_probe": {"$exists": False}}, {"_id": 1})}
        assert rewritten == set(change["updated"]) | set(change["inserted"])
        assert_collection_equals_gold(db, "reviews", own, "doc_reviews", ignore=("_probe",))


def test_a_document_changed_on_the_server_is_fixed_only_with_verify(ferretdb_server, db, own):
    """The documented limit: same count, replaced behind the exporter's back -> the ledger does
    not see it; --verify reads every stored hash back and rewrites it. (An edit that keeps the
    stored _content_hash field is seen by neither: only a full export rewrites it.)"""
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    victim = sorted(d["_id"] for d in db.reviews.find({}, {"_id": 1}))[3]
    db.reviews.replace_one({"_id": victim}, {"review_text": "tampered"})  # another writer's document

    trusted = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (trusted["hashes_from"], trusted["written"]) == ("ledger", 0)
    assert db.reviews.find_one({"_id": victim})["review_text"] == "tampered"

    verified = export_json(uri, own, *REVIEWS, "--mode", "incremental", "--verify")["reviews"]
    assert (verified["hashes_from"], verified["hashes_read"]) == ("server", verified["rows"])
    assert (verified["updated"], verified["written"]) == (1, 1)
    assert "--verify" in verified["note"]
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")


def test_a_document_deleted_on_the_server_makes_the_count_differ_and_is_restored(ferretdb_server, db, own):
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    victim = sorted(d["_id"] for d in db.reviews.find({}, {"_id": 1}))[5]
    db.reviews.delete_one({"_id": victim})

    result = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert result["hashes_from"] == "server" and result["hashes_read"] == result["rows"] - 1
    assert "the server holds" in result["note"]
    assert (result["inserted"], result["written"]) == (1, 1)
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")
    after = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (after["hashes_from"], after["written"]) == ("ledger", 0)


def test_a_count_that_differs_is_read_back_before_a_changed_table_is_written(ferretdb_server, db, own):
    """Documents deleted and inserted behind the exporter while gold changed too: the count is
    compared with the ledger's before anything is written. After the writes it could not
    tell: the upsert of an updated document that was deleted re-creates it, and the count
    comes out as if nothing had happened to the collection."""
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    change = change_reviews(own, updated=2, deleted=0, inserted=0)
    untouched = sorted(
        d["_id"] for d in db.reviews.find({}, {"_id": 1}) if d["_id"] not in change["updated"]
    )[5]
    db.reviews.delete_many({"_id": {"$in": [change["updated"][0], untouched]}})
    db.reviews.insert_one({"_id": "stray-1", "review_text": "not ours"})

    result = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert "count" in result["phases"] and "the server holds" in result["note"], result
    assert result["hashes_from"] == "server" and result["hashes_read"] == result["rows"] - 1
    # the deleted updated one and the untouched one written again, one updated, the stray gone
    assert (result["inserted"], result["updated"], result["deleted"]) == (2, 1, 1)
    assert db.reviews.find_one({"_id": untouched}) is not None
    assert db.reviews.find_one({"_id": "stray-1"}) is None
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")
    after = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (after["hashes_from"], after["written"]) == ("ledger", 0)


def _changed_behind_the_exporter(uri: str, db, own: Warehouse, victims) -> subprocess.CompletedProcess:
    """An incremental export of doc_reviews that pauses before its first write, while
    ``victims(db)`` changes the collection behind it: after its count, before its writes."""
    proc = start_export(
        uri, own, *REVIEWS, "--mode", "incremental", "--json", env={"AETHERMART_TEST_PAUSE_WRITE": "4"}
    )
    try:
        wait_for(
            lambda: (db["_aethermart_exports"].find_one({"_id": "reviews"}) or {}).get("state") == "writing",
            "the export's mark set to writing",
        )
        victims(db)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_an_acknowledgement_the_ledger_did_not_imply_makes_the_validation_count_again(
    ferretdb_server, db, own
):
    """A document the ledger holds, deleted behind the exporter after its count and before its
    writes: the replacement that re-creates it is acknowledged as a creation, so the count after
    the writes cannot be derived. The collection is counted again (it is right: the upsert
    restored the document) and the run says why."""
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    change = change_reviews(own, updated=2, deleted=0, inserted=0)

    done = _changed_behind_the_exporter(
        uri, db, own, lambda d: d.reviews.delete_one({"_id": change["updated"][0]})
    )
    assert done.returncode == 0, done.stderr
    result = {d["collection"]: d for d in json.loads(done.stdout)["datasets"]}["reviews"]
    assert (result["hashes_from"], result["updated"], result["count_after"]) == ("ledger", 2, "counted")
    assert "counted again after the write" in result["note"] and "created: 1" in result["note"], result
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")


def test_a_document_deleted_behind_the_exporter_during_its_run_fails_the_validation_then_is_restored(
    ferretdb_server, db, own
):
    """Deleted behind the exporter after its count, with a re-created one beside it (as above):
    the real count after the writes is one short, so the run fails, and its mark (writing)
    makes the next run read the stored hashes back and restore the document."""
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    change = change_reviews(own, updated=2, deleted=0, inserted=0)
    untouched = sorted(
        d["_id"] for d in db.reviews.find({}, {"_id": 1}) if d["_id"] not in change["updated"]
    )[7]

    def victims(d) -> None:
        d.reviews.delete_many({"_id": {"$in": [change["updated"][0], untouched]}})

    failed = _changed_behind_the_exporter(uri, db, own, victims)
    assert failed.returncode != 0 and "validation failed" in failed.stderr, failed.stderr
    assert "Traceback" not in failed.stderr
    assert db.reviews.find_one({"_id": untouched}) is None

    result = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (result["hashes_from"], result["inserted"], result["count_after"]) == ("server", 1, "counted")
    assert db.reviews.find_one({"_id": untouched}) is not None
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")


def test_acknowledgements_give_the_count_after_the_writes_or_name_what_differed(db):
    """publish.Acknowledged against the server's own count: replacements of stored documents,
    creations, deletes, and FerretDB's delete-then-insert; any acknowledgement the stored
    hashes did not imply leaves the count to the server."""
    from bson import encode
    from bson.raw_bson import RawBSONDocument

    from aethermart.export.mongo.publish import Acknowledged, rewrite_on_ferretdb, write_changes

    db.docs.insert_many([{"_id": str(i), "v": 0} for i in range(10)])
    raw = lambda i, v: (str(i), RawBSONDocument(encode({"_id": str(i), "v": v})))  # noqa: E731
    acks = Acknowledged()
    write_changes(db, "docs", [raw(1, 1), raw(2, 1), raw(20, 1)], ["3"], "w", acks=acks, existing=2)
    rewrite_on_ferretdb(db, "docs", [raw(4, 2)], [raw(21, 2)], ["5", "6"], "r", acks)
    assert acks.surprises == []
    assert acks.count_after(10) == db.docs.count_documents({}) == 9

    stale = Acknowledged()  # hashes that believe 31 and 3 are stored and 7 is not
    write_changes(db, "docs", [raw(31, 1)], ["3"], "w", acks=stale, existing=1)
    rewrite_on_ferretdb(db, "docs", [], [raw(7, 3)], [], "r", stale)
    assert stale.count_after(9) is None
    assert stale.surprises == [
        "w: replaced: 0 where the stored hashes implied 1",
        "w: created: 1 where the stored hashes implied 0",
        "w: deleted: 0 where the stored hashes implied 1",
        "r: found existing where inserting: 1 where the stored hashes implied 0",
    ]
    assert db.docs.find_one({"_id": "7"})["v"] == 3  # replaced, not duplicated
    assert db.docs.count_documents({}) == 10


def test_a_run_killed_between_its_writes_and_its_ledger_is_read_back_next_time(ferretdb_server, db, own):
    """The killed run wrote the changed documents but not its ledger; the warehouse then goes
    back to what the old ledger describes. Trusting the old ledger would skip the documents
    that differ on the server; the server's mark (state writing) makes the next run read back."""
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    pristine = own.duckdb.with_name("pristine.duckdb")
    shutil.copy(own.duckdb, pristine)
    change = change_reviews(own, updated=2, deleted=0, inserted=0)

    proc = start_export(
        uri, own, *REVIEWS, "--mode", "incremental", env={"AETHERMART_TEST_PAUSE_LEDGER": "60"}
    )
    try:
        wait_for(
            lambda: (
                db.reviews.count_documents({"review_text": {"$regex": "^changed: "}}) == 2
                and (db["_aethermart_exports"].find_one({"_id": "reviews"}) or {}).get("state") == "writing"
            ),
            "the changed documents written, the ledger not yet",
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    shutil.copy(pristine, own.duckdb)  # gold as the old ledger describes it

    result = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert result["hashes_from"] == "server", result
    assert (result["updated"], result["written"]) == (2, 2)
    assert {d["_id"] for d in db.reviews.find({"review_text": {"$regex": "^changed: "}})} == set()
    assert set(change["updated"]) <= {d["_id"] for d in db.reviews.find({}, {"_id": 1})}
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")
    assert_no_debris(db, "reviews")


def test_a_rollback_or_another_warehouse_makes_the_ledger_stale(
    ferretdb_server, db, own, built_001, tmp_path
):
    uri = uri_of(ferretdb_server, db)
    export_json(uri, own, *REVIEWS)
    change_reviews(own, updated=1, deleted=0, inserted=0)
    export_json(uri, own, *REVIEWS)  # a second full version: there is a __previous now
    export_json(uri, own, *REVIEWS, "--rollback")
    result = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (result["hashes_from"], result["updated"]) == ("server", 1)
    assert "another run" in result["note"]

    other = Warehouse(tmp_path / "other.duckdb", own.manifest)
    shutil.copy(built_001.duckdb_path, other.duckdb)  # the unchanged gold, exported from elsewhere
    assert export_json(uri, other, *REVIEWS, "--mode", "incremental")["reviews"]["updated"] == 1
    back = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (back["hashes_from"], back["updated"]) == ("server", 1)
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")


def test_the_ledger_never_holds_the_uri_secrets(ferretdb_server, db, own):
    host = ferretdb_server.uri.split("://", 1)[1].rstrip("/")
    # FerretDB without authentication accepts any user with PLAIN
    uri = f"mongodb://ann:{PASSWORD_QUOTED}@{host}/{db.name}?authMechanism=PLAIN"
    key, about = destination_of(MongoURI.parse(uri))
    assert about == {"server": f"mongodb://{host}", "database": db.name}
    # the same server and database without credentials: the same ledger
    assert key == destination_of(MongoURI.parse(f"mongodb://{host}/{db.name}"))[0]

    export_json(uri, own, *REVIEWS)
    change_reviews(own, updated=1, deleted=0, inserted=0)
    assert export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]["hashes_from"] == "ledger"
    folder = own.duckdb.with_name(own.duckdb.name + LEDGER_SUFFIX)
    files = list(folder.rglob("*"))
    assert any(f.name == "reviews.parquet" for f in files)
    assert json.loads((folder / key / "destination.json").read_text()) == about
    for f in files:
        if f.is_file():
            data = f.read_bytes()
            for secret in (PASSWORD, PASSWORD_QUOTED, "ann"):
                assert secret.encode() not in data, f


def test_the_read_back_sample_is_all_of_it_or_a_seeded_random_part_where_lookups_scan():
    """Validation reads back every sampled document where a lookup by _id reads the index, and
    SCANNING_SAMPLE_SIZE of them, chosen at random from the sample, where each lookup scans."""
    from bson import encode
    from bson.raw_bson import RawBSONDocument

    from aethermart.export.mongo.encode import DocumentBatch
    from aethermart.export.mongo.publish import SAMPLE_SIZE, SCANNING_SAMPLE_SIZE, Sample

    def sample(seed: str) -> Sample:
        ids = [str(i) for i in range(1_000)]
        docs = [RawBSONDocument(encode({"_id": i})) for i in ids]
        one = Sample(seed)
        one.add(DocumentBatch(ids=ids, hashes=ids, docs=docs))
        return one

    all_of_it = sample("run-1").to_read(lookups_scan=False)
    assert len(all_of_it) == SAMPLE_SIZE and all_of_it == dict(sample("run-1").items)
    part = sample("run-1").to_read(lookups_scan=True)
    assert len(part) == SCANNING_SAMPLE_SIZE < SAMPLE_SIZE and part.items() <= all_of_it.items()
    assert part == sample("run-1").to_read(lookups_scan=True)  # the same run reads the same ones
    parts = {tuple(sorted(sample(f"run-{i}").to_read(lookups_scan=True))) for i in range(5)}
    assert len(parts) == 5  # other runs, other documents
    few = Sample("run-1")
    few.add(DocumentBatch(ids=["a"], hashes=["a"], docs=[RawBSONDocument(encode({"_id": "a"}))]))
    assert list(few.to_read(lookups_scan=True)) == ["a"]


def test_ferretdb_rewrite_batches_delete_then_insert_and_replace_an_unexpected_id(db):
    """One delete ($in) + one insert instead of a collection scan per replaced document; an
    'insert' whose _id exists after all (stale hashes, a retry) is replaced, not duplicated."""
    from bson import encode
    from bson.raw_bson import RawBSONDocument

    from aethermart.export.mongo.publish import rewrite_on_ferretdb

    db.docs.insert_many([{"_id": str(i), "v": 0} for i in range(30)])
    raw = lambda i, v: (str(i), RawBSONDocument(encode({"_id": str(i), "v": v})))  # noqa: E731
    gap = rewrite_on_ferretdb(
        db, "docs", [raw(i, 1) for i in range(10)], [raw(i, 2) for i in (25, 40)], ["29"], "test"
    )
    assert gap > 0
    values = {d["_id"]: d["v"] for d in db.docs.find()}
    assert values == {
        **{str(i): 1 for i in range(10)},
        **{str(i): 0 for i in range(10, 29)},
        "25": 2,
        "40": 2,
    }
    assert rewrite_on_ferretdb(db, "docs", [raw(i, 1) for i in range(10)], [], [], "again") > 0
    assert db.docs.count_documents({}) == 30


def test_a_ledger_that_cannot_be_written_does_not_fail_the_export(ferretdb_server, db, own):
    uri = uri_of(ferretdb_server, db)
    own.duckdb.with_name(own.duckdb.name + LEDGER_SUFFIX).write_text("a file where the folder goes")
    first = export_json(uri, own, *REVIEWS)["reviews"]
    assert first["status"] == "published" and first["ledger"].startswith("not written")
    assert "the next run reads back" in first["note"]
    change_reviews(own, updated=1, deleted=0, inserted=0)
    again = export_json(uri, own, *REVIEWS, "--mode", "incremental")["reviews"]
    assert (again["hashes_from"], again["updated"]) == ("server", 1)
    assert_collection_equals_gold(db, "reviews", own, "doc_reviews")


def test_a_list_that_becomes_empty_instead_of_null_is_written(ferretdb_server, db, own):
    """NULL and [] are different documents (null vs an empty array), though DuckDB's hash() of a
    row sees them alike: the ledger's row hash is of the row's text, so the change is written."""
    uri = uri_of(ferretdb_server, db)
    profiles = ["--select", "doc_customer_profiles"]
    with duckdb.connect(str(own.duckdb)) as con:
        key = con.execute("select _id from gold.doc_customer_profiles order by _id limit 1").fetchone()[0]
        con.execute("update gold.doc_customer_profiles set recent_activity_log = null where _id = ?", [key])
        con.execute("checkpoint")
    export_json(uri, own, *profiles)
    assert db.customer_profiles.find_one({"_id": key})["recent_activity_log"] is None
    with duckdb.connect(str(own.duckdb)) as con:
        empty = (
            "(select recent_activity_log[1:0] from gold.doc_customer_profiles "
            "where recent_activity_log is not null limit 1)"
        )
        con.execute(
            f"update gold.doc_customer_profiles set recent_activity_log = {empty} where _id = ?", [key]
        )
        con.execute("checkpoint")
    result = export_json(uri, own, *profiles, "--mode", "incremental")["customer_profiles"]
    assert (result["hashes_from"], result["written"], result["updated"]) == ("ledger", 1, 1)
    assert db.customer_profiles.find_one({"_id": key})["recent_activity_log"] == []
    assert_collection_equals_gold(db, "customer_profiles", own, "doc_customer_profiles")
