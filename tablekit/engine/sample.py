"""Seeded, position-based Bernoulli sampling.

Each row gets a uniform draw u in [0, 1) that depends only on (seed,
partition index, row position among the rows reaching the sampling step):
a counter-based hash (splitmix64), so draws need no state, are the same in
every run and on every machine, and can be computed for any slice of rows.
take_random_sample(p) keeps u < p, so a larger p with the same seed keeps a
superset; random_split(p) gives u < p and p <= u.
"""
from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def draws(seed: int, partitions: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Uniform draws in [0, 1) for rows given by (partition index, position) pairs."""
    partitions = np.asarray(partitions, dtype=np.uint64)
    positions = np.asarray(positions, dtype=np.uint64)
    with np.errstate(over="ignore"):
        keys = _splitmix64((np.uint64(seed & 0xFFFFFFFF) << np.uint64(32)) | partitions)
        mixed = _splitmix64(positions * _GOLDEN + keys)
    return (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def keep_mask(seed: int, partitions: np.ndarray, positions: np.ndarray, upper: float,
              lower: float = 0.0) -> np.ndarray:
    u = draws(seed, partitions, positions)
    return (u < upper) & (u >= lower)
