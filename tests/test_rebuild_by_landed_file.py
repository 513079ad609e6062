"""The POS checked models of orders and lines rebuild only the orders that landed files touch.

`slv_pos_orders__checked` and `slv_pos_orderlines__checked` have the config
`rebuild_by_landed_file` (macros/incremental/rebuild_by_landed_file_plan.sql): when POS files
land, change or go, a build deletes and recomputes the rows of the orders those files hold (now
or before) and of the orders whose parent (order, product, customer) changed usability, and
keeps every other row. One landing zone (a copy of the committed sample) is built, then changed
the ways POS drops change a checked order's outcome, each in a file the others do not touch:

- a new drop with new orders, an order re-sent unchanged (`duplicate`) and one re-sent with
  other lines (`duplicate_conflict`), and a product older lines named before it existed (their
  `orphan_fk` is gone: a parent key that became usable);
- an older drop's order file loses an order (its lines, in an unchanged file, become
  `orphan_fk`: a parent key that stopped being usable);
- an older drop's line file loses a line (a changed file);

and the first drop's line file carries line numbers on every row but those of the order with
the late product: that order is rebuilt while its file is not, so the file's layout must come
from all of its rows, not from the rebuilt order's.

then the new drop is removed (removed files). After each step the incremental tables must equal
a `--full-refresh` build of the same landing zone (`except all` both ways).

`slv_pos_customers__checked` has `appended_drops`: every drop re-sends every customer, so a new
drop touches every key, and the build checks only the new drop's customers and supersedes the
silver rows of the customers it brings a silver row for. The new drop's customer file carries a
changed customer, one sent twice alike (`duplicate`) and one sent twice differing
(`duplicate_conflict`), one without an id, a new one, and lacks one (whose old row stays
silver). A last step lands a drop dated before the latest one: it is not appended, and the
table is built whole.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from bench.new_data import add_pos_drop
from tests.conftest import SAMPLE, TABLES_ONLY, DbtProject

SALT = "test-rebuild-by-landed-file-salt"
# the POS chain, the order lines priced from it, and what they read; the sample is small, so its
# changes touch up to a third of the lines (the rebuild by key allows 20 % by default)
SELECT = ("--select", "+slv_order_lines", "--vars", "{merge_changed_rows_max_share: 0.5}")
CHECKED = ("slv_pos_orders__checked", "slv_pos_orderlines__checked")
RESENT_DROP = "pos/load_date=2025-10-01"  # orders re-sent
SHRUNK_DROP = "pos/load_date=2025-09-01"  # an order removed from its order file
LINE_DROP = "pos/load_date=2025-11-01"  # a line removed from its line file
FIRST_DROP = "pos/load_date=2025-07-01"
LATE_PRODUCT = "7000007"  # named by a line of the first drop, in no product file of the sample
NEW_CUSTOMER = "999999"
OUT_OF_ORDER_DROP = "pos/load_date=2025-11-15"  # landed after the others, dated before the latest
_APPENDED = re.compile(
    r"slv_pos_customers__checked: (\d+) landed files appended after every row it holds "
    r"\((\d+) rows dated from [\d-]+, its latest [\d-]+\): checked those rows alone and appended them"
)
_REBUILT = re.compile(
    r"(slv_pos_\w+__checked): (\d+) landed files and \d+ parent keys changed since its last build: "
    r"(\d+) keys to rebuild, \d+ of its \d+ rows: rebuilt those rows"
)


class SaltedProject(DbtProject):
    def env(self) -> dict:
        return {**super().env(), "AETHERMART_PII_SALT": SALT}


def _lines(path: Path) -> tuple[list[bytes], bytes]:
    """A CSV file's records and its line end (the file's own: a drop keeps one style)."""
    data = path.read_bytes()
    end = b"\r\n" if b"\r\n" in data else b"\n"
    return data.removesuffix(end).split(end), end


def _write(path: Path, lines: list[bytes], end: bytes) -> None:
    path.write_bytes(end.join(lines) + end)


def _number_the_lines_but_one_orders(landing: Path) -> str:
    """The first drop's line file gets a `line_number` column, blank for the late product's order
    (and for rows without an order id)."""
    lines, end = _lines(landing / FIRST_DROP / "orderline.csv")
    late_order = next(line.split(b",")[0] for line in lines if line.split(b",")[1] == LATE_PRODUCT.encode())
    numbered, position = [lines[0] + b",line_number"], {}
    for line in lines[1:]:
        order = line.split(b",")[0]
        position[order] = position.get(order, 0) + 1
        # blank too where the order id is: rows without a key are rebuilt with every order
        blank = order in (late_order, b"")
        numbered.append(line + b"," + (b"" if blank else str(position[order]).encode()))
    _write(landing / FIRST_DROP / "orderline.csv", numbered, end)
    return late_order.decode()


def _silver_orders(project: DbtProject, drop: str) -> list[str]:
    """Orders of one drop that reached silver with every line of theirs."""
    return [
        order
        for (order,) in project.query(
            "select o.order_id from silver.slv_pos_orders__checked as o "
            f"where o.outcome = 'silver' and o._source_file like '%{drop}/order.csv' and not exists ("
            "select 1 from silver.slv_pos_orderlines__checked as l "
            "where l.order_id = o.order_id and l.outcome <> 'silver') "
            "and exists (select 1 from silver.slv_pos_orderlines__checked as l "
            "where l.order_id = o.order_id) "
            "order by o._source_row_number"
        )
    ]


def _change_customers(drop: Path, silver: set[str]) -> dict:
    """The new drop's customer file (a copy of the latest) changed the ways a snapshot re-send
    changes, on five customers the file has once and the latest drop made silver: their ids."""
    lines, end = _lines(drop / "customer.csv")
    header, rows = lines[0], lines[1:]
    ids = [row.split(b",")[0].decode() for row in rows]
    rows = sorted(
        rows,
        key=lambda row: (
            row.split(b",")[0].decode() not in silver or ids.count(row.split(b",")[0].decode()) > 1
        ),
    )
    ids = [row.split(b",")[0].decode() for row in rows]
    changed, conflicting, doubled, blanked, missing = ids[:5]
    assert silver.issuperset(ids[:5]), (ids[:5], silver)
    fields = rows[0].split(b",")
    rows[0] = b",".join([fields[0], b"Renamed", *fields[2:]])
    fields = rows[1].split(b",")
    conflict = b",".join([*fields[:4], b"1 Other Street", *fields[5:]])
    blank = b"," + rows[3].split(b",", 1)[1]
    new = f"{NEW_CUSTOMER},New,Customer,new.customer@example.com,1 Main St,,555-123-4567,1990-01-01,90012"
    _write(
        drop / "customer.csv",
        [header, rows[0], rows[1], conflict, rows[2], rows[2], blank, *rows[5:], new.encode()],
        end,
    )
    return {
        "changed": changed,
        "conflicting": conflicting,
        "doubled": doubled,
        "blanked": blanked,
        "missing": missing,
    }


def _reprice_a_new_order(drop: Path, drop_date: str) -> dict:
    """The new drop changes the price of a product a new order buys, and that order is placed on
    the drop's date: its lines take the new price (the price history changed)."""
    orders, orders_end = _lines(drop / "order.csv")
    lines, _ = _lines(drop / "orderline.csv")
    products, products_end = _lines(drop / "product.csv")
    price_of = {row.split(b",")[0]: row.split(b",")[2] for row in products[1:]}
    order, product = next(
        (line.split(b",")[0], line.split(b",")[1]) for line in lines[1:] if line.split(b",")[1] in price_of
    )
    price = b"98.76"
    assert price_of[product] != price
    _write(
        drop / "product.csv",
        [
            b",".join([*row.split(b",")[:2], price, *row.split(b",")[3:]])
            if row.split(b",")[0] == product
            else row
            for row in products
        ],
        products_end,
    )
    _write(
        drop / "order.csv",
        [
            b",".join([row.split(b",")[0], drop_date.encode(), *row.split(b",")[2:]])
            if row.split(b",")[0] == order
            else row
            for row in orders
        ],
        orders_end,
    )
    return {"order": order.decode(), "product": product.decode(), "price": price.decode()}


