"""Peer uptake 64 replicates at a time (``blocks=True``): checked against theory, EoN, the one-at-a-time
engine and by hand, and its Bernoulli masks checked to be exact."""

from __future__ import annotations

import concurrent.futures
import math
import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipframe import StaffGraph, simulate_peer_uptake
from tipframe.reach.blocks import GUIDE, bernoulli_masks, gap_table
from tipframe.reach.resources import peer_resources

from .. import strategies


def random_graph(people: int, degree: float, seed: int) -> StaffGraph:
    """An Erdős–Rényi graph of mean degree ``degree``, from an edge list (networkx is slow at this size)."""
    rng = np.random.default_rng(seed)
    ties = int(people * degree / 2)
    return StaffGraph.from_edges(people, rng.integers(0, people, ties), rng.integers(0, people, ties))


def last_growth(trained: np.ndarray) -> np.ndarray:
    """The period each replicate last trained someone (0: never): the padding does not hide it."""
    grew = np.diff(trained, axis=1) > 0
    return np.where(grew.any(axis=1), trained.shape[1] - 1 - np.argmax(grew[:, ::-1], axis=1), 0)


def test_final_size_agrees_with_the_giant_component_of_an_erdos_renyi_graph() -> None:
    # With q = 1 peer uptake is bond percolation: on an Erdős–Rényi graph of mean degree k a
    # large outbreak reaches the share z with z = 1 - exp(-p k z).
    people, k, p = 20_000, 10.0, 0.15
    graph = random_graph(people, k, seed=11)
    k = graph.indices.size / people  # the realised mean degree (repeated ties are dropped)
    z = 0.5
    for _ in range(200):
        z = 1 - math.exp(-p * k * z)
    run = simulate_peer_uptake(graph, 20, p, 1.0, replicates=128, seed=3, blocks=True)
    assert run.blocks
    share = run.final_size() / people
    assert abs(share.mean() - z) < 0.01, (share.mean(), z)
    assert share.min() > z / 2  # twenty seeds: every replicate is a large outbreak


def test_independent_cascade_in_blocks_agrees_with_eon() -> None:
    eon = pytest.importorskip("EoN")
    stats = pytest.importorskip("scipy.stats")
    graph = nx.fast_gnp_random_graph(600, 5 / 600, seed=4)
    seeds = [0, 1, 2]
    ours = simulate_peer_uptake(graph, seeds, p=0.25, q=1.0, replicates=2000, seed=1, blocks=True).final_size()
    rng_seed = np.random.default_rng(8)
    theirs = []
    for _ in range(2000):
        random.seed(int(rng_seed.integers(2**31)))  # EoN draws from Python's random module
        _t, _s, i, r = eon.basic_discrete_SIR(graph, 0.25, initial_infecteds=seeds)
        theirs.append(int(r[-1] + i[-1]))
    result = stats.ks_2samp(ours, np.array(theirs))
    assert result.pvalue > 0.001, (ours.mean(), np.mean(theirs), result)


@pytest.mark.parametrize(("p", "q"), [(0.3, 1.0), (0.2, 0.5)])
def test_blocks_agree_in_distribution_with_one_replicate_at_a_time(p: float, q: float) -> None:
    # Two-sample Kolmogorov-Smirnov tests at alpha = 0.001 on final size and on the period of the
    # last training (discrete: the test is conservative), 2,048 replicates each, two chosen at random.
    stats = pytest.importorskip("scipy.stats")
    graph = random_graph(300, 4.0, seed=5)
    runs = [simulate_peer_uptake(graph, 2, p, q, replicates=2048, seed=2, blocks=b) for b in (True, False)]
    blocks, single = runs
    for statistic in (lambda run: run.final_size(), lambda run: last_growth(run.trained)):
        result = stats.ks_2samp(statistic(blocks), statistic(single))
        assert result.pvalue > 0.001, result


