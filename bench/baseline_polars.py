r"""Baseline "polars" of the benchmark: the same job as bench/baseline_pandas.py, in polars.

    python -m bench.baseline_polars --landing DIR --out DIR [--mongodb-uri URI] [--result FILE.json]

It mirrors ``bench.baseline_pandas`` function by function (same cleaning, de-duplication,
versioning and identity rules, the same two documents ``customer_purchase_history`` and
``product_sales``), written the way a polars user would: expressions and the lazy API
(``scan_parquet``, one ``LazyFrame`` plan per step, ``collect`` where a step's result is
reused), Rust regular expressions (``\p{Z}``, ``\p{Cc}``, ``\p{Cf}`` work as they do in
silver's RE2 patterns), ``join_asof`` for the store price history, ``group_by`` +
``agg(pl.struct(...))`` for the nested documents. The documents go to Parquet under
``--out`` and, with ``--mongodb-uri``, to MongoDB (``delete_many`` + ``insert_many`` of
``to_dicts()``), as the pandas baseline does; ``bench.baseline_common.compare_to_gold``
checks the answer against our gold before its time is reported.

Where polars needs help (the same places a user would write them):

* CSV bytes that are not UTF-8 are decoded as Windows-1252 by Python's codec machinery
  (polars only offers a lossy UTF-8 reader) before ``pl.read_csv`` parses the text.
* Records with more fields than the header are dropped and counted, as bronze rejects them:
  polars has no "skip bad lines", so the header is given one extra column and a record
  whose extra field is not empty is dropped (a record whose extra field is empty is not
  caught; the generator's unquoted commas always have text after them).
* ``md5`` (gold's surrogate keys) has no polars expression: ``hashlib`` over the batch.
"""

from __future__ import annotations

import functools
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from bench.baseline_common import baseline_main, cents_to_str, run_document_baseline
from bench.baseline_pandas import MARIADB_TABLES, POS_COLUMNS, UNKNOWN, _current_extractions

