"""MariaDB source contracts in the sources YAML: another team's schema (lower-case
tables, a renamed column, text dates and ratings) mapped by YAML only, values that do not
convert, the schema check before any data is read, and type drift absorbed by a declared type.

Each test loads the generated world into its own database on the private test server and
changes it with SQL, as the other team's server would be."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from aethermart.landing import MARIADB_TABLES
from aethermart.mariadb_url import MariaDBURL
from tests.conftest import TABLES_ONLY, DbtProject
from tests.test_extract import _extract, _loaded_database, _published, _query, _sql

SALT = "contract-test-salt"  # one PII salt for both builds, so gold hashes compare


def _sources_yaml(path: Path, tables: dict | None = None, columns: dict | None = None) -> Path:
    """A copy of the project's MariaDB sources YAML with a source contract: ``tables`` maps a
    table to its `meta.extract` additions, ``columns`` maps (table, column) to additions."""
    from aethermart.extract.config import SOURCES_YAML

    doc = yaml.safe_load(SOURCES_YAML.read_text())
    source = next(s for s in doc["sources"] if s["name"] == "mariadb")
    for table in source["tables"]:
        table["meta"]["extract"].update((tables or {}).get(table["name"], {}))
        for column in table["columns"]:
            for key, value in (columns or {}).get((table["name"], column["name"]), {}).items():
                if key == "meta":
                    column.setdefault("meta", {}).update(value)
                else:
                    column[key] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _typed_sources_yaml(path: Path, types: dict[tuple[str, str], str | None]) -> Path:
    """``_sources_yaml`` declaring (table, column) -> ``data_type`` (None: no declared type)."""
    return _sources_yaml(path, columns={column: {"data_type": t} for column, t in types.items()})


def _with_pos_and_events(generated: Path, landing: Path) -> Path:
    for part in ("pos", "events"):
        shutil.copytree(generated / part, landing / part)
    return landing


def _manifest(landing: Path, table: str) -> dict:
    (path,) = sorted((landing / "mariadb" / table).glob("extraction_id=*/_manifest.json"))[-1:]
    return json.loads(path.read_text())


def _other_teams_schema(url: str) -> None:
    """The standard tables as the other team has them: lower-case names, `price_per_unit`,
    order dates and ratings as text in several renderings."""
    _sql(
        url,
        *[f"rename table `{t}` to `{t.lower()}`" for t in MARIADB_TABLES],
        "alter table order_items change price price_per_unit decimal(10,2)",
        "alter table orders modify order_date varchar(40)",
        # US renderings with a time of day, as POS dates come (zero dates stay as they are)
        "update orders set order_date = concat(date_format(str_to_date(order_date, '%Y-%m-%d'),"
        " '%m/%d/%Y'), ' 14:05') where order_id % 2 = 0 and order_date not like '0000%'",
        "update orders set order_date = date_format(str_to_date(order_date, '%Y-%m-%d'),"
        " '%d-%b-%y') where order_id % 3 = 0 and order_date like '____-__-__'"
        " and order_date not like '0000%'",
        "alter table reviews modify rating varchar(10)",
        "update reviews set rating = concat(' ', rating, ' ') where review_id % 2 = 0",
    )


_MAPPING = {
    "tables": {t: {"source_table": t.lower()} for t in MARIADB_TABLES},
    "columns": {
        ("Order_Items", "price"): {"meta": {"source_column": "PRICE_PER_UNIT"}},
        ("Orders", "order_date"): {"data_type": "date"},
        ("Reviews", "rating"): {"data_type": "integer"},
    },
}


def _gold_tables(project: DbtProject) -> list[str]:
    return [
        t
        for (t,) in project.query(
            "select table_name from information_schema.tables where table_schema = 'gold' "
            "and table_type = 'BASE TABLE' order by table_name"
        )
    ]


def test_other_teams_schema_mapped_in_yaml_gives_the_same_gold(mariadb_server, tmp_path, monkeypatch):
    monkeypatch.setenv("AETHERMART_PII_SALT", SALT)
    generated = tmp_path / "generated"
    standard_url = _loaded_database(mariadb_server, "contract_standard", generated, "0.01", "7")
    other_url = _loaded_database(mariadb_server, "contract_other", tmp_path / "generated_again", "0.01", "7")
    _other_teams_schema(other_url)
    ((us, short),) = _query(
        other_url, "select sum(order_date like '%/% 14:05'), sum(order_date like '%-___-%') from orders"
    )
    ((padded,),) = _query(other_url, "select count(*) from reviews where rating like ' %'")
    assert us > 0 and short > 0 and padded > 0, "the other team's values are not in other renderings"

    standard = _with_pos_and_events(generated, tmp_path / "standard")
    assert _extract(standard_url, standard, "--quiet").returncode == 0
    mapped = _with_pos_and_events(generated, tmp_path / "mapped")
    # without the mapping: one message naming every table, exit code 2, nothing published
    unmapped = _extract(other_url, mapped)
    assert unmapped.returncode == 2, unmapped.stderr
    assert "add `source_table: order_items` under meta.extract of table Order_Items" in unmapped.stderr
    assert not _published(mapped)

    yaml_path = _sources_yaml(tmp_path / "mapped_sources.yml", **_MAPPING)
    proc = _extract(other_url, mapped, "--sources-yaml", str(yaml_path), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = {t["table"]: t for t in json.loads(proc.stdout)["tables"]}
    assert all(t["conversion_errors"] == {} for t in summary.values()), summary
    orders = _manifest(mapped, "Orders")
    assert orders["source_table"] == "orders" and orders["conversion_errors"] == {}
    assert orders["zero_dates_nulled"] == _manifest(standard, "Orders")["zero_dates_nulled"]
    assert _manifest(mapped, "Order_Items")["source_columns"]["price"] == "price_per_unit"
    for table in ("Orders", "Reviews", "Order_Items"):
        (folder,) = (standard / "mariadb" / table).glob("extraction_id=*")
        (other,) = (mapped / "mariadb" / table).glob("extraction_id=*")
        want = pq.read_schema(folder / "part-00000.parquet")
        got = pq.read_schema(other / "part-00000.parquet")
        assert [(f.name, f.type) for f in got][: len(want)] == [(f.name, f.type) for f in want], table

    projects = {
        "standard": DbtProject(standard, tmp_path / "dbt_standard"),
        "mapped": DbtProject(mapped, tmp_path / "dbt_mapped"),
    }
    # the standard side's data tests run in test_extract (the same extraction); here only its tables
    projects["standard"].dbt("build", *TABLES_ONLY)
    projects["mapped"].dbt("build")
    tables = _gold_tables(projects["standard"])
    assert len(tables) >= 10 and _gold_tables(projects["mapped"]) == tables
    with duckdb.connect() as con:
        for name, project in projects.items():
            con.execute(f"attach '{project.duckdb_path}' as {name} (read_only)")
        for table in tables:
            for one, other in (("standard", "mapped"), ("mapped", "standard")):
                extra = con.execute(
                    f"select * from {one}.gold.{table} except all select * from {other}.gold.{table} limit 3"
                ).fetchall()
                assert not extra, f"gold.{table}: rows only in the {one} build: {extra}"
            counts = {
                n: con.execute(f"select count(*) from {n}.gold.{table}").fetchone()[0] for n in projects
            }
            assert counts["standard"] == counts["mapped"], table


def test_values_that_do_not_convert_are_counted_and_quarantined(mariadb_server, tmp_path, monkeypatch):
    monkeypatch.setenv("AETHERMART_PII_SALT", SALT)
    generated = tmp_path / "generated"
    url = _loaded_database(mariadb_server, "contract_bad_values", generated, "0.001", "5")
    first, second = (
        r[0]
        for r in _query(
            url, "select order_id from Orders where order_date is not null order by order_id limit 2"
        )
    )
    ((review,),) = _query(url, "select min(review_id) from Reviews")
    _sql(
        url,
        "alter table Orders modify order_date varchar(40)",
        "alter table Reviews modify rating varchar(10)",
        f"update Orders set order_date = 'not a date' where order_id = {first}",
        f"update Orders set order_date = '02/30/2024 10:00' where order_id = {second}",
        f"update Reviews set rating = 'five' where review_id = {review}",
        "update Reviews set rating = '  ' where review_id = (select max(review_id) from Reviews)",
    )
    declared = {("Orders", "order_date"): "date", ("Reviews", "rating"): "integer"}
    yaml_path = _typed_sources_yaml(tmp_path / "sources.yml", declared)
    landing = _with_pos_and_events(generated, tmp_path / "landing")
    proc = _extract(url, landing, "--sources-yaml", str(yaml_path), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = {t["table"]: t for t in json.loads(proc.stdout)["tables"]}
    assert summary["Orders"]["conversion_errors"] == {"order_date": 2}
    assert summary["Reviews"]["conversion_errors"] == {"rating": 1}  # blank is NULL, not an error
    assert _manifest(landing, "Orders")["conversion_errors"] == {"order_date": 2}
    assert _manifest(landing, "Reviews")["conversion_errors"] == {"rating": 1}
    assert _manifest(landing, "Customers").get("conversion_errors") is None  # nothing cast: as before

    project = DbtProject(landing, tmp_path / "dbt")
    project.dbt("build", "--select", "+slv_quarantine__mariadb")
    rows = project.query(
        "select entity, natural_key, raw_row from silver.slv_quarantine__mariadb "
        "where list_contains(reason_codes, 'unconvertible_value') "
        "order by entity, natural_key"
    )
    assert [(e, k) for e, k, _ in rows] == sorted(
        [("Orders", str(first)), ("Orders", str(second)), ("Reviews", str(review))]
    )
    raw = {(e, k): json.loads(r) for e, k, r in rows}
    assert raw["Orders", str(first)]["_unconvertible_values"] == [
        {"column": "order_date", "value": "not a date"}
    ]
    assert raw["Orders", str(second)]["order_date"] is None
    assert raw["Reviews", str(review)]["_unconvertible_values"] == [{"column": "rating", "value": "five"}]
    assert raw["Reviews", str(review)]["rating"] is None
    reasons = project.query(
        "select reason_codes from silver.slv_quarantine__mariadb "
        f"where entity = 'Orders' and natural_key = '{first}'"
    )
    assert reasons == [(["missing_date", "unconvertible_value"],)]


def test_mismatched_schema_lists_every_difference_and_publishes_nothing(mariadb_server, tmp_path):
    url = _loaded_database(mariadb_server, "contract_mismatch", tmp_path / "gen", "0.001", "5")
    yaml_path = _sources_yaml(
        tmp_path / "sources.yml",
        columns={
            ("Customers", "registration_date"): {"data_type": "date"},
            ("Orders", "order_date"): {"data_tests": ["not_null"]},  # NULL in MariaDB
            ("Suppliers", "supplier_name"): {"data_type": "datum"},
        },
    )
    landing = tmp_path / "landing"
    _sql(
        url,
        "alter table Orders drop column total_amount",
        "rename table Reviews to product_reviews",
        "alter table Order_Items change price price_per_unit decimal(10,2)",
        "alter table Customers modify registration_date int",
    )
    proc = _extract(url, landing, "--sources-yaml", str(yaml_path))
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr
    assert "Traceback" not in err and MariaDBURL.parse(url).password not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1, err
    assert "(6 differences)" in err, err
    assert (
        "table Orders, column order_date: declared not_null, but Orders.order_date is nullable in MariaDB"
    ) in err
    assert "table Suppliers, column supplier_name: data_type 'datum' is not a DuckDB type" in err
    assert "table Orders has no column(s) total_amount" in err
    assert "table Reviews not found in database contract_mismatch" in err
    assert (
        "no configured table reads (product_reviews): if Reviews was renamed, add "
        "`source_table: product_reviews` under meta.extract of table Reviews (sources.yml, line "
    ) in err
    assert (
        "Order_Items.price_per_unit exists, price does not: add `meta: {source_column: price_per_unit}` "
        "under column price of Order_Items (sources.yml, line "
    ) in err
    assert (
        "table Customers, column registration_date: Customers.registration_date is int(11), declared "
        "date: a MariaDB int cannot be cast to DATE"
    ) in err
    assert not _published(landing)
    assert not list((landing / "mariadb").glob("*/.staging-*"))


def test_type_drift_is_absorbed_by_the_declared_type(mariadb_server, tmp_path, monkeypatch):
    monkeypatch.setenv("AETHERMART_PII_SALT", SALT)
    generated = tmp_path / "generated"
    url = _loaded_database(mariadb_server, "contract_drift", generated, "0.001", "5")
    declared = {("Reviews", "rating"): "integer", ("Order_Items", "quantity"): "integer"}
    yaml_path = _typed_sources_yaml(tmp_path / "sources.yml", declared)
    landing = _with_pos_and_events(generated, tmp_path / "landing")
    assert _extract(url, landing, "--sources-yaml", str(yaml_path), "--quiet").returncode == 0
    _sql(
        url,
        "alter table Reviews modify rating bigint",
        "alter table Order_Items modify quantity bigint",
        "update Reviews set rating = 4 where review_id = (select min(review_id) from Reviews)",
    )
    # without a declared type the same change stops the run (as before)
    undeclared_yaml = _typed_sources_yaml(tmp_path / "undeclared.yml", dict.fromkeys(declared))
    undeclared = _extract(url, landing, "--sources-yaml", str(undeclared_yaml), "--quiet")
    assert undeclared.returncode == 2 and "type changed from int32" in undeclared.stderr
    proc = _extract(url, landing, "--sources-yaml", str(yaml_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    for table, column in (("Reviews", "rating"), ("Order_Items", "quantity")):
        folders = sorted((landing / "mariadb" / table).glob("extraction_id=*"))
        assert len(folders) == 2
        types = {str(pq.read_schema(f / "part-00000.parquet").field(column).type) for f in folders}
        assert types == {"int32"}, (table, types)
    project = DbtProject(landing, tmp_path / "dbt")
    project.dbt("build", *TABLES_ONLY)  # every gold contract holds (checked as each table is built)
    assert project.scalar("select count(*) from gold.fct_order_lines") > 0


@pytest.mark.parametrize(
    "server_type, declared, values, expected, errors",
    [
        (
            "varchar",
            "date",
            [
                "2024-03-05",
                "03/05/2024 14:05",
                "5-Mar-24",
                "March 5, 2024",
                " 3/5/24 ",
                "",
                "NULL",
                None,
                "0000-00-00",
                "2024-02-30",
                "soon",
            ],
            [date(2024, 3, 5)] * 5 + [None] * 6,
            ["2024-02-30", "soon"],
        ),
        (
            "varchar",
            "integer",
            ["5", " 4 ", "+3", "2.5", "five", "", None, "99999999999"],
            [5, 4, 3, None, None, None, None, None],
            ["2.5", "five", "99999999999"],
        ),
        (
            "text",
            "decimal(10,2)",
            ["$1,299.00", "12.5", "-3", "12.345", "abc"],
            [Decimal("1299.00"), Decimal("12.50"), Decimal("-3.00"), None, None],
            ["12.345", "abc"],
        ),
        ("bigint", "integer", ["7", "-2", "3000000000", None], [7, -2, None, None], ["3000000000"]),
        ("date", "date", ["2024-03-05", "0000-00-00", None], [date(2024, 3, 5), None, None], []),
        ("int", "varchar", ["7", None], ["7", None], []),
    ],
)
def test_declared_types_cast_with_silvers_rules(server_type, declared, values, expected, errors):
    """The extractor's cast, without a server: the same renderings silver reads."""
    from aethermart.extract.casting import BatchCaster, LandedColumn, declared_type

    column = LandedColumn("c", "src", server_type, server_type, 10, 2, True, declared_type(declared))
    caster = BatchCaster("T", [column])
    zero: dict[str, int] = {}
    batch = caster.cast([(v,) for v in values], zero)
    caster.close()
    assert batch.column(0).to_pylist() == expected
    assert [e["value"] for row in batch.column(1).to_pylist() for e in row] == errors
    assert caster.conversion_errors == ({"c": len(errors)} if errors else {})
    assert zero == ({"c": 1} if "0000-00-00" in values else {})


