"""The data-quality report of the last `dbt build`: what each source landed, what reached
silver, and every way rows were set aside (silver.audit_reconciliation and
silver.audit_set_aside), read from the warehouse read-only."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from aethermart.errors import SourceError

__all__ = ["QualityReport", "read_quality_report", "render_quality_report"]


@dataclass(frozen=True)
class EntityBalance:
    source_system: str
    entity: str
    landed_rows: int
    silver_rows: int
    quarantined_rows: int
    deduplicated_rows: int
    rejected_lines: int


@dataclass(frozen=True)
class SetAside:
    source_system: str
    entity: str
    set_aside_kind: str
    reason: str
    threshold_level: str
    set_aside_rows: int
    set_aside_rate: float | None
    example_keys: list[str]
    message: str


@dataclass(frozen=True)
class LastCommand:
    """The newest dbt command recorded in the warehouse (ops.dbt_invocations)."""

    invocation_id: str
    command: str
    status: str  # running (or killed), success, error
    started_at: str


@dataclass(frozen=True)
class QualityReport:
    warehouse: str
    entities: list[EntityBalance]
    set_aside: list[SetAside]
    last_command: LastCommand | None = None
    # source systems that fed the newest recorded build or run (var enabled_sources); None
    # for a warehouse recorded before the switch existed
    enabled_sources: list[str] | None = None

    @property
    def is_current(self) -> bool:
        """False when the newest dbt command did not finish successfully: the audit tables
        may then hold an earlier build's numbers."""
        return self.last_command is None or self.last_command.status == "success"

    @property
    def errors(self) -> list[SetAside]:
        return [s for s in self.set_aside if s.threshold_level == "error"]

    @property
    def warnings(self) -> list[SetAside]:
        return [s for s in self.set_aside if s.threshold_level == "warn"]

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "is_current": self.is_current,
        }


def read_quality_report(warehouse: Path) -> QualityReport:
    """The report of the build that wrote ``warehouse``; a one-line error when it has none."""
    if not warehouse.is_file():
        raise SourceError(
            f"DuckDB warehouse {warehouse} not found; run `dbt build` first "
            "(or pass --duckdb / set AETHERMART_DUCKDB)"
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SourceError(
            f"cannot open DuckDB warehouse {warehouse}: {first} (is dbt still running?)"
        ) from exc
    try:
        balances = con.execute(
            "select source_system, entity, landed_rows, silver_rows, quarantined_rows, "
            "deduplicated_rows, rejected_lines from silver.audit_reconciliation "
            "order by source_system desc, entity"
        ).fetchall()
        rows = con.execute(
            "select source_system, entity, set_aside_kind, reason, threshold_level, set_aside_rows, "
            "set_aside_rate, example_keys, message from silver.audit_set_aside "
            "order by case threshold_level when 'error' then 0 when 'warn' then 1 else 2 end, "
            "source_system desc, entity, set_aside_kind, reason"
        ).fetchall()
        last = _last_command(con)
        sources = _enabled_sources(con)
    except duckdb.CatalogException as exc:
        raise SourceError(
            f"{warehouse} has no data-quality audit (silver.audit_reconciliation, "
            "silver.audit_set_aside); run `dbt build` first"
        ) from exc
    finally:
        con.close()
    return QualityReport(
        str(warehouse), [EntityBalance(*r) for r in balances], [SetAside(*r) for r in rows], last, sources
    )


def _last_command(con: duckdb.DuckDBPyConnection) -> LastCommand | None:
    # `dbt source freshness` writes no table (a stale source is its own report), so it is
    # not the command whose outcome decides whether these numbers are current
    try:
        row = con.execute(
            "select invocation_id, command, status, cast(started_at as varchar) from ops.dbt_invocations "
            "where command <> 'freshness' order by started_at desc limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        return None  # a warehouse built before the build record existed
    return LastCommand(*row) if row else None


def _enabled_sources(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    try:
        row = con.execute(
            "select enabled_sources from ops.dbt_invocations where command in ('build', 'run') "
            "and enabled_sources is not null order by started_at desc limit 1"
        ).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        return None  # no build record, or one written before enabled_sources was recorded
    return [s for s in row[0].split(",") if s] if row else None


SOURCE_SYSTEMS = ("pos", "mariadb", "events")


def render_quality_report(report: QualityReport, *, show_all: bool = False) -> str:
    """One screen: the balance per source entity, then what crossed a threshold."""
    lines = [f"Data quality of the last build ({report.warehouse})"]
    last = report.last_command
    if last is not None and not report.is_current:
        lines.append(
            f"WARNING: the last dbt command (`dbt {last.command}`, invocation {last.invocation_id}, "
            f"started {last.started_at}) did not finish successfully ({last.status}); the numbers "
            "below may be an earlier build's"
        )
    if report.enabled_sources is not None:
        off = [s for s in SOURCE_SYSTEMS if s not in report.enabled_sources]
        lines.append(
            f"Sources that fed it: {', '.join(report.enabled_sources)}"
            + (f"; switched off (var enabled_sources): {', '.join(off)}" if off else "")
        )
    lines.append("")
    header = ("source", "entity", "landed", "silver", "quarantined", "deduplicated", "rejected")
    table = [header] + [
        (
            b.source_system,
            b.entity,
            f"{b.landed_rows:,}",
            f"{b.silver_rows:,}",
            f"{b.quarantined_rows:,}",
            f"{b.deduplicated_rows:,}",
            f"{b.rejected_lines:,}",
        )
        for b in report.entities
        if report.enabled_sources is None or b.source_system in report.enabled_sources
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[i].rjust(widths[i]) for i in range(2, len(row))]
        lines.append("  " + "  ".join(cells))
    lines.append("")
    shown = report.set_aside if show_all else report.errors + report.warnings
    lines.append(
        f"Set aside: {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
        f"above the thresholds (var quality_thresholds), {len(report.set_aside)} reason(s) in all"
        + ("" if show_all else "; --all lists every one")
    )
    for item in shown:
        lines.append(f"  {item.threshold_level.upper():5s} {item.message}")
    return "\n".join(lines)
