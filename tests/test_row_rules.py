"""The generic test row_rules holds a model's own column rules in one node.

A copy of the scale-0.01 build gets rows broken by hand, one per way a rule can break, NULLs
included: in slv_order_lines (a single-column key, not_null columns, two expressions) a
repeated key, a NULL key, a NULL order key, a NULL price (which also leaves the amount's
expression undecided), a wrong amount and a wrong return flag; in agg_customer_value (accepted
values, ranges) a segment outside the list and scores outside 1-5, beside a NULL score (allowed);
in audit_reconciliation (a compound key) a repeated (source_system, entity). `dbt test
--store-failures` must fail and store exactly the expected rows, each with the rule it broke,
worked out here from the rows changed. The untouched build passes (test_silver builds it with
every test), and each model whose rules moved carries one row_rules test and none of the
generic tests it replaced.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess

import duckdb
import pytest

from tests.conftest import DbtProject

LINES = "silver.slv_order_lines"
CUSTOMERS = "gold.agg_customer_value"
RECONCILIATION = "silver.audit_reconciliation"


def _break_rules(project: DbtProject) -> dict[str, set[tuple[str | None, str, int]]]:
    """Breaks the rules on chosen rows; returns the failures expected per model:
    (row_key, broken_rule, occurrences)."""
    with duckdb.connect(str(project.duckdb_path)) as con:

        def keys(table: str, key: str, n: int, where: str = "true") -> list[str]:
            rows = con.execute(f"select {key} from {table} where {where} order by {key} limit {n}").fetchall()
            assert len(rows) == n
            return [row[0] for row in rows]

        repeated, null_key, null_order, null_price, wrong_amount, wrong_return = keys(
            LINES, "order_line_key", 6, "quantity > 0"
        )
        con.execute(f"insert into {LINES} select * from {LINES} where order_line_key = ?", [repeated])
        for assignment, key in (
            ("order_line_key = null", null_key),
            ("order_key = null", null_order),
            ("unit_price = null", null_price),
            ("line_amount = line_amount + 1", wrong_amount),
            ("is_return = true", wrong_return),
        ):
            con.execute(f"update {LINES} set {assignment} where order_line_key = ?", [key])

        segment, recency, frequency, null_score = keys(
            CUSTOMERS, "customer_key", 4, "recency_score is not null"
        )
        for assignment, key in (
            ("segment = 'vip'", segment),
            ("recency_score = 6", recency),
            ("frequency_score = 0", frequency),
            ("monetary_score = null", null_score),
        ):
            con.execute(f"update {CUSTOMERS} set {assignment} where customer_key = ?", [key])

        system, entity = con.execute(
            f"select source_system, entity from {RECONCILIATION} order by all limit 1"
        ).fetchone()
        con.execute(
            f"insert into {RECONCILIATION} select * from {RECONCILIATION} "
            "where source_system = ? and entity = ?",
            [system, entity],
        )
    amount = "expression_is_true(line_amount = quantity * unit_price)"
    return {
        "slv_order_lines": {
            (repeated, "unique(order_line_key)", 2),
            # a NULL key is not a repeated one (as dbt's unique), and has no key to show
            (None, "not_null(order_line_key)", 1),
            (null_order, "not_null(order_key)", 1),
            (null_price, "not_null(unit_price)", 1),
            (null_price, amount, 1),  # undecided counts as broken
            (wrong_amount, amount, 1),
            (wrong_return, "expression_is_true(is_return = (quantity < 0))", 1),
        },
        "agg_customer_value": {
            (segment, "accepted_values(segment)", 1),
            (recency, "accepted_range(recency_score)", 1),
            (frequency, "accepted_range(frequency_score)", 1),
        },
        "audit_reconciliation": {
            (
                json.dumps({"source_system": system, "entity": entity}, separators=(",", ":")),
                "unique(source_system, entity)",
                2,
            ),
        },
    }


def _row_rules_test(manifest: dict, model: str) -> str:
    (name,) = [
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and (n.get("test_metadata") or {}).get("name") == "row_rules"
        and n.get("attached_node") == f"model.aethermart.{model}"
    ]
    return name


@pytest.fixture(scope="module")
def broken(built_001, tmp_path_factory):
    project = built_001.copy(tmp_path_factory.mktemp("row_rules") / "broken")
    expected = _break_rules(project)
    manifest = json.loads((built_001.target / "manifest.json").read_text())
    tests = {model: _row_rules_test(manifest, model) for model in expected}
    proc = project.dbt("test", "--select", *tests.values(), "--store-failures", check=False)
    return project, expected, tests, proc


@pytest.mark.parametrize("model", ["slv_order_lines", "agg_customer_value", "audit_reconciliation"])
def test_row_rules_reports_each_broken_rule_with_its_row(broken, model):
    project, expected, tests, proc = broken
    assert proc.returncode != 0, proc.stdout[-3000:]
    test = tests[model]
    reported = re.search(rf"Failure in test {test} \([^)]*\)[\s\S]{{0,80}}?Got (\d+) results?", proc.stdout)
    assert reported and int(reported.group(1)) == len(expected[model]), proc.stdout[-4000:]
    (schema,) = project.query(
        f"select table_schema from information_schema.tables where table_name = '{test}'"
    )[0]
    failures = project.query(
        f'select row_key, broken_rule, occurrences, failing_row from "{schema}"."{test}"'
    )
    assert {(key, rule, int(n)) for key, rule, n, _ in failures} == expected[model]
    assert len(failures) == len(expected[model])
    # each failing row is stored whole (a repeated key has no one row): a row without a key
    # can still be found
    for _key, rule, _, row in failures:
        assert (row is None) == rule.startswith("unique("), (rule, row)
    if model == "slv_order_lines":
        null_key_rows = [json.loads(row) for key, rule, _, row in failures if key is None]
        assert [r["order_line_key"] for r in null_key_rows] == [None]
        assert null_key_rows[0]["order_key"] and null_key_rows[0]["unit_price"] is not None
    # the build's log names each broken rule with its count, without --store-failures
    for rule, count in collections.Counter(rule for _, rule, _, _ in failures).items():
        plural = "s" if count != 1 else ""
        assert f"{test}: {rule}: {count} failing row{plural}" in proc.stdout, (rule, proc.stdout[-3000:])


def test_each_model_carries_one_row_rules_test_instead_of_the_generic_ones(built_001):
    manifest = json.loads((built_001.target / "manifest.json").read_text())
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    with_row_rules = {
        n["attached_node"].split(".")[-1]
        for n in tests
        if (n.get("test_metadata") or {}).get("name") == "row_rules"
    }
    assert {
        "slv_order_lines",
        "slv_orders",
        "fct_orders",
        "fct_order_lines",
        "agg_customer_value",
        "brz_pos__orders",
        "brz_mariadb__extractions",
        "brz_events__line_rejects",
    } <= with_row_rules
    # 16 silver and gold models and seeds, and each of the 20 bronze models
    assert len(with_row_rules) == 36
    assert {m for m in with_row_rules if m.startswith("brz_")} == {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"].startswith("brz_")
    }
    replaced = {
        "unique",
        "not_null",
        "accepted_values",
        "accepted_range",
        "expression_is_true",
        "unique_combination_of_columns",
    }
    for n in tests:
        name = (n.get("test_metadata") or {}).get("name")
        model = (n.get("attached_node") or "").split(".")[-1]
        assert not (model in with_row_rules and name in replaced), (model, n["name"])


def _compiled(project: DbtProject, call: str) -> subprocess.CompletedProcess:
    return project.dbt("compile", "--inline", call, "--quiet", check=False)


# values of kinds DuckDB casts a quoted value to, as dbt's accepted_values compares them
_TYPED = (
    "(select * from (values ('a', true, 1.50::decimal(12, 2), timestamp '2024-01-01', 3), "
    "('b', false, 2.00::decimal(12, 2), timestamp '2024-01-01', 4)) "
    "as typed(id, flag, amount, taken_at, score))"
)


def test_accepted_values_compare_in_the_columns_type(built_001):
    proc = _compiled(
        built_001,
        "{{ test_row_rules(" + repr(_TYPED) + ", unique_key='id', accepted_values={'flag': [true, false], "
        "'amount': [1.5, 2], 'taken_at': ['2024-01-01'], 'score': [3, 4], 'id': ['a', 'b']}) }}",
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert duckdb.sql(proc.stdout.strip()).fetchall() == []
    proc = _compiled(
        built_001,
        "{{ test_row_rules(" + repr(_TYPED) + ", unique_key='id', accepted_values={'amount': [1.5], "
        "'flag': [true]}) }}",
    )
    rules = sorted(rule for rule, *_ in duckdb.sql(proc.stdout.strip()).fetchall())
    assert rules == ["accepted_values(amount)", "accepted_values(flag)"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ("not_null=['id']", "unique_key (the model's grain"),
        ("unique_key=[], not_null=['id']", "unique_key (the model's grain"),
        ("unique_key='id', accepted_range={'score': {'min': 2, 'max': 4}}", "accepted_range of score takes"),
        ("unique_key='id', accepted_range={'score': {'inclusive': false}}", "accepted_range of score takes"),
        ("unique_key='id', not_null='id'", "not_null must be a list"),
        ("unique_key='id', expressions='score > 0'", "expressions must be a list"),
        ("unique_key='id', accepted_values={'id': 'a'}", "accepted_values of id must be a list"),
    ],
)
def test_a_misspelt_argument_stops_compilation(built_001, arguments, message):
    proc = _compiled(built_001, "{{ test_row_rules(" + repr(_TYPED) + ", " + arguments + ") }}")
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-3000:]


def test_a_rule_that_reads_a_relation_makes_the_test_read_every_row(built_001):
    """A row_rules test is scoped (to a merge's changed keys, or on bronze to files not yet
    passed) only while each of its rules is about one row: an expression, a range bound, a
    column or a `where` config that opens a query (any of DuckDB's ways: select, from, table,
    with, values, pivot, summarize ...) or holds Jinja makes it read every row."""
    cases = {
        "plain": ({"unique_key": ["k"], "expressions": ["a = b", "is_return = (quantity < 0)"]}, "", True),
        "range bound": ({"unique_key": "k", "accepted_range": {"v": {"max_value": 100}}}, "", True),
        "row-local where": ({"unique_key": "k"}, "order_date > date '2025-01-01'", True),
        "select": ({"unique_key": "k", "expressions": ["v < (select max(v) from t)"]}, "", False),
        "table": ({"unique_key": "k", "expressions": ["exists (table t)"]}, "", False),
        "from first": ({"unique_key": "k", "expressions": ["v in (from t select v)"]}, "", False),
        "summarize": ({"unique_key": "k", "expressions": ["exists (summarize t)"]}, "", False),
        "jinja": ({"unique_key": "k", "expressions": ["v in (select v from {{ ref('x') }})"]}, "", False),
        "bound subquery": (
            {"unique_key": "k", "accepted_range": {"v": {"max_value": "(select 50 * avg(v) from t)"}}},
            "",
            False,
        ),
        "where subquery": (
            {"unique_key": "k"},
            "c in (select c from t group by all having count(*) > 1)",
            False,
        ),
        "column": ({"unique_key": ["k"], "not_null": ["(select 1)"]}, "", False),
    }
    nodes = [
        f"{{'test_metadata': {{'kwargs': {kwargs!r}}}, 'config': {{'where': {where!r}}}}}"
        for kwargs, where, _ in cases.values()
    ]
    calls = ", ".join(f"_row_rules_is_row_local({node})" for node in nodes)
    proc = _compiled(built_001, "{{ tojson([" + calls + "]) }}")
    assert proc.returncode == 0, proc.stdout[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert dict(zip(cases, got, strict=True)) == {name: expected for name, (_, _, expected) in cases.items()}
