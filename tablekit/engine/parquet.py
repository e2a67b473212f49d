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


def scan(files: Sequence[SourceFile], partition_column: Optional[str]) -> pl.LazyFrame:
    """One lazy scan over all files; optionally tagging each row with its file's index."""
    for f in files:
        check_parquet(f)
    paths = [f.path for f in files]
    frame = pl.scan_parquet(paths, include_file_paths="__tablekit_file" if partition_column else None,
                            missing_columns="insert", extra_columns="ignore")
    if partition_column:
        index = {p: i for i, p in enumerate(paths)}
        frame = frame.with_columns(
            pl.col("__tablekit_file").replace_strict(index, return_dtype=pl.UInt32).alias(partition_column)
        ).drop("__tablekit_file")
    return frame


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
