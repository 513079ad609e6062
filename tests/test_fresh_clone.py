"""A newcomer's first two minutes: clone the repository and run `make demo`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_make_demo_works_on_a_fresh_clone(tmp_path):
    if not (REPO / ".git").exists():
        pytest.fail("this test clones the repository: run it from a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AETHERMART_", "VIRTUAL_ENV", "DBT_"))}
    env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":") if "/.venv/" not in p)
    proc = subprocess.run(["make", "demo", "DEMO_SCALE=0.01"], cwd=clone, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    assert "Outputs:" in proc.stdout
    warehouse = clone / "data" / "aethermart.duckdb"
    assert (clone / "target" / "static_index.html").stat().st_size > 100_000
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select count(*) from bronze.brz_pos__orderlines").fetchone()[0]
        landed = con.execute(
            "select count(distinct _source_file) from bronze.brz_pos__orderlines").fetchone()[0]
    assert rows > 400 and landed == 6
    assert str(Path("data/landing")) in proc.stdout
