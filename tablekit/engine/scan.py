"""Running a Scan: list files, read them with the format's reader, and apply
what the optimizer pushed down (columns, predicate, limit, partitions).

Every scan returns one polars DataFrame whose hidden column PARTITION holds
each row's partition index (its file for delimited and JSON-lines files, its
row group for parquet), which sampling and select_partitions need; a scan
with ``tag_partitions=False`` may leave it out.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import polars as pl
import pyarrow as pa

from tablekit.engine import blocks, delimited, delta, inference, jsonl, parquet, sample
from tablekit.engine.partition_values import ERRORS, FilePartitions, check_filter, check_read, surviving_files
from tablekit.errors import ErrorCode, data_error
from tablekit.expr import columns_read, compile_filter, parse_filter
from tablekit.plan.nodes import ListFiles, PhysicalPlan, ReadDelimited, ReadDeltaLake, ReadJsonLines, ReadParquet, Scan
from tablekit.plan.partition_format import parse_partition_format
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile, resolve_paths
from tablekit.sources.registry import prefetch

PARTITION = "__tablekit_partition"
HIDDEN = (PARTITION, ERRORS)  # columns the engine carries along that are not the table's


@dataclass
class ScanResult:
    frame: pl.DataFrame
    arrow_types: Dict[str, pa.DataType] = field(default_factory=dict)  # exact source types (parquet)
    # a speculative scan (rows read before the checks that prove them): waits for the checks and
    # gives None when the rows hold, else the scan of the proven rows
    pending: Optional[Callable[[], Optional["ScanResult"]]] = None


def compile_predicate(expression: str, schema) -> pl.Expr:
    return compile_filter(parse_filter(expression), {k: v for k, v in schema.items() if k not in HIDDEN})


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
    indexed = list(enumerate(files))
    if partitions is None:
        return indexed
    return [indexed[i] for i in selected_partitions(partitions, len(indexed))]  # files cut in blocks: block_ranges


def project(frame, scan: Scan):
    """The pushed-down column selection of a frame (eager or lazy); the partition tags stay."""
    return frame if scan.columns is None else frame.select(_projected(frame.collect_schema(), scan))


def _projected(schema: pl.Schema, scan: Scan) -> List[str]:
    keep = set(scan.columns) | set(HIDDEN)
    return [c for c in schema.names() if c in keep]


def _finish(frame, scan: Scan, also_keep: Optional[pl.Expr] = None):
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


def with_path(frame, path_column: str, display: str):
    """``frame`` (a DataFrame or LazyFrame) with the path column first."""
    if isinstance(frame, pl.DataFrame) and frame.width == 0:  # a literal would make one row of any number
        return pl.DataFrame({path_column: [display] * frame.height}, schema={path_column: pl.String})
    return frame.select(pl.lit(display, dtype=pl.String).alias(path_column), pl.all())


def concat_frames(frames: List[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width > 0]
    if not frames:
        return pl.DataFrame()
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


# -- delimited -----------------------------------------------------------------

def csv_projection(scan: Scan, chosen) -> Optional[Dict[str, str]]:
    """{c<position>: name} of the needed columns, when names are positions of the first file's header.

    None (read every column) when all columns are needed, when the header mode
    names columns per file, or when a needed name is not in the header (it may
    be a ragged row's extra Column<n>, or unknown: reading all keeps errors right).
    """
    options: ReadDelimited = scan.read
    if scan.columns is None or not chosen or options.header == "all_files_different_headers":
        return None
    if options.header == "no_header":
        width = len(delimited.first_record(chosen[0][1], options))
        names = [f"Column{i + 1}" for i in range(width)]
    else:
        row = delimited.first_record(chosen[0][1], options)
        names = delimited.header_names(row, len(row))
    wanted = set(scan.columns) - ({options.path_column} if options.include_path_column else set())
    wanted -= partition_columns(scan)
    if not wanted or not wanted <= set(names) or len(wanted) == len(names):
        return None
    return {f"c{i}": name for i, name in enumerate(names) if name in wanted}


def projected_positions(projection: Optional[Dict[str, str]]) -> Optional[List[int]]:
    """The column positions a csv_projection reads (None: all)."""
    return sorted(int(c[1:]) for c in projection) if projection else None


def _typed_single_file(scan: Scan, chosen, projection) -> Optional[pl.DataFrame]:
    """Fast path for a full read of one UTF-8 file: infer from its first rows, then let polars
    parse the number columns directly.  None when it does not apply or the file needs care."""
    options: ReadDelimited = scan.read
    spec = options.infer_column_types
    if (len(chosen) != 1 or scan.limit is not None or options.empty_as_string or scan.partition_formats
            or options.header not in ("all_files_same_headers", "no_header", "from_first_file")
            or options.encoding not in ("utf8", "ascii") or len(options.delimiter[:1].encode()) != 1):
        return None
    index, file = chosen[0]
    positions = projected_positions(projection)
    head = delimited.read_raw(file, index, options, spec.sample_size + 1, positions)
    if projection:
        head_frame, = delimited.projected_frames([head], options.header, projection)
        names = projection
    else:
        head_frame, = delimited.named_frames([head], options.header)
        names = {raw: name for raw, name in zip(head.frame.columns, head_frame.columns)}
    kinds = delimited.infer_types(head_frame.head(spec.sample_size), options)
    by_position = {int(raw[1:]): kinds[name] for raw, name in names.items()}
    frame = delimited.read_typed(file, options, sorted(by_position), by_position,
                                 has_header=options.header != "no_header", keep=_rows_kept(scan, names, kinds))
    if frame is None:
        return None
    return typed_file_frame(frame.rename(names), index, file, scan, kinds)


def _rows_kept(scan: Scan, names: Dict[str, str], kinds: dict):
    """For read_typed: the scan's predicate applied to the parsed columns (c<position> names), when
    the columns it reads are typed as it will see them (numbers parsed by polars, strings); else None."""
    options: ReadDelimited = scan.read
    if scan.predicate is None or options.include_path_column or scan.partition_formats:
        return None
    referenced = columns_read(scan.predicate)
    if referenced is None or not referenced <= set(names.values()) or any(
            kinds[name] not in (inference.INT, inference.FLOAT, inference.STRING, inference.EMPTY)
            for name in referenced):
        return None
    positional = {name: raw for raw, name in names.items()}

    def keep(lazy: pl.LazyFrame) -> pl.LazyFrame:
        named = lazy.rename(names)
        return named.filter(compile_predicate(scan.predicate, named.collect_schema())).rename(positional)
    return keep


def typed_file_frame(frame: pl.DataFrame, index: int, file: SourceFile, scan: Scan, kinds: dict) -> pl.DataFrame:
    """A file's named string columns (or some of its rows), typed, with its Path column and partition tag."""
    options: ReadDelimited = scan.read
    if scan.columns is not None:  # type only the columns that will be used
        keep = set(scan.columns)
        frame = frame.drop([c for c in frame.columns if c not in keep])  # none left: the rows still count
    frame = delimited.type_columns(frame, kinds)
    if options.include_path_column:
        frame = with_path(frame, options.path_column, file.display)
    return frame.with_columns(pl.lit(index, dtype=pl.UInt32).alias(PARTITION))


def scan_delimited(scan: Scan, files: Sequence[SourceFile], progress: Progress) -> ScanResult:
    chosen = select_files(files, scan.partitions)
    projection = csv_projection(scan, chosen)
    typed = _typed_single_file(scan, chosen, projection)
    if typed is not None:
        return ScanResult(_finish(sampled(typed, scan.sample), scan))
    return ScanResult(_finish(sampled(_strings_then_typed(scan, files, chosen, projection, progress), scan.sample),
                              scan))


def _strings_then_typed(scan: Scan, files, chosen, projection, progress: Progress) -> pl.DataFrame:
    """Every file read as strings, typed after inference over the combined first rows."""
    options: ReadDelimited = scan.read
    partitions = file_partitions(scan, files)
    if partitions is not None:
        chosen = [(index, file) for index, file in chosen if index not in partitions.dropped]
        if scan.file_filter is not None:
            return _pruned_strings_then_typed(scan, files, chosen, projection, progress, partitions)
    sample_size = options.infer_column_types.sample_size
    max_lines = None
    if scan.limit is not None and scan.predicate is None and scan.sample is None:
        max_lines = max(scan.limit, sample_size) + 1  # + a header line; inference still sees its sample
    positions = projected_positions(projection)
    raws = []
    rows = 0
    if max_lines is None:
        prefetch(file for _, file in chosen)  # remote files: fetched several at a time
    for index, file in chosen:
        raw = delimited.read_raw(file, index, options, max_lines, positions)
        raws.append(raw)
        rows += raw.frame.height
        progress.advance(nbytes=file.size, files=1)
        if max_lines is not None and rows >= max_lines + len(raws):
            break
    return _typed_files(scan, files, raws, projection, partitions)


def _typed_files(scan: Scan, files, raws, projection, partitions: Optional[FilePartitions],
                 survivors: Optional[set] = None) -> pl.DataFrame:
    """The files' string columns typed after inference over their combined first rows; only the
    ``survivors`` (when given) are kept afterwards."""
    frames = named_files(raws, scan.read, projection)
    if partitions is None:
        kinds = infer_from_heads(frames, scan.read)
    else:
        frames = [with_partition_values(frame, raw.file_index, partitions) for raw, frame in zip(raws, frames)]
        kinds = partition_kinds(scan, partitions, raws, frames)
    typed = []
    for raw, frame in zip(raws, frames):
        if survivors is not None and raw.file_index not in survivors:
            continue
        frame = typed_file_frame(frame, raw.file_index, files[raw.file_index], scan, kinds)
        typed.append(frame.with_columns(partitions.error_columns(raw.file_index)) if partitions else frame)
    return concat_frames(typed)


# -- delimited files with partition columns --------------------------------------

def file_partitions(scan: Scan, files) -> Optional[FilePartitions]:
    """The scan's partition values for each file, or None when it has no partition format."""
    return FilePartitions(scan.partition_formats, files) if scan.partition_formats else None


def files_to_open(scan: Scan, files, partitions: Optional[FilePartitions] = None) -> List[int]:
    """The files a scan with partition formats opens: those ignore_errors keeps (parquet opens
    the others too, to number its row groups), less those the file filter rules out.  A delimited
    scan also opens its first files, whose rows fix the column types."""
    partitions = partitions or FilePartitions(scan.partition_formats, files)
    if isinstance(scan.read, FILE_TYPED_READS):
        return surviving_files(scan, partitions, range(len(files)))
    kept = partitions.kept(range(len(files)))
    if not isinstance(scan.read, ReadDelimited) or scan.file_filter is None:
        return surviving_files(scan, partitions, kept)
    chosen = [(index, files[index]) for index in kept]
    projection = csv_projection(scan, chosen)
    positions = projected_positions(projection)
    raws = _sample_raws(scan, chosen, positions, SILENT)
    survivors = delimited_survivors(scan, chosen, projection, partitions, raws)
    return sorted(survivors | {raw.file_index for raw in raws})


def partition_columns(scan: Scan) -> set:
    return {step_column for step in scan.partition_formats
            for step_column in parse_partition_format(step.partition_format).columns}


def with_partition_values(frame: pl.DataFrame, index: int, partitions: FilePartitions) -> pl.DataFrame:
    """A delimited file's named string columns with its partition columns in front (mltable's order)."""
    partitions.check_clash(frame.columns)
    return frame.select(partitions.literals(index) + [pl.all()])


def partition_kinds(scan: Scan, partitions: FilePartitions, raws, frames: List[pl.DataFrame]) -> dict:
    """Column kinds inferred from the first rows, partition columns included (their date columns
    are datetimes already); partition values that do not fit their kind become error values."""
    sample_size = scan.read.infer_column_types.sample_size
    kinds = infer_from_heads([frame.drop(partitions.date_columns) for frame in frames], scan.read)
    if scan.read.infer_column_types.enabled:
        sampled, rows = [], 0
        for raw, frame in zip(raws, frames):
            if rows >= sample_size:
                break
            if frame.height:
                sampled.append(raw.file_index)
                rows += frame.height
        partitions.check_sample(sampled)
    partitions.convert([raw.file_index for raw in raws], lambda values: delimited.type_columns(values, kinds))
    return kinds


def _sample_raws(scan: Scan, chosen, positions, progress: Progress) -> list:
    """The first files, read until they hold the rows type inference looks at."""
    options: ReadDelimited = scan.read
    raws, rows = [], 0
    for index, file in chosen:
        if rows >= options.infer_column_types.sample_size + len(raws):  # + a header line per file
            break
        raws.append(delimited.read_raw(file, index, options, None, positions))
        rows += raws[-1].frame.height
        progress.advance(nbytes=file.size, files=1)
    return raws


def delimited_survivors(scan: Scan, chosen, projection, partitions: FilePartitions, raws) -> set:
    """The files whose partition values, typed as the rows will be, pass the scan's file filter.

    The types come from the first rows (``raws``), as without pruning, so the
    first files are read whether their values pass or not.
    """
    frames = [with_partition_values(frame, raw.file_index, partitions)
              for raw, frame in zip(raws, named_files(raws, scan.read, projection))]
    kinds = partition_kinds(scan, partitions, raws, frames)
    indexes = [index for index, _ in chosen]
    values = partitions.convert(indexes, lambda frame: delimited.type_columns(frame, kinds))
    return set(surviving_files(scan, partitions, indexes, values))


def _pruned_strings_then_typed(scan: Scan, files, chosen, projection, progress: Progress,
                               partitions: FilePartitions) -> pl.DataFrame:
    positions = projected_positions(projection)
    raws = _sample_raws(scan, chosen, positions, progress)
    survivors = delimited_survivors(scan, chosen, projection, partitions, raws)
    read = {raw.file_index for raw in raws}
    for index, file in chosen:
        if index in survivors and index not in read:
            raws.append(delimited.read_raw(file, index, scan.read, None, positions))
            progress.advance(nbytes=file.size, files=1)
    return _typed_files(scan, files, raws, projection, partitions, survivors)


def named_files(raws, options: ReadDelimited, projection) -> List[pl.DataFrame]:
    """Files' raw string columns named as the header mode says, headers split off."""
    if projection:
        return delimited.projected_frames(raws, options.header, projection)
    return delimited.named_frames(raws, options.header)


def infer_from_heads(frames: List[pl.DataFrame], options: ReadDelimited) -> dict:
    """Column kinds from the first ``sample_size`` rows of the files, in order."""
    sample_size = options.infer_column_types.sample_size
    sample = concat_frames([f.head(sample_size) for f in frames]).head(sample_size)
    return delimited.infer_types(sample, options)


# -- parquet -------------------------------------------------------------------

def parquet_read(scan: Scan, layouts) -> Optional[pl.LazyFrame]:
    """Every row the scan reads, lazily (before its columns, predicate and limit); None if nothing.

    Partitions are row groups; ``scan.partitions`` are read without the others.
    """
    options: ReadParquet = scan.read
    partitions = scan.partitions
    if partitions is not None:
        partitions = selected_partitions(partitions, sum(layout.partition_count for layout in layouts))
    if scan.sample is not None:  # read at once: the sample is small
        columns = None if scan.columns is None else frozenset(scan.columns) | frozenset(HIDDEN)
        sampled = parquet.sampled_frame(layouts, scan.sample, PARTITION, scan.tag_partitions, columns)
        lazy = None if sampled is None else sampled.lazy()
    else:
        lazy = parquet.scan(layouts, partitions, PARTITION, scan.tag_partitions)
    if lazy is None or not options.include_path_column:
        return lazy
    displays = {i: layout.file.display for layout in layouts
                for i in range(layout.first_partition, layout.first_partition + layout.partition_count)}
    return lazy.select(pl.col(PARTITION).replace_strict(displays, return_dtype=pl.String)
                       .alias(options.path_column), pl.all())


def scan_parquet(scan: Scan, files: Sequence[SourceFile], progress: Progress) -> ScanResult:
    if not scan.partition_formats:
        return scan_layouts(scan, parquet.read_layouts(files))  # also rejects files that are not parquet
    partitions = FilePartitions(scan.partition_formats, files)
    indexes = files_to_open(scan, files, partitions)  # footers of the others are not read
    if not numbered(scan):  # files ignore_errors drops are not read; else they count in the row group numbers
        indexes = partitions.kept(indexes)
    return scan_partitioned(scan, partitions, parquet.read_layouts([files[i] for i in indexes]), indexes)


def numbered(scan: Scan) -> bool:
    """Whether rows need the numbers of the row groups of every file (files cannot be left out)."""
    return scan.partitions is not None or scan.sample is not None or scan.tag_partitions


def scan_partitioned(scan: Scan, partitions: FilePartitions, layouts, indexes: List[int], every=None) -> ScanResult:
    """Parquet files (``layouts`` of the files ``indexes``) read with their partition columns."""
    partitions.check_clash({name for layout in layouts for name in layout.schema.names})
    failing = any(partitions.errors[i] is not None for i in indexes)
    layouts = [replace(layout, constants=partitions.constants(i, failing)) for layout, i in zip(layouts, indexes)]
    dropped = [tag for layout, i in zip(layouts, indexes) if i in partitions.dropped
               for tag in range(layout.first_partition, layout.first_partition + layout.partition_count)]
    if not dropped:
        return scan_layouts(scan, layouts, every, failing)
    return scan_layouts(replace(scan, tag_partitions=True), layouts, every, failing, ~pl.col(PARTITION).is_in(dropped))


def scan_layouts(scan: Scan, layouts, every=None, failing: bool = False,
                 rows: Optional[pl.Expr] = None) -> ScanResult:
    """The rows of these parquet files (those ``rows`` keeps), with what the scan pushed down applied.

    ``every`` (all the table's files, when only some are read) gives the columns and
    their types.  ``failing``: some files have error values in their partition columns
    (ERRORS), which fails the read of their rows, whatever the filter says.
    """
    lazy = parquet_read(scan, layouts)
    if every is not None and every is not layouts:  # columns of the files not read: null
        lazy = pl.concat([_empty_frame(every, scan).lazy()] + ([lazy] if lazy is not None else []),
                         how="diagonal_relaxed")
        layouts = every
    if lazy is None:
        return ScanResult(pl.DataFrame())
    if rows is not None:
        lazy = lazy.filter(rows)
    lazy = _finish(lazy, scan, pl.col(ERRORS).is_not_null() if failing else None)  # polars pushes these down
    frame = lazy.collect()
    if failing:
        check_read(frame)
    return ScanResult(frame, parquet.arrow_types(layouts))


# -- Delta Lake ----------------------------------------------------------------

def scan_delta(scan: Scan, table: delta.DeltaVersion, progress: Progress) -> ScanResult:
    """A Delta version's files read as parquet, except those whose statistics rule out the predicate.

    Skipping a file changes neither the columns nor their types: the result has every column
    of every file, as a full read would.  A skipped file's footer is not read either, unless
    rows need their true partition numbers (sampling, select_partitions, Path) or the files
    read lack some column of the table's schema (then every footer is, to know the columns).
    """
    keep = delta.files_to_read(table, scan.predicate) if scan.partitions is None else [True] * len(table)
    partitions = file_partitions(scan, table.files)
    if partitions is not None:  # partition formats read the data files' paths; their file filter skips files too
        opened = set(files_to_open(scan, table.files, partitions))
        keep = [kept and i in opened for i, kept in enumerate(keep)]
    if all(keep):
        reading, every = parquet.read_layouts(table.files), None
    elif scan.tag_partitions:
        every = parquet.read_layouts(table.files)  # numbers the row groups of every file
        reading = [layout for layout, kept in zip(every, keep) if kept]
    else:
        reading = parquet.read_layouts([file for file, kept in zip(table.files, keep) if kept])
        read_columns = {name for layout in reading for name in layout.schema.names}
        every = reading if read_columns >= set(table.columns) else parquet.read_layouts(table.files)
    if partitions is None:
        return scan_layouts(scan, reading, every=every)
    return scan_partitioned(scan, partitions, reading, [i for i, kept in enumerate(keep) if kept], every)


def _empty_frame(layouts, scan: Scan) -> pl.DataFrame:
    """No rows, with the columns (and types) of a full read of these files."""
    frames = [pl.from_arrow(pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type)
                                                else f.type) for f in layout.schema]).empty_table())
              for layout in layouts]
    columns = pl.concat(frames, how="diagonal_relaxed")
    if scan.read.include_path_column:
        columns = pl.DataFrame(schema={scan.read.path_column: pl.String}).hstack(columns)
    return columns


