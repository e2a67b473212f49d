"""Every script in examples/ runs and prints what it promises."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[1] / "examples"


def printed(script: str) -> str:
    """What an example script prints; it must succeed."""
    return subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True, text=True,
                          check=True, timeout=300).stdout


def test_quickstart_prints_the_tables():
    out = printed("quickstart.py")
    assert "== sales (CSV folder) ==" in out and "1007" in out
    assert "predicate: paid and amount > 10" in out
    assert "red shoes" in out


def test_dask_scale_out_reads_on_a_local_cluster():
    pytest.importorskip("distributed")
    out = printed("dask_scale_out.py")
    assert "2 Dask partitions (one per CSV file)" in out
    assert "1007" in out and "north" in out
    assert "same rows, columns and dtypes as to_pandas_dataframe(): True" in out


def test_streaming_totals_match_pandas():
    out = printed("streaming.py")
    assert "predicate: paid and amount > 10" in out and "from 5 batches" in out
    assert "same as to_pandas_dataframe(): True" in out
    assert "wrote 229,305 rows to paid.parquet" in out


def test_cli_tour_runs_in_a_shell():
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = subprocess.run(["bash", str(EXAMPLES / "cli.sh")], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "order_date  timestamp[ns]" in out and "reads: 2 of 2 files" in out
    assert "== how many paid orders ==\n5\n" in out
    assert "part-00000.parquet" in out and "s3     2.00" in out
    assert "exit status: 1" in out
    assert "tablekit show: error: 'missing.csv' does not exist" in result.stderr
