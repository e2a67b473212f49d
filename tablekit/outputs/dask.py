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
Strings stay ``object`` as in pandas output (dask's pyarrow-string
conversion is left off).
"""
from __future__ import annotations

import operator
from functools import partial

import pandas as pd
import polars as pl

from tablekit.engine.execute import Result
from tablekit.engine.parts import SAMPLING, Parts, empty_result, first_stage, later_stage, make_parts
from tablekit.engine.scan import ScanResult, _finish
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
    scanned = _finish(pl.DataFrame(schema=parts.schema), parts.scan)
    df = to_pandas(Result(frame, ScanResult(scanned, parts.arrow_types)), rslex_values)
    return with_stream_values(df) if isinstance(parts.scan.read, ListFiles) else df


def meta_frame(parts: Parts, rslex_values: bool) -> pd.DataFrame:
    """The empty pandas frame a partition without missing values converts to."""
    empty = empty_result(parts)
    row = pl.DataFrame([_placeholder(dtype).alias(name) for name, dtype in empty.schema.items()])
    return _to_pandas(parts, rslex_values, row).iloc[:0]


def part_to_pandas(parts: Parts, rslex_values: bool, meta: pd.DataFrame, frame: pl.DataFrame) -> pd.DataFrame:
    if frame.height == 0:
        return meta.copy()  # pandas output of no rows has no columns; a Dask partition keeps them
    return _to_pandas(parts, rslex_values, frame)


def read_part(parts: Parts, rslex_values: bool, meta: pd.DataFrame, part: int) -> pd.DataFrame:
    """A Dask partition of a plan without take/skip: the part read and converted in one task."""
    return part_to_pandas(parts, rslex_values, meta, first_stage(parts, part))


def _height(frame: pl.DataFrame) -> int:
    return frame.height


def to_dask_dataframe(plan: Plan, rslex_values: bool):
    dask, dd = import_dask()
    parts = make_parts(plan)
    meta = meta_frame(parts, rslex_values)
    with dask.config.set({"dataframe.convert-string": False}):  # object strings, as to_pandas_dataframe
        if not parts.partitions:
            return dd.from_pandas(meta, npartitions=1)
        if not parts.global_steps:
            return dd.from_map(partial(read_part, parts, rslex_values, meta), range(len(parts)),
                               meta=meta, label="tablekit", enforce_metadata=False)
        return dd.from_delayed(_staged(dask.delayed, parts, rslex_values, meta), meta=meta, verify_meta=False,
                               prefix="tablekit")


def _staged(delayed, parts: Parts, rslex_values: bool, meta: pd.DataFrame):
    """Delayed partitions of a plan with global steps: each stage after the first needs the
    rows the earlier parts (of the same partition, for sampling) hold at its global step,
    a running sum of their counts."""
    count, stages, global_steps, partitions = len(parts), len(parts.stages), parts.global_steps, parts.partitions
    parts, meta = delayed(parts), delayed(meta)  # one copy in the graph, not one in every task
    frames = [delayed(first_stage)(parts, part) for part in range(count)]
    for stage in range(1, stages):
        per_partition = isinstance(global_steps[stage - 1], SAMPLING)  # counts restart with each partition
        rows_before, staged = 0, []
        for part, frame in enumerate(frames):
            if per_partition and part and partitions[part] != partitions[part - 1]:
                rows_before = 0
            staged.append(delayed(later_stage)(parts, stage, frame, rows_before))
            rows_before = delayed(operator.add)(rows_before, delayed(_height)(frame))
        frames = staged
    return [delayed(part_to_pandas)(parts, rslex_values, meta, frame) for frame in frames]
