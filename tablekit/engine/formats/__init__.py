"""The table formats, one reader module each, behind one interface (``base.Format``).

``FORMATS`` maps a plan's read node to its format's reader, as fsspec's registry
maps a protocol to a filesystem: adding a format is one module here, its read
node in plan/nodes.py and one entry below.  The drivers (engine.execute's whole
read, engine.stream_scan's partitions, engine.parts' Dask parts) look the format
up here and never branch on it.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from tablekit.engine.formats import (delimited_reader, delta_reader, file_list_reader, json_lines_reader,
                                     parquet_reader)
from tablekit.engine.formats.base import Format, files_to_open as _files_to_open
from tablekit.engine.frames import ScanResult
from tablekit.engine.partition_values import FilePartitions
from tablekit.plan.nodes import ListFiles, PhysicalPlan, ReadDelimited, ReadDeltaLake, ReadJsonLines, ReadParquet, Scan
from tablekit.progress import SILENT, Progress
from tablekit.sources import SourceFile

FORMATS = {
    ReadDelimited: delimited_reader.FORMAT,
    ReadJsonLines: json_lines_reader.FORMAT,
    ReadParquet: parquet_reader.FORMAT,
    ReadDeltaLake: delta_reader.FORMAT,
    ListFiles: file_list_reader.FORMAT,
}


def format_of(read) -> Format:
    return FORMATS[type(read)]


def keeps_file_types(read) -> bool:
    """Whether the format's columns keep the types its files give them (parquet, Delta): all-null
    columns too, where text formats leave them untyped."""
    return format_of(read).keeps_file_types


def scan_inputs(plan: PhysicalPlan) -> Sequence[SourceFile]:
    """What the scan reads: the files its paths name, or the files of a Delta table's version."""
    return format_of(plan.scan.read).inputs(plan)


def read_whole(scan: Scan, files: Sequence[SourceFile], progress: Progress = SILENT,
               speculate: bool = False) -> ScanResult:
    """The scan's rows, each file read at once by its format's fastest reader; ``progress`` hears of
    each file read where files are read one by one.  ``speculate``: a format that can may give a
    pending result (ScanResult.pending)."""
    reader = format_of(scan.read)
    if speculate and reader.read_speculatively is not None:
        return reader.read_speculatively(scan, files, progress)
    return reader.read_whole(scan, files, progress)


def files_to_open(scan: Scan, files, partitions: Optional[FilePartitions] = None) -> List[int]:
    """The files a scan with partition formats opens (engine.formats.base.files_to_open)."""
    reader = format_of(scan.read)
    if reader.files_to_open is not None:
        return reader.files_to_open(scan, files, partitions)
    return _files_to_open(scan, files, partitions, keeps_file_types=reader.keeps_file_types)
