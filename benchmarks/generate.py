#!/usr/bin/env python
"""Seeded benchmark data generator for tablekit vs mltable (and peers).

Writes, under ``<out>/rows_<N>/``:

* ``data.csv``          -- N rows, header row, 8 columns (~0.85 GB at N=10M)
* ``parquet/part-XX.parquet`` -- the same N rows as 16 snappy parquet files
* ``data.jsonl``        -- the first min(N, --json-rows) rows as JSON lines
* ``hive/key=K/part.parquet`` -- the same N rows in 100 hive partitions
                           (K = 0..99, rows id*100//N == K), the key only in
                           the folder name, as hive layouts store it
* ``manifest.json``     -- parameters + file sizes; if it matches, generation
                           is skipped (use --force to regenerate)

Columns
-------
id        int64, sequential 0..N-1
x         float64 uniform [0, 1), rounded to 6 decimals
y         float64 standard normal, rounded to 6 decimals
category  string, 20 values 'c0'..'c19'
text      string, distinct per row (ends in '#<id>'); ~5% contain a comma so
          the CSV writer quotes them
flag      'true'/'false' in CSV and JSON (JSON booleans); bool in parquet
day       ISO date yyyy-mm-dd (2015-01-01 .. 2024-12-28)
count     int64 in [0, 1000) with ~10% missing (empty CSV field, JSON null,
          parquet null)

Parquet types are chosen to match what type inference gives for the CSV:
mltable 1.7.0 infers the CSV as id:int64, x/y:float64, category/text:string,
flag:bool, day:datetime, count:int with nulls (pandas float64 + NaN).  So the
parquet files store count as nullable int64, flag as bool and day as
**date32** (a real date type, the closest parquet analogue of the CSV's
inferred date; note mltable returns a parquet date32 column to pandas as
object dtype holding datetime.date values, while it returns the CSV column as
datetime64[ns]).

Everything is generated in 16 chunks (one per parquet file), each with its own
numpy ``default_rng([seed, chunk])`` stream, so the output depends only on
(--rows, --seed) and memory stays bounded.

Run with the project venv:  .venv/bin/python benchmarks/generate.py --rows 200000
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

GENERATOR_VERSION = 3
N_PARQUET_FILES = 16
N_HIVE_PARTITIONS = 100
DEFAULT_ROWS = 10_000_000
DEFAULT_JSON_ROWS = 2_000_000
DEFAULT_SEED = 42
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "data")

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
    "mike november oscar papa quebec romeo sierra tango uniform victor whiskey "
    "xray yankee zulu red green blue amber violet silver golden quiet rapid "
    "gentle brave clever happy lucky sunny windy stormy frozen bright dark "
    "river mountain forest desert ocean valley meadow canyon island harbor "
    "market garden bridge castle tower engine rocket planet comet galaxy "
    "signal packet vector matrix tensor kernel thread socket buffer cursor "
    "quickly slowly softly loudly calmly boldly neatly deeply barely nearly"
).split()


def data_dir(out: str, rows: int) -> str:
    return os.path.join(out, f"rows_{rows}")


def paths_for(out: str, rows: int) -> dict:
    d = data_dir(out, rows)
    return {
        "dir": d,
        "csv": os.path.join(d, "data.csv"),
        "parquet_dir": os.path.join(d, "parquet"),
        "parquet_pattern": os.path.join(d, "parquet", "*.parquet"),
        "jsonl": os.path.join(d, "data.jsonl"),
        "hive_dir": os.path.join(d, "hive"),
        "hive_pattern": os.path.join(d, "hive", "*", "*.parquet"),
        "hive_manifest": os.path.join(d, "hive.json"),
        "manifest": os.path.join(d, "manifest.json"),
    }


def _chunk_bounds(rows: int, n: int = N_PARQUET_FILES):
    base, rem = divmod(rows, n)
    start = 0
    for i in range(n):
        size = base + (1 if i < rem else 0)
        yield i, start, size
        start += size


def make_chunk(seed: int, chunk: int, start: int, size: int):
    """Build one chunk of the table as a polars DataFrame (vectorised)."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng([seed, chunk])
    ids = np.arange(start, start + size, dtype=np.int64)
    x = np.round(rng.random(size), 6)
    y = np.round(rng.standard_normal(size), 6)
    cat_idx = rng.integers(0, 20, size, dtype=np.int64)
    w = rng.integers(0, len(WORDS), (4, size), dtype=np.int64)
    has_comma = rng.random(size) < 0.05
    flag = rng.random(size) < 0.5
    day_off = rng.integers(0, 3650, size, dtype=np.int64)
    count = rng.integers(0, 1000, size, dtype=np.int64)
    count_null = rng.random(size) < 0.10

    words = pl.Series("words", WORDS, dtype=pl.String)
    df = pl.DataFrame(
        {
            "id": ids,
            "x": x,
            "y": y,
            "_cat": cat_idx,
            "_w0": words.gather(w[0]),
            "_w1": words.gather(w[1]),
            "_w2": words.gather(w[2]),
            "_w3": words.gather(w[3]),
            "_comma": has_comma,
            "flag": flag,
            "_day": day_off,
            "_count": count,
            "_cnull": count_null,
        }
    )
    sep = pl.when(pl.col("_comma")).then(pl.lit(", ")).otherwise(pl.lit(" "))
    df = df.select(
        "id",
        "x",
        "y",
        pl.format("c{}", pl.col("_cat")).alias("category"),
        pl.concat_str(
            [
                pl.col("_w0"), sep, pl.col("_w1"), pl.lit(" "), pl.col("_w2"),
                pl.lit(" "), pl.col("_w3"),
                pl.lit(" #"), pl.col("id").cast(pl.String),
            ]
        ).alias("text"),
        "flag",
        (pl.lit(np.datetime64("2015-01-01")).cast(pl.Date)
         + pl.duration(days=pl.col("_day"))).cast(pl.Date).alias("day"),
        pl.when(pl.col("_cnull")).then(None).otherwise(pl.col("_count"))
        .cast(pl.Int64).alias("count"),
    )
    return df


