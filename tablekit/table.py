"""MLTable: an immutable, lazily evaluated table description.

Every method returns a new MLTable holding a longer plan; nothing is read
until a ``to_*`` method (or ``show``) materializes it.  Argument errors are
raised at call time, data errors at materialization, as in mltable.

The engine and the outputs (polars, pyarrow, pandas) are imported inside the
methods that run them, so that ``import tablekit`` stays light: describing a
table needs none of them (tests/test_startup.py).
"""
from __future__ import annotations

import numbers
import os
import random
import re
from dataclasses import replace
from typing import Any, Dict, List, Optional, Tuple

from tablekit.errors import ErrorCode, UserErrorException, data_error, user_error
from tablekit.optimizer import optimize
from tablekit.outputs import DEFAULT_BATCH_ROWS
from tablekit.outputs.mltable_file import MLTABLE_FILE, save_mltable
from tablekit.plan.explain import explain
from tablekit.plan import yaml as plan_yaml
from tablekit.plan.from_yaml import parse_text, plan_from_dict
from tablekit.plan.nodes import (ConvertColumnTypes, DropColumns, ExtractPartitionFormat, Filter, InferTypes,
                                 KeepColumns, PathEntry, Plan, ReadDelimited, ReadJsonLines, ReadParquet, Sample,
                                 SelectPartitions, Skip, Take, TakeRandomSample)
from tablekit.plan.partition_format import file_level_filters, mltable_partition_keys
from tablekit.progress import SILENT, Progress
from tablekit.sources.credentials import StorageOptions, redact
from tablekit.sources.local import local_path
from tablekit.sources.registry import scheme_of, source_for
from tablekit.plan.nodes import ReadDeltaLake
from tablekit.types import MLTableFileEncoding, MLTableHeaders, column_type_mappings

PATH_KINDS = ("file", "folder", "pattern")
# After these steps mltable hands rows through its own value model (rslex values):
# parquet columns come back as int64/float64/datetime64[ns] instead of their Arrow types.
RSLEX_VALUE_STEPS = (Take, Skip, Filter, TakeRandomSample, Sample, ConvertColumnTypes)


def _schema_error(detail: str) -> UserErrorException:
    return user_error(f"Given MLTable does not adhere to the AzureML MLTable schema: {detail}")


def parse_paths(paths: Any) -> Tuple[PathEntry, ...]:
    # mltable fails here with AttributeError / TypeError; same classes, clearer words.
    if not isinstance(paths, (list, tuple)):
        raise AttributeError(f"`paths` must be a list of dictionaries like [{{'file': ...}}], "
                             f"[{{'folder': ...}}] or [{{'pattern': ...}}], not a {type(paths).__name__}")
    entries = []
    for item in paths:
        if not isinstance(item, dict):
            raise AttributeError(f"path entry {item!r} must be a dictionary like {{'file': ...}}")
        for value in item.values():
            if not isinstance(value, str):
                raise TypeError(f"path entry {item!r}: values must be strings, got {type(value).__name__}")
        unknown = set(item) - set(PATH_KINDS)
        kinds = [k for k in PATH_KINDS if k in item]
        if unknown or len(kinds) != 1:
            raise _schema_error(f"path entry {item!r} must have exactly one of the keys 'file', 'folder' or "
                                "'pattern' and no other key")
        value = item[kinds[0]]
        if not value:
            raise _schema_error(f"path entry {item!r} must name a non-empty string")
        entries.append(PathEntry(kinds[0], value))
    return tuple(entries)


