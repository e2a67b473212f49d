"""JSON lines: mltable's typing rules, its errors, tablekit's documented deviations, and the fast path."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tablekit
from tablekit.engine import jsonl, jsonl_fast
from tablekit.errors import UserErrorException


def _read(tmp_path, text, name="data.jsonl", **kwargs) -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return tablekit.from_json_lines_files([{"file": str(path)}], **kwargs).to_pandas_dataframe()


def _lines(*rows) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def _values(series: pd.Series) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in series.tolist()]


# -- first-value typing ----------------------------------------------------------------

def test_string_column_nulls_numbers_and_bools(tmp_path):
    df = _read(tmp_path, _lines({"v": "a"}, {"v": 2}, {"v": True}, {"v": [1]}, {"v": "b"}))
    assert _values(df["v"]) == ["a", None, None, None, "b"]


def test_number_column_nulls_strings_and_bools(tmp_path):
    df = _read(tmp_path, _lines({"v": 1}, {"v": "x"}, {"v": False}, {"v": 3}))
    assert df["v"].dtype == "float64"  # int with nulls, pandas rules
    assert _values(df["v"]) == [1.0, None, None, 3.0]


def test_bool_column_nulls_numbers(tmp_path):
    df = _read(tmp_path, _lines({"v": True}, {"v": 1}, {"v": False}))
    assert df["v"].tolist() == [True, None, False]


def test_list_and_dict_mixes(tmp_path):
    df = _read(tmp_path, _lines({"l": [1], "d": {"a": 1}}, {"l": {"a": 1}, "d": [1]}, {"l": [2, 3], "d": {"b": "x"}}))
    assert [None if v is None else list(v) for v in df["l"]] == [[1], None, [2, 3]]
    assert df["d"].tolist()[1] is None
    assert list(df["d"].tolist()[2]) == ["a", "b"]  # struct fields: union in first-seen order
    assert df["d"].tolist()[2]["b"] == "x"


def test_list_elements_follow_the_first_element(tmp_path):
    df = _read(tmp_path, _lines({"l": [1, "a", None]}))
    assert [None if v is None or v != v else v for v in df["l"][0]] == [1, None, None]


def test_struct_fields_union_first_seen(tmp_path):
    df = _read(tmp_path, _lines({"o": {"b": 1}}, {"o": {"a": "x", "b": 2}}, {"o": {}}))
    rows = df["o"].tolist()
    assert list(rows[0]) == ["b", "a"]
    assert rows[2]["a"] is None


def test_columns_first_seen_order_and_missing_keys(tmp_path):
    df = _read(tmp_path, _lines({"b": 1}, {"a": "x", "b": 2}, {"c": True}))
    assert list(df.columns) == ["b", "a", "c"]
    assert _values(df["a"]) == [None, "x", None]


def test_date_strings_stay_strings(tmp_path):
    df = _read(tmp_path, _lines({"d": "2021-01-02"}, {"d": "2021-01-02T03:04:05+01:00"}))
    assert df["d"].tolist() == ["2021-01-02", "2021-01-02T03:04:05+01:00"]


# -- deviations ------------------------------------------------------------------------

def test_ints_and_floats_mixed_are_all_kept_as_float(tmp_path):
    df = _read(tmp_path, _lines({"v": 1}, {"v": 2.5}, {"v": 3}, {"v": "x"}))
    assert df["v"].dtype == "float64"
    assert _values(df["v"]) == [1.0, 2.5, 3.0, None]


def test_integers_above_int64_are_exact(tmp_path):
    df = _read(tmp_path, '{"v": 18446744073709551615}\n{"v": 1}\n')
    assert df["v"].dtype == "uint64"
    assert df["v"].tolist() == [18446744073709551615, 1]


def test_int64_bounds(tmp_path):
    df = _read(tmp_path, '{"v": 9223372036854775807}\n{"v": -9223372036854775808}\n')
    assert df["v"].dtype == "int64"
    assert df["v"].tolist() == [9223372036854775807, -9223372036854775808]


# -- lines and errors ------------------------------------------------------------------

def test_truly_empty_lines_are_skipped(tmp_path):
    df = _read(tmp_path, '{"a": 1}\n\n{"a": 2}\r\n\r\n{"a": 3}')
    assert df["a"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("text", ['{"a": 1}\n   \n{"a": 2}\n', '  \n{"a": 1}\n', '{"a": 1}\n\t'])
def test_whitespace_only_line_is_a_parse_failure(tmp_path, text):
    with pytest.raises(UserErrorException) as info:
        _read(tmp_path, text)
    assert info.value.error_code == "ScriptExecution.Transformation.Validation"
    assert "ParseJsonFailure" in info.value.message
    assert "data.jsonl" in info.value.message


@pytest.mark.parametrize("line", ["[1, 2]", "5", '"text"', "not json", '{"a": '])
def test_non_object_lines_fail_or_drop(tmp_path, line):
    text = '{"a": 1}\n' + line + '\n{"a": 2}\n'
    with pytest.raises(UserErrorException) as info:
        _read(tmp_path, text)
    assert "ParseJsonFailure" in info.value.message
    assert _read(tmp_path, text, invalid_lines="drop")["a"].tolist() == [1, 2]


def test_encoding_error(tmp_path):
    with pytest.raises(UserErrorException) as info:
        _read(tmp_path, b'{"a": "\xe9"}\n')
    assert info.value.error_code == "ScriptExecution.Validation"
    assert _read(tmp_path, b'{"a": "\xe9"}\n', encoding="latin1")["a"].tolist() == ["\xe9"]


def test_bom_and_crlf(tmp_path):
    assert _read(tmp_path, b'\xef\xbb\xbf{"a": 1}\r\n{"a": 2}\r\n')["a"].tolist() == [1, 2]


def test_no_object_column(tmp_path):
    df = _read(tmp_path, _lines({"a": 1, "s": "x", "l": [1], "o": {"k": 1}}, {"a": 2, "s": None, "l": None, "o": None}))
    text = "str" if pd.__version__.startswith("3") else "object"  # docs/pandas3.md
    assert [str(t) for t in df.dtypes] == ["int64", text, "object", "object"]
    assert not any(isinstance(v, bytes) for col in df for v in df[col])


# -- the fast path on bigger files -------------------------------------------------------

@pytest.fixture
def big(monkeypatch):
    """Make every file 'big': schema from a 3-row sample, then the raw-text checks."""
    monkeypatch.setattr(jsonl_fast, "SMALL_FILE", 0)
    monkeypatch.setattr(jsonl_fast, "SAMPLE_ROWS", 3)


def test_key_after_the_sample_is_kept(tmp_path, big):
    rows = [{"a": i} for i in range(10)] + [{"a": 10, "late": "x", "o": {"k": 1}}]
    df = _read(tmp_path, _lines(*rows))
    assert list(df.columns) == ["a", "late", "o"]
    assert df["late"].tolist()[-1] == "x"


def test_struct_field_after_the_sample_is_kept(tmp_path, big):
    rows = [{"o": {"k": 1}} for _ in range(10)] + [{"o": {"k": 2, "new": True}}]
    df = _read(tmp_path, _lines(*rows))
    assert df["o"].tolist()[-1]["new"] is True


def test_number_after_the_sample_in_a_string_column(tmp_path, big):
    rows = [{"s": "x"} for _ in range(10)] + [{"s": 5}, {"s": "12"}]
    assert _values(_read(tmp_path, _lines(*rows))["s"])[-2:] == [None, "12"]


def test_numeric_looking_strings_stay(tmp_path, big):
    rows = [{"s": str(i), "b": "true"} for i in range(10)]
    df = _read(tmp_path, _lines(*rows))
    assert df["s"].tolist() == [str(i) for i in range(10)]
    assert set(df["b"]) == {"true"}


def test_float_after_the_sample_in_an_int_column(tmp_path, big):
    rows = [{"v": i} for i in range(10)] + [{"v": 0.5}]
    assert _read(tmp_path, _lines(*rows))["v"].tolist()[-1] == 0.5


def test_whitespace_line_in_a_big_file(tmp_path, big):
    with pytest.raises(UserErrorException):
        _read(tmp_path, _lines(*[{"a": i} for i in range(10)]) + " \t \n" + _lines({"a": 1}))


# -- speculation: to_pandas_dataframe converts while the raw-text checks run ------------

def _spy_speculations(monkeypatch):
    """The speculative whole-file reads made; plans that would stream (a filter) are read whole here."""
    from tablekit.engine import execute
    monkeypatch.setattr(execute, "streams", lambda plan: False)
    made = []
    original = jsonl.read_file_speculatively

    def spy(file, options):
        made.append(original(file, options))
        return made[-1]
    monkeypatch.setattr(jsonl, "read_file_speculatively", spy)
    return made


def test_speculation_that_holds_is_the_result(tmp_path, big, monkeypatch):
    made = _spy_speculations(monkeypatch)
    df = _read(tmp_path, _lines(*[{"a": i, "s": f"t{i}"} for i in range(10)]))
    assert df["a"].tolist() == list(range(10))
    assert len(made) == 1 and made[0].settle() is made[0].frame  # the rows converted were the proven ones


def test_speculation_that_fails_gives_the_proven_rows(tmp_path, big, monkeypatch):
    made = _spy_speculations(monkeypatch)
    rows = [{"a": i} for i in range(10)] + [{"a": 10, "late": "x"}]
    df = _read(tmp_path, _lines(*rows))
    assert "late" not in made[0].frame.columns  # polars was told the first rows' keys only
    assert list(df.columns) == ["a", "late"] and df["late"].tolist()[-1] == "x"


def test_a_filter_that_fails_on_the_provisional_rows_only(tmp_path, big, monkeypatch):
    made = _spy_speculations(monkeypatch)
    path = tmp_path / "late.jsonl"
    path.write_text(_lines(*[{"a": i} for i in range(10)], {"a": 10, "late": "x"}))
    table = tablekit.from_json_lines_files([{"file": str(path)}]).filter("col('late') == 'x'")
    assert table.to_pandas_dataframe()["a"].tolist() == [10]
    assert made and "late" not in made[0].frame.columns
    kept = tablekit.from_json_lines_files([{"file": str(path)}]).keep_columns(["late"]).to_pandas_dataframe()
    assert kept.columns.tolist() == ["late"] and kept["late"].tolist()[-1] == "x"


def test_an_error_on_rows_that_hold_is_raised(tmp_path, big, monkeypatch):
    made = _spy_speculations(monkeypatch)
    path = tmp_path / "clean.jsonl"
    path.write_text(_lines(*[{"a": i} for i in range(10)]))
    table = tablekit.from_json_lines_files([{"file": str(path)}]).filter("col('a') / 0 > 1")  # fails on every row
    with pytest.raises(Exception) as plain:
        table.to_polars()
    with pytest.raises(Exception) as speculative:
        table.to_pandas_dataframe()
    assert made and made[0].settle() is made[0].frame
    assert type(speculative.value) is type(plain.value)
    assert (speculative.value.error_code, str(speculative.value)) == (plain.value.error_code, str(plain.value))


def test_many_files_speculated_at_once(tmp_path, big):
    from tablekit.engine.execute import execute
    from tablekit.optimizer import optimize
    from tablekit.outputs.pandas import to_pandas

    paths = []
    for n in range(30):
        rows = [{"a": n, "s": f"r{i}"} for i in range(6)] + ([{"a": n, f"late{n % 3}": n}] if n % 4 == 0 else [])
        paths.append(tmp_path / f"f{n:02d}.jsonl")
        paths[-1].write_text(_lines(*rows))
    table = tablekit.from_json_lines_files([{"file": str(p)} for p in paths])
    plain = to_pandas(execute(optimize(table._plan)), table._rslex_values())
    pd.testing.assert_frame_equal(table.to_pandas_dataframe(), plain)
    assert list(plain.columns) == ["a", "s", "late0", "late1", "late2"]


def test_speculative_errors_come_in_file_order(tmp_path, big):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(_lines(*[{"a": i} for i in range(10)]) + " \t \n" + _lines({"a": 1}))  # checked late
    second.write_text("not json\n")  # fails at once
    table = tablekit.from_json_lines_files([{"file": str(first)}, {"file": str(second)}])
    with pytest.raises(UserErrorException) as plain:
        table.to_polars()
    with pytest.raises(UserErrorException) as speculative:
        table.to_pandas_dataframe()
    assert "a.jsonl" in str(plain.value)
    assert str(speculative.value) == str(plain.value)


def test_raw_text_checks_let_go_of_a_mapped_files_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonl_fast, "PIECE_BYTES", 1 << 12)
    monkeypatch.setattr(jsonl_fast, "WINDOW_PIECES", 1)
    path = tmp_path / "t.jsonl"
    path.write_text(_lines(*[{"a": i, "b": "x" * 50} for i in range(4000)]))
    released = []
    monkeypatch.setattr(jsonl_fast.RawText, "_release", lambda self, first, end: released.append((first, end)))
    with open(path, "rb") as f:
        import mmap
        text = jsonl_fast.RawText(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        assert text.matches([jsonl_fast._BLANK_LINE, jsonl_fast._unknown_key_regex(["a", "b"])]) == [False, False]
    pieces = len(text.offsets) - 1
    assert pieces > 64 and released[0][0] == 0 and released[-1][1] == pieces  # window by window, all of it
    assert all(a[1] == b[0] for a, b in zip(released, released[1:]))


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False),
                   st.sampled_from(["x", "5", "true", "[1]", "a,b", ""]), st.lists(st.integers(0, 3), max_size=2))
_SPECULATED_ROWS = st.lists(st.dictionaries(st.sampled_from(["a", "b", "late"]), _VALUES, max_size=3),
                            min_size=1, max_size=12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_SPECULATED_ROWS, blank_at=st.none() | st.integers(0, 12), filtered=st.booleans())
def test_speculative_pandas_output_is_the_plain_one(tmp_path_factory, big, rows, blank_at, filtered):
    from tablekit.engine.execute import execute
    from tablekit.optimizer import optimize
    from tablekit.outputs.pandas import to_pandas

    lines = [json.dumps(r) + "\n" for r in rows]
    if blank_at is not None:
        lines.insert(min(blank_at, len(lines)), "  \n")
    path = tmp_path_factory.mktemp("spec") / "s.jsonl"
    path.write_text("".join(lines))
    table = tablekit.from_json_lines_files([{"file": str(path)}])
    if filtered:
        table = table.filter("col('late') != 'x'")

    def outcome(read):
        try:
            return read()
        except Exception as exc:  # the same error either way
            return type(exc), getattr(exc, "error_code", None), str(exc)
    speculative = outcome(table.to_pandas_dataframe)
    plain = outcome(lambda: to_pandas(execute(optimize(table._plan)), table._rslex_values()))
    if isinstance(plain, pd.DataFrame):
        pd.testing.assert_frame_equal(speculative, plain)
    else:
        assert speculative == plain


def test_unknown_key_regex():
    import polars as pl

    pattern = jsonl_fast._unknown_key_regex(["id", "idx", "a\"b", ""])
    texts = ['{"id": 1, "idx": 2}', '{"i": 1}', '{"idy": 1}', '{"x": 1}', '{"": 1}', '{"id" : 1, "ids":2}',
             '{"t": "a, \\"b\\": c"}', '["id", "x"]']
    found = pl.Series(texts).str.contains(pattern).to_list()
    assert found == [False, True, True, True, False, True, True, False]


# -- property: flat objects read back per column ----------------------------------------

_KEYS = st.sampled_from(["a", "b", "c", "key with space", "é"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 63 - 1),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
_ROWS = st.lists(st.dictionaries(_KEYS, _SCALARS, min_size=1), min_size=1, max_size=30)


def _kind(value):
    return None if value is None else type(value).__name__


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, big_path=st.booleans())
def test_flat_objects_round_trip(tmp_path_factory, rows, big_path, monkeypatch):
    monkeypatch.setattr(jsonl_fast, "SMALL_FILE", 0 if big_path else 4 << 20)
    monkeypatch.setattr(jsonl_fast, "SAMPLE_ROWS", 2 if big_path else 10_000)
    tmp = tmp_path_factory.mktemp("prop")
    path = tmp / "p.jsonl"
    path.write_text(_lines(*rows), encoding="utf-8")
    df = tablekit.from_json_lines_files([{"file": str(path)}]).to_pandas_dataframe()
    order = list(dict.fromkeys(k for r in rows for k in r))
    assert list(df.columns) == order
    assert len(df) == len(rows)
    for key in order:
        column = [r.get(key) for r in rows]
        first = next((_kind(v) for v in column if v is not None), None)
        expected = [v if _kind(v) == first else None for v in column]  # mltable: other types become null
        got = _values(df[key])
        if first == "int":
            got = [None if v is None else int(v) for v in got]
            if any(v is None for v in expected):  # int with nulls -> float64: compare as floats
                expected = [None if v is None else float(int(v)) for v in expected]
                got = [None if v is None else float(v) for v in got]
        assert got == expected, key


@given(st.binary(max_size=20) | st.text(" \t\r\n\x0b\x0c\x1c\x85\xa0a", max_size=20).map(str.encode))
def test_text_found_where_strip_leaves_some(data):
    assert bool(jsonl._NOT_SPACE.search(data)) == bool(data.strip())


def test_empty_and_whitespace_only_files(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "spaces.jsonl").write_bytes(b" \n\t\n")
    assert tablekit.from_json_lines_files([{"file": str(tmp_path / "empty.jsonl")}]).to_pandas_dataframe().empty
    with pytest.raises(UserErrorException, match="line 1 .* only whitespace"):  # as mltable fails on it
        tablekit.from_json_lines_files([{"file": str(tmp_path / "spaces.jsonl")}]).to_pandas_dataframe()


def test_take_reads_only_the_lines_of_the_rows_taken(tmp_path):
    # an invalid line after the rows taken is never parsed (mltable stops reading there too)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(f'{{"i": {i}, "s": "v{i}"}}\n' for i in range(5000)) + "not json\n")
    table = tablekit.from_json_lines_files([{"file": str(path)}])
    df = table.take(3000).to_pandas_dataframe()
    assert df["i"].tolist() == list(range(3000)) and list(df.columns) == ["i", "s"]
    assert "at most: the lines of the first 3,000 rows" in table.take(3000).explain()
    with pytest.raises(UserErrorException, match="line 5001"):
        table.take(5001).to_pandas_dataframe()


def test_take_reads_on_past_lines_without_rows(tmp_path):
    # blank lines and dropped invalid lines hold no row: the read goes on until it has the rows
    path = tmp_path / "gaps.jsonl"
    path.write_text("".join('{"i": %d}\n\nbad\n' % i for i in range(50)))
    df = tablekit.from_json_lines_files([{"file": str(path)}], invalid_lines="drop").take(40).to_pandas_dataframe()
    assert df["i"].tolist() == list(range(40))


# -- an invalid line ends the rows a take can reach (mltable reads row by row) ------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.integers(0, 60), after=st.integers(0, 20), take=st.integers(1, 80),
       block=st.sampled_from([64, 300, 8 << 20]), streamed=st.booleans())
def test_a_take_stops_before_an_invalid_line_or_meets_it(tmp_path_factory, monkeypatch, before, after, take,
                                                          block, streamed):
    """recorded: jsonl.filter_take_before_invalid_line and jsonl.filter_take_past_invalid_line_error"""
    from tablekit.engine import blocks, execute
    path = tmp_path_factory.mktemp("invalid") / "t.jsonl"
    lines = [json.dumps({"a": i, "even": i % 2 == 0}) for i in range(before)] + ["not json"]
    path.write_text("\n".join(lines + [json.dumps({"a": before + i, "even": True}) for i in range(after)]) + "\n")
    table = tablekit.from_json_lines_files([{"file": str(path)}]).filter("even").take(take)
    evens = list(range(0, before, 2))
    with monkeypatch.context() as patch:
        patch.setattr(blocks, "BLOCK_BYTES", block)
        patch.setattr(execute, "streams", lambda plan: streamed)
        if take <= len(evens):
            assert table.to_pandas_dataframe()["a"].tolist() == evens[:take]
        else:
            with pytest.raises(UserErrorException, match="ParseJsonFailure: line"):
                table.to_pandas_dataframe()


# -- later blocks of a file parsed with the types of its rows so far ------------------------

@pytest.mark.parametrize("late", [
    '{"n": 1.5, "s": "a", "b": true}',        # a float in an int column
    '{"n": 2, "s": 7, "b": true}',            # a number in a string column
    '{"n": 2, "s": "a", "b": true, "new": 1}',  # a key the first block does not have
    '{"s": "a", "b": true}',                  # a column without values in the block
    '{"n": null, "s": "a", "b": false}',      # explicit nulls
    '{"n": 2, "s": "a", "b": "yes"}',         # a string in a bool column
])
def test_later_blocks_typed_as_a_whole_read_types_them(tmp_path, monkeypatch, late):
    from tablekit.engine import blocks, execute
    monkeypatch.setattr(jsonl_fast, "SMALL_FILE", 512)  # blocks parse with the file's types so far
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)
    rows = [json.dumps({"n": i, "s": f"v{i}", "b": i % 2 == 0}) for i in range(400)]
    rows[300:] = [late] * 100  # past the first blocks
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(rows) + "\n")
    table = tablekit.from_json_lines_files([{"file": str(path)}]).filter("b == b")  # a filter: streamed
    streamed = table.to_pandas_dataframe()
    with monkeypatch.context() as patch:
        patch.setattr(execute, "streams", lambda plan: False)
        pd.testing.assert_frame_equal(streamed, table.to_pandas_dataframe())


def test_a_block_whose_only_column_changes_kind_keeps_its_rows(tmp_path, monkeypatch):
    """A later block typing its one column otherwise (list, then objects) is nulls, one per row."""
    from tablekit.engine import blocks
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"v": [i]}) + "\n" for i in range(10))
                    + "".join(json.dumps({"v": {"a": i}}) + "\n" for i in range(10)))
    table = tablekit.from_json_lines_files([{"file": str(path)}])
    assert sum(batch.num_rows for batch in table.to_batches()) == 20
    frame = table.to_pandas_dataframe()
    assert len(frame) == 20 and frame["v"][10:].isna().all()
