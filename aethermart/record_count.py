"""Count the records of a landed text file with a reader of our own, independent of DuckDB's.

Bronze accounting checks, per file, that DuckDB's parsed rows plus its rejected records
equal the records counted here (``macros/record_accounting.sql``). DuckDB's CSV reader can
lose a record without rejecting it (a record of ~40 MB or more vanishes; one over
``max_line_size`` but smaller is rejected), so the count must not come from DuckDB.

The count follows DuckDB's ``read_csv`` as the sources configure it (measured on DuckDB
1.5.6, ``strict_mode`` on):

- a record ends at a ``\\n`` outside quotes (``\\r\\n`` is one line end; a lone ``\\r`` is
  not a line end: DuckDB stops on it);
- a quote opens a quoted field only at the start of a field (record start or after a
  delimiter, or after exactly one space there, which DuckDB skips; or right after a
  closing quote: the doubled-quote escape); elsewhere it is a literal character
  (``12" speaker``, ``,  "x`` with two spaces);
- with ``header`` the first line is the header, even a blank one;
- with ``skip_blank_lines`` (CSV with several columns) an empty line, or one holding only
  ``\\r``, is no record; otherwise (one-column line files such as JSONL) it is one;
- a UTF-8 BOM at the start of the file is not data; the last line needs no line end.

It reads the file in 1 MiB chunks (bounded memory) and works on whole chunks with bytes
methods that run in C (``split``, ``count``); Python code runs once per quote character and
once per chunk, never per byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHUNK_SIZE", "RecordCount", "count_bytes", "count_records"]

CHUNK_SIZE = 1 << 20
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # a whole file in UTF-16: stopped, naming it
_NL, _SPACE = 10, 32
# what came last outside quotes: where a quote may open a quoted field
_FIELD_START, _ONE_SPACE, _AFTER_CLOSE, _INSIDE_FIELD = 0, 1, 2, 3
# what the unfinished record holds so far: nothing, only b"\r", anything else
_EMPTY, _ONLY_CR, _TEXT = 0, 1, 2


@dataclass(frozen=True)
class RecordCount:
    """Data records of a file (header excluded) and the longest one.

    ``longest_record`` is its 1-based number among the data records (as bronze's
    ``_source_row_number`` counts), ``longest_record_bytes`` its size with its line end.
    """

    records: int
    longest_record: int
    longest_record_bytes: int


class _Counter:
    def __init__(self, quote: bytes, delimiter: bytes, header: bool, skip_blank_lines: bool):
        if len(quote) > 1 or len(delimiter) != 1:
            raise ValueError("quote must be one byte or empty, delimiter one byte")
        self.quote = quote
        self.delimiter = delimiter[0]
        self.skip_blank = skip_blank_lines
        self.header_pending = header
        self.in_quotes = False
        self.last = _FIELD_START
        self.records = 0
        self.current_bytes = 0
        self.current = _EMPTY
        self.longest = 0
        self.longest_bytes = 0

    def feed(self, chunk: bytes) -> None:
        if not self.quote:
            self._unquoted(chunk)
            return
        parts = chunk.split(self.quote)
        last_index = len(parts) - 1
        for index, part in enumerate(parts):
            if self.in_quotes:
                self.current_bytes += len(part)
            elif part:
                self._unquoted(part)
            if index == last_index:
                break
            # the quote after this part
            self.current_bytes += 1
            self.current = _TEXT
            if self.in_quotes:
                self.in_quotes = False
                self.last = _AFTER_CLOSE
            elif self.last != _INSIDE_FIELD:
                self.in_quotes = True
            # else: a literal quote inside an unquoted field; self.last stays

    def _unquoted(self, text: bytes) -> None:
        """Text outside quotes: every newline in it ends a record."""
        if not text:
            return
        end = text[-1]
        if end in (_NL, self.delimiter):
            self.last = _FIELD_START
        elif end != _SPACE:
            self.last = _INSIDE_FIELD
        else:  # DuckDB skips one space (not two) before an opening quote
            before = text[-2] if len(text) > 1 else None
            starts = self.last == _FIELD_START if before is None else before in (_NL, self.delimiter)
            self.last = _ONE_SPACE if starts else _INSIDE_FIELD
        if _NL not in text:
            self._extend(text)
            return
        lines = text.split(b"\n")
        self._extend(lines[0])
        self._finish()
        full = lines[1:-1]  # whole lines; the header was the first line _finish saw
        if full:
            lengths = list(map(len, full))
            longest = max(lengths) + 1
            blanks = full.count(b"") + full.count(b"\r") if self.skip_blank else 0
            if longest > self.longest_bytes:
                position = lengths.index(longest - 1)
                if not (blanks and full[position] in (b"", b"\r")):
                    before = full[:position].count(b"") + full[:position].count(b"\r") if blanks else 0
                    self.longest = self.records + position - before + 1
                    self.longest_bytes = longest
            self.records += len(full) - blanks
        tail = lines[-1]
        self.current_bytes = 0
        self.current = _EMPTY
        self._extend(tail)

    def _extend(self, text: bytes) -> None:
        if text:
            self.current_bytes += len(text)
            if self.current == _EMPTY and text == b"\r":
                self.current = _ONLY_CR
            else:
                self.current = _TEXT

    def _finish(self) -> None:
        """The unfinished record ends here (with its line end, if any)."""
        size = self.current_bytes + 1
        blank = self.current != _TEXT
        self.current_bytes = 0
        self.current = _EMPTY
        if self.header_pending:
            self.header_pending = False
            return
        if blank and self.skip_blank:
            return
        self.records += 1
        if size > self.longest_bytes:
            self.longest = self.records
            self.longest_bytes = size

    def close(self) -> RecordCount:
        if self.current_bytes or self.in_quotes:
            self.current_bytes -= 1  # no line end to count
            self._finish()
        return RecordCount(self.records, self.longest, self.longest_bytes)


def count_bytes(data: bytes, *, quote: str = '"', delimiter: str = ",", header: bool = True,
                skip_blank_lines: bool = True, chunk_size: int = CHUNK_SIZE) -> RecordCount:
    """``count_records`` over bytes in memory (fed in ``chunk_size`` pieces, as from a file)."""
    counter = _Counter(quote.encode(), delimiter.encode(), header, skip_blank_lines)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    for start in range(0, len(data), chunk_size):
        counter.feed(data[start:start + chunk_size])
    return counter.close()


def count_records(path: str | Path, *, quote: str = '"', delimiter: str = ",", header: bool = True,
                  skip_blank_lines: bool = True, chunk_size: int = CHUNK_SIZE) -> RecordCount:
    """Count the data records of a text file as DuckDB's ``read_csv`` with these options reads it."""
    counter = _Counter(quote.encode(), delimiter.encode(), header, skip_blank_lines)
    with open(path, "rb") as file:
        head = file.read(len(_BOM))
        if head[:2] in _UTF16_BOMS:
            raise ValueError(f"{path} is UTF-16 (it starts with the byte order mark {head[:2].hex(' ')}); "
                             "export it as UTF-8 (or Windows-1252) and run again")
        if head != _BOM:
            counter.feed(head)
        while chunk := file.read(chunk_size):
            counter.feed(chunk)
    return counter.close()
