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

import math
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
    method: str = "percolation"  # or "ris": reverse-influence sampling
    sets: int = 0  # ris: RR sets the choice was made on (``samples`` is then the sets that estimate reach)
    epsilon: float = 0.0  # ris: within 1 - 1/e - epsilon of the best, with probability 1 - 1/n^ell
    period: int | None = None  # reach counted by this period (None: final reach)

    def describe(self, total: int) -> str:
        """The seeds, their gains and the baselines, as shares of ``total`` people."""
        by = "final reach" if self.period is None else f"reach by period {self.period}"
        lines = [
            f"Greedy seeds over {self.samples:,} sampled networks, for {by} (at least 1 - 1/e of the best for them):"
        ]
        if self.method == "ris":
            lines = [
                f"Greedy seeds over {self.sets:,} reverse-reachable sets, for {by} (IMM: at least 1 - 1/e - "
                f"{self.epsilon:g} of the best, with probability at least 1 - 1/n); reach estimated from "
                f"{self.samples:,} further sets:"
            ]
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
    method: str = "auto",
    period: int | None = None,
    epsilon: float = 0.5,
    memory_limit: int = 2**31,
) -> PeerPlacement:
    """The ``seeds`` people to start peer uptake (q = 1) from, picked greedily for expected reach.

    Two methods. ``percolation``: ``samples`` percolated copies of the network (a label a person
    and copy), final reach only. ``ris``: reverse-influence sampling (`tipframe.reach.ris`, IMM),
    for reach by a period too and for networks whose copies would not fit; its reach and gains are
    then estimated from as many further RR sets as the choice used (at least ``samples`` and
    10,000), apart from those the choice was made on. ``auto`` takes percolation when there is no
    ``period`` and the copies fit in 1 GiB, else RIS.

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
    method
        ``auto``, ``percolation`` or ``ris``.
    period
        Count reach by this period (``ris`` only; default: final reach).
    epsilon
        ``ris``: the guarantee's slack (smaller needs about 1/epsilon^2 more sets).
    memory_limit
        ``ris``: bytes the RR sets may take (12 a person in a set at most: 4 held, 4 while selecting, 4
        for a joined copy); refused (MemoryError, with what to change) before any set is drawn past it.

    Returns
    -------
    PeerPlacement

    Raises
    ------
    ValueError
        When ``seeds``, ``p``, ``method``, ``period`` or ``epsilon`` is out of range.
    MemoryError
        When reverse-influence sampling would need more than ``memory_limit``.
    """
    pool = np.asarray(list(candidates) if candidates is not None else range(graph.people), np.int64)
    if not 1 <= seeds <= pool.size or not 0 <= p <= 1:
        raise ValueError(f"need 1 to {pool.size} seeds and p from 0 to 1 (not {seeds} and {p})")
    if method not in ("auto", "percolation", "ris") or (period is not None and period < 0) or not 0 < epsilon < 1:
        raise ValueError(f"method is auto, percolation or ris, period at least 0, epsilon in (0, 1) (not {method!r}, "
                         f"{period}, {epsilon})")  # fmt: skip
    if method == "percolation" and period is not None:
        raise ValueError("sampled networks give final reach only: use method='ris' for reach by a period")
    if method == "ris" or (method == "auto" and (period is not None or samples * graph.people * 16 > 2**30)):
        return _ris(graph, seeds, p, pool, (max(samples, 10_000), seed), period, epsilon, memory_limit)
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
    found = []
    for name, people in _choices(graph, pool, seeds, key):
        reach = _reach(labels, sizes, people)
        found.append((name, people, float(reach.mean()), standard_error(reach)))
    return tuple(found)


def _ris(
    graph: StaffGraph, seeds: int, p: float, pool: IntArray, how: tuple[int, int], period: int | None,
    epsilon: float, memory_limit: int,
) -> PeerPlacement:  # fmt: skip
    """Seeds by IMM, with reach, gains and baselines estimated from fresh RR sets."""
    from tipframe.reach.ris import EVALUATION, RRSets, first_met, grow, imm

    evaluation, seed = how
    depth = graph.people if period is None else period
    most = memory_limit // 12  # people in sets: 4 bytes each, 4 more while selecting, and a joined copy
    if graph.people < 2:  # one person: nothing to choose, nothing to sample
        chosen, used = pool[:seeds].astype(np.int64), 0
    else:
        chosen, _, used = imm(graph, p, depth, seed, seeds, pool, epsilon, 1.0, most)
    fresh = RRSets(graph, p, depth, seed, key=(EVALUATION,))
    grow(fresh, max(evaluation, used), most)  # as many as the choice used: a small reach keeps a small s.e.
    n = graph.people

    def estimate(people: IntArray) -> tuple[IntArray, float, float]:
        first = first_met(fresh, people)
        met = float(np.mean(first < people.size))
        return first, n * met, n * math.sqrt(met * (1 - met) / first.size)

    first, reach, reach_se = estimate(chosen)
    shares = [float(np.mean(first == j)) for j in range(chosen.size)]
    gains = tuple(n * f for f in shares)
    errors = tuple(n * math.sqrt(f * (1 - f) / first.size) for f in shares)
    baselines = []
    for name, people in _choices(graph, pool, seeds, (EVALUATION + 1, seed)):
        _, mean, se = estimate(np.asarray(people, np.int64))
        baselines.append((name, people, mean, se))
    return PeerPlacement(tuple(int(v) for v in chosen), gains, errors, reach, reach_se, fresh.count,
                         tuple(baselines), "ris", used, epsilon, period)  # fmt: skip


def _choices(graph: StaffGraph, pool: IntArray, seeds: int, key: tuple[int, int]) -> list[tuple[str, tuple[int, ...]]]:
    """The baselines: the people with most colleagues, and people drawn from ``SeedSequence(key[1], spawn_key=
    (key[0],))``."""
    degree = np.diff(graph.indptr)[pool]
    by_degree = tuple(int(v) for v in pool[np.argsort(-degree, kind="stable")[:seeds]])
    rng = np.random.default_rng(np.random.SeedSequence(key[1], spawn_key=(key[0],)))
    random = tuple(int(v) for v in rng.choice(pool, seeds, replace=False))
    return [("most colleagues first", by_degree), ("random", random)]
