"""`make bench`: the whole pipeline, side by side with the approaches users would otherwise pick.

    python -m bench.pipeline --scale 1 [--seed 1] [--workdir data/bench] [--results bench/results]
    python -m bench.pipeline --scaling 0.1 1 10     # time and peak RSS against scale (make bench-scaling)

On freshly generated data (same scale and seed for every contender), in one run:

1. setup (not compared): a private MariaDB and FerretDB under the work dir; `aethermart
   generate` writes the landing zone and loads the e-commerce tables into MariaDB;
2. **ours**, one process per stage: `aethermart extract` (MariaDB -> landing Parquet),
   `dbt build` (bronze -> silver -> gold, with every data test), `aethermart export
   --target parquet`, `aethermart export --target mongodb`;
3. **the floor**: DuckDB reading every landing file once (a scan with a trivial aggregate);
   `dbt build` / floor is the "distance to the limit"; and **dbt itself** - a stock
   dbt-duckdb project of our DAG's shape (as many models, data tests, unit tests, seeds,
   snapshots, exposures and hooks; 1,000-row tables: bench/stock_dbt_floor.py), built warm:
   what dbt's own work per node costs for that many nodes before any of ours, next to which
   the rebuilds are printed;
4. **baselines** on the same data (bench/baseline_seed.py: MariaDB staging tables, SQL
   cleaning, JSON_ARRAYAGG documents, delete_many + insert_many; bench/baseline_pandas.py:
   the same cleaning and documents in pandas, written to Parquet and MongoDB;
   bench/baseline_polars.py: the same in polars). Each baseline's output (document counts,
   revenue per customer and per product) is checked against our gold before its time is
   reported: a faster wrong answer is not a result;
5. **rebuilds** (ours:rebuild), after everything above: `dbt build` again with nothing
   new, then a new POS drop with ~1 % new orders plus ~1 % new MariaDB orders
   (bench/new_data.py), `aethermart extract`, `dbt build`. Each is printed as a share of
   the full `dbt build`, next to its target (REBUILD_TARGETS, docs/benchmarks.md).
6. **change latency** (bench/change_latency.py): a committed MariaDB change (100 orders, 50
   customers' emails and cities, 10 reviews deleted) until MongoDB shows it, via `aethermart
   sync`; and a sync with nothing new next to a warm `dbt parse`.

Every stage records wall time, CPU time (user + system) and peak RSS of its process
(`wait4`). Results go to the terminal, to `bench/results/<timestamp>.json` and to a PNG
chart next to it (`bench/results/latest.png`, embedded in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench" / "results"
# What the baselines build; "ours:same" builds and publishes only these (and what they need).
SAME_OUTPUTS = ("doc_customer_purchase_history", "doc_product_sales")
# dbt's saved parse state in a target folder (partial parsing)
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# Targets (docs/benchmarks.md): a rebuild's dbt build as a share of the full dbt build (at scale 1),
# and the share of new data the second rebuild lands
REBUILD_TARGETS = {"dbt build, nothing new": 0.50, "dbt build, 1 % new": 0.35}
NEW_DATA_FRACTION = 0.01
# the stage of dbt itself: a stock project of our DAG's shape (bench/stock_dbt_floor.py)
STOCK_DBT_STAGE = "stock dbt build, same DAG"
SHAPE_LABELS = {
    "model": "models",
    "test": "data tests",
    "unit_test": "unit tests",
    "seed": "seeds",
    "snapshot": "snapshots",
    "exposure": "exposures",
    "operation": "hooks",
}
PANDAS_TARGET = 3.0  # pandas end to end / ours (same outputs) >= 3
BASELINES = ("seed", "pandas", "polars")

__all__ = ["Stage", "main", "run_pipeline"]


@dataclass
class Stage:
    """One measured process."""

    name: str
    contender: str  # ours | floor | dbt (stock dbt, our DAG's shape) | seed | pandas | polars | setup
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    rows: int | None = None
    detail: dict = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.wall_s if self.rows and self.wall_s > 0 else None


class BenchError(Exception):
    """A stage failed or a baseline's answer differs from ours; the run reports no times."""


