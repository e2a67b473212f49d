"""Runs one differential case against whichever library is bound to ``mltable``."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from tests.differential.encoding import encode_error, encode_result

DATA_DIR = str(Path(__file__).resolve().parents[1] / "data")


def run_case(code: str, library, data_dir: str = DATA_DIR) -> dict:
    """The case's outcome, encoded; ``code`` runs in ``data_dir`` (bound to ``DATA``)."""
    code = textwrap.dedent(code).strip()
    namespace = {"mltable": library, "DATA": data_dir, "pd": pd, "np": np}
    previous = os.getcwd()
    os.chdir(data_dir)
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
            return encode_error(exc, data_dir)
        return encode_result(result, data_dir)
    finally:
        os.chdir(previous)
