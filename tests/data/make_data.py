"""Regenerates the hand-crafted differential-test data in tests/data (except filter_*).

Run from anywhere with a Python that has pyarrow:  .venv/bin/python tests/data/make_data.py
The generated files are committed; this script documents exactly what bytes they hold.
"""
from __future__ import annotations

import datetime as dt
import decimal
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def w(rel: str, data, encoding: str = "utf-8") -> None:
    p = HERE / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    p.write_bytes(data)


def csv_files() -> None:
    # --- type inference sample (first 200 rows) ---------------------------------------------
    lines = ["id,val,flag,late,num"]
    for i in range(250):
        val = str(i)
        flag = "true" if i % 2 else "false"
        late = ""
        num = str(i)
        if i == 210:
            val, flag, late, num = "abc", "maybe", "hello", "1.5"
        if i == 220:
            val, num = "2.5", "x"
        if i == 230:
            val = "99999999999"
        lines.append(f"{i},{val},{flag},{late},{num}")
    w("csv/infer_250rows.csv", "\n".join(lines) + "\n")
    # sample_size: a small file whose 6th row breaks the int column
    w("csv/sample_size.csv", "a,b\n1,x\n2,y\n3,z\n4,w\n5,v\nsix,u\n7.5,t\n")

    # --- ints --------------------------------------------------------------------------------
    w("csv/ints.csv",
      "lead,pad,big,neg,plus\n"
      "007, 42,9223372036854775807,-5,+3\n"
      "010,7 ,9007199254740993,-0,+0\n"
      "000123,  1  ,-9223372036854775808,-12,+12\n")
    w("csv/int_overflow.csv", "a,b\n9223372036854775808,1\n1,2\n")
    w("csv/thousands.csv", "a,b\n\"1,000\",1_000\n\"2,500\",2_500\n")

    # --- numbers / strings -------------------------------------------------------------------
    w("csv/numbers.csv",
      "int_empty,int_float,sci,pct,dollar,mixed,all_empty,neg_float,dot_start\n"
      "1,1,1e3,10%,$5,1,,-1.5,.5\n"
      ",2.5,2.5E-2,20%,$6,a,,,5.\n"
      "3,3,-1e10,30%,$7,2,,3.0,-.25\n")
    w("csv/special_floats.csv", "a,b,c\nNaN,inf,1\n1.5,-inf,2\n2,Infinity,nan\n")
    w("csv/all_empty.csv", "a,b\n1,\n2,\n")

    # --- dates -------------------------------------------------------------------------------
    w("csv/dates.csv",
      "iso,iso_time,iso_t,us,dmy,tz,zulu,slash_iso,frac,us_time\n"
      "2021-01-02,2021-01-02 03:04:05,2021-01-02T03:04:05,01/02/2021,02.01.2021,"
      "2021-01-02T03:04:05+02:00,2021-01-02T03:04:05Z,2021/01/02,2021-01-02 03:04:05.123456,1/2/2021 3:04 PM\n"
      "2021-12-31,2021-12-31 23:59:59,2021-12-31T23:59:59,12/31/2021,31.12.2021,"
      "2021-12-31T23:59:59-05:00,2021-12-31T23:59:59Z,2021/12/31,2021-12-31 23:59:59.5,12/31/2021 11:59 AM\n")
    w("csv/dates_with_empty.csv", "d,t\n2021-01-02,2021-01-02T03:04:05+01:00\n,\n2022-03-04,2022-03-04T00:00:00+00:00\n")
    # slashed dates: day or month first as a value decides; no value deciding (mltable: None)
    w("csv/dates_day_first.csv",
      "dmy,dmy_time,dmy_ampm,mdy,conflict,iso_and_dmy,single_digit\n"
      "31/12/2021,31/12/2021 10:20:30,31/12/2021 10:20 PM,01/02/2021,31/12/2021,31/12/2021,1/2/2021\n"
      "01/02/2021,01/02/2021 10:20:30,01/02/2021 10:20 AM,01/13/2021,12/31/2021,2021-01-02,13/2/2021\n")
    w("csv/dates_ambiguous.csv", "ambiguous,ambiguous_time,layouts\n01/02/2021,01/02/2021 10:20 PM,12/31/2021 10:20:30\n"
                                 "01/03/2021,03/04/2021 10:20 PM,01/02/2021\n")
    w("csv/dates_out_of_range.csv",
      "d,zoned,fraction\n2263-01-01,2263-01-01T00:00:00+02:00,2021-01-02 10:20:30.123456789\n"
      "2021-01-02,2021-01-02T10:20:30.5-01:00,9999-01-02 10:20:30.5\n1600-01-01,1677-01-01T00:00:00Z,2021-01-02 10:20:30.1\n")
    w("csv/dates_no_seconds.csv",
      "iso_t,iso_space,iso_zoned,slash_iso,us\n"
      "2021-01-02T10:20,2021-01-02 10:20,2021-01-02T10:20Z,2021/01/02 10:20,01/13/2021 10:20\n"
      "2021-01-03T11:21,2021-01-03 11:21,2021-01-03T11:21+02:00,2021/01/03 11:21,01/14/2021 11:21\n")
    # booleans with spaces around; integers 0/1 that are not mltable's words
    w("csv/bool_padded.csv", "words,digits,tabbed\n true, 1 ,\tY\nFalse ,0,\tN\n t,1 ,\tY\n")
    w("csv/bool_intlike.csv", "plus_one,leading_zero,minus_zero\n+1,01,-0\n0,00,1\n1,1,0\n")
    w("csv/bool_intlike_words.csv", "flag,n\nT,1\n-0,2\nF,3\n01,4\ntrue,5\n")
    w("csv/blank_line_only.csv", "\n")
    # empty_as_string: empty fields '' but the fields short rows lack None (CRLF blank line: one empty field)
    # blank lines: with support_multi_line a blank line's break starts the next record (CRLF blank skipped);
    # decoded from latin1 a CRLF blank line is skipped (in UTF-8 it is a row of nulls)
    w("csv/multiline_blank.csv", 'a,b\nx,1\n\ny,2\n\n\nz,3\n\n"q\nr",4\n')
    w("csv/multiline_blank_crlf.csv", "a,b\r\nx,1\r\n\r\ny,2\r\n")
    w("csv/latin1_crlf_blank.csv", b"a,b\r\n1,\xe9\r\n\r\n2,y\r\n")
    w("csv/latin1_leading_crlf_blank.csv", b"\r\na,b\r\n1,\xe9\r\n2,y\r\n")
    w("csv/empty_as_string_ragged.csv", "a,b,c\r\n1,,x\r\n2\r\n\r\n,y,\r\n3,z,w,extra\r\n")
    # a record wider than every row of the inference sample (after row 300)
    w("csv/wide_after_sample.csv", "a,b\n" + "".join(f"{i},{i}\n" for i in range(300)) + "1,2,3\n5,6\n")

    # --- bools -------------------------------------------------------------------------------
    w("csv/bools.csv",
      "b01,byn,btf,bTrueFalse,bTRUEFALSE,all1,all0,yesno,bempty,b02,lower,upperTF,mixcase\n"
      "0,Y,t,True,TRUE,1,0,yes,True,0,true,T,true\n"
      "1,N,f,False,FALSE,1,0,no,,2,false,F,False\n"
      "1,Y,t,True,TRUE,1,0,yes,False,2,true,T,TRUE\n")
    w("csv/bool_empty01.csv", "a,b\n1,y\n,\n0,n\n")

    # --- overrides / infer off / empty_as_string ---------------------------------------------
    w("csv/overrides.csv",
      "a,b,c,d,e,f\n"
      "1,2.5,true,2021-01-02,x,007\n"
      "2,3.5,false,2021-01-03,y,010\n"
      ",,,,,\n")
    w("csv/empties.csv", "s,n,d,e,b\nx,1,2021-01-02,,true\n,,,,\nz,3,2021-01-04,,false\n")

    # --- quoting -----------------------------------------------------------------------------
    w("csv/quoting.csv",
      'case,val,other\n'
      'quoted_delim,"x,y",1\n'
      'doubled,"he said ""hi""",2\n'
      'inner_quote,ab"cd,3\n'
      'quote_then_text,"y"z,4\n'
      'spaces, padded ,5\n'
      'quoted_empty,"",6\n'
      'unquoted_empty,,7\n'
      'quoted_spaces," a ",8\n'
      'trailing_quote,ab",9\n'
      'space_before_quote, "q",10\n')
    w("csv/quoted_header.csv", '"a,b","c""d",e\n1,2,3\n')

    # --- multi-line --------------------------------------------------------------------------
    w("csv/multiline.csv", 'A,B,C\nA1,B1,C1\nA2,"B\n2",C2\nA3,B3,C3\n')
    w("csv/multiline_crlf.csv", 'A,B,C\r\nA1,B1,C1\r\nA2,"B\r\n2",C2\r\nA3,B3,C3\r\n')

    # --- ragged, headers ---------------------------------------------------------------------
    w("csv/ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10\n11,12,13,14,15\n")
    w("csv/ragged_first_long.csv", "a,b\n1,2,3\n4,5\n")
    w("csv/dup_headers.csv", "a,b,a,a,b,a_1\n1,2,3,4,5,6\n")
    w("csv/empty_header.csv", "a,,c,\n1,2,3,4\n")
    w("csv/header_only.csv", "a,b,c\n")
    w("csv/header_only_noeol.csv", "a,b,c")
    w("csv/empty_file.csv", "")
    w("csv/no_trailing_newline.csv", "a,b\n1,2\n3,4")
    w("csv/whitespace_header.csv", " a , b\n1,2\n")

    # --- blank lines -------------------------------------------------------------------------
    w("csv/blank_lf.csv", "a,b\n1,2\n\n3,4\n\n")
    w("csv/blank_crlf.csv", "a,b\r\n1,2\r\n\r\n3,4\r\n\r\n")
    w("csv/blank_spaces.csv", "a,b\n1,2\n   \n3,4\n")
    w("csv/blank_leading.csv", "\na,b\n1,2\n")
    # blocks of 300 bytes (mltable's partitions with partition_size: 300): a line break just before
    # a block's nominal end, and one right at it; the last block is empty in the first file
    for name, width in (("blocks_break_before", 10), ("blocks_break_at", 11)):
        w(f"csv/{name}.csv", "\n".join(["i" * (width - 3) + ",v"] + ["%04d,xxxx" % k for k in range(90)]) + "\n")
    w("csv/blank_leading_one_column.csv", "\na\n1\n0\n")
    w("csv/blank_leading_one_column_bom.csv", "\ufeff\na\nx\n", "utf-8")
    w("csv/cr_only.csv", "a,b\r1,2\r3,4\r")

    # --- encodings ---------------------------------------------------------------------------
    text = "name,city\nJos\u00e9,M\u00fcnchen\nZo\u00eb,Cura\u00e7ao\n"
    w("csv/enc_utf8.csv", text, "utf-8")
    w("csv/enc_utf8bom.csv", text, "utf-8-sig")
    w("csv/enc_latin1.csv", text + "\u00ff,\u00a3\n", "latin-1")
    w("csv/enc_utf16.csv", text, "utf-16")          # little-endian with BOM
    w("csv/enc_utf16be.csv", text, "utf-16-be")     # no BOM
    w("csv/enc_utf16_blank_first.csv", "\na,b\n\n1,2\n", "utf-16")  # a blank line right after the BOM
    w("csv/enc_cp1252.csv", text + "\u20ac,\u201cq\u201d\n", "cp1252")
    w("csv/enc_ascii.csv", "name,city\nJose,Munich\n", "ascii")
    w("csv/enc_invalid_utf8.csv", b"name,city\nJos\xe9,M\xfcnchen\nok,fine\n")
    w("csv/enc_utf8_multibyte.csv", "k,v\n\u65e5\u672c,\U0001F600\n", "utf-8")

    # --- header modes: files with different headers -----------------------------------------
    w("csv/headers/h1.csv", "a,b\n1,2\n3,4\n")
    w("csv/headers/h2.csv", "b,c\n5,6\n")
    w("csv/headers/h3.csv", "c,a,d\n7,8,9\n")
    w("csv/same_headers/s1.csv", "x,y\n1,a\n2,b\n")
    w("csv/same_headers/s2.csv", "x,y\n3,c\n")

    # --- delimiters --------------------------------------------------------------------------
    w("csv/tab.tsv", "a\tb\tc\n1\tx y\t2.5\n3\tz,w\t4\n")
    w("csv/semicolon.csv", "a;b;c\n1;x,y;2,5\n3;z;4\n")
    w("csv/pipe.csv", "a|b|c\n1|x|2.5\n3|\"q|r\"|4\n")
    w("csv/multichar_delim.csv", "a||b\n1||2\n3||4\n")

    # --- basic -------------------------------------------------------------------------------
    w("csv/basic.csv", "id,name,score,when\n1,alice,3.5,2021-01-02\n2,bob,4,2021-01-03\n3,carol,,2021-01-04\n")


