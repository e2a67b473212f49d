"""Differential cases: from_json_lines_files."""
from __future__ import annotations

from tests.differential.cases import Case


def _j(name: str, args: str = "", tail: str = "") -> str:
    sep = ", " if args else ""
    return (f"mltable.from_json_lines_files([{{'file': 'jsonl/{name}'}}]{sep}{args}){tail}"
            ".to_pandas_dataframe()")


CASES = {
    # lines with more than one value, or text after one: mltable reads the line's first value
    "two_objects_on_a_line": Case(_j("two_objects.jsonl")),
    "two_objects_spaced": Case(_j("two_objects_spaced.jsonl")),
    "text_after_object": Case(_j("text_after_object.jsonl")),
    "array_line_error": Case(_j("array_line.jsonl"), phrase="ParseJsonFailure"),
    "unterminated_string_error": Case(_j("unterminated.jsonl"), phrase="ParseJsonFailure"),
    "indented_line": Case(_j("indented.jsonl")),
    "duplicate_key": Case(_j("duplicate_key.jsonl"), note="mltable panics (FieldNameConflict)"),
    "basic": Case(_j("basic.jsonl"), note="first-seen column order, missing keys null, explicit null"),
    "nested": Case(_j("nested.jsonl"), note="arrays and objects kept; mixed array/object/int column"),
    "numbers": Case(_j("numbers.jsonl"),
                    note="int vs float, int64 min/max, mixed int/float column, 1e3, 2.0, > int64"),
    "dates": Case(_j("dates.jsonl"), note="date-like strings stay strings"),
    "bools_nulls": Case(_j("bools_nulls.jsonl"), note="bool, bool with null, all null, 'true' string"),
    "mixed_types": Case(_j("mixed_types.jsonl"), note="one column holding int, str, bool, float, list, dict"),
    "empty_objects_error": Case(_j("empty_objects.jsonl"), phrase="The input data contains no columns",
                                note="lines that are all {}: the file has rows but no column"),
    "empty_objects_then_keys_error": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/empty_objects.jsonl'}, {'file': 'jsonl/basic.jsonl'}])"
        ".to_pandas_dataframe()", phrase="The input data contains no columns",
        note="a file of {} lines fails the table even when another file has keys"),
    "take_before_invalid_line": Case(_j("invalid.jsonl", tail=".take(1)"),
                                     note="a take stops the read: an invalid line after the rows taken fails nothing"),
    "take_before_late_key": Case(_j("late_key.jsonl", tail=".take(2)"),
                                 note="a take stops the read: a key or a type seen only after the rows taken is not "
                                      "the table's"),
    "take_all_late_key": Case(_j("late_key.jsonl", tail=".take(3)")),
    # filter then take (invalid_late.jsonl: rows a=1..4 with k x/y/x/y, line 5 invalid, then a=5 x, a=6 y)
    "filter_take_before_invalid_line": Case(_j("invalid_late.jsonl", tail=".filter(\"k == 'x'\").take(2)"),
                                            note="the filter stops at the row that completes the take: the "
                                                 "invalid line after it fails nothing"),
    "filter_take_all_before_invalid_line": Case(_j("invalid_late.jsonl", tail=".filter('a >= 1').take(4)"),
                                                note="every row kept, the last taken just before the invalid line"),
    "take_rows_before_invalid_line": Case(_j("invalid_late.jsonl", tail=".take(4)")),
    "filter_take_file_before_invalid_file": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/multi/p1.jsonl'}, {'file': 'jsonl/invalid_first.jsonl'}])"
        ".filter(\"b == 'x'\").take(1).to_pandas_dataframe()",
        note="the first file completes the take: the second file's invalid first line fails nothing"),
    "filter_take_past_invalid_line_error": Case(_j("invalid_late.jsonl", tail=".filter(\"k == 'x'\").take(3)"),
                                                phrase="ParseJsonFailure",
                                                note="the third x row is after the invalid line"),
    "filter_take_no_match_before_invalid_line_error": Case(
        _j("invalid_late.jsonl", tail=".filter('a > 4').take(1)"), phrase="ParseJsonFailure",
        note="the filter meets the invalid line before any row it keeps"),
    "take_past_invalid_line_error": Case(_j("invalid_late.jsonl", tail=".take(5)"), phrase="ParseJsonFailure"),
    "filter_take_blocks": Case(_j("blocks.jsonl", tail=".filter('id > 12').take(6)"),
                               note="rows 13-18 of 30: several blocks when the executor's blocks are small"),
    "filter_take_partitions": Case(
        "mltable.load('mltable/blocks_jsonl').filter('id > 12').take(6).to_pandas_dataframe()",
        note="the same over mltable's partitions of 200 bytes (the rows span two)"),
    "empty_object_late_key": Case(_j("empty_object_late_key.jsonl"),
                                  note="a key first seen late whose first value is {}: rslex panics"),
    "empty_objects_path_column": Case(_j("empty_objects.jsonl", "include_path_column=True"),
                                      note="with the path column the rows are kept"),
    "nested_to_string": Case(
        _j("nested_convert.jsonl", tail=".convert_column_types({('e', 'd', 'n'): mltable.DataType.to_string()})"),
        note="lists become JSON text ('[\"a\", null]', floats as 2 and 100000000000000000000), objects "
             "mltable's records ('{k: 1, s: x}', null as Null)"),
    "nested_to_number": Case(
        _j("nested_convert.jsonl", tail=".convert_column_types({'e': mltable.DataType.to_int(), "
                                        "'d': mltable.DataType.to_float(), 'n': mltable.DataType.to_bool()})"),
        note="lists and objects become None as numbers or booleans"),
    "nested_to_datetime": Case(
        _j("nested_convert.jsonl", tail=".convert_column_types({'e': mltable.DataType.to_datetime('%Y')})")),
    "invalid_default_error": Case(_j("invalid.jsonl"), phrase="ParseJsonFailure",
                                  note="invalid_lines defaults to 'error'"),
    "invalid_error": Case(_j("invalid.jsonl", "invalid_lines='error'"), phrase="ParseJsonFailure"),
    "invalid_drop": Case(_j("invalid.jsonl", "invalid_lines='drop'"), note="bad lines dropped"),
    "invalid_lines_bad_value": Case(_j("basic.jsonl", "invalid_lines='skip'"),
                                    note="unknown invalid_lines value"),
    "not_object_line": Case(_j("not_object.jsonl"), note="a JSON array line"),
    "not_object_line_drop": Case(_j("not_object.jsonl", "invalid_lines='drop'")),
    "scalar_line": Case(_j("scalar_line.jsonl"), note="a bare number line"),
    "scalar_line_drop": Case(_j("scalar_line.jsonl", "invalid_lines='drop'")),
    "pretty_printed": Case(_j("pretty.jsonl"), note="an object spread over two lines"),
    "crlf": Case(_j("crlf.jsonl")),
    "empty_lines_only": Case(_j("empty_lines_only.jsonl"), note="truly empty lines (no spaces)"),
    "blank_lines_drop": Case(_j("blank_lines.jsonl", "invalid_lines='drop'")),
    "first_value_type": Case(
        _j("first_type.jsonl"),
        note="a column's type comes from its first non-null value; later values of another type become null "
             "(int after float keeps? float after int -> null?)"),
    "first_value_type_skip": Case(_j("first_type.jsonl", tail=".skip(1)"), note="type from first value after skip"),
    "first_value_type_files": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/typed_multi/p1.jsonl'}, {'file': 'jsonl/typed_multi/p2.jsonl'}])"
        ".to_pandas_dataframe()", note="first value in another file/partition"),
    "first_value_type_files_reversed": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/typed_multi/p2.jsonl'}, {'file': 'jsonl/typed_multi/p1.jsonl'}])"
        ".to_pandas_dataframe()"),
    "blank_lines": Case(_j("blank_lines.jsonl"), note="empty and whitespace-only lines"),
    "escapes": Case(_j("escapes.jsonl"), note="\\n, \\u00e9 and escaped quotes"),
    "empty_file": Case(_j("empty.jsonl")),
    "enc_utf8_bom": Case(_j("enc_utf8bom.jsonl")),
    "enc_latin1": Case(_j("enc_latin1.jsonl", "encoding='latin1'")),
    "enc_latin1_as_utf8": Case(_j("enc_latin1.jsonl"), note="latin1 bytes read as utf8"),
    "enc_utf16_enum": Case(_j("enc_utf16.jsonl", "encoding=mltable.MLTableFileEncoding.utf16")),
    "enc_utf16_string_error": Case(_j("enc_utf16.jsonl", "encoding='utf16'"), phrase="Given invalid encoding"),
    "enc_windows1252": Case(_j("enc_cp1252.jsonl", "encoding='windows1252'")),
    "enc_iso88591": Case(_j("enc_latin1.jsonl", "encoding='iso-8859-1'")),
    "enc_ascii": Case(_j("basic.jsonl", "encoding='ascii'")),
    "enc_unknown_error": Case(_j("basic.jsonl", "encoding='utf32'"), phrase="Given invalid encoding"),
    "path_column": Case(_j("basic.jsonl", "include_path_column=True")),
    "multi_files": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/multi/p2.jsonl'}, {'file': 'jsonl/multi/p1.jsonl'}])"
        ".to_pandas_dataframe()", note="columns across files in first-seen order"),
    "multi_folder_sorted": Case(
        "mltable.from_json_lines_files([{'folder': 'jsonl/multi'}], include_path_column=True)"
        ".to_pandas_dataframe().sort_values('a').reset_index(drop=True)"),
    "take": Case(_j("numbers.jsonl", tail=".take(2)"), note="does take change jsonl dtypes?"),
    "nested_take": Case(_j("nested.jsonl", tail=".skip(1)")),
    "keep_columns": Case(_j("basic.jsonl", tail=".keep_columns(['d', 'a'])")),
    "partition_count": Case("mltable.from_json_lines_files([{'file': 'jsonl/basic.jsonl'}]).get_partition_count()"),
    "partition_count_multi": Case(
        "mltable.from_json_lines_files([{'file': 'jsonl/multi/p2.jsonl'}, {'file': 'jsonl/multi/p1.jsonl'}])"
        ".get_partition_count()"),
}
