"""The fast path of JSON-lines reads: polars' parse, and the checks proving it follows mltable's rules.

polars parses a UTF-8 text (straight from the file's path when it can) with a
schema inferred from the first rows, then cheap checks on the raw bytes and
the parsed columns prove polars did what mltable would have done:

- no whitespace-only line (mltable fails on it; polars skips it);
- no key outside the inferred schema (polars drops unknown keys silently) --
  a regex that matches only unknown keys, run in parallel over big chunks;
- no String leaf holding a value polars converted from another JSON type
  (polars turns ``5`` into ``'5'`` in a string column; mltable gives null).
  Only values that look like JSON numbers, booleans, arrays or objects can be
  such conversions; when there are some, the raw text settles it.

Structs with several fields are ruled out: polars does not keep fields in
first-seen order.  When the checks fail, jsonl.py falls back to its exact
line-by-line parser; this module only says yes or no (None).
"""
from __future__ import annotations

import json
import mmap
import os
import re
from typing import Callable, Dict, Iterator, List, Optional

import numpy as np
import polars as pl
import pyarrow as pa

from tablekit.sources import SourceFile
from tablekit.sources.local import LocalSource

BOM = b"\xef\xbb\xbf"
SMALL_FILE = 4 << 20      # below this, infer the schema from every row (no unknown-key check needed)
SAMPLE_ROWS = 10_000      # rows polars infers the schema from in bigger files
CHUNKS = 64               # raw-text checks run over at least this many pieces in parallel,
PIECE_BYTES = 4 << 20     # of at most about this size,
WINDOW_PIECES = 8         # this many a core at a time
UINT64_MAX = 2 ** 64 - 1  # integers beyond int64 are kept exactly as uint64 up to here (jsonl.py's rule too)
# the types a block may be parsed as without inferring them (FastRead.parse's schema)
HINTED_TYPES = (pl.Int64, pl.UInt64, pl.Float64, pl.String, pl.Boolean)

_BLANK_LINE = r"\n[ \t\r]*[ \t][ \t\r]*\n"  # a whitespace-only line inside a piece
_LOOKS_NOT_STRING = r"^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false)$|^[\[{]"
_BODY = r'(?:[^"\\]|\\.)'


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
    def parse(cls, file: SourceFile, data: bytes, whole_file_data: bool,
              schema: Optional[Dict[str, pl.DataType]] = None) -> Optional["FastRead"]:
        """``whole_file_data``: ``data`` is the whole file, which polars may then read from its path.
        ``schema``: the types of the file's rows so far (a later block of it), tried before inferring."""
        bom = data[:len(BOM)] == BOM
        if bom:
            data = data[len(BOM):]
        source = file.path if whole_file_data and isinstance(file.source, LocalSource) and not bom else data
        # polars parses first: it also proves the bytes are UTF-8 before the regex checks see them
        if len(data) <= SMALL_FILE:
            frame = _parse_inferring_all(source)
            return None if frame is None else cls(data, source, frame, complete=True)
        if schema is not None and all(dtype in HINTED_TYPES for dtype in schema.values()):
            # the checks below hold as for an inferred schema: polars refuses a value of another type,
            # an unknown key fails the key check, and a number it made a string the strings check
            try:
                frame = pl.read_ndjson(source, schema=schema)
            except (pl.exceptions.PolarsError, ValueError, OverflowError):
                frame = None  # a value the rows before did not type: infer this block's types
            if frame is not None:  # a column without values here is left out, as inferring leaves it out
                nulls = frame.null_count().row(0)
                return cls(data, source, frame.select(name for name, count in zip(frame.columns, nulls)
                                                      if count < frame.height), complete=False)
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
