"""Parquet reading beyond the recorded differential cases: row groups as
partitions, pandas dtypes on plain reads and after rslex steps, bad files."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tablekit as mltable
from tablekit.errors import UserErrorException
from tablekit.outputs.pandas import dates_to_objects

DATA = Path(__file__).parent / "data" / "parquet"
ROWGROUPS = str(DATA / "rowgroups.parquet")  # ids 0..9 in row groups of 3, 3, 3, 1
MULTI = [str(DATA / "multi" / "part-0.parquet"), str(DATA / "multi" / "part-1.parquet")]  # 1 + 2 row groups


def _table(*paths: str):
    return mltable.from_parquet_files([{"file": p} for p in paths])


def _ids(frame: pd.DataFrame) -> list:
    return frame["id"].tolist()


@pytest.fixture
def typed_file(tmp_path):
    """Three rows of the types whose conversion differs between plain reads and rslex steps."""
    path = tmp_path / "typed.parquet"
    utc = dt.timezone.utc
    pq.write_table(pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "i8_null": pa.array([1, None, 3], pa.int8()),
        "u64": pa.array([2 ** 64 - 1, 0, 1], pa.uint64()),
        "f32": pa.array([1.5, None, 2.5], pa.float32()),
        "day": pa.array([dt.date(2021, 1, 2), None, dt.date(1999, 12, 31)], pa.date32()),
        "ts_ms": pa.array([dt.datetime(2021, 1, 2, 3, 4, 5), None, dt.datetime(2000, 1, 1)], pa.timestamp("ms")),
        "berlin": pa.array([dt.datetime(2021, 6, 1, tzinfo=utc), None, dt.datetime(2021, 1, 1, tzinfo=utc)],
                           pa.timestamp("us", tz="Europe/Berlin")),
        "lst": pa.array([[1, 2], None, []], pa.list_(pa.int64())),
    }), path)
    return str(path)


# -- partitions are row groups --------------------------------------------------------

def test_partition_count_is_row_groups_over_all_files():
    assert _table(ROWGROUPS).get_partition_count() == 4
    assert _table(*MULTI).get_partition_count() == 3


def test_select_partitions_reads_row_groups_in_file_order_once():
    assert _ids(_table(ROWGROUPS).select_partitions([3, 1, 3]).to_pandas_dataframe()) == [3, 4, 5, 9]
    assert _ids(_table(*MULTI).select_partitions([2, 0]).to_pandas_dataframe()) == [1, 2, 5]


def test_select_partitions_after_another_step_uses_row_groups():
    # not pushed into the scan: the rows' hidden partition column decides
    frame = _table(ROWGROUPS).take(8).select_partitions([1, 2]).to_pandas_dataframe()
    assert _ids(frame) == [3, 4, 5, 6, 7]


def test_rows_keep_their_row_group_through_a_pushed_filter():
    frame = _table(ROWGROUPS).filter("id > 4").select_partitions([1, 2]).to_pandas_dataframe()
    assert _ids(frame) == [5, 6, 7, 8]


def test_select_partitions_out_of_range():
    with pytest.raises(UserErrorException) as err:
        _table(ROWGROUPS).select_partitions([4]).to_pandas_dataframe()
    assert err.value.error_code == "ScriptExecution.Validation"
    assert 'Invalid argument "partitions". Expected "< 4", Actual 4' in err.value.message


@pytest.mark.parametrize("table", [_table(ROWGROUPS).select_partitions([-1]),
                                   _table(ROWGROUPS).take(5).select_partitions([0, -2])])
def test_select_partitions_negative(table):
    with pytest.raises(UserErrorException) as err:
        table.to_pandas_dataframe()
    assert err.value.error_code == "ScriptExecution.Validation"


def test_path_column_with_selected_row_groups():
    frame = mltable.from_parquet_files([{"file": p} for p in MULTI], include_path_column=True) \
        .select_partitions([2]).to_pandas_dataframe()
    assert frame.columns.tolist() == ["Path", "id", "v"]
    assert frame["Path"].tolist() == [MULTI[1]]
    assert _ids(frame) == [5]


# -- files --------------------------------------------------------------------------

@pytest.mark.parametrize("use", [lambda t: t.to_pandas_dataframe(), lambda t: t.take(1).to_pandas_dataframe(),
                                 lambda t: t.get_partition_count()])
def test_not_parquet(tmp_path, use):
    bad = tmp_path / "bad.parquet"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(UserErrorException) as err:
        use(_table(ROWGROUPS, str(bad)))
    assert err.value.error_code == "ScriptExecution.StreamAccess.Unexpected"
    assert "Invalid Parquet file" in err.value.message


def test_corrupt_footer_is_invalid_parquet(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 32 + b"PAR1")
    with pytest.raises(UserErrorException, match="Invalid Parquet file"):
        _table(str(bad)).to_pandas_dataframe()


def test_columns_union_in_first_seen_order():
    frame = _table(str(DATA / "multi_schema" / "p1.parquet"), str(DATA / "multi_schema" / "p0.parquet")) \
        .to_pandas_dataframe()
    assert frame.columns.tolist() == ["b", "c", "a"]


def test_empty_file_has_no_columns():
    assert _table(str(DATA / "empty.parquet")).to_pandas_dataframe().shape == (0, 0)


# -- pandas types: plain reads --------------------------------------------------------

def test_plain_read_gives_pyarrows_types(typed_file):
    frame = _table(typed_file).to_pandas_dataframe()
    expected = pq.read_table(typed_file).to_pandas()
    assert frame.dtypes.astype(str).tolist() == expected.dtypes.astype(str).tolist()
    assert str(frame["i8_null"].dtype) == "float64"
    assert str(frame["ts_ms"].dtype) == "datetime64[ms]"
    assert str(frame["berlin"].dtype) == "datetime64[us, Europe/Berlin]"
    assert frame["day"].tolist() == [dt.date(2021, 1, 2), None, dt.date(1999, 12, 31)]
    assert isinstance(frame["lst"][0], np.ndarray)
    assert frame["u64"][0] == 2 ** 64 - 1


def test_keep_columns_keeps_the_plain_types(typed_file):
    frame = _table(typed_file).keep_columns(["u64", "day"]).to_pandas_dataframe()
    assert frame.dtypes.astype(str).tolist() == ["uint64", "object"]


# -- pandas types: after take/skip/filter/convert (mltable's value model) ---------------

def test_take_gives_the_value_model(typed_file):
    frame = _table(typed_file).take(3).to_pandas_dataframe()
    dtypes = dict(zip(frame.columns, frame.dtypes.astype(str)))
    assert dtypes == {"id": "int64", "i8_null": "float64", "u64": "uint64", "f32": "float64",
                      "day": "datetime64[ns]", "ts_ms": "datetime64[ns]", "berlin": "datetime64[ns]",
                      "lst": "object"}
    assert frame["u64"][0] == 2 ** 64 - 1  # exact, where mltable wraps to -1
    # zoned times are UTC wall time, summer and winter alike
    assert frame["berlin"].tolist()[::2] == [pd.Timestamp("2021-06-01"), pd.Timestamp("2021-01-01")]


def test_skip_narrows_uint64_and_drops_nulls_types(typed_file):
    frame = _table(typed_file).skip(1).to_pandas_dataframe()
    assert str(frame["u64"].dtype) == "int64"  # every value fits
    one = _table(typed_file).skip(1).take(1).to_pandas_dataframe()
    assert one["i8_null"].tolist() == [None] and one["i8_null"].dtype == object  # nothing but nulls


def test_converted_column_loses_its_file_type(typed_file):
    table = _table(typed_file).convert_column_types({"id": "float"})
    assert str(table.to_pandas_dataframe()["id"].dtype) == "float64"
    assert table.to_arrow().schema.field("id").type == pa.float64()
    assert table.to_arrow().schema.field("u64").type == pa.uint64()


def test_out_of_range_timestamps_become_nat(tmp_path):
    path = tmp_path / "far.parquet"
    pq.write_table(pa.table({"t": pa.array([dt.datetime(3000, 1, 1), dt.datetime(2000, 1, 1)],
                                            pa.timestamp("us"))}), path)
    frame = _table(str(path)).take(2).to_pandas_dataframe()
    assert frame["t"].isna().tolist() == [True, False]


# -- dates as objects ---------------------------------------------------------------

def test_dates_to_objects_shares_each_day():
    series = pl.Series([dt.date(2020, 1, 1), None, dt.date(2020, 1, 3), dt.date(2020, 1, 1)])
    objects = dates_to_objects(series)
    assert objects.tolist() == [dt.date(2020, 1, 1), None, dt.date(2020, 1, 3), dt.date(2020, 1, 1)]
    assert objects[0] is objects[3]


def test_dates_to_objects_spread_out_and_empty():
    spread = pl.Series([dt.date(1, 1, 1), dt.date(9999, 12, 31)])
    assert dates_to_objects(spread).tolist() == [dt.date(1, 1, 1), dt.date(9999, 12, 31)]
    assert dates_to_objects(pl.Series([None, None], dtype=pl.Date)).tolist() == [None, None]


# -- corrupt files: tablekit's errors only, whatever the plan ----------------------------

_SOUND = pa.table({"i": list(range(600)), "s": [f"v{i}" for i in range(600)], "f": [i / 3 for i in range(600)]})
_PLANS = {
    "whole": lambda t: t.to_pandas_dataframe(),
    "skip_take": lambda t: t.skip(10).take(5).to_pandas_dataframe(),
    "sample": lambda t: t.take_random_sample(0.5, seed=1).to_pandas_dataframe(),
    "filter": lambda t: t.filter("col('i') > 5").to_arrow(),
    "batches": lambda t: list(t.to_batches()),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0.0, 1.0, exclude_max=True), bit=st.integers(0, 7), plan=st.sampled_from(sorted(_PLANS)))
def test_a_flipped_bit_reads_or_fails_with_an_error_code(tmp_path_factory, where, bit, plan):
    """recorded: parquet.corrupt_page, parquet.corrupt_strings (ExecutionError, WriteStreams.Unexpected)"""
    from tablekit.errors import MLTableError
    folder = tmp_path_factory.mktemp("flip")
    pq.write_table(_SOUND, folder / "sound.parquet", row_group_size=200)
    data = bytearray((folder / "sound.parquet").read_bytes())
    at = 4 + int(where * (len(data) - 12))  # past the leading magic, before the trailing footer length
    data[at] ^= 1 << bit
    (folder / "flipped.parquet").write_bytes(bytes(data))
    try:
        _PLANS[plan](mltable.from_parquet_files([{"file": str(folder / "flipped.parquet")}]))
    except MLTableError as error:
        assert error.error_code and error.message
