"""The filter language's values and operators, vectorized: each one a few polars expressions.

Every sub-expression of a filter becomes a ``Val``: for each kind of value it
can take, a polars expression that is non-null exactly on the rows where it
has that kind, plus an optional error expression (non-null on rows where the
value is an error).  Column types come from the schema (``column_parts``), so
almost every kind question is settled at compile time and common filters
become plain polars comparisons.  The operators here follow evaluate.py (the
reference) on whole columns; where they cannot (comparing lists or records,
if/else over mismatched types) they raise ``NeedsRowwise`` and compile.py
evaluates that node row by row.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

import polars as pl

from tablekit.expr.values import (BOOLEAN_OP_INVALID, DIVISOR_ZERO, FIELD_OF_NON_RECORD, INT64_MAX,
                                  INT64_MIN, NS_PER_DAY, NUMERIC_VALUE_REQUIRED, VALUE_WRONG_KIND,
                                  WRONG_ARGUMENT_COUNT, DateTime, ErrorValue, Record)

# Kinds of values, and their cross-type order (bool < number < string < datetime < binary < list < record).
BOOL, INT, FLOAT, STR, DT, BIN, LIST, REC = "bool", "int", "float", "str", "datetime", "binary", "list", "record"
RANK = {BOOL: 0, INT: 1, FLOAT: 1, STR: 2, DT: 3, BIN: 4, LIST: 5, REC: 6}
NUMERIC = (INT, FLOAT)
KIND_NAMES = {BOOL: "Boolean", INT: "Int64", FLOAT: "Float64", STR: "String", DT: "DateTime", BIN: "Binary",
              LIST: "List", REC: "Record"}
NS_PER_UNIT = {"ns": 1, "us": 1_000, "ms": 1_000_000}
I32_MIN, I32_MAX = -(2 ** 31), 2 ** 31 - 1


@dataclass
class Part:
    expr: pl.Expr
    dtype: pl.DataType


@dataclass
class Val:
    parts: Dict[str, Part] = field(default_factory=dict)  # kind -> values of that kind (null elsewhere)
    error: Optional[pl.Expr] = None                         # "Code|source" on rows that are errors
    const: object = None                                    # the Python value, when known statically
    is_const: bool = False
    other: Optional[pl.Expr] = None  # row-wise results of kinds without a part (lists...): "Kind|value"

    def present(self) -> pl.Expr:
        """Rows holding a (non-null, non-error) value."""
        exprs = [p.expr.is_not_null() for p in self.parts.values()]
        return pl.any_horizontal(exprs) if len(exprs) > 1 else (exprs[0] if exprs else pl.lit(False))

    def null_rows(self) -> pl.Expr:
        rows = ~self.present()
        return rows if self.error is None else rows & self.error.is_null()


class NeedsRowwise(Exception):
    """An operation compile.py does not vectorize; the enclosing node is evaluated row by row."""


# --- small helpers ---------------------------------------------------------------------------------

def coalesce(exprs: List[Optional[pl.Expr]]) -> Optional[pl.Expr]:
    exprs = [e for e in exprs if e is not None]
    if not exprs:
        return None
    return exprs[0] if len(exprs) == 1 else pl.coalesce(exprs)


def when(condition: pl.Expr, value: Optional[pl.Expr]) -> Optional[pl.Expr]:
    return None if value is None else pl.when(condition).then(value)


def _error(code: str, source: pl.Expr) -> pl.Expr:
    return pl.lit(code + "|") + source


def _wrapped_error(code: str, inner: pl.Expr) -> pl.Expr:
    """An error about an error (``startswith(1/0, "a")``): mltable nests the first one."""
    body = inner.str.replace("|", '", source_value: ', literal=True, n=1)
    return pl.concat_str([pl.lit(f'{code}|Error(SyncErrorValue {{ error_code: "Microsoft.DPrep.ErrorValues.'),
                          body, pl.lit(", error_details: None })")])


def describe_part(kind: str, part: Part) -> pl.Expr:
    """A value as mltable's error messages show it (e.g. ``Int64(1)``)."""
    e = part.expr
    if kind == BOOL:
        return pl.when(e).then(pl.lit("Boolean(true)")).otherwise(pl.lit("Boolean(false)"))
    if kind == INT:
        return pl.format("Int64({})", e)
    if kind == FLOAT:
        return pl.format("Float64({})", e)
    if kind == STR:
        return pl.format('String("{}")', e)
    if kind == DT:
        if isinstance(part.dtype, pl.Datetime):
            return pl.format("DateTime({}Z)", e.dt.to_string("%Y-%m-%dT%H:%M:%S%.f"))
        if isinstance(part.dtype, pl.Date):
            return pl.format("DateTime({}T00:00:00Z)", e.dt.to_string("%Y-%m-%d"))
        return pl.format("DateTime({} ns since 1970)", e.cast(pl.String))
    return pl.lit(f"{KIND_NAMES[kind]}(...)")


