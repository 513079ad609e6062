"""One writer at a time per folder: an exclusive ``flock`` on a lock file, held for a block and
released by the kernel when the process dies (no stale lock to clean up)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

__all__ = ["held"]


@contextlib.contextmanager
def held(path: Path, busy: Exception) -> Iterator[None]:
    """Hold the lock file ``path`` (created when missing) for the block; raise ``busy`` (from
    the OS error) at once when another process holds it."""
    handle = open(path, "w")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise busy from exc
        yield
    finally:
        handle.close()
