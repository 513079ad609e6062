"""What an extraction did, per table, for the terminal and for `--json`."""

from __future__ import annotations

from dataclasses import dataclass, field

from aethermart.summary import Throughput, summary_dict

__all__ = ["ExtractResult", "TableResult"]


@dataclass
class TableResult(Throughput):
    table: str
    status: str  # published | unchanged (same content as its newest extraction) | skipped
    rows: int = 0
    seconds: float = 0.0
    extraction_id: str | None = None
    zero_dates_nulled: dict[str, int] = field(default_factory=dict)
    # values of declared-type columns that did not convert (landed NULL, listed per row)
    conversion_errors: dict[str, int] = field(default_factory=dict)
    note: str | None = None
    # a delta's: the rows of the whole table (`rows` are the changed key ranges' rows)
    table_rows: int | None = None


@dataclass
class ExtractResult:
    extraction_id: str
    tables: list[TableResult] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return summary_dict(self, "tables")

    def describe(self) -> str:
        """One line: rows landed, in how many tables, and the tables left as they were."""
        published = [t for t in self.tables if t.status == "published"]
        unchanged = [t.table for t in self.tables if t.status == "unchanged"]
        rows = sum(t.rows for t in published)
        text = (
            f"{rows:,} rows in {len(published)} tables, extraction {self.extraction_id}"
            if published
            else "nothing landed"
        )
        if unchanged:
            text += f"; unchanged since their last extraction: {', '.join(unchanged)}"
        return text
