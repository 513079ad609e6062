"""What the benchmark baselines share: the result they hand back, and the check against gold.

A baseline (``bench/baseline_seed.py``, ``bench/baseline_pandas.py``) is run by
``bench/pipeline.py`` as a subprocess with ``--result FILE.json`` and writes one JSON
object there:

.. code-block:: text

    {
      "baseline": "pandas",
      "stages": {"read": {"wall_s": 1.2, "cpu_s": 1.1}, ...},       # per-stage timings
      "documents": {"customer_purchase_history": 10234, "product_sales": 1000},
      "revenue_per_customer": {"mariadb:1011": "1234.50", "pos:100001": "0.00", ...},
      "revenue_per_product": {"mariadb:17": "98765.43", "pos:SKU-20005": "-12.00", ...},
      # optional, checked when present:
      "order_count_per_customer": {"mariadb:1011": 12, ...},
      "units_per_product": {"mariadb:17": 321, ...}
    }

A customer is keyed by its anchor record ``<source_system>:<customer_id>`` (the online
account when the customer has one, else the lowest store id: silver's identity rule), a
product by ``<source_system>:<source_product_id>``. Money is a decimal string such as
``"1234.50"`` (``cents_to_str`` writes one from integer cents): it is compared exactly, as
``Decimal``, never through a float.

``compare_to_gold(result, duckdb_path)`` reads the same figures from our gold document
models and returns the differences, an empty list when the baseline agrees.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = ["StageClock", "cents_to_str", "compare_to_gold", "gold_figures"]

MAX_LISTED = 50  # differences listed per kind; the rest are counted


class StageClock:
    """Wall and CPU time (of this process, all threads) per named stage.

    ``with clock.stage("read"): ...``; ``clock.stages`` is the ``stages`` object of the result.
    """

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float | None]] = {}  # callers may add e.g. server CPU

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.stages[name] = {
                "wall_s": round(time.perf_counter() - wall, 3),
                "cpu_s": round(time.process_time() - cpu, 3),
            }


def cents_to_str(cents: int) -> str:
    """An exact decimal string for an integer amount of cents: ``-1205`` -> ``"-12.05"``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{frac:02d}"


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def figures_of(customers: list[tuple], products: list[tuple]) -> dict:
    """The compared figures from (customer, revenue, order count) and (product, revenue, units) rows."""
    return {
        "documents": {"customer_purchase_history": len(customers), "product_sales": len(products)},
        "revenue_per_customer": {key: revenue for key, revenue, _ in customers},
        "order_count_per_customer": {key: count for key, _, count in customers},
        "revenue_per_product": {key: revenue for key, revenue, _ in products},
        "units_per_product": {key: units for key, _, units in products},
    }


