"""Streaming Arrow output: a pyarrow RecordBatchReader over the engine's stream.

The reader's schema is known before any row is read (``engine.stream``);
each frame the stream yields is converted as ``to_arrow`` converts a whole
table (plain strings, parquet columns in the file's types), cast to that
schema, and cut into batches of at most ``batch_size`` rows.  A column
without any value is typed by its source here, where ``to_arrow`` (which
sees all rows) makes it a null column.
"""
from __future__ import annotations

from typing import Iterator

import polars as pl
import pyarrow as pa

from tablekit.engine.execute import Result
from tablekit.engine.frames import ScanResult
from tablekit.engine.stream import Stream
from tablekit.outputs import DEFAULT_BATCH_ROWS
from tablekit.outputs.arrow import to_arrow


def _arrow(frame: pl.DataFrame, stream: Stream) -> pa.Table:
    return to_arrow(Result(frame, ScanResult(pl.DataFrame(schema=stream.scan_schema), stream.arrow_types)))


def arrow_schema(stream: Stream) -> pa.Schema:
    return _arrow(pl.DataFrame(schema=stream.schema), stream).schema


def to_batches(stream: Stream, batch_size: int = DEFAULT_BATCH_ROWS) -> pa.RecordBatchReader:
    schema = arrow_schema(stream)

    def batches() -> Iterator[pa.RecordBatch]:
        for frame in stream.frames:
            for start in range(0, frame.height, batch_size):
                table = _arrow(frame.slice(start, batch_size).rechunk(), stream).cast(schema)
                yield from table.combine_chunks().to_batches()

    return pa.RecordBatchReader.from_batches(schema, batches())
