"""Print docs/deviations.md from the deviation registry (tests/differential/deviations.py)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.differential.deviations import DEVIATIONS  # noqa: E402

HEADER = """# Where tablekit deliberately differs from mltable 1.7.0

tablekit matches mltable's DataFrames and errors everywhere else (see
docs/differential-testing.md). Here mltable crashes on valid data, silently loses or
corrupts values, or raises an error that tells the user nothing, so tablekit does the
useful thing instead. Each line is a recorded differential case whose tablekit outcome is
checked by its own test. Error messages are also rewritten to be readable everywhere
(mltable's are multi-screen engine dumps); classes and `error_code`s are kept.
Entries that start with "open, not deliberate" are the other way round: known gaps in
tablekit, listed so the suite pins what tablekit does until they are fixed.

| case | what mltable does, and what tablekit does |
|---|---|
"""


def render() -> str:
    rows = [f"| `{name}` | {dev.reason} |" for name, dev in sorted(DEVIATIONS.items())]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
