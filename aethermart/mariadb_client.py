"""Connecting to MariaDB with errors a user can act on (the password never appears)."""

from __future__ import annotations

from aethermart.errors import SourceError
from aethermart.mariadb_url import MariaDBURL

__all__ = ["connect", "quote_identifier"]

_REASONS = {
    1044: "access to the database denied for this user",
    1045: "access denied (check user and password)",
    1049: "unknown database '{database}'",
    2002: "server unreachable (socket)",
    2003: "server unreachable",
    2005: "unknown host '{host}'",
    2013: "lost connection while connecting",
}


def connect(url: MariaDBURL, *, raw_text: bool = False, autocommit: bool = False, **driver_options):
    """A pymysql connection; with ``raw_text`` every value arrives as text (or None).
    ``driver_options`` (pymysql.connect's) replace the defaults below, e.g. longer timeouts."""
    import pymysql
    import pymysql.converters

    options = {"read_timeout": 600, "write_timeout": 600, "init_command": "SET time_zone = '+00:00'"}
    options.update(driver_options)
    if raw_text:  # keep the encoders (for query parameters), drop the decoders
        options["conv"] = {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}
    try:
        return pymysql.connect(
            host=url.host,
            port=url.port,
            user=url.user,
            password=url.password,
            database=url.database,
            unix_socket=url.unix_socket,
            charset="utf8mb4",
            autocommit=autocommit,
            connect_timeout=10,
            **options,
        )
    except pymysql.err.OperationalError as exc:
        code = exc.args[0] if exc.args else None
        reason = _REASONS.get(code, f"error {code}").format(database=url.database, host=url.host)
        raise SourceError(f"cannot connect to MariaDB at {url.redacted()}: {reason}") from exc


def quote_identifier(name: str) -> str:
    """A MariaDB table or column name as a quoted identifier (backticks doubled inside)."""
    return "`" + name.replace("`", "``") + "`"
