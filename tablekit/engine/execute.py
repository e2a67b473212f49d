"""Execute a physical plan into one frame: the driver behind to_pandas_dataframe, to_arrow and to_polars.

Two strategies give the same rows (every recorded mltable case checks both):

* streamed (engine.stream): the scan's partitions (text blocks, parquet row
  groups) are decoded in parallel and run through the steps one by one, and
  reading stops once a take has its rows.  Memory holds the output and the
  partitions in flight.  Used where a read would otherwise load the whole
  input to keep a few rows (``streams``): a filter then a take, a sample, a skip.
* whole (engine.formats.read_whole): each file read at once by the format's fastest reader
  (polars' multi-threaded CSV and parquet readers with the filter and columns
  pushed in, JSON lines checked while pandas converts), then the steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import polars as pl

from tablekit.engine.formats import keeps_file_types, read_whole, scan_inputs
from tablekit.engine.frames import SchemaChanged, ScanResult, concat_frames, heads_only
from tablekit.engine.jsonl import is_invalid_line
from tablekit.engine.steps import STEPS, hidden_columns, untyped_null_columns
from tablekit.engine.stream import open_stream
from tablekit.errors import MLTableError
from tablekit.plan.nodes import (Filter, PhysicalPlan, ReadDelimited, ReadJsonLines, ReadParquet, Sample, Skip, Take,
                                 TakeRandomSample)
from tablekit.progress import SILENT, Progress
from tablekit.sources.remote import native_reader_errors

T = TypeVar("T")


@dataclass
class Result:
    """A materialized table: the rows (with the hidden partition column) and exact source types."""

    frame: pl.DataFrame
    scan: ScanResult

    @property
    def data(self) -> pl.DataFrame:
        return self.frame.drop(hidden_columns(self.frame))


def streams(plan: PhysicalPlan) -> bool:
    """Whether the plan runs streamed: its output is a fraction of its input that only reading it
    through shows, where a whole read would hold it all.

    Text tables: a filter then a take, a sample, a skip, or a filter on JSON lines (polars filters
    a CSV file while reading it whole, in bounded memory; JSON lines are read whole first).
    Parquet: a skip, or a take or sample left among the steps (polars reads parquet with the
    filter, columns, limit and a pushed-down sample already inside its reader).
    """
    scan = plan.scan
    row_steps = [s for s in plan.steps if isinstance(s, (Take, Skip, Sample, TakeRandomSample))]
    if isinstance(scan.read, ReadParquet):  # a pushed skip passes over whole row groups unread
        return bool(scan.offset) or bool(row_steps) and not (heads_only(scan)
                                                            and all(isinstance(s, Take) for s in row_steps))
    if not isinstance(scan.read, (ReadDelimited, ReadJsonLines)):
        return False
    sampled = scan.sample is not None or any(isinstance(s, (Sample, TakeRandomSample)) for s in row_steps)
    taken = _takes(plan)
    skipped = bool(scan.offset) or any(isinstance(s, Skip) for s in row_steps)
    filtered_json = isinstance(scan.read, ReadJsonLines) and (
        scan.predicate is not None or any(isinstance(s, Filter) for s in plan.steps))
    return sampled or skipped or filtered_json or (taken and not heads_only(scan))


def _takes(plan: PhysicalPlan) -> bool:
    """Whether a take bounds the plan's rows (pushed into the scan or left among the steps)."""
    return plan.scan.limit is not None or any(isinstance(step, Take) for step in plan.steps)


def execute(plan: PhysicalPlan, progress: Progress = SILENT) -> Result:
    if streams(plan):
        try:
            return collect_stream(plan, progress)
        except SchemaChanged:  # rows the first ones do not type: only a whole read knows their columns
            pass
    return _unless_invalid_line(lambda: _with_steps(plan, _scan(plan, progress, speculate=False)), plan, progress)


def execute_into(plan: PhysicalPlan, use: Callable[[Result], T], progress: Progress = SILENT) -> T:
    """``use(execute(plan))``, sooner: readers that can speculate (JSON lines) hand over rows whose
    checks are still running, and ``use`` runs again on the proven rows in the rare case they differ.

    For outputs whose own work is long and leaves cores idle (pandas makes Python objects on one).
    """
    if streams(plan):
        return use(execute(plan, progress))
    return _unless_invalid_line(lambda: _speculated_into(plan, use, progress), plan, progress, use)


def _speculated_into(plan: PhysicalPlan, use: Callable[[Result], T], progress: Progress) -> T:
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


def _unless_invalid_line(run: Callable[[], T], plan: PhysicalPlan, progress: Progress,
                         use: Callable[[Result], T] = lambda result: result) -> T:
    """``run()``, a whole read; when it meets an invalid JSON line and the plan has a take, the plan
    streamed instead: mltable reads row by row, so a take its rows satisfy before that line fails
    nothing, and the stream stops there too (raising the line's error if it reaches it)."""
    try:
        return run()
    except MLTableError as invalid:
        if not is_invalid_line(invalid) or not _takes(plan):
            raise
        try:
            streamed = collect_stream(plan, progress)
        except SchemaChanged:  # the stream cannot type the rows: the whole read's error stands
            raise invalid from None
        return use(streamed)


def collect_stream(plan: PhysicalPlan, progress: Progress = SILENT) -> Result:
    """The plan's rows, streamed and gathered into one frame (with their partition tags, as a whole
    read gives them).  JSON-lines types come from each file's first block; a later block typed
    otherwise raises SchemaChanged, and execute reads the table whole."""
    with native_reader_errors():
        stream = open_stream(plan, progress, exact_schema=False, keep_tags=True)
        frame = concat_frames(list(stream.frames))
    if frame.width == 0:
        frame = pl.DataFrame(schema=stream.schema)
    if not keeps_file_types(plan.scan.read):
        frame = untyped_null_columns(frame)
    return Result(frame, ScanResult(pl.DataFrame(schema=stream.scan_schema), stream.arrow_types))


def _scan(plan: PhysicalPlan, progress: Progress, speculate: bool) -> ScanResult:
    files = scan_inputs(plan)
    progress.start(len(files), sum(f.size for f in files))
    with native_reader_errors():  # remote parquet read by polars: its errors as mltable's, without secrets
        return read_whole(plan.scan, files, progress, speculate)


def _with_steps(plan: PhysicalPlan, scanned: ScanResult) -> Result:
    frame = scanned.frame
    for step in plan.steps:
        frame = STEPS[type(step)](frame, step)
    if not keeps_file_types(plan.scan.read):  # parquet columns keep the type the file gives them
        frame = untyped_null_columns(frame)
    return Result(frame, scanned)
