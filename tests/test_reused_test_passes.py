"""A build with nothing new does not run again what already passed on the same rows.

A data test whose inputs are all fingerprinted table models (macro data_test_is_reusable)
that passed on inputs with the same recorded content, under the same code, is not run again
(materialization test); nor is a unit test that passed under the same code (materialization
unit). Both say so in the log. One copy of the committed sample is built, built again with
nothing new, built after a new POS drop, tested with `dbt test` alone, swept with
`--vars '{full_test_sweep: true}'` and built with `--full-refresh`; the tests that may take
an earlier pass are worked out here from the manifest and the compiled SQL, independently of
the macros.
"""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from bench.new_data import add_pos_drop
from tests.conftest import SAMPLE, DbtProject

REUSED = re.compile(r"(\w+): passed on the same inputs under this code in an earlier build: not run again")
UNIT_REUSED = "passed under this code in an earlier build: not run again"
VOLATILE = re.compile(r"\b(now|current_date|current_timestamp|random|uuid|getvariable|getenv)\b", re.I)


def _results(project: DbtProject) -> dict:
    run = json.loads((project.target / "run_results.json").read_text())
    return {
        "invocation": run["metadata"]["invocation_id"],
        "results": {r["unique_id"]: r for r in run["results"]},
    }


def _reusable(manifest: dict, results: dict, recorded: set[str]) -> set[str]:
    """Data tests that may take an earlier pass: reading only table models whose content is
    recorded (``recorded``: schema.table of ops.model_fingerprints; a table built from a source
    read directly, such as the list of landed files, has none), with no clock or random value
    in their compiled SQL."""
    nodes = manifest["nodes"]
    out = set()
    for uid, result in results.items():
        if not uid.startswith("test."):
            continue
        inputs = [nodes.get(i) for i in nodes[uid]["depends_on"]["nodes"]]
        if (
            inputs
            and all(
                i
                and i["resource_type"] == "model"
                and i["config"]["materialized"] in ("table", "bucketed_table")
                and f"{i['schema']}.{i['alias']}" in recorded
                for i in inputs
            )
            and not VOLATILE.search(result.get("compiled_code") or "")
        ):
            out.add(uid)
    return out


