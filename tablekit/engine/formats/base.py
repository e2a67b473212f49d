"""The interface every format's reader implements, and what the readers share.

A format is one module of this folder exporting ``FORMAT``, a ``Format``: the
functions that read a table of that format (a Scan over its files) in each of
the ways the drivers need.  They list the table's partitions in table order,
give its schema before its rows, and read a partition with the pushed-down
columns, predicate and row limit:

* ``read_whole``: every partition at once, each file by the format's fastest
  reader (polars' multi-threaded readers), the Scan's pushdowns applied.  The
  collecting outputs use it when the output is most of the input.
* ``open_partitions``: the schema, then the partitions (text blocks, parquet
  row groups) as *chunks* in table order, each decoded when the executor asks
  (engine.stream_scan drives them, in parallel).  None: the table comes as one
  chunk, its whole read.
* ``plan_parts`` / ``read_part``: the table cut into parts that run alone
  (Dask partitions: mltable's partitions), with the columns and types settled
  once for all of them (engine.parts drives them).  None: the table is one part.

What every reader shares is here too: the Dask ``Parts``, the partition
columns of an extract_columns_from_partition_format read (``file_partitions``),
and the files such a read opens.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Callable, Dict, Iterator, Optional, Sequence, Tuple

import polars as pl
import pyarrow as pa

from tablekit.engine import blocks
from tablekit.engine.frames import PARTITION, ScanResult, selected_partitions
from tablekit.engine.partition_values import FilePartitions, surviving_files
from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import PhysicalPlan, Scan, Step
from tablekit.plan.partition_format import parse_partition_format
from tablekit.progress import Progress
from tablekit.sources import SourceFile, resolve_paths

JSON_HEAD_LINES = 1000  # lines of each JSON-lines file a Dask table's columns and types are read from
# Scan fields the part readers honour: a scan with another one set is one part, the whole read
PART_SCAN_FIELDS = {"read", "columns", "predicate", "limit", "partitions", "tag_partitions", "sample",
                    "block_partitions"}


@dataclass(frozen=True)
class Partitioned:
    """A table about to be read partition by partition: what open_partitions gives."""

    schema: pl.Schema                       # every chunk's columns and types, before the scan's projection
    arrow_types: Dict[str, pa.DataType]     # exact source types (parquet)
    chunks: Callable[[], Iterator[object]]  # the partitions in table order: frames, lazy frames (parquet),
    #                                         or functions giving one (decoded on a worker thread)
    offset_dropped: bool = False            # the chunks come without the rows of the scan's offset


def read_paths(plan: PhysicalPlan, check_files: bool = True) -> Sequence[SourceFile]:
    """The files a plan's paths name (folders listed, globs expanded)."""
    return resolve_paths(plan.paths, plan.base_dir, check_files=check_files, storage_options=plan.storage_options)


@dataclass(frozen=True)
class Format:
    """One format's reader (see the module's docstring)."""

    read_whole: Callable[..., ScanResult]  # (scan, files, progress) -> ScanResult
    open_partitions: Optional[Callable[..., Partitioned]] = None  # (scan, files, progress, exact)
    # the parts' partitions, ranges and schema; None from it: the table is one part
    plan_parts: Optional[Callable[["Parts"], Optional["Parts"]]] = None
    read_part: Optional[Callable[..., object]] = None  # (parts, partition, byte range) -> its rows, unconformed
    # (scan, files, progress) -> a pending ScanResult (rows handed over while the checks proving them run)
    read_speculatively: Optional[Callable[..., ScanResult]] = None
    inputs: Callable[[PhysicalPlan], Sequence[SourceFile]] = read_paths  # the files the scan reads
    keeps_file_types: bool = False  # columns keep the types the files give them (all-null ones too)
    # the files an extract_columns_from_partition_format read opens (see files_to_open)
    files_to_open: Optional[Callable[..., list]] = None
    # (scan, files) -> whether select_partitions picks mltable's ranges of large files, which only the
    # whole read reads (then the partitions are one chunk: that read)
    picks_ranges: Optional[Callable[..., bool]] = None
    # (lazy frame, files, **collect options) -> its rows: how the drivers decode a lazy chunk or part
    collect: Callable[..., pl.DataFrame] = lambda lazy, files, **options: lazy.collect(**options)


# -- partition columns ---------------------------------------------------------------

def file_partitions(scan: Scan, files) -> Optional[FilePartitions]:
    """The scan's partition values for each file, or None when it has no partition format."""
    return FilePartitions(scan.partition_formats, files) if scan.partition_formats else None


def partition_columns(scan: Scan) -> set:
    return {step_column for step in scan.partition_formats
            for step_column in parse_partition_format(step.partition_format).columns}


def files_to_open(scan: Scan, files, partitions: Optional[FilePartitions] = None,
                  keeps_file_types: bool = False) -> list:
    """The files a scan with partition formats opens: those ignore_errors keeps (parquet opens
    the others too, to number its row groups), less those the file filter rules out."""
    partitions = partitions or FilePartitions(scan.partition_formats, files)
    if keeps_file_types:
        return surviving_files(scan, partitions, range(len(files)))
    return surviving_files(scan, partitions, partitions.kept(range(len(files))))


