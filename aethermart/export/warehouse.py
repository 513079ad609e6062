"""The DuckDB warehouse, opened read-only after dbt has finished (one writer per file), and
the checks every exporter runs before it writes anything."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from aethermart import settings
from aethermart.export.errors import WarehouseError
from aethermart.export.manifest import ExportSpec
from aethermart.export.parquet.layout import published_paths
from aethermart.sql import sql_string

__all__ = ["first_line", "open_published_parquet", "open_warehouse", "source_lineage", "table_columns"]


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_warehouse(
    path: Path, *, memory_limit: str = settings.MEMORY_LIMIT_DEFAULT, temp_directory: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a missing or busy file is a one-line error."""
    if not path.is_file():
        raise WarehouseError(
            f"DuckDB warehouse {path} not found; run `dbt build` first (or pass "
            "--duckdb / set AETHERMART_DUCKDB)"
        )
    config = {"memory_limit": memory_limit}
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    try:
        return duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseError(
                f"DuckDB warehouse {path} is open for writing by another process "
                "(dbt still running?); export after it has finished"
            ) from exc
        raise WarehouseError(f"cannot open DuckDB warehouse {path}: {first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open DuckDB warehouse {path}: {first_line(exc)}") from exc


def open_published_parquet(
    root: Path,
    specs: tuple[ExportSpec, ...],
    *,
    memory_limit: str = settings.MEMORY_LIMIT_DEFAULT,
    temp_directory: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection where each model's table is a view over its published Parquet
    dataset (``root/<model>``, as `aethermart export --target parquet` wrote it), under the
    same schema and name as in the warehouse, so an exporter reads it like the DuckDB file.
    Partition folders are not read as columns: the files hold every column of the model."""
    config = {"memory_limit": memory_limit}
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(config=config)
    # the version pointer resolved once: every view reads the same published version
    paths = published_paths(root, [spec.model for spec in specs])
    for spec in specs:
        dataset = paths[spec.model]
        if not any(dataset.glob("**/*.parquet")):
            con.close()
            raise WarehouseError(
                f"model {spec.model}: no published Parquet under {root / spec.model}; run "
                "`aethermart export --target parquet` first (or pass --out)"
            )
        con.execute(f'create schema if not exists "{spec.schema}"')
        files = sql_string(f"{dataset.resolve()}/**/*.parquet")
        con.execute(
            f'create view "{spec.schema}"."{spec.table}" as select * from '
            f"read_parquet({files}, hive_partitioning = false)"
        )
    return con


def table_columns(con: duckdb.DuckDBPyConnection, spec: ExportSpec, path: Path) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the model's table, in table order; checked against the manifest."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = current_database() "
        "order by column_index",
        [spec.schema, spec.table],
    ).fetchall()
    if not rows:
        raise WarehouseError(
            f"model {spec.model}: table {spec.schema}.{spec.table} not found in {path}; "
            "run `dbt build` (or point --duckdb at the warehouse of the manifest)"
        )
    have = [name for name, _ in rows]
    want = list(spec.column_names)
    if want and sorted(have) != sorted(want):
        missing = [c for c in want if c not in have]
        extra = [c for c in have if c not in want]
        raise WarehouseError(
            f"model {spec.model}: table {spec.schema}.{spec.table} in {path} does not match the manifest "
            f"(missing: {', '.join(missing) or '-'}; not declared: {', '.join(extra) or '-'}); the manifest "
            "and the warehouse come from different builds, run `dbt build` again"
        )
    return rows


_CHECKED = re.compile(r"^slv_(?P<source>mariadb|pos|events)(_(?P<entity>.+))?__checked$")


def source_lineage(con: duckdb.DuckDBPyConnection) -> dict:
    """Which landed data the warehouse was built from, read from silver's checked tables:
    the MariaDB extraction ids per table and the newest load date per source. Best effort:
    {} when silver does not have them."""
    try:
        rows = con.execute(
            "select table_name, list(column_name) from duckdb_columns() "
            "where schema_name = 'silver' and database_name = current_database() "
            "and column_name in ('_extraction_id', '_load_date') group by table_name "
            "order by table_name"
        ).fetchall()
        extractions: dict[str, list[str]] = {}
        load_dates: dict[str, str] = {}
        for table, columns in rows:
            match = _CHECKED.match(table)
            if not match:
                continue
            if "_extraction_id" in columns:
                ids = con.execute(
                    f'select distinct "_extraction_id" from silver."{table}" '
                    "where _extraction_id is not null order by 1"
                ).fetchall()
                extractions[match["entity"] or match["source"]] = [r[0] for r in ids]
            if "_load_date" in columns:
                newest = con.execute(f'select max("_load_date") from silver."{table}"').fetchone()[0]
                if newest is not None:
                    source = match["source"]
                    load_dates[source] = max(load_dates.get(source, ""), newest.isoformat())
        return {"mariadb_extraction_ids": extractions, "newest_load_date": load_dates}
    except duckdb.Error:
        return {}
