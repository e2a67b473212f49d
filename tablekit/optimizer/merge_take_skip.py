"""Merge neighbouring take/skip steps: take(a).take(b) is take(min(a, b)),
skip(a).skip(b) is skip(a + b)."""
from __future__ import annotations

from dataclasses import replace

from tablekit.plan.nodes import PhysicalPlan, Skip, Take


def merge_take_skip(plan: PhysicalPlan) -> PhysicalPlan:
    steps = []
    for step in plan.steps:
        previous = steps[-1] if steps else None
        if isinstance(step, Take) and isinstance(previous, Take):
            steps[-1] = Take(min(previous.count, step.count))
        elif isinstance(step, Skip) and isinstance(previous, Skip):
            steps[-1] = Skip(previous.count + step.count)
        else:
            steps.append(step)
    return replace(plan, steps=tuple(steps))