def _lit_part(value, dtype) -> Part:
    return Part(pl.lit(value, dtype=dtype), dtype)


# --- column types ----------------------------------------------------------------------------------

def as_dtype(dtype) -> pl.DataType:
    return dtype() if isinstance(dtype, type) else dtype


def column_parts(expr: pl.Expr, dtype) -> Dict[str, Part]:
    """How a polars column is seen by the language (as rslex reads the same data)."""
    dtype = as_dtype(dtype)
    if dtype == pl.Null:
        return {}
    if dtype == pl.Boolean:
        return {BOOL: Part(expr, pl.Boolean())}
    if dtype.is_integer():
        return {INT: Part(expr.cast(pl.Int64, wrap_numerical=True), pl.Int64())}
    if dtype.is_float() or dtype.is_decimal():  # rslex reads decimals as floats
        return {FLOAT: Part(expr.cast(pl.Float64), pl.Float64())}
    if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        return {STR: Part(expr.cast(pl.String), pl.String())}
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            expr = wall_clock(expr, dtype.time_zone)
        return {DT: Part(expr, pl.Datetime(dtype.time_unit))}
    if isinstance(dtype, pl.Date):
        return {DT: Part(expr, pl.Date())}
    if isinstance(dtype, pl.Binary):
        return {BIN: Part(expr, pl.Binary())}
    if isinstance(dtype, pl.Array):
        return {LIST: Part(expr.arr.to_list(), pl.List(dtype.inner))}
    if isinstance(dtype, pl.List):
        return {LIST: Part(expr, dtype)}
    if isinstance(dtype, pl.Struct):
        return {REC: Part(expr, dtype)}
    # Times, durations, objects: rslex has no such kinds; compare them as text.
    return {STR: Part(expr.cast(pl.String, strict=False), pl.String())}


def wall_clock(expr: pl.Expr, time_zone: str) -> pl.Expr:
    """A zoned timestamp as mltable compares it: local time at the zone's offset of 1970-01-01.

    rslex applies one fixed offset per zone, ignoring daylight saving and later
    changes: Europe/Paris is UTC+1 in summer too, Asia/Singapore UTC+7:30.
    """
    utc = expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return utc + pl.duration(seconds=epoch_offset_seconds(time_zone))


def epoch_offset_seconds(time_zone: str) -> int:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    try:
        offset = epoch.astimezone(ZoneInfo(time_zone)).utcoffset()
    except (KeyError, ValueError):  # fixed offsets such as "+05:30"
        match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", time_zone)
        if not match:
            return 0
        sign = 1 if match.group(1) == "+" else -1
        return sign * (int(match.group(2)) * 3600 + int(match.group(3)) * 60)
    return int(offset.total_seconds())


