"""Column type inference for delimited files, on a sample of string values.

mltable looks at the first ``sample_size`` (200) data rows and picks, per
column, the first kind every non-null sample value fits: boolean, integer,
float, datetime, else string (no values at all: the column stays strings,
which are all null in the sample).  Values after the sample are then
converted with the convert_column_types rules of that kind ('2.5' in an int
column becomes 2, 'abc' null), as mltable does.
"""
from __future__ import annotations

import re
from typing import Dict

import polars as pl

from tablekit.engine import convert
from tablekit.engine.datetimes import DATETIME_FORMATS, DAY_FIRST, MONTH_FIRST, parse_datetime, strptime

EMPTY, BOOL, INT, FLOAT, DATETIME, STRING = "empty", "boolean", "int", "float", "datetime", "string"
BOOL_NUMBERS = "boolean with numbers"  # booleans some of which the sample writes as integers ('-0', '01')

INT_PATTERN = r"^\s*[+-]?\d+\s*$"
FLOAT_PATTERN = r"(?i)^\s*[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|nan|inf|infinity)\s*$"

# The spellings inference reads as booleans (mltable's to_bool defaults, any mix of them),
# once spaces around them are trimmed (' true' and '\t1' are booleans too).
TRUE_WORDS = ("true", "True", "TRUE", "t", "T", "Y", "1")
FALSE_WORDS = ("false", "False", "FALSE", "f", "F", "N", "0")

# the characters a value must have to be in a layout (spaces aside: they match any whitespace)
_SEPARATORS = {fmt: set(re.sub(r"%[.#]?[A-Za-z]", "", fmt)) - {" "} for fmt in DATETIME_FORMATS}

# every layout above starts like this; a cheap test before trying each layout
DATE_SHAPE = r"^\s*\d{1,4}[-/]\d{1,2}[-/]\d{1,4}"


def datetime_formats(values: pl.Series) -> tuple:
    """The layouts the sample's values are written in, if every value has one; else ().

    Slashed dates are month first (01/02 is January 2nd) unless one of them can
    only be day first (31/12): then all are, as in mltable.  A column needing
    both stays strings.
    """
    frame = pl.DataFrame({"v": values})
    present = set("".join(values.to_list()))
    # a layout whose separators no value has cannot match: not tried (each one costs a parse)
    # a value beyond datetime[ns]'s range is still in its layout (it reads as null, as in mltable)
    parsed = frame.select([strptime(pl.col("v"), fmt, "us").is_not_null().alias(fmt)
                           if _SEPARATORS[fmt] <= present else pl.lit(False).alias(fmt)
                           for fmt in DATETIME_FORMATS])
    fits = parsed.select(
        pl.any_horizontal(pl.all()).all().alias("all"),
        # every value that is one of the family's layouts could be the other's
        (~pl.any_horizontal(DAY_FIRST) | pl.any_horizontal(MONTH_FIRST)).all().alias("month_first"),
        (~pl.any_horizontal(MONTH_FIRST) | pl.any_horizontal(DAY_FIRST)).all().alias("day_first"),
    ).row(0, named=True)
    if not fits["all"]:
        return ()
    if fits["month_first"]:
        excluded = DAY_FIRST
    elif fits["day_first"]:
        excluded = MONTH_FIRST
    else:
        return ()
    used = parsed.select(pl.all().any()).row(0)
    return tuple(fmt for fmt, hit in zip(DATETIME_FORMATS, used) if hit and fmt not in excluded)


