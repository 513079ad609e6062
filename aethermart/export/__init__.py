"""Export the gold layer: Parquet datasets for BI and MongoDB documents for applications, as
declared in each model's `config.meta.export` and read from dbt's target/manifest.json."""

from aethermart.export.config import ExportConfig
from aethermart.export.errors import ExportError, ManifestError, PublishError, WarehouseError
from aethermart.export.manifest import (
    ColumnSpec,
    ExportManifest,
    ExportSpec,
    IndexSpec,
    MongoSpec,
    ParquetSpec,
    read_manifest,
)
from aethermart.export.mongo.run import MongoDatasetResult, publish_mongodb
from aethermart.export.parquet.layout import published_paths
from aethermart.export.parquet.run import current_version, publish_parquet
from aethermart.export.result import DatasetResult, ExportResult
from aethermart.export.run import export

__all__ = [
    "ColumnSpec",
    "DatasetResult",
    "ExportConfig",
    "ExportError",
    "ExportManifest",
    "ExportResult",
    "ExportSpec",
    "IndexSpec",
    "ManifestError",
    "MongoDatasetResult",
    "MongoSpec",
    "ParquetSpec",
    "PublishError",
    "WarehouseError",
    "current_version",
    "export",
    "publish_mongodb",
    "publish_parquet",
    "published_paths",
    "read_manifest",
]
