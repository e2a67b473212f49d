#!/usr/bin/env python
"""Remote parquet benchmark: tablekit over Azurite vs tablekit on local files vs polars' own
Azure reader (object_store) over the same Azurite, with the bytes each transfers.

The benchmark's parquet folder (benchmarks/generate.py) is uploaded to a fresh Azurite
(started from ./node_modules, stopped by its PID at the end).  Each timed run is a fresh
process (no client or metadata cache carried over) talking to Azurite directly; rounds are
interleaved and medians reported.  One more run of each pair goes through a counting TCP
proxy, which gives the bytes the storage sent (the proxy is not in the timed runs: its
threads would slow whoever opens more connections).

Workloads (the parquet ones of run.py, plus one for row-group pruning):
  W3  parquet folder full
  W4  filter x > 0.9 and category == 'c7', keep [id, x]
  W4r filter id < <rows in the first file>, keep [id, x]: only the first file's row groups hold such rows
  W6  take_random_sample(0.01, seed=1)

  .venv/bin/python benchmarks/remote.py --rows 10000000 --rounds 5
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
from generate import paths_for  # noqa: E402
from run import DATA_ROOT, DEFAULT_ROWS, FILTER_EXPR, RESULTS_DIR, SAMPLE_P, SAMPLE_SEED  # noqa: E402

ENGINES = ("tablekit-local", "tablekit-azurite", "polars-azurite")
WORKLOADS = ("W3", "W4", "W4r", "W6")
CONTAINER = "bench"

# Runs in the child: builds the workload, times it alone, prints one JSON line.
CHILD = r'''
import json, sys, time
engine, workload, target, options, first_ids = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
FILTER_EXPR, SAMPLE_P, SAMPLE_SEED = %r, %r, %r
import numpy as np, polars as pl
import tablekit as mltable
import tablekit.outputs.pandas  # noqa: F401  (the engine, else imported by the first read: untimed)

def tablekit_run():
    table = mltable.from_parquet_files([{"pattern": target}], storage_options=options or None)
    if workload == "W4":
        table = table.filter(FILTER_EXPR).keep_columns(["id", "x"])
    elif workload == "W4r":
        table = table.filter(f"id < {first_ids}").keep_columns(["id", "x"])
    elif workload == "W6":
        table = table.take_random_sample(SAMPLE_P, seed=SAMPLE_SEED)
    return table.to_pandas_dataframe()

def polars_run():
    lazy = pl.scan_parquet(target, storage_options=options, credential_provider=None)
    if workload == "W4":
        lazy = lazy.filter((pl.col("x") > 0.9) & (pl.col("category") == "c7")).select("id", "x")
    elif workload == "W4r":
        lazy = lazy.filter(pl.col("id") < first_ids).select("id", "x")
    frame = lazy.collect()
    if workload == "W6":
        frame = frame.filter(pl.Series(np.random.default_rng(SAMPLE_SEED).random(frame.height) < SAMPLE_P))
    return frame.to_pandas()

run = polars_run if engine.startswith("polars") else tablekit_run
start = time.perf_counter()
df = run()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(df), "columns": len(df.columns)}))
''' % (FILTER_EXPR, SAMPLE_P, SAMPLE_SEED)


def first_file_ids(parquet_dir: Path) -> int:
    """Rows in the first file: with ids numbered across files, ``id <`` this is the first file."""
    import pyarrow.parquet as pq

    return pq.read_metadata(sorted(parquet_dir.glob("*.parquet"))[0]).num_rows


def targets(parquet_dir: Path, endpoint: str) -> dict:
    from tests.servers import ACCOUNT, ACCOUNT_KEY

    polars_options = {"account_name": ACCOUNT, "account_key": ACCOUNT_KEY, "endpoint": endpoint, "allow_http": "true"}
    return {
        "tablekit-local": (str(parquet_dir / "*.parquet"), {}),
        "tablekit-azurite": (f"abfss://{CONTAINER}@{ACCOUNT}.dfs.core.windows.net/parquet/*.parquet",
                             {"account_key": ACCOUNT_KEY, "blob_endpoint": endpoint}),
        "polars-azurite": (f"az://{CONTAINER}/parquet/*.parquet", polars_options),
    }


def measure(engine: str, workload: str, target: str, options: dict, first_ids: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, engine, workload, target, json.dumps(options), str(first_ids)],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    if out.returncode != 0:
        raise RuntimeError(f"{engine} {workload} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def transferred(engine: str, workload: str, target: str, options: dict, first_ids: int, proxy) -> int:
    """Bytes the storage sends for one run (0 for local reads)."""
    if not engine.endswith("azurite"):
        return 0
    proxy.reset()
    measure(engine, workload, target, options, first_ids)
    return proxy.bytes_down


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    args = parser.parse_args()
    from tests.servers import Azurite, CountingProxy

    parquet_dir = Path(paths_for(DATA_ROOT, args.rows)["parquet_dir"])
    if not parquet_dir.is_dir():
        sys.exit(f"no benchmark data in {parquet_dir}: run benchmarks/generate.py --rows {args.rows}")
    workloads = args.workloads.split(",")
    size = sum(p.stat().st_size for p in parquet_dir.glob("*.parquet"))
    with tempfile.TemporaryDirectory() as workdir:
        azurite = Azurite(Path(workdir))
        proxy = CountingProxy(azurite.port)
        try:
            azurite.upload_folder(CONTAINER, parquet_dir, "parquet")
            where = targets(parquet_dir, azurite.blob_endpoint)
            counted = targets(parquet_dir, f"http://127.0.0.1:{proxy.port}/devstoreaccount1")
            first_ids = first_file_ids(parquet_dir)
            runs = {(w, e): [] for w in workloads for e in ENGINES}
            bytes_sent = {(w, e): transferred(e, w, *counted[e], first_ids, proxy) for w in workloads for e in ENGINES}
            for round_number in range(args.rounds):
                for workload in workloads:
                    for engine in ENGINES:
                        runs[(workload, engine)].append(measure(engine, workload, *where[engine], first_ids))
                print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            proxy.close()
            azurite.stop()
    report(runs, bytes_sent, workloads, args, size)


def report(runs: dict, bytes_sent: dict, workloads, args, size: int) -> None:
    summary = {}
    for (workload, engine), results in runs.items():
        summary[f"{workload}/{engine}"] = {
            "median_s": statistics.median(r["seconds"] for r in results),
            "bytes": bytes_sent[(workload, engine)],
            "rows": results[0]["rows"],
        }
    print(f"\nparquet folder: {args.rows:,} rows, {size / 2**20:.1f} MiB; medians of {args.rounds} fresh-process runs\n")
    print("| workload | tablekit local | tablekit Azurite | polars Azurite | tablekit/polars | MiB tablekit | "
          "MiB polars |")
    print("|---|---|---|---|---|---|---|")
    for workload in workloads:
        local, remote, native = (summary[f"{workload}/{e}"] for e in ENGINES)
        print(f"| {workload} | {local['median_s']:.2f}s | {remote['median_s']:.2f}s | {native['median_s']:.2f}s | "
              f"{remote['median_s'] / native['median_s']:.2f}x | {remote['bytes'] / 2**20:.1f} | "
              f"{native['bytes'] / 2**20:.1f} |")
    os.makedirs(RESULTS_DIR, exist_ok=True)
    out = os.path.join(RESULTS_DIR, time.strftime("remote-%Y%m%d-%H%M%S.json"))
    with open(out, "w") as f:
        json.dump({"rows": args.rows, "rounds": args.rounds, "parquet_bytes": size, "summary": summary}, f, indent=1)
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
