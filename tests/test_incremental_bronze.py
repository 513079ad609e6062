"""Bronze is incremental by landed file.

One landing zone (a copy of the committed sample) is built, then changed the ways a landing
zone changes: a new POS drop (a copy of the latest drop with one order re-sent changed), a
changed file, a removed file, a new MariaDB extraction. An incremental `dbt build` must read
exactly the new and changed files and give the same bronze, silver and gold tables as a
`dbt build --full-refresh` into a second warehouse; a rebuild with nothing new reads no file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE, TABLES_ONLY, DbtProject, project_copy

SALT = "test-incremental-bronze-salt"  # one PII salt, so gold's hashes compare
NEW_DROP = "pos/load_date=2026-01-01"
LATEST_DROP = "pos/load_date=2025-12-01"
CHANGED_CITY = "pos/load_date=2025-11-01/city.csv"
CHANGED_EVENTS = "events/date=2025-11-20/events-00000.jsonl"
REMOVED_EVENTS = "events/date=2025-11-17/events-00000.jsonl"
OLD_EXTRACTION, NEW_EXTRACTION = "extraction_id=20251201T000000Z", "extraction_id=20251215T000000Z"
COMPARED_SCHEMAS = ("bronze", "silver", "gold")


class SaltedProject(DbtProject):
    def env(self) -> dict:
        return {**super().env(), "AETHERMART_PII_SALT": SALT}


def _invocation(project: DbtProject) -> str:
    return json.loads((project.target / "run_results.json").read_text())["metadata"]["invocation_id"]


def _reads(project: DbtProject, invocation: str) -> dict[str, set[str]]:
    reads: dict[str, set[str]] = {}
    for model, path in project.query(
        f"select model, file_path from ops.bronze_file_reads where invocation_id = '{invocation}'"
    ):
        reads.setdefault(model, set()).add(path)
    return reads


def _change_landing_zone(landing: Path) -> None:
    """The four kinds of change."""
    # a new POS drop: the latest one again, one order re-sent with another ship date
    shutil.copytree(landing / LATEST_DROP, landing / NEW_DROP)
    orders = landing / NEW_DROP / "order.csv"
    data = orders.read_bytes()
    sent, resent = b"500038,2025-11-12,2025-11-15,100010", b"500038,2025-11-12,2025-11-16,100010"
    assert sent in data
    orders.write_bytes(data.replace(sent, resent))
    # a changed file: an older drop's city file loses its last record
    city = landing / CHANGED_CITY
    lines = city.read_bytes().splitlines(keepends=True)
    city.write_bytes(b"".join(lines[:-1]))
    # a changed file: a day of events gets one more event
    with (landing / CHANGED_EVENTS).open("ab") as events:
        events.write(
            b'{"event_id": "evt-incremental-1", "customer_id": null, "session_id": "s-inc", '
            b'"event_type": "page_view", "occurred_at": "2025-11-20T12:00:00Z", '
            b'"page": {"url": "/", "title": "Home"}, "device": {"type": "desktop"}}\n'
        )
    # a removed file
    (landing / REMOVED_EVENTS).unlink()
    # a new MariaDB extraction of every table
    for table in sorted(p for p in (landing / "mariadb").iterdir() if (p / OLD_EXTRACTION).is_dir()):
        shutil.copytree(table / OLD_EXTRACTION, table / NEW_EXTRACTION)
        manifest = table / NEW_EXTRACTION / "_manifest.json"
        manifest.write_text(
            manifest.read_text()
            .replace("20251201T000000Z", "20251215T000000Z")
            .replace("2025-12-01T00:00:00", "2025-12-15T00:00:00")
        )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    landing = tmp_path_factory.mktemp("incremental_landing") / "landing"
    shutil.copytree(SAMPLE, landing)
    incremental = SaltedProject(landing, tmp_path_factory.mktemp("dbt_incremental"))
    incremental.dbt("run", "--select", "tag:bronze")
    first = _invocation(incremental)
    _change_landing_zone(landing)
    incremental.dbt("build")
    changed = _invocation(incremental)
    full = SaltedProject(landing, tmp_path_factory.mktemp("dbt_full_refresh"))
    # in parallel (AETHERMART_THREADS > 1 is a documented setting): the ops tables the bronze
    # models share are created once before models run, and the result equals the serial runs';
    # the reference's data tests add nothing (the incremental build ran them)
    full.dbt("build", "--full-refresh", "--threads", "4", *TABLES_ONLY)
    incremental.dbt("run", "--select", "tag:bronze")
    nothing_new = _invocation(incremental)
    return {
        "landing": landing,
        "incremental": incremental,
        "full": full,
        "first": first,
        "changed": changed,
        "nothing_new": nothing_new,
    }


def test_incremental_build_equals_full_refresh(runs):
    """Every bronze, silver and gold table of the incremental warehouse equals the full refresh's."""
    con = duckdb.connect()
    con.execute(f"attach '{runs['incremental'].duckdb_path}' as inc (read_only)")
    con.execute(f"attach '{runs['full'].duckdb_path}' as full_refresh (read_only)")
    schemas = ", ".join(f"'{s}'" for s in COMPARED_SCHEMAS)

    def tables(db: str) -> set[tuple[str, str]]:
        return set(
            con.execute(
                f"select schema_name, table_name from duckdb_tables() "
                f"where database_name = '{db}' and schema_name in ({schemas})"
            ).fetchall()
        )

    assert tables("inc") == tables("full_refresh")
    assert len(tables("inc")) > 40
    differences = []
    for schema, table in sorted(tables("inc")):
        a, b = f"inc.{schema}.{table}", f"full_refresh.{schema}.{table}"
        only_inc = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
        only_full = con.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[0]
        if only_inc or only_full:
            differences.append(
                f"{schema}.{table}: {only_inc} rows only incremental, {only_full} only full refresh"
            )
    assert not differences, differences


