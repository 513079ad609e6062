"""The synthetic source generator: determinism, honest answer key, every dirt class."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from aethermart.generate import FaultRates
from tests.conftest import SAMPLE, answer_key, run_cli


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _csv_records(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1


def test_same_scale_and_seed_give_identical_bytes(tmp_path, landing_001):
    again = tmp_path / "again"
    run_cli("generate", "--scale", "0.01", "--seed", "7", "--out", str(again), "--quiet", check=True)
    first, second = _digest(landing_001), _digest(again)
    assert len(first) > 50
    assert first == second


def test_another_seed_gives_other_data(tmp_path, landing_001):
    other = tmp_path / "other"
    run_cli("generate", "--scale", "0.01", "--seed", "8", "--out", str(other), "--quiet", check=True)
    assert (
        _digest(other)["pos/load_date=2025-07-01/customer.csv"]
        != _digest(landing_001)["pos/load_date=2025-07-01/customer.csv"]
    )


def test_answer_key_counts_equal_rows_written(landing_001):
    key = answer_key(landing_001)
    counted: dict[str, int] = {}
    for path in (landing_001 / "pos").rglob("*.csv"):
        entity = f"pos.{path.stem}"
        counted[entity] = counted.get(entity, 0) + _csv_records(path)
    for path in (landing_001 / "mariadb").rglob("*.parquet"):
        table = f"mariadb.{path.relative_to(landing_001 / 'mariadb').parts[0]}"
        counted[table] = counted.get(table, 0) + pq.read_metadata(path).num_rows
    counted["events.events"] = sum(
        p.read_bytes().count(b"\n") for p in (landing_001 / "events").rglob("*.jsonl")
    )
    written = {entity: stats["data_rows"] for entity, stats in key["entities"].items()}
    assert counted == written
    assert written["mariadb.Orders"] >= 100 and written["pos.orderline"] >= 400


def test_every_dirt_class_is_present_at_scale_001(landing_001):
    key = answer_key(landing_001)
    assert set(key["fault_classes"]) == set(FaultRates().names())
    per_class: dict[str, int] = {}
    for fault in key["faults"]:
        per_class[fault["fault"]] = per_class.get(fault["fault"], 0) + 1
    assert min(per_class.values()) >= FaultRates().minimum


def test_file_level_faults_are_really_in_the_files(landing_001):
    """Spot-check the answer key against the bytes for the faults a reader trips on."""
    key = answer_key(landing_001)
    checks = {
        "bom_file": lambda data: data.startswith(b"\xef\xbb\xbf"),
        "crlf_file": lambda data: b"\r\n" in data,
        "non_utf8": lambda data: not _decodes(data),
        "quoted_newline": lambda data: b'\nFloor 3"' in data or b'\r\nFloor 3"' in data,
    }
    seen = set()
    for fault in key["faults"]:
        if fault["fault"] in checks:
            data = (landing_001 / fault["file"]).read_bytes()
            assert checks[fault["fault"]](data), fault
            seen.add(fault["fault"])
    assert seen == set(checks)


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_identity_cases_exist_same_person_and_namesakes(landing_001):
    """Silver resolves identities by email (docs/layers.md); the data must hold both cases it
    has to get right."""
    key = answer_key(landing_001)["identity"]
    online = pq.read_table(next((landing_001 / "mariadb" / "Customers").rglob("*.parquet"))).to_pylist()
    by_id = {f"mariadb:{row['customer_id']}": row for row in online}
    pos_text = (
        (landing_001 / "pos/load_date=2025-07-01/customer.csv")
        .read_bytes()
        .decode("utf-8", errors="replace")
        .lower()
    )
    both = [ids for ids in key["same_person_pairs"] if len(ids) == 2]
    assert len(both) == key["people_in_both_channels"] > 0
    found = sum(1 for ids in both if (by_id[ids[0]]["email"] or "#").lower() in pos_text)
    assert found >= len(both) // 2  # the rest carry placeholder or dirty emails on purpose
    pairs = [(a[0], b[0]) for a, b in key["namesake_pairs"] if a[0] in by_id and b[0] in by_id]
    assert pairs, "the generator must create different people who share a name"
    for a, b in pairs:
        assert (by_id[a]["first_name"], by_id[a]["last_name"]) == (
            by_id[b]["first_name"],
            by_id[b]["last_name"],
        )
        assert by_id[a]["email"] != by_id[b]["email"]


def test_committed_sample_is_what_the_generator_produces(tmp_path):
    params = answer_key(SAMPLE)["generator"]
    fresh = tmp_path / "sample"
    run_cli(
        "generate",
        "--scale",
        str(params["scale"]),
        "--seed",
        str(params["seed"]),
        "--out",
        str(fresh),
        "--quiet",
        check=True,
    )
    assert _digest(fresh) == _digest(SAMPLE), (
        "sample/landing is stale: run `make sample` and commit the result"
    )


def test_sample_holds_every_dirt_class():
    assert set(answer_key(SAMPLE)["fault_classes"]) == set(FaultRates().names())


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["generate", "--scale", "abc"], "argument --scale: not a number: 'abc'"),
        (["generate", "--scale", "0"], "must be greater than 0"),
        (["generate", "--scale", "inf"], "must be greater than 0 and at most 100"),
        (["generate", "--scale", "nan"], "must be greater than 0 and at most 100"),
        (["generate", "--scale", "1e300"], "must be greater than 0 and at most 100"),
        (["generate", "--seed", "x"], "argument --seed: not a whole number: 'x'"),
        (["generate", "--seed", "-1"], "argument --seed: must be between 0 and 9223372036854775807, got -1"),
        (["generate", "--bogus"], "unrecognized arguments: --bogus"),
        (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
    ],
)
def test_wrong_arguments_get_one_line_and_exit_2(args, fragment):
    proc = run_cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert fragment in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_mariadb_url_is_a_one_line_error(tmp_path):
    proc = run_cli(
        "generate",
        "--scale",
        "0.001",
        "--out",
        str(tmp_path / "x"),
        "--mariadb-url",
        "postgres://u:secret@h/db",
    )
    assert proc.returncode == 2
    assert "must start with mysql://" in proc.stderr
    assert "secret" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_regenerating_replaces_only_what_the_generator_owns(tmp_path):
    out = tmp_path / "landing"
    run_cli("generate", "--scale", "0.001", "--seed", "1", "--out", str(out), "--quiet", check=True)
    (out / "README.txt").write_text("my notes")
    stale = out / "pos" / "load_date=1999-01-01"
    stale.mkdir()
    run_cli("generate", "--scale", "0.001", "--seed", "2", "--out", str(out), "--quiet", check=True)
    assert (out / "README.txt").read_text() == "my notes"
    assert not stale.exists()  # a re-run never mixes drops of two runs
    assert answer_key(out)["generator"]["seed"] == 2
    assert not [p for p in tmp_path.iterdir() if ".generating-" in p.name]


@pytest.mark.parametrize("args", [["--help"], ["generate", "--help"]])
def test_help_explains(args):
    proc = run_cli(*args)
    assert proc.returncode == 0
    assert "generate" in proc.stdout
    if args[0] == "generate":
        for word in ("--scale", "--seed", "--out", "--mariadb-url", "_answer_key.json"):
            assert word in proc.stdout


def test_real_world_date_variations_are_in_the_files(landing_001):
    """Real-world variations (docs/design.md § Real-world sources): order dates with a time
    of day (every rendering, at most the configured rate) and "no date" sentinels (POS text
    and MariaDB DATE columns) are really landed."""
    key = answer_key(landing_001)
    rates = FaultRates()
    csv_rows: dict[str, dict[str, list[dict]]] = {}

    def pos_row(fault: dict) -> list[dict]:
        if fault["file"] not in csv_rows:
            text = (landing_001 / fault["file"]).read_bytes().decode("utf-8-sig", errors="replace")
            by_key: dict[str, list[dict]] = {}
            for row in csv.DictReader(io.StringIO(text, newline="")):
                by_key.setdefault(row["id"], []).append(row)
            csv_rows[fault["file"]] = by_key
        return csv_rows[fault["file"]].get(fault["key"], [])

    times = [f for f in key["faults"] if f["fault"] == "time_of_day"]
    orders = key["entities"]["pos.order"]["data_rows"]
    assert rates.minimum <= len(times) <= max(rates.minimum, round(orders * rates.time_of_day))
    shapes = set()
    for fault in times:
        (row,) = pos_row(fault)
        value = row[fault["column"]]
        assert ":" in value, fault
        shapes.add(("T" in value, value.endswith("Z"), "." in value, value.endswith("M"), value.count(":")))
    assert len(shapes) == min(len(times), 5), shapes  # every rendering is used

    sentinels = [f for f in key["faults"] if f["fault"] == "sentinel_date"]
    columns = {(f["source"], f["entity"], f["column"]) for f in sentinels}
    assert columns == {
        ("pos", "order", "datePlaced"),
        ("pos", "order", "dateShipped"),
        ("pos", "customer", "birthdate"),
        ("mariadb", "Orders", "order_date"),
        ("mariadb", "Customers", "registration_date"),
        ("mariadb", "Reviews", "review_date"),
    }
    for fault in sentinels:
        if fault["source"] == "pos":
            assert [r[fault["column"]] for r in pos_row(fault)] == [fault["detail"]], fault
        else:
            table = pq.read_table(next((landing_001 / "mariadb" / fault["entity"]).rglob("*.parquet")))
            id_column = table.column_names[0]
            (row,) = [r for r in table.to_pylist() if str(r[id_column]) == fault["key"]]
            assert row[fault["column"]].isoformat() == fault["detail"], fault
