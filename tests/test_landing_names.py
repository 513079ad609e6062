"""Landing file and folder names are data, never code.

A fuzz of names in every source (POS drops, clickstream JSONL, MariaDB Parquet): each name
is either read correctly or stops the build with a message naming it, and a canary file
that an injected statement would write never appears. Symlinks and other non-regular files
are refused by name without being read; a `$` or `'` in the landing path works; JSON lines
with a repeated key are quarantined; a very wide CSV header gives a short error.

All tests share one landing zone and one dbt work folder (one parse, partial parsing
afterwards); each test restores what it changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from aethermart.dbt_plugins.landing_guard import display_path, file_problem, name_problem, tree_problem
from aethermart.sql import sql_string
from tests.conftest import REPO, SAMPLE, DbtProject

# what dbt writes is searched for secrets read from a link: at its default, most verbose, log level
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("full_dbt_log")]

# relative: DuckDB resolves it against dbt's working directory, the repository
CANARY = f"landing_names_canary_{os.getpid()}.csv"
INJECT = f"a'); copy (select 1) to '{CANARY}'; --"

STEMS = [
    INJECT,
    'double"quote',
    "semi;colon",
    "dollar$HOME${landing}$$",
    "brace{1,2}",
    "bracket[ab]",
    "star*",
    "question?",
    " space name ",
    "new\nline",
    "tab\tname",
    "ünïcødé 日本 ✓",
    "bidi\u202eevil",
    "esc\x1b[31mred",
    "back\\slash",
    "key=value",
    "jinja{{ 7 * 7 }}{% if true %}",
    os.fsdecode(b"latin1-\xe9"),
    "long-" + "x" * 225,
]

EVENT_DAY = "events/date=2025-11-20"
POS_DROP = "pos/load_date=2025-08-01"
EXTRACTION = "extraction_id=20251201T000000Z"
ENTITY_FILES = {"product.csv", "city.csv", "customer.csv", "order.csv", "orderline.csv"}
MARIADB = ["Customers", "Categories", "Suppliers", "Products", "Orders", "Order_Items", "Reviews"]
MODELS = {
    "events": ["brz_events__counted_files", "brz_events__line_rejects", "brz_events__events"],
    "pos": ["brz_pos__counted_files", "brz_pos__csv_rejects", "brz_pos__orders"],
    **{table: [f"brz_mariadb__{table.lower()}"] for table in MARIADB},
}


def _escaped(path: Path | str) -> str:
    """A path as messages show it: Python repr without quotes, undecodable bytes as \\xNN."""
    return re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", repr(str(path)))[1:-1]


def _names(message: str, path: Path) -> bool:
    shown = _escaped(path)
    return shown in message or shown[:250] in message or (shown[:140] in message and shown[-140:] in message)


def _query(project: DbtProject, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("names") / "landing"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture(scope="module")
def project(landing, tmp_path_factory) -> DbtProject:
    project = DbtProject(landing, tmp_path_factory.mktemp("dbt_names"))
    project.dbt("parse")
    return project


@pytest.fixture(autouse=True)
def no_canary():
    canary = REPO / CANARY
    canary.unlink(missing_ok=True)
    yield
    assert not canary.exists(), "an injected statement ran: the canary file was written"


def _run_results(project: DbtProject) -> dict[str, tuple[str, str]]:
    data = json.loads((project.target / "run_results.json").read_text(encoding="utf-8"))
    return {r["unique_id"].split(".")[-1]: (r["status"], r["message"] or "") for r in data["results"]}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _event_line(event_id: str) -> str:
    return json.dumps(
        {
            "event_id": event_id,
            "customer_id": None,
            "session_id": "s-fuzz",
            "event_type": "page_view",
            "occurred_at": "2025-11-20T10:00:00Z",
            "page": {"url": "/", "title": "Home"},
            "device": {"type": "desktop"},
        }
    )


def _plant(landing: Path) -> dict[str, dict[Path, object]]:
    """Plants every fuzz name in every source; returns lane -> {planted path: expectation}."""
    lanes: dict[str, dict[Path, object]] = {lane: {} for lane in MODELS}
    # partition folders whose value is not a date / extraction id: always refused
    for index, value in enumerate([INJECT + "--date=2025-10-15", "2025-11-20 $HOME", "2025-11-20\n"]):
        folder = landing / "events" / f"date={value}"
        folder.mkdir()
        (folder / "e.jsonl").write_text(_event_line(f"ev-folder-{index}") + "\n", encoding="utf-8")
        lanes["events"][folder] = "refused"
    for value in [INJECT + "--load_date=2025-10-15", "2025-08-01[1]", "2025-08-01'"]:
        folder = landing / "pos" / f"load_date={value}"
        shutil.copytree(
            landing / POS_DROP, folder, ignore=lambda _dir, names: [n for n in names if n not in ENTITY_FILES]
        )
        lanes["pos"][folder] = "refused"
    for table, value in zip(
        MARIADB, [INJECT, "20251201T000000Z'", "20251201T000000Z;", "x${y}"], strict=False
    ):
        source = landing / "mariadb" / table / EXTRACTION / "part-00000.parquet"
        folder = landing / "mariadb" / table / f"extraction_id={value}"
        folder.mkdir()
        shutil.copyfile(source, folder / "part-00000.parquet")
        lanes[table][folder] = "refused"
    # the folder of the review's attack, which spans three folders: no glob reaches it
    for source, value in (("events", "date"), ("pos", "load_date")):
        top = landing / source / f"{value}=A'); copy (select 1) to '"
        deep = Path(f"{top}{landing.parent}/{CANARY}'; --{value}=2025-10-15")
        deep.mkdir(parents=True)
        shutil.copyfile(landing / POS_DROP / "order.csv", deep / "order.csv")
        (deep / "e.jsonl").write_text(_event_line("ev-nested") + "\n", encoding="utf-8")
        lanes[source][top] = "unmatched or refused"
    for index, stem in enumerate(STEMS):
        # clickstream: a file of one event, read by name
        path = landing / EVENT_DAY / f"{stem}.jsonl"
        path.write_text(_event_line(f"ev-fuzz-{index}") + "\n", encoding="utf-8")
        lanes["events"][path] = f"ev-fuzz-{index}"
        # POS: a file in a drop that no source reads (noted, never read)
        path = landing / POS_DROP / f"{stem}.csv"
        path.write_text("id\n1\n", encoding="utf-8")
        lanes["pos"][path] = "noted"
        # MariaDB: a copy of a table's Parquet file under the name, spread over the tables
        table = MARIADB[index % len(MARIADB)]
        original = landing / "mariadb" / table / EXTRACTION / "part-00000.parquet"
        path = original.parent / f"{stem}.parquet"
        shutil.copyfile(original, path)
        lanes[table][path] = pq.read_metadata(original).num_rows
    return lanes


def test_fuzzed_names_are_read_or_refused_by_name_never_run(landing, project):
    lanes = _plant(landing)
    models = [model for lane in MODELS.values() for model in lane]
    refused: dict[str, list[Path]] = {lane: [] for lane in MODELS}
    try:
        for _attempt in range(len(STEMS) + 8):
            proc = project.dbt("run", "--select", *models, check=False)
            text = _plain(proc.stdout)
            assert "Traceback" not in text and "Traceback" not in proc.stderr, text[-3000:]
            assert not (REPO / CANARY).exists(), "an injected statement ran"
            assert not (landing.parent / CANARY).exists(), "an injected statement ran"
            results = _run_results(project)
            failing = {
                lane: next(results[m][1] for m in names if results[m][0] == "error")
                for lane, names in MODELS.items()
                if any(results[m][0] == "error" for m in names)
            }
            if not failing:
                break
            for lane, message in failing.items():
                named = [path for path in lanes[lane] if _names(message, path)]
                assert named, f"{lane}: the error names none of the planted names: {message}"
                for path in named:
                    _remove(path)
                    refused[lane].append(path)
                    del lanes[lane][path]
        else:
            pytest.fail(f"still failing after {_attempt + 1} runs")

        # what was refused: every unsafe name and every odd partition folder, nothing else
        for lane, expectations in lanes.items():
            assert "refused" not in expectations.values(), f"{lane}: accepted {expectations}"
        unsafe = {
            s
            for s in STEMS
            if set(s) & set("*?[]")
            or any(ord(c) < 32 or c == "\u202e" for c in s)
            or s != s.encode("utf-8", "ignore").decode()
        }
        for lanes_of_source, suffix in ((["events"], ".jsonl"), (["pos"], ".csv"), (MARIADB, ".parquet")):
            stems = {
                p.name[: -len(suffix)]
                for lane in lanes_of_source
                for p in refused[lane]
                if p.name.endswith(suffix) and p.name != "part-00000.parquet"
            }
            assert stems == unsafe, lanes_of_source

        # what was accepted is read correctly, under its own name
        for path, event_id in lanes["events"].items():
            if path.suffix != ".jsonl":
                continue
            got = _query(
                project, "select event_id from bronze.brz_events__events where _source_file = ?", [str(path)]
            )
            assert got == [(event_id,)], path
        for table in MARIADB:
            for path, rows in lanes[table].items():
                if path.suffix != ".parquet":
                    continue
                got = _query(
                    project,
                    f"select count(*) from bronze.brz_mariadb__{table.lower()} where _source_file = ?",
                    [str(path)],
                )
                assert got == [(rows,)], path
        for path, expectation in lanes["pos"].items():
            if expectation == "noted":
                assert f"note: {_escaped(path)[:300]}" in text, path
    finally:
        for expectations in lanes.values():
            for path in expectations:
                if path.exists() or path.is_symlink():
                    _remove(path)


def _everything_written(project: DbtProject, proc) -> str:
    """stdout, stderr and every text file dbt wrote (logs/, target/)."""
    parts = [proc.stdout, proc.stderr]
    for folder in (project.workdir / "logs", project.target):
        for path in folder.rglob("*"):
            if path.is_file():
                parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_symlinks_and_other_non_files_are_refused_by_name_unread(landing, project, tmp_path):
    secret = f"DB_PASSWORD=hunter2-{os.getpid()}"
    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"{secret}\nAPI_KEY=x\n", encoding="utf-8")
    order = landing / POS_DROP / "order.csv"
    saved = order.read_bytes()
    day = landing / EVENT_DAY
    suppliers = landing / "mariadb" / "Suppliers"
    planted = [
        day / "linked.jsonl",
        day / "folder.jsonl",
        day / "fifo.jsonl",
        suppliers / "extraction_id=20251202T000000Z",
        landing / "mariadb" / "Categories" / EXTRACTION / "_manifest.json",
    ]
    manifest = planted[4].read_bytes()
    try:
        order.unlink()
        order.symlink_to(secrets)
        planted[0].symlink_to(secrets)
        planted[1].mkdir()
        os.mkfifo(planted[2])
        planted[3].symlink_to(suppliers / EXTRACTION)
        planted[4].unlink()
        planted[4].symlink_to(secrets)
        proc = project.dbt(
            "run",
            "--select",
            "brz_pos__orders",
            "brz_events__events",
            "brz_mariadb__suppliers",
            "brz_mariadb__extractions",
            check=False,
        )
        results = _run_results(project)
        assert results["brz_pos__orders"][0] == "error"
        assert f"Landing file '{order}' is a symbolic link" in results["brz_pos__orders"][1]
        events = results["brz_events__events"][1]
        assert f"Landing file '{planted[0]}' is a symbolic link" in events
        assert f"Landing file '{planted[1]}' is a directory, not a regular file" in events
        assert f"Landing file '{planted[2]}' is a fifo, not a regular file" in events
        assert f"Landing folder '{planted[3]}' is a symbolic link" in results["brz_mariadb__suppliers"][1]
        assert f"Landing file '{planted[4]}' is a symbolic link" in results["brz_mariadb__extractions"][1]
        written = _everything_written(project, proc)
        assert "Traceback" not in written
        assert secret not in written and "hunter2" not in written
    finally:
        for path in planted:
            if path.is_symlink() or path.is_file() or path.is_fifo():
                path.unlink()
            elif path.is_dir():
                path.rmdir()
        planted[4].write_bytes(manifest)
        order.unlink()
        order.write_bytes(saved)


def test_duplicate_json_keys_are_quarantined_not_first_wins(landing, project):
    day = landing / EVENT_DAY / "duplicates.jsonl"
    top = _event_line("ev-dup-top").replace(
        '"event_id": "ev-dup-top"', '"event_id": "ev-dup-top", "event_id": "ev-dup-other"'
    )
    nested = _event_line("ev-dup-nested").replace('"url": "/"', '"url": "/", "url": "/other"')
    clean = _event_line("ev-dup-none")
    day.write_text("\n".join([top, nested, clean]) + "\n", encoding="utf-8")
    try:
        project.dbt("seed", "--select", "event_types")
        project.dbt("run", "--select", "+slv_events__checked")
        rows = _query(
            project,
            "select raw_row is not null, outcome, quarantine_reasons "
            "from silver.slv_events__checked where _source_file = ? "
            "order by _source_row_number",
            [str(day)],
        )
        assert rows[0][1:] == ("quarantined", ["duplicate_key"])
        assert rows[1][1:] == ("quarantined", ["duplicate_key"])
        assert rows[2][1:] == ("silver", [])
    finally:
        day.unlink()


def test_duplicate_key_verdict_is_exact_where_the_key_signature_cannot_clear_a_line(landing, project):
    """Bronze clears most lines by their key signature (keys read from the text) and runs
    the exact json_tree check on the rest: escaped keys, white space before a colon, arrays
    of objects, `":` inside values and one key name on two levels must all get the exact
    verdict, and on every line of the landing zone the stored verdict equals the exact one."""
    day = landing / EVENT_DAY / "tricky_keys.jsonl"
    base = _event_line("ev-k")[:-1]  # without its closing brace
    lines = {
        "ev-k-escaped": (base.replace("ev-k", "ev-k-escaped") + ', "\\u0070age": 1}', "duplicate_key"),
        "ev-k-space": (base.replace("ev-k", "ev-k-space") + ', "x" : 1, "x"\t: 2}', "duplicate_key"),
        "ev-k-array": (
            base.replace("ev-k", "ev-k-array") + ', "items": [{"sku": "a", "sku": "b"}]}',
            "duplicate_key",
        ),
        "ev-k-value": (
            base.replace("ev-k", "ev-k-value") + ', "note": "\\"url\\": \\"x\\"", "q": "url\\":"}',
            None,
        ),
        "ev-k-levels": (
            base.replace("ev-k", "ev-k-levels") + ', "type": "desktop", "items": [{"type": 1}, {"type": 2}]}',
            None,
        ),
        "ev-k-colon": (base.replace("ev-k", "ev-k-colon") + ', "q": ":url", "r": ":page"}', None),
    }
    day.write_text("\n".join(line for line, _ in lines.values()) + "\n", encoding="utf-8")
    try:
        for line, _ in lines.values():
            json.loads(line)  # each planted line is valid JSON
        project.dbt("seed", "--select", "event_types")
        project.dbt("run", "--select", "+slv_events__checked")
        rows = dict(
            (r[0], r[1:])
            for r in _query(
                project,
                "select event_id, outcome, quarantine_reasons from silver.slv_events__checked "
                "where _source_file = ?",
                [str(day)],
            )
        )
        for event_id, (_, reason) in lines.items():
            assert rows[event_id] == (("quarantined", [reason]) if reason else ("silver", [])), event_id
        differing = _query(
            project,
            """
            select count(*), count(*) filter (where has_duplicate_key) from bronze.brz_events__events
            where has_duplicate_key is distinct from (case when is_valid_json then exists (
                select 1 from json_tree(case when json_valid(raw_event) then raw_event::json end) as members
                where members.key is not null group by members.parent, members.key
                having count(*) > 1) end)""",
            [],
        )
        assert differing == [(0, 0)]
    finally:
        day.unlink()


def test_a_very_wide_header_gives_a_short_error(landing, project):
    orderline = landing / POS_DROP / "orderline.csv"
    city = landing / POS_DROP / "city.csv"
    saved = {orderline: orderline.read_bytes(), city: city.read_bytes()}
    extra = [f"extra_column_{i}" for i in range(5000)]
    try:
        orderline.write_text(",".join(["order_id", "product_id", *extra, "note"]) + "\n", encoding="utf-8")
        city.write_text(",".join(["zip", "city", "state", *extra]) + "\n", encoding="utf-8")
        project.dbt("run", "--select", "brz_pos__orderlines", "brz_pos__cities", check=False)
        results = _run_results(project)
        missing = results["brz_pos__orderlines"][1].splitlines()[1].strip()
        assert "missing required column(s) quantity" in missing
        assert "(header: order_id,product_id,extra_column_0," in missing
        assert "… (5,003 columns); expected: order_id,product_id,quantity)." in missing
        unexpected = results["brz_pos__cities"][1].splitlines()[1].strip()
        assert "has unexpected column(s) extra_column_0," in unexpected
        assert "… (5,000 columns) (expected exactly: zip,city,state)" in unexpected
        assert len(missing) < 700 and len(unexpected) < 700, (len(missing), len(unexpected))
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


def test_dollar_and_quote_in_the_landing_path_work(tmp_path):
    root = tmp_path / f"land $HOME ${{x}} $$ o'brien'); copy (select 1) to '{CANARY}'; --"
    shutil.copytree(SAMPLE, root)
    project = DbtProject(root, tmp_path / "dbt")
    project.dbt(
        "run",
        "--select",
        "+brz_pos__csv_rejects",
        "brz_pos__products",
        "+brz_events__line_rejects",
        "brz_events__events",
        "brz_mariadb__suppliers",
        "brz_mariadb__extractions",
    )
    for model in ("brz_pos__products", "brz_events__events", "brz_mariadb__suppliers"):
        files = _query(project, f"select distinct _source_file from bronze.{model}", [])
        assert files and all(f.startswith(str(root) + "/") for (f,) in files), model


def test_glob_characters_in_the_landing_path_are_refused_clearly(tmp_path):
    root = tmp_path / "land[1]"
    shutil.copytree(SAMPLE, root)
    proc = DbtProject(root, tmp_path / "dbt").dbt("run", "--select", "brz_pos__products", check=False)
    text = _plain(proc.stdout)
    assert proc.returncode != 0 and "Traceback" not in text
    assert f"The landing path {root} contains a glob character" in text


def test_name_checks_without_dbt(tmp_path):
    assert sql_string("a'b; --") == "'a''b; --'"
    assert name_problem("ok 'name\" $;{x}.jsonl") is None
    assert "glob character (* [ ])" in name_problem("a[*].csv")
    assert "U+000A" in name_problem("a\nb") and "U+202E" in name_problem("a\u202eb")
    assert "not valid UTF-8" in name_problem(os.fsdecode(b"a\xff"))
    assert display_path(os.fsdecode(b"/x/\xff\n")) == "'/x/\\xff\\n'"
    long = display_path("/" + "y" * 1000)
    assert len(long) == 300 and "…" in long
    (tmp_path / "events" / "date=2025-01-01").mkdir(parents=True)
    assert tree_problem(str(tmp_path), "events/date=*/*.jsonl") is None
    (tmp_path / "events" / "date=2025-01-01" / "a.jsonl").symlink_to("/etc/hostname")
    problem = tree_problem(str(tmp_path), "events/date=*/*.jsonl")
    assert problem.endswith(
        "a.jsonl' is a symbolic link; the landing zone is read only through "
        "regular files and folders (copy the data in, not a link)."
    )
    link = tmp_path / "events" / "date=2025-01-01" / "a.jsonl"
    assert file_problem(str(link), 3) == problem
    (tmp_path / "events" / "date=2025-01-01" / "b.jsonl").write_text("{}\n")
    assert file_problem(str(tmp_path / "events" / "date=2025-01-01" / "b.jsonl"), 3) is None
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "c.jsonl").write_text("{}\n")
    (tmp_path / "events" / "date=2025-01-02").symlink_to(tmp_path / "real")
    assert "date=2025-01-02' is a symbolic link" in file_problem(
        str(tmp_path / "events" / "date=2025-01-02" / "c.jsonl"), 3
    )
    assert tree_problem(str(tmp_path), "events/date=*/*.jsonl").startswith(
        "2 landing entries cannot be read safely: Landing file '"
    )
