"""Every default of the Python side, decided once: where the warehouse, the gold Parquet,
dbt's manifest and the project live, and the MongoDB defaults.

dbt reads the same environment variables with its own defaults (profiles.yml for the
warehouse file, memory limit and temp folder; dbt_project.yml's var ``landing_path_default``
for the landing zone, which ``aethermart.landing`` reads rather than repeats);
tests/test_settings.py holds the two sides equal. Paths that are not absolute are relative
to the folder the command runs in, as dbt's are.
"""

from __future__ import annotations

import os
from pathlib import Path

from aethermart.errors import ConfigError

__all__ = [
    "DBT_CODE_FOLDERS",
    "DBT_CONFIG_FILES",
    "DBT_PROJECT",
    "DUCKDB_DEFAULT",
    "DUCKDB_ENV",
    "GOLD_DIR_DEFAULT",
    "GOLD_DIR_ENV",
    "LANDING_ENV",
    "MEMORY_LIMIT_DEFAULT",
    "MEMORY_LIMIT_ENV",
    "MONGODB_BATCH_ROWS_DEFAULT",
    "MONGODB_BATCH_ROWS_ENV",
    "MONGODB_DATABASE",
    "MONGODB_TIMEOUT_MS_DEFAULT",
    "MONGODB_TIMEOUT_MS_ENV",
    "PROJECT_DIR",
    "SAMPLE_LANDING",
    "TARGET_PATH_DEFAULT",
    "TEMP_DIR_DEFAULT",
    "TEMP_DIR_ENV",
    "duckdb_path",
    "gold_dir",
    "manifest_path",
    "memory_limit",
    "mongodb_batch_rows",
    "mongodb_timeout_ms",
    "temp_directory",
]

# the dbt project (the package lives in it; commands that run dbt run it here)
PROJECT_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT = PROJECT_DIR / "dbt_project.yml"
SAMPLE_LANDING = PROJECT_DIR / "sample" / "landing"

# the dbt project's own files and folders: what a build reads besides the landing zone (and
# the plugins of aethermart/dbt_plugins)
DBT_CONFIG_FILES = ("dbt_project.yml", "profiles.yml")
DBT_CODE_FOLDERS = ("models", "macros", "seeds", "snapshots", "analyses", "tests/singular")

# the landing zone: $AETHERMART_LANDING, else dbt's var landing_path_default (aethermart.landing)
LANDING_ENV = "AETHERMART_LANDING"

# the DuckDB warehouse and the settings of a connection to it (profiles.yml: the same defaults)
DUCKDB_ENV, DUCKDB_DEFAULT = "AETHERMART_DUCKDB", "data/aethermart.duckdb"
MEMORY_LIMIT_ENV, MEMORY_LIMIT_DEFAULT = "AETHERMART_MEMORY_LIMIT", "1GB"
TEMP_DIR_ENV, TEMP_DIR_DEFAULT = "AETHERMART_TEMP_DIR", "data/duckdb_tmp"

# published gold Parquet, and dbt's target folder (whose manifest.json declares the exports)
GOLD_DIR_ENV, GOLD_DIR_DEFAULT = "AETHERMART_GOLD_DIR", "data/gold"
TARGET_PATH_DEFAULT = "target"

# MongoDB: the database when the URI names none; how long to wait for an unreachable server
# (a URI's own serverSelectionTimeoutMS / connectTimeoutMS wins)
MONGODB_DATABASE = "aethermart"
MONGODB_TIMEOUT_MS_ENV, MONGODB_TIMEOUT_MS_DEFAULT = "AETHERMART_MONGODB_TIMEOUT_MS", 5000
# documents per insert/replace batch
MONGODB_BATCH_ROWS_ENV, MONGODB_BATCH_ROWS_DEFAULT = "AETHERMART_MONGODB_BATCH_ROWS", 1000


def duckdb_path() -> Path:
    return Path(os.environ.get(DUCKDB_ENV) or DUCKDB_DEFAULT)


def gold_dir() -> Path:
    return Path(os.environ.get(GOLD_DIR_ENV) or GOLD_DIR_DEFAULT)


def manifest_path(target_path: Path | None = None) -> Path:
    """dbt's manifest: in ``target_path``, else $DBT_TARGET_PATH (as dbt itself), else ./target."""
    return Path(target_path or os.environ.get("DBT_TARGET_PATH") or TARGET_PATH_DEFAULT) / "manifest.json"


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV, MEMORY_LIMIT_DEFAULT)


def temp_directory() -> Path:
    return Path(os.environ.get(TEMP_DIR_ENV, TEMP_DIR_DEFAULT))


def _positive_whole_number(env: str, default: int, example: str) -> int:
    """$env as a whole number above 0, else ``default`` when unset; one line when malformed."""
    value = os.environ.get(env, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) == 0:
        raise ConfigError(f"{env}={value!r}: {example}")
    return int(value)


def mongodb_timeout_ms() -> int:
    return _positive_whole_number(
        MONGODB_TIMEOUT_MS_ENV, MONGODB_TIMEOUT_MS_DEFAULT, "give a whole number of milliseconds, e.g. 5000"
    )


def mongodb_batch_rows() -> int:
    return _positive_whole_number(
        MONGODB_BATCH_ROWS_ENV, MONGODB_BATCH_ROWS_DEFAULT, "give a whole number of documents, e.g. 1000"
    )
