"""dbt commands an experienced dbt user runs on a built warehouse: `dbt show` on every model
(one invocation) and `dbt clone` of a state's warehouse into another DuckDB file."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BIN, REPO, DbtProject


def _models(project: DbtProject) -> list[str]:
    manifest = json.loads((project.target / "manifest.json").read_text())
    return sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "aethermart"
    )


@pytest.fixture(scope="module")
def private(built_001, tmp_path_factory) -> DbtProject:
    """A private copy of the scale-0.01 build, with its artifacts (the state of `dbt clone`)."""
    copy = built_001.copy(tmp_path_factory.mktemp("show_clone") / "prod")
    shutil.copytree(built_001.target, copy.target)
    return copy


# dbt show prints only the first selected node; dbt's programmatic runner returns them all
SHOW_ALL = """
import json, sys
from dbt.cli.main import dbtRunner
result = dbtRunner().invoke(["show", "--select", *sys.argv[1:], "--limit", "2", "--quiet"])
print(json.dumps({"success": result.success, "exception": str(result.exception or ""), "shown": {
    r.node.name: [r.status, len(r.agate_table.rows) if r.agate_table is not None else None]
    for r in (result.result or [])}}))
"""


def test_dbt_show_previews_every_model(private):
    """One `dbt show` of every model (the rejects models' scans run although show runs no hooks),
    on a warehouse without the date parsers' DuckDB functions (a clone, or one built before a
    rule changed): show creates the ones it calls."""
    with duckdb.connect(str(private.duckdb_path)) as con:
        parsers = con.execute(
            "select function_name from duckdb_functions() "
            "where function_type = 'macro' and function_name like 'aethermart_parse_%'"
        ).fetchall()
        for (name,) in parsers:
            con.execute(f"drop macro main.{name}")
    assert len(parsers) == 2
    models = _models(private)
    assert len(models) > 50 and {"brz_pos__csv_rejects", "brz_events__line_rejects"} <= set(models)
    proc = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            SHOW_ALL,
            *models,
            "--target-path",
            str(private.target),
            "--log-path",
            str(private.workdir / "logs"),
        ],
        cwd=REPO,
        env=private.env(),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["success"], outcome
    shown = outcome["shown"]
    assert set(models) <= set(shown)
    assert {status for status, _ in shown.values()} == {"success"}
    assert shown["doc_customer_profiles"][1] == 2 and shown["fct_orders"][1] == 2


@dataclass
class CloneProject(DbtProject):
    """A warehouse of another name than the state's (`ci.duckdb`), the state's attached."""

    state_duckdb: Path | None = None

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "ci.duckdb"

    def env(self) -> dict:
        return {**super().env(), "AETHERMART_STATE_DUCKDB": str(self.state_duckdb)}


def test_dbt_clone_copies_the_state_into_a_standalone_warehouse(private, tmp_path):
    """`dbt clone --target clone` with the state's warehouse attached copies every table; the
    copy opens on its own, and an incremental bronze model builds on it."""
    ci = CloneProject(private.landing, tmp_path, state_duckdb=private.duckdb_path)
    proc = ci.dbt("clone", "--target", "clone", "--state", str(private.target))
    assert "ERROR=0" in proc.stdout
    query = (
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema <> 'ops' order by all"
    )
    with (
        duckdb.connect(str(private.duckdb_path), read_only=True) as prod,
        duckdb.connect(str(ci.duckdb_path), read_only=True) as copy,
    ):
        tables = copy.execute(query).fetchall()
        assert tables == prod.execute(query).fetchall() and len(tables) >= 60
        assert {t[2] for t in tables} == {"BASE TABLE"}
        for schema, table, _ in tables:
            sql = f'select count(*) from "{schema}"."{table}"'
            assert copy.execute(sql).fetchone() == prod.execute(sql).fetchone(), table
    orders = ci.scalar("select count(*) from bronze.brz_pos__orders")
    ci.dbt("run", "--target", "clone", "--select", "brz_pos__orders")
    assert ci.scalar("select count(*) from bronze.brz_pos__orders") == orders


def test_dbt_clone_without_the_state_attached_says_how(private, tmp_path):
    ci = DbtProject(private.landing, tmp_path)
    proc = ci.dbt("clone", "--state", str(private.target), "--select", "dim_date", check=False)
    assert proc.returncode == 1
    assert (
        "is not in any attached warehouse; attach the state's warehouse: AETHERMART_STATE_DUCKDB="
        in proc.stdout
    )
