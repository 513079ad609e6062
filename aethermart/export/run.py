"""One export run: read the declarations from the dbt manifest, check the warehouse's build
record (aethermart/export/build_guard.py), then hand each target its models. A target is a function in
``_RUNNERS`` with the signature of ``publish_parquet`` (Parquet: aethermart/export/parquet/run.py; MongoDB:
aethermart/export/mongo/run.py)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from aethermart.errors import ConfigError
from aethermart.export.build_guard import BuildRecord, check_build, check_not_empty
from aethermart.export.config import ExportConfig, ExportRun
from aethermart.export.errors import ManifestError
from aethermart.export.manifest import ExportManifest, ExportSpec, read_manifest
from aethermart.export.mongo.run import publish_mongodb
from aethermart.export.parquet.run import publish_parquet
from aethermart.export.result import DatasetResult, ExportResult
from aethermart.export.run_id import new_run_id
from aethermart.export.warehouse import open_warehouse

__all__ = ["export"]

Runner = Callable[[tuple[ExportSpec, ...], ExportRun], list[DatasetResult]]

_RUNNERS: dict[str, Runner] = {
    "parquet": publish_parquet,
    "mongodb": publish_mongodb,
}


def export(cfg: ExportConfig, *, quiet: bool = False) -> ExportResult:
    """Export the selected gold models to every target of ``cfg``; a failure raises ExportError
    (one line). Parquet stages every dataset before it swaps any; MongoDB swaps collection by
    collection, so after a failure the collections already swapped stay new (each one is
    complete) and the others keep their previous version."""
    t0 = time.perf_counter()
    if "mongodb" in cfg.targets and cfg.mongodb_uri is None:  # the one place that says so
        raise ConfigError(
            "no MongoDB server: set MONGODB_URI or pass --mongodb-uri "
            "mongodb://user:password@host:port/database"
        )
    manifest = read_manifest(cfg.manifest)
    plan = _plan(manifest, cfg)
    build = None
    if not cfg.rollback and not cfg.from_parquet:
        build = _check_build(cfg, plan)

    def notice(msg: str) -> None:
        if not quiet:
            print(msg, file=sys.stderr, flush=True)

    def progress(msg: str) -> None:  # per dataset, only for a person watching
        if not quiet and sys.stderr.isatty():
            print(msg, file=sys.stderr, flush=True)

    # one id for the whole run, recorded by every target (aethermart/export/run_id.py)
    run_id = new_run_id(cfg.out if "parquet" in plan else None)
    result = ExportResult(
        run_id=run_id,
        target=cfg.target,
        mode=cfg.mode,
        dry_run=cfg.dry_run,
        dbt_invocation_id=build.invocation_id if build else manifest.invocation_id,
    )
    run = ExportRun(manifest, cfg, run_id, notice=notice, progress=progress, build=build)
    for target, specs in plan.items():
        if specs:
            result.datasets += _RUNNERS[target](specs, run)
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


def _check_build(cfg: ExportConfig, plan: dict[str, tuple[ExportSpec, ...]]) -> BuildRecord | None:
    """Refuse gold that is not from one complete, successful `dbt build` matching the manifest
    (the build record in the warehouse, aethermart/export/build_guard.py); with
    --allow-failed-build only gold (or its upstream) last built with --empty (None); the
    build it comes from (its invocation id, not the manifest's, is what the exports record:
    `dbt docs generate` or `dbt test` after the build write the manifest with another id).
    --rollback publishes nothing new; --from-parquet reads gold that a guarded Parquet export
    published."""
    specs = tuple({s.unique_id: s for specs in plan.values() for s in specs}.values())
    con = open_warehouse(cfg.duckdb, memory_limit=cfg.memory_limit, temp_directory=cfg.temp_directory)
    try:
        if cfg.allow_failed_build:  # a failed build may be published on purpose, an empty one never
            check_not_empty(con, cfg.duckdb, cfg.manifest, specs)
            return None
        return check_build(con, cfg.duckdb, cfg.manifest, specs)
    finally:
        con.close()


def _plan(manifest: ExportManifest, cfg: ExportConfig) -> dict[str, tuple[ExportSpec, ...]]:
    strict = len(cfg.targets) == 1
    plan = {t: manifest.for_target(t, cfg.select, strict=strict) for t in cfg.targets}
    if cfg.select and not strict:
        covered = {s.model for specs in plan.values() for s in specs}
        lost = [m for m in cfg.select if m not in covered]
        if lost:
            raise ManifestError(
                f"model(s) {', '.join(lost)} declare no export for {' or '.join(cfg.targets)}"
            )
    if not any(plan.values()):
        raise ManifestError(
            f"no model in {manifest.path} declares an export for "
            f"{' or '.join(cfg.targets)} (config.meta.export)"
        )
    return plan
