"""Recover a landed text record that is not valid UTF-8: decode it as Windows-1252.

DuckDB's CSV reader rejects a record whose bytes are not UTF-8 and keeps only a copy with
the bad bytes replaced by ``?``. POS systems on Windows write Windows-1252 (``José`` as
``Jos\\xe9``), so such a record is read again here from its first byte (the reader's
``line_byte_position``) and split into fields with the source's own quote and delimiter
(on a Windows-1252 reading, where every byte is one character). Each field is then
decoded as UTF-8 where its bytes are UTF-8 and as Windows-1252 where they are not (a
record that mixes both keeps its UTF-8 text intact); Windows-1252's five undefined bytes
become the Latin-1 control characters they stand for. The original bytes travel along
as hex, so nothing of the source is lost.
"""

from __future__ import annotations

import codecs
import csv
import json

__all__ = ["MAX_RECORD_BYTES", "header_line", "recover_record"]

MAX_RECORD_BYTES = 8 << 20  # a longer record is not recovered (it stays a reject)
_ERRORS = "aethermart-latin1"


_UTF8_ERRORS = "aethermart-cp1252"
_ENCODE_ERRORS = "aethermart-latin1-encode"


def _latin1_fallback(error: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(error, UnicodeDecodeError):
        return error.object[error.start : error.end].decode("latin-1"), error.end
    return error.object[error.start : error.end].encode("latin-1"), error.end  # the inverse


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("cp1252", errors=_ERRORS), error.end


codecs.register_error(_ERRORS, _latin1_fallback)
codecs.register_error(_ENCODE_ERRORS, _latin1_fallback)
codecs.register_error(_UTF8_ERRORS, _cp1252_fallback)


def _decode(data: bytes) -> str:
    """UTF-8 where the bytes are UTF-8, Windows-1252 where they are not."""
    return data.decode("utf-8", errors=_UTF8_ERRORS)


def _original_bytes(text: str) -> bytes:
    """The bytes a Windows-1252 reading came from."""
    return text.encode("cp1252", errors=_ENCODE_ERRORS)


def _lines(text: str):
    """The text's lines with their line ends, counting the characters handed out."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def recover_record(path: str, position: int, quote: str, delimiter: str, columns: int) -> str | None:
    """JSON ``{"fields": [...], "text": "...", "raw_hex": "..."}`` of the record the reader located at byte
    ``position`` of ``path`` (its ``line_byte_position``, which is the record's first byte
    or the one after it: the record starts after the last line end before it), decoded as
    Windows-1252; NULL (None) when it is valid UTF-8 (not an encoding problem), longer than
    MAX_RECORD_BYTES, or does not have ``columns`` fields."""
    back = min(position, 64)
    with open(path, "rb") as handle:
        handle.seek(position - back)
        data = handle.read(back + MAX_RECORD_BYTES + 1)
    data = data[data.rfind(b"\n", 0, back) + 1 :]
    if position - back == 0 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("cp1252", errors=_ERRORS)  # one character per byte
    consumed = 0

    def counted():
        nonlocal consumed
        for line in _lines(text):
            consumed += len(line)
            yield line

    if quote:
        reader = csv.reader(counted(), delimiter=delimiter, quotechar=quote, doublequote=True, strict=False)
    else:
        reader = csv.reader(counted(), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    try:
        fields = next(reader)
    except (StopIteration, csv.Error):
        return None
    raw = data[:consumed]
    if consumed > MAX_RECORD_BYTES or len(fields) != columns:
        return None
    try:
        raw.decode("utf-8")
        return None  # valid UTF-8: rejected for another reason, nothing to recover
    except UnicodeDecodeError:
        pass
    fields = [_decode(_original_bytes(field)) for field in fields]
    fields[-1] = fields[-1].removesuffix("\r")
    record = raw.rstrip(b"\r\n")
    return json.dumps(
        {"fields": fields, "text": _decode(record), "raw_hex": record.hex()}, ensure_ascii=False
    )


def header_line(path: str) -> str | None:
    """The first line of ``path`` (a CSV header), decoded like a recovered record: UTF-8
    where its bytes are UTF-8, Windows-1252 where they are not; without the byte-order mark
    and line end. None when the line holds a NUL byte (UTF-16, a binary file) or is longer
    than MAX_RECORD_BYTES."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_RECORD_BYTES + 1)
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    if (end < 0 and len(data) > MAX_RECORD_BYTES) or b"\x00" in line:
        return None
    return _decode(line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r"))
