"""Run-time values of the filter language, as mltable's engine (rslex) sees them.

A value is one of: ``None`` (null), ``bool``, ``int`` (int64), ``float``,
``str``, :class:`DateTime`, ``bytes``, ``list`` (of values), :class:`Record`
or :class:`ErrorValue`.  Errors are values: an operation on bad input yields
an error that flows on through the expression, and the filter only raises
when one reaches the top.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from dataclasses import dataclass
from typing import Any, Optional

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND

# Error codes (mltable prefixes them with "Microsoft.DPrep.ErrorValues.").
ERROR_PREFIX = "Microsoft.DPrep.ErrorValues."
VALUE_WRONG_KIND = "ValueWrongKind"
NUMERIC_VALUE_REQUIRED = "NumericValueRequired"
DIVISOR_ZERO = "DivisorMustNotBeZero"
BOOLEAN_OP_INVALID = "BooleanOpOnInvalidKind"
FIELD_OF_NON_RECORD = "GetFieldOfNonRecord"
WRONG_ARGUMENT_COUNT = "InvokedFunctionWithWrongNumberOfArguments"
INVALID_DATETIME_PART = "InvalidDateTimePartValue"
INVALID_YMD = "InvalidYMD"
INVALID_HMS = "InvalidHMS"


@dataclass(frozen=True, order=True)
class DateTime:
    """An instant, as nanoseconds since 1970-01-01 (years -262144..262143 fit)."""
    ns: int


@dataclass(frozen=True)
class Record:
    """A struct value: ordered field names and values."""
    fields: tuple  # ((name, value), ...)

    def get(self, name: str):
        for key, value in self.fields:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class ErrorValue:
    code: str     # e.g. "DivisorMustNotBeZero"
    source: str   # the offending value, described as mltable does: "Int64(0)"


# Cross-type ordering: a value of a lower rank is smaller than any value of a higher one.
RANK_BOOL, RANK_NUMBER, RANK_STRING, RANK_DATETIME, RANK_BINARY, RANK_LIST, RANK_RECORD, RANK_ERROR = range(8)


def rank(value) -> int:
    if isinstance(value, bool):
        return RANK_BOOL
    if isinstance(value, (int, float)):
        return RANK_NUMBER
    if isinstance(value, str):
        return RANK_STRING
    if isinstance(value, DateTime):
        return RANK_DATETIME
    if isinstance(value, bytes):
        return RANK_BINARY
    if isinstance(value, list):
        return RANK_LIST
    if isinstance(value, ErrorValue):  # only inside lists: errors there compare, by their code
        return RANK_ERROR
    return RANK_RECORD


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind_name(value) -> str:
    """The type name mltable uses in messages ("Int64", "String", ...)."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Int64"
    if isinstance(value, float):
        return "Float64"
    if isinstance(value, str):
        return "String"
    if isinstance(value, DateTime):
        return "DateTime"
    if isinstance(value, bytes):
        return "Binary"
    if isinstance(value, list):
        return "List"
    if isinstance(value, Record):
        return "Record"
    return "Error"


def format_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def format_datetime(ns: int) -> str:
    days, rest = divmod(ns, NS_PER_DAY)
    y, m, d = civil_from_days(days)
    seconds, frac = divmod(rest, NS_PER_SECOND)
    text = f"{y:04d}-{m:02d}-{d:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


def describe(value) -> str:
    """A value as mltable's error messages show it: ``Int64(0)``, ``String("x")``."""
    if isinstance(value, ErrorValue):
        return (f'Error(SyncErrorValue {{ error_code: "{ERROR_PREFIX}{value.code}", '
                f"source_value: {value.source}, error_details: None }})")
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return f"Boolean({str(value).lower()})"
    if isinstance(value, int):
        return f"Int64({value})"
    if isinstance(value, float):
        return f"Float64({format_float(value)})"
    if isinstance(value, str):
        return f'String("{value}")'
    if isinstance(value, DateTime):
        return f"DateTime({format_datetime(value.ns)})"
    if isinstance(value, bytes):
        return f"Binary({list(value)})"
    if isinstance(value, list):
        return "List([" + ", ".join(describe(v) for v in value) + "])"
    return "Record({" + ", ".join(f"{k}: {describe(v)}" for k, v in value.fields) + "})"


