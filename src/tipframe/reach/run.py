"""The replicate driver: simulate or project a plan, check its resources first, and rerun saved results.

Every engine entry point (`simulate_reach`, sweeps, and later calibration and planning) runs
replicates through here. Replicate i of a run seeded ``seed`` uses
``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))``, so results are the same
however replicates are split between batches, processes and executors.
"""

from __future__ import annotations

import concurrent.futures
import importlib.metadata
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.documents import from_data, to_data
from tipframe.model import Backend, CascadePlan, Engine, Programme, ReachResult, Workforce
from tipframe.reach.check import CHECK, checked_flags
from tipframe.reach.ensemble import project_ensemble
from tipframe.reach.limits import MemoryLimitError, TimeLimitError, default_memory_limit
from tipframe.reach.montecarlo import batch_size
from tipframe.reach.resources import check_resources, exhausted, projection_resources, simulation_resources
from tipframe.reach.results import Records, monte_carlo_result, projection_result, run_replicates
from tipframe.reach.scenario import Scenario, prepare

__all__ = [
    "MemoryLimitError",
    "Rerun",
    "TimeLimitError",
    "check_memory",
    "default_memory_limit",
    "estimate_memory",
    "project_reach",
    "rerun",
    "simulate_reach",
    "simulate_scenario",
]

log = logging.getLogger(__name__)

#: the fields a rerun must reproduce bit for bit (with the event logs kept)
REPRODUCED = (
    "trained", "reached", "by_generation", "by_organisation", "trainers", "cohorts_started", "maintenance", "places",
    "facilitations", "organisation_trained",
)  # fmt: skip


def estimate_memory(scenario: Scenario, replicates: int, batch: int | None = None) -> int:
    """Bytes a simulation of ``replicates`` adds to this process at most (`simulation_resources` has its parts).

    Parameters
    ----------
    scenario
        The plan made ready to run.
    replicates
        How many replicates the run keeps.
    batch
        Replicates simulated together (default: as the engine chooses).

    Returns
    -------
    int
        The larger of the last batch being simulated beside the replicates kept so far, and the
        result's arrays being assembled beside every replicate's record.
    """
    return simulation_resources(scenario, replicates, batch=batch).bytes


def check_memory(scenario: Scenario, replicates: int, batch: int | None = None, limit: int | None = None) -> None:
    """Refuse a run whose `estimate_memory` exceeds ``limit`` bytes (default `default_memory_limit`).

    Parameters
    ----------
    scenario, replicates, batch
        As for `estimate_memory`.
    limit
        Bytes the run may need; None for `default_memory_limit`.

    Raises
    ------
    MemoryLimitError
        Naming the estimate, the limit and what to change.
    """
    check_resources(simulation_resources(scenario, replicates, batch=batch), limit)


def executor_workers(executor: concurrent.futures.Executor | None) -> int:
    """Processes an executor runs at once: a local pool's workers (its only record of them is private), else 1."""
    if executor is None:
        return 1
    count = getattr(executor, "_max_workers", None)
    return count if isinstance(count, int) and count > 0 else 1


def simulate_scenario(
    scenario: Scenario,
    entropy: int | Sequence[int],
    replicates: int,
    keep: Sequence[int] = (),
    backend: Backend = Backend.COMPILED,
) -> ReachResult:
    """Simulate a prepared scenario in this process: the entry point sweeps and other drivers share.

    It checks no limit: a driver estimates its whole run first (`simulation_resources`,
    `sweep_resources`) and calls `check_resources`.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    entropy
        The seed, or a sequence of integers starting with it; replicate i draws from
        ``SeedSequence(entropy, spawn_key=(i,))``.
    replicates
        How many replicates.
    keep
        Replicates whose event logs are kept.
    backend
        The engine's implementation (`Backend`).

    Returns
    -------
    ReachResult
        Its ``seed`` is the first integer of ``entropy``.
    """
    records = run_replicates(scenario, entropy, range(replicates), keep, backend=backend)
    seed = entropy if isinstance(entropy, int) else int(entropy[0])
    return monte_carlo_result(scenario, records, seed, backend)


def _run_chunk(
    plan: dict[str, Any],
    workforce: dict[str, Any],
    programme: dict[str, Any],
    seed: int,
    indices: Sequence[int],
    keep: Sequence[int],
    batch: int | None = None,
    backend: str = "compiled",
) -> Records:
    """Run some replicates in a worker; documents travel as plain data so any executor can carry them."""
    scenario = prepare(from_data(plan, CascadePlan), from_data(workforce, Workforce), from_data(programme, Programme))
    return run_replicates(scenario, seed, indices, keep, batch, Backend(backend))