__all__ = ["Landing", "main", "run"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

# --------------------------------------------------------------------------------------------
# cleaning helpers: one per macro in macros/cleaning, as polars expressions. Rust's regex
# crate knows the Unicode classes silver's RE2 patterns use.
# --------------------------------------------------------------------------------------------
_EDGE = r"[\s\p{Z}\p{Cc}\p{Cf}]+"
EDGES = f"^{_EDGE}|{_EDGE}$"  # macros/cleaning/trim_whitespace.sql
FORMAT = r"\p{Cf}+"  # zero-width space, BOM, ...: removed
WS = r"[\s\p{Zs}\p{Zl}\p{Zp}\p{Cc}]+"  # runs of white space: one space
EMAIL = r"^[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$"
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_TIME_OF_DAY = (
    r"[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$"
)


@functools.cache
def placeholder_email_pattern() -> str:
    """The seed placeholder_email_patterns as one anchored regular expression."""
    patterns = sorted(
        pl.read_csv(SEEDS / "placeholder_email_patterns.csv", infer_schema=False)["pattern"].drop_nulls()
    )
    return "^(?:" + "|".join(f"(?:{pattern})" for pattern in patterns) + ")$"


def trim_whitespace(e: pl.Expr) -> pl.Expr:
    """Every Unicode white space, control and format character trimmed from both ends."""
    return e.str.replace_all(EDGES, "")


def normalize_whitespace(e: pl.Expr) -> pl.Expr:
    """Format characters removed, runs of white space made one space, both ends trimmed."""
    return e.str.replace_all(FORMAT, "").str.replace_all(WS, " ").str.strip_chars(" ")


def is_blank(e: pl.Expr) -> pl.Expr:
    """Missing, empty, only white space, or the literal ``NULL`` (any case)."""
    return normalize_whitespace(e).str.to_uppercase().is_in(["", "NULL"]).fill_null(True)


def clean_text(e: pl.Expr) -> pl.Expr:
    """White space normalized; missing for blank values."""
    return pl.when(~is_blank(e)).then(normalize_whitespace(e))


def clean_email(e: pl.Expr) -> pl.Expr:
    """Trimmed lower-case email of a valid shape that is not a placeholder; else missing."""
    email = trim_whitespace(e).str.to_lowercase()
    usable = email.str.contains(EMAIL) & ~email.str.contains(placeholder_email_pattern())
    return pl.when(usable).then(email)


def parse_integer(e: pl.Expr) -> pl.Expr:
    """Whole numbers with an optional sign (``2.5``, ``1e3``, ``1,5`` are not)."""
    v = trim_whitespace(e)
    return pl.when(v.str.contains(r"^[+-]?[0-9]{1,18}$")).then(
        v.str.strip_chars_start("+").str.to_integer(strict=False)
    )


def parse_money_cents(e: pl.Expr) -> pl.Expr:
    """``$1,299.00`` -> 129900: ``$``, thousands separators and spaces stripped, at most two
    decimals and ten digits before the point, an optional leading minus."""
    v = trim_whitespace(e).str.replace_all(r"[$, ]", "")
    pattern = r"^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$"
    sign, digits = v.str.extract(pattern, 1), v.str.extract(pattern, 2)
    frac = v.str.extract(pattern, 3)
    whole = digits.str.strip_chars_start("0")
    units = pl.when(whole == "").then(pl.lit("0")).otherwise(whole).str.to_integer(strict=False)
    cents = frac.fill_null("0").str.pad_end(2, "0").str.to_integer(strict=False)
    signed = (units * 100 + cents) * pl.when(sign == "-").then(-1).otherwise(1)
    return pl.when(digits.is_not_null() & (whole.str.len_chars() <= 10)).then(signed).cast(pl.Int64)


def plausible(e: pl.Expr) -> pl.Expr:
    """silver's plausibility window (macro plausible_date_window, default vars)."""
    today = datetime.now(UTC).date()
    upper = (
        today.replace(year=today.year + 1)
        if (today.month, today.day) != (2, 29)
        else date(today.year + 1, 3, 1)
    )
    return (e >= date(1990, 1, 1)) & (e <= upper)


def _pivot_year(two_digits: pl.Expr) -> pl.Expr:
    y = two_digits.cast(pl.Int32, strict=False)
    return y + pl.when(y < 50).then(2000).otherwise(1900)


def _month_number(abbreviation: pl.Expr) -> pl.Expr:
    return abbreviation.str.to_lowercase().replace_strict(MONTHS, default=None, return_dtype=pl.Int32)


def parse_date(e: pl.Expr) -> pl.Expr:
    """The POS renderings of a date (see macros/cleaning/parse_date.sql); null when the text
    is not a real calendar date (2025-02-30 stays invalid)."""
    v = trim_whitespace(e).str.replace(_TIME_OF_DAY, "")  # 12/1/10 8:26 -> 12/1/10

    def ymd(pattern: str, year: int | pl.Expr, month: int | pl.Expr, day: int | pl.Expr) -> pl.Expr:
        """``YYYY-M-D`` text of the parts (capture group numbers or expressions) where ``pattern`` matches."""
        parts = [v.str.extract(pattern, p) if isinstance(p, int) else p for p in (year, month, day)]
        text = pl.format("{}-{}-{}", *(p.cast(pl.Int32, strict=False) for p in parts))
        return pl.when(v.str.contains(pattern)).then(text)

    iso = r"^(\d{4})-(\d{1,2})-(\d{1,2})$"
    us = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"  # 03/05/2024, 03-05-2024
    short = r"^(\d{1,2})/(\d{1,2})/(\d{2})$"  # 3/5/24
    dmy = r"^(\d{1,2})-([A-Za-z]{3})-(\d{2})$"  # 05-Mar-24
    named = r"^([A-Za-z]{3})[A-Za-z]{0,6}\.? (\d{1,2}), (\d{4})$"  # March 5, 2024
    text = pl.coalesce(
        ymd(iso, 1, 2, 3),
        ymd(us, 3, 1, 2),
        ymd(short, _pivot_year(v.str.extract(short, 3)), 1, 2),
        ymd(dmy, _pivot_year(v.str.extract(dmy, 3)), _month_number(v.str.extract(dmy, 2)), 1),
        ymd(named, 3, _month_number(v.str.extract(named, 1)), 2),
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def surrogate_key(*parts: pl.Expr | str) -> pl.Expr:
    """md5 of the parts joined by ``-`` (dbt's generate_surrogate_key): gold's ``_id`` values.
    polars has no md5 expression: ``hashlib`` over each batch."""
    joined = pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts], separator="-")
    return joined.map_batches(
        lambda s: pl.Series([hashlib.md5(t.encode()).hexdigest() for t in s.to_list()], dtype=pl.String),
        return_dtype=pl.String,
    )


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------
@dataclass
class Landing:
    """Everything read from the landing zone, as polars frames."""

    pos: dict[str, pl.DataFrame]
    mariadb: dict[str, pl.DataFrame]
    keywords: pl.DataFrame
    rejected_lines: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(df.height for df in [*self.pos.values(), *self.mariadb.values()])


def read_pos_file(path: Path, columns: Sequence[str]) -> tuple[pl.DataFrame, dict[str, int]]:
    """One POS CSV as text columns in file order; records with more fields than the header
    (bronze rejects them) are dropped and counted. Bytes that are not UTF-8 are decoded as
    Windows-1252 (the pandas baseline's registered codec error handler), as bronze recovers them."""
    import bench.baseline_pandas  # noqa: F401  registers the "bench-cp1252" codec error handler

    text = path.read_bytes().decode("utf-8-sig", errors="bench-cp1252")
    header, _, body = text.partition("\n")
    found = header.rstrip("\r").split(",")
    if found != list(columns):
        raise ValueError(f"{path}: header {found} is not {list(columns)}")
    extra = "_extra_field"
    df = pl.read_csv(
        (",".join([*columns, extra]) + "\n" + body).encode(),
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
        schema=dict.fromkeys([*columns, extra], pl.String),
    )
    too_many = df[extra].is_not_null()
    df = df.filter(~too_many).drop(extra).with_columns(pl.all().fill_null(""))
    return df, {"too_many_fields": int(too_many.sum())}


