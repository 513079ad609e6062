"""The one way Python code here puts a text value into SQL: as a quoted string literal.

Prefer bound parameters (``con.execute(sql, [value])``); use ``sql_string`` only where
DuckDB takes no parameter (``copy … to``, table functions inside a view definition). The
dbt side has the same helper as the macro ``sql_string``.
"""

from __future__ import annotations

from os import PathLike

__all__ = ["sql_string"]


def sql_string(value: str | PathLike) -> str:
    """``value`` as a DuckDB string literal: in single quotes, each quote doubled.

    Standard (not ``e'…'``) literals treat every other character, backslash and newline
    included, as itself; a NUL cannot occur in a path and is refused elsewhere."""
    text = str(value)
    if "\x00" in text:
        raise ValueError("a SQL string literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"