def _change_pos_drops(landing: Path, project: DbtProject) -> dict:
    resent, conflicting = _silver_orders(project, RESENT_DROP)[:2]
    removed = _silver_orders(project, SHRUNK_DROP)[0]
    drop = add_pos_drop(landing, fraction=0.05)
    new = landing / "pos" / drop["drop"]
    old_orders, _ = _lines(landing / RESENT_DROP / "order.csv")
    old_lines, _ = _lines(landing / RESENT_DROP / "orderline.csv")
    ids = [line.split(b",")[0].decode().strip("\ufeff") for line in old_orders]
    # the new drop re-sends one order as it was and one with another quantity on each line
    new_orders, new_orders_end = _lines(new / "order.csv")
    new_lines, new_lines_end = _lines(new / "orderline.csv")
    new_orders += [old_orders[ids.index(resent)], old_orders[ids.index(conflicting)]]
    for line in old_lines[1:]:
        fields = line.split(b",")
        if fields[0].decode() == resent:
            new_lines.append(line)
        elif fields[0].decode() == conflicting:
            new_lines.append(b",".join([fields[0], fields[1], b"97", *fields[3:]]))
    _write(new / "order.csv", new_orders, new_orders_end)
    _write(new / "orderline.csv", new_lines, new_lines_end)
    latest = sorted((landing / "pos").glob("load_date=*"))[-2].name
    silver = {
        customer_id
        for (customer_id,) in project.query(
            "select customer_id from silver.slv_pos_customers__checked "
            f"where outcome = 'silver' and _source_file like '%/{latest}/customer.csv'"
        )
    }
    customers = _change_customers(new, silver)
    repriced = _reprice_a_new_order(new, drop["drop"].split("=", 1)[1])
    # a product that older lines named before the product file had it
    products, products_end = _lines(new / "product.csv")
    _write(new / "product.csv", [*products, f"{LATE_PRODUCT},Late Lamp 1,12.50,3".encode()], products_end)
    # an older drop's order file loses an order; its line file stays as it was
    orders, orders_end = _lines(landing / SHRUNK_DROP / "order.csv")
    kept = [line for line in orders if line.split(b",")[0].decode().strip("\ufeff") != removed]
    assert len(kept) == len(orders) - 1
    _write(landing / SHRUNK_DROP / "order.csv", kept, orders_end)
    # an older drop's line file loses its last line
    lines, lines_end = _lines(landing / LINE_DROP / "orderline.csv")
    _write(landing / LINE_DROP / "orderline.csv", lines[:-1], lines_end)
    return {
        "drop": drop,
        "customers": customers,
        "repriced": repriced,
        "resent": resent,
        "conflicting": conflicting,
        "removed": removed,
        "removed_line": lines[-1].decode(),
    }


