"""`aethermart sync`: extract -> build -> export, each stage only as much as changed.

1. **extract** (when MariaDB is an enabled source and a URL is given): `aethermart extract`
   into the landing zone (snapshot / incremental per table, as declared in the sources YAML;
   a snapshot table whose content fingerprint did not change is not landed again).
2. **check**: has anything landed since the last successful build? The landing signature
   (below) is compared with the one stored, with that build's invocation id, in
   ``<warehouse>.sync.json`` next to the DuckDB file.
3. **dbt build**: only when something changed (or no build of this warehouse is known); when
   only landing data changed, ``--select`` the models and snapshots downstream of the sources
   that read the changed parts (``build_selection``), plus every exported model (the export
   guard publishes only exports built, and tested, by one invocation). Code, --vars, --target, a first build
   or --force-build: everything. The dbt unit tests (the models' SQL on fixed rows: their
   outcome depends on the code only) run only until they have passed under the current code
   fingerprint (``aethermart.code_fingerprint``; the warehouse's build record keeps it per
   dbt command); after that the build adds ``--exclude-resource-type unit_test``, and the
   export guard counts the earlier passes. --force-build runs them again. dbt's output
   goes to ``<target>/aethermart_sync_dbt.log``; its own file log (logs/dbt.log) is kept at
   info unless DBT_LOG_LEVEL_FILE or DBT_LOG_LEVEL says otherwise (dbt's default, debug,
   logs every statement: ~1.3 s of a build at scale 0.01). The dbt process is started when
   the extract begins to land a changed table, so that `import dbt` overlaps the extract
   (``_DbtAhead``); the build hands it its arguments.
4. **export** ``--mode incremental`` to Parquet and, with a MongoDB URI, to MongoDB, the two
   side by side (``_exports_side_by_side``): each only when the build this warehouse holds is
   not the one already exported to that destination.

The change rule (the landing signature), one part per unit a build reads:

- ``pos/<folder>`` and ``events/<folder>``: every file's relative path, size and change time
  (ns: the later of mtime and ctime, ``aethermart.file_identity``, as bronze's identity);
- ``mariadb/<Table>``: what silver reads -- the folder name and the sha256 of the Parquet
  files of the newest snapshot extraction (from its ``_manifest.json``) and of every
  incremental extraction after it that holds rows. The extractor does not land a snapshot
  table whose content fingerprint is unchanged (MariaDB has no reliable updated_at: the
  server compares the content), so a new snapshot means new content, or a re-land asked
  for (`extract --full`); either way the table's bronze is rebuilt, as silver picks its
  current rows by extraction id;
- ``project``: path, size and change time of the dbt project's code (models, macros, seeds,
  snapshots, singular tests, dbt_project.yml, profiles.yml, the dbt plugins; Python's
  ``__pycache__`` folders left out);
- ``dbt arguments``: the --vars and --target passed to dbt.

Files and folders whose names start with ``.`` (staging folders, locks) are not landing
data. The stored state counts only when the warehouse's newest recorded dbt command is the
build that state names; anything else (a manual `dbt build`, a deleted warehouse) builds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aethermart.errors import AetherMartError, ConfigError
from aethermart.export.parquet.layout import CURRENT
from aethermart.file_identity import changed_ns
from aethermart.settings import (
    DBT_CODE_FOLDERS,
    DBT_CONFIG_FILES,
    PROJECT_DIR,
    TEMP_DIR_ENV,
    manifest_path,
    temp_directory,
)

if TYPE_CHECKING:
    from aethermart.export.mongo.config import MongoURI
    from aethermart.mariadb_url import MariaDBURL

__all__ = [
    "STATE_SUFFIX",
    "SyncConfig",
    "SyncError",
    "SyncResult",
    "enabled_sources",
    "landing_signature",
    "render_summary",
    "run_sync",
    "unit_tests_passed",
]

STATE_SUFFIX = ".sync.json"
_LANDING_FOLDERS = ("pos", "mariadb", "events")
_DRIVERS = ("pymongo", "bson", "duckdb", "pymysql", "pyarrow")
_PROJECT_PARTS = (*DBT_CONFIG_FILES, *DBT_CODE_FOLDERS, "aethermart/dbt_plugins")


class SyncError(AetherMartError):
    """A stage of `aethermart sync` failed; the stages after it did not run (the export beside
    a failed export ran to its end)."""

    def __init__(self, stage: str, message: str, exit_code: int = 1):
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.exit_code = exit_code


@dataclass(frozen=True)
class SyncConfig:
    landing: Path
    duckdb: Path
    target_path: Path  # dbt's target folder (its manifest.json is what export reads)
    gold_dir: Path
    mariadb_url: MariaDBURL | None = field(default=None, repr=False)  # parsed once, by the CLI
    mongodb_uri: MongoURI | None = field(default=None, repr=False)  # parsed once, by the CLI
    dbt_vars: str | None = None  # passed to dbt as --vars
    dbt_target: str | None = None  # passed to dbt as --target
    sources_yaml: Path | None = None  # MariaDB sources YAML for the extractor
    keep: int = 3  # extractions kept per table
    force_build: bool = False

    @property
    def state_path(self) -> Path:
        return Path(f"{self.duckdb}{STATE_SUFFIX}")


@dataclass
class StageResult:
    name: str  # extract | check | dbt build | export parquet | export mongodb
    status: str  # ran | skipped | changed | unchanged | up to date | failed
    seconds: float = 0.0
    note: str = ""


@dataclass
class SyncResult:
    started_at: str
    status: str = "running"  # ok | error
    landing: str = ""
    warehouse: str = ""
    stages: list[StageResult] = field(default_factory=list)
    extracted: dict[str, int] = field(default_factory=dict)  # rows per MariaDB table
    changed: list[str] = field(default_factory=list)  # signature parts that differ
    built: bool = False
    build_invocation_id: str | None = None
    dbt_select: list[str] = field(default_factory=list)  # the build's --select ([] = everything)
    dbt_nodes: dict[str, int] = field(default_factory=dict)  # status -> count of the build
    # whether the build ran the unit tests, or left them out (passed before under this code)
    unit_tests: str = ""  # ran | passed before under this code | "" (no build)
    dbt_started_ahead: bool = False  # the build's dbt was started while the extract ran (_DbtAhead)
    # per layer: rows before and after the build (bronze: landed rows counted by the audit)
    layers: dict[str, dict[str, int | None]] = field(default_factory=dict)
    changed_tables: list[str] = field(default_factory=list)  # silver/gold tables whose rows changed
    collections: dict[str, dict] = field(default_factory=dict)
    parquet: dict[str, int] = field(default_factory=dict)  # datasets per status
    documents_written: int = 0
    # seconds from the start of the sync until its MongoDB export ended (every change written,
    # acknowledged by the server and validated: readable in MongoDB from then on); None when
    # there was no MongoDB export. The Parquet export beside it may end later.
    mongodb_done_s: float | None = None
    seconds: float = 0.0
    error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


# --- the change rule ------------------------------------------------------------------------


def _digest(items) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(json.dumps(item, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()[:32]


def _visible_files(folder: Path, skipped: tuple[str, ...] = ()):
    """Files under ``folder`` (sorted), skipping folders whose name starts with '.' or is in
    ``skipped``."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in skipped)
        for name in sorted(files):  # a file starting with '.' counts: dbt's globs read it too
            yield Path(root) / name


