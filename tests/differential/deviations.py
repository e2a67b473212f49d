"""Cases where tablekit deliberately differs from real mltable.

mltable is the reference, except where it is plainly wrong or hostile: it
crashes on valid data, silently corrupts values, or raises an exception type
that says nothing useful.  Each deviation here states why and what tablekit
does instead; docs/deviations.md lists them for users.  The differential test
checks the tablekit outcome with ``check`` instead of the recording.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pandas as pd

from tests.differential.compare import as_pandas_2, frame_differences


@dataclass(frozen=True)
class Deviation:
    reason: str
    check: Callable[[dict], List[str]]


def expect_error(cls: str, error_code: Optional[str], phrase: str) -> Callable[[dict], List[str]]:
    def check(outcome: dict) -> List[str]:
        if "error" not in outcome:
            return [f"expected {cls}({error_code}), got a result"]
        err = outcome["error"]
        problems = []
        if err["class"] != cls:
            problems.append(f"class {err['class']} != {cls}")
        if err["error_code"] != error_code:
            problems.append(f"error_code {err['error_code']} != {error_code}")
        if phrase not in err["message"]:
            problems.append(f"{phrase!r} not in {err['message']!r}")
        return problems
    return check


def expect_frame(columns: Optional[List[str]] = None, dtypes: Optional[List[str]] = None,
                 rows: Optional[int] = None, values: Optional[Dict[str, list]] = None) -> Callable[[dict], List[str]]:
    """Check parts of a frame result; ``values`` maps a column to its encoded cells."""
    def check(outcome: dict) -> List[str]:
        if "frame" not in outcome:
            return [f"expected a frame, got {outcome}"]
        frame = as_pandas_2(outcome["frame"])
        problems = []
        if columns is not None and frame["columns"] != columns:
            problems.append(f"columns {frame['columns']} != {columns}")
        if dtypes is not None and frame["dtypes"] != dtypes:
            problems.append(f"dtypes {frame['dtypes']} != {dtypes}")
        if rows is not None and frame["rows"] != rows:
            problems.append(f"rows {frame['rows']} != {rows}")
        for name, cells in (values or {}).items():
            got = frame["values"][frame["columns"].index(name)] if name in frame["columns"] else None
            if got != cells:
                problems.append(f"column {name}: {got} != {cells}")
        return problems
    return check


DEVIATIONS: Dict[str, Deviation] = {}

# -- delimited files -------------------------------------------------------------
_PATH_COLUMN_NAMED = ("an MLTable file's path_column (the name of the path column, 'Path' by default) makes mltable fail "
                      "with any other name ('Required field does not exist in the record. Looking for 'P', got "
                      "'[Path]'), whether include_path_column is set or not; tablekit names the path column so, "
                      "and leaves it out without include_path_column")
DEVIATIONS["mltable_file.load_path_column_named"] = Deviation(
    reason=_PATH_COLUMN_NAMED, check=expect_frame(columns=["P", "id", "name", "flag", "when"], rows=3))
DEVIATIONS["mltable_file.load_path_column_named_not_included"] = Deviation(
    reason=_PATH_COLUMN_NAMED, check=expect_frame(columns=["id", "name", "flag", "when"], rows=3))
DEVIATIONS["csv.enc_utf16be_enum"] = Deviation(
    reason="mltable returns an empty table, silently, for UTF-16 big-endian text without a BOM; "
           "tablekit detects the byte order and reads the rows",
    check=expect_frame(columns=["name", "city"], rows=2))
DEVIATIONS["csv.enc_utf8_bom_as_utf8bom_enum"] = Deviation(
    reason="mltable offers MLTableFileEncoding.utf8bom but then rejects it at materialization "
           "('Yaml script is invalid'); tablekit reads it as UTF-8 with the BOM dropped",
    check=expect_frame(columns=["name", "city"]))
DEVIATIONS["csv.bool_intlike"] = Deviation(
    reason="mltable's inference counts any integer 0 or 1 as a boolean ('+1', '01', '00', '-0'), then converts "
           "only its words, so those values become None (data loss); tablekit reads such columns as integers",
    check=expect_frame(columns=["plus_one", "leading_zero", "minus_zero"], dtypes=["int64"] * 3,
                       values={"plus_one": [{"int": 1}, {"int": 0}, {"int": 1}],
                               "leading_zero": [{"int": 1}, {"int": 0}, {"int": 1}],
                               "minus_zero": [{"int": 0}, {"int": 1}, {"int": 0}]}))
DEVIATIONS["csv.bool_intlike_words"] = Deviation(
    reason="mltable's inference counts any integer 0 or 1 as a boolean ('+1', '01', '00', '-0'), then converts "
           "only its words, so those values become None (data loss); beside boolean words tablekit also reads "
           "the column as booleans, and such integers by their value ('-0' False, '01' True)",
    check=expect_frame(columns=["flag", "n"], dtypes=["bool", "int64"],
                       values={"flag": [{"bool": True}, {"bool": False}, {"bool": False}, {"bool": True},
                                        {"bool": True}]}))
DEVIATIONS["csv.ragged_take"] = Deviation(
    reason="as for parquet and Delta tables: mltable's columns depend on which rows survive (take(1) keeps a "
           "3-field row, so the long rows' Column4 and Column5 disappear); tablekit keeps the columns of the rows "
           "it read (here the whole small file; a take on a big file reads only its first blocks)",
    check=expect_frame(columns=["a", "b", "c", "Column4", "Column5"], rows=1,
                       values={"Column4": [None], "Column5": [None]}))
DEVIATIONS["csv.dates_ambiguous"] = Deviation(
    reason="mltable decides day or month first per layout (with or without a time) and gives None (or NaT) for "
           "every value of a layout whose values never tell (01/02/2021: data loss); tablekit reads them month "
           "first, or day first when the column's decided layouts all are",
    check=expect_frame(columns=["ambiguous", "ambiguous_time", "layouts"], dtypes=["datetime64[ns]"] * 3,
                       values={"ambiguous": [{"timestamp": "2021-01-02T00:00:00"}, {"timestamp": "2021-01-03T00:00:00"}],
                               "ambiguous_time": [{"timestamp": "2021-01-02T22:20:00"},
                                                  {"timestamp": "2021-03-04T22:20:00"}],
                               "layouts": [{"timestamp": "2021-12-31T10:20:30"}, {"timestamp": "2021-01-02T00:00:00"}]}))

def _timestamps(*texts: str) -> list:
    return [{"timestamp": text} for text in texts]


DEVIATIONS["csv.dates_mixed_layouts"] = Deviation(
    reason="as csv.dates_ambiguous, per layout: 01/02/2021 and 02-01-2021 are each the only value of their layout, "
           "so mltable cannot tell day from month and gives NaT for them (data loss); tablekit reads them month "
           "first, as it reads every slashed or dashed layout the values leave undecided. The column's other "
           "layouts, its dtype and which values are dates are mltable's",
    check=expect_frame(columns=["id", "d"], dtypes=["int64", "datetime64[ns]"],
                       values={"d": _timestamps("2021-01-02T00:00:00", "2021-01-02T00:00:00", "2021-01-03T00:00:00",
                                                "2021-02-01T00:00:00", "2021-01-02T10:00:00")}))
DEVIATIONS["csv.dates_layout_order"] = Deviation(
    reason="mltable reads a value with the layout of the last value it read, else with the column's other layouts "
           "in a random order (a hash set's), and a value that the first layout whose shape fits reads as an "
           "impossible date (day 99, month 31) is NaT whatever the others say: a value that two of the column's "
           "layouts read (1/2/21 as year 1 or as 2021, 12/31/21 day first or with a two-digit year) changes from "
           "run to run, and 31/05/99 right after 2021/05/15 is always NaT (data loss); tablekit reads each value "
           "by the first layout, in rslex's order, that gives a datetime64[ns]",
    check=expect_frame(columns=["year_or_short_year", "day_first_or_short_year", "after_year_first"],
                       dtypes=["datetime64[ns]"] * 3,
                       values={"year_or_short_year": _timestamps("2021-01-02T00:00:00", "2021-01-13T00:00:00"),
                               "day_first_or_short_year": _timestamps("2021-12-31T00:00:00", "2021-12-13T00:00:00"),
                               "after_year_first": _timestamps("2021-05-15T00:00:00", "1999-05-31T00:00:00")}))
DEVIATIONS["csv.dates_out_of_range_only"] = Deviation(
    reason="open, not deliberate: a column of dates that are all beyond datetime64[ns] is datetime64[ns] of NaT in "
           "mltable (it holds the dates, then pandas cannot); tablekit holds them as nulls and a column without a "
           "value is pandas object of None, as for a column with no value at all",
    check=expect_frame(columns=["id", "year_one", "year_first"], dtypes=["int64", "object", "object"],
                       values={"year_one": [None, None], "year_first": [None, None]}))

# -- parquet ---------------------------------------------------------------------
# types.parquet: one column per Arrow type, 3 rows
_TYPES_COLUMNS = ["i8", "i16", "i32", "i64", "u8", "u32", "u64", "i64_null", "i32_null", "f32", "f64", "b",
                  "b_null", "s", "ls", "bin", "d32", "ts_ms", "ts_us", "ts_ns", "ts_s", "ts_tz", "ts_tz_ber",
                  "dec", "dec38", "lst", "lst_s", "st", "all_null"]
# pyarrow's to_pandas dtypes; ts_s is stored in the file as timestamp('ms') (pyarrow writes 's' as 'ms')
_TYPES_PLAIN_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "float64", "float64",
                       "float32", "float64", "bool", "object", "object", "object", "object", "object",
                       "datetime64[ms]", "datetime64[us]", "datetime64[ns]", "datetime64[ms]", "datetime64[us, UTC]",
                       "datetime64[us, Europe/Berlin]", "object", "object", "object", "object", "object", "object"]
# mltable's value model (after take/skip/filter/convert), with uint64 kept where a value is above int64 max
_TYPES_RSLEX_DTYPES = ["int64"] * 6 + ["uint64"] + ["float64"] * 4 + ["bool"] + ["object"] * 4 \
    + ["datetime64[ns]"] * 7 + ["float64"] * 2 + ["object"] * 4
_NAT = {"nat": True}
_TS_S = [{"timestamp": "2021-01-02T03:04:05"}, _NAT, {"timestamp": "1999-12-31T23:59:59"}]
_TS_UTC_WALL = [{"timestamp": "2021-01-02T03:04:05"}, _NAT, {"timestamp": "2021-06-01T00:00:00"}]
_U64 = [{"int": 18446744073709551615}, {"int": 0}, {"int": 1}]

_TS_S_REASON = ("mltable reads a timestamp('s') column written by pyarrow (stored as milliseconds) as seconds, "
                "giving years like 52974, and NaT after take/skip/filter; tablekit reads the stored "
                "milliseconds: datetime64[ms] with the real times")
_RSLEX_REASON = ("after take/skip/filter/convert mltable wraps uint64 values above int64 max to negative numbers, "
                 "turns Europe/Berlin times into UTC+1 whatever the season, and makes timestamp('s') columns NaT; "
                 "tablekit keeps such uint64 columns uint64 with exact values, gives zoned times as UTC wall "
                 "time and reads the stored timestamps")

DEVIATIONS["parquet.type_ts_s"] = Deviation(
    reason=_TS_S_REASON, check=expect_frame(columns=["ts_s"], dtypes=["datetime64[ms]"], values={"ts_s": _TS_S}))
DEVIATIONS["parquet.types_all"] = Deviation(
    reason=_TS_S_REASON,
    check=expect_frame(columns=_TYPES_COLUMNS, dtypes=_TYPES_PLAIN_DTYPES, rows=3, values={"ts_s": _TS_S}))
DEVIATIONS["parquet.types_select_partitions"] = Deviation(
    reason=_TS_S_REASON,
    check=expect_frame(columns=_TYPES_COLUMNS, dtypes=_TYPES_PLAIN_DTYPES, rows=3, values={"ts_s": _TS_S}))
DEVIATIONS["parquet.types_drop_columns"] = Deviation(
    reason=_TS_S_REASON,
    check=expect_frame(columns=_TYPES_COLUMNS[1:], dtypes=_TYPES_PLAIN_DTYPES[1:], values={"ts_s": _TS_S}))
for _name in ("types_take", "types_filter", "types_convert_one"):  # all three rows
    DEVIATIONS[f"parquet.{_name}"] = Deviation(
        reason=_RSLEX_REASON,
        check=expect_frame(columns=_TYPES_COLUMNS, rows=3,
                           dtypes=(["float64"] if _name == "types_convert_one" else ["int64"]) + _TYPES_RSLEX_DTYPES[1:],
                           values={"u64": _U64, "ts_s": _TS_S, "ts_tz": _TS_UTC_WALL, "ts_tz_ber": _TS_UTC_WALL}))
DEVIATIONS["parquet.types_skip"] = Deviation(
    reason=_RSLEX_REASON,
    check=expect_frame(columns=_TYPES_COLUMNS, rows=2,
                       dtypes=_TYPES_RSLEX_DTYPES[:6] + ["int64"] + _TYPES_RSLEX_DTYPES[7:],
                       values={"u64": _U64[1:], "ts_s": _TS_S[1:], "ts_tz_ber": _TS_UTC_WALL[1:]}))
DEVIATIONS["parquet.types_take_tz"] = Deviation(
    reason="mltable turns Europe/Berlin times into UTC+1 whatever the season (2021-06-01T00:00Z becomes 01:00); "
           "tablekit gives zoned times as UTC wall time, as it does for UTC columns",
    check=expect_frame(columns=["ts_tz", "ts_tz_ber"], dtypes=["datetime64[ns]"] * 2,
                       values={"ts_tz": _TS_UTC_WALL, "ts_tz_ber": _TS_UTC_WALL}))
DEVIATIONS["parquet.types_sample"] = Deviation(
    reason="the rows come from tablekit's own seeded sampler (mltable's draws cannot be reproduced), so columns "
           "whose dtype depends on nulls differ; seed 3 draws the middle row, whose int, float32, date, timestamp "
           "and decimal cells are all null, so those columns hold None (object) under mltable's value model",
    check=expect_frame(columns=_TYPES_COLUMNS, rows=1, values={"i8": [{"int": -2}]},
                       dtypes=["int64"] * 7 + ["object"] * 3 + ["float64", "bool"] + ["object"] * 17))

_UNSUPPORTED = ("mltable cannot read this valid parquet column type ({what}) and fails with {error}; "
                "tablekit reads it")
DEVIATIONS["parquet.type_dictionary_string"] = Deviation(
    reason=_UNSUPPORTED.format(what="dictionary-encoded strings", error="a panic (UnexpectedError)"),
    check=expect_frame(columns=["dict"], dtypes=["object"],
                       values={"dict": [{"str": "red"}, {"str": "blue"}, {"str": "red"}]}))
DEVIATIONS["parquet.type_dictionary_int"] = Deviation(
    reason=_UNSUPPORTED.format(what="dictionary-encoded ints", error="a panic (UnexpectedError)"),
    check=expect_frame(columns=["dict_int"], dtypes=["int64"],
                       values={"dict_int": [{"int": 1}, {"int": 2}, {"int": 1}]}))
DEVIATIONS["parquet.type_duration"] = Deviation(
    reason=_UNSUPPORTED.format(what="duration", error="ExecutionError 'not supported in Rust implementation'"),
    check=expect_frame(columns=["duration"], dtypes=["timedelta64[us]"],
                       values={"duration": [{"timedelta": "P0DT0H0M1S"}, _NAT, {"timedelta": "P0DT0H0M0.000005S"}]}))
DEVIATIONS["parquet.type_fixed_size_binary"] = Deviation(
    reason=_UNSUPPORTED.format(what="fixed_size_binary", error="ExecutionError 'not supported in Rust implementation'"),
    check=expect_frame(columns=["fixed_bin"], dtypes=["object"],
                       values={"fixed_bin": [{"bytes": "6162"}, None, {"bytes": "6364"}]}))
DEVIATIONS["parquet.type_map"] = Deviation(
    reason=_UNSUPPORTED.format(what="map", error="ExecutionError 'not supported in Rust implementation'")
    + " as pyarrow does: lists of (key, value) pairs",
    check=expect_frame(columns=["map"], dtypes=["object"],
                       values={"map": [{"list": [{"list": [{"str": "k"}, {"int": 1}]}]}, None, {"list": []}]}))

# filter_types.parquet (the filter cases' typed file): ts_tz is timestamp('ms', 'Europe/Paris').  These
# cases match mltable's recording except ts_tz, which holds the file's UTC wall times; both come from the
# files, so the checks follow when the filter data or its recordings change.
_FILTER_TYPES_FILE = Path(__file__).resolve().parents[1] / "data" / "filter_types.parquet"
_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mltable"
_FILTER_TZ_REASON = ("after a filter mltable gives Europe/Paris times at the zone's standard offset, UTC+1, "
                     "even in summer (see parquet.types_take_tz); tablekit gives UTC wall time")


def _utc_wall_cells_by_id(path: Path) -> Dict[int, dict]:
    import pyarrow.parquet as pq  # only when a check runs

    frame = pq.read_table(path, columns=["id", "ts_tz"]).to_pandas()
    return {int(i): {"nat": True} if pd.isna(t) else {"timestamp": t.tz_convert(None).isoformat()}
            for i, t in zip(frame["id"], frame["ts_tz"])}


def expect_recording_with_utc_wall_ts_tz(case: str) -> Callable[[dict], List[str]]:
    """The recorded frame, but ts_tz as the file's UTC wall time for each row's id."""
    def check(outcome: dict) -> List[str]:
        if "frame" not in outcome:
            return [f"expected a frame, got {outcome}"]
        want = json.loads((_FIXTURES / f"{case}.json").read_text())["outcome"]["frame"]
        columns = want["columns"]
        wall = _utc_wall_cells_by_id(_FILTER_TYPES_FILE)
        ids = [cell["int"] for cell in want["values"][columns.index("id")]]
        want["values"][columns.index("ts_tz")] = [wall[i] for i in ids]
        return frame_differences(outcome["frame"], want, compare_values=True)
    return check


for _name in ("parquet_binary_rank", "parquet_bool_nulls", "parquet_date", "parquet_date_gt", "parquet_decimal",
              "parquet_float32", "parquet_int32", "parquet_int_nulls", "parquet_list_eq", "parquet_list_gt",
              "parquet_struct_field", "parquet_struct_rank", "parquet_struct_subscript",
              "parquet_timestamp_tz_wall_clock", "parquet_timestamp_us_old"):
    DEVIATIONS[f"filter.{_name}"] = Deviation(reason=_FILTER_TZ_REASON,
                                              check=expect_recording_with_utc_wall_ts_tz(f"filter.{_name}"))

# -- JSON lines ------------------------------------------------------------------
_F, _NAN = (lambda x: {"float": x}), {"float": "nan"}
_JSON_NUMBERS_REASON = ("in a column mixing JSON integers and floats mltable nulls every number whose JSON type "
                        "differs from the column's first value (data loss: [1, 2.5, 3] -> [1.0, NaN, 3.0]); "
                        "tablekit keeps every number, as float64")
_JSON_HUGE_REASON = ("mltable wraps integers above int64 max to negative numbers (18446744073709551615 -> -1); "
                     "tablekit keeps them exactly: uint64 when every value of the column fits, else float64")
_JSON_SKIP_REASON = ("mltable types a column by its first non-null value among the rows left after skip, so "
                     "skip(1) changes column types; tablekit types each column from the whole file (partition) "
                     "when it reads it, so the rows left keep the types they had")
DEVIATIONS["jsonl.numbers"] = Deviation(
    reason=_JSON_NUMBERS_REASON + "; " + _JSON_HUGE_REASON,
    check=expect_frame(columns=["i", "f", "mix", "big", "neg", "exp", "intf", "huge"],
                       dtypes=["float64"] * 3 + ["int64"] * 2 + ["float64"] * 2 + ["uint64"],
                       values={"mix": [_F(1.0), _F(2.5), _F(3.0)], "exp": [_F(1000.0), _F(0.02), _F(5.0)],
                               "huge": [{"int": 18446744073709551615}, {"int": 1}, {"int": 2}]}))
DEVIATIONS["jsonl.take"] = Deviation(
    reason=_JSON_NUMBERS_REASON + "; " + _JSON_HUGE_REASON,
    check=expect_frame(columns=["i", "f", "mix", "big", "neg", "exp", "intf", "huge"],
                       dtypes=["int64"] + ["float64"] * 2 + ["int64"] * 2 + ["float64"] * 2 + ["uint64"],
                       values={"mix": [_F(1.0), _F(2.5)], "huge": [{"int": 18446744073709551615}, {"int": 1}]}))
DEVIATIONS["jsonl.duplicate_key"] = Deviation(
    reason="mltable fails with a panic (UnexpectedError: FieldNameConflict) on an object that repeats a key; "
           "tablekit reads the line, the key keeping its first value (as polars' parse and the exact parser both do)",
    check=expect_frame(columns=["a"], dtypes=["int64"], values={"a": [{"int": 1}, {"int": 2}]}))
DEVIATIONS["jsonl.empty_object_late_key"] = Deviation(
    reason="mltable fails with a panic (UnexpectedError) when {} is a key's first value but not in the first row "
           "(earlier rows lack the key or hold null there); tablekit reads the rows (the column is an object "
           "without fields: None, as mltable gives it when the {} is in the first row)",
    check=expect_frame(columns=["c", "b"], dtypes=["object", "object"],
                       values={"c": [{"str": "x"}, {"str": "y"}, {"str": "z"}], "b": [None, None, None]}))
DEVIATIONS["jsonl.mixed_types"] = Deviation(
    reason=_JSON_NUMBERS_REASON + " (values of other JSON types still become null, as in mltable)",
    check=expect_frame(columns=["v"], dtypes=["float64"], values={"v": [_F(1.0), _NAN, _NAN, _F(1.5), _NAN, _NAN]}))
DEVIATIONS["jsonl.first_value_type"] = Deviation(
    reason=_JSON_NUMBERS_REASON + " (other type mixes follow mltable: first value's type, others null)",
    check=expect_frame(
        columns=["fi", "if", "si", "is", "bi", "ib", "ni", "lo", "ol", "ob"],
        dtypes=["float64", "float64", "object", "float64", "object", "float64", "float64", "object", "object", "object"],
        values={"fi": [_F(1.5), _F(2.0), _F(3.5)], "if": [_F(1.0), _F(2.5), _F(3.0)],
                "si": [{"str": "a"}, None, {"str": "c"}], "is": [_F(1.0), _NAN, _F(3.0)],
                "bi": [{"bool": True}, None, {"bool": False}], "ib": [_F(1.0), _NAN, _F(0.0)],
                "ni": [_NAN, _F(5.0), _F(6.5)], "lo": [{"list": [{"int": 1}]}, None, {"list": [{"int": 2}, {"int": 3}]}],
                "ol": [{"dict": {"a": _F(1.0)}}, None, {"dict": {"a": _F(2.0)}}],
                "ob": [{"dict": {"a": _F(1.0), "b": None}}, {"dict": {"a": None, "b": {"str": "x"}}},
                       {"dict": {"a": _F(3.0), "b": {"str": "y"}}}]}))
DEVIATIONS["jsonl.first_value_type_skip"] = Deviation(
    reason=_JSON_SKIP_REASON + "; " + _JSON_NUMBERS_REASON,
    check=expect_frame(
        columns=["fi", "if", "si", "is", "bi", "ib", "ni", "lo", "ol", "ob"],
        dtypes=["float64", "float64", "object", "float64", "object", "float64", "float64", "object", "object", "object"],
        values={"fi": [_F(2.0), _F(3.5)], "si": [None, {"str": "c"}], "is": [_NAN, _F(3.0)],
                "bi": [None, {"bool": False}], "lo": [None, {"list": [{"int": 2}, {"int": 3}]}],
                "ol": [None, {"dict": {"a": _F(2.0)}}]}))
DEVIATIONS["jsonl.nested_take"] = Deviation(
    reason=_JSON_SKIP_REASON + " (obj keeps the file's struct fields, mixed keeps the file's list type)",
    check=expect_frame(columns=["id", "arr", "obj", "mixed"], dtypes=["int64", "object", "object", "object"],
                       values={"obj": [{"dict": {"k": None, "n": None}}, None], "mixed": [None, None]}))
_ACROSS_FILES = ("mltable types a JSON column per file and lets pandas concatenate the files, so a column that "
                 "is int in one file and string in another becomes a mixed object column; tablekit unifies the "
                 "column's type across files (here: strings), so every value in a column has one type")
DEVIATIONS["mltable_file.load_blocks_jsonl"] = Deviation(
    reason="mltable types a JSON column per partition, and a JSON-lines file larger than partition_size is "
           "several partitions, so a column that is int in one block and string in another becomes a mixed "
           "object column; tablekit types a file as a whole (here: the first value's type, int, and the strings "
           "null), as for a file of one partition",
    check=expect_frame(columns=["id", "v"], dtypes=["int64", "float64"], rows=30))
DEVIATIONS["jsonl.first_value_type_files"] = Deviation(
    reason=_ACROSS_FILES,
    check=expect_frame(columns=["v", "w"], dtypes=["object", "float64"],
                       values={"v": [{"str": "1"}, {"str": "x"}], "w": [{"float": 1.5}, {"float": 2.0}]}))
DEVIATIONS["jsonl.first_value_type_files_reversed"] = Deviation(
    reason=_ACROSS_FILES,
    check=expect_frame(columns=["v", "w"], dtypes=["object", "float64"],
                       values={"v": [{"str": "x"}, {"str": "1"}], "w": [{"float": 2.0}, {"float": 1.5}]}))
DEVIATIONS["mltable_file.load_file_itself"] = Deviation(
    reason="mltable's load() only takes the folder: given the MLTable file itself it looks for "
           "'<file>/MLTable' and fails with 'Not able to find MLTable file'; tablekit also accepts the file "
           "(its folder is the table's folder), as the load() documentation of Azure ML describes",
    check=expect_frame(columns=["id", "name"], rows=5))
DEVIATIONS["delta.nested_table"] = Deviation(
    reason="given a folder that is not a Delta table, mltable reads a Delta table it finds in some subfolder "
           "(with several below, an arbitrary one); tablekit reads only the folder it is given and names the "
           "table it found in the error (class and code as for a folder without a Delta log)",
    check=expect_error("UserErrorException", "ScriptExecution.Unexpected",
                       "A Delta table was found below it, in '<DATA>/delta/nested/inner'"))
_ROW_DEPENDENT_COLUMNS = ("mltable's columns depend on which rows survive: a column exists only if some remaining "
                          "row comes from a file that has it (history v3: `extra` is only in the newest file), so "
                          "filters and takes change the schema; tablekit keeps every column of the version's files "
                          "(null where a row's file lacks it), whichever rows survive and whichever files the "
                          "Delta statistics let it skip")
DEVIATIONS["delta.filter_old_files_only"] = Deviation(
    reason=_ROW_DEPENDENT_COLUMNS,
    check=expect_frame(columns=["id", "name", "score", "extra"], dtypes=["int64", "object", "float64", "object"],
                       values={"id": [{"int": 10}, {"int": 11}], "extra": [None, None]}))
DEVIATIONS["delta.take_old_files_only"] = Deviation(
    reason=_ROW_DEPENDENT_COLUMNS,
    check=expect_frame(columns=["id", "name", "score", "extra"], dtypes=["int64", "object", "float64", "object"],
                       values={"id": [{"int": 10}, {"int": 11}], "extra": [None, None]}))
DEVIATIONS["delta.filter_old_files_keep_new_column"] = Deviation(
    reason=_ROW_DEPENDENT_COLUMNS + " (here mltable fails: 'The input data contains no columns')",
    check=expect_frame(columns=["extra"], dtypes=["object"], values={"extra": [None, None]}))
DEVIATIONS["parquet.multi_schema_take_first_file_rows"] = Deviation(
    reason="as for Delta tables: mltable's columns depend on which rows survive (take(1) keeps only rows of "
           "p0.parquet, so p1's column c disappears); tablekit keeps every column of the files read, null where "
           "a row's file lacks it, so a take, skip or filter never changes the schema",
    check=expect_frame(columns=["a", "b", "c"], dtypes=["int64", "object", "object"], rows=1))
