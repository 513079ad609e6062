"""dbt in the test process: one parse per (project folder, target, vars), reused by every later invocation.

A `dbt` subprocess spends ~1.5 s starting and ~6 s parsing the project (each test's target
folder is new, so partial parsing never applies) before it runs a node, and the suite calls
dbt a few hundred times. dbt's programmatic entry point takes an already parsed manifest
(`dbtRunner(manifest=...)`, https://docs.getdbt.com/reference/programmatic-invocations),
so the suite parses once per project folder and distinct `--target` / `--vars` and hands each invocation its
own copy of that manifest.

What a subprocess gave for free is kept by hand:
- environment and working directory are the invocation's own and restored afterwards;
- dbt's console output is captured (`stdout` of the returned CompletedProcess); an
  exception's text goes to `stderr`; the exit code follows dbt's CLI (0 ok, 1 failures,
  2 error);
- the DuckDB database dbt-duckdb keeps open between invocations of one process is closed,
  so the test (or the next invocation, with another warehouse) can open the file;
- manifest.json carries this invocation's id, as a parsing invocation's would.

A test that edits its project copy between invocations gets a new parse (the key includes the
project files' count, size and newest mtime). `dbt parse` does not come here (`DbtProject.dbt`
runs it as its own process), nor do the tests that kill dbt, which start their own.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner
from dbt_common.events.functions import capture_stdout_logs, stop_capture_stdout_logs

from aethermart import settings
from aethermart.settings import DBT_CODE_FOLDERS, DBT_CONFIG_FILES

# the options whose values change what parsing produces (enabled nodes, rendered configs)
_PARSE_OPTIONS = ("--vars", "--target", "-t", "--profile")
_manifests: dict[tuple, object] = {}


_PROJECT_PARTS = (*DBT_CONFIG_FILES, *DBT_CODE_FOLDERS)


def _project_files_state(project_dir: Path) -> tuple[int, int, int]:
    """(files, bytes, newest mtime) of the project's sources: a test that edits a model of its
    project copy between two invocations gets a new parse, as a subprocess would."""
    files = size = newest = 0
    for part in _PROJECT_PARTS:
        path = project_dir / part
        walked = [(str(path.parent), [], [path.name])] if path.is_file() else os.walk(path)
        for folder, _, names in walked:
            for name in names:
                stat = os.stat(os.path.join(folder, name))
                files, size, newest = files + 1, size + stat.st_size, max(newest, stat.st_mtime_ns)
    return files, size, newest


def _parse_key(args: Sequence[str], project_dir: Path) -> tuple:
    """What the parsed manifest depends on. Of the environment only the warehouse file's stem:
    DuckDB names the database after it and every node's `database` holds that name (the
    landing path and the salt never reach the manifest: tests/test_state_selection.py)."""
    key = [
        ("project", str(project_dir)),
        ("files", _project_files_state(project_dir)),
        ("database", settings.duckdb_path().stem),
    ]
    for i, arg in enumerate(args):
        for option in _PARSE_OPTIONS:
            if arg == option and i + 1 < len(args):
                key.append((option.lstrip("-")[:1], args[i + 1]))
            elif arg.startswith(option + "="):
                key.append((option.lstrip("-")[:1], arg.split("=", 1)[1]))
    return tuple(sorted(key))


def _parse_arguments(args: Sequence[str]) -> list[str]:
    kept = []
    for i, arg in enumerate(args):
        if arg in _PARSE_OPTIONS and i + 1 < len(args):
            kept += [arg, args[i + 1]]
        elif any(arg.startswith(option + "=") for option in _PARSE_OPTIONS):
            kept.append(arg)
    return kept


@contextmanager
def _environment(env: dict, cwd: Path) -> Iterator[None]:
    saved, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        os.chdir(saved_cwd)


def _close_duckdb() -> None:
    """dbt-duckdb keeps the database open in a class attribute until the process ends."""
    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


def _exit_code(result) -> int:
    if result.success:
        return 0
    return 1 if result.exception is None else 2


def _manifest(args: Sequence[str], project_dir: Path, scratch: Path):
    """The parsed manifest of this project folder and parse options, parsed now if it is the
    first time."""
    key = _parse_key(args, project_dir)
    if key not in _manifests:
        folder = scratch / f"parse-{len(_manifests)}"
        parsed = dbtRunner().invoke(
            ["parse", *_parse_arguments(args), "--target-path", str(folder), "--log-path", str(folder)]
        )
        _close_duckdb()
        if not parsed.success:
            return None, parsed
        _manifests[key] = parsed.result
    return _manifests[key].deepcopy(), None


def invoke(args: Sequence[str], env: dict, cwd: Path, scratch: Path) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in this process and report it as a finished subprocess."""
    stream = io.StringIO()
    capture_stdout_logs(stream)
    try:
        with _environment(env, cwd):
            manifest, failed_parse = _manifest(args, cwd, scratch)
            if failed_parse is not None:
                result = failed_parse
            else:

                def stamp_invocation(event) -> None:
                    manifest.metadata.invocation_id = event.info.invocation_id

                try:
                    result = dbtRunner(manifest=manifest, callbacks=[stamp_invocation]).invoke(list(args))
                finally:
                    _close_duckdb()
    finally:
        stop_capture_stdout_logs()
    stderr = "" if result.exception is None else f"{type(result.exception).__name__}: {result.exception}\n"
    return subprocess.CompletedProcess(["dbt", *args], _exit_code(result), stream.getvalue(), stderr)
