"""Hypothesis property tests of the delimited reader against its own writer rules."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tablekit as mltable
from tablekit.engine.csv_tokenizer import tokenize

# text without line breaks (mltable ends records at line breaks by default)
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
               min_size=1, max_size=12)


def _write(rows, header):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows([header] + rows)
    return out.getvalue()


@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=20))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_quoted_values_round_trip_as_strings(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text(_write(rows, ["a", "b", "c"]), encoding="utf-8")
    df = mltable.from_delimited_files([{"file": str(path)}], infer_column_types=False).to_pandas_dataframe()
    assert df.values.tolist() == rows


@given(rows=st.lists(st.lists(cell, min_size=2, max_size=2), min_size=1, max_size=20))
@settings(max_examples=80, deadline=None)
def test_exact_tokenizer_reads_what_csv_module_writes(rows):
    text = _write(rows, ["x", "y"])
    assert tokenize(text)[1:] == rows


@given(values=st.lists(st.integers(-2**63, 2**63 - 1), min_size=1, max_size=50))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_int64_values_are_exact(tmp_path_factory, values):
    if set(map(str, values)) <= {"0", "1"}:
        values = values + [2]  # a column of only 0/1 is read as booleans, as in mltable
    path = tmp_path_factory.mktemp("ints") / "ints.csv"
    path.write_text("n\n" + "\n".join(map(str, values)) + "\n")
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    assert str(df["n"].dtype) == "int64"
    assert df["n"].tolist() == values


@given(days=st.lists(st.dates(min_value=date(1678, 1, 1), max_value=date(2262, 4, 10)), min_size=1, max_size=30),
       day_first=st.booleans(), padded=st.booleans())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_slashed_dates_read_day_or_month_first_as_their_values_decide(tmp_path_factory, days, day_first, padded):
    """Month first unless some value can only be day first (as mltable decides); every date comes back."""
    layout = ("%d/%m/%Y" if day_first else "%m/%d/%Y") if padded else None

    def text(d):
        if layout:
            return d.strftime(layout)
        first, second = (d.day, d.month) if day_first else (d.month, d.day)
        return f"{first}/{second}/{d.year:04d}"

    decided = any(d.day > 12 for d in days)  # else every value reads either way: month first
    path = tmp_path_factory.mktemp("dates") / "dates.csv"
    path.write_text("d\n" + "\n".join(text(d) for d in days) + "\n")
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    assert str(df["d"].dtype) == "datetime64[ns]"
    got = [t.date() for t in df["d"]]
    if day_first and not decided:
        assert got == [d.replace(month=d.day, day=d.month) for d in days]
    else:
        assert got == days


@given(words=st.lists(st.tuples(st.sampled_from(["true", "True", "TRUE", "t", "T", "Y", "1",
                                                 "false", "False", "FALSE", "f", "F", "N", "0"]),
                                st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ", "\t"])),
                      min_size=1, max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_bool_words_with_spaces_around_are_booleans(tmp_path_factory, words):
    path = tmp_path_factory.mktemp("bools") / "bools.csv"
    path.write_text("b,z\n" + "".join(f"{before}{w}{after},x\n" for w, before, after in words))
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    assert str(df["b"].dtype) == "bool"
    assert df["b"].tolist() == [w in ("true", "True", "TRUE", "t", "T", "Y", "1") for w, _, _ in words]


@given(values=st.lists(st.one_of(st.sampled_from(["true", "F", "Y", "N", "t", "FALSE"]),
                                  st.sampled_from(["+1", "01", "-0", "00", "+0", "001"])), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_integers_0_and_1_beside_boolean_words_are_booleans_by_value(tmp_path_factory, values):
    """A word makes the column booleans; '+1', '01', '-0' keep their value (mltable: None, a deviation)."""
    path = tmp_path_factory.mktemp("bools") / "bools.csv"
    path.write_text("b,z\n" + "".join(f"{v},x\n" for v in values))
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    truth = [v in ("true", "Y", "t") or (v.lstrip("+-").isdigit() and int(v) == 1) for v in values]
    if any(not v.lstrip("+-").isdigit() for v in values):
        assert str(df["b"].dtype) == "bool" and df["b"].tolist() == truth
    else:
        assert str(df["b"].dtype) == "int64" and df["b"].tolist() == [int(v) for v in values]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# layouts no value of which reads two ways: (text of a datetime, the datetime the text holds)
_UNAMBIGUOUS = {
    "iso date": lambda t: (f"{t:%Y-%m-%d}", datetime(t.year, t.month, t.day)),
    "iso T": lambda t: (f"{t:%Y-%m-%dT%H:%M:%S}", t.replace(microsecond=0)),
    "iso space fraction": lambda t: (f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond:06d}", t),
    "slashed iso": lambda t: (f"{t:%Y/%m/%d %H:%M:%S}", t.replace(microsecond=0)),
    "zulu": lambda t: (f"{t:%Y-%m-%dT%H:%M:%S}Z", t.replace(microsecond=0)),
    "offset": lambda t: (f"{t + timedelta(hours=5, minutes=30):%Y-%m-%dT%H:%M:%S}+05:30", t.replace(microsecond=0)),
    "month name": lambda t: (f"{t.day:02d}-{_MONTHS[t.month - 1]}-{t.year}", datetime(t.year, t.month, t.day)),
    "month name time": lambda t: (f"{t.day}/{_MONTHS[t.month - 1].upper()}/{t.year} {t:%H:%M}",
                                  t.replace(second=0, microsecond=0)),
}


@given(values=st.lists(st.tuples(st.datetimes(min_value=datetime(1678, 1, 1), max_value=datetime(2261, 12, 31)),
                                 st.sampled_from(sorted(_UNAMBIGUOUS))), min_size=1, max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_layouts_mixed_in_a_column_read_each_value_by_its_own(tmp_path_factory, values):
    """Any mix of mltable's layouts is a datetime column, each value read as its layout says (offsets as UTC)."""
    texts, expected = zip(*(_UNAMBIGUOUS[layout](t) for t, layout in values))
    path = tmp_path_factory.mktemp("dates") / "dates.csv"
    path.write_text("d\n" + "\n".join(texts) + "\n")
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    assert str(df["d"].dtype) == "datetime64[ns]"
    assert [t.to_pydatetime() for t in df["d"]] == list(expected)


