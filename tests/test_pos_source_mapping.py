"""POS source contract in YAML: a retailer's export
with its own file names, headers and column order, mapped in the sources YAML only, gives
the same gold; the optional order-line columns unit_price and line_number."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from aethermart.generate import GeneratorConfig, generate
from aethermart.generate.config import PosLayout
from tests.conftest import REPO, SAMPLE, DbtProject, run_cli

SALT = "pos-mapping-test-salt"  # one PII salt for both builds, so hashed emails compare
SOURCES_YAML = Path("models/bronze/pos/_pos__sources.yml")
# the one column that legitimately differs: which price a store line took
PRICE_SOURCE = {"fct_order_lines": ["unit_price_source"]}


@dataclass
class MappedProject(DbtProject):
    """dbt over a private copy of the project (its own sources YAML), with a fixed salt (or,
    with `salt=None`, the salt the environment or the warehouse's salt file gives)."""

    salt: str | None = SALT

    def env(self) -> dict:
        salt = {"AETHERMART_PII_SALT": self.salt} if self.salt else {}
        return {**super().env(), **salt, "DBT_PROFILES_DIR": str(self.project_dir)}


def _project_copy(dest: Path, meta: dict[str, dict]) -> Path:
    """A copy of the dbt project whose POS sources YAML adds `meta` per table."""
    dest.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, dest / name)
    for folder in ("models", "macros", "seeds", "snapshots", "tests/singular"):
        shutil.copytree(REPO / folder, dest / folder)
    path = dest / SOURCES_YAML
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for table in doc["sources"][0]["tables"]:
        table["meta"].update(meta.get(table["name"], {}))
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest


def _assert_products_stop(project, marker: str, expected: str) -> None:
    """`dbt run` of brz_pos__products stops, and its line containing ``marker`` is ``expected``."""
    text = _one_line_error(project.dbt("run", "--select", "brz_pos__products", check=False))
    line = next((line for line in text.splitlines() if marker in line), text[-3000:])
    assert line.strip() == expected


def _one_line_error(proc) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
    assert proc.returncode != 0, text[-3000:]
    assert "Traceback" not in text
    return text


# --- the same world in two layouts ------------------------------------------------------


@pytest.fixture(scope="module")
def two_layouts(built_001, tmp_path_factory):
    """The scale-0.01 seed-7 world in the standard layout (the shared build, built_001) and in
    a retailer's own layout mapped in YAML, built with the same PII salt (its salt file)."""
    base = tmp_path_factory.mktemp("pos_layouts")
    layout = PosLayout.retail_export()
    custom_landing = base / "custom"
    generate(GeneratorConfig(scale=0.01, seed=7, out=custom_landing, pos_layout=layout), quiet=True)
    meta = {entity: entity_layout.meta() for entity, entity_layout in layout.entities}
    copy = _project_copy(base / "project", meta)
    custom = MappedProject(custom_landing, base / "dbt_custom", project_dir=copy, salt=None)
    custom.workdir.mkdir(parents=True)
    salt_file = Path(f"{built_001.duckdb_path}.pii_salt")
    if salt_file.exists():
        shutil.copy(salt_file, Path(f"{custom.duckdb_path}.pii_salt"))
    custom.dbt("build")
    return built_001, custom


def test_cli_prints_the_yaml_that_maps_a_layout():
    proc = run_cli("generate", "--pos-layout", "retail-export", "--print-pos-meta", check=True)
    meta = yaml.safe_load(proc.stdout)
    assert meta == {entity: layout.meta() for entity, layout in PosLayout.retail_export().entities}
    assert meta["orderline"] == {
        "file_name": "invoice_lines.csv",
        "header_aliases": {
            "InvoiceNo": "order_id",
            "StockCode": "product_id",
            "UnitPrice": "unit_price",
            "LineNo": "line_number",
        },
        "ignored_headers": ["Description"],
    }


