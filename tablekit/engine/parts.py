"""A table cut into parts that run on their own (one Dask partition each).

A part reads one of the scan's partitions (a parquet row group, a delimited or
JSON-lines file), or a range of a large delimited file: ``partition_size``
bytes of whole records, as mltable counts partitions.  What only the whole
table knows is settled once, cheaply, when the parts are made, and handed to
every part:

* the scan's columns and types: parquet from the file footers; delimited files
  from the column kinds inferred over the first rows of the table (exactly the
  sample a whole-table read infers them from) and the first file's header;
  JSON lines from the first ``JSON_HEAD_LINES`` lines of every file;
* every part's rows are conformed to those columns and types (a missing column
  is null, a narrower type widened) before anything else runs on them, as a
  whole-table read concatenates its files.

A scan doing what the part readers do not (another field of ``Scan`` set),
and any other read, is one part: the engine's whole-table scan.

Each part then runs the engine's own code on its rows: the scan with the
optimizer's column selection, predicate and row limit, then the steps.  The
steps split into stages at the steps that need rows of other parts: take and
skip need the row counts of the parts before (``run_global_step``).
Sampling draws are keyed on (seed, partition, position in the partition):
inside a part that holds a whole partition, and a global step (counting the
rows of the same partition's parts before) once a file is split into ranges.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Sequence, Tuple

import polars as pl

from tablekit.engine import sample
from tablekit.engine.formats import format_of, keeps_file_types, read_whole, scan_inputs
from tablekit.engine.formats.base import Parts, conform_part, part_readers_cover, unfinished
from tablekit.engine.frames import PARTITION, ScanResult, finish
from tablekit.engine.steps import STEPS, apply_drop, apply_keep, apply_take, untyped_null_columns
from tablekit.optimizer import optimize
from tablekit.plan.nodes import (DropColumns, KeepColumns, Plan, ReadParquet, Sample, Skip, Step, Take,
                                 TakeRandomSample)

GLOBAL_STEPS = (Take, Skip)  # steps whose result depends on the rows of other parts
SAMPLING = (TakeRandomSample, Sample)  # depend on the rows before in the partition: global once files are split


# -- making the parts -------------------------------------------------------------

def _split_stages(steps: Sequence[Step], global_types) -> Tuple[Tuple[Tuple[Step, ...], ...], Tuple[Step, ...]]:
    stages, global_steps, current = [], [], []
    for step in steps:
        if isinstance(step, global_types):
            stages.append(tuple(current))
            global_steps.append(step)
            current = []
        else:
            current.append(step)
    stages.append(tuple(current))
    return tuple(stages), tuple(global_steps)


def make_parts(plan: Plan) -> Parts:
    """The parts of a table, with the columns and types its whole-table read would have."""
    physical = optimize(plan)
    scan, steps = physical.scan, physical.steps
    if scan.sample is not None and not isinstance(scan.read, ReadParquet):
        # drawn while reading a whole table; a part of a text file draws it as its first step (which needs
        # the partition tags), and a row limit counting the sampled rows goes (parquet parts draw it as read)
        seed, upper, lower = scan.sample
        scan = replace(scan, sample=None, limit=None, tag_partitions=True)
        steps = (Sample(upper, lower, seed),) + steps
    if scan.offset:  # a leading skip drawn while reading: parts count the rows of the parts before instead
        scan, steps = replace(scan, offset=0), (Skip(scan.offset),) + steps
    physical = replace(physical, scan=scan, steps=steps)
    parts = Parts(scan=scan, stages=(steps,), global_steps=(), files=(), partitions=(), ranges=(), schema={},
                  arrow_types={}, physical=physical)  # cut into stages by _staged, once the parts are known
    reader = format_of(scan.read)
    if reader.plan_parts is not None and part_readers_cover(scan):
        planned = reader.plan_parts(replace(parts, files=tuple(scan_inputs(physical))))  # listed as the engine lists them
        if planned is not None:
            return _staged(planned)
    # from_paths (one partition), and reads the part readers do not cover: one part, the whole scan
    scanned = _one_part_scan(parts)
    schema = {**scanned.frame.schema, PARTITION: pl.UInt32}
    return _staged(replace(parts, partitions=(0,), ranges=(None,), schema=schema, arrow_types=scanned.arrow_types))


def _staged(parts: Parts) -> Parts:
    """The steps cut into stages at the global steps: take and skip, and sampling once a file is split."""
    split = len(set(parts.partitions)) < len(parts.partitions)
    stages, global_steps = _split_stages(parts.stages[0], GLOBAL_STEPS + (SAMPLING if split else ()))
    return replace(parts, stages=stages, global_steps=global_steps)


def _one_part_scan(parts: Parts) -> ScanResult:
    """The scan of a table read as one part (before its columns, predicate and limit)."""
    scanned = read_whole(unfinished(parts.scan), scan_inputs(parts.physical))
    if keeps_file_types(parts.scan.read):
        return scanned
    return replace(scanned, frame=untyped_null_columns(scanned.frame))


# -- running a part ------------------------------------------------------------------

def scan_part(parts: Parts, part: int) -> pl.DataFrame:
    """The scan of one part: its partition's rows, conformed, then the pushed-down columns, predicate and limit."""
    partition = parts.partitions[part]
    if not parts.files:
        frame = _one_part_scan(parts).frame
    else:
        frame = format_of(parts.scan.read).read_part(parts, partition, parts.ranges[part])
    frame = finish(conform_part(frame, parts, partition), parts.scan)
    if isinstance(frame, pl.LazyFrame):  # parquet: polars applies the pushdowns while decoding
        # the streaming engine keeps memory to a fraction of the row group when the sample drops most rows
        options = {"engine": "streaming"} if parts.scan.sample is not None else {}
        return format_of(parts.scan.read).collect(frame, parts.files, **options)
    return frame