def read_pos(landing: Path) -> tuple[dict[str, pl.DataFrame], dict[str, int]]:
    """Every drop of every POS entity, with ``load_date`` and ``row_in_file``."""
    frames: dict[str, list[pl.DataFrame]] = {entity: [] for entity in POS_COLUMNS}
    rejected = {"too_many_fields": 0}
    for drop in sorted((landing / "pos").glob("load_date=*")):
        load_date = date.fromisoformat(drop.name.split("=", 1)[1])
        for entity, columns in POS_COLUMNS.items():
            df, counts = read_pos_file(drop / f"{entity}.csv", columns)
            for reason, n in counts.items():
                rejected[reason] += n
            frames[entity].append(
                df.with_columns(load_date=pl.lit(load_date)).with_row_index("row_in_file", offset=1)
            )
    if not frames["order"]:
        raise FileNotFoundError(f"no POS drops under {landing / 'pos'}")
    return {entity: pl.concat(dfs) for entity, dfs in frames.items()}, rejected


def read_mariadb_table(landing: Path, table: str) -> pl.DataFrame:
    """A table's current extractions: ``*_id`` as text, DECIMAL as integer cents (``*_cents``),
    with ``extraction_id`` and ``row_in_file``."""
    frames = []
    for folder in _current_extractions(landing / "mariadb" / table):
        for path in sorted(folder.glob("*.parquet")):
            lf = pl.scan_parquet(path)
            schema = lf.collect_schema()
            columns = []
            for name, dtype in schema.items():
                if name.endswith("_id"):  # ids are text natural keys, as in silver
                    columns.append(pl.col(name).cast(pl.String))
                elif isinstance(dtype, pl.Decimal):
                    columns.append((pl.col(name) * 100).cast(pl.Int64).alias(f"{name}_cents"))
                else:
                    columns.append(pl.col(name))
            frames.append(
                lf.select(columns)
                .with_row_index("row_in_file", offset=1)
                .with_columns(extraction_id=pl.lit(folder.name.split("=", 1)[1]))
            )
    if not frames:
        raise FileNotFoundError(f"no extraction of {table} under {landing / 'mariadb'}")
    return pl.concat(frames, how="diagonal_relaxed").collect()


def read_landing(landing: Path) -> Landing:
    pos, rejected = read_pos(landing)
    mariadb = {table: read_mariadb_table(landing, table) for table in MARIADB_TABLES}
    keywords = pl.read_csv(SEEDS / "product_category_keywords.csv", infer_schema=False)
    return Landing(pos, mariadb, keywords, rejected)


# --------------------------------------------------------------------------------------------
# versions (macros/silver/resolve_versions.sql)
# --------------------------------------------------------------------------------------------
def resolve_versions(
    df: pl.DataFrame,
    keys: list[str],
    content: list[str],
    *,
    order: list[str],
    group_by: str | None = None,
    newest_first: bool = False,
    latest_read_only: bool = False,
) -> pl.DataFrame:
    """``df`` sorted in landing order with the ``outcome`` of every row: silver |
    quarantined | duplicate | superseded (the rules of bench.baseline_pandas.resolve_versions).

    ``df`` holds ``usable``; rows sharing the keys and ``group_by`` are copies (the first
    landed counts, an identical later copy is a duplicate, a differing one is quarantined);
    of the remaining versions of a key the newest (snapshots) or the first landed
    (transactions) is silver. ``latest_read_only``: only a key's latest ``group_by`` is current.
    """
    extra = [group_by] if group_by else []
    lf = df.lazy().sort(order, maintain_order=True).with_row_index("_idx")
    if latest_read_only and group_by:
        has_null_key = pl.any_horizontal(pl.col(k).is_null() for k in keys)
        candidate = (pl.col(group_by) == pl.col(group_by).max().over(keys)).fill_null(False) | has_null_key
    else:
        candidate = pl.lit(True)
    lf = lf.with_columns(
        _candidate=candidate, _usable=pl.col("usable").fill_null(False), _hash=pl.struct(content).hash()
    )
    copies = ["_candidate", "_usable", *keys, *extra]
    lf = lf.with_columns(
        _position=pl.int_range(pl.len()).over(copies), _first_hash=pl.col("_hash").first().over(copies)
    )
    # the first version of a key: among the first copies, the newest (snapshots) or first landed
    versions = ["_candidate", "_usable", *keys]
    firsts = lf.filter(pl.col("_position") == 0)
    if newest_first:
        firsts = firsts.sort([order[0], "_idx"], descending=[True, False])
    version_one = firsts.filter(pl.struct(versions).is_first_distinct()).select(
        "_idx", _version_one=pl.lit(True)
    )
    lf = lf.join(version_one, on="_idx", how="left").sort("_idx")
    outcome = (
        pl.when(~pl.col("_candidate"))
        .then(pl.lit("superseded"))
        .when(~pl.col("_usable"))
        .then(pl.lit("quarantined"))
        .when((pl.col("_position") > 0) & (pl.col("_hash") != pl.col("_first_hash")))
        .then(pl.lit("quarantined"))
        .when(pl.col("_position") > 0)
        .then(pl.lit("duplicate"))
        .when(pl.col("_version_one").fill_null(False))
        .then(pl.lit("silver"))
        .otherwise(pl.lit("superseded"))
    )
    return (
        lf.with_columns(outcome=outcome)
        .drop("_idx", "_candidate", "_usable", "_hash", "_position", "_first_hash", "_version_one")
        .collect()
    )


def usable_keys(checked: pl.DataFrame, key: str) -> pl.Series:
    """The keys of a parent entity that have a silver row: a child pointing anywhere else is
    quarantined (``orphan_fk`` when the key is unknown, ``parent_quarantined`` otherwise)."""
    return checked.filter(pl.col("outcome") == "silver")[key].drop_nulls().unique()


