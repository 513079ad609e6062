"""The generic test checked_rows holds the rules of every `__checked` model in one node.

A copy of the scale-0.01 build gets rows broken by hand in slv_pos_orders__checked, one
per way a rule can break, NULLs included (a repeated key, an unknown and a NULL outcome,
reasons missing, empty or NULL on a quarantined row and present on a silver one, a raw row on
a silver and a duplicate row or missing on a quarantined one), plus a superseded row with
reasons (allowed); `dbt test --store-failures` must fail and store exactly the expected rows,
each with the rule it broke, worked out here from the rows changed. The untouched build passes
(test_silver builds it with every test), and every `__checked` model carries the test.
"""

from __future__ import annotations

import json

import duckdb

from tests.conftest import DbtProject

MODEL = "slv_pos_orders__checked"
TABLE = f"silver.{MODEL}"
TEST = f"checked_rows_{MODEL}_"


def _break_rules(project: DbtProject) -> set[tuple[str, int, str, int]]:
    """Breaks the rules on chosen rows; returns the failures expected:
    (source file, row number, rule, occurrences)."""
    with duckdb.connect(str(project.duckdb_path)) as con:

        def pick(outcome: str, offset: int) -> tuple[str, int]:
            return con.execute(
                f"select _source_file, _source_row_number from {TABLE} where outcome = ? "
                "order by _source_file, _source_row_number limit 1 offset ?",
                [outcome, offset],
            ).fetchone()

        repeated, unknown, with_raw = pick("silver", 0), pick("silver", 1), pick("silver", 2)
        null_outcome, with_reasons, superseded = pick("silver", 3), pick("silver", 4), pick("silver", 5)
        duplicate_with_raw = pick("duplicate", 0)
        no_reasons, no_raw, null_reasons = (
            pick("quarantined", 0),
            pick("quarantined", 1),
            pick("quarantined", 2),
        )
        where = "_source_file = ? and _source_row_number = ?"
        con.execute(f"insert into {TABLE} select * from {TABLE} where {where}", list(repeated))
        for assignment, row in (
            ("outcome = 'kept_somehow'", unknown),
            ("outcome = null", null_outcome),
            ("raw_row = '{\"a\": 1}'", with_raw),
            ("raw_row = '{\"a\": 1}'", duplicate_with_raw),
            ("quarantine_reasons = ['x']", with_reasons),
            ("outcome = 'superseded', quarantine_reasons = ['x']", superseded),
            ("quarantine_reasons = []", no_reasons),
            ("quarantine_reasons = null", null_reasons),
            ("raw_row = null", no_raw),
        ):
            con.execute(f"update {TABLE} set {assignment} where {where}", list(row))
    return {
        (*repeated, "row_key_repeated", 2),
        # an unknown outcome is not 'quarantined' and has no reasons and no raw row: one rule
        (*unknown, "outcome_unknown", 1),
        # a NULL outcome decides no rule: all three count as broken
        (*null_outcome, "outcome_unknown", 1),
        (*null_outcome, "reasons_disagree_with_outcome", 1),
        (*null_outcome, "raw_row_disagrees_with_outcome", 1),
        (*with_raw, "raw_row_disagrees_with_outcome", 1),
        (*duplicate_with_raw, "raw_row_disagrees_with_outcome", 1),
        (*with_reasons, "reasons_disagree_with_outcome", 1),
        (*no_reasons, "reasons_disagree_with_outcome", 1),
        (*null_reasons, "reasons_disagree_with_outcome", 1),
        (*no_raw, "raw_row_disagrees_with_outcome", 1),
    }


def test_checked_rows_reports_each_broken_rule_with_its_row(built_001, tmp_path):
    project = built_001.copy(tmp_path / "broken")
    expected = _break_rules(project)
    proc = project.dbt("test", "--select", TEST, "--store-failures", check=False)
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert f"Got {len(expected)} results" in proc.stdout, proc.stdout[-3000:]
    stored = project.query(f"select table_schema from information_schema.tables where table_name = '{TEST}'")
    assert len(stored) == 1, stored
    failures = project.query(
        f'select _source_file, _source_row_number, broken_rule, occurrences from "{stored[0][0]}"."{TEST}"'
    )
    assert {(f, int(n), rule, int(o)) for f, n, rule, o in failures} == expected
    assert len(failures) == len(expected)


def test_every_checked_model_carries_checked_rows(built_001):
    manifest = json.loads((built_001.target / "manifest.json").read_text())
    nodes = manifest["nodes"].values()
    checked = {n["name"] for n in nodes if n["resource_type"] == "model" and n["name"].endswith("__checked")}
    tested = {
        n["depends_on"]["nodes"][0].split(".")[-1]
        for n in nodes
        if n["resource_type"] == "test" and (n.get("test_metadata") or {}).get("name") == "checked_rows"
    }
    assert len(checked) == 14
    assert tested == checked
