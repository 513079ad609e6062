"""The export guard: publish gold only from one complete, successful build of it, tested.

dbt writes a build record into the warehouse (hooks in dbt_project.yml, macros
``build_record_start`` / ``build_record_end``): one row per invocation in
``ops.dbt_invocations`` (``running`` until the run ends, then ``success`` or ``error``) and
the status of every node it ran in ``ops.dbt_node_results``. The guard reads the record as
the warehouse's current state, node by node, newest invocation first. For the exported
models (the selection of this export):

1. **The build**: the newest finished invocation that ran any exported model (``dbt build``
   or ``dbt run``; also ``seed``/``snapshot``/``retry`` if they did) is the one the exported
   gold comes from. It must have built *every* exported model, each ``success``: gold of
   one run, never models of two builds side by side (a later ``dbt build --select x``
   exports only ``x``). The invocations after it changed no exported model (``dbt test``,
   ``dbt seed``, a run of silver models…), so they do not hide it.
2. **Nothing killed since**: an invocation after the build that never finished (killed:
   still ``running``) refuses the export, because it may have rebuilt any model — unless it
   was a ``dbt test`` (or ``source freshness``), which builds nothing; its tests count as
   not run (rule 5).
3. **No failure standing**: for every node run by the build or after it, its latest result
   is not ``error``/``fail``; a failure that a later command re-ran successfully is
   superseded (``dbt build`` whose test failed, then a passing ``dbt test``, exports).
   Sources do not count: their results are ``dbt source freshness``'s (stale data is
   reported there, and gold built from it is still what was built).
4. **The manifest** the exporter reads is that build's, or one written after it (a later
   ``dbt test``; or a command that records nothing: ``docs generate``, ``compile``,
   ``show``, ``parse``, ``ls`` — in dbt-core 1.11 only ``RunTask`` and its subclasses run
   on-run-start/-end), in which case every exported model's SQL and contract checksums
   must equal the ones the build built. A manifest of an invocation before the build is
   refused. The PII salt of the build came from ``$AETHERMART_PII_SALT`` or the demo salt
   file.
5. **Tested after it was built**: every data and unit test the manifest attaches to an
   exported model ran in the build or after it, and its latest result is ``pass`` or
   ``warn``. So ``dbt build``, and ``dbt run`` followed by a passing ``dbt test`` of those
   models, both count as built and tested; ``dbt run`` alone does not. A unit test checks
   the SQL on fixed rows, so its outcome is a function of the code, not of the data: one not
   run since the build also counts when its newest run under the build's code fingerprint
   (``ops.dbt_invocations.code_fingerprint``, see ``aethermart.code_fingerprint``) passed,
   even an invocation before the build; and a unit test run since the build under other code
   (both fingerprints recorded) does not count for it. So a build run with ``--exclude-resource-type
   unit_test`` (dbt's advice for production, and what ``aethermart sync`` does once they
   passed) exports when the same code passed them before. Without a recorded fingerprint
   (a profile without the plugin, a warehouse recorded before it) they must run since the build.

6. **Not `--empty`**: a command run with dbt's ``--empty`` read every input as zero rows, and
   the models it built hold none. The export is refused while an exported model, or any model
   upstream of one (the manifest's ``parent_map``), was last built by such a command: it
   would publish empty collections, or gold built from an emptied silver table. This holds
   even with ``--allow-failed-build`` (``check_not_empty``). Otherwise an ``--empty``
   invocation is not counted at all: its tests read no rows, so they neither pass nor fail.

``check_build`` returns the build (its ``BuildRecord``): its invocation id is the one the
exports record, not the manifest's (``docs generate`` or ``dbt test`` have other ids).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from aethermart.export.errors import BuildRecordError
from aethermart.export.manifest import ExportSpec

__all__ = ["BuildRecord", "check_build", "check_not_empty"]

_OK = {"model": ("success",), "test": ("pass", "warn"), "unit_test": ("pass", "warn")}
_FAILED = ("error", "fail", "runtime error", "partial success")
_BUILDS_NOTHING = ("test", "freshness")  # flags.WHICH of the hook-running commands that build nothing
_SALT_SOURCES = ("env", "demo-file")
_SALT_HINT = (
    "set AETHERMART_PII_SALT to a secret of your own (e.g. `export AETHERMART_PII_SALT="
    "$(python3 -c 'import secrets; print(secrets.token_hex(32))')`) and run `dbt build` again"
)
_OVERRIDE = "or pass --allow-failed-build"
_AGAIN = f"run `dbt build` (every exported model and its tests) before exporting, {_OVERRIDE}"


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
    pii_salt_fingerprint: str | None = None
    enabled_sources: str | None = None  # source systems that fed it (dbt var enabled_sources)
    code_fingerprint: str | None = None  # aethermart.code_fingerprint of its code (unit tests)
    empty: bool = False  # run with --empty: its models hold no rows, its tests read none

    @property
    def label(self) -> str:
        return f"`dbt {self.command}` (invocation {self.invocation_id}, started {self.started_at})"


@dataclass(frozen=True)
class _Result:
    resource_type: str
    status: str
    checksum: str | None
    contract_checksum: str | None


def check_build(
    con: duckdb.DuckDBPyConnection, duckdb_path: Path, manifest_path: Path, specs: tuple[ExportSpec, ...]
) -> BuildRecord:
    """Return the build the exported gold comes from, or raise BuildRecordError (one line)."""
    recorded = _invocations(con, duckdb_path)  # newest first
    results = _results(con)
    exported = {s.unique_id for s in specs}
    invocations = [  # an --empty run that built no exported model proves nothing (rule 6)
        inv
        for inv in recorded
        if not inv.empty or inv.status == "running" or _built_any(results, inv, exported)
    ]
    later: list[BuildRecord] = []  # the invocations after the build, newest first
    build = None
    for inv in invocations:
        if inv.status == "running" and inv.command not in _BUILDS_NOTHING:
            _check_failures(later, results, duckdb_path)  # the newest problem first
            raise BuildRecordError(
                f"the dbt command {inv.label} on {duckdb_path} never finished (killed, or "
                f"still running; it may have rebuilt any model); run `dbt build` again, "
                f"{_OVERRIDE}"
            )
        if inv.status != "running" and _built_any(results, inv, exported):
            build = inv
            break
        later.append(inv)
    if build is None:
        raise BuildRecordError(f"no dbt command recorded on {duckdb_path} built {_names(exported)}; {_AGAIN}")
    since = [*later, build]
    earlier = invocations[len(since) :]  # before the build, newest first
    _check_failures(since, results, duckdb_path)
    if build.pii_salt_source not in _SALT_SOURCES:
        raise BuildRecordError(
            f"the last dbt build on {duckdb_path} ({build.label}, target "
            f"{build.target_name}) hashed PII with an empty AETHERMART_PII_SALT; "
            f"{_SALT_HINT}"
        )
    built = results[build.invocation_id]
    manifest = _read(manifest_path)
    _refuse_empty(recorded, results, manifest, exported, duckdb_path)
    _check_manifest(con, manifest, manifest_path, build, built, since, specs, duckdb_path)
    tests = _tests_by_model(manifest, exported)
    for spec in specs:
        result = built.get(spec.unique_id)
        if result is None or result.status not in _OK["model"]:
            what = "did not build it" if result is None else f"left it {result.status}"
            raise BuildRecordError(
                f"model {spec.model} is not from the last dbt command that built exported gold on "
                f"{duckdb_path}: {build.label} {what}; {_AGAIN}"
            )
        for test_id in tests.get(spec.unique_id, ()):
            _check_test(test_id, spec, since, earlier, results, build, duckdb_path)
    return build


_NONE = _Result("", "", None, None)


def check_not_empty(
    con: duckdb.DuckDBPyConnection, duckdb_path: Path, manifest_path: Path, specs: tuple[ExportSpec, ...]
) -> None:
    """Rule 6 alone, for an export with --allow-failed-build: a failed build may be published on
    purpose, an empty one never. A warehouse without a build record has nothing to refuse."""
    try:
        recorded = _invocations(con, duckdb_path)
    except BuildRecordError:
        return
    _refuse_empty(recorded, _results(con), _read(manifest_path), {s.unique_id for s in specs}, duckdb_path)


def _refuse_empty(
    recorded: list[BuildRecord],
    results: dict[str, dict[str, _Result]],
    manifest: dict,
    exported: set[str],
    duckdb_path: Path,
) -> None:
    """Rule 6: no exported model, and no model upstream of one, was last built with --empty."""
    parents = manifest.get("parent_map") or {}
    models, todo = set(), list(exported)
    while todo:
        uid = todo.pop()
        if uid not in models and uid.startswith("model."):
            models.add(uid)
            todo += parents.get(uid, ())
    for uid in sorted(models):
        for inv in recorded:  # newest first: the invocation that last built it
            ran = results.get(inv.invocation_id, {}).get(uid)
            if ran is None or ran.resource_type != "model" or ran.status not in _OK["model"]:
                continue
            if inv.empty:
                what = "an exported model" if uid in exported else "upstream of exported gold"
                raise BuildRecordError(
                    f"model {uid.split('.', 2)[-1]} ({what}) was last built on {duckdb_path} by {inv.label} "
                    "run with --empty: it holds no rows, and exporting would publish empty or incomplete "
                    "gold; run `dbt build` (without --empty) before exporting"
                )
            break


def _built_any(results: dict[str, dict[str, _Result]], inv: BuildRecord, models: set[str]) -> bool:
    ran = results.get(inv.invocation_id, {})
    return any(ran.get(uid, _NONE).resource_type == "model" for uid in models)


def _check_failures(
    since: list[BuildRecord], results: dict[str, dict[str, _Result]], duckdb_path: Path
) -> None:
    """Rule 3: the latest result of every node run since the build is no failure."""
    latest: dict[str, tuple[BuildRecord, _Result]] = {}
    for inv in since:  # newest first: the first result seen of a node is its latest
        for uid, result in results.get(inv.invocation_id, {}).items():
            latest.setdefault(uid, (inv, result))
    # a source's result is its freshness (`dbt source freshness`): old landed data, which the
    # freshness run reports itself, not a failure of what was built from it
    standing = [
        (inv, uid, r.status)
        for uid, (inv, r) in latest.items()
        if r.status in _FAILED and r.resource_type != "source"
    ]
    if not standing:
        return
    newest = next(inv for inv in since if any(inv is s[0] for s in standing))
    examples = sorted(f"{uid.split('.', 2)[-1]} ({status})" for inv, uid, status in standing if inv is newest)
    raise BuildRecordError(
        f"the dbt command {newest.label} on {duckdb_path} failed ({len(standing)} "
        f"failure(s) not since passed, e.g. {', '.join(examples[:3])}); fix them and "
        f"run `dbt build` again, {_OVERRIDE}"
    )


def _check_manifest(
    con: duckdb.DuckDBPyConnection,
    manifest: dict,
    manifest_path: Path,
    build: BuildRecord,
    built: dict[str, _Result],
    since: list[BuildRecord],
    specs: tuple[ExportSpec, ...],
    duckdb_path: Path,
) -> None:
    """Rule 4: the build's manifest, or a later one (recorded or not) declaring the same code."""
    manifest_id = manifest.get("metadata", {}).get("invocation_id")
    if manifest_id == build.invocation_id:
        return
    if manifest_id not in {inv.invocation_id for inv in since}:
        known = con.execute(
            "select command from ops.dbt_invocations where invocation_id = ?", [manifest_id]
        ).fetchone()
        if known:
            raise BuildRecordError(
                f"{manifest_path} is from an earlier `dbt {known[0]}` ({manifest_id}) than the one that "
                f"built the exported gold on {duckdb_path}, {build.label}; use the target folder of that "
                f"build (--target-path), or run `dbt build` again"
            )
    nodes = manifest.get("nodes", {})
    for spec in specs:  # a later dbt test, docs generate, compile, show: the same code as built?
        node = nodes.get(spec.unique_id, {})
        result = built.get(spec.unique_id)
        now = ((node.get("checksum") or {}).get("checksum"), (node.get("contract") or {}).get("checksum"))
        if (
            result is not None
            and result.resource_type == "model"
            and (result.checksum, result.contract_checksum) != now
        ):
            raise BuildRecordError(
                f"model {spec.model} changed since the last dbt build on {duckdb_path} ({build.label}): "
                f"{manifest_path} declares other SQL or contract than was built; run `dbt build` again"
            )


