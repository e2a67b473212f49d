"""Differential cases: argument values of the wrong type or beyond int64, which mltable refuses
when the call is made (its step's YAML does not parse): UserErrorException, Validation."""
from __future__ import annotations

from tests.differential.cases import Case

CSV = "[{'file': 'transform/thirty.csv'}]"
T = f"mltable.from_delimited_files({CSV})"
INVALID = "Yaml script is invalid"

CASES = {
    "delimiter_int": Case(f"mltable.from_delimited_files({CSV}, delimiter=1)", phrase=INVALID),
    "delimiter_tuple": Case(f"mltable.from_delimited_files({CSV}, delimiter=(',',))", phrase=INVALID),
    "delimiter_none": Case(f"mltable.from_delimited_files({CSV}, delimiter=None)", phrase=INVALID),
    "support_multi_line_int": Case(f"mltable.from_delimited_files({CSV}, support_multi_line=1)", phrase=INVALID),
    "support_multi_line_array": Case(f"mltable.from_delimited_files({CSV}, support_multi_line=np.array([True]))",
                                     phrase=INVALID),
    "parquet_path_column_flag_str": Case("mltable.from_parquet_files([{'file': 'parquet/multi/part-0.parquet'}], "
                                         "include_path_column='yes')", phrase=INVALID),
    "take_beyond_int64": Case(f"{T}.take(10 ** 20)", phrase=INVALID),
    "take_2_63": Case(f"{T}.take(2 ** 63)", phrase=INVALID),
    "take_int64_max": Case(f"{T}.take(2 ** 63 - 1).to_pandas_dataframe()"),
    "skip_beyond_int64": Case(f"{T}.skip(2 ** 63)", phrase=INVALID),
    "skip_int64_max": Case(f"{T}.skip(2 ** 63 - 1).to_pandas_dataframe()"),
    "seed_negative": Case(f"{T}.take_random_sample(0.5, seed=-1)", phrase=INVALID),
    "seed_beyond_int64": Case(f"{T}.take_random_sample(0.5, seed=2 ** 63)", phrase=INVALID),
    "seed_int64_max": Case(f"{T}.take_random_sample(0.5, seed=2 ** 63 - 1).to_pandas_dataframe().columns.tolist()",
                           note="accepted; which rows a seed draws is tablekit's own (docs/migration-from-mltable.md)"),
    "path_with_surrogate": Case("mltable.from_delimited_files([{'file': 'transform/a\\udcff.csv'}])", phrase=INVALID),
}
