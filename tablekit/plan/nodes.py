"""Plan nodes: small immutable values, one per MLTable transformation step.

A table is ``Plan(paths, steps)``: where the data is, then the ordered steps
of its MLTable file (the first one usually a read_* step).  Equality and
printing come from the dataclasses; the YAML form lives in ``plan.yaml``.
The optimizer adds ``Scan`` (a read with what was pushed into it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional, Tuple, Union

from tablekit.plan.validate import check_step, check_text
from tablekit.types import DataType

@dataclass(frozen=True)
class ColumnPattern:
    """Columns chosen by a regular expression searched in their names (MLTable files only).

    ignore_case mirrors the YAML key ``ignoreCase``; mltable drops the
    documented ``ignore_case`` spelling, so the loader does too.
    """

    pattern: str
    invert: bool = False
    ignore_case: bool = False

    def matches(self, name: str) -> bool:
        flags = re.IGNORECASE if self.ignore_case else 0
        return (re.search(self.pattern, name, flags) is not None) != self.invert


# one name, or several, as the user gave them, or a pattern
Columns = Union[str, Tuple[str, ...], ColumnPattern]


def column_tuple(columns: Columns) -> Tuple[str, ...]:
    """The names a column selection lists (a pattern lists none: see select_columns)."""
    if isinstance(columns, ColumnPattern):
        raise TypeError("a column pattern has no fixed names; use select_columns")
    return (columns,) if isinstance(columns, str) else tuple(columns)


def select_columns(columns: Columns, available) -> list:
    """The available names a selection picks, in table order."""
    if isinstance(columns, ColumnPattern):
        return [name for name in available if columns.matches(name)]
    wanted = set(column_tuple(columns))
    return [name for name in available if name in wanted]


@dataclass(frozen=True)
class PathEntry:
    """One entry of the ``paths`` list: kind is file, folder or pattern."""

    kind: str
    value: str


# -- reads -------------------------------------------------------------------

@dataclass(frozen=True)
class InferTypes:
    """``infer_column_types`` of read_delimited: on/off, sample size and overrides."""

    enabled: bool = True
    sample_size: int = 200
    overrides: Tuple[Tuple[Columns, DataType], ...] = ()
    as_given: object = True  # the argument as the user wrote it, for YAML


@dataclass(frozen=True)
class ReadDelimited:
    delimiter: str = ","
    header: str = "all_files_same_headers"
    support_multi_line: bool = False
    empty_as_string: bool = False
    encoding: str = "utf8"
    include_path_column: bool = False
    infer_column_types: InferTypes = field(default_factory=InferTypes)
    partition_size: int = 20 * 1024 * 1024
    path_column: str = "Path"


@dataclass(frozen=True)
class ReadParquet:
    include_path_column: bool = False
    path_column: str = "Path"


@dataclass(frozen=True)
class ReadJsonLines:
    invalid_lines: str = "error"
    encoding: str = "utf8"
    include_path_column: bool = False
    partition_size: int = 20 * 1024 * 1024
    path_column: str = "Path"


@dataclass(frozen=True)
class ListFiles:
    """The read of a from_paths table: the files themselves, one ``Path`` column.

    Not an MLTable step (a from_paths file has no read step); only scans hold it.
    """


@dataclass(frozen=True)
class ReadDeltaLake:
    """read_delta_lake: one version of the Delta table in the plan's folder (the latest when
    neither version_as_of nor timestamp_as_of is given; giving both fails when read, as in mltable)."""

    version_as_of: Optional[int] = None
    timestamp_as_of: Optional[str] = None  # RFC 3339, parsed when the table is read
    include_path_column: bool = False
    path_column: str = "Path"  # not in the YAML: mltable always names it Path


Read = Union[ReadDelimited, ReadParquet, ReadJsonLines, ReadDeltaLake]
READ_STEPS = (ReadDelimited, ReadParquet, ReadJsonLines, ReadDeltaLake)


@dataclass(frozen=True)
class ExtractPartitionFormat:
    """Columns read out of each file's path (see plan/partition_format.py).

    mltable puts this step first, before the read step, whenever it is added,
    so every row of a file carries its file's values.  ignore_errors (MLTable
    files only) drops the files whose path does not match instead of failing.
    """

    partition_format: str
    ignore_errors: bool = False
    path_column: str = "Path"


# -- transformations ---------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    expression: str


@dataclass(frozen=True)
class KeepColumns:
    columns: Columns


@dataclass(frozen=True)
class DropColumns:
    columns: Columns


@dataclass(frozen=True)
class Take:
    count: int


@dataclass(frozen=True)
class Skip:
    count: int


@dataclass(frozen=True)
class TakeRandomSample:
    probability: float
    seed: int


@dataclass(frozen=True)
class Sample:
    """random_split's step: keep rows whose draw u has lower_bound <= u < probability."""

    probability: float
    lower_bound: float
    seed: int


