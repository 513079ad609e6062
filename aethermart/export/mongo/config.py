"""The MongoDB server an export writes to: its URI (never printed with the password), the
connection, and what the server can do (FerretDB lacks Decimal128 and `dropTarget`).

    mongodb://user:password@host:port/database?authSource=admin&tls=true
    mongodb+srv://user:password@cluster.example.net/database

The database is the URI's path (default ``aethermart``); auth, TLS and the other options
are pymongo's. Errors and logs show the URI as ``mongodb://user:***@host:port/database``,
secret options (``tlsCertificateKeyFilePassword``, ``authMechanismProperties``, …) as ``***``
too: every URI printed goes through ``aethermart.redact.redact_uri``.
"""

from __future__ import annotations

import re
import sys
import warnings
from dataclasses import dataclass, field
from urllib.parse import unquote

from aethermart import settings
from aethermart.errors import ConfigError, SourceError
from aethermart.export.errors import ExportError
from aethermart.redact import redact_uri, scrub, scrubbed_cause

__all__ = ["MongoServer", "MongoURI", "check_decimals", "connect", "plan_uses_index"]

_SCHEMES = ("mongodb://", "mongodb+srv://")
_BAD_DB_CHARS = set('/\\. "$\0')


@dataclass(frozen=True)
class MongoURI:
    uri: str = field(repr=False)
    database: str
    user: str | None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, uri: str) -> MongoURI:
        uri = uri.strip()
        if not uri.startswith(_SCHEMES):
            scheme = uri.split("://", 1)[0] if "://" in uri else "no"
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,20}", scheme):
                scheme = "no valid"  # the text before :// may be anything, a password too
            raise ConfigError(
                f"MongoDB URI must start with mongodb:// or mongodb+srv:// (got {scheme} "
                "scheme); expected mongodb://user:password@host:port/database"
            )
        scheme, rest = uri.split("://", 1)
        # hosts never contain '@': the user info is everything before the last one
        userinfo, _, hosts_path = rest.rpartition("@")
        if re.search(r"[@/?#\[\]]", userinfo) or userinfo.count(":") > 1:
            # the driver would split it elsewhere and quote pieces of the password in its errors
            raise ConfigError(
                f"MongoDB URI {redact_uri(uri)}: the user name, password or an option value "
                "holds an unescaped @ : / ? # [ or ]; percent-encode them (@ %40, : %3A, "
                '/ %2F, ? %3F, # %23, [ %5B, ] %5D), e.g. python3 -c "import urllib.parse, '
                "sys; print(urllib.parse.quote(sys.argv[1], safe=''))\" 'PASSWORD'"
            )
        user = password = None
        if userinfo:
            user_text, sep, password_text = userinfo.partition(":")
            user = unquote(user_text)
            password = unquote(password_text) if sep else None
        hosts, _, path = hosts_path.partition("/")
        if not hosts or hosts.startswith("?"):
            raise ConfigError(
                f"MongoDB URI {redact_uri(uri)} names no host; expected "
                "mongodb://user:password@host:port/database"
            )
        database = unquote(path.split("?", 1)[0]) or settings.MONGODB_DATABASE
        if _BAD_DB_CHARS & set(database) or len(database.encode()) > 63:
            raise ConfigError(
                f"MongoDB URI {redact_uri(uri)}: {database!r} is not a valid database name "
                '(no / \\ . space " $, at most 63 bytes)'
            )
        return cls(uri=uri, database=database, user=user, password=password)

    @property
    def who(self) -> str:
        """The user as an error names it (never the password)."""
        return f"user {self.user!r}" if self.user else "no user"

    def redacted(self) -> str:
        """The URI as it is safe to print: the password and secret options replaced by ***."""
        return redact_uri(self.uri)

    def scrub(self, text: str) -> str:
        """``text`` with the URI and any form of its secrets replaced (for driver messages)."""
        return scrub(text, self.uri)

    def cause(self, exc: BaseException) -> Exception:
        """``exc`` as a cause to chain (``raise ... from uri.cause(exc)``) without its secrets."""
        return scrubbed_cause(exc, self.uri)

    def __str__(self) -> str:
        return self.redacted()


