"""The code fingerprint of a dbt invocation: everything a unit test's outcome depends on.

A dbt unit test runs one model's SQL on fixed input rows and compares it with fixed expected
rows. Its outcome is therefore a function of the code, never of the data: the project's
files (models, macros, seeds, snapshots, singular tests, every other folder dbt_project.yml
names as code, packages, dbt_project.yml, the dbt-duckdb plugins), the profiles.yml dbt
reads, the versions of dbt-core, dbt-adapters, dbt-common, dbt-duckdb and DuckDB, the
``--vars``, ``--target`` and ``--profile`` of the invocation and ``$AETHERMART_LANDING``
(the only environment variable the project renders). The fingerprint is a sha256 over all
of them, by content (a file touched but unchanged keeps it).

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

import yaml

from aethermart import dbt_plugins
from aethermart.settings import DBT_CODE_FOLDERS, DBT_CONFIG_FILES, LANDING_ENV

__all__ = ["PROJECT_PARTS", "VARIABLE", "code_fingerprint"]

# DuckDB variable the plugin sets, which the build record stores
VARIABLE = "aethermart_code_fingerprint"
# what dbt reads as the project's code (relative to the dbt project folder)
_PLUGINS = "aethermart/dbt_plugins"
PROJECT_PARTS = (*DBT_CONFIG_FILES, *DBT_CODE_FOLDERS, _PLUGINS)
# dbt-adapters ships dbt's global macros (materializations, unit tests, cross-database SQL)
# and dbt-common its Jinja environment: each can be upgraded without dbt-core
_PACKAGES = ("dbt-core", "dbt-adapters", "dbt-common", "dbt-duckdb", "duckdb")


# dbt's defaults for the dbt_project.yml keys naming where it reads code
_PATH_KEYS = {
    "model-paths": ["models"],
    "macro-paths": ["macros"],
    "seed-paths": ["seeds"],
    "test-paths": ["tests"],
    "snapshot-paths": ["snapshots"],
    "analysis-paths": ["analyses"],
}
# packages: their declarations and, installed, their code (macros can override ours)
_PACKAGE_FILES = ("packages.yml", "dependencies.yml", "package-lock.yml")


def _project_parts(project_dir: Path) -> list[str]:
    """PROJECT_PARTS, plus every folder dbt_project.yml names as code (a `macro-paths` entry
    added there is read by dbt, so it is hashed too) and the packages."""
    parts = list(PROJECT_PARTS)
    try:
        config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        config = None
    config = config if isinstance(config, dict) else {}
    for key, default in _PATH_KEYS.items():
        folders = config.get(key, default)
        parts += [str(f) for f in folders] if isinstance(folders, list) else []
    parts += [*_PACKAGE_FILES, str(config.get("packages-install-path", "dbt_packages"))]
    return list(dict.fromkeys(parts))  # once each, in order


def _code_files(project_dir: Path, profiles_dir: Path | None) -> Iterator[tuple[str, Path]]:
    """(name, path) of every code file: the name relative to the project folder; profiles.yml
    is the one dbt reads (``profiles_dir``; None: the project's), and the plugins the ones
    Python imports (an installed aethermart, or another checkout's, may differ from this one)."""
    for part in _project_parts(project_dir):
        path = project_dir / part
        if part == "profiles.yml" and profiles_dir is not None:
            path = profiles_dir / part
            if path.exists() or path.is_symlink():
                yield part, path
        elif part == _PLUGINS:
            yield from _walk(Path(dbt_plugins.__file__).parent, _PLUGINS)
        elif path.is_file():
            yield part, path
        elif path.is_dir():
            yield from _walk(path, os.path.relpath(path, project_dir))


def _walk(folder: Path, name: str) -> Iterator[tuple[str, Path]]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for file in sorted(files):
            if not file.endswith(".pyc"):
                path = Path(root) / file
                yield os.path.join(name, os.path.relpath(path, folder)), path


def _digest(path: Path) -> bytes:
    """sha256 of a file's content, streamed; a dangling link, FIFO or unreadable file (which
    dbt skips or reports itself) gets a marker instead of stopping every dbt command."""
    try:
        if not path.is_file():
            return b"not a regular file"
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").digest()
    except OSError as e:
        return f"unreadable: {e.strerror}".encode()


def _canonical(value):
    """A JSON-able form of a --vars value that keeps its YAML type: a date and the string of
    it differ (Jinja sees different objects), and keys need not be strings (nested mappings
    may have integer keys, which json.dumps(sort_keys=True) cannot sort)."""
    if isinstance(value, dict):
        items = sorted((json.dumps(_canonical(k), sort_keys=True), _canonical(v)) for k, v in value.items())
        return {"dict": [list(item) for item in items]}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {type(value).__name__: str(value)}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def code_fingerprint(
    project_dir: Path,
    dbt_vars: dict | None,
    target: str | None,
    landing: str | None = None,
    profiles_dir: Path | None = None,
    profile: str | None = None,
) -> str:
    """The sha256 (hex) of the project's code files under ``project_dir`` (profiles.yml: the
    one in ``profiles_dir``, which dbt reads; None: the project's), the package versions,
    the invocation's ``--vars`` (parsed), ``--target`` (None: the profile's default) and
    ``--profile`` (None: dbt_project.yml's), and the landing path from the environment
    (``landing``; default ``$AETHERMART_LANDING``)."""
    h = hashlib.sha256()
    for name, path in _code_files(project_dir, profiles_dir):
        h.update(name.encode())
        h.update(b"\0")
        h.update(_digest(path))
    context = {
        "versions": {package: _version(package) for package in _PACKAGES},
        "vars": _canonical(dbt_vars or {}),
        "target": target or "",
        "landing": os.environ.get(LANDING_ENV, "") if landing is None else landing,
    }
    if profile:
        context["profile"] = profile
    h.update(json.dumps(context, sort_keys=True).encode())
    return h.hexdigest()
