"""MLTable behaviour beyond the recorded differential cases: laziness, immutability,
the optimizer's pushdowns, and the extra outputs (to_arrow, to_polars, explain)."""
from __future__ import annotations

import warnings

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import tablekit as mltable
from tablekit.optimizer import optimize
from tablekit.plan.nodes import KeepColumns, Take
from tablekit.sources import registry
from tablekit.sources.local import LocalSource


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    lines = ["id,x,name"] + [f"{i},{i * 0.5},n{i % 7}" for i in range(200_000)]
    path.write_text("\n".join(lines) + "\n")
    return path


class CountingSource(LocalSource):
    def __init__(self):
        self.bytes_read = 0

    def read_bytes(self, path, start=0, end=None):
        data = super().read_bytes(path, start, end)
        self.bytes_read += len(data)
        return data

    def open(self, path, mode="rb"):
        raise AssertionError("a limited read must not open the whole file")


def test_building_a_table_reads_nothing(tmp_path):
    table = mltable.from_delimited_files([{"file": str(tmp_path / "missing.csv")}])
    table = table.filter("a > 1").keep_columns(["a"]).take(5)  # no error until materialized
    with pytest.raises(mltable.UserErrorException) as info:
        table.to_pandas_dataframe()
    assert info.value.error_code == "ScriptExecution.StreamAccess.NotFound"


def test_methods_return_new_tables(big_csv):
    base = mltable.from_delimited_files([{"file": str(big_csv)}])
    taken = base.take(3)
    assert taken is not base
    assert len(base._plan.steps) == 1 and isinstance(taken._plan.steps[-1], Take)
    assert base == mltable.from_delimited_files([{"file": str(big_csv)}])
    assert base != taken


def test_take_reads_only_the_first_blocks(big_csv, monkeypatch):
    counting = CountingSource()
    monkeypatch.setitem(registry.SOURCES, "", counting)
    df = mltable.from_delimited_files([{"file": str(big_csv)}]).take(1000).to_pandas_dataframe()
    assert len(df) == 1000 and df["id"].iloc[-1] == 999
    assert counting.bytes_read < big_csv.stat().st_size / 5


def test_optimizer_pushes_filter_columns_and_limit(big_csv):
    table = (mltable.from_delimited_files([{"file": str(big_csv)}])
             .filter("x > 10").keep_columns(["id"]).take(5))
    plan = optimize(table._plan)
    assert plan.scan.predicate == "x > 10"
    assert set(plan.scan.columns) == {"id", "x"}
    assert plan.scan.limit == 5
    assert any(isinstance(s, KeepColumns) for s in plan.steps)
    text = table.explain()
    assert "predicate: x > 10" in text and "limit: first 5 rows" in text


def test_filter_after_take_is_not_pushed(big_csv):
    table = mltable.from_delimited_files([{"file": str(big_csv)}]).take(10).filter("id > 5")
    plan = optimize(table._plan)
    assert plan.scan.predicate is None and plan.scan.limit == 10
    assert table.to_pandas_dataframe()["id"].tolist() == [6, 7, 8, 9]


def test_take_and_skip_merge(big_csv):
    table = mltable.from_delimited_files([{"file": str(big_csv)}]).skip(2).skip(3).take(10).take(4)
    assert table.to_pandas_dataframe()["id"].tolist() == [5, 6, 7, 8]
    assert optimize(table._plan).scan.limit == 9


def test_outputs_agree(big_csv):
    table = mltable.from_delimited_files([{"file": str(big_csv)}]).filter("id < 100").take_random_sample(0.5, 3)
    df = table.to_pandas_dataframe()
    arrow = table.to_arrow()
    polars = table.to_polars()
    assert isinstance(arrow, pa.Table) and isinstance(polars, pl.DataFrame)
    assert arrow.column_names == list(df.columns) == polars.columns
    pd.testing.assert_frame_equal(arrow.to_pandas(), df, check_dtype=False)
    assert polars.get_column("id").to_list() == df["id"].tolist()


