"""`aethermart mongo-roles`: least-privilege MongoDB roles for the export database.

Two roles, both limited to the export database (the URI's path, default ``aethermart``):

- the writer role for ``aethermart export --target mongodb``: exactly the actions the
  exporter's calls need (``WRITER_ACTIONS``; tests/test_mongo_roles.py checks them against
  the calls in aethermart/export/mongo/), on that database's collections only;
- the reader role for applications: find and the listings, nothing that writes.

The command prints a mongosh script (or, with ``--json``, the ``createRole`` command
documents); ``--apply`` runs createRole (updateRole when the role exists) on the server of
the URI. Users are never created here: the printed ``createUser`` lines prompt for a
password in mongosh, so no password passes through this tool.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aethermart.errors import ConfigError, SourceError

if TYPE_CHECKING:
    from aethermart.export.mongo.config import MongoURI

__all__ = [
    "CALL_ACTIONS",
    "READER_ACTIONS",
    "WRITER_ACTIONS",
    "apply_roles",
    "render_mongosh",
    "role_commands",
]

# pymongo call (method, or the command name of db.command / admin.command) -> the actions
# MongoDB checks for it. The union over the calls the exporter makes is WRITER_ACTIONS.
CALL_ACTIONS: dict[str, tuple[str, ...]] = {
    "find": ("find",),
    "find_one": ("find",),
    "count_documents": ("find",),  # an aggregate ($match, $group)
    "aggregate": (
        "find",
        "insert",
        "remove",
        "createCollection",
        "createIndex",
        "dropCollection",
    ),  # with {$out: C}: reads the source, replaces C
    "insert_one": ("insert", "createCollection"),  # a first insert creates the collection
    "insert_many": ("insert", "createCollection"),
    "update_one": ("update",),
    "replace_one": ("insert", "update"),  # the export marks: upsert=True inserts a first one
    "find_one_and_update": ("find", "update"),
    "delete_one": ("remove",),
    "delete_many": ("remove",),  # FerretDB's delete-and-insert batches
    "bulk_write": ("insert", "update", "remove"),  # ReplaceOne/UpdateOne/DeleteOne/InsertOne
    "create_indexes": ("createIndex",),
    "drop_index": ("dropIndex",),
    "index_information": ("listIndexes",),
    "list_collection_names": ("listCollections",),
    "drop_collection": ("dropCollection",),
    "renameCollection": ("renameCollectionSameDB", "dropCollection"),  # dropTarget drops the target
    "collStats": ("collStats",),
    "explain": ("find",),  # of a find (FerretDB only: does a lookup by _id read the index?)
    "buildInfo": (),  # needs no privilege
    "get_collection": (),  # client-side only
    "close": (),
}

WRITER_ACTIONS: tuple[str, ...] = tuple(sorted({a for actions in CALL_ACTIONS.values() for a in actions}))
READER_ACTIONS: tuple[str, ...] = ("collStats", "dbStats", "find", "listCollections", "listIndexes")

WRITER_ROLE = "aethermartExporter"
READER_ROLE = "aethermartReader"


def role_commands(
    database: str, writer_role: str = WRITER_ROLE, reader_role: str = READER_ROLE
) -> list[dict]:
    """The createRole command documents (run in ``database``) of both roles."""
    resource = {"db": database, "collection": ""}  # every collection of this database, no other
    return [
        {
            "createRole": writer_role,
            "roles": [],
            "privileges": [{"resource": resource, "actions": list(WRITER_ACTIONS)}],
        },
        {
            "createRole": reader_role,
            "roles": [],
            "privileges": [{"resource": resource, "actions": list(READER_ACTIONS)}],
        },
    ]


def render_mongosh(
    database: str,
    writer_role: str = WRITER_ROLE,
    reader_role: str = READER_ROLE,
    writer_user: str = "aethermart_export",
    reader_user: str = "aethermart_app",
) -> str:
    """A mongosh script: both roles, then one user per role (mongosh prompts for each password)."""
    lines = [
        f"// AetherMart: least-privilege roles on the export database {database!r}",
        f"const exportDb = db.getSiblingDB({json.dumps(database)});",
    ]
    for command, what in zip(
        role_commands(database, writer_role, reader_role),
        ("writer: `aethermart export --target mongodb`, this database only", "read-only, for applications"),
        strict=True,
    ):
        lines += [
            f"// {command['createRole']}: {what}",
            f"exportDb.runCommand({json.dumps(command, indent=2)});",
        ]
    lines.append("// users (run once; mongosh asks for each password, which never appears in a file)")
    for user, role in ((writer_user, writer_role), (reader_user, reader_role)):
        lines.append(
            f"exportDb.createUser({{user: {json.dumps(user)}, pwd: passwordPrompt(), "
            f"roles: [{{role: {json.dumps(role)}, db: {json.dumps(database)}}}]}});"
        )
    lines.append(f"// connect as: mongodb://{writer_user}:<password>@<host>/{database}?authSource={database}")
    return "\n".join(lines)


ROLE_NOT_FOUND_CODES = {59, 115}  # CommandNotFound, CommandNotSupported
DUPLICATE_ROLE_CODES = {11000, 51002}  # "Role ... already exists"


def apply_roles(uri: MongoURI, writer_role: str = WRITER_ROLE, reader_role: str = READER_ROLE) -> list[str]:
    """Create (or bring up to date) both roles on the server; returns one line per role."""
    from pymongo.errors import OperationFailure, PyMongoError

    from aethermart.export.mongo.config import connect

    server = connect(uri, app_name="aethermart-mongo-roles")
    done = []
    try:
        for command in role_commands(uri.database, writer_role, reader_role):
            name = command["createRole"]
            try:
                try:
                    server.db.command(command)
                    done.append(f"created role {name} on database {uri.database}")
                except OperationFailure as exc:
                    if exc.code not in DUPLICATE_ROLE_CODES and "already exists" not in str(exc):
                        raise
                    update = {"updateRole": name, **{k: v for k, v in command.items() if k != "createRole"}}
                    server.db.command(update)
                    done.append(f"updated role {name} on database {uri.database} (it existed)")
            except OperationFailure as exc:
                if exc.code in ROLE_NOT_FOUND_CODES:
                    raise ConfigError(
                        f"{server.name} at {uri.redacted()} does not support roles (no "
                        "createRole command); nothing was created. Run `aethermart "
                        "mongo-roles` and apply its commands on a MongoDB server"
                    ) from uri.cause(exc)
                if exc.code == 13:
                    raise SourceError(
                        f"MongoDB at {uri.redacted()} refused createRole for {uri.who}: it needs "
                        f"createRole and grantRole on database {uri.database} "
                        "(e.g. userAdmin)"
                    ) from uri.cause(exc)
                text = uri.scrub(" ".join(str(exc).split(", full error:")[0].split()))
                raise _role_failed(uri, name, text) from uri.cause(exc)
            except PyMongoError as exc:
                text = uri.scrub(" ".join(str(exc).split()))[:300]
                raise _role_failed(uri, name, text) from uri.cause(exc)
    finally:
        server.close()
    return done


def _role_failed(uri: MongoURI, name: str, text: str) -> SourceError:
    return SourceError(f"MongoDB at {uri.redacted()}: role {name} failed: {text}")