# -- Dask parts ------------------------------------------------------------------------

@dataclass(frozen=True)
class DelimitedLayout:
    """What every part of a delimited table needs from the table's first rows."""

    kinds: dict                       # column kinds, inferred over the table's first rows
    first_names: Tuple[str, ...]      # the first file's column names (other files are named by position)
    projection: Optional[dict]        # {c<position>: name} of the columns read, None: all
    positions: Dict[int, int]         # file index -> its position among the files read


@dataclass(frozen=True)
class Parts:
    """A table's parts and what each of them needs to run alone."""

    scan: Scan                             # the optimized scan (text files: sampling left to the steps)
    stages: Tuple[Tuple[Step, ...], ...]   # steps each part runs alone, between the global steps
    global_steps: Tuple[Step, ...]         # take / skip (sampling), one between every two stages
    files: Tuple[SourceFile, ...]
    partitions: Tuple[int, ...]            # the scan partition each part reads
    ranges: Tuple[Optional[Tuple[int, int]], ...]  # the bytes of its file a part reads (None: all)
    schema: Dict[str, pl.DataType]         # the scan's columns and types, as the whole table has them, and PARTITION
    arrow_types: Dict[str, object]         # exact parquet types, for the pandas output
    layouts: tuple = ()                    # parquet footers
    delimited_layout: Optional[DelimitedLayout] = None
    physical: Optional[PhysicalPlan] = None  # the optimized plan (a read without part reader runs its scan)

    def __len__(self) -> int:
        return len(self.partitions)


def numbered_parts(parts: Parts, count: int) -> Parts:
    """One part per partition of ``count`` (those select_partitions picks), each read whole."""
    scan = parts.scan
    chosen = selected_partitions(scan.partitions, count) if scan.partitions is not None else range(count)
    return replace(parts, partitions=tuple(chosen), ranges=(None,) * len(chosen),
                   schema={**parts.schema, PARTITION: pl.UInt32})


def part_readers_cover(scan: Scan) -> bool:
    """Whether the part readers do all the scan does: a scan feature they do not know of (another
    field set) makes the table one part, read by the engine's whole-table scan."""
    plain = Scan(scan.read)
    return all(getattr(scan, f.name) == getattr(plain, f.name) for f in fields(Scan) if f.name not in PART_SCAN_FIELDS)


def unfinished(scan: Scan) -> Scan:
    """The scan without its columns, predicate, limit and offset: applied once the rows are conformed."""
    return replace(scan, columns=None, predicate=None, limit=None, offset=0)


def whole_scan(scan: Scan) -> Scan:
    """The scan reading every partition's rows and columns."""
    return replace(unfinished(scan), sample=None, partitions=None)


def conform_part(frame, parts: Parts, partition: int):
    """A part's rows (eager or lazy) with the table's columns and types, its partition tag kept.

    A column the table does not have came into this part only (a ragged CSV
    row, a JSON key past the first lines of its file): the table's columns
    were settled without it, so the part cannot be given them.
    """
    names = frame.collect_schema().names()
    wanted = parts.scan.columns
    unknown = [name for name in names if name not in parts.schema and name != PARTITION
               and (wanted is None or name in wanted)]
    if unknown:
        where = f"row group {partition}" if parts.layouts else parts.files[partition].display
        raise data_error(ErrorCode.VALIDATION,
                         f"Column(s) {unknown} of {where} are not among the table's columns {list(parts.schema)}, "
                         "which were read from the first rows of the table when it was split into partitions "
                         "(a row wider than the header, or a JSON key first seen past line "
                         f"{JSON_HEAD_LINES} of its file). Read this table with to_pandas_dataframe() instead.")
    template = parts.schema
    empty = pl.LazyFrame(schema=template) if isinstance(frame, pl.LazyFrame) else pl.DataFrame(schema=template)
    conformed = pl.concat([empty, frame.select([n for n in names if n in template])], how="diagonal_relaxed")
    return conformed.select([name for name in template if name in conformed.collect_schema().names()])


# -- text partitions -------------------------------------------------------------------

TextPartition = Tuple[int, Optional[Tuple[int, int]]]  # (file index, byte range; None: the whole file)


def text_partitions(read, files: Sequence[SourceFile]) -> list:
    """A delimited or JSON-lines table's partitions as mltable numbers them: its files, a file
    larger than partition_size cut into blocks (engine.blocks.partition_ranges)."""
    return [(index, byte_range) for index, file in enumerate(files)
            for byte_range in blocks.partition_ranges(read, file)]


def block_ranges(scan: Scan, files: Sequence[SourceFile]) -> Optional[list]:
    """The partitions a text scan's select_partitions picks when some file is cut into blocks;
    None when it picks none or every partition is a file (select_files then does)."""
    if scan.partitions is None:
        return None
    pairs = text_partitions(scan.read, files)
    return None if len(pairs) == len(files) else [pairs[i] for i in selected_partitions(scan.partitions, len(pairs))]