def test_incremental_build_reads_only_new_and_changed_files(runs):
    landing = runs["landing"]
    reads = _reads(runs["incremental"], runs["changed"])
    new_drop = {str(p) for p in (landing / NEW_DROP).iterdir()}
    assert reads["brz_pos__orders"] == {str(landing / NEW_DROP / "order.csv")}
    assert reads["brz_pos__cities"] == {str(landing / NEW_DROP / "city.csv"), str(landing / CHANGED_CITY)}
    assert reads["brz_pos__counted_files"] == new_drop | {str(landing / CHANGED_CITY)}
    assert reads["brz_pos__csv_rejects"] == new_drop | {str(landing / CHANGED_CITY)}
    assert reads["brz_events__events"] == {str(landing / CHANGED_EVENTS)}
    assert reads["brz_events__line_rejects"] == {str(landing / CHANGED_EVENTS)}
    new_orders = (landing / "mariadb/Orders" / NEW_EXTRACTION).glob("*.parquet")
    assert reads["brz_mariadb__orders"] == {str(p) for p in new_orders}
    new_manifests = landing.glob(f"mariadb/*/{NEW_EXTRACTION}/_manifest.json")
    assert reads["brz_mariadb__extractions"] == {str(p) for p in new_manifests}
    # the first build read every file, once per model that reads it
    first = _reads(runs["incremental"], runs["first"])
    assert str(landing / REMOVED_EVENTS) in first["brz_events__events"]
    assert len(first["brz_pos__orders"]) == 6


def test_removed_and_changed_files_leave_no_stale_rows(runs):
    project = runs["incremental"]
    removed = str(runs["landing"] / REMOVED_EVENTS)
    for model, column in [
        ("brz_events__events", "_source_file"),
        ("brz_events__line_rejects", "_source_file"),
        ("brz_events__counted_files", "file_path"),
    ]:
        assert project.scalar(f"select count(*) from bronze.{model} where {column} = '{removed}'") == 0, model
    city = str(runs["landing"] / CHANGED_CITY)
    records = len((runs["landing"] / CHANGED_CITY).read_bytes().splitlines()) - 1
    rows = project.scalar(f"select count(*) from bronze.brz_pos__cities where _source_file = '{city}'")
    rejects = project.scalar(
        f"select count(*) from bronze.brz_pos__csv_rejects where _source_file = '{city}' and not is_recovered"
    )
    counted = project.scalar(
        f"select counted_records from bronze.brz_pos__counted_files where file_path = '{city}'"
    )
    assert rows + rejects == counted == records
    assert (
        project.scalar(
            "select count(*) from bronze.brz_pos__orders where order_id = '500038' "
            "and date_shipped = '2025-11-16'"
        )
        == 1
    )


