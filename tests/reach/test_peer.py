"""Peer uptake over a staff network, checked against EoN's discrete SIR and by hand."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tipframe
from tipframe import StaffGraph, simulate_peer_uptake
from tipframe.reach.peer import sorted_unique

from .. import strategies


def test_independent_cascade_agrees_with_eon() -> None:
    eon = pytest.importorskip("EoN")
    stats = pytest.importorskip("scipy.stats")
    graph = nx.fast_gnp_random_graph(600, 5 / 600, seed=4)
    seeds = [0, 1, 2]
    ours = simulate_peer_uptake(graph, seeds, p=0.25, q=1.0, replicates=2000, seed=1).final_size()
    rng_seed = np.random.default_rng(7)
    theirs = []
    for _ in range(2000):
        # EoN draws from Python's random module; seed it for a repeatable test.
        random.seed(int(rng_seed.integers(2**31)))
        _t, _s, i, r = eon.basic_discrete_SIR(graph, 0.25, initial_infecteds=seeds)
        theirs.append(int(r[-1] + i[-1]))
    result = stats.ks_2samp(ours, np.array(theirs))
    assert result.pvalue > 0.001, (ours.mean(), np.mean(theirs), result)


def test_chain_by_hand() -> None:
    # A path 0-1-2-3 with p = 1 and q = 1: one new person a period.
    graph = StaffGraph.from_edges(4, [0, 1, 2], [1, 2, 3])
    run = simulate_peer_uptake(graph, [0], p=1.0, q=1.0, replicates=3, seed=0)
    assert run.trained.tolist() == [[1, 2, 3, 4]] * 3


def test_no_transmission_and_everyone_reached() -> None:
    graph = StaffGraph.from_edges(5, [0, 0, 0, 0], [1, 2, 3, 4])
    assert simulate_peer_uptake(graph, [0], p=0.0, replicates=2).final_size().tolist() == [1, 1]
    assert simulate_peer_uptake(graph, [0], p=1.0, replicates=2).final_size().tolist() == [5, 5]


def test_persistence_raises_reach() -> None:
    graph = nx.fast_gnp_random_graph(300, 3 / 300, seed=2)
    once = simulate_peer_uptake(graph, 3, p=0.15, q=1.0, replicates=300, seed=5).final_size().mean()
    lasting = simulate_peer_uptake(graph, 3, p=0.15, q=0.3, replicates=300, seed=5).final_size().mean()
    assert lasting > once


def test_same_seed_same_run() -> None:
    graph = nx.fast_gnp_random_graph(200, 0.02, seed=3)
    a = simulate_peer_uptake(graph, 2, p=0.3, q=0.5, replicates=10, seed=9)
    b = simulate_peer_uptake(graph, 2, p=0.3, q=0.5, replicates=10, seed=9)
    assert np.array_equal(a.trained, b.trained)


def test_npz_networks_are_checked_against_their_digest(tmp_path: Path) -> None:
    path = tmp_path / "staff.npz"
    np.savez(path, source=np.array([0, 1]), target=np.array([1, 2]), organisation=np.array([0, 0, 1]))
    digest = tipframe.reach.peer.file_sha256(path)
    graph = StaffGraph.from_npz(path, sha256=digest)
    assert graph.people == 3
    assert graph.degree().tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="has SHA-256"):
        StaffGraph.from_npz(path, sha256="0" * 64)


def test_bad_edges_are_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 2"):
        StaffGraph.from_edges(3, [0], [3])
    with pytest.raises(ValueError, match="probabilities"):
        simulate_peer_uptake(StaffGraph.from_edges(2, [0], [1]), [0], p=1.5)


def test_a_workforce_carries_its_staff_network(tmp_path: Path) -> None:
    examples = Path(__file__).parent.parent.parent / "examples"
    workforce = tipframe.load(examples / "childrens-services-teams.yaml", tipframe.Workforce)
    graph = StaffGraph.from_workforce(workforce)
    assert graph.people == 60
    assert graph.organisations[int(graph.organisation[0])] == workforce.staff_network.people[0]  # type: ignore[union-attr]
    run = simulate_peer_uptake(workforce, [0, 10], p=0.2, q=0.5, replicates=20, seed=1)
    assert (run.final_size() >= 2).all()
    # A network in a file is checked against the digest the document records.
    path = tmp_path / "staff.npz"
    np.savez(path, source=np.array([0]), target=np.array([1]), organisation=np.array([0, 0]))
    digest = tipframe.reach.peer.file_sha256(path)
    text = (
        "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 2}]\n"
        f"staff_network: {{file: staff.npz, sha256: {digest}}}\n"
    )
    (tmp_path / "w.yaml").write_text(text)
    filed = tipframe.load(tmp_path / "w.yaml", tipframe.Workforce)
    assert StaffGraph.from_workforce(filed, tmp_path).people == 2


@pytest.mark.parametrize(
    ("network", "message"),
    [
        ("{people: [a, a], edges: [[0, 2]]}", "numbered 0 to 1"),
        ("{file: x.npz}", "needs its SHA-256"),
        ("{people: [b], edges: []}", "no organisation 'b'"),
        ("{}", "give people and edges, or a file"),
    ],
)
def test_bad_staff_networks(network: str, message: str) -> None:
    text = "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 2}]\n"
    text += f"staff_network: {network}\n"
    with pytest.raises(tipframe.DocumentError, match=message):
        tipframe.loads(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=60))
def test_sorted_unique_is_numpys_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    assert np.array_equal(sorted_unique(array), np.unique(array))
    assert sorted_unique(array).dtype == np.int64


@settings(max_examples=40, deadline=None)
@given(strategies.chanceless_networks(ties=300))
def test_without_chance_the_backends_give_the_same_numbers(case: tuple[StaffGraph, float, float, int]) -> None:
    # With p and q each 0 or 1 nothing is random past the start (the people chosen come from the
    # same draw): the series, their lengths included, must be the same.
    graph, p, q, seed = case
    runs = {
        backend: simulate_peer_uptake(graph, 2, p, q, replicates=3, seed=seed, max_periods=50, backend=backend)
        for backend in ("compiled", "reference")
    }
    assert np.array_equal(runs["compiled"].trained, runs["reference"].trained)
    assert (runs["compiled"].backend, runs["reference"].backend) == ("compiled", "reference")


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical distributions."""
    values = np.union1d(a, b)
    gaps = np.searchsorted(np.sort(a), values, side="right") / a.size
    gaps -= np.searchsorted(np.sort(b), values, side="right") / b.size
    return float(np.abs(gaps).max())


