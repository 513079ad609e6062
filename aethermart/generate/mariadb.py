"""The AetherMart e-commerce database (MariaDB), as typed Arrow tables.

The same tables are written as landing Parquet exactly as the extractor lands them, and
can be loaded into a live MariaDB (``aethermart.generate.mariadb_load``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from aethermart.generate.catalog import ATTRIBUTES, CATEGORIES, price_cents, product_names
from aethermart.generate.config import GeneratorConfig
from aethermart.generate.faults import FaultLog, Picker, pad_whitespace
from aethermart.generate.world import ZIPS, People
from aethermart.landing import MARIADB_TABLES, mariadb_extraction_dir

__all__ = ["OnlineStore", "decimal_from_cents", "make_online_store", "write_mariadb_landing"]

_PLACEHOLDER_EMAILS = ("noemail@aethermart.com", "test@test.com", "none@none.com", "n/a")
_REVIEW_TEXTS = (
    "Exactly as described.",
    "Arrived late but works fine.",
    "Love it 😍",
    "Would buy again!",
    "Not worth the price.",
    "Five stars ⭐⭐⭐⭐⭐",
    "Broke after a week.",
    "Great gift idea 🎁",
    "Quality is okay, shipping was fast.",
    "Meh.",
)


def decimal_from_cents(cents: np.ndarray, precision: int = 10, scale: int = 2) -> pa.Array:
    """Arrow decimal128 from integer cents without a Python object per value."""
    lo = np.asarray(cents, dtype=np.int64)
    words = np.empty((len(lo), 2), dtype=np.int64)
    words[:, 0] = lo
    words[:, 1] = np.where(lo < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale), len(lo), [None, pa.py_buffer(words.tobytes())]
    )


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), pa.date32())


# "No date" sentinels a MariaDB DATE column holds (both inside MariaDB's DATE range).
_SENTINELS = (np.datetime64("9999-12-31"), np.datetime64("1900-01-01"))


def _with_sentinels(
    table: pa.Table, column: str, rows: np.ndarray, ids: np.ndarray, entity: str, log: FaultLog
) -> pa.Table:
    """``table`` with a "no date" sentinel in ``column`` at ``rows``, each recorded."""
    if not len(rows):
        return table
    position = table.schema.get_field_index(column)
    old = table.column(column)
    days = old.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    for j, i in enumerate(rows):
        days[i] = _SENTINELS[j % len(_SENTINELS)]
        log.add("mariadb", entity, "sentinel_date", str(ids[i]), column=column, detail=str(days[i]))
    missing = old.is_null().to_numpy(zero_copy_only=False)
    return table.set_column(position, column, pa.array(days, pa.date32(), mask=missing))


@dataclass
class OnlineStore:
    tables: dict[str, pa.Table]
    person_of_customer: np.ndarray  # online customer row -> person index
    customer_ids: np.ndarray
    product_ids: np.ndarray
    zero_date_order_ids: np.ndarray  # NULL order dates that MariaDB stores as 0000-00-00


# A store's own address typed for customers who gave none: valid in shape, listed in no
# placeholder pattern, so only the identity guard keeps it from merging them.
SHARED_PLACEHOLDER_EMAIL = "orders@aethermart-store.com"
SHARED_EMAIL_MIN_PEOPLE = 5


def make_online_store(
    cfg: GeneratorConfig, rng: np.random.Generator, people: People, log: FaultLog
) -> OnlineStore:
    c = cfg.counts
    rates = cfg.rates
    src = "mariadb"
    variation_rng = np.random.default_rng([cfg.seed, 12, 1])  # the real-world variations' own stream

    # Categories and suppliers -------------------------------------------------------------
    categories = pa.table(
        {
            "category_id": pa.array(np.arange(1, len(CATEGORIES) + 1), pa.int32()),
            "category_name": [name for name, _ in CATEGORIES],
        }
    )
    sup_ids = np.arange(1, c.suppliers + 1)
    suppliers = pa.table(
        {
            "supplier_id": pa.array(sup_ids, pa.int32()),
            "supplier_name": [f"Supplier {i:03d} Trading Co." for i in sup_ids],
            "contact_email": [f"orders@supplier{i:03d}.example.com" for i in sup_ids],
        }
    )

    # Products --------------------------------------------------------------------------------
    n_prod = c.online_products
    product_ids = np.arange(1, n_prod + 1)
    cat_idx = rng.integers(0, len(CATEGORIES), n_prod)
    prod_price = price_cents(rng, n_prod)
    products = pa.table(
        {
            "product_id": pa.array(product_ids, pa.int32()),
            "product_name": pa.array(product_names(rng, cat_idx), pa.string()),
            "price": decimal_from_cents(prod_price),
            "category_id": pa.array(cat_idx + 1, pa.int32()),
            "supplier_id": pa.array(rng.integers(1, c.suppliers + 1, n_prod), pa.int32()),
        }
    )

    attr_pid, attr_name, attr_value = [], [], []
    for p in range(n_prod):  # a few attributes per product: small, not per order line
        for name, values in ATTRIBUTES.get(CATEGORIES[cat_idx[p]][0], ()):
            if rng.random() < 0.85:
                attr_pid.append(product_ids[p])
                attr_name.append(name)
                attr_value.append(values[rng.integers(0, len(values))])
    product_attributes = pa.table(
        {
            "product_id": pa.array(attr_pid, pa.int32()),
            "attribute_name": pa.array(attr_name, pa.string()),
            "attribute_value": pa.array(attr_value, pa.string()),
        }
    )

    # Customers -------------------------------------------------------------------------------
    n_cust = c.online_customers
    person = np.arange(n_cust)  # people 0 .. n_online-1 shop online
    customer_ids = np.arange(1001, 1001 + n_cust, dtype=np.uint64)
    email = people.email[person].copy()
    pick = Picker(rng, n_cust, rates.minimum)
    for i in pick.pick(rates.placeholder_email):
        email[i] = _PLACEHOLDER_EMAILS[i % len(_PLACEHOLDER_EMAILS)]
        log.add(src, "Customers", "placeholder_email", str(customer_ids[i]), column="email")
    # more people on one address than the identity guard allows (var
    # identity_max_records_per_email, default 3): it must link none of them
    shared_rate = max(rates.shared_placeholder_email, SHARED_EMAIL_MIN_PEOPLE / max(n_cust, 1))
    for i in pick.pick(shared_rate if rates.shared_placeholder_email > 0 else 0):
        email[i] = SHARED_PLACEHOLDER_EMAIL
        log.add(src, "Customers", "shared_placeholder_email", str(customer_ids[i]), column="email")
    zips = np.array(ZIPS, dtype=object)[people.zip_idx[person]]
    # another system's white space: zip codes ending in CR, states padded with NBSP, ...
    for column, at in (("zipcode", 0), ("state", 2), ("first_name", None)):
        values = zips[:, at] if at is not None else people.first[person]
        values = values.copy()
        for j, i in enumerate(pick.pick(rates.whitespace, exclusive=False)):
            log.add(
                src, "Customers", "whitespace", str(customer_ids[i]), column=column, detail=repr(values[i])
            )
            values[i] = pad_whitespace(values[i], j)
        if at is None:
            first_name = values
        else:
            zips = zips.copy()
            zips[:, at] = values
    customers = pa.table(
        {
            "customer_id": pa.array(customer_ids, pa.uint64()),
            "first_name": pa.array(first_name, pa.string()),
            "last_name": pa.array(people.last[person], pa.string()),
            "email": pa.array(email, pa.string()),
            "registration_date": _dates(np.datetime64("2022-01-01") + rng.integers(0, 1277, n_cust)),
            "city": pa.array(zips[:, 1], pa.string()),
            "state": pa.array(zips[:, 2], pa.string()),
            "zipcode": pa.array(zips[:, 0], pa.string()),
        }
    )
    customers = _with_sentinels(
        customers,
        "registration_date",
        pick.pick(rates.sentinel_date, rng=variation_rng),
        customer_ids,
        "Customers",
        log,
    )

    # Orders and order items --------------------------------------------------------------
    n_ord = c.online_orders
    order_ids = np.arange(1, n_ord + 1)
    span = (np.datetime64(cfg.online_order_end) - np.datetime64(cfg.online_order_start)).astype(int) + 1
    order_day = np.datetime64(cfg.online_order_start) + np.sort(rng.integers(0, span, n_ord))
    order_cust = customer_ids[np.minimum((rng.random(n_ord) ** 1.6 * n_cust).astype(int), n_cust - 1)]

    lines_per = rng.integers(1, 6, n_ord)
    item_order = np.repeat(np.arange(n_ord), lines_per)
    k = np.arange(len(item_order)) - np.repeat(np.cumsum(lines_per) - lines_per, lines_per)
    start = np.repeat(rng.integers(0, n_prod, n_ord), lines_per)
    item_prod_idx = (start + k * 7) % n_prod  # distinct products within one order
    quantity = rng.integers(1, 5, len(item_order))
    discount = np.where(rng.random(len(item_order)) < 0.1, 0.9, 1.0)
    unit_cents = np.round(prod_price[item_prod_idx] * discount).astype(np.int64)
    item_product_ids = product_ids[item_prod_idx].copy()
    item_ids = np.arange(1, len(item_order) + 1)

    ipick = Picker(rng, len(item_order), rates.minimum)
    for i in ipick.pick(rates.orphan_fk):
        item_product_ids[i] = 900_000 + i
        log.add(src, "Order_Items", "orphan_fk", str(item_ids[i]), column="product_id")

    total_cents = np.bincount(item_order, weights=quantity * unit_cents, minlength=n_ord)
    order_date_mask = np.ones(n_ord, dtype=bool)
    opick = Picker(rng, n_ord, rates.minimum)
    null_dates = opick.pick(rates.null_order_date)
    order_date_mask[null_dates] = False
    zero = null_dates[: max(1, round(len(null_dates) * rates.zero_date))] if len(null_dates) else null_dates
    for i in null_dates:
        log.add(src, "Orders", "null_order_date", str(order_ids[i]), column="order_date")
    for i in zero:
        log.add(src, "Orders", "zero_date", str(order_ids[i]), column="order_date")
    sentinel_orders = opick.pick(rates.sentinel_date, rng=variation_rng)
    orders = pa.table(
        {
            "order_id": pa.array(order_ids, pa.int32()),
            "customer_id": pa.array(order_cust, pa.uint64()),
            "order_date": pa.array(order_day.astype("datetime64[D]"), pa.date32(), mask=~order_date_mask),
            "total_amount": decimal_from_cents(total_cents.astype(np.int64)),
        }
    )
    orders = _with_sentinels(orders, "order_date", sentinel_orders, order_ids, "Orders", log)
    order_items = pa.table(
        {
            "order_item_id": pa.array(item_ids, pa.int32()),
            "order_id": pa.array(order_ids[item_order], pa.int32()),
            "product_id": pa.array(item_product_ids, pa.int32()),
            "quantity": pa.array(quantity, pa.int32()),
            "price": decimal_from_cents(unit_cents),
        }
    )

    # Reviews -------------------------------------------------------------------------------
    n_rev = c.reviews
    review_ids = np.arange(1, n_rev + 1)
    rev_cust = customer_ids[rng.integers(0, n_cust, n_rev)].copy()
    rating = rng.choice([1, 2, 3, 4, 5], n_rev, p=[0.05, 0.08, 0.17, 0.35, 0.35]).astype(np.int32)
    rating_mask = np.zeros(n_rev, dtype=bool)
    rpick = Picker(rng, n_rev, rates.minimum)
    for j, i in enumerate(rpick.pick(rates.rating_out_of_range)):
        rating[i] = (0, 6, 7, -1, 10)[j % 5]
        log.add(
            src, "Reviews", "rating_out_of_range", str(review_ids[i]), column="rating", detail=str(rating[i])
        )
    for i in rpick.pick(rates.null_rating):
        rating_mask[i] = True
        log.add(src, "Reviews", "null_rating", str(review_ids[i]), column="rating")
    for i in rpick.pick(rates.orphan_fk):
        rev_cust[i] = np.uint64(800_000 + i)
        log.add(src, "Reviews", "orphan_fk", str(review_ids[i]), column="customer_id")
    reviews = pa.table(
        {
            "review_id": pa.array(review_ids, pa.int32()),
            "product_id": pa.array(product_ids[rng.integers(0, n_prod, n_rev)], pa.int32()),
            "customer_id": pa.array(rev_cust, pa.uint64()),
            "rating": pa.array(rating, pa.int32(), mask=rating_mask),
            "review_text": pa.array(
                np.array(_REVIEW_TEXTS, dtype=object)[rng.integers(0, 10, n_rev)], pa.string()
            ),
            "review_date": _dates(np.datetime64("2024-02-01") + rng.integers(0, 660, n_rev)),
        }
    )
    reviews = _with_sentinels(
        reviews, "review_date", rpick.pick(rates.sentinel_date, rng=variation_rng), review_ids, "Reviews", log
    )

    tables = {
        "Customers": customers,
        "Categories": categories,
        "Suppliers": suppliers,
        "Products": products,
        "Orders": orders,
        "Order_Items": order_items,
        "Reviews": reviews,
        "Product_Attributes": product_attributes,
    }
    for name, table in tables.items():
        tables[name] = table.cast(MARIADB_TABLES[name].arrow_schema)
    return OnlineStore(tables, person, customer_ids, product_ids, order_ids[zero])


def write_mariadb_landing(cfg: GeneratorConfig, store: OnlineStore) -> dict[str, dict]:
    """Write each table as one published extraction, as ``aethermart extract`` would."""
    stamp = datetime.strptime(cfg.extraction_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    stats: dict[str, dict] = {}
    for name, table in store.tables.items():
        folder = mariadb_extraction_dir(cfg.out, name, cfg.extraction_id)
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / "part-00000.parquet"
        pq.write_table(table, part, compression="zstd", row_group_size=128 * 1024)
        zero_dates = {"order_date": len(store.zero_date_order_ids)} if name == "Orders" else {}
        manifest = {
            "table": name,
            "extraction_id": cfg.extraction_id,
            "mode": "snapshot",
            "rows": table.num_rows,
            "columns": [{"name": f.name, "type": str(f.type)} for f in table.schema],
            "files": [
                {
                    "path": part.name,
                    "rows": table.num_rows,
                    "sha256": hashlib.sha256(part.read_bytes()).hexdigest(),
                }
            ],
            "zero_dates_nulled": zero_dates,
            "started_at": stamp.isoformat(),
            "finished_at": stamp.isoformat(),
            "server_version": "aethermart-generator",
        }
        (folder / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        stats[name] = {"files": 1, "data_rows": table.num_rows}
    return stats
