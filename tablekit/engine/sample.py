"""Seeded, position-based Bernoulli sampling.

Each row gets a uniform draw u in [0, 1) that depends only on (seed,
partition index, row position among the rows reaching the sampling step):
a counter-based hash (splitmix64), so draws need no state, are the same in
every run and on every machine, and can be computed for any slice of rows.
take_random_sample(p) keeps u < p, so a larger p with the same seed keeps a
superset; random_split(p) gives u < p and p <= u.

Draws are 53-bit integers compared with p * 2**53, which avoids a float
array the size of the table.
"""
from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_BITS = 53


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, in place on a uint64 array."""
    with np.errstate(over="ignore"):
        x += _GOLDEN
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x


def partition_key(seed: int, partition: int) -> np.uint64:
    return _splitmix64(np.array([(seed & 0xFFFFFFFF) << 32 | (partition & 0xFFFFFFFF)], dtype=np.uint64))[0]


CHUNK = 1 << 16  # rows hashed at a time: small arrays stay in the CPU cache


def draws(seed: int, partition: int, start: int, count: int) -> np.ndarray:
    """53-bit integer draws for rows start..start+count-1 of one partition."""
    key = partition_key(seed, partition)
    x = np.arange(start, start + count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x *= _GOLDEN
        x += key
    _splitmix64(x)
    x >>= np.uint64(64 - _BITS)
    return x


def keep_mask(seed: int, runs, upper: float, lower: float = 0.0, starts=None) -> np.ndarray:
    """Rows whose draw u satisfies lower <= u < upper.

    ``runs`` lists (partition index, row count) in row order: each partition's
    rows are contiguous and numbered from 0, or from ``starts[i]`` for the
    i-th run (a stream sees a partition's rows a batch at a time).
    """
    high = np.uint64(min(int(upper * (1 << _BITS)), 1 << _BITS))
    low = np.uint64(int(lower * (1 << _BITS)))
    total = sum(count for _, count in runs)
    mask = np.empty(total, dtype=bool)
    offset = 0
    for run, (partition, count) in enumerate(runs):
        first = starts[run] if starts is not None else 0
        for start in range(0, count, CHUNK):
            n = min(CHUNK, count - start)
            x = draws(seed, partition, first + start, n)
            out = mask[offset + start: offset + start + n]
            np.less(x, high, out=out)
            if lower > 0.0:
                out &= x >= low
        offset += count
    return mask


def runs_of(partitions: np.ndarray):
    """(partition, row count) for each run of equal partition indexes."""
    n = len(partitions)
    if n == 0:
        return []
    starts = np.concatenate(([0], np.flatnonzero(np.diff(partitions)) + 1))
    lengths = np.diff(np.concatenate((starts, [n])))
    return [(int(partitions[s]), int(length)) for s, length in zip(starts, lengths)]
