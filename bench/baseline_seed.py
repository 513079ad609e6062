"""BASELINE: the seed approach — how the retailer's seed systems built the documents.

This is not the product. It is the way AetherMart's seed systems did the job, kept here so
that ``make bench`` can time our pipeline against it on the same data with the same answer:

1. **load**: every POS CSV drop is bulk-loaded into MariaDB staging tables with
   ``LOAD DATA LOCAL INFILE`` (PyMySQL ``local_infile=True``; the server must allow it),
   next to the e-commerce tables that already live in that MariaDB;
2. **clean**: ``INSERT … SELECT`` statements type and clean the staging rows into clean
   tables (``REGEXP`` guards and ``STR_TO_DATE`` CASE chains for the six date formats,
   ``$1,299.00`` prices, ``NULL`` literals, trimming every Unicode white space, control and
   format character), decide every row's outcome with window functions (re-sent orders and
   exact copies are duplicates, differing copies are quarantined, the latest drop wins for
   snapshot entities; POS order lines: every row of an order in one drop is a line, keyed
   ``order_id|line_number``, and a later drop's version of an order is a duplicate when its
   multiset of (product, parsed quantity) equals the first drop's, else quarantined), check
   orphans, resolve identities (placeholder emails from ``seeds/placeholder_email_patterns.csv``;
   an email shared by more than 3 records whose names differ links none of them) and price
   store lines from the POS price history;
3. **build documents**: ``customer_purchase_history`` and ``product_sales`` as JSON text,
   nested with ``JSON_ARRAYAGG(JSON_OBJECT(…))``, one row per document;
4. **write mongo**: ``delete_many({})`` then ``insert_many`` of ``json.loads`` of each row —
   the slow, non-atomic way (readers see an empty, then a half-filled collection).

The rules are those of our silver layer (``macros/cleaning``, ``macros/silver`` and the
``models/silver`` checked models), rewritten in MariaDB SQL, so the documents carry the same
orders, lines, prices and revenue as gold. ``bench/baseline_common.compare_to_gold`` checks
that before any time is reported.

    python -m bench.baseline_seed --landing DIR --mariadb-url URL [--mongodb-uri URI] [--result FILE.json]

The result JSON (``bench/baseline_common``) has, per stage, ``wall_s``, ``cpu_s`` (this
process) and ``mariadb_cpu_s`` / ``mongodb_cpu_s`` (the servers' CPU, read from ``/proc``
when they run on this machine, else null) — most of this approach's work runs in the servers;
then document counts, revenue and order counts per customer (keyed by the anchor record
``<source_system>:<customer_id>``), revenue and units per product
(``<source_system>:<source_product_id>``), read back from the built documents, and the row
count per outcome of every clean table.

Tables it creates in the MariaDB database are all named ``seed_*`` (dropped and re-created
on every run; ``--drop-tables`` removes them at the end). MariaDB-specific notes:

- the session runs without ``STRICT_TRANS_TABLES``, as the seed scripts did: a failed
  ``STR_TO_DATE`` is a NULL and a warning, not an aborted ``INSERT``; ``STR_TO_DATE``
  accepts impossible dates (``2025-02-30``), so every parsed date is checked with
  ``+ INTERVAL 0 DAY`` (NULL for an impossible date);
- ``%y`` pivots two-digit years at 70; the POS rule pivots at 50, so two-digit years are
  expanded before ``STR_TO_DATE``;
- text is compared byte-wise (``utf8mb4_nopad_bin``) like DuckDB, not case- and
  accent-insensitively like MariaDB's default collation; regexes are case-sensitive
  (``(?-i)``) and anchored with ``\\z`` (PCRE's ``$`` also matches before a final newline);
- the CSV files are loaded as bytes (``CHARACTER SET binary``): a record with a field too
  many (an unquoted comma) is one DuckDB's reader rejects, so it is dropped here too. A
  field whose bytes are not UTF-8 is decoded as Windows-1252 (MariaDB's ``latin1``), as
  bronze recovers such records; bronze decodes per byte sequence, this per field, so a field
  mixing UTF-8 and Windows-1252 bytes would differ (the generator writes none).
  ``LOAD DATA`` cannot tell a missing last field from an unquoted ``NULL``; the generator
  never writes short records.
- white space is silver's RE2 class ``[\\s\\p{Z}\\p{Cc}\\p{Cf}]``: PCRE, which MariaDB runs in
  UTF mode on utf8mb4 text, knows the same ``\\p{..}`` classes;
- MariaDB has no ``strip_accents``: the identity guard compares names in the accent- and
  case-insensitive collation ``utf8mb4_uca1400_ai_ci``, which also folds letters
  ``strip_accents`` keeps (``ø``, ``ł``, ``ß``); two names differing only there would count
  as one here.
- ``JSON_ARRAYAGG`` is cut at ``group_concat_max_len``, raised to 1 GiB for the session.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from aethermart.landing import POS_ENTITIES
from aethermart.mariadb_url import MariaDBURL
from bench.baseline_common import StageClock
from bench.server_cpu import ServerCPU

__all__ = ["main", "run_seed_baseline"]

REPO = Path(__file__).resolve().parent.parent
CATEGORY_KEYWORDS_SEED = REPO / "seeds" / "product_category_keywords.csv"
DEFAULT_MONGO_DATABASE = "aethermart_seed"
MONGO_BATCH = 1_000  # documents per insert_many call
TEXT = "utf8mb4_nopad_bin"  # byte-wise, no pad: compares text the way DuckDB does
TABLE_OPTIONS = f"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={TEXT}"
_LOAD_DATE = re.compile(r"load_date=(\d{4}-\d{2}-\d{2})$")


# =========================================================================================
# SQL expressions: the cleaning rules of macros/cleaning/*.sql in MariaDB SQL
# =========================================================================================

# silver's white space: every Unicode white space, control and format character (PCRE in
# UTF mode, as MariaDB runs it on utf8mb4 text, knows \p{..} like RE2)
FORMAT = r"\p{Cf}+"  # zero-width space, BOM, ...: removed (normalize_whitespace)
WHITESPACE = r"[\s\p{Z}\p{Cc}]+"  # runs made one space (normalize_whitespace)
EDGES = r"(?-i)^[\s\p{Z}\p{Cc}\p{Cf}]+|[\s\p{Z}\p{Cc}\p{Cf}]+\z"  # trimmed (trim_whitespace)
EMAIL = r"[a-z0-9._%+'-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}"
PLACEHOLDER_PATTERNS_SEED = REPO / "seeds" / "placeholder_email_patterns.csv"
NAME_COLLATION = "utf8mb4_uca1400_ai_ci"  # accent- and case-insensitive: the identity guard's names
IDENTITY_MAX_RECORDS_PER_EMAIL = 3  # dbt var identity_max_records_per_email
INTEGER = r"[+-]?[0-9]{1,18}"
MONEY = r"-?[0-9]+([.][0-9]{1,2})?"
PHONE_CHARACTERS = r"[0-9+().\t\n\f\r -]+"
US_PHONE = r"[2-9][0-9]{2}[2-9][0-9]{6}"
ZIP = r"[0-9]{3,5}(-[0-9]{4})?"
DATE_ISO = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"  # 2024-03-05
DATE_US = r"[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{4}"  # 03/05/2024, 3/5/2024, 03-05-2024
DATE_US_SHORT = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}"  # 3/5/24
DATE_DD_MON_YY = r"[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2}"  # 05-Mar-24
DATE_MONTH_NAME = r"[A-Za-z]{3,9}[.]? [0-9]{1,2}, [0-9]{4}"  # March 5, 2024 / Mar 5, 2024
# a trailing time of day (12/1/10 8:26, 2010-12-01T08:26:00Z, 01-Dec-10 8:26 AM): dropped
TIME_OF_DAY = (
    r"[T ] *[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?( *[AaPp][.]?[Mm][.]?)?"
    r"( *(Z|z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?"
)
# silver's plausibility window (macro plausible_date_window, default vars)
PLAUSIBLE_DATE = "BETWEEN DATE '1990-01-01' AND CURDATE() + INTERVAL 1 YEAR"


def lit(text: str) -> str:
    """A MariaDB string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def full_match(expr: str, pattern: str) -> str:
    """True when the whole of ``expr`` matches ``pattern`` (case-sensitive, like RE2's full match)."""
    return f"({expr} REGEXP {lit('(?-i)^(?:' + pattern + ')' + chr(92) + 'z')})"


