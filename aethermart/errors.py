"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations

__all__ = ["AetherMartError", "ConfigError", "ServiceError", "SourceError"]


class AetherMartError(Exception):
    """Base class: the message says what failed, where, and whether a retry can help."""

    exit_code = 1


class ConfigError(AetherMartError):
    """A setting, argument or URL is wrong; fix it and run again."""

    exit_code = 2


class SourceError(AetherMartError):
    """A source system (server, file) is unreachable or not as expected."""


class ServiceError(AetherMartError):
    """A local server that the tests or `make services` run is missing or did not start."""
