"""Move filters that come first into the scan, where polars evaluates them
while reading (parquet row groups whose statistics rule a filter out are never
decoded).  Only leading filters move: a filter after take, skip, sampling or a
type conversion sees different rows or values, so it stays where it is."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import Filter, PhysicalPlan


def push_filter(plan: PhysicalPlan) -> PhysicalPlan:
    predicates = [plan.scan.predicate] if plan.scan.predicate else []
    steps = list(plan.steps)
    while steps and isinstance(steps[0], Filter) and plan.scan.limit is None:
        predicates.append(steps.pop(0).expression)
    if len(steps) == len(plan.steps):
        return plan
    predicate = predicates[0] if len(predicates) == 1 else " and ".join(f"({p})" for p in predicates)
    return replace(plan, scan=replace(plan.scan, predicate=predicate), steps=tuple(steps))
