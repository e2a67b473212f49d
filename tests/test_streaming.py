"""Streaming (to_batches), schema(), head() and explain()'s file listing.

Every output form is checked against to_pandas_dataframe on the same plans,
for CSV, parquet and JSON lines, with blocks made small so that files are
read in many pieces; the stream is also checked against a whole read on
every recorded differential case.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tablekit as mltable
from tablekit.engine import blocks
from tablekit.sources import registry
from tablekit.sources.local import LocalSource
from tests.differential.cases import all_cases
from tests.differential.runner import run_case
from tests.test_table import CountingSource as ReadBytesCounter

ROWS_PER_FILE = 2500


def _frame(file_number: int) -> pl.DataFrame:
    rng = np.random.default_rng(file_number)
    start = file_number * ROWS_PER_FILE
    ids = np.arange(start, start + ROWS_PER_FILE)
    return pl.DataFrame({
        "id": ids,
        "x": np.round(rng.random(ROWS_PER_FILE), 4),
        "category": [f"c{i % 5}" for i in ids],
        "text": [f"row {i}, quoted" if i % 7 == 0 else f"row {i}" for i in ids],
        "flag": ids % 2 == 0,
        "count": pl.Series([None if i % 10 == 0 else int(i % 97) for i in ids], dtype=pl.Int64),
    })


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("stream")
    for kind in ("csv", "parquet", "jsonl"):
        (root / kind).mkdir()
    for n in range(2):
        frame = _frame(n)
        frame.write_csv(root / "csv" / f"part-{n}.csv")
        pq.write_table(frame.to_arrow(), root / "parquet" / f"part-{n}.parquet", row_group_size=700)
        frame.write_ndjson(root / "jsonl" / f"part-{n}.jsonl")
    return {
        "csv": mltable.from_delimited_files([{"pattern": str(root / "csv" / "*.csv")}]),
        "parquet": mltable.from_parquet_files([{"pattern": str(root / "parquet" / "*.parquet")}]),
        "jsonl": mltable.from_json_lines_files([{"pattern": str(root / "jsonl" / "*.jsonl")}]),
    }


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 8192)  # ~40 blocks a file


PLANS = {
    "plain": lambda t: t,
    "filter_keep": lambda t: t.filter("x > 0.3 and category != 'c2'").keep_columns(["id", "x", "category"]),
    "take": lambda t: t.take(1234),
    "skip_take": lambda t: t.skip(2400).take(1500),
    "filter_skip": lambda t: t.filter("id % 3 == 0").skip(100),
    "sample": lambda t: t.take_random_sample(0.2, seed=5),
    "filter_sample_take": lambda t: t.filter("x < 0.8").take_random_sample(0.3, seed=2).take(400),
    "split_second_half": lambda t: t.random_split(0.4, seed=9)[1],
    "drop_convert": lambda t: t.drop_columns(["text"]).convert_column_types({"id": mltable.DataType.to_float()}),
    "select_partitions": lambda t: t.select_partitions([1]),
    "take_then_filter": lambda t: t.take(3000).filter("flag"),
}


@pytest.mark.parametrize("plan", sorted(PLANS))
@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_every_output_equals_pandas(tables, small_blocks, fmt, plan):
    table = PLANS[plan](tables[fmt])
    expected = table.to_pandas_dataframe()
    reader = table.to_batches(batch_size=500)
    assert isinstance(reader, pa.RecordBatchReader)
    batches = list(reader)
    assert batches and all(0 < b.num_rows <= 500 for b in batches)
    streamed = pa.Table.from_batches(batches, schema=reader.schema)
    assert reader.schema == table.schema()
    pd.testing.assert_frame_equal(streamed.to_pandas(), expected, check_dtype=False)
    pd.testing.assert_frame_equal(table.to_arrow().to_pandas(), expected, check_dtype=False)
    pd.testing.assert_frame_equal(table.to_polars().to_pandas(), expected, check_dtype=False)


def test_stream_types_are_the_whole_reads(tables):
    for table in tables.values():
        table = table.filter("id > 10")
        assert table.to_batches().read_all().schema == table.to_arrow().schema


# -- the stream reads as it is consumed ---------------------------------------------

class CountingSource(ReadBytesCounter):
    """Counts the bytes read through open() handles too (streams read blocks through them)."""

    def open(self, path, mode="rb"):
        source = self

        class Counted(io.FileIO):
            def read(self, size=-1):
                data = super().read(size)
                source.bytes_read += len(data)
                return data

        return Counted(path, "r")


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("id,x,name\n" + "".join(f"{i},{i * 0.5},n{i % 7}\n" for i in range(100_000)))
    return path


def test_batches_are_read_as_they_are_consumed(big_csv, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64 * 1024)
    counting = CountingSource()
    monkeypatch.setitem(registry.SOURCES, "", counting)
    reader = mltable.from_delimited_files([{"file": str(big_csv)}]).to_batches(batch_size=1000)
    first = reader.read_next_batch()
    assert first.column("id").to_pylist() == list(range(1000))
    size = big_csv.stat().st_size
    assert counting.bytes_read < size / 4  # the inference sample and the first block
    rows = first.num_rows + sum(batch.num_rows for batch in reader)
    assert rows == 100_000 and counting.bytes_read >= size


def test_a_take_ends_the_stream_early(big_csv, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64 * 1024)
    counting = CountingSource()
    monkeypatch.setitem(registry.SOURCES, "", counting)
    table = mltable.from_delimited_files([{"file": str(big_csv)}]).filter("name == 'n3'").take(50)
    got = table.to_batches().read_all()
    assert got.column("id").to_pylist() == [i for i in range(1000) if i % 7 == 3][:50]
    assert counting.bytes_read < big_csv.stat().st_size / 4


def test_parquet_streams_a_row_group_at_a_time(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"k": list(range(10_000))}), path, row_group_size=1000)
    reader = mltable.from_parquet_files([{"file": str(path)}]).to_batches(batch_size=5000)
    sizes = [batch.num_rows for batch in reader]
    assert sizes == [1000] * 10


def test_json_lines_blocks_keep_the_files_types(tmp_path, monkeypatch):
    """A column typed by its first value: later values of another JSON type are null, as in a whole read."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 256)
    lines = [{"a": i, "b": None if i < 40 else f"s{i}", "c": i if i != 60 else "text", "d": i / 2 if i > 50 else i}
             for i in range(100)]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    table = mltable.from_json_lines_files([{"file": str(path)}])
    streamed = table.to_batches(batch_size=30).read_all()
    assert streamed.equals(table.to_arrow())
    assert streamed.column("c")[60].as_py() is None and streamed.column("d").type == pa.float64()


