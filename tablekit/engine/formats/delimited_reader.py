"""Delimited text tables (from_delimited_files): the reader behind ``FORMAT``.

Parsing a file's bytes into string columns and typing them is engine.delimited's
(with csv_tokenizer, inference, datetimes); this module reads a table of such
files: which files and columns, the types inferred over the table's first rows
(mltable's sample), partition columns, and the three ways of reading it
(engine.formats.base).  Partitions: the files in order, each cut into blocks at
record ends (engine.blocks); mltable's own partitions, which select_partitions
numbers, are ``partition_size`` ranges of the files.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import polars as pl

from tablekit.engine import blocks, delimited, inference
from tablekit.engine.formats.base import (DelimitedLayout, Format, Partitioned, Parts, conform_part,
                                          file_partitions, files_to_open as _default_files_to_open,
                                          part_readers_cover, partition_columns, text_partitions)
from tablekit.engine.frames import (PARTITION, Draws, Offset, SchemaChanged, ScanResult, compile_predicate,
                                    concat_frames, finish, sampled, select_files, selected_partitions, with_path)
from tablekit.engine.parallel import ordered_map
from tablekit.engine.partition_values import FilePartitions, surviving_files
from tablekit.errors import ErrorCode
from tablekit.expr import columns_read
from tablekit.plan.nodes import ReadDelimited, Scan
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile
from tablekit.sources.registry import prefetch


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


# -- whole read ----------------------------------------------------------------------

def read_whole(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT) -> ScanResult:
    if cuts_files(scan, files):  # select_partitions picks ranges of large files: each read as a Dask part
        return ScanResult(_read_selected_ranges(scan, files))
    chosen = select_files(files, scan.partitions)
    projection = csv_projection(scan, chosen)
    typed = _typed_single_file(scan, chosen, projection)
    if typed is not None:
        return ScanResult(finish(sampled(typed, scan.sample), scan))
    return ScanResult(finish(sampled(_strings_then_typed(scan, files, chosen, projection, progress), scan.sample),
                             scan))


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


# -- files with partition columns ----------------------------------------------------

def files_to_open(scan: Scan, files, partitions: Optional[FilePartitions] = None) -> List[int]:
    """engine.formats.base.files_to_open; a file filter here also opens the first files, whose
    rows fix the column types (and so the types its partition values are compared as)."""
    partitions = partitions or FilePartitions(scan.partition_formats, files)
    if scan.file_filter is None:
        return _default_files_to_open(scan, files, partitions)
    chosen = [(index, files[index]) for index in partitions.kept(range(len(files)))]
    projection = csv_projection(scan, chosen)
    raws = _sample_raws(scan, chosen, projected_positions(projection), SILENT)
    survivors = _survivors(scan, chosen, projection, partitions, raws)
    return sorted(survivors | {raw.file_index for raw in raws})


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
        sampled_files, rows = [], 0
        for raw, frame in zip(raws, frames):
            if rows >= sample_size:
                break
            if frame.height:
                sampled_files.append(raw.file_index)
                rows += frame.height
        partitions.check_sample(sampled_files)
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


def _survivors(scan: Scan, chosen, projection, partitions: FilePartitions, raws) -> set:
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
    survivors = _survivors(scan, chosen, projection, partitions, raws)
    read = {raw.file_index for raw in raws}
    for index, file in chosen:
        if index in survivors and index not in read:
            raws.append(delimited.read_raw(file, index, scan.read, None, positions))
            progress.advance(nbytes=file.size, files=1)
    return _typed_files(scan, files, raws, projection, partitions, survivors)


# -- partitions: blocks of the files -------------------------------------------------

def open_partitions(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool) -> Partitioned:
    """The table's blocks in order, parsed into strings on worker threads as they are read; the rows a
    pushed-down sample or skip keeps are then named and typed (on a worker thread, by the executor)."""
    options: ReadDelimited = scan.read
    chosen = select_files(files, scan.partitions)
    projection = csv_projection(scan, chosen)
    positions = projected_positions(projection)
    heads = _delimited_heads(scan, chosen, positions)
    frames = named_files(heads, options, projection)
    kinds = infer_from_heads(frames, options)
    schema = concat_frames([typed_file_frame(frame, raw.file_index, files[raw.file_index], scan, kinds)
                            for raw, frame in zip(heads, frames)]).schema
    named_columns = {name for frame in frames for name in frame.columns}

    def file_blocks():
        """(position, file index, file, read of a block) in table order; a file without any block once,
        with None."""
        for position, (index, file) in enumerate(chosen):
            read = None
            for read in blocks.block_reads(file, options.encoding, options.support_multi_line):
                yield position, index, file, read
            if read is None:
                yield position, index, file, None

    def parse(item):  # on a worker thread: the block read, its fields as strings, its line breaks
        position, index, file, read = item
        if read is None:
            return (position, index, file, None), None, 0
        block = read()
        lines = blocks.count_line_breaks(block.data)
        raw = delimited.read_block(block.data, file, index, options, positions, lines).frame
        return (position, index, file, block), raw, lines

    def chunks() -> Iterator[Callable[[], pl.DataFrame]]:
        naming = delimited.HeaderNaming(options.header)
        draws = Draws(scan.sample)  # drawn before typing: only the sampled rows are typed
        offset = Offset(scan.offset)  # dropped before typing too
        header_row, line = None, 1
        for (position, index, file, block), raw, lines in ordered_map(parse, file_blocks()):
            if block is None:
                naming.names(None, 0)  # an empty file still takes its turn in naming (see named_frames)
                progress.advance(files=1)
                continue
            if block.is_first:
                line = 1
            if projection:
                if block.is_first and naming.has_header(position):
                    raw = raw.slice(1)
                frame = raw.rename({c: projection[c] for c in raw.columns})
            else:
                if block.is_first:
                    header_row, raw = delimited.split_header(raw, naming.has_header(position))
                frame = raw.rename(dict(zip(raw.columns, naming.names(header_row, raw.width))))
                _check_width(frame, named_columns, file, line)
            line += lines
            progress.advance(nbytes=len(block.data), files=int(block.offset + len(block.data) >= file.size))
            frame = offset.dropped(draws.kept(frame, index))
            if frame.height:
                yield partial(typed_file_frame, frame, index, file, scan, kinds)

    return Partitioned(schema, {}, chunks, offset_dropped=True)


def _delimited_heads(scan: Scan, chosen, positions) -> List[delimited.RawFile]:
    """The first rows of the files, enough for type inference; with all_files_different_headers
    every file's header (the columns are their union)."""
    options: ReadDelimited = scan.read
    sample_size = options.infer_column_types.sample_size
    every_header = options.header == "all_files_different_headers"
    heads, rows = [], 0
    for index, file in chosen:
        if rows >= sample_size and not every_header:
            break
        lines = sample_size + 1 if rows < sample_size else 1
        head = delimited.read_raw(file, index, options, lines, positions)
        heads.append(head)
        rows += head.frame.height
    return heads


