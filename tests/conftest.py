"""Shared fixtures: generated landing zones and dbt runs in throw-away folders.

Every dbt run gets its own DuckDB file, target and log folders under pytest's tmp dir, so
tests never touch data/ or target/ of the working copy.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests import dbt_in_process

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = REPO / "sample" / "landing"
# dbt commands a test runs as their own process: `parse` is what the shared parse skips
SEPARATE_PROCESS_COMMANDS = frozenset({"parse"})


def _parse_scratch() -> Path:
    """Where dbt_in_process keeps the target folders of its parses (one per test process)."""
    global _PARSE_SCRATCH
    if _PARSE_SCRATCH is None:
        _PARSE_SCRATCH = Path(tempfile.mkdtemp(prefix="aethermart-dbt-parse-"))
        atexit.register(shutil.rmtree, _PARSE_SCRATCH, ignore_errors=True)
    return _PARSE_SCRATCH


_PARSE_SCRATCH: Path | None = None

# dbt's file log (logs/dbt.log) at its default level, debug, takes every event and statement of
# a run: ~140,000 lines per `dbt build` at scale 0.01, ~1.3 of its ~15 s (measured). The tests'
# dbt commands - in process and the ones they start, `make demo` and `make bench` included -
# log warnings and errors there; stdout is unchanged. The tests that search what dbt wrote for
# a leaked salt or secret use the fixture full_dbt_log: they read what a user's default leaves.
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "warn")


@pytest.fixture(scope="module")
def full_dbt_log():
    """dbt's file log at its default level (debug) for the module's dbt commands."""
    saved = os.environ.get("DBT_LOG_LEVEL_FILE")
    os.environ["DBT_LOG_LEVEL_FILE"] = "debug"
    yield
    if saved is None:
        os.environ.pop("DBT_LOG_LEVEL_FILE", None)
    else:
        os.environ["DBT_LOG_LEVEL_FILE"] = saved


# The slow lane, which `make test-fast` leaves out and `make test` runs: the modules that build
# the project with dbt or run the pipeline end to end, and any test that needs the shared build
# (fixture built_001). Everything else — macros, generator, URLs, redaction, docs YAML, the
# test servers — is the fast lane, a couple of minutes on two cores.
SLOW_MODULES = frozenset(
    {
        "test_absent_sources",
        "test_bench",
        "test_broken_inputs",
        "test_bronze",
        "test_dbt_show_clone",
        "test_docs_site",
        "test_encodings",
        "test_export_guard",
        "test_extract",
        "test_extract_contract",
        "test_fresh_clone",
        "test_gold_parquet",
        "test_gold_pii",
        "test_incremental_bronze",
        "test_incremental_silver_gold",
        "test_landing_names",
        "test_mongo_export",
        "test_mongo_ledger",
        "test_openlineage",
        "test_pii_salt",
        "test_pos_source_mapping",
        "test_quality",
        "test_record_count",
        "test_revenue_invariant",
        "test_silver",
        "test_source_freshness",
        "test_state_selection",
        "test_sync",
    }
)
SLOW_FIXTURES = frozenset({"built_001"})

# `dbt build` arguments for a test that needs the tables (seeds, snapshots, models and their
# contracts) but not the data tests: at scale 0.01 the ~270 test nodes are over half the build
TABLES_ONLY = ("--exclude-resource-type", "test", "unit_test")
# The unit tests check the models' SQL on fixed rows, not the data: the same outcome in every
# build of one commit, and ~20 % of a sample build (18 of its 365 nodes; a py-spy profile put
# 22 % of the node threads' time in them). They run in the shared build (`built_001`) and in
# every build that a test exports from (the export guard wants them); other builds skip them.
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")

# The modules that take longest, longest first (worker seconds of one run on two cores,
# `pytest --durations=0`, 2 Dec 2026: test_export_guard ~230 down to test_redact ~55).
# Collection puts them first: a worker takes a whole module (--dist loadfile), and a long one
# started last leaves the other worker idle till it ends (xdist's own order, most tests first,
# put the one-test `make bench` and `make demo` runs last; the Makefile turns it off).
LONGEST_FIRST = (
    "test_export_guard",
    "test_bench",
    "test_extract",
    "test_absent_sources",
    "test_mongo_export",
    "test_sync",
    "test_incremental_silver_gold",
    "test_gold_parquet",
    "test_fresh_clone",
    "test_cleaning_macros",
    "test_extract_contract",
    "test_pos_source_mapping",
    "test_state_selection",
    "test_mongo_ledger",
    "test_incremental_bronze",
    "test_redact",
)


def _module_name(item: pytest.Item) -> str:
    return item.module.__name__.rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _module_name(item) in SLOW_MODULES or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
    rank = {module: i for i, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_module_name(item), len(rank)))  # stable: in-module order kept


# Worker seconds per module and per xdist worker, for the table at the end of the run: what
# LONGEST_FIRST is tuned from, and whether the two workers ended together
_MODULE_SECONDS: dict[str, float] = {}
_WORKER_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    module = report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
    _MODULE_SECONDS[module] = _MODULE_SECONDS.get(module, 0.0) + report.duration
    worker = getattr(report, "node", None)
    worker_id = getattr(worker, "gateway", None)
    key = worker_id.id if worker_id is not None else "main"
    _WORKER_SECONDS[key] = _WORKER_SECONDS.get(key, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if not _MODULE_SECONDS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("worker seconds by module (setup + call + teardown)")
    for module, seconds in sorted(_MODULE_SECONDS.items(), key=lambda kv: -kv[1])[:20]:
        write(f"{seconds:8.1f} s  {module}")
    write("by worker: " + ", ".join(f"{w} {s:.0f} s" for w, s in sorted(_WORKER_SECONDS.items())))


def answer_key(landing: Path) -> dict:
    return json.loads((landing / "_answer_key.json").read_text(encoding="utf-8"))


def run_cli(*args: str, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(BIN / "aethermart"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"aethermart {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def project_copy(dest: Path) -> Path:
    """A copy of the dbt project (its YAML, models, macros, seeds, snapshots and singular
    tests) at `dest`, for a test that edits the project's code."""
    dest.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, dest / name)
    for folder in ("models", "macros", "seeds", "snapshots", "tests/singular"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def _selects_resource_types(args: tuple[str, ...]) -> bool:
    return any(arg.split("=", 1)[0] in ("--resource-type", "--exclude-resource-type") for arg in args)


@dataclass
class DbtProject:
    """dbt invocations against one landing zone, with private warehouse and artifacts."""

    landing: Path
    workdir: Path
    project_dir: Path = REPO
    # whether `dbt build` runs the unit tests (WITHOUT_UNIT_TESTS): the shared build and the
    # builds a test exports from
    unit_tests: bool = False

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    @property
    def target(self) -> Path:
        return self.workdir / "target"

    def env(self) -> dict:
        return {
            **os.environ,
            "AETHERMART_LANDING": str(self.landing),
            "AETHERMART_DUCKDB": str(self.duckdb_path),
            "AETHERMART_TEMP_DIR": str(self.workdir / "duckdb_tmp"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_PROFILES_DIR": str(REPO),
        }

    def dbt(
        self, *args: str, check: bool = True, extra_env: dict | None = None
    ) -> subprocess.CompletedProcess:
        """`dbt <args>` in this process over a shared parse (dbt_in_process), or as its own
        process for `parse`; `extra_env` adds to (or overrides) the project's environment for
        this invocation. A test that kills dbt starts its own process."""
        if args[0] == "build" and not self.unit_tests and not _selects_resource_types(args):
            args = (*args, *WITHOUT_UNIT_TESTS)
        args = (*args, "--target-path", str(self.target), "--log-path", str(self.workdir / "logs"))
        env = {**self.env(), **(extra_env or {})}
        if args[0] in SEPARATE_PROCESS_COMMANDS:
            proc = subprocess.run(
                [str(BIN / "dbt"), *args], cwd=self.project_dir, capture_output=True, text=True, env=env
            )
        else:
            proc = dbt_in_process.invoke(args, env, self.project_dir, _parse_scratch())
        if check and proc.returncode != 0:
            raise AssertionError(
                f"dbt {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
            )
        return proc

    def copy(self, workdir: Path) -> DbtProject:
        """The same landing zone over a private copy of this warehouse (and its demo salt
        file), for a test that re-runs part of the project without touching a shared build."""
        other = DbtProject(self.landing, workdir, self.project_dir, self.unit_tests)
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.duckdb_path, other.duckdb_path)
        salt = Path(f"{self.duckdb_path}.pii_salt")
        if salt.exists():
            shutil.copy(salt, Path(f"{other.duckdb_path}.pii_salt"))
        return other

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


def _made_once_per_run(tmp_path_factory, worker_id: str, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name``, filled by ``make(folder)`` once per pytest run: the first xdist
    worker to need it makes it under a lock, the other waits for it instead of making its own
    (the scale-0.01 build was built on both). Read it, never write it: copy what a test changes."""
    run_root = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: each worker's base temp is a folder of the run's
        run_root = run_root.parent
    folder, made = run_root / f"once_{name}", run_root / f"once_{name}.made"
    with open(run_root / f"once_{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():  # a make that failed left no mark: the next worker tries again
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            made.touch()
    return folder


@pytest.fixture(scope="session")
def landing_001(tmp_path_factory, worker_id) -> Path:
    """A scale-0.01 landing zone (~100 customers, every dirt class), shared by the workers:
    read it, never write it."""
    return _made_once_per_run(
        tmp_path_factory,
        worker_id,
        "landing_001",
        lambda out: run_cli(
            "generate", "--scale", "0.01", "--seed", "7", "--out", str(out), "--quiet", check=True
        ),
    )


@pytest.fixture(scope="session")
def built_001(landing_001, tmp_path_factory, worker_id) -> DbtProject:
    """`dbt build` over the scale-0.01 landing zone: built once per run, and each worker
    gets its own copy of the warehouse and target folder (tests may run dbt on it)."""
    built = _made_once_per_run(
        tmp_path_factory,
        worker_id,
        "built_001",
        lambda workdir: DbtProject(landing_001, workdir, unit_tests=True).dbt("build"),
    )
    workdir = tmp_path_factory.mktemp("dbt_001")
    shutil.copytree(built, workdir, dirs_exist_ok=True)
    return DbtProject(landing_001, workdir, unit_tests=True)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the committed sample that a test may break."""
    dest = tmp_path / "landing"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture(scope="session")
def broken_workdir(tmp_path_factory) -> Path:
    """One dbt work folder shared by the broken-input tests (keeps partial parsing warm)."""
    return tmp_path_factory.mktemp("dbt_broken")


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory):
    """A private MariaDB (own datadir, socket, free port), stopped after the session.

    Fails, never skips, when the server binaries are missing: `make test` installs them.
    """
    from aethermart.errors import SourceError
    from tools.local_mariadb import LocalMariaDB

    try:
        server = LocalMariaDB(tmp_path_factory.mktemp("mariadb")).start()
    except SourceError as exc:
        pytest.fail(f"cannot start the test MariaDB: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ferretdb_server(tmp_path_factory):
    """A private FerretDB (MongoDB wire protocol on SQLite, free port), stopped after the session.

    Use ``ferretdb_server.uri`` (mongodb://127.0.0.1:PORT/) with pymongo; give each test its
    own database. Fails, never skips, when the binary is missing: `make test` builds it.
    """
    from aethermart.errors import ServiceError
    from tools.local_ferretdb import LocalFerretDB

    try:
        server = LocalFerretDB(tmp_path_factory.mktemp("ferretdb")).start()
    except ServiceError as exc:
        pytest.fail(f"cannot start the test FerretDB: {exc}")
    yield server
    server.stop()


@pytest.fixture
def client(ferretdb_server):
    """A pymongo client of the test FerretDB."""
    import pymongo

    with pymongo.MongoClient(ferretdb_server.uri, serverSelectionTimeoutMS=5000) as client:
        yield client


@pytest.fixture
def db(client, request):
    """A database of this test's own on the test FerretDB, dropped afterwards."""
    name = "x_" + re.sub(r"\W", "_", request.node.name)[:50]
    client.drop_database(name)
    yield client[name]
    client.drop_database(name)
