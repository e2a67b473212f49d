"""A select_partitions becomes the scan's partition list, so the other partitions are never read.

It moves past the steps before it that keep each row in its partition (column selection, type
conversion, filters): partitions are numbered by the source, whatever those steps do.  A take,
skip or sample before it decides which rows are left by position, so it stays after them."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import (ConvertColumnTypes, DropColumns, Filter, KeepColumns, PhysicalPlan,
                                 SelectPartitions)

PARTITION_PRESERVING = (KeepColumns, DropColumns, ConvertColumnTypes, Filter)


def push_partitions(plan: PhysicalPlan) -> PhysicalPlan:
    if plan.scan.partitions is not None:
        return plan
    for position, step in enumerate(plan.steps):
        if isinstance(step, SelectPartitions):
            steps = plan.steps[:position] + plan.steps[position + 1:]
            return replace(plan, scan=replace(plan.scan, partitions=step.indices), steps=steps)
        if not isinstance(step, PARTITION_PRESERVING):
            break
    if any(isinstance(step, SelectPartitions) for step in plan.steps):  # picks from the rows' tags
        return replace(plan, scan=replace(plan.scan, block_partitions=True))
    return plan
