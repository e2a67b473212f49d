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

from dataclasses import dataclass, fields, replace
from functools import partial
from typing import Dict, Optional, Sequence, Tuple

import polars as pl

from tablekit.engine import delimited, jsonl, parquet, sample
from tablekit.engine.steps import STEPS, apply_drop, apply_keep, apply_take, untyped_null_columns
from tablekit.engine.scan import (FILE_TYPED_READS, PARTITION, ScanResult, _finish, block_ranges, concat_frames,
                                  csv_projection, infer_from_heads, named_files, parquet_read, run_scan, scan_inputs,
                                  selected_partitions, TextPartition, tagged_json_frame, text_partitions,
                                  typed_file_frame, with_path)
from tablekit.errors import ErrorCode, data_error
from tablekit.optimizer import optimize
from tablekit.plan.nodes import (DropColumns, KeepColumns, PhysicalPlan, Plan, ReadDelimited, ReadJsonLines,
                                 ReadParquet, Sample, Scan, Skip, Step, Take, TakeRandomSample)
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile

JSON_HEAD_LINES = 1000  # lines of each JSON-lines file its columns and types are read from
GLOBAL_STEPS = (Take, Skip)  # steps whose result depends on the rows of other parts
SAMPLING = (TakeRandomSample, Sample)  # depend on the rows before in the partition: global once files are split
PART_READS = (ReadParquet, ReadDelimited, ReadJsonLines)  # reads cut into parts; any other is one part
PART_SCAN_FIELDS = {"read", "columns", "predicate", "limit", "partitions", "tag_partitions", "sample",
                    "block_partitions"}


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
    cut = isinstance(scan.read, PART_READS) and _part_readers_cover(scan)
    files = tuple(scan_inputs(physical)) if cut else ()  # listed as the engine lists them
    if files and (isinstance(scan.read, ReadJsonLines) and block_ranges(scan, files) is not None
                  or scan.block_partitions and cuts_files(scan, files)):
        # select_partitions picks blocks of large JSON-lines files, or picks from rows tagged by block after a
        # take: the whole scan reads them, as one part
        cut, files = False, ()
    parts = Parts(scan=scan, stages=(steps,), global_steps=(), files=files, partitions=(), ranges=(), schema={},
                  arrow_types={}, physical=physical)  # cut into stages by _staged, once the parts are known
    read = scan.read
    if not cut:  # from_paths (one partition), and reads the part readers do not cover: one part, the whole scan
        scanned = _one_part_scan(parts)
        schema = {**scanned.frame.schema, PARTITION: pl.UInt32}
        return _staged(replace(parts, partitions=(0,), ranges=(None,), schema=schema,
                               arrow_types=scanned.arrow_types))
    if isinstance(read, ReadParquet):
        layouts = tuple(parquet.read_layouts(files))
        count = sum(layout.partition_count for layout in layouts)
        whole = parquet_read(_whole(scan), layouts)
        schema = dict(whole.collect_schema()) if whole is not None else {}
        parts = replace(parts, layouts=layouts, arrow_types=parquet.arrow_types(layouts), schema=schema)
    elif isinstance(read, ReadDelimited):
        return _staged(_delimited_parts(parts))
    else:
        count = len(files)
        parts = replace(parts, schema=_json_lines_schema(scan, files))
    chosen = selected_partitions(scan.partitions, count) if scan.partitions is not None else range(count)
    parts = replace(parts, partitions=tuple(chosen), ranges=(None,) * len(chosen),
                    schema={**parts.schema, PARTITION: pl.UInt32})
    return _staged(parts)


def _delimited_parts(parts: Parts, every: Optional[Sequence[TextPartition]] = None) -> Parts:
    """A delimited table's parts: its files, a large one cut into ranges (mltable's partitions, which
    select_partitions numbers over the files in order; ``every``: all of them, when known)."""
    scan, files = parts.scan, parts.files
    pairs = list(every) if every is not None else text_partitions(scan.read, files)
    if scan.partitions is not None:
        pairs = [pairs[i] for i in selected_partitions(scan.partitions, len(pairs))]
    layout, schema = _delimited_layout(scan, files, pairs)
    return replace(parts, delimited_layout=layout, schema={**schema, PARTITION: pl.UInt32},
                   partitions=tuple(index for index, _ in pairs), ranges=tuple(r for _, r in pairs))


def cuts_files(scan: Scan, files: Sequence[SourceFile]) -> bool:
    """Whether a delimited scan's select_partitions needs mltable's partitions of large files (ranges):
    the eager readers number a text table's partitions by file."""
    return (isinstance(scan.read, ReadDelimited) and (scan.partitions is not None or scan.block_partitions)
            and _part_readers_cover(scan) and len(text_partitions(scan.read, files)) > len(files))


