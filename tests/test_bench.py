"""`make bench SCALE=0.01`: the harness, the baselines' equality checks and the rebuilds, not their times."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_make_bench_smoke_run_checks_every_baseline_against_gold(tmp_path):
    results = tmp_path / "results"
    proc = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "bench",
            "SCALE=0.01",
            f"BENCH_WORKDIR={tmp_path / 'work'}",
            f"BENCH_RESULTS={results}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "MONGODB_URI": ""},
        timeout=900,
    )
    assert proc.returncode == 0, f"make bench failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    (result_file,) = results.glob("*.json")
    result = json.loads(result_file.read_text())
    assert result["checks"] == {"seed": "equal to gold", "pandas": "equal to gold", "polars": "equal to gold"}
    stages = {(s["contender"], s["name"]): s for s in result["stages"]}
    for stage in ("extract", "dbt build", "export parquet", "export mongodb"):
        measured = stages[("ours", stage)]
        assert measured["wall_s"] > 0 and measured["peak_rss_mb"] > 0, stage
        assert measured["rows"], f"{stage} reported no rows"
    assert stages[("floor", "scan every landing file")]["rows"] > 0
    # dbt itself: the stock project of our DAG's shape ran as many nodes as our full build,
    # each kind as many times as our manifest holds it
    stock = stages[("dbt", "stock dbt build, same DAG")]
    assert stock["wall_s"] > 0
    assert stock["detail"]["nodes"] == stages[("ours", "dbt build")]["detail"]["nodes"]
    manifest = json.loads((tmp_path / "work" / "scale-0.01" / "dbt" / "target" / "manifest.json").read_text())
    kinds = [node["resource_type"] for node in manifest["nodes"].values()]
    assert stock["detail"]["shape"] == {
        "model": kinds.count("model"),
        "test": kinds.count("test"),
        "unit_test": len(manifest["unit_tests"]),
        "seed": kinds.count("seed"),
        "snapshot": kinds.count("snapshot"),
        "exposure": len(manifest["exposures"]),
        "operation": kinds.count("operation"),
    }
    # and ran what it was asked for, kind by kind
    assert stock["detail"]["nodes_by_kind"] == {kind: n for kind, n in stock["detail"]["shape"].items() if n}
    for stage in ("dbt run, 2 documents", "export parquet, 2 documents", "export mongodb, 2 documents"):
        assert stages[("ours:same", stage)]["wall_s"] > 0, stage
    assert stages[("ours:same", "export mongodb, 2 documents")]["rows"] == sum(
        s["rows"] for s in result["stages"] if s["name"] == "export parquet, 2 documents"
    )
    assert {
        "seed_over_ours",
        "pandas_over_ours",
        "polars_over_ours",
        "ours_same_outputs_s",
        "dbt_build_over_floor",
    } <= set(result["summary"])
    assert (results / "latest.png").stat().st_size > 10_000
    assert "ours end to end" in proc.stdout

    # the rebuilds: nothing new, then ~1 % new POS and MariaDB orders landed, extracted and built
    for stage in ("dbt build, nothing new", "extract, 1 % new", "dbt build, 1 % new"):
        assert stages[("ours:rebuild", stage)]["wall_s"] > 0, stage
    added = stages[("setup", "add 1 % new orders")]["detail"]
    assert added["pos"]["orders"] >= 1 and added["pos"]["lines"] >= added["pos"]["orders"]
    assert added["mariadb"]["orders"] >= 1 and added["mariadb"]["order_items"] >= 1
    # the new MariaDB orders were extracted: Orders and Order_Items grew by exactly the inserted
    # rows, and only they were landed again (the other tables' content did not change), as
    # deltas: the new rows and the rest of their key chunks, not the whole tables
    before = stages[("ours", "extract")]["detail"]["table_rows"]
    rebuild = stages[("ours:rebuild", "extract, 1 % new")]["detail"]
    assert rebuild["table_rows"] == {
        "Orders": before["Orders"] + added["mariadb"]["orders"],
        "Order_Items": before["Order_Items"] + added["mariadb"]["order_items"],
    }
    assert added["mariadb"]["orders"] <= rebuild["landed_rows"]["Orders"] < before["Orders"]
    assert added["mariadb"]["order_items"] <= rebuild["landed_rows"]["Order_Items"] < before["Order_Items"]
    summary = result["summary"]
    for key in ("rebuild_nothing_new", "rebuild_new_data"):
        assert summary[f"{key}_over_full_build"] > 0 and isinstance(summary[f"{key}_meets_target"], bool)
    assert isinstance(summary["rebuild_new_data_faster_than_polars"], bool)
    assert "of the full dbt build" in proc.stdout and "faster than polars" in proc.stdout
    assert summary["stock_dbt_build_over_full_build"] > 0 and summary["rebuild_new_data_over_stock_dbt"] > 0
    assert "dbt itself: a stock dbt-duckdb project of our DAG's shape" in proc.stdout

    # the change latency ends when the sync's MongoDB export ended; the Parquet export beside
    # it (a child process at lower CPU priority) may end later: never the other way round
    latency = result["change_latency"]
    assert 0 < latency["latency_s"] <= latency["sync_process_s"]
    assert latency["sync_after_mongodb_s"] >= 0
    assert "change latency MariaDB -> MongoDB" in proc.stdout
