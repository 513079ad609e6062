"""MariaDB connection URLs (``mysql://user:password@host:port/db``), never printed with the password."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from aethermart.errors import ConfigError

__all__ = ["MariaDBURL"]

_SCHEMES = ("mysql", "mariadb", "mysql+pymysql")


@dataclass(frozen=True)
class MariaDBURL:
    host: str
    port: int
    user: str
    database: str
    password: str = field(default="", repr=False)
    unix_socket: str | None = None

    @classmethod
    def parse(cls, url: str) -> MariaDBURL:
        """Parse ``mysql://user:password@host:port/database[?unix_socket=/path]``.

        The user info runs to the LAST ``@`` (a host never holds one), and the password from
        the first ``:`` in it, so a password may hold ``@ / : ? # [ ]`` as typed; percent-
        encoded forms (``%40`` …) are decoded, so a literal ``%`` is written ``%25``. No
        error message quotes any part of the user info.
        """
        url = url.strip()
        scheme, sep, rest = url.partition("://")
        if not sep or scheme.lower() not in _SCHEMES:
            shown = scheme if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,20}", scheme) else "no"
            raise ConfigError(
                f"MariaDB URL must start with mysql:// (got {shown} scheme); "
                "expected mysql://user:password@host:port/database"
            )
        userinfo, at, tail = rest.rpartition("@")
        user, colon, password = userinfo.partition(":")
        where, _, query = tail.partition("?")
        hostport, _, path = where.partition("/")
        host, port_text = _host_port(hostport)
        try:
            port = int(port_text) if port_text else 3306
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            # not quoted: without an '@' the "host:port" may be a user:password typed without host;
            # `from None` because int()'s ValueError quotes that text, which may be the password
            raise ConfigError(
                "MariaDB URL has an invalid port (not a number from 1 to 65535), or no "
                "@host after the password; expected mysql://user:password@host:port/database"
            ) from None
        database = unquote(path)
        if not database:
            raise ConfigError(
                "MariaDB URL names no database; expected mysql://user:password@host:port/database"
            )
        options = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        return cls(
            host=host or "localhost",
            port=port,
            user=unquote(user) if at else "",
            database=database,
            password=unquote(password) if at and colon else "",
            unix_socket=unquote(options["unix_socket"]) if "unix_socket" in options else None,
        )

    def redacted(self) -> str:
        """The URL as it is safe to print: the password replaced by ***."""
        auth = f"{self.user}:***@" if self.password else (f"{self.user}@" if self.user else "")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mysql://{auth}{host}:{self.port}/{self.database}"

    def __str__(self) -> str:
        return self.redacted()


def _host_port(text: str) -> tuple[str, str]:
    """(host, port text) of ``host``, ``host:port``, ``[ipv6]`` or ``[ipv6]:port``."""
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ConfigError(
                "MariaDB URL has a malformed [IPv6] host; expected mysql://user:password@[::1]:3306/db"
            )
        return host, rest[1:]
    host, _, port = text.partition(":")
    return unquote(host), port
