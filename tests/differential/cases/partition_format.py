"""Differential cases: extract_columns_from_partition_format, partition_keys, and filters on
partition columns (which tablekit uses to skip whole files).

Data: tests/data/partition/ (tests/data/partition_make_data.py).  Formats are searched in
each file's absolute path, so every format here is anchored on names inside
tests/data/partition; multi-file reads use patterns (sorted) rather than folders
(directory order).
"""
from __future__ import annotations

from tests.differential.cases import Case

HIVE = "[{'pattern': 'partition/hive/*/*/*.parquet'}]"
TREE = "[{'pattern': 'partition/tree/*/*/*/*.csv'}]"
KEYS = "[{'pattern': 'partition/keys/*/*.csv'}]"
WEIRD = "[{'pattern': 'partition/weird/*/*/*.csv'}]"
FLAT = "[{'pattern': 'partition/flat/*.csv'}]"
DATES = "[{'pattern': 'partition/dates/**/*.csv'}]"
JSONL = "[{'pattern': 'partition/jsonl/*/*.jsonl'}]"
MLTABLES = "partition/mltables"
DELTA = "mltable.from_delta_lake('delta/partitioned')"


def _pq(partition_format: str, tail: str = "", args: str = "", paths: str = HIVE) -> str:
    sep = ", " if args else ""
    return (f"mltable.from_parquet_files({paths}{sep}{args})"
            f".extract_columns_from_partition_format({partition_format!r}){tail}.to_pandas_dataframe()")


def _csv(partition_format: str, tail: str = "", args: str = "", paths: str = TREE) -> str:
    sep = ", " if args else ""
    return (f"mltable.from_delimited_files({paths}{sep}{args})"
            f".extract_columns_from_partition_format({partition_format!r}){tail}.to_pandas_dataframe()")


def _keys(table: str, *formats: str) -> str:
    steps = "".join(f".extract_columns_from_partition_format({f!r})" for f in formats)
    return f"{table}{steps}.partition_keys"


HIVE_FORMAT = "/year={year}/month={month}/part.parquet"
TYPED = "[{'folder': 'partition/typed'}]"
TYPED_FORMAT = "/typed/k={k}/{n}.parquet"
PQ = f"mltable.from_parquet_files({HIVE})"

