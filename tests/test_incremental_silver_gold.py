"""Silver and gold keep a table whose inputs did not change.

The project's `table` and `bucketed_table` materializations compare each model's input
fingerprint (compiled SQL, config, contract, PII salt, the state of every relation it reads)
with the one recorded in ops.model_fingerprints when the table was written (macros/incremental/
model_fingerprint.sql). One landing zone (a copy of the committed sample) is built, built
again with nothing new, then again after a new POS drop; a var change, a tampered table, a
table replaced or updated by hand with the same row count, a new dbt-duckdb version and a
--defer --favor-state input read from another warehouse follow, and the compiled SQL of every
keepable model is checked to read only its refs. Each silver and gold table is marked after
the first build with a DuckDB table comment: a table that is rebuilt (created under another
name and renamed into place) loses it. DuckDB's `table_oid` is no such marker across
processes: it is assigned when the catalog is loaded, so a replaced table can come back with
the same oid.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from dbt.adapters.duckdb import __version__ as adapter_version

from bench.new_data import add_pos_drop
from tests.conftest import SAMPLE, TABLES_ONLY, DbtProject, project_copy

SALT = "test-incremental-silver-gold-salt"  # one PII salt, so gold's hashes compare
MARKER = "kept-since-first-build"
LAYERS = ("silver", "gold")
FACTS = ("fct_order_lines", "fct_orders")


class SaltedProject(DbtProject):
    def env(self) -> dict:
        return {**super().env(), "AETHERMART_PII_SALT": SALT}


def _copy(project: DbtProject, workdir) -> SaltedProject:
    """The same landing zone over a private copy of the warehouse."""
    other = SaltedProject(project.landing, workdir)
    shutil.copy(project.duckdb_path, other.duckdb_path)
    return other


def _invocation(project: DbtProject) -> str:
    return json.loads((project.target / "run_results.json").read_text())["metadata"]["invocation_id"]


def _mark_tables(project: DbtProject) -> None:
    with duckdb.connect(str(project.duckdb_path)) as con:
        tables = con.execute(
            f"select schema_name, table_name from duckdb_tables() where schema_name in {LAYERS}"
        ).fetchall()
        for schema, table in tables:
            con.execute(f"comment on table {schema}.{table} is '{MARKER}'")


def _state(project: DbtProject) -> dict[str, tuple]:
    """Per silver/gold table: (still marked, row count, content hash)."""
    out = {}
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name, coalesce(comment, '') = ? from duckdb_tables() "
            f"where schema_name in {LAYERS}",
            [MARKER],
        ).fetchall()
        for schema, table, marked in tables:
            rows, content = con.execute(
                f"select count(*), md5(coalesce(string_agg(row_hash, '' order by row_hash), '')) from "
                f"(select md5(cast(t as varchar)) as row_hash from {schema}.{table} as t)"
            ).fetchone()
            out[f"{schema}.{table}"] = (marked, rows, content)
    return out


def _rewritten(state: dict[str, tuple]) -> set[str]:
    return {table for table, (marked, _, _) in state.items() if not marked}


def _downstream_of_pos(project: DbtProject) -> set[str]:
    """silver/gold tables that read (transitively) a POS bronze model."""
    manifest = json.loads((project.target / "manifest.json").read_text())
    nodes, children = manifest["nodes"], manifest["child_map"]
    todo = [
        uid
        for uid, node in nodes.items()
        if node["resource_type"] == "model" and node["name"].startswith("brz_pos__")
    ]
    seen: set[str] = set()
    while todo:
        uid = todo.pop()
        for child in children.get(uid, []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {
        f"{nodes[uid]['schema']}.{nodes[uid]['alias']}"
        for uid in seen
        if uid in nodes and nodes[uid]["resource_type"] == "model" and nodes[uid]["schema"] in LAYERS
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    landing = tmp_path_factory.mktemp("skip_landing") / "landing"
    shutil.copytree(SAMPLE, landing)
    project = SaltedProject(landing, tmp_path_factory.mktemp("dbt_skip"))
    # the first two builds without data tests (keeping a table never looks at them; the sample's
    # tests run in other modules), the one after the new drop with them: its kept and rebuilt
    # tables pass the project's tests
    project.dbt("build", *TABLES_ONLY)
    _mark_tables(project)
    first = _state(project)
    second_run = project.dbt("build", *TABLES_ONLY)
    second = _state(project)
    nothing_new = _invocation(project)
    drop = add_pos_drop(landing, fraction=0.05)
    drop_run = project.dbt("build")
    after_drop = _state(project)
    full = SaltedProject(landing, tmp_path_factory.mktemp("dbt_skip_full_refresh"))
    full.dbt("build", "--full-refresh", *TABLES_ONLY)  # the reference tables; its data tests add nothing
    return {
        "project": project,
        "full": full,
        "first": first,
        "second": second,
        "second_log": second_run.stdout,
        "nothing_new": nothing_new,
        "drop": drop,
        "drop_log": drop_run.stdout,
        "after_drop": after_drop,
    }


def test_rebuild_with_nothing_new_rewrites_no_silver_or_gold_table(runs):
    first, second = runs["first"], runs["second"]
    assert len(first) > 40
    assert set(second) == set(first)
    assert not _rewritten(second), f"rewritten with nothing new: {sorted(_rewritten(second))}"
    changed = [table for table in first if first[table][1:] != second[table][1:]]
    assert not changed, f"row count or content changed with nothing new: {changed}"
    assert runs["second_log"].count("unchanged inputs: kept") == len(first)
    # no fingerprint written by the second build, and dbt recorded every model as a success
    project = runs["project"]
    assert (
        project.scalar(
            f"select count(*) from ops.model_fingerprints where invocation_id = '{runs['nothing_new']}'"
        )
        == 0
    )
    assert (
        project.scalar(
            "select count(*) from ops.dbt_node_results where invocation_id = "
            f"'{runs['nothing_new']}' and resource_type = 'model' and status <> 'success'"
        )
        == 0
    )
    assert (
        project.scalar(
            f"select status from ops.dbt_invocations where invocation_id = '{runs['nothing_new']}'"
        )
        == "success"
    )


def test_new_pos_drop_rewrites_only_what_reads_pos(runs):
    assert runs["drop"]["orders"] > 0
    after = runs["after_drop"]
    downstream = _downstream_of_pos(runs["project"])
    # replaced (the marker comment lost) or changed in place (documents rebuilt by key)
    rewritten = _rewritten(after) | {
        table for table in after if after[table][1:] != runs["second"][table][1:]
    }
    assert rewritten <= downstream, f"rewritten without a POS input: {sorted(rewritten - downstream)}"
    for table in (
        "silver.slv_pos_orders__checked",
        "silver.slv_pos_orderlines__checked",
        "silver.slv_order_lines",
        "gold.fct_order_lines",
        "gold.doc_customer_purchase_history",
    ):
        assert table in rewritten, table
    kept = set(after) - rewritten
    for table in (
        "silver.slv_mariadb_orders__checked",
        "silver.slv_mariadb_customers__checked",
        "silver.slv_events__checked",
        "silver.slv_quarantine__mariadb",
    ):
        assert table in kept, table
    # a kept table's rows are exactly those of the second build
    assert all(after[table][1:] == runs["second"][table][1:] for table in kept)


_BRONZE_KEPT = re.compile(
    r"(brz_\w+): no landed file new, changed or removed since its last build: rows kept"
)


def test_a_bronze_model_with_no_new_changed_or_removed_file_is_kept(runs):
    """An incremental bronze model with nothing to read or forget is kept without running its
    statements (materialization incremental, macro bronze_files_unchanged): with nothing new
    every one of them; after a new POS drop every one but the POS models, which read it (the
    tables' equality with a full refresh is test_kept_and_rebuilt_tables_equal_a_full_refresh
    here and test_incremental_bronze's)."""
    manifest = json.loads((runs["project"].target / "manifest.json").read_text())
    incremental_bronze = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["name"].startswith("brz_")
        and node["config"]["materialized"] == "incremental"
    }
    assert len(incremental_bronze) == 19
    assert sorted(_BRONZE_KEPT.findall(runs["second_log"])) == sorted(incremental_bronze)
    pos = {name for name in incremental_bronze if name.startswith("brz_pos__")}
    assert len(pos) == 7
    assert sorted(_BRONZE_KEPT.findall(runs["drop_log"])) == sorted(incremental_bronze - pos)


