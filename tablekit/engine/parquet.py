"""Reading parquet files.

polars reads the data (it prunes row groups by their statistics and decodes
only the requested columns); pyarrow reads each file's footer once for its
row groups and the exact Arrow types that the pandas output restores.

Each row group is one of mltable's partitions, numbered over all files in
order; every row is tagged with the index of the row group it came from.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field as dataclass_field, replace
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from tablekit.engine import sample
from tablekit.errors import ErrorCode, ExecutionError, data_error
from tablekit.sources import SourceFile
from tablekit.sources.registry import is_remote

PARQUET_MAGIC = b"PAR1"
FOOTER_THREADS = 16  # remote footers read at once
ROW_INDEX = "__tablekit_row"  # temporary: a row's position in its file
SAMPLE_CHUNK_ROWS = 1 << 20  # rows decoded at once by one sampling read (memory vs. per-read costs)
SAMPLE_READS = min(8, max(2, os.cpu_count() or 1))  # sampling reads at once: one a core, memory bounded
REMOTE_SAMPLE_READS = 8  # sampling reads of remote files at once (they mostly wait for the network)
# what polars raises on data it cannot decode (a corrupt page, an encoding it lacks): a panic too
DECODE_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError, ValueError)


@dataclass(frozen=True)
class ParquetLayout:
    """One file's footer: where its rows are and what types it holds."""

    file: SourceFile
    first_partition: int          # global index of the file's first row group
    row_group_rows: Tuple[int, ...]
    schema: pa.Schema
    # (name, value, polars type) of columns with one value for the whole file, added after its own
    # (partition columns read from its path)
    constants: Tuple[Tuple[str, object, object], ...] = dataclass_field(default=(), compare=False)

    @property
    def partition_count(self) -> int:
        return max(1, len(self.row_group_rows))  # mltable counts a file without row groups as one partition

    def row_group_start(self, row_group: int) -> int:
        return sum(self.row_group_rows[:row_group])


def _invalid(file: SourceFile, detail: str):
    return data_error(ErrorCode.STREAM_UNEXPECTED, f"Invalid Parquet file: '{file.display}' {detail}")


def check_parquet(file: SourceFile) -> None:
    # a remote file's head would cost one more round trip per file: its footer proves it instead
    head = PARQUET_MAGIC if is_remote(file) else file.source.read_bytes(file.path, 0, 4)
    tail = file.source.read_bytes(file.path, max(file.size - 4, 0), file.size)
    if file.size < 12 or head != PARQUET_MAGIC or tail != PARQUET_MAGIC:
        raise _invalid(file, "is not a parquet file (no PAR1 magic bytes).")


def read_layout(file: SourceFile, first_partition: int) -> ParquetLayout:
    check_parquet(file)
    try:
        footer = pq.ParquetFile(file.source.parquet_footer_input(file.path))
        rows = tuple(footer.metadata.row_group(i).num_rows for i in range(footer.metadata.num_row_groups))
        schema = footer.schema_arrow
        if not is_remote(file):  # polars parses the footer on its own: a footer only pyarrow reads fails later
            pl.read_parquet_schema(file.path)
    except (pa.ArrowException, OSError) + DECODE_ERRORS as exc:  # magic bytes fine, footer corrupt
        raise _invalid(file, f"has a corrupt footer ({exc}).") from None
    return ParquetLayout(file, first_partition, rows, schema)


def collect(lazy: pl.LazyFrame, files: Sequence[SourceFile], **options) -> pl.DataFrame:
    """``lazy.collect()`` of a read of these parquet files; data polars cannot decode is mltable's
    ExecutionError (WriteStreams.Unexpected) naming the file, never polars' own exception."""
    try:
        return lazy.collect(**options)
    except DECODE_ERRORS as exc:
        if isinstance(exc, OSError) and "object-store error" in str(exc):
            raise  # a remote read's failure: sources.remote.native_reader_errors says what it is
        raise decode_failure(files, exc) from None


