"""Partition counts as mltable reports them.

Delimited and JSON-lines files split into blocks of ``partition_size`` bytes
(20 MiB by default; a small file is one partition); each parquet row group is
a partition.
"""
from __future__ import annotations

import math

from tablekit.engine import parquet
from tablekit.optimizer import physical
from tablekit.plan.nodes import Plan, ReadParquet
from tablekit.sources import resolve_paths


def partition_count(plan: Plan) -> int:
    read = physical(plan).scan.read
    files = resolve_paths(plan.paths, plan.base_dir)
    if isinstance(read, ReadParquet):
        return sum(parquet.partition_counts(files))
    return sum(max(1, math.ceil(f.size / read.partition_size)) for f in files)
