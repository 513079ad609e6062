"""`python -m aethermart.dbt_schedule <dbt arguments>`: dbt's own command line, with each
free thread given the ready node that has the longest remaining path.

dbt runs a node once its parents (and, in `dbt build`, their tests) are done. Its main loop
takes every node that becomes ready off its queue at once (shallowest first: the graph
depth) and hands it to the thread pool, whose own queue is first come, first served. On two
threads that leaves the chain that sets a build's length waiting behind side branches that
happened to become ready a moment earlier. In the sync's build at scale 10 after 100 new
MariaDB orders, `slv_mariadb_order_items__checked` (the longest node of the orders chain,
6.8 s) started 1.2 s after it was ready, behind `slv_events` and `slv_customers`. Here
  * the main loop takes a node off dbt's queue only when one of the run's threads is free
    (`GraphQueue.get` waits while as many nodes as threads are in progress), so the choice
    is made when a thread can start it, among everything ready then;
  * a node's priority is the seconds of the longest path from it to the end of the
    selection: its own seconds plus the longest of its children's, from the node seconds
    the builds before recorded (``AETHERMART_NODE_SECONDS``: a JSON object {unique id:
    seconds}; a node not timed yet counts as the median of the timed ones, 1 s when none is).
The same nodes run, with the same dependencies; only which ready node starts next changes.
Replaying that build's node seconds on two threads: 32.3 s in dbt's order (it took 31.8 s), 29.9 s longest
path first (the longest path alone is 28.4 s).

This replaces two methods of dbt-core's graph queue and wraps one of its task runner, so it
is used only with the dbt-core series it was written for (`SUPPORTED_DBT`); with any other,
dbt runs as it is and a note says so.
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
# the dbt-core series whose graph queue and task runner _install replaces parts of
SUPPORTED_DBT = "1.11."


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
    """Make dbt's graph queue start the longest remaining path first on each free thread;
    False (dbt left as it is) when dbt-core is not of the series this was written for."""
    try:
        from dbt.graph.queue import GraphQueue
        from dbt.task.runnable import GraphRunnableTask
        from dbt.version import __version__
    except ImportError:
        return False
    if not __version__.startswith(SUPPORTED_DBT) or not all(
        callable(getattr(cls, name, None))
        for cls, name in (
            (GraphQueue, "_get_scores"),
            (GraphQueue, "get"),
            (GraphRunnableTask, "execute_nodes"),
        )
    ):
        return False
    threads = [0]  # the running task's threads (its config), known when it starts its nodes
    execute_nodes, get = GraphRunnableTask.execute_nodes, GraphQueue.get

    def _get_scores(self, graph: nx.DiGraph) -> dict[str, int]:
        return longest_path_scores(graph, seconds)

    def _execute_nodes(self):
        threads[0] = int(self.config.threads or 0)
        return execute_nodes(self)

    def _get(self, block: bool = True, timeout: float | None = None):
        # a node is taken off the queue only when a thread can start it (mark_done, called
        # when a node's result is handled, notifies some_task_done)
        if threads[0] > 0:
            with self.lock:
                while len(self.in_progress) >= threads[0]:
                    self.some_task_done.wait(1.0)
        return get(self, block=block, timeout=timeout)

    GraphQueue._get_scores = _get_scores
    GraphQueue.get = _get
    GraphRunnableTask.execute_nodes = _execute_nodes
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = os.environ.get(NODE_SECONDS_ENV)
    seconds = node_seconds(Path(path) if path else None)
    if not _install(seconds):
        print(
            f"aethermart: note: nodes start in dbt's own order (the longest-path order is written "
            f"for dbt-core {SUPPORTED_DBT}x)",
            file=sys.stderr,
        )
    from dbt.cli.main import cli

    # click's standalone mode ends the process with dbt's exit code, as the `dbt` script does
    cli.main(args=args, prog_name="dbt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
