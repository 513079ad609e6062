"""A build with nothing new does not re-read what its tests already passed on.

A row-local data test on table models (macro data_test_is_row_local) that passed on inputs
with the same recorded content, under the same code, reads no row (data_test_scope: its
compiled SQL says so); a unit test that passed under the same code is not run again
(materialization unit). One copy of the committed sample is built, built again with nothing
new, built after a new POS drop, tested with `dbt test` alone and swept with
`--vars '{full_test_sweep: true}'`; the tests that may reuse a pass are worked out here from
the manifest, independently of the macros.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from bench.new_data import add_pos_drop
from tests.conftest import SAMPLE, DbtProject

MARKER = "aethermart: passed on these same inputs"
ROW_LOCAL = {
    "not_null",
    "unique",
    "accepted_values",
    "relationships",
    "accepted_range",
    "expression_is_true",
    "unique_combination_of_columns",
}
VOLATILE = re.compile(r"\b(now|current_date|current_timestamp|random|uuid|getvariable|env_var)\b", re.I)


def _results(project: DbtProject) -> dict:
    run = json.loads((project.target / "run_results.json").read_text())
    return {
        "invocation": run["metadata"]["invocation_id"],
        "results": {r["unique_id"]: r for r in run["results"]},
    }


def _reusable(manifest: dict, recorded: set[str]) -> set[str]:
    """Data tests that may take an earlier pass: generic, row-local, reading only table models
    whose content is recorded (``recorded``: schema.table of ops.model_fingerprints; a table
    built from a source read directly, such as the list of landed files, has no record)."""
    nodes = manifest["nodes"]
    out = set()
    for uid, node in nodes.items():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or meta.get("name") not in ROW_LOCAL or meta.get("namespace"):
            continue
        inputs = [nodes.get(i) for i in node["depends_on"]["nodes"]]
        if all(
            i
            and i["resource_type"] == "model"
            and i["config"]["materialized"] in ("table", "bucketed_table")
            and f"{i['schema']}.{i['alias']}" in recorded
            for i in inputs
        ) and not VOLATILE.search(json.dumps(meta.get("kwargs"))):
            out.add(uid)
    return out


def _reused(run: dict) -> set[str]:
    return {uid for uid, r in run["results"].items() if MARKER in (r.get("compiled_code") or "")}


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
    ):
        if step == "drop":
            add_pos_drop(landing, fraction=0.05)
        proc = project.dbt(*args)
        out[step] = {**_results(project), "log": proc.stdout}
    out["manifest"] = json.loads((project.target / "manifest.json").read_text())
    recorded = {relation for (relation,) in project.query("select relation from ops.model_fingerprints")}
    out["reusable"] = _reusable(out["manifest"], recorded)
    return out


def test_every_test_passes_in_every_run(runs):
    for step in ("first", "nothing_new", "drop", "test_alone", "sweep"):
        bad = {
            uid: r["status"]
            for uid, r in runs[step]["results"].items()
            if uid.startswith(("test.", "unit_test.")) and r["status"] != "pass"
        }
        assert not bad, f"{step}: {bad}"


def test_a_build_with_nothing_new_reads_no_row_a_test_passed_on(runs):
    reusable = runs["reusable"]
    assert len(reusable) > 100
    assert not _reused(runs["first"]), "a first build has no earlier pass to take"
    tests = {uid for uid in runs["nothing_new"]["results"] if uid.startswith("test.")}
    # exactly the row-local tests on table models; singular tests and tests on bronze,
    # seeds and snapshots read their rows as before
    assert _reused(runs["nothing_new"]) == reusable & tests
    assert f"{len(reusable & tests)} data tests passed on the same inputs" in runs["nothing_new"]["log"]


def test_a_unit_test_that_passed_under_this_code_is_not_run_again(runs):
    units = [uid for uid in runs["nothing_new"]["results"] if uid.startswith("unit_test.")]
    assert len(units) >= 10
    assert "not run again" not in runs["first"]["log"]
    assert runs["nothing_new"]["log"].count(
        "passed under this code in an earlier build: not run again"
    ) == len(units)


def test_tests_on_changed_tables_read_their_rows_again(runs):
    reused = _reused(runs["drop"])
    results = runs["drop"]["results"]

    def attached(model: str) -> set[str]:
        return {
            uid
            for uid in results
            if uid.startswith("test.")
            and runs["manifest"]["nodes"][uid].get("attached_node") == f"model.aethermart.{model}"
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


def test_dbt_test_alone_and_the_full_sweep_read_every_row(runs):
    project = runs["project"]
    # `dbt test` checked no table itself: it takes no pass and records none
    assert not _reused(runs["test_alone"])
    invocation = runs["test_alone"]["invocation"]
    assert (
        project.scalar(f"select count(*) from ops.data_test_passes where invocation_id = '{invocation}'") == 0
    )
    assert not _reused(runs["sweep"])
    assert "not run again" not in runs["sweep"]["log"]
    ran = [uid for uid, r in runs["sweep"]["results"].items() if uid.startswith("unit_test.")]
    assert ran and all(runs["sweep"]["results"][uid]["status"] == "pass" for uid in ran)
