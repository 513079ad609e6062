"""The one way Python code here puts a text value into SQL: as a quoted string literal
(``sql_string``), or a name as a quoted DuckDB identifier (``sql_identifier``).

Prefer bound parameters (``con.execute(sql, [value])``); use ``sql_string`` only where
DuckDB takes no parameter (``copy … to``, table functions inside a view definition). The
dbt side has the same helper as the macro ``sql_string``.
"""

from __future__ import annotations

from os import PathLike

__all__ = ["sql_identifier", "sql_string"]


def sql_string(value: str | PathLike) -> str:
    """``value`` as a DuckDB string literal: in single quotes, each quote doubled.

    Standard (not ``e'…'``) literals treat every other character, backslash and newline
    included, as itself; a NUL cannot occur in a path and is refused elsewhere."""
    text = str(value)
    if "\x00" in text:
        raise ValueError("a SQL string literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """``name`` (a column of a model) as a DuckDB identifier: in double quotes, each double
    quote doubled, so any name a model can have - spaces, quotes, keywords - names itself."""
    if "\x00" in name:
        raise ValueError("a SQL identifier cannot hold a NUL character")
    return '"' + name.replace('"', '""') + '"'
