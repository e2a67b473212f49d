"""Running a Scan partition by partition, with memory bounded by the partitions in flight.

A partition is a block of whole records of a delimited or JSON-lines file
(see ``engine.blocks``) or one parquet row group.  Each format's reader lists
them in table order as *chunks*: a frame, a lazy frame (parquet) or a
function giving one (a delimited block's typing).  ``open_scan`` decodes the
chunks on worker threads (``engine.parallel``), a bounded number ahead, and
every chunk comes out with the same columns and types: the *read schema*,
which is what the whole read gives (as ``engine.scan`` would) and is known
before the first chunk:

* delimited: the header(s) and the type inference sample (the first rows,
  exactly what decides the types of a whole read);
* parquet: the files' footers;
* JSON lines: mltable types a file's column by its first value, so the types
  are only known after the file: with ``exact`` every file is parsed once
  block by block to learn them (and again when streamed); without it (for
  ``schema()`` and collecting reads) each file's first block stands for the
  file, and a later block typed otherwise raises SchemaChanged.

The scan's columns and predicate are applied to each chunk, its sample as
the blocks arrive (before typing), its limit by counting rows, and reading
stops once the limit is met.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import polars as pl
import pyarrow as pa

from tablekit.engine import blocks, delimited, jsonl, parquet, sample
from tablekit.engine.parallel import ordered_map
from tablekit.engine.parts import cuts_files, scan_table
from tablekit.engine.scan import (PARTITION, block_ranges, compile_predicate, concat_frames, csv_projection,
                                  files_frame, heads_only, infer_from_heads, named_files, parquet_read, project,
                                  select_files, selected_partitions, tagged_json_frame, typed_file_frame,
                                  with_path)
from tablekit.errors import ErrorCode, UserErrorException
from tablekit.plan.nodes import ListFiles, ReadDelimited, ReadJsonLines, ReadParquet, Scan
from tablekit.progress import Progress
from tablekit.sources import SourceFile

@dataclass
class ChunkedScan:
    schema: pl.Schema                      # every chunk's columns and types (with PARTITION if tagged)
    arrow_types: Dict[str, pa.DataType]    # exact source types (parquet)
    chunks: Iterator[pl.DataFrame]


def conform(frame, schema: pl.Schema):
    """``frame`` (eager or lazy) with exactly the columns of ``schema``, in its order and types;
    missing ones are null, as in a diagonal concatenation."""
    have = frame.collect_schema()
    if have == schema:
        return frame
    columns = []
    for name, dtype in schema.items():
        if name not in have:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
        elif have[name] != dtype:
            columns.append(pl.col(name).cast(dtype, strict=False))
        else:
            columns.append(pl.col(name))
    return frame.select(columns)


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


def compact(kept: pl.DataFrame, rows_before: int) -> pl.DataFrame:
    """``kept``, a few rows picked out of a block's ``rows_before``, with its own copy of their strings
    (parquet.compact_strings): else every block's text stays alive as long as its picked rows."""
    return parquet.compact_strings(kept) if kept.height * 2 < rows_before else kept


# -- delimited -------------------------------------------------------------------

def _delimited(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool):
    options: ReadDelimited = scan.read
    chosen = select_files(files, scan.partitions)
    projection = csv_projection(scan, chosen)
    positions = sorted(int(c[1:]) for c in projection) if projection else None
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
            # typed on a worker thread (open_scan's finish)
            frame = offset.dropped(draws.kept(frame, index))
            if frame.height:
                yield partial(typed_file_frame, frame, index, file, scan, kinds)

    return schema, {}, chunks


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


class SchemaChanged(UserErrorException):
    """Rows that need columns or types the stream fixed before reading them (records wider than
    the first rows, a JSON-lines block widening a type).  A collecting read (to_pandas_dataframe...)
    then reads the table whole instead."""


def _check_width(frame: pl.DataFrame, columns: set, file: SourceFile, first_line: int) -> None:
    extra = [c for c in frame.columns if c not in columns]
    if extra:
        raise SchemaChanged(f"'{file.display}' has records with more fields than its first rows (columns "
                            f"{extra}, in the records from line {first_line} on). A stream fixes its columns "
                            "before reading; read this table with to_pandas_dataframe() or to_arrow().",
                            ErrorCode.VALIDATION)


# -- parquet -----------------------------------------------------------------------

