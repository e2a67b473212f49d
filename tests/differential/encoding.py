"""Version-independent JSON encoding of case results (DataFrames, scalars, errors).

Imported both by the recorder (run with real mltable in .ref/) and by the tests
(run with tablekit), so it may only depend on the standard library, numpy and
pandas.  Every cell is tagged with its Python type so an object column holding
``True``/``None`` is not confused with a bool column, and dtypes are kept as
strings.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import numpy as np
import pandas as pd

DATA_MARK = "<DATA>"


def _cell(value: Any, data_dir: str) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return {"bool": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"int": int(value)}
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f):
            return {"float": "nan"}
        if math.isinf(f):
            return {"float": "inf" if f > 0 else "-inf"}
        return {"float": f}
    if isinstance(value, str):
        return {"str": value.replace(data_dir, DATA_MARK)}
    if value is pd.NaT:
        return {"nat": True}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, np.datetime64):
        return {"timestamp": pd.Timestamp(value).isoformat()}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, dict):
        return {"dict": {str(k): _cell(v, data_dir) for k, v in value.items()}}
    if isinstance(value, (list, tuple, np.ndarray)):
        return {"list": [_cell(v, data_dir) for v in list(value)]}
    if isinstance(value, pd.Timedelta):
        return {"timedelta": value.isoformat()}
    # Stream values, unknown objects: compare by their text.
    return {"other": type(value).__name__, "text": str(value).replace(data_dir, DATA_MARK)}


def encode_frame(df: pd.DataFrame, data_dir: str) -> dict:
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(t) for t in df.dtypes],
        "index": [_cell(v, data_dir) for v in df.index.tolist()],
        "rows": len(df),
        "values": [[_cell(v, data_dir) for v in df.iloc[:, i].tolist()] for i in range(df.shape[1])],
    }


def encode_result(value: Any, data_dir: str) -> dict:
    """Encode what a case returned."""
    if isinstance(value, pd.DataFrame):
        return {"frame": encode_frame(value, data_dir)}
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, pd.DataFrame) for v in value):
        return {"frames": [encode_frame(v, data_dir) for v in value]}
    return {"value": _cell(value, data_dir)}


def encode_error(exc: BaseException, data_dir: str) -> dict:
    message = getattr(exc, "message", None) or str(exc)
    return {
        "error": {
            "class": type(exc).__name__,
            "error_code": getattr(exc, "error_code", None),
            "message": str(message).replace(data_dir, DATA_MARK)[:4000],
        }
    }
