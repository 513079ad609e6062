"""`make demo`'s MongoDB step: export the document models wherever there is a server, and
show what landed.

    python -m tools.mongo_demo [--summary FILE] [--keep-server] [export options...]

1. ``MONGODB_URI`` is set: export there; nothing is started.
2. else a FerretDB started by `make services` is running: export to it.
3. else the FerretDB binary is built (`make demo` runs `make ferretdb` when Go is there):
   start it privately on data/services/ferretdb (the folder `make services` uses, so the
   collections are there when it starts), export, and stop it, unless ``--keep-server``
   (`make demo KEEP_SERVICES=1`): then it keeps running, `make services-stop` stops it, and
   the ``export MONGODB_URI=...`` line is printed.
4. else say in one line how to get a server, and exit 0 (the rest of the demo needs none).

After an export it prints each collection's document count, read back from the server,
and one customer profile as pretty JSON (contact data masked and hashed, as gold has it).
``--summary FILE`` receives the demo's closing "Outputs" line for MongoDB; the file is
removed first and written only when the collections were exported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from aethermart import settings
from aethermart.errors import AetherMartError
from aethermart.redact import redact_uri

__all__ = ["main", "show_collections"]

PROFILE_MODEL = "doc_customer_profiles"
SHOWN_LIST_ITEMS = 3  # the printed profile shows this many entries of each list


def _running_services_uri() -> str | None:
    from tools.services import STATE

    try:
        ferretdb = json.loads(STATE.read_text()).get("ferretdb") if STATE.exists() else None
        if ferretdb:
            os.kill(int(ferretdb["pid"]), 0)
    except (ValueError, KeyError, OSError):
        return None
    return ferretdb["url"] if ferretdb else None


def _shortened(value, depth: int = 0):
    """The document as printed: lists cut to their first entries, with how many were left out."""
    if isinstance(value, dict):
        return {k: _shortened(v, depth + 1) for k, v in value.items()}
    if isinstance(value, datetime):  # BSON dates: gold's dates are midnight UTC
        stamp = value.replace(tzinfo=None)
        return (
            stamp.date().isoformat()
            if stamp == datetime(stamp.year, stamp.month, stamp.day)
            else stamp.isoformat(timespec="milliseconds") + "Z"
        )
    if isinstance(value, list):
        shown = [_shortened(v, depth + 1) for v in value[:SHOWN_LIST_ITEMS]]
        if len(value) > SHOWN_LIST_ITEMS:
            shown.append(f"... {len(value) - SHOWN_LIST_ITEMS} more")
        return shown
    return value


def show_collections(uri: str, manifest: Path) -> dict[str, int]:
    """Print each exported collection's document count (read back from the server) and one
    customer profile; return the counts by collection."""
    from bson import json_util

    from aethermart.export.manifest import read_manifest
    from aethermart.export.mongo.config import MongoURI, connect

    specs = read_manifest(manifest).for_target("mongodb")
    server = connect(MongoURI.parse(uri), app_name="aethermart-demo")
    try:
        counts = {
            spec.mongodb.collection: server.db[spec.mongodb.collection].count_documents({}) for spec in specs
        }
        width = max((len(name) for name in counts), default=0)
        print(f"MongoDB: database {server.uri.database} on {server.name} ({server.uri.redacted()})")
        for name, count in counts.items():
            print(f"  {name:<{width}}  {count:>7,} documents")
        profiles = next((s.mongodb.collection for s in specs if s.model == PROFILE_MODEL), None)
        if profiles:
            doc = next(
                filter(
                    None,
                    (
                        server.db[profiles].find_one(query, sort=[("_id", 1)])
                        for query in (
                            {
                                "channels.has_online_account": True,
                                "channels.has_store_account": True,
                                "identity.phone_masked": {"$ne": None},
                            },  # a customer of both channels, merged
                            {"identity.email_masked": {"$ne": None}},
                            {},
                        )
                    ),
                ),
                None,
            )
            if doc is not None:
                print(
                    f"\nOne document of {profiles} (contact data masked and hashed as in gold; "
                    f"lists cut to {SHOWN_LIST_ITEMS} entries):"
                )
                print(
                    json_util.dumps(
                        _shortened(doc),
                        indent=2,
                        ensure_ascii=False,
                        json_options=json_util.RELAXED_JSON_OPTIONS,
                    )
                )
        return counts
    finally:
        server.close()


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m tools.mongo_demo", add_help=True)
    parser.add_argument("--summary", type=Path, help="file that receives the Outputs line for MongoDB")
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="leave a FerretDB this step starts running (make services-stop stops it)",
    )
    parser.add_argument("--manifest", type=Path, default=settings.manifest_path())
    return parser.parse_known_args(argv)


def _export_and_show(args, export_args: list[str], uri: str, where: str) -> int:
    from aethermart.cli import main as cli

    code = cli([*export_args, "--mongodb-uri", uri, "--manifest", str(args.manifest)])
    if code != 0:
        return code
    from pymongo.errors import PyMongoError

    try:
        counts = show_collections(uri, args.manifest)
    except (AetherMartError, PyMongoError) as exc:
        print(f"demo: error: reading the collections back: {exc}", file=sys.stderr)
        return 1
    if args.summary:
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(f"{len(counts)} collections in {where}\n")
    return 0


def _keep(server) -> None:
    """Hand a started FerretDB over to `make services` (its state file), so it is found and stopped there."""
    from tools.services import STATE

    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    state["ferretdb"] = {"pid": server.pid, "url": server.uri, "datadir": str(server.base / "data")}
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    args, rest = _parse(sys.argv[1:] if argv is None else argv)
    if args.summary:
        args.summary.unlink(missing_ok=True)
    export_args = ["export", "--target", "mongodb", *rest]
    env_uri = os.environ.get("MONGODB_URI")
    if env_uri:
        return _export_and_show(
            args, export_args, env_uri, f"the database of $MONGODB_URI ({redact_uri(env_uri)})"
        )
    uri = _running_services_uri()
    if uri:
        print(f"demo: exporting to the FerretDB of `make services` ({redact_uri(uri)})", file=sys.stderr)
        return _export_and_show(
            args, export_args, f"{uri}aethermart", f"aethermart on the FerretDB of `make services` ({uri})"
        )
    from aethermart.errors import ServiceError
    from tools.local_ferretdb import LocalFerretDB, find_ferretdb_binary
    from tools.services import BASE

    try:
        find_ferretdb_binary()
    except ServiceError:
        print(
            "demo: MongoDB export skipped: no server; set MONGODB_URI=mongodb://user:password@host:port/db,"
            " or install Go >= 1.24 (https://go.dev/dl/) and run `make demo` again (it builds a local "
            "MongoDB-compatible server, `make ferretdb`)",
            file=sys.stderr,
        )
        return 0
    server = LocalFerretDB(BASE.resolve() / "ferretdb")
    try:
        server.start()
    except ServiceError as exc:
        print(f"demo: error: {exc}", file=sys.stderr)
        return 1
    kept = False
    try:
        print(
            f"demo: started a private FerretDB ({server.uri}, data in {server.base / 'data'})",
            file=sys.stderr,
        )
        if args.keep_server:
            _keep(server)
            kept = True
        data = server.base / "data"
        where = (
            f"aethermart on the FerretDB at {server.uri} (still running: `make services-stop` stops it)"
            if kept
            else f"aethermart in {data} (server stopped; `make services` or "
            "`make demo KEEP_SERVICES=1` serves it)"
        )
        code = _export_and_show(args, export_args, f"{server.uri}aethermart", where)
    finally:
        if not kept:
            server.stop()
            print(
                "demo: stopped the FerretDB it started (keep it with `make demo KEEP_SERVICES=1`)",
                file=sys.stderr,
            )
    if kept:
        print(f"export MONGODB_URI='{server.uri}aethermart'")
        print(
            f"demo: FerretDB keeps running (pid {server.pid}); use the line above, stop it with "
            "`make services-stop`",
            file=sys.stderr,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