class Traits:
    """timestamp_column and index_columns of a table."""

    def __init__(self, values: Optional[Dict[str, Any]] = None):
        self._values: Dict[str, Any] = dict(values or {})

    @property
    def timestamp_column(self) -> str:
        if "timestamp_column" not in self._values:
            raise user_error("Timestamp column does not appear to be set. Please make sure you have set it.")
        return self._values["timestamp_column"]

    @timestamp_column.setter
    def timestamp_column(self, column_name: str) -> None:
        if not isinstance(column_name, str):
            raise user_error(f"An object of type string is expected, but encountered type: {type(column_name)}")
        self._values["timestamp_column"] = column_name

    @property
    def index_columns(self) -> List[str]:
        if "index_columns" not in self._values:
            raise user_error("Index columns do not appear to be set. Please make sure you have set them.")
        return self._values["index_columns"]

    @index_columns.setter
    def index_columns(self, columns: List[str]) -> None:
        if not isinstance(columns, list):
            raise user_error(f"An object of type list is expected, but encountered type: {type(columns)}")
        self._values["index_columns"] = columns

    def columns(self) -> set:
        found = set(self._values.get("index_columns") or [])
        if self._values.get("timestamp_column"):
            found.add(self._values["timestamp_column"])
        return found


class Metadata:
    """Free-form key/value metadata of a table."""

    def __init__(self, values: Optional[Dict[str, Any]] = None):
        self._values: Dict[str, Any] = dict(values or {})

    def _check(self, key: Any) -> None:
        if not isinstance(key, str):
            raise user_error(f"Metadata only supports string property names, but encountered {type(key)}.")

    def has(self, key: str) -> bool:
        self._check(key)
        return key in self._values

    def get(self, key: str) -> Any:
        self._check(key)
        return self._values.get(key)

    def add(self, key: str, value: Any) -> None:
        self._check(key)
        self._values[key] = value


