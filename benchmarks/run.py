#!/usr/bin/env python
"""Benchmark runner: tablekit vs real mltable 1.7.0 vs polars/duckdb/pandas/pyarrow.

Every measurement runs in a FRESH child process (``run.py --child ...``).  The
child imports its library (not timed), times only the workload (which always
ends in a pandas DataFrame), and prints one JSON line with the elapsed
seconds, peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the
shape/dtypes of the result.  Rounds are interleaved: round 1 runs every
(workload, engine) pair once, then round 2, ...; medians are reported.

This file only imports the standard library at top level, so the same file
runs as the child under both interpreters (.venv and .ref).

Examples (from the repo root):
  .venv/bin/python benchmarks/run.py --rows 200000 --rounds 1
  .venv/bin/python benchmarks/run.py --engines mltable,polars,duckdb --workloads W1,W3
  .venv/bin/python benchmarks/run.py --check --rows 200000
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import paths_for  # noqa: E402  (the generator names the data files)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
VENV_PY = os.path.join(REPO, ".venv", "bin", "python")
REF_PY = os.path.join(REPO, ".ref", "bin", "python")
RESULTS_DIR = os.path.join(HERE, "results")
DATA_ROOT = os.path.join(HERE, "data")
DEFAULT_ROWS = 10_000_000

ENGINES = ["tablekit", "mltable", "polars", "duckdb", "pandas", "pyarrow"]
PEERS = ["polars", "duckdb", "pandas", "pyarrow"]
ENGINE_PYTHON = {e: VENV_PY for e in ENGINES}
ENGINE_PYTHON["mltable"] = REF_PY

WORKLOADS = {
    "W1": "CSV full -> pandas",
    "W2": "CSV filter x>0.9 & category=='c7', keep [id,x]",
    "W3": "parquet folder full",
    "W4": "parquet folder filter + keep [id,x]",
    "W5": "CSV take(1000)",
    "W6": "parquet take_random_sample(0.01, seed=1)",
    "W7": "JSON lines full",
    "W8": "hive parquet, 100 partitions: filter on the partition column (3 kept)",
}
FILTER_EXPR = "col('x') > 0.9 and col('category') == 'c7'"
SAMPLE_P = 0.01
SAMPLE_SEED = 1
TAKE_N = 1000
HIVE_FORMAT = "/key={key}/"  # W8: the hive folder's partition column, a string in mltable
HIVE_KEYS = (7, 42, 93)
HIVE_FILTER = " or ".join(f"col('key') == '{k}'" for k in HIVE_KEYS)

# Per-engine notes where the peer is not a 1:1 equivalent (printed + saved).
NOTES = {
    ("pandas", "W2"): "read_csv(usecols=[id,x,category]) then boolean mask (no predicate pushdown in pandas)",
    ("pandas", "W5"): "read_csv(nrows=1000)",
    ("pandas", "W6"): "read_parquet full, then numpy Bernoulli mask (p=0.01, seed=1)",
    ("pyarrow", "W5"): "csv.open_csv streaming reader, stop after 1000 rows",
    ("pyarrow", "W6"): "dataset.to_batches + per-batch numpy Bernoulli mask (p=0.01, seed=1)",
    ("polars", "W6"): "scan_parquet.collect, then numpy Bernoulli mask (p=0.01, seed=1)",
    ("duckdb", "W6"): "USING SAMPLE 1% (bernoulli, 1)",
    ("duckdb", "W1"): "count -> pandas Int64 (nullable), day -> datetime64[us]",
    ("polars", "W8"): "scan_parquet(hive_partitioning=True): key is an Int64 column, filter key in (7, 42, 93)",
    ("pandas", "W8"): "read_parquet(filters=[key in ...]): key is a categorical column",
}


# --------------------------------------------------------------------------
# data paths
# --------------------------------------------------------------------------
def data_paths(rows: int) -> dict:
    return paths_for(DATA_ROOT, rows)


# --------------------------------------------------------------------------
# workload implementations (run inside the child; imports happen in setup)
# Each builder imports its library and returns {workload: zero-arg callable
# returning a pandas DataFrame}.  A missing key means "not applicable".
# --------------------------------------------------------------------------
def _mltable_api(mod, p):
    csv = [{"file": p["csv"]}]
    pq_paths = [{"pattern": p["parquet_pattern"]}]
    js = [{"file": p["jsonl"]}]
    hive = [{"pattern": p["hive_pattern"]}]
    return {
        "W1": lambda: mod.from_delimited_files(csv).to_pandas_dataframe(),
        "W2": lambda: mod.from_delimited_files(csv).filter(FILTER_EXPR)
        .keep_columns(["id", "x"]).to_pandas_dataframe(),
        "W3": lambda: mod.from_parquet_files(pq_paths).to_pandas_dataframe(),
        "W4": lambda: mod.from_parquet_files(pq_paths).filter(FILTER_EXPR)
        .keep_columns(["id", "x"]).to_pandas_dataframe(),
        "W5": lambda: mod.from_delimited_files(csv).take(TAKE_N).to_pandas_dataframe(),
        "W6": lambda: mod.from_parquet_files(pq_paths)
        .take_random_sample(SAMPLE_P, seed=SAMPLE_SEED).to_pandas_dataframe(),
        "W7": lambda: mod.from_json_lines_files(js).to_pandas_dataframe(),
        "W8": lambda: mod.from_parquet_files(hive).extract_columns_from_partition_format(HIVE_FORMAT)
        .filter(HIVE_FILTER).to_pandas_dataframe(),
    }


def build_tablekit(p):
    import tablekit as mltable  # noqa: the drop-in import
    import tablekit.outputs.pandas  # noqa: F401  (the engine, else imported by the first read: untimed)

    return _mltable_api(mltable, p)


def build_mltable(p):
    import mltable

    return _mltable_api(mltable, p)


def build_polars(p):
    import numpy as np
    import polars as pl

    csv, pat, js = p["csv"], p["parquet_pattern"], p["jsonl"]
    flt = (pl.col("x") > 0.9) & (pl.col("category") == "c7")

    def w6():
        df = pl.scan_parquet(pat).collect()
        mask = np.random.default_rng(SAMPLE_SEED).random(df.height) < SAMPLE_P
        return df.filter(pl.Series(mask)).to_pandas()

    return {
        "W1": lambda: pl.scan_csv(csv, try_parse_dates=True).collect().to_pandas(),
        "W2": lambda: pl.scan_csv(csv).filter(flt).select("id", "x").collect().to_pandas(),
        "W3": lambda: pl.scan_parquet(pat).collect().to_pandas(),
        "W4": lambda: pl.scan_parquet(pat).filter(flt).select("id", "x").collect().to_pandas(),
        "W5": lambda: pl.scan_csv(csv, try_parse_dates=True).head(TAKE_N).collect().to_pandas(),
        "W6": w6,
        "W7": lambda: pl.scan_ndjson(js).collect().to_pandas(),
        "W8": lambda: pl.scan_parquet(p["hive_dir"], hive_partitioning=True)
        .filter(pl.col("key").is_in(HIVE_KEYS)).collect().to_pandas(),
    }


def build_duckdb(p):
    import duckdb

    con = duckdb.connect()
    csv = f"read_csv('{p['csv']}')"
    pq = f"read_parquet('{p['parquet_pattern']}')"
    js = f"read_json('{p['jsonl']}', format='newline_delimited')"
    where = "WHERE x > 0.9 AND category = 'c7'"

    def q(sql):
        return lambda: con.sql(sql).df()

    return {
        "W1": q(f"SELECT * FROM {csv}"),
        "W2": q(f"SELECT id, x FROM {csv} {where}"),
        "W3": q(f"SELECT * FROM {pq}"),
        "W4": q(f"SELECT id, x FROM {pq} {where}"),
        "W5": q(f"SELECT * FROM {csv} LIMIT {TAKE_N}"),
        "W6": q(f"SELECT * FROM {pq} USING SAMPLE {SAMPLE_P * 100:g}% (bernoulli, {SAMPLE_SEED})"),
        "W7": q(f"SELECT * FROM {js}"),
        "W8": q(f"SELECT * FROM read_parquet('{p['hive_pattern']}', hive_partitioning = true) "
                f"WHERE key IN {HIVE_KEYS}"),
    }


def build_pandas(p):
    import numpy as np
    import pandas as pd

    csv, pqd, js = p["csv"], p["parquet_dir"], p["jsonl"]

    def w2():
        df = pd.read_csv(csv, usecols=["id", "x", "category"])
        df = df.loc[(df["x"] > 0.9) & (df["category"] == "c7"), ["id", "x"]]
        return df.reset_index(drop=True)

    def w6():
        df = pd.read_parquet(pqd)
        mask = np.random.default_rng(SAMPLE_SEED).random(len(df)) < SAMPLE_P
        return df[mask].reset_index(drop=True)

    return {
        "W1": lambda: pd.read_csv(csv, parse_dates=["day"]),
        "W2": w2,
        "W3": lambda: pd.read_parquet(pqd),
        "W4": lambda: pd.read_parquet(
            pqd, columns=["id", "x"],
            filters=[("x", ">", 0.9), ("category", "==", "c7")]),
        "W5": lambda: pd.read_csv(csv, nrows=TAKE_N, parse_dates=["day"]),
        "W6": w6,
        "W7": lambda: pd.read_json(js, lines=True),
        "W8": lambda: pd.read_parquet(p["hive_dir"], filters=[("key", "in", list(HIVE_KEYS))]),
    }


def build_pyarrow(p):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds
    import pyarrow.json as pajson

    csv, pqd, js = p["csv"], p["parquet_dir"], p["jsonl"]
    flt = (pc.field("x") > 0.9) & (pc.field("category") == "c7")

    def w5():
        reader = pacsv.open_csv(csv)
        batches, n = [], 0
        for b in reader:
            batches.append(b)
            n += b.num_rows
            if n >= TAKE_N:
                break
        return pa.Table.from_batches(batches, schema=reader.schema).slice(0, TAKE_N) \
            .to_pandas(date_as_object=False)

    def w6():
        rng = np.random.default_rng(SAMPLE_SEED)
        out = []
        dset = ds.dataset(pqd, format="parquet")
        for b in dset.to_batches():
            out.append(b.filter(pa.array(rng.random(b.num_rows) < SAMPLE_P)))
        return pa.Table.from_batches(out, schema=dset.schema).to_pandas()

    return {
        # date_as_object=False: CSV dates -> datetime64 like mltable's inference
        "W1": lambda: pacsv.read_csv(csv).to_pandas(date_as_object=False),
        "W2": lambda: ds.dataset(csv, format="csv").to_table(columns=["id", "x"], filter=flt).to_pandas(),
        "W3": lambda: ds.dataset(pqd, format="parquet").to_table().to_pandas(),
        "W4": lambda: ds.dataset(pqd, format="parquet").to_table(columns=["id", "x"], filter=flt).to_pandas(),
        "W5": w5,
        "W6": w6,
        "W7": lambda: pajson.read_json(js).to_pandas(),
        "W8": lambda: ds.dataset(p["hive_dir"], format="parquet", partitioning="hive")
        .to_table(filter=pc.field("key").isin(list(HIVE_KEYS))).to_pandas(),
    }


BUILDERS = {
    "tablekit": build_tablekit,
    "mltable": build_mltable,
    "polars": build_polars,
    "duckdb": build_duckdb,
    "pandas": build_pandas,
    "pyarrow": build_pyarrow,
}


def child_main(engine: str, workload: str, rows: int) -> int:
    """Runs in a fresh process: setup (import) untimed, workload timed."""
    import resource

    p = data_paths(rows)
    out = {"engine": engine, "workload": workload}
    try:
        # Every workload ends in a pandas DataFrame, and several libraries
        # import pandas/pyarrow lazily on first conversion; import them up
        # front (untimed) so no engine pays interpreter import cost in-timer.
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            pass
        fns = BUILDERS[engine](p)
    except BaseException as e:  # import failure etc.
        out.update(status="fail", error=f"setup: {type(e).__name__}: {e}"[:500])
        print("RESULT " + json.dumps(out), flush=True)
        return 0
    fn = fns.get(workload)
    if fn is None:
        out.update(status="n/a")
        print("RESULT " + json.dumps(out), flush=True)
        return 0
    try:
        t0 = time.perf_counter()
        df = fn()
        elapsed = time.perf_counter() - t0
    except BaseException as e:
        out.update(status="fail", error=f"{type(e).__name__}: {e}"[:500])
        print("RESULT " + json.dumps(out), flush=True)
        return 0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    try:  # what the result itself holds, for the "peak RSS <= 1.5x the DataFrame" target
        frame_mb = float(df.memory_usage(deep=True).sum()) / 2 ** 20
    except Exception:  # noqa: BLE001 (a result that is not a pandas frame)
        frame_mb = None
    out.update(
        status="ok",
        seconds=elapsed,
        peak_rss_mb=rss_kb / 1024.0,
        frame_mb=frame_mb,
        shape=list(getattr(df, "shape", (None, None))),
        columns=[str(c) for c in getattr(df, "columns", [])],
        dtypes={str(k): str(v) for k, v in getattr(df, "dtypes", {}).items()},
        result_type=type(df).__module__ + "." + type(df).__name__,
    )
    print("RESULT " + json.dumps(out), flush=True)
    return 0


# --------------------------------------------------------------------------
# parent
# --------------------------------------------------------------------------
def run_one(engine: str, workload: str, rows: int, timeout: float) -> dict:
    return run_child(os.path.abspath(__file__), engine, [workload, "--rows", str(rows)],
                     {"engine": engine, "workload": workload}, timeout)


def run_child(script: str, engine: str, child_args: list, base: dict, timeout: float) -> dict:
    """Run ``script --child ENGINE *child_args`` in a fresh process with the engine's interpreter and
    give the JSON of its ``RESULT`` line (with the wall time), or a fail/timeout record built on ``base``."""
    py = ENGINE_PYTHON[engine]
    cmd = [py, script, "--child", engine, *child_args]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if engine == "tablekit":
        env["PYTHONPATH"] = REPO  # `import tablekit` from the working tree
    if not os.path.exists(py):
        return {**base, "status": "fail", "error": f"interpreter not found: {py}"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env, cwd=HERE, start_new_session=True)
    except OSError as e:
        return {**base, "status": "fail", "error": str(e)}
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, 9)  # the child's own process group only
        except OSError:
            proc.kill()
        proc.communicate()
        return {**base, "status": "timeout", "error": f"> {timeout:g}s",
                "wall": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            res = json.loads(line[len("RESULT "):])
            res["wall"] = wall
            return res
    tail = (stderr or stdout or "").strip().splitlines()[-3:]
    return {**base, "status": "fail", "wall": wall,
            "error": f"exit {proc.returncode}: " + " | ".join(tail)[:500]}


def ensure_data(rows: int) -> dict:
    p = data_paths(rows)
    r = subprocess.run([VENV_PY, os.path.join(HERE, "generate.py"), "--rows", str(rows)],
                       cwd=REPO, stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        sys.exit(f"data generation failed for --rows {rows}")
    return p


def _fmt_s(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.2f}"


def summarize(results, engines, workloads):
    summ = {}
    for w in workloads:
        for e in engines:
            rs = [r for r in results if r["engine"] == e and r["workload"] == w]
            ok = [r for r in rs if r.get("status") == "ok"]
            s = {"runs": len(rs), "ok": len(ok)}
            if ok:
                s["median_s"] = statistics.median(r["seconds"] for r in ok)
                s["min_s"] = min(r["seconds"] for r in ok)
                s["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
                s["frame_mb"] = ok[-1].get("frame_mb")
                s["shape"] = ok[-1]["shape"]
                s["dtypes"] = ok[-1].get("dtypes", {})
            else:
                bad = [r for r in rs if r.get("status") != "ok"]
                s["status"] = bad[-1]["status"] if bad else "not run"
                s["error"] = bad[-1].get("error", "") if bad else ""
            summ[(w, e)] = s
    return summ


def print_table(summ, engines, workloads, rows):
    print()
    print(f"Median seconds over ok runs (peak RSS MB) -- rows={rows:,}")
    cellw = 18
    head = f"{'workload':<9}" + "".join(f"{e:>{cellw}}" for e in engines)
    ratios = []
    if "tablekit" in engines and "mltable" in engines:
        ratios.append("tk/mltable")
    peers = [e for e in engines if e in PEERS]
    if "tablekit" in engines and peers:
        ratios.append("tk/best-peer")
    rw = {"tk/mltable": 12, "tk/best-peer": 22}
    head += "".join(f"{r:>{rw[r]}}" for r in ratios)
    print(head)
    print("-" * len(head))
    errors = []
    for w in workloads:
        line = f"{w:<9}"
        for e in engines:
            s = summ[(w, e)]
            if "median_s" in s:
                cell = f"{_fmt_s(s['median_s'])} ({s['peak_rss_mb']:.0f})"
                if s["ok"] < s["runs"]:
                    cell += "*"
            else:
                cell = s.get("status", "-").upper()
                if s.get("error"):
                    errors.append((w, e, s["status"], s["error"]))
            line += f"{cell:>{cellw}}"
        tk = summ.get((w, "tablekit"), {}).get("median_s")
        if "tk/mltable" in ratios:
            ml = summ[(w, "mltable")].get("median_s")
            line += f"{(f'{tk / ml:.2f}x' if tk and ml else '-'):>12}"
        if "tk/best-peer" in ratios:
            best = [(summ[(w, e)]["median_s"], e) for e in peers if "median_s" in summ[(w, e)]]
            if tk and best:
                b, be = min(best)
                line += f"{f'{tk / b:.2f}x ({be})':>22}"
            else:
                line += f"{'-':>22}"
        print(line)
    if "tablekit" in engines:
        print()
        print("tablekit's peak RSS against its result's memory_usage(deep=True) (target for full reads: <= 1.5x):")
        for w in workloads:
            s = summ.get((w, "tablekit"), {})
            if s.get("frame_mb"):
                print(f"  {w}: {s['peak_rss_mb']:.0f} MB peak / {s['frame_mb']:.0f} MB DataFrame = "
                      f"{s['peak_rss_mb'] / s['frame_mb']:.2f}x")
    print()
    print("Workloads:")
    for w in workloads:
        print(f"  {w}: {WORKLOADS[w]}")
    print("Ratios < 1.00x mean tablekit is faster. '*' = some rounds failed.")
    shown = [(k, v) for k, v in NOTES.items() if k[0] in engines and k[1] in workloads]
    if shown:
        print("Notes:")
        for (e, w), n in shown:
            print(f"  {e} {w}: {n}")
    # output shapes: flag workloads where engines disagree
    diffs = []
    for w in workloads:
        shapes = {e: tuple(summ[(w, e)]["shape"]) for e in engines if "shape" in summ[(w, e)]}
        if len(set(shapes.values())) > 1:
            diffs.append((w, shapes))
    if diffs:
        print("Result shapes differ (expected for W6, a random sample):")
        for w, shapes in diffs:
            print(f"  {w}: " + ", ".join(f"{e}={s[0]}x{s[1]}" for e, s in shapes.items()))
    if errors:
        print("Failures:")
        for w, e, st, err in errors:
            print(f"  {w} {e} [{st}]: {err}")


def check_shapes(summ, engines, workloads) -> bool:
    """tablekit vs polars (and any other engines given): same shape per workload.
    W6 is a random sample: columns must match, rows within 10% (+5 rows).
    If both tablekit and mltable ran, their result dtypes must also match."""
    ok_all = True
    print()
    print("Shape check:")
    for w in workloads:
        shapes = {e: summ[(w, e)].get("shape") for e in engines}
        missing = [e for e, s in shapes.items() if s is None]
        present = {e: s for e, s in shapes.items() if s is not None}
        if missing:
            ok_all = False
            print(f"  {w}: FAIL (no result from {', '.join(missing)}) "
                  + ", ".join(f"{e}={s[0]}x{s[1]}" for e, s in present.items()))
            continue
        vals = list(present.values())
        if w == "W6":
            rows = [s[0] for s in vals]
            same = len({s[1] for s in vals}) == 1 and \
                max(rows) - min(rows) <= 0.10 * max(rows) + 5
        else:
            same = len({tuple(s) for s in vals}) == 1
        ok_all &= same
        print(f"  {w}: {'OK  ' if same else 'MISMATCH'} "
              + ", ".join(f"{e}={s[0]}x{s[1]}" for e, s in present.items()))
        # drop-in compatibility: tablekit must give mltable's pandas dtypes
        if "tablekit" in present and "mltable" in present:
            tk, ml = summ[(w, "tablekit")]["dtypes"], summ[(w, "mltable")]["dtypes"]
            if tk != ml:
                ok_all = False
                diff = {c: (tk.get(c), ml.get(c)) for c in set(tk) | set(ml) if tk.get(c) != ml.get(c)}
                print(f"      dtypes differ tablekit vs mltable: {diff}")
    return ok_all


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Run tablekit/mltable/peer benchmarks in fresh processes.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma list from {','.join(ENGINES)} (default all)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help=f"comma list from {','.join(WORKLOADS)} (default all)")
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                    help="data size (generated by generate.py if missing)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    ap.add_argument("--check", action="store_true",
                    help="one round of tablekit+polars (or --engines if given), compare result shapes")
    ap.add_argument("--no-save", action="store_true", help="don't write results/<timestamp>.json")
    ap.add_argument("--report", metavar="RESULTS_JSON",
                    help="re-print the table of a saved results file; runs nothing")
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "WORKLOAD"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.child:
        return child_main(a.child[0], a.child[1], a.rows)

    if a.report:
        with open(a.report) as f:
            doc = json.load(f)
        ws = list(doc["workloads"])
        summ = summarize(doc["runs"], doc["engines"], ws)
        print_table(summ, doc["engines"], ws, doc["rows"])
        return 0

    user_engines = "--engines" in " ".join(argv if argv is not None else sys.argv[1:])
    engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    if a.check and not user_engines:
        engines = ["tablekit", "polars"]
    if a.check:
        a.rounds = 1
    workloads = [w.strip().upper() for w in a.workloads.split(",") if w.strip()]
    bad = [e for e in engines if e not in ENGINES] + [w for w in workloads if w not in WORKLOADS]
    if bad:
        ap.error(f"unknown engine/workload: {bad}")

    ensure_data(a.rows)
    results = []
    t_start = time.time()
    for rnd in range(1, a.rounds + 1):
        # rotate engine order each round so no engine always runs first
        k = (rnd - 1) % len(engines)
        order = engines[k:] + engines[:k]
        for w in workloads:
            for e in order:
                r = run_one(e, w, a.rows, a.timeout)
                r["round"] = rnd
                results.append(r)
                msg = (f"{r['seconds']:.3f}s rss={r['peak_rss_mb']:.0f}MB shape={r['shape']}"
                       if r.get("status") == "ok" else
                       f"{r.get('status', '?').upper()} {r.get('error', '')[:160]}")
                print(f"[round {rnd}/{a.rounds}] {w} {e:<9} {msg}", file=sys.stderr, flush=True)

    summ = summarize(results, engines, workloads)
    print_table(summ, engines, workloads, a.rows)
    ok = True
    if a.check:
        ok = check_shapes(summ, engines, workloads)

    if not a.no_save:
        save_results("{stamp}" + ("-check" if a.check else ""), t_start, {
            "rows": a.rows, "rounds": a.rounds, "timeout": a.timeout,
            "engines": engines, "workloads": {w: WORKLOADS[w] for w in workloads},
            "summary": [{"workload": w, "engine": e, **s} for (w, e), s in summ.items()],
            "runs": results,
            "notes": {f"{e}/{w}": n for (e, w), n in NOTES.items()},
        })
    return 0 if ok else 1


def save_results(name: str, t_start: float, doc: dict) -> str:
    """Write a run's results as RESULTS_DIR/<name>.json (``{stamp}`` in the name: the start time), with
    when it started and on what host; give the path."""
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, name.format(stamp=time.strftime("%Y%m%d-%H%M%S", time.localtime(t_start)))
                        + ".json")
    doc = {"started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t_start)), **doc,
           "host": {"cpus": os.cpu_count(), "platform": sys.platform}}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"\nresults written to {os.path.relpath(path, REPO)}")
    return path


if __name__ == "__main__":
    sys.exit(main())