def scan_selected_ranges(scan: Scan, files: Sequence[SourceFile]) -> pl.DataFrame:
    """The rows of a delimited scan whose partitions are ranges of large files (see cuts_files), each
    range read on its own as a Dask part reads it, then the scan's columns, predicate and limit.

    Rows keep their file as partition tag (sampling draws by file, as everywhere), unless a
    select_partitions after the scan picks from the tags: then their range's number among the
    table's (mltable's partition).
    """
    every = text_partitions(scan.read, files)
    parts = _delimited_parts(Parts(scan=replace(scan, tag_partitions=True), stages=((),), global_steps=(),
                                   files=tuple(files), partitions=(), ranges=(), schema={}, arrow_types={}), every)
    frames = [scan_part(parts, part) for part in range(len(parts))]
    if scan.block_partitions:
        number = {pair: n for n, pair in enumerate(every)}
        frames = [frame.with_columns(pl.lit(number[parts.partitions[part], parts.ranges[part]],
                                            dtype=pl.UInt32).alias(PARTITION)) for part, frame in enumerate(frames)]
    return concat_frames(frames)


def _part_readers_cover(scan: Scan) -> bool:
    """Whether the part readers do all the scan does: a scan feature they do not know of (another
    field set) makes the table one part, read by the engine's whole-table scan."""
    plain = Scan(scan.read)
    return all(getattr(scan, f.name) == getattr(plain, f.name) for f in fields(Scan) if f.name not in PART_SCAN_FIELDS)


def _staged(parts: Parts) -> Parts:
    """The steps cut into stages at the global steps: take and skip, and sampling once a file is split."""
    split = len(set(parts.partitions)) < len(parts.partitions)
    stages, global_steps = _split_stages(parts.stages[0], GLOBAL_STEPS + (SAMPLING if split else ()))
    return replace(parts, stages=stages, global_steps=global_steps)


def _one_part_scan(parts: Parts) -> ScanResult:
    """The scan of a table read as one part (before its columns, predicate and limit)."""
    scanned = scan_table(_unfinished(parts.scan), scan_inputs(parts.physical))
    if isinstance(parts.scan.read, FILE_TYPED_READS):
        return scanned
    return replace(scanned, frame=untyped_null_columns(scanned.frame))


def scan_table(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT,
               speculate: bool = False) -> ScanResult:
    """The scan's rows read whole (engine.scan.run_scan), or range by range when its select_partitions
    picks ranges of large delimited files (mltable's partitions, see cuts_files)."""
    if cuts_files(scan, files):
        return ScanResult(scan_selected_ranges(scan, files))
    return run_scan(scan, files, progress, speculate)


def _unfinished(scan: Scan) -> Scan:
    """The scan without its columns, predicate, limit and offset: applied once the rows are conformed."""
    return replace(scan, columns=None, predicate=None, limit=None, offset=0)


def _whole(scan: Scan) -> Scan:
    """The scan reading every partition's rows and columns."""
    return replace(_unfinished(scan), sample=None, partitions=None)


def _delimited_layout(scan: Scan, files: Sequence[SourceFile], pairs: Sequence[TextPartition]):
    """Kinds and names from the first rows of every file read, as a whole-table read infers them.

    ``pairs`` are the parts read, (file index, byte range); a select_partitions picking ranges of a
    large file infers from their first rows (mltable infers from the partitions it reads).
    """
    options: ReadDelimited = scan.read
    first_of_file = {}
    for index, byte_range in pairs:
        first_of_file.setdefault(index, byte_range)
    chosen = [(index, files[index]) for index in first_of_file]
    # the first range of each file read, and the other ranges a select_partitions picks
    heads_of = [(index, first_of_file[index]) for index in first_of_file] if scan.partitions is None else list(pairs)
    projection = csv_projection(scan, chosen)
    positions = sorted(int(c[1:]) for c in projection) if projection else None
    sample_lines = options.infer_column_types.sample_size + 1  # + a header line
    naming = delimited.HeaderNaming(options.header)
    heads = [_head(files[index], index, byte_range, options, sample_lines, positions, naming.has_header(position))
             for position, (index, byte_range) in enumerate(heads_of)]
    frames = named_files(heads, options, projection)
    kinds = infer_from_heads(frames, options)
    typed = concat_frames([typed_file_frame(frame, index, files[index], scan, kinds)
                           for (index, _), frame in zip(heads_of, frames)])
    layout = DelimitedLayout(kinds, tuple(frames[0].columns) if frames else (), projection,
                             {index: position for position, (index, _) in enumerate(chosen)})
    return layout, dict(typed.schema)


