"""Random differential campaign: tablekit against live mltable on generated tables.

The recorded fixtures (tools/record_mltable.py) pin the behaviours we know of;
this looks for the ones we don't.  It writes random small CSV and JSON-lines
files, each with a random chain of reads and transformations, runs every case
under real mltable (the reference venv, .ref/) and under tablekit, and prints
the cases whose outcomes differ (columns, dtypes, values, or error class and
error_code; messages are not compared).

    .venv/bin/python tools/fuzz_differential.py --cases 300 --seed 1
    .venv/bin/python tools/fuzz_differential.py --cases 50 --kind jsonl --keep /tmp/fuzz

A difference found this way becomes a named case in tests/differential/cases
(with its data in tests/data), recorded like every other case.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PYTHON = ROOT / ".ref" / "bin" / "python"

# -- CSV cells --------------------------------------------------------------------

CELLS = {
    "int": ["0", "7", "-12", "+3", "007", " 42 ", "-0", "9223372036854775807", "9223372036854775808", "", "1e3"],
    "float": ["1.5", ".5", "5.", "-2.25", "1e-3", "2E5", "NaN", "nan", "inf", "-Infinity", "", "3", " 4.5 "],
    "bool": ["true", "false", "True", "FALSE", "1", "0", "t", "f", "T", "F", "Y", "N", "yes", ""],
    "date": ["2021-01-02", "2021-01-02 10:20:30", "2021-01-02T10:20:30.123", "01/02/2021", "2021/01/02",
             "2021-01-02T10:20:30Z", "2021-01-02 10:20:30+02:00", "01/02/2021 10:20 PM", "2021-13-45", "",
             "2021-01-02T10:20", "1/2/2021 10:20:30"],
    "str": ["abc", "x y", "a,b", 'say "hi"', "é", "", "  pad  ", "null", "None", "NA", "-", "#", "two\nlines"],
}
KINDS = list(CELLS)


def _quote(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv_cell(rng: random.Random, kind: str) -> str:
    if rng.random() < 0.07:  # a value of another kind
        kind = rng.choice(KINDS)
    return rng.choice(CELLS[kind])


def _csv_file(rng: random.Random, names, kinds, rows: int, delimiter: str, header: bool, ragged: bool) -> str:
    lines = [delimiter.join(_quote(n, delimiter) for n in names)] if header else []
    for _ in range(rows):
        cells = [_quote(_csv_cell(rng, k), delimiter) for k in kinds]
        if ragged and rng.random() < 0.1:
            cells = cells[:-1] if rng.random() < 0.5 else cells + ["extra"]
        lines.append(delimiter.join(cells))
    ending = rng.choice(["\n", "\n", "\r\n"])
    return ending.join(lines) + (ending if rng.random() < 0.8 else "")


def csv_case(rng: random.Random, folder: Path, name: str) -> str:
    width = rng.randint(1, 4)
    names = [rng.choice(["a", "b", "c", "d", "Col 1", "x"]) + str(i) for i in range(width)]
    kinds = [rng.choice(KINDS) for _ in range(width)]
    delimiter = rng.choice([",", ",", ";", "\t", "|"])
    header = rng.choice(["all_files_same_headers", "all_files_same_headers", "no_header", "from_first_file",
                         "all_files_different_headers"])
    files = []
    encoding = rng.choice(["utf-8"] * 8 + ["latin-1", "utf-16"])
    for i in range(rng.choice([1, 1, 1, 2])):
        rows = rng.choice([0, 1, 3, 8, 15, 15, 205])
        path = folder / f"{name}_{i}.csv"
        path.write_text(_csv_file(rng, names, kinds, rows, delimiter, header != "no_header",
                                  ragged=rng.random() < 0.15), encoding=encoding, newline="")
        files.append({"file": path.name})
    args = [f"header={header!r}", f"delimiter={delimiter!r}"]
    if encoding != "utf-8":
        args.append("encoding='latin1'" if encoding == "latin-1" else "encoding=mltable.MLTableFileEncoding.utf16")
    if rng.random() < 0.2:
        args.append("support_multi_line=True")
    if rng.random() < 0.1:
        args.append("include_path_column=True")
    if rng.random() < 0.3:
        args.append("empty_as_string=True")
    if rng.random() < 0.15:
        args.append("infer_column_types=False")
    code = f"mltable.from_delimited_files({files!r}, {', '.join(args)})"
    return code + _steps(rng, names if header != "no_header" else [f"Column{i + 1}" for i in range(width)], kinds)


# -- JSON lines --------------------------------------------------------------------

# Ints and floats never share a key, and no int exceeds int64: mltable loses values there
# (docs/deviations.md), and tablekit deliberately keeps them.
JSON_INTS = ["1", "-5", "0"]
JSON_FLOATS = ["2.5", "1e3", "-0.5"]
JSON_OTHERS = ['"abc"', '"5"', '"2021-01-02"', '""', "true", "false", "null", "[1, 2]", '["a", null]', '{"k": 1}',
               '"\\u00e9"', "[]", "{}"]


def jsonl_case(rng: random.Random, folder: Path, name: str) -> str:
    keys = rng.sample(["a", "b", "c", "d", "e"], rng.randint(1, 4))
    kinds = {k: rng.sample(rng.choice([JSON_INTS, JSON_FLOATS]) + JSON_OTHERS, rng.randint(1, 3)) for k in keys}
    lines = []
    for row in range(rng.choice([1, 3, 8, 20])):
        present = [k for k in keys if rng.random() < 0.85]
        if row < 2 and keys[-1] in present and rng.random() < 0.3:
            present.remove(keys[-1])  # a key first seen late
        if rng.random() < 0.2:
            rng.shuffle(present)  # keys in another order
        lines.append("{" + ", ".join(f'"{k}": {rng.choice(kinds[k])}' for k in present) + "}")
    if rng.random() < 0.1:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["", "not json", "[1]"]))
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ", invalid_lines='drop'" if rng.random() < 0.3 else ""
    code = f"mltable.from_json_lines_files([{{'file': {path.name!r}}}]{args})"
    return code + _steps(rng, keys, ["str"] * len(keys))


# -- transformations -----------------------------------------------------------------

def _literal(rng: random.Random, kind: str) -> str:
    return {"int": str(rng.randint(-5, 50)), "float": repr(rng.choice([0.5, 2.0, -1.5])),
            "bool": rng.choice(["True", "False"]), "date": "datetime(2021, 1, 2)",
            "str": repr(rng.choice(["abc", "x y", "", "5"]))}[kind]


def _condition(rng: random.Random, names, kinds) -> str:
    i = rng.randrange(len(names))
    column = f"col({names[i]!r})"
    op = rng.choice(["==", "!=", "<", ">", "<=", ">="])
    right = rng.choice([_literal(rng, kinds[i]), _literal(rng, rng.choice(KINDS)), "None"])
    test = f"{column} {op} {right}"
    if rng.random() < 0.2:
        test = f"not {test}"
    return test


def _steps(rng: random.Random, names, kinds) -> str:
    steps = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        step = rng.choice(["take", "skip", "keep", "drop", "filter", "filter", "convert", "sample"])
        if step == "take":
            steps.append(f".take({rng.randint(1, 10)})")
        elif step == "skip":
            steps.append(f".skip({rng.randint(0, 10)})")
        elif step in ("keep", "drop") and len(names) > 1:
            chosen = rng.sample(names, rng.randint(1, len(names) - 1))
            steps.append(f".{step}_columns({chosen!r})")
        elif step == "filter":
            test = _condition(rng, names, kinds)
            if rng.random() < 0.3:
                test += f" {rng.choice(['and', 'or'])} {_condition(rng, names, kinds)}"
            steps.append(f".filter({test!r})")
        elif step == "convert":
            to = rng.choice(["to_int()", "to_float()", "to_string()", "to_bool()", "to_datetime('%Y-%m-%d')",
                             "to_bool(true_values=['yes', '1'], false_values=['N'], mismatch_as='false')",
                             "to_bool(mismatch_as='true')", "to_bool(mismatch_as='error')",
                             "to_datetime(['%d/%m/%Y', '%Y-%m-%d %H:%M:%S'])", "to_datetime('%m/%d/%Y %I:%M %p')",
                             "to_datetime('%Y-%m-%dT%H:%M:%S%.fZ')"])
            steps.append(f".convert_column_types({{{rng.choice(names)!r}: mltable.DataType.{to}}})")
        elif step == "sample":
            steps.append(f".take_random_sample({rng.choice([0.3, 0.5, 0.9])}, seed={rng.randint(0, 9)})")
    return "".join(steps) + ".to_pandas_dataframe()"


# -- filter expressions over a typed parquet file --------------------------------------

FILTER_COLUMNS = ["i", "f", "s", "b", "d", "lst", "st.x", 'st["y"]']
FILTER_LITERALS = ["0", "1", "-3", "7", "9223372036854775807", "0.5", "1.5e3", "0.0", "'a'", "'apple'", '"10"',
                   "'Apple'", "True", "False", "None", "datetime(2021, 1, 2)", "datetime(2020, 6, 1, 12)",
                   "[1, 2]", "[1]", "[i, 1]", "[s, 'a']"]


def _filter_table(folder: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    day = dt.datetime(2021, 1, 2)
    table = pa.table({
        "i": pa.array([1, -3, None, 7, 0, 9223372036854775807, 2, -1], pa.int64()),
        "f": pa.array([0.5, float("nan"), None, -2.25, 1500.0, 0.0, 7.0, 1e300], pa.float64()),
        "s": pa.array(["apple", "Apple", None, "", "10", "a", "banana", "é"], pa.string()),
        "b": pa.array([True, False, None, True, False, True, None, False], pa.bool_()),
        "d": pa.array([day, None, dt.datetime(2020, 6, 1, 12), day, dt.datetime(1999, 12, 31), None, day,
                       dt.datetime(2030, 1, 1)], pa.timestamp("us")),
        "lst": pa.array([[1, 2], [], None, [1], [2, None], [1, 2, 3], [0], [1, 2]], pa.list_(pa.int64())),
        "st": pa.array([{"x": 1, "y": "a"}, {"x": None, "y": "b"}, {"x": 2, "y": None}, {"x": 1, "y": "a"},
                        {"x": 3, "y": "c"}, {"x": -1, "y": ""}, {"x": 0, "y": "z"}, {"x": 1, "y": "b"}],
                       pa.struct([("x", pa.int64()), ("y", pa.string())])),
    })
    pq.write_table(table, folder / "filter.parquet")


def _operand(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.35:
        pick = rng.random()
        if pick < 0.5:
            return rng.choice(FILTER_COLUMNS + ["zz", "col('s')", "col('i')"])
        return rng.choice(FILTER_LITERALS)
    form = rng.choice(["arith", "arith", "paren", "neg", "ifelse"])
    if form == "arith":
        return f"{_operand(rng, depth - 1)} {rng.choice(['+', '-', '*', '/', '//', '%', '**'])} {_operand(rng, depth - 1)}"
    if form == "paren":
        return f"({_expression(rng, depth - 1)})"
    if form == "neg":
        return f"-{_operand(rng, depth - 1)}"
    return f"({_operand(rng, depth - 1)} if {_expression(rng, depth - 1)} else {_operand(rng, depth - 1)})"


def _expression(rng: random.Random, depth: int) -> str:
    form = rng.random()
    if depth <= 0 or form < 0.45:
        op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
        return f"{_operand(rng, depth - 1)} {op} {_operand(rng, depth - 1)}"
    if form < 0.7:
        return f"{_expression(rng, depth - 1)} {rng.choice(['and', 'or'])} {_expression(rng, depth - 1)}"
    if form < 0.8:
        return f"not {_expression(rng, depth - 1)}"
    if form < 0.9:
        return rng.choice(["s.startswith('a')", "startswith(s, 'A')", "(s == s and s.startswith('b'))",
                           "b", "not b", "b == True"])
    return f"({_expression(rng, depth - 1)})"


def filter_case(rng: random.Random, folder: Path, name: str) -> str:
    if not (folder / "filter.parquet").exists():
        _filter_table(folder)
    steps = ".take(5)" if rng.random() < 0.15 else ""
    return (f"mltable.from_parquet_files([{{'file': 'filter.parquet'}}]){steps}"
            f".filter({_expression(rng, rng.randint(1, 3))!r}).to_pandas_dataframe()")


# -- parquet column types through transformations ----------------------------------------

PARQUET_COLUMNS = ["i32", "i64n", "f32", "f64", "bn", "s", "day", "ts_ms", "ts_us", "ts_utc", "dec", "lst", "st"]


def _typed_parquet(folder: Path) -> None:
    import datetime as dt
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    t = dt.datetime(2021, 1, 2, 3, 4, 5, 123456)
    table = pa.table({
        "i32": pa.array([1, -2, 3, 0, 5, 6], pa.int32()),
        "i64n": pa.array([10, None, 30, 40, None, 60], pa.int64()),
        "f32": pa.array([1.5, None, -2.25, 0.0, 3.5, float("nan")], pa.float32()),
        "f64": pa.array([0.1, 2.5, None, float("nan"), -1e300, 7.0], pa.float64()),
        "bn": pa.array([True, None, False, True, False, None], pa.bool_()),
        "s": pa.array(["a", "1", None, "true", "2021-01-02", ""], pa.string()),
        "day": pa.array([dt.date(2021, 1, 2), None, dt.date(1999, 12, 31), dt.date(2021, 6, 1), dt.date(2000, 2, 29),
                         dt.date(1970, 1, 1)], pa.date32()),
        "ts_ms": pa.array([t, None, t.replace(year=1999), t, t.replace(month=6), t], pa.timestamp("ms")),
        "ts_us": pa.array([t, t, None, t.replace(year=2030), t, t], pa.timestamp("us")),
        "ts_utc": pa.array([t, None, t, t.replace(month=7), t, t], pa.timestamp("us", "UTC")),
        "dec": pa.array([decimal.Decimal("1.50"), None, decimal.Decimal("-2.25"), decimal.Decimal("0.00"),
                         decimal.Decimal("10.10"), decimal.Decimal("3.33")], pa.decimal128(6, 2)),
        "lst": pa.array([[1, 2], None, [], [3], [None, 4], [5]], pa.list_(pa.int64())),
        "st": pa.array([{"x": 1, "y": "a"}, None, {"x": None, "y": "b"}, {"x": 2, "y": None}, {"x": 3, "y": "c"},
                        {"x": 4, "y": "d"}], pa.struct([("x", pa.int64()), ("y", pa.string())])),
    })
    pq.write_table(table, folder / "typed.parquet", row_group_size=3)


def parquet_case(rng: random.Random, folder: Path, name: str) -> str:
    if not (folder / "typed.parquet").exists():
        _typed_parquet(folder)
    kinds = ["int", "int", "float", "float", "bool", "str", "date", "date", "date", "date", "float", "str", "str"]
    return "mltable.from_parquet_files([{'file': 'typed.parquet'}])" + _steps(rng, PARQUET_COLUMNS, kinds)


# -- MLTable files: the YAML forms of reads and steps, valid and not ------------------------

def _yaml_data(folder: Path) -> None:
    rows = ["id,name,score,flag,when"] + [f"{i},n{i % 4},{i * 1.5},{'true' if i % 3 else 'false'},2021-01-{i + 1:02d}"
                                          for i in range(12)]
    (folder / "yaml_data").mkdir()
    (folder / "yaml_data" / "t.csv").write_text("\n".join(rows) + "\n")
    (folder / "yaml_data" / "t.jsonl").write_text("".join(
        f'{{"id": {i}, "name": "n{i % 4}", "score": {i * 1.5}}}\n' for i in range(8)) + "not json\n")
    for part in ("a", "b"):
        (folder / "yaml_data" / f"k={part}").mkdir()
        (folder / "yaml_data" / f"k={part}" / "p.csv").write_text("id,v\n1,x\n2,y\n")


# (value, weight): mostly valid, sometimes of a wrong type or out of range
_YAML_READS = {
    "read_delimited": {
        "delimiter": ["','", "';'", "5", "''", "ab", "'\\t'"],
        "header": ["all_files_same_headers", "no_header", "from_first_file", "all_files_different_headers",
                   "bogus", "true"],
        "encoding": ["utf8", "latin1", "ascii", "UTF-8", "utf-16", "bogus", "3"],
        "empty_as_string": ["true", "false", "'yes'", "1"],
        "include_path_column": ["true", "false", "'no'"],
        "infer_column_types": ["true", "false", "'x'", "{sample_size: 3}", "{sample_size: 'a'}", "{sample_size: 0}",
                               "{column_type_overrides: [{columns: id, column_type: string}]}",
                               "{column_type_overrides: [{columns: [score], column_type: bogus}]}"],
        "support_multi_line": ["true", "2"],
        "path_column": ["Path", "3"],  # another name: mltable always fails (deviation)
    },
    "read_json_lines": {
        "invalid_lines": ["drop", "error", "bogus", "1"],
        "encoding": ["utf8", "latin1", "bogus"],
        "include_path_column": ["true", "'x'"],
        "path_column": ["Path", "3"],  # another name: mltable always fails (deviation)
    },
}
_YAML_STEPS = {
    "take": ["3", "0", "-1", "'2'", "1.5", "true", "null", "100"],
    "skip": ["2", "0", "-2", "'1'", "2.5", "false", "null"],
    "filter": ["'id > 3'", "\"col('name') == 'n1'\"", "5", "'bogus (('", "'score >= 3.0 and flag'", "null",
               "'zz > 1'"],
    "keep_columns": ["[id, name]", "id", "{pattern: '^i'}", "{pattern: 'e', invert: true}", "5", "[]", "[nope]",
                     "{pattern: '['}", "{columns: [id]}"],
    "drop_columns": ["[flag]", "score", "{pattern: 'a'}", "[nope, id]", "7", "[]"],
    "convert_column_types": ["[{columns: id, column_type: string}]", "[{columns: [score, id], column_type: int}]",
                             "[{columns: when, column_type: {datetime: {formats: ['%Y-%m-%d']}}}]",
                             "[{columns: flag, column_type: {boolean: {true_values: ['true'], false_values: "
                             "['false'], mismatch_as: error}}}]",
                             "[{columns: id, column_type: bogus}]", "{columns: id, column_type: int}", "5",
                             "[{columns: id}]", "[{column_type: int}]", "[{columns: nope, column_type: float}]"],
    "take_random_sample": ["{probability: 0.5, seed: 1}", "{probability: 2, seed: 1}", "{probability: 'x', seed: 1}",
                           "{probability: 0.5}", "{probability: 0.5, seed: 'a'}", "0.5"],
    "select_partitions": ["[0]", "0", "'0'", "[5]", "[-1]"],
    "extract_columns_from_partition_format": ["{partition_format: '/k={k}/'}", "'/k={k}/'", "{partition_format: 5}",
                                              "{partition_format: '/{k}/'}"],
}


def mltable_case(rng: random.Random, folder: Path, name: str) -> str:
    if not (folder / "yaml_data").exists():
        _yaml_data(folder)
    read = rng.choice(["read_delimited"] * 3 + ["read_json_lines"])
    if read == "read_json_lines":
        paths = "  - file: ../yaml_data/t.jsonl\n"
    else:
        paths = rng.choice(["  - file: ../yaml_data/t.csv\n", "  - folder: ../yaml_data\n",
                            "  - pattern: ../yaml_data/k=*/*.csv\n", "  - pattern: ../yaml_data/*.csv\n"])
    options = _YAML_READS[read]
    chosen = rng.sample(sorted(options), rng.randint(0, min(3, len(options))))
    if chosen:
        read_step = f"  - {read}:\n" + "".join(f"      {k}: {rng.choice(options[k])}\n" for k in chosen)
    else:
        read_step = f"  - {read}\n"
    steps = "".join(f"  - {step}: {rng.choice(_YAML_STEPS[step])}\n"
                    for step in rng.sample(sorted(_YAML_STEPS), rng.choice([0, 1, 1, 2, 3])))
    top = rng.choice(["", "", "type: mltable\n", "type: table\n", "extra: 1\n"])
    (folder / name).mkdir()
    (folder / name / "MLTable").write_text(f"{top}paths:\n{paths}transformations:\n{read_step}{steps}")
    return f"mltable.load({name!r}).to_pandas_dataframe()"


# -- running --------------------------------------------------------------------------

def generate(folder: Path, count: int, seed: int, kind: str) -> dict:
    rng = random.Random(seed)
    cases = {}
    for n in range(count):
        pick = kind if kind != "all" else rng.choice(["csv", "jsonl", "filter", "parquet", "mltable"])
        name = f"{pick}{n:04d}"
        cases[name] = {"csv": csv_case, "jsonl": jsonl_case, "filter": filter_case,
                       "parquet": parquet_case, "mltable": mltable_case}[pick](rng, folder, name)
    (folder / "cases.json").write_text(json.dumps(cases, indent=1))
    return cases


def run_all(folder: Path, library: str) -> dict:
    """Run in a child interpreter: every case of ``folder`` against ``library``."""
    sys.path.insert(0, str(ROOT))
    if library == "mltable":
        import mltable as lib
    else:
        import tablekit as lib
    from tests.differential.runner import run_case

    cases = json.loads((folder / "cases.json").read_text())
    return {name: run_case(code, lib, str(folder)) for name, code in cases.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kind", choices=["csv", "jsonl", "filter", "parquet", "mltable", "all"], default="all")
    parser.add_argument("--keep", help="write the cases here and keep them (default: a temporary folder)")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "LIBRARY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        json.dump(run_all(Path(args.child[0]), args.child[1]), sys.stdout)
        return 0
    if not REFERENCE_PYTHON.exists():
        sys.exit(f"no reference venv at {REFERENCE_PYTHON} (see docs/differential-testing.md)")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tablekit-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    cases = generate(folder, args.cases, args.seed, args.kind)
    outcomes = {}
    for library, python in (("mltable", REFERENCE_PYTHON), ("tablekit", Path(sys.executable))):
        done = subprocess.run([str(python), __file__, "--child", str(folder), library],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        outcomes[library] = json.loads(done.stdout)
    sys.path.insert(0, str(ROOT))
    from tests.differential.compare import outcome_differences

    differing = 0
    for name, code in cases.items():
        # tablekit's sampler draws other rows than mltable's (docs/deviations.md): compare the shape only
        same_rows = "take_random_sample" not in code
        problems = outcome_differences(outcomes["tablekit"][name], outcomes["mltable"][name], None, same_rows)
        if problems:
            differing += 1
            print(f"--- {name}: {code}\n    " + "\n    ".join(problems[:4]))
    print(f"{differing} of {len(cases)} cases differ (files in {folder})")
    if not args.keep and not differing:
        shutil.rmtree(folder)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
