"""Partition counts as mltable reports them.

Delimited and JSON-lines files split into blocks of ``partition_size`` bytes
(20 MiB by default; a small file is one partition); each parquet row group is
a partition; a from_paths table is one partition.  Steps change the count
as mltable's do: select_partitions keeps the chosen ones, and take keeps
only the partitions its rows come from.
"""
from __future__ import annotations

import math
from dataclasses import replace

from tablekit.engine import parquet
from tablekit.engine.execute import execute
from tablekit.engine.formats import keeps_file_types, scan_inputs
from tablekit.engine.frames import PARTITION, selected_partitions
from tablekit.optimizer import optimize, physical
from tablekit.plan.nodes import ListFiles, Plan, SelectPartitions, Take
from tablekit.sources import resolve_paths


def source_partition_count(plan: Plan) -> int:
    planned = physical(plan)
    read = planned.scan.read
    if isinstance(read, ListFiles):
        resolve_paths(plan.paths, plan.base_dir, check_files=False,  # missing folders still fail
                      storage_options=plan.storage_options)
        return 1
    files = scan_inputs(planned)
    if keeps_file_types(read):  # parquet files and Delta tables: one partition per row group
        return sum(parquet.partition_counts(list(files)))
    return sum(max(1, math.ceil(f.size / read.partition_size)) for f in files)


def partition_count(plan: Plan) -> int:
    count = source_partition_count(plan)
    if any(isinstance(step, Take) for step in plan.steps):
        tagged = optimize(plan)
        tagged = replace(tagged, scan=replace(tagged.scan, tag_partitions=True))
        result = execute(tagged)  # a take keeps the partitions its rows come from
        return result.frame.get_column(PARTITION).n_unique() if PARTITION in result.frame.columns else 0
    for step in plan.steps:
        if isinstance(step, SelectPartitions):
            count = len(selected_partitions(step.indices, count))
    return count
