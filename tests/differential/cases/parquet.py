"""Differential cases: from_parquet_files (Arrow types, multi-file, row groups, date32 oddity)."""
from __future__ import annotations

from tests.differential.cases import Case


def _pq(paths: str, tail: str = "", args: str = "") -> str:
    sep = ", " if args else ""
    return f"mltable.from_parquet_files({paths}{sep}{args}){tail}.to_pandas_dataframe()"


def _file(name: str, tail: str = "", args: str = "") -> str:
    return _pq(f"[{{'file': 'parquet/{name}'}}]", tail, args)


_SINGLE = [
    "i8", "i16", "i32", "i64", "u8", "u32", "u64", "i64_null", "i32_null", "f32", "f64", "b", "b_null", "s",
    "ls", "bin", "d32", "ts_ms", "ts_us", "ts_ns", "ts_s", "ts_tz", "ts_tz_ber", "dec", "dec38", "lst",
    "lst_s", "st", "all_null", "time64", "date64", "f16_as_f32", "large_list", "i8_null", "u64_null",
]
_SINGLE_NOTES = {
    "ts_s": "pyarrow stores unit 's' as ms in the file (with the arrow schema saying 's'): mltable reads the "
            "ms values as seconds -> datetime64[s] with absurd years. Keep that.",
    "st": "struct: child int with null becomes float inside the dict",
    "u64": "uint64 max kept exactly",
    "b_null": "bool with nulls -> object True/None/False",
    "i64_null": "int with nulls -> float64",
    "d32": "date32 -> object of datetime.date on a plain read",
    "date64": "date64 -> object of datetime.date too",
    "ts_tz_ber": "tz-aware timestamps keep their zone: datetime64[us, Europe/Berlin]",
}

