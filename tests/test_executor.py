"""The executor's two strategies (engine.execute): streamed partitions and whole files give the
same outcome on every plan.

Every recorded differential case runs twice, once with every plan streamed
(text files in blocks of 300 bytes, so each is read in many partitions) and
once with every plan read whole; a hypothesis property does the same on
random plans over multi-block files.  Then what only the stream gives: a
take that stops reading, a sample and a filter held in bounded memory,
progress per partition, and Ctrl-C.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tablekit as mltable
from tablekit.engine import blocks, execute
from tablekit.engine import parquet as parquet_module
from tablekit.optimizer import optimize
from tests.differential.cases import all_cases
from tests.differential.runner import run_case

CASES = all_cases()
RANDOM = {"transform.sample_no_seed"}  # a sample without a seed: each run draws other rows


def _outcome(name: str, streamed: bool, monkeypatch) -> dict:
    with monkeypatch.context() as patch:
        patch.setattr(execute, "streams", lambda plan: streamed)
        patch.setattr(blocks, "BLOCK_BYTES", 300)
        return run_case(CASES[name].code, mltable)


def _class_and_code(outcome: dict):
    error = outcome.get("error") or {}
    return error.get("class"), error.get("error_code")


@pytest.mark.parametrize("name", sorted(CASES))
def test_streamed_and_whole_reads_agree_on_differential_case(name, monkeypatch):
    if name in RANDOM:
        pytest.skip("random rows: no two runs agree")
    streamed, whole = _outcome(name, True, monkeypatch), _outcome(name, False, monkeypatch)
    if "error" in whole or "error" in streamed:  # the same class and code; messages may count other rows
        assert _class_and_code(streamed) == _class_and_code(whole)
    else:
        assert streamed == whole


# -- random plans over files of many blocks -----------------------------------------

def _write_tables(root) -> dict:
    rng = np.random.default_rng(7)
    frames = []
    for n in range(2):
        ids = np.arange(n * 1500, (n + 1) * 1500)
        frames.append(pl.DataFrame({
            "id": ids, "x": np.round(rng.random(len(ids)), 3),
            "category": [f"c{i % 4}" for i in ids],
            "count": pl.Series([None if i % 9 == 0 else int(i % 50) for i in ids], dtype=pl.Int64),
        }))
        frames[-1].write_csv(root / f"part-{n}.csv")
        frames[-1].write_ndjson(root / f"part-{n}.jsonl")
    return {"csv": mltable.from_delimited_files([{"pattern": str(root / "*.csv")}]),
            "jsonl": mltable.from_json_lines_files([{"pattern": str(root / "*.jsonl")}])}


STEPS = st.sampled_from([
    lambda t, n: t.filter(f"x > {n / 100}"),
    lambda t, n: t.filter(f"category == 'c{n % 4}' or count > {n % 50}"),
    lambda t, n: t.take(1 + n * 37),
    lambda t, n: t.skip(1 + n * 29),
    lambda t, n: t.take_random_sample(0.05 + n / 120, seed=n),
    lambda t, n: t.keep_columns(["id", "x", "count"]),
    lambda t, n: t.drop_columns(["category"]),
    lambda t, n: t.random_split(0.3, seed=n)[n % 2],
])


@pytest.fixture(scope="module")
def random_tables(tmp_path_factory):
    return _write_tables(tmp_path_factory.mktemp("executor"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["csv", "jsonl"]),
       plan=st.lists(st.tuples(STEPS, st.integers(0, 99)), min_size=1, max_size=4))
def test_streamed_equals_whole_on_random_plans(random_tables, monkeypatch, fmt, plan):
    table = random_tables[fmt]
    for step, n in plan:
        table = step(table, n)
    frames = []
    for streamed in (True, False):
        with monkeypatch.context() as patch:
            patch.setattr(execute, "streams", lambda plan, streamed=streamed: streamed)
            patch.setattr(blocks, "BLOCK_BYTES", 2048)
            frames.append(table.to_pandas_dataframe())
    pd.testing.assert_frame_equal(frames[0], frames[1])


# -- which plans stream ---------------------------------------------------------------

def test_plans_that_stream(tmp_path):
    csv = mltable.from_delimited_files([{"file": str(tmp_path / "a.csv")}])
    parquet = mltable.from_parquet_files([{"file": str(tmp_path / "a.parquet")}])
    streamed = lambda table: execute.streams(optimize(table._plan))  # noqa: E731
    assert streamed(csv.filter("x > 1").take(10))
    assert streamed(csv.take_random_sample(0.1, seed=1))
    assert streamed(csv.take_random_sample(0.1, seed=1).filter("x > 1"))
    assert streamed(csv.convert_column_types({"x": mltable.DataType.to_float()}).filter("x > 1").take(5))
    assert not streamed(csv)  # a whole read: polars' multi-threaded reader
    assert not streamed(csv.filter("x > 1"))  # the filter is pushed into polars' streaming CSV read
    assert not streamed(csv.take(10))  # only the first lines are read anyway
    assert streamed(csv.skip(10).take(10))  # the skipped rows are dropped before typing
    assert streamed(parquet.drop_columns(["y"]).filter("x > 1").take(10))  # row groups until the take has its rows
    assert not streamed(parquet.filter("x > 1"))  # polars reads parquet row groups with the filter
    assert not streamed(parquet.take_random_sample(0.1, seed=1))  # drawn from the footers, row group by row group
    assert not streamed(parquet.take(10))
    jsonl = mltable.from_json_lines_files([{"file": str(tmp_path / "a.jsonl")}])
    assert streamed(jsonl.filter("x > 1").keep_columns(["x"]))  # JSON lines are not filtered while read whole
    assert not streamed(jsonl)


def test_a_leading_skip_moves_into_the_scan(tmp_path):
    csv = mltable.from_delimited_files([{"file": str(tmp_path / "a.csv")}])
    plan = optimize(csv.keep_columns(["x"]).skip(10).take(5)._plan)
    assert plan.scan.offset == 10 and plan.scan.limit == 15
    assert [type(s).__name__ for s in plan.steps] == ["KeepColumns", "Take"]
    assert execute.streams(plan)
    assert optimize(csv.filter("x > 1").skip(10)._plan).scan.offset == 0  # a filter first: the skip stays
    parquet = mltable.from_parquet_files([{"file": str(tmp_path / "a.parquet")}])
    assert optimize(parquet.skip(10)._plan).scan.offset == 10  # row groups passed over by their row counts
    assert optimize(parquet.take_random_sample(0.5, seed=1).skip(10)._plan).scan.offset == 0


@pytest.mark.parametrize("skip", [1, 9, 10, 11, 25, 40, 45, 60])
@pytest.mark.parametrize("streamed", [True, False])
def test_a_parquet_skip_passes_over_row_groups(tmp_path, monkeypatch, skip, streamed):
    import pyarrow as pa
    import pyarrow.parquet as pq
    for name, first in (("a", 0), ("b", 30)):  # two files of three row groups of 10 rows
        pq.write_table(pa.table({"id": list(range(first, first + 30))}), tmp_path / f"{name}.parquet", row_group_size=10)
    table = mltable.from_parquet_files([{"pattern": str(tmp_path / "*.parquet")}])
    decoded = []
    original = parquet_module.row_group_scans

    def counting(*args):
        for layout, row_group, lazy in original(*args):
            yield layout, row_group, lazy.map_batches(lambda frame: decoded.append(frame.height) or frame)
    monkeypatch.setattr(parquet_module, "row_group_scans", counting)
    monkeypatch.setattr(execute, "streams", lambda plan: streamed)
    def ids(frame):  # skipping every row leaves no columns either, as in mltable
        return frame["id"].to_list() if frame.width else []
    assert ids(table.skip(skip).take(3).to_polars()) == list(range(60))[skip:skip + 3]
    decoded.clear()
    assert ids(table.skip(skip).to_polars()) == list(range(60))[skip:]
    if streamed:
        assert sum(decoded) == 60 - skip // 10 * 10  # the row groups wholly skipped are never decoded


def test_skipped_rows_are_never_typed(big_csv, monkeypatch):
    from tablekit.engine.formats import delimited_reader
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 256 * 1024)
    typed = []
    original = delimited_reader.typed_file_frame

    def counting(frame, *args):
        typed.append(frame.height)
        return original(frame, *args)

    monkeypatch.setattr(delimited_reader, "typed_file_frame", counting)
    table = mltable.from_delimited_files([{"file": str(big_csv)}])
    df = table.skip(300_000).take(10).to_pandas_dataframe()
    assert df["id"].tolist() == list(range(300_000, 300_010))
    assert sum(typed) < 50_000  # the rows of the block holding row 300,000 on, not the 300,000 before
    assert table.skip(399_995).to_pandas_dataframe()["id"].tolist() == list(range(399_995, 400_000))


def test_sample_is_drawn_in_the_text_scan(tmp_path):
    plan = optimize(mltable.from_delimited_files([{"file": str(tmp_path / "a.csv")}])
                    .keep_columns(["x"]).take_random_sample(0.1, seed=3)._plan)
    assert plan.scan.sample == (3, 0.1, 0.0) and not any("Sample" in type(s).__name__ for s in plan.steps)


# -- what only the stream gives -------------------------------------------------------

@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.csv"
    rng = np.random.default_rng(1)
    rows = 400_000
    pl.DataFrame({"id": np.arange(rows), "x": np.round(rng.random(rows), 6),
                  "name": [f"name {i % 1000}" for i in range(rows)]}).write_csv(path)
    return path


class CountingSource:
    """Wraps the local source and counts the bytes read."""

    def __init__(self, inner):
        self.inner, self.bytes_read = inner, 0

    def read_bytes(self, path, start=0, end=None):
        data = self.inner.read_bytes(path, start, end)
        self.bytes_read += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_filter_then_take_stops_reading(big_csv, monkeypatch):
    from tablekit.sources import registry
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 256 * 1024)
    counting = CountingSource(registry.SOURCES[""])
    monkeypatch.setitem(registry.SOURCES, "", counting)
    df = mltable.from_delimited_files([{"file": str(big_csv)}]).filter("x > 0.5").take(100).to_pandas_dataframe()
    assert len(df) == 100 and (df["x"] > 0.5).all()
    assert counting.bytes_read < big_csv.stat().st_size / 4


def test_progress_advances_per_partition(big_csv, monkeypatch):
    from tablekit import progress as progress_module
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 512 * 1024)
    seen = []
    original = progress_module.Progress.advance

    def advance(self, nbytes=0, files=0, rows=0):
        seen.append(nbytes)
        return original(self, nbytes, files, rows)

    monkeypatch.setattr(progress_module.Progress, "advance", advance)
    mltable.from_delimited_files([{"file": str(big_csv)}]).take_random_sample(0.01, seed=1).to_pandas_dataframe()
    advanced = [n for n in seen if n]
    assert len(advanced) >= big_csv.stat().st_size // (512 * 1024)  # a step per block
    assert sum(advanced) == big_csv.stat().st_size


def test_stopping_a_stream_early_leaves_no_thread(big_csv, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 128 * 1024)
    before = threading.active_count()
    reader = mltable.from_delimited_files([{"file": str(big_csv)}]).take_random_sample(0.5, seed=1).to_batches(100)
    reader.read_next_batch()
    reader.close()
    del reader
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before


CTRL_C_SCRIPT = textwrap.dedent("""
    import sys, threading, time
    import tablekit as mltable
    from tablekit.engine import blocks
    blocks.BLOCK_BYTES = 256 * 1024
    table = mltable.from_delimited_files([{"file": sys.argv[1]}])
    read = {"streamed": lambda: table.take_random_sample(0.5, seed=1).to_pandas_dataframe(),
            "whole": lambda: table.to_polars()}[sys.argv[2]]
    print("reading", flush=True)
    try:
        while True:  # read again and again until interrupted
            read()
    except KeyboardInterrupt:
        decoding = [t for t in threading.enumerate() if t.name.startswith("tablekit-decode")]
        print("interrupted", time.monotonic(), len(decoding), flush=True)
        raise
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
@pytest.mark.parametrize("how", ["streamed", "whole"])
def test_ctrl_c_stops_a_read_and_reaches_the_caller(big_csv, tmp_path, how):
    script = tmp_path / "read.py"
    script.write_text(CTRL_C_SCRIPT)
    child = subprocess.Popen([sys.executable, str(script), str(big_csv), how], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=os.getcwd())
    assert child.stdout.readline().strip() == "reading"
    time.sleep(1.0)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    word, at, decoding = out.split()
    assert word == "interrupted" and float(at) - sent < 1.0
    assert int(decoding) == 0  # the decoding threads are gone