def _head(file: SourceFile, index: int, byte_range: Optional[Tuple[int, int]], options: ReadDelimited,
          lines: int, positions, with_header: bool) -> delimited.RawFile:
    """The first ``lines`` lines of a file, or of a range of it (then after the file's header line
    when the header mode gives the range one, so it names its columns as a whole file does)."""
    if byte_range is None or byte_range[0] == 0:
        return delimited.read_raw(file, index, options, lines, positions)
    data = delimited.read_head_bytes(file, lines, options.encoding, *byte_range)
    header = delimited.read_head_bytes(file, 1, options.encoding) if with_header else b""
    return delimited.read_block(header + data, file, index, options, positions)


def _json_lines_schema(scan: Scan, files: Sequence[SourceFile]) -> Dict[str, pl.DataType]:
    """Columns and types of the first lines of every file, concatenated as the whole table is."""
    options: ReadJsonLines = scan.read
    frames = []
    for index, file in enumerate(files):
        head = delimited.read_head_bytes(file, JSON_HEAD_LINES, options.encoding)
        frame = jsonl.read_exact(head, options, file.display)
        frames.append(tagged_json_frame(frame, index, file, options))
    return dict(concat_frames(frames).schema)


# -- running a part ------------------------------------------------------------------

def conform(frame, parts: Parts, partition: int):
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


def scan_part(parts: Parts, part: int) -> pl.DataFrame:
    """The scan of one part: its partition's rows, conformed, then the pushed-down columns, predicate and limit."""
    partition = parts.partitions[part]
    scan = parts.scan
    read = scan.read
    if not parts.files:
        frame = _one_part_scan(parts).frame
    elif isinstance(read, ReadParquet):
        lazy = _parquet_part(parts, partition)
        lazy = _finish(conform(lazy, parts, partition), scan)
        # the streaming engine keeps memory to a fraction of the row group when the sample drops most rows
        return lazy.collect(engine="streaming") if scan.sample is not None else lazy.collect()
    elif isinstance(read, ReadDelimited):
        frame = _delimited_part(parts, partition, parts.ranges[part])
    else:
        frame = run_scan(replace(_whole(scan), partitions=(partition,)), parts.files).frame
    return _finish(conform(frame, parts, partition), scan)


def _parquet_part(parts: Parts, partition: int) -> pl.LazyFrame:
    """A row group's rows (only those the sample keeps, when the scan draws one), lazily."""
    scan = parts.scan
    if scan.sample is None:
        lazy = parquet_read(replace(_whole(scan), partitions=(partition,)), parts.layouts)
    else:
        lazy = None
        for layout, _, lazy in parquet.row_group_scans(parts.layouts, (partition,), scan.sample, PARTITION):
            if scan.read.include_path_column:
                lazy = with_path(lazy, scan.read.path_column, layout.file.display)
    return lazy if lazy is not None else pl.LazyFrame(schema=parts.schema)  # a file without row groups


def _delimited_part(parts: Parts, index: int, byte_range: Optional[Tuple[int, int]]) -> pl.DataFrame:
    """One delimited file, or a range of its records, named and typed as the whole table names and types it."""
    scan, layout = parts.scan, parts.delimited_layout
    options: ReadDelimited = scan.read
    file = parts.files[index]
    position = layout.positions[index]
    columns = sorted(int(c[1:]) for c in layout.projection) if layout.projection else None
    if byte_range is None:
        max_lines = scan.limit + 1 if scan.limit is not None and scan.predicate is None else None
        raw = delimited.read_raw(file, index, options, max_lines, columns)
    else:
        raw = delimited.read_block(file.source.read_bytes(file.path, *byte_range), file, index, options, columns)
    naming = delimited.HeaderNaming(options.header)
    naming.first_names = list(layout.first_names)
    starts_file = byte_range is None or byte_range[0] == 0
    header_row, frame = delimited.split_header(raw.frame, starts_file and naming.has_header(position))
    if not starts_file and options.header == "all_files_different_headers":
        header_row = delimited.first_record(file, options)  # the file's own names
    if layout.projection:
        frame = frame.rename({c: layout.projection[c] for c in frame.columns})
    else:
        frame = frame.rename(dict(zip(frame.columns, naming.names(header_row, frame.width))))
    return typed_file_frame(frame, index, file, scan, layout.kinds)


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
    frame = _finish(pl.DataFrame(schema=parts.schema), parts.scan)
    for stage, global_step in zip(parts.stages, parts.global_steps + (None,)):
        frame = run_steps(frame, stage, _SCHEMA_STEPS)
        if global_step is not None:
            frame = run_global_step(global_step, frame, 0)
    return frame

