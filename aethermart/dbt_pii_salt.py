"""dbt-duckdb plugin (registered in profiles.yml): the salt of gold's PII hashes.

It sets the DuckDB variable ``aethermart_pii_salt`` on every connection and cursor dbt
opens, from ``$AETHERMART_PII_SALT`` (empty when unset), as a query parameter. The macro
``hash_pii`` reads it with ``getvariable``, so the salt never appears in compiled SQL,
dbt's logs, ``target/manifest.json`` or the docs site.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

__all__ = ["SALT_VARIABLE", "Plugin"]

SALT_VARIABLE = "aethermart_pii_salt"


def _set_salt(con) -> None:
    con.execute(f"set variable {SALT_VARIABLE} = ?", [os.environ.get("AETHERMART_PII_SALT", "")])


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        _set_salt(conn)

    def configure_cursor(self, cursor) -> None:
        _set_salt(cursor)
