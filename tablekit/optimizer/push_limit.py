"""Give the scan a row limit when the steps only need the first rows.

take(n) needs n rows, skip(k).take(n) needs k + n; column selection and type
conversion in between do not change row counts.  The scan then stops reading
early (a few blocks of a large CSV instead of all of it).  The take and skip
steps themselves stay, so the result is unchanged."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import ROW_PRESERVING, PhysicalPlan, Skip, Take


def rows_needed(steps) -> int | None:
    skipped = 0
    for step in steps:
        if isinstance(step, ROW_PRESERVING):
            continue
        if isinstance(step, Skip):
            skipped += step.count
            continue
        if isinstance(step, Take):
            return skipped + step.count
        return None
    return None


def push_limit(plan: PhysicalPlan) -> PhysicalPlan:
    needed = rows_needed(plan.steps)
    if needed is None or plan.scan.partitions is not None:
        return plan
    limit = needed if plan.scan.limit is None else min(needed, plan.scan.limit)
    return replace(plan, scan=replace(plan.scan, limit=limit))
