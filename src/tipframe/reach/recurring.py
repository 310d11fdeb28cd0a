"""The recurring-format engine: meetings, cases and practitioners supported, period by period (docs/recurring.md).

Each replicate runs from its own stream, ``SeedSequence(seed, spawn_key=(i,))``, so results are
the same however replicates are split. A replicate draws the plan's four parameters first
(demand, awareness, word of mouth, facilitator attrition), then, period by period and site by
site in the plan's order: facilitators who stop, practitioners who learn of the format, new
cases and whose they are, and each meeting's capacity.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy
from tipframe.model import Programme, Workforce
from tipframe.model.feasibility import recurring_infeasibilities
from tipframe.model.fields import format_path
from tipframe.model.recurring import (
    RECURRING_SERIES,
    Capacity,
    RecurringPlan,
    RecurringResult,
    meeting_capacity,
)
from tipframe.reach.peer import StaffGraph
from tipframe.reach.recurring_network import SiteNetwork, site_network
from tipframe.reach.resources import Part, Resources, check_resources
from tipframe.reach.scenario import IntArray, PlanError, parameter_value
from tipframe.version import __version__

__all__ = ["recurring_resources", "simulate_recurring"]

# Columns of a replicate's series (RECURRING_SERIES' order).
ACCESS, MEETINGS, DISCUSSIONS, CASES, WAITING, DROPPED, SUPPORTED, RECENT, AWARE, FACILITATORS = range(10)


@attrs.frozen(eq=False)
class RecurringSetup:
    """What every replicate of a recurring plan shares: its sites, capacity and meeting calendar."""

    staff: IntArray  # eligible staff per site
    aware: IntArray  # aware at the start, per site
    facilitators: IntArray  # per site, at the start
    starts: IntArray  # per site, its first period
    capacity: Capacity
    held: IntArray  # meetings one team holds in each period 0..H (0 at period 0)
    wait: int | None
    recent: int
    parameters: tuple[Any, ...]
    #: with word of mouth per tie: the sites' practitioners in the staff network (else staff mix within a site)
    network: SiteNetwork | None = None


def _held(plan: RecurringPlan, programme: Programme) -> IntArray:
    """Meetings one team holds in each period: ``ceil(t r) - ceil((t - 1) r)``, r the meetings per period.

    The first meeting falls in period 1; the count is exact in whole seconds (months at their
    average length), so a weekly cadence over monthly periods gives 4 or 5 a month."""
    cadence = plan.cadence
    if cadence is None and programme.schedule is not None:
        cadence = programme.schedule.cadence
    if cadence is None:
        raise PlanError(
            f"plan {plan.id!r} gives no cadence, and programme {programme.id!r} has none in its schedule: give the "
            "plan a cadence (such as P1M)"
        )
    seconds = round(cadence.to_timedelta(average_months=True).total_seconds())
    rate = Fraction(round(plan.period.to_timedelta(average_months=True).total_seconds()), seconds)
    done = np.array([math.ceil(t * rate) for t in range(plan.horizon + 1)], np.int64)
    held: IntArray = np.diff(done, prepend=0)
    return held


def prepare_recurring(
    plan: RecurringPlan, workforce: Workforce, programme: Programme, base: str | os.PathLike[str] = "."
) -> RecurringSetup:
    """Check that the plan can run on its workforce and programme, and work out what replicates share.

    Parameters
    ----------
    plan, workforce, programme
        The plan and the documents it names.
    base
        The folder a staff network file is relative to (the workforce document's), for word of
        mouth per tie.

    Returns
    -------
    RecurringSetup

    Raises
    ------
    PlanError
        With every reason of `tipframe.model.feasibility.recurring_infeasibilities`, each with
        the field at fault.
    """
    problems = recurring_infeasibilities(plan, workforce, programme)
    if problems:
        raise PlanError("; ".join(f"{format_path(p.where)}: {p.message}" for p in problems))
    capacity = meeting_capacity(programme, plan)
    if capacity is None:  # pragma: no cover - recurring_infeasibilities has said so
        raise PlanError(f"plan {plan.id!r}: a meeting has no capacity")
    eligible = workforce.eligible(plan.eligible_roles)
    network = None
    if plan.word_of_mouth_per_tie is not None:  # a site's practitioners are its people in the network
        try:  # a file that cannot be read is an OSError, for the caller to report as such
            graph = StaffGraph.from_workforce(workforce, base)
        except ValueError as error:
            raise PlanError(f"word_of_mouth_per_tie: {error}") from None
        network = site_network(graph, [s.organisation for s in plan.sites])
        eligible = {
            site.organisation: int(people.size) for site, people in zip(plan.sites, network.people, strict=True)
        }
        for index, site in enumerate(plan.sites):
            if site.aware > eligible[site.organisation]:
                message = f"{site.aware} practitioners aware, but the staff network has {eligible[site.organisation]}"
                raise PlanError(f"sites[{index}].aware: {message} in {site.organisation!r}")
    return RecurringSetup(
        network=network,
        staff=np.array([eligible[site.organisation] for site in plan.sites], np.int64),
        aware=np.array([site.aware for site in plan.sites], np.int64),
        facilitators=np.array([s.facilitators for s in plan.sites], np.int64),
        starts=np.array([s.starts for s in plan.sites], np.int64),
        capacity=capacity,
        held=_held(plan, programme),
        wait=plan.wait,
        recent=plan.recent,
        parameters=plan.parameters(),
    )


def _told(staff: int, supported: int, mouth: float) -> float:
    """Chance that one unaware practitioner is told by at least one of ``supported`` colleagues."""
    if supported == 0 or staff <= 1 or mouth <= 0:
        return 0.0
    return 1.0 - (1.0 - min(1.0, mouth / (staff - 1))) ** supported


def _learn(
    rng: np.random.Generator, known: Any, order: list[IntArray], s: int, heard: IntArray, awareness: float
) -> int:
    """With a staff network: site ``s``'s practitioners who learn of the format this period, those ``heard`` from
    a colleague or by chance (``awareness``), added to ``known`` and to the site's ``order``. Returns how many."""
    candidates = np.flatnonzero(~known)
    if candidates.size == 0:
        return 0
    told = np.zeros(known.size, np.bool_)
    told[heard] = True
    learn = told[candidates]
    if awareness > 0:
        learn |= rng.random(candidates.size) < awareness
    newly = candidates[learn]
    known[newly] = True
    order[s] = np.concatenate([order[s], newly])
    return int(newly.size)


# long: one period's steps in the definition's order, over the sites; split, its state would go back and forth
def run_recurring(setup: RecurringSetup, rng: np.random.Generator) -> IntArray:
    """One replicate: its series, periods 0..H by `RECURRING_SERIES`.

    Parameters
    ----------
    setup
        From `prepare_recurring`.
    rng
        The replicate's generator.

    Returns
    -------
    numpy.ndarray
        int64, (horizon + 1, len(RECURRING_SERIES)).
    """
    demand, awareness, mouth, attrition, *per_tie = (parameter_value(p, rng) for p in setup.parameters)
    sites, periods = setup.staff.size, setup.held.size
    network = setup.network
    # Python numbers, not numpy's: a replicate does hundreds of small steps a period, and numpy's
    # scalars cost ten times as much each; the draws are the same.
    staff, starts, held = setup.staff.tolist(), setup.starts.tolist(), setup.held.tolist()
    facilitators = [f if first <= 1 else 0 for f, first in zip(setup.facilitators.tolist(), starts, strict=True)]
    aware = [a if first <= 1 else 0 for a, first in zip(setup.aware.tolist(), starts, strict=True)]
    known = [np.zeros(n, np.bool_) for n in staff]  # who is aware, with a network
    order = [np.zeros(0, np.int64) for _ in range(sites)]  # the aware in the order they learnt, with a network
    heard = [np.zeros(0, np.int64) for _ in range(sites)]  # told over the network in the last period
    out = np.zeros((periods, len(RECURRING_SERIES)), np.int64)
    queue_owner = [np.zeros(0, np.int64) for _ in range(sites)]
    queue_arrival = [np.zeros(0, np.int64) for _ in range(sites)]
    last = [np.full(n, -(1 << 40), np.int64) for n in staff]  # period each was last supported
    ever = [0] * sites  # practitioners supported so far, per site
    told = [0] * sites  # practitioners supported in the last period, per site
    capacity, wait, recent = setup.capacity, setup.wait, setup.recent
    nobody = np.zeros(0, np.int64)
    out[0, AWARE], out[0, FACILITATORS] = sum(aware), sum(facilitators)
    out[0, ACCESS] = sum(n for n, f in zip(staff, facilitators, strict=True) if f >= capacity.facilitators)
    for t in range(1, periods):
        counts = [0] * len(RECURRING_SERIES)
        supported = [nobody] * sites
        for s in range(sites):
            if starts[s] == t > 1:
                facilitators[s], aware[s] = int(setup.facilitators[s]), int(setup.aware[s])
            elif starts[s] > t:
                continue
            if network is not None and order[s].size < aware[s]:  # the first people of the site start aware
                order[s] = np.arange(aware[s], dtype=np.int64)
                known[s][order[s]] = True
            if attrition > 0 and facilitators[s] > 0:
                facilitators[s] -= int(rng.binomial(facilitators[s], attrition))
            if network is not None:
                aware[s] += _learn(rng, known[s], order, s, heard[s], awareness)
            else:
                unaware = staff[s] - aware[s]
                chance = 1.0 - (1.0 - awareness) * (1.0 - _told(staff[s], told[s], mouth))
                if unaware > 0 and chance > 0:
                    aware[s] += int(rng.binomial(unaware, min(1.0, chance)))
            new = int(rng.poisson(demand * aware[s])) if aware[s] > 0 and demand > 0 else 0
            if new:
                whose = rng.integers(0, aware[s], new)
                queue_owner[s] = np.concatenate([queue_owner[s], whose if network is None else order[s][whose]])
                queue_arrival[s] = np.concatenate([queue_arrival[s], np.full(new, t, np.int64)])
            if wait is not None and queue_arrival[s].size:  # in order of arrival: the expired are at its front
                expired = int(np.searchsorted(queue_arrival[s], t - wait, side="left"))
                queue_owner[s], queue_arrival[s] = queue_owner[s][expired:], queue_arrival[s][expired:]
                counts[DROPPED] += expired
            teams = facilitators[s] // capacity.facilitators
            meetings = teams * held[t]
            room = meetings * capacity.low
            if meetings and capacity.high > capacity.low:
                room = int(rng.integers(capacity.low, capacity.high + 1, meetings).sum())
            done = min(room, queue_owner[s].size)
            if done:
                owners = queue_owner[s][:done]
                queue_owner[s], queue_arrival[s] = queue_owner[s][done:], queue_arrival[s][done:]
                supported[s] = np.unique(owners)
                ever[s] += int((last[s][supported[s]] < 0).sum())
                last[s][supported[s]] = t
            told[s] = supported[s].size
            counts[ACCESS] += staff[s] if teams else 0
            counts[MEETINGS] += meetings
            counts[DISCUSSIONS] += done
            counts[CASES] += new
            counts[WAITING] += queue_owner[s].size
            counts[SUPPORTED] += ever[s]
            counts[RECENT] += int((last[s] > t - recent).sum()) if ever[s] else 0
        counts[AWARE], counts[FACILITATORS] = sum(aware), sum(facilitators)
        out[t] = counts
        if network is not None:
            heard = network.told(rng, supported, per_tie[0])
    return out


def recurring_resources(setup: RecurringSetup, replicates: int, workers: int = 1) -> Resources:
    """The memory and time of `simulate_recurring`, for refusing absurd runs before they start.

    Parameters
    ----------
    setup
        From `prepare_recurring`.
    replicates, workers
        How many replicates, and the processes they are shared between.

    Returns
    -------
    Resources
        Every replicate's series, held twice while they are gathered; and in each worker, a
        period number per practitioner of every site (who was supported when), and the cases
        that could be waiting (the mean demand of everyone, over the longest wait).
    """
    periods, sites = setup.held.size, setup.staff.size
    people = int(setup.staff.sum())
    # Cases waiting: at most what arrives while a case may wait (the mean demand of every practitioner, a
    # rough bound that refuses absurd demands before they run out of memory), held twice while it grows.
    mean_demand = setup.parameters[0].mean()
    span = periods if setup.wait is None else setup.wait + 1
    queue = 2 * 16 * max(1, workers) * mean_demand * people * span if math.isfinite(mean_demand) else math.inf
    parts = (
        Part("series", 2 * replicates * periods * len(RECURRING_SERIES) * 8, f"{replicates:,} replicates x "
             f"{periods:,} periods"),
        Part("practitioners", max(1, workers) * people * 8, f"{people:,} practitioners, {max(1, workers)} "
             "process(es)"),
        Part("cases waiting", int(min(queue, 2**62)), f"{mean_demand:g} new cases per practitioner per period, "
             f"waiting up to {span} periods"),
    )  # fmt: skip
    seconds = replicates * periods * sites * 5e-5 / max(1, workers)  # measured about 40 µs a site a period
    what = f"{replicates:,} replicates x {periods:,} periods, {sites} sites"
    return Resources("recurring format", what, parts, seconds, "use fewer replicates or a shorter horizon")


def _run_part(setup: RecurringSetup, seed: int, indices: Sequence[int]) -> IntArray:
    """Replicates ``indices``, stacked: (replicates, periods, series)."""
    runs = [run_recurring(setup, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))) for i in indices]
    return np.stack(runs)


