"""Partition columns: each file's values for the extract_columns_from_partition_format
steps that open a plan, computed from its path alone (the file is not opened for them).

The readers add them as constant columns per file, as mltable places them:
after the data columns for parquet and JSON lines, before them (after Path)
for delimited files, where they also go through type inference, and after
Path in a from_paths table.  A file whose values a pushed-down filter rules
out is never opened (``surviving_files``).

Error values.  A path a format does not find, or a date that does not exist,
gives error values (mltable's RegexNotMatched / InvalidDateTimePartValue).
With ignore_errors the file is left out.  Otherwise the values are null and
the file's rows carry a hidden column ``ERRORS`` describing them, because
what happens next depends on what meets them: parquet fails when such a file
is read, a filter fails when it reads such a value, delimited type inference
fails on a partition column with nothing but errors, and the pandas output
shows them as null.
"""
from __future__ import annotations

import json
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import polars as pl

from tablekit.errors import ErrorCode, ExecutionError, MLTableError, data_error
from tablekit.expr import columns_read, compile_filter, parse_filter
from tablekit.expr.runtime import TRANSFORMATION_UNEXPECTED
from tablekit.plan.nodes import ExtractPartitionFormat, Scan
from tablekit.plan.partition_format import INVALID_DATE, NO_MATCH, PathValues, parse_partition_format
from tablekit.sources import SourceFile

ERRORS = "__tablekit_partition_errors"  # hidden: JSON description of the row's partition error values
STREAM_COLUMN = "Path"  # the column of file paths that a partition format opening a plan reads
NO_PATH = "StringOrStreamInfoRequired"  # mltable's error value when path_column names another column
DATETIME = pl.Datetime("us")  # holds every year a path can name; the pandas output makes those beyond ns NaT


def _clash(name: str, partition_format: str):
    return data_error(ErrorCode.VALIDATION,
                      f"Field with name '{name}' already exists in the record: the partition format "
                      f"'{partition_format}' names a column the table already has.")


def _describe(path: str, partition_format: str, reason: str, columns: Iterable[str], **details) -> str:
    """An ERRORS value: why these columns hold error values for the rows of this path."""
    return json.dumps({"path": path, "format": partition_format, "reason": reason, "columns": sorted(columns),
                       **details})


def _explain(description: str) -> str:
    error = json.loads(description)
    if error["reason"] == INVALID_DATE:
        why = f"the date in '{error['path']}' does not exist"
    elif "value" in error:
        why = f"the value {error['value']!r} from '{error['path']}' does not fit the type inferred for it"
    elif error["reason"] == NO_MATCH:
        why = f"'{error['path']}' does not match the partition format '{error['format']}'"
    else:
        why = f"the partition format '{error['format']}' reads a column of paths the files do not have"
    return f"{error['reason']}: {why}, so the partition columns {error['columns']} hold error values"


