"""The steps a plan runs after its scan, each a function ``apply(frame, step) -> frame`` on a
partition's rows (or the whole table's): ``STEPS`` maps a step type to its function.

The executor (engine.stream) runs the row-local ones on each partition as it
arrives and keeps counters for take, skip and sampling; the Dask parts
(engine.parts) run them per part.
"""
from __future__ import annotations

import sys
from typing import Callable, Dict

import polars as pl

from tablekit.engine.partition_values import check_filter, extract_after_read
from tablekit.engine.frames import (HIDDEN, PARTITION, compile_predicate, sampled, selected_partitions,
                                    warn_unknown_columns)
from tablekit.engine.convert import convert
from tablekit.errors import ErrorCode, data_error, no_columns_error
from tablekit.plan.nodes import (ColumnPattern, ConvertColumnTypes, DropColumns, ExtractPartitionFormat, Filter,
                                 KeepColumns, READ_STEPS, Sample, SelectPartitions, Skip, Take, TakeRandomSample,
                                 column_tuple, select_columns)


def _data_columns(frame: pl.DataFrame):
    return [c for c in frame.columns if c not in HIDDEN]


def hidden_columns(frame: pl.DataFrame):
    return [c for c in HIDDEN if c in frame.columns]


def apply_filter(frame: pl.DataFrame, step: Filter) -> pl.DataFrame:
    check_filter(frame, step.expression)
    return frame.filter(compile_predicate(step.expression, frame.schema))


def _named(columns) -> list:
    """The names a column selection lists (none for a pattern, which names no column)."""
    return [] if isinstance(columns, ColumnPattern) else list(column_tuple(columns))


def apply_keep(frame: pl.DataFrame, step: KeepColumns, fail_without_rows: bool = False) -> pl.DataFrame:
    """``fail_without_rows``: fail as if some row were left (mltable fails only then)."""
    warn_unknown_columns(_named(step.columns), _data_columns(frame), "keep_columns")
    kept = select_columns(step.columns, _data_columns(frame))
    if not kept and (frame.height or fail_without_rows):
        error = no_columns_error(frame.height)
        have = _data_columns(frame)
        error.message += f" keep_columns named {_describe(step.columns)}, " + (
            f"and the table has {have}." if have else "which no column of the table has.")
        raise error
    return frame.select(kept + hidden_columns(frame))


def _describe(columns) -> str:
    if isinstance(columns, ColumnPattern):
        return f"the pattern {columns.pattern!r}" + (" (inverted)" if columns.invert else "")
    return str(sorted(column_tuple(columns)))


def apply_drop(frame: pl.DataFrame, step: DropColumns, fail_without_rows: bool = False) -> pl.DataFrame:
    warn_unknown_columns(_named(step.columns), _data_columns(frame), "drop_columns")
    dropped = select_columns(step.columns, _data_columns(frame))
    if dropped and len(dropped) == len(_data_columns(frame)) and (frame.height or fail_without_rows):
        raise no_columns_error(frame.height)
    return frame.drop(dropped)


def apply_take(frame: pl.DataFrame, step: Take) -> pl.DataFrame:
    return frame.head(step.count)


def apply_skip(frame: pl.DataFrame, step: Skip) -> pl.DataFrame:
    return frame.slice(step.count)


def apply_take_random_sample(frame: pl.DataFrame, step: TakeRandomSample) -> pl.DataFrame:
    return sampled(frame, (step.seed, step.probability, 0.0))


def apply_sample(frame: pl.DataFrame, step: Sample) -> pl.DataFrame:
    return sampled(frame, (step.seed, step.probability, step.lower_bound))


def apply_convert(frame: pl.DataFrame, step: ConvertColumnTypes) -> pl.DataFrame:
    exprs = []
    for columns, data_type in step.conversions:
        warn_unknown_columns(_named(columns), _data_columns(frame), "convert_column_types")
        for name in select_columns(columns, _data_columns(frame)):
            exprs.append(convert(name, data_type, frame.schema[name]))
    return frame.with_columns(exprs) if exprs else frame


def apply_select_partitions(frame: pl.DataFrame, step: SelectPartitions) -> pl.DataFrame:
    """Rows of the listed partitions, each once, in their original order (as mltable).

    Indexes past the end are checked where the partition count is known (a
    select_partitions that opens the plan is pushed into the scan); here only
    negative ones can be rejected.
    """
    return frame.filter(pl.col(PARTITION).is_in(selected_partitions(step.indices, sys.maxsize)))


def apply_read_again(frame: pl.DataFrame, step) -> pl.DataFrame:
    """A read step after the table's read (an MLTable file may list two): mltable reads the files a
    Path column of the rows names, and fails as here when the rows have none."""
    columns = _data_columns(frame)
    if "Path" not in columns:
        raise data_error(ErrorCode.VALIDATION,
                         f"Required filed does not exist in the record. Looking for 'Path', got '[{', '.join(columns)}]'"
                         f": the MLTable file has a second read step ({type(step).__name__}), which reads the files "
                         "a Path column names; the rows of the first read have no such column.")
    raise data_error(ErrorCode.VALIDATION, f"The MLTable file has a second read step ({type(step).__name__}); "
                                           "tablekit reads one read step per table.")


STEPS: Dict[type, Callable] = {
    Filter: apply_filter,
    KeepColumns: apply_keep,
    DropColumns: apply_drop,
    Take: apply_take,
    Skip: apply_skip,
    TakeRandomSample: apply_take_random_sample,
    Sample: apply_sample,
    ConvertColumnTypes: apply_convert,
    SelectPartitions: apply_select_partitions,
    # an MLTable file may put this step after its read: the values then come from a column of paths
    ExtractPartitionFormat: lambda frame, step: extract_after_read(frame, step, HIDDEN),
    **{read: apply_read_again for read in READ_STEPS},
}


def untyped_null_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns with no value at all have no type in mltable (pandas object of None)."""
    if frame.height == 0:
        return frame
    empty = [name for name, nulls in zip(frame.columns, frame.null_count().row(0))
             if nulls == frame.height and name not in HIDDEN]
    return frame.with_columns([pl.col(c).cast(pl.Null) for c in empty]) if empty else frame