def _as_ns(part: Part) -> pl.Expr:
    """A datetime part as Int128 nanoseconds since the epoch."""
    if isinstance(part.dtype, pl.Datetime):
        return part.expr.cast(pl.Int64).cast(pl.Int128) * NS_PER_UNIT[part.dtype.time_unit]
    if isinstance(part.dtype, pl.Date):
        return part.expr.cast(pl.Int32).cast(pl.Int128) * NS_PER_DAY
    return part.expr


def value_to_val(value) -> Val:
    """A constant."""
    val = Val(const=value, is_const=True)
    if isinstance(value, ErrorValue):
        val.error = pl.lit(f"{value.code}|{value.source}")
    elif isinstance(value, bool):
        val.parts[BOOL] = _lit_part(value, pl.Boolean())
    elif isinstance(value, int):
        val.parts[INT] = _lit_part(value, pl.Int64())
    elif isinstance(value, float):
        val.parts[FLOAT] = _lit_part(value, pl.Float64())
    elif isinstance(value, str):
        val.parts[STR] = _lit_part(value, pl.String())
    elif isinstance(value, DateTime):
        val.parts[DT] = _lit_part(value.ns, pl.Int128())
    elif isinstance(value, bytes):
        val.parts[BIN] = _lit_part(value, pl.Binary())
    elif isinstance(value, list):
        val.parts[LIST] = Part(pl.lit(True), pl.Boolean())  # only used through the row-wise path
    elif isinstance(value, Record):
        val.parts[REC] = Part(pl.lit(True), pl.Boolean())
    return val


# --- operations --------------------------------------------------------------------------------------

def negate(v: Val) -> Val:
    out = Val(error=v.error)
    errors = [v.error]
    for kind, part in v.parts.items():
        if kind in NUMERIC:
            out.parts[kind] = Part(-part.expr, part.dtype)
        else:
            errors.append(when(part.expr.is_not_null(), _error(NUMERIC_VALUE_REQUIRED, describe_part(kind, part))))
    out.error = coalesce(errors)
    return out


def _truth(v: Val):
    """(booleans, genuine errors, errors for non-boolean values) of a value used as a condition."""
    booleans = v.parts[BOOL].expr if BOOL in v.parts else None
    non_boolean = coalesce([when(part.expr.is_not_null(), _error(BOOLEAN_OP_INVALID, describe_part(kind, part)))
                             for kind, part in v.parts.items() if kind != BOOL])
    return booleans, v.error, non_boolean


def _bool_val(booleans: Optional[pl.Expr], error: Optional[pl.Expr]) -> Val:
    return Val({BOOL: Part(booleans, pl.Boolean())} if booleans is not None else {}, error)


def logical_not(v: Val) -> Val:
    b, e, n = _truth(v)
    return _bool_val(None if b is None else b.not_(), coalesce([e, n]))


def logical_and(left: Val, right: Val) -> Val:
    lb, le, ln = _truth(left)
    rb, re_, rn = _truth(right)
    if lb is None:  # never True on the left: null or an error, the right side is never looked at
        return _bool_val(None, coalesce([le, ln]))
    # False and null decide on their own (null and False is null, not False); True takes the right.
    booleans = pl.when(lb.not_()).then(pl.lit(False)).when(lb).then(rb if rb is not None else pl.lit(None))
    error = coalesce([le, ln, when(lb, coalesce([re_, rn]))])
    return _bool_val(booleans, error)


def is_plain_boolean(v: Val) -> bool:
    return v.error is None and set(v.parts) <= {BOOL}


def _booleans(v: Val) -> pl.Expr:
    return v.parts[BOOL].expr if BOOL in v.parts else pl.lit(None, dtype=pl.Boolean)


def any_of(operands: List[Val]) -> Val:
    """``or`` over booleans and nulls: Kleene logic, so one flat any_horizontal."""
    return _bool_val(pl.any_horizontal([_booleans(v) for v in operands]), None)


