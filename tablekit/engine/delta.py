"""Delta Lake tables, read the way mltable (rslex) reads them.

A table version is a list of parquet files; ``deltalake`` replays the log to
find them (with each file's statistics), and the parquet reader does the rest.
What mltable makes of that list, and tablekit repeats:

* the files are read in order of their full path (not in log order), with
  the columns of the files themselves: the union of their columns in
  first-seen order.  The Delta schema is not used, so partition columns
  (stored in folder names, not in the files) are **not** columns, and a column
  added by a metadata-only commit appears only once a file holds it;
* partitions are the files' row groups, as for parquet;
* ``timestamp_as_of`` picks a version by the times recorded in the commit
  files: a version's time is the latest ``add.modificationTime`` or
  ``remove.deletionTimestamp`` among its actions (``commitInfo.timestamp`` is
  ignored); versions are walked in order and the one before the first version
  newer than the timestamp is read (version 0 if even that one is newer);
* a version without files, a missing version and a folder without a Delta log
  are errors at materialization, with mltable's classes and codes.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple
from urllib.parse import unquote, urlparse

import polars as pl

from tablekit.engine import file_statistics
from tablekit.errors import ErrorCode, ExecutionError, UserErrorException, data_error, user_error
from tablekit.expr import parse_filter
from tablekit.plan.nodes import PathEntry, ReadDeltaLake
from tablekit.sources import SourceFile, source_for
from tablekit.sources.local import local_path, not_found, wrong_kind

DELTA_LOG = "_delta_log"
COMMIT_FILE = re.compile(r"(\d{20})\.json")
CHECKPOINT_FILE = re.compile(r"(\d{20})\.checkpoint(\.\d+\.\d+)?(\.[^.]+)?\.parquet")
# Reader features whose files cannot be read as plain parquet (renamed columns, deleted rows)
UNSUPPORTED_FEATURES = ("columnMapping", "deletionVectors")


def deltalake_installed() -> bool:
    return importlib.util.find_spec("deltalake") is not None


def deltalake_module():
    if not deltalake_installed():
        raise user_error("Reading Delta Lake tables needs the deltalake package: "
                         "pip install 'tablekit[delta]' (or pip install deltalake)")
    return importlib.import_module("deltalake")


@dataclass(frozen=True)
class DeltaVersion:
    """One version of a table: its data files in mltable's order, and what the log says of them."""

    root: str
    version: int
    files: Tuple[SourceFile, ...]           # sorted by path, as mltable reads them
    columns: Tuple[str, ...]                # the columns files may hold: the schema's, less partition columns
    statistics: Optional[pl.DataFrame]      # one row per file, same order: num_records, min.c, max.c, null_count.c

    # a version is the sequence of its files, for code that only needs them
    def __iter__(self):
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


# -- the table's folder -------------------------------------------------------------

def table_root(paths: Tuple[PathEntry, ...], base_dir: str) -> str:
    """The local folder of the table (from_delta_lake makes one ``folder`` path entry)."""
    entry = paths[0]
    source_for(entry.value)  # an unknown scheme fails here, like any other path
    root = local_path(entry.value, base_dir)
    if os.path.isfile(root):
        raise wrong_kind(entry.value, "is not a directory (os error 20); a Delta table is a folder")
    if not os.path.isdir(root) or not _holds_a_file(root):
        raise not_found("folder", entry.value)  # mltable: an empty folder is not found either
    if not _log_files(root):
        nested = _nested_log(root)
        hint = f" A Delta table was found below it, in {nested!r}: give that folder." if nested else ""
        raise data_error(ErrorCode.UNEXPECTED,
                         f"Unable to find any delta table metadata. Please check that input directory is a valid "
                         f"delta table directory containing _delta_log folder: {root} has none.{hint}")
    return root


def _holds_a_file(folder: str) -> bool:
    return any(files for _, _, files in os.walk(folder))


