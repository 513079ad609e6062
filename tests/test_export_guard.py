"""The export guard: gold is exported only from one complete, successful `dbt build`.

dbt writes a build record into the warehouse (ops.dbt_invocations / ops.dbt_node_results,
hooks in dbt_project.yml); `aethermart export` checks it against the manifest it reads
(aethermart/export/build_guard.py). Here `dbt build` of the committed sample is killed (SIGKILL) at
several points, fails, or is followed by `dbt docs generate`, and the export must refuse
in one line; after a successful build it exports again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BIN, REPO, SAMPLE, WITHOUT_UNIT_TESTS, DbtProject, run_cli

GOLD = (
    "dim_customer",
    "dim_product",
    "dim_date",
    "dim_geography",
    "fct_order_lines",
    "fct_orders",
    "agg_sales_by_state_month",
    "agg_product_performance",
    "agg_customer_value",
    "doc_customer_profiles",
    "doc_customer_purchase_history",
    "doc_product_catalog",
    "doc_product_sales",
    "doc_reviews",
)

# where `dbt build` is killed: a line of its output that starts the kill
KILL_POINTS = {
    "after silver": r"START sql \w+ model gold\.",  # the first gold model starts: silver is done
    "mid-gold": r"OK created sql \w+ model gold\.fct_order_lines\b",  # fct_orders not yet rebuilt
    "during tests": r"PASS \S*fct_orders\S* ",  # a data test of fct_orders passed, others pending
}

# a build or test that fails: the data-quality thresholds test with every quarantined row an error
STRICT_QUALITY = (
    "audit_set_aside assert_set_aside_rows_within_error_thresholds",
    json.dumps(
        {"quality_error_min_set_aside": 1, "quality_thresholds": {"quarantined": {"warn": 0, "error": 0}}}
    ),
)


@dataclass
class GuardedProject(DbtProject):
    """The sample with private warehouse, target and logs; the demo salt (no env salt). The
    first build runs the unit tests; the builds of its copies leave them out, and export
    because the same code passed them (rule 5 counts unit tests by code fingerprint)."""

    def env(self) -> dict:
        env = {**super().env(), "PYTHONUNBUFFERED": "1", "DBT_USE_COLORS": "false"}
        env.pop("AETHERMART_PII_SALT", None)
        return env

    def manifest_id(self) -> str:
        return json.loads((self.target / "manifest.json").read_text())["metadata"]["invocation_id"]

    def export(self, *args: str, out: Path | None = None, env: dict | None = None):
        out = out or self.workdir / "gold"
        return run_cli(
            "export",
            "--target",
            "parquet",
            "--duckdb",
            str(self.duckdb_path),
            "--out",
            str(out),
            "--quiet",
            *args,
            env={**self.env(), **(env or {})},
        )

    def snapshot(self, workdir: Path) -> GuardedProject:
        """What this project holds on disk now - warehouse (and its WAL and demo salt file) and
        dbt artifacts - copied to ``workdir``: while dbt is paused or killed, exactly what a
        SIGKILL at this moment leaves behind."""
        copy = GuardedProject(self.landing, workdir)
        workdir.mkdir(parents=True)
        for suffix in ("", ".wal", ".pii_salt"):
            source = Path(f"{self.duckdb_path}{suffix}")
            if source.exists():
                shutil.copy(source, Path(f"{copy.duckdb_path}{suffix}"))
        shutil.copytree(self.target, copy.target)
        return copy

    def build_killed_at(
        self, points: dict[str, str], snapshots: Path
    ) -> dict[str, tuple[str, GuardedProject]]:
        """Start `dbt build`; at each point (name -> a pattern of one line of its output) pause it
        (SIGSTOP), snapshot the project under ``snapshots/<name>`` and let it go on (SIGCONT); at
        the last point SIGKILL it. One build stands for one killed build per point: a paused
        process writes nothing, so each snapshot is the state a SIGKILL there leaves.
        Returns name -> (the line, the snapshot)."""
        proc = subprocess.Popen(
            [
                str(BIN / "dbt"),
                "build",
                "--target-path",
                str(self.target),
                "--log-path",
                str(self.workdir / "logs"),
                *(() if self.unit_tests else WITHOUT_UNIT_TESTS),
            ],
            cwd=REPO,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        taken: dict[str, tuple[str, GuardedProject]] = {}
        try:
            for line in proc.stdout:
                for name, pattern in points.items():
                    if name in taken or not re.search(pattern, line):
                        continue
                    last = len(taken) == len(points) - 1
                    os.kill(proc.pid, signal.SIGKILL if last else signal.SIGSTOP)
                    if last:
                        proc.wait(timeout=60)
                    taken[name] = (line.strip(), self.snapshot(snapshots / name.replace(" ", "-")))
                    if not last:
                        os.kill(proc.pid, signal.SIGCONT)
                if len(taken) == len(points):
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=60)
            proc.stdout.close()
        missing = sorted(set(points) - set(taken))
        assert not missing, f"dbt build ended before a line matched {[points[m] for m in missing]}"
        assert proc.returncode == -signal.SIGKILL
        return taken


def _refused(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    message = proc.stderr.strip()
    assert proc.returncode == 1, f"export was not refused:\n{proc.stdout}\n{proc.stderr}"
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> GuardedProject:
    """One successful `dbt build` of the sample, exported once (so a stale success exists)."""
    built = GuardedProject(SAMPLE, tmp_path_factory.mktemp("export_guard"), unit_tests=True)
    built.dbt("build")
    assert built.export("--target-path", str(built.target)).returncode == 0
    return built


@pytest.fixture(scope="module")
def killed_builds(built, tmp_path_factory) -> dict[str, tuple[str, str, GuardedProject]]:
    """Point -> (the manifest's invocation id before the build, the line it was killed at,
    the project as a SIGKILL there left it), from one `dbt build` of a copy of ``built``."""
    work = tmp_path_factory.mktemp("killed_builds")
    project = GuardedProject(built.landing, built.copy(work / "project").workdir)
    shutil.copytree(built.target, project.target)
    before = project.manifest_id()
    taken = project.build_killed_at(KILL_POINTS, work / "snapshots")
    return {point: (before, line, snapshot) for point, (line, snapshot) in taken.items()}


@pytest.fixture
def project(built, tmp_path) -> GuardedProject:
    """The state right after that build - its warehouse (build record, demo salt file) and its
    dbt artifacts - copied for one test: each test starts from a successful build without
    running one, and what it kills or fails stays its own."""
    project = GuardedProject(built.landing, built.copy(tmp_path / "project").workdir)
    shutil.copytree(built.target, project.target)
    return project


def _unit_test_runs(project: GuardedProject) -> list[tuple[str, str, int]]:
    """(command, code fingerprint, unit tests run) of every recorded invocation, oldest first."""
    return project.query(
        "select i.command, i.code_fingerprint, count(r.unique_id) from ops.dbt_invocations as i "
        "left join ops.dbt_node_results as r on r.invocation_id = i.invocation_id "
        "and r.resource_type = 'unit_test' "
        "group by i.invocation_id, i.command, i.code_fingerprint, i.started_at order by i.started_at"
    )


def test_unit_tests_that_passed_under_the_same_code_count_for_a_build_without_them(project, tmp_path):
    """A unit test's outcome is a function of the code (fingerprint: project files, versions,
    --vars, --target, landing path): a build without unit tests exports when the same code
    passed them, not when it ran under other --vars, nor when their newest run there failed.
    One exported model (its unit test and data tests) stands for all: a build of it alone."""
    model = ("--select", "doc_customer_profiles")

    def export(out: str) -> subprocess.CompletedProcess:
        return project.export("--target-path", str(project.target), *model, out=tmp_path / out)

    project.dbt("build", *model)  # without unit tests (WITHOUT_UNIT_TESTS)
    runs = _unit_test_runs(project)
    (_, fingerprint, ran_first), (_, fingerprint_now, ran_now) = runs[0], runs[-1]
    assert ran_first > 0 and ran_now == 0 and len(runs) >= 2  # the copied build's, this one's
    assert fingerprint_now == fingerprint and len(fingerprint) == 64
    assert export("a").returncode == 0

    other_vars = ("--vars", "{document_build_buckets: 2}")  # other code, same gold
    project.dbt("build", *model, *other_vars)
    assert _unit_test_runs(project)[-1][1] != fingerprint
    _refused(export("b"), "a test of model", "has not run since `dbt build`", "--allow-failed-build")
    # a unit test that failed under that code before the build (record edited): named
    with duckdb.connect(str(project.duckdb_path)) as con:
        build_id, started, other = con.execute(
            "select invocation_id, started_at, code_fingerprint from ops.dbt_invocations "
            "order by started_at desc limit 1"
        ).fetchone()
        con.execute(
            "insert into ops.dbt_invocations (invocation_id, command, target_name, started_at, "
            "finished_at, status, code_fingerprint) values ('failed-unit', 'test', 'dev', "
            "?::timestamptz - interval 1 minute, ?::timestamptz - interval 1 minute, 'error', ?)",
            [started, started, other],
        )
        unit_test = con.execute(
            "select unique_id from ops.dbt_node_results where resource_type = 'unit_test' "
            "and unique_id like '%doc_customer_profiles%' limit 1"
        ).fetchone()[0]
        con.execute(
            "insert into ops.dbt_node_results (invocation_id, unique_id, resource_type, status) "
            "values ('failed-unit', ?, 'unit_test', 'fail')",
            [unit_test],
        )
    _refused(export("b"), unit_test.split(".", 2)[-1], "failed under the code that built it", "failed-unit")
    project.dbt("test", "--resource-type", "unit_test", *model, *other_vars)  # passing since the build
    exported = export("b")
    assert exported.returncode == 0, exported.stderr
    assert _published_id(tmp_path / "b", "doc_customer_profiles") == build_id


def _the_build(con: duckdb.DuckDBPyConnection) -> tuple[str, object, str]:
    """(invocation id, started_at, code fingerprint) of the newest invocation: the build."""
    return con.execute(
        "select invocation_id, started_at, code_fingerprint from ops.dbt_invocations "
        "order by started_at desc limit 1"
    ).fetchone()


def _recorded_unit_tests(
    con: duckdb.DuckDBPyConnection, invocation: str, *, minutes: int, code: str, status: str
):
    """Record a `dbt test` of unit tests `minutes` after (negative: before) the build started."""
    _, started, _ = _the_build(con)
    con.execute(
        "insert into ops.dbt_invocations (invocation_id, command, target_name, started_at, finished_at, "
        "status, code_fingerprint) values (?, 'test', 'dev', ?::timestamptz + to_minutes(?), "
        "?::timestamptz + to_minutes(?), ?, ?)",
        [invocation, started, minutes, started, minutes, status, code],
    )


def test_a_unit_test_run_since_the_build_under_other_code_does_not_count(project, tmp_path):
    """A unit test that passed after the build, but under other code (an edit reverted, other
    --vars), says nothing about what the build's code does: it does not count for the build."""
    with duckdb.connect(str(project.duckdb_path)) as con:
        build_id, _, fingerprint = _the_build(con)
        # the build left its unit tests out, under code nobody ran them with (an edit) ...
        con.execute(
            "update ops.dbt_invocations set code_fingerprint = 'edited' where invocation_id = ?", [build_id]
        )
        # ... and a `dbt test` after it ran them, passing, under the code before the edit
        _recorded_unit_tests(con, "unit-later", minutes=1, code=fingerprint, status="success")
        con.execute(
            "update ops.dbt_node_results set invocation_id = 'unit-later' "
            "where invocation_id = ? and resource_type = 'unit_test'",
            [build_id],
        )
    _refused(
        project.export("--target-path", str(project.target), out=tmp_path / "a"),
        "a test of model",
        "has not run since",
        "--allow-failed-build",
    )
    with duckdb.connect(str(project.duckdb_path)) as con:  # run under the build's code: counts
        con.execute(
            "update ops.dbt_invocations set code_fingerprint = 'edited' where invocation_id = 'unit-later'"
        )
    exported = project.export("--target-path", str(project.target), out=tmp_path / "b")
    assert exported.returncode == 0, exported.stderr


