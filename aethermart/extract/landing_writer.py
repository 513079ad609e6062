"""Writing one table's extraction: staging folder, Parquet row groups, manifest, publish.

mariadb/<Table>/.staging-<extraction_id>/   while running (dbt never reads it)
mariadb/<Table>/extraction_id=<id>/          after the rename that publishes it
mariadb/.publishing-<extraction_id>          while a run renames its tables into place
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from aethermart.landing import mariadb_extraction_dir

__all__ = ["TableWriter", "discard_extraction", "prune_extractions", "publish_all", "recover_interrupted"]

STAGING_PREFIX = ".staging-"
PUBLISHING_PREFIX = ".publishing-"


def _staging_dir(landing: Path, table: str, extraction_id: str) -> Path:
    return landing / "mariadb" / table / f"{STAGING_PREFIX}{extraction_id}"


class TableWriter:
    def __init__(self, landing: Path, table: str, extraction_id: str, schema: pa.Schema):
        self.landing = landing
        self.table = table
        self.extraction_id = extraction_id
        self.final = mariadb_extraction_dir(landing, table, extraction_id)
        self.staging = _staging_dir(landing, table, extraction_id)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.part = self.staging / "part-00000.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self.part, schema, compression="zstd")
        self.rows = 0
        self.sha256: str | None = None  # of the finished file

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch, row_group_size=128 * 1024)
        self.rows += batch.num_rows

    def finalize(self, manifest: dict) -> None:
        """Close the file and write the manifest: the staged extraction is now complete."""
        self._writer.close()
        self._writer = None
        with open(self.part, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        self.sha256 = digest
        manifest = {
            **manifest,
            "rows": self.rows,
            "files": [
                {
                    "path": self.part.name,
                    "rows": self.rows,
                    "bytes": self.part.stat().st_size,
                    "sha256": digest,
                }
            ],
        }
        (self.staging / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def publish(self) -> Path:
        self.staging.rename(self.final)
        return self.final

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)


def discard_extraction(landing: Path, extraction_id: str, writers: list[TableWriter]) -> None:
    """Remove everything a failed or interrupted run staged. Globbing for the run's staging
    folders, not only the writers, also catches a folder whose writer was still being built
    when Ctrl-C arrived."""
    for writer in writers:
        writer.abort()
    for path in (landing / "mariadb").glob(f"*/{STAGING_PREFIX}{extraction_id}"):
        shutil.rmtree(path, ignore_errors=True)


def recover_interrupted(landing: Path) -> tuple[list[Path], list[Path]]:
    """Clean up after a killed run (the caller holds the extraction lock).

    A run that died while renaming (its `.publishing-<id>` marker exists) is rolled
    forward: its remaining complete staged tables are published, so the run ends up
    all-or-nothing. Any other staging folder is debris and removed.
    Returns (published, removed).
    """
    published, removed = [], []
    for marker in sorted((landing / "mariadb").glob(f"{PUBLISHING_PREFIX}*")):
        extraction_id = marker.name[len(PUBLISHING_PREFIX) :]
        for table in json.loads(marker.read_text())["tables"]:
            staging = _staging_dir(landing, table, extraction_id)
            if (staging / "_manifest.json").exists():
                final = mariadb_extraction_dir(landing, table, extraction_id)
                staging.rename(final)
                published.append(final)
        marker.unlink()
    for path in sorted((landing / "mariadb").glob(f"*/{STAGING_PREFIX}*")):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return published, removed


def publish_all(landing: Path, writers: list[TableWriter]) -> None:
    """Rename every finalized table into place, under a marker that lets a killed run roll
    forward (see recover_interrupted)."""
    if not writers:
        return
    marker = landing / "mariadb" / f"{PUBLISHING_PREFIX}{writers[0].extraction_id}"
    marker.write_text(json.dumps({"tables": [w.table for w in writers]}) + "\n")
    for writer in writers:
        writer.publish()
    marker.unlink()


def prune_extractions(landing: Path, table: str, keep: int, current: str) -> list[Path]:
    """Keep the newest ``keep`` snapshots of a table and every incremental extraction after
    the oldest kept snapshot (they are needed to rebuild the table); never remove ``current``."""
    published = sorted((landing / "mariadb" / table).glob("extraction_id=*"))

    def mode(path: Path) -> str:
        try:
            return json.loads((path / "_manifest.json").read_text()).get("mode", "snapshot")
        except (OSError, ValueError):
            return "snapshot"

    snapshots = [p for p in published if mode(p) == "snapshot"]
    if keep <= 0 or len(snapshots) <= keep:
        return []
    oldest_kept = snapshots[-keep]
    old = [p for p in published if p < oldest_kept and p.name != f"extraction_id={current}"]
    for path in old:
        shutil.rmtree(path)
    return old


def record_check(landing: Path, table: str, extraction_id: str, checked_at: str) -> None:
    """Note in an unchanged table's newest manifest that this run found its content the same
    (`checked_at`, as `YYYYMMDDTHHMMSSZ`): `dbt source freshness` reads it, so a table that
    is checked every run but rarely changes is not reported stale. Written to a temporary
    file and renamed over the manifest, so a reader sees the old or the new one."""
    manifest = landing / "mariadb" / table / f"extraction_id={extraction_id}" / "_manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["checked_at"] = checked_at
    tmp = manifest.with_name(".manifest.json.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:  # durable before it replaces the manifest
        fh.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(manifest)
    folder = os.open(manifest.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
