"""Choosing which rows get dirt, rendering dirty values, and recording every injection.

The bulk of each table is built with NumPy/Arrow; only the chosen dirty rows (a few
percent) are touched one by one here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

__all__ = [
    "DATE_FORMATS",
    "MARK_BAD_BYTE",
    "MARK_BARE_COMMA",
    "SENTINEL_DATES",
    "TIME_OF_DAY_FORMATS",
    "WHITESPACE_PADS",
    "FaultLog",
    "Picker",
    "pad_whitespace",
    "render_date",
    "render_datetime",
    "render_money",
    "render_phone",
    "rendered_datetime",
]

# Placeholders swapped for raw bytes after a CSV is rendered (Arrow strings must be UTF-8).
MARK_BAD_BYTE = "\ue000"  # becomes b"\xe9": a Latin-1 byte, invalid as UTF-8
MARK_BARE_COMMA = "\ue001"  # becomes an unquoted ",": one field too many on that line

# Renderings a POS export uses for one date (docs/design.md § POS CSV drops). Two-digit years are only
# used for years 1950-2049 (pivot: 00-49 -> 20xx, 50-99 -> 19xx).
DATE_FORMATS = ("us_slash", "us_short", "dd_mon_yy", "month_name", "us_dash")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def render_date(d: date, fmt: str) -> str:
    if fmt == "iso":
        return d.isoformat()
    if fmt == "us_slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if fmt == "us_short":
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    if fmt == "dd_mon_yy":
        return f"{d.day:02d}-{_MONTHS[d.month - 1][:3]}-{d.year % 100:02d}"
    if fmt == "month_name":
        return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if fmt == "us_dash":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    raise ValueError(fmt)


# White space around a value as real exports leave it: spaces, and what a Windows export,
# a spreadsheet or a web form adds (TAB, CR, NBSP, em space, zero-width space, BOM).
WHITESPACE_PADS = (
    ("  ", ""),
    ("", " "),
    (" ", "  "),
    ("\t", ""),
    ("", "\r"),
    ("\u00a0", "\u00a0"),
    ("\u200b", ""),
    ("", "\t\u00a0"),
    ("\u2003", "\r\n"),
    ("\ufeff", " "),
)


def pad_whitespace(value: str, j: int) -> str:
    """The j-th kind of white space around ``value`` (cycling through WHITESPACE_PADS)."""
    before, after = WHITESPACE_PADS[j % len(WHITESPACE_PADS)]
    return before + value + after


# Renderings of a date with a time of day, as real exports write them (docs/design.md §
# Real-world sources): the time is local and has no zone, so it reads as UTC. Two-digit years: 1950-2049 only.
TIME_OF_DAY_FORMATS = ("us_short_hm", "us_slash_hms", "iso_t_z", "iso_millis", "dd_mon_yy_ampm")

# "No date" sentinels as source systems write them, in POS text renderings; the date they
# stand for is one of 9999-12-31, 1900-01-01, 0001-01-01 (never a plausible date).
SENTINEL_DATES = (
    (date(9999, 12, 31), "9999-12-31"),
    (date(1900, 1, 1), "1900-01-01"),
    (date(1, 1, 1), "0001-01-01"),
    (date(9999, 12, 31), "12/31/9999"),
    (date(1900, 1, 1), "01/01/1900 00:00:00"),
)


def render_datetime(t: datetime, fmt: str) -> str:
    """A naive date and time in one of TIME_OF_DAY_FORMATS (seconds or milliseconds
    dropped where the rendering has none)."""
    if fmt == "us_short_hm":
        return f"{t.month}/{t.day}/{t.year % 100:02d} {t.hour}:{t.minute:02d}"
    if fmt == "us_slash_hms":
        return f"{t.month:02d}/{t.day:02d}/{t.year} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if fmt == "iso_t_z":
        return f"{t.date().isoformat()}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"
    if fmt == "iso_millis":
        millis = t.microsecond // 1000
        return f"{t.date().isoformat()} {t.hour:02d}:{t.minute:02d}:{t.second:02d}.{millis:03d}"
    if fmt == "dd_mon_yy_ampm":
        hour = t.hour % 12 or 12
        return (
            f"{t.day:02d}-{_MONTHS[t.month - 1][:3]}-{t.year % 100:02d} "
            f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"
        )
    raise ValueError(fmt)


def rendered_datetime(t: datetime, fmt: str) -> datetime:
    """The date and time a reader gets back from ``render_datetime(t, fmt)``."""
    if fmt in ("us_short_hm", "dd_mon_yy_ampm"):
        return t.replace(second=0, microsecond=0)
    if fmt == "iso_millis":
        return t.replace(microsecond=t.microsecond // 1000 * 1000)
    return t.replace(microsecond=0)


def render_money(cents: int, style: int) -> str:
    value = cents / 100
    return (f"${value:,.2f}", f" {value:.2f} ", f"{value:,.2f}", f"$ {value:.2f}")[style % 4]


def render_phone(digits: str, style: int) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (
        f"({a}) {b}-{c}",
        f"{a}.{b}.{c}",
        f"{a}{b}{c}",
        f"+1 {a} {b} {c}",
        f"1-{a}-{b}-{c}",
        f"{a} {b} {c}",
        f"+1 ({a}) {b}-{c}",
    )[style % 7]


@dataclass
class FaultLog:
    """Every injected fault: where it is, which natural key, which class."""

    records: list[dict] = field(default_factory=list)

    def add(
        self,
        source: str,
        entity: str,
        fault: str,
        key: str | None,
        *,
        column: str | None = None,
        file: str | None = None,
        detail: str | None = None,
    ) -> None:
        rec = {"source": source, "entity": entity, "fault": fault, "key": key}
        if column is not None:
            rec["column"] = column
        if file is not None:
            rec["file"] = file
        if detail is not None:
            rec["detail"] = detail
        self.records.append(rec)


class Picker:
    """Picks dirty rows from a pool; exclusive picks leave the pool for good."""

    def __init__(self, rng: np.random.Generator, n: int, minimum: int):
        self.rng = rng
        self.free = np.ones(n, dtype=bool)
        self.minimum = minimum

    def extend(self, n: int) -> None:
        """Rows appended after the pool was made are never picked."""
        self.free = np.concatenate([self.free, np.zeros(n, dtype=bool)])

    def count(self, eligible: int, rate: float) -> int:
        want = max(round(eligible * rate), self.minimum if rate > 0 else 0)
        return min(want, eligible)

    def pick(
        self,
        rate: float,
        *,
        exclusive: bool = True,
        mask: np.ndarray | None = None,
        rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        """Pick rows; ``rng`` (default: the picker's) lets a later variation draw from
        its own stream, so adding one leaves every earlier pick as it was."""
        pool = self.free if mask is None else (self.free & mask)
        idx = np.flatnonzero(pool)
        k = self.count(len(idx), rate)
        chosen = np.sort((rng or self.rng).choice(idx, size=k, replace=False)) if k else idx[:0]
        if exclusive:
            self.free[chosen] = False
        return chosen
