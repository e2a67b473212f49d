"""pandas output with mltable's dtypes.

Through Arrow, as mltable does: ints with nulls become float64, booleans with
nulls object, strings object, datetimes datetime64[ns], date32 columns
datetime.date objects -- except after take/skip/filter/sampling, where
mltable returns them as datetime64[ns] (a quirk code downstream relies on).
A result without rows has no columns, as in mltable.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from tablekit.engine.execute import Result
from tablekit.outputs.arrow import to_arrow


def _python_lists(df: pd.DataFrame, table: pa.Table) -> pd.DataFrame:
    """Arrow lists arrive as numpy arrays; mltable gives Python lists."""
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            df[name] = pd.Series(column.to_pylist(), index=df.index, dtype=object)
    return df


def to_pandas(result: Result, dates_as_datetime: bool) -> pd.DataFrame:
    table = to_arrow(result)
    if table.num_rows == 0:
        return pd.DataFrame()
    has_lists = any(pa.types.is_list(t) or pa.types.is_large_list(t) for t in table.schema.types)
    df = table.to_pandas(date_as_object=not dates_as_datetime, coerce_temporal_nanoseconds=True,
                         split_blocks=True, self_destruct=not has_lists)
    return _python_lists(df, table) if has_lists else df
