"""Dask output: one Dask partition per part of the table (see engine/parts.py).

Every partition runs the tablekit engine on its workers: its scan with the
optimizer's filters and columns pushed in, the steps, then the same pandas
conversion as ``to_pandas_dataframe``.  Plans without global steps map one
function over the parts (``dask.dataframe.from_map``); with take/skip (or
sampling of a file split into ranges), each part's result also waits for the
row counts of the parts before it, which ``from_delayed`` expresses.

dtypes: a column's pandas dtype depends on its values (ints with a missing
value become float64, bools with one object), so one partition may give
int64 where another gives float64.  Concatenating the partitions
(``compute()``) widens them exactly as ``to_pandas_dataframe`` does for the
whole table; ``meta`` shows the dtype a column has without missing values.
Strings keep the pandas output's dtype (dask's pyarrow-string conversion
is left off).
"""
from __future__ import annotations

import operator
import uuid

import pandas as pd
import polars as pl

from tablekit.engine.execute import Result
from tablekit.engine.parts import SAMPLING, Parts, empty_result, first_stage, later_stage, make_parts
from tablekit.engine.frames import ScanResult, finish
from tablekit.errors import user_error
from tablekit.outputs.pandas import to_pandas
from tablekit.outputs.streams import with_stream_values
from tablekit.plan.nodes import ListFiles, Plan


def import_dask():
    """dask.dataframe and dask.delayed, or a UserErrorException saying how to install them."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:
        raise user_error("to_dask_dataframe() needs Dask: pip install 'tablekit[dask]' "
                         "(dask[dataframe] and distributed)") from None
    return dask, dd


def _placeholder(dtype: pl.DataType) -> pl.Series:
    """One non-null value of ``dtype`` (null where the type has no values)."""
    if dtype == pl.Null:
        return pl.Series([None], dtype=pl.Null)
    if isinstance(dtype, (pl.List, pl.Array)):
        return pl.Series([[]], dtype=pl.List(dtype.inner)).cast(dtype, strict=False)
    if isinstance(dtype, pl.Struct):
        return pl.Series([{}], dtype=dtype)
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        first = dtype.categories[0] if isinstance(dtype, pl.Enum) and len(dtype.categories) else ""
        return pl.Series([first]).cast(dtype)
    try:
        return pl.Series([0]).cast(dtype)
    except pl.exceptions.PolarsError:
        return pl.Series([None], dtype=dtype)


def _to_pandas(parts: Parts, rslex_values: bool, frame: pl.DataFrame) -> pd.DataFrame:
    scanned = finish(pl.DataFrame(schema=parts.schema), parts.scan)
    df = to_pandas(Result(frame, ScanResult(scanned, parts.arrow_types)), rslex_values)
    return with_stream_values(df) if isinstance(parts.scan.read, ListFiles) else df


def meta_frame(parts: Parts, rslex_values: bool) -> pd.DataFrame:
    """The empty pandas frame a partition without missing values converts to."""
    empty = empty_result(parts)
    row = pl.DataFrame([_placeholder(dtype).alias(name) for name, dtype in empty.schema.items()])
    return _to_pandas(parts, rslex_values, row).iloc[:0]


class DaskTable:
    """What the Dask tasks of one table share: its parts, how rows become pandas, and meta.

    Dask names tasks by hashing their arguments; a fresh id stands for this
    object (each to_dask_dataframe() reads the files anew, and a source's
    connection need not be hashable).
    """

    def __init__(self, parts: Parts, rslex_values: bool, meta: pd.DataFrame):
        self.parts, self.rslex_values, self.meta = parts, rslex_values, meta
        self.token = uuid.uuid4().hex

    def __dask_tokenize__(self) -> str:
        return self.token

    def to_pandas(self, frame: pl.DataFrame) -> pd.DataFrame:
        if frame.height == 0:
            return self.meta.copy()  # pandas output of no rows has no columns; a Dask partition keeps them
        df = _to_pandas(self.parts, self.rslex_values, frame)
        for name, dtype in self.meta.dtypes.items():
            if df[name].dtype != dtype and df[name].isna().all():
                df[name] = _missing_values(df[name], dtype)
        return df

    def read_part(self, part: int) -> pd.DataFrame:
        """A Dask partition of a plan without global steps: the part read and converted in one task."""
        return self.to_pandas(first_stage(self.parts, part))

    def first_stage(self, part: int) -> pl.DataFrame:
        return first_stage(self.parts, part)

    def later_stage(self, stage: int, frame: pl.DataFrame, rows_before: int) -> pl.DataFrame:
        return later_stage(self.parts, stage, frame, rows_before)


def _missing_values(column: pd.Series, dtype) -> pd.Series:
    """A partition's column without a value, in the dtype the column has in the table once it
    has missing values: concatenating partitions then gives the whole table's dtype (a column of
    only None is object, which pandas 3 keeps when concatenated with floats or text)."""
    if dtype.kind in "iu":
        return column.astype("float64")  # ints with missing values are float64
    if dtype.kind == "b":
        return column.astype(object)  # bools with missing values are objects
    return column.astype(dtype)


def _height(frame: pl.DataFrame) -> int:
    return frame.height


def to_dask_dataframe(plan: Plan, rslex_values: bool):
    dask, dd = import_dask()
    parts = make_parts(plan)
    meta = meta_frame(parts, rslex_values)
    table = DaskTable(parts, rslex_values, meta)
    with dask.config.set({"dataframe.convert-string": False}):  # object strings, as to_pandas_dataframe
        if not parts.partitions:
            return dd.from_pandas(meta, npartitions=1)
        if not parts.global_steps:
            return dd.from_map(table.read_part, range(len(parts)), meta=meta, label="tablekit",
                               enforce_metadata=False)
        return dd.from_delayed(_staged(dask.delayed, table), meta=meta, verify_meta=False, prefix="tablekit")


def _staged(delayed, table: DaskTable):
    """Delayed partitions of a plan with global steps: each stage after the first needs the
    rows the earlier parts (of the same partition, for sampling) hold at its global step,
    a running sum of their counts."""
    parts = table.parts
    frames = [delayed(table.first_stage)(part) for part in range(len(parts))]
    for stage in range(1, len(parts.stages)):
        per_partition = isinstance(parts.global_steps[stage - 1], SAMPLING)  # counts restart with each partition
        rows_before, staged = 0, []
        for part, frame in enumerate(frames):
            if per_partition and part and parts.partitions[part] != parts.partitions[part - 1]:
                rows_before = 0
            staged.append(delayed(table.later_stage)(stage, frame, rows_before))
            rows_before = delayed(operator.add)(rows_before, delayed(_height)(frame))
        frames = staged
    return [delayed(table.to_pandas)(frame) for frame in frames]
