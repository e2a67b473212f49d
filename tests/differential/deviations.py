"""Cases where tablekit deliberately differs from real mltable.

mltable is the reference, except where it is plainly wrong or hostile: it
crashes on valid data, silently corrupts values, or raises an exception type
that says nothing useful.  Each deviation here states why and what tablekit
does instead; docs/deviations.md lists them for users.  The differential test
checks the tablekit outcome with ``check`` instead of the recording.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional


@dataclass(frozen=True)
class Deviation:
    reason: str
    check: Callable[[dict], List[str]]


def expect_error(cls: str, error_code: Optional[str], phrase: str) -> Callable[[dict], List[str]]:
    def check(outcome: dict) -> List[str]:
        if "error" not in outcome:
            return [f"expected {cls}({error_code}), got a result"]
        err = outcome["error"]
        problems = []
        if err["class"] != cls:
            problems.append(f"class {err['class']} != {cls}")
        if err["error_code"] != error_code:
            problems.append(f"error_code {err['error_code']} != {error_code}")
        if phrase not in err["message"]:
            problems.append(f"{phrase!r} not in {err['message']!r}")
        return problems
    return check


def expect_frame(columns: Optional[List[str]] = None, dtypes: Optional[List[str]] = None,
                 rows: Optional[int] = None, values: Optional[Dict[str, list]] = None) -> Callable[[dict], List[str]]:
    """Check parts of a frame result; ``values`` maps a column to its encoded cells."""
    def check(outcome: dict) -> List[str]:
        if "frame" not in outcome:
            return [f"expected a frame, got {outcome}"]
        frame = outcome["frame"]
        problems = []
        if columns is not None and frame["columns"] != columns:
            problems.append(f"columns {frame['columns']} != {columns}")
        if dtypes is not None and frame["dtypes"] != dtypes:
            problems.append(f"dtypes {frame['dtypes']} != {dtypes}")
        if rows is not None and frame["rows"] != rows:
            problems.append(f"rows {frame['rows']} != {rows}")
        for name, cells in (values or {}).items():
            got = frame["values"][frame["columns"].index(name)] if name in frame["columns"] else None
            if got != cells:
                problems.append(f"column {name}: {got} != {cells}")
        return problems
    return check


DEVIATIONS: Dict[str, Deviation] = {}

# -- delimited files -------------------------------------------------------------
DEVIATIONS["csv.enc_utf16be_enum"] = Deviation(
    reason="mltable returns an empty table, silently, for UTF-16 big-endian text without a BOM; "
           "tablekit detects the byte order and reads the rows",
    check=expect_frame(columns=["name", "city"], rows=2))
DEVIATIONS["csv.enc_utf8_bom_as_utf8bom_enum"] = Deviation(
    reason="mltable offers MLTableFileEncoding.utf8bom but then rejects it at materialization "
           "('Yaml script is invalid'); tablekit reads it as UTF-8 with the BOM dropped",
    check=expect_frame(columns=["name", "city"]))
