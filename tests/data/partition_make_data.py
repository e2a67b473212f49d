"""Regenerates tests/data/partition/: folders whose paths carry values, for the
extract_columns_from_partition_format cases (tests/differential/cases/partition_format.py).

Run with a Python that has pyarrow:  .venv/bin/python tests/data/partition_make_data.py
Every file is tiny; the folder names are the point.  MLTable files used by the
cases are written here too.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent / "partition"


def write(rel: str, text: str) -> None:
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_parquet(rel: str, table: pa.Table) -> None:
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def hive() -> None:
    # hive/year=YYYY/month=MM/part.parquet: 2 rows each, ids tell the file apart
    for year in (2020, 2021):
        for month in (1, 2):
            first = year * 100 + month
            write_parquet(f"hive/year={year}/month={month:02d}/part.parquet",
                          pa.table({"id": [first, first + 50], "v": ["a", "b"]}))
    # Arrow types that extraction must keep (date32 -> datetime.date objects, uint8)
    write_parquet("typed/k=a/p.parquet", pa.table({"d": pa.array([dt.date(2021, 1, 2)], pa.date32()),
                                                    "u": pa.array([5], pa.uint8())}))
    # one file outside the hive layout, for paths that do not match a format
    write_parquet("mixed/year=2021/a.parquet", pa.table({"id": [1, 2]}))
    write_parquet("mixed/zzz/b.parquet", pa.table({"id": [3]}))


def delimited() -> None:
    # tree/YYYY/MM/03/data.csv: numbers in the path (inferred as ints by read_delimited)
    for year in (2020, 2021):
        for month in (1, 2):
            write(f"tree/{year}/{month:02d}/03/data.csv", f"id,v\n{year * 100 + month},x\n{month},y\n")
    # keys/k=1 and k=2: a lone '1' is inferred as a bool by mltable; with k=abc the column stays strings
    write("keys/k=1/a.csv", "id\n5\n")
    write("keys/k=2/b.csv", "id\n6\n")
    write("keys/k=abc/c.csv", "id\n7\n")
    # dates in folders, one out of range (month 13, day 40, hour 99)
    write("dates/2021/03/25/04/07/45/f.csv", "id\n1\n")
    write("dates/2021/13/40/99/07/45/f.csv", "id\n2\n")
    # years datetime64[ns] cannot hold (before 1677, after 2262) beside one it can
    for year in (1500, 2020, 3000):
        write(f"far_years/{year}/f.csv", f"id\n{year}\n")
    # dates in file names
    write("flat/20210325_a.csv", "id\n1\n")
    write("flat/20201231_b.csv", "id\n2\n")
    # segment names with dots, regular-expression characters, spaces and non-ASCII letters
    for folder in ("v1.2/a+b", "x(1)/[z]", "sp ace/q$", "é/Ü"):
        write(f"weird/{folder}/f.csv", "id\n1\n")


def json_lines() -> None:
    write("jsonl/k=1/a.jsonl", '{"id": 1, "s": "a"}\n')
    write("jsonl/k=2/b.jsonl", '{"id": 2, "s": "b"}\n')


def mltable_files() -> None:
    # MLTable files may set ignore_errors, name another path column, or put the step after the read
    write("mltables/ignore_errors/MLTable", """paths:
- pattern: ../../hive/*/*/*.parquet
transformations:
- extract_columns_from_partition_format:
    partition_format: /year=2021/month={month}/
    ignore_errors: true
- read_parquet
""")
    write("mltables/ignore_errors_csv/MLTable", """paths:
- pattern: ../../weird/*/*/*.csv
transformations:
- extract_columns_from_partition_format:
    partition_format: /v1.2/{x}/
    ignore_errors: true
- read_delimited
""")
    write("mltables/after_read/MLTable", """paths:
- pattern: ../../hive/*/*/*.parquet
transformations:
- read_parquet
- extract_columns_from_partition_format:
    partition_format: /year={year}/month={month}/
""")
    write("mltables/after_read_path_column/MLTable", """paths:
- pattern: ../../hive/*/*/*.parquet
transformations:
- read_parquet:
    include_path_column: true
- extract_columns_from_partition_format:
    partition_format: /year=2021/month={month}/
""")
    write("mltables/other_path_column/MLTable", """paths:
- pattern: ../../hive/*/*/*.parquet
transformations:
- extract_columns_from_partition_format:
    partition_format: /year={year}/
    path_column: Foo
- read_parquet
""")
    write("mltables/no_format/MLTable", """paths:
- pattern: ../../hive/*/*/*.parquet
transformations:
- extract_columns_from_partition_format
- read_parquet
""")


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    hive()
    delimited()
    json_lines()
    mltable_files()


if __name__ == "__main__":
    main()
