"""explain(): the optimized plan as text, with what the scan will read."""
from __future__ import annotations

from typing import Sequence

from tablekit.plan import yaml as plan_yaml
from tablekit.plan.nodes import ListFiles, Plan, ReadDeltaLake, ReadParquet


def _read_name(read) -> str:
    if isinstance(read, ListFiles):  # a table of paths only: its MLTable file has no read step
        return "paths (from_paths: one row per file, nothing opened)"
    return next(iter(plan_yaml.step_to_dict(read)))


def _delta_lines(scan) -> list:
    """Which version a Delta scan reads, and how the predicate skips its files."""
    read: ReadDeltaLake = scan.read
    if read.version_as_of is not None:
        lines = [f"  version: {read.version_as_of}"]
    elif read.timestamp_as_of is not None:
        lines = [f"  version: as of {read.timestamp_as_of} (the last one before the first newer commit)"]
    else:
        lines = ["  version: latest"]
    if scan.predicate is not None and scan.partitions is None:
        lines.append("  files: those whose Delta statistics (min, max, null count) rule out the predicate are "
                     "skipped" + ("" if scan.tag_partitions else ", their footers too"))
    return lines


def explain(plan: Plan, reads: Sequence[str] = ()) -> str:
    """The plan as text; ``reads`` are lines saying what the scan will read (see engine.describe)."""
    from tablekit.optimizer import optimize

    physical = optimize(plan)
    scan = physical.scan
    lines = [f"Scan {_read_name(scan.read)}"]
    for entry in physical.paths:
        lines.append(f"  {entry.kind}: {entry.value}")
    lines.extend(f"  partition format: {step.partition_format}" for step in scan.partition_formats)
    lines.extend(reads)
    lines.append(f"  columns: {', '.join(scan.columns) if scan.columns is not None else 'all'}")
    if scan.predicate is not None:
        lines.append(f"  predicate: {scan.predicate}")
    if isinstance(scan.read, ReadDeltaLake):
        lines.extend(_delta_lines(scan))
    if scan.limit is not None:
        lines.append(f"  limit: first {scan.limit} rows")
    if scan.sample is not None:
        seed, upper, lower = scan.sample
        when = "chosen before reading" if isinstance(scan.read, (ReadParquet, ReadDeltaLake)) else \
            "drawn as each block is split into fields, before typing"
        lines.append(f"  sample: rows with draw in [{lower}, {upper}) for seed {seed}, {when}")
    if scan.offset:
        lines.append(f"  offset: the first {scan.offset} rows are dropped as they are read, before typing")
    if scan.partitions is not None:
        lines.append(f"  partitions: {list(scan.partitions)}")
    for step in physical.steps:
        (name, args), = plan_yaml.step_to_dict(step).items()
        lines.append(f"{name}: {args}")
    return "\n".join(lines)
