"""Differential cases: MLTable files — load(), the YAML they hold, save() and round trips.

The loaded folders are tests/data/mltable/<name>/ (tests/data/make_mltable_files.py).
save() cases write into a fresh folder under tests/data (so relative paths do not depend
on where the repository lives) and remove it afterwards; they return what was written.
"""
from __future__ import annotations

from tests.differential.cases import Case
from tests.data.make_mltable_files import MLTABLES


def _load(name: str, tail: str = ".to_pandas_dataframe()") -> str:
    return f"mltable.load('mltable/{name}'){tail}"


def _save(build: str, save_args: str = "", after: str = "saved_text()") -> str:
    """Build a table, save it into a scratch folder, return `after` (evaluated inside the scratch folder)."""
    return f"""
import os, shutil, tempfile
dest = tempfile.mkdtemp(prefix='.save-', dir=DATA)
def saved_text():
    with open(os.path.join(dest, 'MLTable')) as f:
        return f.read().replace(dest, '<DEST>')
def saved_files():
    return sorted(os.path.relpath(os.path.join(r, f), dest) for r, _, fs in os.walk(dest) for f in fs)
try:
    table = {build}
    table.save(dest{save_args})
    result = {after}
finally:
    shutil.rmtree(dest, ignore_errors=True)
"""


_ERRORS = {
    "err_type": "'mltable' was expected",
    "err_unknown_key": "does not adhere to the AzureML MLTable schema",
    "err_broken_yaml": "MLTable yaml is invalid",
    "err_no_paths": "does not adhere to the AzureML MLTable schema",
    "err_two_path_keys": "does not adhere to the AzureML MLTable schema",
    "err_unknown_path_key": "does not adhere to the AzureML MLTable schema",
    "err_unknown_step": "does not adhere to the AzureML MLTable schema",
    "err_empty": "does not adhere to the AzureML MLTable schema",
    "err_list": "does not adhere to the AzureML MLTable schema",
    "err_header_enum": "does not adhere to the AzureML MLTable schema",
    "err_step_option": "does not adhere to the AzureML MLTable schema",
    "err_take_string": "does not adhere to the AzureML MLTable schema",
    "err_keep_no_pattern": "Yaml script is invalid",
    "err_convert_no_columns": "Yaml script is invalid",
    "err_sample_size_zero": "sample_size",
    "err_override_no_columns": "does not adhere to the AzureML MLTable schema",
    "err_take_negative": "Yaml script is invalid",
    "err_skip_negative": "Yaml script is invalid",
    "err_paths_not_list": "does not adhere to the AzureML MLTable schema",
    "err_traits_type": "does not adhere to the AzureML MLTable schema",
    "err_sample_no_seed": "seed",
    "err_missing_data": "The requested stream was not found",
    "err_two_reads": "Required filed does not exist in the record",
    "err_bad_regex": None,
}

_RANDOM = ("take_random_sample", "sample_split")  # tablekit draws other rows (same properties)
THIRTY = "mltable.from_delimited_files([{'file': 'transform/thirty.csv'}])"

