"""Reading JSON-lines files.

polars' NDJSON reader handles ordinary files; a file it rejects (an invalid
line, mixed value types it cannot unify) is re-read line by line with the
standard json module, which is exact about mltable's rules: columns in
first-seen order, missing keys null, arrays and objects kept, invalid lines
dropped or reported.
"""
from __future__ import annotations

import io
import json
from typing import Any, Dict, List

import polars as pl

from tablekit.engine.text import decode, is_utf8_family
from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import ReadJsonLines
from tablekit.sources import SourceFile


def _parse_lines(text: str, options: ReadJsonLines, display: str) -> List[Dict[str, Any]]:
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
            if not isinstance(value, dict):
                raise ValueError("a JSON line must hold an object")
        except ValueError as exc:
            if options.invalid_lines == "drop":
                continue
            raise data_error(ErrorCode.TRANSFORMATION_VALIDATION,
                             f"ParseJsonFailure: line {number} of '{display}' is not a JSON object ({exc}).") from None
        rows.append(value)
    return rows


def _frame_from_rows(rows: List[Dict[str, Any]]) -> pl.DataFrame:
    order: Dict[str, None] = {}
    for row in rows:
        for key in row:
            order.setdefault(key, None)
    columns = {key: [row.get(key) for row in rows] for key in order}
    series = []
    for key, values in columns.items():
        try:
            series.append(pl.Series(key, values, strict=True))
        except (TypeError, pl.exceptions.PolarsError, OverflowError):
            series.append(pl.Series(key, values, dtype=pl.Object))
    return pl.DataFrame(series)


def read_file(file: SourceFile, options: ReadJsonLines) -> pl.DataFrame:
    data = file.source.read_bytes(file.path)
    if is_utf8_family(options.encoding):
        try:
            return pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
        except (pl.exceptions.PolarsError, ValueError):
            pass  # fall back to the exact line parser
    text = decode(data, options.encoding, file.display)
    return _frame_from_rows(_parse_lines(text, options, file.display))
