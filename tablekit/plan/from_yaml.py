"""Read an MLTable file (YAML) into a plan: the inverse of ``plan.yaml``.

The file is checked against ``mltable_schema.json`` first (mltable does the
same with its own schema), so the parsers below can trust shapes and types.
``STEP_PARSERS`` maps each transformation name to a function building its
plan node from the step's arguments; a bare string step (``- read_parquet``)
is that step with no arguments.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

from tablekit.errors import ErrorCode, UserErrorException, data_error, user_error
from tablekit.plan.nodes import (ColumnPattern, Columns, ConvertColumnTypes, DropColumns, ExtractPartitionFormat,
                                 Filter, InferTypes, KeepColumns, PathEntry, Plan, ReadDelimited, ReadJsonLines,
                                 ReadParquet, Sample, SelectPartitions, Skip, Step, Take, TakeRandomSample)
from tablekit.plan.nodes import ReadDeltaLake
from tablekit.types import DataType

SCHEMA_FILE = Path(__file__).with_name("mltable_schema.json")

# Encoding spellings MLTable files accept, to the names tablekit's readers use.
ENCODINGS = {
    "utf8": "utf8", "utf-8": "utf8", "utf8 bom": "utf8bom", "utf-8 bom": "utf8bom", "utf8bom": "utf8bom",
    "iso88591": "iso88591", "iso-8859-1": "iso88591", "latin1": "latin1", "latin-1": "latin1",
    "ascii": "ascii", "utf16": "utf16", "utf-16": "utf16", "windows1252": "windows1252",
    "windows-1252": "windows1252",
}


def schema_error(detail: str) -> UserErrorException:
    return user_error(f"Given MLTable does not adhere to the AzureML MLTable schema: {detail}")


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema  # only load() needs it (~35 ms): kept out of `import tablekit`

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate(data: Any) -> None:
    """Raise mltable's schema UserError naming where the file is wrong."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is None:
        return
    where = "/".join(str(p) for p in error.absolute_path)
    raise schema_error(error.message + (f" (at '{where}')" if where else ""))


# Limits that keep hostile files cheap: aliases can make a small file stand for a huge tree.
MAX_NODES = 100_000
MAX_DEPTH = 50


def parse_text(text: str, source: str) -> Any:
    import yaml  # only load() needs it (~20 ms): kept out of `import tablekit`

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise user_error(f"MLTable yaml is invalid: {exc} ({source})") from None
    except RecursionError:
        raise user_error(f"MLTable yaml is invalid: it is nested too deeply ({source})") from None
    check_shape(data, source)
    return data


def check_shape(data: Any, source: str) -> None:
    """Refuse alias cycles, alias bombs and absurd nesting before anything walks the tree."""
    sizes: Dict[int, int] = {}  # expanded size of each container already measured (aliases share objects)
    open_containers: set = set()

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_containers:
            raise user_error(f"MLTable yaml is invalid: an alias refers to a node containing itself ({source})")
        if depth > MAX_DEPTH:
            raise user_error(f"MLTable yaml is invalid: it is nested more than {MAX_DEPTH} levels deep ({source})")
        open_containers.add(key)
        total = 1
        for child in (node.values() if isinstance(node, dict) else node):
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise user_error(f"MLTable yaml is invalid: it expands to more than {MAX_NODES} values "
                                 f"(aliases repeated too often?) ({source})")
        open_containers.discard(key)
        sizes[key] = total
        return total

    size(data, 0)


# -- step arguments ----------------------------------------------------------

def _invalid(detail: str):
    """What mltable's engine says of a step its schema lets through but it cannot read."""
    return data_error(ErrorCode.VALIDATION, f"Yaml script is invalid: {detail}")


def _columns(value: Any) -> Columns:
    if isinstance(value, dict):
        if "pattern" not in value:  # other keys are ignored, as in mltable
            raise _invalid(f"a column selector is a name, a list of names or a `pattern`, got {value!r}.")
        try:
            re.compile(value["pattern"])
        except re.error as exc:
            raise data_error(ErrorCode.VALIDATION, f"Yaml script is invalid: the column pattern "
                                                   f"{value['pattern']!r} is not a valid regular expression "
                                                   f"({exc}).") from None
        # mltable only honours the camel-case key; `ignore_case` (its own schema's spelling) is dropped
        return ColumnPattern(value["pattern"], bool(value.get("invert", False)), bool(value.get("ignoreCase", False)))
    return value if isinstance(value, str) else tuple(value)


def _data_type(value: Any) -> DataType:
    if isinstance(value, dict) and "datetime" in value:
        options = value["datetime"]
        return DataType.to_datetime(options["formats"], options.get("date_constant"))
    if isinstance(value, dict) and "stream_info" in value:
        return DataType("stream_info")
    return DataType._from_raw(value)


