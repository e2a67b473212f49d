"""Reading delimited files into string columns, then typing them like mltable.

Fast path: polars' multi-threaded CSV parser reads every field as a string.
It agrees with mltable on ordinary files; where it cannot (ragged rows,
quotes after a closing quote, line breaks inside quotes without
support_multi_line, blank lines, non-UTF-8 text), the file is re-read with the
exact tokenizer in ``csv_tokenizer``.  The checks that decide this are cheap
and run on the parsed data, so ordinary files pay almost nothing for them.
"""
from __future__ import annotations

import codecs
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

import numpy as np
import polars as pl

from tablekit.engine import inference
from tablekit.engine.csv_tokenizer import Record, tokenize
from tablekit.engine.text import decode, is_utf8_family
from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import ReadDelimited
from tablekit.sources import SourceFile

HEAD_CHUNK = 1 << 16
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tablekit-lines")

# polars' streaming CSV reader (a filtered read streams) holds several chunks of text at once,
# 32 MiB each by default; at 8 MiB a filtered read of an 850 MB file peaks ~40% lower (~60 MB
# below 16 MiB), no slower. Only where the user has not chosen (polars reads it at every scan;
# docs/performance.md).
os.environ.setdefault("POLARS_CSV_CHUNK_SIZE", str(8 << 20))


@dataclass
class RawFile:
    """One file's records as positional string columns c0, c1, ...; row 0 may be the header."""

    file_index: int
    frame: pl.DataFrame


def _positional(frame: pl.DataFrame, positions: Optional[List[int]] = None) -> pl.DataFrame:
    positions = positions if positions is not None else range(frame.width)
    return frame.rename({old: f"c{i}" for i, old in zip(positions, frame.columns)})


def first_record(file: SourceFile, options: ReadDelimited) -> List[Optional[str]]:
    """The first record of a file (its header line), read from its first bytes."""
    data = read_head_bytes(file, 1, options.encoding)
    records = _file_records(data, options, file.display, multi_line=False)
    return records[0] if records else []


def _file_records(data: bytes, options: ReadDelimited, display: str, multi_line: bool) -> List[Record]:
    """The exact tokenizer's records of a file's bytes.  A UTF-16 file's blank first line after its
    BOM is a record of one empty field (the header, or a row of None), as mltable reads it, unlike
    any other blank line."""
    text = decode(data, options.encoding, display)
    records = _records(text, options, multi_line)
    if options.encoding == "utf16" and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and text[:1] in "\r\n":
        records.insert(0, ["" if options.empty_as_string else None])
    return records


def _records(text: str, options: ReadDelimited, multi_line: bool) -> List[Record]:
    """The exact tokenizer's records of ``text``, as the read's options say."""
    return tokenize(text, options.delimiter[:1] or ",", multi_line,
                    empty="" if options.empty_as_string else None,
                    crlf_blank_is_record=is_utf8_family(options.encoding))


def _records_frame(records: List[list]) -> pl.DataFrame:
    width = max((len(r) for r in records), default=0)
    columns = {f"c{i}": [r[i] if i < len(r) else None for r in records] for i in range(width)}
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _line_count_prefix(data: bytes, lines: int) -> Optional[int]:
    """Byte offset just past the ``lines``-th line break, or None if there are fewer."""
    pos = -1
    for _ in range(lines):
        pos = data.find(b"\n", pos + 1)
        if pos < 0:
            return None
    return pos + 1


def read_head_bytes(file: SourceFile, lines: int, encoding: str = "utf8", start: int = 0,
                    end: Optional[int] = None) -> bytes:
    """Enough bytes of a file from ``start`` to hold ``lines`` lines (all up to ``end``, by
    default the file's end, if fewer).

    UTF-16 text is read whole: its line breaks are two bytes, which a cut at a newline
    byte would split.
    """
    if encoding == "utf16":
        return file.source.read_bytes(file.path, start, end)
    size = HEAD_CHUNK
    while True:
        stop = start + size if end is None else min(end, start + size)
        data = file.source.read_bytes(file.path, start, stop)
        cut = _line_count_prefix(data, lines)
        if cut is not None:
            return data[:cut]
        if len(data) < stop - start or stop == end:
            return data
        size *= 4


