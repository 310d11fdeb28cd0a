"""Rollout reach: the Monte Carlo engine (`simulate_reach`), the projection (`project_reach`) and their result.

Replicate i of a run seeded ``seed`` uses ``numpy.random.default_rng(SeedSequence(seed,
spawn_key=(i,)))``, so results are the same however replicates are split between processes.
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy
from tipframe.io.documents import from_data, to_data
from tipframe.model import ArrayData, CascadePlan, Engine, EventLog, Programme, ReachResult, Workforce
from tipframe.reach.montecarlo import GENERATIONS, Run, batch_size, run_batch
from tipframe.reach.projection import project
from tipframe.reach.scenario import PlanError, Scenario, prepare

log = logging.getLogger(__name__)

from tipframe.reach.measures import ReachSummary, summarise_reach  # noqa: E402
from tipframe.reach.peer import PeerUptake, StaffGraph, simulate_peer_uptake  # noqa: E402
from tipframe.reach.sweeps import SweepResult, SweepScenario, sweep, variant  # noqa: E402

__all__ = [
    "MemoryLimitError",
    "PeerUptake",
    "PlanError",
    "ReachResult",
    "ReachSummary",
    "StaffGraph",
    "SweepResult",
    "SweepScenario",
    "estimate_memory",
    "project_reach",
    "simulate_peer_uptake",
    "simulate_reach",
    "summarise_reach",
    "sweep",
    "variant",
]


def _versions() -> tuple[str, str]:
    from tipframe import __version__

    return __version__, np.__version__


def _run_chunk(
    plan: dict[str, Any],
    workforce: dict[str, Any],
    programme: dict[str, Any],
    seed: int,
    indices: Sequence[int],
    keep: Sequence[int],
    batch: int | None = None,
) -> tuple[list[_Compact], Any]:
    """Run some replicates; documents travel as plain data so any executor can carry them."""
    scenario = prepare(from_data(plan, CascadePlan), from_data(workforce, Workforce), from_data(programme, Programme))
    return _replicates(scenario, seed, indices, keep, batch)


@attrs.frozen(eq=False)
class _Compact:
    """What the result keeps of one replicate: small enough to gather a thousand of them."""

    run: Run  # with its per-organisation and per-trainer arrays emptied
    per_trainer: Any
    fidelity: Any
    who_ran: float
    maintenance: float


_EMPTY = np.zeros(0, np.int64)
_EMPTY_FLOAT = np.zeros(0, np.float64)


def _compact(run: Run, plan: CascadePlan) -> tuple[_Compact, Any]:
    """Reduce a replicate to its summary numbers; returns it and its per-organisation series."""
    horizon = plan.horizon
    gens = np.minimum(run.trainer_generation, GENERATIONS - 1)
    counts = np.bincount(gens, minlength=GENERATIONS)
    made = np.bincount(gens, weights=run.trainer_new_trainers, minlength=GENERATIONS)
    per_trainer = np.where(counts > 0, made / np.maximum(counts, 1), np.nan)
    who_ran = float((run.trainer_ran > 0).mean()) if run.trainer_generation.size else math.nan
    old = run.trainer_trained_at <= horizon - plan.maintenance_after
    maintenance = (
        float((run.trainer_last_start[old] >= horizon - plan.maintenance_window + 1).mean()) if old.any() else math.nan
    )
    light = attrs.evolve(
        run,
        by_organisation=_EMPTY,
        trainer_generation=_EMPTY,
        trainer_trained_at=_EMPTY,
        trainer_ran=_EMPTY,
        trainer_last_start=_EMPTY,
        trainer_new_trainers=_EMPTY_FLOAT,
        trainer_fidelity=_EMPTY_FLOAT,
    )
    return _Compact(light, per_trainer, _cohort_fidelity(run), who_ran, maintenance), run.by_organisation


def _replicates(
    scenario: Scenario, seed: int | Sequence[int], indices: Sequence[int], keep: Sequence[int], batch: int | None = None
) -> tuple[list[_Compact], Any]:
    """Run replicates in batches, summing their per-organisation series (whole numbers: any split sums alike)."""
    compacts: list[_Compact] = []
    organisation_sum = np.zeros((scenario.horizon + 1, len(scenario.organisations)), np.int64)
    size = batch or batch_size(scenario)
    for start in range(0, len(indices), size):
        part = indices[start : start + size]
        rngs = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,))) for i in part]
        for run in run_batch(scenario, rngs, [i in keep for i in part]):
            compact, by_organisation = _compact(run, scenario.plan)
            compacts.append(compact)
            organisation_sum += by_organisation
    return compacts, organisation_sum


class MemoryLimitError(ValueError):
    """A simulation that would need more memory than its limit; raised before it starts."""


def default_memory_limit() -> int:
    """Half the machine's physical memory (8 GiB where it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def estimate_memory(scenario: Scenario, replicates: int, batch: int | None = None) -> int:
    """Bytes a simulation of ``replicates`` holds at most: the series kept for every replicate, the
    per-organisation sums, and one batch being simulated."""
    periods = scenario.horizon + 1
    per_replicate = periods * (GENERATIONS + 5) * 8 * 3 // 2 + 2 * GENERATIONS * 8  # series, then their stacked copy
    organisations = periods * len(scenario.organisations) * 8 * 2
    size = batch or batch_size(scenario)
    working = size * 8 * len(scenario.organisations) * (periods + GENERATIONS) * 2
    return replicates * per_replicate + organisations + working