def test_a_unit_test_skipped_under_the_build_code_is_no_outcome(project, tmp_path):
    """A unit test skipped (its model's parent failed) in the newest run under the build's code
    did not run: the pass before it counts, and the refusal does not call it failed."""
    with duckdb.connect(str(project.duckdb_path)) as con:
        build_id, _, fingerprint = _the_build(con)
        # the build left its unit tests out; they passed under its code before it ...
        _recorded_unit_tests(con, "unit-passed", minutes=-2, code=fingerprint, status="success")
        con.execute(
            "update ops.dbt_node_results set invocation_id = 'unit-passed' "
            "where invocation_id = ? and resource_type = 'unit_test'",
            [build_id],
        )
        # ... then one was skipped, still before the build, under the same code
        _recorded_unit_tests(con, "unit-skipped", minutes=-1, code=fingerprint, status="error")
        con.execute(
            "insert into ops.dbt_node_results (invocation_id, unique_id, resource_type, status) "
            "select 'unit-skipped', unique_id, 'unit_test', 'skipped' from ops.dbt_node_results "
            "where invocation_id = 'unit-passed'"
        )
    exported = project.export("--target-path", str(project.target), out=tmp_path / "a")
    assert exported.returncode == 0, exported.stderr


def test_the_build_record_names_the_build_and_every_gold_node(project):
    rows = project.query(
        "select invocation_id, command, target_name, status, failures, pii_salt_source, "
        "finished_at is not null from ops.dbt_invocations order by started_at desc limit 1"
    )
    assert rows == [(project.manifest_id(), "build", "dev", "success", 0, "demo-file", True)]
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        statuses = dict(
            con.execute(
                "select unique_id, status from ops.dbt_node_results where invocation_id = ?",
                [project.manifest_id()],
            ).fetchall()
        )
    for model in GOLD:
        assert statuses[f"model.aethermart.{model}"] == "success", model
    gold_tests = [uid for uid in statuses if uid.startswith("test.") and "fct_orders" in uid]
    assert gold_tests and {statuses[uid] for uid in gold_tests} <= {"pass", "warn"}
    columns = {
        r[0]
        for r in project.query(
            "select column_name from information_schema.columns where table_schema = 'ops'"
        )
    }
    assert not columns & {"message", "sql", "compiled_code", "salt", "pii_salt"}


