"""Are two builds the same? Every silver and gold table of two DuckDB warehouses, compared.

    python -m bench.compare_warehouses BEFORE.duckdb AFTER.duckdb

For each table of schemas silver and gold in BEFORE: the same columns in the same order
with the same types in AFTER, and no row of one missing from the other (``except all``
both ways, so duplicates count). Prints one line per table and exits 1 when any differs.
Used to show that a change made the SQL faster without changing any output:
build main and the branch on the same landing zone (same PII salt), then compare.
"""

from __future__ import annotations

import sys

__all__ = ["compare", "main"]


def _columns(con, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        """
        select column_name, data_type from duckdb_columns()
        where database_name = ? and schema_name = ? and table_name = ?
        order by column_index
    """,
        [catalog, schema, table],
    ).fetchall()


def compare(before: str, after: str) -> list[str]:
    """One line per table; lines of differing tables start with ``DIFF``."""
    import duckdb

    con = duckdb.connect()
    for alias, path in (("a", before), ("b", after)):
        quoted = path.replace("'", "''")
        con.execute(f"attach '{quoted}' as {alias} (read_only)")
    tables = con.execute("""
        select schema_name, table_name from duckdb_tables()
        where database_name = 'a' and schema_name in ('silver', 'gold') order by all
    """).fetchall()
    lines = []
    for schema, table in tables:
        if _columns(con, "a", schema, table) != _columns(con, "b", schema, table):
            lines.append(f"DIFF {schema}.{table}: columns or types differ")
            continue
        rows = con.execute(f'select count(*) from a.{schema}."{table}"').fetchone()[0]
        only_a, only_b = (
            con.execute(
                f'select count(*) from (select * from {x}.{schema}."{table}" except all '
                f'select * from {y}.{schema}."{table}")'
            ).fetchone()[0]
            for x, y in (("a", "b"), ("b", "a"))
        )
        status = "same" if only_a == only_b == 0 else "DIFF"
        lines.append(f"{status} {schema}.{table}: {rows} rows, {only_a} only before, {only_b} only after")
    con.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m bench.compare_warehouses BEFORE.duckdb AFTER.duckdb", file=sys.stderr)
        return 2
    lines = compare(*args)
    differing = [line for line in lines if not line.startswith("same")]
    print("\n".join(lines))
    print(f"{len(lines)} tables, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
