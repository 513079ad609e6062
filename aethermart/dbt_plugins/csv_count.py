"""Count the records of a landed text file with a reader of our own, independent of DuckDB's.

Bronze accounting checks, per file, that DuckDB's parsed rows plus its rejected records
equal the records counted here (``macros/bronze/record_accounting.sql``). DuckDB's CSV reader can
lose a record without rejecting it (a record of ~40 MB or more vanishes; one over
``max_line_size`` but smaller is rejected), so the count must not come from DuckDB.

The count follows DuckDB's ``read_csv`` as the sources configure it (measured on DuckDB
1.5.6, ``strict_mode`` on):

- the first line end outside quotes (the header's, with ``header``) sets the file's
  line-end style: ``\\n``, ``\\r\\n``, or a lone ``\\r`` (old Mac files, which DuckDB reads
  record by record); a record ends at that line end outside quotes. Outside quotes any
  other ``\\r`` or ``\\n`` (a mix of styles, a raw CR inside a JSON line of an LF file) makes
  DuckDB stop with only "The CSV Parser state machine reached an invalid state", so the
  counter raises ``LineEndError`` naming the record first. DuckDB's exceptions, measured
  and mirrored: inside quotes both are data; a run of ``\\r``/``\\n`` right after the header
  is blank lines; a single ``\\r`` or ``\\n`` at the start of a field that is not the
  record's first (after a delimiter, or one space) is a line end; in a CRLF file a lone
  ``\\r`` at the very end, right before a quote or right before a space, is one too; a
  byte right after a closing quote is text (DuckDB rejects the record as UNQUOTED VALUE).
  Known gaps (rare; tested): some mixed runs right after the header that DuckDB refuses
  pass here (DuckDB's own message then stops the build), and a lone ``\\r`` right after a
  closing quote in a CRLF file, a line end to DuckDB, is text here unless a space follows
  it (the counts then differ and the accounting stops the build, as before);
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

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypedDict, Unpack

__all__ = ["CHUNK_SIZE", "Dialect", "LineEndError", "RecordCount", "count_bytes", "count_records"]

CHUNK_SIZE = 1 << 20
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # a whole file in UTF-16: stopped, naming it
_NL, _SPACE = 10, 32
# what came last outside quotes: where a quote may open a quoted field
_FIELD_START, _ONE_SPACE, _AFTER_CLOSE, _INSIDE_FIELD = 0, 1, 2, 3
# what the unfinished record holds so far: nothing, only b"\r", anything else
_EMPTY, _ONLY_CR, _TEXT = 0, 1, 2
_LF, _CRLF, _CR = b"\n", b"\r\n", b"\r"
# what the last unquoted bytes were: a delimiter, a line end, one space after either, other,
# a closing quote
_AT_DELIMITER, _AT_LINE_START, _AT_SPACE, _AT_OTHER, _AT_CLOSING_QUOTE = 0, 1, 2, 3, 4
# where the counter is: in the header line, in the line-end bytes right after it, in the data
_HEADER_LINE, _HEADER_END, _DATA = 0, 1, 2
_STYLE_NAMES = {_LF: "LF (\\n)", _CRLF: "CRLF (\\r\\n)", _CR: "a lone CR (\\r)"}
_FOUND_NAMES = {_LF: "a lone LF (\\n)", _CRLF: "a CRLF (\\r\\n)", _CR: "a lone CR (\\r)"}
# outside quotes, a line end that does not belong to the file's style
_FOREIGN = {_LF: re.compile(b"\r"), _CR: re.compile(b"\n"), _CRLF: re.compile(b"\r(?!\n)|(?<!\r)\n")}


class LineEndError(ValueError):
    """A line end outside quotes that differs from the file's first one (DuckDB stops on it).

    ``record`` is the data record it sits in or ends (1-based, as bronze numbers records);
    ``path`` the file, when counting one.
    """

    def __init__(self, record: int, found: bytes, style: bytes, path: str | Path | None = None):
        self.record, self.found, self.style, self.path = record, found, style, path
        super().__init__(
            (f"File {path}, " if path is not None else "")
            + f"record {record}: {_FOUND_NAMES[found]} outside quotes, but the file's line ends are "
            f"{_STYLE_NAMES[style]}; DuckDB's CSV reader stops on a file that mixes line-end styles "
            "(or has a raw CR or LF inside an unquoted record) without naming the record. "
            "Convert the file to one line-end style and run again"
        )


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
        self.style: bytes | None = None  # the file's line end, from its first one
        self.phase = _HEADER_LINE if header else _DATA
        self.tail = _AT_LINE_START  # what the last unquoted bytes were
        self.pending_cr = False  # unquoted text ended with a \r whose meaning the next byte decides

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
            if self.pending_cr:  # a \r right before a quote: a lone CR
                self._resolve_pending()
            if self.phase == _HEADER_END and not self.in_quotes:
                self._end_header()
            self.tail = _AT_OTHER
            self.current_bytes += 1
            self.current = _TEXT
            if self.in_quotes:
                self.in_quotes = False
                self.last = _AFTER_CLOSE
                self.tail = _AT_CLOSING_QUOTE
            elif self.last != _INSIDE_FIELD:
                self.in_quotes = True
            # else: a literal quote inside an unquoted field; self.last stays

    def _resolve_pending(self) -> None:
        """The held-back \r is followed by a quote: a line end (DuckDB reads a lone CR right
        before a quote as one in a CRLF file too)."""
        self.pending_cr = False
        if self.style is None:
            self.style = _CR
        self._lines(b"\n")

    def _raise(self, found: bytes) -> None:
        raise LineEndError(self.records + 1, found, self.style)

    def _header(self, text: bytes) -> bytes:
        """Counts the header line and the line-end bytes after it; returns the data after them.

        Measured on DuckDB 1.5.6: the header's line end sets the file's style (``\\n``; a run
        of ``\\r`` ending in ``\\n``, CRLF; else a lone CR), and any run of ``\\r`` and
        ``\\n`` right after the header is read as blank lines whatever its mix.
        """
        if self.phase == _HEADER_LINE:
            ends = [index for index in (text.find(b"\r"), text.find(b"\n")) if index >= 0]
            if not ends:
                self._lines(text)
                return b""
            end = min(ends)
            self._lines(text[:end] + b"\n")
            self.style = _LF if text[end] == _NL else None  # a CR: the bytes after it tell
            self.phase, text = _HEADER_END, text[end + 1 :]
        data = text.lstrip(b"\r\n")
        run = text[: len(text) - len(data)]
        if self.style is None and run.lstrip(b"\r"):
            self.style = _CRLF
        self._lines(run.replace(b"\r", b"\n"))
        if data:
            self._end_header()
        return data

    def _end_header(self) -> None:
        self.phase, self.tail = _DATA, _AT_LINE_START
        if self.style is None:
            self.style = _CR

    def _unquoted(self, text: bytes) -> None:
        """Text outside quotes: checks its line ends against the file's style, then counts."""
        if self.phase != _DATA:
            text = self._header(text)
            if not text:
                return
        if self.pending_cr:
            self.pending_cr = False
            text = b"\r" + text
        if self.style is None:
            cr, nl = text.find(b"\r"), text.find(b"\n")
            if nl >= 0 and (cr < 0 or nl < cr):
                self.style = _LF
            elif cr >= 0 and cr + 1 < len(text):
                self.style = _CRLF if text[cr + 1] == _NL else _CR
        if self.style != _LF and text.endswith(b"\r"):
            self.pending_cr = True  # \r\n split across chunks, or a lone CR: the next byte tells
            text = text[:-1]
        if self.style is not None:
            text = self._check_line_ends(text)
            if self.style == _CR:
                text = text.replace(b"\r", b"\n")
        self.tail = self._tail(text, len(text))
        self._lines(text)

    def _tail(self, text: bytes, end: int) -> int:
        """What the unquoted bytes before ``text[end]`` are (``self.tail`` before ``text``)."""
        if not end:
            return self.tail
        last = text[end - 1]
        if last == self.delimiter:
            return _AT_DELIMITER
        if last in (_NL, 13):
            return _AT_LINE_START
        if last == _SPACE and self._tail(text, end - 1) in (_AT_DELIMITER, _AT_LINE_START):
            return _AT_SPACE
        return _AT_OTHER

    def _check_line_ends(self, text: bytes) -> bytes:
        """Raises at the first line end of another style; returns the text with the foreign
        line ends DuckDB accepts (a single \\r or \\n right after a delimiter) made the
        file's own."""
        foreign = _FOREIGN[self.style].search(text)
        while foreign:
            start = foreign.start()
            # DuckDB takes either single byte as a line end at the start of a field (after a
            # delimiter, or one space after a delimiter or a line end), though not at a record's
            # very start
            after_delimiter = self._tail(text, start) in (_AT_DELIMITER, _AT_SPACE)
            if after_delimiter and text[start] == 13 and self.style == _LF:
                text = text[:start] + b"\n" + text[start + 1 :]
            elif self.style == _CRLF and text[start] == 13 and text[start + 1 : start + 2] == b" ":
                # in a CRLF file DuckDB ends the record at a lone \r followed by a space,
                # anywhere outside quotes (measured on DuckDB 1.5.6: before any other byte but
                # a quote it stops)
                text = text[:start] + b"\n" + text[start + 1 :]
            elif after_delimiter and text[start] == _NL and self.style == _CR:
                text = text[:start] + b"\r" + text[start + 1 :]
            elif not (after_delimiter and text[start] == _NL and self.style == _CRLF) and not (
                start == 0 and self.tail == _AT_CLOSING_QUOTE and self.style != _CR
            ):
                # (right after a closing quote DuckDB takes the byte as text: it rejects the
                # record as UNQUOTED VALUE, and the build stops naming it)
                if start and text[start - 1 : start + 1] == _CRLF:  # a CRLF in a CR file
                    start -= 1
                self._lines(text[:start].replace(b"\r", b"\n") if self.style == _CR else text[:start])
                self._raise(_CRLF if text[start : start + 2] == _CRLF else text[start : start + 1])
            foreign = _FOREIGN[self.style].search(text, start + 1)
        return text

    def _lines(self, text: bytes) -> None:
        """Text outside quotes, line ends as \n: every newline in it ends a record."""
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
        if self.pending_cr:  # a \r at the very end is the last line end (DuckDB reads it so)
            self.pending_cr = False
            self._lines(b"\n")
        if self.current_bytes or self.in_quotes:
            self.current_bytes -= 1  # no line end to count
            self._finish()
        return RecordCount(self.records, self.longest, self.longest_bytes)