class FilePartitions:
    """Every file's partition values for a scan's partition formats, in the formats' column order."""

    def __init__(self, steps: Sequence[ExtractPartitionFormat], files: Sequence[SourceFile]):
        formats = [(step, parse_partition_format(step.partition_format)) for step in steps]
        self.columns: List[str] = []
        self.date_columns = set()
        self.format_of: Dict[str, str] = {}  # column -> the format that names it
        for step, found in formats:
            for name in found.columns:
                if name == STREAM_COLUMN or name in self.columns:
                    raise _clash(name, found.text)
                self.columns.append(name)
                self.format_of[name] = found.text
            if found.date_column:
                self.date_columns.add(found.date_column)
        self.paths = [file.display for file in files]
        self.values: List[Dict[str, object]] = []
        self.errors: List[Optional[str]] = []  # per file: ERRORS description, None when its values are fine
        self.dropped = set()                   # files that ignore_errors leaves out
        for index, file in enumerate(files):
            row: Dict[str, object] = {}
            error = None
            for step, found in formats:
                values = found.values(file.display)
                if step.path_column != STREAM_COLUMN:  # the step reads a column the files do not have
                    values = PathValues(dict.fromkeys(found.columns), frozenset(found.columns), NO_PATH)
                row.update(values.values)
                if values.errors and step.ignore_errors:
                    self.dropped.add(index)
                elif values.errors and error is None:
                    error = _describe(file.display, found.text, values.reason, values.errors)
            self.values.append(row)
            self.errors.append(error)

    def dtype(self, name: str) -> pl.DataType:
        return DATETIME if name in self.date_columns else pl.String

    def kept(self, indexes: Iterable[int]) -> List[int]:
        """The files of ``indexes`` that ignore_errors does not leave out."""
        return [i for i in indexes if i not in self.dropped]

    def check_clash(self, names: Iterable[str]) -> None:
        """mltable fails when a partition column has the name of a column the file already has."""
        clashing = [name for name in self.columns if name in set(names)]
        if clashing:
            raise _clash(clashing[0], self.format_of[clashing[0]])

    def literals(self, index: int) -> List[pl.Expr]:
        """File ``index``'s partition columns as constant columns (nulls where they are error values)."""
        return [pl.lit(self.values[index][name], dtype=self.dtype(name)).alias(name) for name in self.columns]

    def error_columns(self, index: int) -> List[pl.Expr]:
        """The hidden ERRORS column for file ``index``'s rows when its partition values hold errors."""
        return [] if self.errors[index] is None else [pl.lit(self.errors[index], dtype=pl.String).alias(ERRORS)]

    def frame(self, indexes: Sequence[int], with_errors: bool = False) -> pl.DataFrame:
        """One row per file of ``indexes``: its partition columns (and ERRORS when asked and some file has errors)."""
        data = {name: pl.Series(name, [self.values[i][name] for i in indexes], dtype=self.dtype(name))
                for name in self.columns}
        if with_errors and any(self.errors[i] is not None for i in indexes):
            data[ERRORS] = pl.Series(ERRORS, [self.errors[i] for i in indexes], dtype=pl.String)
        return pl.DataFrame(data)

    def convert(self, indexes: Sequence[int], cast: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
        """The files' partition values cast to the rows' types (delimited inference); a value the
        type cannot hold becomes an error value, as in mltable (the output shows it as null)."""
        values = self.frame(indexes)
        typed = cast(values)
        for name in self.columns:
            if name in self.date_columns:
                continue
            lost = values.get_column(name).is_not_null() & typed.get_column(name).is_null()
            for position in lost.arg_true():
                index = indexes[position]
                if self.errors[index] is None:
                    self.errors[index] = _describe(self.paths[index], self.format_of[name], "ValueCastError",
                                                   [name], value=self.values[index][name])
        return typed

    def constants(self, index: int, with_errors: bool) -> Tuple[Tuple[str, object, pl.DataType], ...]:
        """File ``index``'s partition columns as (name, value, type), with ERRORS when asked."""
        values = tuple((name, self.values[index][name], self.dtype(name)) for name in self.columns)
        return values + (((ERRORS, self.errors[index], pl.String),) if with_errors else ())

    def check_sample(self, sample_files: Sequence[int]) -> None:
        """Delimited type inference fails on a partition column whose sample holds nothing but errors."""
        if not sample_files:
            return
        for name in self.columns:
            described = [self.errors[i] for i in sample_files]
            if all(d is not None and name in json.loads(d)["columns"] for d in described):
                raise data_error(ErrorCode.VALIDATION,
                                 f"Invalid argument \"type\". Expected \"(double|long|string|datetime)\", Actual "
                                 f"\"Error\": type inference found only error values in partition column "
                                 f"'{name}' ({_explain(described[0])}).")


def check_read(frame: pl.DataFrame) -> None:
    """mltable's parquet reader fails on the rows of a file whose partition values are errors."""
    if ERRORS not in frame.columns:
        return
    described = frame.get_column(ERRORS).drop_nulls()
    if described.len():
        raise data_error(ErrorCode.VALIDATION,
                         f"Encountered ErrorValue ({_explain(described[0])}) in the data. An MLTable file can "
                         "leave such files out with `ignore_errors: true` in its "
                         "extract_columns_from_partition_format step.")


# -- pruning files by the scan's file filter ---------------------------------------------

def surviving_files(scan: Scan, partitions: FilePartitions, indexes: Sequence[int],
                    frame: Optional[pl.DataFrame] = None) -> List[int]:
    """The files of ``indexes`` where the scan's file filter is True (see optimizer.prune_partition_files).

    ``frame`` holds their partition values typed as the rows will have them
    (delimited files infer the types); strings and datetimes by default.  A file
    with error values is always kept (what the rows do with them decides), and
    so is every file when the filter fails on the values: the rows then fail
    the same way.
    """
    indexes = list(indexes)
    if scan.file_filter is None or not indexes:
        return indexes
    frame = partitions.frame(indexes) if frame is None else frame
    schema = {name: dtype for name, dtype in frame.schema.items() if name != ERRORS}
    try:
        predicate = compile_filter(parse_filter(scan.file_filter), schema)
        passes = frame.select(predicate.fill_null(False).alias("passes")).get_column("passes")
    except (MLTableError, pl.exceptions.PolarsError):
        return list(indexes)
    kept = [index for index, keep in zip(indexes, passes) if keep or partitions.errors[index] is not None]
    # one file is read even when none passes: its columns are the table's (a filter leaving no rows
    # keeps them, and later steps such as keep_columns check names against them)
    return kept or [indexes[0]]


# -- error values meeting a filter --------------------------------------------------------

def check_filter(frame: pl.DataFrame, expression: str) -> None:
    """mltable fails when a filter reads a partition column's error value (rows of ``frame``)."""
    if ERRORS not in frame.columns:
        return
    descriptions = frame.get_column(ERRORS).drop_nulls().unique(maintain_order=True)
    if descriptions.len() == 0:
        return
    read = columns_read(expression)
    if read is None:
        return  # the filter itself reports its syntax error
    for description in descriptions:
        if read & set(json.loads(description)["columns"]):
            raise ExecutionError(f"Error processing data: the filter reads an error value ({_explain(description)}).",
                                 TRANSFORMATION_UNEXPECTED)


# -- the step after a read (MLTable files only) --------------------------------------------

def extract_after_read(frame: pl.DataFrame, step: ExtractPartitionFormat, hidden: Sequence[str]) -> pl.DataFrame:
    """An extract_columns_from_partition_format step that an MLTable file puts after its read step.

    The values come from the rows' ``path_column`` (null without one, as in
    mltable) and are added after the other columns.
    """
    found = parse_partition_format(step.partition_format)
    for name in found.columns:
        if name in frame.columns and name not in hidden:
            raise _clash(name, found.text)
    dtypes = {name: DATETIME if name == found.date_column else pl.String for name in found.columns}
    if step.path_column not in frame.columns:
        return frame.with_columns([pl.lit(None, dtype=dtypes[name]).alias(name) for name in found.columns])
    paths = frame.get_column(step.path_column).cast(pl.String)
    by_path = {path: found.values(path) for path in paths.unique().drop_nulls()}
    columns = [paths.replace_strict({p: v.values[name] for p, v in by_path.items()}, default=None,
                                    return_dtype=dtypes[name]).alias(name) for name in found.columns]
    failed = {p for p, v in by_path.items() if v.errors}
    frame = frame.with_columns(columns)
    if not failed:
        return frame
    if step.ignore_errors:
        return frame.filter(~paths.is_in(list(failed)))
    described = {p: _describe(p, found.text, by_path[p].reason, by_path[p].errors) for p in failed}
    errors = pl.lit(paths.replace_strict(described, default=None, return_dtype=pl.String))
    if ERRORS in frame.columns:  # a row's first error is the one reported
        errors = pl.coalesce(pl.col(ERRORS), errors)
    return frame.with_columns(errors.alias(ERRORS))
