"""Tests of the filter language (tablekit.expr): parser, compiler, reference evaluator.

The expected outcomes come from real mltable 1.7.0: the differential fixtures
(tests/fixtures/mltable/filter.*.json) are replayed here directly against
compile_filter on polars frames, so these tests do not depend on the engine.
"""
from __future__ import annotations

import builtins
import json
import math
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tablekit.errors import ErrorCode
from tablekit.errors import UserErrorException as BaseUserError
from tablekit.expr import ast, compile_filter, parse_filter, referenced_columns, to_text
from tablekit.expr.evaluate import evaluate, keeps_row
from tablekit.expr.limits import MAX_NESTING, MAX_TREE_DEPTH
from tablekit.errors import ExecutionError
from tablekit.expr.runtime import TRANSFORMATION_UNEXPECTED
from tablekit.expr.values import DateTime, ErrorValue, from_python, make_datetime
from tests.differential.cases.filter import FILTERS

HERE = Path(__file__).parent
DATA = HERE / "data"
FIXTURES = HERE / "fixtures" / "mltable"
PARSE = "Python expression parse error"
# mltable raises UserErrorException for parse errors and non-boolean results, ExecutionError for error values.
FILTER_ERRORS = (BaseUserError, ExecutionError)


# --- frames typed as tablekit reads the filter_* files (the types mltable gives them) -------------

def _bool(name):
    return pl.when(pl.col(name).is_null()).then(None).otherwise(pl.col(name) == "True").alias(name)


def _datetime(name):
    c = pl.col(name)
    return pl.coalesce(c.str.strptime(pl.Datetime("ns"), "%Y-%m-%d %H:%M:%S", strict=False),
                       c.str.strptime(pl.Datetime("ns"), "%Y-%m-%d", strict=False)).alias(name)


CSV_TYPES = {
    "filter_basic.csv": {"id": pl.Int64, "i": pl.Int64, "n": pl.Float64, "f": pl.Float64, "s": pl.String,
                         "b": "bool", "d": "datetime", "a b": pl.String, "e": pl.Null, "nb": "bool"},
    "filter_strings.csv": {"id": pl.Int64, "s": pl.String, "t": pl.String},
    "filter_names.csv": {"id": pl.Int64, "None": pl.Float64, "True": pl.Float64, "not": pl.Float64,
                         "and": pl.Float64, "col": pl.Float64, "datetime": pl.Float64, "lambda": pl.Float64,
                         "x.y": pl.Float64, "k": pl.String},
    "filter_floats.csv": {"id": pl.Int64, "f": pl.Float64, "g": pl.Float64},
    "filter_divide.csv": {"id": pl.Int64, "num": pl.Int64, "den": pl.Int64, "fden": pl.Float64},
    "filter_divzero.csv": {"id": pl.Int64, "num": pl.Int64, "den": pl.Int64},
}


def load_frame(file: str) -> pl.DataFrame:
    if file.endswith(".parquet"):
        return pl.read_parquet(DATA / file)
    raw = pl.read_csv(DATA / file, infer_schema=False)
    exprs = []
    for name, kind in CSV_TYPES[file].items():
        if kind == "bool":
            exprs.append(_bool(name))
        elif kind == "datetime":
            exprs.append(_datetime(name))
        elif kind == pl.Null:
            exprs.append(pl.lit(None).alias(name))
        else:
            exprs.append(pl.col(name).cast(kind))
    return raw.select(exprs)


def run_filter(frame: pl.DataFrame, text: str, lazy: bool = False) -> pl.DataFrame:
    predicate = compile_filter(parse_filter(text), frame.schema)
    if lazy:
        return frame.lazy().filter(predicate).collect()
    return frame.filter(predicate)


def kept_ids(frame: pl.DataFrame, text: str, lazy: bool = False):
    return run_filter(frame, text, lazy)["id"].to_list()


def outcome(frame, text, lazy=False):
    """("ids", [...]) or ("error", error_code, message)."""
    try:
        return ("ids", kept_ids(frame, text, lazy))
    except FILTER_ERRORS as exc:
        return ("error", type(exc).__name__, exc.error_code, exc.message)


BASIC = load_frame("filter_basic.csv")


# --- replaying real mltable's recorded outcomes ------------------------------------------------------

def _recorded(name):
    record = json.loads((FIXTURES / f"filter.{name}.json").read_text())
    return record["outcome"]


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("name", sorted(FILTERS))
def test_matches_recorded_mltable(name, lazy):
    file, text, phrase, note = FILTERS[name]
    want = _recorded(name)
    got = outcome(load_frame(file), text, lazy)
    if "error" in want:
        assert got[0] == "error", f"{text!r}: mltable raised {want['error']['message'][:150]!r}, we kept {got[1]}"
        assert got[1:3] == (want["error"]["class"], want["error"]["error_code"]), f"{text!r}: {got}"
        assert phrase in want["error"]["message"] and phrase in got[3], f"{text!r}: {got[3]!r}"
    else:
        frame = want["frame"]
        ids = [] if frame["rows"] == 0 else [v["int"] for v in frame["values"][frame["columns"].index("id")]]
        assert got == ("ids", ids), f"{text!r} ({note})"


def test_every_filter_case_is_recorded():
    missing = [name for name in FILTERS if not (FIXTURES / f"filter.{name}.json").exists()]
    assert not missing


# --- parser: what is accepted and where parsing stops ------------------------------------------------

