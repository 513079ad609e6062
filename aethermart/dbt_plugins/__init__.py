"""The dbt-duckdb plugins registered in profiles.yml: the PII salt (pii_salt), our own record
count of landed CSV files (record_count, with csv_count and csv_recover) and the landing
zone's lstat checks (landing_guard)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["register_once"]


def register_once(register: Callable[[object], None], conn) -> None:
    """Register a plugin's SQL functions on ``conn``. dbt-duckdb configures a connection again
    after a failed start (e.g. an ATTACH of the `clone` target refused): the functions are
    there then; let the first error show."""
    import duckdb

    try:
        register(conn)
    except duckdb.CatalogException as exc:
        if "already exists" not in str(exc):
            raise
