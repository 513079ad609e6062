"""The code fingerprint (aethermart.code_fingerprint): what a unit test's outcome depends on."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import yaml

from aethermart.code_fingerprint import PROJECT_PARTS, code_fingerprint
from aethermart.sync import SyncConfig, unit_tests_passed
from tests.conftest import REPO


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            (copy / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    return copy


def test_the_fingerprint_follows_code_vars_target_and_landing_not_file_times(tmp_path):
    project = _project_copy(tmp_path)
    base = code_fingerprint(project, {}, None, landing="/landing")
    assert base == code_fingerprint(REPO, {}, None, landing="/landing")  # content, not location
    macro = project / "macros" / "gold" / "mask_email.sql"
    os.utime(macro, (1, 1))  # touched, not changed
    assert code_fingerprint(project, {}, None, landing="/landing") == base
    assert code_fingerprint(project, {"document_build_buckets": 2}, None, landing="/landing") != base
    assert code_fingerprint(project, {}, "prod", landing="/landing") != base
    assert code_fingerprint(project, {}, None, landing="/elsewhere") != base
    (project / "aethermart" / "dbt_plugins" / "__pycache__").mkdir()
    (project / "aethermart" / "dbt_plugins" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert code_fingerprint(project, {}, None, landing="/landing") == base  # bytecode is no code
    macro.write_text(macro.read_text() + "\n-- edited\n")
    assert code_fingerprint(project, {}, None, landing="/landing") != base
    macro.unlink()
    assert code_fingerprint(project, {}, None, landing="/landing") != base


def test_the_fingerprint_follows_the_profile_dbt_reads(tmp_path):
    """profiles.yml is the one dbt reads (--profiles-dir / $DBT_PROFILES_DIR), not the
    project's: a profile elsewhere with another timezone changes what a unit test parsing
    local times returns (doc_customer_profiles' failed under America/New_York)."""
    project = _project_copy(tmp_path)
    base = code_fingerprint(project, {}, None, landing="/landing")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    profile = (project / "profiles.yml").read_text()
    (elsewhere / "profiles.yml").write_text(profile)
    assert code_fingerprint(project, {}, None, landing="/landing", profiles_dir=elsewhere) == base
    (elsewhere / "profiles.yml").write_text(profile.replace("timezone: UTC", "timezone: America/New_York"))
    assert code_fingerprint(project, {}, None, landing="/landing", profiles_dir=elsewhere) != base
    assert code_fingerprint(project, {}, None, landing="/landing", profile="other") != base


def test_vars_keep_their_yaml_types_and_any_keys(tmp_path):
    """A date and its string differ (Jinja sees a date or a str); a nested mapping with an
    integer key (dbt accepts it) does not stop every dbt command."""
    project = _project_copy(tmp_path)
    as_date = code_fingerprint(project, yaml.safe_load("{d: 2024-01-01}"), None, landing="/l")
    assert as_date != code_fingerprint(project, yaml.safe_load("{d: '2024-01-01'}"), None, landing="/l")
    mixed = yaml.safe_load("{a: {1: x, b: y}}")
    assert code_fingerprint(project, mixed, None, landing="/l") != code_fingerprint(
        project, yaml.safe_load("{a: {'1': x, b: y}}"), None, landing="/l"
    )
    # key order is no difference
    assert code_fingerprint(project, {"a": 1, "b": 2}, None, landing="/l") == code_fingerprint(
        project, {"b": 2, "a": 1}, None, landing="/l"
    )


def test_folders_dbt_project_yml_names_and_packages_count(tmp_path):
    """A macro folder added to macro-paths, packages.yml and installed packages are code dbt
    reads: an edit there changes the fingerprint."""
    project = _project_copy(tmp_path)
    config = project / "dbt_project.yml"
    shared = config.read_text().replace('macro-paths: ["macros"]', 'macro-paths: ["macros", "shared"]')
    config.write_text(shared)
    (project / "shared").mkdir()
    (project / "shared" / "m.sql").write_text("{% macro m() %}1{% endmacro %}")
    before = code_fingerprint(project, {}, None, landing="/l")
    (project / "shared" / "m.sql").write_text("{% macro m() %}2{% endmacro %}")
    assert code_fingerprint(project, {}, None, landing="/l") != before
    before = code_fingerprint(project, {}, None, landing="/l")
    (project / "dbt_packages" / "pkg" / "macros").mkdir(parents=True)
    (project / "dbt_packages" / "pkg" / "macros" / "override.sql").write_text("-- x")
    assert code_fingerprint(project, {}, None, landing="/l") != before


def test_a_dangling_link_or_a_fifo_in_a_code_folder_stops_nothing(tmp_path):
    """An editor's lock file (a dangling symlink, `.#name.sql`) or a FIFO in macros/ must
    neither crash nor hang every dbt command (the plugin runs in each)."""
    project = _project_copy(tmp_path)
    base = code_fingerprint(project, {}, None, landing="/l")
    (project / "macros" / ".#mask_email.sql").symlink_to(project / "nowhere")
    os.mkfifo(project / "macros" / "pipe")
    assert code_fingerprint(project, {}, None, landing="/l") != base


def test_sync_predicts_the_fingerprint_under_the_profile_dbt_will_read(tmp_path, monkeypatch):
    """`aethermart sync` leaves the unit tests out only when they passed under the fingerprint
    its dbt build will have: with $DBT_PROFILES_DIR naming another profile, that is another."""
    for name in ("DBT_PROFILES_DIR", "DBT_TARGET", "DBT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    cfg = SyncConfig(tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "target", tmp_path / "gold")
    cfg.target_path.mkdir()
    unit_test = "unit_test.aethermart.m.t"
    (cfg.target_path / "manifest.json").write_text(json.dumps({"unit_tests": {unit_test: {}}}))
    passed_under = code_fingerprint(REPO, {}, None, landing=str(cfg.landing))
    with duckdb.connect(str(cfg.duckdb)) as con:
        con.execute("create schema ops")
        con.execute(
            "create table ops.dbt_invocations as select 'i' as invocation_id, 'success' as status, "
            "now() as started_at, ? as code_fingerprint",
            [passed_under],
        )
        con.execute(
            "create table ops.dbt_node_results as select 'i' as invocation_id, ? as unique_id, "
            "'unit_test' as resource_type, 'pass' as status",
            [unit_test],
        )
    assert unit_tests_passed(cfg)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    profile = (REPO / "profiles.yml").read_text().replace("timezone: UTC", "timezone: America/New_York")
    (elsewhere / "profiles.yml").write_text(profile)
    monkeypatch.setenv("DBT_PROFILES_DIR", str(elsewhere))
    assert not unit_tests_passed(cfg)


def test_the_plugin_fingerprints_each_dbt_command_of_a_process(monkeypatch):
    """dbt-duckdb keeps its environment, and the plugins it made, for every later command of
    one process (dbtRunner): the second command, with other --vars, recorded the first's
    fingerprint. The plugin fingerprints each command's flags."""
    from types import SimpleNamespace

    from aethermart.dbt_plugins import code_fingerprint as plugin_module

    def flags(dbt_vars: dict) -> SimpleNamespace:
        return SimpleNamespace(
            PROJECT_DIR=str(REPO), PROFILES_DIR=str(REPO), VARS=dbt_vars, TARGET=None, PROFILE=None
        )

    first = flags({"a": 1})
    monkeypatch.setattr(plugin_module, "get_flags", lambda: first)
    plugin = plugin_module.Plugin("code_fingerprint", {})
    (value,) = plugin.variables().values()
    assert value == code_fingerprint(REPO, {"a": 1}, None, profiles_dir=REPO)
    second = flags({"a": 2})
    monkeypatch.setattr(plugin_module, "get_flags", lambda: second)
    assert plugin.variables() == {"aethermart_code_fingerprint": code_fingerprint(REPO, {"a": 2}, None)}


def test_an_upgrade_of_dbt_adapters_alone_changes_the_fingerprint(monkeypatch):
    """dbt's global macros (the unit-test materialization, cross-database SQL) ship in
    dbt-adapters, which upgrades apart from dbt-core."""
    from aethermart import code_fingerprint as module

    base = code_fingerprint(REPO, {}, None, landing="/l")
    real = module.metadata.version
    monkeypatch.setattr(
        module.metadata, "version", lambda package: "9.9.9" if package == "dbt-adapters" else real(package)
    )
    assert code_fingerprint(REPO, {}, None, landing="/l") != base


def test_the_plugins_hashed_are_the_ones_python_imports(tmp_path, monkeypatch):
    """dbt imports the plugins from wherever Python finds `aethermart` (an installed copy, a
    venv made in another checkout), not necessarily from the project folder."""
    from aethermart import code_fingerprint as module

    base = code_fingerprint(REPO, {}, None, landing="/l")
    installed = tmp_path / "site-packages" / "aethermart" / "dbt_plugins"
    shutil.copytree(
        REPO / "aethermart" / "dbt_plugins", installed, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(module.dbt_plugins, "__file__", str(installed / "__init__.py"))
    assert code_fingerprint(REPO, {}, None, landing="/l") == base  # same code elsewhere
    (installed / "record_count.py").write_text((installed / "record_count.py").read_text() + "\n# other\n")
    assert code_fingerprint(REPO, {}, None, landing="/l") != base
