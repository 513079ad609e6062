"""Export errors: one line that names the model, file or collection and says what to do."""

from __future__ import annotations

from aethermart.errors import AetherMartError

__all__ = ["BuildRecordError", "ExportError", "ManifestError", "PublishError", "WarehouseError"]


class ExportError(AetherMartError):
    """Base class of export failures; a failed run leaves the published exports as they were."""


class ManifestError(ExportError):
    """target/manifest.json is missing or unreadable, a model is unknown, or its export meta
    is malformed."""


class WarehouseError(ExportError):
    """The DuckDB warehouse is missing, busy, or does not hold a model's table as declared."""


class PublishError(ExportError):
    """Writing or swapping in a dataset failed; the previously published version is unchanged."""


class BuildRecordError(ExportError):
    """The warehouse's gold is not from one complete, successful `dbt build` that matches the
    manifest (aethermart/export/build_guard.py); run `dbt build` again."""