def all_of(operands: List[Val]) -> Val:
    """``and`` over booleans and nulls: the first operand that is not True decides (null and False is null)."""
    first_not_true = pl.coalesce([pl.when(_booleans(v).ne_missing(True)).then(_booleans(v).cast(pl.Int8).fill_null(-1))
                                  for v in operands])
    booleans = pl.when(first_not_true.is_null()).then(pl.lit(True)).when(first_not_true == 0).then(pl.lit(False))
    return _bool_val(booleans, None)


def logical_or(left: Val, right: Val) -> Val:
    lb, le, ln = _truth(left)
    rb, re_, rn = _truth(right)
    if lb is not None and rb is not None:
        booleans = lb | rb  # Kleene or is exactly mltable's on booleans and nulls
    elif lb is not None or rb is not None:
        booleans = pl.when(lb if lb is not None else rb).then(pl.lit(True))
    else:
        booleans = None
    # Without a True on either side: the left error, the right error, a non-boolean left,
    # then a non-boolean right after a False (after a null it is just null).
    error = coalesce([le, re_, ln, when(lb.not_(), rn) if lb is not None else None])
    if error is not None and booleans is not None:
        any_true = booleans.fill_null(False)
        error = pl.when(any_true.not_()).then(error)
    return _bool_val(booleans, error)


def if_else(then: Val, cond: Val, otherwise: Val) -> Val:
    b, e, n = _truth(cond)
    take_then = b.fill_null(False) if b is not None else pl.lit(False)
    # False, null and errors all choose the else branch; a non-boolean condition is an error.
    take_else = take_then.not_() if n is None else take_then.not_() & n.is_null()
    out = Val()
    for kind in {**then.parts, **otherwise.parts}:
        a, c = then.parts.get(kind), otherwise.parts.get(kind)
        if a is not None and c is not None and a.dtype != c.dtype:
            if kind != DT:
                raise NeedsRowwise()
            a, c = Part(_as_ns(a), pl.Int128()), Part(_as_ns(c), pl.Int128())
        dtype = (a or c).dtype
        expr = pl.when(take_then).then(a.expr if a else pl.lit(None, dtype=dtype))
        expr = expr.when(take_else).then(c.expr if c else pl.lit(None, dtype=dtype))
        out.parts[kind] = Part(expr, dtype)
    out.error = coalesce([when(take_then, then.error), n, when(take_else, otherwise.error)])
    return out


def get_field(base: Val, name: str) -> Val:
    out = Val()
    errors = [None if base.error is None else _wrapped_error(FIELD_OF_NON_RECORD, base.error),
              pl.when(base.null_rows()).then(pl.lit(f"{FIELD_OF_NON_RECORD}|Null"))]
    for kind, part in base.parts.items():
        if kind == REC:
            fields = {f.name: f.dtype for f in part.dtype.fields}
            if name in fields:
                out.parts.update(column_parts(part.expr.struct.field(name), fields[name]))
        else:
            errors.append(when(part.expr.is_not_null(), _error(FIELD_OF_NON_RECORD, describe_part(kind, part))))
    out.error = coalesce(errors)
    return out


def startswith(args: List[Val]) -> Val:
    if len(args) != 2:
        return value_to_val(ErrorValue(WRONG_ARGUMENT_COUNT, "Null"))
    errors = []
    for arg in args:  # the first argument is checked first
        errors.append(None if arg.error is None else _wrapped_error(VALUE_WRONG_KIND, arg.error))
        errors.append(pl.when(arg.null_rows()).then(pl.lit(f"{VALUE_WRONG_KIND}|Null")))
        errors.extend(when(part.expr.is_not_null(), _error(VALUE_WRONG_KIND, describe_part(kind, part)))
                      for kind, part in arg.parts.items() if kind != STR)
    text, prefix = (arg.parts.get(STR) for arg in args)
    booleans = text.expr.str.starts_with(prefix.expr) if text is not None and prefix is not None else None
    return _bool_val(booleans, coalesce(errors))


