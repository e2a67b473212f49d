"""to_dask_dataframe() on a real dask.distributed LocalCluster (2 worker processes, 1 thread each):
every table computes to exactly its to_pandas_dataframe(), with one Dask partition per
partition of the table (parquet row group, delimited or JSON-lines file, block of a large
delimited file)."""
from __future__ import annotations

import datetime
import json
import sys

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tablekit as mltable
from tablekit.errors import UserErrorException

from tests.servers import ACCOUNT_KEY

distributed = pytest.importorskip("distributed")

ROWS_PER_FILE = 120
FILES = 3
ROW_GROUP_ROWS = 50  # 120 rows -> row groups of 50, 50, 20


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


def _rows(file: int) -> pl.DataFrame:
    rng = np.random.default_rng(file)
    ids = np.arange(file * ROWS_PER_FILE, (file + 1) * ROWS_PER_FILE)
    count = rng.integers(0, 100, ROWS_PER_FILE).astype(float)
    count[rng.random(ROWS_PER_FILE) < 0.1] = np.nan  # some missing values: int columns become float64
    return pl.DataFrame({
        "id": ids,
        "x": np.round(rng.random(ROWS_PER_FILE), 4),
        "category": [f"c{i % 5}" for i in ids],
        "flag": (ids % 3 == 0),
        "day": [datetime.date(2024, 1, 1) + datetime.timedelta(days=int(i % 300)) for i in ids],
        "count": pl.Series(count).cast(pl.Int64, strict=False),
    })


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A parquet folder (3 files x 3 row groups), a CSV folder and a JSON-lines folder of the same rows."""
    root = tmp_path_factory.mktemp("dask")
    for kind in ("parquet", "csv", "jsonl"):
        (root / kind).mkdir()
    for file in range(FILES):
        frame = _rows(file)
        pq.write_table(frame.to_arrow(), root / "parquet" / f"part-{file}.parquet", row_group_size=ROW_GROUP_ROWS)
        frame.write_csv(root / "csv" / f"part-{file}.csv")
        with open(root / "jsonl" / f"part-{file}.jsonl", "w") as out:
            for row in frame.with_columns(pl.col("day").cast(pl.String)).iter_rows(named=True):
                out.write(json.dumps(row) + "\n")
    return root


def _tables(root):
    return {
        "parquet": mltable.from_parquet_files([{"pattern": str(root / "parquet" / "*.parquet")}]),
        "csv": mltable.from_delimited_files([{"folder": str(root / "csv")}]),
        "jsonl": mltable.from_json_lines_files([{"folder": str(root / "jsonl")}]),
    }


PLANS = {
    "all": lambda t: t,
    "filter": lambda t: t.filter("col('x') > 0.3 and col('category') != 'c2'"),
    "keep_columns": lambda t: t.keep_columns(["id", "category", "count"]),
    "drop_columns": lambda t: t.drop_columns(["flag"]),
    "filter_keep": lambda t: t.filter("col('flag')").keep_columns(["id", "x"]),
    "convert": lambda t: t.convert_column_types({"id": mltable.DataType.to_float(),
                                                 "count": mltable.DataType.to_string()}),
    "sample": lambda t: t.take_random_sample(0.3, seed=7),
    "filter_sample": lambda t: t.filter("col('x') < 0.8").take_random_sample(0.5, seed=3),
    "split": lambda t: t.random_split(0.4, seed=11)[1],
    "take": lambda t: t.take(70),
    "skip": lambda t: t.skip(130),
    "skip_take": lambda t: t.skip(45).take(100),
    "filter_take_keep": lambda t: t.filter("col('count') > 20").take(90).keep_columns(["id", "count"]),
    "take_filter": lambda t: t.take(200).filter("col('category') == 'c1'"),
    "sample_take": lambda t: t.take_random_sample(0.6, seed=5).take(40),
    "select_partitions": lambda t: t.select_partitions([2, 0]),
}


def _computed(table) -> pd.DataFrame:
    return table.to_dask_dataframe().compute().reset_index(drop=True)


@pytest.mark.parametrize("plan", sorted(PLANS))
@pytest.mark.parametrize("kind", ["parquet", "csv", "jsonl"])
def test_equals_to_pandas_dataframe(client, data, kind, plan):
    table = PLANS[plan](_tables(data)[kind])
    expected = table.to_pandas_dataframe()
    assert len(expected) > 0
    pd.testing.assert_frame_equal(_computed(table), expected)


def test_one_dask_partition_per_table_partition(client, data):
    tables = _tables(data)
    assert tables["parquet"].to_dask_dataframe().npartitions == FILES * 3  # row groups
    assert tables["csv"].to_dask_dataframe().npartitions == FILES
    assert tables["jsonl"].to_dask_dataframe().npartitions == FILES
    assert tables["parquet"].select_partitions([1, 4]).to_dask_dataframe().npartitions == 2


def test_meta_has_the_dtypes_of_values_without_missing_ones(client, data):
    table = _tables(data)["parquet"]
    frame = table.to_dask_dataframe()
    assert list(frame.columns) == ["id", "x", "category", "flag", "day", "count"]
    assert frame.dtypes["id"] == np.int64 and pd.api.types.is_string_dtype(frame.dtypes["category"])
    assert frame.dtypes["count"] == np.int64  # computed: float64, as some counts are missing
    assert frame.compute().dtypes["count"] == np.float64 == table.to_pandas_dataframe().dtypes["count"]


def test_partitions_are_computed_on_the_workers(client, data):
    frame = _tables(data)["parquet"].filter("col('id') >= 100").to_dask_dataframe()
    lengths = frame.map_partitions(len).compute().tolist()
    assert lengths == [0, 0, 20, 50, 50, 20, 50, 50, 20]
    assert len(client.scheduler_info()["workers"]) == 2


def test_a_dask_frame_works_with_dask_operations(client, data):
    table = _tables(data)["csv"].filter("col('x') > 0.5")
    expected = table.to_pandas_dataframe()
    frame = table.to_dask_dataframe()
    assert frame["x"].sum().compute() == pytest.approx(expected["x"].sum())
    assert frame.groupby("category")["id"].count().compute().sort_index().to_dict() == \
        expected.groupby("category")["id"].count().to_dict()


def test_error_on_a_worker_reaches_the_client_with_its_code(client, tmp_path):
    lines = [json.dumps({"a": i}) for i in range(1500)] + ["not json"]
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    table = mltable.from_json_lines_files([{"file": str(tmp_path / "bad.jsonl")}])
    frame = table.to_dask_dataframe()  # the first lines are fine: the graph builds
    with pytest.raises(UserErrorException) as raised:
        frame.compute()
    with pytest.raises(UserErrorException) as expected:
        table.to_pandas_dataframe()
    assert raised.value.error_code == expected.value.error_code


def test_bad_steps_fail_when_the_frame_is_built(data):
    with pytest.raises(UserErrorException, match="no columns"):
        _tables(data)["parquet"].keep_columns(["nope"]).to_dask_dataframe()


def test_without_dask_a_clear_error(monkeypatch, data):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(UserErrorException, match=r"pip install 'tablekit\[dask\]'"):
        _tables(data)["parquet"].to_dask_dataframe()


def test_no_rows_keeps_the_columns(client, data):
    frame = _tables(data)["parquet"].filter("col('id') < 0").to_dask_dataframe().compute()
    assert frame.empty and list(frame.columns) == ["id", "x", "category", "flag", "day", "count"]


def test_parquet_files_with_different_columns_and_types(client, tmp_path):
    pq.write_table(pa.table({"a": pa.array([1, 2], pa.int32()), "b": ["x", "y"]}), tmp_path / "1.parquet")
    pq.write_table(pa.table({"a": pa.array([3, None], pa.int64()), "c": [1.5, 2.5]}), tmp_path / "2.parquet")
    table = mltable.from_parquet_files([{"folder": str(tmp_path)}])
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())
    filtered = table.filter("col('a') > 1")
    pd.testing.assert_frame_equal(_computed(filtered), filtered.to_pandas_dataframe())


def test_csv_header_modes(client, tmp_path):
    (tmp_path / "1.csv").write_text("a,b\n1,x\n2,y\n")
    (tmp_path / "2.csv").write_text("3,z\n4,w\n")
    table = mltable.from_delimited_files([{"folder": str(tmp_path)}], header="from_first_file")
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())
    (tmp_path / "2.csv").write_text("b,c\n3.5,z\n")
    table = mltable.from_delimited_files([{"folder": str(tmp_path)}], header="all_files_different_headers")
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())


def test_from_paths_is_one_partition(client, data):
    table = mltable.from_paths([{"folder": str(data / "csv")}])
    frame = table.to_dask_dataframe()
    assert frame.npartitions == 1
    pd.testing.assert_frame_equal(frame.compute(), table.to_pandas_dataframe())


def test_a_column_the_first_rows_do_not_show_is_an_error(client, tmp_path):
    lines = [json.dumps({"a": i}) for i in range(1200)] + [json.dumps({"a": 1, "late": 2})]
    (tmp_path / "late.jsonl").write_text("\n".join(lines) + "\n")
    frame = mltable.from_json_lines_files([{"file": str(tmp_path / "late.jsonl")}]).to_dask_dataframe()
    with pytest.raises(UserErrorException, match="late"):
        frame.compute()


# -- large delimited files: one Dask partition per partition_size bytes ---------------------

BLOCK_BYTES = 4096


def _blocked_table(folder, header="all_files_same_headers", extra=""):
    """A delimited table read with a small partition_size (an MLTable file sets it)."""
    (folder / "MLTable").write_text(
        f"paths:\n  - pattern: ./*.csv\ntransformations:\n  - read_delimited:\n"
        f"      header: {header}\n      partition_size: {BLOCK_BYTES}\n{extra}")
    return mltable.load(str(folder))


@pytest.fixture(scope="module")
def big_csv(data, tmp_path_factory):
    """Two CSV files of ~14 and ~20 KB (CRLF line ends in one, quoted commas in both)."""
    folder = tmp_path_factory.mktemp("blocks")
    for file in range(2):
        frame = pl.concat([_rows(file), _rows(file + 2)]).with_columns(
            (pl.lit("note, ") + pl.col("id").cast(pl.String)).alias("note"))
        text = frame.write_csv()
        if file == 1:
            text = text.replace("\n", "\r\n")
        (folder / f"big-{file}.csv").write_text(text)
    return folder


BLOCK_PLANS = {name: PLANS[name] for name in ("all", "filter", "convert", "sample", "filter_sample", "split",
                                                 "take", "skip_take", "sample_take")}
BLOCK_PLANS["select_partitions"] = lambda t: t.select_partitions([1]).take_random_sample(0.5, seed=4)  # a block
BLOCK_PLANS["take_select_partitions"] = lambda t: t.take(300).select_partitions([1])  # rows tagged by block


@pytest.mark.parametrize("plan", sorted(BLOCK_PLANS))
def test_large_files_are_split_into_blocks(client, big_csv, plan):
    table = BLOCK_PLANS[plan](_blocked_table(big_csv))
    expected = table.to_pandas_dataframe()
    frame = table.to_dask_dataframe()
    if "select_partitions" not in plan:
        assert frame.npartitions == _blocked_table(big_csv).get_partition_count() > 4  # as many as mltable counts
    pd.testing.assert_frame_equal(frame.compute().reset_index(drop=True), expected)


@pytest.mark.parametrize("header", ["from_first_file", "all_files_different_headers", "no_header"])
def test_blocks_keep_the_header_mode(client, big_csv, tmp_path, header):
    for file in sorted(big_csv.glob("*.csv")):
        text = file.read_text()
        if header == "from_first_file" and file.name != "big-0.csv":
            text = text.split("\n", 1)[1]
        if header == "all_files_different_headers" and file.name != "big-0.csv":
            text = text.replace("category", "kind", 1)
        (tmp_path / file.name).write_text(text)
    table = _blocked_table(tmp_path, header).take_random_sample(0.5, seed=2)
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())


def test_multi_line_records_keep_a_file_whole(client, big_csv):
    table = _blocked_table(big_csv, extra="      support_multi_line: true\n")
    assert table.to_dask_dataframe().npartitions == 2
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())


def test_files_on_a_web_server_are_read_by_the_workers(client, http_server):
    """The workers fetch the bytes themselves (only the file list and the types are sent to them)."""
    tables = [
        mltable.from_parquet_files([{"file": f"{http_server.url}/parquet/rowgroups.parquet"}]).filter("col('id') > 2"),
        mltable.from_delimited_files([{"file": f"{http_server.url}/transform/parts/p{i}.csv"} for i in range(3)])
        .take_random_sample(0.5, seed=1),
        mltable.from_json_lines_files([{"file": f"{http_server.url}/jsonl/multi/p{i}.jsonl"} for i in (1, 2)]),
    ]
    for table in tables:
        pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())


def test_files_in_azure_blob_storage_are_read_by_the_workers(client, azurite_env, wasbs_data, abfss_data):
    table = mltable.from_parquet_files([{"file": f"{wasbs_data}/parquet/rowgroups.parquet"}]).take_random_sample(
        0.6, seed=2)
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())
    options = {"account_key": ACCOUNT_KEY, "blob_endpoint": azurite_env.blob_endpoint}
    table = mltable.from_delimited_files([{"pattern": f"{abfss_data}/transform/parts/*.csv"}],
                                         storage_options=options).filter("col('id') > 1")
    pd.testing.assert_frame_equal(_computed(table), table.to_pandas_dataframe())


def test_parquet_sample_drawn_while_reading_with_path_column_and_take(client, data):
    table = mltable.from_parquet_files([{"pattern": str(data / "parquet" / "*.parquet")}], include_path_column=True)
    for plan in (table.take_random_sample(0.2, seed=9), table.keep_columns(["Path", "id"]).random_split(0.3, 4)[0],
                 table.take_random_sample(0.5, seed=1).take(60)):
        pd.testing.assert_frame_equal(_computed(plan), plan.to_pandas_dataframe())
