"""Compile a filter expression tree into one polars expression.

mltable evaluates filters row by row on dynamically typed values (see
evaluate.py, the reference).  Here the tree is walked once and every
sub-expression becomes a ``Val`` (see vectorized.py: the values' kinds and the
vectorized operators), so common filters compile to plain polars comparisons.

Errors and non-boolean results only raise if a row actually produces one (as
in mltable); when that is possible the predicate carries a small check that
raises from inside polars (see runtime.py).  The few operations not vectorized
(comparing lists or records, datetime() of column values) run the reference
evaluator row by row.
"""
from __future__ import annotations

from typing import Mapping

import polars as pl

from tablekit.expr import ast, runtime
from tablekit.expr.evaluate import evaluate
from tablekit.expr.fast import truthy_predicate
from tablekit.expr.limits import deep_recursion
from tablekit.expr.values import NS_PER_DAY, DateTime, ErrorValue, describe, kind_name
from tablekit.expr.vectorized import (BOOL, DT, FLOAT, INT, KIND_NAMES, NS_PER_UNIT, STR, NeedsRowwise, Part, Val,
                                      all_of, any_of, arithmetic, as_dtype, coalesce, column_parts, compare,
                                      describe_part, get_field, if_else, is_plain_boolean, logical_and,
                                      logical_not, logical_or, negate, startswith, value_to_val, wall_clock, when)


# --- the compiler ----------------------------------------------------------------------------------

class Compiler:
    def __init__(self, schema: Mapping[str, object]):
        self.schema = {name: as_dtype(dtype) for name, dtype in schema.items()}

    def is_constant(self, node) -> bool:
        return not any(isinstance(n, ast.Column) and n.name in self.schema for n in ast.walk(node))

    def value(self, node) -> Val:
        if self.is_constant(node):
            return value_to_val(evaluate(node, {}))
        try:
            return self._vectorized(node)
        except NeedsRowwise:
            kinds = _rowwise_kinds(node)
            if kinds is None:  # the node itself may produce lists: let its parent go row-wise
                raise
            return self.rowwise(node, kinds)

    def _vectorized(self, node) -> Val:
        if isinstance(node, ast.Column):
            return Val(column_parts(pl.col(node.name), self.schema[node.name]))
        if isinstance(node, ast.ListLit):
            raise NeedsRowwise()
        if isinstance(node, ast.Unary):
            operand = self.value(node.operand)
            if node.op == "+":
                return operand
            return negate(operand) if node.op == "-" else logical_not(operand)
        if isinstance(node, ast.Binary):
            return arithmetic(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Compare):
            return compare(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, ast.BoolOp):
            operands = [self.value(operand) for operand in node.operands]
            if all(is_plain_boolean(v) for v in operands):  # flat, for long generated chains
                return (all_of if node.op == "and" else any_of)(operands)
            combine = logical_and if node.op == "and" else logical_or
            result = operands[0]
            for operand in operands[1:]:
                result = combine(result, operand)
            return result
        if isinstance(node, ast.IfElse):
            return if_else(self.value(node.then), self.value(node.cond), self.value(node.otherwise))
        if isinstance(node, ast.Field):
            if not isinstance(node.key, ast.StrLit):
                return Val()  # a field name computed per row is never resolved: null
            return get_field(self.value(node.base), node.key.value)
        if isinstance(node, ast.Call):
            if node.name == "col":
                return Val()  # a column name computed per row is never resolved: null
            if node.name == "startswith":
                return startswith([self.value(arg) for arg in node.args])
            raise NeedsRowwise()  # datetime() of column values: rare, done row by row
        raise TypeError(f"not an expression node: {node!r}")

    # --- row-by-row fallback ---------------------------------------------------------------------

    def rowwise(self, node, kinds) -> Val:
        """Evaluate ``node`` with the reference evaluator, one row at a time."""
        names = sorted({n.name for n in ast.walk(node) if isinstance(n, ast.Column) and n.name in self.schema})
        inputs = pl.struct([_python_friendly(pl.col(name), self.schema[name]).alias(name) for name in names])
        out_dtypes = {kind: _ROWWISE_DTYPES[kind] for kind in kinds}
        return_dtype = pl.Struct({**out_dtypes, "error": pl.String(), "other": pl.String()})
        decoders = {name: _decoder(self.schema[name]) for name in names}

        def run(batch: pl.Series) -> pl.Series:
            out = []
            with deep_recursion():  # runs when polars evaluates, outside compile_filter
                for row in batch.to_list():
                    values = {name: decoders[name](row[name]) for name in names}
                    out.append(_encode(evaluate(node, values), kinds))
            return pl.Series(out, dtype=return_dtype)

        result = inputs.map_batches(run, return_dtype=return_dtype)
        val = Val({kind: Part(result.struct.field(kind), dtype) for kind, dtype in out_dtypes.items()})
        val.error = result.struct.field("error")
        val.other = result.struct.field("other")
        return val


