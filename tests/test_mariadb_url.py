"""MariaDB URLs: a password may hold any character, typed as is or percent-encoded; no error
message or output ever shows a piece of it."""

from __future__ import annotations

import pytest

from aethermart.errors import ConfigError
from aethermart.mariadb_url import MariaDBURL
from tests.conftest import run_cli


@pytest.mark.parametrize(
    "password", ["p[w", "p]w", "p@w", "a@b@c", "p/w", "p:w", "p?w", "p#w", "[@/:?#]", "plain"]
)
def test_a_password_with_special_characters_parses_as_typed_and_percent_encoded(password):
    from urllib.parse import quote

    for written in (password, quote(password, safe="")):
        url = MariaDBURL.parse(f"mysql://ann:{written}@db.example:3307/shop")
        assert (url.user, url.password, url.host, url.port, url.database) == (
            "ann",
            password,
            "db.example",
            3307,
            "shop",
        ), written
        assert url.redacted() == "mysql://ann:***@db.example:3307/shop"
        assert password not in repr(url)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("mysql://ann:pw@h/db", ("ann", "pw", "h", 3306, "db", None)),
        ("mariadb://ann@h:1/db", ("ann", "", "h", 1, "db", None)),
        ("mysql://h/db", ("", "", "h", 3306, "db", None)),
        (
            "mysql://ann:p%25w@[::1]:3308/my%20db?unix_socket=/run/my.sock",
            ("ann", "p%w", "::1", 3308, "my db", "/run/my.sock"),
        ),
    ],
)
def test_url_parts(url, expected):
    u = MariaDBURL.parse(url)
    assert (u.user, u.password, u.host, u.port, u.database, u.unix_socket) == expected


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("postgres://ann:Sec[ret@h/db", "must start with mysql://"),
        ("Sec[ret://h/db", "got no scheme"),
        ("mysql://ann:Sec[ret@h:port/db", "invalid port"),
        ("mysql://ann:Sec[ret/db", "invalid port"),  # no @host: the "port" would be the password
        ("mysql://ann:Sec[ret@h:99999/db", "invalid port"),
        ("mysql://ann:Sec[ret@h", "names no database"),
        ("mysql://ann:Sec[ret@[::1/db", "malformed [IPv6] host"),
    ],
)
def test_a_malformed_url_is_one_line_without_any_piece_of_the_password(url, fragment):
    with pytest.raises(ConfigError) as err:
        MariaDBURL.parse(url)
    message = str(err.value)
    assert fragment in message and "\n" not in message
    assert not any(piece in message for piece in ("Sec", "ret", "[ret")), message


@pytest.mark.parametrize("password", ["s3cr[et", "s3cr@et", "s3cr/et", "s3cr:et"])
def test_extract_with_such_a_password_fails_in_one_clean_line(tmp_path, password):
    """Port 1: nothing listens; the URL parses and the connection error names the server only."""
    proc = run_cli(
        "extract", "--mariadb-url", f"mysql://ann:{password}@127.0.0.1:1/shop", "--landing", str(tmp_path)
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "aethermart extract: error: cannot connect to MariaDB at "
        "mysql://ann:***@127.0.0.1:1/shop: server unreachable"
    ], proc.stderr
    assert "s3cr" not in proc.stdout + proc.stderr and "et@" not in proc.stderr


def test_extract_with_a_malformed_url_fails_in_one_clean_line(tmp_path):
    proc = run_cli("extract", "--mariadb-url", "mysql://ann:s3cr[et/shop", "--landing", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "invalid port" in line and "s3cr" not in line and "[et" not in line
