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

The DuckDB variable ``aethermart_pii_salt_source`` says which (``env`` or ``demo-file``) and
``aethermart_pii_salt_fingerprint`` which salt: ``fingerprint(salt)``, an HMAC-SHA256 of a
fixed label keyed with the salt, 16 hex digits — it tells two salts apart, never the salt.
The build record (macro ``build_record_start``) keeps the source and the fingerprint.

No silent change of salt: before dbt runs anything, the plugin reads (read-only) the
fingerprint of the last recorded run that built a model in this warehouse and stops dbt in
one line when the salt now differs — another ``$AETHERMART_PII_SALT``, or a demo salt file
that is gone (it then makes no new one) or was replaced — since every ``email_sha256``
would change. ``AETHERMART_PII_SALT_ROTATE=1`` says the change is meant: then rebuild
everything (``AETHERMART_PII_SALT_ROTATE=1 dbt build``). A warehouse recorded before
fingerprints existed, or one dbt cannot read yet, is not compared.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Any

import duckdb
from dbt_common.exceptions import DbtRuntimeError

from aethermart.dbt_plugins.variables import VariablesPlugin

__all__ = [
    "ROTATE_ENV",
    "SALT_ENV",
    "SALT_SOURCE_VARIABLE",
    "SALT_VARIABLE",
    "Plugin",
    "SaltError",
    "built_with_fingerprint",
    "demo_salt_file",
    "fingerprint",
    "resolve_salt",
]

SALT_ENV = "AETHERMART_PII_SALT"
SALT_VARIABLE = "aethermart_pii_salt"
SALT_SOURCE_VARIABLE = "aethermart_pii_salt_source"
ROTATE_ENV = "AETHERMART_PII_SALT_ROTATE"
_FINGERPRINT_LABEL = b"aethermart pii salt fingerprint v1"
SET_SALT_HINT = (
    f"set {SALT_ENV} to a secret of your own, e.g. "
    f"`export {SALT_ENV}=$(python3 -c 'import secrets; print(secrets.token_hex(32))')`"
)


class SaltError(DbtRuntimeError):
    """No usable salt; the message is one line that says how to set one."""

    def __str__(self) -> str:  # dbt prints str(exc); keep it the bare line
        return self.msg


def demo_salt_file(duckdb_path: str | os.PathLike) -> Path:
    """Where the demo target keeps the warehouse's salt: next to the DuckDB file."""
    return Path(f"{os.fspath(duckdb_path)}.pii_salt")


def fingerprint(salt: str) -> str:
    """Which salt, without the salt: HMAC-SHA256(key=salt, fixed label), first 16 hex digits."""
    return hmac.new(salt.encode(), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def resolve_salt(
    demo_file: Path | None, *, built_with: str | None = None, warehouse: str = "the warehouse"
) -> tuple[str, str]:
    """(salt, source): from the environment, else from (or into) the demo salt file.

    ``built_with``: the fingerprint of the salt the warehouse's models were last built with
    (None: nothing to compare, or a rotation was asked for); another salt is refused, and a
    missing demo salt file is then not replaced."""
    salt = os.environ.get(SALT_ENV, "")
    if salt.strip():
        _same_salt(salt, built_with, f"${SALT_ENV}", warehouse)
        return salt, "env"
    if demo_file is None:
        raise SaltError(
            f"{SALT_ENV} is empty: this target hashes gold's PII only with a secret salt "
            f"(only the demo target makes one itself); {SET_SALT_HINT}"
        )
    if built_with is not None and not demo_file.exists():
        raise SaltError(
            f"PII salt file {demo_file} is missing, but {warehouse} was built with a salt "
            f"(fingerprint {built_with}); a new one would change every email_sha256: put the "
            f"file back, or set {ROTATE_ENV}=1 to make a new salt (`{ROTATE_ENV}=1 dbt build`)"
        )
    salt = _read_or_create(demo_file)
    _same_salt(salt, built_with, f"salt file {demo_file}", warehouse)
    return salt, "demo-file"


def _same_salt(salt: str, built_with: str | None, origin: str, warehouse: str) -> None:
    if built_with is not None and fingerprint(salt) != built_with:
        raise SaltError(
            f"PII salt changed: {warehouse} was last built with salt fingerprint {built_with}, "
            f"{origin} has {fingerprint(salt)}; every email_sha256 would change: restore the "
            f"previous salt, or set {ROTATE_ENV}=1 to rebuild with this one "
            f"(`{ROTATE_ENV}=1 dbt build`)"
        )


def built_with_fingerprint(duckdb_path: Path) -> str | None:
    """The salt fingerprint of the last recorded run that built a model in ``duckdb_path``
    (read-only; None when the file, the record or a fingerprint is missing, or the file is
    busy: dbt then reports that itself)."""
    if not duckdb_path.is_file():
        return None
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            row = con.execute("""
                select invocations.pii_salt_fingerprint
                from ops.dbt_invocations as invocations
                where invocations.pii_salt_fingerprint is not null
                    and exists (
                        select 1 from ops.dbt_node_results as node_results
                        where node_results.invocation_id = invocations.invocation_id
                            and node_results.resource_type = 'model' and node_results.status = 'success')
                order by invocations.started_at desc
                limit 1""").fetchone()
    except duckdb.Error:  # no build record (yet), no fingerprint column (older record), busy
        return None
    return row[0] if row else None


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
        raise SaltError(
            f"PII salt file {path} is readable by others (mode {mode:o}); "
            f"`chmod 600 {path}`, or {SET_SALT_HINT}"
        )
    salt = path.read_text(encoding="ascii").strip()
    if not salt:
        raise SaltError(
            f"PII salt file {path} is empty; delete it (a new salt is made, which changes "
            f"every email hash) or {SET_SALT_HINT}"
        )
    return salt


class Plugin(VariablesPlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        demo = plugin_config.get("demo_salt_file") is True
        path = getattr(self.creds, "path", None)
        local = bool(path) and path != ":memory:" and not str(path).startswith("md:")
        demo_file = demo_salt_file(path) if demo and local else None
        rotate = os.environ.get(ROTATE_ENV, "").strip() == "1"
        built_with = built_with_fingerprint(Path(path)) if local and not rotate else None
        self._salt, self._source = resolve_salt(demo_file, built_with=built_with, warehouse=str(path))
        self._variables = {
            SALT_VARIABLE: self._salt,
            SALT_SOURCE_VARIABLE: self._source,
            "aethermart_pii_salt_fingerprint": fingerprint(self._salt),
        }

    def variables(self) -> dict[str, str]:
        return self._variables