def test_custom_layout_files_really_differ(two_layouts):
    _, custom = two_layouts
    drop = next((custom.landing / "pos").iterdir())
    assert sorted(p.name for p in drop.iterdir()) == [
        "customers.csv",
        "invoice_lines.csv",
        "invoices.csv",
        "products.csv",
        "zip_codes.csv",
    ]
    header = (drop / "invoice_lines.csv").read_bytes().lstrip(b"\xef\xbb\xbf").splitlines()[0]
    assert header == b"InvoiceNo,StockCode,Description,Quantity,UnitPrice,LineNo"


def test_same_world_in_both_layouts_gives_the_same_gold(two_layouts):
    standard, custom = two_layouts
    with duckdb.connect() as con:
        con.execute(f"attach '{standard.duckdb_path}' as std (read_only)")
        con.execute(f"attach '{custom.duckdb_path}' as cus (read_only)")
        query = "select table_name from information_schema.tables where table_catalog = 'std' "
        tables = sorted(row[0] for row in con.execute(query + "and table_schema = 'gold'").fetchall())
        assert len(tables) >= 10, tables
        compared = {}
        for table in tables:
            excluded = PRICE_SOURCE.get(table)
            select = f"* exclude ({', '.join(excluded)})" if excluded else "*"
            counts = []
            for a, b in (("std", "cus"), ("cus", "std")):
                counts.append(
                    con.execute(
                        f"select count(*) from (select {select} from {a}.gold.{table} "
                        f"except all select {select} from {b}.gold.{table})"
                    ).fetchone()[0]
                )
            rows = con.execute(f"select count(*) from std.gold.{table}").fetchone()[0]
            compared[table] = (rows, *counts)
        print("gold rows, std-only, custom-only:", compared)
        assert all(c[1] == 0 and c[2] == 0 for c in compared.values()), compared
        assert compared["fct_order_lines"][0] > 100
        # store lines priced from their own unit_price in the custom layout, same amounts
        sources = dict(
            con.execute(
                "select unit_price_source, count(*) from cus.gold.fct_order_lines "
                "where channel = 'store' group by 1"
            ).fetchall()
        )
        assert sources.get("pos_line", 0) > 0 and sources.get("pos_price_history", 0) > 0, sources
        # order dates with a time of day come through the InvoiceDate alias
        timed = [
            con.execute(
                f"select count(*) from {db}.silver.slv_pos_orders__checked "
                "where outcome = 'silver' and ordered_at is not null"
            ).fetchone()[0]
            for db in ("std", "cus")
        ]
        assert timed[0] == timed[1] > 0, timed
        keys = con.execute(
            "select count(*) from cus.silver.slv_pos_orderlines__checked "
            "where outcome = 'quarantined' and list_contains(quarantine_reasons, "
            "'duplicate_line_number')"
        ).fetchone()[0]
        assert keys == 0


def test_bronze_rows_and_rejects_agree_in_both_layouts(two_layouts):
    standard, custom = two_layouts
    for table in ("brz_pos__orderlines", "brz_pos__customers", "brz_pos__products"):
        query = f"select count(*), count(*) filter (where _is_decoded_windows_1252) from bronze.{table}"
        assert standard.query(query) == custom.query(query), table
    recovered = custom.query(
        "select last_name, _raw_bytes_hex from bronze.brz_pos__customers where _is_decoded_windows_1252"
    )
    assert recovered and all(name and "é" in name for name, _ in recovered), recovered
    assert standard.query("select count(*) from bronze.brz_pos__csv_rejects") == custom.query(
        "select count(*) from bronze.brz_pos__csv_rejects"
    )


# --- hand-written drops: line prices, line numbers, any column order --------------------