CASES = {
    "types_all": Case(_file("types.parquet"), note="every supported Arrow type in one file"),
    **{f"type_{n}": Case(_file(f"single/{n}.parquet"), note=_SINGLE_NOTES.get(n, ""))
       for n in _SINGLE},
    # unsupported types: mltable fails
    "type_dictionary_string": Case(_file("single/dict.parquet"),
                                   note="dictionary-encoded column: rslex panics (UnexpectedError, UnexpectedFailure)"),
    "type_dictionary_int": Case(_file("single/dict_int.parquet")),
    "type_duration": Case(_file("single/duration.parquet"), note="duration not supported (ExecutionError)"),
    "type_fixed_size_binary": Case(_file("single/fixed_bin.parquet")),
    "type_map": Case(_file("single/map.parquet")),
    # -------------------------------------------------------------- date32 oddity
    "date32_plain": Case(_file("date32.parquet"), note="datetime.date objects"),
    "date32_keep_columns": Case(_file("date32.parquet", ".keep_columns(['d', 'id'])"), note="still object"),
    "date32_drop_columns": Case(_file("date32.parquet", ".drop_columns('s')")),
    "date32_take": Case(_file("date32.parquet", ".take(2)"), note="datetime64[ns] after take"),
    "date32_take_all": Case(_file("date32.parquet", ".take(100)")),
    "date32_skip": Case(_file("date32.parquet", ".skip(1)"), note="datetime64[ns] after skip"),
    "date32_filter": Case(_file("date32.parquet", ".filter('id > 1')"), note="datetime64[ns] after filter"),
    "date32_filter_on_date": Case(_file("date32.parquet", ".filter('d >= datetime(2021, 1, 3)')")),
    "date32_sample": Case(_file("date32.parquet", ".take_random_sample(0.999999, seed=1)"),
                          note="datetime64[ns] after take_random_sample (p close to 1 keeps every row here)",
                          compare_values=False),
    "date32_take_then_keep": Case(_file("date32.parquet", ".take(3).keep_columns('d')")),
    "date32_keep_then_take": Case(_file("date32.parquet", ".keep_columns('d').take(3)")),
    "date32_select_partitions": Case(_file("date32.parquet", ".select_partitions([0])")),
    "date32_convert_string": Case(_file("date32.parquet", ".convert_column_types({'d': mltable.DataType.to_string()})")),
    "date32_convert_other_column": Case(_file("date32.parquet", ".convert_column_types({'id': 'float'})")),
    "date32_path_column": Case(_file("date32.parquet", args="include_path_column=True")),
    "date32_show": Case(
        "mltable.from_parquet_files([{'file': 'parquet/date32.parquet'}]).show(2)", note="show = take + materialize"),
    "types_take": Case(_file("types.parquet", ".take(3)"),
                       note="do other types change after take? (date64 too?)"),
    "types_skip": Case(_file("types.parquet", ".skip(1)"),
                       note="after take/skip/filter/sample/convert every column goes through rslex values: ints "
                            "-> int64 (uint64 max wraps to -1), float32 -> float64, decimals -> float64, dates and "
                            "timestamps -> datetime64[ns] naive, ts_s (out of range) -> NaT"),
    "types_keep_columns": Case(_file("types.parquet", ".keep_columns(['u64', 'f32', 'dec', 'ts_tz', 'd32'])"),
                               note="keep_columns keeps Arrow types"),
    "types_drop_columns": Case(_file("types.parquet", ".drop_columns(['i8', 'nope'])")),
    "types_select_partitions": Case(_file("types.parquet", ".select_partitions([0])")),
    "types_sample": Case(_file("types.parquet", ".take_random_sample(0.5, seed=3)"), compare_values=False),
    "types_convert_one": Case(_file("types.parquet", ".convert_column_types({'i8': 'float'})"),
                              note="converting one column converts the representation of all others too"),
    "types_convert_no_value": Case(
        _file("types.parquet", ".keep_columns(['i8', 'f32', 'b', 'd32', 'ts_ms', 'dec', 'lst', 'st', 's'])"
                               ".convert_column_types({'b': 'int', 'd32': 'float', 'ts_ms': 'int', 'lst': 'float', "
                               "'st': 'int', 'i8': mltable.DataType.to_datetime('%Y'), "
                               "'f32': mltable.DataType.to_datetime('%Y-%m-%d'), 'dec': mltable.DataType.to_datetime('%Y')})"),
        note="conversions with no value in any row (numbers from booleans/dates/lists, dates from numbers): "
             "object columns of None, not float64 NaN or NaT"),
    "types_to_bool_dates": Case(
        _file("types.parquet", ".keep_columns(['d32', 'ts_tz', 'ts_us', 'i8'])"
                               ".convert_column_types({'d32': mltable.DataType.to_bool(mismatch_as='true'), "
                               "'ts_tz': mltable.DataType.to_bool(mismatch_as='false'), "
                               "'ts_us': mltable.DataType.to_bool(true_values=['1'], false_values=['0'], mismatch_as='true')})"),
        note="dates and timestamps are no booleans and no mismatches: None whatever mismatch_as says"),
    "types_decimal_to_string": Case(
        _file("types.parquet", ".keep_columns(['dec', 'dec38'])"
                               ".convert_column_types({'dec': mltable.DataType.to_string(), 'dec38': 'string'})"),
        note="decimals are floats in mltable's values: 1.25, -3.1, 0 (no trailing zeros)"),
    "types_take_tz": Case(_file("types.parquet", ".keep_columns(['ts_tz', 'ts_tz_ber']).take(3)"),
                          note="tz-aware Berlin: 2021-06-01T00:00Z becomes 01:00 (a fixed +1h?), not 02:00"),
    "types_filter": Case(_file("types.parquet", ".filter('i8 > -100')")),
    # -------------------------------------------------------------- multi-file / row groups
    "multi_files_list_order": Case(
        _pq("[{'file': 'parquet/multi/part-1.parquet'}, {'file': 'parquet/multi/part-0.parquet'}]"),
        note="list order"),
    "multi_folder_sorted": Case(_pq("[{'folder': 'parquet/multi'}]") + ".sort_values('id').reset_index(drop=True)",
                                note="folder (directory order; sorted here)"),
    "multi_pattern": Case(_pq("[{'pattern': 'parquet/multi/*.parquet'}]"), note="pattern matches sorted"),
    "multi_schema_files": Case(
        _pq("[{'file': 'parquet/multi_schema/p0.parquet'}, {'file': 'parquet/multi_schema/p1.parquet'}]"),
        note="files with different columns"),
    "multi_schema_files_reversed": Case(
        _pq("[{'file': 'parquet/multi_schema/p1.parquet'}, {'file': 'parquet/multi_schema/p0.parquet'}]")),
    "multi_schema_take_first_file_rows": Case(
        _pq("[{'folder': 'parquet/multi_schema'}]", ".take(1)"),
        note="mltable: only the columns of the files whose rows survive (c is gone): a deviation"),
    "multi_types_files": Case(
        _pq("[{'file': 'parquet/multi_types/p0.parquet'}, {'file': 'parquet/multi_types/p1.parquet'}]"),
        note="int64 column without nulls in file 1, with nulls in file 2"),
    "rowgroups": Case(_file("rowgroups.parquet"), note="4 row groups of 3,3,3,1 rows"),
    "rowgroups_take_skip": Case(_file("rowgroups.parquet", ".skip(2).take(5)")),
    "rowgroups_select_partitions": Case(_file("rowgroups.parquet", ".select_partitions([1, 3])")),
    "rowgroups_select_partitions_reversed": Case(_file("rowgroups.parquet", ".select_partitions([3, 1])")),
    "rowgroups_partition_count": Case("mltable.from_parquet_files([{'file': 'parquet/rowgroups.parquet'}])"
                                      ".get_partition_count()", note="one partition per row group"),
    "multi_folder_partition_count": Case("mltable.from_parquet_files([{'folder': 'parquet/multi'}])"
                                         ".get_partition_count()",
                                         note="1 row group + 2 row groups -> 3"),
    "types_partition_count": Case("mltable.from_parquet_files([{'file': 'parquet/types.parquet'}])"
                                  ".get_partition_count()"),
    "empty_partition_count": Case("mltable.from_parquet_files([{'file': 'parquet/empty.parquet'}])"
                                  ".get_partition_count()"),
    "multi_select_partitions": Case(
        _pq("[{'file': 'parquet/multi/part-0.parquet'}, {'file': 'parquet/multi/part-1.parquet'}]",
            ".select_partitions([0, 2])")),
    "empty_file": Case(_file("empty.parquet"), note="zero rows"),
    # -------------------------------------------------------------- Spark output: a 0-byte _SUCCESS beside the parts
    "spark_success_folder_sorted": Case(_pq("[{'folder': 'parquet/spark'}]")
                                        + ".sort_values('id').reset_index(drop=True)",
                                        note="an empty file adds no rows and no columns"),
    "spark_success_pattern": Case(_pq("[{'pattern': 'parquet/spark/*'}]")),
    "spark_success_pattern_skip_take": Case(_pq("[{'pattern': 'parquet/spark/*'}]", ".skip(1).take(1)")),
    "spark_success_file_only": Case(_file("spark/_SUCCESS")),
    "spark_success_partition_count": Case("mltable.from_parquet_files([{'pattern': 'parquet/spark/*'}])"
                                          ".get_partition_count()"),
    # -------------------------------------------------------------- bad files
    "corrupt_page": Case(_file("corrupt_page.parquet"), note="a sound footer, a page no reader decodes"),
    "corrupt_page_take": Case(_file("corrupt_page.parquet", ".take(2)")),
    "corrupt_strings": Case(_file("corrupt_strings.parquet"), note="string bytes that are not UTF-8"),
    "bad_folder": Case(_pq("[{'folder': 'parquet/bad'}]"), phrase="Invalid Parquet file"),
    "bad_text_file": Case(_file("bad/notes.txt"), phrase="Invalid Parquet file"),
    "csv_as_parquet": Case(_pq("[{'file': 'csv/basic.csv'}]"), phrase="Invalid Parquet file"),
    "bad_folder_partition_count": Case("mltable.from_parquet_files([{'folder': 'parquet/bad'}]).get_partition_count()"),
    "bad_folder_take": Case(_pq("[{'folder': 'parquet/bad'}]", ".take(1)")),
    # -------------------------------------------------------------- include_path_column
    "path_column": Case(_file("rowgroups.parquet", args="include_path_column=True"),
                        note="Path first, absolute local path"),
    "path_column_multi": Case(
        _pq("[{'file': 'parquet/multi/part-0.parquet'}, {'file': 'parquet/multi/part-1.parquet'}]",
            args="include_path_column=True")),
    "path_column_keep": Case(_file("rowgroups.parquet", ".keep_columns(['v', 'Path'])", "include_path_column=True")),
    "path_column_uri": Case(_pq("[{'file': 'file://' + DATA + '/parquet/rowgroups.parquet'}]",
                                args="include_path_column=True")),
}