def _other_code(test_id: str, inv: BuildRecord, build: BuildRecord) -> bool:
    """A unit test's run under other code than the build's (both fingerprints recorded): its
    outcome says nothing about the build, even when it ran after it (a unit test passed after
    reverting an edit, or under other --vars, does not vouch for what the edit built)."""
    return (
        test_id.startswith("unit_test.")
        and bool(build.code_fingerprint and inv.code_fingerprint)
        and inv.code_fingerprint != build.code_fingerprint
    )


def _check_test(
    test_id: str,
    spec: ExportSpec,
    since: list[BuildRecord],
    earlier: list[BuildRecord],
    results: dict[str, dict[str, _Result]],
    build: BuildRecord,
    duckdb_path: Path,
) -> None:
    """Rule 5: the test's latest run since the build (a killed `dbt test` counts as one) passed;
    for a unit test not run since, its latest run under the build's code fingerprint."""
    name = test_id.split(".", 2)[-1]
    for inv in since:
        if inv.status == "running":  # a killed `dbt test`: what it ran is unknown
            raise BuildRecordError(
                f"{name}, a test of model {spec.model}: the last dbt command that may have run it on "
                f"{duckdb_path}, {inv.label}, never finished (killed, or still running); run `dbt test` "
                f"again, {_OVERRIDE}"
            )
        ran = results.get(inv.invocation_id, {}).get(test_id)
        if ran is None or _other_code(test_id, inv, build):
            continue
        if ran.status in _OK.get(ran.resource_type, ("pass", "warn")):
            return
        raise BuildRecordError(
            f"{name}, a test of model {spec.model}, is not passed since the model was built on {duckdb_path} "
            f"({build.label}): {inv.label} left it {ran.status}; {_AGAIN}"
        )
    if test_id.startswith("unit_test.") and build.code_fingerprint:
        for inv in earlier:
            ran = results.get(inv.invocation_id, {}).get(test_id)
            if ran is None or ran.status == "skipped" or inv.code_fingerprint != build.code_fingerprint:
                continue  # not run there, or other code: says nothing about this build's
            if ran.status in _OK["unit_test"]:
                return
            raise BuildRecordError(
                f"{name}, a unit test of model {spec.model}, failed under the code that built it on "
                f"{duckdb_path} ({inv.label} left it {ran.status}) and has not passed since; fix it and "
                f"run `dbt build` again, {_OVERRIDE}"
            )
    raise BuildRecordError(
        f"{name}, a test of model {spec.model}, has not run since {build.label} built the model on "
        f"{duckdb_path}; run `dbt test` (or `dbt build`) before exporting, {_OVERRIDE}"
    )


