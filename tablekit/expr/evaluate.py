"""Reference evaluator: the filter language's semantics, one row at a time.

This is the specification that ``compile.py`` vectorizes.  It is used for
constant folding, for the rare operations compile.py does not vectorize
(comparing lists or records, ``datetime()`` of column values), and by the
tests as an oracle.  Every rule here was observed on mltable 1.7.0.
"""
from __future__ import annotations

import math
from typing import Callable, Mapping

from tablekit.expr import ast
from tablekit.expr.values import (BOOLEAN_OP_INVALID, DIVISOR_ZERO, FIELD_OF_NON_RECORD,
                                  INT64_MIN, NUMERIC_VALUE_REQUIRED, VALUE_WRONG_KIND, WRONG_ARGUMENT_COUNT,
                                  DateTime, ErrorValue, Record, describe, error, is_number, make_datetime, rank)


def wrap_i64(value: int) -> int:
    """int64 arithmetic wraps around in mltable."""
    return (value - INT64_MIN) % 2 ** 64 + INT64_MIN


# --- comparisons -------------------------------------------------------------------------------

def _partial_order(a, b):
    """-1, 0, 1, or None when unordered (NaN), like Rust's PartialOrd; a and b are not errors."""
    if a is None or b is None:  # only inside lists: null sorts first
        return 0 if a is None and b is None else (-1 if a is None else 1)
    if _is_nan(a) or _is_nan(b):
        return None
    ra, rb = rank(a), rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if isinstance(a, (list, Record)):
        xs = a if isinstance(a, list) else [v for _, v in a.fields]
        ys = b if isinstance(b, list) else [v for _, v in b.fields]
        for x, y in zip(xs, ys):
            c = _partial_order(x, y)
            if c != 0:
                return c
        return (len(xs) > len(ys)) - (len(xs) < len(ys))
    if isinstance(a, ErrorValue):
        a, b = a.code, b.code
    return (a > b) - (a < b)  # Python compares int with float exactly, as mltable does


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _error_or_null(a, b):
    """What a binary operation gives before looking at its operands: the first error, else null if any is null."""
    if isinstance(a, ErrorValue):
        return a
    if isinstance(b, ErrorValue):
        return b
    return None