def test_kept_and_rebuilt_tables_equal_a_full_refresh(runs):
    con = duckdb.connect()
    con.execute(f"attach '{runs['project'].duckdb_path}' as inc (read_only)")
    con.execute(f"attach '{runs['full'].duckdb_path}' as full_refresh (read_only)")
    differences = []
    for table in sorted(runs["after_drop"]):
        a, b = f"inc.{table}", f"full_refresh.{table}"
        only_inc = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
        only_full = con.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[0]
        if only_inc or only_full:
            differences.append(f"{table}: {only_inc} rows only incremental, {only_full} only full refresh")
    assert not differences, differences


_MERGED = re.compile(r"(\w+): (\d+) of (\d+) keys changed: merged their rows")


def _insert_after(path: Path, anchor: str, text: str) -> None:
    """Edit a project file: `text` goes right after `anchor`, which it must hold exactly once."""
    content = path.read_text()
    assert content.count(anchor) == 1, (path, anchor)
    path.write_text(content.replace(anchor, anchor + text))


def test_a_model_with_a_hook_records_its_content_from_a_scan(runs, tmp_path):
    """A post-hook runs in the model's transaction after an in-place write and may change rows
    the write did not count: a model with hooks records its content from a scan. Here the
    purchase histories' hook rewrites every order count after a rebuild by key. And a model
    with a hook is never merged (a merge runs no hooks): it is built whole and its hook runs."""
    project_dir = project_copy(tmp_path / "project_dir")
    project = SaltedProject(runs["project"].landing, tmp_path / "project", project_dir=project_dir)
    project.workdir.mkdir()
    shutil.copy(runs["project"].duckdb_path, project.duckdb_path)
    history_model = project_dir / "models" / "gold" / "documents" / "doc_customer_purchase_history.sql"
    hook = "post_hook='update {{ this }} set order_count = 999 where order_count >= 1', "
    _insert_after(history_model, "{{ config(materialized='bucketed_table', ", hook)
    project.dbt("run", "--select", "doc_customer_purchase_history")  # its code changed: rebuilt whole
    order, _ = _first_order_with_a_history(project)
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update gold.fct_orders set shipped_date = '2001-02-03' where order_key = ?", [order])
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    assert _rebuilt_by_key(run.stdout)["doc_customer_purchase_history"][0] == 1, run.stdout[-3000:]
    history = "gold.doc_customer_purchase_history"
    recorded = project.scalar(
        "select split_part(content_hash, ':', 1) || ':' || split_part(content_hash, ':', 2) "
        f"from ops.model_fingerprints where relation = '{history}'"
    )
    scanned = project.scalar(
        f"select count(*) || ':' || coalesce(sum(hash(content_rows)), 0) from {history} as content_rows"
    )
    assert recorded == scanned

    # a model with a hook is not merged (a merge runs no hooks): built whole, its hook runs
    facts = project_dir / "models" / "gold" / "star" / "fct_orders.sql"
    facts.write_text(
        "{{ config(post_hook=\"update {{ this }} set shipped_date = date '2001-01-01' "
        'where order_key = (select min(order_key) from {{ this }})") }}\n' + facts.read_text()
    )
    project.dbt("run", "--select", "fct_orders")
    first = project.scalar("select min(order_key) from gold.fct_orders")
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update silver.slv_orders set shipped_date = '2002-02-02' where order_key = ?", [first])
    run = project.dbt("run", "--select", "fct_orders")
    assert "fct_orders" not in {name for name, _, _ in _MERGED.findall(run.stdout)}, run.stdout[-3000:]
    shipped = project.scalar(f"select shipped_date from gold.fct_orders where order_key = '{first}'")
    assert str(shipped) == "2001-01-01", run.stdout[-3000:]


def test_the_content_recorded_after_in_place_writes_is_the_tables(runs):
    """After the drop, tables written in place (merged, rebuilt by key, landed file or
    extraction) record the row count and hash sum counted from the rows the write deleted and
    inserted (macro _content_delta_counted), not from a scan: each equals a scan of the table
    now, computed here."""
    project = runs["project"]
    in_place = re.findall(
        r"(\w+): (?:\d+ of \d+ keys changed: merged their rows|inputs of \d+ of \d+ keys changed: rebuilt"
        r"|[^\n]*: rebuilt those rows|extractions since its last build touched)",
        runs["drop_log"],
    )
    assert {"fct_order_lines", "doc_customer_purchase_history", "slv_pos_orders__checked"} <= set(in_place)
    assert "its content hashed by a scan" not in runs["drop_log"]
    recorded = dict(
        project.query(
            "select relation, split_part(content_hash, ':', 1) || ':' || split_part(content_hash, ':', 2) "
            "from ops.model_fingerprints"
        )
    )
    for table in runs["after_drop"]:
        scanned = project.scalar(
            f"select count(*) || ':' || coalesce(sum(hash(content_rows)), 0) from {table} as content_rows"
        )
        assert recorded[table] == scanned, table


QUARANTINED = {
    "slv_quarantine__pos": {
        "product": "slv_pos_products__checked",
        "city": "slv_pos_cities__checked",
        "customer": "slv_pos_customers__checked",
        "order": "slv_pos_orders__checked",
        "orderline": "slv_pos_orderlines__checked",
    },
    "slv_quarantine__events": {"events": "slv_events__checked"},
}


def test_a_quarantined_rows_first_seen_load_date_is_the_earliest_drop_that_sent_it(runs):
    """first_seen_load_date is the earliest load date of any row of the checked model with the
    same raw row (_row_hash, NULL alike), computed here with a correlated subquery; after the
    new drop, which sends the latest snapshots again, some quarantined rows were first seen in
    an earlier drop."""
    project = runs["project"]
    earlier = 0
    for quarantine, entities in QUARANTINED.items():
        for entity, checked in entities.items():
            rows, wrong, resent = project.query(
                "select count(*), "
                "count(*) filter (where q.first_seen_load_date is distinct from ("
                f"select min(c._load_date) from silver.{checked} as c "
                "where c._row_hash is not distinct from q._row_hash)), "
                "count(*) filter (where q.first_seen_load_date < q.load_date) "
                f"from silver.{quarantine} as q where q.entity = '{entity}'"
            )[0]
            assert rows == project.scalar(
                f"select count(*) from silver.{checked} where outcome = 'quarantined'"
            ), (quarantine, entity)
            assert wrong == 0, (quarantine, entity)
            earlier += resent
    assert earlier > 0