PRODUCTS = 'id,name,currentPrice,availableQuantity\nP1,Lamp,10.00,5\nP2,Chair,"$1,299.00",2\nP3,Mug,4.50,9\n'
CITIES = "zip,city,state\n02134,Boston,MA\n"
CUSTOMERS = (
    "id,firstName,lastName,email,address1,address2,phone,birthdate,zip\n"
    "C1,Ann,Lee,ann@example.com,1 Main St,,617-555-0101,1980-01-02,02134\n"
    "C2,Bob,Roe,bob@example.com,2 Main St,,617-555-0102,1981-02-03,02134\n"
)
# drop 1: standard column order plus the optional columns
ORDERS_1 = (
    "id,datePlaced,dateShipped,customer_id\n"
    "O1,2025-10-03,2025-10-04,C1\nO2,10/05/2025 14:30,,C2\nO3,2025-10-06,,C1\n"
    "O4,2025-10-07,,C2\n"
)
LINES_1 = (
    "order_id,product_id,quantity,unit_price,line_number\n"
    "O1,P1,2,9.50,1\n"  # charged below the snapshot price (10.00)
    "O1,P1,2,9.50,2\n"  # the same product scanned again: another line
    "O1,P3,-1,$4.00,3\n"  # a return at the price charged
    'O2,P2,1,"1,250.00",1\n'
    "O2,P3,3,,2\n"  # no price given: the snapshot price (4.50)
    "O3,P1,1,11.00,1\n"
    "O3,P3,1,4.50,1\n"  # line 1 twice in O3: both rows held back
    "O4,P1,1,abc,1\n"  # a price that does not parse
    "O4,P3,1,-2.00,2\n"  # a negative price (returns are negative quantities)
    "O4,P3,1,4.50,\n"
)  # no line number in a file that carries them
# drop 2: another column order; re-sends O1 unchanged (a duplicate) and O2 changed (a conflict)
ORDERS_2 = "customer_id,id,dateShipped,datePlaced\nC1,O1,2025-10-04,2025-10-03\nC2,O2,,10/05/2025 14:30\n"
LINES_2 = (
    "line_number,unit_price,quantity,order_id,product_id\n"
    "1,9.50,2,O1,P1\n2,9.50,2,O1,P1\n3,$4.00,-1,O1,P3\n"
    '1,"1,250.00",1,O2,P2\n2,4.40,3,O2,P3\n'
)


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    base = tmp_path_factory.mktemp("pos_priced")
    landing = base / "landing"
    for source in ("mariadb", "events"):
        shutil.copytree(SAMPLE / source, landing / source)
    drops = {"2025-11-01": (ORDERS_1, LINES_1), "2025-12-01": (ORDERS_2, LINES_2)}
    for load_date, (orders, lines) in drops.items():
        drop = landing / "pos" / f"load_date={load_date}"
        drop.mkdir(parents=True)
        for name, text in (
            ("product", PRODUCTS),
            ("city", CITIES),
            ("customer", CUSTOMERS),
            ("order", orders),
            ("orderline", lines),
        ):
            (drop / f"{name}.csv").write_text(text, encoding="utf-8")
    project = MappedProject(landing, base / "dbt")
    project.dbt("seed")
    project.dbt("run", "--select", "+fct_order_lines")
    return project


def _csv_revenue(text: str, valid_orders: set[str], snapshot: dict[str, Decimal]) -> Decimal:
    """Σ quantity × unit_price over the lines of a CSV, independently of the project."""
    import csv
    import io

    total = Decimal(0)
    for row in csv.DictReader(io.StringIO(text)):
        if row["order_id"] not in valid_orders:
            continue
        price = row["unit_price"].replace("$", "").replace(",", "").strip()
        total += int(row["quantity"]) * (Decimal(price) if price else snapshot[row["product_id"]])
    return total


