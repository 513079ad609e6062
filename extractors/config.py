"""What to extract: declared next to the dbt sources, in `meta.extract` of
`models/bronze/mariadb/_mariadb__sources.yml`, so one file says what is extracted and what
dbt reads."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extractors.errors import ExtractError

__all__ = ["DEFAULT_BATCH_BYTES", "SOURCES_YAML", "ExtractConfig", "TableSpec", "load_table_specs"]

DEFAULT_BATCH_BYTES = 64 * 2**20
SOURCES_YAML = Path(__file__).resolve().parent.parent / "models/bronze/mariadb/_mariadb__sources.yml"


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]  # required columns, as declared for dbt
    required: bool = True
    mode: str = "snapshot"  # snapshot | incremental
    batch_rows: int = 50_000
    # a batch also ends once its text/binary values reach this many bytes, so a table of
    # large TEXT values stays within memory (and within Arrow's 2 GiB per string array)
    batch_bytes: int = DEFAULT_BATCH_BYTES
    watermark: str | None = None  # incremental: an ever-increasing column (id or date)
    # incremental: re-read this much below the last watermark (the column's units; days for dates)
    overlap: int = 0


@dataclass(frozen=True)
class ExtractConfig:
    url: str = field(repr=False)
    landing: Path
    tables: tuple[TableSpec, ...]
    keep: int = 3  # newest snapshots kept per table, with the incremental extractions after them


def load_table_specs(path: Path = SOURCES_YAML, only: list[str] | None = None) -> tuple[TableSpec, ...]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = next(s for s in doc["sources"] if s["name"] == "mariadb")
    specs = []
    for table in source["tables"]:
        meta = table.get("meta", {})
        extract = meta.get("extract", {})
        if extract.get("enabled", True) is False:
            continue
        specs.append(TableSpec(
            name=table["name"],
            columns=tuple(c["name"] for c in table.get("columns", [])),
            required=not meta.get("optional", False),
            mode=extract.get("mode", "snapshot"),
            batch_rows=int(extract.get("batch_rows", 50_000)),
            batch_bytes=int(os.environ.get("AETHERMART_EXTRACT_BATCH_BYTES")
                            or extract.get("batch_bytes", DEFAULT_BATCH_BYTES)),
            watermark=extract.get("watermark"),
            overlap=int(extract.get("overlap", 0)),
        ))
    if only is not None:
        only = [t for t in only if t]
        if not only:
            raise ExtractError("--tables names no table")
        known = {s.name for s in specs}
        unknown = [t for t in only if t not in known]
        if unknown:
            raise ExtractError(f"unknown table(s) {', '.join(unknown)}; declared: {', '.join(sorted(known))}")
        specs = [s for s in specs if s.name in only]
    for spec in specs:
        if spec.batch_rows < 1 or spec.batch_bytes < 1:
            raise ExtractError(f"table {spec.name}: batch_rows and batch_bytes must be positive ({path})")
        if spec.mode not in ("snapshot", "incremental"):
            raise ExtractError(f"table {spec.name}: extract mode {spec.mode!r} is not one of "
                               "'snapshot', 'incremental' ({path})")
        if spec.mode == "incremental" and (not spec.watermark or spec.watermark not in spec.columns):
            raise ExtractError(f"table {spec.name}: incremental mode needs meta.extract.watermark, "
                               f"one of its declared columns ({path})")
    return tuple(specs)
