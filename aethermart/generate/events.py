"""Clickstream: web events as JSON lines, one file per day, fields varying by event type.

Numbers are drawn with NumPy; DuckDB turns them into JSON text in one vectorised query.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aethermart.generate.config import GeneratorConfig
from aethermart.generate.csv_render import lines_to_bytes
from aethermart.generate.faults import FaultLog, Picker
from aethermart.landing import events_file
from aethermart.sql import sql_string

__all__ = ["EVENT_TYPES", "UNKNOWN_EVENT_TYPES", "write_events"]

SRC = "events"
EVENT_TYPES = (
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout",
    "purchase",
)
_EVENT_P = (0.45, 0.25, 0.10, 0.10, 0.03, 0.04, 0.03)
UNKNOWN_EVENT_TYPES = ("wishlist_add", "ar_try_on", "chat_opened")
_DEVICES = (
    ("desktop", "Windows", "Chrome"),
    ("desktop", "macOS", "Safari"),
    ("mobile", "iOS", "Safari"),
    ("mobile", "Android", "Chrome"),
    ("tablet", "iPadOS", "Safari"),
    ("desktop", "Linux", "Firefox"),
)
_QUERIES = (
    "bluetooth speaker",
    "yoga mat",
    "coffee",
    "gift for dad",
    "tent 4 person",
    "café crème",
    'wireless "noise cancelling" headphones',
    "日本茶",
)

_RENDER_SQL = """
with typed as (
    select
        e.*,
        ($types)[type_idx + 1] as event_type,
        'ev-' || lpad(seq::varchar, 9, '0') as event_id,
        case when anonymous then null else customer_id::varchar end as customer_ref,
        ($devices)[device_idx + 1] as device
    from events as e
)
select
    day,
    json_merge_patch(
        json_object(
            'event_id', event_id,
            'customer_id', customer_ref,
            'session_id', 's-' || lpad((seq // 8)::varchar, 7, '0'),
            'event_type', event_type,
            'occurred_at', strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ'),
            'page', json_object(
                'url', case event_type
                    when 'product_view' then '/products/' || product_id
                    when 'search' then '/search'
                    when 'checkout' then '/checkout'
                    else '/' end,
                'title', case when event_type = 'product_view' then 'AetherMart — Product'
                    else 'AetherMart' end),
            'device', json_object('type', device[1], 'os', device[2], 'browser', device[3])
        ),
        case
            when event_type = 'product_view' then json_object('product_id', product_id::varchar)
            when event_type in ('add_to_cart', 'remove_from_cart')
                then json_object('product_id', product_id::varchar, 'quantity', quantity)
            when event_type = 'search'
                then json_object('query', ($queries)[query_idx + 1], 'results', quantity * 7)
            when event_type = 'purchase'
                then json_object('order_id', 'W' || order_no, 'revenue', revenue_cents / 100.0)
            when event_type not in ('page_view', 'checkout')
                then json_object('experiment', 'beta-' || quantity)
            else '{}'::json
        end
    )::varchar as line
from typed
order by seq
"""


def _sql_list(values) -> str:
    def lit(v):
        if isinstance(v, tuple):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        return sql_string(v)

    return "[" + ", ".join(lit(v) for v in values) + "]"


def write_events(
    cfg: GeneratorConfig,
    rng: np.random.Generator,
    customer_ids: np.ndarray,
    product_ids: np.ndarray,
    log: FaultLog,
) -> dict[str, dict]:
    n = cfg.counts.events
    rates = cfg.rates
    start = np.datetime64(cfg.event_end) - np.timedelta64(cfg.event_days - 1, "D")
    offset_ms = np.sort(rng.integers(0, cfg.event_days * 86_400_000, n))
    occurred = start.astype("datetime64[ms]") + offset_ms.astype("timedelta64[ms]")
    type_idx = rng.choice(len(EVENT_TYPES), n, p=_EVENT_P)
    pick = Picker(rng, n, rates.minimum)
    unknown = pick.pick(rates.unknown_event_type, exclusive=False)
    type_idx[unknown] = len(EVENT_TYPES) + np.arange(len(unknown)) % len(UNKNOWN_EVENT_TYPES)
    all_types = EVENT_TYPES + UNKNOWN_EVENT_TYPES
    events = pa.table(
        {
            "seq": np.arange(n),
            "day": pa.array(occurred.astype("datetime64[D]"), pa.date32()),
            "type_idx": type_idx,
            "anonymous": rng.random(n) < 0.3,
            "customer_id": customer_ids[rng.integers(0, len(customer_ids), n)],
            "occurred_at": pa.array(occurred, pa.timestamp("ms")),
            "device_idx": rng.integers(0, len(_DEVICES), n),
            "product_id": product_ids[rng.integers(0, len(product_ids), n)],
            "quantity": rng.integers(1, 4, n),
            "query_idx": rng.integers(0, len(_QUERIES), n),
            "order_no": rng.integers(1, 10**6, n),
            "revenue_cents": rng.integers(500, 50_000, n),
        }
    )
    sql = (
        _RENDER_SQL.replace("$types", _sql_list(all_types))
        .replace("$devices", _sql_list(_DEVICES))
        .replace("$queries", _sql_list(_QUERIES))
    )
    event_id = lambda i: f"ev-{i:09d}"  # noqa: E731 - mirrors the SQL above
    for i in unknown:
        log.add(
            SRC,
            "events",
            "unknown_event_type",
            event_id(i),
            column="event_type",
            detail=all_types[type_idx[i]],
        )
    # a truncated line has no event type left to judge: never truncate an unknown-type event
    known_type = np.ones(n, dtype=bool)
    known_type[unknown] = False
    malformed = pick.pick(rates.malformed_json, mask=known_type)
    for i in malformed:
        log.add(SRC, "events", "malformed_json", event_id(i), detail="truncated")
    dup = pick.pick(rates.duplicate_event)
    for i in dup:
        log.add(SRC, "events", "duplicate_event", event_id(i))

    # One day at a time keeps memory bounded; events are sorted by time, so a day is a slice.
    con = duckdb.connect()
    con.execute("set threads = 1")  # identical output order and bytes on every run
    con.execute("set enable_progress_bar = false")
    days = occurred.astype("datetime64[D]")
    bounds = np.flatnonzero(np.diff(days.astype(np.int64))) + 1
    files = rows = 0
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, n], strict=True):
        con.register("events", events.slice(lo, hi - lo))
        lines = con.sql(sql).to_arrow_table().column("line").combine_chunks()
        con.unregister("events")
        bad = malformed[(malformed >= lo) & (malformed < hi)] - lo
        if len(bad):
            cut = [v[: len(v) // 2] for v in lines.take(pa.array(bad)).to_pylist()]
            mask = np.zeros(hi - lo, dtype=bool)
            mask[bad] = True
            lines = pc.replace_with_mask(lines, pa.array(mask), pa.array(cut, pa.string()))
        resent = dup[(dup >= lo) & (dup < hi)] - lo  # a re-sent event lands at the end of its day
        lines = pa.concat_arrays([lines, lines.take(pa.array(resent, pa.int64()))])
        path = events_file(cfg.out, str(days[lo]))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(lines_to_bytes(lines))
        files += 1
        rows += len(lines)
    con.close()
    return {"events.events": {"files": files, "data_rows": rows, "physical_data_lines": rows}}
