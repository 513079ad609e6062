"""Declared column types: which MariaDB types can land as which declared type, and the cast.

A column's declared type (`data_type` in the sources YAML) is a DuckDB type. The cast runs
in DuckDB over each fetched Arrow batch, with the SQL of silver's own cleaning macros
(`macros/cleaning/*.sql`, rendered here with Jinja exactly as dbt renders them), so a text
date is read like a POS date and text money like a POS price, by one implementation:

    declared        server text (char, varchar, text, enum, set)          server typed
    integer family  parse_integer, then the declared width                 integer
    decimal(p, s)   parse_money ($, thousands separators; <= 2 decimals)   integer, decimal
    double / float  trimmed text, try_cast                                 integer, decimal, float
    date            parse_date (every POS rendering, with a time of day)   date, datetime, timestamp
    timestamp(tz)   parse_timestamp, or parse_date at midnight UTC         date, datetime, timestamp
    varchar         as is                                                  any (its text)

Blank text (empty, white space, the literal NULL) is NULL, as in silver; MariaDB zero
dates are NULL and counted as before. A value that is present but does not convert lands
as NULL and is listed in the row's `_conversion_errors` (column name and original text),
so silver quarantines the row as `unconvertible_value`.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass

import duckdb
import jinja2
import pyarrow as pa
import pyarrow.compute as pc

from aethermart.extract.errors import ExtractError
from aethermart.extract.types import ZERO_DATE_PATTERN, arrow_type, to_arrow
from aethermart.settings import PROJECT_DIR

__all__ = [
    "CONVERSION_ERRORS",
    "CONVERSION_ERRORS_TYPE",
    "BatchCaster",
    "DeclaredType",
    "LandedColumn",
    "declared_type",
    "incompatibility",
    "landed_schema",
    "server_family",
]

MACROS = PROJECT_DIR / "macros" / "cleaning"
# one macro per file; parse_date and parse_timestamp call the _-prefixed helpers
_MACRO_FILES = (
    "trim_whitespace",
    "normalize_whitespace",
    "is_blank",
    "parse_date",
    "parse_timestamp",
    "_datetime_pattern",
    "_datetime_part",
    "_hour24",
    "_parse_date_text",
    "_pivot_year",
    "_ymd",
    "parse_money",
    "parse_integer",
)
CONVERSION_ERRORS = "_conversion_errors"
CONVERSION_ERRORS_TYPE = pa.list_(pa.struct([("column", pa.string()), ("value", pa.string())]))

_TYPE_SYNTAX = re.compile(r"[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?")
_INTEGER = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
_SERVER_INTS = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
_SERVER_TEXT = {"char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set"}
_BINARY = {"binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob", "bit"}
# declared family -> server families it can be cast from
_COMPATIBLE = {
    "integer": {"integer", "text"},
    "decimal": {"integer", "decimal", "text"},
    "float": {"integer", "decimal", "float", "text"},
    "date": {"date", "timestamp", "text"},
    "timestamp": {"date", "timestamp", "text"},
    "text": {"integer", "decimal", "float", "date", "timestamp", "text", "other"},
}


@dataclass(frozen=True)
class DeclaredType:
    sql: str  # DuckDB's canonical spelling, e.g. DECIMAL(10,2)
    family: str  # integer | decimal | float | date | timestamp | text
    arrow: pa.DataType


@functools.cache
def declared_type(data_type: str) -> DeclaredType:
    """The declared type as DuckDB reads it; ExtractError when DuckDB does not know it or the
    extractor cannot cast to it."""
    supported = "integer types, decimal(p,s), double, float, date, timestamp, timestamptz, varchar"
    if not _TYPE_SYNTAX.fullmatch(data_type.strip()):
        raise ExtractError(f"data_type {data_type!r} is not a type name; use one of: {supported}")
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")
        try:
            sql = con.execute(f"select typeof(cast(null as {data_type}))").fetchone()[0]
            arrow = con.sql(f"select cast(null as {data_type}) as v").to_arrow_table().schema.field(0).type
        except duckdb.Error as exc:
            raise ExtractError(
                f"data_type {data_type!r} is not a DuckDB type; use one of: {supported}"
            ) from exc
    base = sql.split("(")[0]
    if base in _INTEGER:
        family = "integer"
    elif base == "DECIMAL":
        family = "decimal"
    elif base in ("DOUBLE", "FLOAT"):
        family = "float"
    elif base == "DATE":
        family = "date"
    elif base in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE"):
        family = "timestamp"
    elif base == "VARCHAR":
        family = "text"
    else:
        raise ExtractError(
            f"data_type {data_type!r} ({sql}) cannot be declared for a MariaDB column; "
            f"use one of: {supported}"
        )
    return DeclaredType(sql, family, arrow)


def server_family(data_type: str) -> str:
    data_type = data_type.lower()
    if data_type in _SERVER_INTS:
        return "integer"
    if data_type == "decimal":
        return "decimal"
    if data_type in ("float", "double"):
        return "float"
    if data_type == "date":
        return "date"
    if data_type in ("datetime", "timestamp"):
        return "timestamp"
    if data_type in _SERVER_TEXT:
        return "text"
    if data_type in _BINARY:
        return "binary"  # bytes: land it undeclared (as binary), never cast
    return "other"


def incompatibility(server_data_type: str, declared: DeclaredType) -> str | None:
    """Why a server column of this type cannot land as ``declared``; None when it can."""
    family = server_family(server_data_type)
    if family in _COMPATIBLE[declared.family]:
        return None
    return f"a MariaDB {server_data_type} cannot be cast to {declared.sql}"


@functools.cache
def _macros():
    source = "\n".join((MACROS / f"{name}.sql").read_text(encoding="utf-8") for name in _MACRO_FILES)

    class _Dbt:  # the one dbt cross-database macro the cleaning macros call
        @staticmethod
        def type_string() -> str:
            return "varchar"

    # parse_date and parse_timestamp are DuckDB functions in the warehouse (duckdb_function,
    # macros/cleaning/duckdb_functions.sql); the extractor's DuckDB has none, so here a
    # function's call renders as its body (`_<name>_sql`), the SQL dbt puts in the function
    rendered: dict[str, object] = {}
    source += "".join(  # Jinja's module exports no _-prefixed macro: a public one per body
        f"{{% macro inline_{name}(e) %}}{{{{ _{name}_sql(e) }}}}{{% endmacro %}}"
        for name in re.findall(r"\{% macro _(\w+)_sql\(", source)
    )

    def duckdb_function(name: str, expression: str) -> str:
        return getattr(rendered["module"], f"inline_{name}")(expression)

    with warnings.catch_warnings():  # `'\d'` in the macros' Jinja strings: kept as is, as in dbt
        warnings.simplefilter("ignore", DeprecationWarning)
        globals_ = {"dbt": _Dbt, "duckdb_function": duckdb_function}
        rendered["module"] = jinja2.Environment().from_string(source, globals=globals_).module
    return rendered["module"]


def _typed_expression(declared: DeclaredType, column: str, from_text: bool) -> str:
    m = _macros()
    if not from_text:
        typed = f"try_cast({column} as {declared.sql})"
        if declared.family in ("integer", "decimal"):
            # a value the declared type cannot hold exactly (a wider integer, one more
            # decimal place) does not convert: counted, never silently rounded
            return f"case when {typed} = {column} then {typed} end"
        return typed
    if declared.family == "text":
        return column
    parsed = {
        "integer": lambda: f"try_cast({m.parse_integer(column)} as {declared.sql})",
        "decimal": lambda: f"try_cast({m.parse_money(column)} as {declared.sql})",
        "float": lambda: f"try_cast({m.trim_whitespace(column)} as {declared.sql})",
        "date": lambda: f"cast({m.parse_date(column)} as date)",
        "timestamp": lambda: (
            f"try_cast(coalesce({m.parse_timestamp(column)}, "
            f"cast({m.parse_date(column)} as timestamptz)) as {declared.sql})"
        ),
    }[declared.family]()
    return f"case when not {m.is_blank(column)} then {parsed} end"


@dataclass(frozen=True)
class LandedColumn:
    """One landed column of a mapped table: contract name, server column, declared type."""

    name: str
    server_name: str
    server_data_type: str
    server_column_type: str
    precision: int | None
    scale: int | None
    nullable: bool
    declared: DeclaredType | None

    @property
    def server_arrow(self) -> pa.DataType:
        return arrow_type(self.server_data_type, self.server_column_type, self.precision, self.scale)[0]

    @property
    def from_text(self) -> bool:
        return server_family(self.server_data_type) in ("text", "other")

    def field(self) -> pa.Field:
        if self.declared is None:
            arrow = self.server_arrow
            nullable = self.nullable or pa.types.is_date(arrow) or pa.types.is_timestamp(arrow)
            return pa.field(self.name, arrow, nullable=nullable)
        return pa.field(self.name, self.declared.arrow, nullable=True)  # NULL when it does not convert


def landed_schema(columns: list[LandedColumn]) -> pa.Schema:
    """The landed schema of a mapped table: its columns, then `_conversion_errors` only when
    a column is cast (a table whose server already holds every declared type lands exactly
    as an undeclared one)."""
    cast = any(c.declared is not None for c in columns)
    return pa.schema(
        [c.field() for c in columns] + ([pa.field(CONVERSION_ERRORS, CONVERSION_ERRORS_TYPE)] if cast else [])
    )


class BatchCaster:
    """Text rows of a mapped table -> Arrow batches of the declared schema."""

    def __init__(self, table: str, columns: list[LandedColumn]):
        self.table = table
        self.columns = columns
        self.conversion_errors: dict[str, int] = {}
        self._declared = [i for i, c in enumerate(columns) if c.declared is not None]
        self.schema = landed_schema(columns)
        self._con = duckdb.connect()
        self._con.execute("set timezone = 'UTC'")
        items, errors = [], []
        for i in self._declared:
            column = columns[i]
            source = f"c{i}"
            typed = _typed_expression(column.declared, source, column.from_text)
            present = f"{source} is not null"
            if column.from_text and column.declared.family != "text":
                present += f" and not {_macros().is_blank(source)}"
            items.append(f"{typed} as v{i}")
            errors.append(
                f"case when {present} and ({typed}) is null then struct_pack("
                f'"column" := \'{column.name}\', "value" := cast({source} as varchar)) end'
            )
        errors_list = (
            f"list_filter([{', '.join(errors)}], lambda e: e is not null)"
            if errors
            else 'cast([] as struct("column" varchar, "value" varchar)[])'
        )
        self._query = f"select {', '.join([*items, f'{errors_list} as errs'])} from batch"

    @property
    def casts(self) -> bool:
        """True when a column is cast (its server type is not its declared type)."""
        return bool(self._declared)

    def close(self) -> None:
        self._con.close()

    def cast(self, rows: list[tuple], zero: dict[str, int]) -> pa.RecordBatch:
        arrays: list[pa.Array] = []
        inputs: dict[str, pa.Array] = {}
        for i, (column, values) in enumerate(zip(self.columns, zip(*rows, strict=True), strict=True)):
            where = f"table {self.table}, column {column.name}"
            if column.declared is None:
                array, zeros = to_arrow(list(values), column.server_arrow, where)
            elif column.from_text:
                array, zeros = pa.array(list(values), pa.string()), 0
                if column.declared.family in ("date", "timestamp"):
                    is_zero = pc.fill_null(
                        pc.match_substring_regex(pc.utf8_trim_whitespace(array), ZERO_DATE_PATTERN), False
                    )
                    zeros = pc.sum(is_zero).as_py() or 0
                    if zeros:
                        array = pc.if_else(is_zero, pa.scalar(None, pa.string()), array)
            else:
                array, zeros = to_arrow(list(values), column.server_arrow, where)
            if zeros:
                zero[column.name] = zero.get(column.name, 0) + zeros
            arrays.append(array)
            if column.declared is not None:
                inputs[f"c{i}"] = array
        if not inputs:
            inputs["c"] = pa.nulls(len(rows))
        self._con.register("batch", pa.table(inputs))
        try:
            cast = self._con.sql(self._query).to_arrow_table()
        finally:
            self._con.unregister("batch")
        for i in self._declared:
            arrays[i] = cast.column(f"v{i}").combine_chunks().cast(self.columns[i].declared.arrow)
        errs = cast.column("errs").combine_chunks().cast(CONVERSION_ERRORS_TYPE)
        flat = pc.list_flatten(errs)
        if len(flat):
            for item in pc.value_counts(pc.struct_field(flat, "column")).to_pylist():
                self.conversion_errors[item["values"]] = (
                    self.conversion_errors.get(item["values"], 0) + item["counts"]
                )
        if self._declared:
            arrays.append(errs)
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)