def _names(uids: set[str]) -> str:
    names = sorted(uid.split(".", 2)[-1] for uid in uids)
    return ", ".join(names[:3]) + (f" or {len(names) - 3} other(s)" if len(names) > 3 else "")


def _invocations(con: duckdb.DuckDBPyConnection, duckdb_path: Path) -> list[BuildRecord]:
    try:
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'ops' and table_name = 'dbt_invocations'"
            ).fetchall()
        }
        fingerprint = "pii_salt_fingerprint" if "pii_salt_fingerprint" in columns else "null"
        sources = "enabled_sources" if "enabled_sources" in columns else "null"
        code = "code_fingerprint" if "code_fingerprint" in columns else "null"
        empty = "coalesce(empty, false)" if "empty" in columns else "false"
        rows = con.execute(f"""
            select invocation_id, command, target_name, strftime(started_at, '%Y-%m-%d %H:%M:%S UTC'),
                   strftime(finished_at, '%Y-%m-%d %H:%M:%S UTC'), status, failures, pii_salt_source,
                   {fingerprint}, {sources}, {code}, {empty}
            from ops.dbt_invocations
            order by started_at desc""").fetchall()
    except duckdb.CatalogException:
        rows = []
    if not rows:
        raise BuildRecordError(
            f"{duckdb_path} holds no dbt build record (ops.dbt_invocations): it was not "
            f"built by this project's `dbt build`; run `dbt build` first, {_OVERRIDE}"
        )
    return [BuildRecord(*row) for row in rows]


def _results(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, _Result]]:
    """Every recorded node result, by invocation and node (at most 100 invocations are kept)."""
    by_invocation: dict[str, dict[str, _Result]] = {}
    for inv, uid, *result in con.execute(
        "select invocation_id, unique_id, resource_type, status, checksum, "
        "contract_checksum from ops.dbt_node_results"
    ).fetchall():
        by_invocation.setdefault(inv, {})[uid] = _Result(*result)
    return by_invocation


def _read(manifest_path: Path) -> dict:
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildRecordError(
            f"dbt manifest {manifest_path} is unreadable ({type(exc).__name__}); run `dbt build` again"
        ) from exc


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
