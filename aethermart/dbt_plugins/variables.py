"""Base of the dbt-duckdb plugins that set DuckDB variables on every connection and cursor.

dbt-duckdb opens a cursor per node, and a DuckDB variable belongs to one connection, so each
plugin sets its variables in ``configure_connection`` and ``configure_cursor`` alike.

The value goes in as a quoted SQL literal, not a bound parameter: DuckDB's Python client
imports numpy and pandas the first time a statement binds a Python value (~1.3–2.8 s here).
A dbt command that calls none of our Python UDFs (docs generate, source freshness, tests of
gold) then never imports them; the first UDF call still does, when pandas is installed.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from aethermart.sql import sql_string

__all__ = ["VariablesPlugin"]


class VariablesPlugin(BasePlugin):
    def variables(self) -> dict[str, str]:
        """The variables (name -> value) to set; read at connect time."""
        raise NotImplementedError

    def _set(self, con) -> None:
        for name, value in self.variables().items():
            con.execute(f"set variable {name} = {sql_string(value)}")

    def configure_connection(self, conn) -> None:
        self._set(conn)

    def configure_cursor(self, cursor) -> None:
        self._set(cursor)