def measure(name: str, contender: str, cmd: list[str], env: dict, log_dir: Path) -> tuple[Stage, str]:
    """Run ``cmd`` as its own process; return its Stage and its stdout."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    print(f"  {contender:>6} | {name} ...", end="", flush=True, file=sys.stderr)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(errors="replace")
    if proc.returncode != 0:
        print(" failed", file=sys.stderr)
        tail = err_path.read_text(errors="replace")[-3000:] or stdout[-3000:]
        raise BenchError(f"stage {name} ({' '.join(cmd[:3])} ...) exited {proc.returncode}:\n{tail}")
    stage = Stage(
        name,
        contender,
        round(wall, 3),
        round(usage.ru_utime + usage.ru_stime, 3),
        round(usage.ru_maxrss / 1024, 1),
    )
    print(f" {wall:.1f} s, {stage.peak_rss_mb:.0f} MB", file=sys.stderr)
    return stage, stdout


def _json_tail(stdout: str) -> dict:
    """The JSON document a command printed with --json (the last top-level object)."""
    start = stdout.find("{")
    return json.loads(stdout[start:]) if start >= 0 else {}


def _landed_rows(extract_summary: dict) -> dict[str, int]:
    """Rows per table that an `aethermart extract --json` landed (an unchanged table lands none)."""
    return {t["table"]: t["rows"] for t in extract_summary.get("tables", []) if t["status"] == "published"}


def _table_rows(extract_summary: dict) -> dict[str, int]:
    """Rows per landed table after an `aethermart extract --json`: a delta's table rows, a
    snapshot's landed rows."""
    return {
        t["table"]: t.get("table_rows") or t["rows"]
        for t in extract_summary.get("tables", [])
        if t["status"] == "published"
    }


def _sum_key(obj, key: str) -> int:
    """Sum every integer value named ``key`` anywhere in a JSON document."""
    if isinstance(obj, dict):
        return sum((v if k == key and isinstance(v, int) else _sum_key(v, key)) for k, v in obj.items())
    if isinstance(obj, list):
        return sum(_sum_key(v, key) for v in obj)
    return 0


FLOOR_SQL = """
import sys, duckdb
landing = sys.argv[1]
con = duckdb.connect()
con.execute("set memory_limit='2GB'")
con.execute("set enable_progress_bar = false")  # stdout carries the row count only
# count(*) alone lets DuckDB skip parsing columns; max() over every column reads them all.
# the paths are bound parameters: a landing path is data, never SQL
readers = [
    ("read_csv(?, all_varchar=true, union_by_name=true, ignore_errors=true)", "pos/*/*.csv"),
    ("read_parquet(?, union_by_name=true)", "mariadb/*/*/*.parquet"),
    ("read_csv(?, columns={'line': 'varchar'}, auto_detect=false, "
     "header=false, delim=e'\\x1f', quote='', escape='')", "events/*/*.jsonl"),
]
print(sum(con.execute(f"select count(*), max(columns(*)) from {r}", [f"{landing}/{p}"]).fetchone()[0]
          for r, p in readers))
"""


def generate_command(scale: float, seed: int, landing: Path, mariadb_url: str) -> list[str]:
    """`aethermart generate` of every source into ``landing``, the online store loaded into MariaDB."""
    options = ["--scale", f"{scale:g}", "--seed", str(seed), "--out", str(landing)]
    return [str(BIN / "aethermart"), "generate", *options, "--mariadb-url", mariadb_url, "--quiet"]


def export_command(duckdb_path: Path, target: Path, *args: str) -> list[str]:
    """`aethermart export --json` of the warehouse ``duckdb_path`` built with dbt's ``target`` folder."""
    built = ["--duckdb", str(duckdb_path), "--manifest", str(target / "manifest.json")]
    return [str(BIN / "aethermart"), "export", *built, "--json", *args]


