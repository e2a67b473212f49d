"""Which files a filter cannot keep a row of, judged from their column statistics.

A Delta log records, per data file, its row count and each column's minimum,
maximum and null count.  A file can be skipped when no row of it can make the
filter True *and* evaluating the filter on it could not have raised an error
(mltable reports such errors, so skipping must not hide one).  Only what is
certain from the statistics counts; anything else keeps the file:

* ``column <op> literal`` (either side), for a number literal on a numeric
  column or a string literal on a string column: ruled out when every value
  is null (a comparison with null is null, never True), or, for == < <= > >=,
  when the literal lies outside [min, max] as ``op`` needs.  Mixed types
  (which mltable orders by type rank) are never ruled out;
* ``a and b and ...``: ruled out when some operand is, and the operands before
  it cannot raise (evaluation stops at the first operand that is not True);
* ``a or b or ...``: ruled out when every operand is.

Statistics are used cautiously: a NaN bound, an integer beyond 2**53 (tablekit
compares those as floats) or a string maximum of 32+ characters (writers
truncate long ones) are treated as unknown.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Dict, List, Optional

import polars as pl

from tablekit.expr import ast

FLOAT_EXACT = 2 ** 53
TRUNCATED_STRING = 32  # Delta writers may cut longer string statistics short
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def files_to_read(expression: ast.Node, statistics: pl.DataFrame) -> List[bool]:
    """For each row of ``statistics`` (one per file), whether the file may hold a row the filter keeps."""
    kinds = _column_kinds(statistics)
    return [not _ruled_out(expression, row, kinds) for row in statistics.iter_rows(named=True)]


def _column_kinds(statistics: pl.DataFrame) -> Dict[str, str]:
    """'number' or 'string' for each column with min and max statistics of such a type."""
    kinds = {}
    for name, dtype in statistics.schema.items():
        if not name.startswith("min.") or f"max.{name[4:]}" not in statistics.schema:
            continue
        if dtype.is_numeric():
            kinds[name[4:]] = "number"
        elif dtype == pl.String:
            kinds[name[4:]] = "string"
    return kinds


def _literal(node: ast.Node) -> Optional[Any]:
    """A number or string literal's value (None for anything else)."""
    if isinstance(node, (ast.IntLit, ast.FloatLit, ast.StrLit)):
        return node.value
    if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, (ast.IntLit, ast.FloatLit)):
        return -node.operand.value
    return None


def _can_raise(node: ast.Node) -> bool:
    """Whether evaluating ``node`` might raise: only comparisons of columns and literals never do."""
    if isinstance(node, ast.Compare):
        return not all(isinstance(side, (ast.Column,) + ast.LITERALS) or _literal(side) is not None
                       for side in (node.left, node.right))
    if isinstance(node, ast.BoolOp):
        return any(_can_raise(operand) for operand in node.operands)
    return True


def _ruled_out(node: ast.Node, row: Dict[str, Any], kinds: Dict[str, str]) -> bool:
    if isinstance(node, ast.BoolOp) and node.op == "or":
        return all(_ruled_out(operand, row, kinds) for operand in node.operands)
    if isinstance(node, ast.BoolOp):  # and
        for operand in node.operands:
            if _ruled_out(operand, row, kinds):
                return True
            if _can_raise(operand):
                return False
        return False
    if isinstance(node, ast.Compare) and node.op in _MIRROR:
        if isinstance(node.left, ast.Column) and _literal(node.right) is not None:
            return _comparison_ruled_out(node.op, node.left.name, _literal(node.right), row, kinds)
        if isinstance(node.right, ast.Column) and _literal(node.left) is not None:
            return _comparison_ruled_out(_MIRROR[node.op], node.right.name, _literal(node.left), row, kinds)
    return False


def _comparison_ruled_out(op: str, column: str, value: Any, row: Dict[str, Any], kinds: Dict[str, str]) -> bool:
    kind = kinds.get(column)
    if kind is None or (kind == "string") != isinstance(value, str):
        return False
    records, nulls = row.get("num_records"), row.get(f"null_count.{column}")
    if records is not None and nulls is not None and nulls >= records:
        return True  # only nulls: the comparison is never True
    if op == "!=":
        return False
    low, high = _bound(row.get(f"min.{column}"), kind), _bound(row.get(f"max.{column}"), kind)
    if kind == "number" and (isinstance(value, int) and abs(value) > FLOAT_EXACT or isinstance(value, float)
                             and math.isnan(value)):
        return False
    if kind == "string" and high is not None and len(high) >= TRUNCATED_STRING:
        high = None
    if op == "==":
        return (low is not None and value < low) or (high is not None and value > high)
    if op in ("<", "<="):
        return low is not None and (value <= low if op == "<" else value < low)
    return high is not None and (value >= high if op == ">" else value > high)


def _bound(value: Any, kind: str) -> Optional[Any]:
    """A statistic as a comparable value, or None where it cannot be trusted."""
    if value is None:
        return None
    if kind == "string":
        return value
    if isinstance(value, Decimal):
        value = float(value)  # decimals compare as floats in mltable
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and math.isnan(value) or isinstance(value, int) and abs(value) > FLOAT_EXACT:
        return None
    return value