def test_the_exporter_reads_dbt_target_path_and_target_path(project, tmp_path):
    """$DBT_TARGET_PATH is honoured as dbt honours it; --target-path too; not ./target."""
    assert project.export(out=tmp_path / "a", env={"DBT_TARGET_PATH": str(project.target)}).returncode == 0
    assert (tmp_path / "a" / "fct_orders" / "_manifest.json").is_file()
    missing = project.export("--target-path", str(tmp_path / "nowhere"), out=tmp_path / "b")
    assert missing.returncode != 0 and str(tmp_path / "nowhere" / "manifest.json") in missing.stderr
    both = project.export("--target-path", str(project.target), "--manifest", "x.json", out=tmp_path / "b")
    assert both.returncode == 2 and "not both" in both.stderr


def test_stale_sources_in_dbt_source_freshness_do_not_refuse_the_export(project, tmp_path):
    """The sample is dated 2025: `dbt source freshness` errs on every source; that reports old
    landed data, not a failed build, so gold still exports."""
    copy = GuardedProject(project.landing, project.copy(tmp_path / "work").workdir)
    shutil.copytree(project.target, copy.target)
    stale = copy.dbt("source", "freshness", check=False)
    assert stale.returncode == 1 and "ERROR STALE" in stale.stdout, stale.stdout[-2000:]
    exported = copy.export("--target-path", str(copy.target), out=tmp_path / "gold")
    assert exported.returncode == 0, exported.stderr


