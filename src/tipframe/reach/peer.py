"""Peer uptake over a staff network: people who have taken up a practice pass it to colleagues.

In each period, each person active at its start reaches each untrained colleague independently
with probability p; those reached are trained and active from the next period; then each person
who was active stops with probability q. With q = 1 this is the independent cascade (EoN's
``basic_discrete_SIR`` with transmission probability p).

The network is held as compressed sparse rows built straight from edge lists: building a
networkx graph of a million people would cost more than the simulation.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.walk import path_inside
from tipframe.model import Workforce
from tipframe.reach.columns import BoolArray
from tipframe.reach.resources import CHUNK, check_resources, exhausted, peer_resources
from tipframe.reach.scenario import IntArray


@attrs.frozen(eq=False)
class StaffGraph:
    """Who works with whom, as compressed sparse rows over people 0..n-1 (each tie in both directions)."""

    people: int
    indptr: IntArray
    indices: IntArray
    organisation: IntArray  # index into organisations, per person (-1 when unknown)
    organisations: tuple[str, ...] = ()

    @classmethod
    def from_edges(
        cls,
        people: int,
        source: Any,
        target: Any,
        organisation: Any = None,
        organisations: Sequence[str] = (),
    ) -> StaffGraph:
        """From an edge list of person ids (0..people-1); ties are undirected, repeats and self-ties dropped.

        Parameters
        ----------
        people
            How many people.
        source, target
            The two ends of each tie, as equal-length sequences of person ids.
        organisation
            Each person's organisation, as an index into ``organisations`` (default: -1,
            unknown).
        organisations
            Organisation ids.

        Returns
        -------
        StaffGraph

        Raises
        ------
        ValueError
            When the ends differ in length, an id is out of range, or ``organisation`` does not
            give one index per person.
        """
        a = np.asarray(source, dtype=np.int64)
        b = np.asarray(target, dtype=np.int64)
        if a.shape != b.shape or a.ndim != 1:
            raise ValueError("source and target must be equal-length lists of person ids")
        if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= people):
            raise ValueError(f"person ids must be between 0 and {people - 1}")
        keep = a != b
        a, b = a[keep], b[keep]
        both = np.concatenate((a, b)) * people + np.concatenate((b, a))
        both = sorted_unique(both)
        rows, cols = np.divmod(both, people)
        indptr = np.zeros(people + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=people), out=indptr[1:])
        org = np.full(people, -1, np.int64) if organisation is None else np.asarray(organisation, dtype=np.int64)
        if org.shape != (people,):
            raise ValueError("organisation must give one organisation index per person")
        return cls(
            people=people,
            indptr=indptr,
            indices=cols.astype(np.int64),
            organisation=org,
            organisations=tuple(organisations),
        )

    @classmethod
    def from_networkx(cls, graph: Any) -> StaffGraph:
        """From a networkx graph; people are numbered in the graph's node order.

        Parameters
        ----------
        graph
            Any networkx graph; ties are undirected, organisations unknown.

        Returns
        -------
        StaffGraph
        """
        nodes = list(graph.nodes())
        index = {node: i for i, node in enumerate(nodes)}
        edges = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64).reshape(-1, 2)
        return cls.from_edges(len(nodes), edges[:, 0], edges[:, 1])

    @classmethod
    def from_npz(cls, path: str | os.PathLike[str], *, sha256: str | None = None) -> StaffGraph:
        """From a .npz file with arrays ``source``, ``target`` and ``organisation`` (one per person).

        With ``sha256`` the file must have that digest: a document records it so that a result
        always names the network it ran on.

        Parameters
        ----------
        path
            The file.
        sha256
            The digest the file must have, in hexadecimal; None checks nothing.

        Returns
        -------
        StaffGraph

        Raises
        ------
        ValueError
            When the digest differs, or the arrays are not a valid edge list.
        OSError
            When the file cannot be read.
        """
        digest = file_sha256(path)
        if sha256 is not None and digest != sha256:
            raise ValueError(f"{os.fspath(path)} has SHA-256 {digest}, not the {sha256} the workforce records")
        with np.load(path, allow_pickle=False) as data:
            organisation = data["organisation"]
            return cls.from_edges(int(organisation.size), data["source"], data["target"], organisation)

    @classmethod
    def from_workforce(cls, workforce: Workforce, base: str | os.PathLike[str] = ".") -> StaffGraph:
        """The staff network a workforce document gives, inline or from its file.

        Parameters
        ----------
        workforce
            A workforce with a ``staff_network``.
        base
            The folder a network file's path is relative to (the workforce document's).

        Returns
        -------
        StaffGraph
            With the workforce's organisation ids.

        Raises
        ------
        ValueError
            When the workforce has no staff network, its file lies outside ``base`` (a link
            leading out included), or its file's digest differs.
        OSError
            When the network's file cannot be read.
        """
        network = workforce.staff_network
        if network is None:
            raise ValueError(f"workforce {workforce.id!r} has no staff_network")
        organisations = workforce.organisation_ids()
        if network.file is not None:
            path = path_inside(base, network.file)
            if path is None:
                message = f"workforce {workforce.id!r}: staff_network.file {network.file!r} leads outside {base}"
                raise ValueError(message)
            graph = cls.from_npz(path, sha256=network.sha256)
            return attrs.evolve(graph, organisations=organisations)
        index = {org: i for i, org in enumerate(organisations)}
        edges = np.array(network.edges, dtype=np.int64).reshape(-1, 2)
        people = [index[org] for org in network.people]
        return cls.from_edges(len(people), edges[:, 0], edges[:, 1], people, organisations)

    def degree(self) -> IntArray:
        """Each person's number of ties, as an array over people."""
        result: IntArray = np.diff(self.indptr)
        return result


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, in hexadecimal (what a workforce's ``staff_network.sha256`` records).

    Parameters
    ----------
    path
        The file, read in blocks.

    Returns
    -------
    str

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@attrs.frozen(eq=False)
class PeerUptake:
    """Trained people per period (index 0: the initially active), for each replicate."""

    trained: IntArray  # replicates x (periods + 1)
    p: float
    q: float
    seed: int
    #: the engine that ran: compiled (numba) or reference (numpy); the numbers are the same
    backend: str = "compiled"

    def final_size(self) -> IntArray:
        """People trained by the end of each replicate, as an array over replicates."""
        result: IntArray = self.trained[:, -1]
        return result


#: the peer engine's backends: numba-compiled, and the numpy reference the tests check it against
BACKENDS = ("compiled", "reference")


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


def _neighbours(graph: StaffGraph, people: IntArray) -> IntArray:
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
    graph: StaffGraph, people: IntArray, trained: BoolArray, p: float, rng: np.random.Generator, skipped: int
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
    graph: StaffGraph,
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
    graph: StaffGraph, degree: IntArray, active: IntArray, marks: tuple[BoolArray, BoolArray], p: float, q: float,
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
    graph: StaffGraph,
    degree: IntArray,
    initial_active: Sequence[int] | int,
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


def _graph(network: StaffGraph | Any) -> StaffGraph:
    if isinstance(network, StaffGraph):
        return network
    if isinstance(network, Workforce):
        return StaffGraph.from_workforce(network)
    return StaffGraph.from_networkx(network)


def simulate_peer_uptake(
    network: StaffGraph | Any,
    initial_active: Sequence[int] | int,
    p: float,
    q: float = 1.0,
    *,
    replicates: int = 1,
    seed: int = 0,
    max_periods: int = 10_000,
    memory_limit: int | None = None,
    time_limit: float | None = None,
    backend: str = "compiled",
) -> PeerUptake:
    """Simulate peer uptake ``replicates`` times (replicate i seeded by ``SeedSequence(seed, spawn_key=(i,))``).

    Runs until nobody is active (at most ``max_periods``); the series are padded to the longest.

    Parameters
    ----------
    network
        A `StaffGraph`, a `Workforce` with an inline staff network (for one held in a file, use
        ``StaffGraph.from_workforce(workforce, base)``), or a networkx graph.
    initial_active
        The people active at the start, or how many to choose at random in each replicate.
    p, q
        Each period, the chance that an active person reaches each untrained colleague, and
        the chance that they then stop (q = 1: the independent cascade).
    replicates, seed
        How many replicates, and the seed their random numbers come from.
    max_periods
        The most periods a replicate runs.
    memory_limit
        Bytes the run may add to this process (default `default_memory_limit`).
    time_limit
        Seconds the run may be estimated to take (default a day).
    backend
        ``"compiled"`` (numba; the first call in a process compiles, or loads the cached code)
        or ``"reference"`` (numpy): the same numbers either way, recorded in the result.

    Returns
    -------
    PeerUptake

    Raises
    ------
    ValueError
        When ``p`` or ``q`` is not a probability, ``replicates`` or ``max_periods`` is below 1,
        the people given are out of range, or the workforce has no staff network.
    MemoryLimitError, TimeLimitError
        Before it starts, when `peer_resources` exceeds ``memory_limit`` or ``time_limit``.
    """
    if not 0 <= p <= 1 or not 0 <= q <= 1:
        raise ValueError("p and q are probabilities between 0 and 1")
    if replicates < 1 or max_periods < 1:
        raise ValueError("replicates and max_periods must be at least 1")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    graph = _graph(network)
    if isinstance(initial_active, int | np.integer):
        if not 0 <= int(initial_active) <= graph.people:
            raise ValueError(f"cannot choose {initial_active} of {graph.people} people")
        initial = int(initial_active)
    else:
        chosen = sorted_unique(np.asarray(initial_active, dtype=np.int64))
        if chosen.size and (chosen[0] < 0 or chosen[-1] >= graph.people):
            raise ValueError(f"initial_active lists people outside 0 to {graph.people - 1}")
        initial = int(chosen.size)
    degree = graph.degree()
    widest = int(degree.max(initial=0))
    estimate = peer_resources(
        graph.people, int(graph.indices.size), replicates, initial=initial, p=p, q=q, max_periods=max_periods,
        widest=widest,
    )  # fmt: skip
    allowed = check_resources(estimate, memory_limit, time_limit)
    try:
        series = []
        for i in range(replicates):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
            series.append(_replicate(graph, degree, initial_active, p, q, rng, max_periods, backend))
        width = max(s.size for s in series)
        padded = np.empty((replicates, width), np.int64)
        for row, counts in enumerate(series):
            padded[row, : counts.size] = counts
            padded[row, counts.size :] = counts[-1]
    except MemoryError as error:
        raise exhausted(estimate, allowed, error) from None
    return PeerUptake(trained=padded, p=p, q=q, seed=seed, backend=backend)
