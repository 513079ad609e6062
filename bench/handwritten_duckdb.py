r"""Contender "one hand-written DuckDB script": the documents straight from the landing files.

    python -m bench.handwritten_duckdb --landing DIR [--gold-duckdb FILE] [--result FILE.json]

What a DuckDB user would write instead of our dbt project to get the same
``customer_purchase_history`` documents (and ``product_sales``): one in-memory DuckDB
connection, the landing files read once, the rules of ``bench/baseline_pandas.py`` (which
mirrors silver, see its docstring) as SQL, no lineage, no quarantine, no audit. Only what
decides the silver rows is computed: whether a row is usable and whether it is the version
that counts (``resolve_versions``: the first usable row of a key in its drop / extraction,
of the newest drop for snapshots and of the first for transactions); how a later copy is
set aside (duplicate or conflicting) does not change which row counts, so it is not
computed. The result JSON has the figures of ``bench.baseline_common``; with
``--gold-duckdb`` they are checked against gold of a build of the same landing zone and
the script fails when they differ.

Reading: POS CSVs are decoded in Python as the pandas baseline does (UTF-8, bytes that are
not UTF-8 as Windows-1252, as bronze recovers them) and handed to DuckDB's CSV reader;
records with too many fields are skipped (bronze rejects them). MariaDB: the latest
snapshot extraction of a table and the incremental ones after it (``_manifest.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.baseline_common import StageClock, compare_to_gold, figures_of
from bench.baseline_pandas import MARIADB_TABLES, POS_COLUMNS, _current_extractions, placeholder_email_pattern

__all__ = ["main", "run"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
UNKNOWN = "unknown"
MAX_RECORDS_PER_EMAIL = 3  # dbt var identity_max_records_per_email

# the cleaning rules as DuckDB macros (macros/cleaning, as bench/baseline_pandas.py mirrors them)
MACROS = r"""
create or replace macro trim_ws(v) as
    regexp_replace(v, '^[\s\p{Z}\p{Cc}\p{Cf}]+|[\s\p{Z}\p{Cc}\p{Cf}]+$', '', 'g');
create or replace macro norm_ws(v) as
    trim(regexp_replace(regexp_replace(v, '\p{Cf}+', '', 'g'), '[\s\p{Z}\p{Cc}]+', ' ', 'g'));
create or replace macro is_blank(v) as coalesce(upper(norm_ws(v)) in ('', 'NULL'), true);
create or replace macro clean_text(v) as case when not is_blank(v) then norm_ws(v) end;
create or replace macro clean_email(v) as case
    when regexp_full_match(lower(trim_ws(v)), '[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}')
        and not coalesce(regexp_full_match(lower(trim_ws(v)), getvariable('placeholder_emails')), false)
        then lower(trim_ws(v))
end;
create or replace macro parse_int(v) as case
    when regexp_full_match(trim_ws(v), '[+-]?\d{1,18}') then cast(trim_ws(v) as bigint)
end;
create or replace macro money_text(v) as replace(replace(replace(trim_ws(v), '$', ''), ',', ''), ' ', '');
create or replace macro parse_money(v) as case
    when regexp_full_match(money_text(v), '-?\d+(\.\d{1,2})?')
        and length(ltrim(regexp_extract(money_text(v), '^-?(\d+)', 1), '0')) <= 10
        then cast(money_text(v) as decimal(12, 2))
end;
create or replace macro ymd(y, m, d) as try_cast(
    lpad(cast(y as varchar), 4, '0') || '-' || lpad(cast(m as varchar), 2, '0') || '-'
    || lpad(cast(d as varchar), 2, '0') as date);
create or replace macro pivot_year(yy) as
    cast(yy as integer) + case when cast(yy as integer) < 50 then 2000 else 1900 end;
