"""Load the bundled example tables with tablekit (as you would with mltable) and print them."""
from pathlib import Path

import tablekit as mltable

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    sales = mltable.from_delimited_files([{"folder": str(DATA / "sales")}])
    print("== sales (CSV folder) ==")
    print(sales.to_pandas_dataframe())

    big_paid = sales.filter("paid and amount > 10").keep_columns(["order_id", "region", "amount"])
    print("\n== paid orders over 10 ==")
    print(big_paid.to_pandas_dataframe())
    print("\n== the optimized plan ==")
    print(big_paid.explain())

    readings = mltable.from_parquet_files([{"file": str(DATA / "readings.parquet")}])
    print("\n== readings (parquet) ==")
    print(readings.to_pandas_dataframe())

    events = mltable.from_json_lines_files([{"pattern": str(DATA / "events" / "*.jsonl")}])
    print("\n== events (JSON lines) ==")
    print(events.to_pandas_dataframe())


if __name__ == "__main__":
    main()
