"""Reverse-influence sampling for seed people on large staff networks (IMM: Tang, Shi and Xiao, 2015).

A reverse-reachable (RR) set is drawn by picking a person at random and walking the network
backwards, keeping each tie with chance p, up to ``depth`` steps (a period each: peer uptake with
q = 1 is the independent cascade, in which a person reached at period t passes the practice on at
t + 1). The chance that a seed set meets an RR set is its expected reach (by that period) over the
number of people (Borgs et al., 2014), so greedy maximum coverage over enough RR sets picks a set
within 1 - 1/e - epsilon of the best, with probability at least 1 - 1/n^ell; IMM's martingale
bound says how many are enough. The work is O((k + ell)(n + m) log n / epsilon^2) in expectation,
and each RR set is as large as the part of the network that reaches its person: on a network where
one person's practice reaches a large share (far above the epidemic threshold, with no ``depth``)
the sets are that large too, and `place_peer_seeds`' sampled networks are cheaper.

Block b of RR sets (``BLOCK`` sets each) draws from ``SeedSequence(seed, spawn_key=(b,))`` for the
final selection, ``(SAMPLING, b)`` for IMM's sampling phase, and ``(EVALUATION, b)`` for the sets
that estimate the chosen people's reach afresh. Memory: 4 bytes a person in a set, 4 more while
selecting, and a joined copy: 12 bytes a person at most.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numba
import numpy as np

from tipframe.reach.kernels import gap_scale, geometric_gap
from tipframe.reach.peer import StaffGraph
from tipframe.reach.scenario import IntArray

__all__ = ["BLOCK", "EVALUATION", "PROBE", "SAMPLING", "RRSets", "first_met", "grow", "imm", "imm_theta", "select"]

#: RR sets a stream draws: the sets drawn depend on the seed and how many are asked for, never on
#: how the work is split
BLOCK: Final = 1024
#: the first spawn-key word of the streams whose RR sets estimate reach apart from the choice
EVALUATION: Final = 2**32 - 2
#: the first spawn-key word of IMM's sampling phase (its lower bound on the best reach)
SAMPLING: Final = 2**32 - 3
#: sets drawn to estimate a set's size before any is kept
PROBE: Final = 32


@numba.njit(cache=True)
def _block(indptr: Any, indices: Any, p: float, depth: int, count: int, rng: Any) -> Any:  # pragma: no cover
    """``count`` RR sets: their people one after another, and where each set starts (count + 1 offsets)."""
    n = indptr.size - 1
    seen = np.zeros(n, np.int32)
    level = np.zeros(n, np.int32)
    out = np.empty(max(64, 4 * count), np.int32)
    offsets = np.zeros(count + 1, np.int64)
    size = 0
    scale = gap_scale(p)
    for s in range(count):
        mark = s + 1  # a fresh mark a set, so nothing is cleared between sets
        root = rng.integers(0, n)
        start = size
        if size + 1 > out.size:
            out = np.concatenate((out, np.empty(out.size, np.int32)))
        out[size] = root
        size += 1
        seen[root] = mark
        level[root] = 0
        head = start
        while head < size:
            person = out[head]
            head += 1
            if level[person] >= depth:
                continue
            j = indptr[person] + geometric_gap(rng, scale)
            end = indptr[person + 1]
            while j < end:  # only the ties kept: geometric gaps between them
                other = indices[j]
                if seen[other] != mark:
                    seen[other] = mark
                    level[other] = level[person] + 1
                    if size + 1 > out.size:
                        out = np.concatenate((out, np.empty(out.size, np.int32)))
                    out[size] = other
                    size += 1
                j += 1 + geometric_gap(rng, scale)
        offsets[s + 1] = size
    return out[:size].copy(), offsets


@numba.njit(cache=True)
def _cover(people: Any, offsets: Any, n: int, k: int, allowed: Any) -> Any:  # pragma: no cover - compiled
    """Greedy maximum coverage: ``k`` people (from ``allowed``), each meeting the most sets not yet met, and how
    many sets each newly meets. Ties go to the lowest person number."""
    sets = offsets.size - 1
    count = np.zeros(n, np.int64)
    for i in range(people.size):
        count[people[i]] += 1
    starts = np.zeros(n + 1, np.int64)  # person -> the sets that hold them
    for v in range(n):
        starts[v + 1] = starts[v] + count[v]
    where = starts[:-1].copy()
    holds = np.empty(people.size, np.int32)  # set numbers: fewer than 2**31 sets fit in any memory
    for s in range(sets):
        for i in range(offsets[s], offsets[s + 1]):
            holds[where[people[i]]] = s
            where[people[i]] += 1
    met = np.zeros(sets, np.bool_)
    chosen = np.full(k, -1, np.int64)
    gains = np.zeros(k, np.int64)
    for step in range(k):
        best, most = -1, -1
        for v in range(n):
            if allowed[v] and count[v] > most:
                best, most = v, count[v]
        if best < 0:
            break
        chosen[step], gains[step] = best, most
        allowed[best] = False
        for h in range(starts[best], starts[best + 1]):
            s = holds[h]
            if not met[s]:
                met[s] = True
                for i in range(offsets[s], offsets[s + 1]):
                    count[people[i]] -= 1
    return chosen, gains


@numba.njit(cache=True)
def _met(people: Any, offsets: Any, order: Any) -> Any:  # pragma: no cover - compiled
    """For each set, the first of ``order`` (as a position in it) that the set holds; len(order) when none."""
    rank = np.full(people.max() + 1 if people.size else 1, order.size, np.int64)
    for position in range(order.size - 1, -1, -1):
        if order[position] < rank.size:
            rank[order[position]] = position
    first = np.full(offsets.size - 1, order.size, np.int64)
    for s in range(offsets.size - 1):
        for i in range(offsets[s], offsets[s + 1]):
            if rank[people[i]] < first[s]:
                first[s] = rank[people[i]]
    return first


class RRSets:
    """RR sets drawn block by block, kept in one growing list (people, offsets)."""

    def __init__(self, graph: StaffGraph, p: float, depth: int, seed: int, key: tuple[int, ...] = ()) -> None:
        self.graph, self.p, self.depth, self.seed, self.key = graph, p, depth, seed, key
        self.people: list[IntArray] = []
        self.offsets: list[IntArray] = []
        self.count = 0
        self.entries = 0

    def extend(self, count: int) -> None:
        """Draw whole blocks until at least ``count`` sets are held."""
        while self.count < count:
            block = self.count // BLOCK
            rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(*self.key, block)))
            people, offsets = _block(self.graph.indptr, self.graph.indices, self.p, self.depth, BLOCK, rng)
            self.people.append(people)
            self.offsets.append(offsets[1:] + self.entries if self.offsets else offsets + self.entries)
            self.count += BLOCK
            self.entries += people.size

    def probe(self) -> float:
        """The mean size of the first ``PROBE`` sets of block 0: what a set holds, before any is kept."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(*self.key, 0)))
        people, _ = _block(self.graph.indptr, self.graph.indices, self.p, self.depth, PROBE, rng)
        return float(people.size) / PROBE

    def arrays(self) -> tuple[IntArray, IntArray]:
        """All sets held: people, and offsets (sets + 1)."""
        if len(self.people) != 1:  # joined once and kept joined: later calls join only the new blocks
            self.people = [np.concatenate(self.people) if self.people else np.zeros(0, np.int32)]
            self.offsets = [np.concatenate([np.zeros(1, np.int64), *self.offsets])]
        people: IntArray = self.people[0]
        offsets: IntArray = self.offsets[0]
        return people, offsets