def csv_date_layout_files() -> None:
    """CSV date layouts: which mltable reads, mixed in a column, per-layout day/month order, offsets."""
    def columns(rel: str, cols: dict) -> None:  # one column per behaviour; a short column ends in empties
        rows = max(len(v) for v in cols.values())
        lines = [",".join(cols)] + [",".join(v[i] if i < len(v) else "" for v in cols.values()) for i in range(rows)]
        w(rel, "\n".join(lines) + "\n")

    # issue 19, as reported: five layouts in one column; 01/02/2021 and 02-01-2021 never tell day from month
    w("csv/dates_mixed_layouts.csv",
      "id,d\n1,2021-01-02\n2,01/02/2021\n3,2021/01/03\n4,02-01-2021\n5,2021-01-02 10:00:00\n")
    columns("csv/dates_layouts.csv", {
        "us_dash": ["01-13-2021", "12-31-2021"], "dmy_dash": ["13-01-2021", "31-12-2021"],
        "short_year": ["01/13/21", "12/31/70"], "short_year_dash": ["01-13-21", "1-2-68"],
        "month_name": ["02-Jan-2021", "31-DEC-21"], "month_name_slash": ["02/jan/2021", "02/Sep/2021 10:20:30.5"],
        "month_name_time": ["02-Jan-2021 10:20", "13-Jan-2021 1:2:3.123456789"],
        "slash_iso_time": ["2021/01/02T10:20:30", "2021/01/02 10:20:30.5"],
        "us_dash_time": ["01-13-2021 10:20", "01-13-2021 10:20:30 PM"],
        "us_seconds": ["01/13/2021 10:20:30", "1/13/2021 1:2:3"],
        "spaced": [" 2021-01-02", "2021- 1- 3", "2021-01-0210:20:30", "2021-01-02   10:20:30"],
        "leap_second": ["2021-12-31 23:59:60", "2021-01-02 10:20:60.5"],
        "signed_year": ["+2021-01-02", "-2021-01-02", "+02021-01-03"],
        "out_of_range": ["2021-01-02", "0001-01-01", "1-1-1", "2021-01-03"],
    })
    # each column: one ISO date and one value mltable reads in no layout, so the column stays strings
    bad = {"us_fraction": "01/13/2021 10:20:30.5", "name_ampm": "02-Jan-2021 10:20 PM",
           "full_month": "02-January-2021", "name_first": "Jan-02-2021", "lower_t": "2021-01-02t10:20:30",
           "trailing_space": "2021-01-02 ", "impossible": "2021-02-30", "hour_24": "2021-01-02T24:00:00",
           "year_day_month": "2021-13-01", "compact": "20210102", "iso_no_seconds_slash": "2021/01/02 10:20",
           "us_zoned": "01/13/2021 10:20:30Z", "name_zoned": "02-Jan-2021 10:20:30Z"}
    columns("csv/dates_not_layouts.csv", {name: ["2021-01-03", value] for name, value in bad.items()})
    columns("csv/dates_mixed.csv", {
        "mixed": ["2021-01-02", "01/13/2021", "2021/01/03", "13-01-2021", "2021-01-02 10:00:00"],
        "mixed_more": ["02-Jan-2021", "2021-01-02T03:04:05Z", "01/13/21", "13/01/2021 10:20", "2021/01/02 10:20:30.5"],
        # day or month first is decided per layout: slashed/dashed, with or without a time
        "per_layout": ["13/01/2021", "01/13/2021 10:20", "13-01-2021", "01-13-2021 10:20 PM", "02/03/2021"],
        "decided_later": ["01/02/2021", "05/06/2021", "2021-01-02", "31/12/2021", "07/08/2021"],
        "conflict_among_others": ["13/01/2021", "2021-01-02", "12/31/2021", "2021/01/02"],
        # 12/31/21 reads month first as %m/%d/%Y (year 21) against a day-first %d/%m/%Y: strings
        "conflict_two_digit_year": ["13/12/2021", "12/31/21"],
        "text_among": ["2021-01-02", "01/13/2021", "n/a"],
        "ampm_beside_24h": ["01/13/2021 10:20 PM", "13/01/2021 22:20", "01/14/2021 10:20:30"],
    })
    columns("csv/dates_offsets.csv", {
        "utc_words": ["2021-01-02T03:04:05Z", "2021-01-02T03:04:05z", "2021-01-02T03:04:05 Z",
                      "2021-01-02T03:04:05UTC", "2021-01-02 03:04:05 utc"],
        "compact": ["2021-01-02T03:04:05+0530", "2021-01-02T03:04:05-0000", "2021-01-02T03:04:05+05 30",
                    "2021-01-02T03:04:05+05::30", "2021-01-02T03:04:05 +02:00"],
        "with_naive": ["2021-01-02T03:04:05+02:00", "2021-01-02T03:04:05", "2021-01-02 03:04:05Z",
                       "2021-01-02T03:04:05.5+0530", "2021-01-02"],
        "extremes": ["2021-01-02T03:04:05+14:00", "2021-01-02T03:04:05-23:59", "2021/01/02 03:04:05.25-01:00",
                     "2021/01/02T03:04:05Z"],
        "hours_only": ["2021-01-02T03:04:05+02:00", "2021-01-02T03:04:05+05"],
        "gmt": ["2021-01-02T03:04:05Z", "2021-01-02T03:04:05 GMT"],
        "offset_24h": ["2021-01-02T03:04:05Z", "2021-01-02T03:04:05+24:00"],
        "minutes_60": ["2021-01-02T03:04:05Z", "2021-01-02T03:04:05+05:60"],
        "offset_then_z": ["2021-01-02T03:04:05Z", "2021-01-02T03:04:05+05:30Z"],
    })
    # read with sample_size 2: later values in layouts the sample lacks are NaT
    columns("csv/dates_after_sample.csv", {
        "iso": ["2021-01-02", "2021-01-03", "01/13/2021", "2021/01/02", "02-Jan-2021", "2021-02-30", "abc",
                "2021-01-02T10:20:30Z"],
        "day_first": ["13/01/2021", "01/02/2021", "12/31/2021", "01/02/2021 10:20", "1/2/21", "02/03/2021"],
        "zoned": ["2021-01-02T10:20:30+02:00", "2021-01-02T10:20:30Z", "2021-01-02T10:20:30 UTC",
                  "2021-01-02T10:20:30", "2021-01-02T10:20:30.5Z", "2021-01-02T10:20:30+05"],
    })
    # only the last value's layout is tried before rslex's list
    columns("csv/dates_last_layout.csv", {
        "repeat_decides": ["01/02/2021", "2021-01-02", "01/02/2021", "01/13/21"],
        "last_layout_first": ["1/13/21", "2021-01-02", "1/14/21", "1/2/21"],
        "conflict_only_with_last": ["13/12/2021", "2021-01-02", "12/31/21"],
    })
    # dates only beyond datetime64[ns] (13/01/21 and 1/2/21 read year first: years 13 and 1)
    columns("csv/dates_out_of_range_only.csv", {"id": ["1", "2"], "year_one": ["0001-01-01"],
                                                "year_first": ["13/01/21", "1/2/21"]})
    # a value two of the column's layouts read: mltable tries them in a random order (a set's)
    columns("csv/dates_layout_order.csv", {
        "year_or_short_year": ["1/2/21", "1/13/21"],
        "day_first_or_short_year": ["12/31/21", "13/12/2021"],
        # 2021/05/15 leaves %Y/%m/%d as the last layout used: mltable tries it first for 31/05/99 (day 99: NaT)
        "after_year_first": ["2021/05/15", "31/05/99"],
    })


