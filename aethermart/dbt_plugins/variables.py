"""Base of the dbt-duckdb plugins that set DuckDB variables on every connection and cursor.

dbt-duckdb opens a cursor per node, and a DuckDB variable belongs to one connection, so each
plugin sets its variables in ``configure_connection`` and ``configure_cursor`` alike.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

__all__ = ["VariablesPlugin"]


class VariablesPlugin(BasePlugin):
    def variables(self) -> dict[str, str]:
        """The variables (name -> value) to set; read at connect time."""
        raise NotImplementedError

    def _set(self, con) -> None:
        for name, value in self.variables().items():
            con.execute(f"set variable {name} = ?", [value])

    def configure_connection(self, conn) -> None:
        self._set(conn)

    def configure_cursor(self, cursor) -> None:
        self._set(cursor)
