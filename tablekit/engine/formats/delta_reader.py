"""Delta Lake tables (from_delta_lake): the reader behind ``FORMAT``.

A version's data files (engine.delta reads the log) are read as parquet
(engine.formats.parquet_reader), less the files whose statistics rule out the
predicate.  The table comes as one partition to the streaming and Dask drivers.
"""
from __future__ import annotations

from tablekit.engine import delta, parquet
from tablekit.engine.formats.base import Format, file_partitions, files_to_open
from tablekit.engine.formats.parquet_reader import scan_layouts, scan_partitioned
from tablekit.engine.frames import ScanResult
from tablekit.plan.nodes import PhysicalPlan, Scan
from tablekit.progress import SILENT, Progress


def version_files(plan: PhysicalPlan) -> delta.DeltaVersion:
    """The data files of the Delta version the plan reads (its statistics too)."""
    return delta.open_version(plan.scan.read, plan.paths, plan.base_dir)


def read_whole(scan: Scan, table: delta.DeltaVersion, progress: Progress = SILENT) -> ScanResult:
    """A Delta version's files read as parquet, except those whose statistics rule out the predicate.

    Skipping a file changes neither the columns nor their types: the result has every column
    of every file, as a full read would.  A skipped file's footer is not read either, unless
    rows need their true partition numbers (sampling, select_partitions, Path) or the files
    read lack some column of the table's schema (then every footer is, to know the columns).
    """
    keep = delta.files_to_read(table, scan.predicate) if scan.partitions is None else [True] * len(table)
    partitions = file_partitions(scan, table.files)
    if partitions is not None:  # partition formats read the data files' paths; their file filter skips files too
        opened = set(files_to_open(scan, table.files, partitions, keeps_file_types=True))
        keep = [kept and i in opened for i, kept in enumerate(keep)]
    if all(keep):
        reading, every = parquet.read_layouts(table.files), None
    elif scan.tag_partitions:
        every = parquet.read_layouts(table.files)  # numbers the row groups of every file
        reading = [layout for layout, kept in zip(every, keep) if kept]
    else:
        reading = parquet.read_layouts([file for file, kept in zip(table.files, keep) if kept])
        read_columns = {name for layout in reading for name in layout.schema.names}
        every = reading if read_columns >= set(table.columns) else parquet.read_layouts(table.files)
    if partitions is None:
        return scan_layouts(scan, reading, every=every)
    return scan_partitioned(scan, partitions, reading, [i for i, kept in enumerate(keep) if kept], every)


FORMAT = Format(read_whole=read_whole, inputs=version_files, keeps_file_types=True)