def test_a_fact_merges_the_rows_of_its_changed_keys_or_is_built_whole(runs, tmp_path):
    """The gold facts and slv_order_lines (`merge_changed_rows_by`) delete and insert only the
    rows whose key changed (macro merge_changed_rows): after the new drop (its tables equal a
    full refresh, test above) a few keys of each; a key made ambiguous by hand builds the
    table whole."""
    merged = {m[0]: (int(m[1]), int(m[2])) for m in _MERGED.findall(runs["drop_log"])}
    merging = {
        "fct_order_lines",
        "fct_orders",
        "slv_order_lines",
        "slv_orders",
        "dim_customer",
        "slv_customers__matched",
    }
    assert set(merged) == merging, runs["drop_log"][-3000:]
    assert 0 < merged["fct_orders"][0] <= merged["fct_order_lines"][0] < merged["fct_order_lines"][1] / 5
    assert merged["slv_order_lines"] == merged["fct_order_lines"]  # the same lines, one key each
    project = _copy(runs["project"], tmp_path)
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("insert into gold.fct_orders select * from gold.fct_orders limit 1")  # a duplicated key
        con.execute("update gold.fct_order_lines set quantity = quantity + 1 where rowid < 3")
    run = project.dbt("run", "--select", "fct_orders", "fct_order_lines")
    assert "fct_orders: 1 keys of order_key are NULL or not unique: built whole" in run.stdout
    # its inputs did not change, but its table did: the whole model is compared, not only the
    # keys of the inputs' changes (merge_scope)
    assert "fct_order_lines: its table is not what its last write left: compared whole" in run.stdout
    assert "fct_order_lines: 3 of " in run.stdout  # the three edited rows, put back as the model has them
    # a table without the contract's NOT NULL constraints (written before they were declared)
    # would take merged rows unchecked: it is built whole, with them
    not_null = (
        "select count(*) from duckdb_columns() where schema_name = 'gold' "
        "and table_name = 'fct_order_lines' and not is_nullable"
    )
    declared = project.scalar(not_null)
    assert declared >= 5
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("create or replace table gold.fct_order_lines as select * from gold.fct_order_lines")
        con.execute("update gold.fct_order_lines set quantity = quantity + 1 where rowid < 3")
    assert project.scalar(not_null) == 0
    run = project.dbt("run", "--select", "fct_order_lines")
    assert (
        "fct_order_lines: the table's columns differ from the contract (names, types, NOT NULL): built whole"
        in (run.stdout)
    )
    assert project.scalar(not_null) == declared
    con = duckdb.connect()
    con.execute(f"attach '{project.duckdb_path}' as fixed (read_only)")
    con.execute(f"attach '{runs['full'].duckdb_path}' as full_refresh (read_only)")
    for table in FACTS:
        for a, b in (
            (f"fixed.gold.{table}", f"full_refresh.gold.{table}"),
            (f"full_refresh.gold.{table}", f"fixed.gold.{table}"),
        ):
            assert con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0] == 0, (
                a,
                b,
            )


_SCOPED = re.compile(r"(\w+): (.+) changed since its last write, and logged how: compared only the (\d+)")
_EDITED_INPUT = (
    "fct_order_lines: inputs changed other than by a logged write from what it read (silver.slv_orders)"
)


def test_a_fact_compares_only_the_keys_its_inputs_merges_touched_or_the_whole_model(runs, tmp_path):
    """The facts (`merge_scope`) compare only the keys whose values of their inputs' columns
    the inputs' merges changed (macro merge_scope_plan): after the new drop a few keys (the
    tables equal a full refresh: test above). An input edited by hand, not by a merge, and a
    change to the fact's code make the next build compare the whole model, and its table then
    holds what the model computes from the inputs as they are."""
    scoped = {m[0]: (m[1], int(m[2])) for m in _SCOPED.findall(runs["drop_log"])}
    merged = {m[0]: (int(m[1]), int(m[2])) for m in _MERGED.findall(runs["drop_log"])}
    assert set(scoped) == {*FACTS, "slv_orders", "slv_order_lines"}, runs["drop_log"][-3000:]
    for fact in scoped:
        changed, keys = merged[fact]
        assert 0 < changed <= scoped[fact][1] < keys / 5, (fact, scoped[fact], merged[fact])
    assert "silver.slv_orders (order_key)" in scoped["fct_order_lines"][0]
    assert "gold.fct_order_lines (order_key)" in scoped["fct_orders"][0]
    # a rebuild by landed file logs its rebuilt keys as a merge does
    assert "silver.slv_pos_orders__checked (order_id)" in scoped["slv_orders"][0]
    # the drop re-sent every product at its price: the price history holds what it held
    assert "silver.slv_pos_orderlines__checked (order_id)" in scoped["slv_order_lines"][0]
    assert "price_history" not in scoped["slv_order_lines"][0]

    project_dir = project_copy(tmp_path / "project_dir")
    project = SaltedProject(runs["project"].landing, tmp_path / "project", project_dir=project_dir)
    project.workdir.mkdir()
    shutil.copy(runs["project"].duckdb_path, project.duckdb_path)
    order = project.scalar(
        "select min(order_key) from silver.slv_orders where customer_key <> 'unknown' and line_count > 0"
    )
    lines_of_order = f"select count(*) from gold.fct_order_lines where order_key = '{order}'"
    unknown_lines = lines_of_order + " and customer_key = 'unknown'"
    assert project.scalar(lines_of_order) > 0 and project.scalar(unknown_lines) == 0
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update silver.slv_orders set customer_key = 'unknown' where order_key = ?", [order])
    run = project.dbt("run", "--select", "fct_order_lines")
    assert f"{_EDITED_INPUT}: compared whole" in run.stdout, run.stdout[-3000:]
    assert project.scalar(unknown_lines) == project.scalar(lines_of_order)
    # slv_orders merges its edited row back; the fact read the edited content, not the one that
    # merge started from
    run = project.dbt("run", "--select", "slv_orders", "fct_order_lines")
    assert "slv_orders: 1 of " in run.stdout
    assert _EDITED_INPUT in run.stdout
    assert project.scalar(unknown_lines) == 0

    model = project_dir / "models" / "gold" / "star" / "fct_order_lines.sql"
    model.write_text(model.read_text() + "\n-- a comment is code too\n")
    run = project.dbt("run", "--select", "fct_order_lines")
    code_changed = "its code, config, contract, versions or an input's columns changed since its last write"
    assert f"fct_order_lines: {code_changed}: compared whole" in run.stdout, run.stdout[-3000:]
    con = duckdb.connect()
    con.execute(f"attach '{project.duckdb_path}' as edited (read_only)")
    con.execute(f"attach '{runs['full'].duckdb_path}' as full_refresh (read_only)")
    for table in ("gold.fct_order_lines", "silver.slv_orders"):
        edited, reference = f"edited.{table}", f"full_refresh.{table}"
        for a, b in ((edited, reference), (reference, edited)):
            only_a = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
            assert only_a == 0, (a, b)
    con.close()

    # an input named in the SQL other than after FROM or JOIN (here a column qualified by its
    # relation's name) is not narrowed to the touched keys: read whole, the same rows
    qualified = "    where {{ ref('fct_order_lines') }}.order_key is not null\n"
    orders_model = project_dir / "models" / "gold" / "star" / "fct_orders.sql"
    _insert_after(orders_model, "    select * from {{ ref('fct_order_lines') }}\n", qualified)
    project.dbt("run", "--select", "fct_orders")  # its code changed: compared whole
    with duckdb.connect(str(project.duckdb_path)) as con:
        order_id = con.execute(
            "select min(order_id) from silver.slv_pos_orderlines__checked where outcome = 'silver'"
        ).fetchone()[0]
        con.execute(
            "update silver.slv_pos_orderlines__checked set quantity = quantity + 1 "
            "where order_id = ? and outcome = 'silver'",
            [order_id],
        )
    run = project.dbt("run", "--select", "slv_order_lines", "slv_orders", "fct_order_lines", "fct_orders")
    assert "appears in its SQL other than after FROM or JOIN: read whole" in run.stdout, run.stdout[-3000:]
    scoped = {m[0]: m[1] for m in _SCOPED.findall(run.stdout)}
    assert "gold.fct_order_lines (order_key)" in scoped["fct_orders"], run.stdout[-3000:]
    revenue, lines = project.query(
        "select o.revenue, (select sum(l.line_amount) from gold.fct_order_lines as l "
        "where l.order_key = o.order_key) from gold.fct_orders as o "
        f"where o.source_system = 'pos' and o.source_order_id = '{order_id}'"
    )[0]
    assert revenue == lines