def _encoded(series: IntArray) -> dict[str, Any]:
    """Each series of the stacked replicates (replicates, periods, series) as a result's field."""
    return {name: from_numpy(series[:, :, k]) for k, name in enumerate(RECURRING_SERIES)}


def simulate_recurring(
    plan: RecurringPlan,
    workforce: Workforce,
    programme: Programme,
    *,
    replicates: int = 1000,
    seed: int = 0,
    executor: concurrent.futures.Executor | None = None,
    chunks: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
    base: str | os.PathLike[str] = ".",
) -> RecurringResult:
    """Simulate a recurring format: meetings held, cases discussed and practitioners supported, with their spread.

    Parameters
    ----------
    plan, workforce, programme
        The plan, and the workforce and programme it names.
    replicates
        Independent runs; replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``.
    seed
        A non-negative integer.
    executor
        Where to run parts of the replicates (processes, say); None runs them here. The result
        is the same either way.
    chunks
        Parts to split the replicates into (default: four per worker, or one here).
    progress
        Called with (replicates done, replicates) as parts finish.
    memory_limit
        Bytes the run may take (default: `tipframe.reach.limits.default_memory_limit`); a run
        estimated to need more is refused before it starts.
    base
        The folder the workforce's staff network file is relative to (its document's folder),
        for word of mouth per tie.

    Returns
    -------
    RecurringResult

    Raises
    ------
    PlanError
        When the plan cannot run (see `prepare_recurring`).
    ValueError
        When ``replicates`` is below 1 or ``seed`` is negative.
    MemoryLimitError
        When the run's estimate (`recurring_resources`) exceeds ``memory_limit``.
    """
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, not {replicates}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed}")
    setup = prepare_recurring(plan, workforce, programme, base)
    workers = getattr(executor, "_max_workers", 1) if executor is not None else 1
    check_resources(recurring_resources(setup, replicates, workers), memory_limit)
    count = max(1, min(replicates, chunks or (4 * workers if executor is not None else 1)))
    bounds = np.linspace(0, replicates, count + 1).astype(int)
    parts = [range(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
    if executor is None:
        done, results = 0, []
        for part in parts:
            results.append(_run_part(setup, seed, part))
            done += len(part)
            if progress is not None:
                progress(done, replicates)
    else:
        futures = [executor.submit(_run_part, setup, seed, part) for part in parts]
        results = []
        for number, future in enumerate(futures):
            results.append(future.result())
            if progress is not None:
                progress(int(bounds[number + 1]), replicates)
    series = np.concatenate(results)
    return RecurringResult(
        id=f"{plan.id}-result",
        name=f"Recurring format: {plan.name}",
        plan=plan,
        workforce=workforce,
        programme=programme,
        seed=seed,
        replicates=replicates,
        tipframe_version=__version__,
        numpy_version=np.__version__,
        **_encoded(series),
    )