def _differences(incremental: DbtProject, full: DbtProject) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{incremental.duckdb_path}' as inc (read_only)")
    con.execute(f"attach '{full.duckdb_path}' as full_refresh (read_only)")
    tables = [
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'full_refresh' and schema_name in ('bronze', 'silver')"
        ).fetchall()
    ]
    assert len(tables) >= 10, tables
    differences = []
    for table in tables:
        a, b = f"inc.{table}", f"full_refresh.{table}"
        only_inc = con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
        only_full = con.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[0]
        if only_inc or only_full:
            differences.append(f"{table}: {only_inc} rows only incremental, {only_full} only full refresh")
    return differences


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    landing = tmp_path_factory.mktemp("landed_file_landing") / "landing"
    shutil.copytree(SAMPLE, landing)
    late_order = _number_the_lines_but_one_orders(landing)
    project = SaltedProject(landing, tmp_path_factory.mktemp("landed_file_incremental"))
    project.dbt("build", *SELECT, *TABLES_ONLY)
    before = {
        "late_product_lines": project.query(
            "select outcome, quarantine_reasons from silver.slv_pos_orderlines__checked "
            f"where product_id = '{LATE_PRODUCT}'"
        ),
    }
    change = _change_pos_drops(landing, project)
    changed_log = project.dbt("build", *SELECT, *TABLES_ONLY).stdout
    full = SaltedProject(landing, tmp_path_factory.mktemp("landed_file_full_refresh"))
    full.dbt("build", *SELECT, "--full-refresh", *TABLES_ONLY)
    changed = {"differences": _differences(project, full), "log": changed_log}
    outcomes = {
        "resent": project.query(
            "select _source_file like '%/" + change["drop"]["drop"] + "/%', outcome, quarantine_reasons "
            f"from silver.slv_pos_orderlines__checked where order_id = '{change['resent']}'"
        ),
        "conflicting": project.query(
            "select _source_file like '%/" + change["drop"]["drop"] + "/%', outcome, quarantine_reasons "
            f"from silver.slv_pos_orderlines__checked where order_id = '{change['conflicting']}'"
        ),
        "removed": project.query(
            "select outcome, quarantine_reasons from silver.slv_pos_orderlines__checked "
            f"where order_id = '{change['removed']}'"
        ),
        "late_product_lines": project.query(
            "select outcome, quarantine_reasons from silver.slv_pos_orderlines__checked "
            f"where product_id = '{LATE_PRODUCT}'"
        ),
        "repriced": project.query(
            "select source_product_id, cast(unit_price as varchar), unit_price_source "
            "from silver.slv_order_lines where channel = 'store' "
            f"and source_order_id = '{change['repriced']['order']}'"
        ),
    }
    customer_outcomes = {
        customer_id: project.query(
            "select _source_file like '%/" + change["drop"]["drop"] + "/%', outcome, quarantine_reasons "
            f"from silver.slv_pos_customers__checked where customer_id = '{customer_id}' "
            "and _load_date >= (select max(_load_date) from silver.slv_pos_customers__checked "
            f"where _source_file not like '%/{change['drop']['drop']}/%')"
        )
        for customer_id in [*change["customers"].values(), NEW_CUSTOMER]
    }
    customer_outcomes["blank"] = project.query(
        "select outcome, quarantine_reasons from silver.slv_pos_customers__checked "
        f"where customer_id is null and _source_file like '%/{change['drop']['drop']}/%'"
    )
    shutil.rmtree(landing / "pos" / change["drop"]["drop"])
    removed_log = project.dbt("build", *SELECT, *TABLES_ONLY).stdout
    full_after_removal = SaltedProject(landing, tmp_path_factory.mktemp("landed_file_full_refresh_2"))
    full_after_removal.dbt("build", *SELECT, "--full-refresh", *TABLES_ONLY)
    removed = {"differences": _differences(project, full_after_removal), "log": removed_log}
    # a drop dated before the latest one lands last: not appended
    shutil.copytree(landing / LINE_DROP, landing / OUT_OF_ORDER_DROP)
    customers, end = _lines(landing / OUT_OF_ORDER_DROP / "customer.csv")
    fields = customers[1].split(b",")
    _write(
        landing / OUT_OF_ORDER_DROP / "customer.csv",
        [customers[0], b",".join([fields[0], b"Earlier", *fields[2:]]), *customers[2:]],
        end,
    )
    out_of_order_log = project.dbt("build", *SELECT, *TABLES_ONLY).stdout
    full_out_of_order = SaltedProject(landing, tmp_path_factory.mktemp("landed_file_full_refresh_3"))
    full_out_of_order.dbt("build", *SELECT, "--full-refresh", *TABLES_ONLY)
    out_of_order = {"differences": _differences(project, full_out_of_order), "log": out_of_order_log}
    # an older line file loses a line, and nothing else changes (no price): the order lines
    # compare only that order's lines, the removed one found in their table
    lines, lines_end = _lines(landing / FIRST_DROP / "orderline.csv")
    store_lines = "select count(*) from silver.slv_order_lines where channel = 'store' and source_order_id = "
    landed = {}
    for line in lines[1:]:
        landed[line.split(b",")[0].decode()] = landed.get(line.split(b",")[0].decode(), 0) + 1

    # the last line of an order of two or more lines, all of them in silver
    def whole_in_silver(line: bytes) -> bool:
        order = line.split(b",")[0].decode()
        return landed.get(order, 0) > 1 and project.scalar(store_lines + f"'{order}'") == landed[order]

    position = next(i for i in range(len(lines) - 1, 0, -1) if whole_in_silver(lines[i]))
    order = lines[position].split(b",")[0].decode()
    _write(landing / FIRST_DROP / "orderline.csv", lines[:position] + lines[position + 1 :], lines_end)
    lost_line_log = project.dbt("build", *SELECT, *TABLES_ONLY).stdout
    full_lost_line = SaltedProject(landing, tmp_path_factory.mktemp("landed_file_full_refresh_4"))
    full_lost_line.dbt("build", *SELECT, "--full-refresh", *TABLES_ONLY)
    lost_line = {
        "differences": _differences(project, full_lost_line),
        "log": lost_line_log,
        "order": order,
        "lines_left": project.scalar(store_lines + f"'{order}'"),
        "lines_landed": landed[order],
        "lines_of_the_file": project.scalar(
            "select count(*) from silver.slv_order_lines where source_order_id in ("
            + ", ".join(f"'{landed_order}'" for landed_order in landed)
            + ")"
        ),
        "table_lines": project.scalar("select count(*) from silver.slv_order_lines"),
    }
    return {
        "late_order": late_order,
        "before": before,
        "change": change,
        "changed": changed,
        "outcomes": outcomes,
        "removed": removed,
        "out_of_order": out_of_order,
        "lost_line": lost_line,
        "customer_outcomes": customer_outcomes,
    }