def _order_amount_is_its_lines(project: DbtProject, pos_order_id: str) -> bool:
    """Whether slv_orders has the POS order's amount as the sum of its lines in slv_order_lines."""
    order_amount, lines_amount = project.query(
        "select o.order_amount, (select sum(l.line_amount) from silver.slv_order_lines as l "
        "where l.order_key = o.order_key) from silver.slv_orders as o "
        f"where o.source_system = 'pos' and o.source_order_id = '{pos_order_id}'"
    )[0]
    return order_amount == lines_amount


def test_a_hand_edit_the_row_hash_misses_or_an_input_key_changed_since_its_log_compares_whole(runs, tmp_path):
    """Two ways a scoped merge could trust too little-checked state. A list column edited by
    hand from [] to NULL (hash() of a row sees both alike) in a model's own table: its next
    merge compares the whole model (the text of its nested columns is recorded with each
    write). And an input whose key config changed after it logged a change: the log says which
    column its key hashes are of (ops.model_changed_columns), not the input's config now."""
    project_dir = project_copy(tmp_path / "project_dir")
    project = SaltedProject(runs["project"].landing, tmp_path / "project", project_dir=project_dir)
    project.workdir.mkdir()
    shutil.copy(runs["project"].duckdb_path, project.duckdb_path)
    edited = project.scalar("select min(order_key) from silver.slv_orders where len(dq_flags) = 0")
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update silver.slv_orders set dq_flags = null where order_key = ?", [edited])
        # a line's quantity, in the input slv_order_lines reads: its next merge logs that line
        line = con.execute(
            "select order_id, line_number from silver.slv_pos_orderlines__checked "
            "where outcome = 'silver' order by order_id, line_number limit 1"
        ).fetchone()
        con.execute(
            "update silver.slv_pos_orderlines__checked set quantity = quantity + 1 "
            "where order_id = ? and line_number = ? and outcome = 'silver'",
            list(line),
        )
    run = project.dbt("run", "--select", "slv_order_lines")
    assert "slv_order_lines: 1 of " in run.stdout, run.stdout[-3000:]
    # slv_order_lines now says its key is order_key (a config edit between builds): its log
    # still holds hashes of order_line_key, and its order_key values
    model = project_dir / "models" / "silver" / "sales" / "slv_order_lines.sql"
    text = model.read_text()
    model.write_text(
        text.replace("merge_changed_rows_by='order_line_key'", "merge_changed_rows_by='order_key'")
    )
    run = project.dbt("run", "--select", "slv_orders")
    assert "slv_orders: its table is not what its last write left: compared whole" in run.stdout, run.stdout[
        -3000:
    ]
    assert project.scalar(f"select dq_flags is not null from silver.slv_orders where order_key = '{edited}'")
    # the line's order, as the whole model gives it
    assert _order_amount_is_its_lines(project, line[0])
    # again, its table now as its last write left it: compared by the log's columns
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update silver.slv_pos_orderlines__checked set quantity = quantity + 1 "
            "where order_id = ? and line_number = ? and outcome = 'silver'",
            list(line),
        )
    model.write_text(text)
    project.dbt("run", "--select", "slv_order_lines")
    model.write_text(
        text.replace("merge_changed_rows_by='order_line_key'", "merge_changed_rows_by='order_key'")
    )
    run = project.dbt("run", "--select", "slv_orders")
    model.write_text(text)
    assert "slv_orders: silver.slv_order_lines (order_key) changed since its last write" in run.stdout, (
        run.stdout[-3000:]
    )
    assert _order_amount_is_its_lines(project, line[0])


_REBUILT_BY_KEY = re.compile(r"(doc_\w+): inputs of (\d+) of (\d+) keys changed: rebuilt their rows")
KEYED_DOCUMENTS = ("doc_customer_purchase_history", "doc_customer_profiles", "doc_product_sales")


def _rebuilt_by_key(log: str) -> dict[str, tuple[int, int]]:
    return {name: (int(changed), int(keys)) for name, changed, keys in _REBUILT_BY_KEY.findall(log)}


def _rows(project: DbtProject, table: str) -> list[str]:
    return sorted(row for (row,) in project.query(f"select md5(cast(t as varchar)) from {table} as t"))


def test_documents_are_rebuilt_only_for_the_keys_whose_inputs_changed(runs):
    """After the new POS drop the three documents with `rebuild_by_key` rebuild the rows of
    some keys, in place (test_kept_and_rebuilt_tables_equal_a_full_refresh compares them)."""
    rebuilt = _rebuilt_by_key(runs["drop_log"])
    assert set(rebuilt) == set(KEYED_DOCUMENTS), runs["drop_log"][-3000:]
    for name, (changed, keys) in rebuilt.items():
        assert 0 < changed <= keys, (name, changed, keys)
    # the new orders reach some customers' histories, not every one's
    changed, keys = rebuilt["doc_customer_purchase_history"]
    assert changed < keys
    # the digests recorded are those of this build's inputs, one row per key (NULL included)
    project = runs["project"]
    for name in KEYED_DOCUMENTS:
        assert (
            project.scalar(
                "select count(*) from (select key from ops.model_key_digests "
                f"where relation = 'gold.{name}' group by key having count(*) > 1)"
            )
            == 0
        )
    # and a key for every customer key of the histories' inputs, computed here independently
    assert project.scalar(
        "select count(*) from ops.model_key_digests where relation = 'gold.doc_customer_purchase_history'"
    ) == project.scalar(
        "select count(distinct coalesce(customer_key, '<null>')) from ("
        "select customer_key from gold.dim_customer union all select customer_key from gold.fct_orders "
        "union all select customer_key from gold.fct_order_lines)"
    )


def _first_order_with_a_history(project: DbtProject) -> tuple[str, str]:
    """The first order (by key) whose customer has a purchase history, and that customer."""
    return project.query(
        "select order_key, customer_key from gold.fct_orders where customer_key in "
        "(select _id from gold.doc_customer_purchase_history) order by order_key limit 1"
    )[0]


