"""Recover a landed text record that is not valid UTF-8: decode it as Windows-1252.

DuckDB's CSV reader rejects a record whose bytes are not UTF-8 and keeps only a copy with
the bad bytes replaced by ``?``. POS systems on Windows write Windows-1252 (``José`` as
``Jos\\xe9``), so such a record is read again here from its first byte (the reader's
``line_byte_position``), decoded as Windows-1252 (its five undefined bytes as the Latin-1
control characters they stand for, so every byte maps to exactly one character and the
decoding is lossless), and split into fields with the source's own quote and delimiter.
The original bytes travel along as hex, so nothing of the source is lost.
"""

from __future__ import annotations

import codecs
import csv
import json

__all__ = ["MAX_RECORD_BYTES", "recover_record"]

MAX_RECORD_BYTES = 8 << 20  # a longer record is not recovered (it stays a reject)
_ERRORS = "aethermart-latin1"


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error(_ERRORS, _latin1_fallback)


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
    data = data[data.rfind(b"\n", 0, back) + 1:]
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
        reader = csv.reader(counted(), delimiter=delimiter, quotechar=quote, doublequote=True,
                            strict=False)
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
    fields = [field.removesuffix("\r") if i == len(fields) - 1 else field for i, field in enumerate(fields)]
    record = raw.rstrip(b"\r\n")
    return json.dumps({"fields": fields, "text": record.decode("cp1252", errors=_ERRORS),
                       "raw_hex": record.hex()}, ensure_ascii=False)
