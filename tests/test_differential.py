"""tablekit against recorded real-mltable outcomes (tests/fixtures/mltable/*.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import tablekit
from tests.differential.cases import all_cases
from tests.differential.compare import outcome_differences
from tests.differential.deviations import DEVIATIONS
from tests.differential.runner import run_case

FIXTURES = Path(__file__).parent / "fixtures" / "mltable"
CASES = all_cases()


def _recorded():
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def test_every_case_is_recorded():
    missing = sorted(set(CASES) - set(_recorded()))
    assert not missing, f"cases without a recorded mltable outcome (run tools/record_mltable.py): {missing}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_mltable(name):
    path = FIXTURES / f"{name}.json"
    if not path.exists():
        pytest.fail(f"{name} has no fixture; record it with tools/record_mltable.py")
    record = json.loads(path.read_text())
    case = CASES[name]
    got = run_case(case.code, tablekit)
    if name in DEVIATIONS:  # tablekit deliberately differs; see tests/differential/deviations.py
        problems = DEVIATIONS[name].check(got)
    else:
        problems = outcome_differences(got, record["outcome"], case.phrase, case.compare_values)
    assert not problems, f"{name}: {case.note}\n  " + "\n  ".join(problems)


def test_deviations_name_real_cases():
    assert not set(DEVIATIONS) - set(CASES)


def test_deviations_doc_is_current():
    from tools.list_deviations import render

    doc = Path(__file__).parents[1] / "docs" / "deviations.md"
    assert doc.read_text() == render(), "regenerate: python tools/list_deviations.py > docs/deviations.md"