def fresh_run_dir(run_dir: Path) -> tuple[Path, Path, Path, dict[str, str]]:
    """An empty ``run_dir`` with its landing zone, logs and dbt folder, and the environment
    every command of a bench run gets (its own warehouse, spill folder and gold; no MongoDB URI
    from the caller's shell)."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    landing, logs, wd = run_dir / "landing", run_dir / "logs", run_dir / "dbt"
    for path in (landing, logs, wd):
        path.mkdir(parents=True)
    env = {
        **os.environ,
        "AETHERMART_LANDING": str(landing),
        "AETHERMART_DUCKDB": str(wd / "warehouse.duckdb"),
        "AETHERMART_TEMP_DIR": str(wd / "duckdb_tmp"),
        "DBT_PROFILES_DIR": str(REPO),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "AETHERMART_GOLD_DIR": str(run_dir / "gold"),
    }
    env.pop("MONGODB_URI", None)
    return landing, logs, wd, env


def run_pipeline(scale: float, seed: int, workdir: Path, *, baselines: Sequence[str] = BASELINES) -> dict:
    """Generate, run ours, the floor and the baselines at one scale; return the result dict."""
    from bench.baseline_common import compare_to_gold
    from tools.local_ferretdb import LocalFerretDB
    from tools.local_mariadb import LocalMariaDB

    run_dir = workdir / f"scale-{scale:g}"
    landing, logs, wd, env = fresh_run_dir(run_dir)
    duckdb_path = Path(env["AETHERMART_DUCKDB"])
    stages: list[Stage] = []
    checks: dict[str, list[str]] = {}
    print(f"bench: scale {scale:g}, seed {seed}, work dir {run_dir}", file=sys.stderr)
    with LocalMariaDB(run_dir / "mariadb") as mariadb, LocalFerretDB(run_dir / "ferretdb") as ferret:
        aethermart = str(BIN / "aethermart")
        stage, _ = measure(
            "generate + load MariaDB",
            "setup",
            generate_command(scale, seed, landing, mariadb.url),
            env,
            logs,
        )
        stages.append(stage)
        # The generator wrote its own copy of the MariaDB tables; ours must extract them.
        shutil.rmtree(landing / "mariadb")

        stage, out = measure(
            "extract",
            "ours",
            [aethermart, "extract", "--mariadb-url", mariadb.url, "--landing", str(landing), "--json"],
            env,
            logs,
        )
        stage.detail["landed_rows"] = _landed_rows(_json_tail(out))
        stage.detail["table_rows"] = _table_rows(_json_tail(out))
        stage.rows = sum(stage.detail["landed_rows"].values())
        stages.append(stage)

        target = wd / "target"
        stage, _ = measure(
            "dbt build",
            "ours",
            [str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(wd / "logs")],
            env,
            logs,
        )
        run_results = json.loads((target / "run_results.json").read_text())
        stage.detail["slowest_nodes"] = sorted(
            (
                {"node": r["unique_id"].split(".", 2)[-1], "s": round(r["execution_time"], 2)}
                for r in run_results["results"]
            ),
            key=lambda r: -r["s"],
        )[:12]
        stage.detail["nodes"] = len(run_results["results"])
        stage.rows = int(_scan_rows(duckdb_path))
        stages.append(stage)
        dbt_build = [str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(wd / "logs")]
        stages.append(_rebuild_nothing_new(dbt_build, env, logs))

        def export_both(what: str, role: str, export: list[str], gold: str, database: str) -> list[dict]:
            """Stages: `export` to Parquet under run_dir/``gold``, then in full to MongoDB
            ``database``; returns the two --json summaries."""
            to_mongodb = ["--target", "mongodb", "--mode", "full", "--mongodb-uri", ferret.uri + database]
            summaries = []
            for target_args in (["--target", "parquet", "--out", str(run_dir / gold)], to_mongodb):
                stage, out = measure(
                    f"export {target_args[1]}{what}", role, [*export, *target_args], env, logs
                )
                stages.append(stage)
                summaries.append(_json_tail(out))
            return summaries

        parquet, mongodb = export_both(
            "", "ours", export_command(duckdb_path, target), "gold", "aethermart_bench"
        )
        stages[-2].rows = _sum_key(parquet, "rows")
        stages[-1].rows = _sum_key(mongodb, "documents") or _sum_key(mongodb, "rows")

        # The same outputs as the baselines (the two documents they build), without data tests.
        # Its own target folder (the export guard reads that run's artifacts), warm like any
        # scheduled run's: it starts from the full build's parse state, so dbt parses only
        # what changed (nothing), as the baselines parse nothing
        same_target = wd / "target_same"
        same_target.mkdir(parents=True, exist_ok=True)
        if (target / PARTIAL_PARSE_FILE).exists():  # absent when partial parsing is off
            shutil.copy(target / PARTIAL_PARSE_FILE, same_target / PARTIAL_PARSE_FILE)
        stage, _ = measure(
            "dbt run, 2 documents",
            "ours:same",
            [
                str(BIN / "dbt"),
                "run",
                "--select",
                *(f"+{m}" for m in SAME_OUTPUTS),
                "--target-path",
                str(same_target),
                "--log-path",
                str(wd / "logs"),
            ],
            env,
            logs,
        )
        stages.append(stage)
        # `dbt run` tests nothing, so the export guard would refuse it: the override, on purpose
        unguarded = ["--allow-failed-build", "--select", *SAME_OUTPUTS]
        same_export = export_command(duckdb_path, same_target, *unguarded)
        parquet, mongodb = export_both(
            ", 2 documents", "ours:same", same_export, "gold_same", "aethermart_same"
        )
        stages[-2].rows, stages[-1].rows = _sum_key(parquet, "total_rows"), _sum_key(mongodb, "total_rows")
        server_s = sum(d.get("server_seconds") or 0 for d in mongodb.get("datasets", []))
        stages[-1].detail["mongodb_server_s"] = round(server_s, 2)

        stage, out = measure(
            "scan every landing file", "floor", [sys.executable, "-c", FLOOR_SQL, str(landing)], env, logs
        )
        stage.rows = int(out.strip().splitlines()[-1] or 0)
        stages.append(stage)
        stages += _stock_dbt_floor(target / "manifest.json", run_dir, env, logs)

        for name in baselines:
            stage, result = _run_baseline(name, landing, run_dir, mariadb.url, ferret.uri, env, logs)
            checks[name] = compare_to_gold(result, duckdb_path)
            stages.append(stage)

        # last: the new data changes gold, which the baselines were checked against
        stages += _rebuild_with_new_data(landing, mariadb.url, dbt_build, env, logs)

        # change latency: a committed MariaDB change -> MongoDB via `aethermart sync`; last, because it
        # changes MariaDB and rebuilds the warehouse the baselines were compared with
        from bench.change_latency import measure_change_latency

        try:
            latency = measure_change_latency(
                scale, mariadb.url, ferret.uri + "aethermart_bench", run_dir, env
            )
        except RuntimeError as exc:
            raise BenchError(f"change latency: {exc}") from exc

    wrong = {name: diffs for name, diffs in checks.items() if diffs}
    if wrong:
        lines = [f"{name}: {len(diffs)} differences, e.g. {diffs[:5]}" for name, diffs in wrong.items()]
        raise BenchError(
            "a baseline's output differs from gold, so its time is not a result:\n" + "\n".join(lines)
        )
    return {**_summarize(scale, seed, stages, checks), "change_latency": latency}


def _run_baseline(
    name: str, landing: Path, run_dir: Path, mariadb_url: str, mongodb_uri: str, env: dict, logs: Path
) -> tuple[Stage, dict]:
    """One baseline (seed | pandas | polars) as its own process; its Stage and its result JSON."""
    result_path = logs / f"{name}.json"
    if name == "seed":
        cmd = [
            sys.executable,
            "-m",
            "bench.baseline_seed",
            "--landing",
            str(landing),
            "--mariadb-url",
            mariadb_url,
        ]
    else:
        cmd = [
            sys.executable,
            "-m",
            f"bench.baseline_{name}",
            "--landing",
            str(landing),
            "--out",
            str(run_dir / f"{name}_out"),
        ]
    cmd += ["--mongodb-uri", mongodb_uri + f"aethermart_{name}", "--result", str(result_path)]
    stage, _ = measure("seed approach" if name == "seed" else name, name, cmd, env, logs)
    result = json.loads(result_path.read_text())
    stage.detail["stages"] = result.get("stages", {})
    return stage, result


def _stock_dbt_floor(manifest: Path, run_dir: Path, env: dict, logs: Path) -> list[Stage]:
    """dbt itself for a DAG of our shape (bench/stock_dbt_floor.py): the stock project written
    and built once (setup: parse, first tables), then its warm `dbt build` measured."""
    from bench.stock_dbt_floor import dag_shape, write_project

    folder = run_dir / "stock_dbt"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        shape = dag_shape(manifest)
        write_project(folder, shape)
    except ValueError as exc:
        raise BenchError(f"dbt itself (bench/stock_dbt_floor.py): {exc}") from exc
    build = [
        str(BIN / "dbt"),
        "build",
        "--project-dir",
        str(folder),
        "--profiles-dir",
        str(folder),
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
        "--target",
        "dev",  # its profile's only target, whatever DBT_TARGET says
    ]
    prime, _ = measure("stock dbt build, first", "setup", build, env, logs)
    stage, _ = measure(STOCK_DBT_STAGE, "dbt", build, env, logs)
    stage.detail["shape"] = shape
    results = json.loads((folder / "target" / "run_results.json").read_text())["results"]
    stage.detail["nodes"] = len(results)
    kinds = [result["unique_id"].split(".", 1)[0] for result in results]
    stage.detail["nodes_by_kind"] = {kind: kinds.count(kind) for kind in sorted(set(kinds))}
    return [prime, stage]


def _rebuild_nothing_new(dbt_build: list[str], env: dict, logs: Path) -> Stage:
    """`dbt build` again on the warehouse it just built, with nothing new landed."""
    stage, _ = measure("dbt build, nothing new", "ours:rebuild", dbt_build, env, logs)
    return stage


def _rebuild_with_new_data(
    landing: Path, mariadb_url: str, dbt_build: list[str], env: dict, logs: Path
) -> list[Stage]:
    """A new POS drop and new MariaDB orders (NEW_DATA_FRACTION of each), extracted, then
    `dbt build`. Adding the data is setup (not compared); extract and build are measured."""
    stage, out = measure(
        "add 1 % new orders",
        "setup",
        [
            sys.executable,
            "-m",
            "bench.new_data",
            "--landing",
            str(landing),
            "--mariadb-url",
            mariadb_url,
            "--fraction",
            str(NEW_DATA_FRACTION),
            "--json",
        ],
        env,
        logs,
    )
    added = _json_tail(out)
    stage.detail = added
    stage.rows = sum(part.get("orders", 0) for part in added.values())
    extract, out = measure(
        "extract, 1 % new",
        "ours:rebuild",
        [
            str(BIN / "aethermart"),
            "extract",
            "--mariadb-url",
            mariadb_url,
            "--landing",
            str(landing),
            "--json",
        ],
        env,
        logs,
    )
    extract.detail["landed_rows"] = _landed_rows(_json_tail(out))
    extract.detail["table_rows"] = _table_rows(_json_tail(out))
    extract.rows = sum(extract.detail["landed_rows"].values())
    build, _ = measure("dbt build, 1 % new", "ours:rebuild", dbt_build, env, logs)
    build.detail["new_orders"] = stage.rows
    return [stage, extract, build]


def _scan_rows(duckdb_path: Path) -> int:
    """Landed rows dbt read (bronze), from the reconciliation audit."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return con.execute("select sum(landed_rows) from silver.audit_reconciliation").fetchone()[0]