def _nested_log(root: str) -> Optional[str]:
    for folder, subfolders, _ in os.walk(root):
        if DELTA_LOG in subfolders and _log_files(folder):
            return folder
    return None


def _log_files(root: str) -> List[str]:
    try:
        return os.listdir(os.path.join(root, DELTA_LOG))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _log_versions(root: str) -> Tuple[List[int], int]:
    """(versions that have a JSON commit file, sorted; the latest version, checkpoints included)."""
    commits, latest = [], -1
    for name in _log_files(root):
        commit = COMMIT_FILE.fullmatch(name)
        checkpoint = CHECKPOINT_FILE.fullmatch(name)
        if commit:
            commits.append(int(commit.group(1)))
        if commit or checkpoint:
            latest = max(latest, int((commit or checkpoint).group(1)))
    return sorted(commits), latest


# -- which version --------------------------------------------------------------------

def _invalid_version(version) -> Exception:
    return data_error(ErrorCode.UNEXPECTED, f"Error when opening delta table using version={version}: "
                                            f"Invalid table version: {version}.")


def resolve_version(read: ReadDeltaLake, root: str) -> int:
    if read.version_as_of is not None and read.timestamp_as_of is not None:
        raise data_error(ErrorCode.UNEXPECTED, "Only one of version or timestamp can be specified but not both: "
                                               "give version_as_of or timestamp_as_of.")
    commits, latest = _log_versions(root)
    if read.version_as_of is not None:
        if not 0 <= read.version_as_of <= latest:
            raise _invalid_version(read.version_as_of)
        return read.version_as_of
    if read.timestamp_as_of is not None:
        return version_at(root, commits, timestamp_millis(read.timestamp_as_of)) if commits else latest
    return latest


def version_at(root: str, commits: List[int], millis: int) -> int:
    """The version mltable reads at ``millis``: the one before the first newer version (the
    first version if every version is newer)."""
    chosen = commits[0]
    for version in commits:
        committed = commit_time(os.path.join(root, DELTA_LOG, f"{version:020d}.json"))
        if committed is not None and committed > millis:
            break
        chosen = version
    return chosen


def commit_time(commit_file: str) -> Optional[int]:
    """A commit's time as mltable sees it: its latest add/remove time (None when it has neither)."""
    latest = None
    for action in _actions(commit_file):
        if "add" in action:
            when = (action["add"] or {}).get("modificationTime")
        elif "remove" in action:
            when = (action["remove"] or {}).get("deletionTimestamp")
        else:
            continue
        if isinstance(when, int) and (latest is None or when > latest):
            latest = when
    return latest


def _actions(commit_file: str) -> Iterator[dict]:
    with open(commit_file, "rb") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# -- RFC 3339 timestamps, as rslex parses them ----------------------------------------------

_TEMPLATE = "0000-00-00T00:00:00"  # 0: a digit; T also accepts 't' and ' '
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?")
_OFFSET = re.compile(r"[Zz]|([+-])(\d{2}):(\d{2})")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def timestamp_millis(text: str) -> int:
    """Milliseconds since the epoch of an RFC 3339 time; mltable's errors for anything else."""
    try:
        return _parse_rfc3339(text)
    except ValueError as exc:
        raise ExecutionError(f"Error when opening delta table using timestamp={text}: Invalid datetime string: "
                             f"{exc}. timestamp_as_of must look like 2022-10-01T00:00:00Z or "
                             f"2022-10-01T00:00:00+02:00.", ErrorCode.UNEXPECTED) from None


def _is_prefix(text: str, template: str) -> bool:
    return len(text) < len(template) and all(
        (c.isdigit() if t == "0" else c in "Tt " if t == "T" else c == t) for c, t in zip(text, template))


