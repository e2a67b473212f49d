#!/usr/bin/env python
"""How to_dask_dataframe() scales from 1 to 2 Dask workers on the parquet folder.

For each worker count a LocalCluster of worker PROCESSES (1 thread each) is
started; each workload builds the table, calls to_dask_dataframe() and
computes on the cluster (all timed; the cluster start and one warm-up run
are not).  Rounds are
interleaved (1 worker, 2 workers, 1 worker, ...); the table shows medians.
In-process to_pandas_dataframe() (polars on every core) is the reference.

Workloads (parquet folder: generate.py's 16 files, one row group each):
  D1  full read on the workers, only the partition lengths come back
      (map_partitions(len)): the reading and pandas conversion that scale
  D2  filter + keep_columns, compute() (a small result comes back)
  D3  take_random_sample(0.01, seed=1), compute()
  D4  full compute(): every row sent to the client and concatenated

Each worker's polars uses ``--polars-threads`` threads (default 1, so one
worker is one core's worth of work); the reference uses every core.  A
control shows what the machine allows: 8 CPU-bound pure-Python tasks on the
same clusters (no I/O, no tablekit); where it does not speed up, nothing can.

  .venv/bin/python benchmarks/dask_scaling.py                  # 10M rows, 3 rounds
  .venv/bin/python benchmarks/dask_scaling.py --rows 200000 --rounds 1 --workloads D1,D2
"""
from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)
from generate import paths_for  # noqa: E402  (the generator names the data files)

FILTER_EXPR = "col('x') > 0.9 and col('category') == 'c7'"
WORKLOADS = {
    "D1": "full read, lengths back",
    "D2": "filter + keep [id,x], compute",
    "D3": "sample 1%, compute",
    "D4": "full compute to the client",
}


def _table(pattern: str, workload: str):
    import tablekit as mltable
    table = mltable.from_parquet_files([{"pattern": pattern}])
    if workload == "D2":
        return table.filter(FILTER_EXPR).keep_columns(["id", "x"])
    if workload == "D3":
        return table.take_random_sample(0.01, seed=1)
    return table


def run_dask(pattern: str, workload: str) -> tuple:
    """(seconds, rows) of one workload on the current Dask client."""
    start = time.perf_counter()
    frame = _table(pattern, workload).to_dask_dataframe()
    if workload == "D1":
        rows = int(frame.map_partitions(len).compute().sum())
    else:
        rows = len(frame.compute())
    return time.perf_counter() - start, rows


def run_reference(pattern: str, workload: str) -> tuple:
    importlib.import_module("tablekit.outputs.dask")  # tablekit and its engine before the timer, as run.py
    start = time.perf_counter()
    rows = len(_table(pattern, workload).to_pandas_dataframe())
    return time.perf_counter() - start, rows


def _cluster(workers: int, polars_threads: int):
    import distributed
    env = {"POLARS_MAX_THREADS": str(polars_threads), "OMP_NUM_THREADS": "1"}
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", env=env, silence_logs=40)
    client = distributed.Client(cluster)
    client.run(_warm_up)  # the workers import tablekit before the timer, as the client has
    return cluster, client


def _warm_up() -> None:
    importlib.import_module("tablekit.outputs.dask")  # tablekit and the engine the parts run on


def _burn(task: int) -> int:
    """The control's task: about a second of pure-Python arithmetic."""
    total = 0
    for k in range(6_000_000):
        total += k * k % 7
    return total


def run_control(client) -> float:
    start = time.perf_counter()
    client.gather(client.map(_burn, range(8), pure=False))
    return time.perf_counter() - start


def _reference_in_child(pattern: str, workload: str) -> tuple:
    """to_pandas_dataframe() in a fresh process (as benchmarks/run.py measures it)."""
    code = ("import sys, json; sys.path.insert(0, %r); sys.path.insert(0, %r); import dask_scaling as d; "
            "print(json.dumps(d.run_reference(%r, %r)))" % (REPO, HERE, pattern, workload))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, rows = out.strip().splitlines()[-1].strip("[]").split(",")
    return float(seconds), int(rows)


def _row(label: str, rows: str, reference: str, per_workers, speed_up: str) -> str:
    return f"{label:<36}{rows:>10}{reference:>12}" + "".join(f"{cell:>14}" for cell in per_workers) + f"{speed_up:>17}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--workers", default="1,2", help="comma list of worker counts")
    ap.add_argument("--polars-threads", type=int, default=1, help="polars threads in each worker")
    args = ap.parse_args(argv)
    for module in ("dask.dataframe", "tablekit"):  # imported before any timer
        importlib.import_module(module)
    workloads = args.workloads.split(",")
    worker_counts = [int(w) for w in args.workers.split(",")]

    paths = paths_for(os.path.join(HERE, "data"), args.rows)
    if not os.path.isdir(paths["parquet_dir"]):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--rows", str(args.rows)], check=True)
    pattern = paths["parquet_pattern"]

    times = {(w, name): [] for w in ["reference"] + worker_counts for name in workloads}
    control = {w: [] for w in worker_counts}
    rows = {}
    for round_ in range(args.rounds):
        for name in workloads:
            seconds, rows[name] = _reference_in_child(pattern, name)
            times[("reference", name)].append(seconds)
        for workers in worker_counts:
            cluster, client = _cluster(workers, args.polars_threads)
            try:
                run_dask(pattern, "D2")  # warm-up: first-use imports and caches on the workers
                control[workers].append(run_control(client))
                for name in workloads:
                    seconds, got = run_dask(pattern, name)
                    if got != rows[name]:
                        raise SystemExit(f"{name}: Dask gave {got} rows, to_pandas_dataframe {rows[name]}")
                    times[(workers, name)].append(seconds)
            finally:
                client.close()
                cluster.close()
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)

    print(f"\nto_dask_dataframe() on {paths['parquet_dir']} ({args.rows:,} rows, 16 files), "
          f"{os.cpu_count()} cores, polars threads per worker: {args.polars_threads}; "
          f"median of {args.rounds} round(s), seconds")
    speed_up = worker_counts[:2] == [1, 2]
    print(_row("workload", "rows", "in-process", [f"{w} worker(s)" for w in worker_counts],
               "1 -> 2 speed-up" if speed_up else ""))
    for name in workloads:
        median = {w: statistics.median(times[(w, name)]) for w in ["reference"] + worker_counts}
        print(_row(f"{name} {WORKLOADS[name]}", f"{rows[name]:,}", f"{median['reference']:.2f}",
                   [f"{median[w]:.2f}" for w in worker_counts],
                   f"{median[1] / median[2]:.2f}x" if speed_up else ""))
    median = {w: statistics.median(control[w]) for w in worker_counts}
    print(_row("control: 8 CPU-bound Python tasks", "", "", [f"{median[w]:.2f}" for w in worker_counts],
               f"{median[1] / median[2]:.2f}x" if speed_up else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
