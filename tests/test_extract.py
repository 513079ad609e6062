"""`aethermart extract` against a real (private) MariaDB: exact, atomic, restartable, clear errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pymysql
import pytest
import yaml

from aethermart.landing import MARIADB_TABLES
from aethermart.mariadb_url import MariaDBURL
from tests.conftest import BIN, REPO, DbtProject, answer_key, project_copy, run_cli


def _database(server, name: str) -> str:
    """A fresh database on the test server; returns its URL."""
    url = MariaDBURL.parse(server.url)
    con = pymysql.connect(host=url.host, port=url.port, user=url.user, password=url.password)
    with con.cursor() as cur:
        cur.execute(f"drop database if exists `{name}`")
        cur.execute(f"create database `{name}`")
    con.close()
    return server.url.rsplit("/", 1)[0] + "/" + name


def _loaded_database(server, name: str, scratch: Path, scale: str, seed: str) -> str:
    """A fresh database holding the generated e-commerce tables; returns its URL."""
    url = _database(server, name)
    run_cli(
        "generate",
        "--scale",
        scale,
        "--seed",
        seed,
        "--out",
        str(scratch),
        "--quiet",
        "--mariadb-url",
        url,
        check=True,
    )
    return url


def _sql(url: str, *statements: str) -> None:
    u = MariaDBURL.parse(url)
    con = pymysql.connect(
        host=u.host, port=u.port, user=u.user, password=u.password, database=u.database, autocommit=True
    )
    with con.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    con.close()


def _query(url: str, statement: str) -> list[tuple]:
    u = MariaDBURL.parse(url)
    con = pymysql.connect(host=u.host, port=u.port, user=u.user, password=u.password, database=u.database)
    with con.cursor() as cur:
        cur.execute(statement)
        rows = list(cur.fetchall())
    con.close()
    return rows


def _incremental_sources(path: Path, table: str, watermark: str, overlap: int) -> Path:
    """A copy of the sources YAML at `path` in which `table` is extracted incrementally."""
    from aethermart.extract.config import SOURCES_YAML

    doc = yaml.safe_load(SOURCES_YAML.read_text())
    for spec in doc["sources"][0]["tables"]:
        if spec["name"] == table:
            spec["meta"]["extract"] = {"mode": "incremental", "watermark": watermark, "overlap": overlap}
    path.write_text(yaml.safe_dump(doc))
    return path


def _extract(url: str, landing: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("extract", "--mariadb-url", url, "--landing", str(landing), *args)


def _extraction_caught_mid_table(server, name: str, tmp_path: Path):
    """A good extraction, 400k more Order_Items rows, then a second extraction that is still
    streaming Order_Items when this returns. Returns (process, url, landing, published before)."""
    url = _loaded_database(server, name, tmp_path / "gen", "0.001", "3")
    landing = tmp_path / "landing"
    assert _extract(url, landing, "--quiet").returncode == 0
    before = _published(landing)
    _sql(url, "insert into Order_Items select seq + 1000000, 1, 1, 1, 1.00 from seq_1_to_400000")
    proc = subprocess.Popen(
        [str(BIN / "aethermart"), "extract", "--mariadb-url", url, "--landing", str(landing)],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list((landing / "mariadb" / "Order_Items").glob(".staging-*")):
        assert proc.poll() is None and time.monotonic() < deadline, "extract ended before it was caught"
        time.sleep(0.005)
    return proc, url, landing, before


def _published(landing: Path) -> list[str]:
    return sorted(str(p.relative_to(landing)) for p in (landing / "mariadb").glob("*/extraction_id=*"))


@pytest.fixture(scope="module")
def loaded(mariadb_server, landing_001, tmp_path_factory):
    """The scale-0.01 seed-7 tables (same as landing_001) loaded into their own database."""
    return _loaded_database(mariadb_server, "extract_roundtrip", tmp_path_factory.mktemp("gen"), "0.01", "7")


def test_extraction_equals_the_generators_landing_exactly(loaded, landing_001, tmp_path):
    landing = tmp_path / "landing"
    proc = _extract(loaded, landing, "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert {t["table"] for t in summary["tables"] if t["status"] == "published"} == set(MARIADB_TABLES)
    assert MariaDBURL.parse(loaded).password not in proc.stdout + proc.stderr
    zero_dates = sum(1 for f in answer_key(landing_001)["faults"] if f["fault"] == "zero_date")
    for table in MARIADB_TABLES:
        expected = pq.read_table(next((landing_001 / "mariadb" / table).rglob("*.parquet")))
        (folder,) = (landing / "mariadb" / table).glob("extraction_id=*")
        got = pq.read_table(folder / "part-00000.parquet")
        keys = [(c, "ascending") for c in expected.column_names]
        assert got.schema.equals(expected.schema), table  # DECIMAL, DATE, UBIGINT, nullability
        assert got.sort_by(keys).equals(expected.sort_by(keys)), table
        manifest = json.loads((folder / "_manifest.json").read_text())
        assert manifest["rows"] == expected.num_rows
        assert manifest["files"][0]["rows"] == expected.num_rows
        assert manifest["server_version"].split("-")[0].count(".") == 2
        if table == "Orders":
            assert manifest["zero_dates_nulled"] == {"order_date": zero_dates}
        assert "password" not in json.dumps(manifest)


def _build_silver(landing: Path, workdir: Path, *select: str) -> DbtProject:
    """`dbt build` of everything up to silver and the snapshots (gold is not under test here),
    or of `select` and what it reads."""
    project = DbtProject(landing, workdir)
    if select:
        project.dbt("build", "--select", *(f"+{s}" for s in select), "--exclude", "tag:gold")
    else:
        project.dbt("build", "--exclude", "tag:gold")
    return project


# silver models whose rows come from MariaDB tables (and POS, which both sides share)
_CONFORMED_MARIADB_MODELS = ("slv_customers", "slv_products", "slv_orders", "slv_order_lines", "slv_reviews")


def _content(project: DbtProject, model: str) -> list[tuple]:
    """A silver model's rows without its lineage columns (`_source_file`, `_load_date`,
    `load_date`: the first extraction was backdated), sorted: what the same source content
    must give whatever extractions it came in."""
    return sorted(
        project.query(
            f"select columns(c -> not starts_with(c, '_') and c <> 'load_date') from silver.{model}"
        ),
        key=repr,
    )


@pytest.fixture(scope="module")
def over_extraction(loaded, built_001, tmp_path_factory) -> DbtProject:
    """built_001's POS and events files beside an extraction of the same tables from MariaDB
    (`loaded`), built up to silver and the snapshots (gold is not under test here)."""
    workdir = tmp_path_factory.mktemp("over_extraction")
    landing = workdir / "landing"
    for part in ("pos", "events"):
        # copied, not linked: the landing guard refuses symbolic links
        shutil.copytree(built_001.landing / part, landing / part)
    assert _extract(loaded, landing, "--quiet").returncode == 0
    return _build_silver(landing, workdir / "dbt")


def test_bronze_over_an_extraction_equals_bronze_over_generated_files(over_extraction, built_001):
    lineage = "_source_file, _extraction_id, _load_date, _source_row_number"
    for table in MARIADB_TABLES:
        model = "brz_mariadb__" + table.lower()
        query = f"select * exclude ({lineage}) from bronze.{model} order by _row_hash"
        assert over_extraction.query(query) == built_001.query(query), model


def test_killed_extraction_leaves_the_previous_one_and_the_next_run_recovers(mariadb_server, tmp_path):
    proc, url, landing, before = _extraction_caught_mid_table(mariadb_server, "extract_kill", tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)

    assert _published(landing) == before  # nothing of the killed run is published
    glob = landing / "mariadb" / "Order_Items" / "extraction_id=*" / "*.parquet"
    rows = duckdb.execute(f"select count(*) from read_parquet('{glob}')").fetchone()[0]
    (previous,) = (landing / "mariadb" / "Order_Items").glob("extraction_id=*")
    assert rows == pq.read_metadata(previous / "part-00000.parquet").num_rows < 400_000

    again = _extract(url, landing)
    assert again.returncode == 0, again.stderr
    assert "left by an interrupted run" in again.stderr
    assert not list((landing / "mariadb").glob("*/.staging-*"))
    newest = sorted((landing / "mariadb" / "Order_Items").glob("extraction_id=*"))[-1]
    assert pq.read_metadata(newest / "part-00000.parquet").num_rows > 400_000


def test_retention_keeps_the_newest_extractions(loaded, tmp_path):
    landing = tmp_path / "landing"
    for _ in range(3):  # --full: an unchanged table is landed again too
        proc = _extract(loaded, landing, "--quiet", "--full", "--keep", "2", "--tables", "Categories")
        assert proc.returncode == 0, proc.stderr
    assert len(list((landing / "mariadb" / "Categories").glob("extraction_id=*"))) == 2
    assert not (landing / "mariadb" / "Orders").exists()


@pytest.fixture
def broken_db(mariadb_server, tmp_path):
    return _loaded_database(mariadb_server, "extract_broken", tmp_path / "gen", "0.001", "5")


def _assert_clean_failure(proc, landing: Path, before: list[str], fragment: str, password: str):
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.strip().splitlines() if "error:" in line]
    assert len(errors) == 1 and fragment in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert password not in proc.stdout + proc.stderr
    assert _published(landing) == before
    assert not list((landing / "mariadb").glob("*/.staging-*"))


@pytest.mark.parametrize(
    "case, change, fragment",
    [
        ("unreachable", None, "server unreachable"),
        ("password", None, "access denied (check user and password)"),
        ("database", None, "unknown database 'no_such_db'"),
        ("table", "drop table Reviews", "table Reviews not found in database extract_broken"),
        (
            "column",
            "alter table Orders drop column total_amount",
            "table Orders has no column(s) total_amount",
        ),
        (
            "type",
            "alter table Orders modify total_amount varbinary(16)",
            "table Orders, column total_amount: Orders.total_amount is varbinary(16), declared decimal(10,2)",
        ),
    ],
)
def test_errors_are_one_line_and_publish_nothing(broken_db, tmp_path, case, change, fragment):
    landing = tmp_path / "landing"
    assert _extract(broken_db, landing, "--quiet").returncode == 0  # a previous good extraction
    before = _published(landing)
    password = MariaDBURL.parse(broken_db).password
    url = broken_db
    if case == "unreachable":
        url = url.replace(f":{MariaDBURL.parse(url).port}/", ":1/")
    elif case == "password":
        url = url.replace(password, "wrong-secret")
        password = "wrong-secret"
    elif case == "database":
        url = url.rsplit("/", 1)[0] + "/no_such_db"
    else:
        _sql(url, change)
    _assert_clean_failure(_extract(url, landing), landing, before, fragment, password)


def test_missing_optional_table_is_skipped_and_recorded(broken_db, tmp_path):
    _sql(broken_db, "drop table Product_Attributes")
    proc = _extract(broken_db, tmp_path / "landing", "--json")
    assert proc.returncode == 0, proc.stderr
    tables = {t["table"]: t for t in json.loads(proc.stdout)["tables"]}
    assert tables["Product_Attributes"]["status"] == "skipped"
    assert tables["Orders"]["status"] == "published"


def test_missing_url_and_unknown_table_are_one_line_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MARIADB_URL"}
    proc = subprocess.run(
        [str(BIN / "aethermart"), "extract", "--landing", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 2 and "set MARIADB_URL or pass --mariadb-url" in proc.stderr
    proc = run_cli(
        "extract",
        "--mariadb-url",
        "mysql://u:p@127.0.0.1:1/db",
        "--tables",
        "Nope",
        "--landing",
        str(tmp_path),
    )
    assert proc.returncode == 1 and "unknown table(s) Nope" in proc.stderr


def test_make_services_starts_a_private_mariadb_and_stops_it(tmp_path):
    env = {**os.environ, "AETHERMART_SERVICES_DIR": str(tmp_path / "services")}
    python = str(BIN / "python")
    started = subprocess.run(
        [python, "-m", "tools.services", "start"], cwd=REPO, env=env, capture_output=True, text=True
    )
    try:
        assert started.returncode == 0, started.stderr
        line = started.stdout.strip()
        assert line.startswith("export MARIADB_URL='mysql://")
        url = line.split("'")[1]
        _sql(url, "select 1")
        status = subprocess.run(
            [python, "-m", "tools.services", "status"], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert "mariadb: running" in status.stdout
    finally:
        stopped = subprocess.run(
            [python, "-m", "tools.services", "stop"], cwd=REPO, env=env, capture_output=True, text=True
        )
    assert "mariadb stopped" in stopped.stderr
    with pytest.raises(pymysql.err.OperationalError):
        _sql(url, "select 1")


def test_datetimes_zero_dates_and_odd_columns_land_exactly(broken_db, tmp_path):
    _sql(
        broken_db,
        "set session sql_mode = ''",
        "alter table Suppliers add column created_at datetime(6) not null default '2020-01-01 00:00:00',"
        " add column synced_at timestamp(6) null, add column `odd``name` varchar(10),"
        " add column big decimal(65,30)",
        "update Suppliers set created_at = '2024-05-06 07:08:09.123456',"
        " synced_at = '2024-05-06 07:08:09.5', `odd``name` = 'ok',"
        " big = 12345678901234567890123456789012345.000000000000000000000000000001"
        " where supplier_id = 1",
        "update Suppliers set created_at = '0000-00-00 00:00:00', synced_at = '2020-00-00 00:00:00'"
        " where supplier_id = 2",
    )
    landing = tmp_path / "landing"
    proc = _extract(broken_db, landing, "--tables", "Suppliers")
    assert proc.returncode == 0, proc.stderr
    assert "column big: decimal(65,30) is wider than Arrow decimal128; landed as exact text" in proc.stderr
    (folder,) = (landing / "mariadb" / "Suppliers").glob("extraction_id=*")
    table = pq.read_table(folder / "part-00000.parquet")
    rows = {r["supplier_id"]: r for r in table.to_pylist()}
    assert str(table.schema.field("created_at").type) == "timestamp[us]"
    assert str(table.schema.field("synced_at").type) == "timestamp[us, tz=UTC]"
    assert rows[1]["created_at"].microsecond == 123456 and rows[1]["synced_at"].microsecond == 500000
    assert rows[1]["odd`name"] == "ok"
    assert rows[1]["big"] == "12345678901234567890123456789012345.000000000000000000000000000001"
    assert rows[2]["created_at"] is None and rows[2]["synced_at"] is None
    manifest = json.loads((folder / "_manifest.json").read_text())
    assert manifest["zero_dates_nulled"] == {"created_at": 1, "synced_at": 1}


def test_a_run_killed_while_publishing_is_rolled_forward(loaded, tmp_path):
    """Simulates a SIGKILL between two renames: the marker says which tables belong together."""
    landing = tmp_path / "landing"
    assert _extract(loaded, landing, "--quiet", "--tables", "Categories,Suppliers").returncode == 0
    for table in ("Categories", "Suppliers"):
        (folder,) = (landing / "mariadb" / table).glob("extraction_id=*")
        folder.rename(folder.parent / ".staging-20991231T000000Z")
    (landing / "mariadb" / "Categories" / ".staging-20991231T000000Z").rename(
        landing / "mariadb" / "Categories" / "extraction_id=20991231T000000Z"
    )  # one table got through
    (landing / "mariadb" / ".publishing-20991231T000000Z").write_text(
        json.dumps({"tables": ["Categories", "Suppliers"]})
    )
    proc = _extract(loaded, landing, "--tables", "Orders")
    assert proc.returncode == 0, proc.stderr
    assert "completed the publication" in proc.stderr
    assert (landing / "mariadb" / "Suppliers" / "extraction_id=20991231T000000Z" / "_manifest.json").exists()
    assert not list((landing / "mariadb").glob(".publishing-*"))
    (orders,) = (landing / "mariadb" / "Orders").glob("extraction_id=*")
    assert orders.name > "extraction_id=20991231T000000Z"  # ids keep increasing: retention keeps the newest


def test_password_with_a_slash_is_never_echoed(tmp_path):
    # parsed as typed (the user info runs to the last '@'); the connection error shows ***
    proc = run_cli("extract", "--mariadb-url", "mysql://u:s3cr/et@127.0.0.1:1/db", "--landing", str(tmp_path))
    assert proc.returncode == 1
    assert "s3cr" not in proc.stderr and "mysql://u:***@127.0.0.1:1/db" in proc.stderr


def test_incremental_mode_reads_only_new_rows_and_misses_none(mariadb_server, tmp_path):
    url = _loaded_database(mariadb_server, "extract_incremental", tmp_path / "gen", "0.01", "9")
    sources = _incremental_sources(tmp_path / "sources.yml", "Order_Items", "order_item_id", 5)
    landing = tmp_path / "landing"

    def run(*extra: str) -> dict:
        proc = _extract(
            url,
            landing,
            "--sources-yaml",
            str(sources),
            "--tables",
            "Order_Items",
            "--json",
            "--keep",
            "1",
            *extra,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["tables"][0]

    first = run()  # no earlier extraction: a snapshot
    _sql(url, "insert into Order_Items select seq + 500000, 1, 1, 2, 3.50 from seq_1_to_40")
    second = run()
    third = run()  # nothing new: only the overlap
    assert second["rows"] == 40 + 5 and third["rows"] == 5
    manifests = [
        json.loads(p.read_text())
        for p in sorted((landing / "mariadb" / "Order_Items").glob("extraction_id=*/_manifest.json"))
    ]
    assert [m["mode"] for m in manifests] == ["snapshot", "incremental", "incremental"]
    assert manifests[1]["watermark"]["max"] == "500040"
    glob = landing / "mariadb" / "Order_Items" / "extraction_id=*" / "*.parquet"
    distinct, total = duckdb.execute(
        f"select count(distinct order_item_id), count(*) from read_parquet('{glob}')"
    ).fetchone()
    assert distinct == first["rows"] + 40  # no row missed; overlap rows are doubled, silver de-duplicates
    assert total == first["rows"] + 45 + 5
    full = run("--full")  # a snapshot again; --keep 1 now drops the older snapshot and its increments
    assert full["rows"] == first["rows"] + 40
    assert len(list((landing / "mariadb" / "Order_Items").glob("extraction_id=*"))) == 1


def test_ctrl_c_mid_table_stops_cleanly(mariadb_server, tmp_path):
    proc, _, landing, before = _extraction_caught_mid_table(mariadb_server, "extract_interrupt", tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "aethermart extract: interrupted"
    assert "Traceback" not in err and "Exception ignored" not in err
    assert _published(landing) == before
    assert not list((landing / "mariadb").glob("*/.staging-*"))


@pytest.mark.parametrize(
    "last, overlap, bound",
    [
        ("500040", 5, "500035"),
        ("2025-11-30", 2, "2025-11-28"),
        ("2025-03-01 10:00:00", 1, "2025-02-28 10:00:00"),
    ],
)
def test_incremental_lower_bound_subtracts_the_overlap(last, overlap, bound):
    from aethermart.extract.config import TableSpec
    from aethermart.extract.run import _lower_bound

    spec = TableSpec("T", ("id",), mode="incremental", watermark="id", overlap=overlap)
    assert _lower_bound(spec, last) == bound


# Lineage that says where and when a row was landed legitimately differs between the
# generator's files and a real extraction of the same tables: the landing folder (in file
# paths) and the extraction id, which is the extraction's start time (in `_extraction_id`,
# in the paths of MariaDB files, and in the load dates of MariaDB rows, derived from it).
# These are normalized rather than excluded, so the rest of those columns is still compared:
# the path inside the landing zone, POS and event load dates, that a row came from the
# extraction. Load dates are normalized only on rows whose (_)source_system is mariadb: a
# POS drop can share the generator's extraction date.
_PATH_COLUMNS = ("_extraction_id", "_source_file", "source_file")
_LOAD_DATE_COLUMNS = ("_load_date", "load_date", "first_seen_load_date", "last_seen_load_date")


def _silver_columns(project: DbtProject) -> dict[str, list[str]]:
    """Columns of every relation in schema silver, in order."""
    columns: dict[str, list[str]] = {}
    for table, column in project.query(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'silver' order by table_name, ordinal_position"
    ):
        columns.setdefault(table, []).append(column)
    return columns


def _normalized_select(project: DbtProject, catalog: str, table: str, columns: list[str]) -> str:
    """`select` of a silver table with the landing folder and extraction id made neutral."""
    (extraction_id,) = {
        row[0] for row in project.query("select extraction_id from bronze.brz_mariadb__extractions")
    }
    extraction_date = datetime.strptime(extraction_id, "%Y%m%dT%H%M%SZ").date()
    source = next((c for c in ("_source_system", "source_system") if c in columns), None)
    items = []
    for column in columns:
        quoted = f'"{column}"'
        if column in _PATH_COLUMNS:
            quoted = (
                f"replace(replace({quoted}, '{project.landing}/', '<landing>/'),"
                f" '{extraction_id}', '<extraction>')"
            )
        elif column in _LOAD_DATE_COLUMNS and source:
            quoted = (
                f"if({source} = 'mariadb' and {quoted} = date '{extraction_date}',"
                f" date '0001-01-01', {quoted})"
            )
        items.append(f'{quoted} as "{column}"')
    return f"select {', '.join(items)} from {catalog}.silver.{table}"


def test_silver_over_an_extraction_equals_silver_over_generated_files(over_extraction, built_001):
    projects = {"generated": built_001, "extracted": over_extraction}

    tables = _silver_columns(projects["generated"])
    assert len(tables) > 20 and _silver_columns(projects["extracted"]) == tables
    with duckdb.connect() as con:
        for name, project in projects.items():
            con.execute(f"attach '{project.duckdb_path}' as {name} (read_only)")
        for table, columns in tables.items():
            left, right = (
                _normalized_select(project, name, table, columns) for name, project in projects.items()
            )
            counts = [con.execute(f"select count(*) from ({query})").fetchone()[0] for query in (left, right)]
            assert counts[0] == counts[1], f"silver.{table}: {counts[0]} vs {counts[1]} rows"
            for one, other, label in (
                (left, right, "only over the generated files"),
                (right, left, "only over the extraction"),
            ):
                extra = con.execute(f"{one} except all {other} limit 3").fetchall()
                assert not extra, f"silver.{table}: rows {label}: {extra}"


# Each MariaDB table's key, spelled the way its checked silver model spells `natural_key`.
_NATURAL_KEYS = {table: spec.primary_key[0] for table, spec in MARIADB_TABLES.items() if spec.primary_key}
_NATURAL_KEYS["Product_Attributes"] = "concat(product_id, '|', attribute_name)"  # no primary key


def _silver_keys(project: DbtProject, table: str) -> list[str]:
    """Keys of a MariaDB table's rows that silver holds as current (clean or quarantined)."""
    return sorted(
        key
        for (key,) in project.query(
            f"select natural_key from silver.slv_mariadb_{table.lower()}__checked"
            " where outcome in ('silver', 'quarantined')"
        )
    )


