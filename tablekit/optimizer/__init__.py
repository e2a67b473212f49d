"""The optimizer: an ordered tuple of rewrite rules, each ``rule(plan) -> plan``.

``optimize`` turns a table's plan into a ``PhysicalPlan`` (a ``Scan`` plus
the remaining steps) and applies ``RULES`` in order.  Every rule keeps the
result identical; it only moves work into the scan so less is read.
"""
from __future__ import annotations

from tablekit.optimizer.merge_take_skip import merge_take_skip
from tablekit.optimizer.push_filter import push_filter
from tablekit.optimizer.push_limit import push_limit
from tablekit.optimizer.push_partitions import push_partitions
from tablekit.optimizer.push_sample import push_sample
from tablekit.optimizer.prune_columns import prune_columns
from tablekit.optimizer.untag_partitions import untag_partitions
from tablekit.plan.nodes import ListFiles, PhysicalPlan, Plan, Scan

RULES = (
    merge_take_skip,
    push_partitions,
    push_filter,
    push_sample,
    push_limit,
    prune_columns,
    untag_partitions,
)


def physical(plan: Plan) -> PhysicalPlan:
    """The unoptimized physical plan: the read step becomes a scan that reads everything."""
    read = plan.read
    if read is None:  # from_paths: a table of the files themselves
        return PhysicalPlan(Scan(ListFiles()), plan.steps, plan.paths, plan.base_dir)
    return PhysicalPlan(Scan(read), plan.steps[1:], plan.paths, plan.base_dir)


def optimize(plan: Plan) -> PhysicalPlan:
    result = physical(plan)
    for rule in RULES:
        result = rule(result)
    return result
