"""Point-of-sale CSV drops: monthly exports with every kind of dirt a real POS writes.

Each entity is built for all drops at once as columns of text (NumPy object arrays), the
dirt is chosen over the whole entity (so even a tiny sample holds every fault class), and
the rows are then split into one file per drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from aethermart.generate.catalog import CATEGORIES, price_cents, product_names
from aethermart.generate.config import FaultRates, GeneratorConfig
from aethermart.generate.csv_render import render_csv
from aethermart.generate.faults import (
    DATE_FORMATS,
    MARK_BAD_BYTE,
    MARK_BARE_COMMA,
    SENTINEL_DATES,
    TIME_OF_DAY_FORMATS,
    FaultLog,
    Picker,
    pad_whitespace,
    render_date,
    render_datetime,
    render_money,
    render_phone,
    rendered_datetime,
)
from aethermart.generate.world import STREETS, ZIPS, People
from aethermart.landing import POS_ENTITIES, pos_file

__all__ = ["write_pos_drops"]

SRC = "pos"


@dataclass
class EntityRows:
    """All rows of one POS entity across drops, as rendered text columns."""

    entity: str
    cols: dict[str, np.ndarray]
    drop: np.ndarray  # drop index per row
    key: np.ndarray  # clean natural key per row (for the answer key)
    origin: np.ndarray = None  # the row each row was copied from (itself when not a copy)

    def __post_init__(self) -> None:
        if self.origin is None:
            self.origin = np.arange(len(self.drop))

    def __len__(self) -> int:
        return len(self.drop)

    def append(self, idx: np.ndarray, drop: np.ndarray | None = None) -> np.ndarray:
        """Append copies of rows ``idx`` (optionally into other drops); return new indices."""
        start = len(self)
        for name in self.cols:
            self.cols[name] = np.concatenate([self.cols[name], self.cols[name][idx]])
        self.drop = np.concatenate([self.drop, self.drop[idx] if drop is None else drop])
        self.key = np.concatenate([self.key, self.key[idx]])
        self.origin = np.concatenate([self.origin, self.origin[idx]])
        return np.arange(start, len(self))


class Dirt:
    """Applies fault classes to one entity and records each in the answer key."""

    def __init__(
        self,
        rows: EntityRows,
        rng: np.random.Generator,
        rates: FaultRates,
        log: FaultLog,
        load_dates: list[str],
    ):
        self.rows, self.rng, self.rates, self.log = rows, rng, rates, log
        self.variation_rng = rng  # the real-world variations get their own stream
        self.touched: set[int] = set()  # rows that received any fault
        self.faults_of: dict[int, set[str]] = {}  # row -> the fault classes it received
        self.load_dates = load_dates
        self.picker = Picker(rng, len(rows), rates.minimum)

    def file_of(self, i: int) -> str:
        return f"pos/load_date={self.load_dates[self.rows.drop[i]]}/{self.rows.entity}.csv"

    def record(
        self, i: int, fault: str, column: str | None = None, detail: str | None = None, key: str | None = None
    ) -> None:
        self.touched.add(int(i))
        self.faults_of.setdefault(int(i), set()).add(fault)
        self.log.add(
            SRC,
            self.rows.entity,
            fault,
            self.rows.key[i] if key is None else key,
            column=column,
            file=self.file_of(i),
            detail=detail,
        )

    def pick(self, fault: str, mask: np.ndarray | None = None, exclusive: bool = True) -> np.ndarray:
        return self.picker.pick(getattr(self.rates, fault), exclusive=exclusive, mask=mask)

    # value-level faults -------------------------------------------------------------------
    def set_values(
        self, fault: str, column: str, new_value, mask: np.ndarray | None = None, exclusive: bool = True
    ) -> np.ndarray:
        col = self.rows.cols[column]
        chosen = self.pick(fault, mask, exclusive)
        for j, i in enumerate(chosen):
            before = col[i]
            col[i] = new_value(before, j)
            self.record(i, fault, column, detail=None if fault in _NO_DETAIL else repr(before))
        return chosen

    def whitespace(self, column: str) -> None:
        self.set_values(
            "whitespace", column, pad_whitespace, mask=self.rows.cols[column] != "", exclusive=False
        )

    def case(self, column: str) -> None:
        self.set_values(
            "case",
            column,
            lambda v, j: v.upper() if j % 2 == 0 else v.lower(),
            mask=self.rows.cols[column] != "",
            exclusive=False,
        )

    def date_format(self, column: str) -> None:
        def reformat(v: str, j: int) -> str:
            d = date.fromisoformat(v)
            fmt = DATE_FORMATS[j % len(DATE_FORMATS)]
            if fmt in ("us_short", "dd_mon_yy") and not 1950 <= d.year <= 2049:
                fmt = "us_slash"
            return render_date(d, fmt)

        self.set_values("date_format", column, reformat, mask=self.rows.cols[column] != "", exclusive=False)

    def impossible_date(self, column: str) -> None:
        self.set_values(
            "impossible_date",
            column,
            lambda v, j: ("2025-02-30", "04/31/2025", "2025-13-01", "31-Jun-25")[j % 4],
            mask=self.rows.cols[column] != "",
        )

    # real-world variations (docs/design.md § Real-world sources): drawn from `variation_rng`,
    # after every other fault, from rows no other fault touched (so each is judged alone) whose
    # date is plain ISO ---
    def _plain_iso(self, column: str) -> np.ndarray:
        mask = np.fromiter(
            (bool(_ISO_DATE.fullmatch(v)) for v in self.rows.cols[column]), dtype=bool, count=len(self.rows)
        )
        mask[list(self.touched)] = False
        return mask

    def sentinel_date(self, column: str) -> None:
        """A "no date" sentinel (9999-12-31, 1900-01-01, 0001-01-01, POS renderings)."""
        chosen = self.picker.pick(
            self.rates.sentinel_date, mask=self._plain_iso(column), rng=self.variation_rng
        )
        for j, i in enumerate(chosen):
            text = SENTINEL_DATES[j % len(SENTINEL_DATES)][1]
            self.rows.cols[column][i] = text
            self.record(i, "sentinel_date", column, detail=text)

    def time_of_day(self, column: str) -> None:
        """The date with a time of day, in one of TIME_OF_DAY_FORMATS; the detail is the
        date and time a reader must get back (ISO, UTC: the renderings carry no zone)."""
        col = self.rows.cols[column]
        chosen = self.picker.pick(
            self.rates.time_of_day, mask=self._plain_iso(column), rng=self.variation_rng
        )
        millis = self.variation_rng.integers(0, 86_400_000, len(chosen))
        for j, (i, ms) in enumerate(zip(chosen, millis, strict=True)):
            fmt = TIME_OF_DAY_FORMATS[j % len(TIME_OF_DAY_FORMATS)]
            moment = datetime.combine(date.fromisoformat(col[i]), time()) + timedelta(milliseconds=int(ms))
            col[i] = render_datetime(moment, fmt)
            self.record(i, "time_of_day", column, detail=rendered_datetime(moment, fmt).isoformat())

    def blank(self, columns: tuple[str, ...]) -> None:
        for fault, value in (("empty_string", ""), ("null_literal", "NULL")):
            chosen = self.pick(fault, mask=self.rows.cols[columns[0]] != "")
            for j, i in enumerate(chosen):
                column = columns[j % len(columns)]
                self.rows.cols[column][i] = value
                self.record(i, fault, column)

    def non_utf8(self, column: str) -> None:
        def corrupt(v: str, j: int) -> str:
            return v[:1] + MARK_BAD_BYTE + v[2:] if len(v) > 1 else v + MARK_BAD_BYTE

        self.set_values("non_utf8", column, corrupt, mask=self.rows.cols[column] != "")

    def unquoted_delimiter(self, column: str) -> None:
        # only values the CSV writer leaves unquoted: inside quotes the bare comma is no fault
        plain = np.array([not any(c in v for c in ',"\r\n') for v in self.rows.cols[column]], dtype=bool)
        self.set_values(
            "unquoted_delimiter", column, lambda v, j: v + MARK_BARE_COMMA + " Suite 9", mask=plain
        )

    def missing_key(self, column: str) -> None:
        chosen = self.pick("missing_key")
        for i in chosen:
            self.rows.cols[column][i] = ""
            self.record(i, "missing_key", column, detail=self.rows.key[i], key="")
        self.rows.key[chosen] = ""

    def append(self, idx: np.ndarray, drop: np.ndarray | None = None) -> np.ndarray:
        """Append copies; the copies take no further dirt, so exact copies stay exact."""
        new = self.rows.append(idx, drop)
        self.picker.extend(len(new))
        return new

    def duplicates(self, conflict_column: str, conflict_value) -> None:
        exact = self.pick("exact_duplicate")
        self.append(exact)
        for i in exact:
            self.record(i, "exact_duplicate")
        conflicting = self.pick("conflicting_duplicate")
        col_new = self.append(conflicting)
        col = self.rows.cols[conflict_column]
        for j, (i, new) in enumerate(zip(conflicting, col_new, strict=True)):
            col[new] = conflict_value(col[new], j)
            self.record(i, "conflicting_duplicate", conflict_column, detail=repr(col[new]))

    def resend(self, n_drops: int, fault: str = "resent_transaction") -> np.ndarray:
        """Re-send some transactions of one drop again in the next drop (exact copies of the
        order header); returns the original rows, whose lines ``resend_lines`` re-sends."""
        chosen = self.pick(fault, mask=self.rows.drop < n_drops - 1)
        new = self.append(chosen, drop=self.rows.drop[chosen] + 1)
        for i in new:
            self.record(int(i), "resent_transaction")
        return chosen

    def resend_lines(self, orders: np.ndarray, conflict: bool) -> None:
        """Every line of each order in ``orders`` (ids) again, in the next drop: a whole
        re-send (``resent_transaction``: the same multiset of lines, so a duplicate) or, with
        ``conflict``, one line's quantity changed (``conflicting_resend``: quarantined).
        Orders with a line that carries another fault are skipped, so each line's outcome
        has one cause."""
        order_ids = self.rows.cols["order_id"]
        for j, order in enumerate(orders):
            lines = np.flatnonzero(order_ids == order)
            if len(lines) == 0 or not self.picker.free[lines].all():
                continue
            new = self.append(lines, drop=self.rows.drop[lines] + 1)
            quantity = self.rows.cols["quantity"]
            if conflict:
                quantity[new[j % len(new)]] = str(int(quantity[new[j % len(new)]]) + 5)
            for i in new:
                self.record(
                    int(i),
                    "conflicting_resend" if conflict else "resent_transaction",
                    detail=repr(quantity[i]) if conflict else None,
                )

    def repeated_scans(self) -> None:
        """A product scanned again in the same order and drop, with the same quantity or
        another: one more line of the order (clean: both lines count)."""
        chosen = self.pick("repeated_scan")
        new = self.append(chosen)
        quantity = self.rows.cols["quantity"]
        for j, (i, copy) in enumerate(zip(chosen, new, strict=True)):
            if j % 2:
                quantity[copy] = str(int(quantity[copy]) % 3 + 1)
            self.record(int(i), "repeated_scan", detail=repr(quantity[copy]))


_NO_DETAIL = {"case"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _positions_in_order(order_ids: np.ndarray) -> np.ndarray:
    """1-based position of each row among the rows of its order (file order)."""
    seen: dict[str, int] = {}
    out = np.empty(len(order_ids), dtype=object)
    for i, order in enumerate(order_ids):
        seen[order] = seen.get(order, 0) + 1
        out[i] = str(seen[order])
    return out


def _layout_columns(cfg: GeneratorConfig, rows: EntityRows, idx: np.ndarray) -> tuple[list[str], list]:
    """Header and columns of one file: the contract's, or those of ``cfg.pos_layout``."""
    if cfg.pos_layout is None:
        header = POS_ENTITIES[rows.entity]
        return list(header), [rows.cols[h][idx] for h in header]
    layout = cfg.pos_layout.of(rows.entity)
    header, columns = [], []
    for source_header, column in layout.columns:
        header.append(source_header)
        if column == "line_number":
            columns.append(_positions_in_order(rows.cols["order_id"][idx]))
        elif column:
            columns.append(rows.cols[column][idx])
        else:  # a column the sources YAML ignores: filler text
            columns.append(np.array([f"{source_header} {i % 7}" for i in range(len(idx))], dtype=object))
    return header, columns


