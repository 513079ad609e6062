"""The project linter (`make lint`): dbt-bouncer's house conventions hold, and catch a breach;
macro argument types are ones dbt's `validate_macro_args` accepts (dbt 1.12 warns otherwise)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import yaml
from dbt.parser.schemas import is_valid_type

from tests.conftest import BIN, REPO


def _macro_arguments() -> list[tuple[str, str, str | None]]:
    spec = yaml.safe_load((REPO / "macros" / "_macros.yml").read_text(encoding="utf-8"))
    return [
        (macro["name"], arg["name"], arg.get("type"))
        for macro in spec["macros"]
        for arg in macro.get("arguments", [])
    ]


def test_macro_argument_types_follow_dbts_type_grammar():
    """Every documented macro argument has a type, written in dbt's grammar (`string`,
    `bool`, `integer`, `float`, `any`, `relation`, `list[T]`, `dict[K, V]`, `optional[T]`)."""
    arguments = _macro_arguments()
    assert len(arguments) > 100
    invalid = [
        f"{macro}.{arg}: {kind!r}" for macro, arg, kind in arguments if not kind or not is_valid_type(kind)
    ]
    assert not invalid, invalid
    # the grammar itself: these are what dbt 1.12 warned about in this file before
    assert not any(map(is_valid_type, ("object", "list", "number", "boolean")))


def _bouncer(manifest_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    config = yaml.safe_load((REPO / "dbt-bouncer.yml").read_text(encoding="utf-8"))
    config["dbt_artifacts_dir"] = str(manifest_dir)
    path = tmp_path / "dbt-bouncer.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run(
        [str(BIN / "dbt-bouncer"), "run", "--config-file", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
    )


def test_dbt_bouncer_passes_and_the_grain_tests_hold(built_001, tmp_path):
    proc = _bouncer(built_001.target, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "ERROR=0" in proc.stdout
    # the uniqueness tests the linter asked for pass on a scale-0.01 build (every dirt class);
    # read from the build record, not target/run_results.json, which a later command on the
    # shared build (docs generate, show) overwrites
    grain = dict(
        built_001.query(
            "select unique_id, r.status from ops.dbt_node_results r "
            "join ops.dbt_invocations i using (invocation_id) "
            "where unique_id like 'test.aethermart.unique_combination_of_columns_slv_quarantine__%' "
            "and i.command = 'build' "
            "qualify row_number() over (partition by unique_id order by i.started_at desc) = 1"
        )
    )
    assert len(grain) == 3 and set(grain.values()) == {"pass"}, grain


def test_dbt_bouncer_names_a_model_without_a_grain_test_and_a_misnamed_one(built_001, tmp_path):
    manifest = json.loads((built_001.target / "manifest.json").read_text())
    quarantine = "model.aethermart.slv_quarantine__events"
    for node in [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n.get("attached_node") == quarantine
    ]:
        del manifest["nodes"][node["unique_id"]]
    manifest["nodes"]["model.aethermart.agg_customer_value"]["name"] = "customer_value"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text(json.dumps(manifest))
    proc = _bouncer(broken, tmp_path)
    assert proc.returncode != 0
    failed = proc.stdout
    assert re.search(r"check_model_has_unique_test\S*slv_quarantine__events", failed), failed[-4000:]
    assert re.search(r"check_model_names\S*customer_value", failed), failed[-4000:]
    assert "ERROR=2" in proc.stdout


def test_the_exposure_rule_covers_exactly_the_exported_models(built_001):
    """dbt-bouncer selects by path (models/gold/), the exporters by `meta.export`: the two agree."""
    manifest = json.loads((built_001.target / "manifest.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    exported = {n["name"] for n in models if n["config"].get("meta", {}).get("export")}
    gold = {n["name"] for n in models if n["original_file_path"].startswith("models/gold/")}
    assert exported == gold and len(gold) >= 14


# `x -> expr` lambdas: DuckDB 2.x refuses them (1.5 warns via lambda_syntax); `lambda x: expr`
# works on both. JSON's `->`/`->>` take a quoted path or a `$` path and are fine.
_ARROW_LAMBDA = re.compile(
    r"(?<![-\w'\"])([a-z_]\w*|\([a-z_][\w ,]*\))\s*->(?!>)(?!\s*['\"$])", re.IGNORECASE
)


def _sql_without_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL))


def test_no_arrow_lambdas_in_the_projects_sql():
    assert _ARROW_LAMBDA.search("list_transform(l, entry -> entry.item)")
    assert _ARROW_LAMBDA.search("list_reduce(l, (a, b) -> a + b)")
    assert not _ARROW_LAMBDA.search("event_json ->> 'id', payload -> '$.page', lambda x: 1")
    found = [
        f"{path.relative_to(REPO)}: {match.group(0).strip()}"
        for folder in ("models", "macros", "tests", "snapshots", "analyses")
        for path in sorted((REPO / folder).rglob("*.sql"))
        for match in _ARROW_LAMBDA.finditer(_sql_without_comments(path.read_text(encoding="utf-8")))
    ]
    assert not found, f"use `lambda x: …` (DuckDB 2.x refuses `x -> …`): {found}"
