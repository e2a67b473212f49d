"""Differential cases: Python snippets run against real mltable and tablekit.

Each module in this package defines ``CASES``, a dict ``name -> Case``.  A case's
``code`` is run with ``mltable`` bound to the library under test (real mltable
when recording, tablekit when testing), ``DATA`` bound to the absolute path of
tests/data (also the working directory), and ``pd``/``np`` imported.  A single
expression is the result; otherwise the code must assign ``result``.
``phrase``, for cases expected to fail, is the key phrase mltable's message
contains; tablekit's message must contain it too.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    code: str
    phrase: str | None = None  # key phrase of the expected error message
    note: str = ""             # what behaviour of mltable this pins down
    compare_values: bool = True  # False: only columns, dtypes and row count (e.g. random samples)


def all_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, case in module.CASES.items():
            if isinstance(case, str):
                case = Case(case)
            key = f"{info.name}.{name}"
            if key in cases:
                raise ValueError(f"duplicate case {key}")
            cases[key] = case
    return cases