def test_server_columns_named_like_bronzes_reader_columns_are_not_landed(mariadb_server, tmp_path):
    """Columns outside the contract land as they are, except those named like a column bronze
    adds (filename, extraction_id, file_row_number, _conversion_errors): the view would not bind."""
    url = _loaded_database(mariadb_server, "contract_reader_names", tmp_path / "gen", "0.001", "5")
    _sql(
        url,
        "alter table Customers add column `filename` varchar(20), add column `loyalty` int",
        "alter table Orders add column `EXTRACTION_ID` int, add column `_conversion_errors` text",
    )
    yaml_path = _sources_yaml(
        tmp_path / "sources.yml", columns={("Orders", "order_date"): {"data_type": "date"}}
    )
    landing = _with_pos_and_events(tmp_path / "gen", tmp_path / "landing")
    proc = _extract(url, landing, "--sources-yaml", str(yaml_path))
    assert proc.returncode == 0, proc.stderr
    for table, kept, skipped in (
        ("Customers", "loyalty", ["filename"]),
        ("Orders", None, ["EXTRACTION_ID", "_conversion_errors"]),
    ):
        for name in skipped:
            assert f"extract: note: table {table}, column {name}: not landed" in proc.stderr
        manifest = _manifest(landing, table)
        assert sorted(manifest["skipped_columns"]) == sorted(skipped)
        part = next((landing / "mariadb" / table).rglob("*.parquet"))
        names = pq.read_schema(part).names
        assert not set(skipped) & set(names) and (kept is None or kept in names)
    project = DbtProject(landing, tmp_path / "work")
    project.dbt("run", "-s", "brz_mariadb__customers", "brz_mariadb__orders")
    assert project.scalar("select count(*) from bronze.brz_mariadb__customers") > 0


