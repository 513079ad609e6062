"""The landing-zone contract: where each source's files go and what they contain.

The generator writes this layout, the extractor (MariaDB) will write it too, and the dbt
sources in ``models/bronze/*/_*__sources.yml`` read it. Keep the three in step.

    <landing>/pos/load_date=YYYY-MM-DD/<entity>.csv
    <landing>/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/part-00000.parquet
    <landing>/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/_manifest.json
    <landing>/events/date=YYYY-MM-DD/events-00000.jsonl
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

__all__ = [
    "MARIADB_TABLES",
    "POS_ENTITIES",
    "MariaDBColumn",
    "MariaDBTable",
    "events_file",
    "mariadb_extraction_dir",
    "pos_file",
]

# POS export: entity -> header exactly as the POS system writes it.
POS_ENTITIES: dict[str, tuple[str, ...]] = {
    "product": ("id", "name", "currentPrice", "availableQuantity"),
    "city": ("zip", "city", "state"),
    "customer": (
        "id", "firstName", "lastName", "email", "address1", "address2", "phone",
        "birthdate", "zip",
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
        cols = [
            f"  `{c.name}` {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        ]
        if self.primary_key:
            cols.append(f"  PRIMARY KEY ({', '.join(f'`{k}`' for k in self.primary_key)})")
        body = ",\n".join(cols)
        return f"CREATE TABLE `{self.name}` (\n{body}\n) DEFAULT CHARSET=utf8mb4"


def _col(name: str, sql: str, arrow: pa.DataType, nullable: bool = True) -> MariaDBColumn:
    return MariaDBColumn(name, sql, arrow, nullable)


_MONEY = pa.decimal128(10, 2)

# The AetherMart OLTP schema (DESIGN.md 2.2). Table names are case-sensitive on Linux.
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
