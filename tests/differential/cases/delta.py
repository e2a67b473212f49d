"""Differential cases: from_delta_lake (versions, time travel, types, partitions, errors).

Tables in tests/data/delta (made by tests/data/make_delta.py):
- history: v0 write ids 1-3 (2021-01-01), v1 append 4-5 (2021-02-01), v2 overwrite 10-11
  (2021-03-01T12:00Z), v3 append 12 adding column `extra` (2021-04-01), v4 overwrite with
  columns key/value (2021-05-01), v5 delete all (2021-06-01), v6 append k3 (2021-07-01);
- odd_times: commitInfo times that disagree with add/remove times, and v3 older than v2;
- types: one version with every common type; partitioned: by region, 2 row groups per file;
- nested/inner: a table one folder down.
"""
from __future__ import annotations

from tests.differential.cases import Case


def _d(table: str, args: str = "", tail: str = "") -> str:
    sep = ", " if args else ""
    return f"mltable.from_delta_lake('delta/{table}'{sep}{args}){tail}.to_pandas_dataframe()"


def _at(table: str, timestamp: str, tail: str = "") -> str:
    return _d(table, f"timestamp_as_of='{timestamp}'", tail)


def _count(table: str, args: str = "", tail: str = "") -> str:
    sep = ", " if args else ""
    return f"mltable.from_delta_lake('delta/{table}'{sep}{args}){tail}.get_partition_count()"