def placeholder_email_pattern() -> str:
    """The seed placeholder_email_patterns as one alternation (is_placeholder_email)."""
    with PLACEHOLDER_PATTERNS_SEED.open(newline="", encoding="utf-8") as handle:
        patterns = sorted(row["pattern"] for row in csv.DictReader(handle) if row["pattern"])
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def tidy(expr: str) -> str:
    """normalize_whitespace: format characters removed, runs of white space made one space, trimmed."""
    return f"TRIM(REGEXP_REPLACE(REGEXP_REPLACE({expr}, {lit(FORMAT)}, ''), {lit(WHITESPACE)}, ' '))"


def trim_ws(expr: str) -> str:
    """trim_whitespace: every white space, control and format character trimmed from both ends."""
    return f"REGEXP_REPLACE({expr}, {lit(EDGES)}, '')"


def clean_text(expr: str) -> str:
    """clean_text: tidied text; NULL for NULL, blank and the literal NULL (any case)."""
    return f"IF(UPPER({tidy(expr)}) IN ('', 'NULL'), NULL, {tidy(expr)})"


def is_blank(expr: str) -> str:
    """is_blank: NULL, empty, only white space or the literal NULL."""
    return f"({clean_text(expr)} IS NULL)"


def parse_integer(expr: str) -> str:
    """parse_integer: whole numbers only (2.5, 1e3, 1,5 and abc are NULL)."""
    return f"IF({full_match(trim_ws(expr), INTEGER)}, CAST({trim_ws(expr)} AS SIGNED), NULL)"


def parse_money(expr: str) -> str:
    """parse_money: strips $, thousands separators and spaces; at most two decimals; DECIMAL(12,2)."""
    bare = f"REPLACE(REPLACE(REPLACE({trim_ws(expr)}, '$', ''), ',', ''), ' ', '')"
    return (
        f"IF({full_match(bare, MONEY)} AND ABS(CAST({bare} AS DECIMAL(65, 2))) < 10000000000, "
        f"CAST({bare} AS DECIMAL(12, 2)), NULL)"
    )


def _pivot_year(two_digits: str) -> str:
    """Two-digit years: 00-49 -> 20xx, 50-99 -> 19xx (MariaDB's %y pivots at 70)."""
    return f"(IF(CAST({two_digits} AS UNSIGNED) < 50, 2000, 1900) + CAST({two_digits} AS UNSIGNED))"


def parse_date(expr: str) -> str:
    """parse_date: the STR_TO_DATE CASE chain over the six POS renderings; NULL unless real."""
    v = f"REGEXP_REPLACE({trim_ws(expr)}, {lit('(?-i)' + TIME_OF_DAY + chr(92) + 'z')}, '')"
    chain = f"""CASE
            WHEN {full_match(v, DATE_ISO)} THEN STR_TO_DATE({v}, '%Y-%m-%d')
            WHEN {full_match(v, DATE_US)} THEN STR_TO_DATE(REPLACE({v}, '-', '/'), '%m/%d/%Y')
            WHEN {full_match(v, DATE_US_SHORT)} THEN STR_TO_DATE(
                CONCAT(SUBSTRING_INDEX({v}, '/', 2), '/', {_pivot_year(f"SUBSTRING_INDEX({v}, '/', -1)")}),
                '%m/%d/%Y')
            WHEN {full_match(v, DATE_DD_MON_YY)} THEN STR_TO_DATE(
                CONCAT(SUBSTRING_INDEX({v}, '-', 2), '-', {_pivot_year(f"SUBSTRING_INDEX({v}, '-', -1)")}),
                '%d-%b-%Y')
            WHEN {full_match(v, DATE_MONTH_NAME)} THEN STR_TO_DATE(
                CONCAT(LEFT({v}, 3), SUBSTRING({v}, LOCATE(' ', {v}))), '%b %e, %Y')
        END"""
    # STR_TO_DATE keeps 2025-02-30; date arithmetic turns an impossible date into NULL
    return f"(({chain}) + INTERVAL 0 DAY)"


def clean_email(expr: str) -> str:
    """Email as silver keeps it: lower case and trimmed when valid and not a placeholder."""
    normalized = f"LOWER({trim_ws(expr)})"
    return (
        f"IF(NOT COALESCE({full_match(normalized, placeholder_email_pattern())}, 0) "
        f"AND COALESCE({full_match(normalized, EMAIL)}, 0), {normalized}, NULL)"
    )


def phone_e164(expr: str) -> str:
    """phone_e164: US numbers as +1NXXNXXXXXX; NULL otherwise."""
    national = f"REGEXP_REPLACE(REGEXP_REPLACE({expr}, '[^0-9]', ''), '^1([0-9]{{10}})$', '\\\\1')"
    return (
        f"IF({full_match(national, US_PHONE)} AND {full_match(trim_ws(expr), PHONE_CHARACTERS)}, "
        f"CONCAT('+1', {national}), NULL)"
    )


def zip5(expr: str) -> str:
    """zip5: five digits with lost leading zeros restored; the +4 part dropped."""
    digits = f"REGEXP_SUBSTR({trim_ws(expr)}, '^[0-9]+')"
    return f"IF({full_match(trim_ws(expr), ZIP)}, LPAD({digits}, 5, '0'), NULL)"


def reasons(rules: Sequence[tuple[str, str]]) -> str:
    """A comma-separated list of the quarantine reason codes whose condition holds ('' for none)."""
    codes = [f"IF({condition}, '{code}', NULL)" for condition, code in rules]
    return "CONCAT_WS(',', " + ", ".join(codes) + ")"


def as_text(column: str) -> str:
    """A staging column (bytes as landed) as text: UTF-8, or Windows-1252 when its bytes are not
    UTF-8 (MariaDB's ``latin1`` is Windows-1252, its five undefined bytes as Latin-1)."""
    return (
        f"IF(CAST(CONVERT({column} USING utf8mb4) AS BINARY) = {column}, "
        f"CONVERT({column} USING utf8mb4), CONVERT(CONVERT({column} USING latin1) USING utf8mb4)) "
        f"COLLATE {TEXT}"
    )


def readable() -> str:
    """Rows DuckDB's CSV reader accepts (or bronze recovers): no field beyond the header's."""
    return "extra_field IS NULL"