@pytest.mark.parametrize(("people", "degree", "p", "q"), [(300, 4.0, 0.3, 1.0), (500, 6.0, 0.15, 0.5)])
def test_the_backends_agree_in_distribution(people: int, degree: float, p: float, q: float) -> None:
    # The compiled engine draws differently from the reference (geometric gaps between successful
    # ties), so they are compared in distribution: two-sample Kolmogorov-Smirnov tests at alpha =
    # 0.001 (critical value 1.949 sqrt(2 / n); conservative for these discrete statistics) on the
    # final size and the period of the last training, and the mean trained at every period within
    # four standard errors; 2,000 replicates each, two people chosen at random in each.
    n = 2000
    rng = np.random.default_rng(people)
    ties = int(people * degree / 2)
    graph = StaffGraph.from_edges(people, rng.integers(0, people, ties), rng.integers(0, people, ties))
    runs = [simulate_peer_uptake(graph, 2, p, q, replicates=n, seed=3, backend=b) for b in ("compiled", "reference")]
    critical = 1.949 * np.sqrt(2 / n)
    # Final size, and the period of the last training (the first period at which the count of
    # periods that trained someone is at its highest; 0 also when nobody was trained).
    for statistic in (lambda t: t[:, -1], lambda t: (np.diff(t, axis=1) > 0).cumsum(axis=1).argmax(axis=1)):
        assert ks_statistic(statistic(runs[0].trained), statistic(runs[1].trained)) < critical
    width = max(run.trained.shape[1] for run in runs)
    x, y = (np.pad(run.trained, ((0, 0), (0, width - run.trained.shape[1])), mode="edge") for run in runs)
    error = np.sqrt(x.var(axis=0, ddof=1) / n + y.var(axis=0, ddof=1) / n)
    assert (np.abs(x.mean(axis=0) - y.mean(axis=0)) <= 4 * error + 1e-9).all()


def test_an_unknown_backend_is_refused() -> None:
    graph = StaffGraph.from_edges(3, [0], [1])
    with pytest.raises(ValueError, match="backend must be one of compiled, reference"):
        simulate_peer_uptake(graph, 1, 0.5, backend="gpu")