def _chunks(count: int, parts: int) -> list[list[int]]:
    size = max(1, -(-count // max(1, parts)))
    return [list(range(start, min(count, start + size))) for start in range(0, count, size)]


def _backend(backend: Backend | str) -> Backend:
    try:
        return Backend(backend)
    except ValueError:
        names = ", ".join(b.value for b in Backend)
        raise ValueError(f"backend must be one of {names}, not {backend!r}") from None


def _check_arguments(replicates: int, seed: int, batch: int | None) -> None:
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    if batch is not None and batch < 1:
        raise ValueError("batch must be at least 1")


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
    time_limit: float | None = None,
    backend: Backend | str = Backend.COMPILED,
) -> ReachResult:
    """Simulate the rollout ``replicates`` times (the Monte Carlo engine; docs/reach.md defines it).

    Parameters
    ----------
    plan, workforce, programme
        The cascade plan and the documents it names.
    replicates
        How many replicates.
    seed
        Replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``.
    keep_events
        Replicates whose event logs are kept, for the dissemination graph.
    executor
        Any `concurrent.futures.Executor` (a process pool, a Dask client's executor); None runs
        here. Results are identical however replicates are split.
    chunks
        How many pieces the replicates are cut into for the executor (default: four per core of
        this machine).
    progress
        Called ``progress(done, total)`` as replicates finish.
    batch
        Replicates the reference engine simulates together in one process (default: as many as
        fit in about 100 MB); it trades memory for speed and never changes the numbers.
    memory_limit
        Bytes the run may add to this process and its workers (default `default_memory_limit`:
        half the machine's memory, or less where the process or its cgroup is limited).
    time_limit
        Seconds the run may be estimated to take (default a day: only absurd runs are refused).
    backend
        ``"compiled"`` (numba, one replicate at a time; the first run on a machine compiles,
        later ones load the compiled code) or ``"reference"`` (the numpy engine it is checked
        against). The two agree in distribution, not number for number; the result records
        which ran.

    Returns
    -------
    ReachResult
        Every replicate's series, with the plan, workforce, programme, seed and versions.

    Raises
    ------
    PlanError
        When the plan cannot run on its workforce.
    MemoryLimitError, TimeLimitError
        Before it starts, when its estimate (`simulation_resources`) exceeds a limit.
    MemoryExhaustedError
        When it runs out of memory all the same (other processes took it), naming the estimate.
    ValueError
        When ``replicates``, ``seed``, ``batch`` or a limit is out of range, or ``backend`` is unknown.
    """
    _check_arguments(replicates, seed, batch)
    backend = _backend(backend)
    scenario = prepare(plan, workforce, programme)
    keep = sorted({i for i in keep_events if 0 <= i < replicates})
    parts = _chunks(replicates, chunks or 4 * (os.cpu_count() or 2)) if executor is not None else []
    workers = min(executor_workers(executor), len(parts)) if parts else 1
    estimate = simulation_resources(
        scenario, replicates, batch=batch, workers=workers, chunk=max(map(len, parts), default=None),
        kept_events=len(keep), compiled=backend is Backend.COMPILED,
    )  # fmt: skip
    allowed = check_resources(estimate, memory_limit, time_limit)
    try:
        if executor is None:
            records = _simulate_here(scenario, seed, replicates, keep, (batch, backend), progress)
        else:
            documents = (to_data(plan), to_data(workforce), to_data(programme))
            records = _simulate_on(executor, documents, seed, parts, keep, (batch, backend), progress)
        log.debug("simulated %d replicates of %s (%s)", replicates, plan.id, backend.value)
        return monte_carlo_result(scenario, records, seed, backend)
    except MemoryError as error:
        raise exhausted(estimate, allowed, error) from error


def _simulate_here(
    scenario: Scenario,
    seed: int,
    replicates: int,
    keep: Sequence[int],
    how: tuple[int | None, Backend],
    progress: Callable[[int, int], None] | None,
) -> Records:
    """Every replicate in this process, a batch at a time (``how``: the batch size and the backend)."""
    parts: list[Records] = []
    batch, backend = how
    size = batch or (batch_size(scenario) if backend is Backend.REFERENCE else 64)
    for start in range(0, replicates, size):
        parts.append(run_replicates(scenario, seed, range(start, min(replicates, start + size)), keep, size, backend))
        if progress is not None:
            progress(min(replicates, start + size), replicates)
    return Records.join(parts)


def _simulate_on(
    executor: concurrent.futures.Executor,
    documents: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
    seed: int,
    parts: Sequence[Sequence[int]],
    keep: Sequence[int],
    how: tuple[int | None, Backend],
    progress: Callable[[int, int], None] | None,
) -> Records:
    """The replicates in ``parts`` on an executor, gathered in order; Ctrl-C cancels what has not started."""
    done: list[Records] = []
    total = sum(len(part) for part in parts)
    batch, backend = how
    futures = [executor.submit(_run_chunk, *documents, seed, part, keep, batch, backend.value) for part in parts]
    try:
        for future in futures:
            done.append(future.result())
            if progress is not None:
                progress(sum(len(part) for part in parts[: len(done)]), total)
    except BaseException:
        for future in futures:  # stop cleanly: nothing more starts
            future.cancel()
        raise
    return Records.join(done)


def project_reach(
    plan: CascadePlan,
    workforce: Workforce,
    programme: Programme,
    *,
    draws: int | None = None,
    seed: int = 0,
    check: int = CHECK,
    memory_limit: int | None = None,
    time_limit: float | None = None,
) -> ReachResult:
    """The expected-value projection over draws of the plan's distributions, faster than simulating,
    checked against a short simulation (docs/reach.md, The projection).

    Parameters
    ----------
    plan, workforce, programme
        The cascade plan and the documents it names.
    draws
        Draws of the plan's distributions, one row of expected values each (default 100); a plan
        with no distributions, or ``draws=1``, gives one row, of the parameters' means.
    seed
        Draw j uses ``SeedSequence(seed, spawn_key=(j,))``, so it has the parameters of replicate
        j of a simulation with the same seed.
    check
        Runs of the short simulation (with ``seed``) the projection is checked against (default
        200): where its median run parts from the projection by 4 points of reach or more, the
        result is flagged with the gap measured. 0 checks nothing and only estimates whether an
        early die-out opens a gap.
    memory_limit, time_limit
        As for `simulate_reach`: the projection and its check are estimated together
        (`projection_resources`) and refused before they start when they exceed either.

    Returns
    -------
    ReachResult
        One row per draw; its medians and intervals are across parameter draws (parameter
        uncertainty, not Monte Carlo error), and its ``flags`` name the assumptions that fail.

    Raises
    ------
    PlanError
        When the plan cannot run on its workforce.
    MemoryLimitError, TimeLimitError
        Before it starts, when its estimate exceeds a limit.
    ValueError
        When ``draws``, ``seed``, ``check`` or a limit is out of range.
    """
    if draws is not None and draws < 1:
        raise ValueError("draws must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    if check < 0:
        raise ValueError("check must be a non-negative whole number")
    scenario = prepare(plan, workforce, programme)
    estimate = projection_resources(scenario, draws, check)
    allowed = check_resources(estimate, memory_limit, time_limit)
    try:
        ensemble = project_ensemble(scenario, draws, seed, estimate_flags=check == 0)
        projected = projection_result(scenario, ensemble, seed)
        if check == 0:
            return projected
        simulated = simulate_scenario(scenario, seed, check)
    except MemoryError as error:
        raise exhausted(estimate, allowed, error) from error
    flags = checked_flags(scenario, projected, simulated, ensemble.die_out)
    return attrs.evolve(projected, seed=seed, flags=flags)


@attrs.frozen
class Rerun:
    """A saved result run again: what differs, and whether numpy's version differs too."""

    saved: ReachResult
    again: ReachResult
    #: the fields (of `REPRODUCED`, and ``events``) whose values differ
    different: tuple[str, ...]

    @property
    def reproduced(self) -> bool:
        """True when every reproduced field is identical, bit for bit."""
        return not self.different

    @property
    def numpy_changed(self) -> bool:
        """True when the result was made under another numpy version (numbers may then differ)."""
        return self.saved.numpy_version != np.__version__

    def changed_versions(self) -> list[tuple[str, str, str]]:
        """The libraries whose version differs from the one the result was made under: (name, then, now).

        numpy always counts; numba when the result was compiled. Numbers may then differ."""
        changed = []
        if self.numpy_changed:
            changed.append(("numpy", self.saved.numpy_version, np.__version__))
        if self.saved.numba_version is not None:
            now = importlib.metadata.version("numba")
            if now != self.saved.numba_version:
                changed.append(("numba", self.saved.numba_version, now))
        return changed


def rerun(saved: ReachResult, *, memory_limit: int | None = None) -> Rerun:
    """Run a saved result's plan again, with its seed and replicates, and compare.

    Parameters
    ----------
    saved
        A `ReachResult`, as `simulate_reach` or `project_reach` made it (or loaded from a file).
    memory_limit
        Bytes the run may add (default `default_memory_limit`).

    Returns
    -------
    Rerun
        The new result and the fields that differ (none when it reproduces).
    """
    if saved.engine is Engine.PROJECTION:
        again = project_reach(
            saved.plan,
            saved.workforce,
            saved.programme,
            draws=saved.replicates,
            seed=saved.seed or 0,
            memory_limit=memory_limit,
        )
    else:
        again = simulate_reach(
            saved.plan,
            saved.workforce,
            saved.programme,
            replicates=saved.replicates,
            seed=saved.seed or 0,
            keep_events=[log.replicate for log in saved.events],
            memory_limit=memory_limit,
            backend=saved.backend,
        )
    # a series the saved result predates (None) is not compared
    different = [f for f in REPRODUCED if getattr(saved, f) is not None and getattr(saved, f) != getattr(again, f)]
    if saved.events != again.events:
        different.append("events")
    return Rerun(saved=saved, again=again, different=tuple(different))
