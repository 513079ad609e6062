"""Structurally broken landing files: a clear error naming the file, or rows kept - never silence."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.conftest import DbtProject

DROP = "pos/load_date=2025-08-01"


def _run(landing: Path, workdir: Path, model: str, check: bool = False):
    project = DbtProject(landing, workdir)
    # "+": a bronze text model needs its counted-files model (and the rejects model) built first
    return project, project.dbt("run", "--select", *("+" + name for name in model.split()), check=check)


def _one_line_error(proc) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
    assert proc.returncode != 0, text[-3000:]
    assert "Traceback" not in text
    return text


def test_missing_required_column_stops_the_build(sample_copy, broken_workdir):
    path = sample_copy / DROP / "orderline.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:2]) for line in lines) + "\n")
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__orderlines")
    text = _one_line_error(proc)
    assert f"CSV file {path}" in text
    assert "missing required column(s) quantity" in text


def test_unexpected_extra_column_stops_the_build(sample_copy, broken_workdir):
    path = sample_copy / DROP / "city.csv"
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([lines[0] + b",population"] + [x + b",1000" for x in lines[1:]]) + b"\n")
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__cities")
    text = _one_line_error(proc)
    assert f"CSV file {path} has unexpected column(s) population" in text


def test_reordered_columns_are_read_by_their_header(sample_copy, broken_workdir):
    # a file's columns may come in any order (bronze maps them by header name);
    # before, this stopped the build ("has its columns in another order")
    path = sample_copy / DROP / "orderline.csv"
    data = b"order_id,product_id,quantity\n500001,20001,2\n500002,SKU-20003,-1\n"
    path.write_bytes(
        b"\n".join(
            b",".join([r.split(b",")[2], r.split(b",")[0], r.split(b",")[1]]) for r in data.splitlines()
        )
        + b"\n"
    )
    assert path.read_bytes().startswith(b"quantity,order_id,product_id\n2,500001,20001\n")
    project, _ = _run(sample_copy, broken_workdir, "brz_pos__csv_rejects brz_pos__orderlines", check=True)
    kept = project.query(f"""select order_id, product_id, quantity from bronze.brz_pos__orderlines
                             where _source_file = '{path}' order by _source_row_number""")
    assert kept == [("500001", "20001", "2"), ("500002", "SKU-20003", "-1")]


def test_bytes_that_are_not_utf8_are_decoded_in_their_line_only(sample_copy, broken_workdir):
    path = sample_copy / DROP / "orderline.csv"
    data = b"order_id,product_id,quantity\n500001,20001,2\n500001,20002,3\xff\n500002,20003,1\n"
    path.write_bytes(data)
    project, _ = _run(sample_copy, broken_workdir, "brz_pos__csv_rejects brz_pos__orderlines", check=True)
    kept = project.query(f"""select order_id, product_id, quantity, _is_decoded_windows_1252, _raw_bytes_hex
                             from bronze.brz_pos__orderlines
                             where _source_file = '{path}' order by _source_row_number""")
    # the line with a byte that is not UTF-8 is read as Windows-1252 (0xFF is ÿ), flagged,
    # its bytes kept; the lines around it are untouched
    assert kept == [
        ("500001", "20001", "2", False, None),
        ("500001", "20002", "3ÿ", True, b"500001,20002,3\xff".hex()),
        ("500002", "20003", "1", False, None),
    ]
    rejected = project.query(f"""select _source_row_number, error_types, is_recovered, raw_line
                                 from bronze.brz_pos__csv_rejects where _source_file = '{path}'""")
    assert rejected == [(2, "INVALID ENCODING", True, "500001,20002,3ÿ")]


def test_header_only_file_is_a_drop_with_no_rows(sample_copy, broken_workdir):
    path = sample_copy / DROP / "order.csv"
    path.write_text("id,datePlaced,dateShipped,customer_id\r\n")
    project, _ = _run(sample_copy, broken_workdir, "brz_pos__orders", check=True)
    assert project.scalar(f"select count(*) from bronze.brz_pos__orders where _source_file = '{path}'") == 0
    assert project.scalar("select count(distinct _load_date) from bronze.brz_pos__orders") == 5


def test_drop_without_an_entity_file_stops_the_build(sample_copy, broken_workdir):
    (sample_copy / DROP / "customer.csv").unlink()
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__customers")
    text = _one_line_error(proc)
    assert f"POS drop {sample_copy / DROP} has no customer.csv" in text


def test_wrong_landing_path_names_what_it_looked_for(tmp_path, broken_workdir):
    missing = tmp_path / "nowhere"
    _, proc = _run(missing, broken_workdir, "brz_pos__products")
    text = _one_line_error(proc)
    assert f"nothing matches '{missing}/pos/load_date=*/product.csv'" in text
    assert "AETHERMART_LANDING" in text


def test_parquet_without_a_declared_column_stops_the_build(sample_copy, broken_workdir):
    part = next((sample_copy / "mariadb" / "Orders").rglob("*.parquet"))
    table = pq.read_table(part)
    pq.write_table(table.drop_columns(["total_amount"]), part)
    _, proc = _run(sample_copy, broken_workdir, "brz_mariadb__orders")
    text = _one_line_error(proc)
    assert f"Parquet file {part} is missing required column(s) total_amount" in text


def test_parquet_with_an_extra_column_keeps_its_rows(sample_copy, broken_workdir):
    part = next((sample_copy / "mariadb" / "Orders").rglob("*.parquet"))
    table = pq.read_table(part)
    pq.write_table(table.append_column("channel_note", pa.array(["x"] * table.num_rows)), part)
    project, _ = _run(sample_copy, broken_workdir, "brz_mariadb__orders", check=True)
    assert project.scalar("select count(*) from bronze.brz_mariadb__orders") == table.num_rows


def test_unterminated_quote_at_the_end_of_a_file_stops_the_build(sample_copy, broken_workdir):
    path = sample_copy / DROP / "product.csv"
    path.write_bytes(path.read_bytes() + b'998,"Unterminated,1.00,3\n')
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__csv_rejects")
    text = _one_line_error(proc)
    assert f"File {path}, record " in text and "UNQUOTED VALUE" in text


def test_unterminated_quote_inside_a_file_stops_the_build(sample_copy, broken_workdir):
    path = sample_copy / DROP / "orderline.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(3, b'500001,"20001,2\n')
    path.write_bytes(b"".join(lines))
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__csv_rejects")
    text = _one_line_error(proc)
    assert f"File {path}, record 3" in text and "unreadable" in text


def test_header_that_is_not_utf8_is_reported_as_such(sample_copy, broken_workdir):
    """A header line that is not UTF-8 is matched decoded as Windows-1252 (like records); an
    error about it says so and shows the decoded header."""
    path = sample_copy / DROP / "order.csv"
    path.write_bytes(b"id,datePlac\xe9d,dateShipped,customer_id\n500001,2025-07-03,,100001\n")
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__orders")
    text = _one_line_error(proc)
    assert (
        f"CSV file {path}, whose header line is not valid UTF-8 (read as Windows-1252), is missing "
        "required column(s) datePlaced (header: id,datePlacéd,dateShipped,customer_id;"
    ) in text


def test_drop_folder_with_an_invalid_date_stops_the_build(sample_copy, broken_workdir):
    bad = sample_copy / "pos" / "load_date=2025-13-01"
    (sample_copy / DROP).rename(bad)
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__cities")
    text = _one_line_error(proc)
    # brz_pos__counted_files, upstream of every POS bronze view, checks the tables in order:
    # product first
    assert f"File {bad}/product.csv is not in a folder named load_date=YYYY-MM-DD" in text


def test_extraction_folder_with_an_invalid_id_stops_the_build(sample_copy, broken_workdir):
    folder = next((sample_copy / "mariadb" / "Suppliers").iterdir())
    folder.rename(folder.parent / "extraction_id=latest")
    _, proc = _run(sample_copy, broken_workdir, "brz_mariadb__suppliers")
    assert "is not in a folder named extraction_id=YYYYMMDDTHHMMSSZ" in _one_line_error(proc)


def test_unknown_file_in_a_drop_is_noted_and_not_read(sample_copy, broken_workdir):
    (sample_copy / DROP / "returns.csv").write_text("id,amount\n1,2\n")
    _, proc = _run(sample_copy, broken_workdir, "brz_pos__products", check=True)
    assert "returns.csv is not a POS entity file" in proc.stdout


def test_parquet_type_drift_between_extractions_stops_the_build(sample_copy, broken_workdir):
    folder = next((sample_copy / "mariadb" / "Categories").iterdir())
    table = pq.read_table(folder / "part-00000.parquet")
    newer = folder.parent / "extraction_id=20251202T000000Z"
    newer.mkdir()
    drifted = table.set_column(0, "category_id", pa.array([str(v) for v in table.column(0).to_pylist()]))
    pq.write_table(drifted, newer / "part-00000.parquet")
    _, proc = _run(sample_copy, broken_workdir, "brz_mariadb__categories")
    text = _one_line_error(proc)
    assert "disagree on the type of column category_id (INTEGER vs VARCHAR" in text
