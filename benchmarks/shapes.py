#!/usr/bin/env python
"""Plan-shape benchmark: the small plans users write interactively, per format.

A cell is (format, shape): a plan shape (SHAPES) over the CSV, JSON-lines or
parquet data of generate.py, ending in a pandas DataFrame: .to_pandas_dataframe()
for tablekit and mltable 1.7.0, the equivalent polars lazy query
.collect().to_pandas() for polars.  As in run.py (whose helpers this imports),
every run is a FRESH child process (``shapes.py --child ENGINE FORMAT SHAPE``;
the top level imports only the standard library, so it runs under .venv and
.ref): imports untimed, the plan (source call included) timed, peak RSS from
getrusage ru_maxrss, one JSON line out.  Rounds are interleaved with the engine
order rotated; the table shows median seconds (median peak RSS MB), tk/mltable
time and memory, tk/polars time, and the cells that miss the targets: tablekit
time <= 0.5x mltable's, peak RSS <= mltable's, time <= polars'.

polars samples collect the (filtered) frame and apply a numpy Bernoulli mask
(p=0.01, seed=1), as run.py's polars W6 does; skip is slice.  skip_take skips
half the file's rows (the JSON-lines file holds the first min(rows, 2M) rows).

  .venv/bin/python benchmarks/shapes.py --rows 200000 --rounds 1
  .venv/bin/python benchmarks/shapes.py --formats parquet --shapes sample,filter_sample
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import (DEFAULT_ROWS, REF_PY, SAMPLE_P, SAMPLE_SEED, _fmt_s, data_paths, ensure_data,  # noqa: E402
                 run_child, save_results)

ENGINES = ["tablekit", "mltable", "polars"]
FORMATS = ["csv", "jsonl", "parquet"]
SHAPES = {
    "filter_take": "filter(\"col('x') > 0.999\").take(100)",
    "take_filter": "take(100000).filter(\"col('x') > 0.5\")",
    "sample": "take_random_sample(0.01, seed=1)",
    "sample_filter": "take_random_sample(0.01, seed=1).filter(\"col('x') > 0.5\")",
    "filter_sample": "filter(\"col('x') > 0.5\").take_random_sample(0.01, seed=1)",
    "skip_take": "skip(file rows // 2).take(1000)",
    "keep_take": "keep_columns(['id','x']).take(1000)",
    "drop_filter_take": "drop_columns(['text']).filter(\"col('category') == 'c7'\").take(1000)",
    "filter_keep": "filter(\"col('x') > 0.9 and col('category') == 'c7'\").keep_columns(['id','x'])",
}
RANDOM_SHAPES = {"sample", "sample_filter", "filter_sample"}  # row counts differ by engine
# (label, ratio column, limit): a cell misses a target when its ratio is above the limit
TARGETS = [("tablekit time <= 0.5x mltable", "tk/ml time", 0.5),
           ("tablekit peak RSS <= mltable", "tk/ml mem", 1.0),
           ("tablekit time <= polars", "tk/pl time", 1.0)]


def file_rows(p: dict, fmt: str) -> int:
    with open(p["manifest"]) as f:
        man = json.load(f)
    return man["json_rows"] if fmt == "jsonl" else man["rows"]


# --------------------------------------------------------------------------
# plans (run inside the child): {shape: zero-arg callable -> pandas DataFrame}
# --------------------------------------------------------------------------
def mltable_plans(mod, fmt: str, p: dict, n: int) -> dict:
    source = {
        "csv": lambda: mod.from_delimited_files([{"file": p["csv"]}]),
        "jsonl": lambda: mod.from_json_lines_files([{"file": p["jsonl"]}]),
        "parquet": lambda: mod.from_parquet_files([{"pattern": p["parquet_pattern"]}]),
    }[fmt]
    plans = {
        "filter_take": lambda t: t.filter("col('x') > 0.999").take(100),
        "take_filter": lambda t: t.take(100000).filter("col('x') > 0.5"),
        "sample": lambda t: t.take_random_sample(SAMPLE_P, seed=SAMPLE_SEED),
        "sample_filter": lambda t: t.take_random_sample(SAMPLE_P, seed=SAMPLE_SEED)
        .filter("col('x') > 0.5"),
        "filter_sample": lambda t: t.filter("col('x') > 0.5")
        .take_random_sample(SAMPLE_P, seed=SAMPLE_SEED),
        "skip_take": lambda t: t.skip(n // 2).take(1000),
        "keep_take": lambda t: t.keep_columns(["id", "x"]).take(1000),
        "drop_filter_take": lambda t: t.drop_columns(["text"])
        .filter("col('category') == 'c7'").take(1000),
        "filter_keep": lambda t: t.filter("col('x') > 0.9 and col('category') == 'c7'")
        .keep_columns(["id", "x"]),
    }
    return {s: (lambda f=f: f(source()).to_pandas_dataframe()) for s, f in plans.items()}


def polars_plans(fmt: str, p: dict, n: int) -> dict:
    import numpy as np
    import polars as pl

    source = {  # try_parse_dates: the CSV day -> datetime, as mltable infers it
        "csv": lambda: pl.scan_csv(p["csv"], try_parse_dates=True),
        "jsonl": lambda: pl.scan_ndjson(p["jsonl"]),
        "parquet": lambda: pl.scan_parquet(p["parquet_pattern"]),
    }[fmt]
    x, cat = pl.col("x"), pl.col("category")

    def sample(lf):  # collect, then a numpy Bernoulli mask (as run.py's polars W6)
        df = lf.collect()
        mask = np.random.default_rng(SAMPLE_SEED).random(df.height) < SAMPLE_P
        return df.filter(pl.Series(mask)).lazy()

    plans = {
        "filter_take": lambda lf: lf.filter(x > 0.999).head(100),
        "take_filter": lambda lf: lf.head(100000).filter(x > 0.5),
        "sample": sample,
        "sample_filter": lambda lf: sample(lf).filter(x > 0.5),
        "filter_sample": lambda lf: sample(lf.filter(x > 0.5)),
        "skip_take": lambda lf: lf.slice(n // 2, 1000),
        "keep_take": lambda lf: lf.select("id", "x").head(1000),
        "drop_filter_take": lambda lf: lf.drop("text").filter(cat == "c7").head(1000),
        "filter_keep": lambda lf: lf.filter((x > 0.9) & (cat == "c7")).select("id", "x"),
    }
    return {s: (lambda f=f: f(source()).collect().to_pandas()) for s, f in plans.items()}


def build(engine: str, fmt: str, p: dict, n: int) -> dict:
    if engine == "polars":
        return polars_plans(fmt, p, n)
    if engine == "tablekit":
        import tablekit as mod  # the drop-in import
        import tablekit.outputs.pandas  # noqa: F401  (the engine, else imported by the first read: untimed)
    else:
        import mltable as mod
    return mltable_plans(mod, fmt, p, n)


def child_main(engine: str, fmt: str, shape: str, rows: int) -> int:
    """Runs in a fresh process: imports untimed, the plan timed (as run.py)."""
    import resource

    out = {"engine": engine, "format": fmt, "shape": shape}
    try:
        import numpy  # noqa: F401  (pandas/pyarrow up front, as run.py does)
        import pandas  # noqa: F401
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            pass
        p = data_paths(rows)
        fn = build(engine, fmt, p, file_rows(p, fmt))[shape]
        t0 = time.perf_counter()
        df = fn()
        elapsed = time.perf_counter() - t0
    except BaseException as e:
        out.update(status="fail", error=f"{type(e).__name__}: {e}"[:500])
    else:
        out.update(status="ok", seconds=elapsed, result=list(df.shape),
                   peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print("RESULT " + json.dumps(out), flush=True)
    return 0


# --------------------------------------------------------------------------
# parent
# --------------------------------------------------------------------------
def run_cell(engine: str, fmt: str, shape: str, rows: int, timeout: float) -> dict:
    """One fresh child (run.py's run_child)."""
    return run_child(os.path.abspath(__file__), engine, [fmt, shape, "--rows", str(rows)],
                     {"engine": engine, "format": fmt, "shape": shape}, timeout)


def summarize(runs, engines, cells) -> dict:
    summ = {}
    for fmt, shape in cells:
        for e in engines:
            rs = [r for r in runs if (r["engine"], r["format"], r["shape"]) == (e, fmt, shape)]
            ok = [r for r in rs if r.get("status") == "ok"]
            s = {"runs": len(rs), "ok": len(ok)}
            if ok:
                s.update(median_s=statistics.median(r["seconds"] for r in ok),
                         median_rss_mb=statistics.median(r["peak_rss_mb"] for r in ok),
                         result=ok[-1]["result"])
            else:
                bad = rs[-1] if rs else {"status": "not run"}
                s.update(status=bad["status"], error=bad.get("error", ""))
            summ[(fmt, shape, e)] = s
    return summ


def print_table(summ, engines, cells, rows):
    print(f"\nMedian seconds (median peak RSS MB) -- rows={rows:,}, fresh process per run")
    cols = (["tk/ml time", "tk/ml mem"] if {"tablekit", "mltable"} <= set(engines) else []) \
        + (["tk/pl time"] if {"tablekit", "polars"} <= set(engines) else [])
    head = f"{'format':<8}{'shape':<17}" + "".join(f"{e + ' s (MB)':>19}" for e in engines) \
        + "".join(f"{c:>12}" for c in cols)
    print(head)
    print("-" * len(head))
    errors, misses = [], {c: [] for c in cols}
    for fmt, shape in cells:
        line = f"{fmt:<8}{shape:<17}"
        for e in engines:
            s = summ[(fmt, shape, e)]
            if "median_s" in s:
                line += f"{_fmt_s(s['median_s'])} ({s['median_rss_mb']:.0f})" \
                    f"{'*' if s['ok'] < s['runs'] else ' '}".rjust(19)
            else:
                line += f"{s['status'].upper()} ".rjust(19)
                errors.append(f"  {fmt}/{shape} {e} [{s['status']}]: {s['error']}")

        def ratio(key, other):
            a, b = (summ.get((fmt, shape, e), {}).get(key) for e in ("tablekit", other))
            return a / b if a is not None and b else None
        ratios = {"tk/ml time": ratio("median_s", "mltable"),
                  "tk/ml mem": ratio("median_rss_mb", "mltable"),
                  "tk/pl time": ratio("median_s", "polars")}
        line += "".join(f"{(f'{ratios[c]:.2f}x' if ratios[c] is not None else '-'):>12}" for c in cols)
        print(line)
        for _, c, limit in TARGETS:
            if c in cols and (ratios[c] is None or ratios[c] > limit):
                misses[c].append(f"{fmt}/{shape} " + (f"({ratios[c]:.2f}x)" if ratios[c] else "(n/a)"))
    print("\nShapes:")
    for s in dict.fromkeys(s for _, s in cells):
        print(f"  {s:<17}{SHAPES[s]}")
    print("Ratios < 1.00x: tablekit is faster / smaller.  '*' = some rounds failed.  "
          "polars samples: collect + numpy Bernoulli mask.")
    diffs = []
    for fmt, shape in cells:
        res = {e: summ[(fmt, shape, e)]["result"] for e in engines if "result" in summ[(fmt, shape, e)]}
        if shape not in RANDOM_SHAPES and len({tuple(r) for r in res.values()}) > 1:
            diffs.append(f"  {fmt}/{shape}: " + ", ".join(f"{e}={r[0]}x{r[1]}" for e, r in res.items()))
    if diffs:
        print("Result shapes differ:", *diffs, sep="\n")
    if errors:
        print("Failures:", *errors, sep="\n")
    print("\nTargets (cells that miss; n/a = not measured):")
    for label, c, _ in TARGETS:
        if c in cols:
            print(f"  {label}: " + (", ".join(misses[c]) if misses[c] else f"all {len(cells)} cells met"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Plan shapes x formats: tablekit vs mltable vs polars.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma list (default all three)")
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma list of csv,jsonl,parquet")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma list (default all)")
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="data size (generate.py)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    ap.add_argument("--no-save", action="store_true", help="don't write results/shapes-<timestamp>.json")
    ap.add_argument("--report", metavar="RESULTS_JSON", help="re-print a saved results file; runs nothing")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "FORMAT", "SHAPE"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.child:
        return child_main(*a.child, a.rows)
    if a.report:
        with open(a.report) as f:
            doc = json.load(f)
        cells = [tuple(c) for c in doc["cells"]]
        print_table(summarize(doc["runs"], doc["engines"], cells), doc["engines"], cells, doc["rows"])
        return 0

    split = lambda s: [v.strip() for v in s.split(",") if v.strip()]  # noqa: E731
    engines, formats, shapes = split(a.engines), split(a.formats), split(a.shapes)
    bad = [v for v, known in [(e, ENGINES) for e in engines] + [(f, FORMATS) for f in formats]
           + [(s, SHAPES) for s in shapes] if v not in known]
    if bad:
        ap.error(f"unknown engine/format/shape: {bad}")
    if "mltable" in engines and not os.path.exists(REF_PY):
        print(f"note: {REF_PY} not found; skipping mltable", file=sys.stderr)
        engines.remove("mltable")
    cells = [(f, s) for f in formats for s in shapes]

    ensure_data(a.rows)
    runs, t_start = [], time.time()
    for rnd in range(1, a.rounds + 1):
        k = (rnd - 1) % len(engines)
        order = engines[k:] + engines[:k]  # rotate so no engine always runs first
        for fmt, shape in cells:
            for e in order:
                r = {**run_cell(e, fmt, shape, a.rows, a.timeout), "round": rnd}
                runs.append(r)
                msg = (f"{r['seconds']:.3f}s rss={r['peak_rss_mb']:.0f}MB result={r['result']}"
                       if r["status"] == "ok" else f"{r['status'].upper()} {r.get('error', '')[:160]}")
                print(f"[round {rnd}/{a.rounds}] {fmt}/{shape} {e:<8} {msg}", file=sys.stderr, flush=True)

    summ = summarize(runs, engines, cells)
    print_table(summ, engines, cells, a.rows)
    if not a.no_save:
        save_results("shapes-{stamp}", t_start, {
            "rows": a.rows, "rounds": a.rounds, "timeout": a.timeout,
            "engines": engines, "cells": cells, "shapes": {s: SHAPES[s] for s in shapes},
            "summary": [{"format": f, "shape": s, "engine": e, **v} for (f, s, e), v in summ.items()],
            "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