def decode_failure(files: Sequence[SourceFile], exc: BaseException) -> ExecutionError:
    """The error for data polars could not decode, naming the first local file pyarrow cannot read."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    for file in files:
        if is_remote(file):
            continue  # read whole again to tell: not worth it on an error path
        try:
            pq.ParquetFile(file.path).read()
        except (pa.ArrowException, OSError, ValueError) as broken:
            return ExecutionError(f"The parquet data of '{file.display}' cannot be decoded: {detail} "
                                  f"(pyarrow: {broken}). The file is corrupt or truncated.",
                                  ErrorCode.WRITE_STREAMS_UNEXPECTED)
    where = f"'{files[0].display}'" if len(files) == 1 else f"{len(files)} parquet files"
    return ExecutionError(f"Reading {where} failed: {detail}.", ErrorCode.WRITE_STREAMS_UNEXPECTED)


def read_layouts(files: Sequence[SourceFile]) -> List[ParquetLayout]:
    if any(is_remote(file) for file in files[1:]):  # footers fetched several at a time
        with ThreadPoolExecutor(max_workers=FOOTER_THREADS, thread_name_prefix="tablekit-footers") as pool:
            read = list(pool.map(lambda file: read_layout(file, 0), files))
    else:
        read = [read_layout(file, 0) for file in files]
    layouts = []
    first = 0
    for layout in read:
        layouts.append(replace(layout, first_partition=first))
        first += layout.partition_count
    return layouts


def _scan_parquet(layouts: Sequence[ParquetLayout], **options) -> pl.LazyFrame:
    """polars' scan of files of one source and schema: local paths, or URLs for polars' own
    object-store reader, told the schema from the footers already read (else every
    ``collect_schema`` of the plan would fetch a footer again)."""
    sources, storage = [], {}
    for layout in layouts:
        source, storage = layout.file.source.parquet_scan_args(layout.file.path)
        sources.append(source)
    if is_remote(layouts[0].file):  # the schema polars itself reads from the footer (fetched already)
        first = layouts[0].file
        storage = {**storage, "schema": pl.read_parquet_schema(first.source.parquet_footer_input(first.path))}
    return pl.scan_parquet(sources[0] if len(sources) == 1 else sources, **storage, **options)


def partition_counts(files: Sequence[SourceFile]) -> List[int]:
    """Row groups per file (each row group is one of mltable's parquet partitions)."""
    return [layout.partition_count for layout in read_layouts(files)]


def arrow_types(layouts: Sequence[ParquetLayout]) -> Dict[str, pa.DataType]:
    """Each column's exact Arrow type; dictionary columns are read as their values.

    A column whose type differs between files is left out: polars' combined
    type is then the best description.
    """
    types: Dict[str, pa.DataType] = {}
    conflicting = set()
    for layout in layouts:
        for field in layout.schema:
            wanted = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
            if types.setdefault(field.name, wanted) != wanted:
                conflicting.add(field.name)
    return {name: t for name, t in types.items() if name not in conflicting}


def types_still_as_read(types: Dict[str, pa.DataType], scanned: pl.Schema, final: pl.Schema) -> Dict[str, pa.DataType]:
    """The Arrow types of the columns that still hold what the scan read (a converted column lost its file type)."""
    return {name: arrow_type for name, arrow_type in types.items()
            if name in final and final[name] == scanned.get(name)}


# -- selecting row groups ---------------------------------------------------------

def _selected_row_groups(layouts: Sequence[ParquetLayout],
                         partitions: Sequence[int]) -> Iterator[Tuple[ParquetLayout, int, int]]:
    """(layout, row group within the file, global index) of each wanted row group, in file order, once each."""
    wanted = set(partitions)
    for layout in layouts:
        for row_group in range(len(layout.row_group_rows)):
            if layout.first_partition + row_group in wanted:
                yield layout, row_group, layout.first_partition + row_group


# -- scanning ---------------------------------------------------------------------

def _is_string(arrow_type: pa.DataType) -> bool:
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)