def test_new_changed_and_shrunk_files_rebuild_the_orders_they_touch_as_a_full_refresh_would(runs):
    rebuilt = {
        name: (int(files), int(keys)) for name, files, keys in _REBUILT.findall(runs["changed"]["log"])
    }
    # orders: the new drop's file and the shrunk one; lines: the new drop's file and the one that
    # lost a line (the removed order's lines sit in an unchanged file: a parent change)
    assert rebuilt.get("slv_pos_orders__checked", (0, 0))[0] == 2, runs["changed"]["log"][-3000:]
    assert rebuilt.get("slv_pos_orderlines__checked", (0, 0))[0] == 2, runs["changed"]["log"][-3000:]
    orders_in_new_drop = runs["change"]["drop"]["orders"] + 2
    assert rebuilt["slv_pos_orders__checked"][1] >= orders_in_new_drop + 1
    assert not runs["changed"]["differences"], runs["changed"]["differences"]


def test_each_kind_of_change_reached_the_rows_it_should(runs):
    """The sequence is not vacuous: every change moved the outcome it implies."""
    outcomes = runs["outcomes"]
    # re-sent as it was: the new drop's copies are duplicates, the first version stays silver
    assert {(new, outcome) for new, outcome, _ in outcomes["resent"]} == {
        (False, "silver"),
        (True, "duplicate"),
    }
    # re-sent with other lines: quarantined as a conflict, the first version stays silver
    assert {(new, outcome) for new, outcome, _ in outcomes["conflicting"]} == {
        (False, "silver"),
        (True, "quarantined"),
    }
    assert all(reasons == ["duplicate_conflict"] for new, _, reasons in outcomes["conflicting"] if new)
    # its order gone from an order file it was never re-sent in: its lines lost their parent
    assert outcomes["removed"] and all("orphan_fk" in reasons for _, reasons in outcomes["removed"])
    # the late product: orphan before it landed, not after; its order's rows lack the line
    # numbers their file carries, also when only that order is rebuilt
    assert runs["before"]["late_product_lines"] and all(
        "orphan_fk" in reasons and "missing_key" in reasons
        for _, reasons in runs["before"]["late_product_lines"]
    )
    assert outcomes["late_product_lines"] and all(
        "orphan_fk" not in reasons and "missing_key" in reasons
        for _, reasons in outcomes["late_product_lines"]
    ), outcomes["late_product_lines"]