def test_a_document_is_rebuilt_for_the_one_key_whose_input_changed_and_whole_when_edited(runs, tmp_path):
    project = _copy(runs["project"], tmp_path)
    history = "gold.doc_customer_purchase_history"
    order, customer = _first_order_with_a_history(project)
    with duckdb.connect(str(project.duckdb_path)) as con:
        # one order of one customer changes (a keyed input), and a column of dim_product the
        # document does not read (its shared_columns are product_key, product_name, category_name)
        con.execute(f"update gold.fct_orders set shipped_date = '2001-02-03' where order_key = '{order}'")
        con.execute("update gold.dim_product set last_seen_load_date = date '2001-02-03'")
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    assert _rebuilt_by_key(run.stdout)["doc_customer_purchase_history"][0] == 1, run.stdout[-3000:]
    shipped = project.scalar(
        f"select [o.shipped_date for o in orders if o.order_key = '{order}'][1] from {history} "
        f"where _id = '{customer}'"
    )
    assert str(shipped) == "2001-02-03"
    by_key = _rows(project, history)

    # a column it reads changes in a shared input: the whole table is rebuilt
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update gold.dim_product set product_name = product_name || ' (renamed)'")
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    assert "a shared input changed: rebuilt whole" in run.stdout
    names = project.query(
        "select count(*) filter (where ends_with(line.product_name, ' (renamed)')), "
        "count(*) filter (where not ends_with(line.product_name, ' (renamed)')) from "
        f"(select unnest(ord.lines) as line from (select unnest(orders) as ord from {history}))"
    )[0]
    assert names[0] > 0 and names[1] == 0, names

    # the table edited by hand, then a keyed input changes: its content is not what was
    # recorded, so it is rebuilt whole, not by key (the edit does not survive)
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(f"update {history} set revenue = revenue + 1 where _id <> '{customer}'")
        con.execute(f"update gold.fct_orders set shipped_date = '2001-02-04' where order_key = '{order}'")
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    assert "content differs from what this project wrote" in run.stdout
    assert "doc_customer_purchase_history" not in _rebuilt_by_key(run.stdout)
    incremental = _rows(project, history)
    project.dbt("run", "--select", "doc_customer_purchase_history", "--full-refresh")
    assert incremental == _rows(project, history)
    assert by_key != incremental  # the renamed products and the second shipped date

    # the table and its fingerprint rewritten by a build that recorded no key digests (an
    # older version of the project, another materialization): the digests describe another
    # write, so a change of one key rebuilds whole
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update ops.model_fingerprints set invocation_id = 'a build without key digests' "
            f"where relation = '{history}'"
        )
        con.execute(f"update gold.fct_orders set shipped_date = '2001-02-05' where order_key = '{order}'")
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    assert "by a build that recorded none): rebuilt whole" in run.stdout


_DIGESTS_OF_EVERY_ROW = re.compile(r"(doc_\w+): ([^\n]*): key digests computed from every input row")


def test_a_document_computes_only_the_digests_its_inputs_logs_name(runs, tmp_path):
    """A document whose keyed inputs changed only by logged writes since its last write
    computes the digests of only the keys those logs name (macro _rebuild_by_key_logged_keys).
    After the new drop the purchase histories do (dim_customer, fct_orders and fct_order_lines
    merge); the profiles and product sales read aggregates rebuilt whole, and compute every
    key's. An order moved to another customer rebuilds both customers' histories - the old
    owner's found by the value the fact's merge logged before it - and the table equals a
    full refresh."""
    every_row = dict(_DIGESTS_OF_EVERY_ROW.findall(runs["drop_log"]))
    assert "doc_customer_purchase_history" not in every_row, runs["drop_log"][-3000:]
    assert "gold.agg_product_performance" in every_row["doc_product_sales"], every_row
    assert "gold.agg_customer_value" in every_row["doc_customer_profiles"], every_row

    project = _copy(runs["project"], tmp_path)
    history = "gold.doc_customer_purchase_history"
    order, owner = _first_order_with_a_history(project)
    other = project.scalar(f"select min(_id) from {history} where _id <> '{owner}'")
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update silver.slv_orders set customer_key = ? where order_key = ?", [other, order])
    run = project.dbt("run", "--select", "fct_order_lines", "fct_orders", "doc_customer_purchase_history")
    every_row = dict(_DIGESTS_OF_EVERY_ROW.findall(run.stdout))
    assert "doc_customer_purchase_history" not in every_row, run.stdout[-3000:]
    assert _rebuilt_by_key(run.stdout)["doc_customer_purchase_history"][0] == 2, run.stdout[-3000:]
    holders = project.query(
        f"select _id from {history} "
        f"where list_contains([o.order_key for o in orders], '{order}') order by _id"
    )
    assert holders == [(other,)]
    by_logs = _rows(project, history)
    digests = project.query(
        f"select key, digest from ops.model_key_digests where relation = '{history}' order by key nulls first"
    )
    project.dbt("run", "--select", "doc_customer_purchase_history", "--full-refresh")
    assert by_logs == _rows(project, history)
    # the digests updated for the two keys are those a full build records for every key
    assert digests == project.query(
        f"select key, digest from ops.model_key_digests where relation = '{history}' order by key nulls first"
    )

    # an input edited by hand since the document read it: every key's digest is computed again
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update gold.fct_orders set shipped_date = '2001-02-03' where order_key = ?", [order])
    run = project.dbt("run", "--select", "doc_customer_purchase_history")
    why = dict(_DIGESTS_OF_EVERY_ROW.findall(run.stdout))["doc_customer_purchase_history"]
    assert why == "inputs changed other than by a logged write from what it read (gold.fct_orders)", why
    assert _rebuilt_by_key(run.stdout)["doc_customer_purchase_history"][0] == 1, run.stdout[-3000:]


