"""Reading parquet files through polars' scanner, which prunes row groups by
their statistics and decodes only the requested columns."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from tablekit.errors import ErrorCode, data_error
from tablekit.sources import SourceFile

PARQUET_MAGIC = b"PAR1"


def check_parquet(file: SourceFile) -> None:
    head = file.source.read_bytes(file.path, 0, 4)
    tail = file.source.read_bytes(file.path, max(file.size - 4, 0), file.size)
    if file.size < 12 or head != PARQUET_MAGIC or tail != PARQUET_MAGIC:
        raise data_error(ErrorCode.STREAM_UNEXPECTED,
                         f"Invalid Parquet file: '{file.display}' is not a parquet file (no PAR1 magic bytes).")


def arrow_schema(files: Sequence[SourceFile]) -> pa.Schema:
    """The Arrow schema written in the files (unified), to give columns their exact types back."""
    schemas = [pq.read_schema(f.path) for f in files]
    return pa.unify_schemas(schemas) if len(schemas) > 1 else schemas[0]


def scan(files: Sequence[SourceFile], partition_indexes: Sequence[int], partition_column: str) -> pl.LazyFrame:
    """One lazy scan per file, concatenated; each row tagged with its file's partition index.

    polars runs the per-file scans in parallel and pushes column selection and
    predicates into each of them.
    """
    for f in files:
        check_parquet(f)
    scans = [pl.scan_parquet(f.path).with_columns(pl.lit(index, dtype=pl.UInt32).alias(partition_column))
             for f, index in zip(files, partition_indexes)]
    return scans[0] if len(scans) == 1 else pl.concat(scans, how="diagonal_relaxed")


def partition_counts(files: Sequence[SourceFile]) -> List[int]:
    """Row groups per file (each row group is one of mltable's parquet partitions)."""
    return [pq.ParquetFile(f.path).metadata.num_row_groups for f in files]


def restore_types(table: pa.Table, types: Dict[str, pa.DataType]) -> pa.Table:
    """Cast columns that polars re-typed (string views, dictionaries...) back to the file's types."""
    columns = []
    for name, column in zip(table.column_names, table.columns):
        wanted = types.get(name)
        if wanted is not None and column.type != wanted:
            try:
                column = column.cast(wanted)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        columns.append(column)
    return pa.table(columns, names=table.column_names) if columns else table