def resolve_versions(
    keys: Sequence[str], content: Sequence[str], version_order: str, group_by: str | None = None
) -> str:
    """The outcome of every typed row, as CTEs after a CTE named ``typed`` (macros/silver/resolve_versions).

    Rows sharing the key (and ``group_by``) are copies: the first landed usable one counts,
    an identical later copy is a ``duplicate``, a differing one is quarantined as
    ``duplicate_conflict``. Of the remaining versions of a key, the first by
    ``version_order`` is ``silver``, the others ``superseded``. ``row_id`` is the load
    order (drops in date order, rows in file order).
    """
    partition = ", ".join([*keys, *([group_by] if group_by else [])])
    content_hash = (
        "MD5(CONCAT_WS('-', "
        + ", ".join(f"COALESCE(CAST({c} AS CHAR), '_dbt_null_')" for c in content)
        + "))"
    )
    return f"""
    hashed AS (
        SELECT typed.*, quarantine_reasons = '' AS is_usable, {content_hash} AS content_hash
        FROM typed
    ),
    grouped AS (
        SELECT hashed.*,
            ROW_NUMBER() OVER (PARTITION BY is_usable, {partition} ORDER BY row_id) AS group_position,
            FIRST_VALUE(content_hash) OVER (PARTITION BY is_usable, {partition} ORDER BY row_id)
                AS group_first_hash
        FROM hashed
    ),
    versioned AS (
        SELECT grouped.*,
            ROW_NUMBER() OVER (
                PARTITION BY is_usable, group_position = 1, {", ".join(keys)}
                ORDER BY {version_order}, row_id
            ) AS version_position
        FROM grouped
    ),
    decided AS (
        SELECT versioned.*,
            CASE
                WHEN NOT is_usable THEN 'quarantined'
                WHEN group_position > 1 AND content_hash <> group_first_hash THEN 'quarantined'
                WHEN group_position > 1 THEN 'duplicate'
                WHEN version_position = 1 THEN 'silver'
                ELSE 'superseded'
            END AS outcome,
            IF(is_usable AND group_position > 1 AND content_hash <> group_first_hash,
               'duplicate_conflict', quarantine_reasons) AS decided_reasons
        FROM versioned
    )"""


# =========================================================================================
# Stage 1 — load: POS CSV drops into staging tables with LOAD DATA LOCAL INFILE
# =========================================================================================


def staging_table(entity: str) -> str:
    return f"seed_stg_pos_{entity}"


def pos_files(landing: Path, entity: str) -> list[tuple[str, Path]]:
    """(load date, file) of every drop of one POS entity, oldest drop first."""
    files = []
    for path in sorted((landing / "pos").glob(f"load_date=*/{entity}.csv")):
        match = _LOAD_DATE.match(path.parent.name)
        if not match:
            raise SystemExit(f"seed baseline: {path} is not under a load_date=YYYY-MM-DD folder")
        files.append((match.group(1), path))
    if not files:
        raise SystemExit(f"seed baseline: no POS {entity}.csv under {landing / 'pos'}")
    return files


def _line_end(path: Path) -> str:
    """The file's line terminator: CRLF files are common in POS exports."""
    with path.open("rb") as handle:
        return "\r\n" if handle.readline().endswith(b"\r\n") else "\n"


def load_pos_drops(cur: Any, landing: Path) -> int:
    """Create one staging table per POS entity (every field as bytes) and LOAD DATA every drop.

    All five entities are loaded, as the seed scripts did; city (the zip lookup) is not
    needed by the two documents and is not cleaned further.
    """
    loaded = 0
    for entity, header in POS_ENTITIES.items():
        table = staging_table(entity)
        columns = ",\n".join(f"`{name}` BLOB" for name in header)
        execute(
            cur,
            f"""
            CREATE TABLE {table} (
                row_id BIGINT AUTO_INCREMENT PRIMARY KEY,  -- load order: drops by date, rows by file order
                load_date DATE NOT NULL,
                source_file VARCHAR(1024) NOT NULL,
                {columns},
                extra_field BLOB  -- set when a record has a field too many (an unquoted comma)
            ) ENGINE=InnoDB""",
        )
        variables = [f"@f{i}" for i in range(len(header))]
        assignments = ", ".join(f"`{name}` = {var}" for name, var in zip(header, variables, strict=True))
        for load_date, path in pos_files(landing, entity):
            loaded += execute(
                cur,
                f"""
                LOAD DATA LOCAL INFILE {lit(str(path))} INTO TABLE {table} CHARACTER SET binary
                FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
                LINES TERMINATED BY {lit(_line_end(path))}
                IGNORE 1 LINES
                ({", ".join(variables)}, @extra_field)
                SET {assignments}, extra_field = @extra_field,
                    load_date = {lit(load_date)}, source_file = {lit(str(path))}""",
            )
    # reference data: POS product name keywords -> online category (the dbt seed)
    execute(
        cur,
        f"""
        CREATE TABLE seed_ref_category_keywords (
            keyword VARCHAR(255) NOT NULL,
            category_name VARCHAR(255) NOT NULL
        ) {TABLE_OPTIONS}""",
    )
    execute(
        cur,
        f"""
        LOAD DATA LOCAL INFILE {lit(str(CATEGORY_KEYWORDS_SEED))} INTO TABLE seed_ref_category_keywords
        CHARACTER SET utf8mb4
        FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
        LINES TERMINATED BY {lit(_line_end(CATEGORY_KEYWORDS_SEED))}
        IGNORE 1 LINES (keyword, category_name)""",
    )
    return loaded


# =========================================================================================
# Stage 2 — clean: INSERT … SELECT into clean tables, next to the e-commerce tables
# =========================================================================================


@dataclass(frozen=True)
class PosEntity:
    """How one POS entity is cleaned (a slv_pos_<entity>__checked model, in two INSERT … SELECTs).

    1. ``seed_pos_<entity>_typed``: every readable staging row, typed and cleaned, with the
       reasons the row itself gives for quarantine;
    2. ``seed_pos_<entity>``: the typed rows with the parent checks (orphans, quarantined
       parents) added and every row's outcome decided (``resolve_versions``).
    """

    entity: str
    columns: tuple[tuple[str, str, str], ...]  # (name, SQL type, expression over the landed text)
    row_reasons: tuple[tuple[str, str], ...]  # (condition over the landed text, reason code)
    keys: tuple[str, ...]
    content: tuple[str, ...]  # what makes two copies identical
    version_order: str
    group_by: str | None = None
    parents: tuple[tuple[str, str, str], ...] = ()  # (typed column, parent clean table, parent key)
    decide: str | None = None  # CTEs after `typed` ending in `decided`, instead of resolve_versions

    @property
    def table(self) -> str:
        return f"seed_pos_{self.entity}"

    def script(self) -> str:
        header = POS_ENTITIES[self.entity]
        text_fields = ", ".join(f"{as_text(f'`{name}`')} AS `{name}`" for name in header)
        ddl_columns = "".join(f"\n    {name} {sql_type}," for name, sql_type, _ in self.columns)
        names = [name for name, _, _ in self.columns]
        typed_columns = ", ".join(f"{expression} AS {name}" for name, _, expression in self.columns)
        parent_keys, parent_joins, parent_reasons = [], [], []
        for i, (column, parent_table, parent_key) in enumerate(self.parents):
            alias = f"parent_{i}"
            # the parent's keys, and whether any row of the key reached silver (macros/silver/usable_keys)
            parent_keys.append(f"""
CREATE TABLE {parent_table}_keys (
    {parent_key} VARCHAR(255) PRIMARY KEY,
    is_usable BOOLEAN NOT NULL
) {TABLE_OPTIONS};

INSERT INTO {parent_table}_keys ({parent_key}, is_usable)
SELECT {parent_key}, MAX(outcome = 'silver')
FROM {parent_table}
WHERE {parent_key} IS NOT NULL
GROUP BY {parent_key};
""")
            parent_joins.append(
                f"LEFT JOIN {parent_table}_keys AS {alias} ON {alias}.{parent_key} = typed_rows.{column}"
            )
            parent_reasons += [
                (f"typed_rows.{column} IS NOT NULL AND {alias}.{parent_key} IS NULL", "orphan_fk"),
                (f"NOT {alias}.is_usable", "parent_quarantined"),
            ]
        parent_codes = [f"IF({condition}, '{code}', NULL)" for condition, code in parent_reasons]
        all_reasons = (
            "CONCAT_WS(',', NULLIF(typed_rows.quarantine_reasons, ''), "
            + ", ".join(parent_codes or ["NULL"])
            + ")"
        )
        return (
            "".join(parent_keys)
            + f"""
CREATE TABLE {self.table}_typed (
    row_id BIGINT PRIMARY KEY,
    load_date DATE NOT NULL,{ddl_columns}
    quarantine_reasons VARCHAR(255) NOT NULL
) {TABLE_OPTIONS};

INSERT INTO {self.table}_typed (row_id, load_date, {", ".join(names)}, quarantine_reasons)
SELECT row_id, load_date, {typed_columns}, {reasons(self.row_reasons)}
FROM (
    -- the staging rows DuckDB's CSV reader accepts, every field as text
    SELECT row_id, load_date, {text_fields}
    FROM {staging_table(self.entity)}
    WHERE {readable()}
) AS landed;

CREATE TABLE {self.table} (
    row_id BIGINT PRIMARY KEY,
    load_date DATE NOT NULL,{ddl_columns}
    quarantine_reasons VARCHAR(255) NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    KEY ({", ".join(self.keys)}, outcome)
) {TABLE_OPTIONS};

INSERT INTO {self.table} (row_id, load_date, {", ".join(names)}, quarantine_reasons, outcome)
WITH typed AS (
    SELECT typed_rows.row_id, typed_rows.load_date,
           {", ".join(f"typed_rows.{name}" for name in names)},
           {all_reasons} AS quarantine_reasons
    FROM {self.table}_typed AS typed_rows
    {" ".join(parent_joins)}
),
{self.decide or resolve_versions(self.keys, self.content, self.version_order, self.group_by)}
SELECT row_id, load_date, {", ".join(names)}, decided_reasons, outcome
FROM decided
"""
        )


