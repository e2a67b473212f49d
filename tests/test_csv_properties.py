"""Hypothesis property tests of the delimited reader against its own writer rules."""
from __future__ import annotations

import csv
import io

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