def test_changed_keys_beyond_one_pass_are_rebuilt_in_passes_up_to_half_the_buckets(runs, tmp_path):
    """More changed keys than one pass holds are rebuilt by key in passes of that size, while
    those number at most half the model's buckets (var document_build_buckets, 8); more are
    rebuilt whole. Each way the table is the one a full rebuild gives."""
    project = _copy(runs["project"], tmp_path)
    history = "gold.doc_customer_purchase_history"
    small_passes = ("--vars", "{document_rebuild_pass_keys: 1}")
    keys = project.scalar(f"select count(*) from ops.model_key_digests where relation = '{history}'")
    pass_keys = -(-keys // 8)  # a pass of the full build: 1/8 of the keys
    customers = [
        customer
        for (customer,) in project.query(
            "select distinct customer_key from gold.fct_orders "
            f"where customer_key in (select _id from {history}) order by customer_key"
        )
    ]
    assert len(customers) > 5 * pass_keys, (len(customers), pass_keys)

    def ship_orders_of(count: int, day: str) -> None:
        chosen = ", ".join(f"'{customer}'" for customer in customers[:count])
        with duckdb.connect(str(project.duckdb_path)) as con:
            con.execute(f"update gold.fct_orders set shipped_date = '{day}' where customer_key in ({chosen})")

    # three passes' worth of customers: rebuilt by key, in three passes
    ship_orders_of(2 * pass_keys + 1, "2001-02-03")
    run = project.dbt("run", "--select", "doc_customer_purchase_history", *small_passes)
    assert f"rebuilt their rows in 3 passes of at most {pass_keys} keys" in run.stdout, run.stdout[-3000:]
    assert _rebuilt_by_key(run.stdout)["doc_customer_purchase_history"] == (2 * pass_keys + 1, keys)
    by_key = _rows(project, history)
    shipped = project.scalar(
        f"select count(*) from (select unnest(orders) as o from {history}) "
        "where o.shipped_date = '2001-02-03'"
    )
    orders = project.scalar("select count(*) from gold.fct_orders where shipped_date = '2001-02-03'")
    assert shipped == orders > 0
    project.dbt("run", "--select", "doc_customer_purchase_history", "--full-refresh", *small_passes)
    assert by_key == _rows(project, history)

    # six passes' worth (more than half of 8): rebuilt whole
    ship_orders_of(5 * pass_keys + 1, "2001-02-04")
    run = project.dbt("run", "--select", "doc_customer_purchase_history", *small_passes)
    whole_message = f"keys changed (a pass holds {pass_keys}, a rebuild by key runs at most 4): rebuilt whole"
    assert whole_message in run.stdout, run.stdout[-3000:]
    assert "doc_customer_purchase_history" not in _rebuilt_by_key(run.stdout)
    whole = _rows(project, history)
    project.dbt("run", "--select", "doc_customer_purchase_history", "--full-refresh", *small_passes)
    assert whole == _rows(project, history)


def test_a_document_that_reads_an_unlisted_shared_column_stops_the_build(runs, tmp_path):
    """shared_columns lists what a document reads of a shared input; a model that reads
    another column is refused (a change to that column would leave documents stale)."""
    project_dir = project_copy(tmp_path / "project_dir")
    model = project_dir / "models" / "gold" / "documents" / "doc_customer_purchase_history.sql"
    text = model.read_text()
    assert "product_name := products.product_name," in text
    model.write_text(
        text.replace(
            "product_name := products.product_name,",
            "product_name := products.product_name || coalesce(products.supplier_name, ''),",
        )
    )
    project = SaltedProject(runs["project"].landing, tmp_path / "project", project_dir=project_dir)
    project.workdir.mkdir()
    shutil.copy(runs["project"].duckdb_path, project.duckdb_path)
    run = project.dbt("run", "--select", "doc_customer_purchase_history", check=False)
    assert run.returncode != 0
    assert "supplier_name" in run.stdout, run.stdout[-3000:]
    model.write_text(text)

    # a keyed input (no contract) swaps two columns' names: a row's hash is positional, so
    # the key digests alone would not see it; its columns are part of the static fingerprint
    reviews = project_dir / "models" / "silver" / "engagement" / "slv_reviews.sql"
    original = reviews.read_text()
    assert original.count("reviews.rating,") == 1 and original.count("reviews.landed_rating,") == 1
    # each value where it was, under the other's name: every row hashes as before
    reviews.write_text(
        original.replace("reviews.rating,", "reviews.rating as landed_rating,").replace(
            "reviews.landed_rating,", "reviews.landed_rating as rating,"
        )
    )
    run = project.dbt("run", "--select", "slv_reviews", "doc_customer_profiles")
    profiles_log = [line for line in run.stdout.splitlines() if "doc_customer_profiles:" in line]
    assert any("a keyed input's columns or a shared input changed" in line for line in profiles_log), (
        profiles_log
    )
    reviews.write_text(original)
    project.dbt("run", "--select", "slv_reviews", "doc_customer_profiles")

    # a keyed input's column changes type against the document's contract: refused on the
    # rebuild-by-key path as on a full build
    assert original.count("reviews.review_date\n") == 1
    reviews.write_text(
        original.replace(
            "reviews.review_date\n",
            "cast(reviews.review_date as timestamp) + interval 1 hour as review_date\n",
        )
    )
    run = project.dbt("run", "--select", "slv_reviews", "doc_customer_profiles", check=False)
    assert run.returncode != 0 and "contract" in run.stdout, run.stdout[-3000:]


def test_a_table_that_reads_some_columns_of_an_input_is_kept_while_only_others_change(runs, tmp_path):
    """slv_events lists the three columns it reads of the matched customers (config
    input_columns): a change to another column (an email) keeps it; a change to a listed one
    (a customer's key) rebuilds it; reading an unlisted column stops the build."""
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    customer = project.scalar(
        "select min(source_customer_id) from silver.slv_events where source_customer_id in "
        "(select source_customer_id from silver.slv_customers__matched where source_system = 'mariadb')"
    )
    assert customer is not None
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("update silver.slv_customers__matched set match_rule = match_rule || ' (edited)'")
    run = project.dbt("run", "--select", "slv_events")
    assert "silver.slv_events" not in _rewritten(_state(project)), run.stdout[-3000:]

    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update silver.slv_customers__matched set customer_key = 'a-new-key' "
            f"where source_system = 'mariadb' and source_customer_id = '{customer}'"
        )
    project.dbt("run", "--select", "slv_events")
    assert "silver.slv_events" in _rewritten(_state(project))
    keys = project.query(
        f"select distinct customer_key from silver.slv_events where source_customer_id = '{customer}'"
    )
    assert keys == [("a-new-key",)]

    project_dir = project_copy(tmp_path / "project_dir")
    model = project_dir / "models" / "silver" / "engagement" / "slv_events.sql"
    text = model.read_text()
    assert text.count("        events.event_type,\n") == 1
    model.write_text(
        text.replace("        events.event_type,\n", "        matched.match_rule as event_type,\n")
    )
    edited = SaltedProject(project.landing, tmp_path / "edited", project_dir=project_dir)
    edited.workdir.mkdir()
    shutil.copy(project.duckdb_path, edited.duckdb_path)
    run = edited.dbt("run", "--select", "slv_events", check=False)
    assert run.returncode != 0
    assert "match_rule" in run.stdout, run.stdout[-3000:]

    # a listed column the input lacks, and the input named by hand beside ref(): refused
    listed = "'source_system', 'source_customer_id', 'customer_key'"
    assert text.count(listed) == 1
    model.write_text(text.replace(listed, "'source_system', 'source_customer_id', 'customer_keys'"))
    run = edited.dbt("run", "--select", "slv_events", check=False)
    assert run.returncode != 0
    assert "input_columns 'slv_customers__matched' lists customer_keys, not a column of" in run.stdout
    where = "    where source_system = 'mariadb'\n"
    assert text.count(where) == 1
    model.write_text(
        text.replace(
            where,
            where
            + "        and source_customer_id in\n"
            + "        (select source_customer_id from silver.slv_customers__matched)\n",
        )
    )
    run = edited.dbt("run", "--select", "slv_events", check=False)
    assert run.returncode != 0
    assert "the compiled SQL names slv_customers__matched other than as" in run.stdout, run.stdout[-3000:]


def test_a_changed_var_rebuilds_the_models_that_use_it(runs, tmp_path):
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    project.dbt("run", "--select", "tag:gold", "--vars", "{top_categories_limit: 1}")
    rewritten = _rewritten(_state(project))
    assert "gold.doc_customer_profiles" in rewritten
    assert "gold.fct_order_lines" not in rewritten and "gold.dim_product" not in rewritten


def test_a_tampered_table_or_full_refresh_is_rebuilt(runs, tmp_path):
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    with duckdb.connect(str(project.duckdb_path)) as con:
        rows = con.execute("select count(*) from silver.slv_zip_codes").fetchone()[0]
        con.execute("delete from silver.slv_zip_codes where rowid = 0")
    project.dbt("run", "--select", "slv_zip_codes", "dim_date")
    assert project.scalar("select count(*) from silver.slv_zip_codes") == rows
    rewritten = _rewritten(_state(project))
    assert "silver.slv_zip_codes" in rewritten and "gold.dim_date" not in rewritten
    project.dbt("run", "--select", "dim_date", "--full-refresh")
    assert "gold.dim_date" in _rewritten(_state(project))