@settings(max_examples=30, deadline=None)
@given(strategies.chanceless_networks(ties=200))
def test_without_chance_blocks_give_the_one_at_a_time_numbers(case: tuple[StaffGraph, float, float, int]) -> None:
    # With p and q each 0 or 1 nothing is random past the start: the series, their lengths
    # included, must be the other engine's exactly.
    graph, p, q, seed = case
    rng = np.random.default_rng(seed + 1)
    start = sorted({int(i) for i in rng.integers(0, graph.people, 3)})
    blocks = simulate_peer_uptake(graph, start, p, q, replicates=3, seed=seed, max_periods=80, blocks=True)
    single = simulate_peer_uptake(graph, start, p, q, replicates=3, seed=seed, max_periods=80)
    assert np.array_equal(blocks.trained, single.trained)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.floats(min_value=1e-300, max_value=1.0, exclude_max=True),
        st.sampled_from([0.5, 0.25, 0.75, 0.15, 2**-40, 1 - 2**-53]),
    ),
    st.sampled_from([1, 2, 3, 5, 12, 64]),
    st.integers(min_value=0, max_value=2**32),
)
def test_masks_are_exactly_bernoulli(p: float, bits: int, seed: int) -> None:
    # Each bit of each mask is 1 with chance p: the share of ones over many masks is within five
    # standard errors of p, whether a word has one bit to decide (the reservoir) or many.
    rng = np.random.default_rng(seed)
    lanes = np.argsort(rng.random((4000, 64)), axis=1)[:, :bits]  # distinct bits, at random
    cands = np.bitwise_or.reduce(np.uint64(1) << lanes.astype(np.uint64), axis=1)
    masks = bernoulli_masks(cands, p, np.random.default_rng(seed + 1))
    assert not (masks & ~cands).any()
    ones = int(np.bitwise_count(masks).sum())
    trials = 4000 * bits
    error = math.sqrt(trials * p * (1 - p))
    assert abs(ones - trials * p) <= 5 * error + 1e-9, (ones, trials * p, error)


@pytest.mark.parametrize("p", [0.15, 0.5, 0.9, 0.01, 1e-6, 1 - 2**-53])
def test_gap_tables_invert_the_geometric_distribution(p: float) -> None:
    # A word u below table[k] has chance (1 - p)^k, and the gap is the last such k: the guide's
    # start and the steps after it must find exactly that k, for words anywhere and at the edges.
    table, guide = gap_table(p)
    far = table.size - 1
    exact = np.exp(np.arange(far + 1) * math.log1p(-p)) * 2.0**64
    assert np.allclose(table[1:].astype(float), exact[1:], rtol=1e-12, atol=2**12)
    assert (np.diff(table.astype(float)) <= 0).all()
    rng = np.random.default_rng(1)
    words = np.concatenate([rng.integers(0, 2**64, 20_000, dtype=np.uint64, endpoint=False), table[1:], table[1:] - 1])
    words = words[words >= table[far]]  # the rest are `far` plus a fresh gap
    gaps = guide[words >> np.uint64(64 - GUIDE)]
    for _ in range(far):
        gaps += words < table[np.minimum(gaps + 1, far)]
    assert np.array_equal(gaps, (table[1:, None] > words[None, :]).sum(axis=0))


def test_masks_of_no_chance_and_certainty_are_exact_and_bits_are_independent() -> None:
    rng = np.random.default_rng(0)
    cands = rng.integers(0, 2**64, 5000, dtype=np.uint64, endpoint=False)
    assert not bernoulli_masks(cands, 0.0, rng).any()
    assert np.array_equal(bernoulli_masks(cands, 1.0, rng), cands)
    # Two bits of one word: each pair of outcomes has its share p^i (1 - p)^(2 - i).
    p, n = 0.3, 40_000
    masks = bernoulli_masks(np.full(n, 0b101, np.uint64), p, rng)
    both, first = int(np.count_nonzero(masks == 0b101)), int(np.count_nonzero(masks == 0b1))
    for count, chance in ((both, p * p), (first, p * (1 - p))):
        assert abs(count - n * chance) <= 5 * math.sqrt(n * chance * (1 - chance))


