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
from tablekit.optimizer.push_skip import push_skip
from tablekit.optimizer.prune_columns import prune_columns
from tablekit.optimizer.prune_partition_files import prune_partition_files
from tablekit.optimizer.untag_partitions import untag_partitions
from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import ListFiles, PhysicalPlan, Plan, Scan, Skip, Take

RULES = (
    merge_take_skip,
    push_partitions,
    push_filter,
    prune_partition_files,
    push_sample,
    push_limit,
    push_skip,
    prune_columns,
    untag_partitions,
)


def _check_count(step) -> None:
    """An MLTable file's take/skip counts, checked when the table is read (as mltable does)."""
    count = step.count
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        name = "take" if isinstance(step, Take) else "skip"
        raise data_error(ErrorCode.VALIDATION,
                         f"Yaml script is invalid: {name} needs a row count of 0 or more, got {count!r}.")


def physical(plan: Plan) -> PhysicalPlan:
    """The unoptimized physical plan: the read step (with the partition formats before it)
    becomes a scan that reads everything."""
    formats = plan.partition_formats
    read = plan.read
    rest = plan.steps[len(formats) + (read is not None):]
    for step in rest:
        if isinstance(step, (Take, Skip)):
            _check_count(step)
    scan = Scan(read if read is not None else ListFiles(), partition_formats=formats)  # from_paths: the files
    return PhysicalPlan(scan, rest, plan.paths, plan.base_dir, plan.storage_options)


def optimize(plan: Plan) -> PhysicalPlan:
    result = physical(plan)
    for rule in RULES:
        result = rule(result)
    return result