POS_PRODUCT = PosEntity(
    "product",
    columns=(
        ("product_id", "VARCHAR(255)", clean_text("id")),
        ("product_name", "TEXT", clean_text("name")),
        ("current_price", "DECIMAL(12, 2)", parse_money("currentPrice")),
        ("available_quantity", "BIGINT", parse_integer("availableQuantity")),
    ),
    row_reasons=(
        (is_blank("id"), "missing_key"),
        (is_blank("currentPrice"), "missing_price"),
        (f"NOT {is_blank('currentPrice')} AND {parse_money('currentPrice')} IS NULL", "invalid_number"),
        (f"{parse_money('currentPrice')} < 0", "negative_price"),
    ),
    keys=("product_id",),
    content=("product_id", "LOWER(product_name)", "current_price", "available_quantity"),
    version_order="load_date DESC",  # snapshot: the latest drop wins
    group_by="load_date",
)

POS_CUSTOMER = PosEntity(
    "customer",
    columns=(
        ("customer_id", "VARCHAR(255)", clean_text("id")),
        ("first_name", "TEXT", clean_text("firstName")),
        ("last_name", "TEXT", clean_text("lastName")),
        ("email", "VARCHAR(255)", clean_email("email")),
        ("address_line_1", "TEXT", clean_text("address1")),
        ("address_line_2", "TEXT", clean_text("address2")),
        ("phone_e164", "VARCHAR(16)", phone_e164("phone")),
        ("zip_code", "CHAR(5)", zip5("zip")),
        ("birth_date", "DATE", parse_date("birthdate")),
    ),
    row_reasons=((is_blank("id"), "missing_key"),),
    keys=("customer_id",),
    content=(
        "customer_id",
        "LOWER(first_name)",
        "LOWER(last_name)",
        "email",
        "address_line_1",
        "address_line_2",
        "phone_e164",
        "zip_code",
        "birth_date",
    ),
    version_order="load_date DESC",
    group_by="load_date",
)

POS_ORDER = PosEntity(
    "order",
    columns=(
        ("order_id", "VARCHAR(255)", clean_text("id")),
        ("customer_id", "VARCHAR(255)", clean_text("customer_id")),
        ("order_date", "DATE", parse_date("datePlaced")),
        ("shipped_date", "DATE", parse_date("dateShipped")),
    ),
    row_reasons=(
        (is_blank("id"), "missing_key"),
        (is_blank("datePlaced"), "missing_date"),
        (f"NOT {is_blank('datePlaced')} AND {parse_date('datePlaced')} IS NULL", "invalid_date"),
        (f"NOT {parse_date('datePlaced')} {PLAUSIBLE_DATE}", "implausible_date"),
    ),
    keys=("order_id",),
    content=("order_id", "customer_id", "order_date", "shipped_date"),
    version_order="load_date",  # transactions: the first landed copy counts
)

# POS order lines: every row of an order in one drop is a line (line_number by position, so
# repeated scans of a product are separate lines); re-sends are judged per order across drops:
# the first drop's version counts, a later drop with the same multiset of (product, parsed
# quantity) is a duplicate, one with other lines is quarantined (duplicate_conflict)
ORDERLINE_DECIDE = """
    versions AS (
        SELECT order_id, load_date,
               MD5(COALESCE(GROUP_CONCAT(line_content ORDER BY line_content SEPARATOR '\\x1f'), ''))
                   AS lines_hash
        FROM typed
        WHERE order_id IS NOT NULL
        GROUP BY order_id, load_date
    ),
    firsts AS (
        SELECT order_id, load_date AS first_load_date, lines_hash AS first_lines_hash
        FROM (
            SELECT versions.*, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY load_date) AS position
            FROM versions
        ) AS ranked
        WHERE position = 1
    ),
    compared AS (
        SELECT typed.*,
               COALESCE(typed.load_date <> firsts.first_load_date, 0) AS is_resend,
               COALESCE(versions.lines_hash = firsts.first_lines_hash, 0) AS is_same_lines
        FROM typed
        LEFT JOIN versions
            ON versions.order_id = typed.order_id AND versions.load_date = typed.load_date
        LEFT JOIN firsts
            ON firsts.order_id = typed.order_id
    ),
    decided AS (
        SELECT compared.*,
            CASE
                WHEN quarantine_reasons <> '' THEN 'quarantined'
                WHEN is_resend AND is_same_lines THEN 'duplicate'
                WHEN is_resend THEN 'quarantined'
                ELSE 'silver'
            END AS outcome,
            IF(quarantine_reasons = '' AND is_resend AND NOT is_same_lines, 'duplicate_conflict',
               quarantine_reasons) AS decided_reasons
        FROM compared
    )"""

POS_ORDERLINE = PosEntity(
    "orderline",
    columns=(
        ("order_id", "VARCHAR(255)", clean_text("order_id")),
        ("product_id", "VARCHAR(255)", clean_text("product_id")),
        ("quantity", "BIGINT", parse_integer("quantity")),  # negative: a return
        (
            "line_number",
            "BIGINT",
            f"ROW_NUMBER() OVER (PARTITION BY {clean_text('order_id')}, load_date ORDER BY row_id)",
        ),
        (
            "line_content",
            "TEXT",  # product:quantity, what a re-send is compared on
            f"CONCAT({clean_text('product_id')}, ':', "
            f"COALESCE(CAST({parse_integer('quantity')} AS CHAR), {tidy('quantity')}, ''))",
        ),
    ),
    row_reasons=(
        (f"{is_blank('order_id')} OR {is_blank('product_id')}", "missing_key"),
        (is_blank("quantity"), "missing_quantity"),
        (f"NOT {is_blank('quantity')} AND {parse_integer('quantity')} IS NULL", "invalid_number"),
        (f"{parse_integer('quantity')} = 0", "zero_quantity"),
    ),
    keys=("order_id", "line_number"),
    content=("order_id", "product_id", "quantity"),
    version_order="load_date",
    parents=(("order_id", "seed_pos_order", "order_id"), ("product_id", "seed_pos_product", "product_id")),
    decide=ORDERLINE_DECIDE,
)