@dataclass
class MongoServer:
    """A connected client, the export database and what the server supports."""

    uri: MongoURI
    client: object = field(repr=False)  # pymongo.MongoClient
    version: str  # the MongoDB version the server reports (FerretDB reports one it speaks for)
    ferretdb_version: str | None = None
    _id_index_used: dict[str, bool] = field(default_factory=dict, repr=False)  # collection -> probed

    @property
    def db(self):
        return self.client[self.uri.database]

    @property
    def is_ferretdb(self) -> bool:
        return self.ferretdb_version is not None

    @property
    def name(self) -> str:
        return f"FerretDB {self.ferretdb_version}" if self.is_ferretdb else f"MongoDB {self.version}"

    @property
    def supports_decimal128(self) -> bool:
        return not self.is_ferretdb  # FerretDB 1.x closes the connection on a Decimal128 value

    @property
    def supports_drop_target(self) -> bool:
        return not self.is_ferretdb  # FerretDB 1.x: renameCollection dropTarget -> NotImplemented

    def finds_by_id_index(self, collection: str) -> bool:
        """Whether a find, replace or delete by ``_id`` in ``collection`` (which exists) reads
        the _id index rather than the whole collection. MongoDB: always. FerretDB 1.24 on
        SQLite: only when its plan says so; stock 1.24.2 filters on an expression its _id index
        does not cover and scans (the test server of `make ferretdb` is built with the fix,
        tools/ferretdb/id_index_fix.sh). Asked once per collection with ``explain`` (retried on
        a dropped connection, like every call of the export); a server that refuses the
        question is taken to scan."""
        if not self.is_ferretdb:
            return True
        if collection not in self._id_index_used:
            from pymongo.errors import OperationFailure

            from aethermart.export.mongo.publish import with_retry

            def ask() -> dict:
                try:
                    return self.db.command("explain", {"find": collection, "filter": {"_id": ""}})
                except OperationFailure:
                    return {}

            answer = with_retry(f"collection {collection}: asking the plan of a lookup by _id", ask)
            self._id_index_used[collection] = plan_uses_index((answer.get("queryPlanner") or {}).get("Plan"))
        return self._id_index_used[collection]

    def close(self) -> None:
        self.client.close()


def _one_line(text: str) -> str:
    text = text.split(", Timeout:")[0].split(", full error:")[0]  # pymongo appends diagnostics
    return " ".join(text.split())


def _valid_uri_options(uri: str) -> set[str]:
    """The URI's options (lower-case names) the driver will use: it drops a malformed value with
    a warning (``serverSelectionTimeoutMS=abc``), which must not leave its 30 s default in force."""
    from pymongo.uri_parser import split_options

    query = uri.partition("?")[2].partition("#")[0]
    if not query:
        return set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MongoClient reports them, one scrubbed line each
            return {name.lower() for name in split_options(query, validate=True, warn=True)}
    except Exception:  # the client refuses the URI itself, with its own message
        return set()


