"""dbt-duckdb plugin (registered in profiles.yml): our own readers of landed text files, as
SQL functions: the record count, and the recovery of records that are not UTF-8.

Registers ``aethermart_count_records(path, quote, delimiter, header, skip_blank_lines)`` on
the connection dbt opens (its cursors see it too), returning
``STRUCT(records BIGINT, longest_record BIGINT, longest_record_bytes BIGINT)`` from
``aethermart.dbt_plugins.csv_count.count_records``. The rejects models' pre-hook
(``collect_csv_rejects``) calls it once per landed file; ``record_accounting`` compares it
with DuckDB's parsed rows and rejects.

Registers ``aethermart_recover_record(path, position, quote, delimiter, columns)``, returning
the JSON of ``aethermart.dbt_plugins.csv_recover.recover_record`` (the record decoded as
Windows-1252, its fields and its original bytes as hex) or NULL; the rejects models call
it for records the reader rejected as INVALID ENCODING, and bronze reads them from there.

Registers ``aethermart_header_line(path)``: a CSV file's first line decoded the same way
(``aethermart.dbt_plugins.csv_recover.header_line``), or NULL; ``landing_file_layouts`` maps a
header that is not UTF-8 (Windows-1252) with it.
"""

from __future__ import annotations

from dataclasses import asdict

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import sqltypes

from aethermart.dbt_plugins import register_once
from aethermart.dbt_plugins.csv_count import count_records
from aethermart.dbt_plugins.csv_recover import header_line, recover_record

__all__ = ["FUNCTION_NAME", "HEADER_FUNCTION_NAME", "RECOVER_FUNCTION_NAME", "Plugin", "register"]

FUNCTION_NAME = "aethermart_count_records"
RECOVER_FUNCTION_NAME = "aethermart_recover_record"
HEADER_FUNCTION_NAME = "aethermart_header_line"
_RESULT = sqltypes.DuckDBPyType("STRUCT(records BIGINT, longest_record BIGINT, longest_record_bytes BIGINT)")


def _count(path: str, quote: str, delimiter: str, header: bool, skip_blank_lines: bool) -> dict:
    try:
        counted = count_records(
            path, quote=quote, delimiter=delimiter, header=header, skip_blank_lines=skip_blank_lines
        )
    except OSError as exc:
        raise OSError(f"cannot count the records of {path}: {exc.strerror or exc}") from exc
    return asdict(counted)


def register(con) -> None:
    """Create the function on a DuckDB connection (also used by tests)."""
    con.create_function(
        FUNCTION_NAME,
        _count,
        [sqltypes.VARCHAR, sqltypes.VARCHAR, sqltypes.VARCHAR, sqltypes.BOOLEAN, sqltypes.BOOLEAN],
        _RESULT,
        side_effects=True,
    )
    con.create_function(
        RECOVER_FUNCTION_NAME,
        _recover,
        [sqltypes.VARCHAR, sqltypes.UBIGINT, sqltypes.VARCHAR, sqltypes.VARCHAR, sqltypes.INTEGER],
        # NULL out: the record is not one to recover (valid UTF-8, or another field count)
        sqltypes.VARCHAR,
        null_handling="special",
        side_effects=True,
    )
    con.create_function(
        HEADER_FUNCTION_NAME,
        _header,
        [sqltypes.VARCHAR],
        sqltypes.VARCHAR,
        null_handling="special",
        side_effects=True,
    )


def _recover(
    path: str | None, position: int | None, quote: str | None, delimiter: str | None, columns: int | None
) -> str | None:
    if None in (path, position, quote, delimiter, columns):
        return None
    try:
        return recover_record(path, position, quote, delimiter, columns)
    except OSError as exc:
        raise OSError(f"cannot re-read a rejected record of {path}: {exc.strerror or exc}") from exc


def _header(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return header_line(path)
    except OSError as exc:
        raise OSError(f"cannot read the header of {path}: {exc.strerror or exc}") from exc


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register_once(register, conn)
