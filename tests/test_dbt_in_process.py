"""The suite's in-process dbt (tests/dbt_in_process.py) behaves like the `dbt` command it replaces."""

from __future__ import annotations

import shutil

import duckdb

from tests.conftest import REPO, SAMPLE, DbtProject


def _project_copy(dest):
    dest.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, dest / name)
    for folder in ("models", "macros", "seeds", "snapshots", "tests/singular"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def test_an_edited_project_is_parsed_again_and_the_warehouse_is_left_closed(tmp_path):
    project = DbtProject(SAMPLE, tmp_path / "dbt", project_dir=_project_copy(tmp_path / "project"))
    listed = project.dbt("ls", "--resource-type", "model", "--output", "name").stdout
    assert "dim_customer" in listed and "zz_probe" not in listed
    (project.project_dir / "models" / "zz_probe.sql").write_text("select 1 as probe\n")
    proc = project.dbt("run", "--select", "zz_probe")
    assert proc.returncode == 0 and "zz_probe" in proc.stdout
    # dbt-duckdb keeps its database open between invocations of one process; the helper closes
    # it, so this process (or the next invocation, another warehouse) can open the file
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        assert con.execute("select probe from main.zz_probe").fetchall() == [(1,)]
    failed = project.dbt("run", "--select", "zz_probe", "--vars", "{enabled_sources: [shop]}", check=False)
    assert failed.returncode != 0 and "shop" in failed.stdout + failed.stderr
