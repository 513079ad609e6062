"""`make demo`'s last step: export the document models to MongoDB, wherever there is one.

    python -m exporters.mongo_demo [export options...]

1. ``MONGODB_URI`` is set: export there.
2. else a FerretDB started by `make services` is running: export to it.
3. else the FerretDB binary is built (`make ferretdb`): start it on data/services/ferretdb
   (the folder `make services` uses, so the collections are there when it starts), export,
   stop it.
4. else say how to get a server, and exit 0 (the demo does not need one).
"""

from __future__ import annotations

import json
import os
import sys

from aethermart.errors import ServiceError
from aethermart.redact import redact_uri

__all__ = ["main"]


def _running_services_uri() -> str | None:
    from aethermart.services import STATE

    try:
        ferretdb = json.loads(STATE.read_text()).get("ferretdb") if STATE.exists() else None
        if ferretdb:
            os.kill(int(ferretdb["pid"]), 0)
    except (ValueError, KeyError, OSError):
        return None
    return ferretdb["url"] if ferretdb else None


def main(argv: list[str] | None = None) -> int:
    from aethermart.cli import main as cli

    args = ["export", "--target", "mongodb", *(argv if argv is not None else sys.argv[1:])]
    if os.environ.get("MONGODB_URI"):
        return cli(args)
    uri = _running_services_uri()
    if uri:
        print(f"demo: exporting to the FerretDB of `make services` ({redact_uri(uri)})", file=sys.stderr)
        return cli([*args, "--mongodb-uri", f"{uri}aethermart"])
    from aethermart.local_ferretdb import LocalFerretDB, find_ferretdb_binary
    from aethermart.services import BASE

    try:
        find_ferretdb_binary()
    except ServiceError:
        print("demo: MongoDB export skipped: set MONGODB_URI=mongodb://user:password@host:port/db, or "
              "build the local test server with `make ferretdb` (needs Go) and run `make demo` again",
              file=sys.stderr)
        return 0
    with LocalFerretDB(BASE.resolve() / "ferretdb") as server:
        print(f"demo: exporting to a local FerretDB ({redact_uri(server.uri)}, data in "
              f"{server.base / 'data'}); `make services` serves it again", file=sys.stderr)
        return cli([*args, "--mongodb-uri", f"{server.uri}aethermart"])


if __name__ == "__main__":
    sys.exit(main())