def test_same_seed_same_run_and_workers_change_nothing() -> None:
    graph = random_graph(400, 5.0, seed=9)
    # 150 replicates: blocks of 64, 64 and 22, one a piece on the pool.
    here, again = (simulate_peer_uptake(graph, 3, 0.2, 0.6, replicates=150, seed=7, blocks=True) for _ in "12")
    assert np.array_equal(here.trained, again.trained)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        shared = simulate_peer_uptake(graph, 3, 0.2, 0.6, replicates=150, seed=7, blocks=True, executor=pool, chunks=3)
        single = [simulate_peer_uptake(graph, [0, 5], 0.2, 0.6, replicates=30, executor=x) for x in [pool, None]]
    assert np.array_equal(here.trained, shared.trained)
    assert np.array_equal(single[0].trained, single[1].trained)
    assert not single[0].blocks


def test_the_last_block_may_be_partial() -> None:
    graph = random_graph(300, 4.0, seed=1)
    full = simulate_peer_uptake(graph, [0, 1], 0.3, replicates=64, seed=5, blocks=True)
    more = simulate_peer_uptake(graph, [0, 1], 0.3, replicates=70, seed=5, blocks=True)
    assert more.trained.shape[0] == 70
    # The first block is the same block: its replicates do not depend on those after it.
    assert np.array_equal(more.final_size()[:64], full.final_size())
    assert np.array_equal(last_growth(more.trained[:64]), last_growth(full.trained))
    assert (np.diff(more.trained, axis=1) >= 0).all()
    assert (more.trained[:, 0] == 2).all()


def test_persistence_raises_reach_in_blocks() -> None:
    graph = random_graph(300, 3.0, seed=2)
    once = simulate_peer_uptake(graph, 3, 0.15, 1.0, replicates=320, seed=5, blocks=True).final_size().mean()
    lasting = simulate_peer_uptake(graph, 3, 0.15, 0.3, replicates=320, seed=5, blocks=True).final_size().mean()
    assert lasting > once
    # People who never stop reach every colleague in time: a chain is trained to its end.
    chain = StaffGraph.from_edges(6, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5])
    assert (simulate_peer_uptake(chain, [0], 0.4, 0.0, replicates=70, blocks=True).final_size() == 6).all()


def test_chain_by_hand_in_blocks() -> None:
    # A path 0-1-2-3 with p = 1 and q = 1: one new person a period, and the series stops when
    # nobody untrained is within reach (three periods), as one replicate at a time does.
    graph = StaffGraph.from_edges(4, [0, 1, 2], [1, 2, 3])
    run = simulate_peer_uptake(graph, [0], p=1.0, q=1.0, replicates=70, seed=0, blocks=True)
    assert run.trained.tolist() == [[1, 2, 3, 4]] * 70
    # A star reached from its centre: one period, each leaf with chance p.
    star = StaffGraph.from_edges(201, [0] * 200, list(range(1, 201)))
    leaves = simulate_peer_uptake(star, [0], 0.15, replicates=256, seed=1, blocks=True).final_size() - 1
    assert abs(leaves.mean() - 30) <= 5 * math.sqrt(200 * 0.15 * 0.85 / 256)


def test_blocks_run_compiled_and_are_estimated() -> None:
    graph = StaffGraph.from_edges(3, [0], [1])
    with pytest.raises(ValueError, match="blocks run compiled only"):
        simulate_peer_uptake(graph, 1, 0.5, blocks=True, backend="reference")
    blocks = peer_resources(1_000_000, 10_000_000, 128, initial=10, p=0.15, q=1.0, blocks=True)
    single = peer_resources(1_000_000, 10_000_000, 128, initial=10, p=0.15, q=1.0)
    assert blocks.seconds < single.seconds
    shared = peer_resources(1_000_000, 10_000_000, 128, initial=10, p=0.15, q=1.0, blocks=True, workers=2)
    assert {part.name for part in shared.parts} >= {"people", "network copies", "worker processes", "series"}
    assert shared.bytes > 2 * blocks.bytes