def _versions(project: DbtProject, snapshot: str, where: str, columns: str) -> list[tuple]:
    """The snapshot rows matching `where`, oldest first: (*columns, is_closed, is_deleted)."""
    return project.query(
        f"select {columns}, dbt_valid_to is not null, coalesce(dbt_is_deleted = 'True', false)"
        f" from snapshots.{snapshot} where {where} order by dbt_valid_from"
    )


def _backdate_extractions(landing: Path, days: int) -> None:
    """Move every published extraction `days` back in time (folder name and manifest), as if
    it had run on an earlier day: the next extraction then lands on another load date."""
    for folder in (landing / "mariadb").glob("*/extraction_id=*"):
        old = folder.name.split("=", 1)[1]
        new = (datetime.strptime(old, "%Y%m%dT%H%M%SZ") - timedelta(days=days)).strftime("%Y%m%dT%H%M%SZ")
        manifest = json.loads((folder / "_manifest.json").read_text())
        (folder / "_manifest.json").write_text(json.dumps({**manifest, "extraction_id": new}))
        folder.rename(folder.with_name(f"extraction_id={new}"))


def test_changes_in_mariadb_reach_silver_and_the_snapshots(mariadb_server, tmp_path):
    generated = tmp_path / "generated"
    url = _loaded_database(mariadb_server, "extract_changes", generated, "0.01", "11")
    landing = tmp_path / "landing"
    for part in ("pos", "events"):
        shutil.copytree(generated / part, landing / part)
    # Order_Items is extracted incrementally (new ids only, re-reading the last 5); the rest as snapshots.
    sources = _incremental_sources(tmp_path / "sources.yml", "Order_Items", "order_item_id", 5)
    next_ids = [
        f"(select max({key}) + 1 from {table})"
        for table, key in (
            ("Customers", "customer_id"),
            ("Products", "product_id"),
            ("Orders", "order_id"),
            ("Order_Items", "order_item_id"),
            ("Reviews", "review_id"),
        )
    ]
    ((customer, product, order, item, review),) = _query(url, f"select {', '.join(next_ids)}")
    # Before the first extraction: a product nobody bought or reviewed yet (deleted later), and
    # as the newest line one for an unknown product (quarantined, then re-read by the overlap).
    _sql(
        url,
        f"insert into Products select {product}, 'Unsold Desk Lamp', 42.00, category_id, supplier_id"
        " from Products where product_id = 1",
        f"insert into Order_Items values ({item}, 1, 999999, 1, 9.99)",
    )

    def extract() -> str:
        proc = _extract(url, landing, "--sources-yaml", str(sources))
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    extract()
    _backdate_extractions(landing, days=1)  # a daily schedule: yesterday's, then today's extraction
    project = _build_silver(landing, tmp_path / "dbt")
    (moved,) = project.query(  # an online-only customer: a new email splits no identity
        "select min(online_customer_id) from silver.slv_customers"
        " where has_online_account and not has_store_account and email is not null"
    )[0]
    ((old_email, old_city),) = project.query(
        f"select email, city_name from silver.slv_customers where online_customer_id = '{moved}'"
    )
    ((repriced, rerated, dropped),) = _query(
        url,
        "select min(product_id), (select min(review_id) from Reviews where rating between 1 and 4),"
        " (select max(review_id) from Reviews) from Products",
    )
    # an order with lines, moved to an implausible date: its lines, not extracted again
    # (Order_Items reads new ids only), become parent_quarantined through the parent's key
    ((broken_order, broken_lines),) = project.query(
        "select order_id, count(*) from silver.slv_mariadb_order_items__checked"
        f" group by order_id having bool_or(outcome = 'silver') and not bool_or(order_item_id = '{item}')"
        " order by cast(order_id as int) limit 1"
    )
    _sql(
        url,
        # inserts: a customer who orders two products and reviews one of them
        f"insert into Customers values ({customer}, 'Nora', 'Newcomer', 'nora.newcomer@example.net',"
        " '2025-11-30', 'Portland', 'OR', '97201')",
        f"insert into Orders select {order}, {customer}, '2025-11-30', 2 * a.price + b.price"
        " from Products a, Products b where a.product_id = 3 and b.product_id = 4",
        f"insert into Order_Items select {item + 1}, {order}, 3, 2, price from Products where product_id = 3",
        f"insert into Order_Items select {item + 2}, {order}, 4, 1, price from Products where product_id = 4",
        f"insert into Reviews values ({review}, 3, {customer}, 4, 'Bright and sturdy.', '2025-11-30')",
        # updates
        f"update Products set price = price + 10.00 where product_id = {repriced}",
        f"update Customers set email = 'moved.customer@example.net', city = 'Springfield'"
        f" where customer_id = {moved}",
        f"update Reviews set rating = rating + 1 where review_id = {rerated}",
        f"update Orders set order_date = '1900-01-01' where order_id = {broken_order}",
        # deletes
        f"delete from Reviews where review_id = {dropped}",
        f"delete from Products where product_id = {product}",
    )
    said = extract()
    # (at this scale a delta's chunk is a fifth of Customers: rebuilt by key up to half)
    built = project.dbt(
        "build", "--exclude", "tag:gold", "--vars", "{merge_changed_rows_max_share: 0.5}"
    ).stdout

    # The checked models of the tables with a delta or an incremental extraction rebuilt only
    # the keys these extractions touched (rebuild_by_extraction): new and re-read rows, a
    # delta's ranges (a deleted review), the lines of the order whose usability changed;
    # Products (a new snapshot) was built whole. A full refresh over the same landing zone
    # gives the same rows.
    tables = ("customers", "products", "orders", "order_items", "reviews")
    checked = [f"slv_mariadb_{table}__checked" for table in tables]
    assert f"{checked[1]}: a new snapshot extraction of Products: built whole" in built
    for model in checked[:1] + checked[2:]:
        said_of_model = f"{model}: extractions since its last build touched"
        (line,) = [line for line in built.splitlines() if said_of_model in line]
        rebuilt = re.search(r"touched (\d+) keys of its (\d+) rows: rebuilt their rows", line)
        assert rebuilt, line
        touched, rows = map(int, rebuilt.groups())
        assert 0 < touched < rows / 2, line
    assert project.query(
        "select count(*), bool_and(list_contains(quarantine_reasons, 'parent_quarantined'))"
        f" from silver.slv_mariadb_order_items__checked where order_id = '{broken_order}'"
    ) == [(broken_lines, True)]
    # The identity bridge merged the records that changed (the new customer at least), and
    # logged their ids: slv_orders compared only those customers' orders and the changed ones.
    (matched,) = re.findall(r"slv_customers__matched: (\d+) of (\d+) keys changed: merged their rows", built)
    assert 1 <= int(matched[0]) <= 2 < int(matched[1]), matched
    (orders_scope,) = [
        line for line in built.splitlines() if "slv_orders: " in line and "compared only" in line
    ]
    assert "silver.slv_customers__matched (source_customer_id)" in orders_scope, orders_scope
    merged_silver = ("slv_customers__matched", "slv_orders")
    refreshed = project.copy(tmp_path / "dbt_refreshed")
    refreshed.dbt("run", "--full-refresh", "--select", *checked, *merged_silver)
    with duckdb.connect() as con:
        con.execute(f"attach '{project.duckdb_path}' as incremental (read_only)")
        con.execute(f"attach '{refreshed.duckdb_path}' as refreshed (read_only)")
        for model in (*checked, *merged_silver):
            for one, other in (("incremental", "refreshed"), ("refreshed", "incremental")):
                extra = con.execute(
                    f"select * from {one}.silver.{model}"
                    f" except all select * from {other}.silver.{model} limit 3"
                ).fetchall()
                assert not extra, f"{model}: rows only in the {one} build: {extra}"

    manifests = [
        json.loads(p.read_text())
        for p in sorted((landing / "mariadb" / "Order_Items").glob("extraction_id=*/_manifest.json"))
    ]
    assert [m["mode"] for m in manifests] == ["snapshot", "incremental"]
    ((reread,),) = _query(url, f"select count(*) from Order_Items where order_item_id > {item} - 5")
    assert manifests[1]["rows"] == reread  # the two new lines and the overlap

    # The snapshot tables with a key landed only their changed key ranges (key_chunks.py): the
    # chunk of the first keys (updates) and the last one (inserts, deletes), not the table;
    # silver above holds MariaDB's keys and values, so the deltas' deletes took effect.
    for table, key in _NATURAL_KEYS.items():
        if table in ("Order_Items", "Product_Attributes"):  # incremental here; no key
            continue
        modes = [
            json.loads(p.read_text())
            for p in sorted((landing / "mariadb" / table).glob("extraction_id=*/_manifest.json"))
        ]
        if table in ("Categories", "Suppliers"):  # unchanged: not landed again
            assert [m["mode"] for m in modes] == ["snapshot"], table
            continue
        if table == "Products":  # 40 rows: the two changed chunks hold more than half of them
            assert [m["mode"] for m in modes] == ["snapshot", "snapshot"], said
            assert "table Products: landed whole: 24 of 40 rows are in changed chunks" in said
            continue
        assert [m["mode"] for m in modes] == ["snapshot", "delta"], f"{table}: {said}"
        second = modes[1]
        ranges = [(r["lo"], r["hi"]) for r in second["replaced_key_ranges"]]
        ((in_ranges, rows),) = _query(
            url,
            "select sum("
            + " or ".join(f"({key} >= {lo} and {key} < {hi})" for lo, hi in ranges)
            + f"), count(*) from {table}",
        )
        assert (second["rows"], second["table_rows"]) == (in_ranges, rows), table
        assert second["rows"] < rows / 2, table

    # Every table: silver holds exactly the keys MariaDB holds now, each once (overlap included),
    # so inserts are in, deletes are out and the counts are MariaDB's.
    for table, key in _NATURAL_KEYS.items():
        expected = sorted(str(k) for (k,) in _query(url, f"select {key} from {table}"))
        assert _silver_keys(project, table) == expected, f"{table}: silver keys differ from MariaDB's"
    online_lines = project.query(
        "select count(*), count(distinct source_line_id) from silver.slv_order_lines where channel = 'online'"
    )[0]
    clean_items = project.scalar(
        "select count(*) from silver.slv_mariadb_order_items__checked where outcome = 'silver'"
    )
    assert online_lines == (clean_items, clean_items)
    assert (
        project.scalar(
            "select count(*) from silver.slv_quarantine__mariadb"
            f" where entity = 'Order_Items' and natural_key = '{item}'"
        )
        == 1
    )

    # Silver over the snapshot and its deltas equals silver over one full extraction now.
    full = tmp_path / "landing_full"
    for part in ("pos", "events"):
        shutil.copytree(generated / part, full / part)
    assert _extract(url, full, "--sources-yaml", str(sources), "--full", "--quiet").returncode == 0
    over_full = _build_silver(full, tmp_path / "dbt_full", "tag:silver")
    for model in _CONFORMED_MARIADB_MODELS:
        assert _content(project, model) == _content(over_full, model), model
    # The same with the replaced ranges joined per row (the form past the literals' limit).
    joined = project.copy(tmp_path / "dbt_joined")
    joined.dbt(
        "run", "--full-refresh", "--select", "tag:silver", "--vars", "{replaced_key_ranges_max_literals: 0}"
    )
    compiled = (joined.target / "run" / "aethermart" / "models" / "silver" / "sales").glob("*__checked.sql")
    assert any("unnest(replaced_key_ranges)" in p.read_text() for p in compiled)
    for model in _CONFORMED_MARIADB_MODELS:
        assert _content(joined, model) == _content(over_full, model), model

    # Inserted rows.
    (new_customer_key,) = project.query(
        f"select customer_key from silver.slv_customers where online_customer_id = '{customer}'"
        " and email = 'nora.newcomer@example.net' and city_name = 'Portland'"
    )[0]
    ((total,),) = _query(url, f"select total_amount from Orders where order_id = {order}")
    assert project.query(
        "select customer_key, line_count, order_amount from silver.slv_orders"
        f" where channel = 'online' and source_order_id = '{order}'"
    ) == [(new_customer_key, 2, total)]
    assert project.query(
        f"select customer_key, rating from silver.slv_reviews where source_review_id = '{review}'"
    ) == [(new_customer_key, 4)]

    # Updated rows: silver has MariaDB's new values.
    ((price,),) = _query(url, f"select price from Products where product_id = {repriced}")
    assert project.query(
        "select current_price from silver.slv_products where source_system = 'mariadb'"
        f" and source_product_id = '{repriced}'"
    ) == [(price,)]
    assert project.query(
        f"select email, city_name from silver.slv_customers where online_customer_id = '{moved}'"
    ) == [("moved.customer@example.net", "Springfield")]
    ((rating,),) = _query(url, f"select rating from Reviews where review_id = {rerated}")
    assert project.query(f"select rating from silver.slv_reviews where source_review_id = '{rerated}'") == [
        (rating,)
    ]

    # Deleted rows are gone.
    assert not project.query(f"select 1 from silver.slv_reviews where source_review_id = '{dropped}'")
    assert not project.query(
        "select 1 from silver.slv_products where source_system = 'mariadb'"
        f" and source_product_id = '{product}'"
    )

    # Snapshots: an update closes the old version and opens a new one; a delete closes the
    # product and records a deletion; a new customer has one open version.
    online = "source_system = 'mariadb' and source_product_id = "
    assert _versions(project, "snap_products", f"{online}'{repriced}'", "current_price") == [
        (price - 10, True, False),
        (price, False, False),
    ]
    assert _versions(project, "snap_products", f"{online}'{product}'", "current_price") == [
        (42, True, False),
        (42, False, True),
    ]
    assert _versions(project, "snap_customers", f"online_customer_id = '{moved}'", "email, city_name") == [
        (old_email, old_city, True, False),
        ("moved.customer@example.net", "Springfield", False, False),
    ]
    assert _versions(project, "snap_customers", f"online_customer_id = '{customer}'", "email") == [
        ("nora.newcomer@example.net", False, False)
    ]
    # Nothing else changed: a new extraction on another day opens no version.
    assert set(
        project.query(
            "select source_system, source_product_id from snapshots.snap_products"
            " group by all having count(*) > 1"
        )
    ) == {("mariadb", str(repriced)), ("mariadb", str(product))}
    assert project.query(
        "select customer_key from snapshots.snap_customers group by all having count(*) > 1"
    ) == project.query(f"select customer_key from silver.slv_customers where online_customer_id = '{moved}'")

    # Reviews' key taken out of the YAML while its delta is current: silver cannot apply the
    # delta without it and stops, saying what to do; the next extraction lands Reviews whole
    # although its content did not change, and silver builds again.
    keyless_dir = project_copy(tmp_path / "keyless_project")
    for path in (sources, keyless_dir / "models" / "bronze" / "mariadb" / "_mariadb__sources.yml"):
        lines = path.read_text().splitlines(keepends=True)
        kept = [line for line in lines if line.strip() != "key: review_id"]
        assert len(kept) == len(lines) - 1, path
        path.write_text("".join(kept))
    keyless = project.copy(tmp_path / "keyless_dbt")
    keyless.project_dir = keyless_dir
    run = keyless.dbt("run", "--select", "slv_mariadb_reviews__checked", check=False)
    assert run.returncode != 0
    assert "MariaDB table Reviews: its extraction" in run.stdout, run.stdout[-3000:]
    assert "replaced ranges of key review_id, but the sources YAML declares no key" in run.stdout
    said = extract()
    assert "extract: Reviews" in said and "delta" not in said.split("extract: Reviews", 1)[1].split("\n")[0]
    newest = sorted((landing / "mariadb" / "Reviews").glob("extraction_id=*/_manifest.json"))[-1]
    assert json.loads(newest.read_text())["mode"] == "snapshot"
    keyless.dbt(
        "run", "--select", "brz_mariadb__extractions", "brz_mariadb__reviews", "slv_mariadb_reviews__checked"
    )
    assert _silver_keys(keyless, "Reviews") == sorted(
        str(k) for (k,) in _query(url, "select review_id from Reviews")
    )

    # Only other tables landed since (Reviews whole, Order_Items' overlap): the list of
    # extractions changed, the checked orders' rows did not, and the table is not rewritten.
    orders_before = _all_rows(project, "silver.slv_mariadb_orders__checked")
    idle = project.dbt("build", "--select", "+slv_mariadb_orders__checked", "--exclude", "tag:gold").stdout
    assert "slv_mariadb_orders__checked: nothing landed for Orders since its last build" in idle
    assert _all_rows(project, "silver.slv_mariadb_orders__checked") == orders_before

    # A file of an extraction the last build read, changed in place (one current order's
    # amount): the checked orders are built whole, show the new amount and equal a full refresh.
    snapshot_file = sorted((landing / "mariadb" / "Orders").glob("extraction_id=*/*.parquet"))[0]
    checked_orders = "silver.slv_mariadb_orders__checked"
    ((changed_order, amount),) = project.query(
        f"select order_id, source_total_amount from {checked_orders} where outcome = 'silver'"
        f" and _source_file like '%{snapshot_file.parent.name}%' order by cast(order_id as int) limit 1"
    )
    with duckdb.connect() as con:
        (amount_type,) = con.execute(f"select typeof(total_amount) from '{snapshot_file}' limit 1").fetchone()
        con.execute(
            f"copy (select * replace (cast(case when order_id = {changed_order} then total_amount + 1"
            f" else total_amount end as {amount_type}) as total_amount) from '{snapshot_file}')"
            f" to '{snapshot_file}.new' (format parquet)"
        )
    os.replace(f"{snapshot_file}.new", snapshot_file)
    rebuilt = project.dbt("build", "--select", "+slv_mariadb_orders__checked", "--exclude", "tag:gold").stdout
    said_whole = "slv_mariadb_orders__checked: an extraction it read is read differently now"
    assert said_whole in rebuilt, rebuilt[-3000:]
    assert project.query(
        f"select source_total_amount from {checked_orders}"
        f" where order_id = '{changed_order}' and outcome = 'silver'"
    ) == [(amount + 1,)]
    refreshed = project.copy(tmp_path / "dbt_refreshed_again")
    refreshed.dbt("run", "--full-refresh", "--select", "slv_mariadb_orders__checked")
    assert _all_rows(project, checked_orders) == _all_rows(refreshed, checked_orders)


