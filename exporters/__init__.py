"""Export the gold layer: Parquet datasets for BI and MongoDB documents for applications, as
declared in each model's `config.meta.export` and read from dbt's target/manifest.json."""

from exporters.config import ExportConfig
from exporters.errors import ExportError, ManifestError, PublishError, WarehouseError
from exporters.manifest import (
    ColumnSpec,
    ExportManifest,
    ExportSpec,
    IndexSpec,
    MongoSpec,
    ParquetSpec,
    read_manifest,
)
from exporters.mongo import MongoDatasetResult, publish_mongodb
from exporters.parquet import current_version, publish_parquet
from exporters.parquet_layout import published_paths
from exporters.result import DatasetResult, ExportResult
from exporters.run import export

__all__ = ["ColumnSpec", "DatasetResult", "ExportConfig", "ExportError", "ExportManifest", "ExportResult",
           "ExportSpec", "IndexSpec", "ManifestError", "MongoDatasetResult", "MongoSpec",
           "ParquetSpec", "PublishError", "WarehouseError", "current_version", "export", "publish_mongodb",
           "publish_parquet", "published_paths", "read_manifest"]
