"""The MLTable-file (YAML) view of a plan, in mltable's exact layout.

A plan and its YAML dict are two views of one thing: ``plan_to_dict`` writes
what mltable writes (one-element lists as scalars, default options spelled
out), which ``repr`` shows and ``==`` compares.
"""
from __future__ import annotations

from typing import Any, Dict

from tablekit.plan.nodes import (ColumnPattern, ConvertColumnTypes, DropColumns, ExtractPartitionFormat, Filter,
                                 InferTypes, KeepColumns, Plan, ReadDelimited, ReadJsonLines, ReadParquet, Sample,
                                 SelectPartitions, Skip, Take, TakeRandomSample)
from tablekit.plan.nodes import ReadDeltaLake


def _columns(columns) -> Any:
    if isinstance(columns, ColumnPattern):
        return {"ignoreCase": columns.ignore_case, "invert": columns.invert, "pattern": columns.pattern,
                "selector": "name_regex"}
    return columns if isinstance(columns, str) else list(columns)


def _type_args(data_type) -> Any:
    args = data_type._arguments
    if isinstance(args, dict):
        name, options = next(iter(args.items()))
        options = dict(options)
        if isinstance(options.get("formats"), list) and len(options["formats"]) == 1:
            options["formats"] = options["formats"][0]
        return {name: options}
    return args


def _conversions(conversions) -> list:
    return [{"column_type": _type_args(t), "columns": _columns(c)} for c, t in conversions]


def _infer(spec: InferTypes) -> Any:
    if not isinstance(spec.as_given, dict):
        return spec.as_given
    out: Dict[str, Any] = {}
    if spec.overrides:
        out["column_type_overrides"] = _conversions(spec.overrides)
    if "sample_size" in spec.as_given:
        out["sample_size"] = spec.sample_size
    return out


def step_to_dict(step) -> Any:
    if isinstance(step, ReadDelimited):
        return {"read_delimited": {
            "delimiter": step.delimiter, "empty_as_string": step.empty_as_string, "encoding": step.encoding,
            "header": step.header, "include_path_column": step.include_path_column,
            "infer_column_types": _infer(step.infer_column_types), "partition_size": step.partition_size,
            "path_column": step.path_column, "support_multi_line": step.support_multi_line}}
    if isinstance(step, ReadParquet):
        return {"read_parquet": {"include_path_column": step.include_path_column, "path_column": step.path_column}}
    if isinstance(step, ReadDeltaLake):  # mltable leaves out the options that are None
        options = {"include_path_column": step.include_path_column, "timestamp_as_of": step.timestamp_as_of,
                   "version_as_of": step.version_as_of}
        return {"read_delta_lake": {k: v for k, v in options.items() if v is not None}}
    if isinstance(step, ReadJsonLines):
        return {"read_json_lines": {
            "encoding": step.encoding, "include_path_column": step.include_path_column,
            "invalid_lines": step.invalid_lines, "partition_size": step.partition_size,
            "path_column": step.path_column}}
    if isinstance(step, ExtractPartitionFormat):
        return {"extract_columns_from_partition_format": {
            "ignore_errors": step.ignore_errors, "partition_format": step.partition_format,
            "path_column": step.path_column}}
    if isinstance(step, Filter):
        return {"filter": step.expression}
    if isinstance(step, KeepColumns):
        return {"keep_columns": _columns(step.columns)}
    if isinstance(step, DropColumns):
        return {"drop_columns": _columns(step.columns)}
    if isinstance(step, Take):
        return {"take": step.count}
    if isinstance(step, Skip):
        return {"skip": step.count}
    if isinstance(step, TakeRandomSample):
        return {"take_random_sample": {"probability": step.probability, "seed": step.seed}}
    if isinstance(step, Sample):
        return {"sample": {"sampler": "random_percent", "sampler_arguments": {
            "probability": step.probability, "probability_lower_bound": step.lower_bound, "seed": step.seed}}}
    if isinstance(step, ConvertColumnTypes):
        return {"convert_column_types": _conversions(step.conversions)}
    if isinstance(step, SelectPartitions):
        return {"select_partitions": list(step.indices)}
    raise TypeError(f"no YAML form for {step!r}")


def path_to_dict(entry, base_dir: str, absolute: bool) -> Dict[str, str]:
    from tablekit.sources.registry import scheme_of
    from tablekit.sources.local import local_path

    value = entry.value
    if absolute and scheme_of(value) in ("", "file"):
        if scheme_of(base_dir) not in ("", "file"):  # a table loaded from a URL: relative to that URL
            from tablekit.sources.remote import join_url
            return {entry.kind: join_url(base_dir, value)}
        value = "file://" + local_path(value, base_dir)
    return {entry.kind: value}


def plan_to_dict(plan: Plan, traits: dict | None = None, metadata: dict | None = None,
                 absolute_paths: bool = True) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if plan.paths:
        out["paths"] = [path_to_dict(p, plan.base_dir, absolute_paths) for p in plan.paths]
    if plan.steps:
        out["transformations"] = [step_to_dict(s) for s in plan.steps]
    if traits:
        out["traits"] = dict(traits)
    if metadata:
        out["metadata"] = dict(metadata)
    out["type"] = "mltable"
    return out


def dump(data: Dict[str, Any]) -> str:
    import yaml  # only printing and saving a table need it (~20 ms): kept out of `import tablekit`

    # non-ASCII escaped, as mltable writes it (raw, a NEL character would read back as a line break)
    return yaml.safe_dump(data, sort_keys=True, default_flow_style=False, allow_unicode=False)