def count_lines(file: SourceFile) -> int:
    """Lines in a file (a last line without a line break counts).

    numpy counts each block (about 3x bytes.count, leaving CPU to the parser);
    one reused buffer keeps memory flat.
    """
    buffer = bytearray(1 << 22)
    view = np.frombuffer(buffer, dtype=np.uint8)
    lines, last = 0, 10
    with file.source.open(file.path) as handle:
        while True:
            size = handle.readinto(buffer)
            if not size:
                break
            lines += int(np.count_nonzero(view[:size] == 10))
            last = view[size - 1]
    return lines + (0 if last == 10 else 1)


def _count_lines_meanwhile(file: SourceFile, options: ReadDelimited):
    """The file's line count, counted while polars parses (it runs without the GIL); None when
    records may span lines anyway (support_multi_line), which makes the count useless."""
    return None if options.support_multi_line else _POOL.submit(count_lines, file)


def _needs_exact_parser(frame: pl.DataFrame, options: ReadDelimited, crlf: bool, lines: Optional[int]) -> bool:
    """Whether polars' parse may differ from mltable's for this file."""
    if frame.width == 0:
        return False
    return _parse_differs(options, crlf, lines, frame.height, _has_blank_row(frame))


def _parse_differs(options: ReadDelimited, crlf: bool, lines: Optional[int], rows: int, blank_row: bool) -> bool:
    if not options.support_multi_line and rows != lines:
        return True  # a quoted field spans lines: mltable ends the record at the line break
    # a blank line reads as an all-null row; mltable skips it (in CRLF files it keeps it, except with
    # support_multi_line, where a blank line's break also starts the next record: the exact parser's rules)
    return blank_row and (not crlf or options.support_multi_line)


_BLANK_ROW = pl.all_horizontal(pl.all().is_null())


def _has_blank_row(frame: pl.DataFrame) -> bool:
    return frame.width > 0 and bool(frame.select(_BLANK_ROW.any()).item())


def read_raw(file: SourceFile, file_index: int, options: ReadDelimited,
             max_lines: Optional[int] = None, positions: Optional[List[int]] = None) -> RawFile:
    """Parse one file into string columns.  ``max_lines`` bounds the lines read;
    ``positions`` keeps only those columns (named c<position>), which polars then
    does not materialize at all."""
    data = read_head_bytes(file, max_lines, options.encoding) if max_lines is not None else None
    frame = _polars_strings(file, data, options, positions, max_lines)
    if frame is None:
        if data is None:
            data = file.source.read_bytes(file.path)
        frame = _exact_strings(data, file, options, positions, max_lines)
    return RawFile(file_index, frame)


def read_block(data: bytes, file: SourceFile, file_index: int, options: ReadDelimited,
               positions: Optional[List[int]] = None, line_breaks: Optional[int] = None) -> RawFile:
    """Like read_raw, for a block of whole records of the file (see engine.blocks);
    ``line_breaks``: the block's line breaks, when counted already."""
    frame = _polars_strings(file, data, options, positions, None, line_breaks)
    if frame is None:
        frame = _exact_strings(data, file, options, positions, None)
    return RawFile(file_index, frame)


def _polars_strings(file: SourceFile, data: Optional[bytes], options: ReadDelimited,
                    positions: Optional[List[int]], max_lines: Optional[int],
                    line_breaks: Optional[int] = None) -> Optional[pl.DataFrame]:
    """polars' parse of ``data`` (the whole file when None), or None where it may differ from mltable's."""
    delimiter = options.delimiter[:1] or ","  # mltable splits on the first character only
    if not is_utf8_family(options.encoding) or len(delimiter.encode()) != 1:
        return None
    source = io.BytesIO(data) if data is not None else file.source.reader_input(file.path)
    line_count = _count_lines_meanwhile(file, options) if data is None else None
    try:
        frame = pl.read_csv(
            source, has_header=False, infer_schema=False, separator=delimiter,
            quote_char='"', raise_if_empty=False, columns=None if options.empty_as_string else positions,
            n_rows=max_lines, encoding="utf8")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError,
            pl.exceptions.ColumnNotFoundError):  # e.g. a file narrower than the columns wanted
        if line_count is not None:
            line_count.cancel()
        return None  # polars cannot parse it as mltable would: use the exact parser
    head = data[:4096] if data is not None else file.source.read_bytes(file.path, 0, 4096)
    crlf = b"\r\n" in head
    if options.support_multi_line:
        lines = None
    elif data is not None:
        breaks = data.count(b"\n") if line_breaks is None else line_breaks
        lines = breaks + (0 if data.endswith(b"\n") or not data else 1)
    else:
        lines = line_count.result()
    if _needs_exact_parser(frame, options, crlf, lines):
        return None
    if options.empty_as_string:
        frame = _empties_as_strings(frame, positions)
    return None if frame is None else _positional(frame, positions)


