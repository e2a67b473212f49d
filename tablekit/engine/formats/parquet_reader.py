"""Parquet tables (from_parquet_files): the reader behind ``FORMAT``.

Footers and row groups are engine.parquet's; this module reads a table of
parquet files.  Its partitions are the row groups, numbered across the files in
order (mltable's partitions).  polars reads them with the columns, predicate,
limit and sample pushed into its reader; partition columns are constants per
file (engine.partition_values).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator, List, Optional, Sequence

import polars as pl
import pyarrow as pa

from tablekit.engine import parquet
from tablekit.engine.formats.base import (Format, Partitioned, Parts, files_to_open, numbered_parts, read_paths,
                                          whole_scan)
from tablekit.engine.frames import (HIDDEN, PARTITION, ScanResult, check_path_column, finish, selected_partitions,
                                    with_path)
from tablekit.engine.partition_values import ERRORS, FilePartitions, check_read
from tablekit.plan.nodes import PhysicalPlan, ReadParquet, Scan
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile


def data_files(plan: PhysicalPlan) -> List[SourceFile]:
    """The files the paths name, less empty ones: Spark, Synapse and Databricks write a 0-byte
    _SUCCESS marker beside their parts, which mltable reads as no rows (and no partition)."""
    return [file for file in read_paths(plan) if file.size]


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
    for layout in layouts:
        check_path_column(options.path_column, layout.schema.names)
    displays = {i: layout.file.display for layout in layouts
                for i in range(layout.first_partition, layout.first_partition + layout.partition_count)}
    return lazy.select(pl.col(PARTITION).replace_strict(displays, return_dtype=pl.String)
                       .alias(options.path_column), pl.all())


# -- whole read ----------------------------------------------------------------------

def read_whole(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT) -> ScanResult:
    if not scan.partition_formats:
        return scan_layouts(scan, parquet.read_layouts(files))  # also rejects files that are not parquet
    partitions = FilePartitions(scan.partition_formats, files)
    indexes = files_to_open(scan, files, partitions, keeps_file_types=True)  # footers of the others are not read
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
    lazy = finish(lazy, scan, pl.col(ERRORS).is_not_null() if failing else None)  # polars pushes these down
    frame = parquet.collect(lazy, [layout.file for layout in layouts])
    if failing:
        check_read(frame)
    return ScanResult(frame, parquet.arrow_types(layouts))


def _empty_frame(layouts, scan: Scan) -> pl.DataFrame:
    """No rows, with the columns (and types) of a full read of these files."""
    frames = [pl.from_arrow(pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type)
                                                else f.type) for f in layout.schema]).empty_table())
              for layout in layouts]
    columns = pl.concat(frames, how="diagonal_relaxed")
    if scan.read.include_path_column:
        columns = pl.DataFrame(schema={scan.read.path_column: pl.String}).hstack(columns)
    return columns


# -- partitions: row groups ------------------------------------------------------------

def open_partitions(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool) -> Partitioned:
    """The schema from the footers; the row groups as lazy frames (polars decodes each with the
    columns and predicate pushed in, on a worker thread), only the sampled rows of each when sampled.
    A skip of the scan's first rows passes over whole row groups by their footer's row counts."""
    options: ReadParquet = scan.read
    # footers count the scan's rows unless a sample or filter drops some: then the offset and the
    # limit (which counts the offset) are rows of row groups, read only where they fall
    counted = scan.sample is None and scan.predicate is None
    skipped = scan.offset if counted else 0
    wanted = scan.limit - scan.offset if counted and scan.limit is not None else None
    layouts = parquet.read_layouts(files)
    whole = parquet_read(scan, layouts)
    schema = whole.collect_schema() if whole is not None else pl.Schema()
    partitions = scan.partitions
    if partitions is not None:
        partitions = selected_partitions(partitions, sum(layout.partition_count for layout in layouts))

    def chunks() -> Iterator[pl.LazyFrame]:
        current, left, still_wanted = None, skipped, wanted
        for layout, row_group, lazy in parquet.row_group_scans(layouts, partitions, scan.sample, PARTITION):
            if still_wanted is not None and still_wanted <= 0:
                break
            if current is not None and layout is not current:
                progress.advance(files=1)
            current = layout
            rows = layout.row_group_rows[row_group]
            nbytes = layout.file.size * rows // max(1, sum(layout.row_group_rows))
            if left >= rows:  # every row skipped: never decoded
                left -= rows
                progress.advance(nbytes=nbytes)
                continue
            if left or still_wanted is not None:  # polars then decodes only the rows kept
                lazy = lazy.slice(left, still_wanted)
                still_wanted = None if still_wanted is None else still_wanted - min(rows - left, still_wanted)
                left = 0
            if options.include_path_column:
                lazy = with_path(lazy, options.path_column, layout.file.display)
            if not scan.tag_partitions:
                lazy = lazy.drop(PARTITION)
            progress.advance(nbytes=nbytes)
            yield lazy
        if current is not None:
            progress.advance(files=1)

    return Partitioned(schema, parquet.arrow_types(layouts), chunks, offset_dropped=skipped == scan.offset)


# -- parts: row groups -------------------------------------------------------------------

def plan_parts(parts: Parts) -> Parts:
    layouts = tuple(parquet.read_layouts(parts.files))
    whole = parquet_read(whole_scan(parts.scan), layouts)
    schema = dict(whole.collect_schema()) if whole is not None else {}
    parts = replace(parts, layouts=layouts, arrow_types=parquet.arrow_types(layouts), schema=schema)
    return numbered_parts(parts, sum(layout.partition_count for layout in layouts))


def read_part(parts: Parts, partition: int, byte_range=None) -> pl.LazyFrame:
    """A row group's rows (only those the sample keeps, when the scan draws one), lazily."""
    scan = parts.scan
    if scan.sample is None:
        lazy = parquet_read(replace(whole_scan(scan), partitions=(partition,)), parts.layouts)
    else:
        lazy = None
        for layout, _, lazy in parquet.row_group_scans(parts.layouts, (partition,), scan.sample, PARTITION):
            if scan.read.include_path_column:
                lazy = with_path(lazy, scan.read.path_column, layout.file.display)
    return lazy if lazy is not None else pl.LazyFrame(schema=parts.schema)  # a file without row groups


FORMAT = Format(read_whole=read_whole, open_partitions=open_partitions, plan_parts=plan_parts, read_part=read_part,
                inputs=data_files, keeps_file_types=True, collect=parquet.collect)
