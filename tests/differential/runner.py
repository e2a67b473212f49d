"""Runs one differential case against whichever library is bound to ``mltable``."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from tests.differential.encoding import encode_error, encode_result

DATA_DIR = str(Path(__file__).resolve().parents[1] / "data")


def run_case(code: str, library) -> dict:
    code = textwrap.dedent(code).strip()
    namespace = {"mltable": library, "DATA": DATA_DIR, "pd": pd, "np": np}
    previous = os.getcwd()
    os.chdir(DATA_DIR)
    try:
        try:
            compiled = compile(code, "<case>", "eval")
        except SyntaxError:
            compiled = None
        try:
            if compiled is not None:
                result = eval(compiled, namespace)  # test code we wrote, not user input
            else:
                exec(compile(code, "<case>", "exec"), namespace)
                result = namespace["result"]
        except Exception as exc:  # the error itself is the recorded outcome
            return encode_error(exc, DATA_DIR)
        return encode_result(result, DATA_DIR)
    finally:
        os.chdir(previous)
