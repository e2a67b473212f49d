"""Decoding partitions on worker threads, in table order, with a bounded number in flight.

The executor's partitions (text blocks, parquet row groups) are decoded by
polars and pyarrow, which release the GIL, so threads use every core.  At
most ``workers + 1`` partitions are read ahead of the consumer: memory holds
the partitions in flight, not the table.  The read-ahead starts at one
partition and doubles while the consumer keeps asking, so a take that the
first partition satisfies reads only that one.  Results come back in the order the
partitions were listed, whatever order they finish in.

Stopping early (a take that has its rows, an error, Ctrl-C) cancels the
partitions not started and waits for the running ones: no thread outlives
the read, and a KeyboardInterrupt reaches the caller once the partitions
being decoded finish (one block or row group each).
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Deque, Iterable, Iterator, Optional, TypeVar

from tablekit.errors import user_error

T = TypeVar("T")
R = TypeVar("R")


THREADS_VARIABLE = "TABLEKIT_THREADS"


def default_workers() -> int:
    """One decoding thread per core (os.sched_getaffinity: the cores this process may use), or as
    many as the environment variable TABLEKIT_THREADS says (1: decode on the caller's thread).

    A value that is not a positive whole number is an error, not ignored: a typo would
    otherwise silently bring back the default the user meant to change."""
    raw = os.environ.get(THREADS_VARIABLE, "")
    setting = raw.strip()
    if setting:
        if not (setting.isascii() and setting.isdigit()) or int(setting) == 0:
            raise user_error(f"the environment variable {THREADS_VARIABLE} must be a positive whole number "
                             f"(the threads that decode a streamed read), not {raw!r}")
        return int(setting)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def ordered_map(decode: Callable[[T], R], items: Iterable[T], workers: Optional[int] = None) -> Iterator[R]:
    """``decode(item)`` for each item, run on ``workers`` threads, yielded in the items' order.

    ``items`` is consumed lazily on the caller's thread (it may read files: the
    reads stay sequential, the decoding is parallel).  With one worker the
    items are decoded one by one on the caller's thread, as a plain loop would.
    """
    workers = workers or default_workers()
    if workers == 1:
        for item in items:
            yield decode(item)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tablekit-decode")
    pending: Deque[Future] = deque()
    window = 1  # items decoded ahead: grows while the consumer keeps asking (a take may need one)
    remaining = iter(items)
    try:
        while True:
            while len(pending) < window:
                item = next(remaining, _END)
                if item is _END:
                    break
                pending.append(pool.submit(decode, item))
            if not pending:
                return
            result = pending.popleft().result()
            window = min(window * 2, workers + 1)
            yield result
    finally:  # normal end, an error, Ctrl-C or the consumer closing the stream early
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


_END = object()
