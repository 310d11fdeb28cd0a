"""A `PeerPlan` run: peer uptake from a document, its summary, and its per-period table.

The engine is `simulate_peer_uptake` (its replicates, streams and backends); this module turns
a plan into its arguments and its output into a `PeerResult` that reloads and reruns.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy, to_numpy
from tipframe.model import PeerPlan, PeerResult, Workforce
from tipframe.reach.measures import Estimate
from tipframe.reach.peer import StaffGraph, simulate_peer_uptake
from tipframe.reach.scenario import IntArray, PlanError
from tipframe.version import __version__

__all__ = ["PeerSummary", "describe_peer", "peer_rows", "seed_people", "simulate_peer_plan", "summarise_peer"]


def seed_people(plan: PeerPlan, graph: StaffGraph) -> IntArray:
    """The people who start: each ``seeds`` entry's first people of its organisation (the network's order), and
    ``seed_people``.

    Parameters
    ----------
    plan
        The plan.
    graph
        Its workforce's staff network.

    Returns
    -------
    numpy.ndarray
        Person numbers, sorted, each once.

    Raises
    ------
    PlanError
        When an organisation has fewer people in the network than the plan starts there, or a
        person's number is beyond the network.
    """
    chosen: list[int] = []
    for index, entry in enumerate(plan.seeds):
        members = graph.members(entry.organisation)
        if members.size < entry.people:
            raise PlanError(
                f"seeds[{index}].people: {entry.people} people start in {entry.organisation!r}, but the staff network "
                f"has {members.size} there"
            )
        chosen += members[: entry.people].tolist()
    for index, person in enumerate(plan.seed_people):
        if person >= graph.people:
            raise PlanError(f"seed_people[{index}]: person {person}, but the staff network has {graph.people} people")
    people: IntArray = np.unique(np.array(chosen + list(plan.seed_people), np.int64))
    return people


def simulate_peer_plan(
    plan: PeerPlan,
    workforce: Workforce,
    *,
    replicates: int = 1000,
    seed: int = 0,
    base: str | os.PathLike[str] = ".",
    backend: str = "compiled",
    executor: concurrent.futures.Executor | None = None,
    chunks: int | None = None,
    memory_limit: int | None = None,
) -> PeerResult:
    """Run a peer uptake plan over its workforce's staff network.

    Parameters
    ----------
    plan, workforce
        The plan and the workforce it names.
    replicates, seed
        As `simulate_peer_uptake`: replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``.
    base
        The folder the workforce's network file is relative to (its document's folder).
    backend, executor, chunks, memory_limit
        As `simulate_peer_uptake`.

    Returns
    -------
    PeerResult
        People reached by period, each replicate carried to the horizon.

    Raises
    ------
    PlanError
        When the workforce is not the one the plan names, has no staff network, its network file
        is not the one it records, or the seeds do not fit it.
    OSError
        When the network file cannot be read.
    ValueError, MemoryLimitError
        As `simulate_peer_uptake`.
    """
    if plan.workforce.removeprefix("builtin:") != workforce.id:
        raise PlanError(f"plan {plan.id!r} names workforce {plan.workforce!r}, but {workforce.id!r} was given")
    if workforce.staff_network is None:
        raise PlanError(f"workforce {workforce.id!r} has no staff_network: peer uptake needs who works with whom")
    try:  # a file that cannot be read is an OSError, for the caller to report as such
        graph = StaffGraph.from_workforce(workforce, base)
    except ValueError as error:
        raise PlanError(f"workforce {workforce.id!r}: {error}") from None
    run = simulate_peer_uptake(
        graph, seed_people(plan, graph).tolist(), plan.p, plan.q, replicates=replicates, seed=seed,
        max_periods=plan.horizon, memory_limit=memory_limit, backend=backend, executor=executor, chunks=chunks,
    )  # fmt: skip
    trained = run.trained
    if trained.shape[1] < plan.horizon + 1:  # a replicate that ended early stays where it ended
        trained = np.pad(trained, ((0, 0), (0, plan.horizon + 1 - trained.shape[1])), mode="edge")
    numba_version = None
    if backend == "compiled":
        import numba

        numba_version = numba.__version__
    return PeerResult(
        id=f"{plan.id}-result", name=f"Peer uptake: {plan.name}", plan=plan, workforce=workforce, seed=seed,
        replicates=replicates, backend=backend, people=graph.people, tipframe_version=__version__,
        numpy_version=np.__version__, numba_version=numba_version, trained=from_numpy(trained[:, : plan.horizon + 1]),
    )  # fmt: skip


@attrs.frozen
class PeerSummary:
    """A peer result's measures across replicates (`Estimate`: median, 90% interval, mean and its error)."""

    replicates: int
    people: int
    seeds: int
    reached: Estimate  # people reached by the horizon, seeds included
    share: Estimate  # of the network's people
    half_time: float  # median period by which half the network is reached (inf: in fewer than half the replicates)


