"""Replay the SQL of a dbt run without dbt, and time it per model.

``python -m bench.replay_dbt_log LOG DUCKDB [--salt S] [--repeat N]`` reads the debug log of
a ``dbt run`` (``logs/dbt.log``: every statement dbt sent, hooks and bucket passes included),
runs the statements of every model node, in the logged order, on one DuckDB connection to
``DUCKDB`` (a copy of the warehouse as it was before that run: the statements rename the
existing tables to backups), with the project's plugin functions registered and the PII
salt variables set, and prints the seconds per model and the total. It answers "how long
does our SQL take, without dbt's own overhead"; the statements are not changed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

__all__ = ["main", "model_statements", "replay"]

_ESC = "\x1b[0m"
_LINE = re.compile(r"^(?:\x1b\[0m)?\d\d:\d\d:\d\d\.\d+ \[\w+\s*\] \[[^\]]*\]: (.*)$")
_ON_NODE = re.compile(r"^On (model\.[\w.]+): (.*)$", re.S)


def model_statements(log_text: str) -> list[tuple[str, str]]:
    """(node name, SQL) of every statement dbt sent for a model, in the logged order."""
    statements: list[tuple[str, str]] = []
    current: tuple[str, list[str]] | None = None

    def flush() -> None:
        if current is not None:
            sql = "\n".join(current[1]).strip()
            if sql:
                statements.append((current[0], sql))

    for line in log_text.splitlines():
        head = _LINE.match(line)
        if head is None:
            if current is not None:
                current[1].append(line)
            continue
        flush()
        current = None
        on_node = _ON_NODE.match(head.group(1))
        if on_node:
            node = on_node.group(1).split(".")[-1]
            first = on_node.group(2)
            if first.startswith("/*") and "*/" in first:
                first = first.split("*/", 1)[1]
            current = (node, [first])
    flush()
    skipped = ("BEGIN", "COMMIT", "CLOSE")  # dbt's transaction markers and connection closes
    return [(node, sql) for node, sql in statements if sql.strip().upper() not in skipped]


def replay(statements: list[tuple[str, str]], duckdb_path: str, salt: str) -> dict[str, tuple[float, float]]:
    """Run the statements on one connection; (wall, CPU) seconds per model node, in first-seen
    order. CPU is this process's, DuckDB's threads included: on a shared machine it is the
    steadier figure."""
    import duckdb

    from aethermart import settings
    from aethermart.dbt_plugins import landing_guard, pii_salt, record_count

    seconds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    con = duckdb.connect(duckdb_path, config={"memory_limit": settings.memory_limit()})  # as our dbt runs
    try:
        con.execute("set timezone = 'UTC'")
        record_count.register(con)
        landing_guard._register(con)
        for name, value in (
            (pii_salt.SALT_VARIABLE, salt),
            (pii_salt.SALT_SOURCE_VARIABLE, "env"),
            ("aethermart_pii_salt_fingerprint", pii_salt.fingerprint(salt)),
        ):
            con.execute(f"set variable {name} = ?", [value])
        for node, sql in statements:
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(sql)
            seconds[node][0] += time.perf_counter() - wall
            seconds[node][1] += time.process_time() - cpu
    finally:
        con.close()
    return {node: (wall, cpu) for node, (wall, cpu) in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", type=Path, help="debug log of a dbt run (logs/dbt.log)")
    parser.add_argument("duckdb", help="the warehouse as it was before that run (a copy: it is changed)")
    parser.add_argument("--salt", default="", help="PII salt the run used ($AETHERMART_PII_SALT)")
    args = parser.parse_args(argv)
    statements = model_statements(args.log.read_text(encoding="utf-8", errors="replace"))
    if not statements:
        print(f"{args.log}: no model statements found (the debug log of a dbt run?)", file=sys.stderr)
        return 1
    seconds = replay(statements, args.duckdb, args.salt)
    print(f"{'wall_s':>8}  {'cpu_s':>8}  model")
    for node, (wall, cpu) in sorted(seconds.items(), key=lambda item: -item[1][1]):
        print(f"{wall:8.3f}  {cpu:8.3f}  {node}")
    total_wall = sum(wall for wall, _ in seconds.values())
    total_cpu = sum(cpu for _, cpu in seconds.values())
    print(f"{total_wall:8.3f}  {total_cpu:8.3f}  total ({len(seconds)} models, {len(statements)} statements)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