def test_random_split_halves_are_complements(big_csv):
    table = mltable.from_delimited_files([{"file": str(big_csv)}]).take(5000)
    a, b = table.random_split(0.3, seed=7)
    ids_a = set(a.to_pandas_dataframe()["id"])
    ids_b = set(b.to_pandas_dataframe()["id"])
    assert not ids_a & ids_b and len(ids_a | ids_b) == 5000
    assert ids_a == set(table.take_random_sample(0.3, seed=7).to_pandas_dataframe()["id"])


def test_parquet_filter_prunes_row_groups(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"k": list(range(10_000)), "v": ["x"] * 10_000}), path, row_group_size=1000)
    table = mltable.from_parquet_files([{"file": str(path)}]).filter("k >= 9500").keep_columns(["k"])
    df = table.to_pandas_dataframe()
    assert df["k"].tolist() == list(range(9500, 10_000))
    assert optimize(table._plan).scan.columns == ("k",)


def test_parquet_sample_drawn_while_reading_matches_engine_sampling(tmp_path):
    import pyarrow.parquet as pq

    for i in range(3):
        pq.write_table(pa.table({"k": list(range(i * 5000, (i + 1) * 5000))}), tmp_path / f"p{i}.parquet",
                       row_group_size=1500)
    table = mltable.from_parquet_files([{"folder": str(tmp_path)}])
    pushed = table.take_random_sample(0.2, seed=11)
    assert optimize(pushed._plan).scan.sample == (11, 0.2, 0.0)
    in_engine = table.take(10**9).take_random_sample(0.2, seed=11)  # take keeps the sample in the engine
    assert optimize(in_engine._plan).scan.sample is None
    assert sorted(pushed.to_pandas_dataframe()["k"]) == sorted(in_engine.to_pandas_dataframe()["k"])
    a, b = table.random_split(0.3, seed=5)
    ka, kb = set(a.to_pandas_dataframe()["k"]), set(b.to_pandas_dataframe()["k"])
    assert not ka & kb and len(ka | kb) == 15000


@pytest.mark.parametrize("text, streamed", [
    ("a,b\n1,x\n2,y\n3,x\n4,\n", True),     # plain: polars streams the file, filtering as it goes
    ("a,b\n1,x\n\n2,y\n3,x\n", False),       # a blank line: the exact parser decides
    ('a,b\n1,"x\ny"\n2,y\n3,x\n', False),     # a quoted line break: mltable ends the record there
])
def test_filtered_csv_read_matches_filtering_the_whole_read(tmp_path, monkeypatch, text, streamed):
    from tablekit.engine import delimited

    path = tmp_path / "t.csv"
    path.write_text(text)
    table = mltable.from_delimited_files([{"file": str(path)}])
    whole = table.to_pandas_dataframe()
    kept = []
    read_typed = delimited.read_typed

    def spy(*args, **kwargs):
        frame = read_typed(*args, **kwargs)
        kept.append(kwargs.get("keep") is not None and frame is not None)
        return frame
    monkeypatch.setattr(delimited, "read_typed", spy)
    filtered = table.filter("col('b') == 'x'").to_pandas_dataframe()
    pd.testing.assert_frame_equal(filtered, whole[whole["b"] == "x"].reset_index(drop=True))
    assert kept == [streamed]


def test_lines_are_not_counted_when_records_may_span_lines(tmp_path, monkeypatch):
    from tablekit.engine import delimited

    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\ny"\n2,z\n')

    def no_count(file):
        raise AssertionError("the line count is only needed without support_multi_line")
    monkeypatch.setattr(delimited, "count_lines", no_count)
    table = mltable.from_delimited_files([{"file": str(path)}], support_multi_line=True)
    assert table.to_pandas_dataframe()["b"].tolist() == ["x\ny", "z"]
    assert table.filter("col('a') > 1").to_pandas_dataframe()["b"].tolist() == ["z"]