# what runs after the killed build, and must not unlock it: `docs generate` rewrites manifest.json
# and run_results.json and builds nothing; `dbt test` reruns every test, whatever they say
LATER_COMMANDS = {
    "after silver": ("docs", "generate"),
    "mid-gold": ("test",),
    "during tests": ("docs", "generate"),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_build_is_not_exported_not_even_after_docs_generate_or_dbt_test(
    killed_builds, tmp_path, point
):
    before, killed_at, killed = killed_builds[point]
    project = killed.snapshot(tmp_path / "project")  # what the later command changes stays here
    killed_id = project.manifest_id()
    assert killed_id != before, killed_at  # dbt wrote the killed build's manifest when it started
    out = tmp_path / "gold"
    refused = _refused(
        project.export("--target-path", str(project.target), out=out),
        "never finished",
        killed_id,
        "--allow-failed-build",
    )
    assert not out.exists()
    project.dbt(*LATER_COMMANDS[point], check=False)
    assert project.manifest_id() not in (killed_id, before)
    assert _refused(project.export("--target-path", str(project.target), out=out), killed_id) == refused
    assert not out.exists()


def test_a_failed_build_is_not_exported_not_even_after_docs_generate(project, tmp_path):
    """The data-quality threshold test fails with an error threshold of 0."""
    failed = project.dbt("build", "--select", STRICT_QUALITY[0], "--vars", STRICT_QUALITY[1], check=False)
    assert failed.returncode == 1, failed.stdout[-3000:]
    out = tmp_path / "gold"
    _refused(
        project.export("--target-path", str(project.target), out=out),
        "failed (",
        "failure(s)",
        "--allow-failed-build",
    )
    project.dbt("docs", "generate")
    _refused(project.export("--target-path", str(project.target), out=out), "failed (")
    assert not out.exists()
    allowed = project.export("--target-path", str(project.target), "--allow-failed-build", out=out)
    assert allowed.returncode == 0, allowed.stderr


def _kept_state(project: GuardedProject) -> dict[str, tuple]:
    """Row count and content hash of every bronze and snapshot table, and the bronze file record
    (the files' identities: each build records them again, under its own invocation)."""
    tables = project.query(
        "select schema_name || '.' || table_name, 't' from duckdb_tables() "
        "where schema_name in ('bronze', 'snapshots') union all select 'ops.bronze_file_state', "
        "'(t.model, t.file_path, t.file_size, t.file_modified_at, t.fingerprint)' order by all"
    )
    return {
        table: project.query(f"select count(*), sum(hash({row}::varchar)) from {table} as t")[0]
        for table, row in tables
    }


def test_dbt_build_empty_keeps_bronze_and_snapshot_history_and_is_never_exported(project, tmp_path):
    """`dbt build --empty` (dbt's schema check: every input read as zero rows) reads no landed
    file and leaves bronze, its file record and the snapshots' history as they were (before:
    every bronze table emptied, and every customer and product given a deletion version). It
    builds silver and gold empty, as dbt does: the export refuses that, even with
    --allow-failed-build. The next `dbt build` reads no file and exports again. A test run by
    `dbt build --empty` passes on no rows, so it does not supersede a failure; and gold built
    on a silver model emptied by --empty is refused too."""
    kept = _kept_state(project)
    assert kept["snapshots.snap_customers"][0] > 0 and kept["ops.bronze_file_state"][0] > 0
    project.dbt("build", "--empty")
    assert _kept_state(project) == kept
    assert project.scalar("select count(*) from gold.fct_orders") == 0  # dbt's --empty: built, no rows
    out = tmp_path / "gold"
    target = ("--target-path", str(project.target))
    refused = _refused(project.export(*target, out=out), "with --empty", "no rows")
    assert "--allow-failed-build" not in refused
    overridden = project.export(*target, "--allow-failed-build", out=out)
    _refused(overridden, "with --empty", "(an exported model)")

    project.dbt("build")
    reads = f"select count(*) from ops.bronze_file_reads where invocation_id = '{project.manifest_id()}'"
    assert project.scalar(reads) == 0
    assert _kept_state(project) == kept
    assert project.export("--target-path", str(project.target), out=out).returncode == 0

    failed = project.dbt("build", "--select", STRICT_QUALITY[0], "--vars", STRICT_QUALITY[1], check=False)
    assert failed.returncode == 1, failed.stdout[-3000:]
    # the same test under --empty passes (it reads no row): the failure stands
    project.dbt("build", "--select", STRICT_QUALITY[0], "--vars", STRICT_QUALITY[1], "--empty")
    _refused(project.export("--target-path", str(project.target), out=tmp_path / "b"), "failed (")

    # a silver model emptied by --empty, then gold rebuilt on it: incomplete gold
    project.dbt("build", "--select", "slv_reviews", "--empty")
    project.dbt("build", "--select", "tag:gold")
    assert project.scalar("select count(*) from gold.doc_reviews") == 0
    overridden = project.export(*target, "--allow-failed-build", out=tmp_path / "c")
    _refused(overridden, "model slv_reviews (upstream of exported gold)", "with --empty")


def test_after_a_successful_build_it_exports_also_after_docs_generate(project, tmp_path):
    built_id = project.manifest_id()
    shutil.copytree(
        project.target, tmp_path / "target_of_build", ignore=shutil.ignore_patterns("compiled", "run")
    )
    assert project.export("--target-path", str(project.target), out=tmp_path / "a").returncode == 0
    meta = json.loads((tmp_path / "a" / "fct_orders" / "_manifest.json").read_text())
    assert meta["dbt"]["invocation_id"] == built_id
    project.dbt("docs", "generate")  # another invocation id, same code: still the build's gold
    assert project.manifest_id() != built_id
    exported = project.export("--target-path", str(project.target), out=tmp_path / "b")
    assert exported.returncode == 0, exported.stderr
    assert _published_id(tmp_path / "b") == built_id  # the build's, not docs generate's

    # a manifest of other code than was built (edited after the build, then compiled)
    manifest = json.loads((project.target / "manifest.json").read_text())
    manifest["nodes"]["model.aethermart.fct_orders"]["checksum"]["checksum"] = "0" * 64
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / "manifest.json").write_text(json.dumps(manifest))
    _refused(
        project.export("--target-path", str(edited), out=tmp_path / "c"),
        "model fct_orders changed since the last dbt build",
    )

    # a partial build afterwards: only what it built and tested can be exported
    project.dbt("build", "--select", "dim_date")
    _refused(
        project.export("--target-path", str(project.target), out=tmp_path / "d"),
        "is not from the last dbt command",
        "did not build it",
    )
    assert (
        project.export(
            "--target-path", str(project.target), "--select", "dim_date", out=tmp_path / "d"
        ).returncode
        == 0
    )
    # ...and the full build's manifest no longer matches the warehouse's last build
    _refused(
        project.export("--target-path", str(tmp_path / "target_of_build"), out=tmp_path / "e"),
        "is from an earlier `dbt build`",
        built_id,
    )


