"""Absent source systems: any of pos, mariadb, events can be switched off with the
dbt var `enabled_sources`; a missing landing file is reported with every other one at once;
`aethermart generate` never replaces data it did not make; the CLI and dbt share one
landing default.

One build per configuration (module-scoped), over copies of the scale-0.01 landing zone of
`built_001` (the full build of the same world, which the totals are compared with)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BIN, REPO, SAMPLE, DbtProject, answer_key, run_cli

SYSTEMS = ("pos", "mariadb", "events")
CHANNEL = {"pos": ("store", "has_store_account"), "mariadb": ("online", "has_online_account")}


@dataclass
class _Project(DbtProject):
    """A DbtProject with extra environment (the full build's PII salt travels as its file)."""

    extra_env: dict = field(default_factory=dict)

    def env(self) -> dict:
        return {**super().env(), **self.extra_env}


def _landing_with(source: Path, dest: Path, systems: tuple[str, ...]) -> Path:
    """A copy of a landing zone holding only these source systems' folders."""
    dest.mkdir(parents=True)
    for name in systems:
        shutil.copytree(source / name, dest / name)
    return dest


def _vars(systems: tuple[str, ...]) -> str:
    return "{enabled_sources: [" + ", ".join(systems) + "]}"


@pytest.fixture(scope="module")
def build(built_001, landing_001, tmp_path_factory):
    """build(systems): `dbt build` with only these systems landed and enabled, once per set."""
    done: dict[tuple[str, ...], DbtProject] = {}

    def make(systems: tuple[str, ...]) -> DbtProject:
        if systems not in done:
            work = tmp_path_factory.mktemp("absent_" + "_".join(systems))
            project = _Project(_landing_with(landing_001, work / "landing", systems), work)
            salt = Path(f"{built_001.duckdb_path}.pii_salt")
            if salt.exists():  # same salt, same email hashes: gold rows comparable one to one
                shutil.copy(salt, Path(f"{project.duckdb_path}.pii_salt"))
            project.dbt("build", "--vars", _vars(systems))
            done[systems] = project
        return done[systems]

    return make


def _channel_totals(project: DbtProject, system: str) -> dict[str, list[tuple]]:
    channel, flag = CHANNEL[system]
    queries = {
        "fct_orders": f"select count(*), sum(revenue) from gold.fct_orders where channel = '{channel}'",
        "fct_order_lines": "select count(*), sum(quantity), sum(line_amount) from gold.fct_order_lines "
        f"where channel = '{channel}'",
        "agg_sales_by_state_month": "select sum(order_count), sum(revenue) from "
        f"gold.agg_sales_by_state_month where channel = '{channel}'",
        "customers": f"select count(*) from gold.dim_customer where {flag} and not is_unknown_member",
        "doc_customer_profiles": f"select count(*) from gold.doc_customer_profiles where channels.{flag}",
        "doc_customer_purchase_history": "select count(*), sum(o.revenue) from (select unnest(orders) as o "
        "from gold.doc_customer_purchase_history) "
        f"where o.channel = '{channel}'",
        "doc_product_catalog": f"select count(*) from gold.doc_product_catalog where channel = '{channel}'",
        "doc_product_sales": "select count(*), sum(summary.revenue) from gold.doc_product_sales "
        f"where channel = '{channel}'",
        "doc_reviews": "select count(*) from gold.doc_reviews" if system == "mariadb" else "select 0",
    }
    return {name: project.query(sql) for name, sql in queries.items()}


def _columns(project: DbtProject) -> set[tuple]:
    return set(
        project.query(
            "select table_schema, table_name, column_name, data_type, ordinal_position "
            "from information_schema.columns where table_schema in ('bronze', 'silver', 'gold')"
        )
    )


@pytest.mark.parametrize("system", ["mariadb", "pos"])
def test_a_single_channel_build_has_that_channels_totals_of_the_full_build(build, built_001, system):
    only = build((system,))
    totals = _channel_totals(only, system)
    assert totals == _channel_totals(built_001, system)
    assert totals["fct_orders"][0][0] > 0 and totals["customers"][0][0] > 0
    other = CHANNEL["pos" if system == "mariadb" else "mariadb"][0]
    assert only.scalar(f"select count(*) from gold.fct_orders where channel = '{other}'") == 0
    assert only.scalar("select count(*) from gold.doc_product_catalog") == totals["doc_product_catalog"][0][0]
    assert only.scalar("select count(*) from bronze.brz_events__events") == 0


@pytest.mark.parametrize("systems", [("mariadb",), ("pos",), ("pos", "mariadb"), ("events",)])
def test_switched_off_sources_give_the_same_columns_and_types(build, built_001, systems):
    """Bronze of a switched-off system has the landed columns and types; so has everything
    downstream. Clickstream alone is the extreme case: no orders anywhere (every gold total,
    union, date spine and singular test over empty inputs)."""
    project = build(systems)
    assert _columns(project) == _columns(built_001)
    if systems == ("events",):
        assert project.scalar("select count(*) from gold.fct_orders") == 0
        assert project.scalar("select count(*) from silver.slv_events") > 0


def test_without_clickstream_gold_is_the_full_builds_but_for_the_activity_log(build, built_001):
    project = build(("pos", "mariadb"))
    con = duckdb.connect()
    con.execute(f"attach '{built_001.duckdb_path}' as full_build (read_only)")
    con.execute(f"attach '{project.duckdb_path}' as no_events (read_only)")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'full_build' "
            "and table_schema = 'gold' order by 1"
        ).fetchall()
    ]
    assert len(tables) >= 14
    for table in tables:
        columns = "* exclude (recent_activity_log)" if table == "doc_customer_profiles" else "*"
        for a, b in (("full_build", "no_events"), ("no_events", "full_build")):
            extra = con.execute(
                f"select count(*) from (select {columns} from {a}.gold.{table} "
                f"except all select {columns} from {b}.gold.{table})"
            ).fetchone()[0]
            assert extra == 0, f"gold.{table}: {extra} rows of {a} not in {b}"
    events_in_logs = con.execute(
        "select count(*) from (select unnest(recent_activity_log) as a from "
        "no_events.gold.doc_customer_profiles) where a.activity_type = 'event'"
    ).fetchone()[0]
    assert events_in_logs == 0
    con.close()