# -- JSON lines ----------------------------------------------------------------

def scan_json_lines(scan: Scan, files: Sequence[SourceFile], progress: Progress,
                    speculate: bool = False) -> ScanResult:
    """``speculate``: whole files are read without waiting for the checks that prove polars'
    parse (jsonl.read_file_speculatively); the result is then pending."""
    options: ReadJsonLines = scan.read
    ranges = block_ranges(scan, files)
    if ranges is not None:  # select_partitions picks blocks of large files (mltable's partitions)
        chosen, speculate = [(index, files[index], byte_range) for index, byte_range in ranges], False
    else:
        chosen = [(index, file, None) for index, file in select_files(files, scan.partitions)]
    partitions = file_partitions(scan, files)
    if partitions is not None:
        opened = set(files_to_open(scan, files, partitions))
        chosen = [entry for entry in chosen if entry[0] in opened]
    if not heads_only(scan):
        prefetch(file for _, file, _ in chosen)  # remote files: fetched several at a time

    def read(index: int, file: SourceFile, byte_range=None, rows: Optional[int] = None) -> pl.DataFrame:
        if byte_range is not None:  # a block of the file, typed on its own as mltable types a partition
            frame = jsonl.read_block(blocks.range_block(file, byte_range), file, options, rows)
        elif rows is None:
            frame = jsonl.read_file(file, options)
        else:
            frame = jsonl.read_head(file, options, rows)
        progress.advance(nbytes=file.size if byte_range is None else byte_range[1] - byte_range[0], files=1)
        return frame

    def result(read_one) -> ScanResult:
        frame = concat_frames(list(_json_frames(scan, chosen, partitions, read_one)))
        return ScanResult(_finish(sampled(frame, scan.sample), scan))

    if not speculate or scan.limit is not None:
        return result(read)
    speculations: Dict[int, jsonl.Speculation] = {}

    def read_speculatively(index: int, file: SourceFile, byte_range=None) -> pl.DataFrame:
        speculations[index] = jsonl.read_file_speculatively(file, options)
        progress.advance(nbytes=file.size, files=1)
        return speculations[index].frame

    def read_proven(index: int, file: SourceFile, byte_range=None) -> pl.DataFrame:
        return speculations[index].settle() if index in speculations else read(index, file)

    try:
        provisional = result(read_speculatively)
    except Exception:  # what a plain read gives: earlier files' errors first, or the proven rows
        return result(read_proven)

    def pending() -> Optional[ScanResult]:
        try:
            if all(speculation.settle() is speculation.frame for speculation in speculations.values()):
                return None
        except Exception:
            pass  # raised below, after any error an earlier file gives
        return result(read_proven)

    return replace(provisional, pending=pending)


