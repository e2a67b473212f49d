"""Fuzzing: hostile input to every reader and parser ends in a UserErrorException, never another
exception, a crash or a hang.

CI runs a modest number of examples per target; a long run is
``TABLEKIT_FUZZ_EXAMPLES=20000 ./dev.sh test tests/test_fuzz.py -p no:randomly``
(see docs/reliability.md for what was tried and what held).
"""
from __future__ import annotations

import os
import string
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tablekit as mltable
from tablekit.errors import MLTableError
from tablekit.expr import parse_filter
from tablekit.plan.from_yaml import plan_from_dict

EXAMPLES = int(os.environ.get("TABLEKIT_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# Pieces that make parsers take their unusual branches.
_CSV_TOKENS = ['"', "'", ",", ";", "\t", "|", "\n", "\r\n", "\r", " ", "a", "1", "-2.5", "1e400", "true", "N",
               "2021-01-02", "02/01/2021 10:00 PM", "\x00", "é", "€", "\ufeff", '""', "\\", "NaN", "", "x" * 300]
_JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '"a"', '"b"', '"\\u0000"', '"\\ud800"', "1", "-0", "1e999", "true",
                "null", " ", "\n", "\r\n", '{"a": 1}', '{"a": [1, {"b": null}]}', '"é"', "NaN", "\ufeff"]


def _text(tokens):
    return st.lists(st.sampled_from(tokens), max_size=80).map("".join)


_bytes = st.one_of(st.binary(max_size=300), _text(_CSV_TOKENS).map(lambda s: s.encode("utf-8")),
                   _text(_CSV_TOKENS).map(lambda s: s.encode("utf-16")))


def _materialize(table):
    """Read a table several ways; only tablekit's own errors may come out."""
    try:
        table.to_pandas_dataframe()
        table.take(3).to_pandas_dataframe()
        table.filter("a > 1 or b == 'x'").to_arrow()
    except MLTableError:
        pass


def _file(data: bytes, suffix: str) -> str:
    handle, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(handle, "wb") as f:
        f.write(data)
    return path


@FUZZ
@given(data=_bytes, header=st.sampled_from(["all_files_same_headers", "no_header", "from_first_file"]),
       delimiter=st.sampled_from([",", ";", "\t", "ab"]), multi_line=st.booleans(), empty=st.booleans(),
       encoding=st.sampled_from(["utf8", "latin1", "ascii", "utf-8 bom", "windows1252", "iso88591"]),
       infer=st.booleans())
def test_delimited_reader_survives_any_bytes(data, header, delimiter, multi_line, empty, encoding, infer):
    path = _file(data, ".csv")
    try:
        _materialize(mltable.from_delimited_files([{"file": path}], header=header, delimiter=delimiter,
                                                  support_multi_line=multi_line, empty_as_string=empty,
                                                  encoding=encoding, infer_column_types=infer))
    finally:
        os.remove(path)


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), _text(_JSON_TOKENS).map(lambda s: s.encode("utf-8"))),
       invalid=st.sampled_from(["error", "drop"]), encoding=st.sampled_from(["utf8", "latin1", "utf-8 bom"]))
def test_json_lines_reader_survives_any_bytes(data, invalid, encoding):
    path = _file(data, ".jsonl")
    try:
        _materialize(mltable.from_json_lines_files([{"file": path}], invalid_lines=invalid, encoding=encoding))
    finally:
        os.remove(path)


@pytest.mark.parametrize("line", [
    '{"a": ' + "[" * 100 + "]" * 100 + "}",          # deeper than Arrow can represent
    '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than Python's parser recursion
    '{"a": ' * 5000 + "1" + "}" * 5000,
])
def test_deeply_nested_json_is_a_parse_failure(tmp_path, line):
    path = tmp_path / "deep.jsonl"
    path.write_text(line + '\n{"a": 1}\n')
    with pytest.raises(MLTableError) as info:
        mltable.from_json_lines_files([{"file": str(path)}]).to_pandas_dataframe()
    assert "ParseJsonFailure" in str(info.value)


