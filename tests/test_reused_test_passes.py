"""A build with nothing new does not run again what already passed on the same rows.

A data test whose inputs are all fingerprinted table models (macro data_test_is_reusable)
that passed on inputs with the same recorded content, under the same code, is not run again
(materialization test); nor is a unit test that passed under the same code (materialization
unit). Both say so in the log. One copy of the committed sample is built, built again with
nothing new, built after a new POS drop, run (`dbt run`) and built after two more, tested
with `dbt test` alone, swept with `--vars '{full_test_sweep: true}'` and built with
`--full-refresh`; the tests that may take an earlier pass, or check only a merged table's
changed keys, are worked out here from the manifest and the compiled SQL, independently of
the macros.
"""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from bench.new_data import add_pos_drop
from tests.conftest import SAMPLE, DbtProject, project_copy

REUSED = re.compile(r"(\w+): passed on the same inputs under this code in an earlier build: not run again")
UNIT_REUSED = "passed under this code in an earlier build: not run again"
VOLATILE = re.compile(r"\b(now|current_date|current_timestamp|random|uuid|getvariable|getenv)\b", re.I)
# the changed-keys scope of row_rules on merged tables: a variable the test's own run sets
SCOPE_VARIABLE = re.compile(
    r"cast\(getvariable\('aethermart_test_scope'\) as varchar\) is distinct from '[^']*'"
)


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
            and not VOLATILE.search(SCOPE_VARIABLE.sub("", result.get("compiled_code") or ""))
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
        ("run_drop", ("run",)),  # merges without testing: the next build's tests read every row
        ("build_after_run", ("build",)),
        ("test_alone", ("test",)),
        ("sweep", ("build", "--vars", "{full_test_sweep: true}")),
        ("full_refresh", ("build", "--full-refresh")),
    ):
        if step in ("drop", "run_drop", "build_after_run"):
            add_pos_drop(landing, fraction=0.05)
        proc = project.dbt(*args)
        out[step] = {**_results(project), "log": proc.stdout}
        if step == "drop":
            out["after_drop"] = project.copy(tmp_path_factory.mktemp("reuse_after_drop"))
    out["manifest"] = json.loads((project.target / "manifest.json").read_text())
    recorded = {relation for (relation,) in project.query("select relation from ops.model_fingerprints")}
    out["reusable"] = _reusable(out["manifest"], out["first"]["results"], recorded)
    return out


def test_every_test_passes_in_every_run(runs):
    for step in ("first", "nothing_new", "drop", "build_after_run", "test_alone", "sweep", "full_refresh"):
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
    # own column rules became one row_rules test: 69 of 100 since each bronze model's did too)
    assert len(reusable) > len(data_tests) / 2 and len(data_tests) >= 90
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


SCOPED = re.compile(
    r"(\w+): passed on this table before its last merge: checks the rows of the (\d+) keys it changed"
)
SCOPED_TWO = re.compile(
    r"(\w+): passed on what ([\w.]+) and ([\w.]+) held before their last merges: "
    r"checks the rows of the (\d+) keys they changed"
)
MERGED = re.compile(r"(\w+): (\d+) of (\d+) keys changed: merged their rows")


def _scopable(manifest: dict) -> dict[str, str]:
    """row_rules tests (by name) on a table model that merges its changed keys, that key one of
    the test's unique_key columns -> the model's name."""
    out = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        model = manifest["nodes"].get(node.get("attached_node") or "")
        if metadata.get("name") != "row_rules" or not model:
            continue
        key = model["config"].get("merge_changed_rows_by")
        unique_key = metadata["kwargs"]["unique_key"]
        if key and key in ([unique_key] if isinstance(unique_key, str) else unique_key):
            out[node["name"]] = model["name"]
    return out


