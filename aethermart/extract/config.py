"""What to extract: declared next to the dbt sources, in `meta.extract` of
`models/bronze/mariadb/_mariadb__sources.yml`, so one file says what is extracted and what
dbt reads.

The source contract of a table whose server differs from ours in names or types is declared
there too (see the comment at the top of that file):

- `meta.extract.source_table`: the server's table name (any case);
- per column, `meta.source_column`: the server's column name (any case);
- per column, `data_type`: the type the column is landed as (a DuckDB type: `integer`,
  `bigint`, `decimal(10,2)`, `date`, `timestamp`, `varchar`, ...). Text is parsed with the
  same SQL as silver (macros/cleaning); a value that does not convert lands as NULL and is
  listed in the row's `_conversion_errors`.

A table with any of these lands its declared columns under their declared names, then the
server columns outside the contract as they are; a table without them lands every server
column with the server's types, as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aethermart.extract.errors import ExtractError
from aethermart.mariadb_url import MariaDBURL
from aethermart.settings import PROJECT_DIR

__all__ = [
    "DEFAULT_BATCH_BYTES",
    "SOURCES_YAML",
    "ColumnSpec",
    "ExtractConfig",
    "TableSpec",
    "load_table_specs",
]

DEFAULT_BATCH_BYTES = 64 * 2**20
SOURCES_YAML = PROJECT_DIR / "models/bronze/mariadb/_mariadb__sources.yml"


@dataclass(frozen=True)
class ColumnSpec:
    """One contract column: its name for dbt, where it comes from, what it lands as."""

    name: str
    source_column: str | None = None  # server's column name (any case); default: name
    data_type: str | None = None  # declared landed type; default: the server's type
    not_null: bool = False  # declared `not_null` (data test or constraint): server must agree
    line: int | None = None  # line of the column in the YAML, for messages

    @property
    def server_name(self) -> str:
        return self.source_column or self.name


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
    # snapshot: an integer column, one value per row; later extractions land only the key
    # chunks whose content changed (key_chunks.py)
    key: str | None = None
    source_table: str | None = None  # the server's table name (any case); default: name
    contract: tuple[ColumnSpec, ...] = ()
    line: int | None = None  # line of the table in the YAML, for messages
    yaml_path: Path | None = None

    @property
    def mapped(self) -> bool:
        """True when the YAML declares a source contract: land exactly the declared columns."""
        return self.source_table is not None or any(
            c.source_column is not None or c.data_type is not None for c in self.contract
        )

    @property
    def server_table(self) -> str:
        return self.source_table or self.name


@dataclass(frozen=True)
class ExtractConfig:
    url: MariaDBURL = field(repr=False)  # parsed once, where it was given (the CLI)
    landing: Path
    tables: tuple[TableSpec, ...]
    keep: int = 3  # newest snapshots kept per table, with the incremental extractions after them


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loading that remembers the line of every mapping (key `__line__`)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _text(value, what: str, path: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ExtractError(f"{what} must be a non-empty text ({path})")
    return value.strip()


def _column_spec(table: str, column: dict, path: Path) -> ColumnSpec:
    meta = column.get("meta") or {}
    where = f"table {table}, column {column['name']}"
    tests = [
        t if isinstance(t, str) else next((k for k in t if k != "__line__"), "")
        for t in (column.get("data_tests") or column.get("tests") or [])
    ]
    constraints = [c.get("type") for c in (column.get("constraints") or []) if isinstance(c, dict)]
    return ColumnSpec(
        name=column["name"],
        source_column=_text(meta.get("source_column"), f"{where}: meta.source_column", path),
        data_type=_text(column.get("data_type"), f"{where}: data_type", path),
        not_null="not_null" in tests or "not_null" in constraints,
        line=column.get("__line__"),
    )


def load_table_specs(path: Path = SOURCES_YAML, only: list[str] | None = None) -> tuple[TableSpec, ...]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except OSError as exc:
        raise ExtractError(f"cannot read the sources YAML {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ExtractError(f"the sources YAML {path} is not valid YAML ({exc})") from exc
    source = next((s for s in (doc or {}).get("sources", []) if s.get("name") == "mariadb"), None)
    if source is None:
        raise ExtractError(f"{path} declares no source named mariadb")
    specs = []
    for table in source["tables"]:
        meta = table.get("meta", {})
        extract = meta.get("extract", {})
        if extract.get("enabled", True) is False:
            continue
        specs.append(
            TableSpec(
                name=table["name"],
                columns=tuple(c["name"] for c in table.get("columns", [])),
                required=not meta.get("optional", False),
                mode=extract.get("mode", "snapshot"),
                batch_rows=int(extract.get("batch_rows", 50_000)),
                batch_bytes=int(
                    os.environ.get("AETHERMART_EXTRACT_BATCH_BYTES")
                    or extract.get("batch_bytes", DEFAULT_BATCH_BYTES)
                ),
                watermark=extract.get("watermark"),
                overlap=int(extract.get("overlap", 0)),
                key=_text(extract.get("key"), f"table {table['name']}: meta.extract.key", path),
                source_table=_text(
                    extract.get("source_table"), f"table {table['name']}: meta.extract.source_table", path
                ),
                contract=tuple(_column_spec(table["name"], c, path) for c in table.get("columns", [])),
                line=table.get("__line__"),
                yaml_path=path,
            )
        )
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
            raise ExtractError(
                f"table {spec.name}: extract mode {spec.mode!r} is not one of "
                "'snapshot', 'incremental' ({path})"
            )
        if spec.mode == "incremental" and (not spec.watermark or spec.watermark not in spec.columns):
            raise ExtractError(
                f"table {spec.name}: incremental mode needs meta.extract.watermark, "
                f"one of its declared columns ({path})"
            )
        if spec.key is not None and (spec.mode != "snapshot" or spec.key not in spec.columns):
            raise ExtractError(
                f"table {spec.name}: meta.extract.key must name one of its declared columns, "
                f"on a snapshot table ({path})"
            )
    return tuple(specs)
