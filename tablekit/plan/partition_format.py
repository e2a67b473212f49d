"""Partition formats: the columns extract_columns_from_partition_format reads out of file paths.

A format such as ``/year={year}/{day:yyyy/MM/dd}/*.parquet`` becomes a
regular expression that is *searched* (not anchored) in each file's absolute
path, as mltable's engine does:

- ``{name}`` captures one path segment (no ``/`` or ``\\``; dots allowed) as a
  string column; a name used twice keeps its first value;
- ``{name:fmt}`` is the one date column: in ``fmt`` the parts ``yyyy`` (4
  digits), ``MM``, ``dd``, ``HH``, ``mm`` and ``ss`` (2 digits each) build a
  datetime (missing parts: month/day 1, time 0); ``yyyy`` is required;
- ``*`` matches within one segment (as few characters as possible), ``/`` and
  ``\\`` match either separator, ``.`` is a dot, ``{{``/``}}`` are braces;
  every other character is regular-expression syntax, as in mltable.

A path the expression does not find gives *error values* for every column of
that format, and so does a date whose parts are out of range; the engine
decides what errors become (see engine/partition_values.py).  Problems with
the format itself are reported at materialization (ScriptExecution.Validation),
as mltable does; ``mltable_partition_keys`` is the separate, simpler parser
behind mltable's ``partition_keys`` property.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

from tablekit.errors import ErrorCode, MLTableError, data_error
from tablekit.expr import columns_read
from tablekit.plan.nodes import DropColumns, Filter, KeepColumns, Plan

DATE_PARTS = {"yyyy": 4, "MM": 2, "dd": 2, "HH": 2, "mm": 2, "ss": 2}
SEPARATOR = r"[\/\\]"
SEGMENT = r"[^\/\\]+"
WILDCARD = r"[^\/\\]*?"
COUNTED_REPETITION = re.compile(r"\{\{\d+(,\d*)?\}\}")  # {{3}}: the only brace escape a Rust regex accepts


NO_MATCH, INVALID_DATE = "RegexNotMatched", "InvalidDateTimePartValue"  # mltable's error value codes


@dataclass(frozen=True)
class PathValues:
    """One path's partition values: column -> str / datetime / None, and the columns holding errors."""

    values: Dict[str, object]
    errors: FrozenSet[str] = frozenset()
    reason: Optional[str] = None  # why they are errors: NO_MATCH or INVALID_DATE


@dataclass(frozen=True)
class PartitionFormat:
    text: str
    regex: re.Pattern
    keys: Tuple[str, ...]             # string columns, in format order
    date_column: Optional[str]        # the date capture's name ('' : a date capture without a column)
    date_parts: Tuple[str, ...]       # the date parts the format captures

    @property
    def columns(self) -> Tuple[str, ...]:
        """The columns the format adds: its string keys, then its date column."""
        return self.keys + ((self.date_column,) if self.date_column else ())

    def values(self, path: str) -> PathValues:
        match = self.regex.search(path)
        if match is None:
            return PathValues(dict.fromkeys(self.columns), frozenset(self.columns), NO_MATCH)
        values: Dict[str, object] = {key: match.group(f"k{i}") for i, key in enumerate(self.keys)}
        if not self.date_column:
            return PathValues(values)
        values[self.date_column] = date = self._date(match)
        if date is None:
            return PathValues(values, frozenset((self.date_column,)), INVALID_DATE)
        return PathValues(values)

    def _date(self, match: re.Match) -> Optional[dt.datetime]:
        if not self.date_parts:
            return None
        part = {name: int(match.group(f"d_{name}")) for name in self.date_parts}
        try:
            return dt.datetime(part["yyyy"], part.get("MM", 1), part.get("dd", 1),
                               part.get("HH", 0), part.get("mm", 0), part.get("ss", 0))
        except ValueError:
            return None


def _format_error(text: str, reason: str):
    return data_error(ErrorCode.VALIDATION,
                      f"Invalid argument \"partition-format\". \"{reason}\", Actual \"{text}\"")


def _literal(char: str) -> str:
    if char in "/\\":
        return SEPARATOR
    if char == ".":
        return r"\."
    if char == "*":
        return WILDCARD
    return char  # mltable passes other characters to the regular expression as they are


