"""Stream values: what a from_paths table's Path column holds."""
from __future__ import annotations

import pandas as pd


class StreamInfo:
    """A file reference, shown as its location (like mltable's StreamInfo)."""

    __slots__ = ("resource_id",)

    def __init__(self, resource_id: str):
        self.resource_id = resource_id

    def __str__(self) -> str:
        return self.resource_id

    def __repr__(self) -> str:
        return f"StreamInfo[Local]({self.resource_id})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StreamInfo) and other.resource_id == self.resource_id

    def __hash__(self) -> int:
        return hash(self.resource_id)


def with_stream_values(df: pd.DataFrame) -> pd.DataFrame:
    """A from_paths table's pandas output: its Path column holds StreamInfo values, as mltable's does."""
    if "Path" in df.columns:
        df["Path"] = [StreamInfo(p) for p in df["Path"]]
    return df