def _stat_digest(folder: Path, base: Path, skipped: tuple[str, ...] = ()) -> str:
    rows = []
    for path in _visible_files(folder, skipped) if folder.is_dir() else [folder]:
        with contextlib.suppress(FileNotFoundError):  # removed while we look: the next sync sees it
            st = path.stat()
            rows.append((str(path.relative_to(base)), st.st_size, changed_ns(st)))
    return _digest(rows)


def _mariadb_table_digest(table_dir: Path) -> str:
    """What silver reads of one table: the newest snapshot and the incremental extractions with
    rows and the delta extractions after it, each by folder name and content. The name counts:
    silver takes the current rows by extraction id from the list of extractions, so a new
    snapshot must rebuild the table's bronze even when its content is the same as the
    previous one's."""
    extractions = sorted(p for p in table_dir.glob("extraction_id=*") if p.is_dir())
    described = []
    for path in extractions:
        try:
            manifest = json.loads((path / "_manifest.json").read_text(encoding="utf-8"))
            files = sorted(f["sha256"] for f in manifest["files"])
            described.append(
                (manifest.get("mode", "snapshot"), int(manifest.get("rows", 1)), files, path.name)
            )
        except (OSError, ValueError, KeyError, TypeError):  # no usable manifest: its files' stat
            described.append(("unknown", 1, [_stat_digest(path, table_dir)], path.name))
    snapshots = [i for i, d in enumerate(described) if d[0] not in ("incremental", "delta")]
    start = snapshots[-1] if snapshots else 0
    # a delta counts even with no rows: its key ranges remove the rows deleted from them
    current = [
        d for i, d in enumerate(described) if i >= start and (i == start or d[0] == "delta" or d[1] > 0)
    ]
    return _digest(current)


def landing_signature(landing: Path, dbt_args: list[str]) -> dict[str, str]:
    """The signature parts (name -> digest) of the landing zone, the project and the dbt
    arguments; see the module docstring for the rule."""
    parts: dict[str, str] = {}
    for system in _LANDING_FOLDERS:
        root = landing / system
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if child.name.startswith("."):
                continue
            key = f"{system}/{child.name}"
            if system == "mariadb" and child.is_dir():
                parts[key] = _mariadb_table_digest(child)
            else:
                parts[key] = _stat_digest(child, landing)
    # Python's bytecode caches are written by the first run after the plugins' code changed,
    # after that sync took its signature: counted, they made the next sync build everything again
    parts["project"] = _digest(
        _stat_digest(PROJECT_DIR / p, PROJECT_DIR, skipped=("__pycache__",))
        for p in _PROJECT_PARTS
        if (PROJECT_DIR / p).exists()
    )
    parts["dbt arguments"] = _digest(dbt_args)
    return parts


