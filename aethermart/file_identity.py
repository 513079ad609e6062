"""When a landed file last changed: the one rule bronze and `aethermart sync` share.

A landed file's identity is its path, size and this time. The modification time alone is not
enough: `cp -p`, `rsync -a` and `touch -r` put it back, so a file they rewrite with the same
size (a corrected digit) would look unchanged. The status-change time (ctime) is set by the
system on every write, rename or metadata change and no tool can set it back; the later of
the two is the time. Standard library only: `aethermart sync` imports it on its fast path.
"""

from __future__ import annotations

import os

__all__ = ["changed_ns"]


def changed_ns(status: os.stat_result) -> int:
    """When the file of `status` last changed, in nanoseconds since the epoch: the later of its
    modification and status-change times."""
    return max(status.st_mtime_ns, status.st_ctime_ns)