class MLTable:
    """A table described by paths and steps; see the module docstring."""

    def __init__(self, plan: Optional[Plan] = None, traits: Optional[Dict] = None,
                 metadata: Optional[Dict] = None):
        self._plan = plan if plan is not None else Plan(())
        self.traits = Traits(traits)
        self.metadata = Metadata(metadata)

    # -- building ----------------------------------------------------------
    def _with(self, step) -> "MLTable":
        return self._with_plan(self._plan.add(step))

    def _with_plan(self, plan: Plan) -> "MLTable":
        return MLTable(plan, self.traits._values, self.metadata._values)

    def filter(self, expression: str) -> "MLTable":
        if not isinstance(expression, str):
            raise user_error("The filter expression must be a string")
        return self._with(Filter(expression))

    @staticmethod
    def _column_names(columns: Any):
        if isinstance(columns, str):
            return columns
        if not (isinstance(columns, (list, tuple, set)) and all(isinstance(c, str) for c in columns)):
            raise user_error("Expect column names to be a string, a list of strings, a tuple of strings, "
                             "or a set of strings")
        seen, duplicated = set(), set()
        for c in columns:
            (duplicated if c in seen else seen).add(c)
        if duplicated:
            raise user_error(f"Found duplicate columns in given column names: {duplicated}")
        return tuple(columns)

    def drop_columns(self, columns) -> "MLTable":
        columns = self._column_names(columns)
        names = {columns} if isinstance(columns, str) else set(columns)
        if self.traits.columns() & names:
            raise user_error("Columns in traits must be kept and cannot be dropped")
        return self._with(DropColumns(columns))

    def keep_columns(self, columns) -> "MLTable":
        columns = self._column_names(columns)
        names = {columns} if isinstance(columns, str) else set(columns)
        if self.traits.columns() - names:
            raise user_error("Columns in traits must be kept and cannot be dropped")
        return self._with(KeepColumns(columns))

    def take(self, count: int = 20) -> "MLTable":
        # like mltable, True passes here (bool is an int) and is refused at materialization
        if not (isinstance(count, int) and count > 0):
            raise user_error("Number of rows must be a positive integer")
        return self._with(Take(count))

    def skip(self, count: int) -> "MLTable":
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise user_error("Count must be an integer > 0.")
        return self._with(Skip(count))

    def show(self, count: int = 20):
        return self.take(count).to_pandas_dataframe()

    @staticmethod
    def _seed(seed: Optional[int]) -> int:
        if seed is None:
            return random.randint(1, 1000)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise user_error("A random seed must be an integer")
        return seed

    def take_random_sample(self, probability: float, seed: Optional[int] = None) -> "MLTable":
        if not (isinstance(probability, float) and 0 < probability < 1):
            raise user_error("Probability should an float greater than 0 and less than 1")
        return self._with(TakeRandomSample(probability, self._seed(seed)))

    def random_split(self, percent: float = 0.5, seed: Optional[int] = None) -> Tuple["MLTable", "MLTable"]:
        if not (isinstance(percent, float) and 0 < percent < 1):
            raise user_error("Percent should be a float greater than 0 and less than 1")
        seed = self._seed(seed)
        return self._with(Sample(percent, 0.0, seed)), self._with(Sample(1.0, percent, seed))

    def convert_column_types(self, column_types: Dict) -> "MLTable":
        return self._with(ConvertColumnTypes(column_type_mappings(column_types)))

    def select_partitions(self, partition_index_list) -> "MLTable":
        if isinstance(partition_index_list, int) and not isinstance(partition_index_list, bool):
            partition_index_list = [partition_index_list]
        elif not (isinstance(partition_index_list, list) and partition_index_list
                  and all(isinstance(i, int) for i in partition_index_list)):
            raise user_error("Columns should be a int or list of int with at least one element")
        return self._with(SelectPartitions(tuple(partition_index_list)))

    def extract_columns_from_partition_format(self, partition_format: str) -> "MLTable":
        """Columns read from each file's path, e.g. ``'/year={year}/{day:yyyy/MM/dd}/'``
        (the format is documented in tablekit/plan/partition_format.py).

        Like mltable, the step goes first, before the read step, whenever it is added."""
        if not isinstance(partition_format, str):  # mltable's engine refuses it right away
            raise data_error(ErrorCode.VALIDATION, f"Yaml script is invalid: partition_format must be a string, "
                                                   f"got {type(partition_format).__name__} {partition_format!r}.")
        return self._with_plan(self._plan.add_first(ExtractPartitionFormat(partition_format)))

    # -- describing --------------------------------------------------------
    @property
    def paths(self) -> List[Dict[str, str]]:
        return [{p.kind: p.value} for p in self._plan.paths]

    @property
    def partition_keys(self) -> List[str]:
        """The columns of the first partition-format step that names any ([] without one)."""
        for step in self._plan.steps:
            if isinstance(step, ExtractPartitionFormat):
                keys = mltable_partition_keys(step.partition_format)
                if keys:
                    return keys
        return []

    def _to_yaml_dict(self) -> Dict[str, Any]:
        return plan_yaml.plan_to_dict(self._plan, self.traits._values, self.metadata._values)

    def __repr__(self) -> str:
        return redact(plan_yaml.dump(self._to_yaml_dict()))  # a SAS token in a path's URL is not for showing

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MLTable):
            return False
        mine, theirs = self._to_yaml_dict(), other._to_yaml_dict()
        return all(mine.get(k) == theirs.get(k) for k in ("transformations", "metadata", "traits")) \
            and self.paths == other.paths

    __hash__ = None  # mutable traits/metadata, like mltable

    def save(self, path=None, overwrite=True, colocated=False, show_progress=False, if_err_remove_files=True):
        """Write this table as an MLTable folder (see outputs/mltable_file.py); returns this table.

        The write is staged and the MLTable file replaced atomically, so a
        failure never leaves a half-written MLTable (if_err_remove_files is
        therefore always honoured).
        """
        with Progress(show_progress, description="saving") as progress:
            save_mltable(self._plan, self._to_yaml_dict(), path, overwrite=overwrite, colocated=colocated,
                         progress=progress)
            progress.finish()
        return self

    def explain(self) -> str:
        """The optimized plan the engine will run, as text."""
        from tablekit.engine.describe import describe_reads
        return redact(explain(self._plan, describe_reads(optimize(self._plan))))

    # -- materializing -----------------------------------------------------
    def _execute(self, progress: Progress = SILENT):
        from tablekit.engine.execute import execute
        return execute(optimize(self._plan), progress)

    def _rslex_values(self) -> bool:
        moved = file_level_filters(self._plan)  # filters mltable applies to its file list, not the rows
        return any(isinstance(s, RSLEX_VALUE_STEPS) and i not in moved for i, s in enumerate(self._plan.steps))

    def to_pandas_dataframe(self, show_progress: Optional[bool] = None):
        """The rows as mltable's DataFrame.  ``show_progress``: see tablekit.progress."""
        from tablekit.engine.execute import execute_into
        from tablekit.outputs.pandas import to_pandas
        from tablekit.outputs.streams import with_stream_values
        rslex_values = self._rslex_values()
        with Progress(show_progress) as progress:
            def convert(result):
                progress.stage("to pandas")
                return to_pandas(result, rslex_values)

            df = execute_into(optimize(self._plan), convert, progress)
            progress.finish(len(df))
        return with_stream_values(df) if self._plan.read is None else df

    def to_arrow(self, show_progress: Optional[bool] = None):
        from tablekit.outputs.arrow import to_arrow
        with Progress(show_progress) as progress:
            table = to_arrow(self._execute(progress))
            progress.finish(table.num_rows)
        return table

    def to_polars(self, show_progress: Optional[bool] = None):
        from tablekit.outputs.polars import to_polars
        with Progress(show_progress) as progress:
            frame = to_polars(self._execute(progress))
            progress.finish(frame.height)
        return frame

    def to_batches(self, batch_size: int = DEFAULT_BATCH_ROWS, show_progress: Optional[bool] = None):
        """The rows as a pyarrow RecordBatchReader of at most ``batch_size`` rows a batch.

        Rows are read as the batches are consumed: memory holds a block of a
        text file or a parquet row group, not the table (see engine/stream.py).
        The content is to_arrow()'s.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise user_error("batch_size must be a positive integer")
        from tablekit.engine.stream import open_stream
        from tablekit.outputs.batches import to_batches
        return to_batches(open_stream(optimize(self._plan), Progress(show_progress)), batch_size)

    def schema(self):
        """The columns and Arrow types the table will have, as a pyarrow Schema.

        Reads only what decides them: the type inference sample of delimited
        files, parquet footers, the first block of each JSON-lines file.
        """
        from tablekit.engine.stream import plan_schema
        from tablekit.outputs.batches import arrow_schema
        return arrow_schema(plan_schema(optimize(self._plan)))

    def head(self, n: int = 5):
        """The first ``n`` rows as a DataFrame; only those are read (the take is pushed into the scan)."""
        return self.take(n).to_pandas_dataframe()

    def to_dask_dataframe(self):
        """A Dask DataFrame with one partition per partition of the table (parquet row group,
        delimited or JSON-lines file, block of a large delimited file), each read by the tablekit
        engine on the Dask workers with the optimizer's filters and column selection pushed in
        (see docs/dask.md).

        ``compute()`` gives to_pandas_dataframe()'s rows, columns, dtypes and row order; the
        index restarts at 0 in every partition.  Needs the ``dask`` extra.
        """
        from tablekit.outputs.dask import to_dask_dataframe
        return to_dask_dataframe(self._plan, self._rslex_values())

    def get_partition_count(self) -> int:
        from tablekit.engine.partitions import partition_count
        return partition_count(self._plan)

    def validate(self) -> None:
        try:
            rows = len(self.take(1).to_pandas_dataframe())
        except Exception as exc:
            raise RuntimeError("MLTable validation failed: its data could not be loaded") from exc
        if rows != 1:
            raise RuntimeError("MLTable validation failed: it loaded no rows")


# -- constructors ------------------------------------------------------------

def load(uri, storage_options: Optional[dict] = None, ml_client=None, *, trusted: bool = False) -> MLTable:
    """The table an MLTable file describes: ``uri`` is its folder or the file itself.

    Relative paths in the file resolve against the file's folder; ``.paths``
    keeps them as written.  An MLTable from storage or the workspace catalog
    reads only its own storage, with credentials for it alone, unless
    ``trusted`` (see tablekit/sources/trust.py).
    """
    if not isinstance(uri, str):
        raise user_error(f"The uri should be a string path to a folder containing an MLTable file, not "
                         f"{type(uri).__name__}")
    given, origin = uri, None  # origin: the storage of a table from elsewhere
    if uri[:8].lower() == "azureml:":  # a datastore path or data asset: found through the workspace catalog
        from tablekit.catalog.resolve import mltable_folder
        uri, storage_options, origin = mltable_folder(uri, ml_client, storage_options)
    options = StorageOptions(storage_options)
    if scheme_of(uri) in ("", "file"):
        folder, text = read_mltable_file(uri)
    else:  # a URL (wasbs://, abfss://, https://): relative paths in the file stay relative to its folder URL
        folder, text = read_remote_mltable_file(uri, options)
        origin = origin or folder
    plan, traits, metadata = plan_from_dict(parse_text(text, uri), folder)
    plan = replace(plan, storage_options=options)
    if origin is not None and not trusted:
        from tablekit.sources.trust import confine
        plan = confine(plan, origin, given)
    return MLTable(plan, traits, metadata)


def read_remote_mltable_file(uri: str, options: StorageOptions) -> Tuple[str, str]:
    """(the MLTable's folder URL, the file's text) for a folder or MLTable file URL."""
    folder = uri.rstrip("/")
    if folder.endswith("/" + MLTABLE_FILE):
        folder = folder[:-len(MLTABLE_FILE) - 1]
    try:
        data = source_for(folder, options).read_bytes(f"{folder}/{MLTABLE_FILE}")
    except UserErrorException as exc:
        if exc.error_code != ErrorCode.NOT_FOUND:
            raise
        raise user_error(f"Not able to find MLTable file from the MLTable folder '{uri}'") from None
    return folder, _mltable_text(data, f"{folder}/{MLTABLE_FILE}")


def read_mltable_file(uri: str) -> Tuple[str, str]:
    """(the MLTable's folder, the file's text) for a folder or MLTable file path."""
    path = local_path(uri, os.getcwd())
    candidates = [os.path.join(path, MLTABLE_FILE), path] if not path.endswith(MLTABLE_FILE) else [path]
    for candidate in candidates:
        if os.path.isfile(candidate):
            with open(candidate, "rb") as f:
                return os.path.dirname(candidate), _mltable_text(f.read(), candidate)
    raise user_error(f"Not able to find MLTable file from the MLTable folder '{uri}'")


def _mltable_text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise user_error(f"MLTable yaml is invalid: {where} is not UTF-8 text") from None


def from_paths(paths, storage_options: Optional[dict] = None) -> MLTable:
    """``storage_options``: credentials of remote paths (see tablekit/sources/credentials.py)."""
    return MLTable(Plan(parse_paths(paths), (), os.getcwd(), StorageOptions(storage_options)))


def _infer_spec(infer_column_types: Any) -> InferTypes:
    if not isinstance(infer_column_types, (bool, dict)):
        raise user_error("`infer_column_types` must be a bool or a dictionary.")
    if isinstance(infer_column_types, bool):
        return InferTypes(enabled=infer_column_types, as_given=infer_column_types)
    if not infer_column_types:
        return InferTypes(as_given=True)
    if set(infer_column_types) - {"sample_size", "column_type_overrides"}:
        raise user_error("If `infer_column_types` is a dictionary, may only contain keys `sample_size` and "
                         "`column_type_overrides`.")
    sample_size = infer_column_types.get("sample_size", 200)
    if "sample_size" in infer_column_types and not (
            isinstance(sample_size, int) and not isinstance(sample_size, bool) and sample_size > 0):
        raise user_error("If `infer_column_types` is a dictionary with a `sample_size` key, its value must be a "
                         "positive integer.")
    overrides = ()
    if "column_type_overrides" in infer_column_types:
        if not isinstance(infer_column_types["column_type_overrides"], dict):
            raise user_error("If `infer_column_types` is a dictionary with a `column_type_overrides` key, its "
                             "value must be a dictionary of strings to `mltable.DataType`s or strings.")
        overrides = column_type_mappings(infer_column_types["column_type_overrides"], allow_stream=False)
    return InferTypes(True, sample_size, overrides, dict(infer_column_types))


def from_delimited_files(paths, header="all_files_same_headers", delimiter=",", support_multi_line=False,
                         empty_as_string=False, encoding="utf8", include_path_column=False,
                         infer_column_types=True, storage_options=None) -> MLTable:
    spec = _infer_spec(infer_column_types)
    read = ReadDelimited(delimiter=delimiter, header=MLTableHeaders._parse(header).name,
                         support_multi_line=support_multi_line, empty_as_string=empty_as_string,
                         encoding=MLTableFileEncoding._parse(encoding).name,
                         include_path_column=include_path_column, infer_column_types=spec)
    return from_paths(paths, storage_options)._with(read)


def from_parquet_files(paths, include_path_column=False, storage_options=None) -> MLTable:
    return from_paths(paths, storage_options)._with(ReadParquet(include_path_column=include_path_column))


def from_json_lines_files(paths, invalid_lines="error", encoding="utf8", include_path_column=False,
                          storage_options=None) -> MLTable:
    if invalid_lines not in ("error", "drop"):
        raise user_error("Invalid value for invalid_lines, the supported values are ['error', 'drop']")
    return from_paths(paths, storage_options)._with(ReadJsonLines(invalid_lines=invalid_lines,
                                                 encoding=MLTableFileEncoding._parse(encoding).name,
                                                 include_path_column=include_path_column))


# mltable's own check of timestamp_as_of (the offset is optional here: its absence fails when read)
RFC_3339 = re.compile(r'^((?:(\d{4}-(0[1-9]|1[0-2])-([0-3]\d))T(\d{2}:\d{2}:\d{2}(?:\.\d+)?))(Z|[\+-]\d{2}:\d{2})?)$')


def _step_option(name: str, value, expected: str):
    """mltable's engine refuses a read_delta_lake option of the wrong type when the step is added."""
    return data_error(ErrorCode.VALIDATION, f"Yaml script is invalid: read_delta_lake's {name} must be {expected}, "
                                            f"got {type(value).__name__} {value!r}.")


