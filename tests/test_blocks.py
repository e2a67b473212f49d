"""engine.blocks.partition_ranges: a large text file cut into mltable's partitions."""
from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tablekit.engine.blocks import partition_ranges
from tablekit.plan.nodes import ReadDelimited, ReadJsonLines
from tablekit.sources import SourceFile
from tablekit.sources.local import LocalSource


def _file(path) -> SourceFile:
    return SourceFile(str(path), str(path), path.stat().st_size, LocalSource())


@given(lines=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60),
       partition_size=st.integers(min_value=1, max_value=200), last_break=st.booleans(),
       json=st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ranges_are_mltable_partitions(tmp_path_factory, lines, partition_size, last_break, json):
    """ceil(size / partition_size) contiguous ranges covering the file; each ends just after the first
    line break at or after its nominal end (or where the one before ended: a long line empties blocks)."""
    text = "\n".join("x" * n for n in lines) + ("\n" if last_break else "")
    path = tmp_path_factory.mktemp("blocks") / "t.txt"
    path.write_bytes(text.encode())
    read = ReadJsonLines(partition_size=partition_size) if json else ReadDelimited(partition_size=partition_size)
    ranges = partition_ranges(read, _file(path))
    size = len(text)
    if size <= partition_size:
        assert ranges == [None]
        return
    assert len(ranges) == math.ceil(size / partition_size)
    assert ranges[0][0] == 0 and ranges[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    for k, (start, end) in enumerate(ranges[:-1], start=1):
        at = text.find("\n", k * partition_size)
        expected = size if at < 0 else at + 1
        assert end == max(expected, start)


def test_multi_line_and_utf16_files_are_one_partition(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n" * 100)
    assert partition_ranges(ReadDelimited(partition_size=10, support_multi_line=True), _file(path)) == [None]
    assert partition_ranges(ReadDelimited(partition_size=10, encoding="utf16"), _file(path)) == [None]
