#!/usr/bin/env python
"""Start-up benchmark: ``import tablekit``, and the time to first rows as a whole process.

Two tasks, each run in FRESH child processes (run.py's ``run_child``: ``.ref/bin/python`` for
mltable 1.7.0, ``.venv/bin/python`` for the others, ``PYTHONPATH=<repo>`` for tablekit):

* ``import``: the child times ``import <engine>`` (tablekit, pandas, polars, mltable) and
  nothing else first, and reports its peak RSS (``ru_maxrss``) after it.
* ``first-rows``: the wall time of the whole child as this process sees it: interpreter
  start, imports, reading the first 1000 rows of the benchmark CSV into a pandas DataFrame,
  exit. The reads are run.py's W5: tablekit and mltable
  ``from_delimited_files([{'file': csv}]).take(1000).to_pandas_dataframe()``, pandas
  ``read_csv(csv, nrows=1000, parse_dates=['day'])``, polars
  ``scan_csv(csv, try_parse_dates=True).head(1000).collect().to_pandas()``. The child imports
  them from run.py, and the time that import takes (the child measures it) is taken off.

Rounds are interleaved with the engine order rotated; the table shows medians (median peak RSS
MB). tablekit's modules are byte-compiled first (``compileall``), as an installed package is,
so that no run pays for compiling them. Targets (issue 20): ``import tablekit`` <= 0.15 s, and
tablekit's time to first rows <= 1.2x pandas'. Figures: docs/performance.md.

  .venv/bin/python benchmarks/startup.py                  # 10M-row CSV of generate.py, 5 rounds
  .venv/bin/python benchmarks/startup.py --csv other.csv --engines tablekit,pandas --rounds 9

Only the standard library is imported at the top, so this file runs as the child under both
interpreters.
"""
import sys
import time

ENGINES = ["tablekit", "pandas", "polars", "mltable"]
TASKS = {"import": "import", "first-rows": "first rows (whole process)"}
IMPORT_TARGET_S = 0.15
FIRST_ROWS_TARGET = 1.2  # x pandas'


