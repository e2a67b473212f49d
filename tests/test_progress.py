"""Progress bars: shown when asked (keyword or TABLEKIT_PROGRESS), silent otherwise and off a terminal."""
from __future__ import annotations

import gc

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tablekit as mltable
from tablekit import progress


@pytest.fixture
def tables(tmp_path):
    for i in range(3):
        (tmp_path / f"part-{i}.csv").write_text("id,v\n" + "".join(f"{i * 100 + j},{j}\n" for j in range(100)))
        pq.write_table(pa.table({"k": list(range(1000))}), tmp_path / f"part-{i}.parquet", row_group_size=250)
    return (mltable.from_delimited_files([{"pattern": str(tmp_path / "*.csv")}]),
            mltable.from_parquet_files([{"pattern": str(tmp_path / "*.parquet")}]))


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(progress.ENV_VAR, raising=False)


def test_a_bar_when_asked(tables, capsys):
    csv, parquet = tables
    df = csv.to_pandas_dataframe(show_progress=True)
    err = capsys.readouterr().err
    assert len(df) == 300 and "3/3 files" in err and "300 rows" in err
    parquet.to_arrow(show_progress=True)
    assert "3000 rows" in capsys.readouterr().err.replace(",", "")
    assert sum(b.num_rows for b in parquet.to_batches(show_progress=True)) == 3000
    err = capsys.readouterr().err.replace(",", "")
    assert "3/3 files" in err and "3000 rows" in err


def test_silent_when_told_or_off_a_terminal(tables, capsys):
    csv, parquet = tables
    csv.to_pandas_dataframe(show_progress=False)
    parquet.to_polars()  # stderr is captured here: not a terminal
    list(parquet.to_batches())
    assert capsys.readouterr().err == ""


def test_the_environment_variable(tables, capsys, monkeypatch):
    csv, _ = tables
    monkeypatch.setenv(progress.ENV_VAR, "1")
    csv.to_arrow()
    assert "3/3 files" in capsys.readouterr().err
    csv.to_arrow(show_progress=False)  # the keyword wins
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(progress.ENV_VAR, "0")
    csv.to_arrow()
    assert capsys.readouterr().err == ""


def test_automatic_choice(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stderr", Terminal())
    assert progress.choice(None) == (True, progress.AUTO_DELAY)  # only reads longer than the delay show
    monkeypatch.setattr("sys.stderr", None)
    assert progress.choice(None) == (False, progress.AUTO_DELAY)
    assert progress.choice(True) == (True, 0.0)


def test_a_stream_left_unread_closes_its_bar(tables, capsys):
    _, parquet = tables
    reader = parquet.to_batches(batch_size=100, show_progress=True)
    reader.read_next_batch()
    del reader
    gc.collect()
    assert capsys.readouterr().err.endswith("\n")  # the bar was closed


def test_save_with_show_progress_counts_the_files_copied(tables, tmp_path, capsys):
    csv, _ = tables
    csv.save(str(tmp_path / "saved"), colocated=True, show_progress=True)
    assert "3/3 files" in capsys.readouterr().err
    csv.save(str(tmp_path / "quiet"), colocated=True)  # mltable's default: no bar
    assert capsys.readouterr().err == ""
    assert len(mltable.load(str(tmp_path / "saved")).to_pandas_dataframe()) == 300
