"""Every script in examples/ runs and prints what it promises."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_quickstart_prints_the_tables():
    out = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py")], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert "== sales (CSV folder) ==" in out and "1007" in out
    assert "predicate: paid and amount > 10" in out
    assert "red shoes" in out
