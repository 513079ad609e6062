r"""Baseline "pandas" of the benchmark: the hand-written pandas job users would write.

    python -m bench.baseline_pandas --landing DIR --out DIR [--mongodb-uri URI] [--result FILE.json]

It reads the landing zone with pandas and pyarrow, applies the same cleaning,
de-duplication, versioning and identity rules as our silver layer (where they affect the two
documents), builds the ``customer_purchase_history`` and ``product_sales`` documents as
our gold document models do, writes them to Parquet under ``--out`` and, with
``--mongodb-uri``, to MongoDB (``delete_many`` + ``insert_many`` of ``df.to_dict("records")``).
It is a baseline to compare against, not part of the pipeline: it mirrors silver's rules
(``macros/cleaning``, ``macros/silver``, ``models/silver``) rather than defining them, and
``bench.baseline_common.compare_to_gold`` checks its answer against our gold before its
time is reported.

How it reads (the same records bronze reads):

* POS CSV drops: ``pd.read_csv`` with every column as text, the UTF-8 BOM dropped
  (``utf-8-sig``), CRLF and quoted commas/newlines handled by the C parser, empty fields
  kept as ``""``. Bytes that are not UTF-8 are decoded as Windows-1252 (a registered
  ``encoding_errors`` handler; Windows-1252's five undefined bytes as Latin-1) and the
  record is kept, as bronze recovers it. A record the bronze reader rejects is
  dropped here too and counted in ``rejected_lines``: lines with too many fields
  (``on_bad_lines="warn"``, the warnings counted). pandas pads a line with too few fields
  instead of rejecting it (the generator writes none).
* MariaDB extractions: ``pyarrow.parquet``, the latest snapshot extraction of each table
  (from the ``_manifest.json`` files) plus the incremental extractions after it; ids read
  as text, DECIMAL money as integer cents, dates as dates.
* Money is computed exactly, in integer cents (int64), and written as float64 (cents /
  100) to both Parquet and MongoDB, as a pandas user would: FerretDB rejects Decimal128.
  The result JSON carries the exact totals as decimal strings.

The rules mirrored (docs/layers.md, "Silver"): text trimmed and white space collapsed, where white
space is every Unicode white space, control and format character (``\p{Z}``, ``\p{Cc}``,
``\p{Cf}``: CR, TAB, NBSP, zero-width space; Python's ``re`` has no ``\p{..}``, so the
classes are built from ``unicodedata``), ``""`` and ``NULL`` are missing; six POS date
formats (invalid calendar dates are invalid); ``$1,299.00`` money; whole-number quantities;
a row with a broken required value is quarantined (missing key, date, price or quantity,
invalid number or date, negative price, zero quantity, orphan or quarantined parent); POS
snapshot entities (product, customer): the latest drop with a usable row wins; POS orders:
the first landed copy wins, later copies are duplicates (identical) or quarantined
(conflicting); POS order lines: every row of an order in one drop is a line (line key
``order_id|line_number``, repeated scans are separate lines), re-sends are judged per order
across drops (the same multiset of (product, parsed quantity) as the first drop's version:
duplicate; other lines: quarantined, the first version stays); MariaDB: latest snapshot
plus later incrementals, the latest read of a key wins; store line price = the POS price of
the latest drop on or before the order date (the first known price before the first drop),
negative quantities are returns; identity: same normalized email (valid, not a placeholder
of ``seeds/placeholder_email_patterns.csv``) = one customer, the anchor record is the online
account first, else the lowest store id, except that an email shared by more than 3
records (var ``identity_max_records_per_email``) whose names differ (accents and case
folded) links none of them; orders of unknown customers count for products but belong to
no customer document.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.baseline_common import baseline_main, cents_to_str, run_document_baseline

__all__ = ["Landing", "main", "run"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
UNKNOWN = "unknown"  # dbt var unknown_member_key: the customer of orders nobody can be matched to

POS_COLUMNS: dict[str, list[str]] = {
    "product": ["id", "name", "currentPrice", "availableQuantity"],
    "customer": ["id", "firstName", "lastName", "email", "address1", "address2", "phone", "birthdate", "zip"],
    "order": ["id", "datePlaced", "dateShipped", "customer_id"],
    "orderline": ["order_id", "product_id", "quantity"],
}
MARIADB_TABLES = ("Customers", "Categories", "Products", "Orders", "Order_Items")


# --------------------------------------------------------------------------------------------
# cleaning helpers: one per macro in macros/cleaning. Silver trims and collapses every Unicode
# white space, control and format character (RE2's [\s\p{Z}\p{Cc}\p{Cf}]); Python's re has no
# \p{..}, so the classes are built from unicodedata once
# --------------------------------------------------------------------------------------------
def _char_class(categories: set[str], extra: str = " \t\n\f\r") -> str:
    chars = [
        c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) in categories or c in extra
    ]
    return "[" + "".join(re.escape(c) for c in chars) + "]"


FORMAT = _char_class({"Cf"}, extra="") + "+"  # zero-width space, BOM, ...: removed (not spaces)
WS = _char_class({"Zs", "Zl", "Zp", "Cc"}) + "+"  # runs of white space: one space
_EDGE = _char_class({"Zs", "Zl", "Zp", "Cc", "Cf"}) + "+"
EDGES = f"^{_EDGE}|{_EDGE}\\Z"  # macros/cleaning/trim_whitespace.sql
EMAIL = r"[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@functools.cache
def placeholder_email_pattern() -> str:
    """The seed placeholder_email_patterns as one regular expression, as is_placeholder_email
    inlines it (each pattern must match the whole trimmed, lower-case email)."""
    patterns = sorted(pd.read_csv(SEEDS / "placeholder_email_patterns.csv", dtype=str)["pattern"].dropna())
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def trim_whitespace(s: pd.Series) -> pd.Series:
    """Every Unicode white space, control and format character trimmed from both ends."""
    return s.str.replace(EDGES, "", regex=True)


def normalize_whitespace(s: pd.Series) -> pd.Series:
    """Format characters removed, runs of white space made one space, both ends trimmed."""
    return s.str.replace(FORMAT, "", regex=True).str.replace(WS, " ", regex=True).str.strip(" ")


def is_blank(s: pd.Series) -> pd.Series:
    """Missing, empty, only white space, or the literal ``NULL`` (any case)."""
    return (s.isna() | normalize_whitespace(s).str.upper().isin(["", "NULL"])).astype(bool)


def clean_text(s: pd.Series) -> pd.Series:
    """White space normalized; missing for blank values."""
    return normalize_whitespace(s).where(~is_blank(s))


def clean_email(s: pd.Series) -> pd.Series:
    """Trimmed lower-case email of a valid shape that is not a placeholder; else missing."""
    e = trim_whitespace(s).str.lower()
    placeholder = placeholder_email_pattern()
    usable = e.str.fullmatch(EMAIL).fillna(False) & ~e.str.fullmatch(placeholder).fillna(False)
    return e.where(usable.astype(bool))


def parse_integer(s: pd.Series) -> pd.Series:
    """Whole numbers with an optional sign (``2.5``, ``1e3``, ``1,5`` are not)."""
    v = trim_whitespace(s)
    ok = v.str.fullmatch(r"[+-]?\d{1,18}").fillna(False).astype(bool)
    return pd.to_numeric(v.where(ok), errors="coerce").astype("Int64")


def parse_money_cents(s: pd.Series) -> pd.Series:
    """``$1,299.00`` -> 129900: ``$``, thousands separators and spaces stripped, at most two
    decimals and ten digits before the point, an optional leading minus."""
    v = trim_whitespace(s).str.replace("$", "", regex=False).str.replace(",", "", regex=False)
    v = v.str.replace(" ", "", regex=False)
    parts = v.str.extract(r"^(-?)(\d+)(?:\.(\d{1,2}))?$")
    whole = parts[1].str.lstrip("0")
    ok = parts[1].notna() & (whole.str.len() <= 10)
    units = pd.to_numeric(whole.where(ok).replace("", "0"), errors="coerce")
    cents = pd.to_numeric(parts[2].fillna("0").str.ljust(2, "0"), errors="coerce")
    sign = np.where(parts[0] == "-", -1, 1)
    return ((units * 100 + cents) * sign).where(ok).astype("Int64")


def _pivot_year(two_digits: pd.Series) -> pd.Series:
    y = pd.to_numeric(two_digits, errors="coerce")
    return y + np.where(y < 50, 2000, 1900)


_TIME_OF_DAY = (
    r"[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$"
)


def plausible(dates: pd.Series) -> pd.Series:
    """silver's plausibility window (macro plausible_date_window, default vars)."""
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    return (dates >= pd.Timestamp("1990-01-01")) & (dates <= today + pd.DateOffset(years=1))