def _reused(run: dict, manifest: dict) -> set[str]:
    by_name = {n["name"]: uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    return {by_name[name] for name in REUSED.findall(run["log"])}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    landing = tmp_path_factory.mktemp("reuse_landing") / "landing"
    shutil.copytree(SAMPLE, landing)
    project = DbtProject(landing, tmp_path_factory.mktemp("dbt_reuse"), unit_tests=True)
    out = {"project": project}
    for step, args in (
        ("first", ("build",)),
        ("nothing_new", ("build",)),
        ("drop", ("build",)),
        ("test_alone", ("test",)),
        ("sweep", ("build", "--vars", "{full_test_sweep: true}")),
        ("full_refresh", ("build", "--full-refresh")),
    ):
        if step == "drop":
            add_pos_drop(landing, fraction=0.05)
        proc = project.dbt(*args)
        out[step] = {**_results(project), "log": proc.stdout}
    out["manifest"] = json.loads((project.target / "manifest.json").read_text())
    recorded = {relation for (relation,) in project.query("select relation from ops.model_fingerprints")}
    out["reusable"] = _reusable(out["manifest"], out["first"]["results"], recorded)
    return out


def test_every_test_passes_in_every_run(runs):
    for step in ("first", "nothing_new", "drop", "test_alone", "sweep", "full_refresh"):
        bad = {
            uid: r["status"]
            for uid, r in runs[step]["results"].items()
            if uid.startswith(("test.", "unit_test.")) and r["status"] != "pass"
        }
        assert not bad, f"{step}: {bad}"


def test_a_build_with_nothing_new_runs_no_test_that_passed_on_the_same_rows(runs):
    reusable, manifest = runs["reusable"], runs["manifest"]
    data_tests = [uid for uid in runs["nothing_new"]["results"] if uid.startswith("test.")]
    # most data tests read only silver and gold tables (99 of 165 since the __checked models'
    # five tests each became one checked_rows test, 155 of 221 before; fewer since a model's
    # own column rules became one row_rules test)
    assert len(reusable) > len(data_tests) / 2 and len(data_tests) > 100
    singular = {uid for uid in reusable if "test_metadata" not in manifest["nodes"][uid]}
    assert singular, "singular tests on gold tables take an earlier pass too"
    assert not _reused(runs["first"], manifest), "a first build has no earlier pass to take"
    # exactly those; tests on bronze, seeds, snapshots and the landed-file list run as before
    assert _reused(runs["nothing_new"], manifest) == reusable
    results = runs["nothing_new"]["results"]
    assert all(results[uid]["failures"] == 0 for uid in reusable)


def test_a_unit_test_that_passed_under_this_code_is_not_run_again(runs):
    units = [uid for uid in runs["nothing_new"]["results"] if uid.startswith("unit_test.")]
    assert len(units) >= 10
    assert UNIT_REUSED not in runs["first"]["log"]
    assert runs["nothing_new"]["log"].count(UNIT_REUSED) == len(units)


def test_tests_on_changed_tables_run_again(runs):
    manifest = runs["manifest"]
    reused = _reused(runs["drop"], manifest)

    def attached(model: str) -> set[str]:
        return {
            uid
            for uid in runs["drop"]["results"]
            if uid.startswith("test.")
            and manifest["nodes"][uid].get("attached_node") == f"model.aethermart.{model}"
        }

    changed = (
        attached("slv_pos_orders__checked")
        | attached("fct_order_lines")
        | attached("doc_customer_purchase_history")
    )
    unchanged = attached("slv_mariadb_orders__checked") | attached("slv_events__checked")
    assert changed and unchanged
    assert not changed & reused, (
        f"tests of tables the new drop changed took an old pass: {sorted(changed & reused)}"
    )
    assert unchanged & runs["reusable"] <= reused
    # the cross-model checks of gold read the new rows
    assert "test.aethermart.assert_gold_revenue_agrees_across_models" not in reused


def test_dbt_test_alone_the_full_sweep_and_a_full_refresh_run_every_test(runs):
    project, manifest = runs["project"], runs["manifest"]
    # `dbt test` checked no table itself: it takes no pass and records none
    assert not _reused(runs["test_alone"], manifest)
    invocation = runs["test_alone"]["invocation"]
    recorded = project.scalar(
        f"select count(*) from ops.data_test_passes where invocation_id = '{invocation}'"
    )
    assert recorded == 0
    for step in ("sweep", "full_refresh"):
        assert not _reused(runs[step], manifest), step
        assert UNIT_REUSED not in runs[step]["log"], step
        ran = [uid for uid in runs[step]["results"] if uid.startswith("unit_test.")]
        assert ran and all(runs[step]["results"][uid]["status"] == "pass" for uid in ran)


def test_a_unit_test_runs_again_when_an_input_table_changes_type(runs, tmp_path):
    """dbt types a unit test's fixture rows by the columns of the real relations: a bronze
    column retyped by hand makes the unit tests that read it run again (here they then error),
    not take their pass under the same code."""
    project = runs["project"].copy(tmp_path / "retyped")
    unit = "pos_orders_times_of_day_and_plausibility_window"
    selected = ("--select", "slv_pos_orders__checked,resource_type:unit_test")
    again = project.dbt("test", *selected)
    assert f"{unit}: passed under this code in an earlier build: not run again" in again.stdout
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "alter table bronze.brz_pos__orders alter date_shipped set data type date "
            "using try_cast(date_shipped as date)"
        )
    retyped = project.dbt("test", *selected, check=False)
    assert f"{unit}: passed under this code" not in retyped.stdout
    status = {uid: r["status"] for uid, r in _results(project)["results"].items()}
    assert status[f"unit_test.aethermart.slv_pos_orders__checked.{unit}"] == "error"