def gold_figures(duckdb_path: str | Path) -> dict:
    """Document counts, revenue (and order counts / units) per customer and per product from gold."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        customers = con.execute("""
            select anchors.anchor_record, docs.revenue, docs.order_count
            from gold.doc_customer_purchase_history as docs
            left join (
                select distinct customer_key, anchor_record from silver.slv_customers__matched
            ) as anchors
                on docs._id = anchors.customer_key
        """).fetchall()
        products = con.execute("""
            select
                products.source_system || ':' || products.source_product_id as product,
                docs.summary.revenue,
                docs.summary.units
            from gold.doc_product_sales as docs
            left join gold.dim_product as products
                on docs._id = products.product_key
        """).fetchall()
    return {
        **figures_of(customers, products),
        "unmapped": sum(key is None for key, _, _ in customers) + sum(key is None for key, _, _ in products),
    }


def _compare_mapping(
    kind: str, theirs: Mapping[str, object], gold: Mapping[str, object], exact: bool
) -> list[str]:
    diffs: list[str] = []
    missing = sorted(set(gold) - set(theirs))
    extra = sorted(set(theirs) - set(gold))
    diffs += [f"{kind}: {key} missing (gold {gold[key]})" for key in missing]
    diffs += [f"{kind}: {key} not in gold (baseline {theirs[key]})" for key in extra]
    for key in sorted(set(gold) & set(theirs)):
        ours, base = gold[key], theirs[key]
        if exact:  # money: exact decimal equality, never through a float
            equal = _decimal(base) is not None and _decimal(ours) == _decimal(base)
        else:  # counts
            equal = str(ours) == str(base)
        if not equal:
            diffs.append(f"{kind}: {key} gold {ours} baseline {base}")
    if len(diffs) > MAX_LISTED:
        diffs = [*diffs[:MAX_LISTED], f"{kind}: ... and {len(diffs) - MAX_LISTED} more differences"]
    return diffs


def compare_to_gold(result: dict, duckdb_path: str | Path) -> list[str]:
    """The differences between a baseline's result and our gold; empty when they agree.

    Checks the document counts of customer_purchase_history and product_sales, the revenue
    of every customer and every product (exact decimal equality), and, when the result
    carries them, the order count per customer and the units per product.
    """
    gold = gold_figures(duckdb_path)
    diffs: list[str] = []
    if gold["unmapped"]:
        diffs.append(f"gold: {gold['unmapped']} documents without an anchor record or product key")
    for collection, count in gold["documents"].items():
        theirs = result.get("documents", {}).get(collection)
        if theirs != count:
            diffs.append(f"documents {collection}: gold {count} baseline {theirs}")
    for kind, exact in (
        ("revenue_per_customer", True),
        ("revenue_per_product", True),
        ("order_count_per_customer", False),
        ("units_per_product", False),
    ):
        if kind in result or kind.startswith("revenue"):
            diffs += _compare_mapping(kind, result.get(kind, {}), gold[kind], exact)
    return diffs


def _server_cpu(mongodb_uri: str):
    """CPU time of a local MongoDB/FerretDB server: the write's cost is mostly the server's."""
    from pymongo.uri_parser import parse_uri

    from bench.server_cpu import ServerCPU

    nodes = parse_uri(mongodb_uri)["nodelist"]
    return ServerCPU(*nodes[0]) if len(nodes) == 1 else None


def run_document_baseline(
    name: str, version: str, steps, landing: Path, out: Path, mongodb_uri: str | None = None
) -> dict:
    """One baseline's whole run, the same stages for each library: ``steps`` is its module,
    with read_landing, clean, build_documents, write_parquet and write_mongodb. Returns the
    result (timings, counts, exact figures) that compare_to_gold checks."""
    clock = StageClock()
    with clock.stage("read"):
        data = steps.read_landing(landing)
    with clock.stage("clean"):
        silver = steps.clean(data)
    with clock.stage("build docs"):
        history_docs, sales_docs, figures = steps.build_documents(silver)
    docs = {"customer_purchase_history": history_docs, "product_sales": sales_docs}
    with clock.stage("write parquet"):
        steps.write_parquet(docs, out)
    if mongodb_uri:
        server = _server_cpu(mongodb_uri)
        with clock.stage("write mongo"):
            spent = steps.write_mongodb(docs, mongodb_uri)
        clock.stages["write mongo"].update(spent, mongodb_cpu_s=server.lap() if server else None)
    return {
        "baseline": name,
        f"{name}_version": version,
        "money_in_outputs": "float64 (exact integer cents / 100); figures here are exact decimals",
        "stages": clock.stages,
        "rows_read": data.rows,
        "rejected_lines": data.rejected_lines,
        "row_outcomes": silver.outcomes,
        **figures,
    }


def baseline_main(
    name: str,
    description: str,
    run: Callable[[Path, Path, str | None], dict],
    argv: Sequence[str] | None = None,
) -> int:
    """The command line of ``python -m bench.baseline_<name>``."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.baseline_{name}", description=description)
    parser.add_argument("--landing", type=Path, required=True, help="landing zone root")
    parser.add_argument("--out", type=Path, required=True, help="folder for the Parquet documents")
    parser.add_argument(
        "--mongodb-uri",
        help=f"MongoDB URI, database in the path (default database aethermart_{name}); "
        "nothing is written to MongoDB without it",
    )
    parser.add_argument("--result", type=Path, help="write the result JSON here (default: stdout)")
    args = parser.parse_args(argv)
    result = run(args.landing, args.out, args.mongodb_uri)
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.result:
        args.result.parent.mkdir(parents=True, exist_ok=True)
        args.result.write_text(text + "\n")
        summary = {k: result[k] for k in ("stages", "documents", "rejected_lines")}
        print(json.dumps(summary, indent=1))
    else:
        print(text)
    return 0