TextPartition = Tuple[int, Optional[Tuple[int, int]]]  # (file index, byte range; None: the whole file)


def text_partitions(read, files: Sequence[SourceFile]) -> List[TextPartition]:
    """A delimited or JSON-lines table's partitions as mltable numbers them: its files, a file
    larger than partition_size cut into blocks (engine.blocks.partition_ranges)."""
    return [(index, byte_range) for index, file in enumerate(files)
            for byte_range in blocks.partition_ranges(read, file)]


def block_ranges(scan: Scan, files: Sequence[SourceFile]) -> Optional[List[TextPartition]]:
    """The partitions a text scan's select_partitions picks when some file is cut into blocks;
    None when it picks none or every partition is a file (select_files then does)."""
    if scan.partitions is None:
        return None
    pairs = text_partitions(scan.read, files)
    return None if len(pairs) == len(files) else [pairs[i] for i in selected_partitions(scan.partitions, len(pairs))]


def _json_frames(scan: Scan, chosen, partitions: Optional[FilePartitions], read) -> Iterator[pl.DataFrame]:
    """Each chosen file's rows (``read(index, file, byte_range)``, a block of it with a range) with
    partition columns and tags, in order, up to the scan's limit."""
    rows = 0
    head = heads_only(scan)  # only the rows taken are read
    for index, file, byte_range in chosen:
        frame = read(index, file, byte_range, scan.limit - rows) if head else read(index, file, byte_range)
        rows += frame.height
        if partitions is not None and frame.width:  # after the data columns
            partitions.check_clash(frame.columns)
            frame = frame.with_columns(partitions.literals(index) + partitions.error_columns(index))
        yield tagged_json_frame(frame, index, file, scan.read)
        if head and rows >= scan.limit:
            break


