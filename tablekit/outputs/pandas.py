"""pandas output with mltable's dtypes, fast.

Parquet columns that still hold what the file held are converted from their
Arrow type, two ways:

* a plain read (and keep/drop_columns, select_partitions) gives pyarrow's
  ``to_pandas`` result: int widths and timestamp units kept, zones kept,
  ints with nulls float64, bools with nulls object, dates ``datetime.date``
  objects, decimals ``Decimal``, lists numpy arrays, structs dicts;
* after take/skip/filter/sampling/convert_column_types (``rslex_values``)
  mltable sends every value through its own value model: ints int64, floats
  and decimals float64, dates and timestamps naive datetime64[ns] (zoned
  ones as UTC wall time); the rest unchanged.

Other columns (CSV, JSON lines, converted or computed columns) come from the
engine's polars types: numbers, booleans and naive datetimes straight from
polars; other types through pyarrow.  A result without rows has no columns.

Most of a full load's time is making Python objects, so few-distinct string
columns go through a dictionary (each distinct value is created once and
shared) and the rest straight to an object array (pyarrow's deduplicating
conversion hashes every value: several times slower on distinct text).  Dates
use the same trick through a table of the days between the first and last.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from tablekit.engine import parquet
from tablekit.engine.execute import Result

DICTIONARY_PROBE = 10_000  # values looked at to guess a column's cardinality
FEW_DISTINCT = 0.5         # distinct/probed below this: convert through a dictionary (at 0.35, ISO days
                           # in 2M rows, it takes a third of the time; on distinct text five times more)
INT64_MAX = np.iinfo(np.int64).max
NANOSECONDS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


# -- strings and dates: each distinct value made once -------------------------

def _dictionary_to_objects(column: pa.Array) -> np.ndarray:
    encoded = column.dictionary_encode()
    values = np.empty(len(encoded.dictionary) + 1, dtype=object)
    values[:-1] = encoded.dictionary.to_numpy(zero_copy_only=False)
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


def dates_to_objects(series: pl.Series) -> np.ndarray:
    """``datetime.date`` objects (None for nulls), one per distinct day.

    Days are looked up in a table running from the first day to the last; a
    column spread over more days than it has rows goes through pyarrow.
    """
    days = series.cast(pl.Date).to_physical()  # days since 1970-01-01
    first, last = days.min(), days.max()
    if first is None:
        return np.full(len(series), None, dtype=object)
    span = last - first + 1
    if span > len(series):
        return series.cast(pl.Date).rename("").to_arrow().to_pandas(date_as_object=True).to_numpy()
    table = np.empty(span + 1, dtype=object)
    table[:span] = pl.int_range(first, last + 1, dtype=pl.Int32, eager=True).cast(pl.Date).to_list()
    table[span] = None
    return table[(days - first).fill_null(span).to_numpy()]


# -- parquet columns: pyarrow's to_pandas types ------------------------------------

def _numbers(series: pl.Series) -> np.ndarray:
    if series.dtype.is_integer() and series.null_count():
        return series.cast(pl.Float64).to_numpy()  # pyarrow: any int width with nulls -> float64
    return series.to_numpy()


def _naive_timestamps(series: pl.Series, unit: str) -> np.ndarray:
    return series.to_numpy().astype(f"datetime64[{unit}]", copy=False)


def _through_pyarrow(series: pl.Series, arrow_type: pa.DataType):
    """Exactly pyarrow's conversion of the file's type (decimals, lists, structs, zones...)."""
    column = parquet.restore_type(series.rename("").to_arrow(), arrow_type)
    return column.to_pandas()


def _arrow_column(series: pl.Series, arrow_type: pa.DataType):
    if pa.types.is_integer(arrow_type) or pa.types.is_float32(arrow_type) or pa.types.is_float64(arrow_type):
        return _numbers(series)
    if pa.types.is_boolean(arrow_type) and series.null_count() == 0:
        return series.to_numpy()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return polars_strings_to_objects(series)
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz is None:
        return _naive_timestamps(series, arrow_type.unit)
    if pa.types.is_date(arrow_type):
        return dates_to_objects(series)
    return _through_pyarrow(series, arrow_type)


# -- parquet columns after rslex steps: mltable's value model ----------------------

def _rslex_ints(series: pl.Series) -> np.ndarray:
    if series.null_count():
        return series.cast(pl.Float64).to_numpy()
    if series.dtype == pl.UInt64 and series.max() > INT64_MAX:
        return series.to_numpy()  # deliberate: mltable wraps these to negative numbers
    return series.cast(pl.Int64).to_numpy()


def _rslex_timestamps(series: pl.Series) -> np.ndarray:
    """Naive datetime64[ns]; zoned values as UTC wall time, values out of the ns range NaT."""
    if isinstance(series.dtype, pl.Datetime) and series.dtype.time_zone is not None:
        series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    elif not isinstance(series.dtype, pl.Datetime):
        series = series.cast(pl.Datetime("ms"))  # dates
    unit = series.dtype.time_unit
    if unit != "ns":
        limit = INT64_MAX // NANOSECONDS[unit]
        ticks = series.to_physical()
        series = series.set(ticks.abs() > limit, None)
    return series.cast(pl.Datetime("ns")).to_numpy()


def _untyped(series: pl.Series) -> np.ndarray:
    return np.full(series.len(), None, dtype=object)


def _rslex_column(series: pl.Series, arrow_type: pa.DataType):
    if series.null_count() == series.len():
        return _untyped(series)  # no value to type the column by
    if pa.types.is_integer(arrow_type):
        return _rslex_ints(series)
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return series.cast(pl.Float64).to_numpy()
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return _rslex_timestamps(series)
    return _arrow_column(series, arrow_type)  # strings, bools, bytes, lists, structs are unchanged


# -- columns without a source type (CSV, JSON lines, converted columns) -------------

def _via_arrow(series: pl.Series, dates_as_datetime: bool):
    column = series.rename("").to_arrow()  # unnamed: polars panics on a NUL in a name
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    # lists come out as numpy arrays (ints with nulls as floats), as mltable gives them
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
        return _rslex_timestamps(series)  # values beyond datetime64[ns] (a path's year 3000): NaT
    if dtype == pl.String:
        return polars_strings_to_objects(series)
    return None


def _engine_column(series: pl.Series, rslex_values: bool):
    if rslex_values and series.null_count() == series.len():
        return _untyped(series)  # a parquet column converted to no value at all (to_int on dates...)
    converted = _fast_path(series)
    return converted if converted is not None else _via_arrow(series, dates_as_datetime=rslex_values)


# -- the frame ------------------------------------------------------------------------

def to_pandas(result: Result, rslex_values: bool) -> pd.DataFrame:
    frame = result.data
    if frame.height == 0:
        return pd.DataFrame()
    source_types = parquet.types_still_as_read(result.scan.arrow_types, result.scan.frame.schema, frame.schema)
    columns = {}
    for series in frame.iter_columns():
        arrow_type: Optional[pa.DataType] = source_types.get(series.name)
        if arrow_type is None:
            columns[series.name] = _engine_column(series, rslex_values)
        elif rslex_values:
            columns[series.name] = _rslex_column(series, arrow_type)
        else:
            columns[series.name] = _arrow_column(series, arrow_type)
    return pd.DataFrame(columns, copy=False)