CASES = {
    # -------------------------------------------------------------- parquet: where the columns go
    "pq_hive": Case(_pq(HIVE_FORMAT), note="string columns after the data columns"),
    "pq_hive_folder": Case(_pq("/year={year}/month={month}/", paths="[{'folder': 'partition/hive'}]"),
                           note="a folder lists in directory order; values follow each file"),
    "pq_no_leading_slash": Case(_pq("year={year}/month={month}/"), note="the format is searched in the path"),
    "pq_search_any_segment": Case(_pq("/hive/{a}/month={month}/"), note="{a} takes a whole segment: 'year=2020'"),
    "pq_hive_by_segment": Case(_pq("/hive/{y}/{m}/part.parquet")),
    "pq_last_segment": Case(_pq("/{name}.parquet"), note="the file name without the dot part"),
    "pq_wildcard": Case(_pq("/*/month={month}/"), note="* matches within one segment"),
    "pq_wildcard_in_segment": Case(_pq("/year=20{yy}/*/{file}.parquet")),
    "pq_path_column": Case(_pq(HIVE_FORMAT, args="include_path_column=True"), note="Path, data, partition columns"),
    "pq_types_kept": Case(_pq("/typed/k={k}/", paths="[{'folder': 'partition/typed'}]"),
                          note="the data columns keep their Arrow types (date32 objects, uint8)"),
    "pq_date_year": Case(_pq("/year={d:yyyy}/"), note="a date column: datetime64[ns], month/day default to 1"),
    "pq_date_and_key": Case(_pq("/year={d:yyyy}/month={m}/"), note="string keys first, then the date column"),
    "pq_date_across_segments": Case(_pq("/year={d:yyyy/month=MM}/")),
    "pq_date_with_path_column": Case(_pq("/year={d:yyyy}/month={m}/", args="include_path_column=True")),
    "pq_duplicate_key": Case(_pq("/year={a}/month={a}/"), note="a name used twice keeps its first value"),
    "pq_unnamed_date": Case(_pq("/year={:yyyy}/"), note="a date capture without a name adds no column"),
    # -------------------------------------------------------------- parquet: with other steps
    "pq_keep_partition_column": Case(_pq(HIVE_FORMAT, ".keep_columns(['month'])")),
    "pq_drop_data_columns": Case(_pq(HIVE_FORMAT, ".drop_columns(['id', 'v'])")),
    "pq_take": Case(_pq(HIVE_FORMAT, ".take(3)")),
    "pq_skip": Case(_pq(HIVE_FORMAT, ".skip(3)")),
    "pq_select_partitions": Case(_pq(HIVE_FORMAT, ".select_partitions([1, 3])")),
    "pq_sample": Case(_pq(HIVE_FORMAT, ".take_random_sample(0.5, seed=3)"), compare_values=False),
    "pq_convert": Case(_pq(HIVE_FORMAT, ".convert_column_types({'year': 'int'})")),
    "pq_partition_count": Case(f"{PQ}.extract_columns_from_partition_format({HIVE_FORMAT!r}).get_partition_count()"),
    "pq_step_added_after_take": Case(f"{PQ}.take(3).extract_columns_from_partition_format({HIVE_FORMAT!r})"
                                     ".to_pandas_dataframe()", note="the step goes first whenever it is added"),
    "pq_two_steps": Case(f"{PQ}.extract_columns_from_partition_format('/year={{year}}/')"
                         ".extract_columns_from_partition_format('/month={month}/').to_pandas_dataframe()",
                         note="the later call comes first: columns month, year"),
    # -------------------------------------------------------------- filters on partition columns
    "pq_filter_string": Case(_pq(HIVE_FORMAT, ".filter('year == \"2021\"')"), note="parquet partition values are strings"),
    "pq_filter_int_matches_nothing": Case(_pq(HIVE_FORMAT, ".filter('year == 2021')"),
                                          note="a string never equals an int: no rows, no columns"),
    "pq_filter_before_extract": Case(f"{PQ}.filter('year == \"2021\"').extract_columns_from_partition_format("
                                     f"{HIVE_FORMAT!r}).to_pandas_dataframe()"),
    "pq_filter_and_data": Case(_pq(HIVE_FORMAT, ".filter('month == \"02\" and id > 202100')")),
    "pq_filter_data_first": Case(_pq(HIVE_FORMAT, ".filter('id > 202100 and month == \"02\"')")),
    "pq_filter_or_data": Case(_pq(HIVE_FORMAT, ".filter('year == \"2020\" or id == 202151')")),
    "pq_filter_not": Case(_pq(HIVE_FORMAT, ".filter('not (month == \"01\")')")),
    "pq_filter_range": Case(_pq(HIVE_FORMAT, ".filter('year >= \"2021\" and month < \"02\"')")),
    "pq_filter_startswith": Case(_pq(HIVE_FORMAT, ".filter('startswith(month, \"0\") and year == \"2020\"')")),
    "pq_filter_date": Case(_pq("/year={d:yyyy}/month={m}/", ".filter('d >= datetime(2021, 1, 1)')")),
    "pq_filter_keep": Case(_pq(HIVE_FORMAT, ".filter('year == \"2020\"').keep_columns(['id'])")),
    "pq_filter_then_take": Case(_pq(HIVE_FORMAT, ".filter('year == \"2021\"').take(3)")),
    "pq_take_then_filter": Case(_pq(HIVE_FORMAT, ".take(5).filter('year == \"2021\"')")),
    "pq_filter_nothing_left": Case(_pq(HIVE_FORMAT, ".filter('year == \"1999\"')")),
    "pq_filter_nothing_left_keep": Case(_pq(HIVE_FORMAT, ".filter('year == \"02\"').keep_columns(['id', 'month'])"),
                                        note="no file passes: one is read all the same, for the columns"),
    "pq_filter_sample": Case(_pq(HIVE_FORMAT, ".filter('year == \"2021\"').take_random_sample(0.5, seed=3)"),
                             compare_values=False),
    "pq_filter_path_column": Case(_pq(HIVE_FORMAT, ".filter('month == \"02\"')", args="include_path_column=True")),
    # -------------------------------------------------------------- which filters keep the Arrow types
    # mltable applies a filter that reads only partition columns (or none) to its file list when only
    # keep/drop_columns come before it: the rows then keep their Arrow types (date32 objects, uint8)
    "types_partition_filter": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\"')", paths=TYPED)),
    "types_partition_filter_any_expression": Case(_pq(TYPED_FORMAT, ".filter('k + \"x\" == \"ax\" or k != n')",
                                                      paths=TYPED)),
    "types_constant_filter": Case(_pq(TYPED_FORMAT, ".filter('1 == 1')", paths=TYPED)),
    "types_constant_filter_no_format": Case(f"mltable.from_parquet_files({TYPED}).filter('True').to_pandas_dataframe()"),
    "types_mixed_filter": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\" and u > 1')", paths=TYPED),
                               note="a filter reading data columns sends the rows through rslex values"),
    "types_partition_then_data_filter": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\"').filter('u > 1')", paths=TYPED)),
    "types_keep_then_partition_filter": Case(_pq(TYPED_FORMAT, ".keep_columns(['d', 'k', 'u']).filter('k == \"a\"')"
                                                 ".drop_columns('u')", paths=TYPED)),
    "types_partition_filters_around_keep": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\"').keep_columns(['d', 'k', 'n'])"
                                                    ".filter('n == \"p\"')", paths=TYPED)),
    "types_select_partitions_then_partition_filter": Case(_pq(TYPED_FORMAT, ".select_partitions(0).filter('k == \"a\"')",
                                                              paths=TYPED), note="not moved: rslex values"),
    "types_partition_filter_then_select_partitions": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\"').select_partitions(0)",
                                                              paths=TYPED)),
    "types_partition_filter_then_take": Case(_pq(TYPED_FORMAT, ".filter('k == \"a\"').take(1)", paths=TYPED)),
    # -------------------------------------------------------------- paths: relative, absolute, file://
    "pq_file_relative": Case(_pq("/hive/year={year}/", paths="[{'file': 'partition/hive/year=2021/month=01/part.parquet'}]")),
    "pq_file_dotdot": Case(_pq("/hive/year={year}/",
                               paths="[{'file': 'partition/typed/../hive/year=2021/month=01/part.parquet'}]"),
                           note="the path is normalized before the format is searched in it"),
    "pq_file_absolute": Case(_pq("/hive/year={year}/",
                                 paths="[{'file': DATA + '/partition/hive/year=2021/month=01/part.parquet'}]")),
    "pq_file_uri": Case(_pq("/hive/year={year}/",
                            paths="[{'file': 'file://' + DATA + '/partition/hive/year=2021/month=01/part.parquet'}]")),
    # -------------------------------------------------------------- files the format does not match
    "pq_no_file_matches": Case(_pq("/nomatch/{a}/"), phrase="Encountered ErrorValue",
                               note="parquet fails on reading a file whose path does not match"),
    "pq_some_files_do_not_match": Case(_pq("/year=2021/month={m}/"), phrase="Encountered ErrorValue"),
    "pq_unmatched_file_not_reached": Case(_pq("/year=2020/month={m}/", ".take(2)"),
                                          note="take(2) is served by the first file, the others are not read"),
    "pq_unmatched_keep_other_column": Case(_pq("/year=2021/month={m}/", ".keep_columns(['id'])"),
                                           phrase="Encountered ErrorValue"),
    "pq_unmatched_filter": Case(_pq("/year=2021/month={m}/", ".filter('m == \"01\"')"),
                                phrase="Encountered ErrorValue"),
    "pq_mixed_folder": Case(_pq("/year={year}/", paths="[{'pattern': 'partition/mixed/*/*.parquet'}]"),
                            phrase="Encountered ErrorValue"),
    # -------------------------------------------------------------- invalid formats and names
    "pq_key_is_data_column": Case(_pq("/year={id}/"), phrase="already exists in the record"),
    "pq_key_is_path": Case(_pq("/{Path}/month="), phrase="already exists in the record",
                           note="the files' own Path column, even without include_path_column"),
    "pq_two_steps_same_name": Case(f"{PQ}.extract_columns_from_partition_format('/year={{a}}/')"
                                   ".extract_columns_from_partition_format('/month={a}/').to_pandas_dataframe()",
                                   phrase="already exists in the record"),
    "pq_no_year": Case(_pq("/month={d:MM}/"), phrase="Year (yyyy) must be present in date partition format"),
    "pq_two_dates": Case(_pq("/year={d:yyyy}/month={e:MM}/"), phrase="Only single date is supported"),
    "pq_empty_format": Case(_pq(""), phrase="Partition format requires at least one part"),
    "pq_no_capture": Case(_pq("/hive/"), phrase="Partition format requires at least one part"),
    "pq_wildcard_only": Case(_pq("*"), phrase="Partition format requires at least one part"),
    "pq_empty_name": Case(_pq("/year={}/"), phrase="Name is required for each partition capture"),
    "pq_empty_date_format": Case(_pq("/year={d:}/"), phrase="Date format string is required"),
    "pq_unclosed_brace": Case(_pq("/year={year/"), phrase="Format contains extra brackets"),
    "pq_stray_closing_brace": Case(_pq("year}/{month}"), phrase="Format contains extra brackets"),
    "pq_escaped_brace": Case(_pq("{{x}}/{a}"), phrase="Native function compilation error",
                             note="{{ is a literal brace, which mltable's regular expression rejects"),
    "pq_format_not_string": Case(f"{PQ}.extract_columns_from_partition_format(5)", phrase="Yaml script is invalid",
                                 note="refused when the step is added"),
    "pq_format_none": Case(f"{PQ}.extract_columns_from_partition_format(None)", phrase="Yaml script is invalid"),
    # -------------------------------------------------------------- YAML view, equality, paths
    "pq_repr": Case(f"repr({PQ}.extract_columns_from_partition_format({HIVE_FORMAT!r}))",
                    note="the step first, with ignore_errors and path_column spelled out"),
    "pq_repr_after_take": Case(f"repr({PQ}.take(3).extract_columns_from_partition_format('/year={{y}}/'))"),
    "pq_eq": Case(f"{PQ}.extract_columns_from_partition_format('/year={{y}}/') == "
                  f"{PQ}.extract_columns_from_partition_format('/year={{y}}/')"),
    "pq_not_eq": Case(f"{PQ}.extract_columns_from_partition_format('/year={{y}}/') == "
                      f"{PQ}.extract_columns_from_partition_format('/year={{z}}/')"),
    "pq_paths_unchanged": Case(f"{PQ}.extract_columns_from_partition_format('/year={{y}}/').paths"),
    # -------------------------------------------------------------- partition_keys
    "keys_none": Case(f"{PQ}.partition_keys"),
    "keys_hive": Case(_keys(PQ, HIVE_FORMAT)),
    "keys_date_last": Case(_keys(PQ, "/{d:yyyy/MM}/{day}/{name}.csv")),
    "keys_duplicate": Case(_keys(PQ, "/{a}/{b}/{a}/")),
    "keys_two_steps": Case(_keys(PQ, "/year={year}/", "/month={month}/"),
                           note="the first step in the YAML, i.e. the last one added"),
    "keys_empty_format": Case(_keys(PQ, "")),
    "keys_unnamed_date": Case(_keys(PQ, "/{:yyyy}/")),
    "keys_after_take": Case(_keys(f"{PQ}.take(2)", "/year={y}/")),
    "keys_no_year": Case(_keys(PQ, "/month={d:MM}/"),
                         note="mltable's partition_keys fails with NameError (it means to report the missing yyyy)"),
    "keys_two_colons": Case(_keys(PQ, "/{a:b:c}/"), note="mltable: ValueError, too many values to unpack"),
    # -------------------------------------------------------------- delimited: inferred, before the data
    "csv_tree": Case(_csv("/{year}/{month}/{day}/data.csv"), note="inferred (ints), before the data columns"),
    "csv_tree_path_column": Case(_csv("/{year}/{month}/{day}/data.csv", args="include_path_column=True"),
                                 note="Path, partition columns, data columns"),
    "csv_no_inference": Case(_csv("/{year}/{month}/{day}/data.csv", args="infer_column_types=False"),
                             note="strings, leading zeros kept"),
    "csv_date": Case(_csv("/{d:yyyy/MM/dd}/data.csv")),
    "csv_date_and_key": Case(_csv("/{d:yyyy/MM}/{day}/data.csv"), note="day (int) then d (datetime)"),
    "csv_date_no_inference": Case(_csv("/{d:yyyy/MM/dd}/data.csv", args="infer_column_types=False"),
                                  note="a date column stays a datetime"),
    "csv_two_steps_path_column": Case(
        f"mltable.from_delimited_files({TREE}, include_path_column=True)"
        ".extract_columns_from_partition_format('/tree/{d:yyyy}/')"
        ".extract_columns_from_partition_format('/{m}/03/').to_pandas_dataframe()"),
    "csv_filter_int": Case(_csv("/{year}/{month}/{day}/data.csv", ".filter('year == 2021 and month == 2')"),
                           note="the filter sees the inferred types"),
    "csv_filter_string_matches_nothing": Case(_csv("/{year}/{month}/{day}/data.csv", ".filter('year == \"2021\"')")),
    "csv_filter_data_and_partition": Case(_csv("/{year}/{month}/{day}/data.csv", ".filter('id > 100 and month == 1')")),
    "csv_filter_keep": Case(_csv("/{year}/{month}/{day}/data.csv", ".filter('year == 2020').keep_columns(['v'])")),
    "csv_filter_path_column": Case(_csv("/{year}/{month}/{day}/data.csv", ".filter('month == 1')",
                                        args="include_path_column=True")),
    "csv_take": Case(_csv("/{year}/{month}/{day}/data.csv", ".take(3)")),
    "csv_lone_one_is_bool": Case(_csv("/keys/k={k}/", paths="[{'pattern': 'partition/keys/k=1/*.csv'}]"),
                                 note="a partition column of only '1' is inferred as bool, like data"),
    "csv_keys_int": Case(_csv("/keys/k={k}/", paths="[{'pattern': 'partition/keys/k=[12]/*.csv'}]")),
    "csv_keys_mixed": Case(_csv("/keys/k={k}/", paths=KEYS), note="1, 2, abc: strings"),
    "csv_keys_small_sample": Case(_csv("/keys/k={k}/", args="infer_column_types={'sample_size': 1}", paths=KEYS),
                                  note="inferred from the first file only (bool): 2 -> True?, abc -> None"),
    "csv_keys_filter_small_sample": Case(_csv("/keys/k={k}/", ".filter('k == True')",
                                              args="infer_column_types={'sample_size': 1}", paths=KEYS)),
    "csv_keys_override": Case(_csv("/keys/k={k}/", args="infer_column_types={'column_type_overrides': {'k': 'string'}}",
                                   paths=KEYS)),
    "csv_keys_no_header": Case(_csv("/keys/k={k}/", args="header='no_header'", paths=KEYS)),
    "csv_keys_different_headers": Case(_csv("/keys/k={k}/", ".filter('k == \"abc\"')",
                                            args="header='all_files_different_headers'", paths=KEYS)),
    "csv_keys_empty_as_string": Case(_csv("/keys/k={k}/", args="empty_as_string=True", paths=KEYS)),
    "csv_key_is_data_column": Case(_csv("/keys/k={id}/", paths=KEYS), phrase="already exists in the record"),
    "csv_years_beyond_ns": Case(_csv("/{d:yyyy}/f.csv", paths="[{'pattern': 'partition/far_years/*/f.csv'}]"),
                                note="years datetime64[ns] cannot hold: NaT, not an error"),
    "csv_years_beyond_ns_filter": Case(_csv("/{d:yyyy}/f.csv", paths="[{'pattern': 'partition/far_years/*/f.csv'}]",
                                            tail=".filter(\"col('d') > datetime(2000, 1, 1)\")")),
    "csv_full_date": Case(_csv("/{d:yyyy/MM/dd/HH/mm/ss}/f.csv", paths=DATES),
                          note="the second folder holds month 13: NaT"),
    "csv_date_in_file_name": Case(_csv("/{d:yyyyMMdd}_{n}.csv", paths=FLAT)),
    "csv_date_then_text": Case(_csv("/{d:yyyyMM}{rest}.csv", paths=FLAT)),
    "csv_date_literal_in_format": Case(_csv("/{d:yyyyMMdd_}{n}.csv", paths=FLAT)),
    "csv_date_partly_unmatched": Case(_csv("/{d:yyyyMMdd}_a.csv", paths=FLAT), note="the other file: NaT"),
    "csv_year_only": Case(_csv("/{d:yyyy}*.csv", paths=FLAT)),
    # -------------------------------------------------------------- delimited: characters in formats
    "csv_weird_segments": Case(_csv("/weird/{a}/{b}/f.csv", args="infer_column_types=False", paths=WEIRD),
                               note="dots, +, (), [], $, spaces, non-ASCII letters are all segment characters"),
    "csv_backslash_separator": Case(_csv("\\{b}\\f.csv", args="infer_column_types=False", paths=WEIRD)),
    "csv_wildcard_shortest": Case(_csv("*{a}/f.csv", args="infer_column_types=False", paths=WEIRD),
                                  note="* takes as few characters as it can"),
    "csv_wildcard_within_segment": Case(_csv("/weird/*/{b}/f.csv", args="infer_column_types=False", paths=WEIRD)),
    "csv_wildcard_not_across_segments": Case(_csv("/partition/*/{b}/f.csv", args="infer_column_types=False",
                                                  paths=WEIRD), note="no file matches: None everywhere"),
    "csv_dot_is_literal": Case(_csv("/{b}/f.cs.", args="infer_column_types=False", paths=WEIRD)),
    "csv_dollar_is_regex": Case(_csv("/{b}/f.csv$", args="infer_column_types=False", paths=WEIRD),
                                note="other characters are regular-expression syntax"),
    "csv_parentheses_are_regex": Case(_csv("/x(1)/{b}/", paths=WEIRD), phrase="Invalid argument \"type\""),
    "csv_dotted_name": Case(_csv("/{a.b}/f.csv", args="infer_column_types=False", paths=WEIRD)),
    # -------------------------------------------------------------- delimited: files that do not match
    "csv_partly_unmatched": Case(_csv("/v1.2/{x}/", paths=WEIRD), note="None for the other files"),
    "csv_none_matched": Case(_csv("/nomatch/{x}/", paths=WEIRD), phrase="Invalid argument \"type\"",
                             note="type inference fails on a column of errors"),
    "csv_none_matched_no_inference": Case(_csv("/nomatch/{x}/", args="infer_column_types=False", paths=WEIRD)),
    "csv_filter_reads_error": Case(_csv("/v1.2/{x}/", ".filter('x != \"zz\"')", paths=WEIRD),
                                   phrase="Error processing data"),
    "csv_filter_other_column": Case(_csv("/v1.2/{x}/", ".filter('id == True')", paths=WEIRD)),
    # -------------------------------------------------------------- JSON lines
    "jsonl": Case(f"mltable.from_json_lines_files({JSONL}).extract_columns_from_partition_format('/k={{k}}/')"
                  ".to_pandas_dataframe()", note="strings after the data columns"),
    "jsonl_path_column": Case(f"mltable.from_json_lines_files({JSONL}, include_path_column=True)"
                              ".extract_columns_from_partition_format('/k={k}/').to_pandas_dataframe()"),
    "jsonl_unmatched": Case(f"mltable.from_json_lines_files({JSONL})"
                            ".extract_columns_from_partition_format('/k={k}/a.jsonl').to_pandas_dataframe()",
                            note="None where the path does not match"),
    "jsonl_unmatched_filter": Case(f"mltable.from_json_lines_files({JSONL})"
                                   ".extract_columns_from_partition_format('/k={k}/a.jsonl')"
                                   ".filter('k == \"1\"').to_pandas_dataframe()", phrase="Error processing data"),
    "jsonl_filter": Case(f"mltable.from_json_lines_files({JSONL}).extract_columns_from_partition_format('/k={{k}}/')"
                         ".filter('k == \"2\"').to_pandas_dataframe()"),
    "jsonl_date": Case(f"mltable.from_json_lines_files({JSONL})"
                       ".extract_columns_from_partition_format('/partition/{d:yyyy}/').to_pandas_dataframe()",
                       note="no file matches: object None"),
    # -------------------------------------------------------------- from_paths
    "paths": Case(f"mltable.from_paths({JSONL}).extract_columns_from_partition_format('/k={{k}}/{{n}}.jsonl')"
                  ".to_pandas_dataframe()", note="Path (stream values) then the partition columns"),
    "paths_unmatched": Case(f"mltable.from_paths({JSONL}).extract_columns_from_partition_format('/k={{k}}/a.jsonl')"
                            ".to_pandas_dataframe()"),
    "paths_filter": Case(f"mltable.from_paths({JSONL}).extract_columns_from_partition_format('/k={{k}}/{{n}}.jsonl')"
                         ".filter('n == \"b\"').to_pandas_dataframe()"),
    "paths_date": Case(f"mltable.from_paths({HIVE}).extract_columns_from_partition_format('/year={{d:yyyy}}/')"
                       ".to_pandas_dataframe()"),
    "paths_keys": Case(_keys(f"mltable.from_paths({JSONL})", "/k={k}/{n}.jsonl")),
    "paths_repr": Case(f"repr(mltable.from_paths({JSONL}).extract_columns_from_partition_format('/k={{k}}/'))"),
    # -------------------------------------------------------------- Delta Lake: the data files' paths
    "delta": Case(f"{DELTA}.extract_columns_from_partition_format('/region={{r}}/').to_pandas_dataframe()",
                  note="mltable adds no partition column for a Delta table's own partitions; this step reads paths"),
    "delta_filter": Case(f"{DELTA}.extract_columns_from_partition_format('/region={{r}}/')"
                         ".filter('r == \"east\"').to_pandas_dataframe()"),
    "delta_filter_data": Case(f"{DELTA}.extract_columns_from_partition_format('/region={{r}}/')"
                              ".filter('r == \"west\" and id > 4').to_pandas_dataframe()"),
    "delta_path_column": Case("mltable.from_delta_lake('delta/partitioned', include_path_column=True)"
                              ".extract_columns_from_partition_format('/partitioned/{r}/').to_pandas_dataframe()"),
    # -------------------------------------------------------------- MLTable files
    "yaml_ignore_errors": Case(f"mltable.load('{MLTABLES}/ignore_errors').to_pandas_dataframe()",
                               note="ignore_errors: true drops the files that do not match"),
    "yaml_ignore_errors_csv": Case(f"mltable.load('{MLTABLES}/ignore_errors_csv').to_pandas_dataframe()"),
    "yaml_ignore_errors_repr": Case(f"repr(mltable.load('{MLTABLES}/ignore_errors'))"),
    "yaml_after_read": Case(f"mltable.load('{MLTABLES}/after_read').to_pandas_dataframe()",
                            note="after the read there is no Path column to read: None"),
    "yaml_after_read_repr": Case(f"repr(mltable.load('{MLTABLES}/after_read'))", note="the step stays where it is"),
    "yaml_after_read_keys": Case(f"mltable.load('{MLTABLES}/after_read').partition_keys"),
    "yaml_after_read_path_column": Case(f"mltable.load('{MLTABLES}/after_read_path_column').to_pandas_dataframe()",
                                        note="values from the Path column; None where it does not match"),
    "yaml_after_read_filter_error": Case(f"mltable.load('{MLTABLES}/after_read_path_column')"
                                         ".filter('month == \"01\"').to_pandas_dataframe()",
                                         phrase="Error processing data"),
    "yaml_after_read_then_extract": Case(f"mltable.load('{MLTABLES}/after_read_path_column')"
                                         ".extract_columns_from_partition_format('/hive/{y}/').to_pandas_dataframe()"),
    "yaml_other_path_column": Case(f"mltable.load('{MLTABLES}/other_path_column').to_pandas_dataframe()",
                                   phrase="Encountered ErrorValue"),
    "yaml_no_format": Case(f"mltable.load('{MLTABLES}/no_format')", phrase="Yaml script is invalid"),
}
