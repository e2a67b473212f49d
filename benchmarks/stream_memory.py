#!/usr/bin/env python
"""Streaming memory benchmark: iterate a ~5 GB CSV with ``to_batches()`` and report peak memory.

Writes ``benchmarks/data/stream_csv/data.csv`` once (the columns of
``generate.py``, chunk after chunk until the file passes ``--gigabytes``),
then runs each workload in a fresh child process and reports its time and
peak RSS (``ru_maxrss``: the interpreter and libraries included):

* ``csv-stream``          iterate every batch of the big CSV
* ``csv-stream-filter``   the same with a filter and keep_columns (pushed into every block)
* ``parquet-stream`` / ``parquet-arrow``   the 10M-row parquet folder of generate.py, streamed vs to_arrow()
* ``jsonl-stream`` / ``jsonl-arrow``       its 2M-row JSON-lines file, streamed vs to_arrow()

Usage (from the repo root)::

    .venv/bin/python benchmarks/stream_memory.py                 # all workloads
    .venv/bin/python benchmarks/stream_memory.py --workloads csv-stream --gigabytes 5

Results go to ``benchmarks/results/stream-<timestamp>.json``.  Not a test:
it takes minutes and gigabytes of disk.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import generate  # noqa: E402  (benchmarks/generate.py: the shared columns)

CSV_DIR = os.path.join(generate.DEFAULT_OUT, "stream_csv")
CHUNK_ROWS = 1_000_000
FILTER = "x > 0.5 and category != 'c3'"
WORKLOADS = ("csv-stream", "csv-stream-filter", "parquet-stream", "parquet-arrow", "jsonl-stream", "jsonl-arrow")


def big_csv(gigabytes: float) -> str:
    """The benchmark CSV, written once: generate.py's rows, chunk after chunk, past ``gigabytes``."""
    path = os.path.join(CSV_DIR, "data.csv")
    target = int(gigabytes * 1e9)
    if os.path.exists(path) and os.path.getsize(path) >= target:
        return path
    os.makedirs(CSV_DIR, exist_ok=True)
    started = time.perf_counter()
    with open(path + ".partial", "wb") as out:
        chunk = 0
        while out.tell() < target:
            frame = generate.make_chunk(generate.DEFAULT_SEED, chunk, chunk * CHUNK_ROWS, CHUNK_ROWS)
            frame.write_csv(out, include_header=chunk == 0)
            chunk += 1
            print(f"[stream_memory] {out.tell() / 1e9:.2f} / {gigabytes} GB "
                  f"({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
    os.replace(path + ".partial", path)
    return path


def table_for(workload: str, csv_path: str):
    import tablekit

    kind = workload.split("-")[0]
    if kind == "csv":
        table = tablekit.from_delimited_files([{"file": csv_path}])
        return table.filter(FILTER).keep_columns(["id", "x", "category"]) if "filter" in workload else table
    data = generate.paths_for(generate.DEFAULT_OUT, generate.DEFAULT_ROWS)
    if kind == "parquet":
        return tablekit.from_parquet_files([{"pattern": data["parquet_pattern"]}])
    return tablekit.from_json_lines_files([{"file": data["jsonl"]}])


def child(workload: str, csv_path: str) -> dict:
    """Run one workload in this process; returns rows, batches, seconds and peak RSS."""
    import resource

    table = table_for(workload, csv_path)
    started = time.perf_counter()
    batches = rows = 0
    if workload.endswith("arrow"):
        rows = table.to_arrow().num_rows
    else:
        for batch in table.to_batches(show_progress=False):
            batches += 1
            rows += batch.num_rows
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"workload": workload, "rows": rows, "batches": batches, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_kib / 1024, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=5.0, help="size of the CSV to stream (default 5)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma list of " + ", ".join(WORKLOADS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.csv)))
        return 0

    workloads = [w for w in args.workloads.split(",") if w]
    unknown = set(workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads: {sorted(unknown)}")
    csv_path = big_csv(args.gigabytes) if any(w.startswith("csv") for w in workloads) else ""
    if any(not w.startswith("csv") for w in workloads):
        generate.generate(quiet=True)  # the 10M-row parquet folder and JSON-lines file (no-op when present)
    results = []
    env = dict(os.environ, PYTHONPATH=ROOT)
    for workload in workloads:
        run = subprocess.run([sys.executable, __file__, "--child", workload, "--csv", csv_path],
                             capture_output=True, text=True, env=env)
        if run.returncode != 0:
            print(f"{workload}: FAILED\n{run.stderr}", file=sys.stderr)
            return 1
        result = json.loads(run.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{workload:<18} {result['rows']:>12,} rows {result['batches']:>6} batches "
              f"{result['seconds']:>8.1f} s   peak RSS {result['peak_rss_mb']:>7.0f} MB", flush=True)
    report = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "csv_bytes": os.path.getsize(csv_path) if csv_path
              else None, "filter": FILTER, "results": results}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", f"stream-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