def test_a_removed_drop_takes_its_rows_and_restores_what_they_changed(runs):
    rebuilt = {name: int(files) for name, files, _ in _REBUILT.findall(runs["removed"]["log"])}
    assert rebuilt == {"slv_pos_orders__checked": 1, "slv_pos_orderlines__checked": 1}, runs["removed"][
        "log"
    ][-3000:]
    assert not runs["removed"]["differences"], runs["removed"]["differences"]


def test_a_later_drop_of_customers_is_checked_alone_and_appended(runs):
    appended = _APPENDED.findall(runs["changed"]["log"])
    customers = runs["change"]["customers"]
    assert [int(files) for files, _ in appended] == [1], runs["changed"]["log"][-3000:]
    # every row of the new file (the latest drop's, less the missing one, plus the copies)
    assert int(appended[0][1]) >= 20
    assert not runs["changed"]["differences"], runs["changed"]["differences"]
    # the latest earlier drop's row and the new drop's, per customer
    outcomes = {
        key: sorted((new, outcome) for new, outcome, _ in rows)
        for key, rows in runs["customer_outcomes"].items()
        if key != "blank"
    }
    assert outcomes[customers["changed"]] == [(False, "superseded"), (True, "silver")]
    assert outcomes[customers["doubled"]] == [(False, "superseded"), (True, "duplicate"), (True, "silver")]
    assert outcomes[customers["conflicting"]] == [
        (False, "superseded"),
        (True, "quarantined"),
        (True, "silver"),
    ]
    # not in the new drop: its earlier row stays silver; without an id in it: the same, and the
    # new drop's row without an id is quarantined
    assert outcomes[customers["missing"]] == [(False, "silver")]
    assert outcomes[customers["blanked"]] == [(False, "silver")]
    assert [(outcome, reasons) for outcome, reasons in runs["customer_outcomes"]["blank"]] == [
        ("quarantined", ["missing_key"])
    ]
    assert outcomes[NEW_CUSTOMER] == [(True, "silver")]


