"""Datetime layouts mltable recognises, and parsing strings by them (inference and to_datetime share it)."""
from __future__ import annotations

import re

import polars as pl

# Datetime layouts recognised by inference, tried in order (ISO, then slashed, then month or day first).
# %.f accepts an optional fraction; %#z accepts Z or an offset.
_TIMES = ("", " %H:%M:%S%.f", " %H:%M", " %I:%M:%S %p", " %I:%M %p")
MONTH_FIRST = tuple("%m/%d/%Y" + time for time in _TIMES)
DAY_FIRST = tuple("%d/%m/%Y" + time for time in _TIMES)
DATETIME_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y/%m/%d", "%Y/%m/%d %H:%M:%S%.f",
) + MONTH_FIRST + DAY_FIRST  # year-first times need seconds (2021-01-02T10:20 is a string); slashed ones not


_FRACTION = re.compile(r"%[.]?[0-9]?f")


def strptime(expr: pl.Expr, fmt: str, unit: str) -> pl.Expr:
    zoned = "%z" in fmt or "%#z" in fmt
    parsed = expr.str.strptime(pl.Datetime(unit, "UTC" if zoned else None), fmt, strict=False, exact=True)
    return parsed.dt.replace_time_zone(None) if zoned else parsed


def parse_datetime(expr: pl.Expr, formats=DATETIME_FORMATS) -> pl.Expr:
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