def unconsumed(text: str) -> str:
    with pytest.raises(BaseUserError) as info:
        parse_filter(text)
    assert info.value.error_code == ErrorCode.VALIDATION
    assert PARSE in info.value.message
    match = re.search(r"Unconsumed part: ('.*?'|\".*?\")\. From source", info.value.message, re.S)
    assert match, info.value.message
    return eval(match.group(1))  # a repr() we wrote in the message  # noqa: S307


# (expression, the unconsumed part real mltable reports)
MLTABLE_UNCONSUMED = [
    ("i = 1", "= 1"), ("i <> 1", "<> 1"), ("i in [1,2]", "in [1,2]"), ("i is None", "is None"),
    ("i not in [1]", "not in [1]"), ("b && b", "&& b"), ("!b", "!b"), ("~b", "~b"), ("`i` == 1", "`i` == 1"),
    ("i == ''", "== ''"), ('i == ""', '== ""'), ("f == .5", "== .5"), ("i == 01", "== 01"),
    ("i == 1 # comment", "# comment"), ("lambda: True", ": True"), ("lambda x: x", "x: x"),
    ("import os", "os"), ("startswith()", "()"), ("datetime()", "()"), ("foo()", "()"), ("(i)(1)", "(1)"),
    ('col("id")(1)', "(1)"), ("i == 1_", "== 1_"), ("i == 0x_1", "x_1"), ("0xG", "xG"), ("0x", "x"),
    ("0x1g", "g"), ("1.0e", "e"), ("1.5.5", ".5"), ("1j", "j"), ("0b2", "b2"), ("0o8", "o8"),
    ("0xffffffffffffffff", "xffffffffffffffff"), ("1e+", "e+"), ("01e5", "01e5"), ("i == 00", "== 00"),
    ("i == 0_0", "== 0_0"), ("1_.5", "1_.5"), ("1.5_", ".5_"), ("1e_5", "e_5"), ("1e5_", "e5_"),
    ("0x1_", "x1_"), ("0x__1", "x__1"), ("0o_7", "o_7"), ("9223372036854775808", "9223372036854775808"),
    ("-9223372036854775808", "-9223372036854775808"), ("Trueand b", "b"), ("Noneor b", "b"), ("and b", "b"),
    ("(", "("), (")", ")"), ("()", "()"), ("(b", "(b"), ("b)", ")"), ("((b)", "((b)"), ("i == 1 and", "and"),
    ("i == 1 ==", "=="), ("i ==", "=="), ("i >< 1", ">< 1"), ("i => 1", "=> 1"), ("i === 1", "=== 1"),
    ("i !== 1", "!== 1"), ("i ! = 1", "! = 1"), ("i < = 1", "< = 1"), ("i == = 1", "== = 1"),
    ("i ** * 2 > 0", "** * 2 > 0"), ("i // / 2 > 0", "// / 2 > 0"), ("i */ 2 > 0", "*/ 2 > 0"),
    ("i ^ 1", "^ 1"), ("i << 1", "<< 1"), ("i @ i", "@ i"), ("i, i", ", i"), ("{i}", "{i}"), ("i;", ";"),
    ("$i", "$i"), ("b\\", "\\"), ("[]", "[]"), ("[1,]", "[1,]"), ("(1,)", "(1,)"),
    ('startswith(s, "a",)', '(s, "a",)'), ('col("i", )', '("i", )'), ('col("")', '("")'),
    ('startswith("abc", "")', '("abc", "")'), ("b and(b)", "and(b)"), ("b and-i", "and-i"),
    ("(b)or(b)", "or(b)"), ("1 if(b)else 2", "if(b)else 2"), ("1 if b else(2)", "if b else(2)"),
    ("b andnot b", "andnot b"), ("i==1 andb", "andb"), ("not == 7", "not == 7"), ("(not == 7)", "(not == 7)"),
    ("1 if False else 2 if False else 3", "if False else 3"), ("1 if True", "if True"), ("é", "é"),
    ('s == b"apple"', '"apple"'), ('s == u"apple"', '"apple"'), ('s == f"apple"', '"apple"'),
    ('s == "app" "le"', '"le"'), ('s == """apple"""', '== """apple"""'), ('s == "app\\u006ce"', '== "app\\u006ce"'),
    ('s == "app\\lle"', '== "app\\lle"'), ('s == "a', '== "a'), ('"\\a"', '"\\a"'), ('"\\N{DASH}"', '"\\N{DASH}"'),
    ('r"\\""', '"'), ("rb\"x\"", '"x"'), ("'it''s'", "'s'"), ("b\x0band b", "\x0band b"),
    ("b\u00a0and b", "\u00a0and b"), ("", ""), ("   ", ""), ("\t", ""), ("b\\\nand b", "\\\nand b"),
]


@pytest.mark.parametrize("text,rest", MLTABLE_UNCONSUMED)
def test_parse_error_stops_where_mltable_does(text, rest):
    assert unconsumed(text) == rest