def heads_only(scan: Scan) -> bool:
    """Whether the scan's rows are the first rows of its files (a limit, nothing that drops rows before it)."""
    return scan.limit is not None and scan.predicate is None and scan.sample is None


def tagged_json_frame(frame: pl.DataFrame, index: int, file: SourceFile, options: ReadJsonLines) -> pl.DataFrame:
    """A file's rows (or some of them) with its Path column and partition tag."""
    if options.include_path_column:
        frame = with_path(frame, options.path_column, file.display)
    return frame.with_columns(pl.lit(index, dtype=pl.UInt32).alias(PARTITION))


# -- from_paths ------------------------------------------------------------------

def files_frame(files: Sequence[SourceFile]) -> pl.DataFrame:
    """One row per file, in one partition (as mltable counts a from_paths table)."""
    frame = pl.DataFrame({"Path": [f.display for f in files]}, schema={"Path": pl.String})
    return frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias(PARTITION))


def scan_files(scan: Scan, files: Sequence[SourceFile], progress: Progress) -> ScanResult:
    frame = files_frame(files)
    partitions = file_partitions(scan, files)
    if partitions is not None:  # after Path; the files a filter rules out are left out right away
        indexes = files_to_open(scan, files, partitions)
        frame = pl.concat([frame[indexes], partitions.frame(indexes, with_errors=True)], how="horizontal")
    return ScanResult(_finish(frame, scan))


