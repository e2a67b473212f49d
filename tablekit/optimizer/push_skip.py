"""Move a skip that comes first into a text scan, which drops those rows before typing them.

skip(k) right after the read (column selection and type conversion in
between keep rows) drops the first k rows whatever they hold, so a delimited
or JSON-lines reader can drop them as soon as the records are split: the
rows skipped are never typed, and never held.  Runs after push_limit, whose
limit (skip + take) still counts the rows dropped.
"""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import ConvertColumnTypes, DropColumns, KeepColumns, PhysicalPlan, ReadDelimited, \
    ReadJsonLines, Skip

ROW_PRESERVING = (KeepColumns, DropColumns, ConvertColumnTypes)


def push_skip(plan: PhysicalPlan) -> PhysicalPlan:
    scan = plan.scan
    if not isinstance(scan.read, (ReadDelimited, ReadJsonLines)) or scan.predicate or scan.sample \
            or scan.partitions is not None or scan.block_partitions or scan.partition_formats or scan.offset:
        return plan
    for position, step in enumerate(plan.steps):
        if isinstance(step, ROW_PRESERVING):
            continue
        if isinstance(step, Skip) and step.count > 0:
            steps = plan.steps[:position] + plan.steps[position + 1:]
            return replace(plan, scan=replace(scan, offset=step.count), steps=steps)
        return plan
    return plan