# The table's result without rows is worked out before Dask runs anything: steps that fail on
# any row (keep_columns naming no column) fail there, not in some partition's task.
_SCHEMA_STEPS = {**STEPS, KeepColumns: partial(apply_keep, fail_without_rows=True),
                 DropColumns: partial(apply_drop, fail_without_rows=True)}


def run_steps(frame: pl.DataFrame, steps: Sequence[Step], functions=STEPS) -> pl.DataFrame:
    for step in steps:
        frame = functions[type(step)](frame, step)
    return frame


def first_stage(parts: Parts, part: int) -> pl.DataFrame:
    """A part's rows up to the first take or skip (all of its steps when there is none)."""
    return run_steps(scan_part(parts, part), parts.stages[0])


def run_global_step(step: Step, frame: pl.DataFrame, rows_before: int) -> pl.DataFrame:
    """A global step on one part, given how many rows the parts before it hold at this step
    (for sampling: the parts before it of the same partition, a part holding one partition's rows)."""
    if isinstance(step, Take):
        if isinstance(step.count, bool):
            return apply_take(frame, step)  # refused, as in a whole-table read
        return frame.head(max(0, step.count - rows_before))
    if isinstance(step, Skip):
        return frame.slice(max(0, step.count - rows_before))
    if frame.height == 0:
        return frame
    lower = step.lower_bound if isinstance(step, Sample) else 0.0
    runs = sample.runs_of(frame.get_column(PARTITION).to_numpy())
    return frame.filter(pl.Series(sample.keep_mask(step.seed, runs, step.probability, lower, [rows_before])))


def later_stage(parts: Parts, stage: int, frame: pl.DataFrame, rows_before: int) -> pl.DataFrame:
    """Stage ``stage`` (>= 1) of a part: the global step that opens it, then its steps."""
    return run_steps(run_global_step(parts.global_steps[stage - 1], frame, rows_before), parts.stages[stage])


def empty_result(parts: Parts) -> pl.DataFrame:
    """The table's result without rows: its final columns and engine types (every step checked on them)."""
    frame = finish(pl.DataFrame(schema=parts.schema), parts.scan)
    for stage, global_step in zip(parts.stages, parts.global_steps + (None,)):
        frame = run_steps(frame, stage, _SCHEMA_STEPS)
        if global_step is not None:
            frame = run_global_step(global_step, frame, 0)
    return frame