# --------------------------------------------------------------------------------------------
# cleaning: one function per silver checked model that the two documents need
# --------------------------------------------------------------------------------------------
def check_pos_products(raw: pl.DataFrame) -> pl.DataFrame:
    df = raw.select(
        product_id=clean_text(pl.col("id")),
        product_name=clean_text(pl.col("name")),
        price_cents=parse_money_cents(pl.col("currentPrice")),
        available_quantity=parse_integer(pl.col("availableQuantity")),
        load_date="load_date",
        row_in_file="row_in_file",
        _blank=is_blank(pl.col("id")) | is_blank(pl.col("currentPrice")),
    ).with_columns(name_lower=pl.col("product_name").str.to_lowercase())
    df = df.with_columns(
        usable=~(
            pl.col("_blank") | pl.col("price_cents").is_null() | (pl.col("price_cents") < 0).fill_null(False)
        )
    ).drop("_blank")
    content = ["product_id", "name_lower", "price_cents", "available_quantity"]
    return resolve_versions(
        df,
        ["product_id"],
        content,
        order=["load_date", "row_in_file"],
        group_by="load_date",
        newest_first=True,
    )


def check_pos_customers(raw: pl.DataFrame) -> pl.DataFrame:
    """POS customers: the id and the normalized email are what identity needs; the other
    cleaned columns (``c_*``) are compared to tell an exact copy from a conflicting one."""
    phone = pl.col("phone").str.replace_all(r"[^0-9]", "").str.replace(r"^1(\d{10})$", "${1}")
    phone_ok = (
        phone.str.contains(r"^[2-9]\d{2}[2-9]\d{6}$")
        & trim_whitespace(pl.col("phone")).str.contains(r"^[0-9+(). \t\n\f\r-]+$")
    ).fill_null(False)
    zip_text = trim_whitespace(pl.col("zip"))
    zip_ok = zip_text.str.contains(r"^\d{3,5}(?:-\d{4})?$").fill_null(False)
    df = raw.select(
        customer_id=clean_text(pl.col("id")),
        email=clean_email(pl.col("email")),
        load_date="load_date",
        row_in_file="row_in_file",
        c_first=clean_text(pl.col("firstName")).str.to_lowercase(),
        c_last=clean_text(pl.col("lastName")).str.to_lowercase(),
        c_email=clean_email(pl.col("email")),
        c_a1=clean_text(pl.col("address1")),
        c_a2=clean_text(pl.col("address2")),
        c_phone=pl.when(phone_ok).then(pl.lit("+1") + phone),
        c_zip=pl.when(zip_ok).then(zip_text.str.extract(r"^(\d+)", 1).str.pad_start(5, "0")),
        c_birth=parse_date(pl.col("birthdate")),
        usable=~is_blank(pl.col("id")),
    )
    content = [c for c in df.columns if c.startswith("c_")]
    return resolve_versions(
        df,
        ["customer_id"],
        content,
        order=["load_date", "row_in_file"],
        group_by="load_date",
        newest_first=True,
    )


def check_pos_orders(raw: pl.DataFrame) -> pl.DataFrame:
    df = raw.select(
        order_id=clean_text(pl.col("id")),
        customer_id=clean_text(pl.col("customer_id")),
        order_date=parse_date(pl.col("datePlaced")),
        shipped_date=parse_date(pl.col("dateShipped")),
        load_date="load_date",
        row_in_file="row_in_file",
        _blank=is_blank(pl.col("id")),
    )
    df = df.with_columns(
        usable=~(
            pl.col("_blank")
            | pl.col("order_date").is_null()  # missing_key, date
            | ~plausible(pl.col("order_date")).fill_null(False)
        )
    ).drop("_blank")
    return resolve_versions(
        df,
        ["order_id"],
        ["order_id", "customer_id", "order_date", "shipped_date"],
        order=["load_date", "row_in_file"],
    )


