"""Stream a table in Arrow batches instead of loading it: totals per region over a CSV that
could be bigger than memory, and a parquet copy written batch by batch.

Run:  python examples/streaming.py
"""
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import tablekit as mltable

REGIONS = np.array(["north", "south", "east", "west"])


def write_orders(path: Path, rows: int) -> None:
    """A CSV of ``rows`` orders (stands in for a file too big to load)."""
    rng = np.random.default_rng(7)
    ids = np.arange(rows)
    regions = REGIONS[rng.integers(0, len(REGIONS), rows)]
    amounts = np.round(rng.gamma(2.0, 30.0, rows), 2)
    paid = np.where(rng.random(rows) < 0.8, "true", "false")
    with open(path, "w") as out:
        out.write("order_id,region,amount,paid\n")
        out.writelines(f"{i},{r},{a},{p}\n" for i, r, a, p in zip(ids, regions, amounts, paid))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "orders.csv"
        write_orders(csv, 300_000)
        orders = mltable.from_delimited_files([{"file": str(csv)}])
        paid = orders.filter("paid and amount > 10").keep_columns(["region", "amount"])

        print("== columns and types, before reading the rows ==")
        print(paid.schema())
        print("\n== the plan ==")
        print(paid.explain())

        # totals per region, one batch at a time: memory holds a batch, not the table
        totals = {}
        reader = paid.to_batches(batch_size=50_000)
        batches = 0
        for batch in reader:
            batches += 1
            grouped = pa.Table.from_batches([batch]).group_by("region").aggregate([("amount", "sum")])
            for region, amount in zip(grouped["region"].to_pylist(), grouped["amount_sum"].to_pylist()):
                totals[region] = totals.get(region, 0.0) + amount
        print(f"\n== totals per region, from {batches} batches ==")
        for region in sorted(totals):
            print(f"{region:<6} {totals[region]:>14,.2f}")

        # the same numbers from the whole table in pandas
        whole = paid.to_pandas_dataframe().groupby("region")["amount"].sum()
        same = all(abs(whole[region] - totals[region]) < 1e-6 * whole[region] for region in totals)
        print(f"same as to_pandas_dataframe(): {same}")

        # a parquet copy written batch by batch (tablekit convert does this from the shell)
        copy = Path(folder) / "paid.parquet"
        reader = paid.to_batches()
        with pq.ParquetWriter(copy, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        written = pq.read_table(copy)
        print(f"\nwrote {written.num_rows:,} rows to {copy.name}; "
              f"amount over 100 in {pc.sum(pc.greater(written['amount'], 100)).as_py():,} of them")


if __name__ == "__main__":
    main()
