"""The suite's in-process dbt (tests/dbt_in_process.py) behaves like the `dbt` command it replaces."""

from __future__ import annotations

import duckdb

from tests.conftest import SAMPLE, DbtProject, project_copy


def test_an_edited_project_is_parsed_again_and_the_warehouse_is_left_closed(tmp_path):
    project = DbtProject(SAMPLE, tmp_path / "dbt", project_dir=project_copy(tmp_path / "project"))
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


class _NamedWarehouse(DbtProject):
    """A warehouse file named other than warehouse.duckdb: DuckDB's database takes its stem."""

    @property
    def duckdb_path(self):
        return self.workdir / f"{self.workdir.name}.duckdb"


def test_a_warehouse_of_another_name_is_parsed_for_its_own_database(tmp_path):
    """Every node's `database` is the warehouse file's stem: a manifest parsed for one name must
    not serve another (it failed with `Catalog "dev" does not exist!`)."""
    project_dir = project_copy(tmp_path / "project")
    (project_dir / "models" / "zz_probe.sql").write_text("select 1 as probe\n")
    for name in ("dev", "prod"):
        project = _NamedWarehouse(SAMPLE, tmp_path / name, project_dir=project_dir)
        proc = project.dbt("run", "--select", "zz_probe")
        assert proc.returncode == 0, proc.stdout[-2000:]
        with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
            found = con.execute("select current_database(), probe from main.zz_probe").fetchall()
        assert found == [(name, 1)]
