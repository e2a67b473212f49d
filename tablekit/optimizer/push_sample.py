"""Draw a parquet (or Delta) table's random sample while reading it.

A sample's rows depend only on (seed, row group, position in the row group),
all known from the files' footers, so a sample that comes first (after
column selection or type conversion, which keep rows) is decided before any
data is read: each file yields only its sampled rows, one file at a time,
instead of the whole table being loaded and then thinned.
"""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import (ConvertColumnTypes, DropColumns, KeepColumns, PhysicalPlan, ReadDeltaLake,
                                 ReadParquet, Sample, TakeRandomSample)

ROW_PRESERVING = (KeepColumns, DropColumns, ConvertColumnTypes)


def push_sample(plan: PhysicalPlan) -> PhysicalPlan:
    scan = plan.scan
    if not isinstance(scan.read, (ReadParquet, ReadDeltaLake)) or scan.sample or scan.predicate or scan.limit is not None \
            or scan.partitions is not None:
        return plan
    for position, step in enumerate(plan.steps):
        if isinstance(step, ROW_PRESERVING):
            continue
        if isinstance(step, TakeRandomSample):
            drawn = (step.seed, step.probability, 0.0)
        elif isinstance(step, Sample):
            drawn = (step.seed, step.probability, step.lower_bound)
        else:
            return plan
        steps = plan.steps[:position] + plan.steps[position + 1:]
        return replace(plan, scan=replace(scan, sample=drawn), steps=steps)
    return plan
