"""Extract the AetherMart MariaDB tables into the landing zone as Parquet extractions."""

from aethermart.extract.config import ExtractConfig, TableSpec, load_table_specs
from aethermart.extract.errors import ExtractError
from aethermart.extract.result import ExtractResult, TableResult
from aethermart.extract.run import extract

__all__ = [
    "ExtractConfig",
    "ExtractError",
    "ExtractResult",
    "TableResult",
    "TableSpec",
    "extract",
    "load_table_specs",
]
