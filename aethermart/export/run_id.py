"""The id of one `aethermart export` run, minted once (aethermart/export/run.py) and recorded by
every target of the run: the Parquet version folder and each ``_manifest.json``, the MongoDB
staging/keep collection names, the collection lock, the export mark and the ledger.

    20261202T001500Z_6f1c0e8a2b3d4c5e9a7b1c2d3e4f5a6b
    ^ UTC start, later than every Parquet version already under the output folder
                     ^ uuid4: two runs (other hosts, the same second) never share an id

Ids sort by time: the timestamp is unique under a Parquet output folder (it is moved past
the newest version there), so retention's "newest" is the last name. Versions published by
earlier releases are the bare timestamp; ``RUN_ID`` matches both.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["RUN_ID", "new_run_id", "run_id_before", "run_id_time"]

RUN_ID = re.compile(r"^\d{8}T\d{6}Z(_[0-9a-f]{32})?$")
_STAMP = "%Y%m%dT%H%M%SZ"
_VERSIONS = ".versions"  # aethermart/export/parquet/layout.VERSIONS (which imports this module)


def run_id_time(run_id: str) -> datetime:
    """The UTC second a run id names."""
    return datetime.strptime(run_id[:16], _STAMP).replace(tzinfo=UTC)


def _mint(when: datetime) -> str:
    return f"{when.strftime(_STAMP)}_{uuid.uuid4().hex}"


def new_run_id(parquet_out: Path | None = None) -> str:
    """A new run id: now (UTC), and when the run publishes Parquet into ``parquet_out``, at
    least two seconds after every version there (those of the per-dataset layout included),
    so that ``run_id_before`` leaves room for a layout upgrade's version."""
    now = datetime.now(UTC).replace(microsecond=0)
    if parquet_out is not None:
        versions = parquet_out / _VERSIONS
        existing = sorted(
            p.name for p in [*versions.glob("*"), *versions.glob("*/*")] if RUN_ID.match(p.name)
        )
        if existing:
            now = max(now, run_id_time(existing[-1]) + timedelta(seconds=2))
    return _mint(now)


def run_id_before(run_id: str) -> str:
    """An id one second before ``run_id`` (a new uuid): the version a Parquet layout upgrade
    publishes just before the run's own, still after every older version (``new_run_id``)."""
    return _mint(run_id_time(run_id) - timedelta(seconds=1))