def _parse_rfc3339(text: str) -> int:
    main = _DATE_TIME.match(text)
    if main is None:
        raise ValueError("premature end of input" if _is_prefix(text, _TEMPLATE) else "invalid characters")
    rest = text[main.end():]
    offset = _OFFSET.match(rest)
    if offset is None:
        raise ValueError("premature end of input" if _is_prefix(rest, "+00:00") or rest in ("", "+", "-")
                         else "invalid characters")
    if rest[offset.end():]:
        raise ValueError("trailing input")
    year, month, day, hour, minute, second = (int(g) for g in main.groups()[:6])
    fraction = main.group(7) or ""
    sign, offset_hours, offset_minutes = offset.groups()
    offset_hours, offset_minutes = int(offset_hours or 0), int(offset_minutes or 0)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month_days = _MONTH_DAYS[month - 1] + (1 if month == 2 and leap else 0) if 1 <= month <= 12 else 0
    if not (1 <= day <= month_days and hour <= 23 and minute <= 59 and second <= 60
            and offset_hours <= 23 and offset_minutes <= 59):
        raise ValueError("input is out of range")
    offset = (offset_hours * 60 + offset_minutes) * (-1 if sign == "-" else 1)
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset * 60
    return seconds * 1000 + int(fraction[:3].ljust(3, "0"))  # a leap second (60) counts as the next one


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year, 0 included)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


# -- the version's files --------------------------------------------------------------------

def open_version(read: ReadDeltaLake, paths: Tuple[PathEntry, ...], base_dir: str) -> DeltaVersion:
    """The files of the version the read step names, with their statistics."""
    deltalake = deltalake_module()
    root = table_root(paths, base_dir)
    version = resolve_version(read, root)
    try:
        table = deltalake.DeltaTable(root, version=version)
    except deltalake.exceptions.DeltaError as exc:
        raise data_error(ErrorCode.UNEXPECTED, f"Delta table {root} (version {version}) cannot be read: {exc}") \
            from None
    unsupported = sorted(set(table.protocol().reader_features or ()) & set(UNSUPPORTED_FEATURES))
    if unsupported:
        raise data_error(ErrorCode.UNEXPECTED, f"Delta table {root} uses the reader features {unsupported}, which "
                                               "tablekit (like mltable) cannot read.")
    actions = pl.DataFrame(table.get_add_actions(flatten=True))
    if actions.height == 0:
        raise data_error(ErrorCode.UNEXPECTED, f"Unable to find any parquet files for the given delta table "
                                               f"version: version {version} of {root} has no data files.")
    actions = actions.with_columns(pl.col("path").map_elements(lambda p: _file_path(root, p), return_dtype=pl.String)
                                   ).sort("path")
    source = source_for(root)
    files = []
    for path, size in actions.select("path", "size_bytes").iter_rows():
        if not os.path.isfile(path):
            raise not_found("file", path, f" (listed in version {version} of the Delta table {root})")
        files.append(SourceFile(path, path, size, source))
    partition_columns = set(table.metadata().partition_columns)
    columns = tuple(field.name for field in table.schema().fields if field.name not in partition_columns)
    return DeltaVersion(root, version, tuple(files), columns, actions)


def _file_path(root: str, log_path: str) -> str:
    """The local path of a file named in the log (URL-encoded, relative to the table or absolute)."""
    if log_path.startswith("file:"):
        return os.path.normpath(unquote(urlparse(log_path).path))
    path = unquote(log_path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(root, path))


# -- skipping files ---------------------------------------------------------------------

def files_to_read(table: DeltaVersion, predicate: Optional[str]) -> List[bool]:
    """For each file, whether it may hold a row that ``predicate`` keeps (see engine/file_statistics.py).

    At least one file is read, so that a filter keeping nothing still gives the table's columns
    to the steps after it."""
    keep = [True] * len(table.files)
    if predicate is None or table.statistics is None:
        return keep
    try:
        expression = parse_filter(predicate)
    except UserErrorException:
        return keep  # the filter reports its error when it runs
    keep = file_statistics.files_to_read(expression, table.statistics)
    if not any(keep):
        keep[0] = True
    return keep
