"""Loud by default: every way a row leaves the main path is counted, crosses its thresholds
with a message naming source, entity, reason, count, rate and examples, and shows in
`aethermart quality`."""

from __future__ import annotations

import json

from tests.conftest import DbtProject, answer_key, run_cli


def _identity_message(project: DbtProject, level: str, rate_threshold: str) -> str:
    """The identity guard's line, computed from the answer key and bronze, not from the audit."""
    key = answer_key(project.landing)
    shared = [f for f in key["faults"] if f["fault"] == "shared_placeholder_email"]
    emails = sorted({_email_of(project, f["key"]) for f in shared})
    landed = project.scalar("select count(*) from bronze.brz_mariadb__customers")
    rate = f"{100 * len(shared) / landed:.2f}"
    return (
        f"mariadb.Customers: {len(shared)} record(s) not merged: shared_email_not_merged "
        f"({rate} % of {landed} records landed; above the {level} threshold {rate_threshold} %); "
        f"e.g. {', '.join(emails[:3])}"
    )


def _email_of(project: DbtProject, customer_id: str) -> str:
    """The email as landed (trimmed, lower case), read from bronze, not from silver."""
    return project.scalar(
        f"select lower(trim(email)) from bronze.brz_mariadb__customers "
        f"where cast(customer_id as varchar) = '{customer_id}' limit 1"
    )


def test_each_path_is_counted_and_warns_in_the_build_output(built_001, tmp_path):
    copy = built_001.copy(tmp_path / "copy")
    out = copy.dbt("run", "--select", "audit_set_aside").stdout
    rows = copy.query("select set_aside_kind, threshold_level, message from silver.audit_set_aside")
    warned = {kind for kind, level, _ in rows if level == "warn"}
    assert {kind for kind, _, _ in rows} >= {"rejected", "quarantined", "deduplicated", "flagged", "identity"}
    # the defaults are tight: any reader reject, re-sent lines above 1 %, any refused merge warn
    assert {"rejected", "deduplicated", "identity"} <= warned, warned
    for _, level, message in rows:
        assert (f"WARNING data quality: {message}" in out) == (level == "warn"), message
    assert f"WARNING data quality: {_identity_message(copy, 'warn', '0.00')}" in out


def test_an_error_threshold_fails_the_build_naming_what_crossed_it(built_001, tmp_path):
    copy = built_001.copy(tmp_path / "copy")
    strict = json.dumps(
        {
            "quality_error_min_set_aside": 1,
            "quality_thresholds": {
                "identity": {"warn": 0, "error": 0.001},
                "quarantined": {"warn": 0.02, "error": 0.99},
            },
        }
    )
    proc = copy.dbt(
        "build",
        "--select",
        "audit_set_aside assert_set_aside_rows_within_error_thresholds",
        "--vars",
        strict,
        check=False,
    )
    assert proc.returncode == 1
    assert "Data quality above error thresholds: " + _identity_message(copy, "error", "0.10") in proc.stdout
    assert "Got 1 result" not in proc.stdout
    report = run_cli("quality", "--duckdb", str(copy.duckdb_path))
    assert report.returncode == 1
    assert "ERROR mariadb.Customers: " in report.stdout


def test_quality_report_reconciles_with_the_audit(built_001):
    report = run_cli("quality", "--duckdb", str(built_001.duckdb_path), "--json", check=False)
    data = json.loads(report.stdout)
    assert report.returncode == (1 if data["errors"] else 0)
    for entity in data["entities"]:
        assert entity["landed_rows"] == (
            entity["silver_rows"] + entity["quarantined_rows"] + entity["deduplicated_rows"]
        ), entity
    orderline = next(e for e in data["entities"] if e["entity"] == "orderline")
    assert orderline["landed_rows"] == built_001.scalar("select count(*) from bronze.brz_pos__orderlines")
    text = run_cli("quality", "--duckdb", str(built_001.duckdb_path)).stdout
    assert text.splitlines()[0].startswith("Data quality of the last build")
    assert len(text.splitlines()) < 60, "one screen"


def test_quality_without_a_warehouse_is_one_line(tmp_path):
    proc = run_cli("quality", "--duckdb", str(tmp_path / "missing.duckdb"))
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0
    assert "not found; run `dbt build` first" in proc.stderr


def test_one_bad_drop_is_judged_on_its_own(sample_copy, tmp_path):
    """A drop whose customer file the reader rejects almost whole fails the build, although
    the entity's other drops dilute the rate far below the threshold."""
    customer_file = sorted(sample_copy.glob("pos/load_date=*/customer.csv"))[-1]
    data = customer_file.read_bytes()
    end = b"\r\n" if data.endswith(b"\r\n") else b"\n"
    bad = [
        f"BAD{i:03d},A,B,a@example.com,1 Main St,,201-555-0123,1980-01-02,02108,extra".encode()
        for i in range(40)
    ]
    customer_file.write_bytes(data + end.join(bad) + end)
    project = DbtProject(sample_copy, tmp_path / "dbt")
    proc = project.dbt("build", check=False)
    assert proc.returncode == 1
    drop = "/".join(customer_file.parts[-2:])
    rate_line = [line for line in proc.stdout.splitlines() if "Data quality above error thresholds" in line]
    assert rate_line, proc.stdout[-3000:]
    assert (f"pos.customer ({drop}): 40 record(s) rejected by the reader: TOO MANY COLUMNS (") in rate_line[0]
    assert "above the error threshold 5.00 %); e.g. record " in rate_line[0]
    entity_rate = project.scalar(
        "select sum(set_aside_rows) / max(landed_records) from silver.audit_set_aside "
        "where entity = 'customer' and set_aside_kind = 'rejected' and scope like '%" + drop + "'"
    )
    assert entity_rate > 0.05
    report = run_cli("quality", "--duckdb", str(project.duckdb_path))
    assert report.returncode == 1
    assert "the last dbt command" in report.stdout and "did not finish successfully" in report.stdout
