#!/usr/bin/env bash
# A tour of the tablekit command on the bundled example tables.
# Run:  bash examples/cli.sh      (with tablekit installed: the `tablekit` command on PATH)
set -euo pipefail
cd "$(dirname "$0")/data"

echo "== the first rows of a CSV folder =="
tablekit show sales -n 3

echo; echo "== its columns and types (only the first rows are read) =="
tablekit schema sales

echo; echo "== what a filtered read will read =="
tablekit explain sales --filter "paid and amount > 10" --columns order_id,amount

echo; echo "== how many paid orders =="
tablekit count sales --filter "paid"

echo; echo "== a repeatable random sample, as CSV =="
tablekit sample 'events/*.jsonl' -p 0.5 --seed 3 -o csv

echo; echo "== a parquet copy with an MLTable file, read back =="
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
tablekit convert readings.parquet "$out/readings" --filter "reading > 0.6"
ls "$out/readings"
tablekit show "$out/readings"

echo; echo "== a mistake: one line on stderr, exit status 1 =="
status=0
tablekit show missing.csv || status=$?
echo "exit status: $status"
