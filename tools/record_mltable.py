"""Record real mltable 1.7.0's results for every differential case.

Run with the reference venv (see docs/differential-testing.md):

    .ref/bin/python tools/record_mltable.py            # all cases
    .ref/bin/python tools/record_mltable.py csv.       # only names starting with csv.

Writes one JSON file per case into tests/fixtures/mltable/.  The test suite
compares tablekit against these files without needing mltable installed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mltable  # noqa: E402  (the real one, from the reference venv)

from tests.differential.cases import all_cases  # noqa: E402
from tests.differential.runner import run_case  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "mltable"


def main(prefixes: list[str]) -> int:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name, case in all_cases().items():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        outcome = run_case(case.code, mltable)
        if "error" in outcome and case.phrase is not None:
            if case.phrase not in outcome["error"]["message"]:
                print(f"WARNING {name}: phrase {case.phrase!r} not in mltable's message")
                failures += 1
        elif "error" in outcome:
            print(f"note {name}: mltable raised {outcome['error']['error_code']}: "
                  f"{outcome['error']['message'][:200]!r}")
        elif case.phrase is not None:
            print(f"WARNING {name}: expected an error but mltable returned a result")
            failures += 1
        record = {"case": name, "code": case.code, "phrase": case.phrase, "outcome": outcome}
        (FIXTURES / f"{name}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"recorded {name}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
