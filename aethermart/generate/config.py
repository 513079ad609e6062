"""Typed configuration of the synthetic source generator: sizes and fault rates."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

__all__ = ["Counts", "FaultRates", "GeneratorConfig", "PosEntityLayout", "PosLayout"]


@dataclass(frozen=True)
class FaultRates:
    """Share of eligible rows that receive each fault class.

    Every class is also injected at least ``minimum`` times where enough eligible rows
    exist, so that a tiny sample still contains every kind of dirt.
    """

    # POS CSV drops (docs/design.md § POS CSV drops)
    whitespace: float = 0.03
    case: float = 0.03
    date_format: float = 0.1
    impossible_date: float = 0.002
    money_format: float = 0.2
    empty_string: float = 0.01
    null_literal: float = 0.01
    exact_duplicate: float = 0.005
    conflicting_duplicate: float = 0.003
    resent_transaction: float = 0.01  # POS orders re-sent whole (header and every line) in the next drop
    conflicting_resend: float = 0.003  # ...re-sent with one line's quantity changed
    repeated_scan: float = 0.02  # a product scanned again in the same order: another line, not a copy
    orphan_fk: float = 0.005
    negative_quantity: float = 0.01
    invalid_number: float = 0.002
    missing_key: float = 0.002
    invalid_email: float = 0.01
    phone_format: float = 0.3
    invalid_phone: float = 0.005
    zip_leading_zero_lost: float = 0.5
    zip_plus4: float = 0.05
    quoted_comma: float = 0.02
    quoted_newline: float = 0.005
    non_utf8: float = 0.002
    unquoted_delimiter: float = 0.001
    alphanumeric_id: float = 0.05
    # Real-world values (docs/design.md § Real-world sources), from their own random stream (seed, 12)
    time_of_day: float = 0.05  # POS datePlaced with a time of day, in TIME_OF_DAY_FORMATS
    sentinel_date: float = 0.002  # "no date" sentinels, per date column (POS and MariaDB)
    crlf_file: float = 0.3
    bom_file: float = 0.3
    # MariaDB (docs/design.md § MariaDB e-commerce database)
    placeholder_email: float = 0.01
    # one address (a store's own, typed at the till) on several different people: a
    # placeholder of a shape no pattern lists; at least SHARED_EMAIL_MIN_PEOPLE records
    shared_placeholder_email: float = 0.005
    null_order_date: float = 0.005
    zero_date: float = 0.5  # share of NULL order dates stored as 0000-00-00 in MariaDB
    rating_out_of_range: float = 0.01
    null_rating: float = 0.01
    # Clickstream (docs/design.md § Clickstream)
    malformed_json: float = 0.002
    duplicate_event: float = 0.005
    unknown_event_type: float = 0.01
    minimum: int = 2

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if f.name != "minimum"]


@dataclass(frozen=True)
class Counts:
    """Entity sizes for one scale (scale 1 = ~10k customers, 1k products, 100k orders)."""

    people: int
    online_customers: int
    pos_customers: int
    online_products: int
    pos_products: int
    suppliers: int
    online_orders: int
    pos_orders: int
    reviews: int
    events: int

    @classmethod
    def for_scale(cls, scale: float) -> Counts:
        def n(base: float, floor: int) -> int:
            return max(floor, round(base * scale))

        people = n(10_000, 40)
        online = round(people * 0.6)
        pos = round(people * 0.5)  # 10 % of people shop in both channels
        return cls(
            people=people,
            online_customers=online,
            pos_customers=pos,
            online_products=n(700, 40),
            pos_products=n(300, 40),
            suppliers=n(40, 4),
            online_orders=n(60_000, 60),
            pos_orders=n(40_000, 40),
            reviews=n(20_000, 30),
            events=n(200_000, 80),
        )


@dataclass(frozen=True)
class PosEntityLayout:
    """How a retailer's POS export writes one entity: its file name in each drop and its
    columns in file order, each a (source header, contract column) pair; the contract
    column "" marks a column the sources YAML ignores (written with filler text)."""

    file_name: str
    columns: tuple[tuple[str, str], ...]

    def meta(self) -> dict:
        """The source table's `meta` keys that map this layout (models/bronze/pos/_pos__sources.yml)."""
        aliases = {
            header: column
            for header, column in self.columns
            if column and header.strip().lower() != column.lower()
        }  # headers match in any case
        ignored = [header for header, column in self.columns if not column]
        meta: dict = {"file_name": self.file_name}
        if aliases:
            meta["header_aliases"] = aliases
        if ignored:
            meta["ignored_headers"] = ignored
        return meta


