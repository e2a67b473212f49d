"""Compare an encoded tablekit outcome with a recorded mltable outcome."""
from __future__ import annotations

import math

import pandas as pd


def _same_cell(a, b) -> bool:
    if a == b:
        return True
    if isinstance(a, dict) and isinstance(b, dict) and "float" in a and "float" in b:
        x, y = a["float"], b["float"]
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-12, abs_tol=0.0)
    if isinstance(a, dict) and isinstance(b, dict) and "list" in a and "list" in b:
        return len(a["list"]) == len(b["list"]) and all(map(_same_cell, a["list"], b["list"]))
    if isinstance(a, dict) and isinstance(b, dict) and "dict" in a and "dict" in b:
        return a["dict"].keys() == b["dict"].keys() and all(
            _same_cell(a["dict"][k], b["dict"][k]) for k in a["dict"])
    return False


PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
NAN = {"float": "nan"}


def as_pandas_2(frame: dict) -> dict:
    """A frame made under pandas 3, as pandas 2 would hold it.

    The fixtures were recorded with pandas 2.3.3. Under pandas 3 a text column is the ``str``
    dtype with NaN for missing values where pandas 2 has ``object`` with None (documented in
    docs/pandas3.md); everything else must be identical.
    """
    if not PANDAS_3 or "str" not in frame["dtypes"]:
        return frame
    values = [[None if cell == NAN else cell for cell in column] if dtype == "str" else column
              for dtype, column in zip(frame["dtypes"], frame["values"])]
    dtypes = ["object" if dtype == "str" else dtype for dtype in frame["dtypes"]]
    return {**frame, "dtypes": dtypes, "values": values}


def frame_differences(got: dict, want: dict, compare_values: bool) -> list[str]:
    got = as_pandas_2(got)
    problems = []
    if got["columns"] != want["columns"]:
        problems.append(f"columns {got['columns']} != {want['columns']}")
        return problems
    if got["dtypes"] != want["dtypes"]:
        problems.append(f"dtypes {got['dtypes']} != {want['dtypes']}")
    if not compare_values:
        return problems
    if got["rows"] != want["rows"]:
        problems.append(f"rows {got['rows']} != {want['rows']}")
        return problems
    for name, g, w in zip(want["columns"], got["values"], want["values"]):
        for i, (a, b) in enumerate(zip(g, w)):
            if not _same_cell(a, b):
                problems.append(f"column {name!r} row {i}: {a} != {b}")
                break
    if got.get("index") != want.get("index"):
        problems.append("index differs")
    return problems


def outcome_differences(got: dict, want: dict, phrase: str | None, compare_values: bool) -> list[str]:
    if "error" in want:
        if "error" not in got:
            return [f"expected {want['error']['class']}({want['error']['error_code']}) but got a result"]
        problems = []
        g, w = got["error"], want["error"]
        if g["class"] != w["class"]:
            problems.append(f"class {g['class']} != {w['class']}")
        if g["error_code"] != w["error_code"]:
            problems.append(f"error_code {g['error_code']} != {w['error_code']}")
        if phrase and phrase not in g["message"]:
            problems.append(f"phrase {phrase!r} not in message {g['message']!r}")
        return problems
    if "error" in got:
        return [f"unexpected error {got['error']}"]
    if "frame" in want:
        if "frame" not in got:
            return [f"expected a frame, got {list(got)}"]
        return frame_differences(got["frame"], want["frame"], compare_values)
    if "frames" in want:
        if "frames" not in got or len(got["frames"]) != len(want["frames"]):
            return ["expected a list of frames"]
        return [p for g, w in zip(got["frames"], want["frames"])
                for p in frame_differences(g, w, compare_values)]
    if compare_values and got != want:
        return [f"value {got} != {want}"]
    return []