# Expressions real mltable parses (some then fail at run time, which is not the parser's business).
MLTABLE_ACCEPTS = [
    "i > 1", "0 < i < 3", "i == -1 + 2", "i == +1", "i == - - 1", "f == 1.", "f == 1.5e0", "f == 15e-1",
    "f == 1_0", "i == 1__0", "i == 0x1", "i == 0X1", "i == 0o1", "i == 0b1", "i == 0B1", "i == 1e0",
    "i == 1.e0", "i == 1e+0", "i == 007.5", "f == 00.5", "0_0.5", "1e1_0", "0123.5", "1_0.5 == 10.5",
    "1.5_0 == 1.5", "0x7fffffffffffffff", "9223372036854775807", "1e400", "s == r'apple'", 's == R"apple"',
    's == "app\\x6ce"', "s == 'app\\'le'", 's == "ap\\tple"', '"\\101"', '"\\0"', '"\\f"', '"\\r"', '"\\X41"',
    'r"a\\"', '"日本"', '"a\nb"', "i.real == 1", "s[\"x\"]", "s.startswith", "s.x.y", "not b", "notb", "not-1", "not  b", "not\tb", "not\nb", "i==1and b", "1if True else 2", "_x", "x1",
    "col", "datetime", "startswith", "None", "True", "Truex", "None_a", "b and and", "and", "or", "if", "else",
    "else == 1", "1 if if else else", "b or or", "b and or", "not and", "b and not", "b and not ", "not not not b",
    "(" * 150 + "b" + ")" * 150, "-" * 150 + "1", "i ++ 1 > 0", "i +- 1", "i**-1 > 0", "[1]", "[1, 'a']",
    "[[1]]", "(1, 2)", "[1 if True else 2]", "1 if (1 if b else 2) else 3", "startswith (s, 'a')",
    "s . startswith('a')", "s.startswith ('a')", "s.startswith()", "2020 .datetime(1, 1)", "col( 'i' ) == 1",
    "col ('i')", "1._5", "b\r\nand b", "\nb\n", " b ", "\u3000b\u3000", "__class__", "__import__",
]


@pytest.mark.parametrize("text", MLTABLE_ACCEPTS)
def test_mltable_accepts(text):
    parse_filter(text)


def test_shapes_and_precedence():
    I, B = ast.Column("i"), ast.Column("b")
    one, two = ast.IntLit(1), ast.IntLit(2)
    assert parse_filter("-2 ** 2") == ast.Unary("-", ast.Binary("**", two, two))
    assert parse_filter("2 ** 3 ** 2") == ast.Binary("**", ast.IntLit(2), ast.Binary("**", ast.IntLit(3), two))
    assert parse_filter("2 ** -1") == ast.Binary("**", two, ast.Unary("-", one))
    assert parse_filter("10 - 4 - 3") == ast.Binary("-", ast.Binary("-", ast.IntLit(10), ast.IntLit(4)),
                                                    ast.IntLit(3))
    assert parse_filter("1 + 2 * 3") == ast.Binary("+", one, ast.Binary("*", two, ast.IntLit(3)))
    assert parse_filter("0 < i < 3") == ast.Compare("<", ast.Compare("<", ast.IntLit(0), I), ast.IntLit(3))
    assert parse_filter("not i == 1 and b") == ast.BoolOp("and", (ast.Unary("not", ast.Compare("==", I, one)), B))
    assert parse_filter("True or False and False") == ast.BoolOp(
        "or", (ast.BoolLit(True), ast.BoolOp("and", (ast.BoolLit(False), ast.BoolLit(False)))))
    assert parse_filter("b or b or b") == ast.BoolOp("or", (B, B, B))
    assert parse_filter("True or False if False else False") == ast.IfElse(
        ast.BoolOp("or", (ast.BoolLit(True), ast.BoolLit(False))), ast.BoolLit(False), ast.BoolLit(False))
    assert parse_filter('s.startswith("a")') == parse_filter('startswith(s, "a")') == \
        parse_filter('s.starts_with("a")')
    assert parse_filter('col("a b")') == ast.Column("a b")
    assert parse_filter('col("i" if True else "x")') == I
    assert parse_filter("col(i)") == ast.Call("col", (I,))
    assert parse_filter("(1, 2)") == parse_filter("[1, 2]") == ast.ListLit((one, two))
    assert parse_filter("((b))") == B
    assert parse_filter('st["y"]') == parse_filter("st.y") == ast.Field(ast.Column("st"), ast.StrLit("y"))
    assert parse_filter("1._5") == ast.Field(one, ast.StrLit("_5"))
    assert parse_filter("not-1") == ast.Binary("-", ast.Column("not"), one)
    assert parse_filter("None == 5") == ast.Compare("==", ast.NoneLit(), ast.IntLit(5))
    assert parse_filter("1__0") == ast.IntLit(10) and parse_filter("0x1_0") == ast.IntLit(16)
    assert parse_filter("1e400") == ast.FloatLit(math.inf)
    assert parse_filter('"\\101\\x41\\X41\\0"') == ast.StrLit("AAA\0")
    assert parse_filter('r"\\n"') == ast.StrLit("\\n")