def test_rebuild_with_nothing_new_reads_no_file(runs):
    project = runs["incremental"]
    reads = "select count(*) from ops.bronze_file_reads where invocation_id = '{}'"
    assert project.scalar(reads.format(runs["first"])) > 0
    assert project.scalar(reads.format(runs["nothing_new"])) == 0
    # ... and every incremental bronze model ran in it, recording the files it keeps
    assert (
        project.scalar(
            "select count(distinct model) from ops.bronze_file_state "
            f"where recorded_by = '{runs['nothing_new']}'"
        )
        == 19
    )


def test_a_row_without_a_recorded_file_is_deleted_though_nothing_landed(runs, tmp_path):
    """A bronze model with nothing to read or forget is kept without running its hooks
    (bronze_files_unchanged), but not when its table holds a row of no recorded file (written
    by hand, copied from another warehouse): the forget pre-hook deletes that row, as it did
    before the kept path existed."""
    project = SaltedProject(runs["landing"], tmp_path / "orphan")
    project.workdir.mkdir()
    shutil.copy(runs["incremental"].duckdb_path, project.duckdb_path)
    select = ("--select", "brz_mariadb__suppliers", "brz_pos__counted_files")
    kept = project.dbt("run", *select)
    assert kept.stdout.count("rows kept") == 2, kept.stdout[-3000:]
    with duckdb.connect(str(project.duckdb_path)) as con:
        rows = con.execute("select count(*) from bronze.brz_mariadb__suppliers").fetchone()[0]
        con.execute(
            "insert into bronze.brz_mariadb__suppliers (supplier_id, supplier_name, _source_system) "
            "values (999, 'orphan', 'mariadb')"
        )
        con.execute(
            "insert into bronze.brz_pos__counted_files (entity, file_path) "
            "values ('order', '/nowhere/order.csv')"
        )
    again = project.dbt("run", *select)
    assert "rows kept" not in again.stdout, again.stdout[-3000:]
    assert project.scalar("select count(*) from bronze.brz_mariadb__suppliers") == rows
    assert project.scalar("select count(*) from bronze.brz_mariadb__suppliers where supplier_id = 999") == 0
    assert (
        project.scalar(
            "select count(*) from bronze.brz_pos__counted_files where file_path = '/nowhere/order.csv'"
        )
        == 0
    )


def test_bronze_data_tests_check_the_files_not_passed_unless_the_full_sweep_is_asked(runs, tmp_path):
    """A data test on an incremental bronze table checks the rows of the files it has not
    passed on; `--vars '{full_test_sweep: true}'` checks every row (what CI runs). A bad row in
    an old file: the default test after it passed on every file passes, the full sweep fails,
    and then the default test fails too (a failure forgets the test's passes). A row without a
    file is always checked."""
    project = SaltedProject(runs["landing"], tmp_path / "sweep")  # a private copy of the warehouse
    project.workdir.mkdir()
    shutil.copy(runs["incremental"].duckdb_path, project.duckdb_path)
    project.dbt("test", "--select", "tag:bronze")  # records the passes the default scope uses
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute(
            "update bronze.brz_pos__orders set _load_date = null "
            "where _source_file = (select min(_source_file) from bronze.brz_pos__orders)"
        )
    project.dbt("test", "--select", "brz_pos__orders")  # passes: it passed on every file
    with duckdb.connect(str(project.duckdb_path)) as con:  # a row without a file is always in scope
        con.execute(
            "insert into bronze.brz_pos__orderlines select * replace (null as _source_file) "
            "from bronze.brz_pos__orderlines limit 1"
        )
    fileless = project.dbt("test", "--select", "brz_pos__orderlines,test_name:row_rules", check=False)
    assert fileless.returncode != 0
    assert "row_rules_brz_pos__orderlines" in fileless.stdout
    swept = project.dbt(
        "test", "--select", "brz_pos__orders", "--vars", "{full_test_sweep: true}", check=False
    )
    assert swept.returncode != 0
    assert "row_rules_brz_pos__orders" in swept.stdout
    after = project.dbt("test", "--select", "brz_pos__orders", check=False)
    assert after.returncode != 0
    assert "row_rules_brz_pos__orders" in after.stdout


