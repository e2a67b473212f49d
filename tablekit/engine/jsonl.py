"""Reading JSON-lines files with mltable's typing rules.

mltable types each column of a file (a partition) by the JSON type of its
first non-null value; later values of another type become null.  Struct
fields are the union over the file in first-seen order, list elements follow
the same rule.  Deliberate deviations: integers and floats mixed in a column
are all kept as float64 (mltable nulls the ones whose JSON type differs from
the first value), and integers beyond int64 are kept exactly as uint64 when
they fit (else float64) where mltable wraps them.

Fast path (UTF-8 files): polars parses the file straight from its path with a
schema inferred from the first rows, then cheap checks on the raw bytes and
the parsed columns prove polars did what mltable would have done:

- no whitespace-only line (mltable fails on it; polars skips it);
- no key outside the inferred schema (polars drops unknown keys silently) --
  a regex that matches only unknown keys, run in parallel over big chunks;
- no String leaf holding a value polars converted from another JSON type
  (polars turns ``5`` into ``'5'`` in a string column; mltable gives null).
  Only values that look like JSON numbers, booleans, arrays or objects can be
  such conversions; when there are some, the raw text settles it.

Structs with several fields go to the exact parser: polars does not keep
fields in first-seen order.

polars errors (a float after ints in the sample, bool/number mixes...) retry
with the whole file's schema; anything still doubtful goes to the exact
line-by-line parser, which implements the rules directly.
"""
from __future__ import annotations

import json
import mmap
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import polars as pl
import pyarrow as pa

from tablekit.engine.blocks import Block
from tablekit.engine.delimited import read_head_bytes
from tablekit.engine.text import decode, is_utf8_family
from tablekit.errors import ErrorCode, data_error, no_columns_error
from tablekit.plan.nodes import ReadJsonLines
from tablekit.sources import SourceFile
from tablekit.sources.local import LocalSource

BOM = b"\xef\xbb\xbf"
SMALL_FILE = 4 << 20      # below this, infer the schema from every row (no unknown-key check needed)
SAMPLE_ROWS = 10_000      # rows polars infers the schema from in bigger files
CHUNKS = 64               # raw-text checks run over at least this many pieces in parallel,
PIECE_BYTES = 4 << 20     # of at most about this size,
WINDOW_PIECES = 8         # this many a core at a time
INT64_MAX = 2 ** 63 - 1
UINT64_MAX = 2 ** 64 - 1

_BLANK_LINE = r"\n[ \t\r]*[ \t][ \t\r]*\n"  # a whitespace-only line inside a piece
_LOOKS_NOT_STRING = r"^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false)$|^[\[{]"
_BODY = r'(?:[^"\\]|\\.)'
_NOT_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() leaves


# -- exact line parser -----------------------------------------------------------

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
            value = json.loads(line)
            if not isinstance(value, dict):
                raise ValueError("Not a JSON object.")
        except RecursionError:
            if options.invalid_lines == "drop":
                continue
            raise data_error(ErrorCode.TRANSFORMATION_VALIDATION,
                             f"ParseJsonFailure: line {number} of '{display}' nests arrays/objects too deeply "
                             "to parse.") from None
        except ValueError as exc:
            if options.invalid_lines == "drop":
                continue
            raise data_error(ErrorCode.TRANSFORMATION_VALIDATION,
                             f"ParseJsonFailure: line {number} of '{display}' is not a valid JSON object "
                             f"({exc}): {line[:100]!r}") from None
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


# -- fast path checks --------------------------------------------------------------

