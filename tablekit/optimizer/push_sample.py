"""Draw a table's random sample while reading it.

A sample's rows depend only on (seed, partition, position in the partition),
so a sample that comes first (after column selection or type conversion,
which keep rows) can be drawn by the reader:

* parquet and Delta: the draws are known from the footers' row counts before
  any data is read, and each row group yields only its sampled rows;
* delimited and JSON lines: each block's rows are drawn as soon as they are
  split into fields, so only the sampled rows are typed and kept, and memory
  holds the sample, not the table.
"""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import (PhysicalPlan, ReadDelimited, ReadDeltaLake, ReadJsonLines, ReadParquet, Sample,
                                 TakeRandomSample, first_row_step)
SAMPLED_READS = (ReadParquet, ReadDeltaLake, ReadDelimited, ReadJsonLines)


def push_sample(plan: PhysicalPlan) -> PhysicalPlan:
    scan = plan.scan
    if not isinstance(scan.read, SAMPLED_READS) or scan.sample or scan.predicate or scan.limit is not None \
            or scan.partitions is not None or scan.block_partitions:
        return plan
    position = first_row_step(plan.steps)
    step = None if position is None else plan.steps[position]
    if isinstance(step, TakeRandomSample):
        drawn = (step.seed, step.probability, 0.0)
    elif isinstance(step, Sample):
        drawn = (step.seed, step.probability, step.lower_bound)
    else:
        return plan
    steps = plan.steps[:position] + plan.steps[position + 1:]
    return replace(plan, scan=replace(scan, sample=drawn), steps=steps)