class _Builder:
    """Turns a format into its regular expression, left to right."""

    def __init__(self, text: str):
        self.text = text
        self.pieces: List[str] = []
        self.keys: List[str] = []
        self.date_column: Optional[str] = None
        self.date_parts: List[str] = []

    def build(self) -> PartitionFormat:
        text, i = self.text, 0
        while i < len(text):
            if text.startswith("{{", i) or text.startswith("}}", i):
                if text[i] == "{" and not COUNTED_REPETITION.match(text, i):
                    raise self._regex_error("'{{' makes a literal '{', which the regular expression rejects")
                self.pieces.append(text[i])
                i += 2
            elif text[i] == "{":
                close = text.find("}", i + 1)
                if close < 0 or "{" in text[i + 1:close]:
                    raise _format_error(text, "Format contains extra brackets {}.")
                self._capture(text[i + 1:close])
                i = close + 1
            elif text[i] == "}":
                raise _format_error(text, "Format contains extra brackets {}.")
            else:
                self.pieces.append(_literal(text[i]))
                i += 1
        if not self.keys and self.date_column is None:
            raise _format_error(text, "Partition format requires at least one part.")
        if self.date_parts and "yyyy" not in self.date_parts:
            raise _format_error(text, "Year (yyyy) must be present in date partition format.")
        try:
            regex = re.compile("".join(self.pieces))
        except re.error as exc:
            raise self._regex_error(str(exc)) from None
        return PartitionFormat(text, regex, tuple(self.keys), self.date_column, tuple(self.date_parts))

    def _capture(self, body: str) -> None:
        name, colon, date_format = body.partition(":")
        if colon:
            if not date_format:
                raise _format_error(self.text, "Date format string is required.")
            if self.date_column is not None:
                raise _format_error(self.text, "Only single date is supported by partition format.")
            self.date_column = name
            self._date(date_format)
        elif not name:
            raise _format_error(self.text, "Name is required for each partition capture.")
        elif name in self.keys:  # the first capture of a name gives its value
            self.pieces.append(f"(?:{SEGMENT})")
        else:
            self.pieces.append(f"(?P<k{len(self.keys)}>{SEGMENT})")
            self.keys.append(name)

    def _date(self, date_format: str) -> None:
        i = 0
        while i < len(date_format):
            part = next((p for p in DATE_PARTS if date_format.startswith(p, i)), None)
            if part is None:
                self.pieces.append(_literal(date_format[i]))
                i += 1
                continue
            digits = rf"\d{{{DATE_PARTS[part]}}}"
            if part in self.date_parts:
                self.pieces.append(digits)
            else:
                self.pieces.append(f"(?P<d_{part}>{digits})")
                self.date_parts.append(part)
            i += len(part)

    def _regex_error(self, detail: str):
        return data_error(ErrorCode.VALIDATION,
                          f"Native function compilation error: the partition format \"{self.text}\" makes an "
                          f"invalid regular expression (InvalidRegexPattern: {detail}).")


@functools.lru_cache(maxsize=256)
def parse_partition_format(text: str) -> PartitionFormat:
    """The format's regular expression and columns; a UserErrorException (ScriptExecution.Validation)
    naming the problem when the format is invalid."""
    return _Builder(text).build()


# -- filters mltable moves to the file listing -----------------------------------------

def file_level_filters(plan: Plan) -> FrozenSet[int]:
    """Positions in ``plan.steps`` of the filters mltable evaluates on its list of files, not on rows.

    mltable moves a filter that reads only partition columns (or no column at
    all) to the file listing when nothing but keep_columns, drop_columns and
    such filters comes between it and the read step; the rows then keep their
    Arrow types (a filter left on the rows sends them through rslex values).
    """
    try:
        partition_columns = {name for step in plan.partition_formats
                             for name in parse_partition_format(step.partition_format).columns}
    except MLTableError:
        partition_columns = set()  # the format's error comes when the rows are read
    moved = set()
    first = len(plan.partition_formats) + (plan.read is not None)
    for position, step in enumerate(plan.steps[first:], start=first):
        if isinstance(step, Filter):
            columns = columns_read(step.expression)
            if columns is None or not columns <= partition_columns:
                break
            moved.add(position)
        elif not isinstance(step, (KeepColumns, DropColumns)):
            break
    return frozenset(moved)


# -- mltable's partition_keys property ---------------------------------------------

_SYS_PARTS = {part: f"_sys_{part}" for part in DATE_PARTS}


def mltable_partition_keys(partition_format: str) -> List[str]:
    """The keys mltable's ``partition_keys`` reports for a format: a port of its Python parser.

    That parser is not the engine's: it lists a name used twice once, puts the
    date column last, and accepts formats the engine rejects.  Where it crashes
    tablekit raises the same exception classes with a readable message.
    """
    text, columns, date_column, date_parts_seen = partition_format, [], None, []
    i = 0
    while i < len(text):
        if text[i:i + 2] in ("{{", "}}"):
            i += 2
            continue
        if text[i] != "{":
            i += 1
            continue
        close = text.find("}", i + 1)
        close = len(text) if close < 0 else close
        key = text[i + 1:close]
        if ":" in key:
            if key.count(":") > 1:  # mltable: "too many values to unpack"
                raise ValueError(f"Invalid partition_format \"{partition_format}\": the capture {{{key}}} has "
                                 "more than one ':' (a date capture is {name:format})")
            date_column, date_format = key.split(":")
            for part, placeholder in _SYS_PARTS.items():
                date_format = date_format.replace(part, "{" + placeholder + "}")
            text = text[:i] + date_format + text[close + 1:]  # its parts are read as captures next
            continue
        part = next((p for p, placeholder in _SYS_PARTS.items() if text.startswith(placeholder, i + 1)), None)
        if part is not None:
            date_parts_seen.append(part)
        elif key not in columns:
            columns.append(key)
        i = close + 1
    if date_column is not None:
        columns.append(date_column)
    if date_parts_seen and "yyyy" not in date_parts_seen:
        # mltable means to raise this but fails on an undefined name (NameError) instead
        raise NameError(f"Invalid partition_format \"{partition_format}\": Year (yyyy) must be present in date "
                        "partition format.")
    return columns