def _summarize(scale: float, seed: int, stages: list[Stage], checks: dict) -> dict:
    by = {(s.contender, s.name): s for s in stages}
    ours = [s for s in stages if s.contender == "ours"]
    ours_total = sum(s.wall_s for s in ours)
    floor = by[("floor", "scan every landing file")].wall_s
    summary = {
        "ours_end_to_end_s": round(ours_total, 2),
        "ours_peak_rss_mb": max(s.peak_rss_mb for s in ours),
        "dbt_build_over_floor": round(by[("ours", "dbt build")].wall_s / floor, 2) if floor else None,
    }
    # same outputs as the baselines: extract (the seed approach reads MariaDB too) + the two
    # documents' models without data tests + their Parquet and MongoDB export
    same = [by[("ours", "extract")], *(s for s in stages if s.contender == "ours:same")]
    same_total = sum(s.wall_s for s in same)
    same_mongo = by[("ours:same", "export mongodb, 2 documents")].wall_s
    summary["ours_same_outputs_s"] = round(same_total, 2)
    summary["ours_same_outputs_without_mongodb_s"] = round(same_total - same_mongo, 2)
    summary["ours_same_outputs_mongodb_server_s"] = by[
        ("ours:same", "export mongodb, 2 documents")
    ].detail.get("mongodb_server_s")
    for contender in BASELINES:
        base = [s for s in stages if s.contender == contender]
        if base:
            total = base[0].wall_s
            mongo = base[0].detail.get("stages", {}).get("write mongo", {}).get("wall_s", 0.0)
            summary[f"{contender}_end_to_end_s"] = total
            summary[f"{contender}_over_ours_full"] = round(total / ours_total, 2)
            summary[f"{contender}_over_ours"] = round(total / same_total, 2)
            summary[f"{contender}_without_mongodb_s"] = round(total - mongo, 2)
            summary[f"{contender}_over_ours_without_mongodb"] = round(
                (total - mongo) / (same_total - same_mongo), 2
            )
            summary[f"{contender}_peak_rss_mb"] = base[0].peak_rss_mb
    summary.update(_rebuild_summary(by, summary))
    return {
        "scale": scale,
        "seed": seed,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
        },
        "stages": [{**asdict(s), "rows_per_s": s.rows_per_s and round(s.rows_per_s)} for s in stages],
        "checks": {name: diffs or "equal to gold" for name, diffs in checks.items()},
        "summary": summary,
    }