def test_a_row_rules_test_on_a_merged_table_checks_only_the_changed_keys_after_a_pass(runs):
    """After a pass, a build whose merges changed a few keys of slv_order_lines, slv_orders and the facts
    checks those keys' rows only, as many keys as each merge changed; a build after a `dbt run`
    that merged without testing, and the full sweep, check every row."""
    scopable = _scopable(runs["manifest"])
    merging = {"slv_customers__matched", "slv_order_lines", "slv_orders", "fct_order_lines", "fct_orders"}
    assert set(scopable.values()) == merging
    merged = {name: int(changed) for name, changed, _ in MERGED.findall(runs["drop"]["log"])}
    scoped = {name: int(keys) for name, keys in SCOPED.findall(runs["drop"]["log"]) if name in scopable}
    changed = {model for model in merging if merged.get(model)}
    assert merging - {"slv_customers__matched"} <= changed, merged
    expected = {test: merged[model] for test, model in scopable.items() if model in changed}
    assert scoped == expected, runs["drop"]["log"][-3000:]
    assert all(keys > 0 for keys in scoped.values())
    # a merge that changed no key (the drop linked no new identity) left the content its test
    # passed on: that pass is taken, no row read
    unchanged = {test for test, model in scopable.items() if model not in changed}
    assert unchanged <= set(REUSED.findall(runs["drop"]["log"])), unchanged
    # the run between merged again: the pass is of a content none of the next merges started from
    assert set(scopable.values()) <= {name for name, _, _ in MERGED.findall(runs["build_after_run"]["log"])}
    for step in ("build_after_run", "test_alone", "sweep", "full_refresh"):
        assert not SCOPED.findall(runs[step]["log"]), step
        assert not SCOPED_TWO.findall(runs[step]["log"]), step
    results = runs["build_after_run"]["results"]
    by_name = {n["name"]: uid for uid, n in runs["manifest"]["nodes"].items()}
    assert all(results[by_name[test]]["status"] == "pass" for test in scopable)


def test_the_changed_keys_scope_reads_the_changed_keys_rows_only_while_the_test_is_in_scope(runs):
    """The compiled SQL of row_rules_slv_order_lines, run by hand on the warehouse as the drop
    left it, with one changed and one unchanged line broken: every row is read unless the test
    connection's variable aethermart_test_scope names the test (the test materialization sets
    it), then only the changed keys' (both of the broken changed line's rule failures, none of
    the other's)."""
    project = runs["after_drop"]
    uid = next(u for u, n in runs["manifest"]["nodes"].items() if n["name"] == "row_rules_slv_order_lines")
    sql = runs["drop"]["results"][uid]["compiled_code"]
    changed_keys = "select key_hash from ops.model_changed_keys where relation = 'silver.slv_order_lines'"
    with duckdb.connect(str(project.duckdb_path)) as con:
        first_line = "select min(order_line_key) from silver.slv_order_lines where hash(order_line_key)"
        (changed,) = con.execute(f"{first_line} in ({changed_keys})").fetchone()
        (unchanged,) = con.execute(f"{first_line} not in ({changed_keys})").fetchone()
        n_changed = con.execute(f"select count(*) from ({changed_keys})").fetchone()[0]
        merged = {name: int(c) for name, c, _ in MERGED.findall(runs["drop"]["log"])}
        assert n_changed == merged["slv_order_lines"]
        con.execute(
            "update silver.slv_order_lines set unit_price = null where order_line_key in (?, ?)",
            [changed, unchanged],
        )

        def failing() -> set[tuple[str, str]]:
            return set(con.execute(f"select row_key, broken_rule from ({sql})").fetchall())

        both = failing()
        assert {(changed, "not_null(unit_price)"), (unchanged, "not_null(unit_price)")} <= both
        con.execute(f"set variable aethermart_test_scope = '{uid}'")
        scoped = failing()
        assert scoped == {pair for pair in both if pair[0] == changed}
        con.execute("set variable aethermart_test_scope = 'test.aethermart.another_test'")
        assert failing() == both


def _relationships(manifest: dict) -> dict[str, tuple[str, str, str, str]]:
    """relationships tests (by name) -> (child model, its column, parent model, the parent's field)."""
    nodes, out = manifest["nodes"], {}
    for node in nodes.values():
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") != "relationships":
            continue
        child = nodes[node["attached_node"]]
        (parent,) = [nodes[u] for u in set(node["depends_on"]["nodes"]) if u != child["unique_id"]]
        kwargs = metadata["kwargs"]
        out[node["name"]] = (child["name"], kwargs["column_name"], parent["name"], kwargs["field"])
    return out