def parse_date(s: pd.Series) -> pd.Series:
    """The POS renderings of a date (see macros/cleaning/parse_date.sql); NaT when the text
    is not a real calendar date (2025-02-30 stays invalid)."""
    v = trim_whitespace(s).str.replace(_TIME_OF_DAY, "", regex=True)  # 12/1/10 8:26 -> 12/1/10
    year = pd.Series(np.nan, index=s.index)
    month, day = year.copy(), year.copy()

    def put(mask: pd.Series, y: pd.Series, m: pd.Series, d: pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        year[mask] = pd.to_numeric(y[mask], errors="coerce")
        month[mask] = pd.to_numeric(m[mask], errors="coerce")
        day[mask] = pd.to_numeric(d[mask], errors="coerce")

    iso = v.str.extract(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    put(iso[0].notna(), iso[0], iso[1], iso[2])
    us = v.str.extract(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")  # 03/05/2024, 03-05-2024
    put(us[0].notna(), us[2], us[0], us[1])
    short = v.str.extract(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")  # 3/5/24
    put(short[0].notna(), _pivot_year(short[2]), short[0], short[1])
    dmy = v.str.extract(r"^(\d{1,2})-([A-Za-z]{3})-(\d{2})$")  # 05-Mar-24
    put(dmy[0].notna(), _pivot_year(dmy[2]), _month_number(dmy[1]), dmy[0])
    named = v.str.extract(r"^([A-Za-z]{3})[A-Za-z]{0,6}\.? (\d{1,2}), (\d{4})$")  # March 5, 2024
    put(named[0].notna(), named[2], _month_number(named[0]), named[1])
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[s]")


def _month_number(abbreviation: pd.Series) -> pd.Series:
    return abbreviation.str.lower().map({m: i + 1 for i, m in enumerate(MONTHS)})


def surrogate_key(*parts: pd.Series | str) -> pd.Series:
    """md5 of the parts joined by ``-`` (dbt's generate_surrogate_key): gold's ``_id`` values."""
    series = [p for p in parts if isinstance(p, pd.Series)]
    joined = pd.Series("", index=series[0].index, dtype=object)
    for i, part in enumerate(parts):
        joined = joined + ("-" if i else "") + (part.astype(str) if isinstance(part, pd.Series) else part)
    return pd.Series([hashlib.md5(t.encode()).hexdigest() for t in joined], index=joined.index)


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------
@dataclass
class Landing:
    """Everything read from the landing zone, as pandas frames."""

    pos: dict[str, pd.DataFrame]
    mariadb: dict[str, pd.DataFrame]
    keywords: pd.DataFrame
    rejected_lines: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(df) for df in [*self.pos.values(), *self.mariadb.values()])


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 read as Windows-1252 (its five undefined bytes as Latin-1)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("bench-cp1252", _cp1252_fallback)


def read_pos_file(path: Path, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """One POS CSV as text columns in file order; the records bronze rejects are dropped
    and counted (lines with too many fields). Bytes that are not UTF-8 are decoded as
    Windows-1252, as bronze recovers them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            encoding_errors="bench-cp1252",
            on_bad_lines="warn",
        )
    if list(df.columns) != list(columns):
        raise ValueError(f"{path}: header {list(df.columns)} is not {list(columns)}")
    too_many = sum(str(w.message).count("Skipping line") for w in caught)
    return df, {"too_many_fields": too_many}


def read_pos(landing: Path) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Every drop of every POS entity, with ``load_date`` and ``row_in_file``."""
    frames: dict[str, list[pd.DataFrame]] = {entity: [] for entity in POS_COLUMNS}
    rejected = {"too_many_fields": 0}
    for drop in sorted((landing / "pos").glob("load_date=*")):
        load_date = pd.Timestamp(drop.name.split("=", 1)[1])
        for entity, columns in POS_COLUMNS.items():
            df, counts = read_pos_file(drop / f"{entity}.csv", columns)
            for reason, n in counts.items():
                rejected[reason] += n
            df["load_date"] = load_date
            df["row_in_file"] = np.arange(1, len(df) + 1)
            frames[entity].append(df)
    if not frames["order"]:
        raise FileNotFoundError(f"no POS drops under {landing / 'pos'}")
    return {entity: pd.concat(dfs, ignore_index=True) for entity, dfs in frames.items()}, rejected


def _current_extractions(table_dir: Path) -> list[Path]:
    """The latest snapshot extraction of a table and the incremental ones after it."""
    manifests = [json.loads(path.read_text()) for path in table_dir.glob("extraction_id=*/_manifest.json")]
    since = max((m["extraction_id"] for m in manifests if m.get("mode") == "snapshot"), default="")
    return [
        folder
        for folder in sorted(table_dir.glob("extraction_id=*"))
        if folder.name.split("=", 1)[1] >= since
    ]


def read_mariadb_table(landing: Path, table: str) -> pd.DataFrame:
    """A table's current extractions: ``*_id`` as text, DECIMAL as integer cents (``*_cents``),
    with ``extraction_id`` and ``row_in_file``."""
    frames = []
    for folder in _current_extractions(landing / "mariadb" / table):
        for path in sorted(folder.glob("*.parquet")):
            arrow = pq.read_table(path)
            columns = {}
            for name, column in zip(arrow.column_names, arrow.columns, strict=True):
                if name.endswith("_id"):  # ids are text natural keys, as in silver
                    columns[name] = pc.cast(column, pa.string())
                elif pa.types.is_decimal(column.type):
                    cents = pc.multiply(column, pa.scalar(Decimal(100), pa.decimal128(3, 0)))
                    columns[f"{name}_cents"] = pc.cast(cents, pa.int64())
                else:
                    columns[name] = column
            df = pa.table(columns).to_pandas(date_as_object=False)
            df["extraction_id"] = folder.name.split("=", 1)[1]
            df["row_in_file"] = np.arange(1, len(df) + 1)
            frames.append(df)
    if not frames:
        raise FileNotFoundError(f"no extraction of {table} under {landing / 'mariadb'}")
    return pd.concat(frames, ignore_index=True)


def read_landing(landing: Path) -> Landing:
    pos, rejected = read_pos(landing)
    mariadb = {table: read_mariadb_table(landing, table) for table in MARIADB_TABLES}
    keywords = pd.read_csv(SEEDS / "product_category_keywords.csv", dtype=str)
    return Landing(pos, mariadb, keywords, rejected)


# --------------------------------------------------------------------------------------------
# versions (macros/silver/resolve_versions.sql)
# --------------------------------------------------------------------------------------------
def resolve_versions(
    df: pd.DataFrame,
    keys: list[str],
    content: list[str],
    *,
    order: list[str],
    group_by: str | None = None,
    newest_first: bool = False,
    latest_read_only: bool = False,
) -> pd.Series:
    """The outcome of every row: silver | quarantined | duplicate | superseded.

    ``df`` holds ``usable`` (the row has no quarantine reason); ``order`` is the landing
    order (load date or extraction, record number). Rows sharing the keys and ``group_by``
    are copies: the first landed counts, an identical later copy is a duplicate, a
    differing one is quarantined (duplicate_conflict). Of the remaining versions of a key,
    the newest (snapshots) or the first landed (transactions) is silver, the others are
    superseded. ``latest_read_only`` (MariaDB): only the latest ``group_by`` (extraction)
    of a key is current, its earlier reads are superseded whether usable or not.
    Extractions older than the current ones are not read at all here (silver reads them
    and marks them superseded).
    """
    df = df.sort_values(order, kind="stable")
    candidate = np.ones(len(df), dtype=bool)
    if latest_read_only and group_by:
        latest = df.groupby(keys, sort=False)[group_by].max()
        key_latest = df.join(latest.rename("_latest"), on=keys)["_latest"]
        has_null_key = df[keys].isna().any(axis=1).to_numpy()
        candidate = (df[group_by].to_numpy() == key_latest.to_numpy()) | has_null_key
    frame = df[keys + ([group_by] if group_by else [])].copy()
    frame["_candidate"] = candidate
    frame["_usable"] = df["usable"].to_numpy(dtype=bool)
    frame["_hash"] = pd.util.hash_pandas_object(df[content], index=False).to_numpy()
    groups = frame.groupby(
        ["_candidate", "_usable", *keys, *([group_by] if group_by else [])], sort=False, dropna=False
    )
    position = groups.cumcount().to_numpy()
    first_hash = groups["_hash"].transform("first").to_numpy()
    firsts = frame[position == 0]
    if newest_first:
        firsts = firsts.sort_values(order[0], ascending=False, kind="stable")  # stable: file order kept
    first_version = ~firsts.duplicated(["_candidate", "_usable", *keys])
    is_version_one = pd.Series(False, index=frame.index)
    is_version_one[first_version[first_version].index] = True
    outcome = np.select(
        [
            ~candidate,
            ~frame["_usable"].to_numpy(),
            (position > 0) & (frame["_hash"].to_numpy() != first_hash),
            position > 0,
            is_version_one.to_numpy(),
        ],
        ["superseded", "quarantined", "quarantined", "duplicate", "silver"],
        default="superseded",
    )
    return pd.Series(outcome, index=df.index)  # the caller's assignment aligns on the index


def usable_keys(checked: pd.DataFrame, key: str) -> set[str]:
    """The keys of a parent entity that have a silver row: a child pointing anywhere else is
    quarantined (``orphan_fk`` when the key is unknown, ``parent_quarantined`` otherwise)."""
    return set(checked.loc[checked["outcome"] == "silver", key].dropna())


# --------------------------------------------------------------------------------------------
# cleaning: one function per silver checked model that the two documents need
# --------------------------------------------------------------------------------------------
def check_pos_products(raw: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "product_id": clean_text(raw["id"]),
            "product_name": clean_text(raw["name"]),
            "price_cents": parse_money_cents(raw["currentPrice"]),
            "available_quantity": parse_integer(raw["availableQuantity"]),
            "load_date": raw["load_date"],
            "row_in_file": raw["row_in_file"],
        }
    )
    df["name_lower"] = df["product_name"].str.lower()
    df["usable"] = ~(
        is_blank(raw["id"])
        | is_blank(raw["currentPrice"])
        | df["price_cents"].isna()
        | (df["price_cents"] < 0).fillna(False)
    )
    df["outcome"] = resolve_versions(
        df,
        ["product_id"],
        ["product_id", "name_lower", "price_cents", "available_quantity"],
        order=["load_date", "row_in_file"],
        group_by="load_date",
        newest_first=True,
    )
    return df


def check_pos_customers(raw: pd.DataFrame) -> pd.DataFrame:
    """POS customers: the id and the normalized email are what identity needs; the other
    cleaned columns (``c_*``) are compared to tell an exact copy from a conflicting one."""
    df = pd.DataFrame(
        {
            "customer_id": clean_text(raw["id"]),
            "email": clean_email(raw["email"]),
            "load_date": raw["load_date"],
            "row_in_file": raw["row_in_file"],
        }
    )
    phone = raw["phone"].str.replace(r"[^0-9]", "", regex=True).str.replace(r"^1(\d{10})$", r"\1", regex=True)
    phone_ok = phone.str.fullmatch(r"[2-9]\d{2}[2-9]\d{6}").fillna(False) & trim_whitespace(
        raw["phone"]
    ).str.fullmatch(r"[0-9+(). \t\n\f\r-]+").fillna(False)
    zip_ok = trim_whitespace(raw["zip"]).str.fullmatch(r"\d{3,5}(?:-\d{4})?").fillna(False).astype(bool)
    zip_digits = trim_whitespace(raw["zip"]).str.extract(r"^(\d+)")[0]
    content = pd.DataFrame(
        {
            "first": clean_text(raw["firstName"]).str.lower(),
            "last": clean_text(raw["lastName"]).str.lower(),
            "email": df["email"],
            "a1": clean_text(raw["address1"]),
            "a2": clean_text(raw["address2"]),
            "phone": ("+1" + phone).where(phone_ok.astype(bool)),
            "zip": zip_digits.str.rjust(5, "0").where(zip_ok),
            "birth": parse_date(raw["birthdate"]),
        }
    )
    df = pd.concat([df, content.add_prefix("c_")], axis=1)
    df["usable"] = ~is_blank(raw["id"])
    df["outcome"] = resolve_versions(
        df,
        ["customer_id"],
        list(df.columns[df.columns.str.startswith("c_")]),
        order=["load_date", "row_in_file"],
        group_by="load_date",
        newest_first=True,
    )
    return df


def check_pos_orders(raw: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "order_id": clean_text(raw["id"]),
            "customer_id": clean_text(raw["customer_id"]),
            "order_date": parse_date(raw["datePlaced"]),
            "shipped_date": parse_date(raw["dateShipped"]),
            "load_date": raw["load_date"],
            "row_in_file": raw["row_in_file"],
        }
    )
    df["usable"] = ~(
        is_blank(raw["id"])
        | df["order_date"].isna()  # missing_key, missing/invalid_date
        | ~plausible(df["order_date"])
    )  # implausible_date
    df["outcome"] = resolve_versions(
        df,
        ["order_id"],
        ["order_id", "customer_id", "order_date", "shipped_date"],
        order=["load_date", "row_in_file"],
    )
    return df


def check_pos_orderlines(raw: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """POS order lines (slv_pos_orderlines__checked): every row of an order in one drop is a
    line (``line_number`` by position, repeated scans included); re-sends are judged per
    order across drops: the first drop's version counts, a later drop with the same multiset
    of (product, quantity) is a duplicate, with other lines it is quarantined."""
    df = pd.DataFrame(
        {
            "order_id": clean_text(raw["order_id"]),
            "product_id": clean_text(raw["product_id"]),
            "quantity": parse_integer(raw["quantity"]),
            "load_date": raw["load_date"],
            "row_in_file": raw["row_in_file"],
        }
    ).sort_values(["load_date", "row_in_file"], kind="stable")
    df["line_number"] = df.groupby(["order_id", "load_date"], dropna=False).cumcount() + 1
    usable_orders, usable_products = usable_keys(orders, "order_id"), usable_keys(products, "product_id")
    df["usable"] = (
        df["order_id"].isin(usable_orders)
        & df["product_id"].isin(usable_products)
        & df["quantity"].notna()
        & (df["quantity"] != 0).fillna(False)
    ).astype(bool)
    # the multiset of an order's lines in one drop (NULL contents left out, as array_to_string does)
    quantity_text = df["quantity"].astype("string").fillna(normalize_whitespace(raw["quantity"])).fillna("")
    content = df["product_id"] + ":" + quantity_text
    versions = (
        content.dropna()
        .groupby([df["order_id"], df["load_date"]])
        .agg(lambda values: "\x1f".join(sorted(values)))
        .rename("lines")
    )
    versions = versions.reindex(
        df.dropna(subset=["order_id"])[["order_id", "load_date"]]
        .drop_duplicates()
        .set_index(["order_id", "load_date"])
        .index,
        fill_value="",
    )
    firsts = versions.reset_index().sort_values("load_date").drop_duplicates("order_id").set_index("order_id")
    mine = pd.Series(
        versions.reindex(pd.MultiIndex.from_frame(df[["order_id", "load_date"]])).to_numpy(), index=df.index
    )
    first_date = df["order_id"].map(firsts["load_date"])
    first_lines = df["order_id"].map(firsts["lines"])
    resend = (df["order_id"].notna() & (df["load_date"] != first_date)).to_numpy(dtype=bool)
    same = (mine == first_lines).fillna(False).to_numpy(dtype=bool)
    usable = df["usable"].to_numpy(dtype=bool)
    df["outcome"] = np.select(
        [~usable, resend & same, resend], ["quarantined", "duplicate", "quarantined"], default="silver"
    )
    return df


def _mariadb_versions(df: pd.DataFrame, key: str, content: list[str]) -> pd.Series:
    """Latest extraction of a key wins. ``content`` may hold columns as landed: copies of a
    key inside one extraction (which a primary key rules out) are all that it decides."""
    return resolve_versions(
        df,
        [key],
        content,
        order=["extraction_id", "row_in_file"],
        group_by="extraction_id",
        newest_first=True,
        latest_read_only=True,
    )


def check_mariadb(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    customers = tables["Customers"].copy()
    customers["email_clean"] = clean_email(customers["email"])
    customers["usable"] = customers["customer_id"].notna()
    customers["outcome"] = _mariadb_versions(
        customers,
        "customer_id",
        [
            "customer_id",
            "first_name",
            "last_name",
            "email_clean",
            "city",
            "state",
            "zipcode",
            "registration_date",
        ],
    )

    categories = tables["Categories"].copy()
    categories["category_name"] = clean_text(categories["category_name"])
    categories["usable"] = categories["category_id"].notna()
    categories["outcome"] = _mariadb_versions(categories, "category_id", ["category_id", "category_name"])
    known_categories = usable_keys(categories, "category_id")

    products = tables["Products"].copy()
    products["product_name"] = clean_text(products["product_name"])
    products["category_id"] = products["category_id"].where(products["category_id"].isin(known_categories))
    products["usable"] = (
        products["product_id"].notna()
        & products["price_cents"].notna()
        & (products["price_cents"] >= 0).fillna(False)
    ).astype(bool)
    products["outcome"] = _mariadb_versions(
        products, "product_id", ["product_id", "product_name", "price_cents", "category_id", "supplier_id"]
    )

    orders = tables["Orders"].copy()
    orders["order_date"] = orders["order_date"].astype("datetime64[s]")
    orders["usable"] = (
        orders["order_id"].notna() & orders["order_date"].notna() & plausible(orders["order_date"])
    )
    orders["outcome"] = _mariadb_versions(
        orders, "order_id", ["order_id", "customer_id", "total_amount_cents", "order_date"]
    )

    items = tables["Order_Items"].copy()
    usable_orders, usable_products = usable_keys(orders, "order_id"), usable_keys(products, "product_id")
    quantity = pd.to_numeric(items["quantity"], errors="coerce").astype("Int64")
    items["quantity"] = quantity
    items["usable"] = (
        items["order_item_id"].notna()
        & items["order_id"].isin(usable_orders)
        & items["product_id"].isin(usable_products)
        & quantity.notna()
        & (quantity != 0).fillna(False)
        & items["price_cents"].notna()
        & (items["price_cents"] >= 0).fillna(False)
    ).astype(bool)
    items["outcome"] = _mariadb_versions(
        items, "order_item_id", ["order_item_id", "order_id", "product_id", "quantity", "price_cents"]
    )
    return {
        "Customers": customers,
        "Categories": categories,
        "Products": products,
        "Orders": orders,
        "Order_Items": items,
    }


@dataclass
class Silver:
    """The conformed entities the documents are built from."""

    customers: pd.DataFrame  # source_system, source_customer_id, anchor_record, customer_key
    products: pd.DataFrame  # product_key, source_system, source_product_id, name, category, channel
    orders: pd.DataFrame  # order_key, source ids, channel, dates, customer_key
    lines: pd.DataFrame  # order_line_key, order_key, product_key, quantity, unit/line cents, ...
    outcomes: dict[str, dict[str, int]]


def _folded_name(first: pd.Series, last: pd.Series) -> pd.Series:
    """strip_accents(lower(concat_ws(' ', first, last))): the name the identity guard compares."""
    joined = first.fillna("").str.cat(last.fillna(""), sep=" ").str.strip(" ")
    joined = joined.where(first.notna() & last.notna(), first.fillna(last).fillna(""))
    return joined.str.lower().map(
        lambda text: "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    )


def match_customers(
    online: pd.DataFrame, store: pd.DataFrame, max_records_per_email: int = 3
) -> pd.DataFrame:
    """Identity resolution (slv_customers__matched): records sharing a normalized email are
    one customer, anchored on the online account first, else the lowest store id. Guard:
    an email shared by more than ``max_records_per_email`` (var
    identity_max_records_per_email) records whose names differ links none of them."""
    records = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_system": "mariadb",
                    "priority": 1,
                    "source_customer_id": online["customer_id"],
                    "email": online["email_clean"],
                    "name": _folded_name(clean_text(online["first_name"]), clean_text(online["last_name"])),
                }
            ),
            pd.DataFrame(
                {
                    "source_system": "pos",
                    "priority": 2,
                    "source_customer_id": store["customer_id"],
                    "email": store["email"],
                    "name": _folded_name(store["c_first"], store["c_last"]),
                }
            ),
        ],
        ignore_index=True,
    )
    records["record"] = records["source_system"] + ":" + records["source_customer_id"]
    use = (
        records.dropna(subset=["email"]).groupby("email").agg(n=("record", "size"), names=("name", "nunique"))
    )
    refused = set(use.index[(use["n"] > max_records_per_email) & (use["names"] > 1)])
    records["link_email"] = records["email"].where(~records["email"].isin(refused))
    first = (
        records.dropna(subset=["link_email"])
        .sort_values(["priority", "source_customer_id"])
        .drop_duplicates("link_email")
        .set_index("link_email")["record"]
    )
    records["anchor_record"] = records["link_email"].map(first).fillna(records["record"])
    records["customer_key"] = surrogate_key(records["anchor_record"])
    return records[["source_system", "source_customer_id", "anchor_record", "customer_key"]]


def store_categories(products: pd.DataFrame, keywords: pd.DataFrame) -> pd.Series:
    """Category of a POS product from the keyword crosswalk seed: longest keyword first."""
    category = pd.Series(pd.NA, index=products.index, dtype=object)
    names = products["product_name"].str.lower()
    ranked = keywords.assign(length=keywords["keyword"].str.len()).sort_values(
        ["length", "keyword"], ascending=[False, True]
    )
    for keyword, name in zip(ranked["keyword"], ranked["category_name"], strict=True):
        hit = names.str.contains(keyword, regex=False).fillna(False).astype(bool) & category.isna()
        category[hit] = name
    return category


def clean(landing: Landing) -> Silver:
    """Checked entities (every row with its outcome), then the conformed silver tables."""
    pos = landing.pos
    pos_products = check_pos_products(pos["product"])
    pos_customers = check_pos_customers(pos["customer"])
    pos_orders = check_pos_orders(pos["order"])
    pos_lines = check_pos_orderlines(pos["orderline"], pos_orders, pos_products)
    checked = {
        "pos.product": pos_products,
        "pos.customer": pos_customers,
        "pos.order": pos_orders,
        "pos.orderline": pos_lines,
        **{f"mariadb.{table}": df for table, df in check_mariadb(landing.mariadb).items()},
    }
    silver = {name: df[df["outcome"] == "silver"] for name, df in checked.items()}
    outcomes = {
        name: {k: int(v) for k, v in df["outcome"].value_counts().items()} for name, df in checked.items()
    }

    matched = match_customers(silver["mariadb.Customers"], silver["pos.customer"])

    # products of both catalogs (slv_products / dim_product)
    online_products = silver["mariadb.Products"]
    category_names = silver["mariadb.Categories"].set_index("category_id")["category_name"]
    store_products = silver["pos.product"]
    products = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_system": "mariadb",
                    "channel": "online",
                    "source_product_id": online_products["product_id"],
                    "product_name": online_products["product_name"],
                    "category_name": online_products["category_id"].map(category_names),
                }
            ),
            pd.DataFrame(
                {
                    "source_system": "pos",
                    "channel": "store",
                    "source_product_id": store_products["product_id"],
                    "product_name": store_products["product_name"],
                    "category_name": store_categories(store_products, landing.keywords),
                }
            ),
        ],
        ignore_index=True,
    )
    products["category_name"] = products["category_name"].fillna("Uncategorized")
    products["product_key"] = surrogate_key(products["source_system"], products["source_product_id"])

    # orders of both channels (slv_orders), against the unknown customer when unmatched
    online_orders, store_orders = silver["mariadb.Orders"], silver["pos.order"]
    orders = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_system": "mariadb",
                    "channel": "online",
                    "source_order_id": online_orders["order_id"],
                    "source_customer_id": online_orders["customer_id"],
                    "order_date": online_orders["order_date"],
                    "shipped_date": pd.Series(pd.NaT, index=online_orders.index, dtype="datetime64[s]"),
                }
            ),
            pd.DataFrame(
                {
                    "source_system": "pos",
                    "channel": "store",
                    "source_order_id": store_orders["order_id"],
                    "source_customer_id": store_orders["customer_id"],
                    "order_date": store_orders["order_date"],
                    "shipped_date": store_orders["shipped_date"],
                }
            ),
        ],
        ignore_index=True,
    )
    orders["order_key"] = surrogate_key(orders["source_system"], orders["source_order_id"])
    orders = orders.merge(
        matched[["source_system", "source_customer_id", "customer_key"]],
        on=["source_system", "source_customer_id"],
        how="left",
    )
    orders["customer_key"] = orders["customer_key"].fillna(UNKNOWN)

    # order lines (slv_order_lines): online lines carry their price; store lines take the
    # POS price of the latest drop on or before the order date (first known price before)
    items = silver["mariadb.Order_Items"].merge(
        online_orders[["order_id", "order_date"]], on="order_id", how="inner"
    )
    online_lines = pd.DataFrame(
        {
            "source_system": "mariadb",
            "channel": "online",
            "source_line_id": items["order_item_id"],
            "source_order_id": items["order_id"],
            "source_product_id": items["product_id"],
            "quantity": items["quantity"],
            "unit_cents": items["price_cents"],
            "order_date": items["order_date"],
            "order_line_key": surrogate_key("mariadb", items["order_item_id"]),
        }
    )
    history = pos_products.loc[
        pos_products["outcome"].isin(["silver", "superseded"]), ["product_id", "load_date", "price_cents"]
    ]
    store_lines = silver["pos.orderline"].merge(store_orders[["order_id", "order_date"]], on="order_id")
    store_lines = price_store_lines(store_lines, history)
    store_lines = pd.DataFrame(
        {
            "source_system": "pos",
            "channel": "store",
            "source_line_id": store_lines["order_id"] + "|" + store_lines["line_number"].astype(str),
            "source_order_id": store_lines["order_id"],
            "source_product_id": store_lines["product_id"],
            "quantity": store_lines["quantity"],
            "unit_cents": store_lines["price_cents"],
            "order_date": store_lines["order_date"],
            "order_line_key": surrogate_key("pos", store_lines["order_id"], store_lines["line_number"]),
        }
    )
    lines = pd.concat([online_lines, store_lines], ignore_index=True)
    lines["quantity"] = lines["quantity"].astype("int64")
    lines["unit_cents"] = lines["unit_cents"].astype("int64")
    lines["line_cents"] = lines["quantity"] * lines["unit_cents"]
    lines["is_return"] = lines["quantity"] < 0
    lines = lines.merge(
        orders[["source_system", "source_order_id", "order_key", "customer_key"]],
        on=["source_system", "source_order_id"],
        how="left",
    )
    lines = lines.merge(
        products[["source_system", "source_product_id", "product_key"]],
        on=["source_system", "source_product_id"],
        how="left",
    )
    customers = matched.drop_duplicates("customer_key")[["customer_key", "anchor_record"]]
    return Silver(customers, products, orders, lines, outcomes)


