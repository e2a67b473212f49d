"""MLTable files beyond the recorded cases: save/load round trips of generated plans,
save's safety (staging, overwrite modes, never touching source data) and load's inputs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tablekit as mltable
from tablekit.errors import ErrorCode, MLTableError, UserErrorException

DATA = Path(__file__).resolve().parent / "data"
THIRTY = str(DATA / "transform" / "thirty.csv")
PARTS = str(DATA / "transform" / "parts")
COLUMNS = ["id", "name", "score", "flag", "when", "code"]

# -- generated plans -------------------------------------------------------------------------

_FILTERS = ["id > 4", "name == 'bob' or score >= 20", "not flag", "startswith(name, 'a')",
            "when >= datetime(2021, 1, 10)", "id % 3 == 1 and code != '004'"]
_TYPES = [mltable.DataType.to_string(), mltable.DataType.to_int(), mltable.DataType.to_float(),
          mltable.DataType.to_bool(), mltable.DataType.to_bool(["1", "true"], ["0", "false"], "false"),
          mltable.DataType.to_datetime("%Y-%m-%d"), mltable.DataType.to_datetime(["%Y-%m-%d", "%d/%m/%Y"], "2020-01-01")]

_columns = st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True)
_steps = st.one_of(
    st.builds(lambda e: ("filter", e), st.sampled_from(_FILTERS)),
    st.builds(lambda c: ("keep_columns", c), _columns),
    st.builds(lambda c: ("drop_columns", c[:2]), _columns),
    st.builds(lambda n: ("take", n), st.integers(1, 40)),
    st.builds(lambda n: ("skip", n), st.integers(1, 10)),
    st.builds(lambda p, s: ("take_random_sample", p, s), st.floats(0.05, 0.95), st.integers(0, 10**6)),
    st.builds(lambda c, t: ("convert_column_types", {c: t}), st.sampled_from(COLUMNS), st.sampled_from(_TYPES)),
)
_reads = st.one_of(
    st.builds(lambda h, e, i: ("delimited", [{"file": THIRTY}], dict(header=h, empty_as_string=e,
                                                                       include_path_column=i)),
              st.sampled_from(["all_files_same_headers", "from_first_file"]), st.booleans(), st.booleans()),
    st.builds(lambda sample_size: ("delimited", [{"folder": PARTS}], dict(
        infer_column_types={"sample_size": sample_size, "column_type_overrides": {"v": mltable.DataType.to_string()}})),
        st.integers(1, 300)),
    st.just(("parquet", [{"file": str(DATA / "parquet" / "rowgroups.parquet")}], {})),
    st.just(("jsonl", [{"file": str(DATA / "jsonl" / "basic.jsonl")}], dict(invalid_lines="drop"))),
)


def _build(read, steps, split):
    kind, paths, options = read
    table = {"delimited": mltable.from_delimited_files, "parquet": mltable.from_parquet_files,
             "jsonl": mltable.from_json_lines_files}[kind](paths, **options)
    for name, *args in steps:
        try:
            table = getattr(table, name)(*args)
        except UserErrorException:
            pass  # e.g. keep_columns dropping a traits column: not a step this table can take
    if split is not None:
        table = table.random_split(0.5, seed=split)[1]
    return table


def _data(table):
    try:
        return table.to_pandas_dataframe()
    except MLTableError as exc:
        return ("error", type(exc).__name__, exc.error_code)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(read=_reads, steps=st.lists(_steps, max_size=5), split=st.none() | st.integers(0, 100),
       metadata=st.dictionaries(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8),
                                st.integers() | st.text(max_size=10), max_size=3))
def test_save_then_load_gives_an_equal_table_with_the_same_data(tmp_path_factory, read, steps, split, metadata):
    table = _build(read, steps, split)
    for key, value in metadata.items():
        table.metadata.add(key, value)
    destination = tmp_path_factory.mktemp("saved")
    table.save(str(destination))
    loaded = mltable.load(str(destination))
    if all(os.path.isabs(v) for p in loaded.paths for v in p.values()):
        assert loaded == table  # absolute paths sharing only '/' with the destination stay as written
    assert loaded._to_yaml_dict() == table._to_yaml_dict()
    expected, got = _data(table), _data(loaded)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected


def test_relative_paths_are_rewritten_for_the_new_folder(tmp_path, monkeypatch):
    shutil.copytree(DATA / "transform" / "parts", tmp_path / "data" / "parts")
    monkeypatch.chdir(tmp_path)
    table = mltable.from_delimited_files([{"folder": "data/parts"}]).take(4)
    table.save("tables/first")
    assert (tmp_path / "tables" / "first" / "MLTable").read_text().count("../../data/parts") == 1
    loaded = mltable.load("tables/first")
    assert loaded.paths == [{"folder": "../../data/parts"}]
    assert loaded._to_yaml_dict() == table._to_yaml_dict()
    pd.testing.assert_frame_equal(loaded.to_pandas_dataframe(), table.to_pandas_dataframe())


# -- save's safety ---------------------------------------------------------------------------

def test_colocated_save_copies_data_and_the_copy_is_independent(tmp_path, monkeypatch):
    shutil.copytree(DATA / "transform" / "parts", tmp_path / "src" / "parts")
    monkeypatch.chdir(tmp_path / "src")
    table = mltable.from_delimited_files([{"folder": "parts"}])
    expected = table.to_pandas_dataframe()
    table.save(str(tmp_path / "out"), colocated=True)
    shutil.rmtree(tmp_path / "src" / "parts")  # the saved table must not need the originals
    got = mltable.load(str(tmp_path / "out")).to_pandas_dataframe()
    pd.testing.assert_frame_equal(got, expected)
    assert not [p for p in os.listdir(tmp_path / "out") if p.startswith(".tablekit-save-")]


def test_failed_save_keeps_the_previous_mltable_and_the_data(tmp_path, monkeypatch):
    shutil.copytree(DATA / "transform" / "parts", tmp_path / "parts")
    monkeypatch.chdir(tmp_path)
    good = mltable.from_delimited_files([{"folder": "parts"}])
    good.save("out", colocated=True)
    before = (tmp_path / "out" / "MLTable").read_text()
    broken = mltable.from_delimited_files([{"folder": "parts"}, {"file": "missing.csv"}]).take(1)
    with pytest.raises(UserErrorException) as info:
        broken.save("out", colocated=True)
    assert info.value.error_code == ErrorCode.NOT_FOUND
    assert (tmp_path / "out" / "MLTable").read_text() == before
    assert sorted(os.listdir(tmp_path / "parts")) == ["p0.csv", "p1.csv", "p2.csv"]
    assert not [p for p in os.listdir(tmp_path / "out") if p.startswith(".tablekit-save-")]


def test_colocated_save_into_the_tables_own_folder_keeps_the_data(tmp_path, monkeypatch):
    shutil.copytree(DATA / "transform" / "parts", tmp_path / "t")
    monkeypatch.chdir(tmp_path / "t")
    table = mltable.from_delimited_files([{"pattern": "*.csv"}])
    expected = table.to_pandas_dataframe()
    for overwrite in (True, False, "skip"):  # the data files are the sources themselves: never rewritten
        if overwrite is False:
            os.remove(tmp_path / "t" / "MLTable")
        table.save(".", colocated=True, overwrite=overwrite)
    pd.testing.assert_frame_equal(mltable.load(".").to_pandas_dataframe(), expected)


def test_overwrite_false_refuses_a_clashing_data_file_before_writing_anything(tmp_path, monkeypatch):
    shutil.copytree(DATA / "transform" / "parts", tmp_path / "parts")
    (tmp_path / "out" / "parts").mkdir(parents=True)
    (tmp_path / "out" / "parts" / "p1.csv").write_text("id,v\n99,z\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserErrorException) as info:
        mltable.from_delimited_files([{"folder": "parts"}]).save("out", colocated=True, overwrite=False)
    assert info.value.error_code == ErrorCode.ALREADY_EXISTS
    assert sorted(os.listdir(tmp_path / "out")) == ["parts"]
    assert (tmp_path / "out" / "parts" / "p1.csv").read_text() == "id,v\n99,z\n"


def test_overwrite_skip_leaves_an_existing_mltable(tmp_path):
    first = mltable.from_delimited_files([{"file": THIRTY}]).take(1)
    first.save(str(tmp_path))
    before = (tmp_path / "MLTable").read_text()
    mltable.from_delimited_files([{"file": THIRTY}]).take(2).save(str(tmp_path), overwrite="skip")
    assert (tmp_path / "MLTable").read_text() == before


def test_bad_overwrite_value_is_a_user_error(tmp_path):
    with pytest.raises(UserErrorException, match="overwrite must be"):
        mltable.from_delimited_files([{"file": THIRTY}]).save(str(tmp_path), overwrite="sometimes")


# -- load's inputs ---------------------------------------------------------------------------

def test_load_accepts_file_uri_and_bom(tmp_path):
    (tmp_path / "MLTable").write_bytes(b"\xef\xbb\xbfpaths:\n  - file: " + THIRTY.encode() +
                                       b"\ntransformations:\n  - read_delimited\n  - take: 2\n")
    table = mltable.load("file://" + str(tmp_path))
    assert len(table.to_pandas_dataframe()) == 2


def test_load_rejects_non_string_uri():
    with pytest.raises(UserErrorException, match="should be a string"):
        mltable.load(42)


def test_load_is_lazy_about_data(tmp_path):
    (tmp_path / "MLTable").write_text("paths:\n  - file: nowhere.csv\ntransformations:\n  - read_delimited\n")
    table = mltable.load(str(tmp_path))  # no error until the data is read
    with pytest.raises(UserErrorException) as info:
        table.to_pandas_dataframe()
    assert info.value.error_code == ErrorCode.NOT_FOUND


def test_metadata_and_paths_with_any_characters_round_trip(tmp_path):
    odd = "line\x85break\u2028sep é \t tab \"quote\" 'single' #hash: colon"
    table = mltable.from_delimited_files([{"file": THIRTY}]).take(1)
    table.metadata.add("note", odd)
    table.metadata.add(odd, [odd, 1])
    table.save(str(tmp_path))
    loaded = mltable.load(str(tmp_path))
    assert loaded.metadata.get("note") == odd and loaded.metadata.get(odd) == [odd, 1]
    text = (tmp_path / "MLTable").read_text()
    assert "\\xE9" in text and "\x85" not in text  # escaped, as mltable writes non-ASCII
