"""extract_columns_from_partition_format beyond the recorded differential cases: the
format parser, file pruning (which files are opened, explain), and pruning never
changing a result (hypothesis, against the same plan without the pruning rule)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tablekit as mltable
import tablekit.optimizer as optimizer
from tablekit.engine import delimited, jsonl, parquet
from tablekit.errors import MLTableError, UserErrorException
from tablekit.optimizer.prune_partition_files import file_filter, prune_partition_files
from tablekit.plan.partition_format import mltable_partition_keys, parse_partition_format

DATA = Path(__file__).parent / "data" / "partition"
HIVE = [{"pattern": str(DATA / "hive" / "*" / "*" / "*.parquet")}]
TREE = [{"pattern": str(DATA / "tree" / "*" / "*" / "*" / "*.csv")}]
JSONL = [{"pattern": str(DATA / "jsonl" / "*" / "*.jsonl")}]


# -- the format ------------------------------------------------------------------------

def test_format_is_searched_in_the_path():
    found = parse_partition_format("/year={year}/{d:yyyy-MM}-{x}.csv")
    assert found.columns == ("year", "x", "d")  # string keys, then the date column
    values = found.values("/data/year=2021/2021-03-a.b.csv")
    assert values.values == {"year": "2021", "x": "a.b", "d": dt.datetime(2021, 3, 1)} and not values.errors


def test_values_and_errors():
    found = parse_partition_format("/year={year}/{d:yyyy/MM/dd}/")
    assert found.columns == ("year", "d")
    good = found.values("/x/year=a.b/2021/02/28/f.csv")
    assert good.values == {"year": "a.b", "d": dt.datetime(2021, 2, 28)} and not good.errors
    bad_date = found.values("/x/year=a/2021/02/30/f.csv")
    assert bad_date.values["d"] is None and bad_date.errors == {"d"} and bad_date.values["year"] == "a"
    unmatched = found.values("/x/2021/f.csv")
    assert unmatched.errors == {"year", "d"} and set(unmatched.values.values()) == {None}


@pytest.mark.parametrize("text, phrase", [
    ("", "requires at least one part"),
    ("/{}/", "Name is required"),
    ("/{d:}/", "Date format string is required"),
    ("/{a/", "extra brackets"),
    ("/a}/{b}", "extra brackets"),
    ("/{d:MM}/", "Year (yyyy) must be present"),
    ("/{d:yyyy}/{e:MM}/", "Only single date"),
    ("{{x}}/{a}", "InvalidRegexPattern"),
])
def test_invalid_formats_fail_when_read(text, phrase):
    with pytest.raises(UserErrorException, match=None) as caught:
        parse_partition_format(text)
    assert phrase in caught.value.message and caught.value.error_code == "ScriptExecution.Validation"
    table = mltable.from_parquet_files(HIVE).extract_columns_from_partition_format(text)  # accepted when added
    with pytest.raises(UserErrorException):
        table.to_pandas_dataframe()


def test_partition_keys_follow_mltables_own_parser():
    assert mltable_partition_keys("/{a}/{d:yyyy/MM}/{b}/{a}") == ["a", "b", "d"]
    assert mltable_partition_keys("{{x}}/{a}") == ["a"]
    with pytest.raises(NameError, match="Year"):
        mltable_partition_keys("/{d:MM}/")


# -- pruning: which files are opened ---------------------------------------------------------

@pytest.fixture
def keyed_parquet(tmp_path):
    """key=0..9, one parquet file each; keys 5..9 hold garbage that fails any read."""
    for key in range(10):
        path = tmp_path / f"key={key}" / "part.parquet"
        path.parent.mkdir()
        if key < 5:
            pq.write_table(pa.table({"id": [key * 10, key * 10 + 1], "x": [0.5, 1.5]}), path)
        else:
            path.write_bytes(b"not a parquet file")
    return tmp_path


@pytest.fixture
def opened(monkeypatch):
    """The paths each reader opens (parquet footers, delimited and JSON-lines files)."""
    seen = []

    def spy(module, name, path_of):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            seen.append(path_of(*args))
            return original(*args, **kwargs)
        monkeypatch.setattr(module, name, wrapper)

    spy(parquet, "read_layout", lambda file, *_: file.path)
    spy(delimited, "read_raw", lambda file, *_: file.path)
    spy(jsonl, "read_file", lambda file, *_: file.path)
    spy(jsonl, "read_file_speculatively", lambda file, *_: file.path)  # to_pandas_dataframe reads this way
    return seen


def _keyed(folder):
    return (mltable.from_parquet_files([{"pattern": str(folder / "*" / "*.parquet")}])
            .extract_columns_from_partition_format("/key={key}/"))


def test_pruned_files_are_never_opened(keyed_parquet, opened):
    table = _keyed(keyed_parquet).filter("key == '3' and x > 1")
    df = table.to_pandas_dataframe()
    assert df.to_dict("list") == {"id": [31], "x": [1.5], "key": ["3"]}
    assert [Path(p).parent.name for p in opened] == ["key=3"]
    with pytest.raises(UserErrorException, match="Invalid Parquet file"):
        _keyed(keyed_parquet).filter("x > 1").to_pandas_dataframe()  # without pruning the garbage is read


def test_explain_shows_pruning(keyed_parquet, opened):
    text = _keyed(keyed_parquet).filter("key <= '1' or key == '4'").explain()
    assert "partition format: /key={key}/" in text
    assert "files: 3 of 10 after partition pruning" in text
    assert sorted(Path(p).parent.name for p in opened) == ["key=0", "key=1", "key=4"]  # footers, for row groups


def test_only_partition_operands_before_a_failing_one_prune(keyed_parquet):
    columns = frozenset({"key"})
    assert file_filter("key == '3' and x > 1", columns) == 'key == "3"'
    assert file_filter("x > 1 and key == '3'", columns) == 'key == "3"'  # x > 1 cannot fail
    assert file_filter("x / 0 > 1 and key == '3'", columns) is None      # could fail on rows of other files
    assert file_filter("key == '3' or x > 1", columns) is None
    # x / 0 fails on the rows it reaches: the same error with and without pruning
    with pytest.raises(MLTableError) as caught:
        _keyed(keyed_parquet).filter("key < '5' and x / 0 > 1").to_pandas_dataframe()
    assert caught.value.error_code == "ScriptExecution.Transformation.Unexpected"


def test_no_pruning_where_partition_numbers_matter(keyed_parquet):
    sampled = _keyed(keyed_parquet).filter("key == '3'").take_random_sample(0.5, seed=1)
    with pytest.raises(UserErrorException, match="Invalid Parquet file"):
        sampled.to_pandas_dataframe()  # every file read: row groups are numbered over all of them


def test_delimited_opens_the_inference_sample_then_the_survivors(opened):
    table = (mltable.from_delimited_files(TREE, infer_column_types={"sample_size": 2})  # the first file's rows
             .extract_columns_from_partition_format("/{year}/{month}/{day}/data.csv"))
    df = table.filter("year == 2021 and month == 2").to_pandas_dataframe()
    assert df["id"].tolist() == [202102, 2]
    files = ["/".join(Path(p).parts[-4:-1]) for p in opened]
    assert files == ["2020/01/03", "2021/02/03"]  # the first file fixes the types (ints), then 2021/02 only
    assert "files: 2 of 4 after partition pruning" in table.filter("year == 2021 and month == 2").explain()


def test_json_lines_and_from_paths_prune(opened):
    table = mltable.from_json_lines_files(JSONL).extract_columns_from_partition_format("/k={k}/")
    assert table.filter("k == '2'").to_pandas_dataframe()["id"].tolist() == [2]
    assert [Path(p).parent.name for p in opened] == ["k=2"]
    files = mltable.from_paths(JSONL).extract_columns_from_partition_format("/k={k}/")
    assert [str(p) for p in files.filter("k == '1'").to_pandas_dataframe()["Path"]][0].endswith("a.jsonl")


# -- pruning never changes a result ---------------------------------------------------------------

_COLUMNS = {
    "parquet": ("year", "month", "id", "v", "nope"),
    "delimited": ("year", "month", "day", "id", "v", "nope"),
}
_LITERALS = st.sampled_from(["'2020'", "'2021'", "'02'", "2021", "2", "202101", "None", "True", "'x'"])


def _comparisons(columns):
    return st.builds(lambda c, op, lit: f"{c} {op} {lit}", st.sampled_from(columns),
                     st.sampled_from(["==", "!=", "<", ">="]), _LITERALS)


def _operands(columns):
    extra = st.sampled_from([f"startswith({columns[1]}, '0')", "id / 0 > 1", f"not ({columns[0]} == '2020')",
                             f"{columns[0]}", "id + 1 > 202100"])
    return _comparisons(columns) | extra


def _filters(columns):
    return st.recursive(_operands(columns),
                        lambda inner: st.builds(lambda a, op, b: f"({a}) {op} ({b})", inner,
                                                st.sampled_from(["and", "or"]), inner),
                        max_leaves=4)


def _outcome(table):
    try:
        return table.to_pandas_dataframe()
    except MLTableError as exc:
        return (type(exc).__name__, exc.error_code)


def _same(pruned, unpruned):
    if isinstance(pruned, pd.DataFrame) and isinstance(unpruned, pd.DataFrame):
        pd.testing.assert_frame_equal(pruned, unpruned)
    else:
        assert not isinstance(pruned, pd.DataFrame) and not isinstance(unpruned, pd.DataFrame), (pruned, unpruned)
        assert pruned == unpruned


def _unpruned(monkeypatch):
    monkeypatch.setattr(optimizer, "RULES", tuple(r for r in optimizer.RULES if r is not prune_partition_files))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=_filters(_COLUMNS["parquet"]), keep=st.booleans())
def test_pruning_keeps_parquet_results(monkeypatch, expression, keep):
    table = (mltable.from_parquet_files(HIVE).extract_columns_from_partition_format("/year={year}/month={month}/")
             .filter(expression))
    if keep:
        table = table.keep_columns(["id", "month"])
    pruned = _outcome(table)
    with monkeypatch.context() as patch:
        _unpruned(patch)
        _same(pruned, _outcome(table))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=_filters(_COLUMNS["delimited"]))
def test_pruning_keeps_delimited_results(monkeypatch, expression):
    table = (mltable.from_delimited_files(TREE, infer_column_types={"sample_size": 2})
             .extract_columns_from_partition_format("/{year}/{month}/{day}/data.csv").filter(expression))
    pruned = _outcome(table)
    with monkeypatch.context() as patch:
        _unpruned(patch)
        _same(pruned, _outcome(table))