def from_delta_lake(delta_table_uri, timestamp_as_of=None, version_as_of=None, include_path_column=False) -> MLTable:
    """A Delta Lake table: its latest version, ``version_as_of`` or the version at ``timestamp_as_of``
    (RFC 3339, e.g. ``'2022-10-01T00:00:00Z'``).  See tablekit/engine/delta.py for how it is read."""
    if timestamp_as_of and version_as_of:
        raise user_error("Both timestamp_as_of and version_as_of parameters were provided, but only one of "
                         "version_as_of or timestamp_as_of can be specified.")
    if timestamp_as_of:
        if not isinstance(timestamp_as_of, str):
            raise TypeError(f"timestamp_as_of must be a string like '2022-10-01T00:00:00Z', "
                            f"not {type(timestamp_as_of).__name__}")
        if RFC_3339.match(timestamp_as_of) is None:
            raise user_error(f'Provided timestamp_as_of: {timestamp_as_of} is not in RFC-3339/ISO-8601 format. '
                             'Please make sure that it adheres to RFC-3339/ISO-8601 format. For example: '
                             '"2022-10-01T00:00:00Z", "2022-10-01T22:10:57+02:00", '
                             '"2022-10-01T16:32:11.8+00:00" are correctly formatted.')
    table = from_paths([{"folder": delta_table_uri}])
    if version_as_of is not None:
        if not isinstance(version_as_of, numbers.Integral) or isinstance(version_as_of, bool) \
                or not -2**63 <= version_as_of < 2**63:
            raise _step_option("version_as_of", version_as_of, "an integer")
        version_as_of = int(version_as_of)
    if timestamp_as_of is not None and not isinstance(timestamp_as_of, str):
        raise _step_option("timestamp_as_of", timestamp_as_of, "a string")
    if not isinstance(include_path_column, bool):
        raise _step_option("include_path_column", include_path_column, "a boolean")
    from tablekit.engine.delta import deltalake_module
    deltalake_module()  # a missing deltalake package is reported now, not when the table is read
    return table._with(ReadDeltaLake(version_as_of, timestamp_as_of, include_path_column))
