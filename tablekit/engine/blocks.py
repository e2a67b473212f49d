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
from typing import Iterator, Optional

import numpy as np

from tablekit.sources import SourceFile

BLOCK_BYTES = 32 << 20  # read size of a streamed text file: bounds memory, big enough to parse fast
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