def summarise_peer(result: PeerResult) -> PeerSummary:
    """The people a peer plan reaches by the horizon, and when half the network is reached.

    Parameters
    ----------
    result
        From `simulate_peer_plan`.

    Returns
    -------
    PeerSummary
    """
    trained = to_numpy(result.trained).astype(np.float64)
    final = trained[:, -1]
    people = max(result.people, 1)
    half = np.array([np.argmax(row >= people / 2) if row[-1] >= people / 2 else np.inf for row in trained])
    return PeerSummary(
        replicates=result.replicates,
        people=result.people,
        seeds=int(trained[0, 0]),
        reached=Estimate.of(final),
        share=Estimate.of(final / people),
        half_time=float(np.quantile(half, 0.5, method="higher")),  # a period: the later of the middle two
    )


def describe_peer(summary: PeerSummary, result: PeerResult) -> str:
    """The summary as text (what ``tipframe reach`` prints for a peer plan).

    Parameters
    ----------
    summary, result
        From `summarise_peer`, and the result.

    Returns
    -------
    str
        Lines ending with a newline, the last saying the numbers are modelled.
    """
    plan = result.plan
    e, s = summary.reached, summary.share
    places = max(0, 1 - math.floor(math.log10(e.mcse))) if e.mcse > 0 else 0
    if math.isinf(summary.half_time):
        half = "not reached by the median replicate"
    else:
        t = int(summary.half_time)
        half = f"period {t}" + (f" ({plan.period_label(t)})" if plan.start is not None else "")
    mean = f"mean {e.mean:,.{places}f} ± {e.mcse:,.{places}f} (Monte Carlo s.e.)" if e.n > 1 else "one replicate"
    lines = [
        f"{plan.name}  (PeerPlan {plan.id})",
        f"Monte Carlo ({result.backend}), {summary.replicates:,} replicates, seed {result.seed}; {plan.horizon:,} "
        f"periods ({plan.period}); {summary.people:,} people in the staff network, {summary.seeds} start; "
        f"p = {plan.p:g}, q = {plan.q:g}",
        "",
        f"{'reached by the horizon':<30}{e.median:,.0f} (90% interval {e.low:,.0f} to {e.high:,.0f})",
        f"{'':<30}{mean}",
        f"{'share of the network':<30}{s.median:.1%} (90% interval {s.low:.1%} to {s.high:.1%})",
        f"{'half the network reached':<30}{half}",
        "",
        "Modelled numbers: they follow from the plan's assumptions and are not observed counts.",
    ]
    return "\n".join(lines) + "\n"


def peer_rows(result: PeerResult) -> list[dict[str, Any]]:
    """Per-period rows: people reached and their share of the network, each with median, 90% interval, mean and
    Monte Carlo error (`Estimate.columns`); a ``date`` column when the plan has a start.

    Parameters
    ----------
    result
        A peer result.

    Returns
    -------
    list of dict
        One row per period, from 0.
    """
    trained = to_numpy(result.trained).astype(np.float64)
    people = max(result.people, 1)
    rows = []
    for t in range(trained.shape[1]):
        row: dict[str, Any] = {"period": t}
        if result.plan.start is not None:
            row["date"] = result.plan.period_date(t)
        row |= Estimate.of(trained[:, t]).columns("reached")
        row |= Estimate.of(trained[:, t] / people).columns("share")
        rows.append(row)
    return rows
