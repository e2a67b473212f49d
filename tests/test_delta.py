"""Delta Lake tables beyond the recorded differential cases (tests/differential/cases/delta.py):
file skipping by statistics, the statistics rules, timestamp parsing, and failure modes."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import tablekit as mltable
from tablekit.engine import delta, file_statistics, parquet
from tablekit.errors import ExecutionError
from tablekit.expr import parse_filter

DATA = Path(__file__).parent / "data"
PARTITIONED = str(DATA / "delta" / "partitioned")
HISTORY = str(DATA / "delta" / "history")
PARTITIONED_FILES = str(DATA / "delta" / "partitioned" / "*" / "*.parquet")


@pytest.fixture
def reads(monkeypatch):
    """Records the files whose data polars scans and the files whose footer is read."""
    seen = {"data": [], "footers": []}
    scan_parquet, read_layout = pl.scan_parquet, parquet.read_layout

    def recording_scan(source, *args, **kwargs):
        seen["data"].extend([source] if isinstance(source, (str, os.PathLike)) else source)
        return scan_parquet(source, *args, **kwargs)

    def recording_layout(file, first_partition):
        seen["footers"].append(file.path)
        return read_layout(file, first_partition)

    monkeypatch.setattr(parquet.pl, "scan_parquet", recording_scan)
    monkeypatch.setattr(parquet, "read_layout", recording_layout)
    return seen


def _folders(paths):
    return sorted(Path(p).parent.name for p in paths)


# -- file skipping ------------------------------------------------------------------

def test_filter_skips_files_ruled_out_by_statistics(reads):
    table = mltable.from_delta_lake(PARTITIONED).filter("id >= 10")
    assert table.to_pandas_dataframe()["id"].tolist() == [10, 11, 12]
    # only the file holding ids 10-12 is opened at all
    assert _folders(reads["data"]) == _folders(reads["footers"]) == ["region=__HIVE_DEFAULT_PARTITION__"]


def test_skipping_with_a_path_column_still_numbers_partitions(reads):
    table = mltable.from_delta_lake(PARTITIONED, include_path_column=True).filter("id == 5 or id == 8")
    frame = table.to_pandas_dataframe()
    assert frame["id"].tolist() == [8, 5]  # 'south east' sorts before 'west'
    assert frame["Path"].map(lambda p: Path(p).parent.name).tolist() == ["region=south%20east", "region=west"]
    assert len(reads["footers"]) == 4  # every footer, to number the row groups
    assert _folders(reads["data"]) == ["region=south%20east", "region=west"]


def test_skipped_files_still_give_their_columns(reads):
    """History v3: only the newest file has `extra`; skipping it keeps the column (null), typed as in a full read."""
    frame = mltable.from_delta_lake(HISTORY, version_as_of=3).filter("id < 12").to_pandas_dataframe()
    assert list(frame.columns) == ["id", "name", "score", "extra"] and frame["extra"].tolist() == [None, None]
    assert len(reads["data"]) == 1 and len(reads["footers"]) == 3  # kept file, then every footer for the columns


def test_skipping_never_changes_the_result(monkeypatch):
    pipelines = ["filter('id > 2 and id < 5')", "filter(\"label >= 'r11' or v < 2\")", "filter('v > 1000')",
                 "filter('id > 4').take_random_sample(0.5, seed=2)", "filter('id != 3').select_partitions([0, 5])",
                 "filter('id > 6').take(2)", "filter('startswith(label, \"r0\") and id > 7')",
                 "filter('id > 10').keep_columns(['label'])"]
    results = {p: eval(f"mltable.from_delta_lake(PARTITIONED).{p}").to_pandas_dataframe() for p in pipelines}
    monkeypatch.setattr(delta, "files_to_read", lambda table, predicate: [True] * len(table))
    for pipeline, frame in results.items():
        everything = eval(f"mltable.from_delta_lake(PARTITIONED).{pipeline}").to_pandas_dataframe()
        pd.testing.assert_frame_equal(frame, everything, obj=pipeline)


def test_a_delta_version_reads_like_its_files_as_parquet():
    """Files in path order, partitions = row groups: the same as from_parquet_files over a sorted pattern."""
    for tail in ["", ".take(5)", ".skip(3).filter('v > 4')", ".select_partitions([1, 6])",
                 ".take_random_sample(0.5, seed=7)", ".keep_columns(['label'])"]:
        as_delta = eval(f"mltable.from_delta_lake(PARTITIONED){tail}").to_pandas_dataframe()
        as_parquet = eval(f"mltable.from_parquet_files([{{'pattern': PARTITIONED_FILES}}]){tail}").to_pandas_dataframe()
        pd.testing.assert_frame_equal(as_delta, as_parquet, obj=tail)
    assert mltable.from_delta_lake(PARTITIONED).get_partition_count() == 8


def test_explain_shows_the_version_and_the_file_skipping():
    text = mltable.from_delta_lake(PARTITIONED, version_as_of=0).filter("id >= 10").keep_columns("label").explain()
    assert "Scan read_delta_lake" in text and "version: 0" in text and "predicate: id >= 10" in text
    assert "Delta statistics" in text and "their footers too" in text
    text = mltable.from_delta_lake(HISTORY, timestamp_as_of="2021-02-01T00:00:00Z").explain()
    assert "version: as of 2021-02-01T00:00:00Z" in text and "statistics" not in text


# -- the statistics rules --------------------------------------------------------------

STATS = pl.DataFrame({
    "num_records": [3, 3, 3],
    "min.n": [1, 10, None], "max.n": [3, 20, None], "null_count.n": [0, 1, 3],
    "min.f": [0.5, float("nan"), 1.0], "max.f": [1.5, float("nan"), 2.0], "null_count.f": [0, 0, 0],
    "min.s": ["a", "m", "x" * 40], "max.s": ["c", "p", "y" * 40], "null_count.s": [0, 0, 0],
})


def _kept(expression: str):
    return file_statistics.files_to_read(parse_filter(expression), STATS)


@pytest.mark.parametrize("expression, kept", [
    ("n > 5", [False, True, False]),          # file 3: only nulls
    ("n == 2", [True, False, False]),
    ("5 < n", [False, True, False]),          # literal on the left
    ("n <= 1", [True, False, False]),
    ("n >= 20", [False, True, False]),
    ("n < -1", [False, False, False]),
    ("n != 2", [True, True, False]),          # != is never ruled out (but all-null still is)
    ("n > 2.5", [True, True, False]),
    ("f > 1.6", [False, True, True]),         # a NaN bound is unknown
    ("s == 'b'", [True, False, False]),
    ("s > 'z'", [False, False, True]),        # a 40-character maximum may be cut short
    ("s < 'n'", [True, True, False]),
    ("n > 'a'", [True, True, True]),          # mixed types: ordered by type rank, never ruled out
    ("s == 5", [True, True, True]),
    ("n > 5 or s == 'b'", [True, True, False]),
    ("n > 5 and s == 'n'", [False, True, False]),
    ("unknown > 1", [True, True, True]),      # no statistics
    ("n > 100 and startswith(s, 'a')", [False, False, False]),
    ("startswith(s, 'a') and n > 100", [True, True, True]),  # the first operand may raise: evaluate it
    ("n / 0 > 1 or n > 100", [True, True, True]),
    ("n > 9007199254740993", [True, True, False]),  # beyond 2**53: compared as floats by tablekit
])
def test_statistics_rule_out_only_what_is_certain(expression, kept):
    assert _kept(expression) == kept


# -- time travel --------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2021-03-01T12:00:00Z", "2021-03-01T12:00:00+00:00"),
    ("2021-03-01T13:00:00+01:00", "2021-03-01T12:00:00+00:00"),
    ("2021-03-01t07:00:00.25-05:00", "2021-03-01T12:00:00.250+00:00"),
    ("2020-02-29T23:59:60z", "2020-03-01T00:00:00+00:00"),   # a leap second counts as the next second
    ("2021-03-01T12:00:00.123456789123Z", "2021-03-01T12:00:00.123+00:00"),
])
def test_timestamps_parse_as_rfc3339(text, iso):
    assert delta.timestamp_millis(text) == int(pd.Timestamp(iso).timestamp() * 1000)


def test_year_zero_is_a_leap_year_before_the_epoch():
    assert delta.timestamp_millis("0000-03-01T00:00:00Z") - delta.timestamp_millis("0000-02-28T00:00:00Z") \
        == 2 * 86_400_000
    assert delta.timestamp_millis("1970-01-01T00:00:00Z") == 0


@pytest.mark.parametrize("text, reason", [
    ("", "premature end of input"), ("2021-03-01", "premature end of input"),
    ("2021-03-01T12:00:00", "premature end of input"), ("2021-03-01T12:00:00+01", "premature end of input"),
    ("2021-03-01T12:00:00Z\n", "trailing input"), ("2021-02-29T00:00:00Z", "input is out of range"),
    ("2021-13-01T00:00:00Z", "input is out of range"), ("2021-01-01T00:00:00+24:00", "input is out of range"),
    ("2021-01-01X00:00:00Z", "invalid characters"),
])
def test_bad_timestamps_fail_as_in_mltable(text, reason):
    with pytest.raises(ExecutionError) as info:
        delta.timestamp_millis(text)
    assert info.value.error_code == "ScriptExecution.Unexpected" and reason in info.value.message


def test_time_travel_ignores_file_modification_times(tmp_path):
    """mltable uses the times written in the log, so a fresh clone (new mtimes) reads the same versions."""
    copy = tmp_path / "history"
    shutil.copytree(HISTORY, copy)
    now = time.time()
    for path in copy.rglob("*"):
        os.utime(path, (now, now))
    table = mltable.from_delta_lake(str(copy), timestamp_as_of="2021-02-15T00:00:00Z")
    assert sorted(table.to_pandas_dataframe()["id"]) == [1, 2, 3, 4, 5]


# -- failures -------------------------------------------------------------------------------

def test_a_missing_data_file_is_not_found(tmp_path):
    copy = tmp_path / "history"
    shutil.copytree(HISTORY, copy)
    commit = json.loads((copy / "_delta_log" / "00000000000000000006.json").read_text().splitlines()[-1])
    (copy / commit["add"]["path"]).unlink()
    with pytest.raises(mltable.UserErrorException) as info:
        mltable.from_delta_lake(str(copy)).to_pandas_dataframe()
    assert info.value.error_code == "ScriptExecution.StreamAccess.NotFound"


def test_reader_features_that_change_the_files_are_refused(tmp_path):
    copy = tmp_path / "types"
    shutil.copytree(DATA / "delta" / "types", copy)
    log = copy / "_delta_log" / "00000000000000000000.json"
    log.write_text(log.read_text().replace('Features":["timestampNtz"]', 'Features":["deletionVectors","timestampNtz"]'))
    with pytest.raises(mltable.UserErrorException) as info:
        mltable.from_delta_lake(str(copy)).to_pandas_dataframe()
    assert info.value.error_code == "ScriptExecution.Unexpected" and "deletionVectors" in info.value.message


def test_without_deltalake_from_delta_lake_says_what_to_install(monkeypatch):
    monkeypatch.setattr(delta, "deltalake_installed", lambda: False)
    with pytest.raises(mltable.UserErrorException) as info:
        mltable.from_delta_lake(HISTORY)
    assert info.value.error_code == "UserError" and "pip install 'tablekit[delta]'" in info.value.message
