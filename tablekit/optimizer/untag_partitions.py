"""Rows need their partition index only for sampling, select_partitions and Path columns;
without those steps the scan skips tagging (parquet files are then read by
one polars scan instead of one per row group)."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import PhysicalPlan, Sample, SelectPartitions, TakeRandomSample

NEEDS_PARTITIONS = (Sample, TakeRandomSample, SelectPartitions)


def untag_partitions(plan: PhysicalPlan) -> PhysicalPlan:
    if any(isinstance(step, NEEDS_PARTITIONS) for step in plan.steps):
        return plan
    if getattr(plan.scan.read, "include_path_column", False):
        return plan  # the Path column is derived from the partition tags
    return replace(plan, scan=replace(plan.scan, tag_partitions=False))
