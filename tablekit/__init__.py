"""tablekit: a lazy, optimized, drop-in replacement for Azure ML's ``mltable``.

``import tablekit as mltable`` gives the same functions, arguments and
DataFrames; see docs/ for what tablekit adds (to_arrow, to_polars, explain).
"""
import pandas  # noqa: F401  (imported once here, not inside the first to_pandas_dataframe call)

from tablekit.catalog import DataAsset, Datastore, Workspace
from tablekit.errors import UserErrorException
from tablekit.table import (MLTable, from_delimited_files, from_delta_lake, from_json_lines_files, from_parquet_files,
                            from_paths, load)
from tablekit.types import DataType, MLTableFileEncoding, MLTableHeaders

__version__ = "0.1.0"

__all__ = [
    "MLTable",
    "from_delimited_files",
    "from_parquet_files",
    "from_json_lines_files",
    "from_delta_lake",
    "from_paths",
    "load",
    "DataType",
    "MLTableFileEncoding",
    "MLTableHeaders",
    "UserErrorException",
    "Workspace",
    "Datastore",
    "DataAsset",
]