def _empties_as_strings(frame: pl.DataFrame, positions: Optional[List[int]]) -> Optional[pl.DataFrame]:
    """empty_as_string: empty fields '' but the fields a short row lacks still null, as in mltable.

    polars reads both as null; they can only be told apart when no row is short (the
    last column has no null), else None: the exact parser reads the file.
    """
    if frame.width and frame.get_column(frame.columns[-1]).null_count():
        return None
    if positions is not None and any(i >= frame.width for i in positions):
        return None
    frame = frame.fill_null("")
    return frame if positions is None else frame.select([frame.columns[i] for i in positions])


def _exact_strings(data: bytes, file: SourceFile, options: ReadDelimited,
                   positions: Optional[List[int]], max_lines: Optional[int]) -> pl.DataFrame:
    records = _file_records(data, options, file.display, options.support_multi_line)
    if max_lines is not None:
        records = records[:max_lines]
    frame = _records_frame(records)
    if positions is not None:
        # a column the records do not reach is null (repeated: a literal would make one row of no rows)
        frame = frame.select([pl.col(f"c{i}") if f"c{i}" in frame.columns
                              else pl.repeat(None, frame.height, dtype=pl.String).alias(f"c{i}") for i in positions])
    return frame


def read_typed(file: SourceFile, options: ReadDelimited, positions: List[int], kinds: dict,
               has_header: bool, keep: Optional[Callable[[pl.LazyFrame], pl.LazyFrame]] = None
               ) -> Optional[pl.DataFrame]:
    """A whole file with its number columns parsed by polars directly (c<position> names).

    Used once the sample has fixed the kinds: numbers then never exist as
    strings.  None when polars meets anything it would read differently from
    mltable (a value that does not fit, ragged or multi-line records, blank
    lines); the caller then reads the file as strings.

    ``keep`` (given the parsed rows) returns those to keep: polars then streams the
    file, filtering as it goes, and memory holds only the rows kept.
    """
    head = file.source.read_bytes(file.path, 0, 4096)
    if has_header and head.removeprefix(codecs.BOM_UTF8).startswith(b"\n"):
        return None  # the header is the record after a blank line, which polars' skip_rows=1 would skip instead
    numbers = {f"column_{p}": pl.Int64 if kinds.get(p) == inference.INT else pl.Float64
               for p in positions if kinds.get(p) in (inference.INT, inference.FLOAT)}
    line_count = _count_lines_meanwhile(file, options)
    try:
        lazy = pl.scan_csv(file.source.reader_input(file.path), has_header=False, skip_rows=1 if has_header else 0,
                           infer_schema=False, separator=options.delimiter[:1], quote_char='"', raise_if_empty=False,
                           schema_overrides=numbers, encoding="utf8")
        lazy = lazy.select([f"column_{p}" for p in positions]).rename({f"column_{p}": f"c{p}" for p in positions})
        if keep is None:
            frame = lazy.collect()
            rows, blank_row = frame.height, _has_blank_row(frame)
        else:  # one pass: the kept rows, and every row counted and checked
            totals = [pl.len(), _BLANK_ROW.any()] if positions else [pl.len(), pl.lit(False)]
            frame, totals = pl.collect_all([keep(lazy), lazy.select(totals)], engine="streaming")
            rows, blank_row = totals.row(0)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError,
            pl.exceptions.ColumnNotFoundError):  # e.g. records wider than the first one
        if line_count is not None:
            line_count.cancel()
        return None
    crlf = b"\r\n" in head
    data_lines = None if line_count is None else line_count.result() - (1 if has_header else 0)
    if frame.width != len(positions) or _parse_differs(options, crlf, data_lines, rows, bool(blank_row)):
        return None
    return frame