class Dialect(TypedDict, total=False):
    """The ``read_csv`` options a count follows (defaults: quote ``"``, delimiter ``,``,
    header and skip_blank_lines true)."""

    quote: str
    delimiter: str
    header: bool
    skip_blank_lines: bool


def count_bytes(data: bytes, *, chunk_size: int = CHUNK_SIZE, **dialect: Unpack[Dialect]) -> RecordCount:
    """``count_records`` over bytes in memory (fed in ``chunk_size`` pieces, as from a file)."""
    return _count(io.BytesIO(data), None, chunk_size, **dialect)


def count_records(
    path: str | Path, *, chunk_size: int = CHUNK_SIZE, **dialect: Unpack[Dialect]
) -> RecordCount:
    """Count the data records of a text file as DuckDB's ``read_csv`` with these options reads it."""
    with open(path, "rb") as file:
        return _count(file, path, chunk_size, **dialect)


def _count(
    file: BinaryIO,
    path: str | Path | None,
    chunk_size: int,
    *,
    quote: str = '"',
    delimiter: str = ",",
    header: bool = True,
    skip_blank_lines: bool = True,
) -> RecordCount:
    counter = _Counter(quote.encode(), delimiter.encode(), header, skip_blank_lines)
    head = file.read(len(_BOM))
    if head[:2] in _UTF16_BOMS:
        raise ValueError(
            f"{path or 'the data'} is UTF-16 (it starts with the byte order mark {head[:2].hex(' ')}); "
            "export it as UTF-8 (or Windows-1252) and run again"
        )
    if head != _BOM:
        counter.feed(head)
    try:
        while chunk := file.read(chunk_size):
            counter.feed(chunk)
        return counter.close()
    except LineEndError as exc:  # the same error with the file named: nothing else to keep
        if path is None:
            raise
        raise LineEndError(exc.record, exc.found, exc.style, path) from None