@given(slashed=st.lists(st.dates(min_value=date(1678, 1, 1), max_value=date(2261, 12, 31)), min_size=1, max_size=12),
       dashed=st.lists(st.dates(min_value=date(1678, 1, 1), max_value=date(2261, 12, 31)), min_size=1, max_size=12),
       slashed_day_first=st.booleans(), dashed_day_first=st.booleans(), order=st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_day_or_month_first_is_decided_per_layout(tmp_path_factory, slashed, dashed, slashed_day_first,
                                                  dashed_day_first, order):
    """Slashed and dashed dates in one column each read day or month first as their own values decide."""
    deciding = date(2021, 7, 13)  # day 13: reads one way only, so each layout is decided

    def text(d, sep, day_first):
        first, second = (d.day, d.month) if day_first else (d.month, d.day)
        return f"{first:02d}{sep}{second:02d}{sep}{d.year}"

    rows = ([(text(d, "/", slashed_day_first), d) for d in slashed + [deciding]]
            + [(text(d, "-", dashed_day_first), d) for d in dashed + [deciding]])
    order.shuffle(rows)
    path = tmp_path_factory.mktemp("dates") / "dates.csv"
    path.write_text("d\n" + "\n".join(t for t, _ in rows) + "\n")
    df = mltable.from_delimited_files([{"file": str(path)}]).to_pandas_dataframe()
    assert str(df["d"].dtype) == "datetime64[ns]"
    assert [t.date() for t in df["d"]] == [d for _, d in rows]