def compare(op: str, a, b):
    if isinstance(a, ErrorValue) or isinstance(b, ErrorValue) or a is None or b is None:
        return _error_or_null(a, b)
    c = _partial_order(a, b)
    if c is None:  # IEEE: NaN is unordered against everything, even across types
        return op == "!="
    return {"==": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


# --- arithmetic --------------------------------------------------------------------------------

def _int_or_float(op: str, a, b):
    if isinstance(a, int) and isinstance(b, int) and op in ("+", "-", "*", "//", "%"):
        if op in ("//", "%") and b == 0:
            return error(DIVISOR_ZERO, b)
        if op == "//" and a == INT64_MIN and b == -1:
            return INT64_MIN  # mltable panics here; we wrap
        if op == "//":  # truncates toward zero (-3 // 2 == -1) while % floors (-4 % 3 == 2)
            return wrap_i64(-(-a // b) if (a < 0) != (b < 0) else a // b)
        return wrap_i64({"+": a + b, "-": a - b, "*": a * b, "%": a % b if b else 0}[op])
    x, y = float(a), float(b)
    if op in ("/", "//", "%") and y == 0:
        return error(DIVISOR_ZERO, b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return x / y
    if op == "//":
        return _floor(x / y)
    if op == "%":  # x - y*floor(x/y), not Python's fmod-based %: 1 % 0.1 == 0.0
        return x - y * _floor(x / y)
    return _power(x, y)


def _floor(x: float) -> float:
    if not math.isfinite(x):
        return x
    return math.copysign(float(math.floor(x)), x) if math.floor(x) == 0 else float(math.floor(x))


def _power(x: float, y: float) -> float:
    try:
        result = x ** y
    except ZeroDivisionError:  # 0 ** negative
        return math.inf
    except OverflowError:
        return math.inf if x > 0 or float(y).is_integer() and int(y) % 2 == 0 else -math.inf
    if isinstance(result, complex):  # negative ** fraction
        return math.nan
    return result


def arithmetic(op: str, a, b):
    if isinstance(a, ErrorValue) or isinstance(b, ErrorValue) or a is None or b is None:
        return _error_or_null(a, b)
    if op == "+":
        if isinstance(a, str):
            return a + b if isinstance(b, str) else error(VALUE_WRONG_KIND, b)
        if not is_number(a):
            return error(VALUE_WRONG_KIND, a)
        if not is_number(b):
            return error(VALUE_WRONG_KIND, b)
    else:
        if not is_number(a):
            return error(NUMERIC_VALUE_REQUIRED, a)
        if not is_number(b):
            return error(NUMERIC_VALUE_REQUIRED, b)
    return _int_or_float(op, a, b)


def negate(value):
    if value is None or isinstance(value, ErrorValue):
        return value
    if not is_number(value):
        return error(NUMERIC_VALUE_REQUIRED, value)
    return wrap_i64(-value) if isinstance(value, int) else -value


# --- boolean logic -----------------------------------------------------------------------------

def logical_not(value):
    if value is None or isinstance(value, ErrorValue):
        return value
    if not isinstance(value, bool):
        return error(BOOLEAN_OP_INVALID, value)
    return not value


def logical_and(left, right_thunk: Callable[[], object]):
    """``and``: False and null decide without looking right; True takes the right side."""
    if isinstance(left, ErrorValue) or left is False or left is None:
        return left
    if left is not True:
        return error(BOOLEAN_OP_INVALID, left)
    right = right_thunk()
    if right is None or isinstance(right, (bool, ErrorValue)):
        return right
    return error(BOOLEAN_OP_INVALID, right)


def logical_or(left, right_thunk: Callable[[], object]):
    """``or``: True on either side wins, even over errors; ``null or <non-bool>`` is null."""
    if left is True:
        return True
    right = right_thunk()
    if right is True:
        return True
    if isinstance(left, ErrorValue):
        return left
    if isinstance(right, ErrorValue):
        return right
    if left is not None and left is not False:
        return error(BOOLEAN_OP_INVALID, left)
    if left is None:
        return None
    if right is None or right is False:
        return right
    return error(BOOLEAN_OP_INVALID, right)


# --- functions and fields ----------------------------------------------------------------------

def startswith(args: list):
    if len(args) != 2:
        return ErrorValue(WRONG_ARGUMENT_COUNT, "Null")
    for arg in args:
        if not isinstance(arg, str):
            return error(VALUE_WRONG_KIND, arg)
    return args[0].startswith(args[1])


def get_field(base, key):
    if isinstance(base, Record):
        return base.get(key)
    return error(FIELD_OF_NON_RECORD, base)


# --- nodes -------------------------------------------------------------------------------------

def literal_value(node):
    if isinstance(node, ast.NoneLit):
        return None
    return node.value


def evaluate(node, row: Mapping[str, object]):
    """The value of ``node`` for one row (``row`` maps column names to language values)."""
    if isinstance(node, ast.LITERALS):
        return literal_value(node)
    if isinstance(node, ast.Column):
        return row.get(node.name)
    if isinstance(node, ast.ListLit):
        return [evaluate(item, row) for item in node.items]
    if isinstance(node, ast.Unary):
        value = evaluate(node.operand, row)
        if node.op == "-":
            return negate(value)
        if node.op == "not":
            return logical_not(value)
        return value  # unary plus is the identity, whatever the type
    if isinstance(node, ast.Binary):
        return arithmetic(node.op, evaluate(node.left, row), evaluate(node.right, row))
    if isinstance(node, ast.Compare):
        return compare(node.op, evaluate(node.left, row), evaluate(node.right, row))
    if isinstance(node, ast.BoolOp):
        combine = logical_and if node.op == "and" else logical_or
        result = evaluate(node.operands[0], row)
        for operand in node.operands[1:]:
            result = combine(result, lambda operand=operand: evaluate(operand, row))
        return result
    if isinstance(node, ast.IfElse):
        cond = evaluate(node.cond, row)
        if cond is True:
            return evaluate(node.then, row)
        if cond is False or cond is None or isinstance(cond, ErrorValue):
            return evaluate(node.otherwise, row)
        return error(BOOLEAN_OP_INVALID, cond)
    if isinstance(node, ast.Field):
        base = evaluate(node.base, row)
        if not isinstance(node.key, ast.StrLit):
            return None  # a field name computed per row is never resolved
        return get_field(base, node.key.value)
    if isinstance(node, ast.Call):
        if node.name == "col":
            return None  # a column name computed per row is never resolved
        args = [evaluate(arg, row) for arg in node.args]
        if node.name == "datetime":
            return make_datetime(args)
        return startswith(args)
    raise TypeError(f"not an expression node: {node!r}")


def keeps_row(node, row: Mapping[str, object]):
    """True/False for a row, or the offending value (an ErrorValue or a non-boolean)."""
    value = evaluate(node, row)
    if value is True:
        return True
    if value is False or value is None:
        return False
    return value  # a list is not a boolean, even one holding an error (mltable: Value cast error)


__all__ = ["evaluate", "keeps_row", "compare", "arithmetic", "logical_and", "logical_or", "logical_not",
           "negate", "startswith", "get_field", "describe", "DateTime", "Record", "ErrorValue"]
