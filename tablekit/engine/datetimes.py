"""Datetime layouts mltable recognises, and parsing strings by them (inference and to_datetime share it)."""
from __future__ import annotations

import re

import polars as pl

# rslex's layouts for type inference, in the order it tries them on a value (read from its binary and
# probed).  Python-style names, as mltable reports them: '.%f' is an optional fraction (chrono's %.f),
# '%z' a numeric offset, Z or UTC.  A layout starting with %m is also tried day first ('%d/%m/%Y').
# Year-first times need seconds and US ones take no fraction: those values are strings in mltable.
DATE_LAYOUTS = ("%Y-%m-%d", "%m-%d-%y", "%m-%d-%Y", "%d-%b-%y", "%d-%b-%Y",
                "%Y/%m/%d", "%m/%d/%y", "%m/%d/%Y", "%d/%b/%y", "%d/%b/%Y")


def _time_layouts(sep: str) -> tuple:
    ymd = f"%Y{sep}%m{sep}%d"
    iso = tuple(f"{ymd}{t}%H:%M:%S{f}{z}" for z in ("", "%z") for f in ("", ".%f") for t in ("T", " "))
    us = tuple(f"%m{sep}%d{sep}{y}{time}" for time in (" %I:%M %p", " %I:%M:%S %p", " %H:%M", " %H:%M:%S")
               for y in ("%y", "%Y"))
    named = tuple(f"%d{sep}%b{sep}{y}{time}" for y in ("%y", "%Y") for time in (" %H:%M", " %H:%M:%S", " %H:%M:%S.%f"))
    return iso + us + named


LAYOUTS = DATE_LAYOUTS + _time_layouts("-") + _time_layouts("/")


def swappable(layout: str) -> bool:
    """Month-first layouts; year-first ones are never read year-day-month (2021-13-01 is a string)."""
    return layout.startswith("%m")


def day_first(layout: str) -> str:
    return layout.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


def literals(layout: str) -> set:
    """The characters a value must have to be in ``layout`` (the fraction is optional, spaces match none)."""
    return set(re.sub(r"%[A-Za-z]", "", layout.replace(".%f", ""))) - {" "}


_FRACTION = re.compile(r"%[.]?[0-9]?f")
_UTC_WORD = r"(?i)\s*(?:z|utc)$"


def _numeric_offset(expr: pl.Expr) -> pl.Expr:
    """rslex reads Z and UTC (any case, spaces before) as %z; chrono, and so polars, reads numbers only."""
    return expr.str.replace(_UTC_WORD, "+00:00")


def strptime(expr: pl.Expr, fmt: str, unit: str) -> pl.Expr:
    zoned = "%z" in fmt or "%#z" in fmt
    parsed = expr.str.strptime(pl.Datetime(unit, "UTC" if zoned else None), fmt, strict=False, exact=True)
    return parsed.dt.replace_time_zone(None) if zoned else parsed


def parse_datetime(expr: pl.Expr, formats=()) -> pl.Expr:
    """Values parsed by the first format that fits, as naive UTC datetime[ns]; else null.

    Parsed in microseconds first: values datetime[ns] cannot hold are null, as in
    mltable (parsed straight into nanoseconds, polars would wrap them to other
    dates).  A layout with a fraction is parsed again in nanoseconds to keep every digit.
    """
    if not formats:
        return pl.lit(None, dtype=pl.Datetime("ns"))
    attempts = []
    for fmt in formats:
        held = strptime(expr, fmt, "us").cast(pl.Datetime("ns"), strict=False)  # null where ns cannot hold it
        attempts.append(pl.when(held.is_not_null()).then(strptime(expr, fmt, "ns")) if _FRACTION.search(fmt)
                        else held)
    return attempts[0] if len(attempts) == 1 else pl.coalesce(attempts)


def _polars_format(layout: str) -> str:
    return layout.replace(".%f", "%.f")


def fits_layout(expr: pl.Expr, layout: str) -> pl.Expr:
    """Whether each value is a valid date in ``layout`` (one beyond datetime[ns] too: mltable reads it as NaT)."""
    fmt = _polars_format(layout)
    fits = strptime(expr, fmt, "us").is_not_null()
    if "%z" in layout:
        fits = fits | strptime(_numeric_offset(expr), fmt, "us").is_not_null()
    return fits


def parse_layouts(expr: pl.Expr, layouts) -> pl.Expr:
    """Values read by the first of ``layouts`` that gives a datetime[ns], else null.

    mltable tries the last row's layout, then the others in a random order (a set's), and
    a value that the first layout fitting its shape reads as an impossible date (month 13)
    is null whatever the others say: where two layouts read a value (1/2/21 as 2021-01-02
    or as year 1), its result depends on the run and the rows before it.  tablekit takes
    the first layout, in rslex's order, that reads a datetime[ns] (docs/deviations.md).
    """
    formats = [_polars_format(layout) for layout in layouts]
    parsed = parse_datetime(expr, formats)
    zoned = [fmt for fmt in formats if "%z" in fmt]
    if zoned:
        parsed = pl.coalesce(parsed, parse_datetime(_numeric_offset(expr), zoned))
    return parsed
