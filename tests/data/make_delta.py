"""Regenerates the Delta Lake test tables in tests/data/delta (needs the `deltalake` package).

Run:  .venv/bin/python tests/data/make_delta.py

The tables are written with deltalake, then every commit is made reproducible:
data files get names derived from (table, version, index) instead of random
UUIDs, JSON keys are sorted, and every time in the log is set to a fixed value.

Times matter: mltable (rslex) resolves ``timestamp_as_of`` from the times
*inside* the commit files -- a version's time is the latest
``add.modificationTime`` / ``remove.deletionTimestamp`` it holds (its
``commitInfo.timestamp`` is ignored) -- never from file modification times,
which git does not keep.  Fixing those fields in the log therefore keeps the
recorded fixtures valid in a fresh clone.  (``delta/odd_times`` pins that rule
down: its commitInfo times disagree with its add/remove times.)
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable, Dict, Optional
from urllib.parse import unquote

import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake

HERE = Path(__file__).resolve().parent
DELTA = HERE / "delta"
NAMESPACE = uuid.UUID("6f1d0c3e-5d7a-4a57-9f4e-2f4c7a0d1b9e")  # any fixed UUID: names stay stable


def millis(iso: str) -> int:
    """Milliseconds since the epoch of an ISO time written without offset (UTC)."""
    return int(dt.datetime.fromisoformat(iso).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


Times = Dict[str, str]  # 'commit', 'add', 'remove' -> ISO time (UTC) of those actions in one commit


class DeltaBuilder:
    """Writes one table commit by commit and normalizes each new commit file."""

    def __init__(self, name: str):
        self.name = name
        self.root = DELTA / name
        self.created: Optional[int] = None
        shutil.rmtree(self.root, ignore_errors=True)

    def commit(self, times: Times, action: Callable[[str], None]) -> None:
        """Run ``action(table_path)`` (one deltalake write/delete), then fix the commit it made."""
        action(str(self.root))
        version = DeltaTable(str(self.root)).version()
        log_file = self.root / "_delta_log" / f"{version:020d}.json"
        renamed: Dict[str, int] = {}
        actions = [self._normalize(json.loads(line), version, times, renamed)
                   for line in log_file.read_text().splitlines() if line.strip()]
        # deltalake writes a commit's file actions in hash order: sort them by path
        actions.sort(key=lambda a: ("add" in a or "remove" in a, (a.get("add") or a.get("remove") or {}).get("path")))
        log_file.write_text("".join(json.dumps(a, sort_keys=True, separators=(",", ":")) + "\n" for a in actions))

    def _normalize(self, action: dict, version: int, times: Times, renamed: Dict[str, int]) -> dict:
        if "commitInfo" in action:
            info = action["commitInfo"]
            info["timestamp"] = millis(times["commit"])
            info.get("operationMetrics", {}).pop("execution_time_ms", None)
        if "metaData" in action:
            meta = action["metaData"]
            if self.created is None:
                self.created = millis(times["commit"])
            meta["id"] = str(uuid.uuid5(NAMESPACE, self.name))
            meta["createdTime"] = self.created
        if "add" in action:
            add = action["add"]
            add["path"] = self._rename(add["path"], version, renamed)
            add["modificationTime"] = millis(times.get("add", times["commit"]))
            if add.get("stats"):
                add["stats"] = json.dumps(json.loads(add["stats"]), sort_keys=True, separators=(",", ":"))
        if "remove" in action:
            action["remove"]["deletionTimestamp"] = millis(times.get("remove", times["commit"]))
        return action

    def _rename(self, log_path: str, version: int, renamed: Dict[str, int]) -> str:
        """Give a new data file a stable name; the log path is URL-encoded, the file on disk is not."""
        folder, _, _ = log_path.rpartition("/")
        index = renamed[folder] = renamed.get(folder, -1) + 1  # deltalake writes one file per folder here
        stable = uuid.uuid5(NAMESPACE, f"{self.name}:{version}:{unquote(folder)}:{index}")
        name = f"part-{index:05d}-{stable}-c000.snappy.parquet"
        new_path = f"{folder}/{name}" if folder else name
        os.rename(self.root / unquote(log_path), self.root / unquote(new_path))
        return new_path


def write(data: pa.Table, **options) -> Callable[[str], None]:
    return lambda path: write_deltalake(path, data, **options)


def delete_all(path: str) -> None:
    DeltaTable(path).delete()


def history() -> None:
    """Seven versions: write, append, overwrite, append adding a column, overwrite with a new
    schema, delete everything (an empty version), append."""
    table = DeltaBuilder("history")
    rows = pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"], "score": [1.5, None, 3.0]})
    table.commit({"commit": "2021-01-01T00:00:00"}, write(rows))
    more = pa.table({"id": [4, 5], "name": ["d", "e"], "score": [4.5, 5.5]})
    table.commit({"commit": "2021-02-01T00:00:00"}, write(more, mode="append"))
    replaced = pa.table({"id": [10, 11], "name": ["x", "y"], "score": [10.0, 11.0]})
    table.commit({"commit": "2021-03-01T12:00:00"}, write(replaced, mode="overwrite"))
    widened = pa.table({"id": [12], "name": ["z"], "score": [12.0], "extra": ["new"]})
    table.commit({"commit": "2021-04-01T00:00:00"}, write(widened, mode="append", schema_mode="merge"))
    reshaped = pa.table({"key": ["k1", "k2"], "value": [100, 200]})
    table.commit({"commit": "2021-05-01T00:00:00"}, write(reshaped, mode="overwrite", schema_mode="overwrite"))
    table.commit({"commit": "2021-06-01T00:00:00"}, delete_all)
    table.commit({"commit": "2021-07-01T00:00:00"}, write(pa.table({"key": ["k3"], "value": [300]}), mode="append"))


def odd_times() -> None:
    """Versions whose commitInfo times disagree with their add/remove times, and whose times
    are not increasing (v3 is older than v2): which times mltable uses, and how it searches."""
    table = DeltaBuilder("odd_times")
    table.commit({"commit": "2020-01-01T00:00:00"}, write(pa.table({"id": [0]})))
    table.commit({"commit": "2020-02-01T00:00:00", "add": "2020-06-01T00:00:00"},
                 write(pa.table({"id": [1]}), mode="append"))
    table.commit({"commit": "2020-03-01T00:00:00", "add": "2020-04-01T00:00:00", "remove": "2020-07-01T00:00:00"},
                 write(pa.table({"id": [2]}), mode="overwrite"))
    table.commit({"commit": "2020-08-01T00:00:00", "add": "2020-05-01T00:00:00"},
                 write(pa.table({"id": [3]}), mode="append"))
    table.commit({"commit": "2020-09-01T00:00:00"}, write(pa.table({"id": [4]}), mode="append"))


def types() -> None:
    """One version holding every common Delta type (protocol 3/7: timestamp_ntz needs it)."""
    table = DeltaBuilder("types")
    data = pa.table({
        "i64": pa.array([1, 2, 3], pa.int64()),
        "i32": pa.array([1, 2, 3], pa.int32()),
        "i16": pa.array([1, 2, 3], pa.int16()),
        "i8": pa.array([1, 2, 3], pa.int8()),
        "i64_null": pa.array([1, None, 3], pa.int64()),
        "f32": pa.array([1.5, 2.5, None], pa.float32()),
        "f64": pa.array([1.5, None, 3.25], pa.float64()),
        "b": pa.array([True, False, True]),
        "b_null": pa.array([True, None, False]),
        "s": pa.array(["a", None, "c"]),
        "d": pa.array([dt.date(2021, 1, 2), None, dt.date(2021, 3, 4)], pa.date32()),
        "ts": pa.array([dt.datetime(2021, 1, 2, 3, 4, 5), None, dt.datetime(2021, 6, 1)],
                       pa.timestamp("us", tz="UTC")),
        "ts_ntz": pa.array([dt.datetime(2021, 1, 2, 3, 4, 5), None, dt.datetime(2021, 6, 1)], pa.timestamp("us")),
        "dec": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("-3.50")], pa.decimal128(10, 2)),
        "bin": pa.array([b"ab", None, b"c"], pa.binary()),
        "lst": pa.array([[1, 2], None, [3]], pa.list_(pa.int64())),
        "st": pa.array([{"x": 1, "y": "a"}, None, {"x": None, "y": "c"}],
                       pa.struct([("x", pa.int64()), ("y", pa.string())])),
    })
    table.commit({"commit": "2021-01-01T00:00:00"}, write(data))


def partitioned() -> None:
    """Partitioned by region (one partition null, one with a space), ids in disjoint ranges per
    file so that file statistics can rule files out; row groups of 2 rows (2 per file)."""
    table = DeltaBuilder("partitioned")
    regions = ["east"] * 3 + ["west"] * 3 + ["south east"] * 3 + [None] * 3
    ids = list(range(1, 13))
    data = pa.table({"id": ids, "region": regions, "v": [i * 1.5 for i in ids],
                     "label": [f"r{i:02d}" for i in ids]})
    table.commit({"commit": "2021-01-01T00:00:00"},
                 write(data, partition_by=["region"], writer_properties=WriterProperties(max_row_group_size=2)))


def nested() -> None:
    """A table one folder below delta/nested (mltable finds it from the parent folder)."""
    table = DeltaBuilder("nested/inner")
    table.commit({"commit": "2021-01-01T00:00:00"}, write(pa.table({"id": [1, 2]})))


def mltable_files() -> None:
    """MLTable files whose read step is read_delta_lake (paths relative to the file's folder)."""
    files = {
        "version_1": "  - read_delta_lake:\n      version_as_of: 1\n      include_path_column: false\n",
        "bare_step": "  - read_delta_lake\n  - take: 2\n",
        "timestamp": "  - read_delta_lake:\n      timestamp_as_of: '2021-03-01T13:00:00+01:00'\n",
    }
    for name, steps in files.items():
        folder = DELTA / "mltable" / name
        folder.mkdir(parents=True)
        (folder / "MLTable").write_text(f"paths:\n  - folder: ../../history\ntransformations:\n{steps}type: mltable\n")


if __name__ == "__main__":
    shutil.rmtree(DELTA, ignore_errors=True)
    history()
    odd_times()
    types()
    partitioned()
    nested()
    mltable_files()
    total = sum(f.stat().st_size for f in DELTA.rglob("*") if f.is_file())
    print(f"total bytes in tests/data/delta: {total}")