def _conversions(items: list) -> tuple:
    for item in items:
        for field in ("columns", "column_type"):
            if field not in item:
                raise _invalid(f"each convert_column_types item needs `columns` and `column_type`: missing field "
                               f"`{field}` in {item!r}.")
    return tuple((_columns(item["columns"]), _data_type(item["column_type"])) for item in items)


def _infer(value: Any) -> InferTypes:
    if isinstance(value, bool):
        return InferTypes(enabled=value, as_given=value)
    overrides = _conversions(value.get("column_type_overrides", []))
    if value.get("sample_size", 1) < 1:
        raise data_error(ErrorCode.VALIDATION, f"Invalid argument \"type_overrides.sample_size\": type inference "
                                               f"needs a sample of 1 row or more, got {value['sample_size']}.")
    as_given = {k: v for k, v in value.items() if k == "sample_size"}
    if overrides:
        as_given["column_type_overrides"] = True
    return InferTypes(True, value.get("sample_size", 200), overrides, as_given or True)


def _text_read_options(args: dict) -> dict:
    """A text reader's options with the encoding under the name tablekit's readers use."""
    options = dict(args)
    if "encoding" in options:
        options["encoding"] = ENCODINGS[options["encoding"]]
    return options


def _read_delimited(args: dict) -> ReadDelimited:
    options = _text_read_options(args)
    if "infer_column_types" in options:
        options["infer_column_types"] = _infer(options["infer_column_types"])
    return ReadDelimited(**options)


def _take_random_sample(args: dict) -> TakeRandomSample:
    if "seed" not in args or "probability" not in args:
        missing = "seed" if "seed" not in args else "probability"
        raise data_error(ErrorCode.VALIDATION, f"Yaml script is invalid: take_random_sample is missing field "
                                               f"`{missing}`.")
    return TakeRandomSample(args["probability"], args["seed"])


def _extract_partition_format(args: dict) -> ExtractPartitionFormat:
    # mltable's engine rejects the step without a format when the file is loaded
    if not isinstance(args, dict) or not isinstance(args.get("partition_format"), str):
        raise data_error(ErrorCode.VALIDATION, "Yaml script is invalid: extract_columns_from_partition_format "
                                               "needs a `partition_format` string.")
    ignore_errors, path_column = args.get("ignore_errors", False), args.get("path_column", "Path")
    if not isinstance(ignore_errors, bool) or not isinstance(path_column, str):
        raise data_error(ErrorCode.VALIDATION, "Yaml script is invalid: extract_columns_from_partition_format "
                                               "takes `ignore_errors` true/false and a `path_column` name.")
    return ExtractPartitionFormat(args["partition_format"], ignore_errors, path_column)


def _sample(args: dict) -> Sample:
    arguments = args.get("sampler_arguments", {})
    return Sample(arguments.get("probability", 1.0), arguments.get("probability_lower_bound", 0.0),
                  arguments.get("seed", 0))


STEP_PARSERS: Dict[str, Callable[[Any], Step]] = {
    "read_delimited": _read_delimited,
    "read_parquet": lambda args: ReadParquet(**args),
    "read_json_lines": lambda args: ReadJsonLines(**_text_read_options(args)),
    "read_delta_lake": lambda args: ReadDeltaLake(**args),  # the schema allows only its three options
    "filter": Filter,
    "keep_columns": lambda value: KeepColumns(_columns(value)),
    "drop_columns": lambda value: DropColumns(_columns(value)),
    "take": Take,
    "skip": Skip,
    "take_random_sample": _take_random_sample,
    "sample": _sample,
    "convert_column_types": lambda items: ConvertColumnTypes(_conversions(items)),
    "select_partitions": lambda indices: SelectPartitions(tuple(indices)),
    "extract_columns_from_partition_format": _extract_partition_format,
}


def step_from_yaml(item: Any) -> Step:
    name, args = (item, {}) if isinstance(item, str) else next(iter(item.items()))
    try:
        parser = STEP_PARSERS[name]
    except KeyError:
        raise schema_error(f"tablekit cannot run the transformation '{name}' yet") from None
    return parser(args)


# -- the whole file ------------------------------------------------------------

def plan_from_dict(data: Any, base_dir: str) -> Tuple[Plan, dict, dict]:
    """(plan, traits, metadata) of a validated MLTable dict whose relative paths start at base_dir."""
    validate(data)
    if "query_source" in data:
        raise schema_error("'query_source' (SQL sources) is not supported by tablekit")
    paths = tuple(PathEntry(*next(iter(entry.items()))) for entry in data.get("paths", []))
    steps = tuple(step_from_yaml(item) for item in data.get("transformations", []) or [])
    return Plan(paths, steps, base_dir), dict(data.get("traits") or {}), dict(data.get("metadata") or {})