def _all_rows(project: DbtProject, table: str) -> list[tuple]:
    """Every row of a table, every column, sorted."""
    return sorted(project.query(f"select * from {table}"), key=repr)


def test_large_text_values_end_a_batch_early_and_land_whole(broken_db, tmp_path):
    """A batch ends at `batch_bytes` of text as well as at `batch_rows`, so a table of large
    TEXT values streams in bounded memory; every value still lands whole (utf8mb4 too)."""
    big = "é" * 300_000 + "🦆"
    _sql(
        broken_db,
        "alter table Reviews modify review_text mediumtext",  # TEXT holds 64 KiB
        f"update Reviews set review_text = concat('{big}', review_id)",
    )
    landing = tmp_path / "landing"
    proc = run_cli(
        "extract",
        "--mariadb-url",
        broken_db,
        "--landing",
        str(landing),
        "--quiet",
        "--tables",
        "Reviews",
        env={"AETHERMART_EXTRACT_BATCH_BYTES": str(1_000_000)},
    )
    assert proc.returncode == 0, proc.stderr
    (folder,) = (landing / "mariadb" / "Reviews").glob("extraction_id=*")
    parquet = pq.ParquetFile(folder / "part-00000.parquet")
    rows = _query(broken_db, "select review_id, review_text from Reviews")
    assert parquet.metadata.num_rows == len(rows) > 4
    # ~300k characters per row and a 1 MB cap: a batch (one row group each) holds 4 rows at most
    assert parquet.metadata.num_row_groups >= len(rows) // 4
    landed = {r["review_id"]: r["review_text"] for r in parquet.read().to_pylist()}
    assert landed == {review_id: text for review_id, text in rows}


