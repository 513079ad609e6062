"""`make services` / `make services-stop`: local test servers for manual use.

Starts a private MariaDB (own datadir, socket and port under data/services/, never a
system service) and, when `make ferretdb` has built it, a private FerretDB (MongoDB wire
protocol on SQLite) in the background, and prints the shell lines to use them.

    python -m tools.services start|stop|status
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from aethermart.errors import AetherMartError, ServiceError
from aethermart.redact import redact_uri
from tools.local_ferretdb import LocalFerretDB, find_ferretdb_binary
from tools.local_mariadb import LocalMariaDB

__all__ = ["main"]

BASE = Path(os.environ.get("AETHERMART_SERVICES_DIR", "data/services"))
STATE = BASE / "services.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _state() -> dict:
    return json.loads(STATE.read_text()) if STATE.exists() else {}


_NAMES = {"mariadb": "MariaDB", "ferretdb": "FerretDB"}


def _started(state: dict, service: str, pid: int, url: str, base: Path) -> dict:
    """Record a server just started in the state file, and say so."""
    state[service] = {"pid": pid, "url": url, "datadir": str(base / "data")}
    STATE.write_text(json.dumps(state, indent=2) + "\n")
    print(f"services: {_NAMES[service]} started (pid {pid}, data in {base})", file=sys.stderr)
    return state[service]


def start() -> None:
    state = _state()
    mariadb = state.get("mariadb")
    if not (mariadb and _alive(mariadb["pid"])):
        server = LocalMariaDB(BASE.resolve() / "mariadb").start()
        pid = int((server.base / "mariadb.pid").read_text().strip())
        mariadb = _started(state, "mariadb", pid, server.url, server.base)
    else:
        print(f"services: MariaDB already running (pid {mariadb['pid']})", file=sys.stderr)
    print(f"export MARIADB_URL='{mariadb['url']}'")
    print(
        "# then: export AETHERMART_LANDING=$PWD/data/landing; aethermart generate --sources pos,events "
        '--mariadb-url "$MARIADB_URL" && aethermart extract && dbt build',
        file=sys.stderr,
    )
    _start_ferretdb(state)


def _start_ferretdb(state: dict) -> None:
    ferretdb = state.get("ferretdb")
    if not (ferretdb and _alive(ferretdb["pid"])):
        try:
            find_ferretdb_binary()
        except ServiceError as exc:
            print(f"services: FerretDB not started: {exc}", file=sys.stderr)
            return
        server = LocalFerretDB(BASE.resolve() / "ferretdb").start()
        ferretdb = _started(state, "ferretdb", server.pid, server.uri, server.base)
    else:
        print(f"services: FerretDB already running (pid {ferretdb['pid']})", file=sys.stderr)
    print(f"export MONGODB_URI='{ferretdb['url']}'")


def stop() -> None:
    state = _state()
    for name, service in list(state.items()):
        pid = service["pid"]
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
            for _ in range(300):
                if not _alive(pid):
                    break
                time.sleep(0.1)
            print(f"services: {name} stopped (pid {pid})", file=sys.stderr)
        del state[name]
    STATE.write_text(json.dumps(state, indent=2) + "\n")
    print("services: nothing is running now", file=sys.stderr)


def status() -> None:
    for name, service in _state().items():
        running = "running" if _alive(service["pid"]) else "not running"
        print(f"{name}: {running} (pid {service['pid']}) {redact_uri(service['url'])}")


def main(argv: list[str] | None = None) -> int:
    command = (argv or sys.argv[1:] or ["status"])[0]
    actions = {"start": start, "stop": stop, "status": status}
    if command not in actions:
        print(f"usage: python -m tools.services {'|'.join(actions)}", file=sys.stderr)
        return 2
    BASE.mkdir(parents=True, exist_ok=True)
    try:
        actions[command]()
    except AetherMartError as exc:
        print(f"services: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
