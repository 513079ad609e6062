"""Extract the AetherMart MariaDB tables into the landing zone as Parquet extractions."""

from extractors.config import ExtractConfig, TableSpec, load_table_specs
from extractors.errors import ExtractError
from extractors.result import ExtractResult, TableResult
from extractors.run import extract

__all__ = ["ExtractConfig", "ExtractError", "ExtractResult", "TableResult", "TableSpec", "extract",
           "load_table_specs"]