def test_type_drift_is_absorbed_by_the_declared_type_and_never_rounds(broken_db, tmp_path):
    """A wider server type lands as the declared one (the gold contract holds); a value the
    declared type cannot hold exactly is a counted conversion error, not a rounded value."""
    landing = tmp_path / "landing"
    _sql(broken_db, "alter table Orders modify total_amount decimal(12,3)")
    _sql(
        broken_db,
        "update Orders set total_amount = 12.345 where order_id = "
        "(select min(order_id) from (select order_id from Orders) as o)",
    )
    proc = _extract(broken_db, landing, "--json", "--tables", "Orders")
    assert proc.returncode == 0, proc.stderr
    (table,) = json.loads(proc.stdout)["tables"]
    assert table["conversion_errors"] == {"total_amount": 1}
    (folder,) = (landing / "mariadb" / "Orders").glob("extraction_id=*")
    landed = pq.read_table(folder / "part-00000.parquet")
    assert landed.schema.field("total_amount").type == pa.decimal128(10, 2)
    amounts = landed.column("total_amount").to_pylist()
    assert amounts.count(None) == 1 + sum(
        1 for a in _query(broken_db, "select total_amount from Orders") if a[0] is None
    )


def _statuses(proc: subprocess.CompletedProcess) -> dict[str, str]:
    assert proc.returncode == 0, proc.stderr
    return {t["table"]: t["status"] for t in json.loads(proc.stdout)["tables"]}


