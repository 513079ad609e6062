"""`python -m aethermart.dbt_schedule <dbt arguments>`: dbt's own command line, with the
nodes that are ready to run started longest remaining path first.

dbt runs a node once its parents (and, in `dbt build`, their tests) are done, and among the
ready nodes it starts the shallowest first (`GraphQueue._get_scores`: the graph depth).
On two threads that leaves the chain that sets a build's length waiting behind side
branches. In the sync's build at scale 10 after 100 new MariaDB orders, the tests of
`slv_mariadb_orders__checked` - which the next model of the orders chain waits for - were
started 1.1 s after it finished, behind `slv_customers`, `slv_events` and `slv_reviews`,
which lead nowhere near as far. Here a node's score is the seconds of the longest path from
it to the end of the selection: its own seconds plus the longest of its children's, from
the node seconds the builds before recorded (``AETHERMART_NODE_SECONDS``: a JSON object
{unique id: seconds}; a node not timed yet counts as the median of the timed ones, or 1 s
when none is). The same nodes run, with the same dependencies; only the order among ready
ones changes. Replaying that build's node seconds on two threads: 31.9 s in dbt's order,
30.7 s longest path first (the longest path alone is 29.4 s).

When dbt's queue is not the one this was written for (a `_get_scores(graph)` method, the
dbt-core 1.11 series), dbt runs with its own order and a note says so.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NODE_SECONDS_ENV", "longest_path_scores", "main", "node_seconds", "record_node_seconds"]

NODE_SECONDS_ENV = "AETHERMART_NODE_SECONDS"


def longest_path_scores(graph: nx.DiGraph, seconds: Mapping[str, float]) -> dict[str, int]:
    """Each node's priority for dbt's queue (lower starts first): minus the milliseconds of
    the longest path from it to a node without children, its own seconds included."""
    import networkx as nx

    timed = [s for s in seconds.values() if s > 0]
    default = statistics.median(timed) if timed else 1.0
    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        own = seconds.get(node, default)
        remaining[node] = own + max((remaining[child] for child in graph.successors(node)), default=0.0)
    return {node: -round(length * 1000) for node, length in remaining.items()}


def node_seconds(path: Path | None) -> dict[str, float]:
    """The recorded node seconds at ``path`` ({} when there are none or they do not read)."""
    if path is None:
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float) and v >= 0}


def record_node_seconds(path: Path, run_results: Mapping) -> int:
    """Add the seconds of every node a dbt run timed (its run_results.json, parsed) to the
    record at ``path``, keeping the nodes it did not run; returns how many it added."""
    recorded = node_seconds(path)
    added = 0
    for result in run_results.get("results", []):
        took = result.get("execution_time")
        if result.get("unique_id") and isinstance(took, int | float) and result.get("status") != "skipped":
            recorded[result["unique_id"]] = round(float(took), 3)
            added += 1
    if added:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(recorded, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    return added


def _install(seconds: dict[str, float]) -> bool:
    """Give dbt's graph queue the longest-path scores; False when its queue has no
    `_get_scores(graph)` to replace."""
    try:
        from dbt.graph.queue import GraphQueue
    except ImportError:
        return False
    original = getattr(GraphQueue, "_get_scores", None)
    if original is None:
        return False

    def _get_scores(self, graph: nx.DiGraph) -> dict[str, int]:
        return longest_path_scores(graph, seconds)

    GraphQueue._get_scores = _get_scores
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = os.environ.get(NODE_SECONDS_ENV)
    seconds = node_seconds(Path(path) if path else None)
    if not _install(seconds):
        print(
            "aethermart: note: dbt's graph queue has no _get_scores to replace: "
            "nodes start in dbt's own order",
            file=sys.stderr,
        )
    from dbt.cli.main import cli

    # click's standalone mode ends the process with dbt's exit code, as the `dbt` script does
    cli.main(args=args, prog_name="dbt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