@dataclass(frozen=True)
class PosLayout:
    """A POS export layout other than the contract's (file names, headers, column order,
    an ignored column, the optional order-line columns `unit_price` and `line_number`).
    The world and its dirt are the same as in the default layout; only the files differ.
    Lines get `unit_price` = the product's snapshot price where that price is the same
    valid value in every drop (so silver prices them as from the snapshot), else blank;
    `line_number` = the line's position in its order in its drop file."""

    entities: tuple[tuple[str, PosEntityLayout], ...]

    def of(self, entity: str) -> PosEntityLayout:
        return dict(self.entities)[entity]

    @classmethod
    def retail_export(cls) -> PosLayout:
        """An invoice-style export: another retailer's file names, headers and columns (docs/sources.md)."""
        return cls(
            (
                (
                    "product",
                    PosEntityLayout(
                        "products.csv",
                        (
                            ("StockCode", "id"),
                            ("Description", "name"),
                            ("OnHand", "availableQuantity"),
                            ("Price", "currentPrice"),
                        ),
                    ),
                ),
                (
                    "city",
                    PosEntityLayout("zip_codes.csv", (("State", "state"), ("Zip", "zip"), ("City", "city"))),
                ),
                (
                    "customer",
                    PosEntityLayout(
                        "customers.csv",
                        (
                            ("CustomerID", "id"),
                            ("Email", "email"),
                            ("FirstName", "firstName"),
                            ("LastName", "lastName"),
                            ("Street", "address1"),
                            ("Street2", "address2"),
                            ("PostCode", "zip"),
                            ("Phone", "phone"),
                            ("DOB", "birthdate"),
                            ("Loyalty Tier", ""),
                        ),
                    ),
                ),
                (
                    "order",
                    PosEntityLayout(
                        "invoices.csv",
                        (
                            ("InvoiceNo", "id"),
                            ("InvoiceDate", "datePlaced"),
                            ("ShipDate", "dateShipped"),
                            ("CustomerID", "customer_id"),
                        ),
                    ),
                ),
                (
                    "orderline",
                    PosEntityLayout(
                        "invoice_lines.csv",
                        (
                            ("InvoiceNo", "order_id"),
                            ("StockCode", "product_id"),
                            ("Description", ""),
                            ("Quantity", "quantity"),
                            ("UnitPrice", "unit_price"),
                            ("LineNo", "line_number"),
                        ),
                    ),
                ),
            )
        )


@dataclass(frozen=True)
class GeneratorConfig:
    scale: float
    seed: int
    out: Path
    rates: FaultRates = field(default_factory=FaultRates)
    # POS drops: monthly exports; the first one back-fills the half year before it.
    pos_load_dates: tuple[date, ...] = tuple(date(2025, m, 1) for m in range(7, 13))
    online_order_start: date = date(2024, 1, 1)
    online_order_end: date = date(2025, 11, 30)
    pos_order_start: date = date(2025, 1, 1)
    event_days: int = 14
    event_end: date = date(2025, 11, 30)
    extraction_id: str = "20251201T000000Z"
    # None: the contract's layout (docs/design.md § POS CSV drops); a PosLayout writes the same POS data as
    # another retailer's export would (tests of the YAML source mapping)
    pos_layout: PosLayout | None = None

    @property
    def counts(self) -> Counts:
        return Counts.for_scale(self.scale)