def test_an_unchanged_snapshot_table_is_not_landed_again(mariadb_server, tmp_path):
    """The server's fingerprint (count and sum of per-row SHA-1 of the quoted values) decides;
    changes that keep the row count and a column's sum, and NULL against the text 'NULL',
    are changes."""
    url = _loaded_database(mariadb_server, "extract_unchanged", tmp_path / "gen", "0.001", "3")
    landing = tmp_path / "landing"
    assert set(_statuses(_extract(url, landing, "--json")).values()) == {"published"}
    first = _published(landing)

    again = _extract(url, landing, "--json")
    assert set(_statuses(again).values()) == {"unchanged"}
    assert _published(landing) == first  # nothing new, nothing pruned
    # the check is recorded in the newest manifest (dbt source freshness reads it)
    (folder,) = (landing / "mariadb" / "Categories").glob("extraction_id=*")
    checked = json.loads((folder / "_manifest.json").read_text())["checked_at"]
    assert checked == json.loads(again.stdout)["extraction_id"] > folder.name.split("=")[1]
    quiet_run = _extract(url, landing)
    assert "nothing landed; unchanged since their last extraction: Customers" in quiet_run.stderr

    # a table the server cannot vouch for (MyISAM: outside the consistent snapshot) is read
    # again, and not landed when its file comes out byte-identical; a change lands it
    _sql(url, "alter table Suppliers engine = MyISAM")
    assert _statuses(_extract(url, landing, "--json"))["Suppliers"] == "unchanged"
    assert _published(landing) == first
    _sql(url, "update Suppliers set supplier_name = concat(supplier_name, ' Ltd') where supplier_id = 1")
    assert _statuses(_extract(url, landing, "--json"))["Suppliers"] == "published"
    assert _statuses(_extract(url, landing, "--json"))["Suppliers"] == "unchanged"
    first = _published(landing)

    # two items swap quantities: same rows, same sum(quantity); one review loses its text
    (a, qa), (b, qb) = _query(
        url,
        "select order_item_id, quantity from Order_Items where quantity > 0 "
        "and quantity <> (select min(quantity) from Order_Items where quantity > 0) "
        "order by order_item_id limit 1",
    ) + _query(
        url,
        "select order_item_id, quantity from Order_Items where quantity = "
        "(select min(quantity) from Order_Items where quantity > 0) order by order_item_id limit 1",
    )
    ((review,),) = _query(url, "select min(review_id) from Reviews where review_text is not null")
    _sql(
        url,
        f"update Order_Items set quantity = {qb} where order_item_id = {a}",
        f"update Order_Items set quantity = {qa} where order_item_id = {b}",
        f"update Reviews set review_text = null where review_id = {review}",
    )
    statuses = _statuses(_extract(url, landing, "--json"))
    assert {t for t, s in statuses.items() if s == "published"} == {"Order_Items", "Reviews"}
    assert {s for t, s in statuses.items() if t not in ("Order_Items", "Reviews")} == {"unchanged"}
    newest = sorted((landing / "mariadb" / "Order_Items").glob("extraction_id=*"))[-1]
    landed = {
        r["order_item_id"]: r["quantity"] for r in pq.read_table(newest / "part-00000.parquet").to_pylist()
    }
    assert (landed[a], landed[b]) == (qb, qa)

    _sql(url, f"update Reviews set review_text = 'NULL' where review_id = {review}")
    assert _statuses(_extract(url, landing, "--json"))["Reviews"] == "published"
    assert _statuses(_extract(url, landing, "--json"))["Reviews"] == "unchanged"

    # --full lands every table, whatever its fingerprint
    assert set(_statuses(_extract(url, landing, "--json", "--full")).values()) == {"published"}