def test_a_removed_or_earlier_dated_drop_of_customers_is_not_appended(runs):
    for step in ("removed", "out_of_order"):
        log = runs[step]["log"]
        assert not _APPENDED.findall(log), log[-3000:]
        assert re.search(r"slv_pos_customers__checked: [^\n]*: built whole", log), log[-3000:]
        assert not runs[step]["differences"], (step, runs[step]["differences"])
    # and the log says why the drops were not appended
    removed, out_of_order = runs["removed"]["log"], runs["out_of_order"]["log"]
    assert "slv_pos_customers__checked: not appended (1 of the 1 changed files were held before" in removed
    assert re.search(
        r"slv_pos_customers__checked: not appended "
        r"\(the new rows are dated from 2025-11-15, not after its latest",
        out_of_order,
    ), out_of_order[-3000:]


def test_a_changed_price_makes_the_order_lines_compare_whole_and_reprices_the_lines_after_it(runs):
    """`slv_order_lines` compares only the orders its checked inputs logged, unless the price
    history changed: the new drop's new price does (a drop that changes no price leaves it as
    it was: test_incremental_silver_gold)."""
    log = runs["changed"]["log"]
    assert re.search(
        r"slv_order_lines: inputs changed other than by a logged write from what it read "
        r"\([^)]*slv_pos_products__price_history[^)]*\): compared whole",
        log,
    ), log[-3000:]
    repriced = runs["change"]["repriced"]
    lines = runs["outcomes"]["repriced"]
    assert (repriced["product"], repriced["price"], "pos_price_history") in lines, (repriced, lines)
    assert not runs["changed"]["differences"], runs["changed"]["differences"]


def test_a_line_lost_from_an_older_file_is_compared_only_for_its_order(runs):
    """`slv_order_lines` (merge_scope, no input naming its key: one pass over the model) finds
    the lost line in its own table by the order id the checked lines logged, and deletes it."""
    lost = runs["lost_line"]
    scoped = re.search(
        r"slv_order_lines: silver\.slv_pos_orderlines__checked \(order_id\) changed since its last write, "
        r"and logged how: compared only the (\d+) keys",
        lost["log"],
    )
    assert scoped, lost["log"][-3000:]
    # the lines of the orders of the changed file (the checked lines rebuild every order of a
    # changed file, the lost one too), a part of the table
    assert int(scoped.group(1)) <= lost["lines_of_the_file"] + 1 < lost["table_lines"] / 2, lost
    assert "slv_order_lines: 1 of " in lost["log"], lost["log"][-3000:]
    assert lost["lines_left"] == lost["lines_landed"] - 1
    assert not lost["differences"], lost["differences"]
