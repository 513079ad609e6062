"""What an export did, per dataset, for the terminal and for `--json`."""

from __future__ import annotations

from dataclasses import dataclass, field

from aethermart.summary import Throughput, summary_dict

__all__ = ["DatasetResult", "ExportResult"]


@dataclass
class DatasetResult(Throughput):
    model: str
    target: str  # parquet | mongodb
    status: str  # published | unchanged (incremental: identical to the published one) | planned (--dry-run)
    rows: int = 0
    seconds: float = 0.0
    location: str | None = None  # parquet: the dataset path readers use (<out>/<model>)
    version: str | None = None  # parquet: the run id of the version it points to
    files: int = 0
    bytes: int = 0
    partitions: int = 0
    note: str | None = None


@dataclass
class ExportResult:
    run_id: str
    target: str
    mode: str
    dry_run: bool = False
    dbt_invocation_id: str | None = None
    datasets: list[DatasetResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(d.rows for d in self.datasets)

    def as_dict(self) -> dict:
        out = summary_dict(self, "datasets")
        out["total_rows"] = self.rows  # not "rows": summing every "rows" would count twice
        return out