H = "history"
CASES = {
    # -------------------------------------------------------------- versions
    "latest": Case(_d(H), note="latest version (v6): only the files of that version"),
    **{f"version_{v}": Case(_d(H, f"version_as_of={v}")) for v in (0, 1, 2, 3, 4, 6)},
    "version_1_file_order": Case(_d(H, "version_as_of=1", ".take(5)"),
                                 note="files are read in path order, not log order (v1's file sorts first)"),
    "version_3_new_column": Case(_d(H, "version_as_of=3"),
                                 note="columns = union of the files' columns, first-seen in path order"),
    "version_empty": Case(_d(H, "version_as_of=5"), phrase="Unable to find any parquet files",
                          note="a version without files (all rows deleted) is an error"),
    "version_missing": Case(_d(H, "version_as_of=7"), phrase="Invalid table version: 7"),
    "version_negative": Case(_d(H, "version_as_of=-1"), phrase="Invalid table version: -1"),
    "version_numpy_int": Case(_d(H, "version_as_of=np.int64(1)")),
    "version_string": Case("mltable.from_delta_lake('delta/history', version_as_of='1')",
                           phrase="Yaml script is invalid", note="refused when the step is added"),
    "version_float": Case("mltable.from_delta_lake('delta/history', version_as_of=1.0)",
                          phrase="Yaml script is invalid"),
    "version_bool": Case("mltable.from_delta_lake('delta/history', version_as_of=True)",
                         phrase="Yaml script is invalid"),
    # -------------------------------------------------------------- timestamp_as_of
    "ts_before_first": Case(_at(H, "2019-06-01T00:00:00Z"), note="before the first commit: version 0"),
    "ts_exact_first": Case(_at(H, "2021-01-01T00:00:00Z")),
    "ts_between": Case(_at(H, "2021-02-15T00:00:00Z"), note="newest commit at or before: v1"),
    "ts_exact_v2": Case(_at(H, "2021-03-01T12:00:00Z"), note="at exactly the commit time: that version"),
    "ts_just_before_v2": Case(_at(H, "2021-03-01T11:59:59.999Z")),
    "ts_offset_plus": Case(_at(H, "2021-03-01T13:00:00+01:00"), note="offsets honoured: = 12:00Z -> v2"),
    "ts_offset_plus_before": Case(_at(H, "2021-03-01T12:59:59+01:00"), note="= 11:59:59Z -> v1"),
    "ts_offset_minus": Case(_at(H, "2021-03-01T07:00:00-05:00"), note="= 12:00Z -> v2"),
    "ts_offset_minus_before": Case(_at(H, "2021-03-01T06:59:59.5-05:00")),
    "ts_fraction": Case(_at(H, "2021-03-01T12:00:00.000001Z")),
    "ts_empty_version": Case(_at(H, "2021-06-15T00:00:00Z"), phrase="Unable to find any parquet files"),
    "ts_after_last": Case(_at(H, "2030-01-01T00:00:00Z")),
    "ts_leap_second": Case(_at(H, "2021-03-01T11:59:60Z"), note="second 60 is accepted (= 12:00:00)"),
    "ts_year_zero": Case(_at(H, "0000-01-01T00:00:00Z")),
    "ts_negative_zero_offset": Case(_at(H, "2021-03-01T12:00:00-00:00")),
    # odd_times: a version's time is its latest add/remove time, versions are walked in order
    "odd_commit_info_ignored": Case(_at("odd_times", "2020-03-15T00:00:00Z"),
                                    note="commitInfo says v2 is 2020-03-01; its adds/removes are later -> v0"),
    "odd_add_time": Case(_at("odd_times", "2020-06-15T00:00:00Z"), note="v1's add time is 2020-06-01 -> v1"),
    "odd_latest_of_add_remove": Case(_at("odd_times", "2020-07-15T00:00:00Z"),
                                     note="v2: add 04-01, remove 07-01 -> its time is 07-01; v3 (05-01) follows"),
    "odd_first_newer_stops": Case(_at("odd_times", "2020-05-15T00:00:00Z"),
                                  note="v1 (06-01) is newer: the walk stops there although v3 (05-01) is older"),
    "odd_after_last": Case(_at("odd_times", "2020-09-15T00:00:00Z")),
    # argument errors (at call time) and timestamp errors (when read)
    "ts_not_rfc3339": Case("mltable.from_delta_lake('delta/history', timestamp_as_of='2021-01-01')",
                           phrase="is not in RFC-3339/ISO-8601 format"),
    "ts_space_separator": Case("mltable.from_delta_lake('delta/history', timestamp_as_of='2021-01-01 00:00:00Z')",
                               phrase="is not in RFC-3339/ISO-8601 format"),
    "ts_month_13": Case("mltable.from_delta_lake('delta/history', timestamp_as_of='2021-13-01T00:00:00Z')",
                        phrase="is not in RFC-3339/ISO-8601 format"),
    "ts_not_string": Case("mltable.from_delta_lake('delta/history', timestamp_as_of=pd.Timestamp('2021-01-01'))",
                          note="TypeError (mltable: from its regular expression)"),
    "ts_zero": Case("mltable.from_delta_lake('delta/history', timestamp_as_of=0)", phrase="Yaml script is invalid"),
    "ts_no_offset": Case(_at(H, "2021-03-01T12:00:00"), phrase="Invalid datetime string",
                         note="passes the call-time check, fails when read: ExecutionError"),
    "ts_day_out_of_range": Case(_at(H, "2021-02-29T00:00:00Z"), phrase="Invalid datetime string"),
    "ts_hour_out_of_range": Case(_at(H, "2021-02-01T24:00:00Z"), phrase="Invalid datetime string"),
    "ts_offset_out_of_range": Case(_at(H, "2021-02-01T00:00:00+24:00"), phrase="Invalid datetime string"),
    "ts_trailing_newline": Case(_d(H, "timestamp_as_of='2021-02-01T00:00:00Z\\n'"),
                                phrase="Invalid datetime string"),
    "ts_empty_string": Case(_d(H, "timestamp_as_of=''"), phrase="Invalid datetime string"),
    "both_given": Case("mltable.from_delta_lake('delta/history', timestamp_as_of='2021-01-01T00:00:00Z', "
                       "version_as_of=1)", phrase="Both timestamp_as_of and version_as_of"),
    "both_version_zero": Case(_d(H, "timestamp_as_of='2021-01-01T00:00:00Z', version_as_of=0"),
                              phrase="Only one of version or timestamp can be specified",
                              note="version 0 is falsy: passes the call-time check, fails when read"),
    "path_column_not_bool": Case("mltable.from_delta_lake('delta/history', include_path_column=1)",
                                 phrase="Yaml script is invalid"),
    "uri_not_string": Case("mltable.from_delta_lake(5)"),
    # -------------------------------------------------------------- the table's folder
    "missing_folder": Case(_d("nope"), phrase="The requested stream was not found"),
    "missing_folder_partition_count": Case(_count("nope"), phrase="The requested stream was not found"),
    "not_a_delta_table": Case("mltable.from_delta_lake('parquet/multi').to_pandas_dataframe()",
                              phrase="Unable to find any delta table metadata"),
    "file_not_folder": Case("mltable.from_delta_lake('parquet/date32.parquet').to_pandas_dataframe()",
                            note="ExecutionError, Not a directory"),
    "nested_table": Case(_d("nested"), note="mltable finds a table in a subfolder; tablekit refuses (deviation)"),
    "absolute_uri": Case("mltable.from_delta_lake(DATA + '/delta/history', version_as_of=0).to_pandas_dataframe()"),
    "file_uri": Case("mltable.from_delta_lake('file://' + DATA + '/delta/history', version_as_of=0)"
                     ".to_pandas_dataframe()"),
    # -------------------------------------------------------------- YAML, paths, equality
    "repr_latest": Case("repr(mltable.from_delta_lake('delta/history'))"),
    "repr_version": Case("repr(mltable.from_delta_lake('delta/history', version_as_of=0, include_path_column=True)"
                         ".take(2))", note="None options are left out; version 0 is kept"),
    "repr_timestamp": Case("repr(mltable.from_delta_lake('delta/history', timestamp_as_of='2021-01-01T00:00:00Z'))"),
    "paths": Case("mltable.from_delta_lake('delta/history').paths"),
    "eq_same": Case("mltable.from_delta_lake('delta/history') == mltable.from_delta_lake('delta/history')"),
    "eq_other_version": Case("mltable.from_delta_lake('delta/history', version_as_of=1) == "
                             "mltable.from_delta_lake('delta/history')"),
    "partition_keys": Case("mltable.from_delta_lake('delta/partitioned').partition_keys"),
    # MLTable files (tests/data/delta/mltable/*): paths relative to the file's folder
    "load_version": Case("mltable.load('delta/mltable/version_1').to_pandas_dataframe()"),
    "load_bare_step": Case("mltable.load('delta/mltable/bare_step').to_pandas_dataframe()"),
    "load_timestamp": Case("mltable.load('delta/mltable/timestamp').to_pandas_dataframe()"),
    "load_repr": Case("repr(mltable.load('delta/mltable/bare_step'))", note="a bare step gets include_path_column"),
    "load_paths": Case("mltable.load('delta/mltable/version_1').paths"),
    "load_eq_built": Case("mltable.load('delta/mltable/version_1') == "
                          "mltable.from_delta_lake('delta/history', version_as_of=1)",
                          note="paths compare as written: ../../history vs delta/history"),
    # -------------------------------------------------------------- include_path_column
    "path_column": Case(_d(H, "version_as_of=1, include_path_column=True"),
                        note="Path first: the absolute path of each data file"),
    "path_column_partitioned": Case(_d("partitioned", "include_path_column=True"),
                                    note="the on-disk path: region=south%20east stays encoded"),
    "path_column_keep": Case(_d(H, "include_path_column=True", ".keep_columns(['Path', 'value'])")),
    # -------------------------------------------------------------- types
    "types": Case(_d("types"), note="Arrow types as pyarrow's to_pandas gives them, like parquet"),
    "types_take": Case(_d("types", tail=".take(3)"), note="after take: rslex values (ints int64, dates datetime64)"),
    "types_filter": Case(_d("types", tail=".filter('i64 > 1')")),
    "types_skip": Case(_d("types", tail=".skip(1)")),
    "types_keep": Case(_d("types", tail=".keep_columns(['d', 'ts', 'dec', 'i64_null'])"),
                       note="keep_columns keeps the Arrow types"),
    "types_convert": Case(_d("types", tail=".convert_column_types({'i32': 'float'})")),
    "types_sample": Case(_d("types", tail=".take_random_sample(0.999999, seed=1)"), compare_values=False),
    "types_select_partitions": Case(_d("types", tail=".select_partitions([0])")),
    # -------------------------------------------------------------- partitioned table
    "partitioned": Case(_d("partitioned"),
                        note="partition columns are NOT columns (they are not in the files); files in path order"),
    "partitioned_filter_region": Case(_d("partitioned", tail=".filter(\"region == 'east'\")"),
                                      note="region is an unknown column (null): no rows"),
    "partitioned_count": Case(_count("partitioned"), note="one partition per row group (4 files x 2)"),
    "partitioned_select": Case(_d("partitioned", tail=".select_partitions([1, 4])")),
    "partitioned_take_count": Case(_count("partitioned", tail=".take(5)")),
    "partitioned_select_out_of_range": Case(_d("partitioned", tail=".select_partitions([8])"),
                                            phrase="Invalid argument \"partitions\""),
    "history_count_v1": Case(_count(H, "version_as_of=1")),
    "history_count_empty": Case(_count(H, "version_as_of=5"), phrase="Unable to find any parquet files"),
    "history_count_missing_version": Case(_count(H, "version_as_of=9"), phrase="Invalid table version: 9"),
    # -------------------------------------------------------------- transformations on a delta table
    "filter_stats": Case(_d("partitioned", tail=".filter('id >= 10')"),
                         note="files ruled out by their statistics are not read; same rows"),
    "filter_stats_and": Case(_d("partitioned", tail=".filter('id > 2 and id < 5')")),
    "filter_stats_or": Case(_d("partitioned", tail=".filter(\"id == 1 or label == 'r08'\")")),
    "filter_stats_none_left": Case(_d("partitioned", tail=".filter('v > 1000')"), note="no rows: no columns"),
    "filter_none_left_then_keep": Case(_d("partitioned", tail=".filter('v > 1000').keep_columns(['id'])")),
    "filter_string": Case(_d("partitioned", tail=".filter(\"label >= 'r11'\")")),
    "filter_then_take": Case(_d("partitioned", tail=".filter('id > 3').take(4)")),
    "filter_new_column": Case(_d(H, "version_as_of=3", ".filter('id > 11')"),
                              note="only the file with `extra` matches"),
    "filter_old_files_only": Case(_d(H, "version_as_of=3", ".filter('id < 12')"),
                                  note="the matching rows come from a file without `extra`: mltable drops it"),
    "take_old_files_only": Case(_d(H, "version_as_of=3", ".take(2)"), note="the same after take"),
    "filter_old_files_keep_new_column": Case(_d(H, "version_as_of=3", ".filter('id < 12').keep_columns('extra')")),
    "keep": Case(_d("partitioned", tail=".keep_columns(['label', 'id'])")),
    "drop": Case(_d("partitioned", tail=".drop_columns('v')")),
    "take_skip": Case(_d("partitioned", tail=".skip(2).take(5)")),
    # tablekit draws samples with its own generator: rows differ from mltable's, columns and types do not
    "sample": Case(_d("partitioned", tail=".take_random_sample(0.5, seed=7)"), compare_values=False),
    "split": Case("[t.to_pandas_dataframe() for t in "
                  "mltable.from_delta_lake('delta/partitioned').random_split(0.5, seed=3)]", compare_values=False),
    "convert": Case(_d("partitioned", tail=".convert_column_types({'id': mltable.DataType.to_string()})")),
    "filter_sample": Case(_d("partitioned", tail=".filter('id > 4').take_random_sample(0.5, seed=2)"),
                          compare_values=False),
    "select_then_filter": Case(_d("partitioned", tail=".select_partitions([2, 3]).filter('id > 1')")),
    "time_travel_then_steps": Case(_at(H, "2021-02-15T00:00:00Z", ".filter('score > 2').keep_columns('id')")),
    "show": Case("mltable.from_delta_lake('delta/history', version_as_of=1).show(3)"),
}
