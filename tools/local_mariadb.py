"""A private MariaDB server for tests and local use: own datadir, socket and port.

Never touches a system-wide service or its configuration (``--no-defaults``). Needs the
``mariadb-server`` package (``mariadbd`` and ``mariadb-install-db`` on PATH or in
/usr/sbin); ``make test-deps`` installs it on Debian.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from aethermart.errors import SourceError

__all__ = ["LocalMariaDB", "find_mariadb_binaries"]

_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with the terminating NUL
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/bin")
_INSTALL_HINT = (
    "install it with `make test-deps` (Debian: apt-get install mariadb-server), "
    "or point MARIADB_URL at a server of your own"
)


def find_mariadb_binaries() -> tuple[str, str, str]:
    """Paths of mariadbd, mariadb-install-db and the mariadb client, or a SourceError."""
    path = os.pathsep.join([os.environ.get("PATH", ""), *_SBIN])
    found = [shutil.which(name, path=path) for name in ("mariadbd", "mariadb-install-db", "mariadb")]
    if not all(found):
        raise SourceError(f"MariaDB server binaries not found; {_INSTALL_HINT}")
    return found[0], found[1], found[2]  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalMariaDB:
    """``with LocalMariaDB(base) as server: server.url`` — started and stopped with the block."""

    base: Path
    database: str = "aethermart"
    user: str = "aethermart"
    password: str = field(default="aethermart-local", repr=False)
    port: int = 0
    _proc: subprocess.Popen | None = field(default=None, init=False, repr=False)

    @property
    def socket(self) -> Path:
        """``<base>/mariadb.sock``, or a short name in the temp folder when that path is longer
        than a Unix socket path may be (107 bytes: a deep pytest or bench work folder)."""
        path = self.base / "mariadb.sock"
        if len(os.fsencode(path)) <= _SOCKET_PATH_MAX:
            return path
        digest = hashlib.sha256(os.fsencode(self.base.resolve())).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"aethermart-mariadb-{digest}.sock"

    @property
    def url(self) -> str:
        return f"mysql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def start(self, timeout: float = 60) -> LocalMariaDB:
        mariadbd, install_db, client = find_mariadb_binaries()
        self.base.mkdir(parents=True, exist_ok=True)
        datadir = self.base / "data"
        if not (datadir / "mysql").exists():
            subprocess.run(
                [
                    install_db,
                    "--no-defaults",
                    f"--datadir={datadir}",
                    "--user=root",
                    "--skip-test-db",
                    "--auth-root-authentication-method=socket",
                ],
                check=True,
                capture_output=True,
            )
        self.port = self.port or _free_port()
        self._proc = subprocess.Popen(
            [
                mariadbd,
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                "--user=root",
                f"--pid-file={self.base / 'mariadb.pid'}",
                f"--log-error={self.base / 'error.log'}",
                "--skip-log-bin",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=128M",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--local-infile=1",
                "--max-allowed-packet=64M",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._ready(client):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = self.base / "error.log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                self.stop()
                raise SourceError(f"private MariaDB did not start under {self.base}:\n{tail}")
            time.sleep(0.2)
        sql = (
            f"CREATE DATABASE IF NOT EXISTS `{self.database}`; "
            f"CREATE USER IF NOT EXISTS '{self.user}'@'%' IDENTIFIED BY '{self.password}'; "
            f"GRANT ALL ON *.* TO '{self.user}'@'%'; FLUSH PRIVILEGES;"
        )
        subprocess.run(
            [client, "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", sql],
            check=True,
            capture_output=True,
        )
        return self

    def _ready(self, client: str) -> bool:
        if not self.socket.exists():
            return False
        probe = subprocess.run(
            [client, "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", "select 1"],
            capture_output=True,
        )
        return probe.returncode == 0

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> LocalMariaDB:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