def connect(uri: MongoURI, *, app_name: str = "aethermart-export") -> MongoServer:
    """Connect and ask the server who it is; every failure is a one-line error without password."""
    import pymongo
    from pymongo.errors import ConfigurationError, OperationFailure, PyMongoError, ServerSelectionTimeoutError

    options = {"appname": app_name}
    given = _valid_uri_options(uri.uri)
    if "serverselectiontimeoutms" not in given:
        options["serverSelectionTimeoutMS"] = settings.mongodb_timeout_ms()
    if "connecttimeoutms" not in given:
        options["connectTimeoutMS"] = settings.mongodb_timeout_ms()
    try:
        # pymongo warns about unknown or malformed options with a multi-line warning; they are
        # reported as one scrubbed line each instead
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client = pymongo.MongoClient(uri.uri, **options)
    except OSError as exc:  # a TLS certificate or key file named in the URI cannot be read
        raise ConfigError(
            f"MongoDB URI {uri.redacted()}: {uri.scrub(_one_line(str(exc)))}; check the "
            "TLS file options (tlsCAFile, tlsCertificateKeyFile)"
        ) from uri.cause(exc)
    except (ConfigurationError, ValueError, TypeError) as exc:  # InvalidURI is a ConfigurationError
        raise ConfigError(
            f"MongoDB URI {uri.redacted()} is invalid: {uri.scrub(_one_line(str(exc)))} "
            "(a password with : / ? # [ ] @ must be percent-encoded)"
        ) from uri.cause(exc)
    for warning in caught:
        print(
            f"export: warning: MongoDB URI {uri.redacted()}: {uri.scrub(_one_line(str(warning.message)))}",
            file=sys.stderr,
        )
    try:
        info = client.admin.command("buildInfo")
        client[uri.database].list_collection_names()  # authorization for the database itself
    except ServerSelectionTimeoutError as exc:
        client.close()
        raise SourceError(
            f"MongoDB at {uri.redacted()} is unreachable ({uri.scrub(_one_line(str(exc)))}); "
            "check host, port, TLS and the network, then run again"
        ) from uri.cause(exc)
    except OperationFailure as exc:
        client.close()
        text = uri.scrub(_one_line(str(exc)))
        if exc.code in (18, 13) or "auth" in str(exc).lower():
            hint = "check the user, password and authSource in the URI"
            raise SourceError(
                f"MongoDB at {uri.redacted()} refused {uri.who} ({text}); {hint}"
            ) from uri.cause(exc)
        raise SourceError(f"MongoDB at {uri.redacted()}: {text}") from uri.cause(exc)
    except PyMongoError as exc:
        client.close()
        raise SourceError(
            f"MongoDB at {uri.redacted()} failed: {uri.scrub(_one_line(str(exc)))}"
        ) from uri.cause(exc)
    return MongoServer(
        uri=uri,
        client=client,
        version=str(info.get("version", "?")),
        ferretdb_version=info.get("ferretdbVersion"),
    )


def plan_uses_index(plan) -> bool:
    """FerretDB's SQLite plan (``queryPlanner.Plan``, the rows of SQLite's EXPLAIN QUERY PLAN,
    e.g. ``id=3 parent=0 notused=0 detail=SEARCH t USING INDEX t__id_ (<expr>=?)``) reads an
    index; ``detail=SCAN t`` reads the whole table."""
    steps = [str(step) for step in plan] if isinstance(plan, list) else []
    # SEARCH: a lookup in the index (`SCAN t USING INDEX i` would read the whole index)
    return bool(steps) and all(
        "detail=SEARCH " in s and (" USING INDEX " in s or " USING COVERING INDEX " in s) for s in steps
    )


def check_decimals(server: MongoServer, decimals: str | None, where: str) -> tuple[str, str | None]:
    """The decimal encoding to use and a note when it was chosen for the server.

    ``None`` means "not configured": decimal128, or string on a server without Decimal128
    (FerretDB), which keeps the exact value. decimal128 asked for explicitly on such a
    server is an error before anything is written.
    """
    if decimals is None:
        if server.supports_decimal128:
            return "decimal128", None
        return "string", (
            f"{server.name} has no Decimal128: decimals written as exact strings "
            "(set decimals: double or string in the export meta, or --mongodb-decimals)"
        )
    if decimals == "decimal128" and not server.supports_decimal128:
        raise ExportError(
            f"{where}: decimals: decimal128 was asked for, but {server.name} has no "
            "Decimal128 (it drops the connection); use decimals: string (exact) or double"
        )
    return decimals, None
