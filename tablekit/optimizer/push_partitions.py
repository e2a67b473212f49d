"""A leading select_partitions becomes the scan's partition list, so the
other partitions are never read."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import PhysicalPlan, SelectPartitions


def push_partitions(plan: PhysicalPlan) -> PhysicalPlan:
    if not plan.steps or not isinstance(plan.steps[0], SelectPartitions) or plan.scan.partitions is not None:
        return plan
    return replace(plan, scan=replace(plan.scan, partitions=plan.steps[0].indices), steps=plan.steps[1:])