@pytest.mark.parametrize("text,phrase", [
    ("foo(i)", 'NameNotFound { identifier: "foo" }'), ("len(s) == 5", "NameNotFound"),
    ('__import__("os")', "NameNotFound"), ('eval("1")', "NameNotFound"), ('exec("x = 1")', "NameNotFound"),
    ('os.system("ls")', 'identifier: "system"'), ("s.lower()", "NameNotFound"), ("x.col()", 'identifier: "col"'),
    ('col("i", "j")', 'identifier: "col"'), ("not(b)", 'identifier: "not"'), ("s[0]", "RecordFieldInvalidKind"),
    ("col(1)", "RecordFieldInvalidKind"), ("col(None)", 'RecordFieldInvalidKind { value: "Null" }'),
    ("col(1/0)", "RecordFieldInvalidKind"), ("[1][0]", "RecordFieldInvalidKind"),
    ("import os", PARSE), ("lambda: 1", PARSE), ("__import__('os').system('ls')", "NameNotFound"),
    ("(lambda: 1)()", PARSE), ("[x for x in y]", PARSE), ("{'a': 1}", PARSE), ("a if b", PARSE),
])
def test_unsupported_python_is_rejected_without_running_anything(text, phrase, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the filter language must never eval/exec")
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    with pytest.raises(BaseUserError) as info:
        parse_filter(text)
    assert info.value.error_code == ErrorCode.VALIDATION
    assert phrase in info.value.message and PARSE in info.value.message


def test_attribute_access_and_dunders_never_reach_python_objects():
    frame = pl.DataFrame({"id": [1], "s": ["x"], "i": [1]})
    for text in ["i.real == 1", "s.__class__ == 1", "s.__len__ == 1", "i.__class__.__bases__ == 1"]:
        with pytest.raises(ExecutionError) as info:
            kept_ids(frame, text)
        assert info.value.error_code == TRANSFORMATION_UNEXPECTED
        assert "GetFieldOfNonRecord" in info.value.message
    # a dunder *name* is just a column that does not exist: null, so no rows
    assert kept_ids(frame, "__class__ == 1 or __import__ == 1") == []


def test_error_messages_say_what_and_where():
    with pytest.raises(BaseUserError) as info:
        parse_filter("a > 1 && b")
    message = info.value.message
    assert "'&& b'" in message and "character 7" in message and "use 'and'" in message
    assert info.value.error_code == ErrorCode.VALIDATION
    with pytest.raises(BaseUserError) as info:
        parse_filter("x == .5")
    assert "0.5, not .5" in info.value.message
    with pytest.raises(BaseUserError) as info:
        parse_filter("x in [1]")
    assert "'in' and 'is' are not supported" in info.value.message
    with pytest.raises(BaseUserError) as info:
        parse_filter('s == "\ud800"')
    assert PARSE in info.value.message and "surrogate" in info.value.message
    with pytest.raises(BaseUserError) as info:
        parse_filter('"\\x4"')
    assert PARSE in info.value.message and "\\x" in info.value.message


def test_size_limits_raise_user_errors():
    parse_filter("(" * (MAX_NESTING - 1) + "b" + ")" * (MAX_NESTING - 1))
    parse_filter("(" * 150 + "b" + ")" * 150)
    for text in ["(" * 5000 + "b" + ")" * 5000, "-" * 20000 + "1", "not " * 20000 + "b", "2 ** " * 20000 + "1",
                 "+".join(["1"] * (MAX_TREE_DEPTH + 5)), "[" * 3000 + "1" + "]" * 3000, "x" * 1_000_001]:
        with pytest.raises(BaseUserError) as info:
            parse_filter(text)
        assert PARSE in info.value.message


def test_long_or_chains_stay_flat_and_compile():
    text = " or ".join(f"i == {k}" for k in range(3000))
    node = parse_filter(text)
    assert isinstance(node, ast.BoolOp) and len(node.operands) == 3000
    frame = pl.DataFrame({"id": list(range(5000)), "i": list(range(5000))})
    assert kept_ids(frame, text) == list(range(3000))
    assert kept_ids(frame, " and ".join(f"i != {k}" for k in range(3000))) == list(range(3000, 5000))


def test_referenced_columns():
    node = parse_filter('a > 1 and col("b c") == "x" or st.f == 2 or col(k) == 1 or startswith(s, t)')
    assert referenced_columns(node) == frozenset({"a", "b c", "st", "k", "s", "t"})
    assert referenced_columns(parse_filter("True")) == frozenset()


def test_to_text_is_canonical():
    cases = {
        "a>1 and (b<2 or c)": "a > 1 and (b < 2 or c)",
        'col( "x y" )==1': 'col("x y") == 1',
        "s.starts_with('a')": 'startswith(s, "a")',
        "(-2) ** 2": "(-2) ** 2",
        "- 2 ** 2": "-2 ** 2",
        "a - (b - c)": "a - (b - c)",
        "(a - b) - c": "a - b - c",
        "a < (b < c)": "a < (b < c)",
        "(1, 2)": "[1, 2]",
        'st["y z"]': 'st["y z"]',
        "(1).x": "(1).x",
        "1e400 > f": "1e999 > f",
        "col('and') == col('None')": 'col("and") == col("None")',
        "x if (a if b else c) else y": "x if (a if b else c) else y",
        "'a\\n\\x01\"'": '"a\\n\\x01\\""',
    }
    for text, canonical in cases.items():
        assert to_text(parse_filter(text)) == canonical
        assert parse_filter(canonical) == parse_filter(text)


# --- semantics on constants (values observed with mltable) ----------------------------------------

NAN = float("nan")
MLTABLE_VALUES = [
    ("7 + 2.5", 9.5), ("7 / 7", 1.0), ("7 // 2", 3), ("-3 // 2", -1), ("3 // -2", -1), ("4 % -3", -2),
    ("-4 % 3", 2), ("7.5 // -2", -4.0), ("-7.5 % 2", 0.5), ("1 // 0.1", 10.0), ("1 % 0.1", 0.0),
    ("-3 // 1e400", -0.0), ("3 % 1e400", NAN), ("0 ** -1", math.inf), ("(-8) ** (1/3)", NAN),
    ("2 ** 3 ** 2", 512.0), ("-2 ** 2", -4.0), ("2 ** 0.5", 2 ** 0.5), ("9223372036854775807 + 1", -2 ** 63),
    ("9223372036854775807 * 2", -2), ("-(-9223372036854775807 - 1)", -2 ** 63), ("1e308 * 10", math.inf),
    ('"a" + "a"', "aa"), ("+'x'", "x"), ("+True", True), ("-None", None), ("None + 1", None),
    ("True + None", None), ("'a' + None", None), ("None == None", None), ("1 == None", None),
    ("not None", None), ("None and True", None), ("None and False", None), ("None or True", True),
    ("None or False", None), ("True and None", None), ("False and None", False), ("False or None", None),
    ("None or 1", None), ("None and 1", None), ("None and (1/0)", None), ("True or (1/0)", True),
    ("False and (1/0)", False), ("(1/0) or True", True), ("1 or True", True), ("'x' or True", True),
    ("1 if None else 2", 2), ("1 if (1/0) else 2", 2), ("(1/0) if False else 2", 2),
    ("True < 1", True), ("1 < 'a'", True), ("'a' < datetime(2020, 1, 1)", True), ("True == 1", False),
    ("1 == 1.0", True), ("1.5 > True", True), ("'a' != 1", True), ("[1] == [1]", True), ("[1] < 1", False),
    ("[1] > 'a'", True), ("[None] < [1]", True), ("[1] < [None]", False), ("[None] == [None]", True),
    ("[1.0] == [1]", True), ("[1e400 * 0] == [1e400 * 0]", False), ("1e400 * 0 == 1e400 * 0", False),
    ("1e400 * 0 != 1e400 * 0", True), ("1e400 * 0 < 'a'", False), ("1e400 * 0 != 'a'", True),
    ("9007199254740993 == 9007199254740992.0", False), ("9007199254740993 > 9007199254740992.0", True),
    ("0.0 == -0.0", True), ("'é' > 'z'", True), ("'B' < 'a'", True),
    ("datetime(2020, 1) == datetime(2020, 1, 1)", True), ("datetime(2020, 1, 1, 0, 0, 0, 1000000000) == "
                                                         "datetime(2020, 1, 1, 0, 0, 1)", True),
    ('datetime("2020", "2.9", " 3 ") == datetime(2020, 2, 3)', True), ('datetime("2e3") == datetime(2000)', True),
    ("startswith('abc', 'ab')", True), ("'abc'.startswith('abcd')", False),
]


@pytest.mark.parametrize("text,expected", MLTABLE_VALUES)
def test_constant_values(text, expected):
    value = evaluate(parse_filter(text), {})
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(value, float) and math.isnan(value)
    else:
        assert value == expected and type(value) is type(expected), value
        if isinstance(expected, float) and expected == 0:
            assert math.copysign(1, value) == math.copysign(1, expected)


MLTABLE_ERRORS = [
    ("True + 7", "ValueWrongKind", "Boolean(true)"), ("7 + 'a'", "ValueWrongKind", 'String("a")'),
    ("'a' + 7", "ValueWrongKind", "Int64(7)"), ("'a' + True", "ValueWrongKind", "Boolean(true)"),
    ("datetime(2020, 1, 1) + 'a'", "ValueWrongKind", "DateTime(2020-01-01T00:00:00Z)"),
    ("'a' - 1", "NumericValueRequired", 'String("a")'), ("7 * True", "NumericValueRequired", "Boolean(true)"),
    ("-'x'", "NumericValueRequired", 'String("x")'), ("1 / 0", "DivisorMustNotBeZero", "Int64(0)"),
    ("1.5 % 0.0", "DivisorMustNotBeZero", "Float64(0.0)"), ("not 1", "BooleanOpOnInvalidKind", "Int64(1)"),
    ("1 and True", "BooleanOpOnInvalidKind", "Int64(1)"), ("True and 1", "BooleanOpOnInvalidKind", "Int64(1)"),
    ("1 or False", "BooleanOpOnInvalidKind", "Int64(1)"), ("False or 1", "BooleanOpOnInvalidKind", "Int64(1)"),
    ("1 or 'x'", "BooleanOpOnInvalidKind", "Int64(1)"), ("1 or (1/0)", "DivisorMustNotBeZero", "Int64(0)"),
    ("(-'x') or (1/0)", "NumericValueRequired", 'String("x")'), ("None or (1/0)", "DivisorMustNotBeZero", ""),
    ("1 and (1/0)", "BooleanOpOnInvalidKind", "Int64(1)"), ("(1/0) == None", "DivisorMustNotBeZero", ""),
    ("1 if 1 else 2", "BooleanOpOnInvalidKind", "Int64(1)"), ("startswith(None, 'a')", "ValueWrongKind", "Null"),
    ("startswith(1, None)", "ValueWrongKind", "Int64(1)"), ("startswith((1/0), 'a')", "ValueWrongKind", "Error("),
    ("startswith('a', 'a', 'a')", "InvokedFunctionWithWrongNumberOfArguments", "Null"),
    ("datetime(2020, 13, 1)", "InvalidYMD", "List([Int64(2020), Int64(13), Int64(1)])"),
    ("datetime(2020, 2, 30)", "InvalidYMD", ""), ("datetime(2020, 1, 1, 0, 60)", "InvalidHMS", ""),
    ("datetime(2020, 1, 1, 0, 0, 0, -1)", "InvalidHMS", ""), ("datetime(2020.0)", "InvalidDateTimePartValue", ""),
    ("datetime(True)", "InvalidDateTimePartValue", ""), ("datetime('0x10')", "InvalidDateTimePartValue", ""),
    ("datetime(262144)", "InvalidYMD", ""), ("datetime(1, 1, 1, 1, 1, 1, 1, 1)",
                                              "InvokedFunctionWithWrongNumberOfArguments", ""),
    ("'s'.x", "GetFieldOfNonRecord", 'String("s")'), ("None.x", "GetFieldOfNonRecord", "Null"),
    ("'s'.x.y", "GetFieldOfNonRecord", "Error("), ("[1] + [2]", "ValueWrongKind", "List([Int64(1)])"),
]


@pytest.mark.parametrize("text,code,source", MLTABLE_ERRORS)
def test_constant_errors(text, code, source):
    value = evaluate(parse_filter(text), {})
    assert isinstance(value, ErrorValue) and value.code == code and source in value.source, value


def test_datetime_range_and_values():
    assert make_datetime([1969, 12, 31, 23, 59, 59, 999999999]) == DateTime(-1)
    assert make_datetime([262143, 12, 31]).ns > 0 and make_datetime([-262144, 1, 1]).ns < 0
    assert isinstance(make_datetime([-262145, 1, 1]), ErrorValue)
    assert make_datetime(["nan"]) == make_datetime([0])


# --- compiled predicates on typed frames ------------------------------------------------------------

def test_plain_filters_compile_to_plain_polars():
    # no Python callback unless an error is possible
    for text in ["i > 1", "b and not nb", 'd > datetime(2020, 1, 1)', "f / 2 > 1 or s == 'x'", "zz == 1"]:
        expr = compile_filter(parse_filter(text), BASIC.schema)
        assert "python_udf" not in str(expr) and "map" not in str(expr).lower(), text
    expr = compile_filter(parse_filter("i / n > 1"), BASIC.schema)
    assert "python_udf" in str(expr) or "map" in str(expr).lower()


def test_runtime_errors_keep_mltable_classes_in_eager_and_lazy_polars():
    frame = load_frame("filter_divzero.csv")
    for lazy in (False, True):
        with pytest.raises(ExecutionError) as info:
            kept_ids(frame, "num / den > 1", lazy=lazy)
        exc = info.value
        assert type(exc).__name__ == "ExecutionError"
        assert exc.error_code == TRANSFORMATION_UNEXPECTED
        assert "DivisorMustNotBeZero" in exc.message and "row 1" in exc.message
        assert "This error occurred" not in exc.message
        with pytest.raises(BaseUserError) as info:
            kept_ids(frame, "num + 1", lazy=lazy)
        assert type(info.value).__name__ == "UserErrorException"
        assert info.value.error_code == ErrorCode.VALIDATION
        assert "Value cast error. Expected 'Boolean', got 'Int64'. Int64(8)" in info.value.message


def test_errors_only_raise_for_rows_that_produce_them():
    frame = load_frame("filter_divzero.csv")
    assert kept_ids(frame.head(1), "num / den > 1") == [1]
    assert kept_ids(frame.head(0), "num / den > 1") == []
    assert kept_ids(frame, "den == 0 or num / den > 1") == [1, 2]
    assert kept_ids(frame, "den != 0 and num / den > 1") == [1]
    assert kept_ids(frame, "True or num / den > 1") == [1, 2]
    assert kept_ids(frame.head(0), "startswith(1)") == []  # an error on every row, but there are none
    nulls = pl.DataFrame({"id": [1], "a": pl.Series([None], dtype=pl.Int64), "z": [0]})
    assert kept_ids(nulls, "a / z > 1 or a // z > 1 or a % z > 1") == []  # null / 0 is null, not an error
    with pytest.raises(ExecutionError):
        kept_ids(frame, "startswith(1)")


def test_first_offending_row_is_reported():
    frame = pl.DataFrame({"id": [1, 2, 3, 4], "a": [1, 2, 0, 0], "s": ["x", "y", None, "z"]})
    with pytest.raises(ExecutionError) as info:
        kept_ids(frame, "a == 2 or (1 / a > 0 and startswith(s, 'x'))")
    assert "DivisorMustNotBeZero" in info.value.message and "row 2" in info.value.message
    with pytest.raises(ExecutionError) as info:
        kept_ids(frame, "1 / a > 0 or startswith(s, 'x')")
    assert "DivisorMustNotBeZero" in info.value.message and "row 2" in info.value.message
    with pytest.raises(BaseUserError) as info:  # mltable reclassifies ValueWrongKind as a user error
        kept_ids(frame, "startswith(s, 'x') or 1 / a > 0")
    assert type(info.value).__name__ == "UserErrorException"
    assert info.value.error_code == TRANSFORMATION_UNEXPECTED
    assert "ValueWrongKind" in info.value.message and "Null" in info.value.message


def test_datetime_columns_of_every_unit_and_zone():
    import datetime as dt
    times = [dt.datetime(2020, 1, 1, 12), dt.datetime(1500, 1, 1), dt.datetime(2020, 1, 1, 12, 0, 0, 1), None]
    for unit in ("ns", "us", "ms"):
        values = times if unit != "ns" else [times[0], None, times[2], None]
        frame = pl.DataFrame({"id": [1, 2, 3, 4], "t": pl.Series(values, dtype=pl.Datetime(unit))})
        ids_eq = kept_ids(frame, "t == datetime(2020, 1, 1, 12)")
        assert ids_eq == ([1] if unit != "ms" else [1, 3])  # a ms column cannot hold the extra microsecond
        assert kept_ids(frame, "t > datetime(2020, 1, 1, 12, 0, 0, 500)") == ([3] if unit != "ms" else [])
        assert kept_ids(frame, "t >= datetime(1000)") == [k for k in (1, 2, 3) if values[k - 1] is not None]
        assert kept_ids(frame, "t < datetime(262143)") == [k for k in (1, 2, 3) if values[k - 1] is not None]
        assert kept_ids(frame, "t != datetime(2020, 1, 1, 12, 0, 0, 1)") == \
            [k for k in (1, 2, 3) if values[k - 1] is not None]  # nothing lands on that nanosecond
    zoned = pl.DataFrame({"id": [1], "t": pl.Series([dt.datetime(2020, 1, 1, 12)], dtype=pl.Datetime("us"))})
    zoned = zoned.with_columns(pl.col("t").dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo"))
    assert kept_ids(zoned, "t == datetime(2020, 1, 1, 21)") == [1]  # local wall-clock time
    # ... at the zone's offset of 1970, whatever the date: no daylight saving, no later changes
    summer = pl.DataFrame({"id": [1], "t": pl.Series([dt.datetime(2020, 7, 1, 12)], dtype=pl.Datetime("us"))})
    summer = summer.with_columns(pl.col("t").dt.replace_time_zone("UTC"))
    paris = summer.with_columns(pl.col("t").dt.convert_time_zone("Europe/Paris"))
    assert kept_ids(paris, "t == datetime(2020, 7, 1, 13)") == [1]
    singapore = summer.with_columns(pl.col("t").dt.convert_time_zone("Asia/Singapore"))
    assert kept_ids(singapore, "t == datetime(2020, 7, 1, 19, 30)") == [1]
    assert kept_ids(singapore, "[t] == [datetime(2020, 7, 1, 19, 30)]") == [1]  # the row-wise path too
    dates = pl.DataFrame({"id": [1, 2], "day": pl.Series([dt.date(2020, 1, 1), dt.date(1, 1, 1)])})
    assert kept_ids(dates, "day == datetime(2020, 1, 1)") == [1]
    assert kept_ids(dates, "day < datetime(2020, 1, 1, 0, 0, 0, 1)") == [1, 2]
    assert kept_ids(dates, "day > datetime(2019, 12, 31, 23)") == [1]
    both = pl.DataFrame({"id": [1, 2], "a": pl.Series([dt.date(2020, 1, 1)] * 2),
                         "b": pl.Series([dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 2)], dtype=pl.Datetime("ms"))})
    assert kept_ids(both, "a == b") == [1] and kept_ids(both, "a < b") == [2]


def test_column_types_that_occur():
    import datetime as dt
    import decimal
    frame = pl.DataFrame({
        "id": [1, 2, 3],
        "i8": pl.Series([1, None, -3], dtype=pl.Int8), "u64": pl.Series([1, 2, 3], dtype=pl.UInt64),
        "f32": pl.Series([1.5, None, 2.0], dtype=pl.Float32),
        "dec": pl.Series([decimal.Decimal("1.50"), None, decimal.Decimal("-2")], dtype=pl.Decimal(10, 2)),
        "cat": pl.Series(["a", "b", None], dtype=pl.Categorical), "nul": pl.Series([None] * 3, dtype=pl.Null),
        "lst": pl.Series([[1, 2], [], None], dtype=pl.List(pl.Int64)),
        "st": pl.Series([{"x": 1, "y": "a"}, {"x": None, "y": "b"}, {"x": 3, "y": None}]),
        "bin": pl.Series([b"ab", b"", None]), "dur": pl.Series([dt.timedelta(1), None, None]),
    })
    assert kept_ids(frame, "i8 < 0") == [3]
    assert kept_ids(frame, "u64 % 2 == 1") == [1, 3]
    assert kept_ids(frame, "f32 == 1.5 or f32 // 1 == 2") == [1, 3]
    assert kept_ids(frame, "dec == 1.5 or dec < -1") == [1, 3]
    assert kept_ids(frame, "id < 3 and startswith(cat, 'a') or cat == 'b'") == [1, 2]
    assert kept_ids(frame, "nul == 1 or not nul") == []
    assert kept_ids(frame, "lst == [1, 2] or lst > [0]") == [1]
    assert kept_ids(frame, "lst < [1]") == [2]
    assert kept_ids(frame, "st.x == 1 or st['y'] == 'b'") == [1, 2]
    assert kept_ids(frame, "st > lst and st != 1") == [1, 2]
    assert kept_ids(frame, "bin == bin and bin < [1] and bin > datetime(2020)") == [1, 2]


# --- properties --------------------------------------------------------------------------------------

GRAMMAR_CHARS = list("()[]'\"\\ \t\n.,+-*/%<>=!&|~`#_0123456789abdefxXoOrRnN{}é") + \
    ["not ", "and ", "or ", "if ", "else ", "True", "False", "None", "col(", "datetime(", "startswith(", "**", "//"]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(st.characters(exclude_categories=[]), max_size=20),
                 st.lists(st.sampled_from(GRAMMAR_CHARS), max_size=40).map("".join)))