def test_a_relationships_test_after_merges_checks_the_rows_those_merges_could_orphan(runs):
    """After the drop, a relationships test from a merged table to a table that merges by the
    field the test points at checks the rows of the keys the child's merge changed and the rows
    whose value is a key the parent's merge changed: the store lines to their orders, in silver
    and in gold, read as many keys as the two merges changed together. A parent merged with no
    key changed holds what the test passed on: the child's changed keys alone. A test to a
    parent built whole (a dimension) checks every row."""
    manifest, log = runs["manifest"], runs["drop"]["log"]
    merged = {name: int(changed) for name, changed, _ in MERGED.findall(log)}
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    relationships = _relationships(manifest)
    scopable = {
        test
        for test, (child, _, parent, field) in relationships.items()
        if merged.get(child) and models[parent]["config"].get("merge_changed_rows_by") == field
    }
    assert {
        "relationships_slv_order_lines_order_key__order_key__ref_slv_orders_",
        "relationships_fct_order_lines_order_key__order_key__ref_fct_orders_",
    } <= scopable
    two = {test: (a, b, int(keys)) for test, a, b, keys in SCOPED_TWO.findall(log)}
    one = {test: int(keys) for test, keys in SCOPED.findall(log) if test in relationships}
    assert set(two) | set(one) == scopable, (sorted((set(two) | set(one)) ^ scopable), merged)
    for test, (first, second, keys) in two.items():
        child, _, parent, _ = relationships[test]
        assert {first, second} == {f"{models[m]['schema']}.{models[m]['alias']}" for m in (child, parent)}
        assert merged[parent] > 0 and keys == merged[child] + merged[parent]
    for test, keys in one.items():
        child, _, parent, _ = relationships[test]
        assert merged[parent] == 0 and keys == merged[child], test
    # the tests to tables built whole (the dimensions) are never scoped
    whole = {test for test, (_, _, parent, _) in relationships.items() if test not in scopable}
    assert whole and not whole & (set(two) | set(one))


def test_the_relationships_scope_reads_the_rows_a_parent_merge_could_orphan(runs, tmp_path):
    """The compiled SQL of the gold lines' relationships test to their orders, run by hand on a
    copy of the warehouse as the drop left it. An order the orders' merge changed is deleted and
    the lines' change log made to forget its lines (as if a merge had removed the order and left
    them alone): the scoped run still finds them, through the orders' logged keys. A line no
    merge touched, pointed at an order that does not exist, is found only by an unscoped run."""
    project = runs["after_drop"].copy(tmp_path / "orphans")
    name = "relationships_fct_order_lines_order_key__order_key__ref_fct_orders_"
    uid = next(u for u, n in runs["manifest"]["nodes"].items() if n["name"] == name)
    sql = runs["drop"]["results"][uid]["compiled_code"]
    logged = "select key_hash from ops.model_changed_keys where relation = '{}'"
    lines_keys, orders_keys = logged.format("gold.fct_order_lines"), logged.format("gold.fct_orders")
    with duckdb.connect(str(project.duckdb_path)) as con:
        (order,) = con.execute(
            f"select min(order_key) from gold.fct_orders where hash(order_key) in ({orders_keys}) "
            "and order_key in (select order_key from gold.fct_order_lines)"
        ).fetchone()
        con.execute(
            "delete from ops.model_changed_keys where relation = 'gold.fct_order_lines' and key_hash in "
            "(select hash(order_line_key) from gold.fct_order_lines where order_key = ?)",
            [order],
        )
        con.execute("delete from gold.fct_orders where order_key = ?", [order])
        (stray,) = con.execute(
            f"select min(order_line_key) from gold.fct_order_lines where hash(order_line_key) not in "
            f"({lines_keys}) and hash(order_key) not in ({orders_keys})"
        ).fetchone()
        con.execute(
            "update gold.fct_order_lines set order_key = 'no such order' where order_line_key = ?", [stray]
        )

        def failing() -> set[str]:
            return {value for (value,) in con.execute(sql).fetchall()}

        assert failing() == {order, "no such order"}
        con.execute(f"set variable aethermart_test_scope = '{uid}'")
        assert failing() == {order}
        con.execute("set variable aethermart_test_scope = 'test.aethermart.another_test'")
        assert failing() == {order, "no such order"}


def _remove_order(landing, order_id: str) -> None:
    """Every landed POS order file without the order's row (its lines stay in theirs)."""
    for path in sorted((landing / "pos").glob("*/order.csv")):
        rows = path.read_bytes().splitlines(keepends=True)
        kept = [row for row in rows if not row.startswith(f"{order_id},".encode())]
        if len(kept) != len(rows):
            path.write_bytes(b"".join(kept))


