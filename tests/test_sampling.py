"""Properties of seeded, position-based Bernoulli sampling (engine.sample)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tablekit.engine import sample

runs = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 3000)), min_size=1, max_size=5)
probability = st.floats(0.001, 0.999)
seeds = st.integers(0, 2**31)


@given(seed=seeds, runs=runs, p=probability)
@settings(max_examples=60, deadline=None)
def test_same_seed_same_rows(seed, runs, p):
    assert np.array_equal(sample.keep_mask(seed, runs, p), sample.keep_mask(seed, runs, p))


@given(seed=seeds, runs=runs, p=probability, q=probability)
@settings(max_examples=60, deadline=None)
def test_larger_probability_keeps_a_superset(seed, runs, p, q):
    low, high = sorted((p, q))
    small, large = sample.keep_mask(seed, runs, low), sample.keep_mask(seed, runs, high)
    assert not (small & ~large).any()


@given(seed=seeds, runs=runs, p=probability)
@settings(max_examples=60, deadline=None)
def test_split_halves_partition_the_rows(seed, runs, p):
    a = sample.keep_mask(seed, runs, p)
    b = sample.keep_mask(seed, runs, 1.0, lower=p)
    assert not (a & b).any()
    assert (a | b).all()


@given(seed=seeds, p=probability)
@settings(max_examples=30, deadline=None)
def test_draws_depend_only_on_partition_and_position(seed, p):
    # a partition's rows are drawn the same whatever comes before them
    alone = sample.keep_mask(seed, [(7, 1000)], p)
    after_other = sample.keep_mask(seed, [(3, 500), (7, 1000)], p)[500:]
    assert np.array_equal(alone, after_other)


def test_fraction_is_close_to_probability():
    mask = sample.keep_mask(1, [(0, 200_000)], 0.3)
    assert abs(mask.mean() - 0.3) < 0.01


def test_seeds_differ():
    a = sample.keep_mask(1, [(0, 10_000)], 0.5)
    b = sample.keep_mask(2, [(0, 10_000)], 0.5)
    assert (a != b).mean() > 0.3
