"""`aethermart mongo-roles`: the writer role holds exactly the actions of the exporter's calls,
the reader role only reads, and `--apply` on a server without roles (FerretDB 1.24) says so
in one line."""

from __future__ import annotations

import ast
import json

import pymongo.collection
import pymongo.database
import pymongo.mongo_client

from aethermart.mongo_roles import CALL_ACTIONS, READER_ACTIONS, WRITER_ACTIONS
from tests.conftest import REPO, run_cli

# the exporter's modules (tools/mongo_demo.py only drives a demo and is not the exporter)
EXPORTER_MODULES = sorted((REPO / "aethermart" / "export" / "mongo").glob("*.py"))


def _pymongo_calls() -> dict[str, set[str]]:
    """pymongo methods called in the exporter (and the names of `.command("...")` commands)."""
    methods = {
        name
        for cls in (
            pymongo.collection.Collection,
            pymongo.database.Database,
            pymongo.mongo_client.MongoClient,
        )
        for name in dir(cls)
        if not name.startswith("_") and callable(getattr(cls, name, None))
    }
    calls: dict[str, set[str]] = {}
    for path in EXPORTER_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "command" and node.args and isinstance(node.args[0], ast.Constant):
                calls.setdefault(node.args[0].value, set()).add(path.name)
            elif name in methods:
                calls.setdefault(name, set()).add(path.name)
    return calls


def test_the_writer_role_has_exactly_the_actions_of_the_exporters_calls():
    calls = _pymongo_calls()
    assert {"insert_many", "bulk_write", "renameCollection", "create_indexes"} <= set(calls)
    unmapped = {name: files for name, files in calls.items() if name not in CALL_ACTIONS}
    assert not unmapped, f"exporter calls without an entry in CALL_ACTIONS (mongo_roles.py): {unmapped}"
    unused = set(CALL_ACTIONS) - set(calls)
    assert not unused, f"CALL_ACTIONS grants for calls the exporter no longer makes: {unused}"
    needed = sorted({action for name in calls for action in CALL_ACTIONS[name]})
    assert list(WRITER_ACTIONS) == needed

    proc = run_cli("mongo-roles", "--json", "--mongodb-uri", "mongodb://h:27017/shop_42", check=True)
    printed = json.loads(proc.stdout)
    assert printed["database"] == "shop_42"
    writer, reader = printed["commands"]
    assert writer["createRole"] == "aethermartExporter" and reader["createRole"] == "aethermartReader"
    for role in (writer, reader):  # the export database only, no inherited roles
        assert role["roles"] == []
        assert [p["resource"] for p in role["privileges"]] == [{"db": "shop_42", "collection": ""}]
    assert writer["privileges"][0]["actions"] == needed
    assert reader["privileges"][0]["actions"] == list(READER_ACTIONS)
    writes = {
        "insert",
        "update",
        "remove",
        "createCollection",
        "createIndex",
        "dropIndex",
        "dropCollection",
        "renameCollectionSameDB",
    }
    assert not writes & set(READER_ACTIONS)


def test_the_mongosh_script_creates_both_roles_and_prompts_for_passwords():
    env = {"MONGODB_URI": "mongodb://admin:s3cret@h:27017/aethermart"}
    proc = run_cli("mongo-roles", env=env, check=True)
    script = proc.stdout
    assert 'db.getSiblingDB("aethermart")' in script
    assert script.count("runCommand(") == 2 and script.count("createUser(") == 2
    assert script.count("passwordPrompt()") == 2
    assert "s3cret" not in script + proc.stderr
    for action in WRITER_ACTIONS:
        assert f'"{action}"' in script


def test_apply_on_a_server_without_roles_says_so_in_one_line(ferretdb_server):
    uri = ferretdb_server.uri.rstrip("/") + "/roles_test"
    proc = run_cli("mongo-roles", "--apply", "--mongodb-uri", uri)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "FerretDB" in lines[0] and "does not support roles" in lines[0]
    assert proc.stdout == ""


def test_apply_without_a_server_and_a_bad_role_name_are_one_line_errors():
    proc = run_cli("mongo-roles", "--apply", env={"MONGODB_URI": ""})
    assert proc.returncode == 2 and "--apply needs a server" in proc.stderr
    proc = run_cli("mongo-roles", "--writer-role", "bad role!")
    assert proc.returncode == 2 and "role name 'bad role!'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("mongo-roles", "--reader-role", "aethermartExporter")
    assert proc.returncode == 2 and "both 'aethermartExporter'" in proc.stderr