def price_store_lines(lines: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """``price_cents`` of each store line: the price of the product's latest drop on or
    before the order date, or its first known price for orders placed before that."""
    history = history.rename(columns={"load_date": "valid_from"}).astype({"valid_from": "datetime64[s]"})
    lines = lines.reset_index(drop=True).astype({"order_date": "datetime64[s]"})
    lines["_line"] = lines.index
    priced = pd.merge_asof(
        lines.sort_values("order_date"),
        history.sort_values("valid_from"),
        left_on="order_date",
        right_on="valid_from",
        by="product_id",
        direction="backward",
    )
    first_price = history.sort_values("valid_from").drop_duplicates("product_id").set_index("product_id")
    before_first = priced["price_cents"].isna()
    priced.loc[before_first, "price_cents"] = priced.loc[before_first, "product_id"].map(
        first_price["price_cents"]
    )
    return priced.sort_values("_line").drop(columns=["_line", "valid_from"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# documents (models/gold/documents/doc_customer_purchase_history.sql, doc_product_sales.sql)
# --------------------------------------------------------------------------------------------
def _money(cents: pd.Series) -> pd.Series:
    return cents.astype("float64") / 100


def _records(df: pd.DataFrame) -> list[dict]:
    """``to_dict("records")`` with missing values as None (NaN/NaT must not reach MongoDB)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _grouped(records: list[dict], keys: pd.Series) -> dict[str, list[dict]]:
    """Records (already sorted by ``keys``) as lists per key."""
    out: dict[str, list[dict]] = {}
    for key, record in zip(keys, records, strict=True):
        out.setdefault(key, []).append(record)
    return out


def build_documents(silver: Silver) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The two document collections as DataFrames (one row per document, nested columns as
    lists of dicts), and the exact figures for the correctness check."""
    lines, orders, products = silver.lines, silver.orders, silver.products
    names = products.set_index("product_key")[["product_name", "category_name"]]
    lines = lines.join(names, on="product_key")

    # purchase history: every order (oldest first) with its lines, per unified customer
    lines = lines.sort_values(["order_key", "source_line_id", "order_line_key"])
    line_records = _records(
        lines[
            ["order_line_key", "product_key", "product_name", "category_name", "quantity", "is_return"]
        ].assign(unit_price=_money(lines["unit_cents"]), line_amount=_money(lines["line_cents"]))
    )
    lines_of_order = _grouped(line_records, lines["order_key"])
    totals = lines.groupby("order_key").agg(
        line_count=("line_cents", "size"), revenue_cents=("line_cents", "sum")
    )
    orders = orders.join(totals, on="order_key")  # an order whose lines were all quarantined: 0 lines
    orders[["line_count", "revenue_cents"]] = (
        orders[["line_count", "revenue_cents"]].fillna(0).astype("int64")
    )
    known = orders[orders["customer_key"] != UNKNOWN].sort_values(["customer_key", "order_date", "order_key"])
    order_records = _records(
        known[["order_key", "source_order_id", "channel", "order_date", "shipped_date"]].assign(
            revenue=_money(known["revenue_cents"])
        )
    )
    for record in order_records:
        record["lines"] = lines_of_order.get(record["order_key"], [])
    orders_of_customer = _grouped(order_records, known["customer_key"])
    per_customer = known.groupby("customer_key").agg(
        order_count=("order_key", "size"),
        line_count=("line_count", "sum"),
        revenue_cents=("revenue_cents", "sum"),
        first_order_date=("order_date", "min"),
        last_order_date=("order_date", "max"),
    )
    history = silver.customers.join(per_customer, on="customer_key")
    history[["order_count", "line_count", "revenue_cents"]] = (
        history[["order_count", "line_count", "revenue_cents"]].fillna(0).astype("int64")
    )
    history_docs = pd.DataFrame(
        {
            "_id": history["customer_key"],
            "order_count": history["order_count"],
            "line_count": history["line_count"],
            "revenue": _money(history["revenue_cents"]),
            "first_order_date": history["first_order_date"],
            "last_order_date": history["last_order_date"],
            "orders": [orders_of_customer.get(key, []) for key in history["customer_key"]],
        }
    )

    # product sales: summary over every line, and the known customers who bought it
    signed = lines.assign(
        returned=np.where(lines["is_return"], -lines["quantity"], 0),
        gross_cents=np.where(lines["is_return"], 0, lines["line_cents"]),
        returns_cents=np.where(lines["is_return"], lines["line_cents"], 0),
        known_customer=lines["customer_key"].where(lines["customer_key"] != UNKNOWN),
    )
    summary = signed.groupby("product_key").agg(
        order_count=("order_key", "nunique"),
        customer_count=("known_customer", "nunique"),
        units=("quantity", "sum"),
        units_returned=("returned", "sum"),
        gross_cents=("gross_cents", "sum"),
        returns_cents=("returns_cents", "sum"),
        revenue_cents=("line_cents", "sum"),
        first_sold_date=("order_date", "min"),
        last_sold_date=("order_date", "max"),
    )
    buyers = (
        signed[signed["customer_key"] != UNKNOWN]
        .groupby(["product_key", "customer_key"], as_index=False)
        .agg(
            order_count=("order_key", "nunique"),
            units=("quantity", "sum"),
            revenue_cents=("line_cents", "sum"),
            last_purchase_date=("order_date", "max"),
        )
        .sort_values(["product_key", "revenue_cents", "customer_key"], ascending=[True, False, True])
    )
    buyer_records = _records(
        buyers[["customer_key", "order_count", "units", "last_purchase_date"]].assign(
            revenue=_money(buyers["revenue_cents"])
        )
    )
    buyers_of_product = _grouped(buyer_records, buyers["product_key"])
    sales = products.join(summary, on="product_key")
    counts = [
        "order_count",
        "customer_count",
        "units",
        "units_returned",
        "gross_cents",
        "returns_cents",
        "revenue_cents",
    ]
    sales[counts] = sales[counts].fillna(0).astype("int64")
    summary_records = _records(
        pd.DataFrame(
            {
                "order_count": sales["order_count"],
                "customer_count": sales["customer_count"],
                "units": sales["units"],
                "units_returned": sales["units_returned"],
                "gross_amount": _money(sales["gross_cents"]),
                "returns_amount": _money(sales["returns_cents"]),
                "revenue": _money(sales["revenue_cents"]),
                "first_sold_date": sales["first_sold_date"],
                "last_sold_date": sales["last_sold_date"],
            }
        )
    )
    sales_docs = pd.DataFrame(
        {
            "_id": sales["product_key"],
            "product_name": sales["product_name"],
            "category_name": sales["category_name"],
            "channel": sales["channel"],
            "summary": summary_records,
            "customers": [buyers_of_product.get(key, []) for key in sales["product_key"]],
        }
    )

    product_ids = sales["source_system"] + ":" + sales["source_product_id"]
    figures = {
        "documents": {"customer_purchase_history": len(history_docs), "product_sales": len(sales_docs)},
        "revenue_per_customer": dict(
            zip(history["anchor_record"], map(cents_to_str, history["revenue_cents"]), strict=True)
        ),
        "order_count_per_customer": dict(
            zip(history["anchor_record"], map(int, history["order_count"]), strict=True)
        ),
        "revenue_per_product": dict(zip(product_ids, map(cents_to_str, sales["revenue_cents"]), strict=True)),
        "units_per_product": dict(zip(product_ids, map(int, sales["units"]), strict=True)),
    }
    return history_docs, sales_docs, figures


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------
COLLECTIONS = ("customer_purchase_history", "product_sales")


def write_parquet(docs: dict[str, pd.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, df in docs.items():
        df.to_parquet(out / f"{name}.parquet", index=False, compression="zstd")


def write_mongodb(docs: dict[str, pd.DataFrame], uri: str) -> dict[str, float]:
    """Replace each collection's documents: delete_many + insert_many of to_dict('records').
    Returns the seconds spent deleting and inserting (deleting is what a re-run pays)."""
    from pymongo import MongoClient

    spent = {"delete_many_s": 0.0, "insert_many_s": 0.0}
    with MongoClient(uri) as client:
        db = client.get_default_database(default="aethermart_pandas")
        for name, df in docs.items():
            collection = db[name]
            started = time.perf_counter()
            collection.delete_many({})
            spent["delete_many_s"] += time.perf_counter() - started
            started = time.perf_counter()
            records = _records(df)
            if records:
                collection.insert_many(records, ordered=False)
            spent["insert_many_s"] += time.perf_counter() - started
    return {key: round(value, 3) for key, value in spent.items()}


def run(landing: Path, out: Path, mongodb_uri: str | None = None) -> dict:
    """The whole baseline; returns the result (timings, counts, exact figures)."""
    return run_document_baseline("pandas", pd.__version__, sys.modules[__name__], landing, out, mongodb_uri)


def main(argv: Sequence[str] | None = None) -> int:
    return baseline_main("pandas", (__doc__ or "").split("\n")[0], run, argv)


if __name__ == "__main__":
    sys.exit(main())
