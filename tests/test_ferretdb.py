"""The private FerretDB (tests' MongoDB stand-in): a real pymongo round trip, and what this
FerretDB version does differently from MongoDB, recorded so the exporter can work around it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bson.decimal128 import Decimal128
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure, WriteError

NOT_IMPLEMENTED = 238  # FerretDB's answer to an option or command it lacks
NAMESPACE_EXISTS = 48


def test_round_trip_nested_documents(db):
    signup = dt.datetime(2024, 2, 29, 23, 59, 58, 123000)  # BSON dates keep milliseconds
    docs = [
        {
            "_id": "C-000001",
            "name": "Ada",
            "signup": signup,
            "vip": True,
            "score": 12.5,
            "address": {"city": "Zürich", "geo": {"lat": 47.37, "lon": 8.54}},
            "orders": [
                {
                    "order_id": 1,
                    "placed": dt.datetime(2024, 3, 1),
                    "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
                }
            ],
            "tags": ["new", "newsletter"],
            "note": None,
        },
        {
            "_id": "C-000002",
            "name": "Bob",
            "signup": dt.datetime(1969, 12, 31, 23, 59, 59, 999000),
            "orders": [],
            "big": 2**40,
        },
    ]
    db.customers.insert_many(docs)

    assert list(db.customers.find(sort=[("_id", 1)])) == docs
    assert db.customers.find_one({"orders.lines.sku": "B-2"})["_id"] == "C-000001"
    assert db.customers.count_documents({"signup": {"$lt": dt.datetime(2000, 1, 1)}}) == 1
    db.customers.replace_one({"_id": "C-000002"}, {**docs[1], "name": "Bobby"}, upsert=True)
    assert db.customers.find_one({"_id": "C-000002"})["name"] == "Bobby"


def test_unique_and_compound_indexes(db):
    db.customers.create_index([("email", 1)], unique=True, name="email_unique")
    db.customers.create_index([("country", 1), ("signup", -1)], name="country_signup")
    db.customers.create_index([("loyalty_id", 1)], sparse=True, name="loyalty_sparse")

    info = db.customers.index_information()
    assert info["email_unique"] == {"v": 2, "key": [("email", 1)], "unique": True}
    assert info["country_signup"]["key"] == [("country", 1), ("signup", -1)]
    assert "unique" not in info["country_signup"]
    # `sparse` is accepted but silently dropped: the index is a plain one
    assert info["loyalty_sparse"] == {"v": 2, "key": [("loyalty_id", 1)]}

    db.customers.insert_one({"_id": "1", "email": "a@example.com"})
    with pytest.raises(DuplicateKeyError) as exc:
        db.customers.insert_one({"_id": "2", "email": "a@example.com"})
    assert exc.value.code == 11000


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"expireAfterSeconds": 60}, NOT_IMPLEMENTED),  # TTL
        ({"partialFilterExpression": {"x": {"$gt": 1}}}, NOT_IMPLEMENTED),  # partial
    ],
)
def test_index_options_not_implemented(db, options, code):
    with pytest.raises(OperationFailure) as exc:
        db.customers.create_index([("x", 1)], **options)
    assert exc.value.code == code


def test_text_index_is_refused(db):
    # A text index fails with an odd IndexNotFound (27) rather than NotImplemented
    with pytest.raises(OperationFailure) as exc:
        db.customers.create_index([("name", "text")])
    assert exc.value.code == 27


def test_build_info_names_ferretdb(client):
    info = client.admin.command("buildInfo")
    # aethermart-ferretdb fills in its FerretDB module version (embedded builds say "unknown")
    assert info["ferretdbVersion"].startswith("v1.24.")
    assert info["version"].startswith("7.0.")  # the MongoDB version it claims to speak for
    assert client.admin.command("hello")["isWritablePrimary"] is True  # standalone: no retryable writes


def test_rename_collection_drop_target_is_not_implemented(db):
    db.staging.insert_one({"_id": "new"})
    db.live.insert_one({"_id": "old"})

    # MongoDB swaps the staging collection in; FerretDB refuses and changes nothing
    with pytest.raises(OperationFailure) as exc:
        db.staging.rename("live", dropTarget=True)
    assert exc.value.code == NOT_IMPLEMENTED
    assert "dropTarget" in str(exc.value)
    with pytest.raises(OperationFailure) as exc:
        db.staging.rename("live")
    assert exc.value.code == NAMESPACE_EXISTS
    assert [d["_id"] for d in db.live.find()] == ["old"]

    # The workaround (not atomic: readers briefly see no `live`): drop, then rename
    db.live.drop()
    db.staging.rename("live")
    assert [d["_id"] for d in db.live.find()] == ["new"]
    assert "staging" not in db.list_collection_names()


def test_rename_collection_across_databases_is_not_implemented(client, db):
    db.staging.insert_one({"_id": "x"})
    with pytest.raises(OperationFailure) as exc:
        client.admin.command("renameCollection", f"{db.name}.staging", to=f"{db.name}_other.staging")
    assert exc.value.code == NOT_IMPLEMENTED


def test_decimal128_drops_the_connection(client, db):
    # FerretDB 1.24 has no Decimal128: the server's handler panics on the value, recovers,
    # and closes that client connection. The driver sees AutoReconnect ("connection
    # closed") instead of a server error, nothing is written, and the server stays up.
    # The exporter must turn decimals into another type (e.g. string or double) first.
    db.prices.insert_one({"_id": "ok", "amount": "19.99"})
    with pytest.raises(AutoReconnect, match="connection closed"):
        db.prices.insert_one({"_id": "dec", "amount": Decimal128("19.99")})
    with pytest.raises(AutoReconnect):  # nested, in an update: the same
        db.prices.update_one({"_id": "ok"}, {"$set": {"lines": [{"amount": Decimal128("1.10")}]}})
    assert client.admin.command("ping")["ok"] == 1.0
    assert list(db.prices.find()) == [{"_id": "ok", "amount": "19.99"}]


def test_nan_drops_the_connection_and_other_values_are_refused(client, db):
    # NaN is refused while the message is decoded: the connection is closed as well
    with pytest.raises(AutoReconnect):
        db.values.insert_one({"_id": "nan", "x": float("nan")})
    # these get a proper write error (code 2, BadValue)
    for bad in ({"x": float("inf")}, {"x": [[1, 2]]}, {"a.b": 1}, {"$x": 1}):
        with pytest.raises(WriteError) as exc:
            db.values.insert_one({"_id": "bad", **bad})
        assert exc.value.code == 2
    assert client.admin.command("ping")["ok"] == 1.0
    assert db.values.count_documents({}) == 0


def test_lookups_by_id_read_the_id_index(ferretdb_server, db):
    """`make ferretdb` builds the server with tools/ferretdb/id_index_fix.sh: a find, replace or
    delete by a string _id reads the _id index; stock FerretDB 1.24.2 scans the whole table for
    each (its plan says SCAN). The exporter asks the plan (MongoServer.finds_by_id_index) to
    choose how it writes and how much it reads back."""
    from aethermart.export.mongo.config import MongoURI, connect, plan_uses_index

    db.docs.insert_many([{"_id": str(i), "v": i} for i in range(100)])
    plan = db.command("explain", {"find": "docs", "filter": {"_id": "42"}})["queryPlanner"]["Plan"]
    assert len(plan) == 1 and "detail=SEARCH " in plan[0] and " USING INDEX " in plan[0], plan
    assert plan_uses_index(plan)
    server = connect(MongoURI.parse(ferretdb_server.uri + db.name))
    try:
        assert server.finds_by_id_index("docs")
    finally:
        server.close()
    # stock FerretDB's answer for the same find, and answers that say nothing
    table = plan[0].split("detail=SEARCH ")[1].split()[0]
    assert not plan_uses_index([f"id=2 parent=0 notused=0 detail=SCAN {table}"])
    assert not plan_uses_index([]) and not plan_uses_index(None)
    # the same answers as before the fix
    assert db.docs.replace_one({"_id": "42"}, {"v": -1}).modified_count == 1
    assert db.docs.delete_one({"_id": "7"}).deleted_count == 1
    assert db.docs.find_one({"_id": "42"}) == {"_id": "42", "v": -1}
    assert db.docs.find_one({"_id": "7"}) is None and db.docs.count_documents({}) == 99
    assert db.docs.count_documents({"_id": {"$in": ["1", "7", "42", "x"]}}) == 2