# --- arithmetic ---------------------------------------------------------------------------------------

def arithmetic(op: str, left: Val, right: Val) -> Val:
    errors = [left.error, right.error]
    results: Dict[str, List[pl.Expr]] = {}
    for lk, lp in left.parts.items():
        for rk, rp in right.parts.items():
            both = lp.expr.is_not_null() & rp.expr.is_not_null()
            wrong = _wrong_kind(op, lk, rk)
            if wrong is not None:
                code, kind, side = wrong
                part = lp if side == "l" else rp
                errors.append(pl.when(both).then(_error(code, describe_part(kind, part))))
                continue
            nonzero = right.is_const and right.const != 0  # a constant divisor needs no zero check
            kind, expr, zero_error = _numeric(op, lk, lp, rk, rp, nonzero)
            if zero_error is not None:
                errors.append(zero_error)
            results.setdefault(kind, []).append(expr)
    out = Val(error=coalesce(errors))
    for kind, exprs in results.items():
        out.parts[kind] = Part(coalesce(exprs), _PART_DTYPES[kind])
    return out


def _wrong_kind(op, lk, rk):
    """(error code, kind of the offending value, "l"/"r") if the kinds do not fit ``op``."""
    if op == "+":
        if lk == STR:
            return None if rk == STR else (VALUE_WRONG_KIND, rk, "r")
        if lk not in NUMERIC:
            return (VALUE_WRONG_KIND, lk, "l")
        return None if rk in NUMERIC else (VALUE_WRONG_KIND, rk, "r")
    if lk not in NUMERIC:
        return (NUMERIC_VALUE_REQUIRED, lk, "l")
    if rk not in NUMERIC:
        return (NUMERIC_VALUE_REQUIRED, rk, "r")
    return None


def _numeric(op, lk, lp: Part, rk, rp: Part, nonzero: bool):
    """(result kind, value, division-by-zero error or None) for two numbers (or two strings with +)."""
    a, b = lp.expr, rp.expr
    if op == "+" and lk == STR:
        return STR, a + b, None
    if op in ("/", "//", "%"):
        zero = pl.lit(False) if nonzero else (b == 0) & a.is_not_null()  # null / 0 is null
        error = None if nonzero else pl.when(zero).then(_error(DIVISOR_ZERO, describe_part(rk, rp)))
        safe_b = pl.when(zero).then(pl.lit(1 if rk == INT else 1.0)).otherwise(b)  # no polars nulls or panics
        if lk == INT and rk == INT and op != "/":
            if op == "%":  # floors, like Python: -4 % 3 == 2
                value = a % safe_b
            else:  # truncates toward zero, unlike Python: -3 // 2 == -1
                floored = a // safe_b
                inexact = (a % safe_b != 0) & ((a < 0) != (safe_b < 0))
                value = pl.when(inexact).then(floored + 1).otherwise(floored)
            return INT, pl.when(zero.not_()).then(value), error
        x, y = a.cast(pl.Float64), safe_b.cast(pl.Float64)
        if op == "/":
            value = x / y
        elif op == "//":
            value = (x / y).floor()
        else:  # mltable computes x - y*floor(x/y): 1 % 0.1 == 0.0
            value = x - y * (x / y).floor()
        return FLOAT, pl.when(zero.not_()).then(value), error
    if op == "**":
        return FLOAT, a.cast(pl.Float64).pow(b.cast(pl.Float64)), None
    if lk == INT and rk == INT:
        return INT, {"+": a + b, "-": a - b, "*": a * b}[op], None  # int64 wraps around
    x, y = a.cast(pl.Float64), b.cast(pl.Float64)
    return FLOAT, {"+": x + y, "-": x - y, "*": x * y}[op], None


