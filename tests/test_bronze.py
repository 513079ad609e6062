"""`dbt build` over generated sources: every landed record is a bronze row or a recorded reject."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import DbtProject, answer_key

POS_MODELS = {
    "product": "brz_pos__products",
    "city": "brz_pos__cities",
    "customer": "brz_pos__customers",
    "order": "brz_pos__orders",
    "orderline": "brz_pos__orderlines",
}
MARIADB_MODELS = {
    "Customers": "brz_mariadb__customers",
    "Categories": "brz_mariadb__categories",
    "Suppliers": "brz_mariadb__suppliers",
    "Products": "brz_mariadb__products",
    "Orders": "brz_mariadb__orders",
    "Order_Items": "brz_mariadb__order_items",
    "Reviews": "brz_mariadb__reviews",
    "Product_Attributes": "brz_mariadb__product_attributes",
}
ALL_MODELS = [*POS_MODELS.values(), *MARIADB_MODELS.values(), "brz_events__events"]
# Faults the generator makes that no CSV reader can turn into a row.
LINE_KILLERS = {"unquoted_delimiter"}  # non_utf8 records are recovered (Windows-1252)


def _rejects(project: DbtProject, model: str) -> Counter:
    return Counter(
        dict(
            project.query(
                f"select entity, count(*) from bronze.{model} where not is_recovered group by entity"
            )
        )
    )


def test_pos_records_are_bronze_rows_or_rejects(built_001):
    key = answer_key(built_001.landing)
    rejects = _rejects(built_001, "brz_pos__csv_rejects")
    for entity, model in POS_MODELS.items():
        rows = built_001.scalar(f"select count(*) from bronze.{model}")
        written = key["entities"][f"pos.{entity}"]["data_rows"]
        assert rows + rejects[entity] == written, (entity, rows, rejects[entity], written)
        assert rows > 0


def test_rejected_lines_are_exactly_the_unparseable_ones(built_001):
    key = answer_key(built_001.landing)
    expected = Counter(
        f["entity"] for f in key["faults"] if f["source"] == "pos" and f["fault"] in LINE_KILLERS
    )
    assert _rejects(built_001, "brz_pos__csv_rejects") == expected
    kinds = {
        r[0]
        for r in built_001.query("select error_types from bronze.brz_pos__csv_rejects where not is_recovered")
    }
    assert kinds == {"TOO MANY COLUMNS"}
    # every reject names its file, and its line really is the broken one
    for file, row, raw in built_001.query(
        "select _source_file, _source_row_number, raw_line from bronze.brz_pos__csv_rejects"
    ):
        assert Path(file).is_file()
        assert row >= 1 and raw


def _records(path: str) -> list[list[str]]:
    text = Path(path).read_bytes().decode("utf-8", errors="surrogateescape")
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


@pytest.mark.parametrize("entity", POS_MODELS)
def test_record_numbers_point_at_the_landed_record(built_001, entity):
    """(file, row number) names exactly one record, for bronze rows and rejects alike."""
    model = POS_MODELS[entity]
    files: dict[str, list[list[str]]] = {}
    raw_first = {
        "product": "product_id",
        "city": "zip",
        "customer": "customer_id",
        "order": "order_id",
        "orderline": "order_id",
    }[entity]
    rows = built_001.query(f"select _source_file, _source_row_number, {raw_first} from bronze.{model}")
    rejected = built_001.query(
        "select _source_file, _source_row_number, raw_line from "
        f"bronze.brz_pos__csv_rejects where entity = '{entity}' and not is_recovered"
    )
    for file, number, first in rows:
        record = files.setdefault(file, _records(file))[number - 1]
        assert record[0] == (first or ""), (file, number)
    for file, number, raw in rejected:
        record = files.setdefault(file, _records(file))[number - 1]
        assert raw.startswith(record[0].encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:1])
    used = {(f, n) for f, n, _ in rows} | {(f, n) for f, n, _ in rejected}
    assert len(used) == len(rows) + len(rejected)
    assert used == {(f, i + 1) for f, records in files.items() for i in range(len(records))} | used


def test_mariadb_and_events_rows_all_land(built_001):
    key = answer_key(built_001.landing)
    for table, model in MARIADB_MODELS.items():
        assert (
            built_001.scalar(f"select count(*) from bronze.{model}")
            == key["entities"][f"mariadb.{table}"]["data_rows"]
        ), table
    events = built_001.scalar("select count(*) from bronze.brz_events__events")
    rejected = built_001.scalar("select count(*) from bronze.brz_events__line_rejects")
    assert events + rejected == key["entities"]["events.events"]["data_rows"]
    malformed = sum(1 for f in key["faults"] if f["fault"] == "malformed_json")
    assert (
        built_001.scalar("select count(*) from bronze.brz_events__events where event_id is null") == malformed
    )


def test_a_narrow_query_sees_the_same_rows_as_select_star(built_001):
    """DuckDB validates a CSV field only when it is read; bronze must not depend on that."""
    for model in POS_MODELS.values():
        narrow = built_001.scalar(f"select count(*) from bronze.{model}")
        one_col = built_001.scalar(f"select count(_source_file) from bronze.{model}")
        wide = len(built_001.query(f"select * from bronze.{model}"))
        assert narrow == one_col == wide, model


@pytest.mark.parametrize("model", ALL_MODELS)
def test_lineage_columns_are_filled(built_001, model):
    nulls, rows, files, min_row = built_001.query(f"""
        select
            count(*) filter (where _source_system is null or _source_file is null
                or _load_date is null or _source_row_number is null or _row_hash is null),
            count(*), count(distinct _source_file), min(_source_row_number)
        from bronze.{model}""")[0]
    assert rows > 0 and nulls == 0 and files >= 1 and min_row == 1


def test_values_land_as_text_exactly(built_001):
    """Bronze keeps the dirt: padded names, `$` prices, ZIPs without their leading zero."""
    assert built_001.scalar("select count(*) from bronze.brz_pos__products where current_price like '$%'") > 0
    assert (
        built_001.scalar(
            "select count(*) from bronze.brz_pos__customers where first_name <> trim(first_name)"
        )
        > 0
    )
    assert built_001.scalar("select count(*) from bronze.brz_pos__cities where length(zip) < 5") > 0
    assert (
        built_001.scalar(
            "select count(*) from bronze.brz_pos__customers where first_name = 'Zoë' or last_name like '%ü%'"
        )
        >= 0
    )


def _fingerprints(project: DbtProject) -> dict[str, tuple]:
    return {
        model: project.query(f"select count(*), sum(hash(t)) from bronze.{model} as t")[0]
        for model in [*ALL_MODELS, "brz_pos__csv_rejects", "brz_events__line_rejects"]
    }


def test_rebuild_gives_identical_bronze(built_001, tmp_path):
    # on a copy: a partial build of the shared warehouse would (rightly) stop its export
    copy = built_001.copy(tmp_path / "copy")
    copy.dbt("build", "--select", "tag:bronze")
    assert _fingerprints(copy) == _fingerprints(built_001)


def test_optional_product_attributes_may_be_absent(sample_copy, tmp_path):
    shutil.rmtree(sample_copy / "mariadb" / "Product_Attributes")
    project = DbtProject(sample_copy, tmp_path)
    proc = project.dbt("build", "--select", "brz_mariadb__product_attributes")
    assert "optional source mariadb.Product_Attributes has no files" in proc.stdout
    assert project.scalar("select count(*) from bronze.brz_mariadb__product_attributes") == 0
    cols = [
        r[0]
        for r in project.query(
            "select column_name from information_schema.columns "
            "where table_name = 'brz_mariadb__product_attributes' order by ordinal_position"
        )
    ]
    assert cols[:3] == ["product_id", "attribute_name", "attribute_value"]
