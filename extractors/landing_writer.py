"""Writing one table's extraction: staging folder, Parquet row groups, manifest, publish.

    mariadb/<Table>/.staging-<extraction_id>/   while running (dbt never reads it)
    mariadb/<Table>/extraction_id=<id>/          after the rename that publishes it
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from aethermart.landing import mariadb_extraction_dir

__all__ = ["TableWriter", "prune_extractions", "remove_debris"]

STAGING_PREFIX = ".staging-"


class TableWriter:
    def __init__(self, landing: Path, table: str, extraction_id: str, schema: pa.Schema):
        self.table = table
        self.final = mariadb_extraction_dir(landing, table, extraction_id)
        self.staging = self.final.parent / f"{STAGING_PREFIX}{extraction_id}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.part = self.staging / "part-00000.parquet"
        self.schema = schema
        self._writer = pq.ParquetWriter(self.part, schema, compression="zstd")
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch, row_group_size=128 * 1024)
        self.rows += batch.num_rows

    def publish(self, manifest: dict) -> Path:
        """Close the file, write the manifest, and rename the folder into place."""
        self._writer.close()
        manifest = {**manifest, "rows": self.rows,
                    "files": [{"path": self.part.name, "rows": self.rows,
                               "sha256": hashlib.sha256(self.part.read_bytes()).hexdigest()}]}
        (self.staging / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        self.staging.rename(self.final)
        return self.final

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)


def remove_debris(landing: Path) -> list[Path]:
    """Staging folders left by a killed run (the caller holds the extraction lock)."""
    found = sorted((landing / "mariadb").glob(f"*/{STAGING_PREFIX}*"))
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return found


def prune_extractions(landing: Path, table: str, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` published extractions of a table."""
    published = sorted((landing / "mariadb" / table).glob("extraction_id=*"))
    old = published[:-keep] if keep > 0 else []
    for path in old:
        shutil.rmtree(path)
    return old