def check_pos_orderlines(raw: pl.DataFrame, orders: pl.DataFrame, products: pl.DataFrame) -> pl.DataFrame:
    """POS order lines (slv_pos_orderlines__checked): every row of an order in one drop is a
    line (``line_number`` by position, repeated scans included); re-sends are judged per
    order across drops: the first drop's version counts, a later drop with the same multiset
    of (product, quantity) is a duplicate, with other lines it is quarantined."""
    lines = (
        raw.lazy()
        .select(
            order_id=clean_text(pl.col("order_id")),
            product_id=clean_text(pl.col("product_id")),
            quantity=parse_integer(pl.col("quantity")),
            raw_quantity=normalize_whitespace(pl.col("quantity")),
            load_date="load_date",
            row_in_file="row_in_file",
        )
        .sort(["load_date", "row_in_file"], maintain_order=True)
        .with_columns(line_number=pl.int_range(1, pl.len() + 1).over(["order_id", "load_date"]))
    )
    lines = lines.with_columns(
        usable=(
            pl.col("order_id").is_in(usable_keys(orders, "order_id").implode())
            & pl.col("product_id").is_in(usable_keys(products, "product_id").implode())
            & pl.col("quantity").is_not_null()
            & (pl.col("quantity") != 0)
        ).fill_null(False)
    )
    # the multiset of an order's lines in one drop (NULL contents left out, as array_to_string does)
    content = (
        pl.col("product_id")
        + ":"
        + pl.coalesce(pl.col("quantity").cast(pl.String), pl.col("raw_quantity"), pl.lit(""))
    )
    versions = (
        lines.filter(pl.col("order_id").is_not_null())
        .group_by(["order_id", "load_date"])
        .agg(lines=content.drop_nulls().sort().str.join("\x1f"))
    )
    firsts = (
        versions.sort("load_date")
        .group_by("order_id", maintain_order=True)
        .first()
        .select("order_id", first_date="load_date", first_lines="lines")
    )
    lines = lines.join(versions, on=["order_id", "load_date"], how="left", nulls_equal=False).join(
        firsts, on="order_id", how="left"
    )
    resend = pl.col("order_id").is_not_null() & (pl.col("load_date") != pl.col("first_date")).fill_null(True)
    same = (pl.col("lines") == pl.col("first_lines")).fill_null(False)
    outcome = (
        pl.when(~pl.col("usable"))
        .then(pl.lit("quarantined"))
        .when(resend & same)
        .then(pl.lit("duplicate"))
        .when(resend)
        .then(pl.lit("quarantined"))
        .otherwise(pl.lit("silver"))
    )
    return (
        lines.with_columns(outcome=outcome)
        .drop("lines", "first_date", "first_lines", "raw_quantity")
        .sort(["load_date", "row_in_file"])
        .collect()
    )


def _mariadb_versions(df: pl.DataFrame, key: str, content: list[str]) -> pl.DataFrame:
    """Latest extraction of a key wins. ``content`` may hold columns as landed."""
    return resolve_versions(
        df,
        [key],
        content,
        order=["extraction_id", "row_in_file"],
        group_by="extraction_id",
        newest_first=True,
        latest_read_only=True,
    )


