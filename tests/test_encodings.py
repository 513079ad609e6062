"""Text that is not UTF-8: a record in Windows-1252 (what POS systems on Windows write) is
read, flagged and keeps its original bytes; a whole file in UTF-16 stops the build naming it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DbtProject

RECORDS = {  # customer id -> (first name, last name) as the POS meant them
    "ENC001": ("José", "Muñoz"),
    "ENC002": ("Zoë", "Łukasz"),  # Ł is not in Windows-1252: a record mixing both encodings
    "ENC003": ("François", "Citroën"),
}


def _append_customers(path: Path) -> dict[str, bytes]:
    """Append the records, ENC001 and ENC003 encoded as Windows-1252, ENC002 mixing a UTF-8
    name with a Windows-1252 one; returns each record's bytes."""
    data = path.read_bytes()
    end = b"\r\n" if data.endswith(b"\r\n") else b"\n"
    written = {}
    for customer_id, (first, last) in RECORDS.items():
        first_bytes = first.encode("cp1252")
        last_bytes = last.encode("utf-8" if customer_id == "ENC002" else "cp1252")
        record = b",".join(
            [
                customer_id.encode(),
                first_bytes,
                last_bytes,
                b"enc@example.com",
                b"1 Main St",
                b"",
                b"201-555-0123",
                b"1980-01-02",
                b"02108",
            ]
        )
        written[customer_id] = record
        data += record + end
    path.write_bytes(data)
    return written


def test_windows_1252_records_are_decoded_flagged_and_keep_their_bytes(sample_copy, tmp_path):
    customer_file = sorted(sample_copy.glob("pos/load_date=*/customer.csv"))[-1]
    written = _append_customers(customer_file)
    project = DbtProject(sample_copy, tmp_path / "dbt")
    project.dbt(
        "build",
        "--select",
        "+slv_pos_customers__checked",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    )
    rows = {
        r[0]: r[1:]
        for r in project.query(
            "select customer_id, first_name, last_name, dq_flags, outcome "
            "from silver.slv_pos_customers__checked where customer_id like 'ENC%'"
        )
    }
    assert set(rows) == set(RECORDS)
    for customer_id, (first, last) in RECORDS.items():
        got_first, got_last, flags, outcome = rows[customer_id]
        assert (got_first, got_last) == (first, last), customer_id
        assert "decoded_windows_1252" in flags and outcome == "silver", (customer_id, flags, outcome)
    for customer_id, raw_hex, decoded in project.query(
        "select customer_id, _raw_bytes_hex, _is_decoded_windows_1252 from bronze.brz_pos__customers "
        "where customer_id like 'ENC%'"
    ):
        assert decoded and bytes.fromhex(raw_hex) == written[customer_id], customer_id
    # no reject, bronze row or quarantine holds a `?` where the source had a byte
    leftovers = project.query(
        "select raw_line from bronze.brz_pos__csv_rejects where raw_line like '%ENC0%' and not is_recovered"
    )
    assert leftovers == []
    recovered = project.query(
        "select raw_line from bronze.brz_pos__csv_rejects where raw_line like 'ENC0%' order by raw_line"
    )
    assert [line for (line,) in recovered] == [
        f"{customer_id},{first},{last},enc@example.com,1 Main St,,201-555-0123,1980-01-02,02108"
        for customer_id, (first, last) in sorted(RECORDS.items())
    ]


def test_a_utf16_file_stops_the_build_naming_it(sample_copy, tmp_path):
    city_file = sorted(sample_copy.glob("pos/load_date=*/city.csv"))[0]
    text = city_file.read_bytes().decode("utf-8", errors="replace")
    city_file.write_bytes(text.encode("utf-16"))  # with its byte order mark
    project = DbtProject(sample_copy, tmp_path / "dbt")
    proc = project.dbt("build", "--select", "+brz_pos__csv_rejects", check=False)
    assert proc.returncode != 0
    assert str(city_file) in proc.stdout and "not valid UTF-8" in proc.stdout, proc.stdout[-3000:]
    assert "UTF-16" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
