"""Where the published gold Parquet lives, for the publisher and for readers of it.

    <out>/<model>                      symlink -> .current/<model>   (fixed; what readers open)
    <out>/.current                     symlink -> .versions/<run_id> (the one version pointer)
    <out>/.versions/<run_id>/          one complete set: every dataset of the publish
        <model>/                       data_0.parquet, or year=YYYY/month=MM/data_0.parquet,
                                       and _manifest.json (its "version" is <run_id>)
        _version.json                  the set: version, datasets and the run that wrote each

Older publishes (before 2026-12) linked each ``<out>/<model>`` to its own
``.versions/<model>/<run_id>``; ``legacy_link_target`` recognises those links.
"""

from __future__ import annotations

from pathlib import Path

from aethermart.export.run_id import RUN_ID

__all__ = [
    "CURRENT",
    "MARKER",
    "RUN_ID",
    "VERSIONS",
    "current_version",
    "legacy_link_target",
    "model_link_target",
    "published_paths",
]

VERSIONS = ".versions"
CURRENT = ".current"
MARKER = "_version.json"


def current_version(out: Path) -> Path | None:
    """The version folder ``<out>/.current`` points to, or None before the first publish."""
    pointer = out / CURRENT
    return pointer.resolve() if pointer.is_symlink() else None


def model_link_target(model: str) -> Path:
    """What ``<out>/<model>`` points to (relative, so the whole folder can move)."""
    return Path(CURRENT) / model


def legacy_link_target(out: Path, model: str) -> bool:
    """True when ``<out>/<model>`` is a link of the old per-dataset layout."""
    link = out / model
    if not link.is_symlink():
        return False
    parts = link.readlink().parts
    return len(parts) == 3 and parts[:2] == (VERSIONS, model) and bool(RUN_ID.match(parts[2]))


def published_paths(out: Path, models: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """The folder holding each model's files in the version published now, with the pointer
    resolved once: a reader that opens several datasets through these paths reads one version
    of all of them, even if a publish swaps the pointer meanwhile. A folder published by an
    older version of the tool (per-dataset links) resolves each ``<out>/<model>``."""
    version = current_version(out)
    return {
        m: version / m if version is not None and not legacy_link_target(out, m) else (out / m).resolve()
        for m in models
    }
