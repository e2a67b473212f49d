"""Reading JSON-lines files with mltable's typing rules.

mltable types each column of a file (a partition) by the JSON type of its
first non-null value; later values of another type become null.  Struct
fields are the union over the file in first-seen order, list elements follow
the same rule.  Deliberate deviations: integers and floats mixed in a column
are all kept as float64 (mltable nulls the ones whose JSON type differs from
the first value), and integers beyond int64 are kept exactly as uint64 when
they fit (else float64) where mltable wraps them.

Fast path (UTF-8 files, see jsonl_fast.py): polars parses the file, then
cheap checks on the raw bytes and the parsed columns prove polars did what
mltable would have done.  polars errors (a float after ints in the sample,
bool/number mixes...) retry with the whole file's schema; anything still
doubtful goes to the exact line-by-line parser here, which implements the
rules directly.
"""
from __future__ import annotations

import json
import mmap
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import polars as pl

from tablekit.engine.blocks import Block
from tablekit.engine.delimited import read_head_bytes
from tablekit.engine.frames import conform
from tablekit.engine.jsonl_fast import UINT64_MAX, FastRead
from tablekit.engine.text import decode, is_utf8_family
from tablekit.errors import ErrorCode, UserErrorException, data_error, no_columns_error
from tablekit.plan.nodes import ReadJsonLines
from tablekit.sources import SourceFile
from tablekit.sources.local import LocalSource

INT64_MAX = 2 ** 63 - 1
_NOT_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() leaves


# -- exact line parser -----------------------------------------------------------

def invalid_line(message: str, line: int) -> UserErrorException:
    """ParseJsonFailure (mltable's class and code) for a line that is not a JSON object, or nests
    too deeply; ``line`` tells the readers where the rows before it end (see is_invalid_line)."""
    error = data_error(ErrorCode.TRANSFORMATION_VALIDATION, message)
    error.invalid_line = line
    return error


def is_invalid_line(error: BaseException) -> bool:
    return getattr(error, "invalid_line", None) is not None


def _first_key_wins(pairs) -> Dict[str, Any]:
    """An object's keys, a repeated one keeping its first value (as polars' parse does; mltable
    fails such a line with a panic)."""
    obj: Dict[str, Any] = {}
    for key, value in pairs:
        obj.setdefault(key, value)
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_first_key_wins)
_JSON_SPACE = re.compile(r"[ \t\r\n]*")


def _first_value(line: str) -> Any:
    """The line's first JSON value.  What follows it is ignored, as mltable ignores it (a second
    object on the line, or any text)."""
    value, _ = _DECODER.raw_decode(line, _JSON_SPACE.match(line).end())
    return value


def _parse_lines(text: str, options: ReadJsonLines, display: str, first_line: int = 1,
                 max_rows: Optional[int] = None) -> List[Dict[str, Any]]:
    """The lines' objects, up to ``max_rows`` of them: the lines after those are not parsed."""
    rows = []
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, line in enumerate(text.split("\n"), start=first_line):
        if max_rows is not None and len(rows) >= max_rows:
            break
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            continue  # truly empty lines are skipped
        try:
            if not line.strip():
                raise ValueError("EOF while parsing a value (the line holds only whitespace)")
            value = _first_value(line)
            if not isinstance(value, dict):
                raise ValueError("Not a JSON object.")
        except RecursionError:
            if options.invalid_lines == "drop":
                continue
            raise invalid_line(f"ParseJsonFailure: line {number} of '{display}' nests arrays/objects too deeply "
                               "to parse.", number) from None
        except ValueError as exc:
            if options.invalid_lines == "drop":
                continue
            raise invalid_line(f"ParseJsonFailure: line {number} of '{display}' is not a valid JSON object "
                               f"({exc}): {line[:100]!r}", number) from None
        rows.append(value)
    return rows