def _replayed(landing: Path, table: str, key: str) -> list[tuple]:
    """The table's rows as its landed chain says they are now (the rule of silver's
    current_extraction, replayed here in Python): each row from the newest extraction of the
    chain (newest snapshot, then deltas) whose replaced ranges hold its key."""
    chain = []
    for folder in sorted((landing / "mariadb" / table).glob("extraction_id=*")):
        manifest = json.loads((folder / "_manifest.json").read_text())
        if manifest["mode"] == "snapshot":
            chain = []
        ranges = [(r["lo"], r["hi"]) for r in manifest.get("replaced_key_ranges") or []]
        chain.append((pq.read_table(folder / "part-00000.parquet").to_pylist(), ranges))
    rows = []
    for i, (extracted, _) in enumerate(chain):
        later = [r for _, ranges in chain[i + 1 :] for r in ranges]
        rows += [row for row in extracted if not any(lo <= row[key] < hi for lo, hi in later)]
    return sorted(tuple(row.values()) for row in rows)


def test_a_keyed_table_lands_its_changed_ranges_and_the_chain_replays_to_the_server(broken_db, tmp_path):
    """Deltas of `meta.extract.key` (key_chunks.py): each one holds every row of its replaced
    ranges, so the chain replays to exactly the server's rows after inserts, updates, deletes
    and an emptied chunk; a quoted name with `%` in it is read; a missing delta makes the next
    run land the table whole."""
    landing = tmp_path / "landing"
    _sql(broken_db, "alter table Orders add column `disc%` int not null default 1")

    def extract() -> str:
        proc = _extract(broken_db, landing, "--tables", "Orders")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        return proc.stderr

    extract()
    ((low, high, rows),) = _query(broken_db, "select min(order_id), max(order_id), count(*) from Orders")
    _sql(
        broken_db,
        f"update Orders set `disc%` = 2 where order_id = {low}",
        f"delete from Orders where order_id between {low + 1} and {low + 16}",  # a whole chunk of 16
        f"insert into Orders select order_id + 1000, customer_id, order_date, total_amount, 3 from Orders"
        f" where order_id > {high} - 5",
    )
    said = extract()
    manifests = [json.loads(p.read_text()) for p in sorted(landing.glob("mariadb/Orders/*/_manifest.json"))]
    assert [m["mode"] for m in manifests] == ["snapshot", "delta"], said
    full = tmp_path / "full"
    assert _extract(broken_db, full, "--tables", "Orders", "--full", "--quiet").returncode == 0
    ((snapshot,),) = [list(full.glob("mariadb/Orders/extraction_id=*"))]
    expected = sorted(tuple(r.values()) for r in pq.read_table(snapshot / "part-00000.parquet").to_pylist())
    assert _replayed(landing, "Orders", "order_id") == expected
    assert manifests[1]["rows"] < rows / 2 and manifests[1]["table_rows"] == len(expected)

    # a second delta, then the first one removed by hand: the chain is broken, so the next
    # change lands the table whole (and replays to the server again)
    _sql(broken_db, f"update Orders set `disc%` = 4 where order_id = {high}")
    assert "delta" in extract()
    first_delta = sorted(landing.glob("mariadb/Orders/extraction_id=*"))[1]
    shutil.rmtree(first_delta)
    _sql(broken_db, f"update Orders set `disc%` = 5 where order_id = {high}")
    said = extract()
    assert "table Orders: landed whole: no chunk record of this key to compare with" in said
    newest = sorted(landing.glob("mariadb/Orders/extraction_id=*"))[-1]
    assert json.loads((newest / "_manifest.json").read_text())["mode"] == "snapshot"
    ((server_rows,),) = _query(broken_db, "select count(*) from Orders")
    assert len(_replayed(landing, "Orders", "order_id")) == server_rows