_FILTER_TOKENS = ["a", "b", "col('a b')", "1", "2.5", "'x'", '"y"', "True", "None", "datetime(2021, 1, 2)",
                  "startswith(a, 'x')", "(", ")", "and", "or", "not", "==", "!=", "<", ">=", "+", "-", "*", "/",
                  "//", "%", "**", " ", ".", "__class__", "__import__('os')", "lambda", "[", "]", "{", "}",
                  ",", ":", "@", "`", "\\", "\n", "#", "if", "else", "in", "is", "eval", "open('x')", "\x00"]


@FUZZ
@given(expression=st.one_of(_text(_FILTER_TOKENS), st.text(max_size=60)))
def test_filter_parser_accepts_or_rejects_cleanly(expression):
    try:
        parse_filter(expression)
    except MLTableError:
        pass


@FUZZ
@given(expression=st.one_of(_text(_FILTER_TOKENS), st.text(string.printable, max_size=40)))
def test_filter_on_data_never_raises_another_error(tmp_path_factory, expression):
    path = tmp_path_factory.getbasetemp() / "filter_data.csv"
    if not path.exists():
        path.write_text("a,b,a b\n1,x,2021-01-02\n,y,\n3.5,,x\n")
    try:
        mltable.from_delimited_files([{"file": str(path)}]).filter(expression).to_pandas_dataframe()
    except MLTableError:
        pass


@pytest.mark.parametrize("expression", [
    "a" + "+a" * 20_000, "(" * 10_000 + "a" + ")" * 10_000, "not " * 10_000 + "a", "-" * 10_000 + "a",
    "a == '" + "x" * 1_000_000 + "'",
])
def test_huge_filter_expressions_are_refused_or_parsed(expression):
    try:
        parse_filter(expression)
    except MLTableError:
        pass


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8) |
    st.sampled_from(["read_delimited", "read_parquet", "mltable", "file", "folder", "pattern", "take"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "paths", "transformations", "file", "folder", "pattern", "read_delimited",
                         "take", "skip", "filter", "keep_columns", "pattern", "invert", "delimiter", "header",
                         "encoding", "metadata", "traits", "convert_column_types", "columns", "column_type",
                         "take_random_sample", "seed", "probability", "x"]), children, max_size=4),
    max_leaves=20)


@FUZZ
@given(data=_yaml_values)
def test_mltable_loader_accepts_or_rejects_any_structure(data):
    try:
        plan_from_dict(data, "/tmp")
    except MLTableError:
        pass


@FUZZ
@given(text=_text(["paths:", "\n", "  - ", "file: ", "x.csv", "transformations:", "read_delimited", "&a ", "*a",
                   "[", "]", "{", "}", ":", "'", '"', "!!python/object:os.system", "!!binary", "\t", "- ",
                   "take: ", "1", "%YAML 1.2", "---", "...", "\x00", "type: mltable"]))
def test_mltable_file_text_never_raises_another_error(tmp_path_factory, text):
    folder = tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp())
    with open(os.path.join(folder, "MLTable"), "w", encoding="utf-8") as f:
        f.write(text)
    try:
        repr(mltable.load(folder))
    except MLTableError:
        pass


@pytest.mark.parametrize("text", [
    "a: &a [1,2,3,4,5,6,7,8,9]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "paths: *i\n",
    "paths: &a [*a]\n",
    "paths:\n  - file: x\nmetadata: &m {k: *m}\n",
    "paths:\n  - file: x\nmetadata:\n  k: " + "[" * 2000 + "]" * 2000 + "\n",
    "!!python/object/apply:os.system ['echo owned']\n",
])
def test_hostile_yaml_is_refused_quickly(tmp_path, text):
    (tmp_path / "MLTable").write_text(text)
    with pytest.raises(MLTableError):
        mltable.load(str(tmp_path))