def _check_width(frame: pl.DataFrame, columns: set, file: SourceFile, first_line: int) -> None:
    extra = [c for c in frame.columns if c not in columns]
    if extra:
        raise SchemaChanged(f"'{file.display}' has records with more fields than its first rows (columns "
                            f"{extra}, in the records from line {first_line} on). A stream fixes its columns "
                            "before reading; read this table with to_pandas_dataframe() or to_arrow().",
                            ErrorCode.VALIDATION)


# -- parts: mltable's partitions, ranges of the files ---------------------------------

def plan_parts(parts: Parts) -> Optional[Parts]:
    """A delimited table's parts: its files, a large one cut into ranges (mltable's partitions, which
    select_partitions numbers over the files in order).  None (one part, the whole read) when a
    select_partitions after a take picks from rows tagged by range."""
    if parts.scan.block_partitions and cuts_files(parts.scan, parts.files):
        return None
    return _range_parts(parts)


def _range_parts(parts: Parts, every: Optional[Sequence[Tuple]] = None) -> Parts:
    """plan_parts; ``every``: all the table's partitions, when known."""
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
            and part_readers_cover(scan) and len(text_partitions(scan.read, files)) > len(files))


def _read_selected_ranges(scan: Scan, files: Sequence[SourceFile]) -> pl.DataFrame:
    """The rows of a delimited scan whose partitions are ranges of large files (see cuts_files), each
    range read on its own as a Dask part reads it, then the scan's columns, predicate and limit.

    Rows keep their file as partition tag (sampling draws by file, as everywhere), unless a
    select_partitions after the scan picks from the tags: then their range's number among the
    table's (mltable's partition).
    """
    every = text_partitions(scan.read, files)
    parts = _range_parts(Parts(scan=replace(scan, tag_partitions=True), stages=((),), global_steps=(),
                               files=tuple(files), partitions=(), ranges=(), schema={}, arrow_types={}), every)
    frames = [finish(conform_part(read_part(parts, partition, byte_range), parts, partition), parts.scan)
              for partition, byte_range in zip(parts.partitions, parts.ranges)]
    if scan.block_partitions:
        number = {pair: n for n, pair in enumerate(every)}
        frames = [frame.with_columns(pl.lit(number[parts.partitions[part], parts.ranges[part]],
                                            dtype=pl.UInt32).alias(PARTITION)) for part, frame in enumerate(frames)]
    return concat_frames(frames)


def _delimited_layout(scan: Scan, files: Sequence[SourceFile], pairs):
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
    positions = projected_positions(projection)
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


def read_part(parts: Parts, index: int, byte_range: Optional[Tuple[int, int]]) -> pl.DataFrame:
    """One delimited file, or a range of its records, named and typed as the whole table names and types it."""
    scan, layout = parts.scan, parts.delimited_layout
    options: ReadDelimited = scan.read
    file = parts.files[index]
    position = layout.positions[index]
    columns = projected_positions(layout.projection)
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


FORMAT = Format(read_whole=read_whole, open_partitions=open_partitions, plan_parts=plan_parts, read_part=read_part,
                files_to_open=files_to_open, picks_ranges=cuts_files)
