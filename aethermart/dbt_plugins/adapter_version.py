"""dbt-duckdb plugin (registered in profiles.yml): the adapter's version as a DuckDB variable.

dbt's Jinja context names dbt-core's version (``dbt_version``) and DuckDB names its own
(``version()``), but nothing names dbt-duckdb's, whose macros write the SQL around each
model (how a table is created, renamed, replaced). This sets ``aethermart_dbt_duckdb_version``
on every connection and cursor dbt opens; the table models' input fingerprint
(macro ``model_fingerprint``) includes it, so an adapter upgrade rebuilds every kept table.
"""

from __future__ import annotations

from dbt.adapters.duckdb import __version__ as adapter_version

from aethermart.dbt_plugins.variables import VariablesPlugin

__all__ = ["VARIABLE", "Plugin"]

VARIABLE = "aethermart_dbt_duckdb_version"


class Plugin(VariablesPlugin):
    def variables(self) -> dict[str, str]:
        # read at connect time (not import time), so a test can stand in another version
        return {VARIABLE: adapter_version.version}