def test_a_file_local_singular_test_reads_a_file_again_until_every_model_holding_it_passed(runs, tmp_path):
    """assert_bronze_rows_and_rejects_never_share_a_record compares one file's rows across the
    bronze and rejects models (config meta file_local): it reads the files it has not passed
    on, and a file stays out of its scope only while it passed on it in every model that holds
    the file. A clash written by hand into a file it passed on is not read again; once one
    model holding that file (here the rejects model) has no pass for it - as after that model
    read the file again - the plain run reads the file in every model and finds the clash, as
    the full sweep does."""
    test = "assert_bronze_rows_and_rejects_never_share_a_record"
    project = SaltedProject(runs["landing"], tmp_path / "singular")  # a private copy of the warehouse
    project.workdir.mkdir()
    shutil.copy(runs["incremental"].duckdb_path, project.duckdb_path)
    project.dbt("test", "--select", test)  # records its passes
    passes = dict(
        project.query(
            "select model, count(*) from ops.bronze_test_passes "
            f"where test = 'test.aethermart.{test}' group by model"
        )
    )
    assert set(passes) == {
        "brz_pos__products",
        "brz_pos__cities",
        "brz_pos__customers",
        "brz_pos__orders",
        "brz_pos__orderlines",
        "brz_pos__csv_rejects",
        "brz_events__events",
        "brz_events__line_rejects",
    }
    held = dict(
        project.query(
            "select model, count(*) from ops.bronze_file_state where model in "
            f"({', '.join(repr(name) for name in passes)}) group by model"
        )
    )
    assert passes == held  # a pass for every file of every model it reads
    # one model reads its files again (the rejects model holds the same paths and keeps its
    # passes): the next run reads those files in every model and records them again
    project.dbt("run", "--select", "brz_pos__orders", "--full-refresh")
    assert (
        project.scalar(
            f"select count(*) from ops.bronze_test_passes where test = 'test.aethermart.{test}' "
            "and model = 'brz_pos__orders'"
        )
        == 0
    )
    project.dbt("test", "--select", test)
    assert (
        dict(
            project.query(
                "select model, count(*) from ops.bronze_test_passes "
                f"where test = 'test.aethermart.{test}' group by model"
            )
        )
        == held
    )
    orders = project.scalar("select min(_source_file) from bronze.brz_pos__orders")
    with duckdb.connect(str(project.duckdb_path)) as con:  # one landed record twice
        con.execute(
            "insert into bronze.brz_pos__orders select * from bronze.brz_pos__orders "
            f"where _source_file = '{orders}' limit 1"
        )
    project.dbt("test", "--select", test)  # passes: it passed on that file in every model
    with duckdb.connect(str(project.duckdb_path)) as con:  # the rejects model lost its pass for the file
        con.execute(
            "delete from ops.bronze_test_passes where model = 'brz_pos__csv_rejects' "
            f"and test = 'test.aethermart.{test}' and file_path = '{orders}'"
        )
    rescoped = project.dbt("test", "--select", test, check=False)
    assert rescoped.returncode != 0 and test in rescoped.stdout
    swept = project.dbt("test", "--select", test, "--vars", "{full_test_sweep: true}", check=False)
    assert swept.returncode != 0 and test in swept.stdout