def test_parser_only_ever_raises_user_errors(text):
    try:
        node = parse_filter(text)
    except BaseUserError as exc:
        assert exc.error_code == ErrorCode.VALIDATION and PARSE in exc.message
        return
    assert parse_filter(to_text(node)) == node
    try:  # and what parses compiles, and runs without anything but mltable's errors
        kept_ids(BASIC, text)
    except FILTER_ERRORS:
        pass


FRAME_COLUMNS = {
    "i": pl.Series([1, -4, 0, None, 7, 2], dtype=pl.Int64),
    "f": pl.Series([1.5, NAN, 0.0, -0.0, None, 2.0], dtype=pl.Float64),
    "s": pl.Series(["apple", "Apple", None, "b", "", "7"], dtype=pl.String),
    "b": pl.Series([True, False, None, True, False, True], dtype=pl.Boolean),
    "d": pl.Series([0, 10 ** 18, None, -10 ** 18, 1577836800 * 10 ** 6, 1], dtype=pl.Int64).cast(pl.Datetime("us")),
    "e": pl.Series([None] * 6, dtype=pl.Null),
    "day": pl.Series([0, 18262, None, -1, 1, 18262], dtype=pl.Int32).cast(pl.Date),
    "st": pl.Series([{"x": 1, "y": "a"}, {"x": None, "y": "7"}, None, {"x": 2, "y": None}, {"x": 1, "y": "a"},
                     {"x": 0, "y": "b"}]),
    "lst": pl.Series([[1, 2], [], None, [None], [1], [0, 5]], dtype=pl.List(pl.Int64)),
}
FRAME = pl.DataFrame({"id": list(range(6)), **FRAME_COLUMNS})