def path_files() -> None:
    path_column_clash(HERE / "paths" / "clash")
    for rel, tag in [("a.csv", "a"), ("b.csv", "b"), ("C.csv", "C"), ("_under.csv", "_under"),
                     (".dot.csv", ".dot"), ("a1.csv", "a1"), ("ab.csv", "ab"), ("10.csv", "10"),
                     ("9.csv", "9"), ("sub/c.csv", "sub/c"), ("sub/deeper/d.csv", "sub/deeper/d"),
                     ("sub/_meta/e.csv", "sub/_meta/e"), ("space name.csv", "space name")]:
        w(f"paths/tree/{rel}", f"id,file\n1,{tag}\n")
    w("paths/other/x.csv", "id,file\n1,other/x\n")
    w("paths/other/notes.txt", "hello\n")


def parquet_files() -> None:
    root = HERE / "parquet"
    root.mkdir(parents=True, exist_ok=True)
    utc = dt.timezone.utc
    ts = [dt.datetime(2021, 1, 2, 3, 4, 5, 123456), None, dt.datetime(1999, 12, 31, 23, 59, 59)]
    t = pa.table({
        "i8": pa.array([1, -2, 3], pa.int8()),
        "i16": pa.array([1000, -2, 3], pa.int16()),
        "i32": pa.array([100000, -2, 3], pa.int32()),
        "i64": pa.array([9223372036854775807, -2, 3], pa.int64()),
        "u8": pa.array([255, 0, 1], pa.uint8()),
        "u32": pa.array([4294967295, 0, 1], pa.uint32()),
        "u64": pa.array([18446744073709551615, 0, 1], pa.uint64()),
        "i64_null": pa.array([1, None, 3], pa.int64()),
        "i32_null": pa.array([1, None, 3], pa.int32()),
        "f32": pa.array([1.5, None, -0.25], pa.float32()),
        "f64": pa.array([1.5, float("nan"), None], pa.float64()),
        "b": pa.array([True, False, True], pa.bool_()),
        "b_null": pa.array([True, None, False], pa.bool_()),
        "s": pa.array(["x", None, "z"], pa.string()),
        "ls": pa.array(["big", "str", None], pa.large_string()),
        "bin": pa.array([b"\x00\x01", None, b"abc"], pa.binary()),
        "dict": pa.array(["red", "blue", "red"]).dictionary_encode(),
        "d32": pa.array([dt.date(2021, 1, 2), None, dt.date(1970, 1, 1)], pa.date32()),
        "ts_ms": pa.array(ts, pa.timestamp("ms")),
        "ts_us": pa.array(ts, pa.timestamp("us")),
        "ts_ns": pa.array(ts, pa.timestamp("ns")),
        "ts_s": pa.array(ts, pa.timestamp("s")),
        "ts_tz": pa.array([dt.datetime(2021, 1, 2, 3, 4, 5, tzinfo=utc), None,
                           dt.datetime(2021, 6, 1, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
        "ts_tz_ber": pa.array([dt.datetime(2021, 1, 2, 3, 4, 5, tzinfo=utc), None,
                               dt.datetime(2021, 6, 1, tzinfo=utc)], pa.timestamp("us", tz="Europe/Berlin")),
        "dec": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("-3.10")], pa.decimal128(5, 2)),
        "dec38": pa.array([decimal.Decimal("12345678901234567890.123"), None, decimal.Decimal("0.000")],
                          pa.decimal128(38, 3)),
        "lst": pa.array([[1, 2], None, []], pa.list_(pa.int64())),
        "lst_s": pa.array([["a", None], ["b"], None], pa.list_(pa.string())),
        "st": pa.array([{"x": 1, "y": "a"}, None, {"x": None, "y": "c"}],
                       pa.struct([("x", pa.int64()), ("y", pa.string())])),
        "all_null": pa.array([None, None, None], pa.null()),
    })
    # every column type in one file, except dictionary-encoded ones (mltable panics on those)
    pq.write_table(t.drop_columns(["dict"]), root / "types.parquet")
    # columns one type at a time so a failing type does not hide the others
    (root / "single").mkdir(exist_ok=True)
    for name in t.column_names:
        pq.write_table(t.select([name]), root / "single" / f"{name}.parquet")
    # extra exotic types, each in its own file
    extra = {
        "time64": pa.array([dt.time(1, 2, 3), None, dt.time(23, 59)], pa.time64("us")),
        "date64": pa.array([dt.date(2021, 1, 2), None, dt.date(1970, 1, 1)], pa.date64()),
        "duration": pa.array([1000000, None, 5], pa.duration("us")),
        "f16_as_f32": pa.array([0.5, 1.0, None], pa.float32()),
        "map": pa.array([[("k", 1)], None, []], pa.map_(pa.string(), pa.int64())),
        "large_list": pa.array([[1], None, [2, 3]], pa.large_list(pa.int32())),
        "fixed_bin": pa.array([b"ab", None, b"cd"], pa.binary(2)),
        "i8_null": pa.array([1, None, 3], pa.int8()),
        "u64_null": pa.array([1, None, 3], pa.uint64()),
        "dict_int": pa.array([1, 2, 1]).dictionary_encode(),
    }
    for name, arr in extra.items():
        pq.write_table(pa.table({name: arr}), root / "single" / f"{name}.parquet")

    pq.write_table(pa.table({"id": pa.array([1, 2, 3], pa.int64()),
                             "d": pa.array([dt.date(2021, 1, 2), dt.date(2021, 1, 3), None], pa.date32()),
                             "s": ["a", "b", "c"]}), root / "date32.parquet")
    # several row groups
    n = 10
    rg = pa.table({"id": pa.array(range(n), pa.int64()), "v": [f"r{i}" for i in range(n)]})
    pq.write_table(rg, root / "rowgroups.parquet", row_group_size=3)  # 4 row groups
    # multi-file folder (second file has a row group split too)
    (root / "multi").mkdir(exist_ok=True)
    pq.write_table(pa.table({"id": pa.array([1, 2], pa.int64()), "v": ["a", "b"]}), root / "multi" / "part-0.parquet")
    pq.write_table(pa.table({"id": pa.array([3, 4, 5], pa.int64()), "v": ["c", "d", "e"]}),
                   root / "multi" / "part-1.parquet", row_group_size=2)
    # multi-file with different columns
    (root / "multi_schema").mkdir(exist_ok=True)
    pq.write_table(pa.table({"a": pa.array([1], pa.int64()), "b": ["x"]}), root / "multi_schema" / "p0.parquet")
    pq.write_table(pa.table({"b": ["y"], "c": pa.array([2.5])}), root / "multi_schema" / "p1.parquet")
    # multi-file where the same column has int in one file and nulls/float in another
    (root / "multi_types").mkdir(exist_ok=True)
    pq.write_table(pa.table({"a": pa.array([1, 2], pa.int64())}), root / "multi_types" / "p0.parquet")
    pq.write_table(pa.table({"a": pa.array([None, 4], pa.int64())}), root / "multi_types" / "p1.parquet")
    # a folder with a non-parquet file
    (root / "bad").mkdir(exist_ok=True)
    pq.write_table(pa.table({"id": pa.array([1], pa.int64())}), root / "bad" / "a.parquet")
    w("parquet/bad/notes.txt", "not parquet\n")
    spark_output(root / "spark")
    corrupt_pages(root)
    # empty table
    pq.write_table(pa.table({"id": pa.array([], pa.int64()), "s": pa.array([], pa.string())}), root / "empty.parquet")
    # NaN beside nulls of other types (filter: a null on the other side beats NaN's rules)
    pq.write_table(pa.table({"id": pa.array([1, 2, 3, 4], pa.int64()),
                             "f": pa.array([float("nan"), float("nan"), 1.0, float("nan")], pa.float64()),
                             "i": pa.array([None, 2, None, 5], pa.int64()),
                             "s": pa.array([None, "x", "y", None], pa.string()),
                             "d": pa.array([None, dt.datetime(2021, 1, 2), None, None], pa.timestamp("us"))}),
                   root / "nan_null.parquet")


def corrupt_pages(root) -> None:
    """Files whose footer is sound but one of whose pages is not: a byte flipped in a compressed
    dictionary page (snappy data no reader decodes), and in a string dictionary page (bytes that
    are not UTF-8 where polars checks them)."""
    path = root / "corrupt_page.parquet"
    pq.write_table(pa.table({"id": pa.array(range(1000), pa.int64()), "s": [f"value {i}" for i in range(1000)]}),
                   path)
    metadata = pq.ParquetFile(path).metadata
    data = path.read_bytes()
    for name, column, delta in (("corrupt_page.parquet", 0, 30), ("corrupt_strings.parquet", 1, 30)):
        chunk = metadata.row_group(0).column(column)
        at = (chunk.dictionary_page_offset or chunk.data_page_offset) + delta
        (root / name).write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])


