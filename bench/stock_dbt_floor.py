"""What dbt itself costs for a DAG of our shape: a stock dbt-duckdb project with as many
models, data tests, unit tests, seeds, snapshots, exposures and project hooks as ours, and
near-trivial SQL.

`make bench` builds it once (parse, first build: setup) and then measures a second `dbt
build` of it, warm as a scheduled run's: every model is rebuilt as a table of 1,000 rows,
every data test runs, every unit test runs. No aethermart macro or materialization is in
it, so its time is dbt-core's and dbt-duckdb's own work per node plus near-empty SQL: a
reference for what a `dbt build` of this many nodes costs before any of our work
(`dbt build, nothing new` and `dbt build, 1 % new` are printed against it). It is not
exactly our DAG's share of dbt's work: ours also has contracts, unit tests with more inputs
(fixtures of wide tables) and a larger manifest, which this project leaves out; its figure
is a lower bound of dbt's own part, and it varies by ~10 % from run to run like any build.

    python -m bench.stock_dbt_floor --manifest target/manifest.json --out /tmp/stock   # write only

The project is deterministic (fixed random seed): each model reads one or two earlier models,
so the DAG has depth as ours has; the data tests are `unique` and `not_null` on the models'
key, then `not_null` on extra columns; each unit test gives one-row fixtures for its model's
inputs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

__all__ = ["dag_shape", "main", "write_project"]

ROWS_PER_MODEL = 1000
SEED_ROWS = 50
# the manifest's resource types this project reproduces, by the name the shape uses
SHAPE_KEYS = ("model", "test", "unit_test", "seed", "snapshot", "exposure", "operation")


def dag_shape(manifest: Path) -> dict[str, int]:
    """How many nodes of each kind `dbt build` runs in a compiled project (its
    target/manifest.json): enabled models other than ephemeral ones (which build nothing),
    data tests, unit tests, seeds, snapshots, exposures and project hooks. Raises ValueError
    on a kind `dbt build` runs that the stock project cannot reproduce (e.g. a saved query)."""
    data = json.loads(manifest.read_text())
    counts: Counter[str] = Counter()
    for node in data.get("nodes", {}).values():
        if node["resource_type"] == "model" and node.get("config", {}).get("materialized") == "ephemeral":
            continue
        counts[node["resource_type"]] += 1
    counts["unit_test"] += len(data.get("unit_tests", {}))
    counts["exposure"] += len(data.get("exposures", {}))
    for kind in ("saved_queries", "functions"):
        if data.get(kind):
            counts[kind] += len(data[kind])
    unknown = sorted(kind for kind in counts if kind not in SHAPE_KEYS and kind != "analysis")
    if unknown:
        raise ValueError(f"the stock dbt project cannot reproduce these node kinds: {', '.join(unknown)}")
    return {key: counts.get(key, 0) for key in SHAPE_KEYS}


def write_project(folder: Path, shape: dict[str, int]) -> None:
    """Write a stock dbt-duckdb project of ``shape`` (dag_shape) into ``folder``, with its own
    profiles.yml (our profile's threads, a DuckDB file in ``folder``)."""
    models = shape["model"]
    if models < (
        2 if shape["unit_test"] else 1 if shape["test"] + shape["snapshot"] + shape["exposure"] else 0
    ):
        raise ValueError(f"the stock dbt project cannot reproduce {shape}: too few models for the rest")
    rng = random.Random(1)
    for sub in ("models", "seeds", "snapshots"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    hooks = shape["operation"]
    start, end = hooks - hooks // 2, hooks // 2
    (folder / "dbt_project.yml").write_text(
        "name: stock_dbt_floor\nversion: '1.0'\nprofile: stock_dbt_floor\n"
        "model-paths: [models]\nseed-paths: [seeds]\nsnapshot-paths: [snapshots]\n"
        "models:\n  +materialized: table\n"
        f"on-run-start: {json.dumps(['select 1'] * start)}\non-run-end: {json.dumps(['select 1'] * end)}\n"
    )
    path = folder / "stock.duckdb"
    (folder / "profiles.yml").write_text(
        "stock_dbt_floor:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {json.dumps(str(path))}\n"
        # as many threads as our profile (profiles.yml: AETHERMART_THREADS, default 2)
        "      threads: \"{{ env_var('AETHERMART_THREADS', '2') | as_number }}\"\n"
    )
    # data tests, round robin over the models: `unique` and `not_null` on the key, then
    # `not_null` on as many extra columns as a model needs (a test is one node per column)
    per_model = [shape["test"] // models + (1 if i < shape["test"] % models else 0) for i in range(models)]
    inputs: dict[str, list[str]] = {}
    lines = ["version: 2", "models:"]
    for i in range(models):
        name = f"m{i:03d}"
        reads = [f"m{j:03d}" for j in rng.sample(range(i), min(i, 2))]
        inputs[name] = reads
        extra = [f"x{k}" for k in range(2, per_model[i])]
        if not reads:
            columns = "".join(f", range as {x}" for x in extra)
            sql = f"select range as id, range * 2 as v{columns} from range({ROWS_PER_MODEL})"
        else:
            columns = "".join(f", a.id as {x}" for x in extra)
            sql = f"select a.id, a.v + 1 as v{columns} from {{{{ ref('{reads[0]}') }}}} as a"
            if len(reads) > 1:
                sql += f" where a.id in (select id from {{{{ ref('{reads[1]}') }}}})"
        (folder / "models" / f"{name}.sql").write_text(sql + "\n")
        lines += [f"  - name: {name}", "    columns:", "      - name: id"]
        if per_model[i]:
            lines.append(f"        data_tests: [{', '.join(['unique', 'not_null'][: per_model[i]])}]")
        lines += [f"      - name: {x}\n        data_tests: [not_null]" for x in extra]
    names = sorted(inputs)
    tested = [name for name in names if inputs[name]]  # every model but the first reads one
    if shape["unit_test"]:
        lines.append("unit_tests:")
    for k in range(shape["unit_test"]):
        name = tested[rng.randrange(len(tested))]
        lines += [f"  - name: unit_{k:03d}", f"    model: {name}", "    given:"]
        for read in inputs[name]:
            lines += [f"      - input: ref('{read}')", "        rows:", "          - {id: 1, v: 1}"]
        lines += ["    expect:", "      rows:", "        - {id: 1, v: 2}"]
    if shape["exposure"]:
        lines.append("exposures:")
    for k in range(shape["exposure"]):
        lines += [
            f"  - name: exposure_{k:03d}",
            "    type: dashboard",
            "    owner: {email: bench@example.com}",
            f"    depends_on: [ref('{names[-1 - k % len(names)]}')]",
        ]
    (folder / "models" / "schema.yml").write_text("\n".join(lines) + "\n")
    for k in range(shape["seed"]):
        rows = "".join(f"{r},name {r}\n" for r in range(SEED_ROWS))
        (folder / "seeds" / f"seed_{k:03d}.csv").write_text("id,name\n" + rows)
    snapshots = ["snapshots:"] if shape["snapshot"] else []
    for k in range(shape["snapshot"]):
        snapshots += [
            f"  - name: snapshot_{k:03d}",
            f"    relation: ref('{names[k % len(names)]}')",
            "    config: {unique_key: id, strategy: check, check_cols: all, schema: snapshots}",
        ]
    (folder / "snapshots" / "snapshots.yml").write_text("\n".join(snapshots) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stock_dbt_floor",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
    )
    parser.add_argument(
        "--manifest", type=Path, required=True, help="our target/manifest.json (after dbt parse)"
    )
    parser.add_argument("--out", type=Path, required=True, help="an empty folder for the stock project")
    args = parser.parse_args(argv)
    if not args.manifest.is_file():
        print(f"stock_dbt_floor: no manifest at {args.manifest} (run dbt parse first)", file=sys.stderr)
        return 2
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        print(f"stock_dbt_floor: {args.out} is not an empty folder", file=sys.stderr)
        return 2
    try:
        shape = dag_shape(args.manifest)
        write_project(args.out, shape)
    except ValueError as exc:
        print(f"stock_dbt_floor: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
