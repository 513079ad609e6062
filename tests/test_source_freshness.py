"""`dbt source freshness` reads the landing zone: POS by its newest drop's load_date,
MariaDB by extraction time, events by event time, with warn/error windows from vars."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, DbtProject

SOURCES = 14  # 15 sources; the optional Product_Attributes has no freshness of its own


def _freshen_all_but_pos(landing: Path, now: datetime) -> None:
    """Extractions and events as of an hour ago; POS keeps the sample's 2025 drops."""
    extraction_id = (now - timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    for table in (landing / "mariadb").iterdir():
        for folder in table.glob("extraction_id=*"):
            manifest = json.loads((folder / "_manifest.json").read_text())
            finished = (now - timedelta(minutes=50)).isoformat()
            manifest.update(extraction_id=extraction_id, finished_at=finished)
            (folder / "_manifest.json").write_text(json.dumps(manifest))
            folder.rename(table / f"extraction_id={extraction_id}")
    day = landing / "events" / f"date={now:%Y-%m-%d}"
    day.mkdir(parents=True, exist_ok=True)
    event = {
        "event_id": "ev-fresh",
        "customer_id": None,
        "session_id": "s-fresh",
        "event_type": "page_view",
        "occurred_at": (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
        "page": {"url": "/", "title": "AetherMart"},
        "device": {"type": "desktop"},
    }
    future = {**event, "event_id": "ev-future", "occurred_at": "2099-01-01T00:00:00Z"}  # dirt: not counted
    (day / "fresh.jsonl").write_text(json.dumps(event) + "\n" + json.dumps(future) + "\n{broken\n")


def _statuses(project: DbtProject) -> dict[str, str]:
    results = json.loads((project.target / "sources.json").read_text())["results"]
    return {r["unique_id"].split(".", 2)[2]: r["status"] for r in results}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> DbtProject:
    work = tmp_path_factory.mktemp("freshness")
    landing = work / "landing zone"  # a space, and an absolute path: joined at run time
    shutil.copytree(SAMPLE, landing)
    _freshen_all_but_pos(landing, datetime.now(UTC))
    return DbtProject(landing, work)


def test_an_old_pos_drop_is_stale_and_the_rest_fresh(project):
    proc = project.dbt("source", "freshness", check=False)
    assert proc.returncode == 1, proc.stdout[-3000:]
    statuses = _statuses(project)
    assert len(statuses) == SOURCES
    assert {name for name, status in statuses.items() if status == "error"} == {
        f"pos.{entity}" for entity in ("product", "city", "customer", "order", "orderline")
    }
    assert set(statuses.values()) == {"error", "pass"}
    assert "ERROR STALE freshness of pos.orderline" in proc.stdout


def test_the_windows_are_vars_per_source_system(project):
    proc = project.dbt(
        "source", "freshness", "--vars", "{pos_freshness_error_after_hours: 1000000}", check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    statuses = _statuses(project)
    assert {name for name, status in statuses.items() if status == "warn"} == {
        f"pos.{entity}" for entity in ("product", "city", "customer", "order", "orderline")
    }
    assert "WARN freshness of pos.product" in proc.stdout
    proc = project.dbt(
        "source",
        "freshness",
        "--select",
        "source:events",
        "source:mariadb",
        "--vars",
        "{freshness_warn_after_hours: 0, freshness_error_after_hours: 1000000}",
        check=False,
    )
    assert proc.returncode == 0 and set(_statuses(project).values()) == {"warn"}, proc.stdout[-3000:]


def test_a_new_pos_drop_is_fresh(project, tmp_path):
    fresh = DbtProject(tmp_path / "landing", tmp_path / "work")
    shutil.copytree(project.landing, fresh.landing)
    drops = sorted((fresh.landing / "pos").glob("load_date=*"))
    drops[-1].rename(drops[-1].with_name(f"load_date={datetime.now(UTC):%Y-%m-%d}"))
    proc = fresh.dbt("source", "freshness", check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    statuses = _statuses(fresh)
    assert len(statuses) == SOURCES and set(statuses.values()) == {"pass"}


def test_a_switched_off_source_system_says_so(project):
    proc = project.dbt(
        "source",
        "freshness",
        "--select",
        "source:pos.product",
        "--vars",
        "{enabled_sources: [mariadb, events]}",
        check=False,
    )
    assert proc.returncode == 1
    assert "source system pos is switched off" in proc.stdout
    assert (
        "dbt source freshness --select source:mariadb source:mariadb_extractions source:events" in proc.stdout
    )


def test_a_mariadb_table_checked_unchanged_is_fresh(project, tmp_path):
    """An extraction run that finds a table unchanged does not land it again but records
    `checked_at` in its newest manifest: that check is the table's freshness."""
    fresh = DbtProject(tmp_path / "landing", tmp_path / "work")
    shutil.copytree(project.landing, fresh.landing)
    now = datetime.now(UTC)
    old = (now - timedelta(days=30)).strftime("%Y%m%dT%H%M%SZ")
    for table, checked in (("Categories", now - timedelta(hours=1)), ("Suppliers", None)):
        (folder,) = (fresh.landing / "mariadb" / table).glob("extraction_id=*")
        manifest = json.loads((folder / "_manifest.json").read_text())
        manifest["extraction_id"] = old
        if checked is not None:
            manifest["checked_at"] = checked.strftime("%Y%m%dT%H%M%SZ")
        (folder / "_manifest.json").write_text(json.dumps(manifest))
        folder.rename(folder.with_name(f"extraction_id={old}"))
    proc = fresh.dbt("source", "freshness", "--select", "source:mariadb", check=False)
    statuses = _statuses(fresh)
    assert statuses["mariadb.Categories"] == "pass", proc.stdout[-3000:]
    assert statuses["mariadb.Suppliers"] == "error"  # 30 days since it was last read
    assert {statuses[f"mariadb.{t}"] for t in ("Customers", "Orders", "Reviews")} == {"pass"}