def test_tables_differing_only_in_case_need_the_exact_case(mariadb_server, tmp_path):
    url = _loaded_database(mariadb_server, "contract_case", tmp_path / "gen", "0.001", "5")
    _sql(url, "create table `CUSTOMERS` like `Customers`")  # empty: which one was read shows
    landing = tmp_path / "landing"
    folded = _sources_yaml(tmp_path / "folded.yml", tables={"Customers": {"source_table": "customers"}})
    proc = _extract(url, landing, "--tables", "Customers", "--sources-yaml", str(folded))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        "ambiguous: the server has CUSTOMERS and Customers, which differ only in case: write the "
        "exact case of the one to read as `source_table:` under meta.extract of table Customers"
    ) in proc.stderr
    assert "add `source_table: CUSTOMERS`" not in proc.stderr and not _published(landing)
    exact = _sources_yaml(tmp_path / "exact.yml", tables={"Customers": {"source_table": "CUSTOMERS"}})
    proc = _extract(url, landing, "--tables", "Customers", "--sources-yaml", str(exact), "--json")
    assert proc.returncode == 0, proc.stderr
    manifest = _manifest(landing, "Customers")
    assert manifest["source_table"] == "CUSTOMERS"
    assert json.loads(proc.stdout)["tables"][0]["rows"] == 0


def test_a_schema_mismatch_with_json_prints_the_errors_on_stdout(mariadb_server, tmp_path):
    url = _loaded_database(mariadb_server, "contract_json", tmp_path / "gen", "0.001", "5")
    _sql(
        url, "alter table Orders drop column total_amount", "alter table Suppliers drop column supplier_name"
    )
    landing = tmp_path / "landing"
    plain = _extract(url, landing)
    proc = _extract(url, landing, "--json")
    assert proc.returncode == plain.returncode == 2
    assert proc.stderr == plain.stderr and "(2 differences)" in proc.stderr  # stderr as it was
    report = json.loads(proc.stdout)
    assert report["status"] == "error" and report["exit_code"] == 2
    assert report["error"] in proc.stderr and len(report["errors"]) == 2
    assert any(e.startswith("table Orders has no column(s) total_amount") for e in report["errors"])
    assert MariaDBURL.parse(url).password not in proc.stdout and not _published(landing)