def _rebuild_summary(by: dict, summary: dict) -> dict:
    """The rebuilds as shares of the full dbt build, and the 1 % rebuild against polars, each
    with its target and whether this run meets it."""
    full = by[("ours", "dbt build")].wall_s
    out: dict = {}
    for name, target in REBUILD_TARGETS.items():
        stage = by.get(("ours:rebuild", name))
        if stage and full:
            key = "rebuild_nothing_new" if "nothing" in name else "rebuild_new_data"
            share = round(stage.wall_s / full, 3)
            out[f"{key}_s"] = stage.wall_s
            out[f"{key}_over_full_build"] = share
            out[f"{key}_target"] = target
            out[f"{key}_meets_target"] = share <= target
    stock = by.get(("dbt", STOCK_DBT_STAGE))
    if stock and stock.wall_s and full:
        out["stock_dbt_build_s"] = stock.wall_s
        out["stock_dbt_build_over_full_build"] = round(stock.wall_s / full, 3)
        for key in ("rebuild_nothing_new", "rebuild_new_data"):
            if f"{key}_s" in out:
                out[f"{key}_over_stock_dbt"] = round(out[f"{key}_s"] / stock.wall_s, 2)
    polars = summary.get("polars_without_mongodb_s")
    if polars and "rebuild_new_data_s" in out:
        out["polars_over_rebuild_new_data"] = round(polars / out["rebuild_new_data_s"], 2)
        out["rebuild_new_data_faster_than_polars"] = out["rebuild_new_data_s"] < polars
    if "pandas_over_ours" in summary:
        out["pandas_target"] = PANDAS_TARGET
        out["pandas_meets_target"] = summary["pandas_over_ours"] >= PANDAS_TARGET
    return out