def _literals():
    return st.one_of(
        st.integers(0, 9).map(ast.IntLit), st.sampled_from([0.0, 0.5, 2.0, 1e400]).map(ast.FloatLit),
        st.sampled_from(["a", "apple", "7", "A"]).map(ast.StrLit), st.booleans().map(ast.BoolLit),
        st.just(ast.NoneLit()),
        st.just(ast.Call("datetime", (ast.IntLit(2020), ast.IntLit(1), ast.IntLit(1)))))


def _expressions(leaves=None):
    leaves = leaves or st.one_of(_literals(), st.sampled_from(sorted(FRAME_COLUMNS) + ["zz"]).map(ast.Column))

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(["-", "+", "not"]), children).map(lambda t: ast.Unary(*t)),
            st.tuples(st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), children, children)
            .map(lambda t: ast.Binary(*t)),
            st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), children, children)
            .map(lambda t: ast.Compare(*t)),
            st.tuples(st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3))
            .map(lambda t: ast.BoolOp(t[0], tuple(t[1]))),
            st.tuples(children, children, children).map(lambda t: ast.IfElse(*t)),
            st.tuples(children, children).map(lambda t: ast.Call("startswith", t)),
            st.lists(children, min_size=1, max_size=2).map(lambda items: ast.ListLit(tuple(items))),
            st.tuples(children, st.sampled_from(["x", "y", "z"])).map(lambda t: ast.Field(t[0], ast.StrLit(t[1]))),
            st.lists(children, min_size=1, max_size=3).map(lambda args: ast.Call("datetime", tuple(args))),
            children.map(lambda arg: ast.Call("col", (ast.BoolOp("or", (ast.Column("s"), arg)),))),
        )
    return st.recursive(leaves, extend, max_leaves=8)