CASES = {
    # --- every MLTable folder, loaded and read ------------------------------------------------
    **{f"load_{name}": Case(_load(name), phrase=_ERRORS.get(name), compare_values=name not in _RANDOM)
       for name in MLTABLES if name not in ("err_sample_no_seed",)},
    "load_err_sample_no_seed": Case(_load("err_sample_no_seed", ""), phrase="seed",
                                    note="a take_random_sample without seed fails at load (rslex parses the step)"),
    "load_keep_pattern_ignore_case_repr": Case(_load("keep_pattern_ignore_case", ".__repr__()"),
                                               note="`ignore_case` (the schema's spelling) is dropped: "
                                                    "ignoreCase: false"),
    # --- partitions of a file cut into blocks (partition_size) -------------------------------------
    "blocks_count": Case(_load("partition_size_small", ".get_partition_count()"),
                         note="a 1 KiB file in blocks of 300 bytes: 4 partitions"),
    "blocks_select": Case(_load("partition_size_small", ".select_partitions([1]).to_pandas_dataframe()"),
                          note="the block's rows: from the first line break at or after its start"),
    "blocks_select_several": Case(_load("partition_size_small", ".select_partitions([3, 1]).to_pandas_dataframe()")),
    "blocks_select_after_filter": Case(_load("partition_size_small",
                                             ".filter('id > 10').select_partitions([1]).to_pandas_dataframe()"),
                                       note="partitions are numbered by the source, whatever a filter keeps"),
    "blocks_select_after_keep": Case(_load("partition_size_small",
                                           ".keep_columns(['id', 'name']).select_partitions([2]).to_pandas_dataframe()")),
    "blocks_select_past_end": Case(_load("partition_size_small", ".select_partitions([4]).to_pandas_dataframe()"),
                                   phrase='Expected "< 4"'),
    "blocks_select_after_take": Case(_load("partition_size_small",
                                           ".take(12).select_partitions([1]).to_pandas_dataframe()"),
                                     note="after a take only the partitions its rows come from are left"),
    "blocks_rows_break_before": Case(
        "table = mltable.load('mltable/blocks_break_before')\n"
        "result = [len(table.select_partitions([i]).to_pandas_dataframe()) for i in range(table.get_partition_count())]",
        note="a record starting right at a block's nominal end is still the block's; the last block is empty"),
    "blocks_rows_break_at": Case(
        "table = mltable.load('mltable/blocks_break_at')\n"
        "result = [len(table.select_partitions([i]).to_pandas_dataframe()) for i in range(table.get_partition_count())]"),
    "blocks_jsonl_count": Case(_load("blocks_jsonl", ".get_partition_count()")),
    "blocks_jsonl_select": Case(_load("blocks_jsonl", ".select_partitions([1]).to_pandas_dataframe()"),
                                note="a JSON-lines block is typed on its own, as mltable types a partition"),
    "blocks_jsonl_select_first": Case(_load("blocks_jsonl", ".select_partitions([0]).to_pandas_dataframe()")),
    "blocks_jsonl_select_past_end": Case(_load("blocks_jsonl", ".select_partitions([3]).to_pandas_dataframe()"),
                                         phrase='Expected "< 3"'),
    # --- what a loaded table shows ------------------------------------------------------------
    "repr_parent_path": Case(_load("parent_path", ".__repr__()"), note="paths made absolute file:// URIs"),
    "repr_steps": Case(_load("steps", ".__repr__()")),
    "repr_keep_pattern": Case(_load("keep_pattern", ".__repr__()"), note="pattern normalized: selector name_regex"),
    "repr_convert": Case(_load("convert", ".__repr__()")),
    "repr_delimited_options": Case(_load("delimited_options", ".__repr__()")),
    "repr_infer_overrides": Case(_load("infer_overrides", ".__repr__()")),
    "repr_encoding_latin1_dash": Case(_load("encoding_latin1_dash", ".__repr__()")),
    "repr_traits_metadata": Case(_load("traits_metadata", ".__repr__()")),
    "repr_jsonl_bare": Case(_load("jsonl_bare", ".__repr__()")),
    "repr_sample_split": Case(_load("sample_split", ".__repr__()")),
    "paths_parent": Case(_load("parent_path", ".paths"), note=".paths keeps the paths as written"),
    "paths_pattern": Case(_load("pattern_path", ".paths")),
    "traits_read": Case("t = mltable.load('mltable/traits_metadata')\n"
                        "result = [t.traits.timestamp_column, t.traits.index_columns, t.metadata.get('owner'), "
                        "t.metadata.get('nested'), t.metadata.has('owner'), t.metadata.has('nope')]"),
    "traits_protect_drop": Case(_load("traits_metadata", ".drop_columns('when')"),
                                phrase="Columns in traits must be kept"),
    "eq_same_folder": Case("mltable.load('mltable/steps') == mltable.load('mltable/steps')"),
    "eq_vs_built": Case(f"mltable.load('mltable/parent_path') == {THIRTY}",
                        note="different paths as written: not equal"),
    "load_file_itself": Case(_load("steps/MLTable"), note="mltable fails: a deviation (see deviations.py)"),
    "err_no_mltable": Case("mltable.load('mltable/no_mltable')",
                           phrase="Not able to find MLTable file from the MLTable folder"),
    "err_missing_folder": Case("mltable.load('mltable/does_not_exist')",
                               phrase="Not able to find MLTable file from the MLTable folder"),
    "loaded_then_steps": Case(_load("parent_path", ".filter('id < 10').take_random_sample(0.5, seed=1)"
                                                   ".to_pandas_dataframe()"), compare_values=False),
    "loaded_then_take": Case(_load("steps", ".take(2).to_pandas_dataframe()")),
    "partition_count_loaded": Case(_load("folder_path", ".get_partition_count()")),
    # --- save ----------------------------------------------------------------------------------
    "save_text": Case(_save(f"{THIRTY}.take(3)"), note="paths relative to the destination"),
    "save_steps_text": Case(_save(f"{THIRTY}.filter('id > 2').keep_columns(['id', 'name']).skip(1)"
                                  ".convert_column_types({'id': mltable.DataType.to_string()})")),
    "save_traits_metadata": Case(_save("mltable.load('mltable/traits_metadata')")),
    "save_loaded_relative": Case(_save("mltable.load('mltable/pattern_path')"),
                                 note="paths re-relativized from the new folder"),
    "save_folder_and_pattern": Case(_save("mltable.from_delimited_files([{'folder': 'transform/parts'}, "
                                          "{'pattern': 'transform/parts/p[12].csv'}])")),
    "save_from_paths": Case(_save("mltable.from_paths([{'file': 'transform/thirty.csv'}])")),
    "save_parquet": Case(_save("mltable.from_parquet_files([{'file': 'parquet/rowgroups.parquet'}]).take(4)")),
    "save_returns_table": Case(_save(f"{THIRTY}.take(2)", after="table.to_pandas_dataframe()")),
    "save_round_trip": Case(_save(f"{THIRTY}.filter('id >= 25').drop_columns('code')",
                                  after="mltable.load(dest).to_pandas_dataframe()")),
    "save_round_trip_jsonl": Case(_save("mltable.from_json_lines_files([{'file': 'jsonl/basic.jsonl'}])",
                                        after="mltable.load(dest).to_pandas_dataframe()")),
    "save_round_trip_paths": Case(_save(f"{THIRTY}", after="mltable.load(dest).paths")),
    "save_colocated_files": Case(_save("mltable.from_delimited_files([{'file': 'transform/thirty.csv'}, "
                                       "{'folder': 'transform/parts'}])", ", colocated=True",
                                       after="[saved_files(), saved_text()]"),
                                 note="data copied under the destination keeping its relative layout"),
    "save_colocated_round_trip": Case(_save("mltable.from_delimited_files([{'folder': 'transform/parts'}])",
                                            ", colocated=True", after="mltable.load(dest).to_pandas_dataframe()")),
    "save_colocated_loaded_parent": Case(_save("mltable.load('mltable/parent_path')", ", colocated=True",
                                               after="[saved_files(), saved_text()]"),
                                         note="a '..' path keeps its layout below the first folder not shared"),
    "save_overwrite_false": Case(_save(f"{THIRTY}", after="table.save(dest, overwrite=False)"),
                                 phrase="Destination already exists or is not empty"),
    "save_overwrite_true_again": Case(_save(f"{THIRTY}", after="[table.take(1).save(dest) is not None, "
                                                              "saved_text()]")),
    "save_onto_file": Case(_save(f"{THIRTY}", after="table.save(os.path.join(dest, 'MLTable'))"),
                           phrase="Destination already exists or is not empty"),
    "save_overwrite_false_new_folder": Case(_save(f"{THIRTY}", after="[table.save(os.path.join(dest, 'new'), "
                                                                     "overwrite=False) is not None, "
                                                                     "sorted(os.listdir(dest))]")),
}