def path_column_clash(folder) -> None:
    """Files that have a column named Path already (include_path_column=True adds one)."""
    folder.mkdir(exist_ok=True)
    (folder / "clash.csv").write_text("Path,a\nmine,1\n")
    (folder / "clash.jsonl").write_text('{"Path": "mine", "a": 1}\n{"Path": "x", "a": 2}\n')
    pq.write_table(pa.table({"Path": ["mine"], "a": pa.array([1], pa.int64())}), folder / "clash.parquet")


def spark_output(folder) -> None:
    """A folder as Spark, Synapse and Databricks write one: part files and a 0-byte _SUCCESS marker."""
    folder.mkdir(exist_ok=True)
    pq.write_table(pa.table({"id": pa.array([1, 2], pa.int64()), "v": ["a", "b"]}), folder / "part-00000.parquet")
    pq.write_table(pa.table({"id": pa.array([3], pa.int64()), "v": ["c"]}), folder / "part-00001.parquet")
    (folder / "_SUCCESS").write_bytes(b"")


def jsonl_files() -> None:
    w("jsonl/basic.jsonl",
      '{"a": 1, "b": "x", "c": true}\n'
      '{"b": "y", "d": 2.5}\n'
      '{"a": 3, "c": false, "e": null}\n')
    w("jsonl/nested.jsonl",
      '{"id": 1, "arr": [1, 2, 3], "obj": {"k": "v", "n": 1}, "mixed": [1, "a", null]}\n'
      '{"id": 2, "arr": [], "obj": {}, "mixed": {"x": [1]}}\n'
      '{"id": 3, "arr": null, "obj": null, "mixed": 5}\n')
    w("jsonl/numbers.jsonl",
      '{"i": 1, "f": 1.5, "mix": 1, "big": 9223372036854775807, "neg": -5, "exp": 1e3, "intf": 2.0, "huge": 18446744073709551615}\n'
      '{"i": 2, "f": 2.0, "mix": 2.5, "big": 1, "neg": -6, "exp": 2E-2, "intf": 3.0, "huge": 1}\n'
      '{"i": null, "f": null, "mix": 3, "big": -9223372036854775808, "neg": 0, "exp": 5, "intf": 4.0, "huge": 2}\n')
    w("jsonl/dates.jsonl",
      '{"d": "2021-01-02", "t": "2021-01-02T03:04:05", "tz": "2021-01-02T03:04:05+02:00", "us": "01/02/2021"}\n'
      '{"d": "2021-12-31", "t": "2021-12-31T23:59:59", "tz": "2021-12-31T23:59:59Z", "us": "12/31/2021"}\n')
    w("jsonl/bools_nulls.jsonl",
      '{"b": true, "bn": true, "n": null, "s": "true", "num_str": "1"}\n'
      '{"b": false, "bn": null, "n": null, "s": "false", "num_str": "2"}\n')
    w("jsonl/empty_objects.jsonl", "{}\n{}\n")
    w("jsonl/nested_convert.jsonl",
      '{"e": ["a", null], "d": {"k": 1, "s": "x"}, "n": [1.5, 2.0]}\n'
      '{"e": ["b", "c\\"d"], "d": {"k": 2, "s": null}, "n": [1e20]}\n'
      '{"e": [], "d": {"k": 3, "s": "y z"}, "n": null}\n')
    w("jsonl/mixed_types.jsonl",
      '{"v": 1}\n{"v": "two"}\n{"v": true}\n{"v": 1.5}\n{"v": [1]}\n{"v": {"a": 1}}\n')
    w("jsonl/invalid.jsonl", '{"a": 1}\nnot json\n{"a": 2}\n{"a": \n{"a": 3}\n')
    w("jsonl/crlf.jsonl", '{"a": 1, "b": "x"}\r\n{"a": 2, "b": "y"}\r\n')
    w("jsonl/blank_lines.jsonl", '{"a": 1}\n\n{"a": 2}\n   \n{"a": 3}\n\n')
    w("jsonl/enc_utf8bom.jsonl", '{"name": "Jos\u00e9"}\n{"name": "Zo\u00eb"}\n', "utf-8-sig")
    w("jsonl/enc_latin1.jsonl", '{"name": "Jos\u00e9"}\n{"name": "Zo\u00eb"}\n', "latin-1")
    w("jsonl/enc_utf16.jsonl", '{"name": "Jos\u00e9"}\n{"name": "Zo\u00eb"}\n', "utf-16")
    w("jsonl/enc_cp1252.jsonl", '{"name": "\u20ac5"}\n', "cp1252")
    w("jsonl/escapes.jsonl", '{"s": "a\\nb", "u": "\\u00e9", "q": "say \\"hi\\""}\n')
    w("jsonl/not_object.jsonl", '[1, 2]\n{"a": 1}\n')
    w("jsonl/scalar_line.jsonl", '{"a": 1}\n5\n')
    w("jsonl/multi/p1.jsonl", '{"a": 1, "b": "x"}\n')
    w("jsonl/multi/p2.jsonl", '{"c": 2.5, "a": 2}\n')
    w("jsonl/empty.jsonl", "")
    w("jsonl/empty_lines_only.jsonl", '{"a": 1}\n\n\n{"a": 2}\n')
    w("jsonl/first_type.jsonl",
      '{"fi": 1.5, "if": 1, "si": "a", "is": 1, "bi": true, "ib": 1, "ni": null, "lo": [1], "ol": {"a": 1}, "ob": {"a": 1}}\n'
      '{"fi": 2, "if": 2.5, "si": 2, "is": "b", "bi": 1, "ib": true, "ni": 5, "lo": {"a": 1}, "ol": [1], "ob": {"b": "x"}}\n'
      '{"fi": 3.5, "if": 3, "si": "c", "is": 3, "bi": false, "ib": 0, "ni": 6.5, "lo": [2, 3], "ol": {"a": 2}, "ob": {"a": 3, "b": "y"}}\n')
    w("jsonl/typed_multi/p1.jsonl", '{"v": 1, "w": 1.5}\n')
    w("jsonl/typed_multi/p2.jsonl", '{"v": "x", "w": 2}\n')
    w("jsonl/pretty.jsonl", '{"a": 1,\n "b": 2}\n')
    w("jsonl/blocks.jsonl", "".join('{"id": %d, "v": %s}\n' % (i, i if i < 20 else '"x"') for i in range(30)))
    w("jsonl/late_key.jsonl", '{"a": 1, "v": 1}\n{"a": 2, "v": 2}\n{"a": 3, "v": "x", "c": true}\n')
    w("jsonl/empty_object_late_key.jsonl", '{"c": "x"}\n{"c": "y", "b": {}}\n{"c": "z", "b": 2.5}\n')
    # filter then take: an invalid line after the rows taken (line 5), and one that starts a file
    w("jsonl/invalid_late.jsonl", "".join('{"a": %d, "k": "%s"}\n' % (i, "xy"[(i - 1) % 2]) for i in range(1, 5))
      + "not json\n" + '{"a": 5, "k": "x"}\n{"a": 6, "k": "y"}\n')
    w("jsonl/invalid_first.jsonl", 'not json\n{"a": 5, "b": "x"}\n')
    json_line_oddities()


