"""Execute a physical plan as a stream of frames, with memory bounded by a chunk.

The scan runs chunk by chunk (``engine.stream_scan``); each chunk then goes
through the steps in order.  Row-local steps (filter, keep/drop_columns,
convert_column_types, select_partitions) are the eager engine's own
functions (engine.steps), applied to the chunk.  Steps that depend on rows before the
chunk carry counters: take counts the rows still wanted (and ends the
stream when it has them, so nothing more is read), skip the rows still to
drop, and sampling each partition's rows seen so far (a row's draw depends
on its position in its partition).  The rows are those of ``execute``, in
the same order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List

import polars as pl
import pyarrow as pa

from tablekit.engine import sample
from tablekit.engine.steps import STEPS
from tablekit.engine.formats import scan_inputs
from tablekit.engine.frames import PARTITION, Draws, Offset, compact
from tablekit.engine.stream_scan import open_scan
from tablekit.plan.nodes import PhysicalPlan, Sample, Skip, Take, TakeRandomSample
from tablekit.progress import SILENT, Progress


class _Take:
    def __init__(self, step: Take):
        self.left = step.count

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.head(self.left)
        self.left -= frame.height
        return frame

    @property
    def satisfied(self) -> bool:
        return self.left == 0


def _sampler(step) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """take_random_sample and random_split: draws by (seed, partition tag, position in the partition)."""
    lower = step.lower_bound if isinstance(step, Sample) else 0.0
    draws = Draws((step.seed, step.probability, lower))
    return lambda frame: draws.kept_runs(frame, sample.runs_of(frame.get_column(PARTITION).to_numpy()))


def _row_local(step) -> Callable[[pl.DataFrame], pl.DataFrame]:
    apply = STEPS[type(step)]
    return lambda frame: apply(frame, step)


def _runner(step):
    if isinstance(step, Take):
        return _Take(step)
    if isinstance(step, Skip):
        return Offset(step.count).dropped
    if isinstance(step, (TakeRandomSample, Sample)):
        return _sampler(step)
    return _row_local(step)


@dataclass
class Stream:
    """A plan's rows as frames (without partition tags), read as they are consumed."""

    schema: pl.Schema                     # every frame's columns and types
    scan_schema: pl.Schema                # what the scan gave, for the source types still held
    arrow_types: Dict[str, pa.DataType]   # exact source types (parquet)
    frames: Iterator[pl.DataFrame]


def open_stream(plan: PhysicalPlan, progress: Progress = SILENT, exact_schema: bool = True,
                keep_tags: bool = False) -> Stream:
    """Lists the files and reads what fixes the schema; the rows are read as ``frames`` is consumed.

    Errors the steps raise on any data (unknown columns, bad filters) are
    raised here, before the first row; ``exact_schema=False`` settles for the
    first block of each JSON-lines file (see ``engine.stream_scan``).
    ``keep_tags``: the frames keep the rows' partition tags (get_partition_count after a take).
    """
    files = scan_inputs(plan)
    scanned = open_scan(plan.scan, files, progress, exact_schema)
    runners = [_runner(step) for step in plan.steps]
    empty = pl.DataFrame(schema=scanned.schema)
    for run in runners:
        empty = run(empty)
    schema = _without_tags(empty).schema

    def frames() -> Iterator[pl.DataFrame]:
        takes: List[_Take] = [r for r in runners if isinstance(r, _Take)]
        rows = 0
        progress.start(len(files), sum(f.size for f in files))
        try:
            for frame in scanned.chunks:
                rows_read = frame.height
                for run in runners:
                    frame = run(frame)
                frame = compact(frame, rows_read)  # a few rows kept: their strings copied, the block freed
                if not keep_tags:
                    frame = _without_tags(frame)
                if frame.height:
                    rows += frame.height
                    progress.advance(rows=frame.height)
                    yield frame
                if any(take.satisfied for take in takes):
                    break  # no later row can pass that take: stop reading
            progress.finish(rows)
        finally:
            scanned.chunks.close()  # the partitions still in flight stop, their threads end
            progress.close()

    return Stream(schema, scanned.schema, scanned.arrow_types, frames())


def _without_tags(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop(PARTITION) if PARTITION in frame.columns else frame


def plan_schema(plan: PhysicalPlan) -> Stream:
    """The plan's columns and types, reading only what fixes them (nothing is streamed)."""
    return open_stream(plan, exact_schema=False)