def test_a_new_dbt_duckdb_version_rebuilds_kept_tables(runs, tmp_path, monkeypatch):
    """The adapter writes the SQL around each model: its version is part of the fingerprint
    (plugin aethermart.dbt_plugins.adapter_version, read on each connection)."""
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    project.dbt("run", "--select", "slv_zip_codes")
    assert "silver.slv_zip_codes" not in _rewritten(_state(project))
    monkeypatch.setattr(adapter_version, "version", "1.99.0")  # an upgrade (a valid version: dbt parses it)
    project.dbt("run", "--select", "slv_zip_codes")
    assert "silver.slv_zip_codes" in _rewritten(_state(project))


def test_a_table_replaced_or_updated_by_hand_with_the_same_row_count_is_rebuilt(runs, tmp_path):
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    before = _state(project)
    with duckdb.connect(str(project.duckdb_path)) as con:
        # replaced outside dbt: same row count, same columns, other rows; comment re-added
        con.execute(
            "create or replace table silver.slv_zip_codes as "
            "select * replace ('tampered' as city_name) from silver.slv_zip_codes"
        )
        con.execute(f"comment on table silver.slv_zip_codes is '{MARKER}'")
        # updated in place (the table object, its comment and row count unchanged)
        con.execute(
            "update silver.slv_products set product_name = 'tampered' "
            "where product_key = (select min(product_key) from silver.slv_products)"
        )
    # the replaced table itself, and the reader of the updated one (its input is not selected)
    run = project.dbt("run", "--select", "slv_zip_codes", "dim_product", "dim_date")
    after = _state(project)
    assert after["silver.slv_zip_codes"][1:] == before["silver.slv_zip_codes"][1:]
    assert "content differs" in run.stdout
    assert project.scalar("select count(*) from gold.dim_product where product_name = 'tampered'") == 1
    assert not after["gold.dim_product"][0] and after["gold.dim_date"][0]
    # again: the rebuilt table's recorded content is its own, so it is kept; the reader is
    # rebuilt as long as its input (not selected) does not hold what was recorded for it
    _mark_tables(project)
    project.dbt("run", "--select", "slv_zip_codes", "dim_product")
    assert _rewritten(_state(project)) & {"silver.slv_zip_codes", "gold.dim_product"} == {"gold.dim_product"}


def _content_comparisons(project: DbtProject, table: str) -> int:
    """How many statements of the last dbt invocation (its debug file log) compared the
    content of silver.``table`` with its record."""
    log = (project.workdir / "logs" / "dbt.log").read_text(errors="replace")
    last = log.rsplit("Running with dbt=", 1)[-1]
    return len(re.findall(rf'"silver"\."{table}" as content_rows', last))


def test_an_unselected_input_is_compared_once_per_invocation_unless_it_differs(runs, tmp_path):
    """A selected model compares each unselected table it reads with that table's record
    (content hash); the first reader that finds it as recorded marks it in
    ops.model_input_checks for the invocation, so its other readers do not compare again
    (at scale 10 a sync's build compared slv_events__checked three times, 1.3 s each). A
    table that differs is never marked: every reader compares it, and each is rebuilt."""
    project = _copy(runs["project"], tmp_path)
    _mark_tables(project)
    readers = ("slv_order_lines", "slv_orders", "audit_reconciliation")  # each reads slv_pos_orders__checked
    debug = {"DBT_LOG_LEVEL_FILE": "debug"}
    project.dbt("run", "--select", *readers, extra_env=debug)
    invocation = _invocation(project)
    assert _content_comparisons(project, "slv_pos_orders__checked") == 1
    marked = {
        r[0]
        for r in project.query(
            f"select relation from ops.model_input_checks where invocation_id = '{invocation}'"
        )
    }
    assert "silver.slv_pos_orders__checked" in marked
    assert not _rewritten(_state(project)) & {f"silver.{r}" for r in readers}  # nothing new: all kept
    with duckdb.connect(str(project.duckdb_path)) as con:  # updated in place, outside dbt
        con.execute(
            "update silver.slv_pos_orders__checked set customer_id = 'tampered' "
            "where rowid = (select min(rowid) from silver.slv_pos_orders__checked)"
        )
    rerun = project.dbt("run", "--select", *readers, extra_env=debug)
    invocation = _invocation(project)
    assert _content_comparisons(project, "slv_pos_orders__checked") == len(readers)
    marked = {
        r[0]
        for r in project.query(
            f"select relation from ops.model_input_checks where invocation_id = '{invocation}'"
        )
    }
    assert "silver.slv_pos_orders__checked" not in marked and "silver.slv_pos_orderlines__checked" in marked
    # each is built again: written anew, or (merged by key) compared row by row with its table:
    # the tampered column changes no line, and one order's customer
    assert "silver.audit_reconciliation" in _rewritten(_state(project))
    assert "slv_order_lines: 0 of " in rerun.stdout, rerun.stdout[-2000:]
    assert (
        "slv_orders: inputs changed other than by a logged write from what it read "
        "(silver.slv_pos_orders__checked): compared whole" in rerun.stdout
    ), rerun.stdout[-2000:]
    assert "slv_orders" in {m[0] for m in _MERGED.findall(rerun.stdout)}, rerun.stdout[-2000:]
    # the marks of earlier invocations are dropped when the next one starts
    assert (
        project.scalar(f"select count(*) from ops.model_input_checks where invocation_id != '{invocation}'")
        == 0
    )


class _NamedWarehouse(SaltedProject):
    """A warehouse file of another name: DuckDB names the database after the file's stem."""

    stem = "dev"

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / f"{self.stem}.duckdb"


def _deferring_copy(prod: DbtProject, tmp_path: Path) -> tuple[DbtProject, Path, Path]:
    """A dev warehouse copied from ``prod``, the state folder holding prod's manifest, and a
    copy of prod's warehouse for the `clone` target to attach (AETHERMART_STATE_DUCKDB)."""
    state = tmp_path / "state"
    state.mkdir()
    shutil.copy(prod.target / "manifest.json", state / "manifest.json")
    prod_copy = tmp_path / "prod" / prod.duckdb_path.name  # same stem as the state's database
    prod_copy.parent.mkdir()
    shutil.copy(prod.duckdb_path, prod_copy)
    dev = _NamedWarehouse(prod.landing, tmp_path / "dev")
    dev.workdir.mkdir()
    shutil.copy(prod.duckdb_path, dev.duckdb_path)
    return dev, state, prod_copy


