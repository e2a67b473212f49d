"""convert_column_types: turning a column into a DataType the way mltable does.

to_int truncates ('2.5' -> 2), reads '1e3', trims spaces, saturates at the
int64 limits and maps 'NaN' to 0; unparsable values become null.  to_bool
knows mltable's default spellings or the user's lists (mismatch_as decides
the rest).  to_datetime tries the user's formats in turn.  to_string writes
2.0 as '2', booleans as 'True'/'False' and datetimes in ISO form with +00:00.
"""
from __future__ import annotations

import json

import numpy as np
import polars as pl

from tablekit.engine.datetimes import parse_datetime
from tablekit.types import DataType

DEFAULT_TRUE = ["true", "True", "TRUE", "t", "T", "Y", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "f", "F", "N", "0"]
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def _as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return expr if dtype == pl.String else to_string(expr, dtype)


def _floats_to_text(series: pl.Series) -> pl.Series:
    """Positional notation without trailing zeros, as mltable writes floats (2.0 -> '2', 1e-7 -> '0.0000001')."""
    def text(x):
        if x is None:
            return None
        if x != x:
            return "NaN"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
        return _float_text(x)
    return pl.Series(series.name, [text(x) for x in series.to_list()], dtype=pl.String)


def _float_text(x: float) -> str:
    return np.format_float_positional(x, trim="-")


def _json_text(value) -> str:
    """A value inside a list, as mltable writes it: JSON, floats without trailing zeros."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _record_text(value) -> str:
    """An object's field, as mltable writes it: {key: value}, strings bare, Null/True/False."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_record_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return _json_text(value)
    return str(value)


def _nested_to_text(series: pl.Series) -> pl.Series:
    """Lists as JSON text ('["a", null]'), objects as mltable's records ('{k: 1, s: x}')."""
    return pl.Series(series.name, [None if v is None else _record_text(v) for v in series.to_list()],
                     dtype=pl.String)


def to_string(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return expr
    if dtype.is_nested():
        return expr.map_batches(_nested_to_text, return_dtype=pl.String)
    if dtype == pl.Boolean:
        return pl.when(expr).then(pl.lit("True")).when(~expr).then(pl.lit("False")).otherwise(None)
    if dtype.is_float():
        return expr.map_batches(_floats_to_text, return_dtype=pl.String)
    if isinstance(dtype, pl.Datetime):
        return expr.dt.to_string("%Y-%m-%dT%H:%M:%S%.f") + pl.lit("+00:00")
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("ns")).dt.to_string("%Y-%m-%dT%H:%M:%S") + pl.lit("+00:00")
    if dtype == pl.Null:
        return expr.cast(pl.String)
    if isinstance(dtype, pl.Decimal):  # mltable holds decimals as floats: 1.50 -> '1.5'
        return to_string(expr.cast(pl.Float64), pl.Float64())
    return expr.cast(pl.String, strict=False)


def _no_number(dtype: pl.DataType) -> bool:
    """mltable gives null when asked for a number from a boolean, a date, a list or an object."""
    return dtype == pl.Boolean or dtype.is_temporal() or dtype.is_nested()


def to_float(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if _no_number(dtype):
        return pl.lit(None, dtype=pl.Float64)
    if dtype.is_numeric():
        return expr.cast(pl.Float64)
    text = _as_text(expr, dtype).str.strip_chars()
    return text.cast(pl.Float64, strict=False)


def to_int(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if _no_number(dtype):
        return pl.lit(None, dtype=pl.Int64)
    if dtype.is_integer():
        return expr.cast(pl.Int64, strict=False)
    if dtype.is_float():  # a float NaN or infinity has no int (the text 'NaN' is 0, 'inf' the largest int)
        value = pl.when(expr.is_finite()).then(expr.cast(pl.Float64))
    else:
        value = to_float(expr, dtype)
    # NaN first: polars orders NaN above every number
    as_int = (pl.when(value.is_nan()).then(pl.lit(0, dtype=pl.Int64))
              .when(value >= float(INT64_MAX)).then(pl.lit(INT64_MAX, dtype=pl.Int64))
              .when(value <= float(INT64_MIN)).then(pl.lit(INT64_MIN, dtype=pl.Int64))
              .otherwise(value.cast(pl.Int64, strict=False)))  # the cast truncates toward zero
    if dtype.is_float():
        return as_int
    # whole numbers written as integers keep every digit (floats round past 2**53)
    exact = _as_text(expr, dtype).str.strip_chars().cast(pl.Int64, strict=False)
    return pl.coalesce([exact, as_int])


def to_bool(expr: pl.Expr, dtype: pl.DataType, options: dict) -> pl.Expr:
    if dtype == pl.Boolean:
        return expr
    if dtype.is_nested() or dtype.is_temporal():  # lists, objects, dates: null, whatever mismatch_as says
        return pl.lit(None, dtype=pl.Boolean)
    if dtype.is_numeric():  # numbers: not zero is True, whatever true_values or mismatch_as say
        return pl.when(expr.is_null()).then(None).otherwise(expr != 0)
    trues = options.get("true_values") or DEFAULT_TRUE
    falses = options.get("false_values") or DEFAULT_FALSE
    mismatch = options.get("mismatch_as")
    text = _as_text(expr, dtype).str.strip_chars()
    otherwise = {"true": pl.lit(True), "false": pl.lit(False)}.get(mismatch, pl.lit(None, dtype=pl.Boolean))
    return (pl.when(text.is_null()).then(pl.lit(None, dtype=pl.Boolean))
            .when(text.is_in(trues)).then(pl.lit(True))
            .when(text.is_in(falses)).then(pl.lit(False))
            .otherwise(otherwise))


def to_datetime(expr: pl.Expr, dtype: pl.DataType, options: dict) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        return expr.cast(pl.Datetime("ns"))
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("ns"))
    if dtype.is_nested():
        return pl.lit(None, dtype=pl.Datetime("ns"))

    formats = options.get("formats") or []
    if isinstance(formats, str):
        formats = [formats]
    return parse_datetime(_as_text(expr, dtype), tuple(formats))


def convert(name: str, data_type: DataType, dtype: pl.DataType) -> pl.Expr:
    """Expression converting column ``name`` (currently ``dtype``) to ``data_type``."""
    col = pl.col(name)
    kind = data_type.name
    if kind == "string":
        out = to_string(col, dtype)
    elif kind == "int":
        out = to_int(col, dtype)
    elif kind == "float":
        out = to_float(col, dtype)
    elif kind == "boolean":
        out = to_bool(col, dtype, data_type.options)
    elif kind == "datetime":
        out = to_datetime(col, dtype, data_type.options)
    else:  # stream_info: tablekit keeps the location text
        out = _as_text(col, dtype)
    return out.alias(name)
