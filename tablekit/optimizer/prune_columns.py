"""Read only the columns the steps can use.

Walking the steps backwards: keep_columns fixes the set of columns wanted
downstream, a filter adds the columns it references.  A drop_columns or a
plan without keep_columns needs every column, so nothing is pruned.  The
keep/drop steps stay in place (they also order the columns and report
unknown names), so pruning never changes the result."""
from __future__ import annotations

from dataclasses import replace

from tablekit.expr import columns_read

from tablekit.plan.nodes import (ColumnPattern, ConvertColumnTypes, DropColumns, ExtractPartitionFormat, Filter,
                                 KeepColumns, PhysicalPlan, column_tuple)


def columns_needed(plan: PhysicalPlan):
    needed = None  # None: every column
    for step in reversed(plan.steps):
        if isinstance(step, KeepColumns):
            if isinstance(step.columns, ColumnPattern):
                return None  # which names match is known only once the data is read
            needed = set(column_tuple(step.columns))
        elif isinstance(step, DropColumns):
            if needed is None:
                continue
        elif isinstance(step, Filter) and needed is not None:
            referenced = columns_read(step.expression)
            if referenced is None:
                return None
            needed |= referenced
        elif isinstance(step, ConvertColumnTypes):
            continue
        elif isinstance(step, ExtractPartitionFormat) and needed is not None:
            needed.add(step.path_column)  # a partition format after the read reads the rows' paths
    if needed is not None and plan.scan.predicate:
        referenced = columns_read(plan.scan.predicate)
        if referenced is None:
            return None
        needed |= referenced
    return needed


def prune_columns(plan: PhysicalPlan) -> PhysicalPlan:
    needed = columns_needed(plan)
    if needed is None:
        return plan
    return replace(plan, scan=replace(plan.scan, columns=tuple(sorted(needed))))
