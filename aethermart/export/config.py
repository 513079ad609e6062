"""How an export runs: typed settings; the defaults are aethermart.settings'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aethermart import settings
from aethermart.errors import ConfigError
from aethermart.export.mongo.config import MongoURI

if TYPE_CHECKING:
    from aethermart.export.build_guard import BuildRecord
    from aethermart.export.manifest import ExportManifest

__all__ = ["MODES", "TARGET_CHOICES", "ExportConfig", "ExportRun", "Say"]

Say = Callable[[str], None]

TARGET_CHOICES = ("parquet", "mongodb", "all")
MODES = ("full", "incremental")


@dataclass(frozen=True)
class ExportConfig:
    target: str  # parquet | mongodb | all
    manifest: Path = field(default_factory=settings.manifest_path)
    duckdb: Path = field(default_factory=settings.duckdb_path)
    out: Path = field(default_factory=settings.gold_dir)  # Parquet: root of the published datasets
    select: tuple[str, ...] = ()  # model names; empty = every model with an export for the target
    # full: always publish a new version; incremental: keep the published one when the new
    # files would be byte-identical, and write only the months of a fact whose rows changed
    mode: str = "full"
    dry_run: bool = False
    keep: int = 2  # Parquet: published versions kept per dataset (the current one and for rollback)
    # DuckDB settings of the read-only connection (as in profiles.yml)
    memory_limit: str = field(default_factory=settings.memory_limit)
    temp_directory: Path = field(default_factory=settings.temp_directory)
    # MongoDB: the server (mongodb://user:password@host:port/database, parsed once where it
    # was given: the CLI; never printed), the decimal encoding overriding every model's
    # (decimal128 | double | string), and --rollback
    mongodb_uri: MongoURI | None = field(default=None, repr=False)
    mongodb_decimals: str | None = None
    rollback: bool = False
    # MongoDB: read the gold Parquet published under `out` instead of the DuckDB file
    from_parquet: bool = False
    # publish even when the warehouse's build record (ops.dbt_invocations) does not show one
    # complete, successful `dbt build` matching the manifest (aethermart/export/build_guard.py)
    allow_failed_build: bool = False
    # MongoDB incremental: read every stored hash back from the server instead of trusting the
    # export ledger (aethermart/export/mongo/ledger.py); finds documents changed behind the exporter's back
    verify: bool = False

    def __post_init__(self) -> None:
        if self.target not in TARGET_CHOICES:
            raise ConfigError(f"export target {self.target!r} is not one of {', '.join(TARGET_CHOICES)}")
        if self.mode not in MODES:
            raise ConfigError(f"export mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.keep < 1:
            raise ConfigError(f"keep must be at least 1, got {self.keep}")
        if self.from_parquet and self.target != "mongodb":
            raise ConfigError("--from-parquet reads the published gold Parquet: it needs --target mongodb")

    @property
    def targets(self) -> tuple[str, ...]:
        return ("parquet", "mongodb") if self.target == "all" else (self.target,)


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class ExportRun:
    """What every target of one export run shares: the manifest, the settings, the run's one id
    (aethermart/export/run_id.py), where to say things (``notice``: always, unless quiet;
    ``progress``: per dataset, for a person watching) and the build the export guard checked
    (None when it was skipped)."""

    manifest: ExportManifest
    cfg: ExportConfig
    run_id: str
    notice: Say = _quiet
    progress: Say = _quiet
    build: BuildRecord | None = None
