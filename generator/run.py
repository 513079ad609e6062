"""Generate a whole landing zone and its answer key."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from generator.config import GeneratorConfig
from generator.events import write_events
from generator.faults import FaultLog
from generator.mariadb import OnlineStore, make_online_store, write_mariadb_landing
from generator.pos import write_pos_drops
from generator.world import make_people

__all__ = ["ANSWER_KEY", "GenerateResult", "generate"]

ANSWER_KEY = "_answer_key.json"
GENERATOR_VERSION = 1
_SOURCES = ("pos", "mariadb", "events")


class GenerateResult:
    def __init__(self, entities: dict[str, dict], faults: int, seconds: float,
                 store: OnlineStore):
        self.entities = entities
        self.faults = faults
        self.seconds = seconds
        self.store = store

    @property
    def rows(self) -> int:
        return sum(e["data_rows"] for e in self.entities.values())


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def generate(cfg: GeneratorConfig, *, quiet: bool = False) -> GenerateResult:
    """Write POS drops, MariaDB landing Parquet, clickstream JSONL and the answer key.

    Everything is written to a temporary sibling folder first; only a complete run
    replaces the output's source folders and answer key, so a failed or interrupted run
    never leaves a half-written or mixed landing zone (other files in ``out`` are kept).
    """
    final_out = cfg.out
    final_out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final_out.name}.generating-", dir=final_out.parent))
    try:
        result = _generate(replace(cfg, out=staging), quiet=quiet)
        final_out.mkdir(exist_ok=True)
        for name in (*_SOURCES, ANSWER_KEY):
            target = final_out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            (staging / name).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _say(f"generate: {result.rows:,} rows, {result.faults:,} faults in {result.seconds:.1f}s "
         f"-> {final_out}", quiet)
    return result


def _generate(cfg: GeneratorConfig, *, quiet: bool) -> GenerateResult:
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    log = FaultLog()
    c = cfg.counts

    people = make_people(rng, c.people)
    _say(f"generate: {c.people:,} people", quiet)
    store = make_online_store(cfg, rng, people, log)
    entities = {f"mariadb.{k}": v for k, v in write_mariadb_landing(cfg, store).items()}
    _say(f"generate: mariadb  {sum(e['data_rows'] for e in entities.values()):>10,} rows "
         f"({time.perf_counter() - t0:.1f}s)", quiet)
    pos = write_pos_drops(cfg, rng, people, log)
    entities.update(pos["entities"])
    _say(f"generate: pos      {sum(e['data_rows'] for e in pos['entities'].values()):>10,} rows "
         f"({time.perf_counter() - t0:.1f}s)", quiet)
    events = write_events(cfg, rng, store.customer_ids, store.product_ids, log)
    entities.update(events)
    _say(f"generate: events   {events['events.events']['data_rows']:>10,} rows "
         f"({time.perf_counter() - t0:.1f}s)", quiet)

    pos_people = set(range(c.people - c.pos_customers, c.people))
    shared = sorted(pos_people & set(store.person_of_customer.tolist()))

    def channel_ids(person: int) -> list[str]:
        ids = []
        if person < c.online_customers:
            ids.append(f"mariadb:{1001 + person}")
        if person in pos_people:
            ids.append(f"pos:{pos_ids[person - (c.people - c.pos_customers)]}")
        return ids

    pos_ids = pos["customer_ids"]
    key = {
        "generator": {"version": GENERATOR_VERSION, "scale": cfg.scale, "seed": cfg.seed},
        "counts": {k: getattr(c, k) for k in c.__dataclass_fields__},
        "entities": dict(sorted(entities.items())),
        "identity": {
            "people_in_both_channels": len(shared),
            "match_rule": "same email after trim + lowercase",
            "pos_customer_id_of_person": "100000 + (person - (people - pos_customers)), "
                                         "'ST' prefix for alphanumeric ids",
            "online_customer_id_of_person": "1001 + person",
            "same_person_pairs": [channel_ids(p) for p in shared],
            "namesake_pairs": [[channel_ids(int(a)), channel_ids(int(b))]
                               for a, b in people.namesakes],
        },
        "revenue": {"pos": pos["revenue"]},
        "fault_classes": sorted({f["fault"] for f in log.records}),
        "faults": log.records,
    }
    with open(cfg.out / ANSWER_KEY, "w", encoding="utf-8") as fh:
        fh.write("{\n")
        items = [(k, v) for k, v in key.items() if k != "faults"]
        for k, v in items:
            fh.write(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True, ensure_ascii=False)},\n")
        fh.write('  "faults": [\n')
        fh.write(",\n".join("    " + json.dumps(f, sort_keys=True, ensure_ascii=False)
                            for f in log.records))
        fh.write("\n  ]\n}\n")
    return GenerateResult(entities, len(log.records), time.perf_counter() - t0, store)
