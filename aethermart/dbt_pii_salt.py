"""dbt-duckdb plugin (registered in profiles.yml): the salt of gold's PII hashes.

It sets the DuckDB variable ``aethermart_pii_salt`` on every connection and cursor dbt
opens, as a query parameter, so the salt never appears in compiled SQL, dbt's logs,
``target/manifest.json`` or the docs site. The macro ``hash_pii`` reads it with
``getvariable``. Where the salt comes from:

- ``$AETHERMART_PII_SALT`` when set (not blank): always, in every target;
- else, only in a target whose plugin config says ``demo_salt_file: true`` (the default
  ``dev`` target, so that ``dbt build`` on a fresh clone needs no setup): a random salt
  generated once per warehouse and kept in ``<duckdb file>.pii_salt``, created with mode
  600 next to the DuckDB file (never in the repo, target/ or logs);
- else (the ``prod`` target) dbt stops before anything runs, in one line saying how to
  set the salt.

The DuckDB variable ``aethermart_pii_salt_source`` says which (``env`` or ``demo-file``);
the build record (macro ``build_record_start``) keeps it — never the salt.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

__all__ = ["SALT_ENV", "SALT_SOURCE_VARIABLE", "SALT_VARIABLE", "Plugin", "SaltError", "demo_salt_file",
           "resolve_salt"]

SALT_ENV = "AETHERMART_PII_SALT"
SALT_VARIABLE = "aethermart_pii_salt"
SALT_SOURCE_VARIABLE = "aethermart_pii_salt_source"
SET_SALT_HINT = (f"set {SALT_ENV} to a secret of your own, e.g. "
                 f"`export {SALT_ENV}=$(python3 -c 'import secrets; print(secrets.token_hex(32))')`")


class SaltError(DbtRuntimeError):
    """No usable salt; the message is one line that says how to set one."""

    def __str__(self) -> str:  # dbt prints str(exc); keep it the bare line
        return self.msg


def demo_salt_file(duckdb_path: str | os.PathLike) -> Path:
    """Where the demo target keeps the warehouse's salt: next to the DuckDB file."""
    return Path(f"{os.fspath(duckdb_path)}.pii_salt")


def resolve_salt(demo_file: Path | None) -> tuple[str, str]:
    """(salt, source): from the environment, else from (or into) the demo salt file."""
    salt = os.environ.get(SALT_ENV, "")
    if salt.strip():
        return salt, "env"
    if demo_file is None:
        raise SaltError(f"{SALT_ENV} is empty: this target hashes gold's PII only with a secret salt "
                        f"(only the demo target makes one itself); {SET_SALT_HINT}")
    return _read_or_create(demo_file), "demo-file"


def _read_or_create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # write a private temporary file, then link it into place: two processes racing
        # both end up with the one salt that won, never with a half-written file
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process won the race
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SaltError(f"PII salt file {path} is readable by others (mode {mode:o}); "
                        f"`chmod 600 {path}`, or {SET_SALT_HINT}")
    salt = path.read_text(encoding="ascii").strip()
    if not salt:
        raise SaltError(f"PII salt file {path} is empty; delete it (a new salt is made, which changes "
                        f"every email hash) or {SET_SALT_HINT}")
    return salt


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        demo = plugin_config.get("demo_salt_file") is True
        path = getattr(self.creds, "path", None)
        demo_file = demo_salt_file(path) if demo and path and path != ":memory:" else None
        self._salt, self._source = resolve_salt(demo_file)

    def _set(self, con) -> None:
        con.execute(f"set variable {SALT_VARIABLE} = ?", [self._salt])
        con.execute(f"set variable {SALT_SOURCE_VARIABLE} = ?", [self._source])

    def configure_connection(self, conn) -> None:
        self._set(conn)

    def configure_cursor(self, cursor) -> None:
        self._set(cursor)