def error(code: str, source) -> ErrorValue:
    return ErrorValue(code, describe(source))


# --- calendar arithmetic (proleptic Gregorian, like chrono) -------------------------------

MIN_YEAR, MAX_YEAR = -262144, 262143


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 (Howard Hinnant's algorithm)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def valid_ymd(y: int, m: int, d: int) -> bool:
    return MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m)


def valid_hms(h: int, mi: int, s: int, ns: int) -> bool:
    # chrono's from_hms_nano_opt: nanoseconds up to 2e9 (a leap second) are accepted.
    return 0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60 and 0 <= ns < 2 * NS_PER_SECOND


def wrap_i32(value: int) -> int:
    """Rust's ``as i32`` (mltable converts the year that way)."""
    return (value + 2 ** 31) % 2 ** 32 - 2 ** 31


# Rust's f64::from_str grammar (what mltable uses for datetime parts given as text).
_RUST_FLOAT = re.compile(r"[+-]?(inf|infinity|nan|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)", re.IGNORECASE)


def text_to_int(text: str) -> Optional[int]:
    """A datetime part given as text: trimmed, parsed as a float, truncated (``as i64``)."""
    text = text.strip()
    if not _RUST_FLOAT.fullmatch(text):
        return None
    number = float(text)
    if math.isnan(number):
        return 0
    if math.isinf(number):
        return INT64_MAX if number > 0 else INT64_MIN
    return max(INT64_MIN, min(INT64_MAX, int(number)))


def make_datetime(args: list):
    """``datetime(y[, m, d, H, M, S, ns])`` on evaluated arguments."""
    if not 1 <= len(args) <= 7:
        return ErrorValue(WRONG_ARGUMENT_COUNT, "Null")
    parts = []
    for arg in args:
        if isinstance(arg, str):
            number = text_to_int(arg)
        elif isinstance(arg, int) and not isinstance(arg, bool):
            number = arg
        else:
            number = None
        if number is None:
            return error(INVALID_DATETIME_PART, arg)
        parts.append(number)
    parts += [1, 1, 0, 0, 0, 0][len(parts) - 1:]
    y, m, d, h, mi, s, ns = parts
    if not valid_ymd(wrap_i32(y), m, d):
        return ErrorValue(INVALID_YMD, f"List([Int64({y}), Int64({m}), Int64({d})])")
    if not valid_hms(h, mi, s, ns):
        return ErrorValue(INVALID_HMS, f"List([Int64({h}), Int64({mi}), Int64({s}), Int64({ns})])")
    seconds = h * 3600 + mi * 60 + s
    return DateTime(days_from_civil(wrap_i32(y), m, d) * NS_PER_DAY + seconds * NS_PER_SECOND + ns)


# --- values coming from polars ---------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1)


def from_python(value: Any):
    """A cell as polars hands it to Python -> a language value.

    Timezone-aware datetimes compare by their local wall-clock time in mltable,
    so the zone is dropped rather than converted.
    """
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        delta = naive - _EPOCH
        return DateTime((delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1000)
    if isinstance(value, dt.date):
        return DateTime(days_from_civil(value.year, value.month, value.day) * NS_PER_DAY)
    if isinstance(value, (list, tuple)):
        return [from_python(v) for v in value]
    if isinstance(value, dict):
        return Record(tuple((k, from_python(v)) for k, v in value.items()))
    if isinstance(value, dt.timedelta):  # durations: rslex has no such kind; use the count of microseconds
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, dt.time):
        return str(value)
    return str(value)