def _changed_parts(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


# --- state next to the warehouse -------------------------------------------------------------


def _read_state(cfg: SyncConfig) -> dict:
    try:
        state = json.loads(cfg.state_path.read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_state(cfg: SyncConfig, state: dict) -> None:
    tmp = cfg.state_path.with_name(cfg.state_path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(cfg.state_path)


def _newest_invocation(duckdb_path: Path) -> tuple[str, str] | None:
    """(invocation_id, status) of the newest dbt command recorded in the warehouse."""
    import duckdb

    if not duckdb_path.exists():
        return None
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            return con.execute(
                "select invocation_id, status from ops.dbt_invocations order by started_at desc limit 1"
            ).fetchone()
    except duckdb.Error:
        return None


def unit_tests_passed(cfg: SyncConfig) -> bool:
    """Whether every unit test of the last build's manifest passed, in its newest run under the
    code fingerprint this build will have (and no unit test's newest run there failed)."""
    import duckdb
    import yaml

    from aethermart.code_fingerprint import code_fingerprint

    if cfg.force_build or not cfg.duckdb.exists():
        return False
    try:
        manifest = json.loads((cfg.target_path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    expected = set(manifest.get("unit_tests", {}))
    dbt_vars = yaml.safe_load(cfg.dbt_vars) if cfg.dbt_vars else {}
    env = _dbt_env(cfg)  # what the dbt command will see: its profiles.yml, DBT_TARGET, DBT_PROFILE
    fingerprint = code_fingerprint(
        PROJECT_DIR,
        dbt_vars,
        cfg.dbt_target or env.get("DBT_TARGET") or None,
        landing=str(cfg.landing),
        profiles_dir=PROJECT_DIR / env["DBT_PROFILES_DIR"],  # a relative one: from dbt's folder
        profile=env.get("DBT_PROFILE") or None,
    )
    try:
        with duckdb.connect(str(cfg.duckdb), read_only=True) as con:
            newest = dict(
                con.execute(
                    "select r.unique_id, arg_max(r.status, i.started_at) "
                    "from ops.dbt_node_results as r join ops.dbt_invocations as i using (invocation_id) "
                    "where r.resource_type = 'unit_test' and r.status != 'skipped' and i.status != 'running' "
                    "and i.code_fingerprint = ? group by r.unique_id",
                    [fingerprint],
                ).fetchall()
            )
    except duckdb.Error:  # no build record yet, or one from before code fingerprints
        return False
    passed = {uid for uid, status in newest.items() if status in ("pass", "warn")}
    return bool(expected) and expected <= passed and passed == set(newest)


def _layer_rows(duckdb_path: Path) -> dict[str, dict[str, int]]:
    """Rows per table of silver and gold (DuckDB's stored row counts) and bronze's landed rows
    (the reconciliation audit of the last build); {} when there is no warehouse yet."""
    import duckdb

    if not duckdb_path.exists():
        return {}
    out: dict[str, dict[str, int]] = {"bronze": {}, "silver": {}, "gold": {}}
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            for schema, table, rows in con.execute(
                "select schema_name, table_name, estimated_size from duckdb_tables() "
                "where database_name = current_database() and schema_name in ('silver', 'gold')"
            ).fetchall():
                out[schema][table] = int(rows)
            with contextlib.suppress(duckdb.Error):
                for entity, rows in con.execute(
                    "select source_system || '.' || entity, landed_rows from silver.audit_reconciliation"
                ).fetchall():
                    out["bronze"][entity] = int(rows or 0)
    except duckdb.Error:
        return {}
    return out


# --- stages ------------------------------------------------------------------------------


def enabled_sources(dbt_vars: str | None) -> list[str]:
    """The source systems dbt will read: enabled_sources of --vars, else dbt_project.yml's."""
    import yaml

    if dbt_vars:
        try:
            given = yaml.safe_load(dbt_vars)
        except yaml.YAMLError as exc:
            raise ConfigError(f"--vars is not valid YAML ({str(exc).splitlines()[0]})") from exc
        if not isinstance(given, dict):
            raise ConfigError("--vars must be a YAML mapping, e.g. '{enabled_sources: [mariadb]}'")
        if "enabled_sources" in given:
            value = given["enabled_sources"]
            return [value] if isinstance(value, str) else list(value or [])
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return list(project.get("vars", {}).get("enabled_sources") or [])


def _dbt_args(cfg: SyncConfig) -> list[str]:
    args = []
    if cfg.dbt_vars:
        args += ["--vars", cfg.dbt_vars]
    if cfg.dbt_target:
        args += ["--target", cfg.dbt_target]
    return args


def _dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    found = str(local) if local.exists() else shutil.which("dbt")
    if not found:
        raise SyncError("dbt build", "the dbt executable is not installed (make venv)")
    return found


def _dbt_env(cfg: SyncConfig) -> dict[str, str]:
    env = {**os.environ, "AETHERMART_LANDING": str(cfg.landing), "AETHERMART_DUCKDB": str(cfg.duckdb)}
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # dbt's own file log (logs/dbt.log) at info, the lines of its output, instead of its
    # default debug: every SQL statement of every node, ~140,000 lines per build at scale 0.01,
    # on every scheduled run. A DBT_LOG_LEVEL_FILE or DBT_LOG_LEVEL the user set is kept (dbt
    # applies DBT_LOG_LEVEL to the file log too when DBT_LOG_LEVEL_FILE is not set).
    if not (env.get("DBT_LOG_LEVEL_FILE") or env.get("DBT_LOG_LEVEL")):
        env["DBT_LOG_LEVEL_FILE"] = "info"
    return env


def _changed_sources(changed: list[str], sources: dict) -> set[str]:
    """The dbt sources (unique ids) that read the changed landing parts: for `mariadb/<Table>`
    the source of that table (by name; every MariaDB source when none has that name) and the
    other MariaDB sources (`mariadb_extractions`: the manifests); for `pos/…` and `events/…`
    every source of the system (a drop folder may hold any of its entities)."""

    def of_system(system: str) -> set[str]:
        return {
            uid
            for uid, src in sources.items()
            if src["source_name"] == system or src["source_name"].startswith(f"{system}_")
        }

    found: set[str] = set()
    for part in changed:
        system, _, unit = part.partition("/")
        if system != "mariadb":
            found |= of_system(system)
            continue
        table = {
            uid for uid, src in sources.items() if src["source_name"] == "mariadb" and src["name"] == unit
        }
        found |= table or of_system("mariadb")
        found |= {uid for uid in of_system("mariadb") if sources[uid]["source_name"] != "mariadb"}
    return found


def build_selection(changed: list[str], manifest_path: Path) -> list[str]:
    """dbt's --select for a build after ``changed`` (signature parts); [] = build everything.

    Only landing parts (pos/…, mariadb/…, events/…) narrow the build: the models and
    snapshots downstream of the sources that read them (`_changed_sources`), plus every model
    that declares an export, from the manifest of the last build (a change of code or
    arguments builds everything, so its sources are current). A model with
    ``meta: {per_source_listing: true}`` (the list of landed files, the list of MariaDB
    extractions) is selected when a source it lists changed, but its readers are not selected
    through it: each reads only its own source's rows from it, and is selected when that
    source changed. Without that rule a new MariaDB extraction of one table rebuilt every model.
    """
    systems = {part.split("/", 1)[0] for part in changed}
    if not changed or not systems <= set(_LANDING_FOLDERS):
        return []
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    sources = manifest.get("sources", {})
    nodes = {
        uid: node
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in ("model", "snapshot")
    }

    def meta(uid: str) -> dict:
        return (nodes[uid].get("config") or {}).get("meta") or {}

    children: dict[str, list[str]] = {}
    for uid, node in nodes.items():
        for parent in (node.get("depends_on") or {}).get("nodes", []):
            children.setdefault(parent, []).append(uid)
    start = _changed_sources(changed, sources)
    if not start:
        return []
    reached: set[str] = set()
    todo = list(start)
    while todo:
        for child in children.get(todo.pop(), []):
            if child in reached:
                continue
            reached.add(child)
            if not meta(child).get("per_source_listing"):
                todo.append(child)
    exported = {uid for uid in nodes if nodes[uid]["resource_type"] == "model" and meta(uid).get("export")}
    return sorted(nodes[uid]["name"] for uid in reached | exported)


# The dbt command in a Python that imported dbt ahead of time: reads one line from stdin, the
# JSON [output file, arguments...], sends its output there and runs dbt's own command line
# with those arguments (what the `dbt` executable runs); at end of input it exits 0.
_DBT_AHEAD = """
import json, os, sys
from dbt.cli.main import cli
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
out, *args = json.loads(line)
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.dup2(fd, 1)
os.dup2(fd, 2)
sys.argv = ["dbt", *args]
sys.exit(cli())
"""


class _DbtAhead:
    """A dbt command started while the extract still runs: `import dbt` takes ~2.3 s (measured
    here), which the build then no longer waits for. Started when the extract lands its first
    table (nothing landed: never started), only where the `dbt` executable is this Python's
    own (the venv); the build gives it its arguments (_dbt_build), and an unused one ends at
    end of input (close)."""

    def __init__(self, cfg: SyncConfig):
        self._cfg = cfg
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        if self.proc is not None or not (Path(sys.executable).parent / "dbt").exists():
            return
        with contextlib.suppress(OSError):  # only a head start: the build can start dbt itself
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-c", _DBT_AHEAD],
                cwd=PROJECT_DIR,
                env=_dbt_env(self._cfg),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def take(self, out: Path, args: list[str]) -> subprocess.Popen | None:
        """The started command, given its output file and arguments; None when none is running."""
        proc, self.proc = self.proc, None
        if proc is None or proc.stdin is None:
            return None
        try:
            proc.stdin.write((json.dumps([str(out), *args]) + "\n").encode())
            proc.stdin.close()
        except OSError:  # it ended (broken pipe): the build starts dbt itself
            proc.kill()
            proc.wait()
            return None
        return proc

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # end of input: it exits without running dbt
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _dbt_build(cfg: SyncConfig, result: SyncResult, ahead: _DbtAhead | None = None) -> str:
    """Run `dbt build` (in ``ahead``'s process when one was started); return its invocation
    id, or raise SyncError with its first failure."""
    cfg.target_path.mkdir(parents=True, exist_ok=True)
    log = cfg.target_path / "aethermart_sync_dbt.log"
    select = ["--select", *result.dbt_select] if result.dbt_select else []
    skip_unit_tests = unit_tests_passed(cfg)
    result.unit_tests = "passed before under this code" if skip_unit_tests else "ran"
    exclude = ["--exclude-resource-type", "unit_test"] if skip_unit_tests else []
    cmd = [_dbt_executable(), "build", "--target-path", str(cfg.target_path), *select, *exclude]
    cmd += _dbt_args(cfg)
    run_results = cfg.target_path / "run_results.json"
    run_results.unlink(missing_ok=True)  # a dbt stopped before running writes none: never read the last
    log.unlink(missing_ok=True)  # the last build's: never read as this one's
    proc = ahead.take(log, cmd[1:]) if ahead is not None else None
    if proc is not None:
        try:
            proc.wait()
        except BaseException:  # interrupted: dbt does not outlive the sync
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)  # a Ctrl-C reached dbt too: let it stop its threads
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
        # no output file: it died before it ran dbt (its import failed): dbt is started again
        # below, whose output says why
        result.dbt_started_ahead = log.exists()
    if not result.dbt_started_ahead:
        with log.open("wb") as out:
            proc = subprocess.run(
                cmd, cwd=PROJECT_DIR, env=_dbt_env(cfg), stdout=out, stderr=subprocess.STDOUT, check=False
            )
    try:
        doc = json.loads(run_results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = {}
    for r in doc.get("results", []):
        result.dbt_nodes[r["status"]] = result.dbt_nodes.get(r["status"], 0) + 1
    if proc.returncode != 0:
        failures = [
            r for r in doc.get("results", []) if r.get("status") in ("error", "fail", "runtime error")
        ]
        failed = [r["unique_id"].split(".", 2)[-1] for r in failures]
        first = " ".join(str(failures[0].get("message") or "").split())[:300] if failures else ""
        what = (
            f"{len(failed)} failure(s), e.g. {', '.join(failed[:3])}"
            + (f" (first: {first})" if first else "")
            if failed
            else _last_error_line(log)
        )
        raise SyncError("dbt build", f"dbt build exited {proc.returncode}: {what}; full output in {log}")
    return doc.get("metadata", {}).get("invocation_id") or ""


def _last_error_line(log: Path) -> str:
    """The last line of dbt's output that names an error, with the line that says why when
    dbt puts it below (`Compilation Error in model X` / `  <the reason>`)."""
    try:
        text = log.read_text(errors="replace")
    except OSError as exc:
        return f"no output ({exc.strerror or type(exc).__name__}: {log})"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    at = [i for i, line in enumerate(lines) if "error" in line.lower()]
    if not at:
        return (lines or ["no output"])[-1][:300]
    found = lines[at[-1]]
    reason = lines[at[-1] + 1] if at[-1] + 1 < len(lines) else ""
    if reason and not reason.startswith(">"):
        found = f"{found}: {reason}"
    return found[:300]


def _extract(cfg: SyncConfig, result: SyncResult, ahead: _DbtAhead) -> StageResult:
    from aethermart.extract import ExtractConfig, extract, load_table_specs

    sources = {"path": cfg.sources_yaml} if cfg.sources_yaml else {}
    ecfg = ExtractConfig(
        url=cfg.mariadb_url, landing=cfg.landing, tables=load_table_specs(**sources), keep=cfg.keep
    )
    out = extract(ecfg, quiet=True, on_first_landing=ahead.start)
    result.extracted = {t.table: t.rows for t in out.tables if t.status == "published"}
    return StageResult("extract", "ran", out.seconds, out.describe())


def _destination_key(target: str, cfg: SyncConfig) -> str:
    if target == "parquet":
        return f"parquet:{cfg.gold_dir.resolve()}"
    uri = cfg.mongodb_uri
    # the server and database, never the credentials
    return "mongodb:" + hashlib.sha256(f"{uri.redacted()}|{uri.database}".encode()).hexdigest()[:24]


# The Parquet export beside the MongoDB export runs as a child process at this lower CPU
# priority (`aethermart export --nice`): the MongoDB export, and a MongoDB server on this
# machine, get the cores first, so a change is readable in MongoDB sooner; Parquet uses the
# CPU time they leave and ends later (docs/benchmarks.md).
PARQUET_NICE_BESIDE_MONGODB = 15
# its DuckDB spill folder, under the configured one (see _export_parquet_in_child)
PARQUET_CHILD_TEMP_FOLDER = "parquet-export"


def _export(
    cfg: SyncConfig, target: str, result: SyncResult, children: _Children | None = None
) -> StageResult:
    """One export stage, ``--mode incremental``. ``children``: the Parquet export runs while
    the MongoDB export does, in a child process at lower CPU priority (DuckDB's threads belong
    to the process: a thread of this one could not be given less of the CPU)."""
    from aethermart.export import ExportConfig, export

    if target == "parquet" and children is not None:
        return _parquet_stage(result, _export_parquet_in_child(cfg, children))
    ecfg = ExportConfig(
        target=target,
        manifest=manifest_path(cfg.target_path),
        duckdb=cfg.duckdb,
        out=cfg.gold_dir,
        mode="incremental",
        mongodb_uri=cfg.mongodb_uri,
    )
    out = export(ecfg, quiet=True)
    if target == "parquet":
        return _parquet_stage(
            result, {"datasets": [{"status": d.status} for d in out.datasets], "seconds": out.seconds}
        )
    else:
        for d in out.datasets:
            result.collections[getattr(d, "collection", d.model)] = {
                "inserted": d.inserted,
                "updated": d.updated,
                "deleted": d.deleted,
                "unchanged": d.unchanged,
                "written": d.written,
                # where the time went: DuckDB (documents, hashes), BSON encoding, the server by step
                "seconds": d.seconds,
                "duckdb_seconds": d.duckdb_seconds,
                "encode_seconds": d.encode_seconds,
                "server_phases": d.phases,
                # stored hashes from the export ledger or read back from the server (how many)
                "hashes_from": d.hashes_from,
                "hashes_read": d.hashes_read,
                "documents_built": d.documents_built,
            }
        written = sum(c["written"] + c["deleted"] for c in result.collections.values())
        result.documents_written = written
        note = f"{written:,} documents written or deleted in {len(out.datasets)} collections"
    return StageResult(f"export {target}", "ran", out.seconds, note)


def _parquet_stage(result: SyncResult, summary: dict) -> StageResult:
    """The Parquet stage from an export summary (``ExportResult.as_dict()``'s keys)."""
    statuses: dict[str, int] = {}
    for d in summary["datasets"]:
        statuses[d["status"]] = statuses.get(d["status"], 0) + 1
    result.parquet = statuses
    return StageResult(
        "export parquet", "ran", summary["seconds"], ", ".join(f"{n} {s}" for s, n in statuses.items())
    )


class _Children:
    """The export stage's child processes: started only while the stage runs, stopped together
    when the sync is interrupted (Ctrl-C, SIGTERM) so that none outlives it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[subprocess.Popen] = []
        self._stopped = False

    def start(self, cmd: list[str], **kwargs) -> subprocess.Popen:
        with self._lock:
            if self._stopped:
                raise AetherMartError("not started: the sync was interrupted")
            child = subprocess.Popen(cmd, **kwargs)
            self._running.append(child)
            return child

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for child in self._running:
                if child.poll() is None:
                    child.terminate()


def _export_parquet_in_child(cfg: SyncConfig, children: _Children) -> dict:
    """`aethermart export --target parquet --mode incremental --json` in a child process at
    lower CPU priority; its summary, or its one-line error as an AetherMartError. The child
    reads the same environment (memory limit), opens the warehouse read-only, as the MongoDB
    export does, with a DuckDB instance and memory limit of its own, and spills into a temp
    folder of its own: DuckDB names its spill files without the process, so two instances
    spilling into one folder overwrite each other's (duckdb/duckdb#15173). ``-P``: the
    installed package, not a folder of that name in the working directory."""
    temp = (temp_directory() / PARQUET_CHILD_TEMP_FOLDER).absolute()
    temp.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-P", "-m", "aethermart", "export", "--target", "parquet", "--mode", "incremental",
        "--duckdb", str(cfg.duckdb), "--manifest", str(manifest_path(cfg.target_path)),
        "--out", str(cfg.gold_dir), "--json", "--nice", str(PARQUET_NICE_BESIDE_MONGODB),
    ]  # fmt: skip
    child = children.start(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, TEMP_DIR_ENV: str(temp)},
        # where os.nice does not exist (Windows), the same intent through the process class
        creationflags=getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0),
    )
    try:
        out, err = child.communicate()
    except BaseException:
        child.kill()
        child.wait()
        raise
    if child.returncode < 0:
        raise AetherMartError(f"the Parquet export was killed by signal {-child.returncode}")
    if child.returncode != 0:
        lines = [line.strip() for line in err.splitlines() if line.strip()]
        message = lines[-1] if lines else f"the Parquet export exited with code {child.returncode}"
        error = AetherMartError(re.sub(r"^aethermart export: (error: )?", "", message))
        error.exit_code = child.returncode
        raise error
    try:
        return json.loads(out)
    except ValueError as exc:
        shown = (out.strip().splitlines() or ["nothing"])[0][:200]
        raise AetherMartError(f"the Parquet export's summary is not JSON: it printed {shown!r}") from exc


def _credentials_hidden(cfg: SyncConfig, text: str) -> str:
    """``text`` (a driver's message, which may quote a URL) without the sources' secrets."""
    if cfg.mongodb_uri is not None:
        text = cfg.mongodb_uri.scrub(text)
    if cfg.mariadb_url is not None and cfg.mariadb_url.password:
        text = text.replace(cfg.mariadb_url.password, "***")
    return text


def _timed(result: SyncResult, name: str, fn, *args, cfg: SyncConfig | None = None) -> StageResult:
    """Runs one stage; a failure becomes a SyncError of one line (with ``cfg``, a driver's
    message is shown without the credentials of its MongoDB URI and MariaDB URL)."""
    t0 = time.perf_counter()
    try:
        stage = fn(*args)
    except SyncError:
        result.stages.append(StageResult(name, "failed", round(time.perf_counter() - t0, 3)))
        raise
    except AetherMartError as exc:
        result.stages.append(StageResult(name, "failed", round(time.perf_counter() - t0, 3)))
        raise SyncError(name, str(exc), exc.exit_code) from exc
    except Exception as exc:
        # a file or driver error no module turned into an AetherMartError: one line naming the
        # stage; anything else is a bug and keeps its traceback
        library = type(exc).__module__.split(".")[0]
        if not isinstance(exc, OSError) and library not in _DRIVERS:
            raise
        result.stages.append(StageResult(name, "failed", round(time.perf_counter() - t0, 3)))
        text = str(exc) if cfg is None else _credentials_hidden(cfg, str(exc))
        text = (text.strip().splitlines() or [type(exc).__name__])[0][:500]
        raise SyncError(name, f"{type(exc).__name__} from {library}: {text}") from exc
    stage.seconds = round(time.perf_counter() - t0, 3)
    result.stages.append(stage)
    return stage


def run_sync(cfg: SyncConfig) -> SyncResult:
    """One sync; raises SyncError (the stage and one line) when a stage fails. ``result`` of
    the failed run is attached to the error as ``.result``."""
    t0 = time.perf_counter()
    result = SyncResult(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        landing=str(cfg.landing),
        warehouse=str(cfg.duckdb),
    )
    try:
        _run(cfg, result, t0)
        result.status = "ok"
    except SyncError as exc:
        result.status, result.error = "error", str(exc)
        exc.result = result
        raise
    finally:
        result.seconds = round(time.perf_counter() - t0, 3)
    return result


def _run(cfg: SyncConfig, result: SyncResult, t0: float) -> None:
    ahead = _DbtAhead(cfg)
    try:
        _stages(cfg, result, t0, ahead)
    finally:
        ahead.close()  # started for a build that did not come (or failed before dbt): ends unused


def _stages(cfg: SyncConfig, result: SyncResult, t0: float, ahead: _DbtAhead) -> None:
    # 1. extract
    enabled = enabled_sources(cfg.dbt_vars)
    if "mariadb" not in enabled:
        result.stages.append(StageResult("extract", "skipped", 0.0, "mariadb is not an enabled source"))
    elif not cfg.mariadb_url:
        result.stages.append(
            StageResult("extract", "skipped", 0.0, "no MariaDB URL (--mariadb-url or $MARIADB_URL)")
        )
    else:
        _timed(result, "extract", _extract, cfg, result, ahead, cfg=cfg)

    # 2. check
    state = _read_state(cfg)
    signature: dict[str, str] = {}

    def check() -> StageResult:
        signature.update(landing_signature(cfg.landing, _dbt_args(cfg)))
        newest = _newest_invocation(cfg.duckdb)
        known = state.get("build_invocation_id")
        if cfg.force_build:
            result.changed = ["--force-build"]
        elif (
            not known
            or newest is None
            or newest != (known, "success")
            or state.get("landing") != str(cfg.landing)
        ):
            result.changed = ["no successful build recorded by sync is this warehouse's newest dbt command"]
        else:
            result.changed = _changed_parts(state.get("signature", {}), signature)
        status = "changed" if result.changed else "unchanged"
        shown = ", ".join(result.changed[:4]) + (
            f" and {len(result.changed) - 4} more" if len(result.changed) > 4 else ""
        )
        return StageResult("check", status, 0.0, shown or "nothing new landed since the last build")

    _timed(result, "check", check, cfg=cfg)

    # 3. dbt build
    before = _layer_rows(cfg.duckdb)
    if result.changed:
        result.dbt_select = build_selection(result.changed, cfg.target_path / "manifest.json")

        def build() -> StageResult:
            result.build_invocation_id = _dbt_build(cfg, result, ahead)
            ok = ", ".join(f"{n} {s}" for s, n in sorted(result.dbt_nodes.items()))
            what = (
                f"{len(result.dbt_select)} models and snapshots downstream of what landed, and the exports"
                if result.dbt_select
                else "everything"
            )
            skipped = "" if result.unit_tests == "ran" else "; unit tests passed before under this code"
            ahead_note = "; dbt started while the extract ran" if result.dbt_started_ahead else ""
            return StageResult("dbt build", "ran", 0.0, f"{what}: {ok}{skipped}{ahead_note}")

        _timed(result, "dbt build", build, cfg=cfg)
        result.built = True
        state = {
            "landing": str(cfg.landing),
            "signature": signature,
            "build_invocation_id": result.build_invocation_id,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exports": {},
        }
        _write_state(cfg, state)
        after = _layer_rows(cfg.duckdb)
    else:
        ahead.close()  # started for a table landed with nothing new after all: not needed
        result.stages.append(StageResult("dbt build", "skipped", 0.0, "nothing changed"))
        result.build_invocation_id = state.get("build_invocation_id")
        after = before
    _summarize_layers(result, before, after)

    # 4. export
    targets = ["parquet"] + (["mongodb"] if cfg.mongodb_uri else [])
    done: dict[str, tuple[StageResult, SyncError | None]] = {}
    todo = []
    for target in targets:
        key = _destination_key(target, cfg)
        published = target != "parquet" or (cfg.gold_dir / CURRENT).exists()  # removed since: publish again
        if state.get("exports", {}).get(key) == result.build_invocation_id and not result.built and published:
            stage = StageResult(f"export {target}", "up to date", 0.0, "this build is already exported there")
            done[target] = (stage, None)
        else:
            todo.append(target)
    done.update(_exports_side_by_side(cfg, todo, result, t0))
    failed = None
    for target in targets:  # the summary's order, whichever finished first
        stage, error = done[target]
        result.stages.append(stage)
        if target in todo and error is None:
            state.setdefault("exports", {})[_destination_key(target, cfg)] = result.build_invocation_id
            _write_state(cfg, state)
        failed = failed or error
    if not cfg.mongodb_uri:
        result.stages.append(
            StageResult("export mongodb", "skipped", 0.0, "no MongoDB URI (--mongodb-uri or $MONGODB_URI)")
        )
    if failed is not None:
        raise failed


def _exports_side_by_side(
    cfg: SyncConfig, targets: list[str], result: SyncResult, t0: float | None = None
) -> dict[str, tuple[StageResult, SyncError | None]]:
    """Each target's export stage and its failure, if any. Two targets run at once: MongoDB in
    this thread (its swap holds Ctrl-C and SIGTERM, which only the main thread can), Parquet in
    a child process at lower CPU priority (``_export_parquet_in_child``), waited for by a worker
    thread. They share nothing but the warehouse, opened read-only by both. The MongoDB export
    gets the cores first: on two cores at scale 10 it took 17.8-18.5 s beside the Parquet
    child against 19.4-22.3 s beside a Parquet thread of this process, and Parquet 22.9-23.3 s
    against 14.5-19.0 s (docs/benchmarks.md): a change is readable in MongoDB sooner, the
    Parquet a little later. A failure of one lets the other finish; the run then reports the
    first failure in the summary's order. Ctrl-C or SIGTERM stops the MongoDB export at once
    and the Parquet child with it (terminated: a publish is all or nothing, so the old
    version stays published, or the new one if it was already swapped in). ``t0``: the
    sync's start (``time.perf_counter()``), for ``mongodb_done_s``."""

    def one(target: str, children: _Children | None = None) -> tuple[StageResult, SyncError | None]:
        own = SyncResult(started_at="")  # the stage alone: the caller orders the summary
        try:
            _timed(own, f"export {target}", _export, cfg, target, result, children, cfg=cfg)
        except SyncError as exc:
            # when both fail, the summary still shows the second one's reason
            own.stages[-1].note = str(exc).removeprefix(f"{exc.stage}: ")
            return own.stages[-1], exc
        if target == "mongodb" and t0 is not None:
            result.mongodb_done_s = round(time.perf_counter() - t0, 3)
        return own.stages[-1], None

    if len(targets) < 2:
        return {target: one(target) for target in targets}
    first, *rest = targets
    children = _Children()
    with (
        _sigterm_as_exit(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="aethermart-export") as pool,
    ):
        running = pool.submit(one, first, children if first == "parquet" else None)
        try:
            finished = {target: one(target) for target in rest}
            return {first: running.result(), **finished}
        except BaseException:
            children.stop()  # interrupted: the child does not outlive the sync
            raise


@contextlib.contextmanager
def _sigterm_as_exit():
    """SIGTERM raises SystemExit(143) in this thread while the block runs (the default action
    would end the process at once and leave the export's child process running). Only the
    main thread can set a handler; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _summarize_layers(result: SyncResult, before: dict, after: dict) -> None:
    for layer in ("bronze", "silver", "gold"):
        b, a = before.get(layer), after.get(layer)
        result.layers[layer] = {
            "before": sum(b.values()) if b is not None else None,
            "after": sum(a.values()) if a is not None else None,
        }
        if layer != "bronze" and a is not None:
            result.changed_tables += [
                f"{layer}.{t}" for t in sorted(set(a) | set(b or {})) if (b or {}).get(t) != a.get(t)
            ]


# --- output ------------------------------------------------------------------------------


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def render_summary(result: SyncResult) -> str:
    """One screen: stages with seconds, rows extracted, rows per layer, documents per collection."""
    lines = [
        f"sync {result.started_at}  landing {result.landing}  warehouse {result.warehouse}",
        f"  {'stage':<16} {'status':<11} {'seconds':>8}  detail",
    ]
    for s in result.stages:
        lines.append(f"  {s.name:<16} {s.status:<11} {s.seconds:>8.2f}  {s.note}")
    if result.extracted:
        lines.append("  rows extracted: " + ", ".join(f"{t} {n:,}" for t, n in result.extracted.items()))
    lines.append(f"  {'layer':<16} {'rows before':>14} {'rows after':>14}")
    for layer, rows in result.layers.items():
        lines.append(f"  {layer:<16} {_n(rows['before']):>14} {_n(rows['after']):>14}")
    if result.built:
        shown = ", ".join(t.split(".", 1)[1] for t in result.changed_tables[:8])
        more = f" and {len(result.changed_tables) - 8} more" if len(result.changed_tables) > 8 else ""
        lines.append(
            f"  tables whose row count changed: {len(result.changed_tables)}"
            + (f" ({shown}{more})" if shown else "")
        )
    if result.collections:
        lines.append(
            f"  {'collection':<28} {'inserted':>9} {'updated':>9} {'deleted':>9} {'unchanged':>10}"
            "  stored hashes"
        )
        for name, c in result.collections.items():
            hashes = {"ledger": "ledger", "server": f"read back {c['hashes_read']:,}"}.get(
                c["hashes_from"], "-"
            )
            lines.append(
                f"  {name:<28} {c['inserted']:>9,} {c['updated']:>9,} {c['deleted']:>9,} "
                f"{c['unchanged']:>10,}  {hashes}"
            )
    verdict = "dbt build ran" if result.built else "no build (nothing new landed)"
    readable = "" if result.mongodb_done_s is None else f" (in MongoDB after {result.mongodb_done_s:.1f}s)"
    lines.append(
        f"sync: {result.status} in {result.seconds:.1f}s; {verdict}; "
        f"{result.documents_written:,} documents written{readable}"
    )
    return "\n".join(lines)
