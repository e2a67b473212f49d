"""tablekit: a lazy, optimized, drop-in replacement for Azure ML's ``mltable``.

``import tablekit as mltable`` gives the same functions, arguments and
DataFrames; see docs/ for what tablekit adds (to_arrow, to_polars, explain).

Importing tablekit loads neither polars, pyarrow nor pandas: the engine is
imported when a table is first read, the workspace catalog when one of its
names is first used (tests/test_startup.py; figures in docs/performance.md).
"""
from tablekit.errors import UnknownColumnWarning, UserErrorException
from tablekit.table import (MLTable, from_delimited_files, from_delta_lake, from_json_lines_files, from_parquet_files,
                            from_paths, load)
from tablekit.types import DataType, MLTableFileEncoding, MLTableHeaders

__version__ = "0.1.0"

# public names imported when first asked for (module __getattr__, PEP 562): name -> module
_LAZY = {"Workspace": "tablekit.catalog", "Datastore": "tablekit.catalog", "DataAsset": "tablekit.catalog"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


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
    "UnknownColumnWarning",
    "Workspace",
    "Datastore",
    "DataAsset",
]
