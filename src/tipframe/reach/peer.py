"""Peer uptake over a staff network: people who have taken up a practice pass it to colleagues.

In each period, each person active at its start reaches each untrained colleague independently
with probability p; those reached are trained and active from the next period; then each person
who was active stops with probability q. With q = 1 this is the independent cascade (EoN's
``basic_discrete_SIR`` with transmission probability p).

The network is held as compressed sparse rows built straight from edge lists: building a
networkx graph of a million people would cost more than the simulation. The engines are
`tipframe.reach.spread` (the numpy reference, and a process's share of a run),
`tipframe.reach.kernels` (compiled, a replicate at a time) and `tipframe.reach.blocks` (compiled,
64 replicates at a time).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.walk import path_inside
from tipframe.model import Workforce
from tipframe.reach.resources import check_resources, exhausted, peer_resources
from tipframe.reach.scenario import IntArray
from tipframe.reach.spread import Ties, run_part
from tipframe.reach.spread import sorted_unique as sorted_unique


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

    def members(self, organisation: str) -> IntArray:
        """The people of one organisation, in the network's order (none when it has nobody in the network).

        Parameters
        ----------
        organisation
            An organisation id.

        Returns
        -------
        numpy.ndarray
            Person numbers, int64.
        """
        if organisation not in self.organisations:
            return np.zeros(0, np.int64)
        found: IntArray = np.flatnonzero(self.organisation == self.organisations.index(organisation)).astype(np.int64)
        return found

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
    #: the engine that ran: compiled (numba) or reference (numpy); the same in distribution, not number for number
    backend: str = "compiled"
    #: whether replicates ran 64 at a time (block b seeded by ``SeedSequence(seed, spawn_key=(b,))``)
    blocks: bool = False

    def final_size(self) -> IntArray:
        """People trained by the end of each replicate, as an array over replicates."""
        result: IntArray = self.trained[:, -1]
        return result


#: the peer engine's backends: numba-compiled, and the numpy reference the tests check it against
BACKENDS = ("compiled", "reference")


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
    blocks: bool = False,
    executor: concurrent.futures.Executor | None = None,
    chunks: int | None = None,
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
        Bytes the run may add to this process and its workers (default `default_memory_limit`).
    time_limit
        Seconds the run may be estimated to take (default a day).
    backend
        ``"compiled"`` (numba; the first call in a process compiles, or loads the cached code)
        or ``"reference"`` (numpy), recorded in the result. They draw differently (the compiled
        engine jumps from one successful tie to the next), so their numbers agree in
        distribution, not one for one; where p and q are each 0 or 1 they are the same.
    blocks
        Run replicates 64 at a time, one bit of a word each (compiled only; docs/reach.md gives
        the speed). The exception to one stream a replicate: replicates come in blocks of 64
        (the last holds those left) and block b draws from ``SeedSequence(seed, spawn_key=(b,))``,
        so the numbers differ from those without blocks but not in distribution, and are
        identical however blocks are split between processes. Recorded in the result.
    executor
        Any `concurrent.futures.Executor` (a process pool); None runs here. Results are
        identical however replicates (or blocks) are split.
    chunks
        How many pieces the replicates (or blocks) are cut into for the executor (default: one
        per worker of a local pool, else one per core of this machine); each carries the network.

    Returns
    -------
    PeerUptake

    Raises
    ------
    ValueError
        When ``p`` or ``q`` is not a probability, ``replicates`` or ``max_periods`` is below 1,
        the people given are out of range, the backend is unknown (or reference, with blocks),
        or the workforce has no staff network.
    MemoryLimitError, TimeLimitError
        Before it starts, when `peer_resources` exceeds ``memory_limit`` or ``time_limit``.
    """
    if not 0 <= p <= 1 or not 0 <= q <= 1:
        raise ValueError("p and q are probabilities between 0 and 1")
    if replicates < 1 or max_periods < 1:
        raise ValueError("replicates and max_periods must be at least 1")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if blocks and backend != "compiled":
        raise ValueError(f"blocks run compiled only, not with backend {backend!r}")
    graph = _graph(network)
    initial = _initial(graph, initial_active)
    parts = _shares(-(-replicates // 64) if blocks else replicates, executor, chunks)  # blocks of 64, or replicates
    workers = min(_pool(executor), len(parts)) if executor is not None else 1
    started = initial if isinstance(initial, int) else int(initial.size)
    estimate = peer_resources(
        graph.people, int(graph.indices.size), replicates, initial=started, p=p, q=q, max_periods=max_periods,
        widest=int(graph.degree().max(initial=0)) if backend == "reference" else 0, blocks=blocks, workers=workers,
        compiled=backend == "compiled",
    )  # fmt: skip
    allowed = check_resources(estimate, memory_limit, time_limit)
    ties = Ties(graph.indptr, graph.indices)
    arguments = (ties, initial, (p, q), seed)
    run = replicates, max_periods, (backend, blocks)
    try:
        if executor is None:
            series = run_part(*arguments, parts[0], *run)
        else:
            series = _gathered([executor.submit(run_part, *arguments, part, *run) for part in parts])
        trained = _padded(series)
    except MemoryError as error:
        raise exhausted(estimate, allowed, error) from None
    return PeerUptake(trained=trained, p=p, q=q, seed=seed, backend=backend, blocks=blocks)


def _initial(graph: StaffGraph, initial_active: Sequence[int] | int) -> IntArray | int:
    """How many people to choose in each replicate, or those given, distinct and sorted; checked."""
    if isinstance(initial_active, int | np.integer):
        if not 0 <= int(initial_active) <= graph.people:
            raise ValueError(f"cannot choose {initial_active} of {graph.people} people")
        return int(initial_active)
    chosen = sorted_unique(np.asarray(initial_active, dtype=np.int64))
    if chosen.size and (chosen[0] < 0 or chosen[-1] >= graph.people):
        raise ValueError(f"initial_active lists people outside 0 to {graph.people - 1}")
    return chosen


def _pool(executor: concurrent.futures.Executor | None) -> int:
    """Processes an executor runs at once: a local pool's workers (its only record of them is private), else
    this machine's cores."""
    count = getattr(executor, "_max_workers", None)
    return count if isinstance(count, int) and count > 0 else os.cpu_count() or 1


def _shares(units: int, executor: concurrent.futures.Executor | None, chunks: int | None) -> list[range]:
    """The replicates (or blocks) cut into pieces: one here, else ``chunks`` (default: `_pool`) for the executor."""
    pieces = 1 if executor is None else max(1, chunks or _pool(executor))
    size = -(-units // pieces)
    return [range(start, min(units, start + size)) for start in range(0, units, size)]


def _gathered(futures: list[concurrent.futures.Future[list[IntArray]]]) -> list[IntArray]:
    """The pieces' series, gathered in order; on an error or Ctrl-C, what has not started is cancelled."""
    try:
        return [counts for future in futures for counts in future.result()]
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def _padded(series: list[IntArray]) -> IntArray:
    """The series as rows, each padded with its last value to the longest."""
    width = max(s.size for s in series)
    padded = np.empty((len(series), width), np.int64)
    for row, counts in enumerate(series):
        padded[row, : counts.size] = counts
        padded[row, counts.size :] = counts[-1]
    return padded