def test_line_prices_win_over_the_snapshot_price(priced):
    # O3's two rows share line number 1: both are held back (test_line_numbers_are_the_line_key)
    expected = _csv_revenue(LINES_1, {"O1", "O2"}, {"P3": Decimal("4.50")})
    assert expected == 2 * Decimal("9.50") * 2 - Decimal("4.00") + Decimal("1250.00") + 3 * Decimal("4.50")
    got = priced.scalar(
        "select sum(line_amount) from gold.fct_order_lines "
        "where channel = 'store' and source_order_id in ('O1', 'O2')"
    )
    assert got == expected
    sources = priced.query(
        "select source_line_id, unit_price, unit_price_source from gold.fct_order_lines "
        "where channel = 'store' order by 1"
    )
    assert sources == [
        ("O1|1", Decimal("9.50"), "pos_line"),
        ("O1|2", Decimal("9.50"), "pos_line"),
        ("O1|3", Decimal("4.00"), "pos_line"),
        ("O2|1", Decimal("1250.00"), "pos_line"),
        ("O2|2", Decimal("4.50"), "pos_price_history"),
    ]


def test_line_numbers_are_the_line_key(priced):
    rows = priced.query(
        "select order_id, line_number, outcome, quarantine_reasons, _load_date::varchar "
        "from silver.slv_pos_orderlines__checked order by _load_date, order_id, line_number, "
        "_source_row_number"
    )
    by_drop = {}
    for order_id, line, outcome, reasons, load_date in rows:
        by_drop.setdefault(load_date, []).append((order_id, line, outcome, reasons))
    assert by_drop["2025-11-01"] == [
        ("O1", 1, "silver", []),
        ("O1", 2, "silver", []),
        ("O1", 3, "silver", []),
        ("O2", 1, "silver", []),
        ("O2", 2, "silver", []),
        ("O3", 1, "quarantined", ["duplicate_line_number"]),
        ("O3", 1, "quarantined", ["duplicate_line_number"]),
        ("O4", 1, "quarantined", ["invalid_number"]),
        ("O4", 2, "quarantined", ["negative_price"]),
        ("O4", None, "quarantined", ["missing_key"]),
    ]
    # drop 2, columns in another order: O1 re-sent unchanged, O2 with another price
    assert by_drop["2025-12-01"] == [
        ("O1", 1, "duplicate", []),
        ("O1", 2, "duplicate", []),
        ("O1", 3, "duplicate", []),
        ("O2", 1, "quarantined", ["duplicate_conflict"]),
        ("O2", 2, "quarantined", ["duplicate_conflict"]),
    ]


# --- header errors: one line naming the file, the header and the YAML to write ---------


@pytest.fixture(scope="module")
def mapped_copy(tmp_path_factory):
    base = tmp_path_factory.mktemp("pos_header_errors")
    meta = {
        "orderline": {
            "file_name": "invoice_lines.csv",
            "header_aliases": {
                "InvoiceNo": "order_id",
                "StockCode": "product_id",
                "Quantity": "quantity",
                "UnitPrice": "unit_price",
                "Unit Price, USD": "unit_price",
            },
            "ignored_headers": ["Description", 'Note "A"', "", "Désignation"],
        }
    }
    return _project_copy(base / "project", meta), base


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "InvoiceNo,StockCode,Description,UnitPrice",
            "{file} is missing required column(s) quantity "
            "(header: InvoiceNo,StockCode,Description,UnitPrice; "
            "expected: order_id,product_id,quantity). If the file names it otherwise, write "
            "`header_aliases: {{'<its header>': quantity}}` in meta of source pos.orderline in "
            "models/bronze/pos/_pos__sources.yml.",
        ),
        (
            "InvoiceNo,StockCode,Quantity,Country",
            "{file} has unexpected column(s) Country (expected: order_id,product_id,quantity; optional: "
            "unit_price,line_number). Map it with `header_aliases: {{'Country': <column>}}` or skip it with "
            "`ignored_headers: ['Country']` in meta of source pos.orderline in "
            "models/bronze/pos/_pos__sources.yml.",
        ),
        (
            "InvoiceNo,StockCode,Quantity, quantity ",
            "{file} has two headers for column quantity: Quantity and quantity (header: "
            "InvoiceNo,StockCode,Quantity,quantity). Keep one: list the other under `ignored_headers` "
            "in meta of "
            "source pos.orderline in models/bronze/pos/_pos__sources.yml.",
        ),
    ],
    ids=["missing", "unknown", "two-for-one"],
)
def test_header_errors_are_one_line(mapped_copy, header, message, request):
    project_dir, base = mapped_copy
    case = request.node.callspec.id
    landing = base / f"landing_{case}"
    shutil.copytree(SAMPLE, landing)
    for drop in (landing / "pos").iterdir():
        (drop / "orderline.csv").rename(drop / "invoice_lines.csv")
        (drop / "invoice_lines.csv").write_text(
            "InvoiceNo,StockCode,Description,Quantity,UnitPrice\n500001,20001,Lamp,1,2.00\n", encoding="utf-8"
        )
    broken = landing / "pos" / "load_date=2025-09-01" / "invoice_lines.csv"
    broken.write_text(header + "\n500001,20001,1,2\n", encoding="utf-8")
    project = MappedProject(landing, base / f"dbt_{case}", project_dir=project_dir)
    text = _one_line_error(project.dbt("run", "--select", "brz_pos__counted_files", check=False))
    expected = "CSV file " + message.format(file=broken)
    assert expected in text, text[-3000:]
    line = next(line for line in text.splitlines() if expected in line)
    assert line.strip() == expected