# The e-commerce side: the live tables the generator loaded into this MariaDB. One "extraction"
# (the table as it is now), so no versions; ids keep their integer types until unified.
ONLINE = f"""
CREATE TABLE seed_online_customer (
    customer_id VARCHAR(32) PRIMARY KEY,
    first_name TEXT,
    last_name TEXT,
    email VARCHAR(255),
    quarantine_reasons VARCHAR(255) NOT NULL,
    outcome VARCHAR(16) NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_online_customer (customer_id, first_name, last_name, email, quarantine_reasons, outcome)
SELECT
    CAST(customer_id AS CHAR),
    {clean_text("first_name")},
    {clean_text("last_name")},
    {clean_email("email")},
    {reasons([("customer_id IS NULL", "missing_key")])},
    IF(customer_id IS NULL, 'quarantined', 'silver')
FROM `Customers`;

CREATE TABLE seed_online_product (
    product_id INT PRIMARY KEY,
    product_name TEXT,
    category_name VARCHAR(255),
    current_price DECIMAL(10, 2),
    quarantine_reasons VARCHAR(255) NOT NULL,
    outcome VARCHAR(16) NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_online_product (product_id, product_name, category_name, current_price,
                                 quarantine_reasons, outcome)
SELECT product_id, product_name, category_name, price, quarantine_reasons,
       IF(quarantine_reasons = '', 'silver', 'quarantined')
FROM (
    SELECT
        products.product_id,
        {clean_text("products.product_name")} AS product_name,
        {clean_text("categories.category_name")} AS category_name,
        products.price,
        {reasons([("products.price IS NULL", "missing_price"), ("products.price < 0", "negative_price")])}
            AS quarantine_reasons
    FROM `Products` AS products
    LEFT JOIN `Categories` AS categories
        ON categories.category_id = products.category_id
) AS typed;

CREATE TABLE seed_online_order (
    order_id INT PRIMARY KEY,
    customer_id BIGINT UNSIGNED,
    order_date DATE,
    quarantine_reasons VARCHAR(255) NOT NULL,
    outcome VARCHAR(16) NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_online_order (order_id, customer_id, order_date, quarantine_reasons, outcome)
SELECT order_id, customer_id, order_date, quarantine_reasons,
       IF(quarantine_reasons = '', 'silver', 'quarantined')
FROM (
    SELECT
        order_id,
        customer_id,
        order_date + INTERVAL 0 DAY AS order_date,  -- NULL for NULL and for 0000-00-00
        {
    reasons(
        [
            ("order_date + INTERVAL 0 DAY IS NULL", "missing_date"),
            (f"NOT order_date {PLAUSIBLE_DATE}", "implausible_date"),
        ]
    )
} AS quarantine_reasons
    FROM `Orders`
) AS typed;

CREATE TABLE seed_online_order_item (
    order_item_id INT PRIMARY KEY,
    order_id INT,
    product_id INT,
    quantity BIGINT,
    unit_price DECIMAL(10, 2),
    quarantine_reasons VARCHAR(255) NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    KEY (order_id)
) {TABLE_OPTIONS};

INSERT INTO seed_online_order_item (order_item_id, order_id, product_id, quantity, unit_price,
                                    quarantine_reasons, outcome)
SELECT order_item_id, order_id, product_id, quantity, price, quarantine_reasons,
       IF(quarantine_reasons = '', 'silver', 'quarantined')
FROM (
    SELECT
        items.order_item_id, items.order_id, items.product_id, items.quantity, items.price,
        {
    reasons(
        [
            ("items.order_id IS NULL OR items.product_id IS NULL", "missing_key"),
            ("items.quantity IS NULL", "missing_quantity"),
            ("items.quantity = 0", "zero_quantity"),
            ("items.price IS NULL", "missing_price"),
            ("items.price < 0", "negative_price"),
            ("items.order_id IS NOT NULL AND orders.order_id IS NULL", "orphan_fk"),
            ("orders.outcome <> 'silver'", "parent_quarantined"),
            ("items.product_id IS NOT NULL AND products.product_id IS NULL", "orphan_fk"),
            ("products.outcome <> 'silver'", "parent_quarantined"),
        ]
    )
} AS quarantine_reasons
    FROM `Order_Items` AS items
    LEFT JOIN seed_online_order AS orders
        ON orders.order_id = items.order_id
    LEFT JOIN seed_online_product AS products
        ON products.product_id = items.product_id
) AS typed
"""

