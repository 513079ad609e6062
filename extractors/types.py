"""MariaDB column types -> Arrow types, and text from the wire -> exact Arrow arrays.

Values are read as text (no Python object per DECIMAL or DATE) and converted column by
column with Arrow casts, so DECIMAL stays decimal, BIGINT UNSIGNED keeps values past
int64, and MariaDB's zero dates become NULL (counted).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from extractors.errors import SchemaError

__all__ = ["ZERO_DATES", "arrow_type", "to_arrow"]

ZERO_DATES = ("0000-00-00", "0000-00-00 00:00:00")
_INTS = {"tinyint": 8, "smallint": 16, "mediumint": 32, "int": 32, "integer": 32, "bigint": 64}


def arrow_type(table: str, column: str, data_type: str, column_type: str,
               precision: int | None, scale: int | None) -> pa.DataType:
    data_type = data_type.lower()
    unsigned = "unsigned" in column_type.lower()
    if data_type in _INTS:
        bits = _INTS[data_type]
        return getattr(pa, f"{'u' if unsigned else ''}int{bits}")()
    if data_type == "decimal":
        if precision is None or precision > 38:
            raise SchemaError(f"table {table}, column {column}: DECIMAL({precision},{scale}) "
                              "does not fit Arrow decimal128")
        return pa.decimal128(int(precision), int(scale or 0))
    if data_type == "float":
        return pa.float32()
    if data_type == "double":
        return pa.float64()
    if data_type == "date":
        return pa.date32()
    if data_type == "datetime":
        return pa.timestamp("us")
    if data_type == "timestamp":
        return pa.timestamp("us", tz="UTC")  # the session runs in UTC
    if data_type in ("binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob"):
        return pa.binary()
    if data_type in ("char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum",
                     "set", "json", "time", "year", "bit", "uuid", "inet4", "inet6"):
        return pa.string()
    raise SchemaError(f"table {table}, column {column}: MariaDB type {column_type} is not supported")


def to_arrow(values: list, target: pa.DataType) -> tuple[pa.Array, int]:
    """Text values (None for NULL) as an Arrow array of ``target``; returns (array, zero dates)."""
    if pa.types.is_binary(target):
        return pa.array([v.encode() if isinstance(v, str) else v for v in values], target), 0
    text = pa.array(values, pa.string())
    zero = 0
    if pa.types.is_date(target) or pa.types.is_timestamp(target):
        is_zero = pc.is_in(text, value_set=pa.array(ZERO_DATES))
        zero = pc.sum(is_zero).as_py() or 0
        if zero:
            text = pc.if_else(is_zero, pa.scalar(None, pa.string()), text)
        if pa.types.is_timestamp(target):
            parsed = pc.strptime(_fraction_free(text), format="%Y-%m-%d %H:%M:%S", unit="us")
            return parsed.cast(target) if target.tz is None else pc.assume_timezone(parsed, "UTC"), zero
    return text.cast(target), zero


def _fraction_free(text: pa.Array) -> pa.Array:
    # MariaDB sends DATETIME(6) with fractions; Arrow's strptime has no %f, so drop them.
    return pc.replace_substring_regex(text, re.escape(".") + r"\d+$", "")