def child_main(engine: str, task: str, csv: str) -> int:
    """Runs in a fresh process; nothing is imported before the timer but sys and time."""
    t0 = time.perf_counter()
    if task == "import":
        module = __import__(engine)
        out = {"seconds": time.perf_counter() - t0, "file": getattr(module, "__file__", None)}
    else:
        from run import BUILDERS, DEFAULT_ROWS, data_paths  # the W5 reads
        out = {"setup_seconds": time.perf_counter() - t0}
        frame = BUILDERS[engine]({**data_paths(DEFAULT_ROWS), "csv": csv})["W5"]()
        out["shape"] = list(frame.shape)
    import json
    import resource

    out.update(engine=engine, task=task, status="ok",
               peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print("RESULT " + json.dumps(out), flush=True)
    return 0


def measure(engine: str, task: str, csv: str, timeout: float) -> dict:
    from run import run_child

    r = run_child(__file__, engine, [task, csv], {"engine": engine, "task": task}, timeout)
    if r.get("status") == "ok" and task == "first-rows":
        r["seconds"] = r["wall"] - r["setup_seconds"]  # the whole process, less importing run.py
    return r


def summarize(runs: list, engines: list) -> dict:
    import statistics

    summ = {}
    for task in TASKS:
        for e in engines:
            ok = [r for r in runs if r["engine"] == e and r["task"] == task and r.get("status") == "ok"]
            failed = [r for r in runs if r["engine"] == e and r["task"] == task and r.get("status") != "ok"]
            s = {"runs": len(ok) + len(failed), "ok": len(ok)}
            if ok:
                s["median_s"] = statistics.median(r["seconds"] for r in ok)
                s["peak_rss_mb"] = statistics.median(r["peak_rss_mb"] for r in ok)
                s["file"] = ok[-1].get("file")
            elif failed:
                s.update(status=failed[-1].get("status"), error=failed[-1].get("error", ""))
            summ[(task, e)] = s
    return summ


def print_table(summ: dict, engines: list, csv: str, rounds: int) -> None:
    from run import _fmt_s

    print(f"\nMedian seconds over {rounds} fresh processes (median peak RSS MB); first rows of {csv}")
    width = 16
    print(f"{'':<28}" + "".join(f"{e:>{width}}" for e in engines))
    failures = []
    for task, label in TASKS.items():
        line = f"{label:<28}"
        for e in engines:
            s = summ[(task, e)]
            if "median_s" in s:
                cell = f"{_fmt_s(s['median_s'])} ({s['peak_rss_mb']:.0f})" + ("*" if s["ok"] < s["runs"] else "")
            else:
                cell = str(s.get("status", "-")).upper()
                failures.append(f"  {label} {e}: {s.get('error', '')}")
            line += f"{cell:>{width}}"
        print(line)
    tk_import = summ.get(("import", "tablekit"), {})
    if tk_import.get("file"):
        print(f"tablekit imported from {tk_import['file']}")
    print("\nTargets (issue 20):")
    if "median_s" in tk_import:
        met = tk_import["median_s"] <= IMPORT_TARGET_S
        print(f"  import tablekit <= {IMPORT_TARGET_S} s: {tk_import['median_s']:.3f} s"
              f" -- {'met' if met else 'MISSED'}")
    tk, pd = summ.get(("first-rows", "tablekit"), {}), summ.get(("first-rows", "pandas"), {})
    if "median_s" in tk and "median_s" in pd:
        ratio = tk["median_s"] / pd["median_s"]
        print(f"  first rows <= {FIRST_ROWS_TARGET}x pandas': {tk['median_s']:.3f} s / {pd['median_s']:.3f} s = "
              f"{ratio:.2f}x -- {'met' if ratio <= FIRST_ROWS_TARGET else 'MISSED'}")
    if failures:
        print("Failures:\n" + "\n".join(failures))


def main(argv=None) -> int:
    import argparse
    import os
    import subprocess

    from run import DEFAULT_ROWS, REF_PY, REPO, VENV_PY, ensure_data, save_results

    ap = argparse.ArgumentParser(description="import time and time to first rows, fresh processes.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma list of {','.join(ENGINES)}")
    ap.add_argument("--csv", help="the CSV to read the first rows of (default: generate.py's, --rows)")
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="data size when --csv is not given")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    ap.add_argument("--no-save", action="store_true", help="don't write results/startup-<timestamp>.json")
    a = ap.parse_args(argv)

    engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    if [e for e in engines if e not in ENGINES]:
        ap.error(f"unknown engine in {engines}; known: {ENGINES}")
    if "mltable" in engines and not os.path.exists(REF_PY):
        print(f"note: {REF_PY} not found; skipping mltable", file=sys.stderr)
        engines.remove("mltable")
    csv = os.path.abspath(a.csv) if a.csv else ensure_data(a.rows)["csv"]
    subprocess.run([VENV_PY, "-m", "compileall", "-q", os.path.join(REPO, "tablekit")], check=True,
                   stdout=subprocess.DEVNULL)

    runs, t_start = [], time.time()
    for rnd in range(1, a.rounds + 1):
        k = (rnd - 1) % len(engines)
        order = engines[k:] + engines[:k]  # rotate so no engine always runs first
        for task in TASKS:
            for e in order:
                r = {**measure(e, task, csv, a.timeout), "round": rnd}
                runs.append(r)
                msg = (f"{r['seconds']:.3f}s rss={r['peak_rss_mb']:.0f}MB" if r.get("status") == "ok"
                       else f"{str(r.get('status')).upper()} {r.get('error', '')[:160]}")
                print(f"[round {rnd}/{a.rounds}] {task:<10} {e:<8} {msg}", file=sys.stderr, flush=True)

    summ = summarize(runs, engines)
    print_table(summ, engines, csv, a.rounds)
    if not a.no_save:
        save_results("startup-{stamp}", t_start, {
            "csv": csv, "rounds": a.rounds, "engines": engines, "tasks": TASKS,
            "targets": {"import_tablekit_s": IMPORT_TARGET_S, "first_rows_x_pandas": FIRST_ROWS_TARGET},
            "summary": [{"task": t, "engine": e, **s} for (t, e), s in summ.items()], "runs": runs})
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:  # run.py is found beside this file: a script's folder is on sys.path
        sys.exit(child_main(*sys.argv[2:5]))
    sys.exit(main())
