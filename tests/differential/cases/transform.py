"""Differential cases: keep/drop columns, take/skip/show, sampling, splits, convert_column_types,
partitions and MLTable equality."""
from __future__ import annotations

from tests.differential.cases import Case

T = "mltable.from_delimited_files([{'file': 'transform/thirty.csv'}])"
PARTS = ("mltable.from_delimited_files([{'file': 'transform/parts/p0.csv'}, {'file': 'transform/parts/p1.csv'}, "
         "{'file': 'transform/parts/p2.csv'}])")


def _t(tail: str, base: str = T) -> str:
    return f"{base}{tail}.to_pandas_dataframe()"


def _s(file: str) -> str:
    """An all-string table (no inference) over one transform/ csv file."""
    return f"mltable.from_delimited_files([{{'file': 'transform/{file}'}}], infer_column_types=False)"


def _conv(file: str, types: str) -> str:
    return f"{_s(file)}.convert_column_types({types}).to_pandas_dataframe()"


DT = "mltable.DataType"

CASES = {
    "base": Case(_t("")),
    # ------------------------------------------------------------ keep_columns
    "keep_table_order": Case(_t(".keep_columns(['score', 'id'])"), note="result is in table order"),
    "keep_str": Case(_t(".keep_columns('name')")),
    "keep_tuple": Case(_t(".keep_columns(('code', 'id'))")),
    "keep_set": Case(_t(".keep_columns({'code', 'name'})")),
    "keep_unknown_ignored": Case(_t(".keep_columns(['id', 'nope'])")),
    "keep_only_unknown": Case(_t(".keep_columns(['nope'])"), phrase="The input data contains no columns"),
    "keep_only_unknown_str": Case(_t(".keep_columns('nope')"), phrase="The input data contains no columns"),
    "keep_case_sensitive": Case(_t(".keep_columns(['ID', 'name'])")),
    "keep_duplicates": Case(_t(".keep_columns(['id', 'id'])"), phrase="Found duplicate columns"),
    "keep_empty_list": Case(_t(".keep_columns([])")),
    "keep_not_strings": Case(_t(".keep_columns([1])"), phrase="Expect column names to be a string"),
    "keep_twice": Case(_t(".keep_columns(['id', 'name', 'score']).keep_columns(['score', 'name'])")),
    "keep_after_take": Case(_t(".take(3).keep_columns(['when'])")),
    "keep_path_column": Case(
        "mltable.from_delimited_files([{'file': 'transform/parts/p0.csv'}], include_path_column=True)"
        ".keep_columns(['v']).to_pandas_dataframe()", note="Path can be dropped with keep_columns"),
    # ------------------------------------------------------------ drop_columns
    "drop_list": Case(_t(".drop_columns(['score', 'id'])")),
    "drop_str": Case(_t(".drop_columns('name')")),
    "drop_unknown_ignored": Case(_t(".drop_columns(['nope', 'flag'])")),
    "drop_only_unknown": Case(_t(".drop_columns('nope')")),
    "drop_all": Case(_t(".drop_columns(['id', 'name', 'score', 'flag', 'when', 'code'])"),
                     note="dropping every column"),
    "drop_duplicates": Case(_t(".drop_columns(['id', 'id'])"), phrase="Found duplicate columns"),
    "drop_empty_list": Case(_t(".drop_columns([])")),
    "drop_then_keep": Case(_t(".drop_columns('id').keep_columns(['id', 'name'])")),
    # ------------------------------------------------------------ take / skip / show
    "take_default": Case(_t(".take()"), note="take() = take(20)"),
    "take_5": Case(_t(".take(5)")),
    "take_more_than_rows": Case(_t(".take(100)")),
    "take_then_skip": Case(_t(".take(5).skip(2)")),
    "skip_then_take": Case(_t(".skip(2).take(5)")),
    "take_take": Case(_t(".take(8).take(3)")),
    "skip_skip": Case(_t(".skip(10).skip(15)")),
    "skip_all": Case(_t(".skip(30)"), note="skipping everything -> no columns"),
    "skip_more_than_rows": Case(_t(".skip(100)")),
    "skip_all_but_one": Case(_t(".skip(29)")),
    "take_zero": Case(_t(".take(0)"), phrase="Number of rows must be a positive integer"),
    "take_negative": Case(_t(".take(-1)"), phrase="Number of rows must be a positive integer"),
    "take_float": Case(_t(".take(2.0)"), phrase="Number of rows must be a positive integer"),
    "take_true": Case(_t(".take(True)"), note="bool is an int in Python: take(True) == take(1)"),
    "skip_zero": Case(_t(".skip(0)"), phrase="Count must be an integer > 0"),
    "skip_negative": Case(_t(".skip(-3)"), phrase="Count must be an integer > 0"),
    "skip_float": Case(_t(".skip(1.5)"), phrase="Count must be an integer > 0"),
    "show_3": Case(f"{T}.show(3)"),
    "show_default": Case(f"{T}.show()", note="show() = 20 rows"),
    "show_after_skip": Case(f"{T}.skip(28).show(5)"),
    "show_zero": Case(f"{T}.show(0)", phrase="Number of rows must be a positive integer"),
    "take_across_files": Case(_t(".take(4)", PARTS), note="3 files of 2, 3, 4 rows"),
    "skip_across_files": Case(_t(".skip(3)", PARTS)),
    "skip_take_across_files": Case(_t(".skip(1).take(5)", PARTS)),
    "take_index": Case(_t(".skip(5).take(3)"), note="index restarts at 0"),
    # ------------------------------------------------------------ take_random_sample
    "sample_half": Case(_t(".take_random_sample(0.5, seed=1)"), compare_values=False,
                        note="values depend on mltable's RNG; row count recorded"),
    "sample_small": Case(_t(".take_random_sample(0.1, seed=42)"), compare_values=False),
    "sample_no_seed": Case(_t(".take_random_sample(0.5)"), compare_values=False),
    "sample_same_seed_same_rows": Case(
        f"a = {_t('.take_random_sample(0.5, seed=7)')}\nb = {_t('.take_random_sample(0.5, seed=7)')}\n"
        "result = a.equals(b)"),
    "sample_superset": Case(
        f"a = {_t('.take_random_sample(0.3, seed=5)')}\nb = {_t('.take_random_sample(0.7, seed=5)')}\n"
        "result = set(a['id']) <= set(b['id'])", note="larger p with the same seed gives a superset"),
    "sample_then_take": Case(_t(".take_random_sample(0.5, seed=3).take(2)"), compare_values=False),
    "sample_p_zero": Case(_t(".take_random_sample(0.0, seed=1)"),
                          phrase="Probability should an float greater than 0 and less than 1"),
    "sample_p_one": Case(_t(".take_random_sample(1.0, seed=1)"),
                         phrase="Probability should an float greater than 0 and less than 1"),
    "sample_p_int": Case(_t(".take_random_sample(1, seed=1)"),
                         phrase="Probability should an float greater than 0 and less than 1"),
    "sample_p_negative": Case(_t(".take_random_sample(-0.5, seed=1)"),
                              phrase="Probability should an float greater than 0 and less than 1"),
    "sample_seed_not_int": Case(_t(".take_random_sample(0.5, seed='a')")),
    # ------------------------------------------------------------ random_split
    "split_half": Case(f"tuple(x.to_pandas_dataframe() for x in {T}.random_split(0.5, seed=1))",
                       compare_values=False),
    "split_default": Case(f"tuple(x.to_pandas_dataframe() for x in {T}.random_split(seed=2))",
                          compare_values=False),
    "split_complement": Case(
        f"a, b = (x.to_pandas_dataframe() for x in {T}.random_split(0.3, seed=9))\n"
        "result = sorted(list(a['id']) + list(b['id'])) == list(range(30)) and not set(a['id']) & set(b['id'])",
        note="b is the complement of a"),
    "split_matches_sample": Case(
        f"a, b = {T}.random_split(0.4, seed=11)\n"
        f"result = a.to_pandas_dataframe().equals({_t('.take_random_sample(0.4, seed=11)')})",
        note="a == take_random_sample(percent, seed)?"),
    "split_returns": Case(f"s = {T}.random_split(0.5, seed=1)\nresult = [type(s).__name__, len(s)]"),
    "split_zero": Case(f"{T}.random_split(0.0, seed=1)", phrase="Percent should be a float greater than 0 and less than 1"),
    "split_one": Case(f"{T}.random_split(1.0, seed=1)", phrase="Percent should be a float greater than 0 and less than 1"),
    "split_int": Case(f"{T}.random_split(1, seed=1)", phrase="Percent should be a float greater than 0 and less than 1"),
    # ------------------------------------------------------------ convert_column_types: to_int
    "to_int": Case(_conv("convert.csv", f"{{'s': {DT}.to_int()}}"),
                   note="'2.5'->2, '1e3'->1000, trims, saturates, 'NaN'->0, unparsable -> null"),
    "to_int_no_nulls": Case(_conv("bigints.csv", f"{{'s': {DT}.to_int()}}"),
                            note="saturation visible without nulls: int64 column"),
    "to_float_no_nulls": Case(_conv("bigints.csv", f"{{'s': {DT}.to_float()}}")),
    "to_int_string": Case(_conv("convert.csv", "{'s': 'int'}")),
    "to_float": Case(_conv("convert.csv", f"{{'s': {DT}.to_float()}}")),
    "to_float_string": Case(_conv("convert.csv", "{'s': 'float'}")),
    "to_string_on_strings": Case(_conv("convert.csv", "{'s': 'string'}")),
    "to_bool_on_numbers": Case(_conv("convert.csv", "{'s': 'boolean'}")),
    "to_int_inferred_float": Case(_t(".convert_column_types({'score': 'int'})"), note="float column -> int"),
    "to_float_inferred_int": Case(_t(".convert_column_types({'id': 'float'})")),
    "to_int_inferred_datetime": Case(_t(".convert_column_types({'when': 'int'})")),
    "to_int_inferred_bool": Case(_t(".convert_column_types({'flag': 'int'})")),
    "to_float_inferred_bool": Case(_t(".convert_column_types({'flag': 'float'})")),
    "keep_missing_no_rows": Case(_t(".filter('id < 0').keep_columns(['nope'])"),
                                 note="no row left: keep_columns naming no column fails nothing"),
    "drop_all_no_rows": Case(_t(".filter('id < 0').drop_columns(['id', 'name', 'score', 'flag', 'when', 'code'])")),
    "keep_missing_one_row": Case(_t(".take(1).keep_columns(['nope'])"), phrase="The input data contains no columns",
                                 note="a row left without columns: NoColumns, 'Looked at 1 records'"),
    "keep_missing_empty_file": Case("mltable.from_delimited_files([{'file': 'csv/blank_line_only.csv'}])"
                                    ".keep_columns(['x']).to_pandas_dataframe()"),
    "to_bool_inferred_int": Case(_t(".convert_column_types({'id': 'boolean'})")),
    "to_bool_inferred_datetime_mismatch": Case(
        _t(f".convert_column_types({{'when': {DT}.to_bool(mismatch_as='true')}})"),
        note="a datetime is no boolean and no mismatch either: None whatever mismatch_as says"),
    "to_int_code_leading_zeros": Case(_t(".convert_column_types({'code': 'int'})")),
    "convert_tuple_key": Case(_conv("tostring.csv", "{('f', 'i', 'g'): 'float'}")),
    "convert_several": Case(_conv("tostring.csv", f"{{'f': 'float', 'i': {DT}.to_int(), 'b': {DT}.to_bool()}}")),
    "convert_unknown_column": Case(_t(".convert_column_types({'nope': 'int'})")),
    "convert_unknown_type_string": Case(_t(".convert_column_types({'id': 'integer'})"),
                                        phrase="is not a supported string conversion"),
    "convert_bad_value_type": Case(_t(".convert_column_types({'id': 5})")),
    "convert_not_dict": Case(_t(".convert_column_types(['id'])")),
    # ------------------------------------------------------------ to_bool
    "to_bool_default": Case(_conv("bools.csv", f"{{'s': {DT}.to_bool()}}"),
                            note="default true/false lists; other values?"),
    "to_bool_custom": Case(_conv("bools.csv", f"{{'s': {DT}.to_bool(true_values=['yes', 'y'], false_values=['no', 'n'])}}"),
                           note="lists given: mismatch_as defaults to 'error'"),
    "to_bool_custom_mismatch_true": Case(
        _conv("bools.csv", f"{{'s': {DT}.to_bool(true_values=['yes'], false_values=['no'], mismatch_as='true')}}")),
    "to_bool_custom_mismatch_false": Case(
        _conv("bools.csv", f"{{'s': {DT}.to_bool(true_values=['yes'], false_values=['no'], mismatch_as='false')}}")),
    "to_bool_custom_mismatch_error": Case(
        _conv("bools.csv", f"{{'s': {DT}.to_bool(true_values=['yes'], false_values=['no'], mismatch_as='error')}}")),
    "to_bool_default_mismatch_false": Case(_conv("bools.csv", f"{{'s': {DT}.to_bool(mismatch_as='false')}}")),
    "to_bool_default_mismatch_true": Case(_conv("bools.csv", f"{{'s': {DT}.to_bool(mismatch_as='true')}}")),
    "to_bool_custom_str_values": Case(
        _conv("bools.csv", f"{{'s': {DT}.to_bool(true_values='yes', false_values='no')}}"),
        note="a bare string is a one-element list"),
    "to_bool_overlap": Case(f"{DT}.to_bool(true_values=['a', 'b'], false_values=['b'])",
                            phrase="can not have overlapping values"),
    "to_bool_only_true_values": Case(f"{DT}.to_bool(true_values=['a'])",
                                     phrase="must both be None or non-empty list of strings"),
    "to_bool_bad_mismatch": Case(f"{DT}.to_bool(mismatch_as='maybe')", phrase="`mismatch_as` can only be"),
    "to_int_on_floats": Case(_conv("float_to_int.csv", f"{{'a': {DT}.to_int()}}"),
                             note="a float column: NaN and infinities become null (as text 'NaN' is 0), 1e300 saturates"),
    "to_bool_custom_on_numbers": Case(
        _conv("tostring.csv", f"{{('f', 'i'): {DT}.to_bool(true_values=['2'], false_values=['1'], mismatch_as='true')}}"),
        note="number columns: not zero is True; true_values, false_values and mismatch_as do not apply"),
    "to_bool_non_string_values": Case(f"{DT}.to_bool(true_values=[1], false_values=['0'])",
                                      phrase="must only consists of strings"),
    # ------------------------------------------------------------ to_datetime
    "to_datetime_one_format": Case(_conv("dates.csv", f"{{'s': {DT}.to_datetime('%Y-%m-%d')}}")),
    "to_datetime_formats_in_turn": Case(
        _conv("dates.csv", f"{{'s': {DT}.to_datetime(['%Y-%m-%d', '%d/%m/%Y', '%Y-%m-%d %H:%M:%S', "
                            f"'%Y-%m-%dT%H:%M:%S', '%d.%m.%Y', '%d-%b-%Y'])}}"),
        note="formats tried in turn"),
    "to_datetime_order_matters": Case(
        _conv("dates.csv", f"{{'s': {DT}.to_datetime(['%m/%d/%Y', '%d/%m/%Y'])}}"), note="02/01/2021 -> Feb 1"),
    "to_datetime_tz_format": Case(_conv("dates.csv", f"{{'s': {DT}.to_datetime('%Y-%m-%dT%H:%M:%S%z')}}")),
    "to_datetime_no_format_match": Case(_conv("dates.csv", f"{{'s': {DT}.to_datetime('%H:%M')}}")),
    "to_datetime_string_key": Case(_t(".convert_column_types({'when': 'string'})")),
    # ------------------------------------------------------------ to_string
    "to_string_inferred": Case(
        "mltable.from_delimited_files([{'file': 'transform/tostring.csv'}])"
        ".convert_column_types({('f', 'i', 'b', 'd', 'g'): mltable.DataType.to_string()}).to_pandas_dataframe()",
        note="2.0 -> '2', bools 'True', datetimes ISO with +00:00, 1e20, 1e-7"),
    "to_string_inferred_types": Case(
        "mltable.from_delimited_files([{'file': 'transform/tostring.csv'}]).to_pandas_dataframe()",
        note="what the inputs of to_string_inferred are"),
    "to_string_thirty": Case(_t(".convert_column_types({('id', 'score', 'flag', 'when', 'code'): 'string'})")),
    # ------------------------------------------------------------ partitions
    "partition_count_one_file": Case(f"{T}.get_partition_count()"),
    "partition_count_three_files": Case(f"{PARTS}.get_partition_count()", note="one per small file"),
    "partition_count_after_take": Case(f"{PARTS}.take(3).get_partition_count()"),
    "partition_count_after_select": Case(f"{PARTS}.select_partitions([0, 2]).get_partition_count()"),
    "select_partitions": Case(_t(".select_partitions([2, 0])", PARTS), note="order of the given list?"),
    "select_partitions_one": Case(_t(".select_partitions([1])", PARTS)),
    "select_partitions_duplicate": Case(_t(".select_partitions([1, 1])", PARTS)),
    "select_partitions_out_of_range": Case(_t(".select_partitions([5])", PARTS)),
    "select_partitions_negative": Case(_t(".select_partitions([-1])", PARTS)),
    "select_partitions_empty": Case(_t(".select_partitions([])", PARTS)),
    "select_partitions_int": Case(_t(".select_partitions(1)", PARTS)),
    "select_partitions_then_take": Case(_t(".select_partitions([2]).take(2)", PARTS)),
    "take_then_select_partitions": Case(_t(".take(4).select_partitions([1])", PARTS)),
    # ------------------------------------------------------------ equality
    "eq_same_build": Case(f"{T} == {T}"),
    "eq_same_transforms": Case(f"{T}.take(3).keep_columns('id') == {T}.take(3).keep_columns('id')"),
    "eq_different_take": Case(f"{T}.take(3) == {T}.take(4)"),
    "eq_different_order": Case(f"{T}.take(3).skip(1) == {T}.skip(1).take(3)"),
    "eq_relative_vs_absolute": Case(
        f"{T} == mltable.from_delimited_files([{{'file': DATA + '/transform/thirty.csv'}}])",
        note="paths compared as written"),
    "eq_not_mltable": Case(f"{T} == 5"),
    "eq_different_reader": Case(
        "mltable.from_delimited_files([{'file': 'transform/thirty.csv'}]) == "
        "mltable.from_json_lines_files([{'file': 'transform/thirty.csv'}])"),
    "eq_sample_seed": Case(f"{T}.take_random_sample(0.5, seed=1) == {T}.take_random_sample(0.5, seed=1)"),
    "eq_sample_no_seed": Case(f"{T}.take_random_sample(0.5) == {T}.take_random_sample(0.5)",
                              note="a random seed is drawn when none is given"),
    "ne_operator": Case(f"{T} != {T}.take(1)"),
}
