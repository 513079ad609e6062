"""aethermart/settings.py decides the Python side's defaults once; dbt keeps its own in
profiles.yml and dbt_project.yml (dbt needs them there). Both must name the same warehouse,
memory limit, temp folder and landing zone, or `aethermart export` would read another file
than the one `dbt build` wrote."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from aethermart import settings
from aethermart.errors import ConfigError
from aethermart.landing import landing_path_default
from tests.conftest import BIN

REPO = Path(__file__).resolve().parent.parent
PROFILE = (REPO / "profiles.yml").read_text(encoding="utf-8")


def _profile_default(variable: str) -> str:
    """The default of env_var(variable, default) in profiles.yml (every use of it agrees)."""
    found = set(re.findall(rf"env_var\('{variable}', '([^']*)'\)", PROFILE))
    assert len(found) == 1, f"profiles.yml: env_var('{variable}', …) with defaults {found or 'none'}"
    return found.pop()


@pytest.mark.parametrize(
    ("variable", "python_default"),
    [
        (settings.DUCKDB_ENV, settings.DUCKDB_DEFAULT),
        (settings.MEMORY_LIMIT_ENV, settings.MEMORY_LIMIT_DEFAULT),
        (settings.TEMP_DIR_ENV, settings.TEMP_DIR_DEFAULT),
    ],
)
def test_python_and_dbt_defaults_agree(variable, python_default):
    assert _profile_default(variable) == python_default


def test_defaults_follow_the_environment(monkeypatch):
    for name in (
        settings.DUCKDB_ENV,
        settings.GOLD_DIR_ENV,
        settings.MEMORY_LIMIT_ENV,
        settings.TEMP_DIR_ENV,
        settings.MONGODB_TIMEOUT_MS_ENV,
        settings.MONGODB_BATCH_ROWS_ENV,
        "DBT_TARGET_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    assert settings.duckdb_path() == Path("data/aethermart.duckdb")
    assert settings.gold_dir() == Path("data/gold")
    assert settings.manifest_path() == Path("target/manifest.json")
    assert settings.mongodb_timeout_ms() == 5000
    assert settings.mongodb_batch_rows() == 1000
    monkeypatch.setenv(settings.DUCKDB_ENV, "/w/x.duckdb")
    monkeypatch.setenv("DBT_TARGET_PATH", "/t")
    monkeypatch.setenv(settings.MONGODB_TIMEOUT_MS_ENV, "250")
    monkeypatch.setenv(settings.MONGODB_BATCH_ROWS_ENV, " 7 ")
    assert settings.duckdb_path() == Path("/w/x.duckdb")
    assert settings.manifest_path() == Path("/t/manifest.json")
    assert settings.manifest_path(Path("given")) == Path("given/manifest.json")
    assert settings.mongodb_timeout_ms() == 250
    assert settings.mongodb_batch_rows() == 7


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5"])
def test_a_malformed_mongodb_timeout_is_one_line(value, tmp_path):
    """One line naming the variable, not a traceback (it used to stop the import of the exporter)."""
    env = {**os.environ, settings.MONGODB_TIMEOUT_MS_ENV: value}
    cmd = [str(BIN / "aethermart"), "mongo-roles", "--apply", "--mongodb-uri", "mongodb://127.0.0.1:1/x"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"aethermart mongo-roles: error: {settings.MONGODB_TIMEOUT_MS_ENV}={value!r}: give a whole number of "
        "milliseconds, e.g. 5000"
    ]


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1e3"])
def test_a_malformed_mongodb_batch_size_is_one_clear_error(value, monkeypatch):
    """Read when an export plans its collections (it used to be int() at import: a traceback)."""
    monkeypatch.setenv(settings.MONGODB_BATCH_ROWS_ENV, value)
    with pytest.raises(ConfigError) as raised:
        settings.mongodb_batch_rows()
    assert str(raised.value) == (
        f"{settings.MONGODB_BATCH_ROWS_ENV}={value!r}: give a whole number of documents, e.g. 1000"
    )


def test_landing_default_is_dbts():
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    assert landing_path_default() == REPO / project["vars"]["landing_path_default"]
    assert settings.SAMPLE_LANDING == REPO / "sample" / "landing"
    assert settings.PROJECT_DIR == REPO


def test_runtime_package_does_not_import_tools():
    """tools/ (test servers, the demo's MongoDB step) is not installed: the package must not need it."""
    hits = subprocess.run(
        ["grep", "-rnE", r"^\s*(from|import) tools\b", "aethermart"], cwd=REPO, capture_output=True, text=True
    )
    assert hits.stdout == "", hits.stdout