def _parquet(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool):
    options: ReadParquet = scan.read
    layouts = parquet.read_layouts(files)
    whole = parquet_read(scan, layouts)
    schema = whole.collect_schema() if whole is not None else pl.Schema()
    partitions = scan.partitions
    if partitions is not None:
        partitions = selected_partitions(partitions, sum(layout.partition_count for layout in layouts))

    def chunks() -> Iterator[pl.LazyFrame]:
        current = None
        for layout, row_group, lazy in parquet.row_group_scans(layouts, partitions, scan.sample, PARTITION):
            if current is not None and layout is not current:
                progress.advance(files=1)
            current = layout
            if options.include_path_column:
                lazy = with_path(lazy, options.path_column, layout.file.display)
            if not scan.tag_partitions:
                lazy = lazy.drop(PARTITION)
            progress.advance(nbytes=layout.file.size * layout.row_group_rows[row_group]
                             // max(1, sum(layout.row_group_rows)))
            yield lazy
        if current is not None:
            progress.advance(files=1)

    return schema, parquet.arrow_types(layouts), chunks


# -- JSON lines --------------------------------------------------------------------

def _json_lines(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool):
    options: ReadJsonLines = scan.read
    limit = scan.limit if heads_only(scan) else None  # as a whole read: only the lines of the rows taken
    file_types: Dict[int, Dict[str, pl.DataType]] = {}
    chosen: List[Tuple[int, SourceFile]] = []
    rows = 0
    parsed: Dict[int, pl.DataFrame] = {}  # the first file's first block, parsed here and streamed later
    for index, file in select_files(files, scan.partitions):
        types = jsonl.FileTypes()
        for block in blocks.text_blocks(file, options.encoding):
            frame = jsonl.read_block(block, file, options, None if limit is None else limit - rows)
            if not chosen and block.is_first:
                parsed[index] = frame
            types.add(frame)
            rows += frame.height
            if not exact or (limit is not None and rows >= limit):
                break
        file_types[index] = types.types
        chosen.append((index, file))
        if exact and limit is not None and rows >= limit:
            break  # as a whole read, which stops at the file that completes the limit
    schema = concat_frames([tagged_json_frame(pl.DataFrame(schema=file_types[index]), index, file, options)
                            for index, file in chosen]).schema

    def file_blocks():
        for index, file in chosen:
            for block in blocks.text_blocks(file, options.encoding):  # lines counted: errors name them
                yield index, file, block
            yield index, file, None  # the file's end

    def parse(item):  # on a worker thread, unless a limit needs the rows of the blocks before
        index, file, block = item
        if block is None:
            return item, None
        if block.is_first and index in parsed:
            return item, parsed.pop(index)
        return item, jsonl.read_block(block, file, options, left)

    left = limit

    def chunks() -> Iterator[pl.DataFrame]:
        nonlocal left
        draws = Draws(scan.sample)
        offset = Offset(scan.offset)
        types = jsonl.FileTypes()
        for (index, file, block), frame in ordered_map(parse, file_blocks(), 1 if limit is not None else None):
            if block is None:
                types = jsonl.FileTypes()
                progress.advance(files=1)
                continue
            types.add(frame)
            if not exact and _widens(types.types, file_types[index]):
                raise SchemaChanged(f"'{file.display}' has values from line {block.first_line} on that its "
                                    "first block does not type.", ErrorCode.VALIDATION)
            frame = jsonl.conform_block(frame, file_types[index])
            progress.advance(nbytes=len(block.data))
            if left is not None:
                left -= frame.height
            yield tagged_json_frame(offset.dropped(draws.kept(frame, index)), index, file, options)
            if left is not None and left <= 0:
                return

    return schema, {}, chunks


def _widens(seen: Dict[str, pl.DataType], fixed: Dict[str, pl.DataType]) -> bool:
    """Whether the types of the blocks read so far differ from those the stream fixed."""
    return any(fixed.get(name) != dtype for name, dtype in seen.items())


# -- from_paths ----------------------------------------------------------------------

def _files(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool):
    frame = files_frame(files)
    return frame.schema, {}, lambda: iter([frame])


def _whole(scan: Scan, files, progress: Progress, exact: bool):
    """A read without a chunked reader here comes as one chunk: what the eager scan reads."""
    whole = scan_table(replace(scan, columns=None, predicate=None, limit=None), files, progress)
    return whole.frame.schema, whole.arrow_types, lambda: iter([whole.frame])


def _eager(scan: Scan, files, progress: Progress, exact: bool):
    """Partition columns (extract_columns_from_partition_format) come from the eager scan, as one
    chunk with everything the scan pushed down applied (files a filter rules out are not read)."""
    scanned = scan_table(scan, files, progress)
    return scanned.frame.schema, scanned.arrow_types, lambda: iter([scanned.frame])


READERS = {ReadDelimited: _delimited, ReadParquet: _parquet, ReadJsonLines: _json_lines, ListFiles: _files}


def open_scan(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool = True) -> ChunkedScan:
    """The scan's schema (reading only what fixes it) and its chunks (read as they are consumed)."""
    blocks_picked = cuts_files(scan, files) or (isinstance(scan.read, ReadJsonLines)
                                                and block_ranges(scan, files) is not None)
    reader = _eager if scan.partition_formats or blocks_picked else READERS.get(type(scan.read), _whole)
    read_schema, arrow_types, chunks = reader(scan, files, progress, exact)
    schema = project(pl.DataFrame(schema=read_schema), scan).schema
    predicate: Optional[pl.Expr] = None
    if scan.predicate is not None:
        predicate = compile_predicate(scan.predicate, schema)  # compiled once; a bad filter fails here

    def finish(chunk) -> pl.DataFrame:  # on a worker thread: a partition's decoding
        frame = conform(chunk() if callable(chunk) else chunk, schema)
        if predicate is None:
            return frame.collect() if isinstance(frame, pl.LazyFrame) else frame
        if isinstance(frame, pl.LazyFrame):  # parquet: polars filters while decoding
            return frame.filter(predicate).collect()
        return compact(frame.filter(predicate), frame.height)

    # the text readers drop the offset's rows as they read them; whole reads drop them too
    offset = Offset(0 if reader in (_delimited, _json_lines, _eager, _whole) else scan.offset)

    def run() -> Iterator[pl.DataFrame]:
        remaining = None if scan.limit is None else max(0, scan.limit - scan.offset)  # the limit counts the offset
        if remaining == 0:
            return
        with closing(ordered_map(finish, chunks())) as frames:  # closed early: the reads in flight stop
            for frame in frames:
                frame = offset.dropped(frame)
                if remaining is not None:
                    frame = frame.head(remaining)
                    remaining -= frame.height
                if frame.height:
                    yield frame
                if remaining == 0:
                    return

    return ChunkedScan(schema, arrow_types, run())
