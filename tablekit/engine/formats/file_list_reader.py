"""from_paths tables: the reader behind ``FORMAT``.  Nothing is opened: the table is one row per
file listed (its Path), in one partition, as mltable counts such a table; partition columns
come from the paths."""
from __future__ import annotations

from typing import Sequence

import polars as pl

from tablekit.engine.formats.base import Format, Partitioned, file_partitions, files_to_open, read_paths
from tablekit.engine.frames import PARTITION, ScanResult, finish
from tablekit.plan.nodes import PhysicalPlan, Scan
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile


def files_frame(files: Sequence[SourceFile]) -> pl.DataFrame:
    """One row per file, in one partition."""
    frame = pl.DataFrame({"Path": [f.display for f in files]}, schema={"Path": pl.String})
    return frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias(PARTITION))


def read_whole(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT) -> ScanResult:
    frame = files_frame(files)
    partitions = file_partitions(scan, files)
    if partitions is not None:  # after Path; the files a filter rules out are left out right away
        indexes = files_to_open(scan, files, partitions)
        frame = pl.concat([frame[indexes], partitions.frame(indexes, with_errors=True)], how="horizontal")
    return ScanResult(finish(frame, scan))


def open_partitions(scan: Scan, files: Sequence[SourceFile], progress: Progress, exact: bool) -> Partitioned:
    frame = files_frame(files)
    return Partitioned(frame.schema, {}, lambda: iter([frame]))


def listed_files(plan: PhysicalPlan) -> Sequence[SourceFile]:
    """The files listed; they need not be readable (missing folders still fail)."""
    return read_paths(plan, check_files=False)


FORMAT = Format(read_whole=read_whole, open_partitions=open_partitions, inputs=listed_files)