_PART_DTYPES = {BOOL: pl.Boolean(), INT: pl.Int64(), FLOAT: pl.Float64(), STR: pl.String()}


# --- comparisons ---------------------------------------------------------------------------------------

_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _apply(op: str, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return {"==": a.__eq__, "!=": a.__ne__, "<": a.__lt__, "<=": a.__le__, ">": a.__gt__, ">=": a.__ge__}[op](b)


def compare(op: str, left: Val, right: Val) -> Val:
    results = []
    for lk, lp in left.parts.items():
        for rk, rp in right.parts.items():
            results.append(_compare_parts(op, lk, lp, left, rk, rp, right))
    return _bool_val(coalesce(results), coalesce([left.error, right.error]))


def _compare_parts(op, lk, lp: Part, left: Val, rk, rp: Part, right: Val) -> pl.Expr:
    a, b = lp.expr, rp.expr
    nan_checks = [p.expr.is_nan() for k, p, v in ((lk, lp, left), (rk, rp, right))
                  if k == FLOAT and not (v.is_const and v.const == v.const)]
    if RANK[lk] != RANK[rk]:
        # Different types never raise: == is False, != True, ordering by type rank.
        outcome = {"==": False, "!=": True}.get(op, _apply(op, pl.lit(RANK[lk]), pl.lit(RANK[rk])))
        result = pl.when(a.is_not_null() & b.is_not_null()).then(outcome)
    elif lk in (LIST, REC):
        raise NeedsRowwise()
    elif lk == DT:
        result = _compare_datetimes(op, lp, left, rp, right)
    else:
        result = _apply(op, a, b)
    if nan_checks:  # NaN is unordered against everything (polars would call NaN the largest float)
        is_nan = nan_checks[0] if len(nan_checks) == 1 else nan_checks[0] | nan_checks[1]
        # ... but a null on the other side still makes the comparison null
        result = pl.when(is_nan & a.is_not_null() & b.is_not_null()).then(pl.lit(op == "!=")).otherwise(result)
    return result


def _compare_datetimes(op, lp: Part, left: Val, rp: Part, right: Val) -> pl.Expr:
    if right.is_const and isinstance(lp.dtype, (pl.Datetime, pl.Date)):
        return _compare_to_instant(op, lp, right.const.ns)
    if left.is_const and isinstance(rp.dtype, (pl.Datetime, pl.Date)):
        return _compare_to_instant(_FLIPPED[op], rp, left.const.ns)
    if lp.dtype == rp.dtype:
        return _apply(op, lp.expr, rp.expr)
    return _apply(op, _as_ns(lp), _as_ns(rp))


def _compare_to_instant(op: str, part: Part, ns: int) -> pl.Expr:
    """A datetime column against a constant instant, as a native polars comparison.

    The column holds integers in its own unit (days for Date); the constant is
    turned into the integer bound that gives the same answer, so precision and
    range (year 1500 in a ns column...) never matter.
    """
    if isinstance(part.dtype, pl.Date):
        unit_ns, low, high, physical = NS_PER_DAY, I32_MIN, I32_MAX, pl.Int32
    else:
        unit_ns, low, high, physical = NS_PER_UNIT[part.dtype.time_unit], INT64_MIN, INT64_MAX, pl.Int64
    floor, exact = divmod(ns, unit_ns)
    ceil = floor + (exact != 0)
    if op in ("==", "!="):
        if exact or not low <= floor <= high:
            return pl.when(part.expr.is_not_null()).then(pl.lit(op == "!="))
        bound = floor
    else:
        bound = ceil if op in ("<", ">=") else floor
        if bound < low or bound > high:  # every value is on the same side of the bound
            below = bound > high
            outcome = below if op in ("<", "<=") else not below
            return pl.when(part.expr.is_not_null()).then(pl.lit(outcome))
    literal = pl.lit(bound, dtype=physical).cast(part.dtype)
    return _apply(op, part.expr, literal)
