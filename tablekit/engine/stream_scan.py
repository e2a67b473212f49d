"""Running a Scan chunk by chunk, with memory bounded by a chunk.

A chunk is a block of whole records of a delimited or JSON-lines file (see
``engine.blocks``) or one parquet row group.  Every chunk comes out with the
same columns and types: the *read schema*, which is what the whole read
gives (as ``engine.scan`` would) and is known before the first chunk:

* delimited: the header(s) and the type inference sample (the first rows,
  exactly what decides the types of a whole read);
* parquet: the files' footers;
* JSON lines: mltable types a file's column by its first value, so the types
  are only known after the file: with ``exact`` every file is parsed once
  block by block to learn them (and again when streamed); without it (for
  ``schema()``) each file's first block stands for the file.

The scan's columns and predicate are applied to each chunk, its limit by
counting rows, and reading stops once the limit is met.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import polars as pl
import pyarrow as pa

from tablekit.engine import blocks, delimited, jsonl, parquet
from tablekit.engine.scan import (PARTITION, block_ranges, compile_predicate, concat_frames, csv_projection,
                                  files_frame, infer_from_heads, named_files, parquet_read, project, run_scan,
                                  select_files, selected_partitions, tagged_json_frame, typed_file_frame,
                                  with_path)
from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import ListFiles, ReadDelimited, ReadJsonLines, ReadParquet, Scan
from tablekit.progress import Progress
from tablekit.sources import SourceFile

Chunks = Callable[[], Iterator[pl.DataFrame]]  # eager frames or lazy (parquet) ones


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


def _text_blocks(file: SourceFile, encoding: str, quoted_records: bool) -> Iterator[blocks.Block]:
    if encoding == "utf16":  # two-byte units: a 0x0A byte is not a line break; read at once
        yield blocks.Block(file.source.read_bytes(file.path), 0, 1)
    else:
        yield from blocks.line_blocks(file, quoted_records)


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

    def chunks() -> Iterator[pl.DataFrame]:
        naming = delimited.HeaderNaming(options.header)
        for position, (index, file) in enumerate(chosen):
            header_row = None
            read_any = False
            for block in _text_blocks(file, options.encoding, options.support_multi_line):
                raw = delimited.read_block(block.data, file, index, options, positions).frame
                if projection:
                    if block.is_first and naming.has_header(position):
                        raw = raw.slice(1)
                    frame = raw.rename({c: projection[c] for c in raw.columns})
                else:
                    if block.is_first:
                        header_row, raw = delimited.split_header(raw, naming.has_header(position))
                    frame = raw.rename(dict(zip(raw.columns, naming.names(header_row, raw.width))))
                    _check_width(frame, named_columns, file, block)
                read_any = True
                progress.advance(nbytes=len(block.data))
                yield typed_file_frame(frame, index, file, scan, kinds)
            if not read_any:
                naming.names(None, 0)  # an empty file still takes its turn in naming (see named_frames)
            progress.advance(files=1)

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


def _check_width(frame: pl.DataFrame, columns: set, file: SourceFile, block: blocks.Block) -> None:
    extra = [c for c in frame.columns if c not in columns]
    if extra:
        raise data_error(ErrorCode.VALIDATION,
                         f"'{file.display}' has records with more fields than its first rows (columns "
                         f"{extra}, in the records from line {block.first_line} on). A stream fixes its "
                         "columns before reading; read this table with to_pandas_dataframe() or to_arrow().")


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
    limit = scan.limit if scan.predicate is None else None  # as a whole read: only the lines of the rows taken
    file_types: Dict[int, Dict[str, pl.DataType]] = {}
    chosen: List[Tuple[int, SourceFile]] = []
    rows = 0
    for index, file in select_files(files, scan.partitions):
        types = jsonl.FileTypes()
        for block in _text_blocks(file, options.encoding, False):
            frame = jsonl.read_block(block, file, options, None if limit is None else limit - rows)
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

    def chunks() -> Iterator[pl.DataFrame]:
        left = limit
        for index, file in chosen:
            for block in _text_blocks(file, options.encoding, False):
                frame = jsonl.conform_block(jsonl.read_block(block, file, options, left), file_types[index])
                progress.advance(nbytes=len(block.data))
                yield tagged_json_frame(frame, index, file, options)
                if left is not None:
                    left -= frame.height
                    if left <= 0:
                        return
            progress.advance(files=1)

    return schema, {}, chunks


# -- from_paths ----------------------------------------------------------------------

def _files(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool):
    frame = files_frame(files)
    return frame.schema, {}, lambda: iter([frame])


def _whole(scan: Scan, files, progress: Progress, exact: bool):
    """A read without a chunked reader here comes as one chunk: what the eager scan reads."""
    whole = run_scan(replace(scan, columns=None, predicate=None, limit=None), files, progress)
    return whole.frame.schema, whole.arrow_types, lambda: iter([whole.frame])


def _eager(scan: Scan, files, progress: Progress, exact: bool):
    """Partition columns (extract_columns_from_partition_format) come from the eager scan, as one
    chunk with everything the scan pushed down applied (files a filter rules out are not read)."""
    scanned = run_scan(scan, files, progress)
    return scanned.frame.schema, scanned.arrow_types, lambda: iter([scanned.frame])


READERS = {ReadDelimited: _delimited, ReadParquet: _parquet, ReadJsonLines: _json_lines, ListFiles: _files}


def open_scan(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool = True) -> ChunkedScan:
    """The scan's schema (reading only what fixes it) and its chunks (read as they are consumed)."""
    from tablekit.engine.parts import cuts_files  # built on the eager scan
    blocks_picked = cuts_files(scan, files) or (isinstance(scan.read, ReadJsonLines)
                                                and block_ranges(scan, files) is not None)
    reader = _eager if scan.partition_formats or blocks_picked else READERS.get(type(scan.read), _whole)
    read_schema, arrow_types, chunks = reader(scan, files, progress, exact)
    schema = project(pl.DataFrame(schema=read_schema), scan).schema
    predicate: Optional[pl.Expr] = None
    if scan.predicate is not None:
        predicate = compile_predicate(scan.predicate, schema)  # compiled once; a bad filter fails here

    def run() -> Iterator[pl.DataFrame]:
        remaining = scan.limit
        for chunk in chunks():
            frame = conform(chunk, schema)
            if predicate is not None:
                frame = frame.filter(predicate)
            if isinstance(frame, pl.LazyFrame):
                frame = frame.collect()
            if remaining is not None:
                frame = frame.head(remaining)
                remaining -= frame.height
            if frame.height:
                yield frame
            if remaining == 0:
                return

    return ChunkedScan(schema, arrow_types, run())