def test_a_warehouse_without_a_build_record_is_refused(project, tmp_path):
    bare = tmp_path / "bare.duckdb"
    shutil.copy(project.duckdb_path, bare)
    with duckdb.connect(str(bare)) as con:
        con.execute("drop schema ops cascade")
    proc = run_cli(
        "export",
        "--target",
        "parquet",
        "--duckdb",
        str(bare),
        "--target-path",
        str(project.target),
        "--out",
        str(tmp_path / "gold"),
        env=project.env(),
    )
    _refused(proc, "holds no dbt build record", "run `dbt build` first")


def _published_id(out: Path, model: str = "fct_orders") -> str:
    return json.loads((out / model / "_manifest.json").read_text())["dbt"]["invocation_id"]


def test_a_later_command_that_changes_no_exported_model_does_not_hide_the_build(project, tmp_path):
    """`dbt test` (passing), `dbt seed`, `docs generate` after the build: it still exports, and
    the manifests name the build's invocation, not the later command's."""
    built_id = project.manifest_id()
    project.dbt("test")
    assert project.manifest_id() != built_id
    exported = project.export("--target-path", str(project.target), out=tmp_path / "a")
    assert exported.returncode == 0, exported.stderr
    assert _published_id(tmp_path / "a") == built_id
    project.dbt("seed")
    project.dbt("docs", "generate")
    exported = project.export("--target-path", str(project.target), out=tmp_path / "b")
    assert exported.returncode == 0, exported.stderr
    meta = json.loads((tmp_path / "b" / "dim_customer" / "_manifest.json").read_text())
    assert meta["dbt"]["invocation_id"] == built_id and meta["dbt"]["build_checked"] is True
    assert meta["dbt"]["command"] == "build"
    assert meta["dbt"]["manifest_invocation_id"] == project.manifest_id() != built_id
    assert meta["dbt"]["pii_salt_fingerprint"] == project.scalar(
        f"select pii_salt_fingerprint from ops.dbt_invocations where invocation_id = '{built_id}'"
    )