# Unified (both channels): identity resolution, products, price history, orders and lines.
UNIFIED = f"""
CREATE TABLE seed_customer_identity (
    source_system VARCHAR(16) NOT NULL,
    source_customer_id VARCHAR(255) NOT NULL,
    email VARCHAR(255),
    anchor_record VARCHAR(300) NOT NULL,
    customer_key CHAR(32) NOT NULL,
    match_rule VARCHAR(32) NOT NULL,
    PRIMARY KEY (source_system, source_customer_id),
    KEY (customer_key)
) {TABLE_OPTIONS};

-- same normalized email = same customer; anchor = the online account, else the lowest store id;
-- an email shared by more than {IDENTITY_MAX_RECORDS_PER_EMAIL} records whose names differ (compared without
-- accents and case: collation {NAME_COLLATION}) links none of them
INSERT INTO seed_customer_identity (source_system, source_customer_id, email, anchor_record,
                                    customer_key, match_rule)
WITH records AS (
    SELECT 'mariadb' AS source_system, 1 AS source_priority, customer_id, email, first_name, last_name
    FROM seed_online_customer WHERE outcome = 'silver'
    UNION ALL
    SELECT 'pos', 2, customer_id, email, first_name, last_name
    FROM seed_pos_customer WHERE outcome = 'silver'
),
email_use AS (
    SELECT email, COUNT(*) AS records_sharing_email,
           COUNT(*) > {IDENTITY_MAX_RECORDS_PER_EMAIL}
           AND COUNT(DISTINCT CONCAT_WS(' ', first_name, last_name) COLLATE {NAME_COLLATION}) > 1
               AS is_refused
    FROM records
    WHERE email IS NOT NULL
    GROUP BY email
),
linkable AS (
    SELECT records.*, COALESCE(email_use.is_refused, 0) AS is_email_refused,
           IF(email_use.is_refused, NULL, records.email) AS link_email,
           COALESCE(email_use.records_sharing_email, 0) AS records_sharing_email
    FROM records
    LEFT JOIN email_use
        ON email_use.email = records.email
),
anchored AS (
    SELECT
        linkable.*,
        CASE
            WHEN link_email IS NULL THEN CONCAT(source_system, ':', customer_id)
            ELSE FIRST_VALUE(CONCAT(source_system, ':', customer_id)) OVER (
                PARTITION BY link_email ORDER BY source_priority, customer_id)
        END AS anchor_record
    FROM linkable
)
SELECT source_system, customer_id, email, anchor_record, MD5(anchor_record),
       CASE WHEN is_email_refused THEN 'shared_email_not_merged'
            WHEN records_sharing_email > 1 THEN 'same_normalized_email'
            WHEN email IS NOT NULL THEN 'unique_email' ELSE 'no_usable_email' END
FROM anchored;

CREATE TABLE seed_products (
    product_key CHAR(32) PRIMARY KEY,
    source_system VARCHAR(16) NOT NULL,
    source_product_id VARCHAR(255) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    product_name TEXT,
    category_name VARCHAR(255) NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_products (product_key, source_system, source_product_id, channel, product_name,
                           category_name)
SELECT MD5(CONCAT('mariadb-', product_id)), 'mariadb', CAST(product_id AS CHAR), 'online', product_name,
       COALESCE(category_name, 'Uncategorized')
FROM seed_online_product
WHERE outcome = 'silver'
UNION ALL
SELECT MD5(CONCAT('pos-', products.product_id)), 'pos', products.product_id, 'store', products.product_name,
       COALESCE(categories.category_name, 'Uncategorized')
FROM seed_pos_product AS products
LEFT JOIN (
    -- a POS product gets the category of the longest keyword its name contains
    SELECT product_id, category_name
    FROM (
        SELECT pos.product_id, keywords.category_name,
               ROW_NUMBER() OVER (PARTITION BY pos.product_id
                                  ORDER BY CHAR_LENGTH(keywords.keyword) DESC, keywords.keyword) AS position
        FROM seed_pos_product AS pos
        INNER JOIN seed_ref_category_keywords AS keywords
            ON INSTR(LOWER(pos.product_name), keywords.keyword) > 0
        WHERE pos.outcome = 'silver'
    ) AS ranked
    WHERE position = 1
) AS categories
    ON categories.product_id = products.product_id
WHERE products.outcome = 'silver';

-- the POS price of each drop holds until the product's next drop; the first also covers earlier orders
CREATE TABLE seed_pos_price_history (
    product_id VARCHAR(255) NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    unit_price DECIMAL(12, 2) NOT NULL,
    is_first_known_price BOOLEAN NOT NULL,
    PRIMARY KEY (product_id, valid_from)
) {TABLE_OPTIONS};

INSERT INTO seed_pos_price_history (product_id, valid_from, valid_to, unit_price, is_first_known_price)
SELECT product_id, load_date,
       LEAD(load_date) OVER (PARTITION BY product_id ORDER BY load_date),
       current_price,
       ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY load_date) = 1
FROM seed_pos_product
WHERE outcome IN ('silver', 'superseded');

CREATE TABLE seed_orders (
    order_key CHAR(32) PRIMARY KEY,
    source_system VARCHAR(16) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    source_order_id VARCHAR(255) NOT NULL,
    source_customer_id VARCHAR(255),
    customer_key CHAR(32),  -- NULL: the unknown customer (the sale happened, in no customer's document)
    order_date DATE NOT NULL,
    shipped_date DATE,
    KEY (customer_key)
) {TABLE_OPTIONS};

INSERT INTO seed_orders (order_key, source_system, channel, source_order_id, source_customer_id,
                         customer_key, order_date, shipped_date)
SELECT MD5(CONCAT('mariadb-', orders.order_id)), 'mariadb', 'online', CAST(orders.order_id AS CHAR),
       CAST(orders.customer_id AS CHAR), identity.customer_key, orders.order_date, NULL
FROM seed_online_order AS orders
LEFT JOIN seed_customer_identity AS identity
    ON identity.source_system = 'mariadb'
    AND identity.source_customer_id = CAST(orders.customer_id AS CHAR)
WHERE orders.outcome = 'silver'
UNION ALL
SELECT MD5(CONCAT('pos-', orders.order_id)), 'pos', 'store', orders.order_id, orders.customer_id,
       identity.customer_key, orders.order_date, orders.shipped_date
FROM seed_pos_order AS orders
LEFT JOIN seed_customer_identity AS identity
    ON identity.source_system = 'pos'
    AND identity.source_customer_id = orders.customer_id
WHERE orders.outcome = 'silver';

CREATE TABLE seed_order_lines (
    order_line_key CHAR(32) PRIMARY KEY,
    order_key CHAR(32) NOT NULL,
    product_key CHAR(32) NOT NULL,
    source_system VARCHAR(16) NOT NULL,
    source_line_id VARCHAR(600) NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price DECIMAL(12, 2) NOT NULL,
    line_amount DECIMAL(14, 2) NOT NULL,
    order_date DATE NOT NULL,
    KEY (order_key),
    KEY (product_key)
) {TABLE_OPTIONS};

INSERT INTO seed_order_lines (order_line_key, order_key, product_key, source_system, source_line_id,
                              quantity, unit_price, line_amount, order_date)
SELECT MD5(CONCAT('mariadb-', items.order_item_id)), MD5(CONCAT('mariadb-', items.order_id)),
       MD5(CONCAT('mariadb-', items.product_id)), 'mariadb', CAST(items.order_item_id AS CHAR),
       items.quantity, items.unit_price, CAST(items.quantity * items.unit_price AS DECIMAL(14, 2)),
       orders.order_date
FROM seed_online_order_item AS items
INNER JOIN seed_online_order AS orders
    ON orders.order_id = items.order_id AND orders.outcome = 'silver'
WHERE items.outcome = 'silver'
UNION ALL
-- store lines: the POS price of the latest drop on or before the order date
SELECT MD5(CONCAT('pos-', line_rows.order_id, '-', line_rows.line_number)),
       MD5(CONCAT('pos-', line_rows.order_id)),
       MD5(CONCAT('pos-', line_rows.product_id)), 'pos',
       CONCAT(line_rows.order_id, '|', line_rows.line_number),
       line_rows.quantity, prices.unit_price, CAST(line_rows.quantity * prices.unit_price AS DECIMAL(14, 2)),
       orders.order_date
FROM seed_pos_orderline AS line_rows
INNER JOIN seed_pos_order AS orders
    ON orders.order_id = line_rows.order_id AND orders.outcome = 'silver'
INNER JOIN seed_pos_price_history AS prices
    ON prices.product_id = line_rows.product_id
    AND (orders.order_date >= prices.valid_from OR prices.is_first_known_price)
    AND (orders.order_date < prices.valid_to OR prices.valid_to IS NULL)
WHERE line_rows.outcome = 'silver'
"""


# =========================================================================================
# Stage 3 — build documents: JSON_ARRAYAGG(JSON_OBJECT(…)), one row per document
# =========================================================================================

