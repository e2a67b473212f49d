"""Column type inference for delimited files, on a sample of string values.

mltable looks at the first ``sample_size`` (200) data rows and picks, per
column, the first kind every non-null sample value fits: boolean, integer,
float, datetime, else string (no values at all: an all-null column).  Values
after the sample that do not fit the chosen kind become null.
"""
from __future__ import annotations

from typing import Dict, List

import polars as pl

EMPTY, BOOL, INT, FLOAT, DATETIME, STRING = "empty", "boolean", "int", "float", "datetime", "string"

INT_PATTERN = r"^\s*[+-]?\d+\s*$"
FLOAT_PATTERN = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"

# Each pair of spellings mltable reads as booleans.
BOOL_PAIRS = (("1", "0"), ("Y", "N"), ("y", "n"), ("t", "f"), ("T", "F"), ("True", "False"),
              ("TRUE", "FALSE"), ("true", "false"))
TRUE_WORDS = tuple(t for t, _ in BOOL_PAIRS)
FALSE_WORDS = tuple(f for _, f in BOOL_PAIRS)

# Datetime layouts recognised by inference, tried in order (ISO first, then US).
DATETIME_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
)


def _all_match(values: pl.Series, pattern: str) -> bool:
    return bool(values.str.contains(pattern).all())


def parse_datetime(expr: pl.Expr, formats=DATETIME_FORMATS) -> pl.Expr:
    """Values parsed by the first format that fits, as naive UTC datetime[ns]; else null."""
    if not formats:
        return pl.lit(None, dtype=pl.Datetime("ns"))
    attempts = []
    for fmt in formats:
        parsed = expr.str.strptime(pl.Datetime("ns", "UTC" if "%z" in fmt else None), fmt, strict=False, exact=True)
        if "%z" in fmt:
            parsed = parsed.dt.replace_time_zone(None)
        attempts.append(parsed)
    return attempts[0] if len(attempts) == 1 else pl.coalesce(attempts)


def infer_kind(values: pl.Series) -> str:
    values = values.drop_nulls()
    if values.len() == 0:
        return EMPTY
    if values.is_in(list(TRUE_WORDS + FALSE_WORDS)).all() and _one_bool_pair(values):
        return BOOL
    if _all_match(values, INT_PATTERN):
        as_int = values.str.strip_chars().cast(pl.Int64, strict=False)
        return INT if as_int.null_count() == 0 else FLOAT
    if _all_match(values, FLOAT_PATTERN):
        return FLOAT
    formats = datetime_formats(values)
    if formats:
        return (DATETIME, formats)
    return STRING


def datetime_formats(values: pl.Series) -> tuple:
    """The layouts the sample's values are written in, if every value has one; else ()."""
    frame = pl.DataFrame({"v": values})
    parsed = frame.select([parse_datetime(pl.col("v"), (fmt,)).is_not_null().alias(str(i))
                           for i, fmt in enumerate(DATETIME_FORMATS)])
    if not parsed.select(pl.any_horizontal(pl.all()).all()).item():
        return ()
    used = parsed.select(pl.all().any()).row(0)
    return tuple(fmt for fmt, hit in zip(DATETIME_FORMATS, used) if hit)


def _one_bool_pair(values: pl.Series) -> bool:
    distinct = set(values.unique().to_list())
    return any(distinct <= {t, f} for t, f in BOOL_PAIRS)


def cast_to_kind(name: str, kind: str) -> pl.Expr:
    """Expression turning the string column ``name`` into ``kind`` (misfits null)."""
    col = pl.col(name)
    if kind == EMPTY:
        return pl.lit(None, dtype=pl.Null).alias(name)
    if kind == BOOL:
        mapping = {**{t: True for t in TRUE_WORDS}, **{f: False for f in FALSE_WORDS}}
        return col.replace_strict(mapping, default=None, return_dtype=pl.Boolean).alias(name)
    if kind == INT:
        return col.str.strip_chars().cast(pl.Int64, strict=False).alias(name)
    if kind == FLOAT:
        return col.str.strip_chars().cast(pl.Float64, strict=False).alias(name)
    if isinstance(kind, tuple) and kind[0] == DATETIME:
        return parse_datetime(col, kind[1]).alias(name)
    return col


def infer_kinds(sample: pl.DataFrame) -> Dict[str, str]:
    return {name: infer_kind(sample.get_column(name)) for name in sample.columns}


def kinds_to_exprs(kinds: Dict[str, object], columns: List[str]) -> List[pl.Expr]:
    """Casts for string columns; a kind may be ("override", DataType) from column_type_overrides."""
    from tablekit.engine.convert import convert

    exprs = []
    for name in columns:
        kind = kinds.get(name, STRING)
        if isinstance(kind, tuple) and kind[0] == "override":
            exprs.append(convert(name, kind[1], pl.String))
        else:
            exprs.append(cast_to_kind(name, kind))
    return exprs
