"""Extraction errors: one line that names the table or column and says what to do."""

from __future__ import annotations

from aethermart.errors import AetherMartError

__all__ = ["ExtractError", "SchemaError"]


class ExtractError(AetherMartError):
    """Base class of extraction failures; nothing was published for the failing run."""


class SchemaError(ExtractError):
    """The server does not match the declared sources: a required table or column is missing,
    a type cannot land as declared, or a column's type changed. Exit code 2: fix the YAML or
    the database, then run again."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]
