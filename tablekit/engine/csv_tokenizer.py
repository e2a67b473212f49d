"""The exact delimited-text tokenizer: mltable's quoting rules, one character at a time.

Slow, so the engine uses it only where polars' fast CSV parser would disagree
with mltable (see ``engine.delimited``):

- an unquoted empty field is null ('' with empty_as_string); a quoted empty field ("") is '';
- quoted delimiters and doubled quotes unescape; text after a closing quote
  is appended (``"y"z`` reads ``yz``); a quote inside an unquoted field is kept;
- without ``multi_line`` every line break ends the record, even inside quotes,
  and an unterminated quoted field is kept as written (opening quote included);
- empty lines are skipped; a line holding only ``\\r`` (a blank line of a CRLF
  file) is a record with one null field in UTF-8 text, skipped in text of other
  encodings (with ``multi_line`` see _multi_line_records).
"""
from __future__ import annotations

from typing import Iterator, List, Optional

Record = List[Optional[str]]


def _split_line(line: str, delimiter: str, quote: str = '"', empty: Optional[str] = None) -> Record:
    fields: Record = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == quote:
            # quoted field: runs to the closing quote; "" inside is a quote
            j = i + 1
            parts = []
            closed = False
            while j < n:
                c = line[j]
                if c == quote:
                    if j + 1 < n and line[j + 1] == quote:
                        parts.append(quote)
                        j += 2
                        continue
                    closed = True
                    j += 1
                    break
                parts.append(c)
                j += 1
            if not closed:
                fields.append(line[i:])  # unterminated: kept as written
                return fields
            end = line.find(delimiter, j)
            if end < 0:
                end = n
            parts.append(line[j:end])  # text after the closing quote
            fields.append("".join(parts))
            if end >= n:
                return fields
            i = end + len(delimiter)
        else:
            end = line.find(delimiter, i)
            if end < 0:
                end = n
            value = line[i:end]
            fields.append(value if value else empty)
            if end >= n:
                return fields
            i = end + len(delimiter)


def _logical_lines(text: str, delimiter: str, quote: str = '"') -> Iterator[str]:
    """Lines joined where a quoted field spans a line break (support_multi_line)."""
    pending: Optional[str] = None
    for line in text.split("\n"):
        current = line if pending is None else pending + "\n" + line
        if _open_quote(current, delimiter, quote):
            pending = current
            continue
        pending = None
        yield current
    if pending is not None:
        yield pending


def _open_quote(line: str, delimiter: str, quote: str) -> bool:
    """Whether the line ends inside a quoted field."""
    in_quotes = False
    at_field_start = True
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if in_quotes:
            if c == quote:
                if i + 1 < n and line[i + 1] == quote:
                    i += 2
                    continue
                in_quotes = False
        elif at_field_start and c == quote:
            in_quotes = True
        if not in_quotes and line.startswith(delimiter, i):
            at_field_start = True
            i += len(delimiter)
            continue
        at_field_start = False if not in_quotes else at_field_start
        i += 1
    return in_quotes


def _multi_line_records(text: str, delimiter: str) -> Iterator[str]:
    """The records' text with support_multi_line, as mltable's parser cuts them.

    It never makes an empty record: the line break of a blank line becomes the
    first character of the next record ('x\n\ny' reads 'x', '\ny'; two blank
    lines make a record of one line break).  A CRLF blank line is skipped.
    """
    prefix = ""
    for line in _logical_lines(text, delimiter):
        if line == "\r":
            continue
        if line.endswith("\r"):
            line = line[:-1]
        if line:
            yield prefix + line
            prefix = ""
        elif prefix:
            yield prefix
            prefix = ""
        else:
            prefix = "\n"


def _single_line_records(text: str, crlf_blank_is_record: bool) -> Iterator[str]:
    for line in text.split("\n"):
        if line and (crlf_blank_is_record or line != "\r"):
            yield line[:-1] if line.endswith("\r") else line


def tokenize(text: str, delimiter: str = ",", multi_line: bool = False, empty: Optional[str] = None,
             crlf_blank_is_record: bool = True) -> List[Record]:
    """The records of ``text``; ``empty`` is what an unquoted empty field reads as (a field a
    short record lacks is not in the record at all).  ``crlf_blank_is_record``: a CRLF blank
    line is a record of one empty field (mltable: in UTF-8 text; decoded from other
    encodings it is skipped like any blank line)."""
    lines = (_multi_line_records(text, delimiter) if multi_line
             else _single_line_records(text, crlf_blank_is_record))
    return [_split_line(line, delimiter, empty=empty) for line in lines]