def test_the_build_says_which_sources_fed_it(build, tmp_path):
    project = build(("mariadb",))
    recorded = project.scalar("select enabled_sources from ops.dbt_invocations where command = 'build'")
    assert recorded == "mariadb"
    proc = run_cli("quality", "--duckdb", str(project.duckdb_path))
    assert "Sources that fed it: mariadb; switched off (var enabled_sources): pos, events" in proc.stdout
    manifest = json.loads((project.target / "manifest.json").read_text())
    description = manifest["nodes"]["model.aethermart.audit_reconciliation"]["description"]
    assert "fed this build** (var `enabled_sources`): mariadb." in description
    out = tmp_path / "gold"
    proc = run_cli(
        "export",
        "--target",
        "parquet",
        "--duckdb",
        str(project.duckdb_path),
        "--manifest",
        str(project.target / "manifest.json"),
        "--out",
        str(out),
        "--select",
        "fct_orders",
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    published = json.loads((out / "fct_orders" / "_manifest.json").read_text())
    assert published["dbt"]["enabled_sources"] == ["mariadb"]


def test_a_switched_off_source_is_never_read(sample_copy, tmp_path):
    """POS files that would stop the build (a wrong header) do not matter when POS is off."""
    for csv in (sample_copy / "pos").rglob("product.csv"):
        csv.write_text("sku;title\n1;x\n")
    project = DbtProject(sample_copy, tmp_path / "work")
    proc = project.dbt(
        "run",
        "-s",
        "brz_pos__products",
        "brz_pos__counted_files",
        "brz_pos__csv_rejects",
        "--vars",
        _vars(("mariadb", "events")),
    )
    assert "ERROR=0" in proc.stdout
    assert project.scalar("select count(*) from bronze.brz_pos__products") == 0
    assert project.scalar("select count(*) from bronze.brz_pos__counted_files") == 0


def test_missing_files_of_two_sources_are_listed_in_one_error(build, tmp_path):
    landing = build(("mariadb",)).landing  # no pos/, no events/
    project = DbtProject(landing, tmp_path / "work")
    proc = project.dbt("run", "-s", "brz_pos__orders", check=False)
    assert proc.returncode == 1
    lines = [line for line in proc.stdout.splitlines() if "Landing files missing" in line]
    assert lines, proc.stdout[-3000:]
    line = lines[0]
    for name in ("pos.city", "pos.customer", "pos.order", "pos.orderline", "pos.product", "events.events"):
        assert name + " (nothing matches '" in line
    assert f"nothing matches '{landing}/events/date=*/*.jsonl'" in line
    assert "mariadb." not in line
    assert "enabled_sources: [mariadb]" in line and "AETHERMART_LANDING" in line
    assert "aethermart generate" not in proc.stdout + proc.stderr


def test_an_unknown_source_system_is_a_one_line_error(tmp_path):
    project = DbtProject(SAMPLE, tmp_path / "work")
    proc = project.dbt(
        "run", "-s", "brz_pos__orders", "--vars", "{enabled_sources: [pos, shop]}", check=False
    )
    assert proc.returncode != 0
    assert (
        "var enabled_sources = pos,shop: unknown source system(s) shop; list one or more of "
        "pos, mariadb, events." in proc.stdout
    )


def test_an_enabled_sources_value_that_is_not_a_list_is_a_one_line_error(tmp_path):
    project = DbtProject(SAMPLE, tmp_path / "work")
    for value in ("null", "7"):
        proc = project.dbt(
            "run", "-s", "brz_pos__orders", "--vars", "{enabled_sources: " + value + "}", check=False
        )
        assert proc.returncode != 0
        assert (
            "var enabled_sources = " + ("None" if value == "null" else value) + ": not a list; list one "
            "or more of pos, mariadb, events" in proc.stdout
        ), proc.stdout


# --- aethermart generate never replaces data it did not make -----------------------------


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _generate(out: Path, *extra: str, env: dict | None = None):
    return run_cli(
        "generate", "--scale", "0.001", "--seed", "3", "--out", str(out), "--quiet", *extra, env=env
    )


@pytest.fixture
def extraction_zone(landing_001, tmp_path) -> Path:
    """A landing zone holding a MariaDB extraction (and events) that generate did not make."""
    zone = _landing_with(landing_001, tmp_path / "parent" / "landing", ("mariadb", "events"))
    (zone / "my_notes.txt").write_text("not generated")
    return zone


def test_generate_refuses_a_landing_zone_holding_an_extraction(extraction_zone):
    before = _hashes(extraction_zone.parent)
    proc = _generate(extraction_zone)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "did not make" in lines[0] and "nothing was changed" in lines[0] and "--force" in lines[0]
    assert "mariadb/" in lines[0] or "events/" in lines[0]
    assert _hashes(extraction_zone.parent) == before  # every file unchanged, nothing added


def test_generate_with_force_replaces_the_extraction(extraction_zone):
    proc = _generate(extraction_zone, "--force")
    assert proc.returncode == 0, proc.stderr
    assert answer_key(extraction_zone)["generator"]["seed"] == 3
    assert (extraction_zone / "_generated_by_aethermart.json").is_file()
    assert (extraction_zone / "my_notes.txt").read_text() == "not generated"


def test_generate_replaces_its_own_output_but_not_an_extraction_added_to_it(tmp_path):
    zone = tmp_path / "landing"
    assert _generate(zone).returncode == 0
    events_before = _hashes(zone / "events")
    assert _generate(zone, "--sources", "mariadb,pos").returncode == 0  # its own earlier output
    assert _hashes(zone / "events") == events_before  # a system not selected is left as it is
    shutil.rmtree(zone / "events")
    assert set(answer_key(zone)["generator"]["sources"]) == {"mariadb", "pos"}
    assert not [e for e in answer_key(zone)["entities"] if e.startswith("events.")]
    customers = next((zone / "mariadb" / "Customers").rglob("*.parquet"))
    extracted = zone / "mariadb" / "Customers" / "extraction_id=20991231T000000Z" / "part-00000.parquet"
    extracted.parent.mkdir()
    shutil.copy(customers, extracted)  # as `aethermart extract` would publish one
    before = _hashes(zone)
    proc = _generate(zone)
    assert proc.returncode == 2 and "extraction_id=20991231T000000Z" in proc.stderr
    assert _hashes(zone) == before


@pytest.mark.parametrize("force", [False, True])
def test_generate_of_some_systems_leaves_the_others_folders_alone(extraction_zone, force):
    """A real extraction in mariadb/ neither blocks nor is touched by --sources pos,events."""
    mariadb = _hashes(extraction_zone / "mariadb")
    assert _generate(extraction_zone, "--sources", "pos,events", "--force").returncode == 0
    assert (
        _generate(extraction_zone, "--sources", "pos,events", *(["--force"] if force else [])).returncode == 0
    )  # generated pos/ and events/ are replaced again
    assert _hashes(extraction_zone / "mariadb") == mariadb
    assert (extraction_zone / "pos").is_dir() and (extraction_zone / "events").is_dir()
    marker = json.loads((extraction_zone / "_generated_by_aethermart.json").read_text())["files"]
    assert marker and all(path.split("/")[0] in ("pos", "events") for path in marker)
    assert set(marker) == {
        p.relative_to(extraction_zone).as_posix()
        for name in ("pos", "events")
        for p in (extraction_zone / name).rglob("*")
        if p.is_file()
    }
    proc = _generate(extraction_zone, "--sources", "mariadb")  # the extraction is still refused
    assert proc.returncode == 2 and "mariadb/" in proc.stderr and "pos/" not in proc.stderr


@pytest.mark.parametrize("linked", ["events", "_answer_key.json"])
def test_generate_refuses_a_linked_entry_before_replacing_anything(tmp_path, linked):
    zone, elsewhere = tmp_path / "landing", tmp_path / "elsewhere"
    assert _generate(zone).returncode == 0
    (zone / linked).rename(elsewhere)
    (zone / linked).symlink_to(elsewhere)
    before, before_elsewhere = _hashes(tmp_path), _hashes(elsewhere) if elsewhere.is_dir() else None
    proc = _generate(zone, "--force")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "symbolic link" in proc.stderr and "nothing was changed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _hashes(tmp_path) == before and (zone / linked).is_symlink()
    assert not [p for p in tmp_path.iterdir() if ".generating-" in p.name]
    if before_elsewhere is not None:
        assert _hashes(elsewhere) == before_elsewhere


def test_generate_refuses_a_generated_file_edited_at_the_same_size_but_not_a_dotfile(tmp_path):
    zone = tmp_path / "landing"
    assert _generate(zone).returncode == 0
    (zone / "pos" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # Finder's, not landing data
    (zone / "mariadb" / ".lock").write_text("")
    assert _generate(zone, "--sources", "pos,mariadb").returncode == 0
    orders = sorted((zone / "pos").rglob("order.csv"))[0]
    data = orders.read_bytes()
    edited = data.replace(b"2", b"3", 1)
    assert edited != data and len(edited) == len(data)
    orders.write_bytes(edited)  # same size, new content
    manifest = next((zone / "mariadb").rglob("_manifest.json"))
    manifest.write_text(manifest.read_text() + " ")
    before = _hashes(zone)
    proc = _generate(zone)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "2 source file(s)" in line and f"(e.g. {orders.relative_to(zone).as_posix()})" in line
    assert _hashes(zone) == before


def test_generate_sources_must_be_known_systems(tmp_path):
    proc = _generate(tmp_path / "x", "--sources", "pos,shop")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "unknown source system(s) shop; list one or more of pos,mariadb,events" in proc.stderr


# --- one landing default ----------------------------------------------------------------


def _without_landing_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "AETHERMART_LANDING"}


def test_cli_and_dbt_share_one_landing_default(tmp_path):
    from aethermart.landing import landing_path_default

    # what dbt reads with no var and no AETHERMART_LANDING
    project = DbtProject(SAMPLE, tmp_path / "work")
    env = {k: v for k, v in project.env().items() if k != "AETHERMART_LANDING"}
    proc = subprocess.run(
        [
            str(BIN / "dbt"),
            "compile",
            "--inline",
            "select '{{ landing_path() }}' as landing",
            "--target-path",
            str(project.target),
            "--log-path",
            str(project.workdir / "logs"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    dbt_default = proc.stdout.split("select '", 1)[1].split("'", 1)[0]
    assert REPO / dbt_default == landing_path_default()
    manifest = json.loads((project.target / "manifest.json").read_text())
    # sources hold paths relative to that root (joined at run time: macros/bronze/landing_source.sql)
    locations = [s["meta"]["external_location"] for s in manifest["sources"].values()]
    assert len(locations) >= 15
    assert not any(dbt_default in location for location in locations)
    # the commands take the same default (and refuse to write there: it is the committed sample)
    for args in (
        ["generate", "--scale", "0.001"],
        ["extract", "--mariadb-url", "mysql://u:p@127.0.0.1:1/db"],
    ):
        cli = subprocess.run(
            [str(BIN / "aethermart"), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=_without_landing_env(),
        )
        assert cli.returncode == 2, cli.stderr
        assert (
            f"the default landing path is the committed sample ({dbt_default}, dbt var "
            "landing_path_default)" in cli.stderr
        )
    # AETHERMART_LANDING overrides both
    out = tmp_path / "landing"
    proc = run_cli("generate", "--scale", "0.001", "--quiet", env={"AETHERMART_LANDING": str(out)})
    assert proc.returncode == 0, proc.stderr
    assert (out / "_answer_key.json").is_file()


def test_a_partial_build_never_closes_history_recorded_with_all_sources(built_001, tmp_path):
    """Switching POS off on a warehouse whose snapshots were recorded with it would close the
    history of every store customer and product: the snapshots stop, naming why; their
    history is unchanged; the rest of the build runs."""
    project = built_001.copy(tmp_path / "partial")
    history = "select count(*), count(*) filter (where dbt_is_deleted = 'True') from snapshots.{}"
    before = {name: project.query(history.format(name)) for name in ("snap_customers", "snap_products")}
    proc = project.dbt("build", "--vars", _vars(("mariadb", "events")), check=False)
    assert proc.returncode != 0
    assert (
        "Snapshot snap_customers holds history recorded with source system(s) pos, mariadb, events; "
        "this build switches off pos (var enabled_sources)"
    ) in proc.stdout, proc.stdout[-3000:]
    assert {name: project.query(history.format(name)) for name in before} == before
    assert project.scalar("select count(*) from gold.fct_orders where channel = 'store'") == 0


@pytest.mark.parametrize("how", ["--out", "AETHERMART_LANDING"])
def test_a_tilde_in_the_landing_path_is_the_home_folder(tmp_path, how):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), **({"AETHERMART_LANDING": "~/landing"} if how != "--out" else {})}
    args = ["generate", "--scale", "0.001", "--quiet", *(["--out", "~/landing"] if how == "--out" else [])]
    proc = subprocess.run(
        [str(BIN / "aethermart"), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    assert (home / "landing" / "_answer_key.json").is_file()
    assert not (tmp_path / "~").exists()
