"""What to export: read from dbt's `target/manifest.json`, where every gold model declares
its exports next to its columns, in `config.meta.export`:

    meta:
      export:
        parquet: {}                                   # dataset <out>/<model>/
        parquet: {partition_by_month_of: order_date}  # Hive folders year=YYYY/month=MM
        mongodb:
          collection: customer_profiles
          key: _id                                    # the column that becomes the document _id
          indexes:
          - keys: [[identity.email_sha256, 1]]        # [field, 1 | -1] pairs, dotted paths allowed
            unique: false                             # optional: unique, name, sparse
          decimals: string                            # optional: decimal128 | double | string

Everything is validated when the manifest is read, so a typo fails before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aethermart.export.errors import ManifestError
from aethermart.sql import sql_identifier

__all__ = [
    "TARGETS",
    "ColumnSpec",
    "ExportManifest",
    "ExportSpec",
    "IndexSpec",
    "MongoSpec",
    "ParquetSpec",
    "read_manifest",
]

TARGETS = ("parquet", "mongodb")
_INDEX_OPTIONS = ("unique", "name", "sparse")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    data_type: str | None  # as declared in the model's YAML (the contract), e.g. "STRUCT(...)[]"


@dataclass(frozen=True)
class ParquetSpec:
    partition_by_month_of: str | None = None  # a DATE column: Hive folders year=YYYY/month=MM


@dataclass(frozen=True)
class IndexSpec:
    keys: tuple[tuple[str, int], ...]  # (field path, 1 | -1), in order; pymongo's create_index form
    unique: bool = False
    name: str | None = None
    sparse: bool = False


@dataclass(frozen=True)
class MongoSpec:
    collection: str
    key: str  # the model column that is the document's _id
    indexes: tuple[IndexSpec, ...] = ()
    decimals: str | None = None  # decimal128 | double | string; None: decimal128 where the server has it


@dataclass(frozen=True)
class ExportSpec:
    model: str  # dbt model name
    unique_id: str  # model.<project>.<name>
    schema: str  # DuckDB schema and table the model is materialized as
    table: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...]  # as dbt infers it (from unique tests); may be empty
    yaml_path: str  # the YAML file that declares the model, for error messages
    parquet: ParquetSpec | None = None
    mongodb: MongoSpec | None = None

    @property
    def relation(self) -> str:
        """The table as a quoted SQL name, schema-qualified (the catalog is whatever file is open)."""
        return f"{sql_identifier(self.schema)}.{sql_identifier(self.table)}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class ExportManifest:
    path: Path
    invocation_id: str | None  # of the dbt run that wrote the manifest
    generated_at: str | None
    dbt_version: str | None
    specs: tuple[ExportSpec, ...]  # every model with an export, by model name

    def for_target(
        self, target: str, select: tuple[str, ...] | list[str] = (), *, strict: bool = True
    ) -> tuple[ExportSpec, ...]:
        """The models exported to ``target``, optionally only those named in ``select``.

        A selected model that does not exist is an error; one that exists but has no export
        for ``target`` is an error when ``strict`` (with `--target all` it is just skipped).
        """
        declared = [s for s in self.specs if getattr(s, target) is not None]
        if not select:
            return tuple(declared)
        by_name = {s.model: s for s in self.specs}
        unknown = [m for m in select if m not in by_name]
        if unknown:
            raise ManifestError(
                f"model(s) {', '.join(unknown)} not found among the exported models of {self.path} "
                f"(known: {', '.join(s.model for s in self.specs) or 'none'}); check --select, or run "
                "`dbt build` if the model is new"
            )
        without = [m for m in select if getattr(by_name[m], target) is None]
        if without and strict:
            raise ManifestError(
                f"model(s) {', '.join(without)} declare no {target} export "
                f"(config.meta.export.{target}); {target} exports: "
                f"{', '.join(s.model for s in declared) or 'none'}"
            )
        wanted = set(select)
        return tuple(s for s in declared if s.model in wanted)


def read_manifest(path: Path) -> ExportManifest:
    """Read and validate the export declarations of every model in a dbt manifest."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        nodes = doc["nodes"]
        metadata = doc.get("metadata", {})
    except FileNotFoundError as exc:
        raise ManifestError(
            f"dbt manifest {path} not found; run `dbt build` first (or pass --manifest)"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ManifestError(
            f"dbt manifest {path} is unreadable ({type(exc).__name__}: {exc}); run `dbt build` again"
        ) from exc
    specs = []
    for unique_id, node in nodes.items():
        if node.get("resource_type") != "model":
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if "export" not in meta:
            continue
        specs.append(_spec(unique_id, node, meta["export"]))
    specs.sort(key=lambda s: s.model)
    collections: dict[str, str] = {}
    for spec in specs:
        if spec.mongodb is not None:
            other = collections.setdefault(spec.mongodb.collection, spec.model)
            if other != spec.model:
                raise ManifestError(
                    f"models {other} and {spec.model} both export to MongoDB collection "
                    f"{spec.mongodb.collection!r}; give each its own ({spec.yaml_path})"
                )
    return ExportManifest(
        path=path,
        invocation_id=metadata.get("invocation_id"),
        generated_at=metadata.get("generated_at"),
        dbt_version=metadata.get("dbt_version"),
        specs=tuple(specs),
    )


def _spec(unique_id: str, node: dict, export: Any) -> ExportSpec:
    name = node["name"]
    yaml_path = (node.get("patch_path") or node.get("original_file_path") or "?").split("://")[-1]
    where = f"model {name}: config.meta.export"

    def fail(field: str, problem: str) -> ManifestError:
        return ManifestError(f"{where}{field}: {problem} ({yaml_path})")

    if not isinstance(export, dict) or not export:
        raise fail("", f"must be a mapping with parquet and/or mongodb, got {export!r}")
    unknown = sorted(set(export) - set(TARGETS))
    if unknown:
        raise fail("", f"unknown target(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    columns = tuple(ColumnSpec(c["name"], c.get("data_type")) for c in node.get("columns", {}).values())
    names = {c.name for c in columns}

    def check_column(field: str, column: Any, top_level_of_path: bool = False) -> str:
        if not isinstance(column, str) or not column or column.startswith("$"):
            raise fail(field, f"must be a column name, got {column!r}")
        top = column.split(".", 1)[0] if top_level_of_path else column
        if names and top not in names:
            raise fail(
                field, f"{column!r} is not a column of the model (columns: {', '.join(sorted(names))})"
            )
        return column

    parquet = None
    if "parquet" in export:
        options = export["parquet"] or {}
        if not isinstance(options, dict):
            raise fail(".parquet", f"must be a mapping, got {options!r}")
        bad = sorted(set(options) - {"partition_by_month_of"})
        if bad:
            raise fail(".parquet", f"unknown option(s) {', '.join(bad)}; known: partition_by_month_of")
        month_of = options.get("partition_by_month_of")
        if month_of is not None:
            check_column(".parquet.partition_by_month_of", month_of)
            declared = next((c.data_type for c in columns if c.name == month_of), None)
            if declared and declared.upper() not in ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"):
                raise fail(".parquet.partition_by_month_of", f"column {month_of} is {declared}, not a date")
        parquet = ParquetSpec(partition_by_month_of=month_of)

    mongodb = None
    if "mongodb" in export:
        mongodb = _mongo_spec(export["mongodb"], fail, check_column)

    primary_key = tuple(node.get("primary_key") or ())
    return ExportSpec(
        model=name,
        unique_id=unique_id,
        schema=node["schema"],
        table=node.get("alias") or name,
        columns=columns,
        primary_key=primary_key,
        yaml_path=yaml_path,
        parquet=parquet,
        mongodb=mongodb,
    )


def _mongo_spec(options: Any, fail, check_column) -> MongoSpec:
    if not isinstance(options, dict):
        raise fail(".mongodb", f"must be a mapping with collection, key, indexes; got {options!r}")
    bad = sorted(set(options) - {"collection", "key", "indexes", "decimals"})
    if bad:
        raise fail(
            ".mongodb", f"unknown option(s) {', '.join(bad)}; known: collection, key, indexes, decimals"
        )
    collection = options.get("collection")
    if (
        not isinstance(collection, str)
        or not collection
        or "$" in collection
        or "\0" in collection
        or collection.startswith("system.")
        or len(collection.encode()) > 120
    ):
        raise fail(
            ".mongodb.collection",
            f"must be a MongoDB collection name (no '$', not system.*, "
            f"at most 120 bytes), got {collection!r}",
        )
    key = check_column(".mongodb.key", options.get("key", "_id"))
    raw_indexes = options.get("indexes") or []
    if not isinstance(raw_indexes, list):
        raise fail(
            ".mongodb.indexes", f"must be a list of {{keys: [[field, 1 | -1], ...]}}, got {raw_indexes!r}"
        )
    indexes, seen = [], set()
    for i, index in enumerate(raw_indexes):
        at = f".mongodb.indexes[{i}]"
        if not isinstance(index, dict) or "keys" not in index:
            raise fail(at, f"must be a mapping with keys: [[field, 1 | -1], ...], got {index!r}")
        bad = sorted(set(index) - {"keys", *_INDEX_OPTIONS})
        if bad:
            raise fail(at, f"unknown option(s) {', '.join(bad)}; known: keys, {', '.join(_INDEX_OPTIONS)}")
        keys = index["keys"]
        if not isinstance(keys, list) or not keys:
            raise fail(f"{at}.keys", f"must be a non-empty list of [field, 1 | -1] pairs, got {keys!r}")
        pairs = []
        for j, pair in enumerate(keys):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise fail(f"{at}.keys[{j}]", f"must be a [field, 1 | -1] pair, got {pair!r}")
            field, direction = pair
            check_column(f"{at}.keys[{j}]", field, top_level_of_path=True)
            if isinstance(direction, bool) or direction not in (1, -1):
                raise fail(f"{at}.keys[{j}]", f"direction must be 1 or -1, got {direction!r}")
            pairs.append((field, int(direction)))
        if len({f for f, _ in pairs}) != len(pairs):
            raise fail(f"{at}.keys", "names a field twice")
        for option in ("unique", "sparse"):
            if not isinstance(index.get(option, False), bool):
                raise fail(f"{at}.{option}", f"must be true or false, got {index[option]!r}")
        name = index.get("name")
        if name is not None and (not isinstance(name, str) or not name):
            raise fail(f"{at}.name", f"must be a non-empty string, got {name!r}")
        if tuple(pairs) in seen:
            raise fail(at, "repeats the keys of an earlier index")
        seen.add(tuple(pairs))
        indexes.append(
            IndexSpec(
                keys=tuple(pairs),
                unique=index.get("unique", False),
                name=name,
                sparse=index.get("sparse", False),
            )
        )
    decimals = options.get("decimals")
    if decimals is not None and decimals not in ("decimal128", "double", "string"):
        raise fail(".mongodb.decimals", f"must be decimal128, double or string, got {decimals!r}")
    return MongoSpec(collection=collection, key=key, indexes=tuple(indexes), decimals=decimals)
