"""Rule out whole files by a filter on partition columns, before they are opened.

Partition columns (extract_columns_from_partition_format) are constant within
a file, so a part of the scan's predicate that reads only them has one value
per file, computed from the file's path: where it is not True, none of the
file's rows can pass, and the file need not be read.  The predicate stays in
the scan and still filters the rows of the files that are read.

Exactness.  The predicate is ``c1 and c2 and ...``, evaluated left to right:
a row's value is its first operand that is not True (False, null or an
error), and later operands are not evaluated.  So a partition-only operand
that is False or null for a file drops every row of it, without any error,
provided no operand before it can fail on the data.  The file filter is
therefore the partition-only operands up to the first operand that reads
other columns and might fail (arithmetic, startswith, a non-boolean value...);
comparisons of columns and literals, and not/and/or of them, never fail.  The
engine keeps files whose partition values are errors, and every file when
the file filter itself fails on the values, so the rows decide as they would
without pruning.

Pruning changes which partitions exist, so it is not done when partition
numbers matter (select_partitions, random sampling), nor for delimited files
whose header mode takes columns from every file.
"""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional

from tablekit.errors import UserErrorException
from tablekit.expr import ast, parse_filter, referenced_columns, to_text
from tablekit.optimizer.untag_partitions import NEEDS_PARTITIONS
from tablekit.plan.nodes import PhysicalPlan, ReadDelimited
from tablekit.plan.partition_format import parse_partition_format

OPERANDS = ast.LITERALS + (ast.Column,)


def _operands_of_and(node) -> List[ast.Node]:
    if isinstance(node, ast.BoolOp) and node.op == "and":
        return [leaf for operand in node.operands for leaf in _operands_of_and(operand)]
    return [node]


def cannot_fail(node) -> bool:
    """Whether a boolean operand is True, False or null on every row, never an error or another type."""
    if isinstance(node, (ast.BoolLit, ast.NoneLit)):
        return True
    if isinstance(node, ast.Compare):  # comparisons never fail, across types too
        return all(isinstance(side, OPERANDS) for side in (node.left, node.right))
    if isinstance(node, ast.Unary) and node.op == "not":
        return cannot_fail(node.operand)
    if isinstance(node, ast.BoolOp):
        return all(cannot_fail(operand) for operand in node.operands)
    return False


def file_filter(predicate: str, partition_columns: frozenset) -> Optional[str]:
    """The operands of ``predicate`` that may rule out files (see the module docstring), or None."""
    try:
        operands = _operands_of_and(parse_filter(predicate))
    except UserErrorException:
        return None  # the scan reports the syntax error
    usable = []
    for operand in operands:
        if referenced_columns(operand) <= partition_columns:
            usable.append(operand)
        elif not cannot_fail(operand):
            break
    if not usable:
        return None
    if len(usable) == 1:
        return to_text(usable[0])
    return " and ".join(f"({to_text(operand)})" for operand in usable)


def _partition_columns(plan: PhysicalPlan) -> Optional[frozenset]:
    try:
        return frozenset(name for step in plan.scan.partition_formats
                         for name in parse_partition_format(step.partition_format).columns)
    except UserErrorException:
        return None  # the scan reports the bad format


def prune_partition_files(plan: PhysicalPlan) -> PhysicalPlan:
    scan = plan.scan
    if not scan.partition_formats or scan.predicate is None or scan.file_filter is not None:
        return plan
    if scan.partitions is not None or scan.sample is not None \
            or any(isinstance(step, NEEDS_PARTITIONS) for step in plan.steps):
        return plan
    if isinstance(scan.read, ReadDelimited) and scan.read.header == "all_files_different_headers":
        return plan  # every file's header adds columns, pruned or not
    columns = _partition_columns(plan)
    found = file_filter(scan.predicate, columns) if columns else None
    if found is None:
        return plan
    return replace(plan, scan=replace(scan, file_filter=found))