def _kind(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return None


def _typed(values: List[Any]) -> Tuple[pl.DataType, List[Any]]:
    """mltable's rule: the first non-null value's JSON type; other values become null."""
    kind = next((k for k in map(_kind, values) if k is not None), None)
    if kind is None:
        return pl.Null(), [None] * len(values)
    values = [v if _kind(v) == kind else None for v in values]
    if kind == "bool":
        return pl.Boolean(), values
    if kind == "str":
        return pl.String(), values
    if kind == "number":
        if any(isinstance(v, float) for v in values):  # deviation: ints and floats mixed -> float64
            return pl.Float64(), [None if v is None else float(v) for v in values]
        ints = [v for v in values if v is not None]
        if all(-INT64_MAX - 1 <= v <= INT64_MAX for v in ints):
            return pl.Int64(), values
        if all(0 <= v <= UINT64_MAX for v in ints):  # deviation: mltable wraps these
            return pl.UInt64(), values
        return pl.Float64(), [None if v is None else float(v) for v in values]
    if kind == "list":
        elements = [e for v in values if v is not None for e in v]
        inner, elements = _typed(elements)
        out, at = [], 0
        for v in values:
            if v is None:
                out.append(None)
            else:
                out.append(elements[at:at + len(v)])
                at += len(v)
        return pl.List(inner), out
    # dict: fields are the union in first-seen order
    order: Dict[str, None] = {}
    for v in values:
        if v is not None:
            order.update(dict.fromkeys(v))
    if not order:
        return pl.Null(), [None] * len(values)
    fields = {}
    for key in order:
        fields[key] = _typed([None if v is None else v.get(key) for v in values])
    dtype = pl.Struct([pl.Field(k, t) for k, (t, _) in fields.items()])
    out = [None if v is None else {k: fields[k][1][i] for k in order} for i, v in enumerate(values)]
    return dtype, out


def _frame_from_rows(rows: List[Dict[str, Any]]) -> pl.DataFrame:
    order: Dict[str, None] = {}
    for row in rows:
        order.update(dict.fromkeys(row))
    series = []
    for key in order:
        dtype, values = _typed([row.get(key) for row in rows])
        series.append(pl.Series(key, values, dtype=dtype, strict=False))
    if not series:  # objects without keys: rows without columns (a frame of no column keeps its height)
        return pl.DataFrame({"": [None] * len(rows)}).drop("")
    return pl.DataFrame(series)


def read_exact(data: bytes, options: ReadJsonLines, display: str, first_line: int = 1,
               max_rows: Optional[int] = None) -> pl.DataFrame:
    text = decode(data, options.encoding, display)
    return _frame_from_rows(_parse_lines(text, options, display, first_line, max_rows))


# -- reads: the fast path, else the exact parser ------------------------------------

def read_file(file: SourceFile, options: ReadJsonLines) -> pl.DataFrame:
    return _read_data(_whole_file(file), file, options, whole_file=True)


def _whole_file(file: SourceFile):
    """The file's bytes; a local file is mapped, not copied (polars maps it too: the pages are shared).

    A mapping has bytes' find, slicing and buffer, which is all the fast path uses.
    """
    if isinstance(file.source, LocalSource):
        with open(file.path, "rb") as f:
            if os.fstat(f.fileno()).st_size:
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # unmapped once nothing uses it
    return file.source.read_bytes(file.path)


def read_head(file: SourceFile, options: ReadJsonLines, rows: int) -> pl.DataFrame:
    """The file's first ``rows`` rows, for a take pushed into the read.

    Only the lines they need are read and parsed, as mltable stops reading there:
    a line after them that is not valid JSON fails nothing, and the columns and
    types are those of the rows taken.  Lines without a row (blank, or invalid
    ones dropped) make it read more.
    """
    lines = max(rows, 1)
    while True:
        data = read_head_bytes(file, lines, options.encoding)
        whole = len(data) >= file.size
        frame = _read_data(data, file, options, whole_file=whole, max_rows=rows)
        if frame.height >= rows or whole:
            return frame
        lines *= 4


def read_block(block: Block, file: SourceFile, options: ReadJsonLines, max_rows: Optional[int] = None,
               schema: Optional[Dict[str, pl.DataType]] = None) -> pl.DataFrame:
    """The rows of one block of whole lines of the file (see engine.blocks), typed on their own;
    ``max_rows``: only the lines of the first rows are parsed (see read_head); ``schema``: the
    file's types so far, which polars tries before inferring the block's (see FastRead.parse)."""
    return _read_data(block.data, file, options, whole_file=False, first_line=block.first_line, max_rows=max_rows,
                      schema=schema)


def read_block_until_invalid(block: Block, file: SourceFile, options: ReadJsonLines, max_rows: Optional[int] = None,
                             schema: Optional[Dict[str, pl.DataType]] = None
                             ) -> Tuple[pl.DataFrame, Optional[UserErrorException]]:
    """read_block, except that an invalid line ends the rows rather than failing them: the rows of
    the lines before it and its error, for the reader to raise once a row past it is needed (mltable
    reads row by row: a take its rows satisfy before the invalid line fails nothing)."""
    try:
        return read_block(block, file, options, max_rows, schema), None
    except UserErrorException as invalid:
        if not is_invalid_line(invalid):
            raise
        lines = decode(block.data, options.encoding, file.display).split("\n")
        before = "\n".join(lines[:invalid.invalid_line - block.first_line])
        rows = _parse_lines(before, options, file.display, block.first_line, max_rows)
        return _exact_if_none(_frame_from_rows(rows), b"", file, options), invalid


def _read_data(data: bytes, file: SourceFile, options: ReadJsonLines, whole_file: bool,
               first_line: int = 1, max_rows: Optional[int] = None,
               schema: Optional[Dict[str, pl.DataType]] = None) -> pl.DataFrame:
    fast = _fast_read(data, file, options, whole_file, schema)
    frame = fast.confirmed() if fast is not None else None
    if frame is not None and max_rows is not None:
        frame = frame.head(max_rows)
    return _exact_if_none(frame, data, file, options, first_line, max_rows)  # the exact parser stops there too


def _fast_read(data, file: SourceFile, options: ReadJsonLines, whole_file: bool,
               schema: Optional[Dict[str, pl.DataType]] = None) -> Optional[FastRead]:
    if is_utf8_family(options.encoding) and _NOT_SPACE.search(data):
        return FastRead.parse(file, data, whole_file, schema)
    return None


def _exact_if_none(frame: Optional[pl.DataFrame], data, file: SourceFile, options: ReadJsonLines,
                   first_line: int = 1, max_rows: Optional[int] = None) -> pl.DataFrame:
    if frame is None:
        frame = read_exact(bytes(data), options, file.display, first_line, max_rows)
    if frame.height and not frame.width and not options.include_path_column:
        raise no_columns_error(frame.height)  # every object without keys ({}): mltable fails the file
    return _check_depth(frame, file.display)


@dataclass
class Speculation:
    """A file's rows before the checks that prove them: ``frame`` now, ``settle()`` the proven rows
    (``frame`` itself when the checks hold; the exact parser's error when it fails)."""

    frame: pl.DataFrame
    confirmed: "Future[pl.DataFrame]"

    def settle(self) -> pl.DataFrame:
        return self.confirmed.result()


# One thread runs the checks of speculative reads, file after file: a table of many files starts no
# more (each check already searches on every core).
_CHECKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tablekit-json-checks")


def read_file_speculatively(file: SourceFile, options: ReadJsonLines) -> Speculation:
    """``read_file``, with the raw-text checks left running on another thread.

    The checks take about a quarter of a big file's CPU time, spent in polars'
    own threads, so the caller can convert the rows meanwhile (the pandas output
    makes Python objects on one core).  Only flat frames are speculated: nested
    ones need the depth check first.
    """
    data = _whole_file(file)
    fast = _fast_read(data, file, options, whole_file=True)
    provisional = fast.provisional() if fast is not None else None
    if provisional is None or any(dtype.is_nested() for dtype in provisional.dtypes):
        frame = _exact_if_none(fast.confirmed(provisional) if fast is not None else None, data, file, options)
        done: Future = Future()
        done.set_result(frame)
        return Speculation(frame, done)
    confirmed = _CHECKS.submit(lambda: _exact_if_none(fast.confirmed(provisional), data, file, options))
    return Speculation(provisional, confirmed)


# Arrow's C data interface (how polars hands columns to pyarrow and pandas) refuses deeper types.
MAX_NESTING = 60


def _nesting(dtype: pl.DataType) -> int:
    if isinstance(dtype, (pl.List, pl.Array)):
        return 1 + _nesting(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return 1 + max((_nesting(f.dtype) for f in dtype.fields), default=0)
    return 0


def _check_depth(frame: pl.DataFrame, display: str) -> pl.DataFrame:
    for name, dtype in frame.schema.items():
        if _nesting(dtype) > MAX_NESTING:
            raise data_error(ErrorCode.TRANSFORMATION_VALIDATION,
                             f"ParseJsonFailure: column '{name}' of '{display}' nests arrays/objects more than "
                             f"{MAX_NESTING} levels deep, which tablekit cannot represent.")
    return frame


# -- a file read in blocks: one type per column, as if read at once ------------------

def _json_kind(dtype: pl.DataType) -> str:
    """The JSON type a column's values have (mltable keeps a column to one)."""
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_numeric():
        return "number"
    if isinstance(dtype, pl.List):
        return "list"
    if isinstance(dtype, pl.Struct):
        return "object"
    return "string" if dtype == pl.String else str(dtype)


class FileTypes:
    """A file's column types, learned block by block as a read of the whole file would type them.

    The first JSON type of a column wins (values of another become null);
    numbers widen as within a file: ints and floats to float64, int64 and
    uint64 (ints beyond int64) to uint64 when no int is negative, else float64.
    """

    def __init__(self):
        self.types: Dict[str, pl.DataType] = {}  # in first-seen order
        self._negative: set = set()               # int columns holding a negative value

    def add(self, block: pl.DataFrame) -> None:
        for name, dtype in block.schema.items():
            if dtype.is_integer() and dtype.is_signed_integer():
                low = block.get_column(name).min()
                if low is not None and low < 0:
                    self._negative.add(name)
            self.types[name] = self._wider(name, self.types[name], dtype) if name in self.types else dtype

    def _wider(self, name: str, have: pl.DataType, new: pl.DataType) -> pl.DataType:
        if have == pl.Null:
            return new
        if new == pl.Null or new == have or _json_kind(new) != _json_kind(have):
            return have
        if _json_kind(have) == "number":
            if {have, new} == {pl.Int64(), pl.UInt64()} and name not in self._negative:
                return pl.UInt64()
            return pl.Float64()
        try:  # lists and objects: polars' supertype (the union of struct fields)
            empty = [pl.DataFrame(schema={"v": have}), pl.DataFrame(schema={"v": new})]
            return pl.concat(empty, how="vertical_relaxed").schema["v"]
        except pl.exceptions.PolarsError:
            return have


def conform_block(frame: pl.DataFrame, types: Dict[str, pl.DataType]) -> pl.DataFrame:
    """A block's columns as the whole file types them (values of another JSON type become null)."""
    if frame.width == 0:  # a block of {} lines (literals would make one row of any number)
        return pl.DataFrame([pl.Series(name, [None] * frame.height, dtype=dtype) for name, dtype in types.items()]) \
            if types else frame
    other_kind = [name for name, have in frame.schema.items()
                  if name in types and have != pl.Null and _json_kind(have) != _json_kind(types[name])]
    return conform(frame.drop(other_kind), pl.Schema(types))  # those columns come back as nulls
