"""A private MongoDB-compatible server (FerretDB on SQLite) for tests and local use.

Runs the project's own build of FerretDB, ``.cache/ferretdb/aethermart-ferretdb`` (``make
ferretdb`` builds it from ``tools/ferretdb/`` with Go and the Go module proxy, with the fix
of ``tools/ferretdb/id_index_fix.sh``), on a free port of 127.0.0.1 with its own data
directory. No system service, no authentication.

FerretDB is not MongoDB: ``renameCollection`` rejects ``dropTarget: true``, and a
Decimal128 or NaN value drops the client's connection. ``tests/test_ferretdb.py`` records
what this version does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from aethermart.errors import ServiceError

__all__ = ["LocalFerretDB", "find_ferretdb_binary"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BINARY = REPO / ".cache" / "ferretdb" / "aethermart-ferretdb"
# the same server without tools/ferretdb/id_index_fix.sh: its lookups by _id scan the table, as
# stock FerretDB 1.24.2's do (the tests of the exporter's path for such a server use it)
STOCK_BINARY = REPO / ".cache" / "ferretdb" / "aethermart-ferretdb-stock"


def find_ferretdb_binary(binary: Path | None = None) -> Path:
    """The server binary: ``binary``, else ``AETHERMART_FERRETDB_BIN``, else the default; or a
    ServiceError."""
    binary = Path(binary or os.environ.get("AETHERMART_FERRETDB_BIN") or DEFAULT_BINARY)
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise ServiceError(
            f"FerretDB server binary not found at {binary}; run `make ferretdb` "
            "(needs Go >= 1.24 and the Go module proxy)"
        )
    return binary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalFerretDB:
    """``with LocalFerretDB(base) as server: server.uri`` — started and stopped with the block.

    ``base`` holds ``data/`` (one SQLite file per database) and ``ferretdb.log``.
    """

    base: Path
    port: int = 0
    binary: Path | None = None  # default: find_ferretdb_binary()'s
    _proc: subprocess.Popen | None = field(default=None, init=False, repr=False)

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def log(self) -> Path:
        return self.base / "ferretdb.log"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 30) -> LocalFerretDB:
        binary = find_ferretdb_binary(self.binary)
        self.base = Path(self.base).resolve()
        self.base.mkdir(parents=True, exist_ok=True)
        self.port = self.port or _free_port()
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(
                [str(binary), "--listen", f"127.0.0.1:{self.port}", "--data-dir", str(self.base / "data")],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                why = "exited" if self._proc.poll() is not None else f"did not answer within {timeout:g} s"
                tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
                self.stop()
                raise ServiceError(f"private FerretDB on port {self.port} {why}; see {self.log}:\n{tail}")
            time.sleep(0.1)
        return self

    def _ready(self) -> bool:
        import pymongo  # only the callers that start a server need the driver
        from pymongo.errors import PyMongoError

        try:  # a plain connect first: a refused pymongo attempt costs ~0.5 s of server selection
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
        except OSError:
            return False
        try:
            with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500) as client:
                client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    def stop(self, timeout: float = 15) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> LocalFerretDB:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
