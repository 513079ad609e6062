"""A newcomer's first two minutes: clone the repository and run `make demo`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pymongo
import pytest

from tests.conftest import REPO
from tools.local_ferretdb import LocalFerretDB

COLLECTIONS = {
    "customer_profiles": "doc_customer_profiles",
    "customer_purchase_history": "doc_customer_purchase_history",
    "product_catalog": "doc_product_catalog",
    "product_sales": "doc_product_sales",
    "reviews": "doc_reviews",
}


def _processes_under(folder: Path) -> list[str]:
    """Command lines of running processes that name ``folder`` (a server the demo left behind)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in args:
            found.append(args)
    return found


def _printed_profile(stdout: str) -> dict:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("One document of customer_profiles"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "}")
    return json.loads("\n".join(lines[start + 1 : end + 1]))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo DEMO_SCALE=0.01` in a fresh clone, with a clean environment (the FerretDB
    binary of this checkout is copied in when it is built, so the clone need not build it)."""
    if not (REPO / ".git").exists():
        pytest.fail("this test clones the repository: run it from a git checkout")
    clone = tmp_path_factory.mktemp("fresh") / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    if (REPO / ".cache" / "ferretdb").is_dir():
        shutil.copytree(
            REPO / ".cache" / "ferretdb", clone / ".cache" / "ferretdb", copy_function=shutil.copy
        )  # a new mtime: newer than the clone's go.mod
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AETHERMART_", "VIRTUAL_ENV", "DBT_", "MONGODB_"))
    }
    env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":") if "/.venv/" not in p)
    proc = subprocess.run(
        ["make", "demo", "DEMO_SCALE=0.01"], cwd=clone, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    return clone, env, proc


@pytest.mark.slow
def test_make_demo_works_on_a_fresh_clone(demo):
    clone, _, proc = demo
    assert "Outputs:" in proc.stdout
    warehouse = clone / "data" / "aethermart.duckdb"
    assert (clone / "target" / "static_index.html").stat().st_size > 100_000
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select count(*) from bronze.brz_pos__orderlines").fetchone()[0]
        landed = con.execute(
            "select count(distinct _source_file) from bronze.brz_pos__orderlines"
        ).fetchone()[0]
    assert rows > 400 and landed == 6
    assert str(Path("data/landing")) in proc.stdout


@pytest.mark.slow
def test_the_demo_shows_mongodb_freshness_and_quality(demo):
    """The five collections are exported to a FerretDB the demo starts and stops; the counts
    it prints are the server's and gold's; the profile it prints is masked as gold is."""
    clone, _, proc = demo
    outputs = proc.stdout[proc.stdout.index("Outputs:") :]
    assert "MongoDB collections               5 collections in aethermart in " in outputs, outputs
    assert "demo: stopped the FerretDB it started" in proc.stderr
    assert not _processes_under(clone), "the demo left a server running"
    with duckdb.connect(str(clone / "data" / "aethermart.duckdb"), read_only=True) as con:
        gold = {
            name: con.execute(f"select count(*) from gold.{model}").fetchone()[0]
            for name, model in COLLECTIONS.items()
        }
    printed = {
        m[1]: int(m[2].replace(",", ""))
        for m in re.finditer(r"^  (\w+) +([\d,]+) documents$", proc.stdout, re.MULTILINE)
    }
    with (
        LocalFerretDB(clone / "data" / "services" / "ferretdb") as server,
        pymongo.MongoClient(server.uri) as client,
    ):
        served = {name: client.aethermart[name].count_documents({}) for name in COLLECTIONS}
        profile = _printed_profile(proc.stdout)
        stored = client.aethermart.customer_profiles.find_one({"_id": profile["_id"]})
    assert served == gold == printed and min(gold.values()) > 0, (served, gold, printed)
    identity = profile["identity"]
    assert set(identity) == {
        "first_name",
        "last_name",
        "email_masked",
        "email_sha256",
        "phone_masked",
        "birth_year",
    }
    assert re.fullmatch(r"[^@*]\*\*\*@[\w.-]+", identity["email_masked"])
    assert re.fullmatch(r"[0-9a-f]{64}", identity["email_sha256"])
    assert identity["phone_masked"] and "*" in identity["phone_masked"]
    assert identity == stored["identity"]
    assert "freshness of pos.orderline" in proc.stdout and "ERROR STALE" in proc.stdout
    assert "Data quality of the last build" in proc.stdout
    assert "did not finish successfully" not in proc.stdout  # freshness is no build
    assert "lineage docs                      target/static_index.html" in outputs


@pytest.mark.slow
def test_the_demo_can_keep_its_server_and_honours_mongodb_uri(demo):
    """KEEP_SERVICES=1 leaves the server running for `make services-stop`, printing the
    export line; with MONGODB_URI set the demo exports there and starts nothing."""
    clone, env, _ = demo
    dry = subprocess.run(
        ["make", "-n", "demo", "KEEP_SERVICES=1"], cwd=clone, env=env, capture_output=True, text=True
    )
    assert "tools.mongo_demo --summary data/.demo_mongodb --keep-server" in dry.stdout
    python = str(clone / ".venv" / "bin" / "python")
    kept = subprocess.run(
        [python, "-m", "tools.mongo_demo", "--keep-server", "--quiet"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    try:
        assert kept.returncode == 0, kept.stderr[-3000:]
        uri = re.search(
            r"^export MONGODB_URI='(mongodb://127\.0\.0\.1:\d+/aethermart)'$", kept.stdout, re.MULTILINE
        )[1]
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
            assert client.aethermart.reviews.count_documents({}) > 0
        elsewhere = {**env, "MONGODB_URI": uri.replace("/aethermart", "/elsewhere")}
        there = subprocess.run(
            [python, "-m", "tools.mongo_demo", "--quiet", "--summary", "s.txt"],
            cwd=clone,
            env=elsewhere,
            capture_output=True,
            text=True,
        )
        assert there.returncode == 0, there.stderr[-3000:]
        assert "started a private FerretDB" not in there.stderr
        assert "MongoDB: database elsewhere" in there.stdout
        assert (clone / "s.txt").read_text().startswith("5 collections in the database of $MONGODB_URI")
    finally:
        stop = subprocess.run(
            [python, "-m", "tools.services", "stop"], cwd=clone, env=env, capture_output=True, text=True
        )
    assert "services: ferretdb stopped" in stop.stderr, stop.stderr
    assert not _processes_under(clone)
