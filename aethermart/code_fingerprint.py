"""The code fingerprint of a dbt invocation: everything a unit test's outcome depends on.

A dbt unit test runs one model's SQL on fixed input rows and compares it with fixed expected
rows. Its outcome is therefore a function of the code, never of the data: the project's
files (models, macros, seeds, snapshots, singular tests, dbt_project.yml, profiles.yml, the
dbt-duckdb plugins), the versions of dbt-core, dbt-duckdb and DuckDB, the ``--vars`` and
``--target`` of the invocation and ``$AETHERMART_LANDING`` (the only environment variable the
project renders). The fingerprint is a sha256 over all of them, by content (a file touched
but unchanged keeps it).

The dbt-duckdb plugin ``aethermart.dbt_plugins.code_fingerprint`` computes it once per dbt
command and the build record (``build_record_start``) stores it in
``ops.dbt_invocations.code_fingerprint``. The export guard then counts a unit test that
passed under the build's fingerprint as passed for the build, even when the build itself
ran without unit tests (rule 5 of ``aethermart.export.build_guard``), and ``aethermart
sync`` skips the unit tests once they passed under the current code.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from aethermart.settings import DBT_CODE_FOLDERS, DBT_CONFIG_FILES, LANDING_ENV

__all__ = ["PROJECT_PARTS", "VARIABLE", "code_fingerprint"]

# DuckDB variable the plugin sets, which the build record stores
VARIABLE = "aethermart_code_fingerprint"
# what dbt reads as the project's code (relative to the dbt project folder)
PROJECT_PARTS = (*DBT_CONFIG_FILES, *DBT_CODE_FOLDERS, "aethermart/dbt_plugins")
_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


def _code_files(project_dir: Path) -> Iterator[Path]:
    for part in PROJECT_PARTS:
        path = project_dir / part
        if path.is_file():
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                yield from (Path(root) / name for name in sorted(files) if not name.endswith(".pyc"))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def code_fingerprint(
    project_dir: Path, dbt_vars: dict | None, target: str | None, landing: str | None = None
) -> str:
    """The sha256 (hex) of the project's code files under ``project_dir``, the package versions,
    the invocation's ``--vars`` (parsed) and ``--target`` (None: the profile's default), and the
    landing path from the environment (``landing``; default ``$AETHERMART_LANDING``)."""
    h = hashlib.sha256()
    for path in _code_files(project_dir):
        h.update(str(path.relative_to(project_dir)).encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    context = {
        "versions": {package: _version(package) for package in _PACKAGES},
        "vars": dbt_vars or {},
        "target": target or "",
        "landing": os.environ.get(LANDING_ENV, "") if landing is None else landing,
    }
    h.update(json.dumps(context, sort_keys=True, default=str).encode())
    return h.hexdigest()
