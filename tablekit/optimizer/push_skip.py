"""Move a skip that comes first into a text scan, which drops those rows before typing them.

skip(k) right after the read (column selection and type conversion in
between keep rows) drops the first k rows whatever they hold, so a delimited
or JSON-lines reader can drop them as soon as the records are split: the
rows skipped are never typed, and never held.  Runs after push_limit, whose
limit (skip + take) still counts the rows dropped.
"""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import PhysicalPlan, ReadDelimited, ReadJsonLines, ReadParquet, Skip, first_row_step


def push_skip(plan: PhysicalPlan) -> PhysicalPlan:
    scan = plan.scan
    if not isinstance(scan.read, (ReadDelimited, ReadJsonLines, ReadParquet)) or scan.predicate or scan.sample \
            or scan.partitions is not None or scan.block_partitions or scan.partition_formats or scan.offset:
        return plan
    position = first_row_step(plan.steps)
    step = None if position is None else plan.steps[position]
    if not isinstance(step, Skip) or step.count <= 0:
        return plan
    steps = plan.steps[:position] + plan.steps[position + 1:]
    return replace(plan, scan=replace(scan, offset=step.count), steps=steps)