def test_the_file_scope_keeps_a_row_without_a_file_that_an_outer_join_makes(runs, tmp_path):
    """A file-local singular test may left-join a bronze model to find what is missing: the
    joined side's row is then all NULL, its file too, though the table holds no NULL file.
    The scope (the SQL bronze_test_scope gave the committed singular test) keeps such a row,
    as it keeps a stored row without a file: a file whose rows are all gone is found."""
    test = "assert_bronze_rows_and_rejects_never_share_a_record"
    compiled = next(runs["incremental"].target.glob(f"compiled/**/{test}.sql"))
    text = compiled.read_text()
    start = text.index("as bronze_rows", text.index("brz_pos__orders"))
    scope = text[start:].split("where", 1)[1].lstrip().split("\n", 1)[0]  # the filter is one line
    assert scope.startswith("coalesce(bronze_rows._source_file, '') in (")
    copy = tmp_path / runs["incremental"].duckdb_path.name  # the compiled SQL names its catalog
    shutil.copy(runs["incremental"].duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        gone = con.execute("select min(_source_file) from bronze.brz_pos__orders").fetchone()[0]
        con.execute(f"delete from bronze.brz_pos__orders where _source_file = '{gone}'")
        missing = con.execute(
            "select counted.file_path from bronze.brz_pos__counted_files as counted "
            "left join bronze.brz_pos__orders as bronze_rows on bronze_rows._source_file = counted.file_path "
            f"where counted.entity = 'order' and {scope} and bronze_rows._source_file is null"
        ).fetchall()
    assert missing == [(gone,)]


def test_a_file_stays_in_a_tests_scope_until_the_test_passes_on_it(tmp_path):
    """A file whose rows fail a bronze test fails the next build too, however many builds read
    nothing or land other files since, until its rows are replaced (the file changed); the
    lines' test, which passes on the same drops, does not read them again. A `dbt run` records nothing, nor
    do `--empty` tests (they read no row). A pass holds under the code it was made with: other
    code (here other --vars) tests every file again, and a failure found there puts every file
    back in the plain build's scope. Rows of a file with no record (a cloned warehouse) are
    always tested. The bad rows are written into the table by hand: bronze accepts any landed
    text, so no landed file can make its lineage test fail."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    project = SaltedProject(landing, tmp_path / "dbt")
    project.workdir.mkdir()
    select = ("--select", "+brz_pos__orders", "+brz_pos__orderlines", "--indirect-selection", "cautious")
    failing, other = "row_rules_brz_pos__orders", "row_rules_brz_pos__orderlines"

    def untested(test: str) -> int:
        """Files of the test's model (brz_pos__orders, brz_pos__orderlines) it has no pass for."""
        return project.scalar(
            "select count(*) from ops.bronze_file_state as s "
            f"where s.model = '{test.removeprefix('row_rules_')}' "
            "and not exists (select 1 from ops.bronze_test_passes as p where p.file_path = s.file_path "
            f"and p.test like 'test.aethermart.{test}.%')"
        )

    def set_load_date(value: str, path: Path) -> None:
        with duckdb.connect(str(project.duckdb_path)) as con:
            con.execute(
                f"update bronze.brz_pos__orders set _load_date = {value} where _source_file = '{path}'"
            )

    project.dbt("build", *select)
    files = project.scalar("select count(*) from ops.bronze_file_state where model = 'brz_pos__orders'")
    assert files > 1 and untested(failing) == untested(other) == 0
    shutil.copytree(landing / LATEST_DROP, landing / NEW_DROP)
    bad = landing / NEW_DROP / "order.csv"
    project.dbt("run", *select)  # reads the new drop; runs no test
    assert untested(failing) == untested(other) == 1
    project.dbt("build", *select, "--empty", "--resource-type", "test")  # its tests read no row
    assert untested(failing) == untested(other) == 1
    set_load_date("null", bad)

    nothing_new = project.dbt("build", *select, check=False)
    assert nothing_new.returncode != 0 and failing in nothing_new.stdout
    assert untested(failing) == files + 1  # a failure forgets every pass of the test
    assert untested(other) == 0  # the lines' test passed on every file, the new drop's included
    shutil.copytree(landing / LATEST_DROP, landing / "pos/load_date=2026-01-02")
    another_drop = project.dbt("build", *select, check=False)
    assert another_drop.returncode != 0 and failing in another_drop.stdout
    assert untested(failing) == files + 2 and untested(other) == 0

    os.utime(bad, ns=(bad.stat().st_atime_ns, bad.stat().st_mtime_ns + 1_000_000))  # the file changes
    project.dbt("build", *select)
    assert untested(failing) == untested(other) == 0
    nulls = f"select count(*) from bronze.brz_pos__orders where _source_file = '{bad}' and _load_date is null"
    assert project.scalar(nulls) == 0

    old = project.scalar("select min(_source_file) from bronze.brz_pos__orders")
    set_load_date("null", Path(old))  # a file the tests passed on, broken behind their back
    project.dbt("build", *select)  # passes: no test reads it again under the same code
    other_code = project.dbt("build", *select, "--vars", "{a_var_no_model_reads: 1}", check=False)
    assert other_code.returncode != 0 and failing in other_code.stdout
    again = project.dbt("build", *select, check=False)  # the failure reached the plain build
    assert again.returncode != 0 and failing in again.stdout
    old_lines = project.scalar("select min(_source_file) from bronze.brz_pos__orderlines")
    with duckdb.connect(str(project.duckdb_path)) as con:  # as in a clone: no record of the file
        con.execute(
            "insert into bronze.brz_pos__orderlines select * from bronze.brz_pos__orderlines "
            f"where _source_file = '{old_lines}' limit 1"
        )  # a record twice: the lines' test, which passed on every file, fails on it
        con.execute(f"delete from ops.bronze_file_state where file_path = '{old_lines}'")
        con.execute(f"delete from ops.bronze_test_passes where file_path = '{old_lines}'")
    unrecorded = project.dbt("test", "--select", "brz_pos__orderlines,test_name:row_rules", check=False)
    assert unrecorded.returncode != 0 and other in unrecorded.stdout


def test_a_rejects_model_run_without_its_counted_files_stops_naming_the_new_files(tmp_path):
    """A new drop and `--select brz_pos__csv_rejects` alone: the counted-files model has not
    counted the drop, so its rejects cannot be collected. The model stops naming the files and
    what to run (it failed with a catalog error before), records nothing of them, and the
    suggested selection then reads them."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    project = SaltedProject(landing, tmp_path / "dbt")
    project.workdir.mkdir()
    project.dbt("run", "--select", "tag:bronze")
    shutil.copytree(landing / LATEST_DROP, landing / NEW_DROP)
    new_files = sorted(str(path) for path in (landing / NEW_DROP).iterdir())
    recorded = (
        "select count(*) from ops.bronze_file_state where model = 'brz_pos__csv_rejects' "
        f"and file_path like '{landing / NEW_DROP}/%'"
    )
    alone = project.dbt("run", "--select", "brz_pos__csv_rejects", check=False)
    assert alone.returncode != 0
    assert f"{len(new_files)} file(s) landed after brz_pos__counted_files" in alone.stdout, alone.stdout[
        -3000:
    ]
    assert new_files[0] in alone.stdout and "include +brz_pos__csv_rejects" in alone.stdout
    assert "Catalog Error" not in alone.stdout
    assert project.scalar(recorded) == 0
    project.dbt("run", "--select", "+brz_pos__csv_rejects")
    assert project.scalar(recorded) == len(new_files)


def test_file_modified_time_is_precise_to_the_microsecond(tmp_path):
    """DuckDB's read_blob has whole seconds; the identity takes lstat's times."""
    from aethermart.dbt_plugins.landing_guard import file_modified_us

    path = tmp_path / "drop.csv"
    path.write_bytes(b"id\n1\n")
    status = path.stat()
    assert file_modified_us(str(path)) == max(status.st_mtime_ns, status.st_ctime_ns) // 1000
    assert file_modified_us(str(tmp_path / "gone.csv")) is None


def test_a_file_rewritten_with_its_size_and_modification_time_put_back_is_read_again(tmp_path):
    """`cp -p`, `rsync -a` and `touch -r` put a file's modification time back; its status-change
    time moves all the same, so bronze sees the new content (a corrected digit, same size)."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    project = SaltedProject(landing, tmp_path / "dbt")
    project.dbt("run", "--select", "+brz_pos__orders")
    orders = landing / "pos/load_date=2025-09-01/order.csv"
    data, times = orders.read_bytes(), os.stat(orders)
    sent, corrected = b"500024,2025-08-11", b"500024,2025-08-12"
    assert sent in data
    orders.write_bytes(data.replace(sent, corrected))
    os.utime(orders, ns=(times.st_atime_ns, times.st_mtime_ns))  # what touch -r / cp -p do
    after = os.stat(orders)
    assert (after.st_size, after.st_mtime_ns) == (times.st_size, times.st_mtime_ns)
    project.dbt("run", "--select", "+brz_pos__orders")
    placed = project.query(
        "select date_placed from bronze.brz_pos__orders where order_id = '500024' "
        f"and _source_file = '{orders}'"
    )
    assert placed == [("2025-08-12",)], placed


def test_a_selective_build_never_reads_an_earlier_builds_file_listing(runs):
    """`--select` without the listing model lists the files itself: a new file is then either
    read (its counted-files model selected too) or refused by name — never silently missed.
    Kept last: it lands a new events day in the shared landing zone."""
    project, landing = runs["incremental"], runs["landing"]
    day = landing / "events" / "date=2025-12-31"
    day.mkdir()
    source = sorted((landing / "events").glob("date=*/*.jsonl"))[0]
    (day / "events-00000.jsonl").write_text("".join(source.read_text().splitlines(keepends=True)[:3]))
    new_rows = "select count(*) from bronze.brz_events__events where _source_file like '%date=2025-12-31%'"

    alone = project.dbt("run", "--select", "brz_events__events", check=False)
    assert alone.returncode != 0
    assert "landed after brz_events__counted_files counted the landing zone" in alone.stdout
    assert "--select left brz_events__counted_files out" in alone.stdout
    assert project.scalar(new_rows) == 0

    project.dbt("run", "--select", "+brz_events__events")
    assert project.scalar(new_rows) == 3


def test_a_bronze_model_that_gains_a_column_has_it_on_the_next_build(runs, tmp_path):
    """A new column in a bronze model's code reaches its existing table, for every file's rows
    (the changed code reads every file again): with dbt's `on_schema_change: ignore` alone the
    column was left out without a word, and silver failed on it."""
    project_dir = project_copy(tmp_path / "project_dir")
    model = project_dir / "models" / "bronze" / "mariadb" / "brz_mariadb__extractions.sql"
    text = model.read_text()
    assert "        server_version,\n" in text
    model.write_text(
        text.replace("        server_version,\n", "        server_version,\n        'probe' as probe,\n")
    )
    project = SaltedProject(runs["landing"], tmp_path / "dbt", project_dir=project_dir)
    project.workdir.mkdir()
    shutil.copy(runs["incremental"].duckdb_path, project.duckdb_path)
    rows = project.scalar("select count(*) from bronze.brz_mariadb__extractions")
    project.dbt("run", "--select", "brz_mariadb__extractions")
    assert project.query("select probe, count(*) from bronze.brz_mariadb__extractions group by probe") == [
        ("probe", rows)
    ]

    # every bronze model reads every file again (another landing path is part of each one's
    # fingerprint): each is altered to its model's columns or, with pre-hooks of its own (the
    # reject collectors), left as it is, and each holds the same rows as before
    def counts() -> dict[str, int]:
        tables = project.query(
            "select table_name from information_schema.tables where table_schema = 'bronze' order by 1"
        )
        return {t: project.scalar(f"select count(*) from bronze.{t}") for (t,) in tables}

    before = counts()
    project.landing = shutil.copytree(runs["landing"], tmp_path / "moved_landing")
    project.dbt("run", "--select", "tag:bronze")
    assert counts() == before
