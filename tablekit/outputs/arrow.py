"""Arrow output: the engine's columns with the source's exact types restored."""
from __future__ import annotations

import polars as pl
import pyarrow as pa

from tablekit.engine import parquet
from tablekit.engine.execute import Result


def frame_to_arrow(frame: pl.DataFrame) -> pa.Table:
    """polars' to_arrow, safe for any column name (polars panics on a NUL character in a name)."""
    names = frame.columns
    if not any("\x00" in name for name in names):
        return frame.to_arrow()
    table = frame.rename({name: f"column{i}" for i, name in enumerate(names)}).to_arrow()
    return table.rename_columns(names)


def to_arrow(result: Result) -> pa.Table:
    table = frame_to_arrow(result.data)
    # polars hands strings over as string views; plain strings are what other tools expect
    columns = []
    for column in table.columns:
        if pa.types.is_string_view(column.type) or pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    table = pa.table(columns, names=table.column_names) if columns else pa.table({})
    if result.scan.arrow_types:
        types = parquet.types_still_as_read(result.scan.arrow_types, result.scan.frame.schema, result.data.schema)
        table = parquet.restore_types(table, types)
    return table
