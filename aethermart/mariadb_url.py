"""MariaDB connection URLs (``mysql://user:password@host:port/db``), never printed with the password."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from aethermart.errors import ConfigError

__all__ = ["MariaDBURL"]


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
        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mariadb", "mysql+pymysql"):
            raise ConfigError(
                f"MariaDB URL must start with mysql:// (got {parts.scheme or 'no'} scheme); "
                "expected mysql://user:password@host:port/database")
        database = parts.path.lstrip("/")
        if not database:
            raise ConfigError("MariaDB URL names no database; expected mysql://user:password@host:port/database")
        try:
            port = parts.port or 3306
        except ValueError:
            # the message would quote the text after ':', which may be part of the password
            raise ConfigError("MariaDB URL has an invalid port, or a password with a special "
                              "character (/ ? # @ :) that is not percent-encoded (e.g. %2F)") from None
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        return cls(
            host=parts.hostname or "localhost",
            port=port,
            user=unquote(parts.username or ""),
            database=unquote(database),
            password=unquote(parts.password or ""),
            unix_socket=query.get("unix_socket"),
        )

    def redacted(self) -> str:
        """The URL as it is safe to print: the password replaced by ***."""
        auth = f"{self.user}:***@" if self.password else (f"{self.user}@" if self.user else "")
        return f"mysql://{auth}{self.host}:{self.port}/{self.database}"

    def __str__(self) -> str:
        return self.redacted()
