"""Differential cases: from_delimited_files (type inference, quoting, encodings, headers, ...)."""
from __future__ import annotations

from tests.differential.cases import Case


def _read(files, args: str = "", sort: str = "") -> str:
    """Code reading ``files`` (one name under tests/data/csv or a list of path dicts) to pandas."""
    if isinstance(files, str):
        paths = f"[{{'file': 'csv/{files}'}}]"
    else:
        paths = repr(files)
    sep = ", " if args else ""
    code = f"mltable.from_delimited_files({paths}{sep}{args}).to_pandas_dataframe()"
    if sort:
        code += f"{sort}.reset_index(drop=True)"
    return code


# three files with different headers, listed explicitly (folder order is directory order)
_HEADERS = [{'file': 'csv/headers/h1.csv'}, {'file': 'csv/headers/h2.csv'}, {'file': 'csv/headers/h3.csv'}]


CASES = {
    "basic": Case(_read("basic.csv"), note="int, string, float with empty, ISO date"),
    # ---------------------------------------------------------------- type inference sample
    "infer_first_200_rows": Case(
        _read("infer_250rows.csv"),
        note="types inferred from the first 200 rows; row 210/220/230 values that do not fit become null "
             "(val: 'abc','2.5' -> null, 99999999999 fits int); late column empty in sample"),
    "infer_sample_size_5": Case(
        _read("sample_size.csv", "infer_column_types={'sample_size': 5}"),
        note="sample of 5 rows: a is int, later 'six' and '7.5' -> null"),
    "infer_sample_size_7": Case(
        _read("sample_size.csv", "infer_column_types={'sample_size': 7}"),
        note="sample covers 'six' -> string column"),
    "infer_sample_size_300": Case(
        _read("infer_250rows.csv", "infer_column_types={'sample_size': 300}"),
        note="sample covers the whole file"),
    "infer_sample_size_zero_error": Case(
        _read("sample_size.csv", "infer_column_types={'sample_size': 0}"),
        phrase="must be a positive integer", note="immediate UserError"),
    "infer_dict_unknown_key_error": Case(
        _read("sample_size.csv", "infer_column_types={'bogus': 1}"),
        phrase="may only contain keys", note="immediate UserError"),
    "infer_not_bool_error": Case(
        _read("sample_size.csv", "infer_column_types='yes'"),
        phrase="must be a bool or a dictionary", note="immediate UserError"),
    "infer_empty_dict": Case(_read("sample_size.csv", "infer_column_types={}"), note="{} means True"),
    "bool_padded": Case(_read("bool_padded.csv"), note="' true', ' 1 ', a tab before Y: booleans once trimmed"),
    "bool_intlike_words": Case(_read("bool_intlike_words.csv"),
                               note="'-0' and '01' beside boolean words: a boolean column (their values None)"),
    "bool_intlike": Case(
        _read("bool_intlike.csv"),
        note="'+1', '01', '00', '-0' count as booleans for inference (integers 0 and 1) but are not mltable's "
             "words, so they become None"),
    "blank_file_keep_columns": Case(
        "mltable.from_delimited_files([{'file': 'csv/basic.csv'}, {'file': 'csv/blank_line_only.csv'}], "
        "header='no_header').keep_columns(['Column2', 'Column3']).to_pandas_dataframe()",
        note="a file of one blank line, narrower than the columns kept: no row"),
    "blank_file_keep_columns_untyped": Case(
        "mltable.from_delimited_files([{'file': 'csv/basic.csv'}, {'file': 'csv/blank_line_only.csv'}], "
        "header='no_header', infer_column_types=False).keep_columns(['Column3', 'Column2']).to_pandas_dataframe()"),
    "multi_line_blank_lines": Case(_read("multiline_blank.csv", "support_multi_line=True"),
                                   note="a blank line's break starts the next record: 'x', '\\ny', '\\n', 'z', "
                                        "'\\n\"q\\nr\"' (two blank lines make a record of one break)"),
    "multi_line_blank_crlf": Case(_read("multiline_blank_crlf.csv", "support_multi_line=True"),
                                  note="with support_multi_line a CRLF blank line is skipped"),
    "latin1_crlf_blank": Case(_read("latin1_crlf_blank.csv", "encoding='latin1'"),
                              note="decoded from latin1 a CRLF blank line is skipped (in UTF-8: a row of nulls)"),
    "latin1_leading_crlf_blank_keep": Case(
        "mltable.from_delimited_files([{'file': 'csv/latin1_leading_crlf_blank.csv'}], encoding='latin1')"
        ".keep_columns(['b']).to_pandas_dataframe()",
        note="a CRLF blank line before the header is skipped in latin1 text: the header names the columns kept"),
    "empty_as_string_ragged": Case(_read("empty_as_string_ragged.csv", "empty_as_string=True"),
                                   note="empty fields '', fields a short row lacks None; a CRLF blank line is one "
                                        "empty field"),
    "empty_as_string_ragged_keep": Case(
        "mltable.from_delimited_files([{'file': 'csv/empty_as_string_ragged.csv'}], empty_as_string=True)"
        ".keep_columns(['b', 'c']).to_pandas_dataframe()"),
    # ---------------------------------------------------------------- numbers
    "ints_leading_zeros_padding_big": Case(
        _read("ints.csv"), note="leading zeros, spaces around ints, exact int64 min/max, -0, +3"),
    "int_overflow": Case(_read("int_overflow.csv"), note="value > int64 max"),
    "thousands_separators": Case(_read("thousands.csv"), note="'1,000' quoted and 1_000"),
    "numbers": Case(
        _read("numbers.csv"),
        note="int+empty -> float64, int/float mix -> float64, scientific -> float, %/$/mixed -> string, "
             "all-empty -> object None, '.5' and '5.'"),
    "special_floats": Case(_read("special_floats.csv"), note="NaN, inf, -inf, Infinity, nan"),
    "all_empty_column": Case(_read("all_empty.csv"), note="column with only empty values"),
    # ---------------------------------------------------------------- dates
    "dates": Case(
        _read("dates.csv"),
        note="ISO date/datetime, US m/d/Y, dd.mm.yyyy, tz offsets -> UTC naive, Z, slashes, fractions, AM/PM"),
    "dates_with_empty": Case(_read("dates_with_empty.csv"), note="date column with empties -> NaT"),
    "dates_day_first": Case(
        _read("dates_day_first.csv"),
        note="slashed dates are day first when one of them can only be (31/12), month first when one can only "
             "be (01/13), strings when both occur; also with times, AM/PM, ISO values beside, single digits"),
    "dates_no_seconds": Case(
        _read("dates_no_seconds.csv"),
        note="year-first times without seconds are strings (ISO with T, space, zone, slashes); slashed US ones "
             "are dates"),
    "dates_out_of_range": Case(
        _read("dates_out_of_range.csv"),
        note="dates beyond datetime64[ns] (years 1600, 2263, 9999) are NaT; nanosecond fractions kept"),
    "dates_ambiguous": Case(
        _read("dates_ambiguous.csv"),
        note="a slashed layout whose values never tell day from month: mltable gives None for every value"),
    "dates_mixed_layouts": Case(
        _read("dates_mixed_layouts.csv"),
        note="issue 19: ISO, slashed, slashed ISO, dashed and ISO with time in one column: datetimes; the slashed "
             "and dashed layouts' only values read either way, so mltable gives NaT for them"),
    "dates_mixed": Case(
        _read("dates_mixed.csv"),
        note="layouts mixed in a column are datetimes, each value by its layout; day or month first decided per "
             "layout (slashed/dashed, with or without a time) by its first value that reads one way only; one "
             "layout read both ways, or a value in no layout, makes strings"),
    "dates_layouts": Case(
        _read("dates_layouts.csv"),
        note="dashed US and day-first dates, two-digit years (68 -> 2068, 70 -> 1970), month names any case "
             "(31-DEC-21 is year 21 in the %d-%b-%Y layout 02-Jan-2021 started: NaT), "
             "slashed ISO with times, AM/PM, spaces before numbers, leap seconds, signed years, years 1 -> NaT"),
    "dates_not_layouts": Case(
        _read("dates_not_layouts.csv"),
        note="values in no layout of mltable's make the column strings: US with a fraction, month name with AM/PM, "
             "full month names, lower-case t, a trailing space, Feb 30, hour 24, year-day-month, slashed ISO "
             "without seconds, zoned US and month-name times"),
    "dates_offsets": Case(
        _read("dates_offsets.csv"),
        note="offsets as UTC: Z, z, UTC any case, spaces before, +0530, '+05 30', +14:00, -23:59, beside naive "
             "times and dates; +05, GMT, +24:00, +05:60, an offset then Z: strings"),
    "dates_after_sample": Case(
        _read("dates_after_sample.csv", "infer_column_types={'sample_size': 2}"),
        note="values after the sample in layouts the sample lacks (or read the other way round) are NaT; Z and "
             "UTC after the sample read as the sample's offset layout"),
    "dates_last_layout": Case(
        "mltable.from_delimited_files([{'file': 'csv/dates_last_layout.csv'}])"
        ".keep_columns(['repeat_decides', 'last_layout_first']).to_pandas_dataframe()",
        note="a value is tried in the previous value's layout, then rslex's list: 01/13/21 right after 01/02/2021 "
             "decides %m/%d/%Y (year 21: NaT), so 01/02/2021 repeated matters; 1/2/21 right after 1/14/21 is "
             "%m/%d/%y, not the list's first %Y/%m/%d"),
    "dates_last_layout_conflict": Case(
        "mltable.from_delimited_files([{'file': 'csv/dates_last_layout.csv'}])"
        ".keep_columns(['conflict_only_with_last']).to_pandas_dataframe()",
        compare_values=False,
        note="12/31/21 after 13/12/2021 makes strings (%d/%m/%Y read the other way round), after 2021-01-02 it "
             "starts %m/%d/%y: datetimes (its value depends on mltable's random layout order)"),
    "dates_out_of_range_only": Case(
        _read("dates_out_of_range_only.csv"),
        note="columns whose every date is beyond datetime64[ns] (0001-01-01; 13/01/21 and 1/2/21 read year first): "
             "datetime64[ns] of NaT in mltable"),
    "dates_layout_order": Case(
        _read("dates_layout_order.csv"),
        note="a value that two of the column's layouts read (1/2/21 as %Y/%m/%d or %m/%d/%y): mltable tries the "
             "layout of the last value it read first, then the others in a random order, and stops at the first "
             "whose shape fits even if its date is impossible, so its values change from run to run, or are NaT "
             "after a value of the other layout (31/05/99 after 2021/05/15)"),
    # ---------------------------------------------------------------- bools
    "bools": Case(
        _read("bools.csv"),
        note="0/1, Y/N, t/f, True/False, TRUE/FALSE, all '1', all '0', yes/no, bool with empties, 0/2, "
             "lower true/false, T/F, mixed case"),
    "bool_with_empty_01": Case(_read("bool_empty01.csv"), note="0/1 and y/n columns with an empty value"),
    # ---------------------------------------------------------------- infer off / overrides
    "infer_false": Case(_read("overrides.csv", "infer_column_types=False"),
                        note="all object strings, empties None"),
    "infer_false_numbers": Case(_read("numbers.csv", "infer_column_types=False")),
    "overrides_type_strings": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': "
                               "{'a': 'float', 'b': 'string', 'c': 'boolean', 'f': 'int'}}"),
        note="type strings; f '007' as int; other columns still inferred"),
    "overrides_tuple_of_names": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': {('a', 'f'): 'string'}}"),
        note="tuple key applies to every column in it"),
    "overrides_datatype_objects": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': {"
                               "'a': mltable.DataType.to_string(), 'b': mltable.DataType.to_int(), "
                               "'c': mltable.DataType.to_bool(), "
                               "'d': mltable.DataType.to_datetime('%Y-%m-%d'), 'e': mltable.DataType.to_float()}}"),
        note="DataType objects; to_int on 2.5, to_float on 'x'"),
    "overrides_with_sample_size": Case(
        _read("sample_size.csv", "infer_column_types={'sample_size': 2, 'column_type_overrides': {'b': 'string'}}")),
    "overrides_unknown_column": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': {'zzz': 'int'}}"),
        note="override naming a column that does not exist"),
    "overrides_stream_error": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': {'a': mltable.DataType.to_stream()}}"),
        note="to_stream not allowed in column_type_overrides"),
    "overrides_bad_type_string_error": Case(
        _read("overrides.csv", "infer_column_types={'column_type_overrides': {'a': 'integer'}}"),
        phrase="is not a supported string conversion", note="immediate UserError"),
    # ---------------------------------------------------------------- empty_as_string
    "empty_as_string": Case(_read("empties.csv", "empty_as_string=True"),
                            note="empties '' in string columns; numeric/date columns?"),
    "empty_as_string_false": Case(_read("empties.csv")),
    "empty_as_string_infer_false": Case(_read("empties.csv", "empty_as_string=True, infer_column_types=False")),
    # ---------------------------------------------------------------- quoting
    "quoting": Case(_read("quoting.csv"), note="every quoting rule, one row each"),
    "quoting_infer_false": Case(_read("quoting.csv", "infer_column_types=False")),
    "quoted_header": Case(_read("quoted_header.csv"), note="quoted header names with delimiter and doubled quote"),
    # ---------------------------------------------------------------- multi-line
    "multiline_default": Case(_read("multiline.csv"), note="support_multi_line=False: line break ends record"),
    "multiline_true": Case(_read("multiline.csv", "support_multi_line=True")),
    "multiline_crlf_default": Case(_read("multiline_crlf.csv")),
    "multiline_crlf_true": Case(_read("multiline_crlf.csv", "support_multi_line=True"),
                                note="is the CRLF inside the quotes kept as \\r\\n?"),
    # ---------------------------------------------------------------- ragged / headers
    "ragged": Case(_read("ragged.csv"), note="short rows -> null; long rows -> Column4, Column5"),
    "ragged_first_long": Case(_read("ragged_first_long.csv")),
    "ragged_no_header": Case(_read("ragged.csv", "header='no_header'")),
    "ragged_take": Case("mltable.from_delimited_files([{'file': 'csv/ragged.csv'}]).take(1).to_pandas_dataframe()",
                        note="mltable's columns come from the rows left: the long rows' Column4 and Column5 go"),
    "ragged_after_sample": Case(_read("wide_after_sample.csv"),
                                note="a wider record after the 200-row sample still adds Column3"),
    "dup_headers": Case(_read("dup_headers.csv"), note="duplicates get suffixes; clash with existing a_1"),
    "empty_header": Case(_read("empty_header.csv"), note="empty header -> Column<position>"),
    "whitespace_header": Case(_read("whitespace_header.csv"), note="header names with spaces"),
    "header_only": Case(_read("header_only.csv"), note="-> empty DataFrame, no columns"),
    "header_only_noeol": Case(_read("header_only_noeol.csv")),
    "empty_file": Case(_read("empty_file.csv")),
    "no_trailing_newline": Case(_read("no_trailing_newline.csv")),
    # ---------------------------------------------------------------- blank lines / line ends
    "blank_lines_lf": Case(_read("blank_lf.csv"), note="LF files skip blank lines"),
    "blank_lines_crlf": Case(_read("blank_crlf.csv"), note="CRLF files: blank line is a row of nulls?"),
    "blank_lines_spaces": Case(_read("blank_spaces.csv"), note="a line of spaces"),
    "blank_leading": Case(_read("blank_leading.csv"), note="blank first line"),
    "blank_leading_one_column": Case(_read("blank_leading_one_column.csv"),
                                     note="the header is the record after the blank line, not a data row"),
    "blank_leading_one_column_bom": Case(_read("blank_leading_one_column_bom.csv")),
    "cr_only_line_ends": Case(_read("cr_only.csv"), note="old-Mac CR line ends"),
    # ---------------------------------------------------------------- encodings
    "enc_utf8": Case(_read("enc_utf8.csv")),
    "enc_utf8_bom": Case(_read("enc_utf8bom.csv"), note="BOM dropped from first header"),
    "enc_utf8_bom_as_utf8bom_enum": Case(
        _read("enc_utf8bom.csv", "encoding=mltable.MLTableFileEncoding.utf8bom")),
    "enc_utf8_string_alias": Case(_read("enc_utf8bom.csv", "encoding='utf-8 bom'")),
    "enc_latin1": Case(_read("enc_latin1.csv", "encoding='latin1'")),
    "enc_latin1_dash": Case(_read("enc_latin1.csv", "encoding='latin-1'")),
    "enc_iso88591": Case(_read("enc_latin1.csv", "encoding='iso88591'")),
    "enc_iso_8859_1": Case(_read("enc_latin1.csv", "encoding='iso-8859-1'")),
    "enc_latin1_as_utf8_error": Case(_read("enc_latin1.csv"), phrase="Error attempting to decode"),
    "enc_utf16_enum": Case(_read("enc_utf16.csv", "encoding=mltable.MLTableFileEncoding.utf16"),
                           note="utf-16 LE with BOM"),
    "enc_utf16_blank_first_line": Case(_read("enc_utf16_blank_first.csv", "encoding=mltable.MLTableFileEncoding.utf16"),
                                       note="the blank line after the BOM is the header record (Column1), "
                                            "the other blank line is skipped"),
    "enc_utf16_blank_first_line_no_header": Case(
        _read("enc_utf16_blank_first.csv", "encoding=mltable.MLTableFileEncoding.utf16, header='no_header'")),
    "enc_utf16_blank_first_line_empty_as_string": Case(
        _read("enc_utf16_blank_first.csv",
              "encoding=mltable.MLTableFileEncoding.utf16, header='no_header', empty_as_string=True")),
    "enc_utf16be_enum": Case(_read("enc_utf16be.csv", "encoding=mltable.MLTableFileEncoding.utf16"),
                             note="utf-16 BE without BOM"),
    "enc_utf16_take": Case(
        "mltable.from_delimited_files([{'file': 'csv/enc_utf16.csv'}], encoding=mltable.MLTableFileEncoding.utf16)"
        ".take(1).to_pandas_dataframe()", note="a take reads the first lines of UTF-16 text (two-byte line breaks)"),
    "enc_utf16_keep_columns": Case(
        "mltable.from_delimited_files([{'file': 'csv/enc_utf16.csv'}], encoding=mltable.MLTableFileEncoding.utf16)"
        ".keep_columns(['city']).to_pandas_dataframe()"),
    "enc_utf16_string_error": Case(_read("enc_utf16.csv", "encoding='utf16'"), phrase="Given invalid encoding",
                                   note="'utf16' string is NOT accepted by mltable 1.7.0 (only the enum)"),
    "enc_windows1252": Case(_read("enc_cp1252.csv", "encoding='windows1252'")),
    "enc_windows_1252_dash": Case(_read("enc_cp1252.csv", "encoding='windows-1252'")),
    "enc_cp1252_as_latin1": Case(_read("enc_cp1252.csv", "encoding='latin1'"),
                                 note="0x80 byte read as latin1"),
    "enc_ascii": Case(_read("enc_ascii.csv", "encoding='ascii'")),
    "enc_ascii_non_ascii_bytes": Case(_read("enc_latin1.csv", "encoding='ascii'"), phrase="Error attempting to decode",
                                      note="bytes >= 0x80 read with ascii: decoded as UTF-8, so invalid -> error"),
    "enc_invalid_utf8_error": Case(_read("enc_invalid_utf8.csv"), phrase="Error attempting to decode"),
    "enc_utf16_file_as_utf8": Case(_read("enc_utf16.csv"), phrase="Error attempting to decode"),
    "enc_ascii_on_utf8_file": Case(_read("enc_utf8.csv", "encoding='ascii'"),
                                   note="valid multi-byte UTF-8 read with encoding='ascii'"),
    "enc_multibyte_utf8": Case(_read("enc_utf8_multibyte.csv")),
    "enc_unknown_error": Case(_read("enc_utf8.csv", "encoding='utf32'"), phrase="Given invalid encoding"),
    "enc_uppercase_error": Case(_read("enc_utf8.csv", "encoding='UTF8'"), phrase="Given invalid encoding"),
    "enc_not_string_error": Case(_read("enc_utf8.csv", "encoding=8"),
                                 phrase="should be a string or an MLTableFileEncoding"),
    # ---------------------------------------------------------------- include_path_column
    "include_path_column_file": Case(_read("basic.csv", "include_path_column=True"),
                                     note="what the Path values look like"),
    "include_path_column_files": Case(_read(_HEADERS, "include_path_column=True, "
                                             "header='all_files_different_headers'")),
    "include_path_column_real_folder": Case(
        _read([{'folder': 'csv/same_headers'}], "include_path_column=True", ".sort_values('x')")),
    "header_different_folder_sorted": Case(
        _read([{'folder': 'csv/headers'}], "header='all_files_different_headers'",
              ".sort_index(axis=1).sort_values(['a', 'b', 'c'])"),
        note="folder form (directory order; sorted here)"),
    "include_path_column_absolute": Case(
        "mltable.from_delimited_files([{'file': DATA + '/csv/basic.csv'}], include_path_column=True)"
        ".to_pandas_dataframe()"),
    "include_path_column_infer_false": Case(_read("basic.csv", "include_path_column=True, infer_column_types=False")),
    "include_path_column_with_path_header": Case(
        _read("same_headers/s1.csv", "include_path_column=True, header='no_header'")),
    # ---------------------------------------------------------------- header modes
    "header_same_default": Case(_read(_HEADERS),
                                note="all_files_same_headers: first line of every file dropped"),
    "header_same_explicit_folder": Case(
        _read([{'folder': 'csv/same_headers'}], "header='all_files_same_headers'", ".sort_values('x')"),
        note="folder files are read in directory order (sorted here to stay machine independent)"),
    "header_from_first_file": Case(_read(_HEADERS, "header='from_first_file'"),
                                   note="other files' header lines are data"),
    "header_no_header": Case(_read(_HEADERS, "header='no_header'")),
    "header_different": Case(_read(_HEADERS, "header='all_files_different_headers'"),
                             note="union of columns in first-seen order"),
    "header_enum": Case(_read(_HEADERS, "header=mltable.MLTableHeaders.from_first_file")),
    "header_uppercase_string": Case(_read("basic.csv", "header='NO_HEADER'"), note="header is lower()ed"),
    "header_invalid_error": Case(_read("basic.csv", "header='first_line'"), phrase="Given invalid header"),
    "header_not_string_error": Case(_read("basic.csv", "header=1"),
                                    phrase="should be a string or an MLTableHeader enum"),
    "header_no_header_single": Case(_read("basic.csv", "header='no_header'"),
                                    note="header line becomes data; types inferred over it"),
    "header_different_files_order": Case(
        _read([{'file': 'csv/headers/h3.csv'}, {'file': 'csv/headers/h1.csv'}], "header='all_files_different_headers'")),
    "header_different_types": Case(
        _read([{'file': 'csv/headers/h1.csv'}, {'file': 'csv/basic.csv'}], "header='all_files_different_headers'"),
        note="columns from different files with different types"),
    # ---------------------------------------------------------------- delimiters
    "delim_tab": Case(_read("tab.tsv", "delimiter='\\t'")),
    "delim_semicolon": Case(_read("semicolon.csv", "delimiter=';'"), note="'2,5' stays string"),
    "delim_pipe": Case(_read("pipe.csv", "delimiter='|'")),
    "delim_multichar": Case(_read("multichar_delim.csv", "delimiter='||'")),
    "delim_comma_on_tab_file": Case(_read("tab.tsv")),
}