DOCUMENTS = f"""
CREATE TABLE seed_doc_order_lines (
    order_key CHAR(32) PRIMARY KEY,
    line_count BIGINT NOT NULL,
    revenue DECIMAL(18, 2) NOT NULL,
    lines_json LONGTEXT NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_doc_order_lines (order_key, line_count, revenue, lines_json)
SELECT
    line_rows.order_key,
    COUNT(*),
    SUM(line_rows.line_amount),
    JSON_ARRAYAGG(JSON_OBJECT(
        'order_line_key', line_rows.order_line_key,
        'product_key', line_rows.product_key,
        'product_name', products.product_name,
        'category_name', products.category_name,
        'quantity', line_rows.quantity,
        'unit_price', line_rows.unit_price,
        'line_amount', line_rows.line_amount,
        'is_return', line_rows.quantity < 0
    ) ORDER BY line_rows.source_line_id, line_rows.order_line_key)
FROM seed_order_lines AS line_rows
LEFT JOIN seed_products AS products
    ON products.product_key = line_rows.product_key
GROUP BY line_rows.order_key;

CREATE TABLE seed_doc_customer_orders (
    customer_key CHAR(32) PRIMARY KEY,
    order_count BIGINT NOT NULL,
    line_count BIGINT NOT NULL,
    revenue DECIMAL(18, 2) NOT NULL,
    first_order_date DATE,
    last_order_date DATE,
    orders_json LONGTEXT NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_doc_customer_orders (customer_key, order_count, line_count, revenue, first_order_date,
                                      last_order_date, orders_json)
SELECT
    orders.customer_key,
    COUNT(*),
    SUM(COALESCE(order_lines.line_count, 0)),
    SUM(COALESCE(order_lines.revenue, 0)),
    MIN(orders.order_date),
    MAX(orders.order_date),
    JSON_ARRAYAGG(JSON_OBJECT(
        'order_key', orders.order_key,
        'source_order_id', orders.source_order_id,
        'channel', orders.channel,
        'order_date', orders.order_date,
        'shipped_date', orders.shipped_date,
        'revenue', CAST(COALESCE(order_lines.revenue, 0) AS DECIMAL(18, 2)),
        'lines', COALESCE(JSON_QUERY(order_lines.lines_json, '$'), JSON_ARRAY())
    ) ORDER BY orders.order_date, orders.order_key)
FROM seed_orders AS orders
LEFT JOIN seed_doc_order_lines AS order_lines
    ON order_lines.order_key = orders.order_key
WHERE orders.customer_key IS NOT NULL
GROUP BY orders.customer_key;

CREATE TABLE seed_doc_customer_purchase_history (
    _id CHAR(32) PRIMARY KEY,
    anchor_record VARCHAR(300) NOT NULL,
    doc LONGTEXT NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_doc_customer_purchase_history (_id, anchor_record, doc)
SELECT
    customers.customer_key,
    customers.anchor_record,
    JSON_OBJECT(
        '_id', customers.customer_key,
        'anchor_record', customers.anchor_record,
        'order_count', COALESCE(history.order_count, 0),
        'line_count', COALESCE(history.line_count, 0),
        'revenue', CAST(COALESCE(history.revenue, 0) AS DECIMAL(18, 2)),
        'first_order_date', history.first_order_date,
        'last_order_date', history.last_order_date,
        'orders', COALESCE(JSON_QUERY(history.orders_json, '$'), JSON_ARRAY())
    )
FROM (SELECT DISTINCT customer_key, anchor_record FROM seed_customer_identity) AS customers
LEFT JOIN seed_doc_customer_orders AS history
    ON history.customer_key = customers.customer_key;

CREATE TABLE seed_doc_product_summary (
    product_key CHAR(32) PRIMARY KEY,
    order_count BIGINT NOT NULL,
    customer_count BIGINT NOT NULL,
    units BIGINT NOT NULL,
    units_returned BIGINT NOT NULL,
    gross_amount DECIMAL(18, 2) NOT NULL,
    returns_amount DECIMAL(18, 2) NOT NULL,
    revenue DECIMAL(18, 2) NOT NULL,
    first_sold_date DATE,
    last_sold_date DATE
) {TABLE_OPTIONS};

INSERT INTO seed_doc_product_summary
SELECT
    line_rows.product_key,
    COUNT(DISTINCT line_rows.order_key),
    COUNT(DISTINCT orders.customer_key),  -- the unknown customer (NULL) is not counted
    SUM(line_rows.quantity),
    SUM(IF(line_rows.quantity < 0, -line_rows.quantity, 0)),
    SUM(IF(line_rows.quantity < 0, 0, line_rows.line_amount)),
    SUM(IF(line_rows.quantity < 0, line_rows.line_amount, 0)),
    SUM(line_rows.line_amount),
    MIN(line_rows.order_date),
    MAX(line_rows.order_date)
FROM seed_order_lines AS line_rows
INNER JOIN seed_orders AS orders
    ON orders.order_key = line_rows.order_key
GROUP BY line_rows.product_key;

CREATE TABLE seed_doc_product_buyers (
    product_key CHAR(32) PRIMARY KEY,
    customers_json LONGTEXT NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_doc_product_buyers (product_key, customers_json)
SELECT
    product_key,
    JSON_ARRAYAGG(JSON_OBJECT(
        'customer_key', customer_key,
        'order_count', order_count,
        'units', units,
        'revenue', revenue,
        'last_purchase_date', last_purchase_date
    ) ORDER BY revenue DESC, customer_key)
FROM (
    SELECT
        line_rows.product_key,
        orders.customer_key,
        COUNT(DISTINCT line_rows.order_key) AS order_count,
        SUM(line_rows.quantity) AS units,
        CAST(SUM(line_rows.line_amount) AS DECIMAL(18, 2)) AS revenue,
        MAX(line_rows.order_date) AS last_purchase_date
    FROM seed_order_lines AS line_rows
    INNER JOIN seed_orders AS orders
        ON orders.order_key = line_rows.order_key
    WHERE orders.customer_key IS NOT NULL
    GROUP BY line_rows.product_key, orders.customer_key
) AS buyers
GROUP BY product_key;

CREATE TABLE seed_doc_product_sales (
    _id CHAR(32) PRIMARY KEY,
    source_system VARCHAR(16) NOT NULL,
    source_product_id VARCHAR(255) NOT NULL,
    doc LONGTEXT NOT NULL
) {TABLE_OPTIONS};

INSERT INTO seed_doc_product_sales (_id, source_system, source_product_id, doc)
SELECT
    products.product_key,
    products.source_system,
    products.source_product_id,
    JSON_OBJECT(
        '_id', products.product_key,
        'source_system', products.source_system,
        'source_product_id', products.source_product_id,
        'product_name', products.product_name,
        'category_name', products.category_name,
        'channel', products.channel,
        'summary', JSON_OBJECT(
            'order_count', COALESCE(summary.order_count, 0),
            'customer_count', COALESCE(summary.customer_count, 0),
            'units', COALESCE(summary.units, 0),
            'units_returned', COALESCE(summary.units_returned, 0),
            'gross_amount', COALESCE(summary.gross_amount, CAST(0 AS DECIMAL(18, 2))),
            'returns_amount', COALESCE(summary.returns_amount, CAST(0 AS DECIMAL(18, 2))),
            'revenue', COALESCE(summary.revenue, CAST(0 AS DECIMAL(18, 2))),
            'first_sold_date', summary.first_sold_date,
            'last_sold_date', summary.last_sold_date
        ),
        'customers', COALESCE(JSON_QUERY(buyers.customers_json, '$'), JSON_ARRAY())
    )
FROM seed_products AS products
LEFT JOIN seed_doc_product_summary AS summary
    ON summary.product_key = products.product_key
LEFT JOIN seed_doc_product_buyers AS buyers
    ON buyers.product_key = products.product_key
"""

CLEAN_STEPS: dict[str, str] = {
    "pos products": POS_PRODUCT.script(),
    "pos customers": POS_CUSTOMER.script(),
    "pos orders": POS_ORDER.script(),
    "pos order lines": POS_ORDERLINE.script(),
    "online tables": ONLINE,
    "unified tables": UNIFIED,
}
COLLECTIONS = {  # MongoDB collection -> document table
    "customer_purchase_history": "seed_doc_customer_purchase_history",
    "product_sales": "seed_doc_product_sales",
}


# =========================================================================================
# Running it
# =========================================================================================


@dataclass
class Log:
    """Progress lines on stderr (the result JSON may go to stdout)."""

    quiet: bool = False

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"seed: {message}", file=sys.stderr, flush=True)


def execute(cur: Any, sql: str) -> int:
    """Run one statement; the number of rows it affected."""
    cur.execute(sql)
    return max(cur.rowcount, 0)


def execute_script(cur: Any, script: str) -> int:
    """Run the ``;``-separated statements of a script (no ``;`` inside literals); rows inserted."""
    return sum(execute(cur, statement) for statement in script.split(";\n") if statement.strip())


def connect(url: MariaDBURL) -> Any:
    """A PyMySQL connection that may LOAD DATA LOCAL, in the seed scripts' session settings
    (the server's time zone: no init_command)."""
    from aethermart.mariadb_client import connect as connect_mariadb

    timeouts = {"read_timeout": 3600, "write_timeout": 3600}
    conn = connect_mariadb(url, autocommit=True, local_infile=True, init_command=None, **timeouts)
    with conn.cursor() as cur:
        cur.execute("SELECT @@local_infile")
        if not cur.fetchone()[0]:
            conn.close()
            raise SystemExit(
                f"seed baseline: the server at {url.redacted()} has local_infile=OFF; "
                "LOAD DATA LOCAL INFILE needs it ON (mariadbd --local-infile=1)"
            )
        cur.execute(f"SET NAMES utf8mb4 COLLATE {TEXT}")
        cur.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")  # not strict, as the seed scripts ran
        cur.execute("SET SESSION group_concat_max_len = 1073741824")  # JSON_ARRAYAGG is cut at this length
        cur.execute("SET SESSION net_write_timeout = 3600")  # documents are streamed while MongoDB writes
    return conn