def test_dbt_run_then_a_passing_dbt_test_counts_as_built_and_tested(project, tmp_path):
    project.dbt("run")
    run_id = project.manifest_id()
    _refused(
        project.export("--target-path", str(project.target), out=tmp_path / "a"),
        "has not run since `dbt run`",
        run_id,
        "--allow-failed-build",
    )
    project.dbt("test", "--select", "fct_orders")  # the tests of one model only
    refused = _refused(
        project.export("--target-path", str(project.target), out=tmp_path / "a"),
        "has not run since `dbt run`",
    )
    assert "of model fct_orders" not in refused
    assert (
        project.export(
            "--target-path", str(project.target), "--select", "fct_orders", out=tmp_path / "a"
        ).returncode
        == 0
    )
    project.dbt("test")
    exported = project.export("--target-path", str(project.target), out=tmp_path / "b")
    assert exported.returncode == 0, exported.stderr
    assert _published_id(tmp_path / "b") == run_id


def test_a_test_failing_after_the_build_refuses_until_it_passes_again(project, tmp_path):
    """A later `dbt test` of exported models that fails (the revenue test, told a wrong unknown
    member key) refuses the export; the same test passing again lifts it."""
    revenue = "assert_gold_revenue_agrees_across_models"
    failed = project.dbt(
        "test", "--select", revenue, "--vars", '{unknown_member_key: "no-such-key"}', check=False
    )
    assert failed.returncode == 1, failed.stdout[-3000:]
    _refused(
        project.export("--target-path", str(project.target), out=tmp_path / "a"),
        "`dbt test`",
        "failed (",
        f"{revenue} (fail)",
        "--allow-failed-build",
    )
    assert not (tmp_path / "a").exists()
    project.dbt("test", "--select", revenue)
    exported = project.export("--target-path", str(project.target), out=tmp_path / "a")
    assert exported.returncode == 0, exported.stderr


