"""``import tablekit`` stays light: polars, pyarrow and pandas load when a table is first read.

Checked in fresh interpreters (this process has imported them all long ago). Behaviour only: how
fast the import is, and the time to first rows, are measured by benchmarks/startup.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tablekit

REPO = Path(tablekit.__file__).resolve().parent.parent  # the tablekit under test, first on the child's path
HEAVY = ("polars", "pyarrow", "pandas")

SCRIPT = f"""
import json, sys

def loaded():
    return sorted(m for m in {HEAVY!r} if m in sys.modules)

seen = {{}}
import tablekit as mltable
seen["import"] = loaded()
from tablekit import DataAsset, Datastore, Workspace
seen["catalog names"] = loaded()
table = mltable.from_delimited_files([{{"folder": sys.argv[1]}}]).filter("amount > 10")
table = table.keep_columns(["order_id", "amount"]).take(3)
repr(table)
table.save(sys.argv[2])
mltable.load(sys.argv[2])
seen["describing, saving and loading a table"] = loaded()
seen["rows"] = len(table.to_pandas_dataframe())
seen["reading it"] = loaded()
print(json.dumps(seen))
"""


def test_import_loads_no_dataframe_library_until_a_table_is_read(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(REPO / "examples" / "data" / "sales"),
                           str(tmp_path / "saved")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {"import": [], "catalog names": [], "describing, saving and loading a table": [], "rows": 3,
                    "reading it": sorted(HEAVY)}


def test_public_names():
    for name in tablekit.__all__:
        assert getattr(tablekit, name) is not None
    assert set(tablekit.__all__) <= set(dir(tablekit))
    assert not hasattr(tablekit, "pandas")  # no library leaks through the package's namespace
    assert not hasattr(tablekit, "polars")