def select(sets: RRSets, k: int, allowed: IntArray) -> tuple[IntArray, IntArray]:
    """Greedy maximum coverage over the sets held: people and how many sets each newly meets."""
    people, offsets = sets.arrays()
    mask = np.zeros(sets.graph.people, np.bool_)
    mask[allowed] = True
    chosen, gains = _cover(people, offsets, sets.graph.people, k, mask)
    return chosen[chosen >= 0], gains[chosen >= 0]


def first_met(sets: RRSets, order: IntArray) -> IntArray:
    """For each set held, the position in ``order`` of the first person it holds (len(order) when none)."""
    people, offsets = sets.arrays()
    return _met(people, offsets, np.asarray(order, np.int64))  # type: ignore[no-any-return]


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm_theta(n: int, k: int, epsilon: float, ell: float, lower: float) -> int:
    """RR sets IMM needs (its lambda* over a lower bound on the best expected reach).

    Parameters
    ----------
    n
        People.
    k
        Seeds.
    epsilon, ell
        Within 1 - 1/e - ``epsilon`` with probability at least 1 - 1/n^``ell``.
    lower
        A lower bound on the best expected reach (people).

    Returns
    -------
    int
    """
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (_log_choose(n, k) + ell * math.log(n) + math.log(2)))
    star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon**2
    return math.ceil(star / lower)


def imm(
    graph: StaffGraph, p: float, depth: int, seed: int, k: int, allowed: IntArray, epsilon: float, ell: float,
    most: int,
) -> tuple[IntArray, IntArray, int]:  # fmt: skip
    """IMM's sampling and selection (Tang, Shi and Xiao 2015, algorithms 1 to 3), with the final selection on
    fresh sets (Chen 2018: reusing the sampling phase's sets breaks the martingale argument).

    The sampling phase's sets draw from ``spawn_key=(SAMPLING, b)``, the final ones from ``(b,)``.
    Returns the chosen people, their coverage gains on the final sets, and how many sets that was.
    Raises MemoryError naming the need, before drawing, when more than ``most`` people in sets
    would be held.
    """
    n = graph.people
    ell = ell * (1 + math.log(2) / math.log(n))  # the union bound over both phases
    prime = math.sqrt(2) * epsilon
    lam = (2 + 2 * prime / 3) * (_log_choose(n, k) + ell * math.log(n) + math.log(math.log2(n))) * n / prime**2
    lower = 1.0
    sampling = RRSets(graph, p, depth, seed, key=(SAMPLING,))
    for i in range(1, max(2, math.ceil(math.log2(n)))):
        x = n / 2**i
        grow(sampling, math.ceil(lam / x), most)
        chosen, gains = select(sampling, k, allowed)
        if n * gains.sum() / sampling.count >= (1 + prime) * x:
            lower = n * gains.sum() / sampling.count / (1 + prime)
            break
    del sampling  # the final sets are drawn afresh, and need the memory
    final = RRSets(graph, p, depth, seed)
    grow(final, imm_theta(n, k, epsilon, ell, lower), most)
    chosen, gains = select(final, k, allowed)
    return chosen, gains, final.count


def grow(sets: RRSets, count: int, most: int) -> None:
    """Draw whole blocks up to ``count`` sets, refusing first when the people they would hold pass ``most``.

    Before any set is held, the size of a set is estimated from the first ``PROBE`` sets of block
    0 (the same sets the block then draws).
    """
    if count <= sets.count:
        return
    size = sets.entries / sets.count if sets.count else sets.probe()
    blocks = -(-count // BLOCK) * BLOCK
    need = size * blocks
    if need > most:
        raise MemoryError(
            f"reverse-influence sampling needs about {blocks:,} RR sets of {size:,.0f} people each "
            f"({need * 12 / 2**30:.1f} GiB): allow a larger epsilon, count reach by an earlier period, or use "
            "sampled networks (method='percolation')"
        )
    sets.extend(count)
