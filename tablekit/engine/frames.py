"""What every reader and driver of the engine shares about a scan's frames.

A scan's rows come as polars frames with a hidden column PARTITION holding each
row's partition index (its file for delimited and JSON-lines files, its row
group for parquet), which sampling and select_partitions need; a scan with
``tag_partitions=False`` may leave it out.  Here: that column, the pushed-down
parts of a Scan applied to a frame (columns, predicate, limit, offset, sample),
and the counters a stream of partitions carries (Draws, Offset).
"""
from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import polars as pl
import pyarrow as pa

from tablekit.engine import parquet, sample
from tablekit.engine.partition_values import ERRORS, check_filter
from tablekit.errors import ErrorCode, UnknownColumnWarning, UserErrorException, data_error
from tablekit.expr import compile_filter, parse_filter, referenced_columns
from tablekit.plan.nodes import Scan
from tablekit.sources import SourceFile

PARTITION = "__tablekit_partition"
HIDDEN = (PARTITION, ERRORS)  # columns the engine carries along that are not the table's


@dataclass
class ScanResult:
    frame: pl.DataFrame
    arrow_types: Dict[str, pa.DataType] = field(default_factory=dict)  # exact source types (parquet)
    # a speculative scan (rows read before the checks that prove them): waits for the checks and
    # gives None when the rows hold, else the scan of the proven rows
    pending: Optional[Callable[[], Optional["ScanResult"]]] = None


class SchemaChanged(UserErrorException):
    """Rows that need columns or types the stream fixed before reading them (records wider than
    the first rows, a JSON-lines block widening a type).  A collecting read (to_pandas_dataframe...)
    then reads the table whole instead."""


def compile_predicate(expression: str, schema) -> pl.Expr:
    columns = {k: v for k, v in schema.items() if k not in HIDDEN}
    node = parse_filter(expression)  # once: a streamed filter compiles again for every partition
    warn_unknown_columns(sorted(referenced_columns(node)), list(columns), "filter")
    return compile_filter(node, columns)


def warn_unknown_columns(names: Sequence[str], available: Sequence[str], step: str) -> None:
    """An UnknownColumnWarning for each name the table has no column of (at this step), with the
    nearest names it has: mltable ignores such names, which hides a misspelling."""
    for name in names:
        if name in available:
            continue
        near = difflib.get_close_matches(name, available, n=3)
        hint = f" Did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        warnings.warn(UnknownColumnWarning(
            f"{step} names the column {name!r}, which the table does not have at that step.{hint} mltable "
            "ignores such a name, and so does tablekit.", step, name, tuple(near)), stacklevel=3)


def selected_partitions(indices: Sequence[int], count: int) -> List[int]:
    """mltable's select_partitions: each index once, in table order; a bad index is an error."""
    for i in indices:
        if i < 0:
            raise data_error(ErrorCode.VALIDATION,
                             f"Invalid argument \"partitions\": partition indexes start at 0, got {i}.")
        if i >= count:
            raise data_error(ErrorCode.VALIDATION,
                             f"Invalid argument \"partitions\". Expected \"< {count}\", Actual {i}: "
                             f"the table has {count} partitions.")
    return sorted(set(indices))


def select_files(files: Sequence[SourceFile], partitions: Optional[Sequence[int]]):
    """(index, file) of the files a select_partitions numbering partitions by file picks (all: None)."""
    indexed = list(enumerate(files))
    if partitions is None:
        return indexed
    return [indexed[i] for i in selected_partitions(partitions, len(indexed))]


def heads_only(scan: Scan) -> bool:
    """Whether the scan's rows are the first rows of its files (a limit, nothing that drops rows before it)."""
    return scan.limit is not None and scan.predicate is None and scan.sample is None


def project(frame, scan: Scan):
    """The pushed-down column selection of a frame (eager or lazy); the partition tags stay."""
    return frame if scan.columns is None else frame.select(_projected(frame.collect_schema(), scan))


def _projected(schema: pl.Schema, scan: Scan) -> List[str]:
    keep = set(scan.columns) | set(HIDDEN)
    return [c for c in schema.names() if c in keep]


