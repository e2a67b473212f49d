"""polars output: the engine's own frame, without copying."""
from __future__ import annotations

import polars as pl

from tablekit.engine.execute import Result


def to_polars(result: Result) -> pl.DataFrame:
    return result.data
