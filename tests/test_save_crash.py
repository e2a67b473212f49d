"""A save killed at any moment leaves the old MLTable or the new one, and the source data intact."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

import tablekit as mltable

SAVER = textwrap.dedent("""
    import sys, tablekit as mltable
    source, destination = sys.argv[1], sys.argv[2]
    tables = [mltable.from_delimited_files([{'folder': source}]).take(n) for n in (5, 7)]
    print('ready', flush=True)
    i = 0
    while True:  # alternate between two MLTables until killed
        tables[i % 2].save(destination, colocated=True)
        i += 1
""")


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_saves_leave_a_whole_mltable_and_untouched_sources(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for k in range(4):  # enough bytes that a kill often lands mid-copy
        lines = ["id,text"] + [f"{k * 100_000 + i},{'x' * 40}" for i in range(40_000)]
        (source / f"part{k}.csv").write_text("\n".join(lines) + "\n")
    before = _digest(source)
    destination = tmp_path / "saved"
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    expected = {n: mltable.from_delimited_files([{"folder": str(source)}]).take(n).to_pandas_dataframe()
                for n in (5, 7)}
    kills = 0
    for delay in (0.3, 0.45, 0.6, 0.8, 1.0, 1.3):
        process = subprocess.Popen([sys.executable, str(script), str(source), str(destination)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        kills += 1
        if not (destination / "MLTable").exists():
            continue  # killed before the first save finished: nothing to check yet
        got = mltable.load(str(destination)).to_pandas_dataframe()
        assert any(got.equals(frame) for frame in expected.values()), got
        assert _digest(source) == before
    assert kills == 6
    assert (destination / "MLTable").exists(), "no save finished in the time given"
    pd.testing.assert_frame_equal(mltable.load(str(destination)).take(5).to_pandas_dataframe(), expected[5])