def finish(frame, scan: Scan, also_keep: Optional[pl.Expr] = None):
    """Apply pushed-down columns, predicate, limit and offset to a frame (eager or lazy) that has all columns;
    the predicate keeps the rows ``also_keep`` marks too."""
    schema = frame.collect_schema()  # once: for a lazy scan, each call resolves the files' schema again
    if scan.columns is not None:
        names = _projected(schema, scan)
        frame, schema = frame.select(names), pl.Schema({name: schema[name] for name in names})
    if scan.predicate is not None:
        if isinstance(frame, pl.DataFrame):
            check_filter(frame, scan.predicate)
        predicate = compile_predicate(scan.predicate, schema)
        frame = frame.filter(predicate if also_keep is None else predicate | also_keep)
    if scan.limit is not None:
        frame = frame.head(scan.limit)
    if scan.offset:
        frame = frame.slice(scan.offset)
    return frame


def sampled(frame: pl.DataFrame, drawn: Optional[Tuple[int, float, float]]) -> pl.DataFrame:
    """The rows a sample (seed, upper, lower) keeps: draws by (seed, partition tag, position in it)."""
    if drawn is None or frame.height == 0:
        return frame
    seed, upper, lower = drawn
    partitions = frame.get_column(PARTITION).to_numpy()
    return frame.filter(pl.Series(sample.keep_mask(seed, sample.runs_of(partitions), upper, lower)))


def check_path_column(path_column: str, names) -> None:
    """mltable's error when the data already has a column of the path column's name."""
    if path_column in names:
        raise data_error(ErrorCode.VALIDATION,
                         f"Filed with name '{path_column}' already exists in the record: the data has a column "
                         f"'{path_column}', and include_path_column=True adds the file's path under that name.")


def with_path(frame, path_column: str, display: str):
    """``frame`` (a DataFrame or LazyFrame) with the path column first (a DataFrame's clash with a
    column of that name is checked here; parquet_reader checks the files' schemas)."""
    if isinstance(frame, pl.DataFrame):
        check_path_column(path_column, frame.columns)
    if isinstance(frame, pl.DataFrame) and frame.width == 0:  # a literal would make one row of any number
        return pl.DataFrame({path_column: [display] * frame.height}, schema={path_column: pl.String})
    return frame.select(pl.lit(display, dtype=pl.String).alias(path_column), pl.all())


def concat_frames(frames: List[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width > 0]
    if not frames:
        return pl.DataFrame()
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


def conform(frame, schema: pl.Schema):
    """``frame`` (eager or lazy) with exactly the columns of ``schema``, in its order and types;
    missing ones are null, as in a diagonal concatenation."""
    have = frame.collect_schema()
    if have == schema:
        return frame
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items() if name not in have]
    # through with_columns: a select of literals alone would make one row, not the frame's
    return frame.with_columns(missing).select(
        pl.col(name).cast(dtype, strict=False) if name in have and have[name] != dtype else pl.col(name)
        for name, dtype in schema.items())


def compact(kept: pl.DataFrame, rows_before: int) -> pl.DataFrame:
    """``kept``, a few rows picked out of a block's ``rows_before``, with its own copy of their strings
    (parquet.compact_strings): else every block's text stays alive as long as its picked rows."""
    return parquet.compact_strings(kept) if kept.height * 2 < rows_before else kept


class Draws:
    """A sample (seed, upper, lower) drawn on rows as they arrive, partition after partition: a row's
    draw depends on its partition and its position among that partition's rows seen so far."""

    def __init__(self, drawn: Optional[Tuple[int, float, float]]):
        self.drawn = drawn
        self.rows_seen: Dict[int, int] = {}

    def kept(self, frame: pl.DataFrame, index: int) -> pl.DataFrame:
        """The sampled rows of a text file's block (file ``index``, the partition), their strings
        copied out of the block (drawn before typing: see compact)."""
        return compact(self.kept_runs(frame, [(index, frame.height)]), frame.height)

    def kept_runs(self, frame: pl.DataFrame, runs) -> pl.DataFrame:
        """The sampled rows of a frame whose rows are ``runs``: (partition, row count) in row order."""
        if self.drawn is None or frame.height == 0:
            return frame
        seed, upper, lower = self.drawn
        starts = []
        for partition, count in runs:
            starts.append(self.rows_seen.get(partition, 0))
            self.rows_seen[partition] = starts[-1] + count
        return frame.filter(pl.Series(sample.keep_mask(seed, runs, upper, lower, starts)))


class Offset:
    """A pushed-down skip: drops the first ``count`` rows of the scan as they arrive, file after file."""

    def __init__(self, count: int):
        self.left = count

    def dropped(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not self.left:
            return frame
        skipped = min(self.left, frame.height)
        self.left -= skipped
        return frame.slice(skipped)
