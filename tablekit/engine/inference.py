"""Column type inference for delimited files, on a sample of string values.

mltable looks at the first ``sample_size`` (200) data rows and picks, per
column, the first kind every non-null sample value fits: boolean, integer,
float, datetime, else string (no values at all: the column stays strings,
which are all null in the sample).  Values after the sample are then
converted with the convert_column_types rules of that kind ('2.5' in an int
column becomes 2, 'abc' null), as mltable does.
"""
from __future__ import annotations

from typing import Dict

import polars as pl

from tablekit.engine import convert
from tablekit.engine.datetimes import LAYOUTS, day_first, fits_layout, literals, parse_layouts, swappable

EMPTY, BOOL, INT, FLOAT, DATETIME, STRING = "empty", "boolean", "int", "float", "datetime", "string"
BOOL_NUMBERS = "boolean with numbers"  # booleans some of which the sample writes as integers ('-0', '01')

INT_PATTERN = r"^\s*[+-]?\d+\s*$"
FLOAT_PATTERN = r"(?i)^\s*[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|nan|inf|infinity)\s*$"

# The spellings inference reads as booleans (mltable's to_bool defaults, any mix of them),
# once spaces around them are trimmed (' true' and '\t1' are booleans too).
TRUE_WORDS = ("true", "True", "TRUE", "t", "T", "Y", "1")
FALSE_WORDS = ("false", "False", "FALSE", "f", "F", "N", "0")

# the characters a value must have to be in a layout
_LITERALS = {layout: literals(layout) for layout in LAYOUTS}

# every layout starts like this (a number, then - or /); a cheap test before trying each layout
DATE_SHAPE = r"^\s*[+-]?\d+[-/]"

MONTH_FIRST, DAY_FIRST, BOTH = "month first", "day first", "both"


def datetime_formats(values: pl.Series) -> tuple:
    """The layouts the sample's values are written in, decided as mltable decides them; () if strings.

    mltable goes through the values in order, keeping the layout of the last one:
    a value that fits it stays in it, else it goes to the first layout of rslex's
    list it fits.  A month-first layout (01/02/2021) stays undecided while its values
    read either way; the first that reads one way only (31/12/2021) decides it, per
    layout (a time or a two-digit year makes another layout).  A value fitting no
    layout, or only the other way round of a decided layout, makes the column strings.
    An undecided layout is None for each value in mltable; tablekit reads it month
    first, or day first when the column's decided layouts all are (docs/deviations.md).
    """
    unique = values.unique(maintain_order=True)
    present = set("".join(unique.to_list()))
    letters = any(c.isalpha() for c in present)  # month names and AM/PM
    # a parse each: only the layouts whose characters the values have
    tried = [layout for layout in LAYOUTS
             if _LITERALS[layout] <= present and (letters or ("%b" not in layout and "%p" not in layout))]
    if not tried:
        return ()
    fits = dict(zip(unique.to_list(), _fits(unique, tried)))
    tried = [layout for layout in tried if layout in next(iter(fits.values()))]  # those _fits got to
    states = _decide([fits[value] for value in values.to_list()], tried)
    if not states:
        return ()
    decided = {state for layout, state in states.items() if swappable(layout) and state}
    undecided = DAY_FIRST if decided == {DAY_FIRST} else MONTH_FIRST
    return tuple(day_first(layout) if (states[layout] or undecided) == DAY_FIRST else layout
                 for layout in LAYOUTS if layout in states)


def _fits(values: pl.Series, tried: list, chunk: int = 8) -> list:
    """Per value, whether it fits each layout (and each layout day first), as dicts.

    Layouts are tried in order, a few per query, until every value fits one: the
    layouts after that are no value's first and so never enter the decision.
    """
    frame = pl.DataFrame({"v": values})
    parts = []
    covered = pl.Series([False] * len(values))
    for start in range(0, len(tried), chunk):
        layouts = tried[start:start + chunk]
        names = layouts + [day_first(layout) for layout in layouts if swappable(layout)]
        parts.append(frame.select([fits_layout(pl.col("v"), name).alias(name) for name in names]))
        covered = covered | parts[-1].select(pl.any_horizontal(pl.all())).to_series()
        if covered.all():
            break
    return pl.concat(parts, how="horizontal").to_dicts() if parts else []


def _decide(rows, tried) -> dict:
    """Each layout the rows are in -> MONTH_FIRST, DAY_FIRST or None (undecided); {} for strings.

    Only the last value's layout is tried first (a value fitting an older one but
    not the last is placed by the list again: 12/31/21 after 2021-01-02 starts
    %m/%d/%y even beside %m/%d/%Y), so a repeated value can matter.
    """
    states: dict = {}
    current = None
    for row in rows:
        side = _side(row, current) if current else None
        if side is None:  # not in the last value's layout: the first of the list it fits
            current, side = next(((layout, side) for layout in tried for side in [_side(row, layout)] if side),
                                 (None, None))
            if current is None:
                return {}  # a value in no layout
            states.setdefault(current, None)
        state = states[current]
        if side == BOTH or side == state:
            continue
        if state is not None:
            return {}  # a decided layout read the other way round: both orders in one layout
        states[current] = side
    return states


def _side(row: dict, layout: str):
    month_first = row[layout]
    other = swappable(layout) and row[day_first(layout)]
    if month_first:
        return BOTH if other else MONTH_FIRST
    return DAY_FIRST if other else None


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
        out = parse_layouts(col, kind[1])
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