def _read(layout: ParquetLayout, **options) -> pl.LazyFrame:
    lazy = _scan_parquet([layout], **options)
    # polars reads dictionary-encoded strings as Categorical; steps and outputs want the values
    dictionaries = [f.name for f in layout.schema
                    if pa.types.is_dictionary(f.type) and _is_string(f.type.value_type)]
    if dictionaries:
        lazy = lazy.with_columns(pl.col(dictionaries).cast(pl.String))
    if layout.constants:
        lazy = lazy.with_columns([pl.lit(value, dtype=dtype).alias(name) for name, value, dtype in layout.constants])
    return lazy


def _tagged_file(layout: ParquetLayout, partition_column: str) -> pl.LazyFrame:
    """A whole file, each row tagged with its row group's global index."""
    if len(layout.row_group_rows) <= 1:
        return _read(layout).with_columns(_row_group_index(layout).alias(partition_column))
    return (_read(layout, row_index_name=ROW_INDEX)
            .with_columns(_row_group_index(layout).alias(partition_column)).drop(ROW_INDEX))


def _row_group_index(layout: ParquetLayout) -> pl.Expr:
    """The global index of the row group of each row (from its position in the file, ROW_INDEX, if it has several)."""
    if len(layout.row_group_rows) <= 1:
        return pl.lit(layout.first_partition, dtype=pl.UInt32)
    starts = pl.Series([layout.row_group_start(i) for i in range(len(layout.row_group_rows))], dtype=pl.UInt32)
    return pl.lit(starts).search_sorted(pl.col(ROW_INDEX), side="right").cast(pl.UInt32) - 1 + layout.first_partition


def _tagged_row_group(layout: ParquetLayout, row_group: int, index: int, partition_column: str) -> pl.LazyFrame:
    # polars pushes the slice into the reader, which skips the other row groups
    return (_read(layout)
            .slice(layout.row_group_start(row_group), layout.row_group_rows[row_group])
            .with_columns(pl.lit(index, dtype=pl.UInt32).alias(partition_column)))


def _untagged(layouts: Sequence[ParquetLayout]) -> pl.LazyFrame:
    """All files without partition tags: one polars scan when the files agree on their schema."""
    plain = all(not pa.types.is_dictionary(f.type) and not layout.constants
                for layout in layouts for f in layout.schema)
    if plain and all(layout.schema.equals(layouts[0].schema) and layout.file.source is layouts[0].file.source
                     for layout in layouts):
        return _scan_parquet(layouts)
    return pl.concat([_read(layout) for layout in layouts], how="diagonal_relaxed")


def scan(layouts: Sequence[ParquetLayout], partitions: Optional[Sequence[int]],
         partition_column: str, tag: bool = True) -> Optional[pl.LazyFrame]:
    """The rows of the given row groups (all when ``partitions`` is None), files
    concatenated with their columns unioned in first-seen order.

    polars runs the per-file scans in parallel and pushes column selection and
    predicates into each of them.  None when there is nothing to read.
    """
    if partitions is None and not tag:
        return _untagged(layouts) if layouts else None
    if partitions is None:
        scans = [_tagged_file(layout, partition_column) for layout in layouts]
    else:
        scans = [_tagged_row_group(layout, row_group, index, partition_column)
                 for layout, row_group, index in _selected_row_groups(layouts, partitions)]
    if not scans:
        return None
    return scans[0] if len(scans) == 1 else pl.concat(scans, how="diagonal_relaxed")


def _sampled_rows(layout: ParquetLayout, seed: int, upper: float, lower: float) -> np.ndarray:
    """Positions in the file of the rows the sample keeps, row group by row group."""
    kept = [np.flatnonzero(sample.keep_mask(seed, [(layout.first_partition + i, rows)], upper, lower))
            + layout.row_group_start(i) for i, rows in enumerate(layout.row_group_rows)]
    return np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)


def _chunks(layout: ParquetLayout) -> Iterator[Tuple[int, int]]:
    """(first row, row count) of runs of consecutive row groups holding at least SAMPLE_CHUNK_ROWS
    rows each (the last run may hold fewer)."""
    start = count = 0
    for rows in layout.row_group_rows:
        count += rows
        if count >= SAMPLE_CHUNK_ROWS:
            yield start, count
            start, count = start + count, 0
    if count or start == 0:
        yield start, count


