"""dbt-duckdb plugin (registered in profiles.yml): our own record count, as a SQL function.

Registers ``aethermart_count_records(path, quote, delimiter, header, skip_blank_lines)`` on
the connection dbt opens (its cursors see it too), returning
``STRUCT(records BIGINT, longest_record BIGINT, longest_record_bytes BIGINT)`` from
``aethermart.record_count.count_records``. The rejects models' pre-hook
(``collect_csv_rejects``) calls it once per landed file; ``record_accounting`` compares it
with DuckDB's parsed rows and rejects.
"""

from __future__ import annotations

from dataclasses import asdict

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import sqltypes

from aethermart.record_count import count_records

__all__ = ["FUNCTION_NAME", "Plugin", "register"]

FUNCTION_NAME = "aethermart_count_records"
_RESULT = sqltypes.DuckDBPyType("STRUCT(records BIGINT, longest_record BIGINT, longest_record_bytes BIGINT)")


def _count(path: str, quote: str, delimiter: str, header: bool, skip_blank_lines: bool) -> dict:
    try:
        counted = count_records(path, quote=quote, delimiter=delimiter, header=header,
                                skip_blank_lines=skip_blank_lines)
    except OSError as exc:
        raise OSError(f"cannot count the records of {path}: {exc.strerror or exc}") from None
    return asdict(counted)


def register(con) -> None:
    """Create the function on a DuckDB connection (also used by tests)."""
    con.create_function(
        FUNCTION_NAME, _count,
        [sqltypes.VARCHAR, sqltypes.VARCHAR, sqltypes.VARCHAR, sqltypes.BOOLEAN, sqltypes.BOOLEAN], _RESULT,
        side_effects=True,
    )


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register(conn)
