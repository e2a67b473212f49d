"""Read a table on a Dask cluster: one Dask partition per file (CSV, JSON lines) or
row group (parquet), each read by tablekit on the workers.

Needs the dask extra: pip install 'tablekit[dask]'.  Starts a local cluster of
two worker processes; point distributed.Client at your scheduler instead to
use a real cluster (the workers must see the same files and have tablekit).
"""
from pathlib import Path

import distributed

import tablekit as mltable

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster):
        sales = mltable.from_delimited_files([{"folder": str(DATA / "sales")}])
        paid = sales.filter("paid").keep_columns(["order_id", "region", "amount"])

        frame = paid.to_dask_dataframe()  # nothing is read yet, except the header and first rows
        print(f"== paid orders: {frame.npartitions} Dask partitions (one per CSV file) ==")
        print(frame.compute())

        print("\n== amount per region, computed on the workers ==")
        print(frame.groupby("region")["amount"].sum().compute().sort_index())

        same = frame.compute().reset_index(drop=True).equals(paid.to_pandas_dataframe())
        print(f"\nsame rows, columns and dtypes as to_pandas_dataframe(): {same}")


if __name__ == "__main__":
    main()
