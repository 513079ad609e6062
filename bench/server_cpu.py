"""CPU seconds of a local database server, for benchmarks whose work runs in the server.

A baseline that does its cleaning in MariaDB (or its writes in FerretDB) spends little CPU
in its own process: the time a stage costs is mostly the server's. On Linux a server
listening on a local TCP port is found through ``/proc`` (the listening socket's inode,
then the process holding it), and its user + system CPU time (all threads) is read from
``/proc/<pid>/stat``. Anything not local, not Linux or not permitted gives ``None``, and
callers report the server time as unknown rather than as zero.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ServerCPU", "listening_pid", "process_cpu_seconds"]

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
_TCP_LISTEN = "0A"


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _TCP_LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def listening_pid(host: str, port: int) -> int | None:
    """The pid of the process listening on local ``host:port``; None when unknown."""
    if host not in _LOCAL_HOSTS:
        return None
    targets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not targets:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in targets:
                    return int(proc.name)
        except OSError:  # gone, or not ours to read
            continue
    return None


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads); None when unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


class ServerCPU:
    """CPU seconds a local server spent since the last ``lap()``; None when it cannot be read."""

    def __init__(self, host: str, port: int) -> None:
        self.pid = listening_pid(host, port)
        self._last = process_cpu_seconds(self.pid) if self.pid else None

    def lap(self) -> float | None:
        if self.pid is None or self._last is None:
            return None
        now = process_cpu_seconds(self.pid)
        if now is None:
            return None
        spent, self._last = now - self._last, now
        return round(spent, 3)
