"""The salt of gold's PII hashes is never empty: the demo (default `dev`) target makes one per
warehouse, private to its owner; the `prod` target and the exporter refuse an empty one."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from dataclasses import dataclass

import duckdb
import pytest

from aethermart.dbt_plugins.pii_salt import fingerprint
from tests.conftest import REPO, SAMPLE, DbtProject, run_cli

# what dbt writes is searched for the salt: at its default, most verbose, log level
pytestmark = pytest.mark.usefixtures("full_dbt_log")

HINT = "export AETHERMART_PII_SALT="
ROTATE = "AETHERMART_PII_SALT_ROTATE"


@dataclass
class NoSaltProject(DbtProject):
    """A private warehouse built without $AETHERMART_PII_SALT (so with the demo salt file)."""

    def env(self) -> dict:
        env = super().env()
        env.pop("AETHERMART_PII_SALT", None)
        return env

    @property
    def salt_file(self):
        return self.duckdb_path.with_name(self.duckdb_path.name + ".pii_salt")

    def hashes(self) -> dict[str, str]:
        return dict(self.query("select customer_key, email_sha256 from gold.dim_customer"))


def _error_line(proc: subprocess.CompletedProcess, fragment: str) -> str:
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if fragment in line]
    assert proc.returncode != 0 and lines, f"{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stdout + proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[NoSaltProject, dict[str, str]]:
    """dim_customer built twice in the demo target; (project, the first build's hashes)."""
    project = NoSaltProject(SAMPLE, tmp_path_factory.mktemp("pii_salt"))
    project.dbt("build", "--select", "+dim_customer", "--resource-type", "model", "seed")
    first = project.hashes()
    project.dbt("build", "--select", "dim_customer", "--resource-type", "model")
    return project, first


def test_the_demo_salt_is_made_once_per_warehouse_private_and_stable(demo):
    project, first = demo
    mode = stat.S_IMODE(project.salt_file.stat().st_mode)
    assert mode == 0o600, oct(mode)
    salt = project.salt_file.read_text().strip()
    assert len(salt) == 64  # 32 random bytes, hex
    assert project.hashes() == first  # the second build reused the salt
    emails = dict(project.query("select customer_key, email from silver.slv_customers"))
    hashed = [key for key, digest in first.items() if digest]
    assert len(hashed) > 10
    for key in hashed:
        assert first[key] == hashlib.sha256((salt + emails[key].strip().lower()).encode()).hexdigest()
    assert project.query("select distinct pii_salt_source from ops.dbt_invocations") == [("demo-file",)]


def test_the_demo_salt_is_written_nowhere_else(demo):
    project, _ = demo
    salt = project.salt_file.read_text().strip().encode()
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    repo_files = [REPO / name for name in listed if name]
    places = [
        *project.target.rglob("*"),
        *(project.workdir / "logs").rglob("*"),
        project.duckdb_path,
        *repo_files,
        *(REPO / "target").rglob("*"),
        *(REPO / "logs").rglob("*"),
    ]
    leaked = [str(p) for p in places if p.is_file() and salt in p.read_bytes()]
    assert not leaked, f"the demo salt was written to {leaked}"


def test_a_salt_file_others_can_read_is_refused(demo, tmp_path):
    project, _ = demo
    copy = NoSaltProject(SAMPLE, tmp_path)
    shutil.copy(project.duckdb_path, copy.duckdb_path)
    shutil.copy(project.salt_file, copy.salt_file)
    copy.salt_file.chmod(0o644)
    proc = copy.dbt("run", "--select", "dim_date", check=False)
    line = _error_line(proc, "is readable by others")
    assert str(copy.salt_file) in line and "chmod 600" in line


@pytest.mark.parametrize("salt", ["", "   "])
def test_the_prod_target_refuses_an_empty_salt_in_one_line(tmp_path, salt):
    project = DbtProject(SAMPLE, tmp_path)
    proc = project.dbt(
        "run",
        "--target",
        "prod",
        "--select",
        "dim_date",
        check=False,
        extra_env={"AETHERMART_PII_SALT": salt},
    )
    line = _error_line(proc, "AETHERMART_PII_SALT is empty")
    assert HINT in line
    assert not project.duckdb_path.with_name(project.duckdb_path.name + ".pii_salt").exists()


def test_the_prod_target_builds_with_a_salt_from_the_environment(demo, tmp_path):
    project, first = demo
    prod = NoSaltProject(SAMPLE, tmp_path)
    shutil.copy(project.duckdb_path, prod.duckdb_path)
    # another salt than the demo one this warehouse was built with: refused unless told
    command = ("run", "--target", "prod", "--select", "dim_customer")
    salt = "p-salt 'quoted' \\n é"  # reaches DuckDB as a SQL literal: quotes, backslash, UTF-8
    refused = prod.dbt(*command, check=False, extra_env={"AETHERMART_PII_SALT": salt})
    assert "$AETHERMART_PII_SALT has" in _error_line(refused, "PII salt changed")
    proc = prod.dbt(*command, check=False, extra_env={"AETHERMART_PII_SALT": salt, ROTATE: "1"})
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert prod.query(
        "select target_name, pii_salt_source from ops.dbt_invocations order by started_at desc limit 1"
    ) == [("prod", "env")]
    assert not prod.salt_file.exists()
    emails = dict(prod.query("select customer_key, email from silver.slv_customers"))
    for key, digest in prod.hashes().items():
        assert digest == (
            hashlib.sha256((salt + emails[key].strip().lower()).encode()).hexdigest()
            if emails.get(key)
            else None
        )
        assert digest is None or digest != first[key]


def test_the_exporter_refuses_gold_built_without_a_salt(demo, tmp_path):
    """A build record that names no salt (an empty one) stops the export, in one line."""
    project, _ = demo
    warehouse = tmp_path / "unsalted.duckdb"
    shutil.copy(project.duckdb_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update ops.dbt_invocations set pii_salt_source = null")
    out = tmp_path / "gold"
    built = ["--duckdb", str(warehouse), "--target-path", str(project.target), "--out", str(out)]
    proc = run_cli("export", "--target", "parquet", "--select", "dim_customer", *built, env=project.env())
    message = proc.stderr.strip()
    assert proc.returncode == 1 and len(message.splitlines()) == 1, message
    assert "hashed PII with an empty AETHERMART_PII_SALT" in message and HINT in message
    assert not (tmp_path / "gold").exists()


def test_the_build_record_keeps_a_fingerprint_of_the_salt_never_the_salt(demo):
    project, _ = demo
    salt = project.salt_file.read_text().strip()
    rows = project.query("select distinct pii_salt_fingerprint from ops.dbt_invocations")
    assert rows == [(fingerprint(salt),)]
    assert len(rows[0][0]) == 16 and rows[0][0] not in salt
    assert fingerprint(salt) != fingerprint(salt + "x")


def test_a_lost_demo_salt_file_stops_the_build_and_is_not_replaced(demo, tmp_path):
    """Moving the salt file away used to make a new salt silently (every email_sha256 changed
    and the export went through); now dbt stops, makes no new file, and gold keeps its hashes
    until AETHERMART_PII_SALT_ROTATE=1 says a new salt is meant."""
    project, first = demo
    copy = NoSaltProject(SAMPLE, tmp_path)
    shutil.copy(project.duckdb_path, copy.duckdb_path)  # the salt file stays behind: "lost"
    proc = copy.dbt("run", "--select", "dim_customer", check=False)
    line = _error_line(proc, "is missing")
    assert str(copy.salt_file) in line and ROTATE in line
    assert not copy.salt_file.exists()
    assert copy.hashes() == first
    rows_before = copy.query("select count(*) from ops.dbt_invocations")

    # a replaced file (another salt) is refused the same way
    copy.salt_file.write_text("another-salt\n")
    copy.salt_file.chmod(0o600)
    line = _error_line(copy.dbt("run", "--select", "dim_customer", check=False), "PII salt changed")
    assert str(copy.salt_file) in line and fingerprint("another-salt") in line
    assert copy.hashes() == first and copy.query("select count(*) from ops.dbt_invocations") == rows_before

    # the rotation, said explicitly: a new salt, every hash changes, the record names it
    copy.salt_file.unlink()
    rotated = copy.dbt("run", "--select", "dim_customer", check=False, extra_env={ROTATE: "1"})
    assert rotated.returncode == 0, rotated.stdout[-3000:]
    new_salt = copy.salt_file.read_text().strip()
    assert stat.S_IMODE(copy.salt_file.stat().st_mode) == 0o600
    assert all(digest != first[key] for key, digest in copy.hashes().items() if digest)
    assert copy.query(
        "select pii_salt_fingerprint from ops.dbt_invocations order by started_at desc limit 1"
    ) == [(fingerprint(new_salt),)]
    copy.dbt("run", "--select", "dim_customer")  # the new salt is now the warehouse's