def test_a_test_with_its_own_fail_calc_checks_every_row(tmp_path):
    """The gold lines' relationships test to the orders, made to tolerate one orphan line
    (`fail_calc: greatest(count(*) - 1, 0)`): a pass is then no longer "no failing row", so the
    test is never scoped. Two single-line orders leave the landed order files, one at a time,
    each merged out of the orders by a `dbt run` that leaves the lines as they were: the build
    after the first passes (one orphan), the build after the second fails (two), as the full
    check does; checked over the second merge's keys alone it would have passed."""
    project_dir = project_copy(tmp_path / "project")
    star = project_dir / "models/gold/star/_star__models.yml"
    tested = "          to: ref('fct_orders')\n          field: order_key\n"
    assert star.read_text().count(tested) == 1
    star.write_text(
        star.read_text().replace(
            tested, tested + '        config:\n          fail_calc: "greatest(count(*) - 1, 0)"\n'
        )
    )
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    project = DbtProject(landing, tmp_path / "dbt", project_dir=project_dir)
    project.dbt("build")
    single = project.query(
        "select source_order_id from gold.fct_orders where channel = 'store' and line_count = 1 "
        "order by source_order_id limit 2"
    )
    name = "relationships_fct_order_lines_order_key__order_key__ref_fct_orders_"
    merge_orders = ("run", "--select", "+slv_pos_orders__checked", "slv_orders", "fct_orders")
    for (order_id,), expected in zip(single, ("pass", "fail"), strict=True):
        _remove_order(landing, order_id)
        project.dbt(*merge_orders)
        build = project.dbt("build", "--select", "fct_orders", check=False)
        status = {r["unique_id"].split(".")[2]: r["status"] for r in _results(project)["results"].values()}
        assert status[name] == expected, build.stdout[-3000:]
        assert f"{name}: passed on what" not in build.stdout
        assert f"{name}: passed on this table" not in build.stdout


def test_a_scoped_run_leaves_nothing_that_narrows_a_later_test(runs, tmp_path):
    """The scope lives on the test's own connection: after a build that stored failures (dbt
    commits a test's transaction then) and checked changed keys only, `dbt test` alone reads
    every row of fct_orders and finds a row broken by hand among the keys no merge touched."""
    project = runs["after_drop"].copy(tmp_path / "stored")
    build = project.dbt("build", "--store-failures")  # the landing holds two drops more than this copy
    assert "row_rules_fct_orders: passed on this table before its last merge" in build.stdout
    changed_keys = "select key_hash from ops.model_changed_keys where relation = 'gold.fct_orders'"
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update gold.fct_orders set revenue = revenue + 1 where order_key = "
            f"(select min(order_key) from gold.fct_orders where hash(order_key) not in ({changed_keys}))"
        )
    tested = project.dbt("test", "--select", "row_rules_fct_orders", check=False)
    assert tested.returncode != 0
    assert "expression_is_true(revenue = gross_amount + returns_amount): 1 failing row" in tested.stdout


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


def test_a_scoped_run_reads_only_the_changed_keys_the_full_sweep_every_row(runs, tmp_path):
    """The scoped run really reads the changed keys only. A row of fct_orders that no merge
    touched is broken by hand after a `dbt run` merged new drops, and its content record is
    made to match (as if the bookkeeping were wrong), so the table is kept: the test, which
    passed on what that merge started from, checks the merged keys and passes; the full sweep
    reads every row and fails on the broken one."""
    project = runs["after_drop"].copy(tmp_path / "narrowed")
    merged = project.dbt("run", "--select", "+fct_orders")  # the landing's two later drops
    assert "fct_orders: " in merged.stdout and " keys changed: merged their rows" in merged.stdout
    changed_keys = "select key_hash from ops.model_changed_keys where relation = 'gold.fct_orders'"
    content = (
        "(select count(*) || ':' || coalesce(sum(hash(t)), 0) from gold.fct_orders as t) || ':' || "
        "(select md5(string_agg(column_name || ' ' || data_type, ',' order by column_index)) "
        "from duckdb_columns() where schema_name = 'gold' and table_name = 'fct_orders')"
    )
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update gold.fct_orders set revenue = revenue + 1 where order_key = "
            f"(select min(order_key) from gold.fct_orders where hash(order_key) not in ({changed_keys}))"
        )
        con.execute(
            f"update ops.model_fingerprints set content_hash = {content} where relation = 'gold.fct_orders'"
        )
    # that test alone: the cross-model tests would read models the `dbt run` left out
    build = project.dbt(
        "build", "--select", "fct_orders", "row_rules_fct_orders", "--indirect-selection", "empty"
    )
    assert "fct_orders: unchanged inputs: kept" in build.stdout, build.stdout[-3000:]
    assert "row_rules_fct_orders: passed on this table before its last merge: checks the rows" in build.stdout
    swept = project.dbt(
        "test", "--select", "row_rules_fct_orders", "--vars", "{full_test_sweep: true}", check=False
    )
    assert swept.returncode != 0
    assert "expression_is_true(revenue = gross_amount + returns_amount): 1 failing row" in swept.stdout
