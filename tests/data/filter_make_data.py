"""Regenerates the filter_* data files used by the filter-language tests.

Run with a Python that has pyarrow:  .venv/bin/python tests/data/filter_make_data.py
The CSV files are small and written literally here so the bytes are documented.
"""
from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

CSV_FILES = {
    # ints (i), ints with empties (n -> float64), floats, strings with an empty, bools,
    # datetimes with an empty, a column name with a space, an all-empty column, bools with empties
    "filter_basic.csv": (
        "id,i,n,f,s,b,d,a b,e,nb\n"
        "1,1,10,1.5,apple,True,2020-01-01,x,,True\n"
        "2,2,,2.5,banana,False,2021-06-15,y,,\n"
        "3,3,30,-0.5,,True,2019-12-31,,,False\n"
        "4,-4,40,0.0,Apple,False,2020-01-01 12:30:00,x,,True\n"
        "5,0,,3.25,cherry pie,True,,z,,\n"
    ),
    # strings without empties (startswith on null raises, so it gets its own file)
    "filter_strings.csv": (
        "id,s,t\n"
        "1,apple,app\n"
        "2,banana,b\n"
        "3,Apple,x\n"
        "4,cherry pie,cherry\n"
        "5,10,1\n"
    ),
    # column names that collide with keywords / functions of the language
    "filter_names.csv": (
        "id,None,True,not,and,col,datetime,lambda,x.y,k\n"
        "1,5,6,7,8,9,10,11,12,i\n"
        "2,,,,,,,,,id\n"
    ),
    # special floats
    "filter_floats.csv": (
        "id,f,g\n"
        "1,1.5,NaN\n"
        "2,NaN,NaN\n"
        "3,inf,1\n"
        "4,-inf,\n"
        "5,0.0,-0.0\n"
    ),
    # divisors with zero: integer and float division by zero raise in mltable
    "filter_divide.csv": (
        "id,num,den,fden\n"
        "1,7,2,2.0\n"
        "2,-7,2,0.5\n"
        "3,7,-2,-2.0\n"
        "4,0,3,4.0\n"
    ),
    "filter_divzero.csv": (
        "id,num,den\n"
        "1,7,2\n"
        "2,5,0\n"
    ),
}


def parquet_types() -> None:
    t = pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "i32": pa.array([1, None, -3], pa.int32()),
        "f32": pa.array([1.5, 2.5, None], pa.float32()),
        "dec": pa.array([decimal.Decimal("1.50"), decimal.Decimal("-2.25"), None], pa.decimal128(10, 2)),
        "day": pa.array([dt.date(2020, 1, 1), dt.date(2021, 6, 15), None], pa.date32()),
        "ts_us": pa.array([dt.datetime(2020, 1, 1, 12), dt.datetime(1500, 1, 1), None], pa.timestamp("us")),
        "ts_tz": pa.array([dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone.utc),
                           dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc), None],
                          pa.timestamp("ms", tz="Europe/Paris")),
        "lst": pa.array([[1, 2], [], None], pa.list_(pa.int64())),
        "st": pa.array([{"x": 1, "y": "a"}, {"x": None, "y": "b"}, None],
                       pa.struct([("x", pa.int64()), ("y", pa.string())])),
        "nb": pa.array([True, None, False], pa.bool_()),
        "ni": pa.array([None, 5, 6], pa.int64()),
        "bin": pa.array([b"ab", b"", None], pa.binary()),
    })
    pq.write_table(t, HERE / "filter_types.parquet")


def parquet_zones() -> None:
    """The same instants in zones whose offset changed since 1970 or follows daylight saving."""
    utc = dt.timezone.utc
    instants = [dt.datetime(2020, 1, 1, 12, tzinfo=utc), dt.datetime(2020, 7, 1, 12, tzinfo=utc),
                dt.datetime(1975, 7, 1, 12, tzinfo=utc)]
    t = pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "paris": pa.array(instants, pa.timestamp("us", tz="Europe/Paris")),
        "new_york": pa.array(instants, pa.timestamp("us", tz="America/New_York")),
        "singapore": pa.array(instants, pa.timestamp("us", tz="Asia/Singapore")),
        "utc": pa.array(instants, pa.timestamp("us", tz="UTC")),
    })
    pq.write_table(t, HERE / "filter_zones.parquet")


def main() -> None:
    for name, text in CSV_FILES.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    parquet_types()
    parquet_zones()


if __name__ == "__main__":
    main()
