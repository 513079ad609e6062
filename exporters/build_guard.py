"""The export guard: publish gold only from one complete, successful `dbt build`.

dbt writes a build record into the warehouse (hooks in dbt_project.yml, macros
``build_record_start`` / ``build_record_end``): one row per invocation in
``ops.dbt_invocations`` (``running`` until the run ends, then ``success`` or ``error``) and
the status of every node it ran in ``ops.dbt_node_results``. The rule, checked against the
manifest the exporter reads:

1. The last recorded invocation (the last build, run, test, seed or snapshot against this
   warehouse) finished, without any failure.
2. The manifest is that invocation's, or was written by a command that runs no hooks and
   builds nothing (``dbt docs generate``, ``compile``, ``show``, ``parse``, ``ls``: in dbt-core
   1.11 only ``RunTask`` and its subclasses run on-run-start/-end), in which case every
   exported model's SQL and contract checksums must equal the ones that invocation built.
   A manifest of an earlier recorded invocation is refused.
3. The PII salt of that build came from ``$AETHERMART_PII_SALT`` or the demo salt file.
4. Every exported model succeeded in that invocation, and every data and unit test of it
   that the manifest declares passed (or warned) in it.

A killed ``dbt build`` leaves its row ``running``; a failed one ``error``; ``dbt docs
generate`` afterwards writes no record, so neither unlocks the export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from exporters.errors import BuildRecordError
from exporters.manifest import ExportSpec

__all__ = ["BuildRecord", "check_build"]

_OK = {"model": ("success",), "test": ("pass", "warn"), "unit_test": ("pass", "warn")}
_SALT_SOURCES = ("env", "demo-file")
_SALT_HINT = ("set AETHERMART_PII_SALT to a secret of your own (e.g. `export AETHERMART_PII_SALT="
              "$(python3 -c 'import secrets; print(secrets.token_hex(32))')`) and run `dbt build` again")
_OVERRIDE = "or pass --allow-failed-build"


@dataclass(frozen=True)
class BuildRecord:
    invocation_id: str
    command: str
    target_name: str
    started_at: str
    finished_at: str | None
    status: str
    failures: int | None
    pii_salt_source: str | None

    @property
    def label(self) -> str:
        return f"`dbt {self.command}` (invocation {self.invocation_id}, started {self.started_at})"


def check_build(con: duckdb.DuckDBPyConnection, duckdb_path: Path, manifest_path: Path,
                specs: tuple[ExportSpec, ...]) -> BuildRecord:
    """Return the build the exported gold comes from, or raise BuildRecordError (one line)."""
    last = _last_invocation(con, duckdb_path)
    if last.status == "running":
        raise BuildRecordError(f"the last dbt command on {duckdb_path}, {last.label}, never finished "
                               f"(killed, or still running); run `dbt build` again, {_OVERRIDE}")
    results = {uid: (rtype, status, checksum, contract) for uid, rtype, status, checksum, contract in
               con.execute("select unique_id, resource_type, status, checksum, contract_checksum "
                           "from ops.dbt_node_results where invocation_id = ?",
                           [last.invocation_id]).fetchall()}
    if last.status != "success":
        failed = [f"{uid.split('.', 2)[-1]} ({status})" for uid, (_, status, _, _) in sorted(results.items())
                  if status in ("error", "fail", "runtime error", "partial success")]
        raise BuildRecordError(f"the last dbt command on {duckdb_path}, {last.label}, failed "
                               f"({last.failures or len(failed)} failure(s), e.g. {', '.join(failed[:3])}); "
                               f"fix them and run `dbt build` again, {_OVERRIDE}")
    if last.pii_salt_source not in _SALT_SOURCES:
        raise BuildRecordError(f"the last dbt build on {duckdb_path} ({last.label}, target "
                               f"{last.target_name}) hashed PII with an empty AETHERMART_PII_SALT; "
                               f"{_SALT_HINT}")
    manifest = _read(manifest_path)
    manifest_id = manifest.get("metadata", {}).get("invocation_id")
    nodes = manifest.get("nodes", {})
    if manifest_id != last.invocation_id:
        known = con.execute("select command from ops.dbt_invocations where invocation_id = ?",
                            [manifest_id]).fetchone()
        if known:
            raise BuildRecordError(
                f"{manifest_path} is from an earlier `dbt {known[0]}` ({manifest_id}) than the last one on "
                f"{duckdb_path}, {last.label}; use the target folder of the last build (--target-path), "
                f"or run `dbt build` again")
        for spec in specs:  # written by docs generate / compile / show: the same code as built?
            node = nodes.get(spec.unique_id, {})
            built = results.get(spec.unique_id)
            now = ((node.get("checksum") or {}).get("checksum"), (node.get("contract") or {}).get("checksum"))
            if built is not None and built[0] == "model" and tuple(built[2:]) != now:
                raise BuildRecordError(
                    f"model {spec.model} changed since the last dbt build on {duckdb_path} ({last.label}): "
                    f"{manifest_path} declares other SQL or contract than was built; run `dbt build` again")
    tests = _tests_by_model(manifest, {s.unique_id for s in specs})
    for spec in specs:
        built = results.get(spec.unique_id)
        if built is None or built[1] not in _OK["model"]:
            what = "did not build it" if built is None else f"left it {built[1]}"
            raise BuildRecordError(
                f"model {spec.model} is not from the last dbt command on {duckdb_path}: {last.label} {what}; "
                f"run `dbt build` (every exported model and its tests) before exporting, {_OVERRIDE}")
        for test_id in tests.get(spec.unique_id, ()):
            ran = results.get(test_id)
            if ran is None or ran[1] not in _OK.get(ran[0], ("pass", "warn")):
                what = "did not run it" if ran is None else f"left it {ran[1]}"
                raise BuildRecordError(
                    f"{test_id.split('.', 2)[-1]}, a test of model {spec.model}, is not from the last dbt "
                    f"command on {duckdb_path}: {last.label} {what}; run `dbt build` (every exported "
                    f"model and its tests) before exporting, {_OVERRIDE}")
    return last


def _last_invocation(con: duckdb.DuckDBPyConnection, duckdb_path: Path) -> BuildRecord:
    try:
        row = con.execute("""
            select invocation_id, command, target_name, strftime(started_at, '%Y-%m-%d %H:%M:%S UTC'),
                   strftime(finished_at, '%Y-%m-%d %H:%M:%S UTC'), status, failures, pii_salt_source
            from ops.dbt_invocations
            order by started_at desc
            limit 1""").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise BuildRecordError(f"{duckdb_path} holds no dbt build record (ops.dbt_invocations): it was not "
                               f"built by this project's `dbt build`; run `dbt build` first, {_OVERRIDE}")
    return BuildRecord(*row)


def _read(manifest_path: Path) -> dict:
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildRecordError(f"dbt manifest {manifest_path} is unreadable ({type(exc).__name__}); "
                               "run `dbt build` again") from None


def _tests_by_model(manifest: dict, models: set[str]) -> dict[str, list[str]]:
    """The data tests (nodes) and unit tests that the manifest attaches to each model."""
    tests: dict[str, list[str]] = {}
    candidates = [*manifest.get("nodes", {}).values(), *manifest.get("unit_tests", {}).values()]
    for node in candidates:
        if node.get("resource_type") not in ("test", "unit_test"):
            continue
        for uid in (node.get("depends_on") or {}).get("nodes", ()):
            if uid in models:
                tests.setdefault(uid, []).append(node["unique_id"])
    return tests
