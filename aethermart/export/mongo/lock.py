"""One exporter per collection at a time: a lock document per collection in
``_aethermart_locks`` (same database), with a lease the holder renews while it works.

    {_id: <collection>, token, host, pid, run_id, acquired_at, expires_at, swap}

The lock is taken by inserting the document (``_id`` is unique) and released by deleting it.
A lock whose lease ran out, or whose holder was a process on this host that no longer
exists (a SIGKILLed exporter), is taken over with a compare-and-set on its token. ``swap``
is the journal of a collection swap in progress (see publish.py): whoever takes over a
lock left with a journal finishes or undoes that swap first. No TTL index (FerretDB has
none, and an expired lock must stay readable for its journal).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from aethermart.export.errors import PublishError

__all__ = ["LOCKS_COLLECTION", "CollectionLock", "LockedError", "acquire"]

LOCKS_COLLECTION = "_aethermart_locks"
LEASE_SECONDS = float(os.environ.get("AETHERMART_EXPORT_LOCK_LEASE", "120"))


class LockedError(PublishError):
    """Another exporter holds the collection's lock; running again later can help."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # BSON dates are UTC; pymongo returns naive


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class CollectionLock:
    db: object = field(repr=False)  # pymongo Database
    collection: str
    token: str
    run_id: str
    stale_swap: dict | None = None  # the journal left by a holder that died mid-swap
    swap: dict | None = None  # this run's journal, while it swaps
    _renewed: float = field(default_factory=time.monotonic, repr=False)

    @property
    def _locks(self):
        return self.db[LOCKS_COLLECTION]

    def _update(self, changes: dict) -> None:
        result = self._locks.update_one({"_id": self.collection, "token": self.token}, changes)
        if result.matched_count != 1:
            raise LockedError(
                f"collection {self.collection}: lost the export lock (another exporter "
                "took it over after the lease ran out); run again"
            )

    def renew(self, force: bool = False) -> None:
        """Extend the lease; cheap to call often (writes at most every lease/4 seconds)."""
        if force or time.monotonic() - self._renewed > LEASE_SECONDS / 4:
            self._update({"$set": {"expires_at": _now() + timedelta(seconds=LEASE_SECONDS)}})
            self._renewed = time.monotonic()

    def journal(self, swap: dict | None) -> None:
        """Record (or clear, with None) the swap in progress, and renew the lease."""
        self._update({"$set": {"swap": swap, "expires_at": _now() + timedelta(seconds=LEASE_SECONDS)}})
        self.swap = swap
        self._renewed = time.monotonic()

    @property
    def swapping(self) -> bool:
        return self.swap is not None

    def release(self) -> None:
        """Delete the lock; a lock whose swap failed half-way is kept, expired, with its journal,
        so that the next run (which may take it over at once) finishes or undoes the swap."""
        try:
            if self.swap is None:
                self._locks.delete_one({"_id": self.collection, "token": self.token})
            else:
                self._locks.update_one(
                    {"_id": self.collection, "token": self.token}, {"$set": {"expires_at": _now()}}
                )
        except Exception:  # the server is gone; the lease runs out by itself
            pass


def acquire(db, collection: str, run_id: str) -> CollectionLock:
    """Take the collection's lock, or raise LockedError naming the holder."""
    locks = db[LOCKS_COLLECTION]
    host, pid = socket.gethostname(), os.getpid()
    for _ in range(5):
        now = _now()
        token = uuid.uuid4().hex
        mine = {
            "token": token,
            "host": host,
            "pid": pid,
            "run_id": run_id,
            "acquired_at": now,
            "expires_at": now + timedelta(seconds=LEASE_SECONDS),
        }
        try:
            locks.insert_one({"_id": collection, **mine, "swap": None})
            return CollectionLock(db, collection, token, run_id)
        except DuplicateKeyError:
            pass
        held = locks.find_one({"_id": collection})
        if held is None:
            continue  # released in between: try again
        dead = held.get("host") == host and not _pid_alive(int(held.get("pid", 0)))
        expired = held.get("expires_at") is None or held["expires_at"] <= now
        if not (dead or expired):
            raise LockedError(
                f"collection {collection} is being exported by pid {held.get('pid')} on "
                f"{held.get('host')} (run {held.get('run_id')}, since {held.get('acquired_at')} UTC); "
                "try again when it has finished. If that process is gone, its lease ends at "
                f"{held['expires_at']:%Y-%m-%d %H:%M:%S} UTC and the next run takes over"
            )
        taken = locks.find_one_and_update({"_id": collection, "token": held.get("token")}, {"$set": mine})
        if taken is not None:
            return CollectionLock(db, collection, token, run_id, stale_swap=held.get("swap"))
    raise LockedError(
        f"collection {collection}: could not take the export lock (other exporters keep taking it); try again"
    )