def _check_memory(scenario: Scenario, replicates: int, batch: int | None, limit: int | None) -> None:
    need = estimate_memory(scenario, replicates, batch)
    allowed = default_memory_limit() if limit is None else limit
    if need > allowed:
        raise MemoryLimitError(
            f"this simulation would need about {need / 2**30:.1f} GiB ({replicates:,} replicates x "
            f"{scenario.horizon + 1:,} periods x {GENERATIONS} generations kept for each, and "
            f"{len(scenario.organisations):,} organisations), more than the limit of {allowed / 2**30:.1f} GiB: "
            "use fewer replicates or a shorter horizon, or raise the limit (memory_limit, or --memory-limit)"
        )


def _chunks(count: int, parts: int) -> list[list[int]]:
    size = max(1, -(-count // max(1, parts)))
    return [list(range(start, min(count, start + size))) for start in range(0, count, size)]


def simulate_reach(
    plan: CascadePlan,
    workforce: Workforce,
    programme: Programme,
    *,
    replicates: int = 1000,
    seed: int = 0,
    keep_events: Iterable[int] = (0,),
    executor: concurrent.futures.Executor | None = None,
    chunks: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
    memory_limit: int | None = None,
) -> ReachResult:
    """Simulate the rollout ``replicates`` times.

    With an ``executor`` (any `concurrent.futures.Executor`), replicates run in ``chunks``
    batches on it (default: four per worker it reports, else 8); results are identical however
    they are split. ``keep_events`` names the replicates whose event logs are kept, for the
    dissemination graph. ``progress(done, total)`` is called as replicates finish. ``batch`` is
    how many replicates one process simulates together (default: as many as fit in about 100 MB);
    it trades memory for speed and never changes the numbers. A run whose estimated memory
    (`estimate_memory`) exceeds ``memory_limit`` bytes (default: half the machine's memory)
    raises `MemoryLimitError` before it starts. Interrupted (Ctrl-C), it cancels the work not yet
    started on the executor and stops.
    """
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    if batch is not None and batch < 1:
        raise ValueError("batch must be at least 1")
    scenario = prepare(plan, workforce, programme)
    _check_memory(scenario, replicates, batch, memory_limit)
    keep = sorted({i for i in keep_events if 0 <= i < replicates})
    compacts: list[_Compact] = []
    organisation_sum = np.zeros((plan.horizon + 1, len(scenario.organisations)), np.int64)
    if executor is None:
        size = batch or batch_size(scenario)
        for start in range(0, replicates, size):
            done, summed = _replicates(scenario, seed, range(start, min(replicates, start + size)), keep, size)
            compacts += done
            organisation_sum += summed
            if progress is not None:
                progress(len(compacts), replicates)
    else:
        workers = getattr(executor, "_max_workers", 2)
        parts = _chunks(replicates, chunks or 4 * int(workers))
        data = (to_data(plan), to_data(workforce), to_data(programme))
        futures = [executor.submit(_run_chunk, *data, seed, part, keep, batch) for part in parts]
        try:
            for future in futures:
                done, summed = future.result()
                compacts += done
                organisation_sum += summed
                if progress is not None:
                    progress(len(compacts), replicates)
        except BaseException:
            for future in futures:  # stop cleanly: nothing more starts
                future.cancel()
            raise
    log.debug("simulated %d replicates of %s", replicates, plan.id)
    return _result(scenario, compacts, organisation_sum, seed)


def project_reach(plan: CascadePlan, workforce: Workforce, programme: Programme) -> ReachResult:
    """The deterministic expected-value projection, instant, for exploring designs (docs/reach.md)."""
    scenario = prepare(plan, workforce, programme)
    values = project(scenario)
    tipframe_version, numpy_version = _versions()

    def row(name: str) -> ArrayData:
        return from_numpy(values[name][None, ...])

    return ReachResult(
        id=f"{plan.id}-projection",
        name=f"Projected reach of {plan.name}",
        engine=Engine.PROJECTION,
        plan=plan,
        workforce=workforce,
        programme=programme,
        replicates=1,
        tipframe_version=tipframe_version,
        numpy_version=numpy_version,
        organisations=scenario.organisations,
        eligible=from_numpy(scenario.eligible),
        trained=row("trained"),
        by_generation=row("by_generation"),
        by_organisation=from_numpy(values["by_organisation"]),
        trainers=row("trainers"),
        active_trainers=row("active_trainers"),
        cohorts_running=row("cohorts_running"),
        cohorts_started=row("cohorts_started"),
        organisations_started=row("organisations_started"),
        trainers_who_ran=row("trainers_who_ran"),
        maintenance=row("maintenance"),
        new_trainers_per_trainer=row("new_trainers_per_trainer"),
        mean_fidelity=row("mean_fidelity"),
    )


def _result(scenario: Scenario, compacts: list[_Compact], organisation_sum: Any, seed: int) -> ReachResult:
    plan = scenario.plan
    tipframe_version, numpy_version = _versions()
    runs = [c.run for c in compacts]

    def stack(name: str) -> ArrayData:
        return from_numpy(np.stack([getattr(run, name) for run in runs]).astype(np.int32))

    by_generation = np.stack([run.by_generation for run in runs]).astype(np.int32)
    used = int(np.max(np.nonzero(by_generation.any(axis=(0, 1)))[0], initial=0)) + 1
    per_trainer = np.stack([c.per_trainer for c in compacts])
    fidelity = np.stack([c.fidelity for c in compacts])
    events = tuple(_event_log(i, run) for i, run in enumerate(runs) if run.events is not None)
    return ReachResult(
        id=f"{plan.id}-reach",
        name=f"Simulated reach of {plan.name}",
        engine=Engine.MONTE_CARLO,
        plan=plan,
        workforce=scenario.workforce,
        programme=scenario.programme,
        seed=seed,
        replicates=len(runs),
        tipframe_version=tipframe_version,
        numpy_version=numpy_version,
        organisations=scenario.organisations,
        eligible=from_numpy(scenario.eligible),
        trained=stack("trained"),
        by_generation=from_numpy(by_generation[:, :, :used]),
        by_organisation=from_numpy(organisation_sum / len(runs)),
        trainers=stack("trainers"),
        active_trainers=stack("active_trainers"),
        cohorts_running=stack("cohorts_running"),
        cohorts_started=stack("cohorts_started"),
        organisations_started=from_numpy(
            np.array([(run.organisations_started & (scenario.eligible > 0)).sum() for run in runs], np.int64)
        ),
        trainers_who_ran=from_numpy(np.array([c.who_ran for c in compacts])),
        maintenance=from_numpy(np.array([c.maintenance for c in compacts])),
        new_trainers_per_trainer=from_numpy(per_trainer[:, :used]),
        mean_fidelity=from_numpy(fidelity[:, : used + 1]),
        events=events,
    )


def _cohort_fidelity(run: Run) -> Any:
    counts = run.cohort_count
    return np.where(counts > 0, run.cohort_fidelity_sum / np.maximum(counts, 1), np.nan)


def _event_log(replicate: int, run: Run) -> EventLog:
    e = run.events
    assert e is not None
    return EventLog(
        replicate=replicate,
        trainer_organisation=from_numpy(e.trainer_org),
        trainer_generation=from_numpy(e.trainer_generation),
        trainer_fidelity=from_numpy(e.trainer_fidelity),
        trainer_trained_at=from_numpy(e.trainer_trained_at),
        trainer_source=from_numpy(e.trainer_source),
        cohort_organisation=from_numpy(e.cohort_org),
        cohort_generation=from_numpy(e.cohort_generation),
        cohort_fidelity=from_numpy(e.cohort_fidelity),
        cohort_start=from_numpy(e.cohort_start),
        cohort_size=from_numpy(e.cohort_size),
        cohort_completers=from_numpy(e.cohort_completers),
        facilitation_cohort=from_numpy(e.facilitation_cohort),
        facilitation_trainer=from_numpy(e.facilitation_trainer),
    )