def check_mariadb(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    customers = tables["Customers"].with_columns(
        email_clean=clean_email(pl.col("email")), usable=pl.col("customer_id").is_not_null()
    )
    customers = _mariadb_versions(
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

    categories = tables["Categories"].with_columns(
        category_name=clean_text(pl.col("category_name")), usable=pl.col("category_id").is_not_null()
    )
    categories = _mariadb_versions(categories, "category_id", ["category_id", "category_name"])
    known_categories = usable_keys(categories, "category_id").implode()

    products = tables["Products"].with_columns(
        product_name=clean_text(pl.col("product_name")),
        category_id=pl.when(pl.col("category_id").is_in(known_categories)).then(pl.col("category_id")),
        usable=(
            pl.col("product_id").is_not_null()
            & pl.col("price_cents").is_not_null()
            & (pl.col("price_cents") >= 0)
        ).fill_null(False),
    )
    products = _mariadb_versions(
        products, "product_id", ["product_id", "product_name", "price_cents", "category_id", "supplier_id"]
    )

    orders = tables["Orders"].with_columns(pl.col("order_date").cast(pl.Date))
    orders = orders.with_columns(
        usable=(
            pl.col("order_id").is_not_null()
            & pl.col("order_date").is_not_null()
            & plausible(pl.col("order_date"))
        ).fill_null(False)
    )
    orders = _mariadb_versions(
        orders, "order_id", ["order_id", "customer_id", "total_amount_cents", "order_date"]
    )

    usable_orders = usable_keys(orders, "order_id").implode()
    usable_products = usable_keys(products, "product_id").implode()
    items = tables["Order_Items"].with_columns(pl.col("quantity").cast(pl.Int64, strict=False))
    items = items.with_columns(
        usable=(
            pl.col("order_item_id").is_not_null()
            & pl.col("order_id").is_in(usable_orders)
            & pl.col("product_id").is_in(usable_products)
            & pl.col("quantity").is_not_null()
            & (pl.col("quantity") != 0)
            & pl.col("price_cents").is_not_null()
            & (pl.col("price_cents") >= 0)
        ).fill_null(False)
    )
    items = _mariadb_versions(
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

    customers: pl.DataFrame  # customer_key, anchor_record
    products: pl.DataFrame  # product_key, source_system, source_product_id, name, category, channel
    orders: pl.DataFrame  # order_key, source ids, channel, dates, customer_key
    lines: pl.DataFrame  # order_line_key, order_key, product_key, quantity, unit/line cents, ...
    outcomes: dict[str, dict[str, int]]


def _folded_name(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """strip_accents(lower(concat_ws(' ', first, last))): the name the identity guard compares."""
    both = pl.concat_str([first.fill_null(""), last.fill_null("")], separator=" ").str.strip_chars(" ")
    joined = (
        pl.when(first.is_not_null() & last.is_not_null())
        .then(both)
        .otherwise(pl.coalesce(first, last, pl.lit("")))
    )
    return joined.str.to_lowercase().str.normalize("NFD").str.replace_all(r"\p{Mn}", "")


def match_customers(
    online: pl.DataFrame, store: pl.DataFrame, max_records_per_email: int = 3
) -> pl.DataFrame:
    """Identity resolution (slv_customers__matched): records sharing a normalized email are
    one customer, anchored on the online account first, else the lowest store id; an email
    shared by more than ``max_records_per_email`` records whose names differ links none."""
    records = pl.concat(
        [
            online.lazy().select(
                source_system=pl.lit("mariadb"),
                priority=pl.lit(1),
                source_customer_id="customer_id",
                email="email_clean",
                name=_folded_name(clean_text(pl.col("first_name")), clean_text(pl.col("last_name"))),
            ),
            store.lazy().select(
                source_system=pl.lit("pos"),
                priority=pl.lit(2),
                source_customer_id="customer_id",
                email="email",
                name=_folded_name(pl.col("c_first"), pl.col("c_last")),
            ),
        ]
    ).with_columns(record=pl.col("source_system") + ":" + pl.col("source_customer_id"))
    refused = (
        records.filter(pl.col("email").is_not_null())
        .group_by("email")
        .agg(n=pl.len(), names=pl.col("name").n_unique())
        .filter((pl.col("n") > max_records_per_email) & (pl.col("names") > 1))
        .select("email")
    )
    records = records.join(refused.with_columns(_refused=pl.lit(True)), on="email", how="left").with_columns(
        link_email=pl.when(pl.col("_refused").is_null()).then(pl.col("email"))
    )
    first = (
        records.filter(pl.col("link_email").is_not_null())
        .sort(["priority", "source_customer_id"])
        .group_by("link_email", maintain_order=True)
        .agg(first_record=pl.col("record").first())
    )
    return (
        records.join(first, on="link_email", how="left")
        .with_columns(anchor_record=pl.coalesce("first_record", "record"))
        .with_columns(customer_key=surrogate_key(pl.col("anchor_record")))
        .select("source_system", "source_customer_id", "anchor_record", "customer_key")
        .collect()
    )


def store_categories(products: pl.DataFrame, keywords: pl.DataFrame) -> pl.Expr:
    """Category of a POS product from the keyword crosswalk seed: longest keyword first."""
    ranked = keywords.sort([pl.col("keyword").str.len_chars(), "keyword"], descending=[True, False])
    name = pl.col("product_name").str.to_lowercase()
    return pl.coalesce(
        [
            pl.when(name.str.contains(keyword, literal=True)).then(pl.lit(category))
            for keyword, category in ranked.select("keyword", "category_name").iter_rows()
        ]
        + [pl.lit(None, dtype=pl.String)]
    )


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
    silver = {name: df.filter(pl.col("outcome") == "silver") for name, df in checked.items()}
    outcomes = {name: dict(df["outcome"].value_counts().iter_rows()) for name, df in checked.items()}

    matched = match_customers(silver["mariadb.Customers"], silver["pos.customer"])

    # products of both catalogs (slv_products / dim_product)
    categories = silver["mariadb.Categories"].select("category_id", category_name_online="category_name")
    online_products = silver["mariadb.Products"].lazy().join(categories.lazy(), on="category_id", how="left")
    products = (
        pl.concat(
            [
                online_products.select(
                    source_system=pl.lit("mariadb"),
                    channel=pl.lit("online"),
                    source_product_id="product_id",
                    product_name="product_name",
                    category_name="category_name_online",
                ),
                silver["pos.product"]
                .lazy()
                .select(
                    source_system=pl.lit("pos"),
                    channel=pl.lit("store"),
                    source_product_id="product_id",
                    product_name="product_name",
                    category_name=store_categories(silver["pos.product"], landing.keywords),
                ),
            ]
        )
        .with_columns(
            pl.col("category_name").fill_null("Uncategorized"),
            product_key=surrogate_key(pl.col("source_system"), pl.col("source_product_id")),
        )
        .collect()
    )

    # orders of both channels (slv_orders), against the unknown customer when unmatched
    online_orders, store_orders = silver["mariadb.Orders"], silver["pos.order"]
    orders = pl.concat(
        [
            online_orders.lazy().select(
                source_system=pl.lit("mariadb"),
                channel=pl.lit("online"),
                source_order_id="order_id",
                source_customer_id="customer_id",
                order_date="order_date",
                shipped_date=pl.lit(None, dtype=pl.Date),
            ),
            store_orders.lazy().select(
                source_system=pl.lit("pos"),
                channel=pl.lit("store"),
                source_order_id="order_id",
                source_customer_id="customer_id",
                order_date="order_date",
                shipped_date="shipped_date",
            ),
        ]
    ).with_columns(order_key=surrogate_key(pl.col("source_system"), pl.col("source_order_id")))
    orders = (
        orders.join(
            matched.lazy().select("source_system", "source_customer_id", "customer_key"),
            on=["source_system", "source_customer_id"],
            how="left",
        )
        .with_columns(pl.col("customer_key").fill_null(UNKNOWN))
        .collect()
    )

    # order lines (slv_order_lines): online lines carry their price; store lines take the
    # POS price of the latest drop on or before the order date (first known price before)
    online_lines = (
        silver["mariadb.Order_Items"]
        .lazy()
        .join(online_orders.lazy().select("order_id", "order_date"), on="order_id", how="inner")
        .select(
            source_system=pl.lit("mariadb"),
            channel=pl.lit("online"),
            source_line_id="order_item_id",
            source_order_id="order_id",
            source_product_id="product_id",
            quantity="quantity",
            unit_cents="price_cents",
            order_date="order_date",
            order_line_key=surrogate_key("mariadb", pl.col("order_item_id")),
        )
    )
    history = pos_products.filter(pl.col("outcome").is_in(["silver", "superseded"])).select(
        "product_id", valid_from="load_date", price_cents="price_cents"
    )
    store_lines = silver["pos.orderline"].join(store_orders.select("order_id", "order_date"), on="order_id")
    store_lines = (
        price_store_lines(store_lines, history)
        .lazy()
        .select(
            source_system=pl.lit("pos"),
            channel=pl.lit("store"),
            source_line_id=pl.col("order_id") + "|" + pl.col("line_number").cast(pl.String),
            source_order_id="order_id",
            source_product_id="product_id",
            quantity="quantity",
            unit_cents="price_cents",
            order_date="order_date",
            order_line_key=surrogate_key("pos", pl.col("order_id"), pl.col("line_number").cast(pl.String)),
        )
    )
    lines = (
        pl.concat([online_lines, store_lines], how="vertical_relaxed")
        .with_columns(pl.col("quantity").cast(pl.Int64), pl.col("unit_cents").cast(pl.Int64))
        .with_columns(line_cents=pl.col("quantity") * pl.col("unit_cents"), is_return=pl.col("quantity") < 0)
        .join(
            orders.lazy().select("source_system", "source_order_id", "order_key", "customer_key"),
            on=["source_system", "source_order_id"],
            how="left",
        )
        .join(
            products.lazy().select("source_system", "source_product_id", "product_key"),
            on=["source_system", "source_product_id"],
            how="left",
        )
        .collect()
    )
    customers = matched.unique("customer_key", keep="first", maintain_order=True).select(
        "customer_key", "anchor_record"
    )
    return Silver(customers, products, orders, lines, outcomes)


def price_store_lines(lines: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """``price_cents`` of each store line: the price of the product's latest drop on or
    before the order date, or its first known price for orders placed before that."""
    first_price = (
        history.sort("valid_from")
        .group_by("product_id", maintain_order=True)
        .agg(first_cents=pl.col("price_cents").first())
    )
    priced = (
        lines.with_row_index("_line")
        .sort("order_date")
        .join_asof(
            history.sort("valid_from"),
            left_on="order_date",
            right_on="valid_from",
            by="product_id",
            strategy="backward",
            check_sortedness=False,
        )
        .join(first_price, on="product_id", how="left")
        .with_columns(price_cents=pl.coalesce("price_cents", "first_cents"))
    )
    return priced.sort("_line").drop("_line", "valid_from", "first_cents")


# --------------------------------------------------------------------------------------------
# documents (models/gold/documents/doc_customer_purchase_history.sql, doc_product_sales.sql)
# --------------------------------------------------------------------------------------------
def _money(cents: str) -> pl.Expr:
    """Integer cents as float64 units, correctly rounded: through Decimal, because polars
    divides a float column by a scalar as a multiplication by its reciprocal
    (799994 / 100 -> 7999.9400000000005)."""
    return pl.col(cents).cast(pl.Decimal(20, 2)).truediv(100).cast(pl.Float64)


def build_documents(silver: Silver) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """The two document collections (one row per document, nested columns as lists of
    structs), and the exact figures for the correctness check."""
    products = silver.products.lazy()
    lines = silver.lines.lazy().join(
        products.select("product_key", "product_name", "category_name"), on="product_key", how="left"
    )

    # purchase history: every order (oldest first) with its lines, per unified customer
    lines_of_order = (
        lines.sort(["order_key", "source_line_id", "order_line_key"])
        .group_by("order_key", maintain_order=True)
        .agg(
            lines=pl.struct(
                "order_line_key",
                "product_key",
                "product_name",
                "category_name",
                "quantity",
                "is_return",
                unit_price=_money("unit_cents"),
                line_amount=_money("line_cents"),
            ),
            line_count=pl.len(),
            revenue_cents=pl.col("line_cents").sum(),
        )
    )
    orders = (
        silver.orders.lazy()
        .join(lines_of_order, on="order_key", how="left")
        .with_columns(pl.col("line_count", "revenue_cents").fill_null(0).cast(pl.Int64))
    )
    known = orders.filter(pl.col("customer_key") != UNKNOWN).sort(["customer_key", "order_date", "order_key"])
    per_customer = known.group_by("customer_key", maintain_order=True).agg(
        order_count=pl.len(),
        line_count=pl.col("line_count").sum(),
        revenue_cents=pl.col("revenue_cents").sum(),
        first_order_date=pl.col("order_date").min(),
        last_order_date=pl.col("order_date").max(),
        orders=pl.struct(
            "order_key",
            "source_order_id",
            "channel",
            pl.col("order_date").cast(pl.Datetime("ms")),
            pl.col("shipped_date").cast(pl.Datetime("ms")),
            revenue=_money("revenue_cents"),
            lines=pl.col("lines").fill_null([]),
        ),
    )
    history = (
        silver.customers.lazy()
        .join(per_customer, on="customer_key", how="left", maintain_order="left")
        .with_columns(pl.col("order_count", "line_count", "revenue_cents").fill_null(0).cast(pl.Int64))
        .collect()
    )
    history_docs = (
        history.lazy()
        .select(
            _id="customer_key",
            order_count="order_count",
            line_count="line_count",
            revenue=_money("revenue_cents"),
            first_order_date=pl.col("first_order_date").cast(pl.Datetime("ms")),
            last_order_date=pl.col("last_order_date").cast(pl.Datetime("ms")),
            orders=pl.col("orders").fill_null([]),
        )
        .collect()
    )

    # product sales: summary over every line, and the known customers who bought it
    signed = lines.with_columns(
        returned=pl.when("is_return").then(-pl.col("quantity")).otherwise(0),
        gross_cents=pl.when("is_return").then(0).otherwise(pl.col("line_cents")),
        returns_cents=pl.when("is_return").then(pl.col("line_cents")).otherwise(0),
        known_customer=pl.when(pl.col("customer_key") != UNKNOWN).then(pl.col("customer_key")),
    )
    summary = signed.group_by("product_key").agg(
        order_count=pl.col("order_key").n_unique(),
        customer_count=pl.col("known_customer").drop_nulls().n_unique(),
        units=pl.col("quantity").sum(),
        units_returned=pl.col("returned").sum(),
        gross_cents=pl.col("gross_cents").sum(),
        returns_cents=pl.col("returns_cents").sum(),
        revenue_cents=pl.col("line_cents").sum(),
        first_sold_date=pl.col("order_date").min(),
        last_sold_date=pl.col("order_date").max(),
    )
    buyers = (
        signed.filter(pl.col("customer_key") != UNKNOWN)
        .group_by(["product_key", "customer_key"])
        .agg(
            order_count=pl.col("order_key").n_unique(),
            units=pl.col("quantity").sum(),
            revenue_cents=pl.col("line_cents").sum(),
            last_purchase_date=pl.col("order_date").max(),
        )
        .sort(["product_key", "revenue_cents", "customer_key"], descending=[False, True, False])
        .group_by("product_key", maintain_order=True)
        .agg(
            customers=pl.struct(
                "customer_key",
                "order_count",
                "units",
                pl.col("last_purchase_date").cast(pl.Datetime("ms")),
                revenue=_money("revenue_cents"),
            )
        )
    )
    counts = [
        "order_count",
        "customer_count",
        "units",
        "units_returned",
        "gross_cents",
        "returns_cents",
        "revenue_cents",
    ]
    sales = (
        products.join(summary, on="product_key", how="left", maintain_order="left")
        .with_columns(pl.col(counts).fill_null(0).cast(pl.Int64))
        .join(buyers, on="product_key", how="left", maintain_order="left")
        .collect()
    )
    sales_docs = (
        sales.lazy()
        .select(
            _id="product_key",
            product_name="product_name",
            category_name="category_name",
            channel="channel",
            summary=pl.struct(
                "order_count",
                "customer_count",
                "units",
                "units_returned",
                gross_amount=_money("gross_cents"),
                returns_amount=_money("returns_cents"),
                revenue=_money("revenue_cents"),
                first_sold_date=pl.col("first_sold_date").cast(pl.Datetime("ms")),
                last_sold_date=pl.col("last_sold_date").cast(pl.Datetime("ms")),
            ),
            customers=pl.col("customers").fill_null([]),
        )
        .collect()
    )

    product_ids = (sales["source_system"] + ":" + sales["source_product_id"]).to_list()
    figures = {
        "documents": {"customer_purchase_history": history_docs.height, "product_sales": sales_docs.height},
        "revenue_per_customer": dict(
            zip(
                history["anchor_record"].to_list(),
                map(cents_to_str, history["revenue_cents"].to_list()),
                strict=True,
            )
        ),
        "order_count_per_customer": dict(
            zip(history["anchor_record"].to_list(), history["order_count"].to_list(), strict=True)
        ),
        "revenue_per_product": dict(
            zip(product_ids, map(cents_to_str, sales["revenue_cents"].to_list()), strict=True)
        ),
        "units_per_product": dict(zip(product_ids, sales["units"].to_list(), strict=True)),
    }
    return history_docs, sales_docs, figures


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------
def write_parquet(docs: dict[str, pl.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, df in docs.items():
        df.write_parquet(out / f"{name}.parquet", compression="zstd")


def write_mongodb(docs: dict[str, pl.DataFrame], uri: str) -> dict[str, float]:
    """Replace each collection's documents: delete_many + insert_many of ``to_dicts()``.
    Returns the seconds spent deleting and inserting."""
    from pymongo import MongoClient

    spent = {"delete_many_s": 0.0, "insert_many_s": 0.0}
    with MongoClient(uri) as client:
        db = client.get_default_database(default="aethermart_polars")
        for name, df in docs.items():
            collection = db[name]
            started = time.perf_counter()
            collection.delete_many({})
            spent["delete_many_s"] += time.perf_counter() - started
            started = time.perf_counter()
            records = df.to_dicts()
            if records:
                collection.insert_many(records, ordered=False)
            spent["insert_many_s"] += time.perf_counter() - started
    return {key: round(value, 3) for key, value in spent.items()}


def run(landing: Path, out: Path, mongodb_uri: str | None = None) -> dict:
    """The whole baseline; returns the result (timings, counts, exact figures)."""
    return run_document_baseline("polars", pl.__version__, sys.modules[__name__], landing, out, mongodb_uri)


def main(argv: Sequence[str] | None = None) -> int:
    return baseline_main("polars", (__doc__ or "").split("\n")[0], run, argv)


if __name__ == "__main__":
    sys.exit(main())