# -- headers -------------------------------------------------------------------

def header_names(header_row: Sequence[Optional[str]], width: int) -> List[str]:
    """Column names from a header row: trimmed; empty -> Column<n>; duplicates get _<k>."""
    names: List[str] = []
    seen: set = set()
    duplicates = 0  # one counter for all duplicates, as mltable numbers them
    for i in range(width):
        raw = (header_row[i] if i < len(header_row) else None) or ""
        name = raw.strip() or f"Column{i + 1}"
        while name in seen:
            duplicates += 1
            name = f"{name}_{duplicates}"
        seen.add(name)
        names.append(name)
    return names


class HeaderNaming:
    """Names the positional columns of each file, in file order, as the header mode says.

    Holds the first file's names: with all_files_same_headers and
    from_first_file they name the other files' columns by position.
    """

    def __init__(self, header_mode: str):
        self.mode = header_mode
        self.first_names: Optional[List[str]] = None

    def has_header(self, position: int) -> bool:
        """Whether the ``position``-th file read starts with a header row."""
        return self.mode in ("all_files_same_headers", "all_files_different_headers") or (
            self.mode == "from_first_file" and position == 0)

    def names(self, header_row: Optional[Sequence[Optional[str]]], width: int) -> List[str]:
        if self.mode == "no_header":
            return [f"Column{i + 1}" for i in range(width)]
        if self.mode == "all_files_different_headers" or self.first_names is None:
            names = header_names(header_row or [], width)
            if self.first_names is None:
                self.first_names = names
            return names
        names = header_names(self.first_names, width)
        return [self.first_names[i] if i < len(self.first_names) else names[i] for i in range(width)]


def split_header(frame: pl.DataFrame, has_header: bool):
    """(header row or None, the data rows) of a file's raw frame."""
    if has_header and frame.height > 0:
        return list(frame.row(0)), frame.slice(1)
    return None, frame


def projected_frames(raws: List[RawFile], header_mode: str, names: dict) -> List[pl.DataFrame]:
    """Like named_frames, for files read with only some columns: ``names`` maps c<position> to names."""
    naming = HeaderNaming(header_mode)
    frames = []
    for position, raw in enumerate(raws):
        frame = raw.frame.slice(1) if naming.has_header(position) else raw.frame
        frames.append(frame.rename({c: names[c] for c in frame.columns}))
    return frames


def named_frames(raws: List[RawFile], header_mode: str) -> List[pl.DataFrame]:
    """Split header rows off and name each file's columns as the header mode says."""
    naming = HeaderNaming(header_mode)
    frames: List[pl.DataFrame] = []
    for position, raw in enumerate(raws):
        header_row, frame = split_header(raw.frame, naming.has_header(position))
        names = naming.names(header_row, frame.width)
        frames.append(frame.rename(dict(zip(frame.columns, names))))
    return frames


# -- typing --------------------------------------------------------------------

def type_columns(frame: pl.DataFrame, kinds: dict) -> pl.DataFrame:
    return inference.cast_columns(frame, kinds)


def infer_types(sample: pl.DataFrame, options: ReadDelimited) -> dict:
    """Kind per column: inferred from the sample, then the user's overrides."""
    spec = options.infer_column_types
    if not spec.enabled:
        kinds = {c: inference.STRING for c in sample.columns}
    else:
        kinds = inference.infer_kinds(sample.head(spec.sample_size))
    for columns, data_type in spec.overrides:
        for name in ((columns,) if isinstance(columns, str) else columns):
            if name not in kinds:
                raise data_error(ErrorCode.VALIDATION,
                                 f"Invalid argument \"column type override: '{name}'\". Expected \"column type "
                                 f"override must be in list of columns: {set(kinds)}\": column_type_overrides names "
                                 f"'{name}', which the files do not have.")
            kinds[name] = ("override", data_type)
    return kinds

