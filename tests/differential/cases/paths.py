"""Differential cases: path entries (file / folder / pattern), URIs, errors, from_paths, .paths."""
from __future__ import annotations

from tests.differential.cases import Case

# Folder listings are in the file system's directory order (os.scandir order, depth-first), NOT
# sorted.  Cases that read a folder of several files therefore either sort the result or compare
# the order with os.scandir's, so that they do not depend on one machine's directory hashing.
_WALK = """
import os
def _walk(d):
    out = []
    for e in os.scandir(d):
        out += _walk(e.path) if e.is_dir() else [os.path.relpath(e.path, 'paths/tree')[:-4]]
    return out
"""


def _csv(paths: str, tail: str = "", args: str = "") -> str:
    sep = ", " if args else ""
    return f"mltable.from_delimited_files({paths}{sep}{args}){tail}.to_pandas_dataframe()"


def _sorted(paths: str, args: str = "") -> str:
    sep = ", " if args else ""
    return (f"mltable.from_delimited_files({paths}{sep}{args}).to_pandas_dataframe()"
            ".sort_values('file').reset_index(drop=True)")


CASES = {
    # ------------------------------------------------------------------ file entries
    "file_relative": Case(_csv("[{'file': 'paths/tree/a.csv'}]")),
    "file_dot_relative": Case(_csv("[{'file': './paths/tree/a.csv'}]")),
    "file_dotdot_relative": Case(_csv("[{'file': 'paths/sub/../tree/a.csv'}]"),
                                 note="'..' through a directory that does not exist"),
    "file_absolute": Case(_csv("[{'file': DATA + '/paths/tree/a.csv'}]")),
    "file_uri": Case(_csv("[{'file': 'file://' + DATA + '/paths/tree/a.csv'}]")),
    "file_uri_relative": Case(_csv("[{'file': 'file://paths/tree/a.csv'}]"), note="file:// without a leading /"),
    "file_space_in_name": Case(_csv("[{'file': 'paths/tree/space name.csv'}]")),
    "file_underscore_and_dot": Case(_csv("[{'file': 'paths/tree/_under.csv'}, {'file': 'paths/tree/.dot.csv'}]")),
    "file_is_a_folder": Case(_csv("[{'file': 'paths/tree/sub'}]"), note="a file entry naming a folder"),
    "file_list_order": Case(
        _csv("[{'file': 'paths/tree/b.csv'}, {'file': 'paths/tree/a.csv'}, {'file': 'paths/other/x.csv'}]"),
        note="entries are read in list order"),
    "file_listed_twice": Case(_csv("[{'file': 'paths/tree/a.csv'}, {'file': 'paths/tree/a.csv'}]"),
                              note="same file twice"),
    # ------------------------------------------------------------------ folder entries
    "folder_recursive_contents": Case(
        _sorted("[{'folder': 'paths/tree'}]"),
        note="recursive; names starting with '_' and '.' are NOT skipped (sorted here: real order is "
             "directory order)"),
    "folder_order_is_directory_order": Case(
        _WALK + "df = " + _csv("[{'folder': 'paths/tree'}]") + "\n"
        "result = df['file'].tolist() == _walk('paths/tree')",
        note="folder files come in os.scandir order, depth-first (subfolders expanded where they are met), "
             "NOT sorted"),
    "folder_path_column_order": Case(
        _WALK + "df = " + _csv("[{'folder': 'paths/tree'}]", args="include_path_column=True") + "\n"
        "result = [p.replace(DATA + '/paths/tree/', '')[:-4] for p in df['Path']] == _walk('paths/tree')",
        note="Path values follow the same order"),
    "folder_trailing_slash": Case(_sorted("[{'folder': 'paths/tree/'}]")),
    "folder_absolute": Case(_sorted("[{'folder': DATA + '/paths/tree'}]")),
    "folder_uri": Case(_sorted("[{'folder': 'file://' + DATA + '/paths/tree'}]")),
    "folder_sub": Case(_sorted("[{'folder': 'paths/tree/sub'}]")),
    "folder_with_txt_file": Case(
        _csv("[{'folder': 'paths/other'}]", args="header='no_header'") + ".sort_values('Column1').reset_index(drop=True)",
        note="non-csv files in a folder are read as delimited too"),
    "folder_is_a_file": Case(_csv("[{'folder': 'paths/tree/a.csv'}]"), note="a folder entry naming a file"),
    "folder_then_file_order": Case(
        _csv("[{'file': 'paths/other/x.csv'}, {'folder': 'paths/tree/sub/deeper'}, {'file': 'paths/tree/a.csv'}]")),
    # ------------------------------------------------------------------ patterns
    "pattern_star": Case(_csv("[{'pattern': 'paths/tree/*.csv'}]"),
                         note="matches sorted by path (byte order), non-recursive, dot files included"),
    "pattern_doublestar": Case(_csv("[{'pattern': 'paths/tree/**/*.csv'}]"),
                               note="'**' matches zero or more folders; sorted by full path"),
    "pattern_doublestar_alone": Case(_csv("[{'pattern': 'paths/tree/**'}]")),
    "pattern_sub_star": Case(_csv("[{'pattern': 'paths/tree/sub/*'}]"), note="'*' does not descend"),
    "pattern_star_dir": Case(_csv("[{'pattern': 'paths/*/x.csv'}]"), note="'*' in a folder segment"),
    "pattern_star_dir_files": Case(_csv("[{'pattern': 'paths/tree/*/*.csv'}]")),
    "pattern_question": Case(_csv("[{'pattern': 'paths/tree/?.csv'}]")),
    "pattern_negated_class": Case(_csv("[{'pattern': 'paths/tree/[!a]*.csv'}]")),
    "pattern_class": Case(_csv("[{'pattern': 'paths/tree/[ab]*.csv'}]")),
    "pattern_range": Case(_csv("[{'pattern': 'paths/tree/[0-9]*.csv'}]")),
    "pattern_prefix": Case(_csv("[{'pattern': 'paths/tree/a*'}]")),
    "pattern_star_matches_dot": Case(_csv("[{'pattern': 'paths/tree/*dot*'}]")),
    "pattern_brace": Case(_csv("[{'pattern': 'paths/tree/{a,b}.csv'}]"), note="brace alternatives?"),
    "pattern_no_wildcard": Case(_csv("[{'pattern': 'paths/tree/a.csv'}]")),
    "pattern_absolute": Case(_csv("[{'pattern': DATA + '/paths/tree/a*.csv'}]")),
    "pattern_uri": Case(_csv("[{'pattern': 'file://' + DATA + '/paths/tree/a*.csv'}]")),
    "pattern_path_column": Case(_csv("[{'pattern': 'paths/tree/?.csv'}]", args="include_path_column=True")),
    "pattern_case_sensitive": Case(_csv("[{'pattern': 'paths/tree/c*.csv'}]"), note="only C.csv exists at top level"),
    # ------------------------------------------------------------------ missing paths
    "missing_file_construction_ok": Case(
        "t = mltable.from_delimited_files([{'file': 'paths/nope.csv'}])\nresult = 'constructed'",
        note="construction does not check existence"),
    "missing_file": Case(_csv("[{'file': 'paths/nope.csv'}]"), phrase="The requested stream was not found"),
    "missing_file_absolute": Case(_csv("[{'file': DATA + '/paths/nope.csv'}]"),
                                  phrase="The requested stream was not found"),
    "missing_folder": Case(_csv("[{'folder': 'paths/nope'}]"), phrase="The requested stream was not found"),
    "empty_folder_match_pattern": Case(_csv("[{'pattern': 'paths/tree/*.parquet'}]"),
                                       phrase="The requested stream was not found"),
    "missing_one_of_two": Case(_csv("[{'file': 'paths/tree/a.csv'}, {'file': 'paths/nope.csv'}]"),
                               phrase="The requested stream was not found"),
    "missing_pattern_one_of_two": Case(_csv("[{'file': 'paths/tree/a.csv'}, {'pattern': 'paths/zz*.csv'}]"),
                                       phrase="The requested stream was not found"),
    "missing_file_parquet": Case("mltable.from_parquet_files([{'file': 'paths/nope.parquet'}]).to_pandas_dataframe()",
                                 phrase="The requested stream was not found"),
    "missing_file_jsonl": Case("mltable.from_json_lines_files([{'file': 'paths/nope.jsonl'}]).to_pandas_dataframe()",
                               phrase="The requested stream was not found"),
    "missing_file_take": Case(_csv("[{'file': 'paths/nope.csv'}]", tail=".take(1)"),
                              phrase="The requested stream was not found"),
    "missing_file_partition_count": Case(
        "mltable.from_delimited_files([{'file': 'paths/nope.csv'}]).get_partition_count()",
        phrase="The requested stream was not found"),
    # ------------------------------------------------------------------ malformed path dicts
    "dict_empty": Case(_csv("[{}]"), phrase="does not adhere to the AzureML MLTable schema"),
    "dict_file_and_folder": Case(_csv("[{'file': 'paths/tree/a.csv', 'folder': 'paths/tree'}]"),
                                 phrase="does not adhere to the AzureML MLTable schema"),
    "dict_file_and_pattern": Case(_csv("[{'file': 'paths/tree/a.csv', 'pattern': '*.csv'}]"),
                                  phrase="does not adhere to the AzureML MLTable schema"),
    "dict_unknown_key": Case(_csv("[{'files': 'paths/tree/a.csv'}]"),
                             phrase="does not adhere to the AzureML MLTable schema"),
    "dict_extra_key": Case(_csv("[{'file': 'paths/tree/a.csv', 'extra': 'x'}]"),
                           phrase="does not adhere to the AzureML MLTable schema"),
    "dict_extra_key_int_value": Case(_csv("[{'file': 'paths/tree/a.csv', 'extra': 1}]"),
                                     note="a non-string value fails earlier with a plain TypeError"),
    "dict_second_bad": Case(_csv("[{'file': 'paths/tree/a.csv'}, {'url': 'x'}]"),
                            phrase="does not adhere to the AzureML MLTable schema"),
    "dict_bad_from_paths": Case("mltable.from_paths([{'file': 'a', 'folder': 'b'}]).to_pandas_dataframe()",
                                phrase="does not adhere to the AzureML MLTable schema"),
    "dict_bad_parquet": Case("mltable.from_parquet_files([{}]).to_pandas_dataframe()",
                             phrase="does not adhere to the AzureML MLTable schema"),
    "paths_not_a_list": Case(_csv("'paths/tree/a.csv'"), note="a bare string instead of a list of dicts"),
    "paths_dict_not_list": Case(_csv("{'file': 'paths/tree/a.csv'}"), note="a bare dict instead of a list"),
    "paths_empty_list": Case(_csv("[]"), note="no paths at all"),
    "file_value_not_string": Case(_csv("[{'file': 5}]")),
    # ------------------------------------------------------------------ from_paths
    "from_paths_file": Case("mltable.from_paths([{'file': 'paths/tree/a.csv'}]).to_pandas_dataframe()",
                            note="one Path column of StreamInfo objects"),
    "from_paths_file_str": Case(
        "df = mltable.from_paths([{'file': 'paths/tree/a.csv'}]).to_pandas_dataframe()\n"
        "result = pd.DataFrame({'s': [str(v) for v in df['Path']], 'r': [repr(v) for v in df['Path']], "
        "'t': [type(v).__name__ for v in df['Path']]})",
        note="str/repr/type name of the stream values"),
    "from_paths_missing_file": Case("mltable.from_paths([{'file': 'paths/nope.csv'}]).to_pandas_dataframe()",
                                    note="existence is not checked for file entries"),
    "from_paths_file_is_a_folder": Case("mltable.from_paths([{'file': 'paths/tree/sub'}]).to_pandas_dataframe()",
                                        note="listed as one row without being opened"),
    "from_paths_file_is_a_folder_count": Case("mltable.from_paths([{'file': 'paths/tree/sub'}, "
                                              "{'file': 'paths/tree/a.csv'}]).get_partition_count()"),
    # str(e): mltable's first lines (the rest differs: a session id, rslex's dump)
    "error_text_opens_with_code_user_error": Case(
        "try:\n    mltable.from_delimited_files([{'file': 'paths/tree/a.csv'}]).take(-1)\n"
        "except Exception as e:\n    result = str(e).split('\\n')[:2]"),
    "error_text_opens_with_code_not_found": Case(
        "try:\n    mltable.from_delimited_files([{'file': 'paths/nope.csv'}]).to_pandas_dataframe()\n"
        "except Exception as e:\n    result = str(e).split('\\n')[:2]"),
    # a column named like the path column: mltable refuses the read ("Filed" is its spelling)
    "path_column_clash_csv": Case(_csv("[{'file': 'paths/clash/clash.csv'}]", args="include_path_column=True"),
                                  phrase="already exists in the record"),
    "path_column_clash_jsonl": Case("mltable.from_json_lines_files([{'file': 'paths/clash/clash.jsonl'}], "
                                    "include_path_column=True).to_pandas_dataframe()",
                                    phrase="already exists in the record"),
    "path_column_clash_jsonl_take": Case("mltable.from_json_lines_files([{'file': 'paths/clash/clash.jsonl'}], "
                                         "include_path_column=True).take(1).to_pandas_dataframe()",
                                         phrase="already exists in the record"),
    "path_column_clash_parquet": Case("mltable.from_parquet_files([{'file': 'paths/clash/clash.parquet'}], "
                                      "include_path_column=True).to_pandas_dataframe()",
                                      phrase="already exists in the record"),
    "from_paths_missing_folder": Case("mltable.from_paths([{'folder': 'paths/nope'}]).to_pandas_dataframe()"),
    "from_paths_no_match_pattern": Case("mltable.from_paths([{'pattern': 'paths/zz*.csv'}]).to_pandas_dataframe()"),
    "from_paths_folder_sorted": Case(
        "df = mltable.from_paths([{'folder': 'paths/tree'}]).to_pandas_dataframe()\n"
        "result = pd.DataFrame({'s': sorted(str(v) for v in df['Path'])})",
        note="folder expands to its files, recursively"),
    "from_paths_folder_order": Case(
        _WALK + "df = mltable.from_paths([{'folder': 'paths/tree'}]).to_pandas_dataframe()\n"
        "result = [str(v).replace(DATA + '/paths/tree/', '')[:-4] for v in df['Path']] == _walk('paths/tree')"),
    "from_paths_pattern": Case("mltable.from_paths([{'pattern': 'paths/tree/a*.csv'}]).to_pandas_dataframe()"),
    "from_paths_uri": Case("mltable.from_paths([{'file': 'file://' + DATA + '/paths/tree/a.csv'}]).to_pandas_dataframe()"),
    "from_paths_absolute": Case("mltable.from_paths([{'file': DATA + '/paths/tree/a.csv'}]).to_pandas_dataframe()"),
    "from_paths_several": Case(
        "mltable.from_paths([{'file': 'paths/tree/b.csv'}, {'file': 'paths/tree/a.csv'}, "
        "{'pattern': 'paths/tree/sub/deeper/*'}]).to_pandas_dataframe()"),
    "from_paths_take": Case("mltable.from_paths([{'pattern': 'paths/tree/*.csv'}]).take(2).to_pandas_dataframe()"),
    "from_paths_partition_count": Case("mltable.from_paths([{'pattern': 'paths/tree/*.csv'}]).get_partition_count()"),
    # ------------------------------------------------------------------ .paths property
    "paths_property_relative": Case(
        "mltable.from_delimited_files([{'file': 'paths/tree/a.csv'}, {'folder': './paths/tree'}, "
        "{'pattern': 'paths/*.csv'}]).paths",
        note=".paths returns what exactly for relative entries?"),
    "paths_property_absolute": Case("mltable.from_delimited_files([{'file': DATA + '/paths/tree/a.csv'}]).paths"),
    "paths_property_uri": Case("mltable.from_delimited_files([{'file': 'file://' + DATA + '/paths/tree/a.csv'}]).paths"),
    "paths_property_from_paths": Case("mltable.from_paths([{'file': 'paths/nope.csv'}]).paths"),
    "paths_property_after_transform": Case(
        "mltable.from_parquet_files([{'file': 'parquet/date32.parquet'}]).take(1).keep_columns('id').paths"),
    "paths_property_type": Case(
        "p = mltable.from_delimited_files([{'file': 'paths/tree/a.csv'}]).paths\n"
        "result = [type(p).__name__, type(p[0]).__name__, len(p)]"),
}
