"""The landing-zone contract: where each source's files go and what they contain.

The generator and the extractor (MariaDB, ``aethermart/extract/``) write this layout, and the dbt
sources in ``models/bronze/*/_*__sources.yml`` read it. Keep the three in step.

    <landing>/pos/load_date=YYYY-MM-DD/<entity>.csv
    <landing>/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/part-00000.parquet
    <landing>/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/_manifest.json
    <landing>/events/date=YYYY-MM-DD/events-00000.jsonl
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from aethermart.errors import ConfigError
from aethermart.settings import DBT_PROJECT, LANDING_ENV, PROJECT_DIR, SAMPLE_LANDING

__all__ = [
    "DBT_PROJECT",
    "MARIADB_TABLES",
    "POS_ENTITIES",
    "MariaDBColumn",
    "MariaDBTable",
    "events_file",
    "landing_path",
    "landing_path_default",
    "mariadb_extraction_dir",
    "pos_file",
]


def landing_path_default() -> Path:
    """The landing root when nothing else is said: dbt's var `landing_path_default` in
    dbt_project.yml (the one place that decides it), relative to the project folder, where
    dbt runs."""
    import yaml

    try:
        value = yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))["vars"]["landing_path_default"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{DBT_PROJECT} declares no var landing_path_default ({exc})") from exc
    path = Path(str(value))
    return path if path.is_absolute() else PROJECT_DIR / path


def landing_path(explicit: Path | None = None) -> Path:
    """The landing root as dbt resolves it: ``explicit`` (a command's option; dbt's var
    `landing_path`), else $AETHERMART_LANDING, else ``landing_path_default()``. A leading ``~``
    is the home folder (a quoted "~/landing" reaches us unexpanded; never a folder named ~)."""
    if explicit is not None:
        return _home(explicit, "the landing path")
    if LANDING_ENV in os.environ:  # as dbt's env_var: set means set
        if not os.environ[LANDING_ENV].strip():
            raise ConfigError(
                f"{LANDING_ENV} is set but empty: set it to the landing zone's "
                "folder, or unset it for the default"
            )
        return _home(Path(os.environ[LANDING_ENV]), LANDING_ENV)
    return landing_path_default()


def _home(path: Path, what: str) -> Path:
    try:
        return path.expanduser()
    except RuntimeError as exc:  # no HOME, or an unknown ~user
        raise ConfigError(f"{what} {path}: cannot expand ~ ({exc}); give the full path") from exc


def writable_landing_path(explicit: Path | None, option: str, command: str) -> Path:
    """``landing_path(explicit)`` for a command that writes there; refuses the committed sample
    when it is only the default (a write there would mix a real extraction, or another scale,
    into the sample that `dbt build` reads on a fresh clone)."""
    path = landing_path(explicit)
    if explicit is None and LANDING_ENV not in os.environ and path.resolve() == SAMPLE_LANDING.resolve():
        raise ConfigError(
            f"the default landing path is the committed sample ({SAMPLE_LANDING.relative_to(PROJECT_DIR)}, "
            f"dbt var landing_path_default); {command} writes only where you say: set "
            f"{LANDING_ENV}=/path/to/landing (dbt build then reads the same folder) or pass {option}"
        )
    return path


# POS export: entity -> header exactly as the POS system writes it.
POS_ENTITIES: dict[str, tuple[str, ...]] = {
    "product": ("id", "name", "currentPrice", "availableQuantity"),
    "city": ("zip", "city", "state"),
    "customer": (
        "id",
        "firstName",
        "lastName",
        "email",
        "address1",
        "address2",
        "phone",
        "birthdate",
        "zip",
    ),
    "order": ("id", "datePlaced", "dateShipped", "customer_id"),
    "orderline": ("order_id", "product_id", "quantity"),
}


@dataclass(frozen=True)
class MariaDBColumn:
    name: str
    sql_type: str  # MariaDB DDL type
    arrow_type: pa.DataType  # how the extractor lands it in Parquet
    nullable: bool = True


@dataclass(frozen=True)
class MariaDBTable:
    name: str
    columns: tuple[MariaDBColumn, ...]
    primary_key: tuple[str, ...]
    required: bool = True

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns])

    def ddl(self) -> str:
        cols = [f"  `{c.name}` {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns]
        if self.primary_key:
            cols.append(f"  PRIMARY KEY ({', '.join(f'`{k}`' for k in self.primary_key)})")
        body = ",\n".join(cols)
        return f"CREATE TABLE `{self.name}` (\n{body}\n) DEFAULT CHARSET=utf8mb4"


def _col(name: str, sql: str, arrow: pa.DataType, nullable: bool = True) -> MariaDBColumn:
    return MariaDBColumn(name, sql, arrow, nullable)


_MONEY = pa.decimal128(10, 2)

# The AetherMart OLTP schema (docs/design.md § MariaDB e-commerce database). Table names
# are case-sensitive on Linux.
MARIADB_TABLES: dict[str, MariaDBTable] = {
    t.name: t
    for t in (
        MariaDBTable(
            "Customers",
            (
                _col("customer_id", "BIGINT UNSIGNED", pa.uint64(), False),
                _col("first_name", "VARCHAR(100)", pa.string()),
                _col("last_name", "VARCHAR(100)", pa.string()),
                _col("email", "VARCHAR(255)", pa.string()),
                _col("registration_date", "DATE", pa.date32()),
                _col("city", "VARCHAR(100)", pa.string()),
                _col("state", "VARCHAR(50)", pa.string()),
                _col("zipcode", "VARCHAR(10)", pa.string()),
            ),
            ("customer_id",),
        ),
        MariaDBTable(
            "Categories",
            (
                _col("category_id", "INT", pa.int32(), False),
                _col("category_name", "VARCHAR(100)", pa.string()),
            ),
            ("category_id",),
        ),
        MariaDBTable(
            "Suppliers",
            (
                _col("supplier_id", "INT", pa.int32(), False),
                _col("supplier_name", "VARCHAR(255)", pa.string()),
                _col("contact_email", "VARCHAR(255)", pa.string()),
            ),
            ("supplier_id",),
        ),
        MariaDBTable(
            "Products",
            (
                _col("product_id", "INT", pa.int32(), False),
                _col("product_name", "VARCHAR(255)", pa.string()),
                _col("price", "DECIMAL(10,2)", _MONEY),
                _col("category_id", "INT", pa.int32()),
                _col("supplier_id", "INT", pa.int32()),
            ),
            ("product_id",),
        ),
        MariaDBTable(
            "Orders",
            (
                _col("order_id", "INT", pa.int32(), False),
                _col("customer_id", "BIGINT UNSIGNED", pa.uint64()),
                _col("order_date", "DATE", pa.date32()),
                _col("total_amount", "DECIMAL(10,2)", _MONEY),
            ),
            ("order_id",),
        ),
        MariaDBTable(
            "Order_Items",
            (
                _col("order_item_id", "INT", pa.int32(), False),
                _col("order_id", "INT", pa.int32()),
                _col("product_id", "INT", pa.int32()),
                _col("quantity", "INT", pa.int32()),
                _col("price", "DECIMAL(10,2)", _MONEY),
            ),
            ("order_item_id",),
        ),
        MariaDBTable(
            "Reviews",
            (
                _col("review_id", "INT", pa.int32(), False),
                _col("product_id", "INT", pa.int32()),
                _col("customer_id", "BIGINT UNSIGNED", pa.uint64()),
                _col("rating", "INT", pa.int32()),
                _col("review_text", "TEXT", pa.string()),
                _col("review_date", "DATE", pa.date32()),
            ),
            ("review_id",),
        ),
        MariaDBTable(
            "Product_Attributes",
            (
                _col("product_id", "INT", pa.int32()),
                _col("attribute_name", "VARCHAR(100)", pa.string()),
                _col("attribute_value", "VARCHAR(255)", pa.string()),
            ),
            (),
            required=False,
        ),
    )
}


def pos_file(landing: Path, load_date: str, entity: str) -> Path:
    return landing / "pos" / f"load_date={load_date}" / f"{entity}.csv"


def mariadb_extraction_dir(landing: Path, table: str, extraction_id: str) -> Path:
    return landing / "mariadb" / table / f"extraction_id={extraction_id}"


def events_file(landing: Path, date: str, part: int = 0) -> Path:
    return landing / "events" / f"date={date}" / f"events-{part:05d}.jsonl"
