"""Running a Scan partition by partition, with memory bounded by the partitions in flight.

The format's reader (engine.formats) lists the partitions in table order as
*chunks* (a text file's block, a parquet row group: a frame, a lazy frame, or
a function giving one) and gives the *read schema* before the first of them:
every chunk comes out with those columns and types, which are what the whole
read gives.  ``open_scan`` decodes the chunks on worker threads
(``engine.parallel``), a bounded number ahead, applies the scan's columns and
predicate to each, its limit by counting rows, and stops reading once the
limit is met.  The text readers draw the scan's sample and drop its offset as
the blocks arrive (before typing); for the others the offset is dropped here.

A format without a partition reader, a read with partition columns, or a
select_partitions picking mltable's ranges of large text files comes as one
chunk: the format's whole read.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, replace
from typing import Dict, Iterator, Optional, Sequence

import polars as pl
import pyarrow as pa

from tablekit.engine.formats import format_of, read_whole
from tablekit.engine.formats.base import Partitioned
from tablekit.engine.frames import Offset, compact, compile_predicate, conform, project
from tablekit.engine.parallel import ordered_map
from tablekit.plan.nodes import Scan
from tablekit.progress import Progress
from tablekit.sources import SourceFile


@dataclass
class ChunkedScan:
    schema: pl.Schema                      # every chunk's columns and types (with PARTITION if tagged)
    arrow_types: Dict[str, pa.DataType]    # exact source types (parquet)
    chunks: Iterator[pl.DataFrame]


def _one_chunk(scan: Scan, files, progress: Progress, pushed: bool) -> Partitioned:
    """The whole read as one chunk: ``pushed``, with the scan's pushdowns applied there (files a
    partition filter rules out are not read); else they are applied to the chunk, as to any."""
    if not pushed:
        scan = replace(scan, columns=None, predicate=None, limit=None)
    scanned = read_whole(scan, files, progress)
    return Partitioned(scanned.frame.schema, scanned.arrow_types, lambda: iter([scanned.frame]), offset_dropped=True)


def partitioned(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool) -> Partitioned:
    reader = format_of(scan.read)
    if scan.partition_formats or (reader.picks_ranges is not None and reader.picks_ranges(scan, files)):
        return _one_chunk(scan, files, progress, pushed=True)
    if reader.open_partitions is None:
        return _one_chunk(scan, files, progress, pushed=False)
    return reader.open_partitions(scan, files, progress, exact)


def open_scan(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool = True) -> ChunkedScan:
    """The scan's schema (reading only what fixes it) and its chunks (read as they are consumed)."""
    read = partitioned(scan, files, progress, exact)
    collect = format_of(scan.read).collect
    schema = project(pl.DataFrame(schema=read.schema), scan).schema
    predicate: Optional[pl.Expr] = None
    if scan.predicate is not None:
        predicate = compile_predicate(scan.predicate, schema)  # compiled once; a bad filter fails here

    def finish(chunk) -> pl.DataFrame:  # on a worker thread: a partition's decoding
        frame = conform(chunk() if callable(chunk) else chunk, schema)
        if predicate is None:
            return collect(frame, files) if isinstance(frame, pl.LazyFrame) else frame
        if isinstance(frame, pl.LazyFrame):  # parquet: polars filters while decoding
            return collect(frame.filter(predicate), files)
        return compact(frame.filter(predicate), frame.height)

    offset = Offset(0 if read.offset_dropped else scan.offset)

    def run() -> Iterator[pl.DataFrame]:
        remaining = None if scan.limit is None else max(0, scan.limit - scan.offset)  # the limit counts the offset
        if remaining == 0:
            return
        with closing(ordered_map(finish, read.chunks())) as frames:  # closed early: the reads in flight stop
            for frame in frames:
                frame = offset.dropped(frame)
                if remaining is not None:
                    frame = frame.head(remaining)
                    remaining -= frame.height
                if frame.height:
                    yield frame
                if remaining == 0:
                    return

    return ChunkedScan(schema, arrow_types=read.arrow_types, chunks=run())
