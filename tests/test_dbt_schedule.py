"""aethermart.dbt_schedule: ready nodes start longest remaining path first (the sync's builds)."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx

from aethermart.dbt_schedule import NODE_SECONDS_ENV, longest_path_scores, node_seconds, record_node_seconds
from tests.conftest import REPO, DbtProject


def test_the_longer_remaining_path_starts_first():
    # b and d are ready together once a is done; dbt gives both depth 1 and starts b (by
    # name), the head of the deeper chain; d alone takes longer than b -> c: it starts first
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d")])
    scores = longest_path_scores(graph, {"a": 1.0, "b": 1.0, "c": 1.0, "d": 5.0})
    assert scores == {"a": -6000, "b": -2000, "c": -1000, "d": -5000}
    assert sorted(["b", "d"], key=lambda n: (scores[n], n)) == ["d", "b"]


def test_an_untimed_node_counts_as_the_median_of_the_timed_ones():
    graph = nx.DiGraph([("a", "b"), ("a", "new")])
    scores = longest_path_scores(graph, {"a": 1.0, "b": 3.0, "other": 2.0})
    assert scores["new"] == -2000  # median of 1, 3, 2
    assert longest_path_scores(nx.DiGraph([("x", "y")]), {}) == {"x": -2000, "y": -1000}


def test_recorded_seconds_keep_the_nodes_a_run_did_not_time(tmp_path):
    path = tmp_path / "seconds.json"
    path.write_text(json.dumps({"model.p.kept": 2.5, "model.p.old": 9.0}))
    run = {
        "results": [
            {"unique_id": "model.p.old", "status": "success", "execution_time": 1.23456},
            {"unique_id": "model.p.new", "status": "pass", "execution_time": 0.5},
            {"unique_id": "model.p.skipped", "status": "skipped", "execution_time": 0.0},
        ]
    }
    assert record_node_seconds(path, run) == 2
    assert node_seconds(path) == {"model.p.kept": 2.5, "model.p.old": 1.235, "model.p.new": 0.5}
    path.write_text("not json")
    assert node_seconds(path) == {}
    assert node_seconds(None) == {}


def _seed_order(project: DbtProject, seconds_file) -> list[str]:
    env = {**project.env(), NODE_SECONDS_ENV: str(seconds_file)}
    args = ["seed", "--threads", "1", "--target-path", str(project.target), "--log-path", str(project.workdir)]
    proc = subprocess.run(
        [sys.executable, "-m", "aethermart.dbt_schedule", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    results = json.loads((project.target / "run_results.json").read_text())["results"]
    return [r["unique_id"].rsplit(".", 1)[-1] for r in results if r["unique_id"].startswith("seed.")]


def test_dbt_runs_the_seeds_in_the_recorded_order(tmp_path, sample_copy):
    """A real dbt seed on one thread: the four seeds are all ready at once, so dbt's own
    order is by name; with recorded seconds the slowest starts first."""
    project = DbtProject(sample_copy, tmp_path / "work")
    project.workdir.mkdir()
    untimed = _seed_order(project, tmp_path / "none.json")
    assert untimed == sorted(untimed)
    seconds = tmp_path / "seconds.json"
    recorded = {"us_states": 9.0, "product_category_keywords": 5.0, "placeholder_email_patterns": 0.2}
    seconds.write_text(json.dumps({f"seed.aethermart.{name}": s for name, s in recorded.items()}))
    # event_types, not timed, counts as the median of the three: 5 s, after the 5 s one by name
    timed = _seed_order(project, seconds)
    assert timed == ["us_states", "event_types", "product_category_keywords", "placeholder_email_patterns"]