def drop_seed_tables(cur: Any) -> None:
    """Drop every seed_* table of the database (a re-run starts from nothing)."""
    cur.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_name LIKE 'seed\\_%'"
    )
    for (name,) in cur.fetchall():
        cur.execute(f"DROP TABLE IF EXISTS `{name}`")


def write_mongo(conn: Any, uri: str, log: Log) -> dict[str, int]:
    """delete_many({}) then insert_many of json.loads(row), per collection — not atomic."""
    import pymysql.cursors
    from pymongo import MongoClient

    written: dict[str, int] = {}
    with MongoClient(uri) as client:
        database = client.get_default_database(default=DEFAULT_MONGO_DATABASE)
        for collection, table in COLLECTIONS.items():
            target = database[collection]
            target.delete_many({})  # from here on readers see an empty, then a partial collection
            count = 0
            with conn.cursor(pymysql.cursors.SSCursor) as cur:
                cur.execute(f"SELECT doc FROM {table} ORDER BY _id")
                batch: list[dict] = []
                for (doc,) in cur:
                    batch.append(json.loads(doc))  # money arrives as JSON numbers: doubles
                    if len(batch) == MONGO_BATCH:
                        target.insert_many(batch)
                        count += len(batch)
                        batch = []
                if batch:
                    target.insert_many(batch)
                    count += len(batch)
            written[collection] = count
            log(f"mongo {database.name}.{collection}: {count:,} documents")
    return written


def summarize(conn: Any) -> dict[str, Any]:
    """The figures compare_to_gold checks, read back from the built documents (exact decimals)."""
    import pymysql.cursors

    per_customer: dict[str, str] = {}
    orders_per_customer: dict[str, int] = {}
    per_product: dict[str, str] = {}
    units_per_product: dict[str, int] = {}
    with conn.cursor(pymysql.cursors.SSCursor) as cur:  # streamed: one document in memory at a time
        cur.execute("SELECT anchor_record, doc FROM seed_doc_customer_purchase_history")
        for anchor, doc in cur:
            parsed = json.loads(doc, parse_float=Decimal)
            per_customer[anchor] = str(parsed["revenue"])
            orders_per_customer[anchor] = int(parsed["order_count"])
    with conn.cursor(pymysql.cursors.SSCursor) as cur:
        cur.execute("SELECT source_system, source_product_id, doc FROM seed_doc_product_sales")
        for system, product_id, doc in cur:
            summary = json.loads(doc, parse_float=Decimal)["summary"]
            per_product[f"{system}:{product_id}"] = str(summary["revenue"])
            units_per_product[f"{system}:{product_id}"] = int(summary["units"])
    outcomes: dict[str, dict[str, int]] = {}  # rows per outcome of every clean table (as in silver)
    with conn.cursor() as cur:
        for table in (
            "seed_pos_product",
            "seed_pos_customer",
            "seed_pos_order",
            "seed_pos_orderline",
            "seed_online_customer",
            "seed_online_product",
            "seed_online_order",
            "seed_online_order_item",
        ):
            cur.execute(f"SELECT outcome, COUNT(*) FROM {table} GROUP BY outcome ORDER BY outcome")
            outcomes[table.removeprefix("seed_")] = {outcome: int(n) for outcome, n in cur.fetchall()}
    return {
        "documents": {"customer_purchase_history": len(per_customer), "product_sales": len(per_product)},
        "revenue_per_customer": per_customer,
        "order_count_per_customer": orders_per_customer,
        "revenue_per_product": per_product,
        "units_per_product": units_per_product,
        "outcomes": outcomes,
    }


def run_seed_baseline(
    landing: Path,
    mariadb_url: str,
    mongodb_uri: str | None = None,
    *,
    drop_tables: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run the four stages and return the result object of bench/baseline_common."""
    url = MariaDBURL.parse(mariadb_url)
    log = Log(quiet)
    clock = StageClock()
    mariadb_cpu = ServerCPU(url.host, url.port)
    mongo_cpu = None
    if mongodb_uri:
        from pymongo.uri_parser import parse_uri

        host, port = parse_uri(mongodb_uri)["nodelist"][0]
        mongo_cpu = ServerCPU(host, port)
    rows: dict[str, int] = {}
    started = time.perf_counter()

    def stage_done(name: str) -> None:
        clock.stages[name]["mariadb_cpu_s"] = mariadb_cpu.lap()  # type: ignore[assignment]
        if mongo_cpu is not None:
            clock.stages[name]["mongodb_cpu_s"] = mongo_cpu.lap()  # type: ignore[assignment]
        log(f"{name}: {clock.stages[name]['wall_s']:.2f} s")

    conn = connect(url)
    try:
        with conn.cursor() as cur:
            drop_seed_tables(cur)
            mariadb_cpu.lap()
            if mongo_cpu is not None:
                mongo_cpu.lap()

            with clock.stage("load"):
                rows["load"] = load_pos_drops(cur, landing)
            stage_done("load")

            with clock.stage("clean"):
                rows["clean"] = 0
                for name, script in CLEAN_STEPS.items():
                    step_started = time.perf_counter()
                    inserted = execute_script(cur, script)
                    rows["clean"] += inserted
                    log(f"  clean {name}: {inserted:,} rows, {time.perf_counter() - step_started:.2f} s")
            stage_done("clean")

            with clock.stage("build documents"):
                rows["build documents"] = execute_script(cur, DOCUMENTS)
            stage_done("build documents")

        if mongodb_uri:
            with clock.stage("write mongo"):
                written = write_mongo(conn, mongodb_uri, log)
                rows["write mongo"] = sum(written.values())
            stage_done("write mongo")
        else:
            written = {}
            log("write mongo: skipped (no --mongodb-uri)")
        total_wall = round(time.perf_counter() - started, 3)
        peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

        result: dict[str, Any] = {
            "baseline": "seed",
            "landing": str(landing),
            "mariadb": url.redacted(),
            "stages": clock.stages,
            "rows": rows,
            "wall_s": total_wall,
            "client_peak_rss_mb": peak_rss_mb,  # of this process over the four stages
            "mongo_documents": written,
            **summarize(conn),
        }
        if drop_tables:
            with conn.cursor() as cur:
                drop_seed_tables(cur)
        return result
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.baseline_seed",
        description="BASELINE, not the product: the seed systems' way (LOAD DATA, SQL cleaning in MariaDB, "
        "JSON_ARRAYAGG documents, delete_many + insert_many into MongoDB), timed per stage.",
    )
    parser.add_argument(
        "--landing", type=Path, required=True, help="landing zone (its pos/ drops are loaded)"
    )
    parser.add_argument(
        "--mariadb-url",
        required=True,
        help="MariaDB holding the e-commerce tables (mysql://user:password@host:port/db); "
        "seed_* work tables are created there",
    )
    parser.add_argument(
        "--mongodb-uri",
        help="MongoDB/FerretDB URI; the database is the URI's path "
        f"(default {DEFAULT_MONGO_DATABASE}); no URI: no write stage",
    )
    parser.add_argument("--result", type=Path, help="write the result JSON here (default: stdout)")
    parser.add_argument("--drop-tables", action="store_true", help="drop the seed_* tables at the end")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    result = run_seed_baseline(
        args.landing.resolve(),
        args.mariadb_url,
        args.mongodb_uri,
        drop_tables=args.drop_tables,
        quiet=args.quiet,
    )
    text = json.dumps(result, indent=1, sort_keys=False)
    if args.result:
        args.result.parent.mkdir(parents=True, exist_ok=True)
        args.result.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