def test_a_bad_byte_in_an_ignored_column_is_read_and_mapped(mapped_copy):
    """Ignored columns are read too: a Windows-1252 byte there makes the record a recovered
    reject, and the recovered fields land in the right contract columns (file order)."""
    project_dir, base = mapped_copy
    landing = base / "landing_bad_byte"
    shutil.copytree(SAMPLE, landing)
    for drop in (landing / "pos").iterdir():
        (drop / "orderline.csv").unlink()
        (drop / "invoice_lines.csv").write_bytes(
            b"Quantity,InvoiceNo,StockCode,Description,UnitPrice\r\n"
            b"1,500001,20001,Lamp,2.00\r\n3,500001,20002,Caf\xe9 mug,1.50\r\n1,500002,20003,Plain,\r\n"
        )
    project = MappedProject(landing, base / "dbt_bad_byte", project_dir=project_dir)
    project.dbt("run", "--select", "+brz_pos__orderlines")
    path = landing / "pos" / "load_date=2025-09-01" / "invoice_lines.csv"
    kept = project.query(f"""select order_id, product_id, quantity, unit_price, line_number,
                                    _is_decoded_windows_1252, _source_row_number
                             from bronze.brz_pos__orderlines where _source_file = '{path}'
                             order by _source_row_number""")
    assert kept == [
        ("500001", "20001", "1", "2.00", None, False, 1),
        ("500001", "20002", "3", "1.50", None, True, 2),
        ("500002", "20003", "1", None, None, False, 3),
    ]
    rejected = project.query(f"""select _source_row_number, is_recovered, raw_line
                                 from bronze.brz_pos__csv_rejects where _source_file = '{path}'""")
    assert rejected == [(2, True, "3,500001,20002,Café mug,1.50")]
    assert project.query(
        "select distinct read_columns from bronze.brz_pos__counted_files where entity = 'orderline'"
    ) == [(["quantity", "order_id", "product_id", "_ignored_4", "unit_price"],)]


def _renamed_landing(base: Path, name: str) -> Path:
    """A copy of the sample whose order-line files are named as mapped_copy's meta says."""
    landing = base / name
    shutil.copytree(SAMPLE, landing)
    for drop in (landing / "pos").iterdir():
        (drop / "orderline.csv").rename(drop / "invoice_lines.csv")
    return landing


