"""Generate a whole landing zone and its answer key."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from aethermart.errors import ConfigError
from aethermart.generate.config import GeneratorConfig
from aethermart.generate.events import write_events
from aethermart.generate.faults import FaultLog
from aethermart.generate.mariadb import OnlineStore, make_online_store, write_mariadb_landing
from aethermart.generate.pos import write_pos_drops
from aethermart.generate.world import make_people

__all__ = ["ANSWER_KEY", "MARKER", "SOURCE_SYSTEMS", "GenerateResult", "generate", "landing_not_ours"]

ANSWER_KEY = "_answer_key.json"
# Written last into every landing zone the generator makes: the files it wrote there (path and
# size). A zone whose source files are not all listed in it holds data someone else made
# (an extraction, real POS drops), which `generate` refuses to replace unless forced.
MARKER = "_generated_by_aethermart.json"
GENERATOR_VERSION = 1
SOURCE_SYSTEMS = ("pos", "mariadb", "events")
_SOURCES = SOURCE_SYSTEMS


class GenerateResult:
    def __init__(self, entities: dict[str, dict], faults: int, seconds: float, store: OnlineStore):
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


def landing_not_ours(out: Path, sources: tuple[str, ...] = SOURCE_SYSTEMS) -> list[str]:
    """The files under ``out``'s folders of ``sources`` (pos/, mariadb/, events/: the ones a
    generate of those systems replaces) that the generator did not write there, as paths
    relative to ``out``: every such file when ``out`` has no marker, else those the marker does
    not list with the same size and SHA-256 (an edit in place at the same size is caught; a
    copy or a fresh clone, with new mtimes, is still ours). Hidden entries (``.DS_Store``,
    editor and lock files) are not landing data and are not checked."""
    found = sorted(
        p
        for name in sources
        if (out / name).is_dir()
        for p in (out / name).rglob("*")
        if (p.is_file() or p.is_symlink())
        and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )
    written = _marker_files(out) if found else {}
    foreign = [
        path.relative_to(out).as_posix()
        for path in found
        if path.is_symlink() or not _listed(path, written.get(path.relative_to(out).as_posix()))
    ]
    # data files first: the first one is the example a message names (not a _manifest.json)
    return sorted(foreign, key=lambda rel: (rel.rsplit("/", 1)[-1].startswith("_"), rel))


def _stamp(path: Path) -> dict:
    """What the marker records of a file: its size and SHA-256."""
    with open(path, "rb") as fh:
        return {"size": path.stat().st_size, "sha256": hashlib.file_digest(fh, "sha256").hexdigest()}


def _listed(path: Path, entries) -> bool:
    """Whether ``path`` is one of the marker's ``entries`` for it (hashed only when a size fits;
    a marker from before hashes, a bare size, never fits: such a zone needs --force once)."""
    size = path.stat().st_size
    candidates = [e for e in _entries(entries) if isinstance(e, dict) and e.get("size") == size]
    return bool(candidates) and _stamp(path) in candidates


def _refuse_links(out: Path, sources: tuple[str, ...]) -> None:
    """Refuse, before anything is replaced, when an entry generate replaces is a symbolic link
    (it would replace the link, or fail half-way, never write where the link points)."""
    for name in (*sources, ANSWER_KEY, MARKER):
        entry = out / name
        if entry.is_symlink():
            raise ConfigError(
                f"{entry} is a symbolic link (to {os.readlink(entry)}): generate replaces {name} and "
                f"does not follow links, so nothing was changed. Remove the link, or generate into "
                f"the folder it points to."
            )


def _marker_files(out: Path) -> dict:
    try:
        files = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return files if isinstance(files, dict) else {}


def _entries(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _write_marker(out: Path, files: dict) -> None:
    marker = {
        "made_by": "aethermart generate",
        "note": "the files the generator wrote here (path: size and SHA-256); `aethermart "
        "generate` replaces a source folder only while every file in it is listed",
        "files": dict(sorted(files.items())),
    }
    part = out / f".{MARKER}.part"
    part.write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    part.replace(out / MARKER)


def generate(
    cfg: GeneratorConfig,
    *,
    quiet: bool = False,
    sources: tuple[str, ...] = SOURCE_SYSTEMS,
    force: bool = False,
) -> GenerateResult:
    """Write POS drops, MariaDB landing Parquet, clickstream JSONL and the answer key.

    Everything is written to a temporary sibling folder first; only a complete run
    replaces the output's source folders and answer key, so a failed or interrupted run
    never leaves a half-written or mixed landing zone (other files in ``out`` are kept).
    ``sources`` picks the source systems written (the same world); only their folders are
    checked and replaced, the other systems' folders are left as they are (e.g. a real MariaDB
    extraction next to generated POS drops). A selected folder holding files the generator did
    not write (``landing_not_ours``) is refused with nothing changed, unless ``force``. The
    marker keeps listing the files of the folders left alone that it listed before.
    """
    final_out = cfg.out
    unknown = [s for s in sources if s not in _SOURCES]
    if unknown or not sources:
        raise ConfigError(
            f"unknown source system(s) {', '.join(unknown) or '(none given)'}: "
            f"choose one or more of {', '.join(_SOURCES)}"
        )
    sources = tuple(name for name in _SOURCES if name in sources)
    _refuse_links(final_out, sources)
    foreign = [] if force else landing_not_ours(final_out, sources)
    if foreign:
        folders = ", ".join(f"{name}/" for name in sources)
        raise ConfigError(
            f"{final_out} holds {len(foreign):,} source file(s) that aethermart generate did not make "
            f"(e.g. {foreign[0]}): it would replace them, so nothing was changed. Generate into "
            f"another folder, or pass --force to replace that landing zone's {folders}"
        )
    final_out.parent.mkdir(parents=True, exist_ok=True)
    # next to where the files end up (a linked OUT: next to its target), so renames stay on one disk
    home = final_out.resolve().parent if final_out.is_symlink() else final_out.parent
    staging = Path(tempfile.mkdtemp(prefix=f".{final_out.name}.generating-", dir=home))
    try:
        result = _generate(replace(cfg, out=staging), quiet=quiet, sources=sources)
        final_out.mkdir(exist_ok=True)
        _refuse_links(final_out, sources)  # again, just before the first entry is replaced
        # while the folders are swapped, the marker lists the old and the new files (a run
        # killed here leaves a zone the next run may still replace)
        old_files, new_files = _marker_files(final_out), _marker_files(staging)
        both = {
            path: [e for i, e in enumerate(entries) if e not in entries[:i]]
            for path in {*old_files, *new_files}
            for entries in [[*_entries(old_files.get(path)), *_entries(new_files.get(path))]]
        }
        _write_marker(final_out, both)
        # the folders of systems not selected stay; so do their marker entries
        kept = {
            path: value
            for path, value in old_files.items()
            if path.split("/")[0] not in sources and (final_out / path).is_file()
        }
        for name in (*sources, ANSWER_KEY):
            target = final_out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if (staging / name).exists():
                (staging / name).rename(target)
        _write_marker(final_out, {**kept, **new_files})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _say(
        f"generate: {result.rows:,} rows, {result.faults:,} faults in {result.seconds:.1f}s -> {final_out}",
        quiet,
    )
    return result


def _generate(
    cfg: GeneratorConfig, *, quiet: bool, sources: tuple[str, ...] = SOURCE_SYSTEMS
) -> GenerateResult:
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    log = FaultLog()
    c = cfg.counts

    people = make_people(rng, c.people)
    _say(f"generate: {c.people:,} people", quiet)
    store = make_online_store(cfg, rng, people, log)
    entities = {f"mariadb.{k}": v for k, v in write_mariadb_landing(cfg, store).items()}
    _say(
        f"generate: mariadb  {sum(e['data_rows'] for e in entities.values()):>10,} rows "
        f"({time.perf_counter() - t0:.1f}s)",
        quiet,
    )
    pos = write_pos_drops(cfg, rng, people, log)
    entities.update(pos["entities"])
    _say(
        f"generate: pos      {sum(e['data_rows'] for e in pos['entities'].values()):>10,} rows "
        f"({time.perf_counter() - t0:.1f}s)",
        quiet,
    )
    events = write_events(cfg, rng, store.customer_ids, store.product_ids, log)
    entities.update(events)
    _say(
        f"generate: events   {events['events.events']['data_rows']:>10,} rows "
        f"({time.perf_counter() - t0:.1f}s)",
        quiet,
    )

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
    # the same world whatever is written: the systems left out are generated, then dropped
    for name in _SOURCES:
        if name not in sources:
            shutil.rmtree(cfg.out / name)
    entities = {k: v for k, v in entities.items() if k.split(".")[0] in sources}
    faults = [f for f in log.records if f["source"] in sources]
    key = {
        "generator": {
            "version": GENERATOR_VERSION,
            "scale": cfg.scale,
            "seed": cfg.seed,
            **({} if set(sources) == set(_SOURCES) else {"sources": sorted(sources)}),
        },
        "counts": {k: getattr(c, k) for k in c.__dataclass_fields__},
        "entities": dict(sorted(entities.items())),
        "identity": {
            "people_in_both_channels": len(shared),
            "match_rule": "same email after trim + lowercase",
            "pos_customer_id_of_person": "100000 + (person - (people - pos_customers)), "
            "'ST' prefix for alphanumeric ids",
            "online_customer_id_of_person": "1001 + person",
            "same_person_pairs": [channel_ids(p) for p in shared],
            "namesake_pairs": [[channel_ids(int(a)), channel_ids(int(b))] for a, b in people.namesakes],
        },
        "revenue": {"pos": pos["revenue"]} if "pos" in sources else {},
        "fault_classes": sorted({f["fault"] for f in faults}),
        "faults": faults,
    }
    with open(cfg.out / ANSWER_KEY, "w", encoding="utf-8") as fh:
        fh.write("{\n")
        items = [(k, v) for k, v in key.items() if k != "faults"]
        for k, v in items:
            fh.write(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True, ensure_ascii=False)},\n")
        fh.write('  "faults": [\n')
        fh.write(",\n".join("    " + json.dumps(f, sort_keys=True, ensure_ascii=False) for f in faults))
        fh.write("\n  ]\n}\n")
    written = {
        p.relative_to(cfg.out).as_posix(): _stamp(p)
        for name in sources
        for p in sorted((cfg.out / name).rglob("*"))
        if p.is_file()
    }
    _write_marker(cfg.out, written)
    return GenerateResult(entities, len(faults), time.perf_counter() - t0, store)