def test_a_killed_dbt_test_counts_as_tests_not_run(project, tmp_path):
    """A `dbt test` that never finished rebuilt nothing, but what its tests said is unknown:
    refused until a `dbt test` finishes (record edited on a copy)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(project.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into ops.dbt_invocations (invocation_id, command, target_name, started_at, "
            "status) values ('killed-test', 'test', 'dev', now(), 'running')"
        )

    def export(out: Path) -> subprocess.CompletedProcess:
        return run_cli(
            "export",
            "--target",
            "parquet",
            "--duckdb",
            str(copy),
            "--target-path",
            str(project.target),
            "--out",
            str(out),
            "--quiet",
            env=project.env(),
        )

    _refused(export(tmp_path / "a"), "a test of model", "never finished", "killed-test")
    with duckdb.connect(str(copy)) as con:  # a later `dbt test` that finished and passed
        built = con.execute(
            "select invocation_id from ops.dbt_invocations where status = 'success' "
            "order by started_at desc limit 1"
        ).fetchone()[0]
        con.execute(
            "insert into ops.dbt_invocations (invocation_id, command, target_name, started_at, "
            "finished_at, status) values ('later-test', 'test', 'dev', now(), now(), 'success')"
        )
        con.execute(
            "insert into ops.dbt_node_results select 'later-test', unique_id, resource_type, status, "
            "checksum, contract_checksum, execution_seconds, failures from ops.dbt_node_results "
            "where invocation_id = ? and resource_type in ('test', 'unit_test')",
            [built],
        )
    assert export(tmp_path / "b").returncode == 0


def test_a_publish_from_gold_of_another_salt_is_refused_unless_rotating(project, tmp_path):
    """The published Parquet names the salt fingerprint of its build; a warehouse hashed with
    another salt (here: its record edited on a copy) does not replace it silently."""
    out = tmp_path / "gold"
    assert project.export("--target-path", str(project.target), out=out).returncode == 0
    old = json.loads((out / "dim_customer" / "_manifest.json").read_text())["dbt"]["pii_salt_fingerprint"]
    assert old and len(old) == 16
    other = tmp_path / "other.duckdb"
    shutil.copy(project.duckdb_path, other)
    with duckdb.connect(str(other)) as con:
        con.execute("update ops.dbt_invocations set pii_salt_fingerprint = '0123456789abcdef'")

    def export(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return run_cli(
            "export",
            "--target",
            "parquet",
            "--duckdb",
            str(other),
            "--target-path",
            str(project.target),
            "--out",
            str(out),
            "--quiet",
            *args,
            env={**project.env(), **(env or {})},
        )

    version = (out / ".current").readlink()
    _refused(export(), "another PII salt", old, "0123456789abcdef", "AETHERMART_PII_SALT_ROTATE=1")
    rotate = {"AETHERMART_PII_SALT_ROTATE": "1"}
    _refused(
        export("--select", "dim_date", env=rotate),
        "every dataset at once",
        "agg_customer_value",
        "and 10 other(s)",
    )
    assert (out / ".current").readlink() == version
    rotated = export(env=rotate)
    assert rotated.returncode == 0, rotated.stderr
    assert (
        json.loads((out / "fct_orders" / "_manifest.json").read_text())["dbt"]["pii_salt_fingerprint"]
        == "0123456789abcdef"
    )
