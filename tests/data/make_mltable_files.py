"""Regenerates tests/data/mltable/: one folder per MLTable file the differential cases load.

Run: .venv/bin/python tests/data/make_mltable_files.py   (the output is committed)
Each folder holds an ``MLTable`` file; most point at data elsewhere in tests/data through
relative paths (``../../transform/thirty.csv``), some carry a small data file of their own.
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE / "mltable"

THIRTY = "../../transform/thirty.csv"
READ_THIRTY = f"paths:\n  - file: {THIRTY}\ntransformations:\n  - read_delimited\n"

MLTABLES = {
    # --- reading and paths ----------------------------------------------------------------
    "local_file": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited\n"),
    "parent_path": READ_THIRTY,
    "folder_path": "paths:\n  - folder: ../../transform/parts\ntransformations:\n  - read_delimited\n",
    "pattern_path": "paths:\n  - pattern: ../../transform/parts/p[01].csv\ntransformations:\n  - read_delimited\n",
    "dot_folder": "paths:\n  - folder: .\ntransformations:\n  - read_delimited\n",
    "no_steps": "paths:\n  - file: ./small.csv\n",
    "err_two_reads": f"{READ_THIRTY}  - read_parquet:\n      include_path_column: false\n",
    "with_type": "type: mltable\npaths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited\n",
    "schema_key": "$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\n"
                  "type: mltable\npaths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited\n",
    "delimited_options": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited:\n"
                          "      delimiter: ','\n      header: all_files_same_headers\n      encoding: utf-8\n"
                          "      empty_as_string: true\n      include_path_column: true\n"
                          "      infer_column_types: false\n"),
    "infer_overrides": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited:\n"
                        "      infer_column_types:\n        sample_size: 1\n        column_type_overrides:\n"
                        "          - columns: id\n            column_type: float\n"
                        "          - columns: [flag]\n            column_type:\n              boolean:\n"
                        "                true_values: ['yes']\n                false_values: ['no']\n"
                        "                mismatch_as: error\n"),
    "encoding_latin1_dash": ("paths:\n  - file: ../../csv/enc_latin1.csv\ntransformations:\n  - read_delimited:\n"
                             "      encoding: latin-1\n"),
    "parquet_bare": "paths:\n  - file: ../../parquet/rowgroups.parquet\ntransformations:\n  - read_parquet\n",
    "parquet_path_column": ("paths:\n  - folder: ../../parquet/multi\ntransformations:\n  - read_parquet:\n"
                            "      include_path_column: true\n"),
    "jsonl_drop": ("paths:\n  - file: ../../jsonl/invalid.jsonl\ntransformations:\n  - read_json_lines:\n"
                   "      invalid_lines: drop\n"),
    "path_column_named": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited:\n"
                          "      include_path_column: true\n      path_column: P\n"),
    "path_column_named_not_included": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited:\n"
                                       "      path_column: P\n"),
    "jsonl_bare": "paths:\n  - file: ../../jsonl/basic.jsonl\ntransformations:\n  - read_json_lines\n",
    # --- transformations ------------------------------------------------------------------
    "steps": READ_THIRTY + "  - filter: 'id > 3'\n  - skip: 2\n  - take: 5\n  - keep_columns: [name, id]\n",
    "drop_list": READ_THIRTY + "  - drop_columns: [flag, code, nope]\n",
    "keep_pattern": READ_THIRTY + "  - keep_columns:\n      pattern: '^(id|na)'\n",
    "keep_pattern_search": READ_THIRTY + "  - keep_columns:\n      pattern: 'o'\n",
    "keep_pattern_invert": READ_THIRTY + "  - keep_columns:\n      pattern: 'e'\n      invert: true\n",
    "keep_pattern_ignore_case": READ_THIRTY + "  - keep_columns:\n      pattern: 'ID'\n      ignore_case: true\n",
    "keep_pattern_ignorecase_camel": READ_THIRTY + "  - keep_columns:\n      pattern: 'ID'\n      ignoreCase: true\n",
    "keep_pattern_no_match": READ_THIRTY + "  - keep_columns:\n      pattern: 'zzz'\n",
    "drop_pattern": READ_THIRTY + "  - drop_columns:\n      pattern: '^[a-f]'\n",
    "convert": (READ_THIRTY + "  - convert_column_types:\n      - columns: id\n        column_type: string\n"
                "      - columns: [score, code]\n        column_type: int\n"
                "      - columns: when\n        column_type:\n          datetime:\n            formats: '%Y-%m-%d'\n"),
    "convert_pattern": (READ_THIRTY + "  - convert_column_types:\n      - columns:\n          pattern: '^(id|code)$'\n"
                        "        column_type: float\n"),
    "convert_bool_options": ("paths:\n  - file: ../../transform/bools.csv\ntransformations:\n"
                             "  - read_delimited:\n      infer_column_types: false\n  - convert_column_types:\n"
                             "      - columns: s\n        column_type:\n          boolean:\n"
                             "            true_values: ['yes', 'y']\n            false_values: ['no', 'n']\n"
                             "            mismatch_as: 'false'\n"),
    "take_random_sample": READ_THIRTY + "  - take_random_sample:\n      probability: 0.5\n      seed: 7\n",
    "sample_split": (READ_THIRTY + "  - sample:\n      sampler: random_percent\n      sampler_arguments:\n"
                     "        probability: 1.0\n        probability_lower_bound: 0.5\n        seed: 3\n"),
    # a file cut into blocks of partition_size bytes: mltable's partitions (of a 20 MiB default)
    "partition_size_small": ("paths:\n  - file: ../../transform/thirty.csv\ntransformations:\n"
                             "  - read_delimited:\n      partition_size: 300\n"),
    "blocks_break_before": ("paths:\n  - file: ../../csv/blocks_break_before.csv\ntransformations:\n"
                            "  - read_delimited:\n      partition_size: 300\n"),
    "blocks_break_at": ("paths:\n  - file: ../../csv/blocks_break_at.csv\ntransformations:\n"
                        "  - read_delimited:\n      partition_size: 300\n"),
    "blocks_jsonl": ("paths:\n  - file: ../../jsonl/blocks.jsonl\ntransformations:\n"
                     "  - read_json_lines:\n      partition_size: 200\n"),
    "select_partitions": ("paths:\n  - folder: ../../transform/parts\ntransformations:\n  - read_delimited\n"
                          "  - select_partitions: [2, 0]\n"),
    "take_zero": READ_THIRTY + "  - take: 0\n",
    "traits_metadata": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited\ntraits:\n"
                        "  timestamp_column: when\n  index_columns: [id]\nmetadata:\n  owner: data team\n"
                        "  nested:\n    tags: [a, b]\n    level: 2\n"),
    # --- errors -----------------------------------------------------------------------------
    "err_type": "type: table\npaths:\n  - file: ./small.csv\n",
    "err_unknown_key": "paths:\n  - file: ./small.csv\ncolumns: [a]\n",
    "err_broken_yaml": "paths: [\n",
    "err_no_paths": "transformations:\n  - read_delimited\n",
    "err_two_path_keys": "paths:\n  - file: ./small.csv\n    folder: .\n",
    "err_unknown_path_key": "paths:\n  - files: ./small.csv\n",
    "err_unknown_step": "paths:\n  - file: ./small.csv\ntransformations:\n  - read_csv\n",
    "err_empty": "",
    "err_list": "- a\n- b\n",
    "err_header_enum": ("paths:\n  - file: ./small.csv\ntransformations:\n  - read_delimited:\n"
                        "      header: first_row\n"),
    "err_step_option": "paths:\n  - file: ./small.csv\ntransformations:\n  - read_parquet:\n      delimiter: ','\n",
    "err_take_string": READ_THIRTY + "  - take: lots\n",
    "err_keep_no_pattern": READ_THIRTY + "  - keep_columns: {columns: [id]}\n",
    "err_convert_no_columns": READ_THIRTY + "  - convert_column_types: [{column_type: int}]\n",
    "err_sample_size_zero": ("paths:\n  - file: ../../transform/thirty.csv\ntransformations:\n"
                             "  - read_delimited:\n      infer_column_types: {sample_size: 0}\n"),
    "err_override_no_columns": ("paths:\n  - file: ../../transform/thirty.csv\ntransformations:\n"
                                "  - read_delimited:\n      infer_column_types:\n"
                                "        column_type_overrides: [{column_type: int}]\n"),
    "keep_pattern_extra_key": READ_THIRTY + "  - keep_columns: {pattern: '^i', bogus: 1}\n",
    "err_take_negative": READ_THIRTY + "  - take: -1\n",
    "err_skip_negative": READ_THIRTY + "  - filter: 'id > 3'\n  - skip: -2\n",
    "err_sample_no_seed": READ_THIRTY + "  - take_random_sample:\n      probability: 0.5\n",
    "err_missing_data": "paths:\n  - file: ./missing.csv\ntransformations:\n  - read_delimited\n",
    "err_bad_regex": READ_THIRTY + "  - keep_columns:\n      pattern: '(unclosed'\n",
    "err_paths_not_list": "paths:\n  file: ./small.csv\n",
    "err_traits_type": "paths:\n  - file: ./small.csv\ntraits:\n  index_columns: id\n",
}

SMALL_CSV = "id,name,flag,when\n1,alice,yes,2021-01-02\n2,bob,no,2021-01-03\n3,,yes,\n"
NEEDS_SMALL = {"local_file", "dot_folder", "no_steps", "with_type", "schema_key", "delimited_options",
               "infer_overrides", "traits_metadata", "err_missing_data", "path_column_named",
               "path_column_named_not_included"}


def main() -> None:
    shutil.rmtree(ROOT, ignore_errors=True)
    for name, text in MLTABLES.items():
        folder = ROOT / name
        folder.mkdir(parents=True)
        (folder / "MLTable").write_text(text, encoding="utf-8")
        if name in NEEDS_SMALL and name != "err_missing_data":
            (folder / "small.csv").write_text(SMALL_CSV, encoding="utf-8")
    (ROOT / "no_mltable").mkdir()
    (ROOT / "no_mltable" / "README.txt").write_text("a folder without an MLTable file\n", encoding="utf-8")


if __name__ == "__main__":
    main()