# --- row-wise fallback plumbing --------------------------------------------------------------------

_ROWWISE_DTYPES = {BOOL: pl.Boolean(), INT: pl.Int64(), FLOAT: pl.Float64(), STR: pl.String(), DT: pl.Int128()}


def _rowwise_kinds(node):
    """The kinds a node can produce when it is evaluated row by row (None: it may produce lists)."""
    if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.Unary) and node.op == "not"):
        return (BOOL,)
    if isinstance(node, ast.Call) and node.name == "startswith":
        return (BOOL,)
    if isinstance(node, ast.Call) and node.name == "datetime":
        return (DT,)
    if isinstance(node, ast.Binary):
        return (INT, FLOAT, STR)
    if isinstance(node, ast.Unary) and node.op == "-":
        return (INT, FLOAT)
    return None


def _python_friendly(expr: pl.Expr, dtype) -> pl.Expr:
    """Datetimes travel as integers, so nanoseconds survive the trip to Python."""
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            expr = wall_clock(expr, dtype.time_zone)
        return expr.cast(pl.Int64)
    if isinstance(dtype, pl.Date):
        return expr.cast(pl.Int32)
    return expr


def _decoder(dtype):
    from tablekit.expr.values import from_python

    if isinstance(dtype, pl.Datetime):
        factor = NS_PER_UNIT[dtype.time_unit]
        return lambda v: None if v is None else DateTime(v * factor)
    if isinstance(dtype, pl.Date):
        return lambda v: None if v is None else DateTime(v * NS_PER_DAY)
    return from_python


def _encode(value, kinds) -> dict:
    row = {kind: None for kind in kinds}
    row["error"] = row["other"] = None
    if isinstance(value, ErrorValue):
        row["error"] = f"{value.code}|{value.source}"
    elif value is None:
        pass
    elif isinstance(value, bool):
        row[BOOL] = value
    elif isinstance(value, int) and INT in kinds:
        row[INT] = value
    elif isinstance(value, float) and FLOAT in kinds:
        row[FLOAT] = value
    elif isinstance(value, str) and STR in kinds:
        row[STR] = value
    elif isinstance(value, DateTime) and DT in kinds:
        row[DT] = value.ns
    else:  # only for a whole filter evaluated row-wise (``[i]``): not a boolean (errors inside a list too)
        row["other"] = f"{kind_name(value)}|{describe(value)}"
    return row


# --- entry point -------------------------------------------------------------------------------------

def compile_filter(node, schema: Mapping[str, object]) -> pl.Expr:
    """A polars predicate that keeps the rows where ``node`` is True.

    ``schema`` maps the frame's column names to polars dtypes; unknown columns
    are null.  When a row can produce an error or a non-boolean value, the
    predicate raises tablekit's UserErrorException for the first such row
    while being evaluated (as mltable raises at materialization).
    """
    simple = truthy_predicate(node, schema)
    if simple is not None:
        # as it is: filter drops null rows itself, and polars' parquet reader skips row groups by
        # their statistics only for plain comparisons (not under fill_null)
        return simple
    with deep_recursion():
        compiler = Compiler(schema)
        try:
            val = compiler.value(node)
        except NeedsRowwise:  # e.g. a bare list literal of columns: the whole filter row by row
            val = compiler.rowwise(node, (BOOL, INT, FLOAT, STR, DT))
        return _predicate(val)


def _predicate(val: Val) -> pl.Expr:
    keep = val.parts[BOOL].expr if BOOL in val.parts else pl.lit(None, dtype=pl.Boolean)
    if val.is_const and not isinstance(val.const, (bool, type(None), ErrorValue)):  # shown whole, errors inside too
        not_boolean = pl.lit(f"{kind_name(val.const)}|{describe(val.const)}")
    else:
        not_boolean = coalesce([when(part.expr.is_not_null(), pl.lit(KIND_NAMES[kind] + "|") + describe_part(kind, part))
                                 for kind, part in val.parts.items() if kind != BOOL] + [val.other])
    if val.error is None and not_boolean is None:
        return keep
    checked = pl.struct(row=pl.int_range(pl.len()), keep=keep,
                        error=val.error if val.error is not None else pl.lit(None, dtype=pl.String),
                        cast=not_boolean if not_boolean is not None else pl.lit(None, dtype=pl.String))
    return checked.map_batches(runtime.check_filter_batch, return_dtype=pl.Boolean)