def hive_up_to_date(p: dict, rows: int) -> bool:
    try:
        with open(p["hive_manifest"]) as f:
            man = json.load(f)
    except (OSError, ValueError):
        return False
    return man.get("rows") == rows and man.get("partitions") == N_HIVE_PARTITIONS and all(
        os.path.isfile(os.path.join(p["dir"], rel)) and os.path.getsize(os.path.join(p["dir"], rel)) == size
        for rel, size in man.get("files", {}).items()) and len(man.get("files", {})) == N_HIVE_PARTITIONS


def write_hive(p: dict, rows: int, log) -> None:
    """hive/key=K/part.parquet from the parquet parts: row ``id`` goes to K = id * 100 // rows.

    Made from the finished parts (and kept in its own manifest, hive.json), so
    data generated before the hive folder existed gains it without being
    regenerated.  Ids ascend, so a partition's rows come from one or two
    consecutive parts: its file stays open (a row group per part) until a
    later key shows up.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if os.path.isdir(p["hive_dir"]):
        shutil.rmtree(p["hive_dir"])
    t0 = time.perf_counter()
    writers = {}
    for i in range(N_PARQUET_FILES):
        table = pq.read_table(os.path.join(p["parquet_dir"], f"part-{i:02d}.parquet"))
        keys = pc.divide(pc.multiply(table.column("id"), N_HIVE_PARTITIONS), rows)  # integer division
        for key in pc.unique(keys).to_pylist():
            if key not in writers:
                folder = os.path.join(p["hive_dir"], f"key={key}")
                os.makedirs(folder)
                writers[key] = pq.ParquetWriter(os.path.join(folder, "part.parquet"), table.schema,
                                                compression="snappy")
            writers[key].write_table(table.filter(pc.equal(keys, key)))
        for key in [k for k in writers if k < max(writers)]:  # no later part has rows of these keys
            writers.pop(key).close()
    for writer in writers.values():
        writer.close()
    files = {}
    for key in range(N_HIVE_PARTITIONS):
        rel = os.path.join("hive", f"key={key}", "part.parquet")
        files[rel] = os.path.getsize(os.path.join(p["dir"], rel))
    with open(p["hive_manifest"], "w") as f:
        json.dump({"rows": rows, "partitions": N_HIVE_PARTITIONS, "files": files}, f, indent=2)
    log(f"[generate] hive folder: {N_HIVE_PARTITIONS} partitions, {sum(files.values()) / 1e9:.3f} GB "
        f"in {time.perf_counter() - t0:.1f}s")


def _manifest_expected(rows: int, seed: int, json_rows: int) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "seed": seed,
        "json_rows": min(rows, json_rows),
        "parquet_files": N_PARQUET_FILES,
    }


def is_up_to_date(p: dict, rows: int, seed: int, json_rows: int) -> bool:
    try:
        with open(p["manifest"]) as f:
            man = json.load(f)
    except (OSError, ValueError):
        return False
    exp = _manifest_expected(rows, seed, json_rows)
    if any(man.get(k) != v for k, v in exp.items()):
        return False
    for rel, size in man.get("files", {}).items():
        fp = os.path.join(p["dir"], rel)
        if not os.path.isfile(fp) or os.path.getsize(fp) != size:
            return False
    return bool(man.get("files"))


def generate(rows: int = DEFAULT_ROWS, out: str = DEFAULT_OUT,
             seed: int = DEFAULT_SEED, json_rows: int = DEFAULT_JSON_ROWS,
             force: bool = False, quiet: bool = False) -> dict:
    p = paths_for(out, rows)
    log = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    if not force and is_up_to_date(p, rows, seed, json_rows):
        log(f"[generate] {p['dir']} is up to date (manifest matches); skipping")
        if not hive_up_to_date(p, rows):
            write_hive(p, rows, log)
        return p

    if os.path.isdir(p["dir"]):
        shutil.rmtree(p["dir"])
    os.makedirs(p["parquet_dir"])
    json_rows = min(rows, json_rows)
    t0 = time.perf_counter()
    log(f"[generate] rows={rows:,} seed={seed} -> {p['dir']}")

    import pyarrow as pa
    import pyarrow.parquet as pq

    PARQUET_SCHEMA = pa.schema([
        ("id", pa.int64()), ("x", pa.float64()), ("y", pa.float64()),
        ("category", pa.string()), ("text", pa.string()), ("flag", pa.bool_()),
        ("day", pa.date32()), ("count", pa.int64()),
    ])
    json_left = json_rows
    with open(p["csv"], "wb") as fcsv, open(p["jsonl"], "wb") as fjson:
        for i, start, size in _chunk_bounds(rows):
            df = make_chunk(seed, i, start, size)
            df.write_csv(fcsv, include_header=(i == 0))
            # via pyarrow with an explicit schema: plain `string` (not the
            # large_string / string_view polars would emit) and date32.
            pq.write_table(
                df.to_arrow().cast(PARQUET_SCHEMA),
                os.path.join(p["parquet_dir"], f"part-{i:02d}.parquet"),
                compression="snappy",
            )
            if json_left > 0:
                part = df.head(json_left)
                part.write_ndjson(fjson)
                json_left -= part.height
            log(f"[generate]   chunk {i + 1}/{N_PARQUET_FILES} done "
                f"({time.perf_counter() - t0:.1f}s)")
            del df

    files = {}
    for root, _, names in os.walk(p["dir"]):
        for n in names:
            if n == "manifest.json":
                continue
            fp = os.path.join(root, n)
            files[os.path.relpath(fp, p["dir"])] = os.path.getsize(fp)
    man = _manifest_expected(rows, seed, json_rows)
    man["files"] = dict(sorted(files.items()))
    man["created"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    man["schema"] = {
        "csv": "id,x,y,category,text,flag,day,count (header row)",
        "parquet": {"id": "int64", "x": "double", "y": "double",
                    "category": "string", "text": "string", "flag": "bool",
                    "day": "date32", "count": "int64 (nullable)"},
        "jsonl": "first json_rows rows; flag JSON bool, day string, count int or null",
    }
    with open(p["manifest"], "w") as f:
        json.dump(man, f, indent=2)
    total = sum(files.values())
    log(f"[generate] done in {time.perf_counter() - t0:.1f}s: csv "
        f"{files['data.csv'] / 1e9:.3f} GB, parquet "
        f"{sum(v for k, v in files.items() if k.startswith('parquet')) / 1e9:.3f} GB, "
        f"jsonl {files['data.jsonl'] / 1e9:.3f} GB (total {total / 1e9:.3f} GB)")
    write_hive(p, rows, log)
    return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output root (default benchmarks/data)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--json-rows", type=int, default=DEFAULT_JSON_ROWS,
                    help="rows in the JSON-lines file (first rows of the table; capped at --rows)")
    ap.add_argument("--force", action="store_true", help="regenerate even if the manifest matches")
    a = ap.parse_args(argv)
    if a.rows < N_PARQUET_FILES:
        ap.error(f"--rows must be >= {N_PARQUET_FILES}")
    p = generate(a.rows, a.out, a.seed, a.json_rows, a.force)
    print(p["dir"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