create or replace macro month_no(abbr) as
    list_position(['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], lower(abbr));
create or replace macro date_text(v) as case
    when regexp_full_match(v, '\d{4}-\d{1,2}-\d{1,2}')
        then ymd(regexp_extract(v, '^(\d+)', 1), regexp_extract(v, '-(\d+)-', 1),
                 regexp_extract(v, '(\d+)$', 1))
    when regexp_full_match(v, '\d{1,2}[/-]\d{1,2}[/-]\d{4}')
        then ymd(regexp_extract(v, '(\d+)$', 1), regexp_extract(v, '^(\d+)', 1),
                 regexp_extract(v, '^\d+[/-](\d+)', 1))
    when regexp_full_match(v, '\d{1,2}/\d{1,2}/\d{2}')
        then ymd(pivot_year(regexp_extract(v, '(\d+)$', 1)), regexp_extract(v, '^(\d+)', 1),
                 regexp_extract(v, '^\d+/(\d+)', 1))
    when regexp_full_match(v, '\d{1,2}-[A-Za-z]{3}-\d{2}')
        then ymd(pivot_year(regexp_extract(v, '(\d+)$', 1)),
                 month_no(regexp_extract(v, '-([A-Za-z]{3})-', 1)), regexp_extract(v, '^(\d+)', 1))
    when regexp_full_match(v, '[A-Za-z]{3}[A-Za-z]{0,6}\.? \d{1,2}, \d{4}')
        then ymd(regexp_extract(v, '(\d{4})$', 1), month_no(left(v, 3)), regexp_extract(v, ' (\d{1,2}),', 1))
end;
create or replace macro parse_date(v) as date_text(regexp_replace(trim_ws(v),
    '[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s*[AaPp]\.?[Mm]\.?)?'
    || '(?:\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$',
    ''));
create or replace macro plausible(d) as
    d >= date '1990-01-01' and d <= cast(current_date + interval 1 year as date);
create or replace macro skey(a, b) as md5(a || '-' || b);
-- list(item order by key) keeps a sort state per group (slow, memory-hungry with 100k groups):
-- collect (key, item) pairs and order each finished list by grading its keys instead
create or replace macro sorted_items(pairs) as list_select(
    list_transform(pairs, lambda pair: pair.item),
    list_grade_up(list_transform(pairs, lambda pair: pair.sort_key)));
"""

# silver (only what decides the silver rows) and the documents, in one script
SCRIPT = r"""
-- POS products: the newest drop with a usable row of the product wins, its first such row
create temp table pos_products as
with typed as (
    select clean_text(id) as product_id, clean_text(name) as product_name,
           parse_money(currentPrice) as price, load_date, row_in_file,
           not (is_blank(id) or is_blank(currentPrice) or parse_money(currentPrice) is null
                or coalesce(parse_money(currentPrice) < 0, false)) as usable
    from raw_product
),
firsts as (  -- the first usable row of a product in each drop: the drop's version
    select * from typed where usable
    qualify row_number() over (partition by product_id, load_date order by row_in_file) = 1
)
select *, row_number() over (partition by product_id order by load_date desc) = 1 as is_silver from firsts;

create temp table price_history as
select product_id, price, load_date as valid_from,
       row_number() over (partition by product_id order by load_date) = 1 as is_first,
       lead(load_date) over (partition by product_id order by load_date) as valid_to
from pos_products;

create temp table pos_customers as
select clean_text(id) as customer_id, clean_email(email) as email,
       lower(clean_text(firstName)) as first_name, lower(clean_text(lastName)) as last_name
from raw_customer
where not is_blank(id)
qualify row_number() over (partition by clean_text(id) order by load_date desc, row_in_file) = 1;

-- POS orders: the first landed usable row of an order counts
create temp table pos_orders as
select clean_text(id) as order_id, clean_text(customer_id) as customer_id,
       parse_date(datePlaced) as order_date
from raw_order
where not is_blank(id) and parse_date(datePlaced) is not null and plausible(parse_date(datePlaced))
qualify row_number() over (partition by clean_text(id) order by load_date, row_in_file) = 1;

-- POS order lines: every row of an order in its first drop is a line (later drops are re-sends)
create temp table pos_lines as
with typed as (
    select clean_text(order_id) as order_id, clean_text(product_id) as product_id,
           parse_int(quantity) as quantity, load_date,
           row_number() over (partition by clean_text(order_id), load_date order by row_in_file)
               as line_number
    from raw_orderline
),
first_drop as (
    select order_id, min(load_date) as load_date from typed where order_id is not null group by order_id
)
select typed.*
from typed
inner join first_drop using (order_id, load_date)
where typed.quantity <> 0
    and typed.order_id in (select order_id from pos_orders)
    and typed.product_id in (select product_id from pos_products where is_silver);

-- MariaDB: the latest read of a key, its first usable row
create temp table my_categories as
select cast(category_id as varchar) as category_id, clean_text(category_name) as category_name
from raw_Categories where category_id is not null
qualify row_number() over (partition by category_id order by extraction_id desc, row_in_file) = 1;

create temp table my_products as
select cast(product_id as varchar) as product_id, clean_text(product_name) as product_name,
       cast(category_id as varchar) as category_id
from raw_Products
qualify extraction_id = max(extraction_id) over (partition by product_id)
    and product_id is not null and price is not null and price >= 0
    and row_number() over (partition by product_id, price is not null and price >= 0
                           order by extraction_id desc, row_in_file) = 1;

create temp table my_orders as
select cast(order_id as varchar) as order_id, cast(customer_id as varchar) as customer_id, order_date
from raw_Orders
qualify extraction_id = max(extraction_id) over (partition by order_id)
    and order_id is not null and order_date is not null and plausible(order_date)
    and row_number() over (partition by order_id, order_date is not null and plausible(order_date)
                           order by extraction_id desc, row_in_file) = 1;

create temp table my_items as
with typed as (
    select cast(order_item_id as varchar) as order_item_id, cast(order_id as varchar) as order_id,
           cast(product_id as varchar) as product_id, cast(quantity as bigint) as quantity, price,
           extraction_id, row_in_file
    from raw_Order_Items
),
checked as (
    select *, order_item_id is not null and quantity is not null and quantity <> 0
              and price is not null and price >= 0
              and order_id in (select order_id from my_orders)
              and product_id in (select product_id from my_products) as usable
    from typed
)
select * exclude (usable) from checked
qualify extraction_id = max(extraction_id) over (partition by order_item_id) and usable
    and row_number() over (partition by order_item_id, usable order by extraction_id desc, row_in_file) = 1;

create temp table my_customers as
select cast(customer_id as varchar) as customer_id, clean_email(email) as email,
       clean_text(first_name) as first_name, clean_text(last_name) as last_name
from raw_Customers where customer_id is not null
qualify extraction_id = max(extraction_id) over (partition by customer_id)
    and row_number() over (partition by customer_id order by extraction_id desc, row_in_file) = 1;

-- identity: one customer per usable email (the guard refuses crowded emails with several names)
create temp table matched as
with records as (
    select 'mariadb' as source_system, 1 as priority, customer_id as source_customer_id, email,
           lower(strip_accents(concat_ws(' ', first_name, last_name))) as name
    from my_customers
    union all
    select 'pos', 2, customer_id, email, lower(strip_accents(concat_ws(' ', first_name, last_name)))
    from pos_customers
),
refused as (
    select email from records where email is not null group by email
    having count(*) > getvariable('max_records_per_email') and count(distinct name) > 1
),
linked as (
    select *, source_system || ':' || source_customer_id as record,
           case when email not in (select email from refused) then email end as link_email
    from records
),
anchors as (
    select link_email, arg_min(record, (priority, source_customer_id)) as anchor_record
    from linked where link_email is not null group by link_email
)
select linked.source_system, linked.source_customer_id,
       coalesce(anchors.anchor_record, linked.record) as anchor_record,
       md5(coalesce(anchors.anchor_record, linked.record)) as customer_key
from linked left join anchors using (link_email);

create temp table products as
with store as (
    select products.product_id, products.product_name,
           arg_min(keywords.category_name, (-length(keywords.keyword), keywords.keyword)) as category_name
    from pos_products as products
    left join keywords on contains(lower(products.product_name), keywords.keyword)
    where products.is_silver
    group by all
)
select skey('mariadb', products.product_id) as product_key, 'mariadb' as source_system,
       'online' as channel, products.product_id as source_product_id, products.product_name,
       coalesce(categories.category_name, 'Uncategorized') as category_name
from my_products as products left join my_categories as categories using (category_id)
union all
select skey('pos', product_id), 'pos', 'store', product_id, product_name,
       coalesce(category_name, 'Uncategorized')
from store;

create temp table orders as
with unioned as (
    select 'mariadb' as source_system, 'online' as channel, order_id, customer_id, order_date,
           cast(null as date) as shipped_date
    from my_orders
    union all
    select 'pos', 'store', order_id, customer_id, order_date, null from pos_orders
)
select skey(unioned.source_system, unioned.order_id) as order_key, unioned.*,
       coalesce(matched.customer_key, getvariable('unknown')) as customer_key
from unioned
left join matched
    on unioned.source_system = matched.source_system and unioned.customer_id = matched.source_customer_id;

create temp table lines as
with store as (
    select lines.*, pos_orders.order_date, history.price
    from pos_lines as lines
    inner join pos_orders using (order_id)
    inner join price_history as history
        on lines.product_id = history.product_id
        and pos_orders.order_date
            >= case when history.is_first then date '-infinity' else history.valid_from end
        and pos_orders.order_date < coalesce(history.valid_to, date 'infinity')
),
unioned as (
    select skey('mariadb', order_item_id) as order_line_key, 'mariadb' as source_system,
           order_item_id as source_line_id, order_id, product_id, quantity, price
    from my_items where order_id in (select order_id from my_orders)
    union all
    select md5('pos-' || order_id || '-' || line_number), 'pos', order_id || '|' || line_number,
           order_id, product_id, quantity, price
    from store
)
select unioned.order_line_key, unioned.source_line_id, unioned.quantity,
       cast(unioned.price as decimal(12, 2)) as unit_price,
       cast(unioned.quantity * unioned.price as decimal(14, 2)) as line_amount,
       unioned.quantity < 0 as is_return,
       orders.order_key, orders.customer_key, orders.order_date,
       skey(unioned.source_system, unioned.product_id) as product_key
from unioned
inner join orders on orders.source_system = unioned.source_system and orders.order_id = unioned.order_id;

-- the documents
create temp table doc_customer_purchase_history as
with order_docs as (
    select orders.customer_key, orders.order_key, orders.order_id, orders.channel, orders.order_date,
           orders.shipped_date,
           count(lines.order_line_key) as line_count,
           coalesce(sum(lines.line_amount), 0) as revenue,
           sorted_items(list(struct_pack(
               sort_key := row(lines.source_line_id, lines.order_line_key),
               item := struct_pack(order_line_key := lines.order_line_key, product_key := lines.product_key,
                                   product_name := products.product_name,
                                   category_name := products.category_name,
                                   quantity := lines.quantity, unit_price := lines.unit_price,
                                   line_amount := lines.line_amount, is_return := lines.is_return)
           )) filter (where lines.order_line_key is not null)) as lines
    from orders
    left join lines using (order_key)
    left join products on lines.product_key = products.product_key
    where orders.customer_key <> getvariable('unknown')
    group by all
),
customer_docs as (
    select customer_key, count(*) as order_count, sum(line_count) as line_count, sum(revenue) as revenue,
           min(order_date) as first_order_date, max(order_date) as last_order_date,
           sorted_items(list(struct_pack(
               sort_key := row(order_date, order_key),
               item := struct_pack(order_key := order_key, source_order_id := order_id, channel := channel,
                                   order_date := order_date, shipped_date := shipped_date, revenue := revenue,
                                   lines := lines)
           ))) as orders
    from order_docs group by customer_key
)
select customers.customer_key as _id, coalesce(order_count, 0) as order_count,
       coalesce(line_count, 0) as line_count, cast(coalesce(revenue, 0) as decimal(18, 2)) as revenue,
       first_order_date, last_order_date, coalesce(orders, []) as orders,
       customers.anchor_record
from (select distinct customer_key, anchor_record from matched) as customers
left join customer_docs using (customer_key);

create temp table doc_product_sales as
with buyers as (
    select product_key, customer_key, count(distinct order_key) as order_count, sum(quantity) as units,
           sum(line_amount) as revenue, max(order_date) as last_purchase_date
    from lines where customer_key <> getvariable('unknown')
    group by all
),
summary as (
    select product_key, count(distinct order_key) as order_count, sum(quantity) as units,
           sum(line_amount) as revenue, min(order_date) as first_sold_date, max(order_date) as last_sold_date
    from lines group by product_key
),
customers as (
    select product_key,
           sorted_items(list(struct_pack(
               sort_key := row(-revenue, customer_key),
               item := struct_pack(customer_key := customer_key, order_count := order_count, units := units,
                                   revenue := revenue, last_purchase_date := last_purchase_date)
           ))) as customers
    from buyers group by product_key
)
select products.product_key as _id, products.source_system, products.source_product_id,
       products.product_name, products.category_name, products.channel,
       struct_pack(order_count := coalesce(summary.order_count, 0), units := coalesce(summary.units, 0),
                   revenue := coalesce(summary.revenue, 0), first_sold_date := summary.first_sold_date,
                   last_sold_date := summary.last_sold_date) as summary,
       coalesce(customers.customers, []) as customers
from products
left join summary using (product_key)
left join customers using (product_key);
"""


def _utf8_path(path: Path, scratch: Path) -> Path:
    """A POS file as UTF-8: itself when it is, else a decoded copy under ``scratch`` (same
    ``load_date=…/<entity>.csv`` tail) where bytes that are not UTF-8 are read as
    Windows-1252 (its five undefined bytes as Latin-1), as bronze recovers such records."""
    from bench import baseline_pandas  # noqa: F401  (registers the "bench-cp1252" error handler)

    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return path
    except UnicodeDecodeError:
        copy = scratch / path.parent.name / path.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data.decode("utf-8", errors="bench-cp1252").encode("utf-8"))
        return copy


def read_landing(con, landing: Path, scratch: Path) -> int:
    """The landing files into raw_* tables (text POS columns, typed MariaDB columns), each
    row with its drop / extraction and its position in the file. Returns the rows read."""
    rows = 0
    for entity, columns in POS_COLUMNS.items():
        files = [
            str(_utf8_path(drop / f"{entity}.csv", scratch))
            for drop in sorted((landing / "pos").glob("load_date=*"))
        ]
        if not files:
            raise FileNotFoundError(f"no POS drops under {landing / 'pos'}")
        con.execute(
            f"""
            create temp table raw_{entity} as
            select {", ".join(f'"{column}"' for column in columns)},
                   cast(regexp_extract(filename, 'load_date=([0-9-]+)', 1) as date) as load_date,
                   ordinality - min(ordinality) over (partition by filename) + 1 as row_in_file
            from read_csv(?, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
                          columns = {{{", ".join(f"'{column}': 'VARCHAR'" for column in columns)}}},
                          ignore_errors = true, filename = true)
                with ordinality
        """,
            [files],
        )
        rows += con.execute(f"select count(*) from raw_{entity}").fetchone()[0]
    for table in MARIADB_TABLES:
        files = [
            str(path)
            for folder in _current_extractions(landing / "mariadb" / table)
            for path in sorted(folder.glob("*.parquet"))
        ]
        if not files:
            raise FileNotFoundError(f"no extraction of {table} under {landing / 'mariadb'}")
        con.execute(
            f"""
            create temp table raw_{table} as
            select * exclude (file_row_number, filename),
                   regexp_extract(filename, 'extraction_id=([^/]+)', 1) as extraction_id,
                   file_row_number + 1 as row_in_file
            from read_parquet(?, file_row_number = true, filename = true)
        """,
            [files],
        )
        rows += con.execute(f"select count(*) from raw_{table}").fetchone()[0]
    con.execute(
        f"create temp table keywords as select lower(keyword) as keyword, category_name "
        f"from read_csv('{SEEDS / 'product_category_keywords.csv'}', all_varchar = true)"
    )
    return rows


def figures(con) -> dict:
    """The figures bench.baseline_common compares with gold."""
    customers = con.execute(
        "select anchor_record, cast(revenue as varchar), order_count from doc_customer_purchase_history"
    ).fetchall()
    products = con.execute(
        "select source_system || ':' || source_product_id, "
        "cast(summary.revenue as varchar), summary.units "
        "from doc_product_sales"
    ).fetchall()
    return figures_of(customers, products)


def run(landing: Path, threads: int | None = None) -> dict:
    """The whole script on one in-memory connection; returns the result (timings and figures)."""
    import duckdb

    clock = StageClock()
    started, started_cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        con.execute("set timezone = 'UTC'")
        con.execute("set variable placeholder_emails = ?", [placeholder_email_pattern()])
        con.execute("set variable unknown = ?", [UNKNOWN])
        con.execute("set variable max_records_per_email = ?", [MAX_RECORDS_PER_EMAIL])
        con.execute(MACROS)
        with clock.stage("read"), tempfile.TemporaryDirectory(prefix="handwritten-") as scratch:
            rows = read_landing(con, landing, Path(scratch))
        with clock.stage("silver and documents"):
            con.execute(SCRIPT)
        result = {
            "baseline": "handwritten_duckdb",
            "duckdb_version": duckdb.__version__,
            "stages": clock.stages,
            "rows_read": rows,
            **figures(con),
        }
    finally:
        con.close()
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["cpu_seconds"] = round(time.process_time() - started_cpu, 3)  # DuckDB's threads included
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.handwritten_duckdb", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing zone root")
    parser.add_argument(
        "--gold-duckdb",
        type=Path,
        help="warehouse of a dbt build of the same landing zone: check the figures against its gold",
    )
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's)")
    parser.add_argument("--result", type=Path, help="write the result JSON here")
    args = parser.parse_args(argv)
    result = run(args.landing, args.threads)
    print(
        f"{result['seconds']:.3f} s ({result['cpu_seconds']:.3f} s CPU)  hand-written DuckDB script, "
        f"{result['rows_read']:,} rows read, "
        f"{result['documents']['customer_purchase_history']:,} purchase-history documents"
    )
    if args.result:
        args.result.parent.mkdir(parents=True, exist_ok=True)
        args.result.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    if args.gold_duckdb:
        diffs = compare_to_gold(result, args.gold_duckdb)
        for line in diffs:
            print(line, file=sys.stderr)
        print(f"gold check: {'equal' if not diffs else f'{len(diffs)} differences'} ({args.gold_duckdb})")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
