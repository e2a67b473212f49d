"""Cutting a text file into blocks of whole records, for streaming reads.

A block is read from the file, then cut after its last line break that ends
a record; the rest is carried into the next block.  Without multi-line
records every line break ends one (mltable ends a record at a line break
even inside quotes).  With them, a line break ends a record only outside
quotes: the quotes before it are counted, and an even count means outside
(a doubled quote ``""`` counts twice, so it keeps the parity).  A record
longer than a block makes the block grow until it holds one.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterator, List, Optional, Tuple

import numpy as np

from tablekit.sources import SourceFile

BLOCK_BYTES = 8 << 20  # a streamed text file's block: small enough to bound memory, large enough to parse fast
NEWLINE, QUOTE = 10, 34


@dataclass(frozen=True)
class Block:
    data: bytes
    offset: int       # where the block starts in the file
    first_line: int   # 1-based number of its first line

    @property
    def is_first(self) -> bool:
        return self.offset == 0


def _record_end(buffer: bytes, quoted_records: bool) -> Optional[int]:
    """Offset just past the last line break of ``buffer`` that ends a record, None if there is none."""
    view = np.frombuffer(buffer, dtype=np.uint8)
    if not quoted_records:
        at = buffer.rfind(b"\n")
        return at + 1 if at >= 0 else None
    breaks = np.flatnonzero(view == NEWLINE)
    if not len(breaks):
        return None
    quotes = np.flatnonzero(view == QUOTE)
    outside = np.searchsorted(quotes, breaks) % 2 == 0  # quotes before each break, even: outside quotes
    ends = breaks[outside]
    return int(ends[-1]) + 1 if len(ends) else None


def text_blocks(file: SourceFile, encoding: str, quoted_records: bool = False,
                block_bytes: Optional[int] = None) -> Iterator[Block]:
    """A text file as blocks of whole records, in file order, each with the number of its first line."""
    line = 1
    for read in block_reads(file, encoding, quoted_records, block_bytes):
        block = read()
        yield Block(block.data, block.offset, line)
        line += block.data.count(b"\n")


def block_reads(file: SourceFile, encoding: str, quoted_records: bool = False,
                block_bytes: Optional[int] = None) -> Iterator[Callable[[], Block]]:
    """A text file's blocks of whole records, in file order, as reads to run (on any thread).

    Without multi-line records a block ends at the first line break at or after
    its nominal end, found by a small read there, so each block is read exactly
    (no copy) and where it is decoded.  UTF-16 text is read at once (a 0x0A byte
    is not a line break); multi-line records are cut by reading on (line_blocks).
    The blocks' ``first_line`` is 1 for the first and 0 (not counted) for the others.
    """
    if encoding == "utf16":
        yield lambda: Block(file.source.read_bytes(file.path), 0, 1)
    elif quoted_records:
        for block in line_blocks(file, True, block_bytes):
            yield lambda block=block: block
    else:
        for start, end in cut_ranges(file, block_bytes or BLOCK_BYTES):
            if start < end:  # empty when a record is longer than a block
                yield partial(_read_range, file, start, end)


def _read_range(file: SourceFile, start: int, end: int) -> Block:
    return Block(file.source.read_bytes(file.path, start, end), start, 1 if start == 0 else 0)


def count_line_breaks(data: bytes) -> int:
    """``data.count(b"\\n")``, without holding the GIL (numpy releases it): for worker threads."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == NEWLINE))


def line_blocks(file: SourceFile, quoted_records: bool = False,
                block_bytes: Optional[int] = None) -> Iterator[Block]:
    """The file as blocks of about ``block_bytes`` (default BLOCK_BYTES) bytes, each ending at a record boundary."""
    block_bytes = block_bytes or BLOCK_BYTES
    carried = b""
    offset, line = 0, 1
    with file.source.open(file.path) as handle:
        while True:
            chunk = handle.read(max(block_bytes - len(carried), block_bytes // 4))
            buffer = carried + chunk if carried else chunk
            if not chunk:
                if buffer:
                    yield Block(buffer, offset, line)
                return
            end = _record_end(buffer, quoted_records)
            if end is None:  # no record ends yet: read on
                carried = buffer
                continue
            block, carried = buffer[:end], buffer[end:]
            yield Block(block, offset, line)
            offset += len(block)
            line += block.count(b"\n")


# -- mltable's partitions of a large text file ---------------------------------------

def partition_ranges(read, file: SourceFile) -> List[Optional[Tuple[int, int]]]:
    """A delimited or JSON-lines file cut into ranges of whole records, ``partition_size`` bytes or
    so each (mltable's partitions of a large file); [None] when it is read at once.

    Without multi-line records every line break ends a record (even inside
    quotes, as mltable reads them), so a range may end after any line break:
    the first one at or after its nominal end (a record starting right at it is
    still the block's).  There are always ceil(size / partition_size) ranges, as
    mltable counts them: a record longer than a block leaves the next ones empty.
    UTF-16 text and multi-line records are read at once (a 0x0A byte is not a
    line break / may be inside a record).
    """
    if getattr(read, "support_multi_line", False) or read.encoding == "utf16" or file.size <= read.partition_size:
        return [None]
    return list(cut_ranges(file, read.partition_size))


def cut_ranges(file: SourceFile, size: int) -> Iterator[Tuple[int, int]]:
    """``file`` cut into ceil(file.size / size) ranges, each ending at the first line break at or
    after its nominal end (the last at the file's end); a range may be empty.  Each is found
    when it is asked for: a stream that stops early looks no further."""
    start = 0
    for nominal in range(size, file.size, size):
        end = max(start, _line_end(file, nominal))
        yield start, end
        start = end
    yield start, file.size


def _line_end(file: SourceFile, offset: int, window: int = 4096) -> int:
    """The offset just past the first line break at or after ``offset`` (the file's size if none)."""
    while offset < file.size:
        data = file.source.read_bytes(file.path, offset, min(offset + window, file.size))
        at = data.find(b"\n")
        if at >= 0:
            return offset + at + 1
        offset += len(data)
        window = min(window * 4, 1 << 20)
    return file.size


def range_block(file: SourceFile, byte_range: Tuple[int, int]) -> Block:
    """The bytes of a range of a file as a Block (its first line counted, for error messages)."""
    start, end = byte_range
    lines, at = 0, 0
    while at < start:  # counted a chunk at a time: the range may start far into a large file
        chunk = file.source.read_bytes(file.path, at, min(start, at + BLOCK_BYTES))
        if not chunk:
            break
        lines, at = lines + chunk.count(b"\n"), at + len(chunk)
    return Block(file.source.read_bytes(file.path, start, end), start, lines + 1)