def json_line_oddities() -> None:
    """Lines holding more than one JSON object, or text after one, and other odd lines."""
    w("jsonl/two_objects.jsonl", '{"a": 1}{"a": 2}\n{"a": 3}\n')
    w("jsonl/two_objects_spaced.jsonl", '{"a": 1} {"a": 2, "b": "x"}\n{"a": 3}\n')
    w("jsonl/text_after_object.jsonl", '{"a": 1}\n{"a": 2} trailing text\n')
    w("jsonl/array_line.jsonl", '{"a": 1}\n[{"a": 2}]\n')
    w("jsonl/unterminated.jsonl", '{"a": 1}\n{"a": "x\n')
    w("jsonl/indented.jsonl", '{"a": 1}\n  \t{"a": 2}  \n')
    w("jsonl/duplicate_key.jsonl", '{"a": 1}\n{"a": 2, "a": 3}\n')


def transform_files() -> None:
    rows = ["id,name,score,flag,when,code"]
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
    for i in range(30):
        rows.append(f"{i},{names[i % 10]},{i * 1.5},{'true' if i % 3 else 'false'},2021-01-{(i % 28) + 1:02d},{i:03d}")
    w("transform/thirty.csv", "\n".join(rows) + "\n")
    w("transform/convert.csv",
      "s\n"
      "2.5\n1e3\n  7  \n9223372036854775808\n-9223372036854775809\nNaN\nabc\n\"\"\n-2.7\n0x10\ntrue\n\"1,000\"\n+5\n"
      "-0\n1.9999\n.5\n5.\ninf\n-inf\n1e400\n 1 2\n")
    w("transform/bigints.csv", "s\n9223372036854775808\n-9223372036854775809\n99999999999999999999\n1\n2.5\n1e3\nNaN\n")
    w("transform/bools.csv", "s\ntrue\nTrue\nTRUE\nt\nT\nY\n1\nfalse\nFalse\nFALSE\nf\nF\nN\n0\nyes\nno\ny\nn\n\"\"\n 1\ntRuE\n1.0\n")
    w("transform/dates.csv",
      "s\n2021-01-02\n02/01/2021\n2021-01-02 03:04:05\n2021-01-02T03:04:05\n2.1.2021\nnot a date\n\n"
      "02-Jan-2021\n2021-01-02T03:04:05+02:00\n")
    w("transform/float_to_int.csv", "a\nNaN\n1.5\ninf\n-inf\n1e300\n-2.7\n")
    w("transform/tostring.csv", "f,i,b,d,g\n2.0,1,true,2021-01-02 03:04:05,0.1\n2.5,-3,false,2021-01-02,1e20\n,,,,1e-7\n")
    for k in range(3):
        w(f"transform/parts/p{k}.csv", "id,v\n" + "".join(f"{k * 10 + j},{chr(97 + j)}\n" for j in range(k + 2)))


if __name__ == "__main__":
    for sub in ["csv", "paths", "parquet", "jsonl", "transform"]:
        shutil.rmtree(HERE / sub, ignore_errors=True)
    csv_files()
    csv_date_layout_files()
    path_files()
    parquet_files()
    jsonl_files()
    transform_files()
    total = sum(f.stat().st_size for f in HERE.rglob("*") if f.is_file())
    print(f"total bytes in tests/data: {total}")