def test_parquet_sample_read_in_runs_of_row_groups(tmp_path, monkeypatch):
    """However the row groups are grouped into reads, the sample, its partitions and its paths are the same."""
    import pyarrow.parquet as pq
    from tablekit.engine import parquet

    for i in range(3):
        pq.write_table(pa.table({"k": list(range(i * 5000, (i + 1) * 5000)), "s": [f"v{n}" for n in range(5000)]}),
                       tmp_path / f"p{i}.parquet", row_group_size=1500)
    table = mltable.from_parquet_files([{"folder": str(tmp_path)}], include_path_column=True)
    tables = {
        "all": table.take_random_sample(0.2, seed=3),
        "kept": table.take_random_sample(0.05, seed=3).keep_columns(["k"]),
        "partitions": table.select_partitions([1, 4, 9]).take_random_sample(0.3, seed=3),
        "filtered": table.take_random_sample(0.3, seed=3).filter("k > 7000").drop_columns(["Path"]),
    }
    whole = {name: t.to_pandas_dataframe() for name, t in tables.items()}
    monkeypatch.setattr(parquet, "SAMPLE_CHUNK_ROWS", 2000)  # runs of two row groups (3000 rows)
    for name, t in tables.items():
        pd.testing.assert_frame_equal(t.to_pandas_dataframe(), whole[name])
    assert whole["kept"].columns.tolist() == ["k"] and 0 < len(whole["kept"]) < 2000
    ranges = [range(1500, 3000), range(5000, 6500), range(11500, 13000)]  # partitions 1, 4 and 9
    assert all(any(k in r for r in ranges) for k in whole["partitions"]["k"])


def test_compact_strings_frees_the_decoded_buffers():
    from tablekit.engine.parquet import compact_strings

    decoded = pl.DataFrame({"s": [f"some longer text {n:08d}" for n in range(100_000)], "n": range(100_000)})
    picked = decoded[[5, 50_000, 99_999]]

    def buffer_bytes(frame):  # the string views' data buffers
        return frame["s"].rechunk().to_arrow(compat_level=pl.CompatLevel.newest()).get_total_buffer_size()

    compact = compact_strings(picked)
    assert compact.equals(picked)
    assert buffer_bytes(compact) < 1000 < buffer_bytes(picked)


@pytest.mark.parametrize("text, lines", [("a\n1\n", 2), ("a\n1", 2), ("a\r\n1\r\n\r\n", 3), ("x", 1)])
def test_count_lines(tmp_path, text, lines):
    from tablekit.engine.delimited import count_lines
    from tablekit.sources import resolve_paths
    from tablekit.plan.nodes import PathEntry

    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    file, = resolve_paths([PathEntry("file", str(path))], str(tmp_path))
    assert count_lines(file) == lines


# -- misspelled columns: mltable's result, and a warning naming the nearest columns --------

@pytest.mark.parametrize("plan, near", [
    (lambda t: t.filter("regoin == 'north'"), "region"),
    (lambda t: t.drop_columns(["ammount"]), "amount"),
    (lambda t: t.convert_column_types({"ammount": mltable.DataType.to_float()}), "amount"),
    (lambda t: t.keep_columns(["order_id", "ammount"]), None),  # only the columns kept are read
])
def test_a_misspelled_column_warns_and_keeps_mltables_result(tmp_path, plan, near):
    path = tmp_path / "m.csv"
    path.write_text("order_id,amount,region\n1,5,north\n2,7,south\n")
    table = plan(mltable.from_delimited_files([{"file": str(path)}]))
    with pytest.warns(mltable.UnknownColumnWarning) as caught:
        frame = table.to_pandas_dataframe()
    message = str(caught[0].message)
    assert "which the table does not have" in message
    if near:
        assert f"Did you mean '{near}'?" in message
    assert issubclass(mltable.UnknownColumnWarning, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plan naming only real columns warns nothing
        mltable.from_delimited_files([{"file": str(path)}]).filter("region == 'north'").keep_columns(
            ["amount"]).to_pandas_dataframe()
    assert frame is not None
