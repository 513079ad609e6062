"""The cleaning macros (macros/cleaning/), compiled by dbt and run in DuckDB.

Table-driven cases hold the nasty values of real POS exports; hypothesis checks the parsers
as properties: random text never raises, and every valid rendering parses back to its value.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aethermart.generate.faults import (
    DATE_FORMATS,
    TIME_OF_DAY_FORMATS,
    render_date,
    render_datetime,
    render_money,
    render_phone,
    rendered_datetime,
)
from tests.conftest import BIN, REPO

EXPRESSIONS = {
    "parse_date": "{{ parse_date('v') }}",
    "parse_timestamp": "{{ parse_timestamp('v') }}",
    "plausible": "{{ is_plausible_date(parse_date('v')) }}",
    "plausible_birth": "{{ is_plausible_date(parse_date('v'), 'birth') }}",
    "parse_money": "{{ parse_money('v') }}",
    "parse_integer": "{{ parse_integer('v') }}",
    "clean_email": "{{ clean_email('v') }}",
    "is_valid_email": "{{ is_valid_email('v') }}",
    "phone_e164": "{{ phone_e164('v') }}",
    "zip5": "{{ zip5('v') }}",
    "zip_plus4": "{{ zip_plus4('v') }}",
    "clean_text": "{{ clean_text('v') }}",
    "is_blank": "{{ is_blank('v') }}",
    "trim_whitespace": "{{ trim_whitespace('v') }}",
    "safe_cast_int": "{{ dbt.safe_cast('v', 'integer') }}",
    "surrogate_key": "{{ generate_surrogate_key(['v', \"'x'\"]) }}",
}


_MARK = "/*aethermart-expression:{}*/"
_DDL_END = "/*aethermart-ddl-end*/"
_STALE = "aethermart_parse_date_0123456789ab"
_NOT_OURS = "aethermart_parse_date_by_hand"


@pytest.fixture(scope="module")
def cleaner(tmp_path_factory):
    """Every macro compiled once by dbt, applied to a column `v` of a table `input`:
    ``clean(values)`` returns each value's row of every rule, ``clean(values, *names)`` only
    the named ones (the property tests run
    thousands of queries; one of a single rule is far cheaper to plan than one of all 16)."""
    # the rules that are DuckDB functions (parse_date, parse_timestamp) compile to calls:
    # the same compile writes the on-run-start hook's DDL, run here before any query
    inline = (
        "{{ create_duckdb_functions() }}"
        + _DDL_END
        + "select "
        + ", ".join(f"{_MARK.format(name)} {expr} as {name}" for name, expr in EXPRESSIONS.items())
    )
    target = tmp_path_factory.mktemp("compile")
    # the warehouse the hook's DDL is written for holds a function an older body of
    # parse_date created, and one of the same prefix that is not of that form
    with duckdb.connect(str(target / "compile.duckdb")) as warehouse:
        warehouse.execute(f"create macro main.{_STALE}(text_value) as 1")
        warehouse.execute(f"create macro main.{_NOT_OURS}(text_value) as 1")
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(REPO),
        "AETHERMART_DUCKDB": str(target / "compile.duckdb"),
    }
    proc = subprocess.run(
        [
            str(BIN / "dbt"),
            "compile",
            "--inline",
            inline,
            "--quiet",
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ddl, _, compiled = proc.stdout.strip().partition(_DDL_END)
    columns = {}
    for name in EXPRESSIONS:
        start = compiled.index(_MARK.format(name)) + len(_MARK.format(name))
        end = min(
            (
                compiled.index(_MARK.format(other))
                for other in EXPRESSIONS
                if compiled.index(_MARK.format(other)) > start
            ),
            default=len(compiled),
        )
        columns[name] = compiled[start:end].strip().rstrip(",").strip()
        assert columns[name].endswith(f" as {name}"), columns[name]
    con = duckdb.connect()
    con.execute(ddl)

    def clean(values: list[str | None], *names: str) -> list[dict]:
        # one statement per call, the values as one list parameter (a temp table filled by
        # executemany took most of the hypothesis tests' time); unnest keeps the list's order
        expressions = ", ".join(columns[n] for n in (names or EXPRESSIONS))
        sql = f"select v, {expressions} from (select unnest(?::varchar[]) as v)"
        cur = con.execute(sql, [list(values)])
        names_out = [d[0] for d in cur.description]
        return [dict(zip(names_out, row, strict=True)) for row in cur.fetchall()]

    clean.ddl, clean.columns = ddl, columns
    return clean


def one(cleaner, value, name):
    return cleaner([value], name)[0][name]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("03/05/2024", date(2024, 3, 5)),
        ("3/5/2024", date(2024, 3, 5)),
        ("3/5/24", date(2024, 3, 5)),
        ("05-Mar-24", date(2024, 3, 5)),
        ("March 5, 2024", date(2024, 3, 5)),
        ("Mar 5, 2024", date(2024, 3, 5)),
        ("03-05-2024", date(2024, 3, 5)),
        (" 2024-03-05 ", date(2024, 3, 5)),
        ("12/31/49", date(2049, 12, 31)),
        ("1/1/50", date(1950, 1, 1)),
        ("07-Dec-51", date(1951, 12, 7)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2024-02-30", None),
        ("2025-02-29", None),
        ("04/31/2025", None),
        ("2025-13-01", None),
        ("31-Jun-25", None),
        ("13/01/2024", None),
        ("NULL", None),
        ("", None),
        (None, None),
        ("yesterday", None),
        ("2024/03/05 10:00", None),
        ("Smarch 5, 2024", None),
    ],
)
def test_parse_date(cleaner, text, expected):
    assert one(cleaner, text, "parse_date") == expected


_UTC = UTC


# (text, date as written, instant in UTC or None when the text has no time of day)
@pytest.mark.parametrize(
    "text, day, instant",
    [
        # the renderings of a real retailer's export and of other systems
        ("12/1/10 8:26", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, tzinfo=_UTC)),
        ("12/01/2010 08:26:00", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, tzinfo=_UTC)),
        ("2010-12-01T08:26:00Z", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, tzinfo=_UTC)),
        ("2010-12-01 08:26:00.123", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, 0, 123000, tzinfo=_UTC)),
        ("01-Dec-10 8:26 AM", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, tzinfo=_UTC)),
        ("01-Dec-10 8:26 PM", date(2010, 12, 1), datetime(2010, 12, 1, 20, 26, tzinfo=_UTC)),
        ("12/1/10 12:05 am", date(2010, 12, 1), datetime(2010, 12, 1, 0, 5, tzinfo=_UTC)),
        ("12/1/10 12:05 p.m.", date(2010, 12, 1), datetime(2010, 12, 1, 12, 5, tzinfo=_UTC)),
        ("March 5, 2024 23:59:59", date(2024, 3, 5), datetime(2024, 3, 5, 23, 59, 59, tzinfo=_UTC)),
        ("03-05-2024 7:00", date(2024, 3, 5), datetime(2024, 3, 5, 7, 0, tzinfo=_UTC)),
        (" 2024-03-05  10:00 ", date(2024, 3, 5), datetime(2024, 3, 5, 10, 0, tzinfo=_UTC)),
        (
            "2024-03-05T10:00:00.123456789Z",
            date(2024, 3, 5),
            datetime(2024, 3, 5, 10, 0, 0, 123456, tzinfo=_UTC),
        ),
        # a zone moves the instant to UTC, never the date as written
        ("2010-12-01T23:30:00-05:00", date(2010, 12, 1), datetime(2010, 12, 2, 4, 30, tzinfo=_UTC)),
        ("2010-12-01 08:26 +0530", date(2010, 12, 1), datetime(2010, 12, 1, 2, 56, tzinfo=_UTC)),
        ("2010-12-01 08:26 UTC", date(2010, 12, 1), datetime(2010, 12, 1, 8, 26, tzinfo=_UTC)),
        # a date alone: no instant
        ("2024-03-05", date(2024, 3, 5), None),
        ("3/5/24", date(2024, 3, 5), None),
        ("05-Mar-24", date(2024, 3, 5), None),
        ("March 5, 2024", date(2024, 3, 5), None),
        # a time that does not exist, or no real date before it: nothing at all
        ("12/1/10 25:00", None, None),
        ("12/1/10 24:00", None, None),
        ("12/1/10 8:61", None, None),
        ("12/1/10 8:26:60", None, None),
        ("12/1/10 13:00 PM", None, None),
        ("12/1/10 0:30 AM", None, None),
        ("2025-02-30 08:00", None, None),
        ("12/1/10 8", None, None),
        ("8:26", None, None),
        ("12/1/10 8:26 tomorrow", None, None),
        ("2024/03/05 10:00", None, None),
        ("NULL", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_dates_with_a_time_of_day(cleaner, text, day, instant):
    row = cleaner([text])[0]
    assert (row["parse_date"], row["parse_timestamp"]) == (day, instant)


@pytest.mark.parametrize(
    "text, plausible, plausible_birth",
    [
        ("2024-03-05", True, True),
        ("1990-01-01", True, True),
        ("1989-12-31", False, True),
        ("1974-03-05", False, True),
        ("1901-01-01", False, True),
        # "no date" sentinels, in any rendering
        ("9999-12-31", False, False),
        ("12/31/9999", False, False),
        ("1900-01-01", False, False),
        ("01/01/1900 00:00", False, False),
        ("0001-01-01", False, False),
        ("1970-01-01", False, True),
        ("December 31, 9999", False, False),
        ("not a date", None, None),
    ],
)
def test_plausibility_window(cleaner, text, plausible, plausible_birth):
    row = cleaner([text])[0]
    assert (row["plausible"], row["plausible_birth"]) == (plausible, plausible_birth)


def test_plausibility_window_ends_a_year_after_the_build_date(cleaner):
    today = datetime.now(_UTC).date()
    soon, later = today.replace(day=1) + timedelta(days=300), today + timedelta(days=400)
    rows = cleaner([soon.isoformat(), later.isoformat(), (today + timedelta(days=1)).isoformat()])
    assert [r["plausible"] for r in rows] == [True, False, True]
    assert [r["plausible_birth"] for r in rows] == [False, False, False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1299.00", Decimal("1299.00")),
        ("$1,299.00", Decimal("1299.00")),
        (" 12.50 ", Decimal("12.50")),
        ("$ 12.50", Decimal("12.50")),
        ("1,299", Decimal("1299")),
        ("7", Decimal("7")),
        ("-3.5", Decimal("-3.5")),
        ("12.999", None),
        ("abc", None),
        ("", None),
        ("NULL", None),
        (None, None),
        ("1.2.3", None),
        ("$", None),
        # a comma is a thousands separator only between groups of three digits; else not a number
        ("$12,345", Decimal("12345")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("-1,299.50", Decimal("-1299.50")),
        ("4,50", None),
        ("12,5", None),
        ("1,2,3", None),
        ("1234,567", None),
        (",123", None),
        ("123,", None),
        ("1,23,456", None),
        ("1,299,00", None),
    ],
)
def test_parse_money(cleaner, text, expected):
    assert one(cleaner, text, "parse_money") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", 3),
        (" 3 ", 3),
        ("-2", -2),
        ("+4", 4),
        ("0", 0),
        ("2.5", None),
        ("1e3", None),
        ("1,5", None),
        ("two", None),
        ("", None),
        ("NULL", None),
        (None, None),
    ],
)
def test_parse_integer(cleaner, text, expected):
    assert one(cleaner, text, "parse_integer") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (" John.Smith@Gmail.COM ", "john.smith@gmail.com"),
        ("o'brien@x.io", "o'brien@x.io"),
        ("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
        ("john.smith@", None),
        ("john smith@x.com", None),
        ("john.smith.gmail.com", None),
        ("@gmail.com", None),
        ("a@b", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_email(cleaner, text, expected):
    row = cleaner([text])[0]
    assert row["clean_email"] == expected
    assert row["is_valid_email"] == (expected is not None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(201) 555-0123", "+12015550123"),
        ("201.555.0123", "+12015550123"),
        ("2015550123", "+12015550123"),
        ("+1 201 555 0123", "+12015550123"),
        ("1-201-555-0123", "+12015550123"),
        ("+1 (201) 555-0123", "+12015550123"),
        ("201 555 0123", "+12015550123"),
        ("555-01", None),
        ("12345", None),
        ("call me", None),
        ("101-555-0123", None),
        ("201-055-0123", None),
        ("2-0-1-5-5-5-0-1-2-3-4", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_e164(cleaner, text, expected):
    assert one(cleaner, text, "phone_e164") == expected


@pytest.mark.parametrize(
    "text, zip5, plus4",
    [
        ("02108", "02108", None),
        ("2108", "02108", None),
        ("901", "00901", None),
        ("02108-1234", "02108", "1234"),
        (" 10001 ", "10001", None),
        ("1234567", None, None),
        ("ABCDE", None, None),
        ("02108-12", None, None),
        ("", None, None),
    ],
)
def test_zip_codes(cleaner, text, zip5, plus4):
    row = cleaner([text])[0]
    assert (row["zip5"], row["zip_plus4"]) == (zip5, plus4)


@pytest.mark.parametrize(
    "text, expected, blank",
    [
        ("  Ana   María ", "Ana María", False),
        ("Zoë", "Zoë", False),
        ("O'Brien", "O'Brien", False),
        ("\tNew\nYork ", "New York", False),
        ("NULL", None, True),
        ("null", None, True),
        ("   ", None, True),
        ("", None, True),
        (None, None, True),
    ],
)
def test_clean_text_and_is_blank(cleaner, text, expected, blank):
    row = cleaner([text])[0]
    assert (row["clean_text"], row["is_blank"]) == (expected, blank)


# Every Unicode white space, control and zero-width character a Windows export, a
# spreadsheet or a web form leaves around a value: CR, TAB, NBSP, em space, U+200B, BOM.
WHITESPACE = ["\r", "\t", "\u00a0", "\u2003", "\u200b", "\ufeff", "\r\n", " \u00a0\t"]


@pytest.mark.parametrize("pad", WHITESPACE)
@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("zip5", "02108", "02108"),
        ("zip5", "2108", "02108"),
        ("zip_plus4", "02108-1234", "1234"),
        ("clean_email", "Ana@Example.com", "ana@example.com"),
        ("parse_integer", "12", 12),
        ("parse_money", "$1,299.00", Decimal("1299.00")),
        ("phone_e164", "(201) 555-0123", "+12015550123"),
        ("clean_text", "José Muñoz", "José Muñoz"),
        ("trim_whitespace", "ST100002", "ST100002"),
        ("is_blank", "NULL", True),
        ("is_blank", "x", False),
    ],
)
def test_every_rule_trims_unicode_white_space(cleaner, pad, name, value, expected):
    for padded in (pad + value, value + pad, pad + value + pad):
        assert one(cleaner, padded, name) == expected, (padded, name)


@pytest.mark.parametrize(
    "text, expected, blank",
    [
        ("Jos\u00e9\u00a0\tMu\u200b\u00f1oz", "José Muñoz", False),
        ("12 Main St\r\nApt 3", "12 Main St Apt 3", False),
        ("\u200b", None, True),
        ("\r\n\t\u00a0", None, True),
        ("\ufeffNULL\r", None, True),
    ],
)
def test_clean_text_normalizes_every_kind_of_white_space(cleaner, text, expected, blank):
    row = cleaner([text])[0]
    assert (row["clean_text"], row["is_blank"]) == (expected, blank)


def test_safe_cast_returns_null_instead_of_failing(cleaner):
    assert [r["safe_cast_int"] for r in cleaner(["12", "abc", None])] == [12, None, None]


def test_surrogate_key_keeps_null_and_empty_apart(cleaner):
    keys = [r["surrogate_key"] for r in cleaner(["a", "", None, "a"])]
    assert keys[0] == keys[3] and len(set(keys)) == 3
    assert all(len(k) == 32 for k in keys)


# --- properties ------------------------------------------------------------------------

_FAST = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# Random text in batches of 30-60: a query's planning (all 16 rules) costs far more than its
# rows, so 60 such lists check more texts (~2,800) than 300 lists of 1-50 did (~1,850:
# hypothesis keeps most lists short), in a fifth of the queries
@settings(_FAST, max_examples=60)
@given(st.lists(st.text(max_size=40), min_size=30, max_size=60))
def test_random_text_never_raises(cleaner, values):
    rows = cleaner(values)
    assert len(rows) == len(values)


def _batches(*strategies):
    """Lists of 20-40 generated cases, each checked in one query: a query's planning costs far
    more than its rows, so 30 such lists check more cases (600+) than 300 single ones did."""
    return st.lists(st.tuples(*strategies), min_size=20, max_size=40)


_BATCHED = settings(_FAST, max_examples=30)


def _assert_dates_parse_back(cleaner, cases):
    """Each (date, format) case, rendered, parses back to its date (a failure names the case)."""
    rows = cleaner([render_date(value, fmt) for value, fmt in cases], "parse_date")
    assert [(*case, row["parse_date"]) for case, row in zip(cases, rows, strict=True)] == [
        (value, fmt, value) for value, fmt in cases
    ]


@_BATCHED
@given(
    _batches(
        st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)),
        st.sampled_from(("iso", *DATE_FORMATS)),
    )
)
def test_every_date_rendering_parses_back(cleaner, cases):
    _assert_dates_parse_back(cleaner, cases)


@_BATCHED
@given(
    _batches(
        st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
        st.sampled_from(("iso", "us_slash", "month_name", "us_dash")),
    )
)
def test_four_digit_year_renderings_parse_back_for_any_year(cleaner, cases):
    _assert_dates_parse_back(cleaner, cases)


@_BATCHED
@given(
    _batches(
        st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2049, 12, 31, 23, 59, 59)),
        st.sampled_from(TIME_OF_DAY_FORMATS),
    )
)
def test_every_time_of_day_rendering_parses_back(cleaner, cases):
    texts = [render_datetime(value, fmt) for value, fmt in cases]
    rows = cleaner(texts, "parse_date", "parse_timestamp")
    assert [
        (text, row["parse_date"], row["parse_timestamp"]) for text, row in zip(texts, rows, strict=True)
    ] == [
        (text, value.date(), rendered_datetime(value, fmt).replace(tzinfo=_UTC))
        for text, (value, fmt) in zip(texts, cases, strict=True)
    ]


@_FAST
@given(st.integers(min_value=-(10**9), max_value=10**11), st.integers(min_value=0, max_value=3))
def test_every_money_rendering_parses_back(cleaner, cents, style):
    text = render_money(cents, style) if cents >= 0 else f"{cents / 100:.2f}"
    assert one(cleaner, text, "parse_money") == Decimal(cents) / 100


@_FAST
@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_every_integer_parses_back_and_fractions_never_do(cleaner, value):
    rows = cleaner([str(value), f" {value} ", f"{value}.5", f"{value}e1"], "parse_integer")
    assert [r["parse_integer"] for r in rows] == [value, value, None, None]


@_FAST
@given(st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True), st.integers(0, 6))
def test_every_phone_rendering_normalises(cleaner, digits, style):
    assert one(cleaner, render_phone(digits, style), "phone_e164") == "+1" + digits


@pytest.mark.parametrize(
    "bad_vars, message",
    [
        (
            "{plausible_date_min: 1990/01/01}",
            "var plausible_date_min must be a date as YYYY-MM-DD, got '1990/01/01'",
        ),
        (
            "{plausible_date_max_years_ahead: soon}",
            "var plausible_date_max_years_ahead must be a whole number of years >= 0, got soon",
        ),
        (
            "{plausible_date_min: '2030-01-01', plausible_date_max: '2020-01-01'}",
            "plausible date window (event) is empty: 2030-01-01 is after 2020-01-01",
        ),
    ],
)
def test_a_malformed_plausibility_var_stops_compilation_naming_it(tmp_path, bad_vars, message):
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(REPO),
        "AETHERMART_DUCKDB": str(tmp_path / "compile.duckdb"),
    }
    proc = subprocess.run(
        [
            str(BIN / "dbt"),
            "compile",
            "--inline",
            "select {{ is_plausible_date('v') }}",
            "--vars",
            bad_vars,
            "--target-path",
            str(tmp_path),
            "--log-path",
            str(tmp_path),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-2000:]


# parse_date trims every Unicode white space too: a date padded with TAB, CR or a
# zero-width character must not quarantine its order as invalid_date (a POS order
# "2025-07-10<TAB>" was quarantined in a review build; a birth date was nulled).
@pytest.mark.parametrize("pad", WHITESPACE)
@pytest.mark.parametrize("value", ["2024-03-05", "03/05/2024", "March 5, 2024", "3/5/24 8:26"])
def test_parse_date_trims_unicode_white_space(cleaner, pad, value):
    for padded in (pad + value, value + pad):
        assert one(cleaner, padded, "parse_date") == date(2024, 3, 5), repr(padded)


def test_the_date_parsers_are_duckdb_functions_whose_name_is_their_bodys_hash(cleaner):
    ddl = cleaner.ddl
    created = dict(re.findall(r"create macro if not exists main\.(aethermart_(\w+?)_[0-9a-f]{12})\(", ddl))
    assert set(created.values()) == {"parse_date", "parse_timestamp"}, ddl[:500]
    for function, rule in created.items():
        # a use compiles to one call, not the ~10 KB of SQL the body holds
        assert cleaner.columns[rule] == f"{function}(v) as {rule}"
        body = ddl.split(f"main.{function}(text_value) as (", 1)[1].split(");", 1)[0]
        assert len(body) > 5_000
        assert function.endswith(hashlib.md5(body.strip().encode()).hexdigest()[:12])
    # parse_date's body calls parse_timestamp's function: it is created first
    assert ddl.index("main.aethermart_parse_timestamp_") < ddl.index("main.aethermart_parse_date_")
    parse_date_body = ddl.split("main.aethermart_parse_date_", 1)[1]
    assert re.search(r"aethermart_parse_timestamp_[0-9a-f]{12}\(", parse_date_body)


def test_the_hook_drops_only_the_functions_an_older_body_created(cleaner):
    assert f"drop macro if exists main.{_STALE};" in cleaner.ddl
    assert _NOT_OURS not in cleaner.ddl
    assert cleaner.ddl.count("drop macro") == 1