def _split_write(
    cfg: GeneratorConfig, rows: EntityRows, load_dates: list[str], file_flags: dict[tuple[int, str], set[str]]
) -> dict:
    order = np.argsort(rows.drop, kind="stable")
    files = data_rows = lines = 0
    for d, load_date in enumerate(load_dates):
        idx = order[rows.drop[order] == d]
        flags = file_flags.get((d, rows.entity), set())
        header, columns = _layout_columns(cfg, rows, idx)
        data = render_csv(header, columns, crlf="crlf_file" in flags, bom="bom_file" in flags)
        path = pos_file(cfg.out, load_date, rows.entity)
        if cfg.pos_layout is not None:
            path = path.with_name(cfg.pos_layout.of(rows.entity).file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files += 1
        data_rows += len(idx)
        lines += data.count(b"\n") - 1
    return {"files": files, "data_rows": data_rows, "physical_data_lines": lines}


# Faults after which a row still counts exactly as its clean value (a rendering, a copy
# silver drops, a second scan). An order is in the revenue truth only when its header, all
# its lines and the price rows of all its products carry nothing else.
_CLEAN_FOR_REVENUE = {
    "order": {
        "date_format",
        "time_of_day",
        "whitespace",
        "null_literal",
        "exact_duplicate",
        "resent_transaction",
    },
    "orderline": {"repeated_scan", "whitespace", "resent_transaction"},
    "product": {"money_format", "whitespace", "case", "exact_duplicate", "non_utf8"},
}


def _revenue_of_valid_orders(
    lines: EntityRows,
    line_dirt: Dirt,
    line_order: np.ndarray,
    line_prod: np.ndarray,
    order_dirt: Dirt,
    order_id: np.ndarray,
    placed: np.ndarray,
    product_dirt: Dirt,
    prod_id: np.ndarray,
    price_by_drop: list[np.ndarray],
    load_dates: list[date],
) -> dict:
    """The world's store revenue per order, for the orders no set-aside fault touched:
    Σ quantity × the shelf price on the order date (the latest drop's price on or before
    it; before the first drop, the first drop's). Every scan of a product counts; a re-sent
    copy of an order does not. An order is left out when its header or a line carries a
    fault outside _CLEAN_FOR_REVENUE, or the price row its date points at does (the price
    silver then uses is another drop's). The answer key's truth for the revenue invariant."""

    def tainted(dirt: Dirt, entity: str) -> set[int]:
        clean = _CLEAN_FOR_REVENUE[entity]
        return {int(dirt.rows.origin[i]) for i, faults in dirt.faults_of.items() if faults - clean}

    n_prod = len(prod_id)
    product_index = {p: k for k, p in enumerate(prod_id)}
    drop_starts = np.array(load_dates, dtype="datetime64[D]")
    price_drop = np.maximum(np.searchsorted(drop_starts, placed, side="right") - 1, 0)
    bad_prices = {divmod(r, n_prod) for r in tainted(product_dirt, "product")}  # (drop, product)
    bad_orders = tainted(order_dirt, "order")
    bad_orders |= {int(line_order[r]) for r in tainted(line_dirt, "orderline")}
    bad_orders |= {
        int(o)
        for o, p in zip(line_order, line_prod, strict=True)
        if (int(price_drop[o]), product_index[p]) in bad_prices
    }
    cents: dict[int, int] = {}
    scans: dict[int, int] = {}
    for i in range(len(lines)):
        source_line = int(lines.origin[i])
        order = int(line_order[source_line])
        if order in bad_orders or "resent_transaction" in line_dirt.faults_of.get(i, ()):
            continue
        price = int(price_by_drop[price_drop[order]][product_index[line_prod[source_line]]])
        cents[order] = cents.get(order, 0) + int(lines.cols["quantity"][i]) * price
        scans[order] = scans.get(order, 0) + (i != source_line)
    return {
        "rule": "store orders no set-aside fault touched: sum of quantity x the price of the "
        "latest drop on or before the order date (first drop before it); every "
        "repeated scan counts, re-sent copies do not",
        "orders": {order_id[o]: _money(c) for o, c in sorted(cents.items())},
        "orders_with_repeated_scans": sorted(order_id[o] for o, n in scans.items() if n),
        "total": _money(sum(cents.values())),
        "orders_left_out": len(bad_orders),
    }


def _money(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def _line_prices(product: EntityRows, orderline: EntityRows) -> np.ndarray:
    """A line's `unit_price` for a custom layout: its product's snapshot price where every
    snapshot row of the product in every drop renders one and the same valid price (so any
    drop's price silver picks is that price), else blank (priced from the snapshot)."""
    prices: dict[str, set[str]] = {}
    for key, value in zip(product.key, product.cols["currentPrice"], strict=True):
        plain = re.sub(r"[\s$,]", "", value or "")
        prices.setdefault(key, set()).add(plain if re.fullmatch(r"\d+\.\d{2}", plain) else "?")
    stable = {key: next(iter(found)) for key, found in prices.items() if len(found) == 1 and "?" not in found}
    return np.array([stable.get(str(p).strip(), "") for p in orderline.cols["product_id"]], dtype=object)


def _iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)


def write_pos_drops(cfg: GeneratorConfig, rng: np.random.Generator, people: People, log: FaultLog) -> dict:
    """Write every drop; returns per-entity stats and the POS customer ids (by POS person)."""
    c = cfg.counts
    rates = cfg.rates
    load_dates = [d.isoformat() for d in cfg.pos_load_dates]
    n_drops = len(load_dates)
    variation_rng = np.random.default_rng([cfg.seed, 12, 0])  # the real-world variations' own stream
    drops = np.arange(n_drops)

    # --- city: the POS store's zip lookup, one row per zip in every drop -----------------
    zips = np.array(ZIPS, dtype=object)
    city = EntityRows(
        "city",
        {
            "zip": np.tile(zips[:, 0], n_drops),
            "city": np.tile(zips[:, 1], n_drops),
            "state": np.tile(zips[:, 2], n_drops),
        },
        np.repeat(drops, len(zips)),
        np.tile(zips[:, 0], n_drops).copy(),
    )
    dirt = Dirt(city, rng, rates, log, load_dates)
    dirt.non_utf8("city")
    dirt.duplicates("city", lambda v, j: v + " Heights")
    leading_zero = np.char.startswith(city.cols["zip"].astype(str), "0")
    dirt.set_values(
        "zip_leading_zero_lost", "zip", lambda v, j: v.lstrip("0"), mask=leading_zero, exclusive=False
    )
    dirt.whitespace("city")
    dirt.case("city")
    dirt.case("state")

    # --- product: a full snapshot per drop; prices move between drops -------------------
    n_prod = c.pos_products
    prod_num = np.arange(n_prod)
    prod_id = (20000 + prod_num).astype(str).astype(object)
    alnum = Picker(rng, n_prod, rates.minimum).pick(rates.alphanumeric_id)
    prod_id[alnum] = "SKU-" + prod_id[alnum]
    for i in alnum:
        log.add(SRC, "product", "alphanumeric_id", prod_id[i], column="id")
    name = product_names(rng, rng.integers(0, len(CATEGORIES), n_prod))
    cents = price_cents(rng, n_prod)
    price_by_drop, stock_by_drop = [], []
    for _ in drops:
        price_by_drop.append(cents.copy())
        stock_by_drop.append(rng.integers(0, 500, n_prod))
        move = rng.random(n_prod) < 0.05
        cents = np.where(move, np.round(cents * rng.uniform(0.9, 1.2, n_prod)), cents).astype(np.int64)
    all_cents = np.concatenate(price_by_drop)
    product = EntityRows(
        "product",
        {
            "id": np.tile(prod_id, n_drops),
            "name": np.tile(name, n_drops),
            "currentPrice": np.char.add(
                np.char.add((all_cents // 100).astype(str), "."),
                np.char.zfill((all_cents % 100).astype(str), 2),
            ).astype(object),
            "availableQuantity": np.concatenate(stock_by_drop).astype(str).astype(object),
        },
        np.repeat(drops, n_prod),
        np.tile(prod_id, n_drops).copy(),
    )
    dirt = Dirt(product, rng, rates, log, load_dates)
    dirt.non_utf8("name")
    dirt.unquoted_delimiter("name")
    dirt.missing_key("id")
    dirt.blank(("currentPrice",))
    dirt.set_values("invalid_number", "availableQuantity", lambda v, j: ("abc", "2.5", "ten", "1e3")[j % 4])
    dirt.duplicates("currentPrice", lambda v, j: f"{float(v) + 1.5:.2f}")
    dirt.set_values(
        "money_format",
        "currentPrice",
        lambda v, j: render_money(round(float(v) * 100), j),
        mask=np.isin(product.cols["currentPrice"], ["", "NULL"], invert=True),
        exclusive=False,
    )
    dirt.whitespace("name")
    dirt.case("name")
    product_dirt = dirt

    # --- customer: full snapshot per drop; some people move between drops ----------------
    n_cust = c.pos_customers
    person = np.arange(c.people - n_cust, c.people)
    cust_id = (100000 + np.arange(n_cust)).astype(str).astype(object)
    alnum = Picker(rng, n_cust, rates.minimum).pick(rates.alphanumeric_id)
    cust_id[alnum] = "ST" + cust_id[alnum]
    for i in alnum:
        log.add(SRC, "customer", "alphanumeric_id", cust_id[i], column="id")
    street = people.street[person].copy()
    zip_idx = people.zip_idx[person].copy()
    streets, zip_parts = [], []
    for _ in drops:
        streets.append(street.copy())
        zip_parts.append(zips[zip_idx, 0])
        move = rng.random(n_cust) < 0.02
        street = np.where(
            move,
            rng.integers(1, 9999, n_cust).astype(str).astype(object)
            + " "
            + np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n_cust)],
            street,
        )
        zip_idx = np.where(move, rng.integers(0, len(ZIPS), n_cust), zip_idx)
    phone = people.phone[person]
    canonical_phone = np.array([f"{p[:3]}-{p[3:6]}-{p[6:]}" for p in phone], dtype=object)
    customer = EntityRows(
        "customer",
        {
            "id": np.tile(cust_id, n_drops),
            "firstName": np.tile(people.first[person], n_drops),
            "lastName": np.tile(people.last[person], n_drops),
            "email": np.tile(people.email[person], n_drops),
            "address1": np.concatenate(streets),
            "address2": np.tile(people.unit[person], n_drops),
            "phone": np.tile(canonical_phone, n_drops),
            "birthdate": np.tile(_iso(people.birthdate[person]), n_drops),
            "zip": np.concatenate(zip_parts),
        },
        np.repeat(drops, n_cust),
        np.tile(cust_id, n_drops).copy(),
    )
    dirt = Dirt(customer, rng, rates, log, load_dates)
    dirt.non_utf8("lastName")
    dirt.unquoted_delimiter("address1")
    dirt.set_values("quoted_newline", "address2", lambda v, j: (v or "Building A") + "\nFloor 3")
    dirt.missing_key("id")
    dirt.set_values(
        "invalid_email",
        "email",
        lambda v, j: (
            v.split("@")[0] + "@",
            v.replace("@", " at "),
            v.replace("@", "."),
            "@" + v.split("@")[1],
        )[j % 4],
    )
    dirt.set_values("invalid_phone", "phone", lambda v, j: ("555-01", "12345", "call me")[j % 3])
    dirt.impossible_date("birthdate")
    dirt.blank(("email", "phone", "birthdate"))
    dirt.duplicates("phone", lambda v, j: "999-555-" + f"{j:04d}")
    dirt.set_values(
        "phone_format",
        "phone",
        lambda v, j: render_phone(v.replace("-", ""), j),
        mask=np.char.count(customer.cols["phone"].astype(str), "-") == 2,
        exclusive=False,
    )
    leading_zero = np.char.startswith(customer.cols["zip"].astype(str), "0")
    dirt.set_values(
        "zip_leading_zero_lost", "zip", lambda v, j: v.lstrip("0"), mask=leading_zero, exclusive=False
    )
    dirt.set_values(
        "zip_plus4", "zip", lambda v, j: f"{v}-{1000 + j % 9000:04d}", mask=~leading_zero, exclusive=False
    )
    dirt.set_values("quoted_comma", "address1", lambda v, j: v + ", Suite " + str(j + 1), exclusive=False)
    dirt.date_format("birthdate")
    for column in ("firstName", "lastName", "email"):
        dirt.whitespace(column)
        dirt.case(column)
    dirt.variation_rng = variation_rng
    dirt.sentinel_date("birthdate")

    # --- order: new transactions per drop ------------------------------------------------
    n_ord = c.pos_orders
    first_drop = cfg.pos_load_dates[0]
    span = (cfg.pos_load_dates[-1] - cfg.pos_order_start).days
    placed = np.datetime64(cfg.pos_order_start) + np.sort(rng.integers(0, span, n_ord))
    placed_d = placed.astype("datetime64[D]")
    month_start = placed_d.astype("datetime64[M]") + 1  # first of the following month
    drop_date = np.maximum(month_start.astype("datetime64[D]"), np.datetime64(first_drop))
    order_drop = np.searchsorted(np.array(cfg.pos_load_dates, dtype="datetime64[D]"), drop_date)
    shipped = placed_d + rng.integers(0, 5, n_ord)
    not_shipped = shipped >= drop_date
    order_id = (500000 + np.arange(n_ord)).astype(str).astype(object)
    order_cust = cust_id[np.minimum((rng.random(n_ord) ** 1.4 * n_cust).astype(int), n_cust - 1)]
    order = EntityRows(
        "order",
        {
            "id": order_id.copy(),
            "datePlaced": _iso(placed_d),
            "dateShipped": np.where(not_shipped, "", _iso(shipped)).astype(object),
            "customer_id": order_cust.copy(),
        },
        order_drop,
        order_id.copy(),
    )
    dirt = Dirt(order, rng, rates, log, load_dates)
    dirt.non_utf8("customer_id")
    dirt.missing_key("id")
    dirt.set_values("orphan_fk", "customer_id", lambda v, j: f"9{j:05d}9")
    dirt.impossible_date("datePlaced")
    dirt.set_values("null_literal", "dateShipped", lambda v, j: "NULL", mask=order.cols["dateShipped"] == "")
    dirt.duplicates("dateShipped", lambda v, j: (date(2025, 12, 31) - timedelta(days=j)).isoformat())
    resent_orders = order.key[dirt.resend(n_drops)]
    conflicted_orders = order.key[dirt.resend(n_drops, "conflicting_resend")]
    dirt.date_format("datePlaced")
    dirt.date_format("dateShipped")
    dirt.whitespace("customer_id")
    dirt.variation_rng = variation_rng
    dirt.sentinel_date("datePlaced")
    dirt.sentinel_date("dateShipped")
    dirt.time_of_day("datePlaced")
    order_dirt = dirt

    # --- orderline: lines of the drop's orders; negative quantities are returns ----------
    lines_per = rng.integers(1, 6, n_ord)
    line_order = np.repeat(np.arange(n_ord), lines_per)
    k = np.arange(len(line_order)) - np.repeat(np.cumsum(lines_per) - lines_per, lines_per)
    line_prod = prod_id[(np.repeat(rng.integers(0, n_prod, n_ord), lines_per) + k * 7) % n_prod]
    qty = rng.integers(1, 4, len(line_order)).astype(str).astype(object)
    line_order_id = order_id[line_order]
    orderline = EntityRows(
        "orderline",
        {
            "order_id": line_order_id.copy(),
            "product_id": line_prod.copy(),
            "quantity": qty,
        },
        order_drop[line_order],
        (line_order_id + "|" + line_prod).astype(object),
    )
    dirt = Dirt(orderline, rng, rates, log, load_dates)
    dirt.non_utf8("quantity")
    dirt.missing_key("order_id")
    dirt.set_values("orphan_fk", "product_id", lambda v, j: f"7{j:05d}7")
    dirt.set_values("invalid_number", "quantity", lambda v, j: ("2.5", "two", "1,5", "abc")[j % 4])
    dirt.set_values("negative_quantity", "quantity", lambda v, j: "-" + v)
    dirt.repeated_scans()
    dirt.resend_lines(resent_orders, conflict=False)
    dirt.resend_lines(conflicted_orders, conflict=True)
    dirt.whitespace("product_id")
    revenue = _revenue_of_valid_orders(
        orderline,
        dirt,
        line_order,
        line_prod,
        order_dirt,
        order_id,
        placed_d,
        product_dirt,
        prod_id,
        price_by_drop,
        cfg.pos_load_dates,
    )
    if cfg.pos_layout is not None:
        orderline.cols["unit_price"] = _line_prices(product, orderline)

    # --- files: CRLF and BOM on a share of files -----------------------------------------
    entities = [city, product, customer, order, orderline]
    all_files = [(d, e.entity) for d in drops for e in entities]
    file_flags: dict[tuple[int, str], set[str]] = {}
    fpick = Picker(rng, len(all_files), rates.minimum)
    for flag in ("crlf_file", "bom_file"):
        for i in fpick.pick(getattr(rates, flag), exclusive=False):
            d, entity = all_files[i]
            file_flags.setdefault((int(d), entity), set()).add(flag)
            log.add(SRC, entity, flag, None, file=f"pos/load_date={load_dates[d]}/{entity}.csv")

    return {
        "entities": {f"pos.{e.entity}": _split_write(cfg, e, load_dates, file_flags) for e in entities},
        "customer_ids": cust_id,
        "revenue": revenue,
    }
