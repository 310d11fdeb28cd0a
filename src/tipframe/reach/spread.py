"""Peer uptake replicate by replicate: the numpy reference engine, and the share of a run one process takes.

`run_part` runs some of a run's replicates (or, with blocks, some of its blocks of 64) in this
process or in a worker: each replicate (or block) draws from its own generator, so a run's
numbers do not depend on how its parts are shared out. The network travels as `Ties`, its
compressed sparse rows alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from tipframe.reach.columns import BoolArray
from tipframe.reach.resources import CHUNK
from tipframe.reach.scenario import IntArray


class Ties(NamedTuple):
    """A network's ties as compressed sparse rows (``StaffGraph.indptr``, ``StaffGraph.indices``)."""

    indptr: IntArray
    indices: IntArray

    @property
    def people(self) -> int:
        """How many people."""
        return int(self.indptr.size) - 1


def sorted_unique(values: IntArray) -> IntArray:
    """The distinct values, sorted: what `numpy.unique` gives, by a sort and a mask.

    numpy 2's `numpy.unique` hashes integers before sorting them, many times slower here (10
    million ids: seconds against a tenth of one) for the same result.
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    result: IntArray = ordered[keep]
    return result


def _neighbours(graph: Ties, people: IntArray) -> IntArray:
    starts = graph.indptr[people]
    lengths = graph.indptr[people + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    offsets += np.arange(total)  # in place: one array of the ties' size less
    result: IntArray = graph.indices[offsets]
    return result


def _pieces(ties: IntArray) -> list[tuple[int, int]]:
    """Slices of the active people, given their ties summed in order, holding at most `CHUNK` people and
    `CHUNK` ties each (one person with more ties is a slice alone)."""
    if not ties.size or (ties[-1] <= CHUNK and ties.size <= CHUNK):
        return [(0, int(ties.size))]
    bounds = [0]
    while bounds[-1] < ties.size:
        lo = bounds[-1]
        done = int(ties[lo - 1]) if lo else 0
        hi = min(lo + CHUNK, int(np.searchsorted(ties, done + CHUNK, side="right")))
        bounds.append(max(lo + 1, hi))
    return list(itertools.pairwise(bounds))


def _draw(
    graph: Ties, people: IntArray, trained: BoolArray, p: float, rng: np.random.Generator, skipped: int
) -> IntArray | None:
    """The untrained colleagues ``people`` reach (with repeats); None, drawing nothing, when none is within
    reach. ``skipped`` ties before these had nobody within reach: they are drawn for first, in order."""
    targets = _neighbours(graph, people)
    open_ = ~trained[targets]
    if not open_.any():
        return None
    for start in range(0, skipped, CHUNK):
        rng.random(min(CHUNK, skipped - start))
    open_ &= rng.random(targets.size) < p
    found: IntArray = targets[open_]
    return found


def _reach(
    graph: Ties,
    degree: IntArray,
    active: IntArray,
    marks: tuple[BoolArray, BoolArray],
    p: float,
    rng: np.random.Generator,
) -> IntArray | None:
    """The untrained colleagues ``active`` people reach this period, sorted and distinct; None when nobody
    untrained is within their reach (nothing is drawn then). ``marks`` are who is trained, and a blank
    mark for those reached.

    Ties are taken `CHUNK` at a time, so that the period's working arrays stay small, and drawn for
    in order: the draws are those of one draw over every tie, whatever the pieces.
    """
    trained, seen = marks
    ties = degree[active]
    np.cumsum(ties, out=ties)
    many = int(ties[-1]) * p > graph.people // 16  # then mark those reached rather than gather and sort them
    found: list[IntArray] = []
    skipped, live = 0, False
    for lo, hi in _pieces(ties):
        hits = _draw(graph, active[lo:hi], trained, p, rng, 0 if live else skipped)
        if hits is None and not live:
            skipped = int(ties[hi - 1])  # drawn for only if someone later is within reach
            continue
        live = True
        if hits is None:  # nobody untrained here: the draws are taken all the same
            rng.random(int(ties[hi - 1]) - (int(ties[lo - 1]) if lo else 0))
        elif many:
            seen[hits] = True
        else:
            found.append(hits)
    if not live:
        return None
    if not many:
        return sorted_unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
    reached: IntArray = np.flatnonzero(seen)
    seen[reached] = False
    return reached


def _period(
    graph: Ties, degree: IntArray, active: IntArray, marks: tuple[BoolArray, BoolArray], p: float, q: float,
    rng: np.random.Generator,
) -> tuple[IntArray, int] | None:  # fmt: skip
    """One period: those reached are trained and join the active, who each stop with chance q. Returns the
    next period's active people and how many were reached; None when nobody untrained is within reach."""
    reached = _reach(graph, degree, active, marks, p, rng)
    if reached is None:
        return None
    marks[0][reached] = True
    still = active[rng.random(active.size) >= q] if q < 1 else active[:0]
    return np.concatenate((still, reached)), int(reached.size)


def _replicate(
    graph: Ties,
    degree: IntArray,
    initial_active: IntArray | Sequence[int] | int,
    p: float,
    q: float,
    rng: np.random.Generator,
    limit: int,
    backend: str = "compiled",
) -> IntArray:
    """One replicate's trained people per period (index 0: the initially active), by either backend."""
    if isinstance(initial_active, int | np.integer):
        start = rng.choice(graph.people, size=int(initial_active), replace=False)
    else:
        start = sorted_unique(np.asarray(initial_active, dtype=np.int64))
    active = start.astype(np.int64)
    if backend == "compiled":
        from tipframe.reach.kernels import peer_replicate

        compiled: IntArray = peer_replicate(graph.indptr, graph.indices, active, p, q, rng, limit)
        return compiled
    marks = np.zeros(graph.people, np.bool_), np.zeros(graph.people, np.bool_)
    marks[0][start] = True
    counts = [int(marks[0].sum())]
    for _ in range(limit):
        if active.size == 0:
            break
        step = _period(graph, degree, active, marks, p, q, rng)
        if step is None:
            break  # nobody left within reach: nothing more can happen
        active, reached = step
        counts.append(counts[-1] + reached)
    return np.array(counts, np.int64)


def run_part(
    graph: Ties,
    initial_active: IntArray | int,
    chances: tuple[float, float],
    seed: int,
    units: Sequence[int],
    replicates: int,
    limit: int,
    engine: tuple[str, bool] = ("compiled", False),
) -> list[IntArray]:
    """The series of some of a run's replicates, in order: a worker's share, or the whole run.

    Parameters
    ----------
    graph
        The network.
    initial_active
        The people active at the start (distinct, sorted), or how many to choose in each replicate.
    chances
        p and q.
    seed
        The run's seed.
    units
        Replicates (replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``) or, with
        blocks, blocks of 64 (block b from ``SeedSequence(seed, spawn_key=(b,))``).
    replicates, limit
        The run's replicates (the last block holds those left) and the most periods.
    engine
        The backend, and whether replicates run in blocks.

    Returns
    -------
    list of numpy.ndarray
        Trained people per period (index 0: the initially active), one series a replicate.
    """
    backend, blocks = engine
    if blocks:
        from tipframe.reach.blocks import run_blocks

        return run_blocks(graph, initial_active, chances, seed, units, replicates, limit)
    p, q = chances
    degree = np.diff(graph.indptr) if backend == "reference" else graph.indptr[:0]  # only the reference uses it
    series = []
    for i in units:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        series.append(_replicate(graph, degree, initial_active, p, q, rng, limit, backend))
    return series
