"""New data for the rebuild contenders of `make bench`: a new POS drop and new MariaDB orders.

    python -m bench.new_data --landing DIR --mariadb-url URL [--fraction 0.01] [--json]

What a day of business adds to a landing zone the pipeline has already built:

* **POS**: a new ``load_date=`` folder, the day after the latest drop. Its product,
  customer and city files are byte copies of the latest drop's (full snapshots that did
  not change); its order and order line files hold ``fraction`` of all POS orders landed so
  far as new transactions: the latest orders (as the CSV holds them, dirt included) under
  new order ids (after the highest numeric one), with their lines from the same drop.
* **MariaDB**: ``fraction`` of the ``Orders`` rows inserted as new orders (the latest
  orders copied under new ids after the highest one, same customer, date and total) with
  copies of their ``Order_Items`` under new item ids, committed in one transaction. The
  bench then runs ``aethermart extract`` to land them.

The new rows copy existing ones, so they carry the same kinds of values and dirt as the
rest; only their ids are new. Prints (or returns) how many orders and lines were added.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, timedelta
from pathlib import Path

__all__ = ["add_mariadb_orders", "add_pos_drop", "main"]

# Latin-1 maps every byte to one character and back, so the copied records keep their
# bytes (BOM, Windows-1252 bytes, quoted newlines) exactly; newline="" keeps CR LF inside fields.
_BYTES = {"encoding": "latin-1", "newline": ""}


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(**_BYTES) as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", **_BYTES) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def add_pos_drop(landing: Path, fraction: float = 0.01) -> dict:
    """Write the next POS drop with ``fraction`` of all landed POS orders as new ones."""
    drops = sorted((landing / "pos").glob("load_date=*"))
    if not drops:
        raise FileNotFoundError(f"no POS drop under {landing / 'pos'} to start the new one from")
    latest = drops[-1]
    new_date = date.fromisoformat(latest.name.split("=", 1)[1]) + timedelta(days=1)
    orders_by_drop = {drop: _read(drop / "order.csv") for drop in drops}
    total = sum(len(rows) for _, rows in orders_by_drop.values())
    wanted = max(1, round(total * fraction))
    numeric = [
        int(row[0].strip())
        for _, rows in orders_by_drop.values()
        for row in rows
        if row and row[0].strip().isascii() and row[0].strip().isdigit()
    ]
    next_id = max(numeric, default=0) + 1

    # the latest orders first: newest drop backwards, last rows of each file first
    header = orders_by_drop[latest][0]
    new_orders: list[list[str]] = []
    new_lines: list[list[str]] = []
    line_header: list[str] = []
    for drop in reversed(drops):
        if len(new_orders) >= wanted:
            break
        line_header, lines = _read(drop / "orderline.csv")
        lines_of: dict[str, list[list[str]]] = {}
        for line in lines:
            if line:
                lines_of.setdefault(line[0], []).append(line)
        for row in reversed(orders_by_drop[drop][1]):
            if len(new_orders) >= wanted:
                break
            if not row or not row[0].strip() or row[0] not in lines_of:
                continue  # a new transaction has an id and lines
            new_id = str(next_id)
            next_id += 1
            new_orders.append([new_id, *row[1:]])
            new_lines += [[new_id, *line[1:]] for line in lines_of.pop(row[0])]
    folder = landing / "pos" / f"load_date={new_date.isoformat()}"
    staging = folder.with_name(f".{folder.name}.tmp")  # published by one rename
    staging.mkdir(parents=True)
    for entity in ("product", "customer", "city"):
        (staging / f"{entity}.csv").write_bytes((latest / f"{entity}.csv").read_bytes())
    _write(staging / "order.csv", header, new_orders)
    _write(staging / "orderline.csv", line_header, new_lines)
    staging.rename(folder)
    return {
        "drop": folder.name,
        "orders": len(new_orders),
        "lines": len(new_lines),
        "pos_orders_before": total,
    }


def add_mariadb_orders(mariadb_url: str, fraction: float = 0.01) -> dict:
    """Insert ``fraction`` of the Orders rows as new orders, with their items, in one transaction."""
    from aethermart.mariadb_client import connect
    from aethermart.mariadb_url import MariaDBURL

    conn = connect(MariaDBURL.parse(mariadb_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION sql_mode = ''")  # copies of legacy rows keep 0000-00-00 dates
            cur.execute("SET FOREIGN_KEY_CHECKS = 0")  # copies of orphan lines stay orphans
            cur.execute("SELECT COUNT(*), COALESCE(MAX(order_id), 0) FROM `Orders`")
            total, max_order = cur.fetchone()
            cur.execute("SELECT COALESCE(MAX(order_item_id), 0) FROM `Order_Items`")
            (max_item,) = cur.fetchone()
            wanted = max(1, round(total * fraction))
            cur.execute("DROP TEMPORARY TABLE IF EXISTS bench_new_orders")
            cur.execute(
                "CREATE TEMPORARY TABLE bench_new_orders AS "
                "SELECT order_id AS old_id, %s + ROW_NUMBER() OVER (ORDER BY order_id) AS new_id "
                "FROM (SELECT order_id FROM `Orders` ORDER BY order_id DESC LIMIT %s) AS latest",
                (max_order, wanted),
            )
            orders = cur.execute(
                "INSERT INTO `Orders` (order_id, customer_id, order_date, total_amount) "
                "SELECT n.new_id, o.customer_id, o.order_date, o.total_amount "
                "FROM `Orders` AS o JOIN bench_new_orders AS n ON o.order_id = n.old_id"
            )
            items = cur.execute(
                "INSERT INTO `Order_Items` (order_item_id, order_id, product_id, quantity, price) "
                "SELECT %s + ROW_NUMBER() OVER (ORDER BY i.order_item_id), n.new_id, i.product_id, "
                "i.quantity, i.price "
                "FROM `Order_Items` AS i JOIN bench_new_orders AS n ON i.order_id = n.old_id",
                (max_item,),
            )
            cur.execute("DROP TEMPORARY TABLE bench_new_orders")
        conn.commit()
    finally:
        conn.close()
    return {"orders": orders, "order_items": items, "orders_before": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.new_data", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--landing", type=Path, required=True, help="landing zone root (gets the new POS drop)"
    )
    parser.add_argument("--mariadb-url", help="MariaDB to insert new orders into (skipped without it)")
    parser.add_argument("--fraction", type=float, default=0.01, help="new orders as a share of the existing")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    added = {"pos": add_pos_drop(args.landing, args.fraction)}
    if args.mariadb_url:
        added["mariadb"] = add_mariadb_orders(args.mariadb_url, args.fraction)
    if args.json:
        print(json.dumps(added))
    else:
        for system, counts in added.items():
            print(f"new data, {system}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