def infer_kinds(sample: pl.DataFrame) -> Dict[str, object]:
    """Each column's kind from its sample: boolean words, ints, floats, datetimes in known layouts, else string.

    The tests for every column run as one polars query (a take(1000) is mostly this).
    """
    words = list(TRUE_WORDS + FALSE_WORDS)
    tests = []
    for i, name in enumerate(sample.columns):
        values = pl.col(name).cast(pl.String).drop_nulls()
        trimmed = values.str.strip_chars()
        word = trimmed.is_in(words)
        # mltable counts any integer 0 or 1 as a boolean ('+1', '01', '-0'); tablekit does beside
        # words only: a column of such numbers alone is ints (docs/deviations.md, csv.bool_intlike)
        beside_words = (word | _int01(trimmed)).all() & (word & ~trimmed.str.contains(INT_PATTERN)).any()
        tests += [values.len().alias(f"n{i}"),
                  (word.all() | beside_words).alias(f"bool{i}"),
                  (~word & _int01(trimmed)).any().alias(f"numbers{i}"),
                  values.str.contains(INT_PATTERN).all().alias(f"int{i}"),
                  # ints beyond int64 are floats
                  (values.str.strip_chars().cast(pl.Int64, strict=False).null_count() == 0).alias(f"fits{i}"),
                  values.str.contains(FLOAT_PATTERN).all().alias(f"float{i}"),
                  values.str.contains(DATE_SHAPE).all().alias(f"date{i}")]
    found = sample.select(tests).row(0, named=True) if tests else {}
    kinds = {}
    for i, name in enumerate(sample.columns):
        if found[f"n{i}"] == 0:
            kinds[name] = EMPTY
        elif found[f"bool{i}"]:
            kinds[name] = BOOL_NUMBERS if found[f"numbers{i}"] else BOOL
        elif found[f"int{i}"]:
            kinds[name] = INT if found[f"fits{i}"] else FLOAT
        elif found[f"float{i}"]:
            kinds[name] = FLOAT
        else:
            formats = datetime_formats(sample.get_column(name).drop_nulls()) if found[f"date{i}"] else ()
            kinds[name] = (DATETIME, formats) if formats else STRING
    return kinds


def _int01(text: pl.Expr) -> pl.Expr:
    return text.cast(pl.Int64, strict=False).is_in([0, 1]).fill_null(False)


def fast_cast(name: str, kind) -> pl.Expr:
    """A cheap cast that is exact whenever it yields no new nulls (checked by the caller)."""
    if kind == INT:
        return pl.col(name).cast(pl.Int64, strict=False).alias(name)
    if kind == FLOAT:
        return pl.col(name).cast(pl.Float64, strict=False).alias(name)
    return exact_cast(name, kind)


def exact_cast(name: str, kind) -> pl.Expr:
    """Expression turning the string column ``name`` into ``kind`` with mltable's rules."""
    col = pl.col(name)
    if kind == BOOL:
        out = convert.to_bool(col, pl.String, {})
    elif kind == BOOL_NUMBERS:  # integers 0 and 1 in any spelling by their value (mltable: None)
        number = col.str.strip_chars().cast(pl.Int64, strict=False)
        out = pl.when(number.is_in([0, 1]).fill_null(False)).then(number == 1).otherwise(
            convert.to_bool(col, pl.String, {}))
    elif kind == INT:
        out = convert.to_int(col, pl.String)
    elif kind == FLOAT:
        out = convert.to_float(col, pl.String)
    elif isinstance(kind, tuple) and kind[0] == DATETIME:
        out = parse_datetime(col, kind[1])
    elif isinstance(kind, tuple) and kind[0] == "override":
        out = convert.convert(name, kind[1], pl.String)
    else:  # string, or no value in the sample
        out = col
    return out.alias(name)


def cast_columns(frame: pl.DataFrame, kinds: Dict[str, object]) -> pl.DataFrame:
    """Type every string column of ``frame`` as ``kinds`` says."""
    if not frame.width:
        return frame  # no column (all projected away): the rows still count
    typed = frame.select([fast_cast(c, kinds.get(c, STRING)) for c in frame.columns])
    # A fast cast that lost values (padding, '2.5' in an int column...) is redone exactly.
    before, after = frame.null_count().row(0), typed.null_count().row(0)
    redo = [c for c, b, a in zip(frame.columns, before, after)
            if a > b and kinds.get(c) in (INT, FLOAT)]
    if redo:
        typed = typed.with_columns(frame.select([exact_cast(c, kinds[c]) for c in redo]))
    return typed