def test_missing_files_follow_meta_file_name(mapped_copy):
    """The missing-files error looks where the table reads (meta.file_name), so a renamed
    POS file is not reported missing and POS is not suggested to be switched off."""
    project_dir, base = mapped_copy
    landing = _renamed_landing(base, "landing_no_events")
    shutil.rmtree(landing / "events")
    project = MappedProject(landing, base / "dbt_no_events", project_dir=project_dir)
    text = _one_line_error(project.dbt("run", "--select", "brz_events__events", check=False))
    line = next(line for line in text.splitlines() if "Landing files missing" in line)
    assert "for 1 required source location(s)" in line, line
    assert "events.events (nothing matches" in line and "pos." not in line, line
    assert "enabled_sources: [pos, mariadb]" in line, line


def test_a_quoted_header_may_hold_commas_and_quotes(mapped_copy):
    """Header lines are split as CSV: `"Unit Price, USD"` is one header (mapped by its alias)
    and a doubled quote inside quotes is one quote (`Note "A"`, ignored)."""
    project_dir, base = mapped_copy
    landing = _renamed_landing(base, "landing_quoted_header")
    for drop in (landing / "pos").iterdir():
        (drop / "invoice_lines.csv").write_text(
            'InvoiceNo,StockCode,"Note ""A""",Quantity,"Unit Price, USD"\n'
            '500001,20001,"Lamp, big",1,"1,299.00"\n',
            encoding="utf-8",
        )
    project = MappedProject(landing, base / "dbt_quoted_header", project_dir=project_dir)
    project.dbt("run", "--select", "+brz_pos__orderlines")
    assert project.query(
        "select distinct order_id, product_id, quantity, unit_price from bronze.brz_pos__orderlines"
    ) == [("500001", "20001", "1", "1,299.00")]
    assert project.query(
        "select distinct read_columns from bronze.brz_pos__counted_files where entity = 'orderline'"
    ) == [(["order_id", "product_id", "_ignored_3", "quantity", "unit_price"],)]


def test_every_missing_drop_file_is_listed_in_one_error(mapped_copy):
    project_dir, base = mapped_copy
    landing = _renamed_landing(base, "landing_incomplete_drops")
    first, second = sorted((landing / "pos").iterdir())[:2]
    (first / "customer.csv").unlink()
    (first / "invoice_lines.csv").unlink()
    (second / "product.csv").unlink()
    project = MappedProject(landing, base / "dbt_incomplete_drops", project_dir=project_dir)
    _assert_products_stop(
        project,
        "POS drop",
        f"POS drop {first} has no customer.csv, invoice_lines.csv; POS drop {second} has no "
        "product.csv: every drop must contain all entity files (city.csv, customer.csv, "
        "order.csv, invoice_lines.csv, product.csv; a header-only file when there is nothing "
        "to send).",
    )


def test_an_empty_header_is_named_by_position_and_can_be_ignored(mapped_copy):
    """A trailing comma in a header: one line saying where, and `ignored_headers: ['']` (set for
    the order lines of mapped_copy) reads the file."""
    project_dir, base = mapped_copy
    landing = _renamed_landing(base, "landing_empty_header")
    for drop in (landing / "pos").iterdir():
        (drop / "invoice_lines.csv").write_text(
            "InvoiceNo,StockCode,Quantity,\n500001,20001,1,\n", encoding="utf-8"
        )
    project = MappedProject(landing, base / "dbt_empty_header", project_dir=project_dir)
    project.dbt("run", "--select", "+brz_pos__orderlines")
    assert project.query(
        "select distinct order_id, product_id, quantity, unit_price from bronze.brz_pos__orderlines"
    ) == [("500001", "20001", "1", None)]
    broken = landing / "pos" / "load_date=2025-09-01" / "product.csv"
    broken.write_text("id,name,,currentPrice,availableQuantity\n1,Lamp,,2.00,3\n", encoding="utf-8")
    _assert_products_stop(
        project,
        "empty header",
        f"CSV file {broken} has an empty header at position 3 (header: "
        "id,name,,currentPrice,availableQuantity). Remove it from the export, "
        "or skip it with `ignored_headers: ['']` in meta of source pos.product in "
        "models/bronze/pos/_pos__sources.yml.",
    )