@dataclass(frozen=True)
class ConvertColumnTypes:
    conversions: Tuple[Tuple[Columns, DataType], ...]


@dataclass(frozen=True)
class SelectPartitions:
    indices: Tuple[int, ...]


Step = Union[Read, ExtractPartitionFormat, Filter, KeepColumns, DropColumns, Take, Skip, TakeRandomSample,
             Sample, ConvertColumnTypes, SelectPartitions]

# steps that keep every row, in order: a row-dependent step after them sees the scan's rows
ROW_PRESERVING = (KeepColumns, DropColumns, ConvertColumnTypes)


def first_row_step(steps: Tuple[Step, ...]) -> Optional[int]:
    """The position of the first step that is not ROW_PRESERVING (None if every step is)."""
    return next((position for position, step in enumerate(steps) if not isinstance(step, ROW_PRESERVING)), None)


@dataclass(frozen=True)
class Plan:
    paths: Tuple[PathEntry, ...]
    steps: Tuple[Step, ...] = ()
    base_dir: str = "."  # what relative paths are relative to
    # credentials of remote paths (a sources.credentials.StorageOptions): never shown, saved or compared
    storage_options: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        for entry in self.paths:
            check_text(entry.value, f"the {entry.kind} path")
        for step in self.steps:
            check_step(step)

    def add(self, step: Step) -> "Plan":
        return replace(self, steps=self.steps + (step,))

    def add_first(self, step: Step) -> "Plan":
        return replace(self, steps=(step,) + self.steps)

    @property
    def partition_formats(self) -> Tuple[ExtractPartitionFormat, ...]:
        """The extract_columns_from_partition_format steps that open the plan (they read paths, not rows)."""
        leading = []
        for step in self.steps:
            if not isinstance(step, ExtractPartitionFormat):
                break
            leading.append(step)
        return tuple(leading)

    @property
    def read(self) -> Optional[Read]:
        """The read step: the first step after the leading partition-format steps, if it is a read."""
        rest = self.steps[len(self.partition_formats):]
        return rest[0] if rest and isinstance(rest[0], READ_STEPS) else None


# -- what the optimizer pushes into a read -------------------------------------

@dataclass(frozen=True)
class Scan:
    """A read step with the work the optimizer moved into it.

    columns: read only these (None: all); predicate: filter expression applied
    while reading; limit: stop after this many rows (counted before any step
    that follows the scan); partitions: only these partitions; tag_partitions:
    whether rows carry their partition index; partition_formats: the leading
    extract_columns_from_partition_format steps (columns read from each
    file's path); file_filter: the part of the predicate that reads only those
    columns: files where it is not True are never opened, while the predicate
    itself still applies to every row.  block_partitions: a select_partitions
    that stays after a take or skip needs the blocks of large delimited files
    (mltable's partitions), not just the files, in the rows' tags.  offset: the first rows the
    scan gives that are dropped (a leading skip); the limit counts them too.
    """

    read: Read
    columns: Optional[Tuple[str, ...]] = None
    predicate: Optional[str] = None
    limit: Optional[int] = None
    partitions: Optional[Tuple[int, ...]] = None
    tag_partitions: bool = True  # tag rows with their partition (sampling, select_partitions need it)
    block_partitions: bool = False  # tag a large delimited file's rows by block, as mltable numbers partitions
    sample: Optional[Tuple[int, float, float]] = None  # (seed, upper, lower): rows drawn while reading
    partition_formats: Tuple[ExtractPartitionFormat, ...] = ()
    file_filter: Optional[str] = None
    offset: int = 0


@dataclass(frozen=True)
class PhysicalPlan:
    """What the engine runs: a scan, then the steps the optimizer left after it."""

    scan: Scan
    steps: Tuple[Step, ...]
    paths: Tuple[PathEntry, ...]
    base_dir: str
    storage_options: object = field(default=None, compare=False, repr=False)  # as in Plan
