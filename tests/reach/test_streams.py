"""The compiled engine's random streams: seeded as numpy seeds a replicate, drawn with the right distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tipframe.reach.cascade_random import binomial, geometric, parameter, seed, uniform
from tipframe.reach.compiled import entropy_words

# Significance of each distribution test: with a dozen of them, a false alarm about once in 8,000 runs.
ALPHA = 1e-5


def _state(entropy: int, index: int) -> np.ndarray:
    state = np.zeros(4, np.uint64)
    seed(entropy_words(entropy), index, state)
    return state


@settings(max_examples=60, deadline=None)
@given(
    entropy=st.one_of(st.integers(0, 2**130), st.lists(st.integers(0, 2**70), min_size=1, max_size=7)),
    index=st.integers(0, 2**40),
)
def test_a_replicate_starts_from_its_seed_sequence_child(entropy: int | list[int], index: int) -> None:
    state = np.zeros(4, np.uint64)
    seed(entropy_words(entropy), index, state)
    expected = np.random.SeedSequence(entropy, spawn_key=(index,)).generate_state(4, np.uint64)
    assert state.tolist() == expected.tolist()


def test_replicates_draw_different_streams_and_repeat_their_own() -> None:
    first = [uniform(_state(3, 0)) for _ in range(2)]
    assert first[0] == first[1]
    assert uniform(_state(3, 0)) != uniform(_state(3, 1))
    state = _state(3, 0)
    draws = np.array([uniform(state) for _ in range(20_000)])
    assert draws.min() >= 0.0
    assert draws.max() < 1.0
    assert stats.kstest(draws, "uniform").pvalue > ALPHA


@pytest.mark.parametrize(
    ("kind", "a", "b", "law"),
    [
        (1, 2.0, 98.0, stats.beta(2.0, 98.0)),
        (1, 0.5, 0.5, stats.beta(0.5, 0.5)),
        (1, 83.7, 16.3, stats.beta(83.7, 16.3)),
        (2, 0.1, 0.3, stats.uniform(0.1, 0.2)),
        (3, 0.7, 2.0, stats.gamma(0.7, scale=2.0)),
        (3, 5.0, 0.1, stats.gamma(5.0, scale=0.1)),
        (4, -1.0, 0.5, stats.lognorm(0.5, scale=math.exp(-1.0))),
    ],
)
def test_parameters_follow_their_distributions(kind: int, a: float, b: float, law: stats.rv_continuous) -> None:
    state = _state(11, kind)
    draws = np.array([parameter(state, kind, a, b) for _ in range(20_000)])
    assert stats.kstest(draws, law.cdf).pvalue > ALPHA
    assert parameter(state, 0, 0.25, 0.0) == 0.25


@pytest.mark.parametrize(
    ("n", "p"),
    [(10, 0.3), (12, 0.9), (200, 0.9), (1000, 0.05), (50, 0.5), (7, 0.0), (7, 1.0), (100_000, 0.3), (40, 0.6)],
)
def test_binomial_counts_have_the_binomial_distribution(n: int, p: float) -> None:
    state = _state(5, n)
    draws = np.array([binomial(state, n, p) for _ in range(20_000)])
    assert draws.min() >= 0
    assert draws.max() <= n
    if p in (0.0, 1.0):
        assert (draws == n * p).all()
        return
    counts = np.bincount(draws, minlength=n + 1)
    expected = stats.binom(n, p).pmf(np.arange(n + 1)) * draws.size
    kept = expected >= 5  # the chi-square test's usual rule; the rest pooled
    observed, wanted = counts[kept], expected[kept]
    if not kept.all():
        observed, wanted = np.append(observed, counts[~kept].sum()), np.append(wanted, expected[~kept].sum())
    assert stats.chisquare(observed, wanted * observed.sum() / wanted.sum()).pvalue > ALPHA


def test_geometric_trials_have_the_geometric_distribution() -> None:
    state = _state(9, 0)
    draws = np.array([geometric(state, 0.2) for _ in range(20_000)])
    assert draws.min() >= 1
    assert abs(draws.mean() - 5.0) < 4 * math.sqrt(0.8 / 0.04 / draws.size)
    assert geometric(state, 1.0) == 1


def test_a_beta_with_tiny_shapes_stays_a_probability() -> None:
    # Both gammas of a beta(0.004, 0.004) underflow to 0 about once in 20: their logarithms do not.
    state = _state(2, 0)
    draws = np.array([parameter(state, 1, 0.004, 0.004) for _ in range(2_000)])
    assert np.isfinite(draws).all()
    assert ((draws >= 0.0) & (draws <= 1.0)).all()
    assert 0.3 < (draws > 0.5).mean() < 0.7


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        entropy_words([3, -1])