def _verdict(met: bool) -> str:
    return "meets target" if met else "MISSES target"


def print_table(result: dict) -> None:
    print(f"\nscale {result['scale']:g} (seed {result['seed']}), {result['machine']['cpus']} cores")
    print(
        f"  {'contender':<12} {'stage':<26} {'wall s':>8} {'cpu s':>8} {'peak RSS':>9} "
        f"{'rows':>11} {'rows/s':>9}"
    )
    for s in result["stages"]:
        rows = f"{s['rows']:,}" if s["rows"] else ""
        rate = f"{s['rows_per_s']:,}" if s["rows_per_s"] else ""
        print(
            f"  {s['contender']:<12} {s['name']:<26} {s['wall_s']:8.2f} {s['cpu_s']:8.2f} "
            f"{s['peak_rss_mb']:7.0f}MB {rows:>11} {rate:>9}"
        )
    summary = result["summary"]
    print(
        f"  ours end to end (extract + dbt build + export parquet + export mongodb): "
        f"{summary['ours_end_to_end_s']:.2f} s, peak RSS {summary['ours_peak_rss_mb']:.0f} MB"
    )
    print(
        f"  ours, same outputs as the baselines (extract + dbt run of the 2 documents + their export): "
        f"{summary['ours_same_outputs_s']:.2f} s, {summary['ours_same_outputs_without_mongodb_s']:.2f} s "
        "without the MongoDB export"
    )
    print(f"  dbt build / scan floor: {summary['dbt_build_over_floor']}x")
    for contender in BASELINES:
        if f"{contender}_over_ours" in summary:
            print(
                f"  {contender}: {summary[f'{contender}_end_to_end_s']:.2f} s = "
                f"{summary[f'{contender}_over_ours']}x ours (same outputs), "
                f"{summary[f'{contender}_over_ours_full']}x ours (full pipeline), "
                f"{summary[f'{contender}_over_ours_without_mongodb']}x without the MongoDB write; "
                f"output checked: {result['checks'][contender]}"
            )
    if "pandas_meets_target" in summary:
        print(
            f"  target: pandas / ours (same outputs) >= {summary['pandas_target']:g}x: "
            f"{summary['pandas_over_ours']}x, {_verdict(summary['pandas_meets_target'])}"
        )
    for key, label in (
        ("rebuild_nothing_new", "dbt build, nothing new"),
        ("rebuild_new_data", f"dbt build, {NEW_DATA_FRACTION:.0%} new POS + MariaDB orders"),
    ):
        if f"{key}_over_full_build" in summary:
            print(
                f"  target: {label} <= {summary[f'{key}_target']:.0%} of the full dbt build: "
                f"{summary[f'{key}_s']:.2f} s = {summary[f'{key}_over_full_build']:.0%}, "
                f"{_verdict(summary[f'{key}_meets_target'])}"
            )
    if "stock_dbt_build_s" in summary:
        stock = next(s for s in result["stages"] if s["contender"] == "dbt" and s["name"] == STOCK_DBT_STAGE)
        shape = ", ".join(
            f"{n} {SHAPE_LABELS.get(kind, kind)}" for kind, n in stock["detail"]["shape"].items() if n
        )
        rebuilds = "; ".join(
            f"{label} = {summary[f'{key}_over_stock_dbt']}x that"
            for key, label in (
                ("rebuild_nothing_new", "nothing new"),
                ("rebuild_new_data", f"{NEW_DATA_FRACTION:.0%} new"),
            )
            if f"{key}_over_stock_dbt" in summary
        )
        print(
            f"  dbt itself: a stock dbt-duckdb project of our DAG's shape ({shape}; near-trivial SQL) "
            f"builds in {summary['stock_dbt_build_s']:.2f} s = "
            f"{summary['stock_dbt_build_over_full_build']:.0%} of the full dbt build: "
            "dbt's own work for as many nodes, before any of ours" + (f"; {rebuilds}" if rebuilds else "")
        )
    if "rebuild_new_data_faster_than_polars" in summary:
        print(
            f"  target: dbt build, {NEW_DATA_FRACTION:.0%} new, faster than polars recomputing "
            "the 2 documents "
            f"({summary['polars_without_mongodb_s']:.2f} s without its MongoDB write): "
            f"polars = {summary['polars_over_rebuild_new_data']}x the rebuild, "
            f"{_verdict(summary['rebuild_new_data_faster_than_polars'])}"
        )
    if "change_latency" in result:
        from bench.change_latency import describe

        print(describe(result["change_latency"]))