# -- engine.parallel ------------------------------------------------------------------

def test_ordered_map_keeps_order_and_reads_ahead_a_bounded_number():
    from tablekit.engine.parallel import ordered_map
    pulled = []

    def items():
        for i in range(50):
            pulled.append(i)
            yield i

    def decode(i):
        time.sleep(0.001 * (i % 3))  # finish out of order
        return i * i

    results = ordered_map(decode, items(), workers=3)
    assert next(results) == 0 and len(pulled) == 1  # a take of the first partition reads only it
    assert next(results) == 1 and len(pulled) <= 3
    rest = list(results)
    assert rest == [i * i for i in range(2, 50)]


def test_ordered_map_raises_the_first_error_in_order():
    from tablekit.engine.parallel import ordered_map

    def decode(i):
        if i in (3, 5):
            raise ValueError(i)
        return i

    got = []
    with pytest.raises(ValueError, match="3"):
        for value in ordered_map(decode, range(10), workers=2):
            got.append(value)
    assert got == [0, 1, 2]


def test_threads_setting(monkeypatch):
    from tablekit.engine import parallel
    monkeypatch.setenv("TABLEKIT_THREADS", "1")
    assert parallel.default_workers() == 1
    monkeypatch.setenv("TABLEKIT_THREADS", " 3 ")
    assert parallel.default_workers() == 3
    monkeypatch.setenv("TABLEKIT_THREADS", "")  # set but empty: the default, as for the storage variables
    assert parallel.default_workers() >= 1


@pytest.mark.parametrize("value", ["nonsense", "0", "-2", "1.5", "+4", "\u0663", "4 threads"])
def test_threads_setting_that_is_not_a_positive_whole_number_fails(monkeypatch, value):
    from tablekit.engine import parallel
    monkeypatch.setenv("TABLEKIT_THREADS", value)
    with pytest.raises(mltable.UserErrorException) as caught:
        parallel.default_workers()
    assert caught.value.error_code == "UserError"
    assert "TABLEKIT_THREADS" in str(caught.value) and repr(value) in str(caught.value)


def test_a_streamed_read_reports_a_bad_threads_setting(tmp_path, monkeypatch):
    (tmp_path / "t.jsonl").write_text("".join('{"a": %d}\n' % i for i in range(10)))
    table = mltable.from_json_lines_files([{"file": str(tmp_path / "t.jsonl")}]).filter("a > 2").take(2)
    monkeypatch.setenv("TABLEKIT_THREADS", "two")
    with pytest.raises(mltable.UserErrorException, match="TABLEKIT_THREADS .*'two'"):
        table.to_pandas_dataframe()
    monkeypatch.setenv("TABLEKIT_THREADS", "2")
    assert table.to_pandas_dataframe()["a"].tolist() == [3, 4]