READERS = {ReadDelimited: scan_delimited, ReadParquet: scan_parquet, ReadJsonLines: scan_json_lines,
           ReadDeltaLake: scan_delta, ListFiles: scan_files}
# readers that keep the parquet files' own column types (all-null columns keep theirs too)
FILE_TYPED_READS = (ReadParquet, ReadDeltaLake)


def scan_inputs(plan: PhysicalPlan):
    """What the scan reads: the files its paths name, or the files of a Delta table's version."""
    if isinstance(plan.scan.read, ReadDeltaLake):
        return delta.open_version(plan.scan.read, plan.paths, plan.base_dir)
    return resolve_paths(plan.paths, plan.base_dir, check_files=not isinstance(plan.scan.read, ListFiles),
                         storage_options=plan.storage_options)


# readers that can read speculatively (see ScanResult.pending)
SPECULATIVE_READERS = {ReadJsonLines: scan_json_lines}


def run_scan(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT,
             speculate: bool = False) -> ScanResult:
    """The scan's rows; ``progress`` hears of each file read where files are read one by one.

    ``speculate``: readers that can may give a pending result (ScanResult.pending).
    A select_partitions picking ranges of large delimited files is read by parts.scan_table.
    """
    if speculate and type(scan.read) in SPECULATIVE_READERS:
        return SPECULATIVE_READERS[type(scan.read)](scan, files, progress, speculate=True)
    return READERS[type(scan.read)](scan, files, progress)
