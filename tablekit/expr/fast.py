"""Plain polars predicates for the filters people write most.

compile.py implements the whole language (errors as values, non-Kleene
``and``, NaN rules) and its output is hard for polars to push into a parquet
scan.  When a filter is only ``and``/``or`` of comparisons between a column
and a literal of the same kind, none of that can happen: a comparison never
errors, and since the engine keeps only rows that are True, ``a and b`` keeps
a row exactly when both sides are True, whatever mltable makes of nulls.  Such
filters become plain ``&``/``|`` of comparisons, which polars evaluates fast
and uses to skip parquet row groups.
"""
from __future__ import annotations

from typing import Mapping, Optional

import polars as pl

from tablekit.expr import ast

_OPS = {"==": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _number(node) -> Optional[float]:
    if isinstance(node, (ast.IntLit, ast.FloatLit)):
        return node.value
    if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, (ast.IntLit, ast.FloatLit)):
        return -node.operand.value
    return None


def _comparison(op: str, column: str, literal, schema: Mapping[str, object]) -> Optional[pl.Expr]:
    dtype = schema.get(column)
    if dtype is None:
        return None
    number = _number(literal)
    col = pl.col(column)
    if number is not None and dtype.is_numeric() and not isinstance(dtype, pl.Decimal):
        if abs(number) > 2**53:
            return None  # exactness of int/float comparison: leave it to compile.py
        if isinstance(dtype, pl.Int64) or dtype.is_integer():
            return getattr(col, _OPS[op])(number)
        result = getattr(col, _OPS[op])(number)
        # NaN is unordered in mltable: only != holds (polars orders NaN above every number)
        return result if op == "!=" else result & col.is_not_nan()
    if isinstance(literal, ast.StrLit) and dtype == pl.String:
        return getattr(col, _OPS[op])(literal.value)
    return None


def truthy_predicate(node, schema: Mapping[str, object]) -> Optional[pl.Expr]:
    """A plain polars predicate True exactly where ``node`` is True, or None if this is not simple."""
    if isinstance(node, ast.BoolOp):
        parts = [truthy_predicate(operand, schema) for operand in node.operands]
        if any(p is None for p in parts):
            return None
        combined = parts[0]
        for p in parts[1:]:
            combined = combined & p if node.op == "and" else combined | p
        return combined
    if isinstance(node, ast.Compare):
        if isinstance(node.left, ast.Column) and not isinstance(node.right, ast.Column):
            return _comparison(node.op, node.left.name, node.right, schema)
        if isinstance(node.right, ast.Column) and not isinstance(node.left, ast.Column):
            return _comparison(_MIRROR[node.op], node.right.name, node.left, schema)
    return None
