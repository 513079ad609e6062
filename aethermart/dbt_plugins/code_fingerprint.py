"""dbt-duckdb plugin (registered in profiles.yml): the code fingerprint as a DuckDB variable.

Computed once per dbt command (``aethermart.code_fingerprint``: the project's code files by
content, with the profiles.yml dbt reads (``--profiles-dir``), the dbt-core, dbt-duckdb
and DuckDB versions, ``--vars``, ``--target``, ``--profile`` and ``$AETHERMART_LANDING``)
and set as ``aethermart_code_fingerprint`` on every connection and cursor dbt opens.
The build record (``build_record_start``) stores it, so a unit test that
passed under the same code counts for a later build run without unit tests. A profile
without this plugin records none, and unit tests then count only when run since the build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.flags import get_flags

from aethermart.code_fingerprint import VARIABLE, code_fingerprint
from aethermart.dbt_plugins.variables import VariablesPlugin

__all__ = ["Plugin"]


def _fingerprint(flags) -> str:
    project_dir = Path(getattr(flags, "PROJECT_DIR", None) or os.getcwd())
    profiles_dir = getattr(flags, "PROFILES_DIR", None)
    dbt_vars = getattr(flags, "VARS", None)
    return code_fingerprint(
        project_dir,
        dbt_vars if isinstance(dbt_vars, dict) else {},
        getattr(flags, "TARGET", None),
        profiles_dir=Path(profiles_dir) if profiles_dir else None,  # the profile dbt reads
        profile=getattr(flags, "PROFILE", None),
    )


class Plugin(VariablesPlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._flags: object = None
        self._fingerprint = ""
        self.variables()

    def variables(self) -> dict[str, str]:
        # per dbt command, not per plugin: dbt-duckdb keeps its environment (and the plugins
        # made for the first command) for every later command of a process (dbtRunner), whose
        # --vars, --target or files may differ; each command sets new flags
        flags = get_flags()
        if flags is not self._flags:
            self._flags, self._fingerprint = flags, _fingerprint(flags)
        return {VARIABLE: self._fingerprint}