def compact_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its strings copied out of the buffers they were decoded into.

    polars' string columns are views into shared buffers: a few rows picked out of a
    decoded row group keep all of its text alive.  Concatenating with "" writes the
    kept strings into new buffers, and the decoded ones can be freed.
    """
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(pl.col(strings) + pl.lit("")) if strings else frame


def sampled_frame(layouts: Sequence[ParquetLayout], drawn: Tuple[int, float, float], partition_column: str,
                  tag: bool, columns: Optional[frozenset] = None) -> Optional[pl.DataFrame]:
    """Only the sampled rows of every file (see optimizer.push_sample), tagged if asked;
    only the ``columns`` (and tags) when given.

    A sample keeps few rows, but every page holds some of them, so all pages are decoded:
    runs of row groups are read a few at a time (as many as there are cores, more for
    remote files), each keeps its sampled rows only, and memory stays at a few row groups.
    """
    seed, upper, lower = drawn
    reads = []
    for layout in layouts:
        rows = _sampled_rows(layout, seed, upper, lower)
        lazy = _read(layout, row_index_name=ROW_INDEX)
        if columns is not None:
            lazy = lazy.select([name for name in lazy.collect_schema().names() if name in columns or name == ROW_INDEX])
        for start, count in _chunks(layout):
            first, end = np.searchsorted(rows, [start, start + count])
            wanted = pl.lit(pl.Series(rows[first:end], dtype=pl.UInt32).implode())
            # polars reads only the slice's row groups (none for a run without sampled rows)
            chunk = lazy.slice(start, count if end > first else 0).filter(pl.col(ROW_INDEX).is_in(wanted))
            if tag:
                chunk = chunk.with_columns(_row_group_index(layout).alias(partition_column))
            reads.append(chunk.drop(ROW_INDEX))
    if not reads:
        return None
    remote = any(is_remote(layout.file) for layout in layouts)
    with ThreadPoolExecutor(max_workers=REMOTE_SAMPLE_READS if remote else SAMPLE_READS,
                            thread_name_prefix="tablekit-sample") as pool:
        files = [layout.file for layout in layouts]
        frames = list(pool.map(lambda read: compact_strings(collect(read, files)), reads))
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


def row_group_scans(layouts: Sequence[ParquetLayout], partitions: Optional[Sequence[int]],
                    drawn: Optional[Tuple[int, float, float]],
                    partition_column: str) -> Iterator[Tuple[ParquetLayout, int, pl.LazyFrame]]:
    """One read per row group, in file order: (layout, row group in the file, its rows tagged with its index).

    Only ``partitions`` when given; with ``drawn`` (seed, upper, lower) only the
    rows the sample keeps, which depend on the row group and the row's position in it.
    """
    wanted = partitions if partitions is not None else range(sum(layout.partition_count for layout in layouts))
    for layout, row_group, index in _selected_row_groups(layouts, wanted):
        lazy = _tagged_row_group(layout, row_group, index, partition_column)
        if drawn is not None:
            seed, upper, lower = drawn
            rows = np.flatnonzero(sample.keep_mask(seed, [(index, layout.row_group_rows[row_group])], upper, lower))
            wanted_rows = pl.lit(pl.Series(rows, dtype=pl.UInt32).implode())
            lazy = lazy.with_row_index(ROW_INDEX).filter(pl.col(ROW_INDEX).is_in(wanted_rows)).drop(ROW_INDEX)
        yield layout, row_group, lazy


def restore_types(table: pa.Table, types: Dict[str, pa.DataType]) -> pa.Table:
    """Cast columns that polars re-typed (string views, dictionaries...) back to the file's types."""
    columns = []
    for name, column in zip(table.column_names, table.columns):
        wanted = types.get(name)
        if wanted is not None and column.type != wanted:
            column = restore_type(column, wanted)
        columns.append(column)
    return pa.table(columns, names=table.column_names) if columns else table


def restore_type(column, wanted: pa.DataType):
    """``column`` cast to ``wanted`` when Arrow can; unchanged otherwise."""
    try:
        return column.cast(wanted)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return column
