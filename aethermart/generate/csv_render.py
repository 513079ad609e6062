"""Vectorised CSV rendering with the file-level quirks of a real POS export."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aethermart.generate.faults import MARK_BAD_BYTE, MARK_BARE_COMMA

__all__ = ["lines_to_bytes", "render_csv"]

_BOM = b"\xef\xbb\xbf"


def _field(values: Sequence[str | None]) -> pa.Array:
    col = pc.fill_null(pa.array(values, pa.string()), "")
    needs_quotes = pc.match_substring_regex(col, r'[",\r\n]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    return pc.if_else(needs_quotes, quoted, col)


def render_csv(
    header: Sequence[str], columns: Sequence[Sequence[str | None]], *, crlf: bool, bom: bool
) -> bytes:
    """Render rows as RFC 4180 CSV (quotes only where needed), then apply raw-byte dirt.

    ``None`` and ``""`` both render as an empty field. Markers from ``aethermart.generate.faults``
    become a non-UTF-8 byte or a bare comma here, after Arrow is done with the text.
    """
    head = ",".join(header) + "\n"
    if columns and len(columns[0]):
        fields = [_field(c) for c in columns]
        body = lines_to_bytes(pc.binary_join_element_wise(*fields, ","))
    else:
        body = b""
    data = head.encode() + body
    if MARK_BAD_BYTE.encode() in data:
        data = data.replace(MARK_BAD_BYTE.encode(), b"\xe9")
    if MARK_BARE_COMMA.encode() in data:
        data = data.replace(MARK_BARE_COMMA.encode(), b",")
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return (_BOM + data) if bom else data


def lines_to_bytes(lines: pa.Array) -> bytes:
    """Concatenate text lines, each followed by a newline, straight from Arrow's buffers."""
    if len(lines) == 0:
        return b""
    lines = pc.binary_join_element_wise(lines, "", "\n").cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset :]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[len(lines)]]