def test_multi_line_records_are_not_split(tmp_path, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)
    path = tmp_path / "m.csv"
    rows = "".join(f'{i},"line one\nline ""two"" of {i}",{i * 2}\n' for i in range(50))
    path.write_text("id,text,double\n" + rows)
    table = mltable.from_delimited_files([{"file": str(path)}], support_multi_line=True)
    streamed = table.to_batches().read_all()
    assert streamed.equals(table.to_arrow())
    assert streamed.column("text")[3].as_py() == 'line one\nline "two" of 3'


def test_ragged_rows_after_the_first_rows_cannot_be_streamed(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n" + "1,2\n" * 300 + "1,2,3\n")
    table = mltable.from_delimited_files([{"file": str(path)}])
    assert table.to_arrow().column_names == ["a", "b", "Column3"]
    with pytest.raises(mltable.UserErrorException) as info:
        table.to_batches().read_all()
    assert info.value.error_code == "ScriptExecution.Validation"
    assert "more fields than its first rows" in info.value.message


def test_batch_size_must_be_positive(tables):
    for bad in (0, -1, 2.5, True):
        with pytest.raises(mltable.UserErrorException, match="batch_size"):
            tables["csv"].to_batches(batch_size=bad)


def test_data_errors_are_raised_by_the_stream(tables):
    with pytest.raises(mltable.UserErrorException) as info:
        tables["csv"].keep_columns(["nope"]).to_batches().read_all()
    assert "contains no columns" in info.value.message
    with pytest.raises(mltable.UserErrorException) as info:
        tables["csv"].filter("x >>> 1").to_batches()  # before any row is read
    assert "parse error" in info.value.message
    missing = mltable.from_parquet_files([{"file": "/no/such/file.parquet"}])
    with pytest.raises(mltable.UserErrorException) as info:
        missing.to_batches()
    assert info.value.error_code == "ScriptExecution.StreamAccess.NotFound"


# -- the stream against every recorded case ------------------------------------------

CASES = all_cases()
STREAM_ONLY_ERRORS = {"csv.ragged_after_sample"}  # a stream's columns are fixed by the first rows


@pytest.mark.parametrize("name", sorted(CASES))
def test_stream_equals_whole_read_on_differential_case(name, monkeypatch):
    """Each table a case materializes, streamed in blocks of 300 bytes and batches of 7 rows, equals to_arrow()."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 300)
    problems = []
    original = mltable.MLTable.to_pandas_dataframe

    def compared(self, *args, **kwargs):
        problems.extend(_stream_differences(self, name in STREAM_ONLY_ERRORS))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mltable.MLTable, "to_pandas_dataframe", compared)
    run_case(CASES[name].code, mltable)
    assert not problems, "\n".join(problems)


def _outcome(produce):
    try:
        return produce(), None
    except mltable.UserErrorException as exc:
        return None, exc


def _stream_differences(table, stream_may_refuse: bool) -> list:
    whole, whole_error = _outcome(table.to_arrow)
    streamed, stream_error = _outcome(lambda: table.to_batches(batch_size=7).read_all())
    if stream_error is not None and whole_error is None and stream_may_refuse:
        return []
    if whole_error or stream_error:
        same = whole_error and stream_error and whole_error.error_code == stream_error.error_code
        return [] if same else [f"errors differ: whole read {whole_error!r}, stream {stream_error!r}"]
    if whole.num_rows == 0 and streamed.num_rows == 0:
        return []
    if whole.column_names != streamed.column_names:
        return [f"columns differ: {whole.column_names} vs {streamed.column_names}"]
    # a column without any value is a null column in to_arrow (it sees all rows), typed in a stream
    whole = whole.cast(streamed.schema)
    if not pl.from_arrow(whole).equals(pl.from_arrow(streamed)):
        return [f"values differ:\n{pl.from_arrow(whole)}\n{pl.from_arrow(streamed)}"]
    return []


# -- schema(), head(), explain() ----------------------------------------------------------

def test_schema_reads_only_what_fixes_the_types(big_csv, monkeypatch):
    counting = CountingSource()
    monkeypatch.setitem(registry.SOURCES, "", counting)
    table = mltable.from_delimited_files([{"file": str(big_csv)}])
    schema = table.keep_columns(["id", "name"]).convert_column_types({"id": mltable.DataType.to_string()}).schema()
    assert schema == pa.schema([("id", pa.string()), ("name", pa.string())])
    assert counting.bytes_read < big_csv.stat().st_size / 10
    monkeypatch.setitem(registry.SOURCES, "", LocalSource())
    assert table.schema() == table.to_arrow().schema


def test_schema_of_parquet_comes_from_the_footers(tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"d": pa.array([1], pa.date32()), "n": pa.array([1], pa.int8()), "s": ["x"]}), path)
    table = mltable.from_parquet_files([{"file": str(path)}])
    monkeypatch.setattr(pl.LazyFrame, "collect", lambda *a, **k: pytest.fail("schema() read the data"))
    assert table.schema() == pa.schema([("d", pa.date32()), ("n", pa.int8()), ("s", pa.string())])


def test_schema_of_json_lines(tables):
    schema = tables["jsonl"].schema()
    assert schema.names == ["id", "x", "category", "text", "flag", "count"]
    assert schema.field("flag").type == pa.bool_() and schema.field("count").type == pa.int64()


def test_head_reads_only_the_first_rows(big_csv, monkeypatch):
    counting = CountingSource()
    monkeypatch.setitem(registry.SOURCES, "", counting)
    df = mltable.from_delimited_files([{"file": str(big_csv)}]).head(3)
    assert df["id"].tolist() == [0, 1, 2] and list(df.columns) == ["id", "x", "name"]
    assert counting.bytes_read < big_csv.stat().st_size / 5


def test_explain_lists_files_and_row_groups(tmp_path):
    for i in range(3):
        pq.write_table(pa.table({"k": list(range(3000))}), tmp_path / f"p{i}.parquet", row_group_size=1000)
    table = mltable.from_parquet_files([{"folder": str(tmp_path)}])
    text = table.select_partitions([1, 2, 3]).explain()
    assert "reads: 2 of 3 files, 3 of 9 row groups, 3,000 rows" in text
    assert "p0.parquet" in text and "row groups 1-2 of 3" in text and "p2.parquet" not in text
    assert "statistics rule out the predicate" in table.filter("k > 5").explain()
    text = mltable.from_delimited_files([{"file": str(tmp_path / "missing.csv")}]).explain()
    assert "reads: cannot tell now" in text and "was not found" in text


def test_explain_a_table_of_paths(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    text = mltable.from_paths([{"folder": str(tmp_path)}, {"file": str(tmp_path / "gone")}]).take(1).explain()
    assert text.startswith("Scan paths (from_paths") and "reads: nothing; lists 2 files" in text