def test_the_fingerprint_sum_hashes_each_row_once_and_tells_a_row_it_could_not_hash(mariadb_server):
    """content_fingerprint.hash_sum_sql: one aggregate gives the sum of the rows' 60-bit SHA-1
    prefixes (computed here in Python) and how many rows had no hash (a row longer than
    max_allowed_packet; here a NULL text, whose hash is NULL alike)."""
    import hashlib

    from aethermart.extract.content_fingerprint import MAX_HASHED_ROWS, hash_sum_sql, split_hash_sum

    url = _database(mariadb_server, "fingerprint_sum")
    texts = ["a", "", "NULL", "Zürich, 'quoted'", "x" * 5000]
    _sql(url, "create table t (id int primary key, txt text character set utf8mb4)")
    for i, text in enumerate([*texts, None, None]):
        _sql(url, f"insert into t values ({i}, {'NULL' if text is None else repr(text)})")
    expected = sum(int(hashlib.sha1(t.encode()).hexdigest()[:15], 16) for t in texts)
    [(rows, summed)] = _query(url, f"select count(*), {hash_sum_sql('sha1(txt)')} from t")
    assert (rows, split_hash_sum(summed, rows)) == (7, (5, expected))
    [(rows, summed)] = _query(
        url, f"select count(*), {hash_sum_sql('sha1(txt)')} from t where txt is not null"
    )
    assert split_hash_sum(summed, rows) == (5, expected)
    [(rows, summed)] = _query(url, f"select count(*), {hash_sum_sql('sha1(txt)')} from t where id < 0")
    assert split_hash_sum(summed, rows) == (0, 0)
    assert split_hash_sum(0, MAX_HASHED_ROWS) is None  # too many rows for the split to be exact
