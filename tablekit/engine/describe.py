"""What a scan will read, for explain(): the files, their sizes, and for parquet the row groups.

Only listings and parquet footers are read.  Anything that cannot be listed
now (a missing file, a broken footer) is described, not raised: the error
comes when the table is materialized.
"""
from __future__ import annotations

from typing import List, Sequence

from tablekit.engine import blocks, parquet
from tablekit.engine.execute import streams
from tablekit.engine.parallel import default_workers
from tablekit.engine.formats import files_to_open, keeps_file_types, scan_inputs
from tablekit.engine.formats.base import block_ranges, text_partitions
from tablekit.engine.frames import select_files, selected_partitions
from tablekit.errors import MLTableError
from tablekit.plan.nodes import ListFiles, PhysicalPlan, ReadDelimited, ReadJsonLines, Scan
from tablekit.sources import SourceFile

MAX_LISTED = 20  # files listed one by one; the rest are counted


def size_text(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{nbytes} B"  # not reached


def _ranges(indices: Sequence[int]) -> str:
    """'0-3, 7' for [0, 1, 2, 3, 7]."""
    parts, start = [], None
    for i, value in enumerate(indices):
        if start is None:
            start = value
        if i + 1 == len(indices) or indices[i + 1] != value + 1:
            parts.append(str(start) if start == value else f"{start}-{value}")
            start = None
    return ", ".join(parts)


def _listed(lines: List[str], entries: List[str]) -> None:
    lines.extend(f"    {entry}" for entry in entries[:MAX_LISTED])
    if len(entries) > MAX_LISTED:
        lines.append(f"    ... and {len(entries) - MAX_LISTED} more")


def _parquet_lines(scan: Scan, files: Sequence[SourceFile]) -> List[str]:
    layouts = parquet.read_layouts(files)
    total = sum(layout.partition_count for layout in layouts)
    wanted = set(selected_partitions(scan.partitions, total) if scan.partitions is not None else range(total))
    entries, groups, rows = [], 0, 0
    for layout in layouts:
        own = [i for i in range(len(layout.row_group_rows)) if layout.first_partition + i in wanted]
        if not own:
            continue
        groups += len(own)
        rows += sum(layout.row_group_rows[i] for i in own)
        entries.append(f"{layout.file.display} ({size_text(layout.file.size)}): row groups {_ranges(own)} "
                       f"of {len(layout.row_group_rows)}")
    lines = [f"  reads: {len(entries)} of {len(files)} files, {groups} of {total} row groups, {rows:,} rows"]
    _listed(lines, entries)
    if scan.predicate is not None:
        lines.append("  row groups whose min/max statistics rule out the predicate are skipped while reading")
    return lines


def _range_lines(scan: Scan, files: Sequence[SourceFile], pairs) -> List[str]:
    """A text table whose select_partitions picks blocks of large files (mltable's partitions)."""
    total = len(text_partitions(scan.read, files))
    entries = [f"{files[index].display} " + ("(whole)" if byte_range is None else
                                             f"(bytes {byte_range[0]:,}-{byte_range[1]:,})")
               for index, byte_range in pairs]
    lines = [f"  reads: {len(pairs)} of {total} partitions (large files in blocks of {scan.read.partition_size:,} "
             "bytes), each on its own"]
    _listed(lines, entries)
    return lines


def describe_reads(plan: PhysicalPlan) -> List[str]:
    """Lines saying which files (and parquet row groups) the scan will read, and how."""
    return _what_is_read(plan) + _how_it_runs(plan)


def _how_it_runs(plan: PhysicalPlan) -> List[str]:
    if not streams(plan):
        return []
    return [f"  executor: streamed, in blocks of {size_text(blocks.BLOCK_BYTES)} decoded on {default_workers()} "
            "threads; reading stops once the rows are there"]


def _what_is_read(plan: PhysicalPlan) -> List[str]:
    scan = plan.scan
    try:
        files = list(scan_inputs(plan))  # a Delta table: the files of its version
        pruning = []
        if scan.file_filter is not None:  # see optimizer.prune_partition_files
            opened = files_to_open(scan, files)
            pruning = [f"  partition filter: {scan.file_filter}",
                       f"  files: {len(opened)} of {len(files)} after partition pruning"]
            files = [files[i] for i in opened]
        if isinstance(scan.read, ListFiles):
            return pruning + [f"  reads: nothing; lists {len(files)} files"]
        if keeps_file_types(scan.read):
            return pruning + _parquet_lines(scan, files)
        ranges = block_ranges(scan, files) if isinstance(scan.read, (ReadDelimited, ReadJsonLines)) else None
        if ranges is not None:
            return pruning + _range_lines(scan, files, ranges)
        chosen = [file for _, file in select_files(files, scan.partitions)]
    except MLTableError as exc:
        return [f"  reads: cannot tell now ({exc.message})"]
    lines = pruning + [f"  reads: {len(chosen)} of {len(files)} files, {size_text(sum(f.size for f in chosen))}"]
    _listed(lines, [f"{file.display} ({size_text(file.size)})" for file in chosen])
    if scan.limit is not None and scan.predicate is None:
        lines.append(f"  at most: the lines of the first {scan.limit:,} rows, file after file")
    return lines
