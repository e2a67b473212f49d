"""JSON-lines tables (from_json_lines_files): the reader behind ``FORMAT``.

Parsing and checking lines the way mltable does is engine.jsonl's; this module
reads a table of such files.  mltable types a file's column by its values in
that file, so each file is typed on its own and the files are concatenated,
widening types.  Partitions: the files in order, each cut into blocks at line
ends (engine.blocks); mltable's own partitions, which select_partitions
numbers, are ``partition_size`` ranges of the files.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import polars as pl

from tablekit.engine import blocks, delimited, jsonl
from tablekit.engine.formats.base import (JSON_HEAD_LINES, Format, Partitioned, Parts, block_ranges,
                                          file_partitions, files_to_open, numbered_parts, whole_scan)
from tablekit.engine.frames import (PARTITION, Draws, Offset, SchemaChanged, ScanResult, concat_frames, finish,
                                    heads_only, sampled, select_files, with_path)
from tablekit.engine.parallel import ordered_map
from tablekit.engine.partition_values import FilePartitions
from tablekit.errors import ErrorCode
from tablekit.plan.nodes import ReadJsonLines, Scan
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile
from tablekit.sources.registry import prefetch


def tagged_json_frame(frame: pl.DataFrame, index: int, file: SourceFile, options: ReadJsonLines) -> pl.DataFrame:
    """A file's rows (or some of them) with its Path column and partition tag."""
    if options.include_path_column:
        frame = with_path(frame, options.path_column, file.display)
    return frame.with_columns(pl.lit(index, dtype=pl.UInt32).alias(PARTITION))


# -- whole read ----------------------------------------------------------------------

def read_whole(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT,
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
        return ScanResult(finish(sampled(frame, scan.sample), scan))

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


# -- partitions: blocks of the files -------------------------------------------------

def open_partitions(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool) -> Partitioned:
    """Each file's types, then its blocks parsed on worker threads.  ``exact``: every file is parsed
    once first to learn its types; else its first block stands for it (SchemaChanged if not)."""
    options: ReadJsonLines = scan.read
    limit = scan.limit if heads_only(scan) else None  # as a whole read: only the lines of the rows taken
    file_types: Dict[int, Dict[str, pl.DataType]] = {}
    chosen: List[Tuple[int, SourceFile]] = []
    rows = 0
    parsed: Dict[int, tuple] = {}  # the first file's first block, parsed here and streamed later
    for index, file in select_files(files, scan.partitions):
        types = jsonl.FileTypes()
        for block in blocks.text_blocks(file, options.encoding):
            frame, invalid = jsonl.read_block_until_invalid(block, file, options,
                                                            None if limit is None else limit - rows)
            if not chosen and block.is_first:
                parsed[index] = frame, invalid
            types.add(frame)
            rows += frame.height
            if not exact or invalid is not None or (limit is not None and rows >= limit):
                break  # an invalid line: no row after it is read without raising its error
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
            return item, (None, None)
        if block.is_first and index in parsed:
            return item, parsed.pop(index)
        return item, jsonl.read_block_until_invalid(block, file, options, left, file_types[index])

    left = limit

    def chunks() -> Iterator[pl.DataFrame]:
        nonlocal left
        draws = Draws(scan.sample)
        offset = Offset(scan.offset)
        types = jsonl.FileTypes()
        for (index, file, block), (frame, invalid) in ordered_map(parse, file_blocks(),
                                                                  1 if limit is not None else None):
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
            if invalid is not None:  # raised if the executor needs a row past it (as a chunk: in table order)
                yield partial(_raise, invalid)
                return
            if left is not None and left <= 0:
                return

    return Partitioned(schema, {}, chunks, offset_dropped=True)


def _raise(error: Exception):
    raise error


def _widens(seen: Dict[str, pl.DataType], fixed: Dict[str, pl.DataType]) -> bool:
    """Whether the types of the blocks read so far differ from those the stream fixed."""
    return any(fixed.get(name) != dtype for name, dtype in seen.items())


# -- parts: the files ------------------------------------------------------------------

def plan_parts(parts: Parts) -> Optional[Parts]:
    """One part per file, typed as the first JSON_HEAD_LINES lines of every file type the table.
    None (one part, the whole read) when select_partitions picks blocks of large files."""
    if block_ranges(parts.scan, parts.files) is not None:
        return None
    options: ReadJsonLines = parts.scan.read
    frames = []
    for index, file in enumerate(parts.files):
        head = delimited.read_head_bytes(file, JSON_HEAD_LINES, options.encoding)
        frame = jsonl.read_exact(head, options, file.display)
        frames.append(tagged_json_frame(frame, index, file, options))
    return numbered_parts(replace(parts, schema=dict(concat_frames(frames).schema)), len(parts.files))


def read_part(parts: Parts, partition: int, byte_range=None) -> pl.DataFrame:
    return read_whole(replace(whole_scan(parts.scan), partitions=(partition,)), parts.files).frame


FORMAT = Format(read_whole=read_whole, open_partitions=open_partitions, plan_parts=plan_parts, read_part=read_part,
                read_speculatively=partial(read_whole, speculate=True),
                picks_ranges=lambda scan, files: block_ranges(scan, files) is not None)
