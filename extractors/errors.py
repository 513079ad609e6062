"""Extraction errors: one line that names the table or column and says what to do."""

from __future__ import annotations

from aethermart.errors import AetherMartError

__all__ = ["ExtractError", "SchemaError"]


class ExtractError(AetherMartError):
    """Base class of extraction failures; nothing was published for the failing run."""


class SchemaError(ExtractError):
    """A required table or column is missing, or a column's type changed."""