class RawText:
    """The text cut at line starts into big pieces (zero-copy) for regex checks on every core at once.

    A mapped file's pages are let go window by window as they are searched:
    else each page read stays in the process' memory until the text is dropped
    (and the pandas output may be making its objects meanwhile).
    """

    def __init__(self, data):
        self.data = data
        size = len(data)
        count = max(CHUNKS, -(-size // PIECE_BYTES))
        offsets = [0]
        for i in range(1, count):
            at = data.find(b"\n", max(offsets[-1], i * size // count))
            if at < 0:
                break
            offsets.append(at + 1)
        if offsets[-1] != size:
            offsets.append(size)
        self.offsets = offsets
        array = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(np.array(offsets, dtype=np.int64)),
                                                 pa.py_buffer(data))
        self.pieces = pl.Series(array)

    def matches(self, patterns: List[str]) -> List[bool]:
        """Which of the regexes match somewhere in the text (polars' regexes).

        One polars query a window, its searches run by polars' own threads: a check
        running beside the pandas output then rarely waits for the GIL.
        """
        found = [False] * len(patterns)
        count = len(self.pieces)
        threads = max(1, min(os.cpu_count() or 1, count))
        window = WINDOW_PIECES * threads
        step = WINDOW_PIECES
        text = self.pieces.rename("text").to_frame()
        for first in range(0, count, window):
            end = min(first + window, count)
            searches = [(i, pl.col("text").slice(start, step).str.contains(pattern).any())
                        for i, pattern in enumerate(patterns) if not found[i] for start in range(first, end, step)]
            hits = text.select(search.alias(str(n)) for n, (_, search) in enumerate(searches)).row(0)
            for (i, _), hit in zip(searches, hits):
                found[i] = found[i] or bool(hit)
            self._release(first, end)
            if all(found):
                break
        return found

    def any_match(self, pattern: str) -> bool:
        return self.matches([pattern])[0]

    def blank_line_at_edges(self) -> bool:
        """A whitespace-only line where the regex cannot see one: first in a piece, or last in the text."""
        data = self.data
        for start in self.offsets[:-1]:
            end = data.find(b"\n", start)
            if _is_blank(data[start:] if end < 0 else data[start:end]):
                return True
        return _is_blank(data[data.rfind(b"\n") + 1:])  # a last line without a newline after it

    def _release(self, first: int, end: int) -> None:
        if isinstance(self.data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            start = self.offsets[first] // mmap.PAGESIZE * mmap.PAGESIZE
            self.data.madvise(mmap.MADV_DONTNEED, start, self.offsets[end] - start)  # read again from the cache


def _is_blank(line: bytes) -> bool:
    return not line.strip(b" \t\r") and (b" " in line or b"\t" in line)


def _rx_char(ch: str) -> str:
    return "\\x{%x}" % ord(ch)


def _unknown_key_regex(keys: List[str]) -> str:
    """A regex matching any object key that is not in ``keys`` (a trie's complement, no look-ahead)."""
    trie: Dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[None] = True

    def rest(node: Dict) -> str:
        children = [c for c in node if c is not None]
        alternatives = [] if None in node else [""]
        excluded = "".join(_rx_char(c) for c in children)
        alternatives.append(f'(?:[^"\\\\{excluded}]|\\\\.){_BODY}*')
        alternatives.extend(_rx_char(c) + rest(node[c]) for c in children)
        return "(?:" + "|".join(alternatives) + ")"

    return r'[{,][ \t\r\n]*"' + rest(trie) + r'"[ \t\r\n]*:'


def _keys(dtype: pl.DataType, out: set) -> None:
    if isinstance(dtype, pl.Struct):
        for f in dtype.fields:
            out.add(f.name)
            _keys(f.dtype, out)
    elif isinstance(dtype, (pl.List, pl.Array)):
        _keys(dtype.inner, out)


def _string_leaves(series: pl.Series) -> Iterator[pl.Series]:
    """The values of every String leaf of a column."""
    dtype = series.dtype
    if dtype == pl.String:
        yield series
    elif isinstance(dtype, pl.List):
        yield from _string_leaves(series.explode())
    elif isinstance(dtype, pl.Struct):
        for f in dtype.fields:
            yield from _string_leaves(series.struct.field(f.name))


def _has_wide_struct(dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.Struct):
        return len(dtype.fields) > 1 or any(_has_wide_struct(f.dtype) for f in dtype.fields)
    if isinstance(dtype, pl.List):
        return _has_wide_struct(dtype.inner)
    return False


def _has_nested(dtype: pl.DataType, kind) -> bool:
    if isinstance(dtype, kind):
        return True
    if isinstance(dtype, pl.Struct):
        return any(_has_nested(f.dtype, kind) for f in dtype.fields)
    if isinstance(dtype, pl.List):
        return _has_nested(dtype.inner, kind)
    return False


def _strings_are_strings(frame: pl.DataFrame, text: Callable[[], RawText]) -> bool:
    """No String leaf holds a value polars converted from a number, bool, array or object."""
    top = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    looks = frame.select(pl.col(top).str.contains(_LOOKS_NOT_STRING).any()).row(0) if top else ()  # columns at once
    doubtful = [name for name, found in zip(top, looks) if found]
    for series in frame.iter_columns():  # strings inside lists and objects: one converted value is enough
        if series.name not in top and any(leaf.str.contains(_LOOKS_NOT_STRING).any()
                                          for leaf in _string_leaves(series)):
            return False
    if not doubtful:
        return True
    # a top-level string key followed by a value that is not a string or null
    names = "|".join("".join(_rx_char(c) for c in name) for name in doubtful)
    pattern = f'"(?:{names})"[ \\t\\r\\n]*:[ \\t\\r\\n]*[^" \\t\\r\\nn]'
    return not text().any_match(pattern)


def _fix_types(frame: pl.DataFrame) -> pl.DataFrame:
    """Integers beyond int64: uint64 when they fit, else float64; an all-empty struct: null."""
    fixes = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Int128:
            col = frame.get_column(name)
            low, high = col.min(), col.max()
            exact = low is None or (low >= 0 and high <= UINT64_MAX)
            fixes.append(pl.col(name).cast(pl.UInt64 if exact else pl.Float64))
        elif _has_nested(dtype, pl.Int128):
            fixes.append(pl.col(name).cast(_replace_int128(dtype)))
        elif isinstance(dtype, pl.Struct) and not dtype.fields:
            fixes.append(pl.lit(None, dtype=pl.Null).alias(name))
    return frame.with_columns(fixes) if fixes else frame


def _replace_int128(dtype):
    if dtype == pl.Int128:
        return pl.Float64()
    if isinstance(dtype, pl.List):
        return pl.List(_replace_int128(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pl.Struct([pl.Field(f.name, _replace_int128(f.dtype)) for f in dtype.fields])
    return dtype


class FastRead:
    """polars' parse of a UTF-8 text, and the checks that prove it follows mltable's rules.

    ``provisional()`` is the result if the checks pass; ``confirmed()`` runs them
    (the costly part: regexes over the whole text) and gives the proven result,
    or None when only the exact parser can be trusted.
    """

    def __init__(self, data, source, frame: pl.DataFrame, complete: bool):
        self.data = data           # the text, without a BOM
        self.source = source       # what polars parses: the file's path or the bytes
        self.frame = frame
        self.complete = complete   # the schema came from every row (no unknown key is possible)
        self._text: Optional[RawText] = None

    @classmethod
    def parse(cls, file: SourceFile, data: bytes, whole_file_data: bool) -> Optional["FastRead"]:
        """``whole_file_data``: ``data`` is the whole file, which polars may then read from its path."""
        bom = data[:len(BOM)] == BOM
        if bom:
            data = data[len(BOM):]
        source = file.path if whole_file_data and isinstance(file.source, LocalSource) and not bom else data
        # polars parses first: it also proves the bytes are UTF-8 before the regex checks see them
        if len(data) <= SMALL_FILE:
            frame = _parse_inferring_all(source)
            return None if frame is None else cls(data, source, frame, complete=True)
        try:
            schema = pl.scan_ndjson(source, infer_schema_length=SAMPLE_ROWS).collect_schema()
            return cls(data, source, pl.read_ndjson(source, schema=schema), complete=False)
        except (pl.exceptions.PolarsError, ValueError, OverflowError):
            frame = _parse_inferring_all(source)
            return None if frame is None else cls(data, source, frame, complete=True)

    def text(self) -> RawText:
        if self._text is None:
            self._text = RawText(self.data)
        return self._text

    def provisional(self) -> Optional[pl.DataFrame]:
        """The result unless a raw-text check fails; None if the frame's shape already rules polars out."""
        return _shaped(self.data, self.frame)

    def confirmed(self, provisional: Optional[pl.DataFrame] = None) -> Optional[pl.DataFrame]:
        """The proven result (``provisional`` itself when given and the checks hold), or None."""
        frame, text = self.frame, self.text()
        patterns = [_BLANK_LINE]
        if not self.complete:
            known: set = set()
            _keys(pl.Struct(frame.schema), known)
            patterns.append(_unknown_key_regex(sorted(known)))
        try:
            blank, *unknown = text.matches(patterns)
        except pl.exceptions.PolarsError:  # e.g. a regex too big for very many keys
            blank, unknown = text.any_match(_BLANK_LINE), [True]
        if blank or text.blank_line_at_edges():
            return None  # mltable fails on a whitespace-only line: let the exact parser say where
        if any(unknown):
            frame = _parse_inferring_all(self.source)
            if frame is None:
                return None
            provisional = None  # polars missed keys: the frame is a new one
        result = provisional if provisional is not None else _shaped(self.data, frame)
        if result is None or not _strings_are_strings(frame, self.text):
            return None
        return result


def _shaped(data, frame: pl.DataFrame) -> Optional[pl.DataFrame]:
    """polars' frame with mltable's column order and types; None when its shape rules polars out."""
    if frame.width == 0:
        return None
    if any(_has_wide_struct(dtype) for dtype in frame.schema.values()):
        return None  # polars does not keep struct fields in first-seen order
    order = _first_seen_order(data, frame.schema)
    if order is None:
        return None
    return _fix_types(frame.select(order))


def _parse_inferring_all(source) -> Optional[pl.DataFrame]:
    try:
        return pl.read_ndjson(source, infer_schema_length=None)
    except (pl.exceptions.PolarsError, ValueError, OverflowError):
        return None


def _first_seen_order(data: bytes, schema) -> Optional[List[str]]:
    """The columns in the order their keys first appear in the text (polars may order them otherwise)."""
    nested: set = set()
    for dtype in schema.values():
        _keys(dtype, nested)
    if nested & set(schema.names()):
        return None  # a nested key of the same name could come first
    positions = {}
    for name in schema.names():
        key = re.escape(json.dumps(name, ensure_ascii=False)[1:-1].encode())
        found = re.search(rb'[{,][ \t\r\n]*"' + key + rb'"[ \t\r\n]*:', data)
        if found is None:
            return None  # written with escapes: let the exact parser see it
        positions[name] = found.start()
    return sorted(positions, key=positions.__getitem__)


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


def read_block(block: Block, file: SourceFile, options: ReadJsonLines, max_rows: Optional[int] = None) -> pl.DataFrame:
    """The rows of one block of whole lines of the file (see engine.blocks), typed on their own;
    ``max_rows``: only the lines of the first rows are parsed (see read_head)."""
    return _read_data(block.data, file, options, whole_file=False, first_line=block.first_line, max_rows=max_rows)


def _read_data(data: bytes, file: SourceFile, options: ReadJsonLines, whole_file: bool,
               first_line: int = 1, max_rows: Optional[int] = None) -> pl.DataFrame:
    fast = _fast_read(data, file, options, whole_file)
    frame = fast.confirmed() if fast is not None else None
    if frame is not None and max_rows is not None:
        frame = frame.head(max_rows)
    return _exact_if_none(frame, data, file, options, first_line, max_rows)  # the exact parser stops there too


def _fast_read(data, file: SourceFile, options: ReadJsonLines, whole_file: bool) -> Optional[FastRead]:
    if is_utf8_family(options.encoding) and _NOT_SPACE.search(data):
        return FastRead.parse(file, data, whole_file)
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
    columns = []
    for name, dtype in types.items():
        have = frame.schema.get(name)
        if have is None or (have != pl.Null and _json_kind(have) != _json_kind(dtype)):
            columns.append(pl.lit(None, dtype=dtype).alias(name))
        elif have != dtype:
            columns.append(pl.col(name).cast(dtype, strict=False))
        else:
            columns.append(pl.col(name))
    return frame.select(columns)