def _row_values(frame):
    """Each row as language values (datetimes via integers: Python datetimes stop at year 9999)."""
    datetimes = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)]
    factors = {name: {"ns": 1, "us": 1000, "ms": 10 ** 6}[frame.schema[name].time_unit] for name in datetimes}
    rows = frame.with_columns(pl.col(datetimes).cast(pl.Int64)).to_dicts()
    return [{name: (DateTime(value * factors[name]) if name in factors and value is not None else from_python(value))
             for name, value in row.items()} for row in rows]


def _reference_outcome(node, frame):
    """What mltable does, per the reference evaluator: kept ids, or the first offending row's error."""
    kept = []
    for index, values in enumerate(_row_values(frame)):
        verdict = keeps_row(node, values)
        if verdict is True:
            kept.append(values["id"])
        elif verdict is not False:
            if isinstance(verdict, ErrorValue):
                return ("error", TRANSFORMATION_UNEXPECTED, verdict.code, index)
            return ("error", ErrorCode.VALIDATION, "Value cast error", index)
    return ("ids", kept)


def _compiled_outcome(node, frame):
    try:
        return ("ids", frame.filter(compile_filter(node, frame.schema))["id"].to_list())
    except FILTER_ERRORS as exc:
        # a Value cast error may show error values inside the value it got (a list holding one)
        code = None if exc.message.startswith("Value cast error") else re.search(r'ErrorValues\.(\w+)"', exc.message)
        row = int(re.search(r"row (\d+)", exc.message).group(1))
        return ("error", exc.error_code, code.group(1) if code else "Value cast error", row)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_expressions())
def test_compiled_filters_agree_with_the_reference_evaluator(node):
    assert _compiled_outcome(node, FRAME) == _reference_outcome(node, FRAME), to_text(node)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_expressions())
def test_to_text_round_trips(node):
    text = to_text(node)
    parsed = parse_filter(text)
    assert parsed == node, text
    assert parse_filter(to_text(parsed)) == parsed


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          deadline=None)
@given(_expressions())
def test_not_keeps_exactly_the_false_rows(node):
    reference = _reference_outcome(node, FRAME)
    assume(reference[0] == "ids")
    false_ids = [values["id"] for values in _row_values(FRAME) if evaluate(node, values) is False]
    assert _compiled_outcome(ast.Unary("not", node), FRAME) == ("ids", false_ids), to_text(node)
