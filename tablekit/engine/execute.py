"""Execute a physical plan: run its scan, then each remaining step in order."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Dict, TypeVar

import polars as pl

from tablekit.engine import sample
from tablekit.engine.convert import convert
from tablekit.engine.partition_values import check_filter, extract_after_read
from tablekit.engine.scan import (FILE_TYPED_READS, HIDDEN, PARTITION, ScanResult, compile_predicate, run_scan,
                                  scan_inputs, selected_partitions)
from tablekit.errors import no_columns_error
from tablekit.plan.nodes import (ColumnPattern, ConvertColumnTypes, DropColumns, ExtractPartitionFormat, Filter,
                                 KeepColumns, PhysicalPlan, Sample, SelectPartitions, Skip, Take, TakeRandomSample,
                                 column_tuple, select_columns)
from tablekit.progress import SILENT, Progress
from tablekit.sources.remote import native_reader_errors


T = TypeVar("T")


def _data_columns(frame: pl.DataFrame):
    return [c for c in frame.columns if c not in HIDDEN]


def _hidden_columns(frame: pl.DataFrame):
    return [c for c in HIDDEN if c in frame.columns]


def apply_filter(frame: pl.DataFrame, step: Filter) -> pl.DataFrame:
    check_filter(frame, step.expression)
    return frame.filter(compile_predicate(step.expression, frame.schema))


def apply_keep(frame: pl.DataFrame, step: KeepColumns, fail_without_rows: bool = False) -> pl.DataFrame:
    """``fail_without_rows``: fail as if some row were left (mltable fails only then)."""
    kept = select_columns(step.columns, _data_columns(frame))
    if not kept and (frame.height or fail_without_rows):
        error = no_columns_error(frame.height)
        have = _data_columns(frame)
        error.message += f" keep_columns named {_describe(step.columns)}, " + (
            f"and the table has {have}." if have else "which no column of the table has.")
        raise error
    return frame.select(kept + _hidden_columns(frame))


def _describe(columns) -> str:
    if isinstance(columns, ColumnPattern):
        return f"the pattern {columns.pattern!r}" + (" (inverted)" if columns.invert else "")
    return str(sorted(column_tuple(columns)))


def apply_drop(frame: pl.DataFrame, step: DropColumns, fail_without_rows: bool = False) -> pl.DataFrame:
    dropped = select_columns(step.columns, _data_columns(frame))
    if dropped and len(dropped) == len(_data_columns(frame)) and (frame.height or fail_without_rows):
        raise no_columns_error(frame.height)
    return frame.drop(dropped)


def apply_take(frame: pl.DataFrame, step: Take) -> pl.DataFrame:
    return frame.head(step.count)


def apply_skip(frame: pl.DataFrame, step: Skip) -> pl.DataFrame:
    return frame.slice(step.count)


def _sample(frame: pl.DataFrame, seed: int, upper: float, lower: float) -> pl.DataFrame:
    if frame.height == 0:
        return frame
    partitions = frame.get_column(PARTITION).to_numpy()
    mask = sample.keep_mask(seed, sample.runs_of(partitions), upper, lower)
    return frame.filter(pl.Series(mask))


def apply_take_random_sample(frame: pl.DataFrame, step: TakeRandomSample) -> pl.DataFrame:
    return _sample(frame, step.seed, step.probability, 0.0)


def apply_sample(frame: pl.DataFrame, step: Sample) -> pl.DataFrame:
    return _sample(frame, step.seed, step.probability, step.lower_bound)


def apply_convert(frame: pl.DataFrame, step: ConvertColumnTypes) -> pl.DataFrame:
    exprs = []
    for columns, data_type in step.conversions:
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
}


@dataclass
class Result:
    """A materialized table: the rows (with the hidden partition column) and exact source types."""

    frame: pl.DataFrame
    scan: ScanResult

    @property
    def data(self) -> pl.DataFrame:
        return self.frame.drop(_hidden_columns(self.frame))


def untyped_null_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns with no value at all have no type in mltable (pandas object of None)."""
    if frame.height == 0:
        return frame
    empty = [name for name, nulls in zip(frame.columns, frame.null_count().row(0))
             if nulls == frame.height and name not in HIDDEN]
    return frame.with_columns([pl.col(c).cast(pl.Null) for c in empty]) if empty else frame


def execute(plan: PhysicalPlan, progress: Progress = SILENT) -> Result:
    return _with_steps(plan, _scan(plan, progress, speculate=False))


def execute_into(plan: PhysicalPlan, use: Callable[[Result], T], progress: Progress = SILENT) -> T:
    """``use(execute(plan))``, sooner: readers that can speculate (JSON lines) hand over rows whose
    checks are still running, and ``use`` runs again on the proven rows in the rare case they differ.

    For outputs whose own work is long and leaves cores idle (pandas makes Python objects on one).
    """
    scanned = _scan(plan, progress, speculate=True)
    if scanned.pending is None:
        return use(_with_steps(plan, scanned))
    try:
        outcome, failure = use(_with_steps(plan, scanned)), None
    except Exception as exc:  # perhaps only the provisional rows fail: known once the checks end
        outcome, failure = None, exc
    proven = scanned.pending()
    if proven is not None:
        return use(_with_steps(plan, proven))
    if failure is not None:
        raise failure
    return outcome


def _scan(plan: PhysicalPlan, progress: Progress, speculate: bool) -> ScanResult:
    files = scan_inputs(plan)
    progress.start(len(files), sum(f.size for f in files))
    with native_reader_errors():  # remote parquet read by polars: its errors as mltable's, without secrets
        return run_scan(plan.scan, files, progress, speculate)


def _with_steps(plan: PhysicalPlan, scanned: ScanResult) -> Result:
    frame = scanned.frame
    for step in plan.steps:
        frame = STEPS[type(step)](frame, step)
    if not isinstance(plan.scan.read, FILE_TYPED_READS):  # parquet columns keep the type the file gives them
        frame = untyped_null_columns(frame)
    return Result(frame, scanned)
