"""Who should start a practice spreading from colleague to colleague: greedy seed people for peer uptake.

With q = 1 (each person passes the practice on in one period only) peer uptake is the independent
cascade, and on an undirected staff network with one chance p per tie its final reach from a seed
set has the distribution of bond percolation: keep each tie with chance p, and the people reached
are those in the kept ties' components that hold a seed (Kempe, Kleinberg and Tardos, 2003). Expected
reach is then monotone and submodular, so greedy choice over a fixed set of sampled networks reaches
at least 1 - 1/e of the best seed set for those samples. Network i is sampled from
``SeedSequence(seed, spawn_key=(i,))``; every candidate is judged on the same samples.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from tipframe.reach.peer import StaffGraph
from tipframe.reach.scenario import FloatArray, IntArray
from tipframe.reach.stats import standard_error

__all__ = ["PeerPlacement", "component_samples", "place_peer_seeds"]


@attrs.frozen
class PeerPlacement:
    """Greedy seed people, each pick's expected marginal gain with its s.e., and baselines on the same samples."""

    people: tuple[int, ...]  # in the order picked
    gains: tuple[float, ...]  # expected people added by each pick
    gain_se: tuple[float, ...]
    reach: float  # expected final reach of the seed set (seeds included)
    reach_se: float
    samples: int
    baselines: tuple[tuple[str, tuple[int, ...], float, float], ...]  # name, people, mean reach, s.e.

    def describe(self, total: int) -> str:
        """The seeds, their gains and the baselines, as shares of ``total`` people."""
        lines = [f"Greedy seeds over {self.samples:,} sampled networks (at least 1 - 1/e of the best for them):"]
        for step, (person, gain, se) in enumerate(zip(self.people, self.gains, self.gain_se, strict=True), start=1):
            lines.append(f"  {step}. person {person}: +{gain:.1f} people (s.e. {se:.1f})")
        lines.append(
            f"Expected reach: {self.reach:.1f} of {total:,} ({self.reach / total:.1%}; s.e. {self.reach_se:.1f})"
        )
        for name, people, mean, se in self.baselines:
            lines.append(f"  baseline, {name}: {mean:.1f} (s.e. {se:.1f}): people {', '.join(map(str, people))}")
        return "\n".join(lines) + "\n"


def _labels(people: int, source: IntArray, target: IntArray) -> IntArray:
    """Connected-component labels (the smallest member) by pointer jumping over the kept ties."""
    labels = np.arange(people)
    while True:
        low = np.minimum(labels[source], labels[target])
        changed = np.zeros(people, np.int64) + labels
        np.minimum.at(changed, source, low)
        np.minimum.at(changed, target, low)
        changed = changed[changed]  # jump to the label's label
        if np.array_equal(changed, labels):
            return labels
        labels = changed


def component_samples(graph: StaffGraph, p: float, samples: int, seed: int) -> tuple[IntArray, IntArray]:
    """Percolated copies of the network: each person's component in each sample, and each component's size.

    Parameters
    ----------
    graph
        The staff network.
    p
        Chance each tie is kept.
    samples
        How many copies.
    seed
        Sample i keeps its ties by ``SeedSequence(seed, spawn_key=(i,))``.

    Returns
    -------
    tuple of numpy.ndarray
        Labels (samples x people) and sizes (samples x people: the size of the component a label names).
    """
    source = np.repeat(np.arange(graph.people), np.diff(graph.indptr))
    target = graph.indices
    once = source < target  # one chance per tie, not one per direction
    source, target = source[once], target[once]
    labels = np.empty((samples, graph.people), np.int64)
    sizes = np.zeros((samples, graph.people), np.int64)
    for i in range(samples):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        kept = rng.random(source.size) < p
        labels[i] = _labels(graph.people, source[kept], target[kept])
        sizes[i] = np.bincount(labels[i], minlength=graph.people)
    return labels, sizes


def _reach(labels: IntArray, sizes: IntArray, people: Sequence[int]) -> FloatArray:
    """Each sample's reach from ``people``: the sizes of the distinct components holding them."""
    out = np.zeros(labels.shape[0])
    for i in range(labels.shape[0]):
        out[i] = sizes[i, np.unique(labels[i, list(people)])].sum() if people else 0.0
    return out


def place_peer_seeds(
    graph: StaffGraph,
    seeds: int,
    p: float,
    *,
    samples: int = 200,
    seed: int = 0,
    candidates: Sequence[int] | None = None,
) -> PeerPlacement:
    """The ``seeds`` people to start peer uptake (q = 1) from, picked greedily for expected final reach.

    Parameters
    ----------
    graph
        The staff network.
    seeds
        How many people start.
    p
        Chance per period that an active person passes the practice to each colleague.
    samples
        Sampled networks every candidate is judged on.
    seed
        Sample i from ``SeedSequence(seed, spawn_key=(i,))``; the random baseline from ``(samples,)``.
    candidates
        People who may start (default: everyone).

    Returns
    -------
    PeerPlacement

    Raises
    ------
    ValueError
        When ``seeds`` or ``p`` is out of range.
    """
    pool = np.asarray(list(candidates) if candidates is not None else range(graph.people), np.int64)
    if not 1 <= seeds <= pool.size or not 0 <= p <= 1:
        raise ValueError(f"need 1 to {pool.size} seeds and p from 0 to 1 (not {seeds} and {p})")
    labels, sizes = component_samples(graph, p, samples, seed)
    covered = np.zeros_like(sizes, np.bool_)
    rows = np.arange(samples)[:, None]
    chosen: list[int] = []
    gains, errors = [], []
    for _ in range(seeds):
        own = labels[:, pool]  # samples x candidates: each candidate's component
        gain = np.where(covered[rows, own], 0, sizes[rows, own]).astype(np.float64)
        mean = gain.mean(axis=0)
        mean[np.isin(pool, chosen)] = -1.0
        best = int(np.argmax(mean))  # ties: the first candidate
        chosen.append(int(pool[best]))
        gains.append(float(mean[best]))
        errors.append(standard_error(gain[:, best]))
        covered[rows[:, 0], labels[:, pool[best]]] = True
    reach = _reach(labels, sizes, chosen)
    baselines = _baselines(graph, pool, seeds, labels, sizes, (samples, seed))
    return PeerPlacement(tuple(chosen), tuple(gains), tuple(errors), float(reach.mean()), standard_error(reach),
                         samples, baselines)  # fmt: skip


def _baselines(
    graph: StaffGraph, pool: IntArray, seeds: int, labels: IntArray, sizes: IntArray, key: tuple[int, int]
) -> tuple[tuple[str, tuple[int, ...], float, float], ...]:
    degree = np.diff(graph.indptr)[pool]
    by_degree = tuple(int(v) for v in pool[np.argsort(-degree, kind="stable")[:seeds]])
    rng = np.random.default_rng(np.random.SeedSequence(key[1], spawn_key=(key[0],)))
    random = tuple(int(v) for v in rng.choice(pool, seeds, replace=False))
    found = []
    for name, people in (("most colleagues first", by_degree), ("random", random)):
        reach = _reach(labels, sizes, people)
        found.append((name, people, float(reach.mean()), standard_error(reach)))
    return tuple(found)