def test_a_deferred_input_is_fingerprinted_where_ref_reads_it(runs, tmp_path):
    """--defer --favor-state: ref() of an unselected input reads the state's relation (another
    warehouse, attached by the `clone` target); the model is kept only while that relation's
    content is unchanged, whatever this warehouse's own copy of the input holds."""
    prod = runs["project"]
    dev, state, prod_copy = _deferring_copy(prod, tmp_path)

    def deferred_run():
        return dev.dbt(
            "run",
            "--target",
            "clone",
            "--select",
            "dim_product",
            "--defer",
            "--favor-state",
            "--state",
            str(state),
            extra_env={"AETHERMART_STATE_DUCKDB": str(prod_copy)},
        )

    deferred_run()
    _mark_tables(dev)
    assert "kept" in deferred_run().stdout  # the state's input unchanged
    with duckdb.connect(str(prod_copy)) as con:  # the state's input changes, not dev's own
        con.execute(
            "update silver.slv_products set product_name = 'changed in prod' "
            "where product_key = (select min(product_key) from silver.slv_products)"
        )
    deferred_run()
    assert "gold.dim_product" in _rewritten(_state(dev))
    assert dev.scalar("select count(*) from gold.dim_product where product_name = 'changed in prod'") == 1
    # a document whose inputs ref() reads from the state is built whole from them, and records
    # no key digests of this warehouse's inputs (the next build here rebuilds it whole)
    history = "gold.doc_customer_purchase_history"
    dev.dbt(
        "run", "--target", "clone", "--select", "doc_customer_purchase_history", "--defer", "--favor-state",
        "--state", str(state), extra_env={"AETHERMART_STATE_DUCKDB": str(prod_copy)},
    )  # fmt: skip
    assert dev.scalar(f"select count(*) from ops.model_key_digests where relation = '{history}'") == 0
    assert (
        "no key digests recorded: rebuilt whole"
        in dev.dbt("run", "--select", "doc_customer_purchase_history").stdout
    )
    # models with merge_scope into a warehouse that has none of their inputs: built from the
    # state's, with no record of what they read (it is not this warehouse's)
    empty = _NamedWarehouse(prod.landing, tmp_path / "empty_dev")
    empty.workdir.mkdir()
    scoped = ("slv_orders", "fct_order_lines", "fct_orders")
    empty.dbt(
        "run", "--target", "clone", "--select", *scoped, "--defer", "--favor-state",
        "--state", str(state), extra_env={"AETHERMART_STATE_DUCKDB": str(prod_copy)},
    )  # fmt: skip
    assert empty.scalar("select count(*) from gold.fct_orders") == prod.scalar(
        "select count(*) from gold.fct_orders"
    )
    assert empty.scalar("select count(*) from ops.merge_scope_builds") == 0


def test_a_file_local_test_reading_a_deferred_input_records_no_pass(runs, tmp_path):
    """--defer --favor-state: the file-local singular test reads the state's bronze relations
    for its unselected inputs, rows this warehouse's file records do not describe; so it
    records no pass, whether every input is deferred or only some are (the one built here
    is read here, the others in the state)."""
    test = "assert_bronze_rows_and_rejects_never_share_a_record"
    prod = runs["project"]
    dev, state, prod_copy = _deferring_copy(prod, tmp_path)
    passes = f"select count(*) from ops.bronze_test_passes where test = 'test.aethermart.{test}'"
    assert dev.scalar(passes) > 0  # the build recorded them
    with duckdb.connect(str(dev.duckdb_path)) as con:
        con.execute(f"delete from ops.bronze_test_passes where test = 'test.aethermart.{test}'")
    deferred = ("--target", "clone", "--defer", "--favor-state", "--state", str(state))
    env = {"AETHERMART_STATE_DUCKDB": str(prod_copy)}
    run = dev.dbt("test", "--select", test, *deferred, extra_env=env)
    assert f"{test} " in run.stdout and dev.scalar(passes) == 0, run.stdout[-3000:]
    run = dev.dbt("build", "--select", "brz_pos__orders", test, *deferred, extra_env=env)
    assert "PASS" in run.stdout and dev.scalar(passes) == 0, run.stdout[-3000:]
    dev.dbt("test", "--select", test, "--target", "clone", extra_env=env)  # read here: recorded
    assert dev.scalar(passes) == dev.scalar(
        "select count(*) from ops.bronze_file_state where model in ('brz_pos__products', 'brz_pos__cities', "
        "'brz_pos__customers', 'brz_pos__orders', 'brz_pos__orderlines', 'brz_pos__csv_rejects', "
        "'brz_events__events', 'brz_events__line_rejects')"
    )


_NAME = r'"?([A-Za-z_]\w*)"?'
# a.b or a.b.c, quoted or not, not a function call: relation names (and column references)
_QUALIFIED = re.compile(rf'(?<![\w."]){_NAME}\.{_NAME}(?:\.{_NAME})?(?![\w"(])')
_FILE_READERS = re.compile(
    r"\b(read_csv\w*|read_parquet|read_json\w*|read_text|read_blob|parquet_scan|glob)\s*\(", re.IGNORECASE
)
_KEEPABLE = ("table", "bucketed_table")


def _undeclared_reads(manifest: dict) -> dict[str, set[str]]:
    """Per table/bucketed_table model that the materialization may keep: relations (schema-
    or database-qualified names of this project's relations or of schema ops) and files its
    compiled SQL reads without a ref() or source() behind them."""
    nodes, sources = manifest["nodes"], manifest["sources"]

    def relation(node: dict) -> tuple[str, str]:
        return node["schema"].lower(), (node.get("alias") or node.get("identifier") or node["name"]).lower()

    # as _model_fingerprint_input: inputs without a state make the model always rebuilt
    def stateful(uid: str) -> bool:
        node = nodes.get(uid)
        if node is None:
            return False
        if node["resource_type"] in ("seed", "snapshot"):
            return True
        materialized = node["config"]["materialized"]
        return (
            node["resource_type"] == "model"
            and node["language"] == "sql"
            and (
                materialized in _KEEPABLE
                or (materialized == "incremental" and node["name"].startswith("brz_"))
            )
        )

    schemas = {
        relation(node)[0] for node in nodes.values() if node["resource_type"] in ("model", "seed", "snapshot")
    } | {"ops", "main"}
    schemas |= {
        relation(node)[0]
        for node in sources.values()
        if not node["config"].get("external_location") and not node["meta"].get("external_location")
    }
    out = {}
    for node in nodes.values():
        if (
            node["resource_type"] != "model"
            or node["config"]["materialized"] not in _KEEPABLE
            or node["language"] != "sql"
            or not all(map(stateful, node["depends_on"]["nodes"]))
        ):
            continue
        allowed = {relation(nodes[uid]) for uid in node["depends_on"]["nodes"]} | {relation(node)}
        found = set()
        for parts in _QUALIFIED.findall(node["compiled_code"]):
            parts = [part.lower() for part in parts if part]
            if (len(parts) == 3 or parts[0] in schemas) and tuple(parts[-2:]) not in allowed:
                found.add(".".join(parts))
        found |= {f"{reader}()" for reader in _FILE_READERS.findall(node["compiled_code"])}
        if found:
            out[node["name"]] = found
    return out


def test_kept_models_read_only_their_refs(runs):
    """A model that reads a table by a hard-coded name (not ref()/source()) would be kept
    although that table changed: every relation a keepable model's compiled SQL names is one
    of its inputs (models with an input without state are always rebuilt, so not checked)."""
    manifest = json.loads((runs["full"].target / "manifest.json").read_text())
    keepable = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"]["materialized"] in _KEEPABLE
        and node.get("compiled_code")
    ]
    assert len(keepable) > 40
    assert _undeclared_reads(manifest) == {}
    # the check sees a hard-coded read: the same manifest with one such model
    node = next(node for node in keepable if node["name"] == "dim_product")
    node["compiled_code"] += ' union all select * from silver.slv_zip_codes, "warehouse"."gold"."dim_date"'
    node["compiled_code"] += " union all select * from read_parquet('x.parquet')"
    assert _undeclared_reads(manifest) == {
        "dim_product": {"silver.slv_zip_codes", "warehouse.gold.dim_date", "read_parquet()"}
    }
