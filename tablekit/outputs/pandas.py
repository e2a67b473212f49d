"""pandas output with mltable's dtypes, fast.

mltable's dtypes are pyarrow's ``to_pandas`` conventions: ints with nulls
become float64, booleans with nulls object, strings object, datetimes
datetime64[ns], date32 columns datetime.date objects -- except after
take/skip/filter/sampling, where mltable returns them as datetime64[ns] (a
quirk code downstream relies on).  A result without rows has no columns.

Columns are converted one by one: plain numbers, booleans and naive
datetimes straight from polars (zero-copy where possible); strings through
``strings_to_objects``; every other type (decimals, lists, structs, zoned
timestamps, dates...) through pyarrow with the source's exact Arrow type.
Most of a full load's time is making Python strings, so few-distinct string
columns go through a dictionary (each distinct value is created once and
shared) and the rest straight to an object array (pyarrow's deduplicating
conversion hashes every value: several times slower on distinct text).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from tablekit.engine import parquet
from tablekit.engine.execute import Result

DICTIONARY_PROBE = 10_000  # values looked at to guess a column's cardinality
FEW_DISTINCT = 0.05        # distinct/probed below this: convert through a dictionary


def _dictionary_to_objects(column: pa.Array) -> np.ndarray:
    encoded = column.dictionary_encode()
    values = np.empty(len(encoded.dictionary) + 1, dtype=object)
    values[:-1] = encoded.dictionary.to_pylist()
    values[-1] = None
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy()
    return values[indices]


def _few_distinct(head_unique: int, probed: int, total: int) -> bool:
    return total > DICTIONARY_PROBE and head_unique < FEW_DISTINCT * probed


def strings_to_objects(column: pa.Array) -> np.ndarray:
    probe = column.slice(0, DICTIONARY_PROBE)
    if _few_distinct(len(pc.unique(probe)), len(probe), len(column)):
        return _dictionary_to_objects(column)
    return column.to_numpy(zero_copy_only=False)


def polars_strings_to_objects(series: pl.Series) -> np.ndarray:
    probe = series.head(DICTIONARY_PROBE)
    if _few_distinct(probe.n_unique(), probe.len(), series.len()):
        return _dictionary_to_objects(series.to_arrow(compat_level=pl.CompatLevel.newest()))
    return series.to_numpy()


def _lists_to_objects(column: pa.Array) -> np.ndarray:
    values = np.empty(len(column), dtype=object)
    values[:] = column.to_pylist()  # mltable gives Python lists, not numpy arrays
    return values


def _via_arrow(series: pl.Series, arrow_type, dates_as_datetime: bool):
    column = series.to_arrow()
    if arrow_type is not None and column.type != arrow_type:
        column = parquet.restore_types(pa.table({"c": column}), {"c": arrow_type}).column(0)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return _lists_to_objects(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return strings_to_objects(column)
    return column.to_pandas(date_as_object=not dates_as_datetime, coerce_temporal_nanoseconds=True)


def _fast_path(series: pl.Series):
    dtype = series.dtype
    if dtype.is_numeric() and not isinstance(dtype, pl.Decimal):
        return series.to_numpy()  # ints with nulls come out as float64 with NaN, as in mltable
    if dtype == pl.Boolean and series.null_count() == 0:
        return series.to_numpy()
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return series.cast(pl.Datetime("ns")).to_numpy()
    if dtype == pl.String:
        return polars_strings_to_objects(series)
    return None


def to_pandas(result: Result, rslex_values: bool) -> pd.DataFrame:
    dates_as_datetime = rslex_values
    frame = result.data
    if frame.height == 0:
        return pd.DataFrame()
    arrow_types = result.scan.arrow_types
    columns = {}
    for series in frame.iter_columns():
        wanted = arrow_types.get(series.name)
        keeps_type = wanted is None or _polars_native(wanted)
        converted = _fast_path(series) if keeps_type else None
        if converted is None:
            converted = _via_arrow(series, wanted, dates_as_datetime)
        columns[series.name] = converted
    return pd.DataFrame(columns, copy=False)


def _polars_native(arrow_type: pa.DataType) -> bool:
    """Arrow types that polars holds exactly, so the fast path gives pyarrow's result."""
    return (pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) and not pa.types.is_float16(arrow_type)
            or pa.types.is_boolean(arrow_type) or pa.types.is_string(arrow_type)
            or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type)
            or (pa.types.is_timestamp(arrow_type) and arrow_type.tz is None))