def write_chart(results: list[dict], path: Path) -> None:
    """Stage times (ours stacked vs each baseline) per scale; with several scales also
    time and peak RSS against scale on log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scaling = len(results) > 1
    fig, axes = plt.subplots(1, 2 if scaling else 1, figsize=(13 if scaling else 8, 4.8))
    ax = axes[0] if scaling else axes
    latest = results[-1]
    by = {(s["contender"], s["name"]): s for s in latest["stages"]}
    bars = {
        "ours\n(full pipeline)": [s for s in latest["stages"] if s["contender"] == "ours"],
        "ours\n(same outputs)": [
            by[("ours", "extract")],
            *(s for s in latest["stages"] if s["contender"] == "ours:same"),
        ],
    }
    for contender in BASELINES:
        base = by.get((contender, "seed approach" if contender == "seed" else contender))
        if base:  # the baseline's own stages, stacked
            bars[f"{contender}\n(same outputs)"] = [
                {"name": f"{contender}: {name}", "wall_s": v["wall_s"]}
                for name, v in base["detail"].get("stages", {}).items()
            ]
    for label, parts in bars.items():
        bottom = 0.0
        for part in parts:
            ax.bar(label, part["wall_s"], bottom=bottom, label=part["name"])
            bottom += part["wall_s"]
    for name in REBUILD_TARGETS:  # the rebuilds next to the full build they are a share of
        if ("ours:rebuild", name) in by:
            ax.bar(
                "ours\n" + name.replace("dbt build, ", "rebuild,\n"),
                by[("ours:rebuild", name)]["wall_s"],
                label=f"rebuild: {name}",
            )
    floor = by[("floor", "scan every landing file")]
    ax.bar("scan floor", floor["wall_s"], color="grey")
    ax.set_ylabel("wall time (s)")
    ax.set_title(f"scale {latest['scale']:g}: end to end, {latest['machine']['cpus']} cores")
    ax.legend(fontsize=6, ncol=2)
    ax.tick_params(axis="x", labelsize=7)
    if scaling:
        ax2 = axes[1]
        scales = [r["scale"] for r in results]
        for contender, key in (
            ("ours, full pipeline", "ours_end_to_end_s"),
            ("ours, same outputs", "ours_same_outputs_s"),
            ("seed", "seed_end_to_end_s"),
            ("pandas", "pandas_end_to_end_s"),
            ("polars", "polars_end_to_end_s"),
        ):
            values = [r["summary"].get(key) for r in results]
            if all(values):
                ax2.plot(scales, values, marker="o", label=f"{contender} time (s)")
        ax2.plot(
            scales,
            [r["summary"]["ours_peak_rss_mb"] for r in results],
            marker="s",
            linestyle="--",
            label="ours peak RSS (MB)",
        )
        ax2.set_xscale("log")
        ax2.set_yscale("log")
        ax2.set_xlabel("scale (1 = ~660k landed rows)")
        ax2.set_title("time and peak RSS against scale")
        ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="generator scale (default 1)")
    parser.add_argument(
        "--scaling",
        type=float,
        nargs="+",
        metavar="SCALE",
        help="run several scales and chart time and peak RSS against scale",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON and the PNG")
    parser.add_argument("--no-baselines", action="store_true", help="measure only ours and the floor")
    parser.add_argument(
        "--skip-baseline",
        choices=BASELINES,
        action="append",
        default=[],
        metavar="NAME",
        help=f"leave out one baseline ({', '.join(BASELINES)}); repeatable",
    )
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="no run: chart time and peak RSS against scale from saved single-scale results",
    )
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    if args.combine:
        results = sorted((json.loads(p.read_text()) for p in args.combine), key=lambda r: r["scale"])
        write_chart(results, args.results / "scaling.png")
        print(f"bench: chart of {len(results)} scales in {args.results / 'scaling.png'}")
        return 0
    baselines = () if args.no_baselines else tuple(b for b in BASELINES if b not in args.skip_baseline)
    results = []
    try:
        for scale in args.scaling or [args.scale]:
            result = run_pipeline(scale, args.seed, args.workdir.resolve(), baselines=baselines)
            print_table(result)
            results.append(result)
            # saved per scale, so a later scale that fails loses nothing measured before it
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            out = args.results / f"{stamp}-scale-{scale:g}.json"
            out.write_text(json.dumps(result, indent=2) + "\n")
            print(f"bench: results in {out}", file=sys.stderr)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    name = "scaling" if args.scaling else "latest"
    write_chart(results, args.results / f"{name}.png")
    print(f"\nbench: chart in {args.results / f'{name}.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
