"""MariaDB column types -> Arrow types, and text from the wire -> exact Arrow arrays.

Values are read as text (no Python object per DECIMAL or DATE) and converted column by
column with Arrow casts, so DECIMAL stays decimal, BIGINT UNSIGNED keeps values past
int64, DATETIME(6) keeps its microseconds, and MariaDB's zero dates (a zero year, month
or day, e.g. `0000-00-00` or `2020-00-00 00:00:00.000000`) become NULL and are counted.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from aethermart.extract.errors import ExtractError

__all__ = ["ZERO_DATE_PATTERN", "arrow_type", "to_arrow"]

ZERO_DATE_PATTERN = r"^(0000-\d\d-\d\d|\d{4}-00-\d\d|\d{4}-\d\d-00)"
_INTS = {"tinyint": 8, "smallint": 16, "mediumint": 32, "int": 32, "integer": 32, "bigint": 64}
_TEXT = (
    "char",
    "varchar",
    "text",
    "tinytext",
    "mediumtext",
    "longtext",
    "enum",
    "set",
    "json",
    "time",
    "year",
    "uuid",
    "inet4",
    "inet6",
)
_BINARY = ("binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob", "bit")


def arrow_type(
    data_type: str, column_type: str, precision: int | None, scale: int | None
) -> tuple[pa.DataType, str | None]:
    """The Arrow type for a MariaDB column, and a note when it is landed as text instead."""
    data_type = data_type.lower()
    unsigned = "unsigned" in column_type.lower()
    if data_type in _INTS:
        return getattr(pa, f"{'u' if unsigned else ''}int{_INTS[data_type]}")(), None
    if data_type == "decimal":
        if precision is not None and precision <= 38:
            return pa.decimal128(int(precision), int(scale or 0)), None
        return pa.string(), f"{column_type} is wider than Arrow decimal128; landed as exact text"
    if data_type == "float":
        return pa.float32(), None
    if data_type == "double":
        return pa.float64(), None
    if data_type == "date":
        return pa.date32(), None
    if data_type == "datetime":
        return pa.timestamp("us"), None
    if data_type == "timestamp":
        return pa.timestamp("us", tz="UTC"), None  # the session runs in UTC
    if data_type in _BINARY:
        return pa.binary(), None
    if data_type in _TEXT:
        return pa.string(), None
    return pa.string(), f"MariaDB type {column_type} has no Arrow equivalent; landed as text"


def to_arrow(values: list, target: pa.DataType, where: str) -> tuple[pa.Array, int]:
    """Text values (None for NULL) as an Arrow array of ``target``; returns (array, zero dates).

    ``where`` (table.column) names the column in the error when a value does not convert.
    """
    if pa.types.is_binary(target):
        return pa.array(
            [v.encode("utf-8", "surrogateescape") if isinstance(v, str) else v for v in values], target
        ), 0
    text = pa.array(values, pa.string())
    zero = 0
    if pa.types.is_date(target) or pa.types.is_timestamp(target):
        is_zero = pc.fill_null(pc.match_substring_regex(text, ZERO_DATE_PATTERN), False)
        zero = pc.sum(is_zero).as_py() or 0
        if zero:
            text = pc.if_else(is_zero, pa.scalar(None, pa.string()), text)
    try:
        if pa.types.is_timestamp(target) and target.tz is not None:
            return pc.assume_timezone(text.cast(pa.timestamp("us")), "UTC"), zero
        return text.cast(target), zero
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ExtractError(
            f"{where}: a value does not convert to {target} ({exc}); nothing was published"
        ) from exc