def test_a_yaml_boolean_in_the_mapping_says_to_quote_it(tmp_path):
    """`header_aliases: {No: line_number}` is {False: line_number} to YAML; `ignored_headers:
    [1.5]` a number: one line each, saying to quote the name."""
    project_dir = _project_copy(
        tmp_path / "project",
        {"orderline": {"header_aliases": {False: "line_number"}}, "product": {"ignored_headers": [1.5]}},
    )
    assert "false: line_number" in (project_dir / SOURCES_YAML).read_text(encoding="utf-8")
    project = MappedProject(SAMPLE, tmp_path / "dbt", project_dir=project_dir)
    where = "source pos.{} (models/bronze/pos/_pos__sources.yml): meta."
    hint = (
        "not text (YAML reads unquoted No/Yes/On/Off/true/false, numbers and null so); quote every "
        "header and column name as written in the file, e.g. `{}`."
    )
    for model, expected in [
        (
            "brz_pos__orderlines",
            where.format("orderline")
            + "header_aliases key False is a boolean, "
            + hint.format("'No': line_number"),
        ),
        (
            "brz_pos__products",
            where.format("product")
            + "ignored_headers entry 1.5 is a number, "
            + hint.format("ignored_headers: ['No', 'Description']"),
        ),
    ]:
        text = _one_line_error(project.dbt("run", "--select", model, check=False))
        line = next((line for line in text.splitlines() if "meta." in line), text[-3000:])
        assert line.strip() == expected


def test_file_name_extension_may_be_upper_case(tmp_path):
    project_dir = _project_copy(tmp_path / "project", {"orderline": {"file_name": "INVOICES.CSV"}})
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    for drop in (landing / "pos").iterdir():
        (drop / "orderline.csv").rename(drop / "INVOICES.CSV")
    project = MappedProject(landing, tmp_path / "dbt", project_dir=project_dir)
    project.dbt("run", "--select", "+brz_pos__orderlines")
    files = project.query("select distinct _source_file from bronze.brz_pos__orderlines")
    assert len(files) == 6 and all(name.endswith("/INVOICES.CSV") for (name,) in files)


def test_a_windows_1252_header_is_decoded_for_matching(mapped_copy):
    """A header line that is not UTF-8 is decoded as Windows-1252, like records: an ignored
    `D\\xe9signation` reads, an unknown `Qualit\\xe9` is named as `Qualité`."""
    project_dir, base = mapped_copy
    landing = _renamed_landing(base, "landing_cp1252_header")
    for drop in (landing / "pos").iterdir():
        (drop / "invoice_lines.csv").write_bytes(
            b"InvoiceNo,StockCode,D\xe9signation,Quantity\r\n500001,20001,Caf\xe9,1\r\n500001,20002,Lamp,2\r\n"
        )
    project = MappedProject(landing, base / "dbt_cp1252_header", project_dir=project_dir)
    project.dbt("run", "--select", "+brz_pos__orderlines")
    assert project.query(
        "select distinct order_id, product_id, quantity, _is_decoded_windows_1252 "
        "from bronze.brz_pos__orderlines order by all"
    ) == [("500001", "20001", "1", True), ("500001", "20002", "2", False)]
    broken = landing / "pos" / "load_date=2025-09-01" / "product.csv"
    broken.write_bytes(b"id,name,currentPrice,availableQuantity,Qualit\xe9\n1,Lamp,2.00,3,A\n")
    text = _one_line_error(project.dbt("run", "--select", "brz_pos__products", check=False))
    assert (
        f"CSV file {broken}, whose header line is not valid UTF-8 (read as Windows-1252), has unexpected "
        "column(s) Qualité (expected exactly: "
    ) in text, text[-3000:]
