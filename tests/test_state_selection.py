"""Slim CI: the landing zone is an environment value, never rendered into source or model
config, so `state:modified` selects what changed in the project and nothing else, whatever
AETHERMART_LANDING says."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from aethermart.settings import DBT_CODE_FOLDERS, DBT_CONFIG_FILES
from tests.conftest import BIN, REPO

PROJECT_FILES = (*DBT_CONFIG_FILES, *DBT_CODE_FOLDERS)


def _project_copy(dest: Path) -> Path:
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / name)
    return dest


def _dbt(project: Path, landing: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {
        "PATH": str(BIN),
        "HOME": str(project),
        "AETHERMART_LANDING": landing,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project),
        "AETHERMART_DUCKDB": str(project / "warehouse.duckdb"),
        **(env or {}),
    }
    proc = subprocess.run(
        [str(BIN / "dbt"), *args, "--log-path", str(project / "logs")],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return proc


def _selected(project: Path, landing: str, state: Path, env: dict | None = None) -> set[str]:
    proc = _dbt(
        project,
        landing,
        "ls",
        "--select",
        "state:modified",
        "--state",
        str(state),
        "--resource-type",
        "model",
        "source",
        "--output",
        "name",
        "--quiet",
        env=env,
    )
    return {line.strip() for line in proc.stdout.splitlines() if line.strip()}


def test_another_landing_zone_selects_only_the_changed_model(tmp_path):
    project = _project_copy(tmp_path / "project")
    state = tmp_path / "state"
    _dbt(project, "sample/landing", "parse", "--target-path", str(state))

    elsewhere = str(tmp_path / "elsewhere" / "landing")  # another zone, as an absolute path
    assert _selected(project, elsewhere, state) == set()
    assert _selected(project, str(REPO / "sample" / "landing"), state) == set()

    model = project / "models" / "gold" / "star" / "dim_date.sql"
    model.write_text(model.read_text() + "\n-- a reviewed change\n")
    assert _selected(project, elsewhere, state) == {"dim_date"}

    # a part of a cleaning rule that is a DuckDB function (parse_timestamp's pattern): the
    # models' SQL only calls the function, yet every model that parses dates is modified
    part = project / "macros" / "cleaning" / "_datetime_pattern.sql"
    text = part.read_text()
    assert text.count("{% macro _datetime_pattern() -%}") == 1
    part.write_text(
        text.replace("{% macro _datetime_pattern() -%}", "{% macro _datetime_pattern() -%}{#- x -#}")
    )
    assert _selected(project, elsewhere, state) == {
        "dim_date",
        "slv_pos_orders__checked",
        "slv_pos_customers__checked",
        "slv_events__checked",
    }


def test_no_rendered_source_config_holds_the_landing_path(tmp_path):
    project = _project_copy(tmp_path / "project")
    landing = str(tmp_path / "my landing's $zone")
    _dbt(project, landing, "parse", "--target-path", str(tmp_path / "target"))
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    text = json.dumps(
        {"sources": manifest["sources"], "configs": [n["config"] for n in manifest["nodes"].values()]}
    )
    assert "my landing" not in text and "zone" not in text
    locations = [s["meta"]["external_location"] for s in manifest["sources"].values()]
    assert len(locations) == 15
    assert all(loc.split("'", 2)[1].split("/", 1)[0] in {"pos", "mariadb", "events"} for loc in locations)


def test_another_salt_and_warehouse_select_nothing_and_appear_nowhere(tmp_path):
    """CI's state comes from another machine: its own PII salt and warehouse file. Neither the
    salt nor the landing path is in the manifest, and neither changes the selection."""
    project = _project_copy(tmp_path / "project")
    state = tmp_path / "state"
    production = {"AETHERMART_PII_SALT": "prod-salt-Xq7", "AETHERMART_DUCKDB": str(tmp_path / "prod.duckdb")}
    _dbt(project, "sample/landing", "parse", "--target-path", str(state), env=production)
    ci = {"AETHERMART_PII_SALT": "ci-salt-Zk9", "AETHERMART_DUCKDB": str(tmp_path / "ci.duckdb")}
    elsewhere = str(tmp_path / "ci landing")
    assert _selected(project, elsewhere, state, env=ci) == set()
    _dbt(project, elsewhere, "parse", "--target-path", str(tmp_path / "target"), env=ci)
    for manifest in (state / "manifest.json", tmp_path / "target" / "manifest.json"):
        text = manifest.read_text()
        assert "salt-" not in text and "ci landing" not in text
    model = project / "models" / "silver" / "customers" / "slv_customers.sql"
    model.write_text(model.read_text() + "\n-- a reviewed change\n")
    assert _selected(project, elsewhere, state, env=ci) == {"slv_customers"}
