"""Replicates into results: what a `ReachResult` keeps of each replicate, and the result itself.

Replicate i of a run seeded with ``entropy`` draws from
``numpy.random.default_rng(SeedSequence(entropy, spawn_key=(i,)))``, so its numbers do not
depend on the batch, process or executor it ran in.
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy
from tipframe.model import ArrayData, Backend, Engine, EventLog, ReachResult
from tipframe.reach.ensemble import Ensemble
from tipframe.reach.montecarlo import GENERATIONS, Run, batch_size, run_batch
from tipframe.reach.scenario import IntArray, Scenario
from tipframe.version import __version__

__all__ = ["Compact", "monte_carlo_result", "projection_result", "run_replicates"]


@attrs.frozen(eq=False)
class Compact:
    """What the result keeps of one replicate: small enough to gather a thousand of them."""

    run: Run  # with its per-organisation and per-trainer arrays emptied
    per_trainer: Any
    fidelity: Any
    who_ran: float
    maintenance: float
    #: trainer adoption, trainers idle and stopped, and setting-level maintenance (`_opportunity`)
    opportunity: tuple[float, float, float, float] = (math.nan, math.nan, math.nan, math.nan)


_EMPTY = np.zeros(0, np.int64)
_EMPTY_FLOAT = np.zeros(0, np.float64)


def _compact(run: Run, scenario: Scenario) -> tuple[Compact, Any]:
    """Reduce a replicate to its summary numbers; returns it and its per-organisation series."""
    plan = scenario.plan
    horizon = plan.horizon
    gens = np.minimum(run.trainer_generation, GENERATIONS - 1)
    counts = np.bincount(gens, minlength=GENERATIONS)
    made = np.bincount(gens, weights=run.trainer_new_trainers, minlength=GENERATIONS)
    per_trainer = np.where(counts > 0, made / np.maximum(counts, 1), np.nan)
    who_ran = float((run.trainer_ran > 0).mean()) if run.trainer_generation.size else math.nan
    window = horizon - plan.maintenance_window + 1
    # Trainers trained long enough ago who had willing people within reach in the window.
    judged = (run.trainer_trained_at <= horizon - plan.maintenance_after) & (run.trainer_last_chance >= window)
    maintenance = _share(run.trainer_last_start[judged] >= window)
    light = attrs.evolve(
        run,
        by_organisation=_EMPTY,
        trainer_generation=_EMPTY,
        trainer_trained_at=_EMPTY,
        trainer_ran=_EMPTY,
        trainer_last_start=_EMPTY,
        trainer_new_trainers=_EMPTY_FLOAT,
        trainer_fidelity=_EMPTY_FLOAT,
        trainer_chances=_EMPTY,
        trainer_last_chance=_EMPTY,
        trainer_active_from=_EMPTY,
        trainer_stop_at=_EMPTY,
        org_first_start=_EMPTY,
        org_last_start=_EMPTY,
        org_last_chance=_EMPTY,
    )
    fidelity = np.where(run.cohort_count > 0, run.cohort_fidelity_sum / np.maximum(run.cohort_count, 1), np.nan)
    compact = Compact(light, per_trainer, fidelity, who_ran, maintenance, _opportunity(run, scenario))
    return compact, run.by_organisation


def _share(flags: Any) -> float:
    """The share of True among ``flags`` (NaN when there are none)."""
    return float(flags.mean()) if flags.size else math.nan


def _opportunity(run: Run, scenario: Scenario) -> tuple[float, float, float, float]:
    """Trainer adoption, the shares of trainers idle and stopped, and setting-level maintenance.

    A trainer is judged once it has run a cohort, or has had ``adoption_after`` chances to start
    one without doing so (stopping delivering does not end its chances: people were there to
    train): adoption is the share of judged trainers who ran a cohort. Of every trainer, those
    who stopped delivering are one share, and those who never ran, were activated at least
    ``adoption_after`` periods before the horizon and were never judged are idle for lack of
    participants. An organisation is maintained when, having started a cohort before the last
    ``maintenance_window`` periods, it started another in them; it is judged when one of its
    trainers had a chance in that window.
    """
    plan = scenario.plan
    horizon = plan.horizon
    ran = run.trainer_ran > 0
    judged = ran | (run.trainer_chances >= plan.adoption_after)
    adoption = _share(ran[judged])
    count = run.trainer_chances.size
    stopped = run.trainer_stop_at <= horizon
    idle = ~judged & (run.trainer_active_from <= horizon + 1 - plan.adoption_after)
    window = horizon - plan.maintenance_window + 1
    settled = (run.org_first_start >= 0) & (run.org_first_start < window) & (run.org_last_chance >= window)
    organisations = _share(run.org_last_start[settled] >= window)
    if count == 0:
        return adoption, math.nan, math.nan, organisations
    return adoption, float(idle.sum() / count), float(stopped.sum() / count), organisations


def run_replicates(
    scenario: Scenario,
    entropy: int | Sequence[int],
    indices: Sequence[int],
    keep: Sequence[int] = (),
    batch: int | None = None,
    backend: Backend = Backend.COMPILED,
) -> tuple[list[Compact], Any]:
    """Simulate the replicates numbered ``indices``: one at a time compiled, or in batches (the reference).

    Parameters
    ----------
    scenario
        The plan made ready to run (`tipframe.reach.scenario.prepare`).
    entropy
        The run's seed, or a sequence of integers (a sweep's scenario adds its key).
    indices
        Replicate numbers: replicate i draws from ``SeedSequence(entropy, spawn_key=(i,))``.
    keep
        Replicate numbers whose event logs are kept.
    batch
        Replicates the reference engine simulates together (default: as many as fit in about
        100 MB); never changes the numbers. The compiled engine runs one at a time.
    backend
        The engine's implementation (`Backend`).

    Returns
    -------
    tuple
        Each replicate's `Compact` record, in order, and the sum of their per-organisation
        series (whole numbers, so any split sums alike).
    """
    compacts: list[Compact] = []
    organisation_sum = np.zeros((scenario.horizon + 1, len(scenario.organisations)), np.int64)
    if backend is Backend.COMPILED:
        from tipframe.reach.compiled import compiled_compact, inputs

        shared = inputs(scenario)
        for i in indices:
            rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(i,)))
            fields, by_organisation = compiled_compact(scenario, rng, i in keep, shared)
            compacts.append(Compact(*fields))
            organisation_sum += by_organisation
        return compacts, organisation_sum
    size = batch or batch_size(scenario)
    for start in range(0, len(indices), size):
        part = indices[start : start + size]
        rngs = [np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(i,))) for i in part]
        for run in run_batch(scenario, rngs, [i in keep for i in part]):
            compact, by_organisation = _compact(run, scenario)
            compacts.append(compact)
            organisation_sum += by_organisation
    return compacts, organisation_sum


def _scenario_fields(scenario: Scenario) -> dict[str, Any]:
    """What every result records of the run it came from: its documents, versions and organisations."""
    return {
        "plan": scenario.plan,
        "workforce": scenario.workforce,
        "programme": scenario.programme,
        "tipframe_version": __version__,
        "numpy_version": np.__version__,
        "organisations": scenario.organisations,
        "eligible": from_numpy(scenario.eligible),
    }


def monte_carlo_result(
    scenario: Scenario,
    compacts: Sequence[Compact],
    organisation_sum: Any,
    seed: int,
    backend: Backend = Backend.COMPILED,
) -> ReachResult:
    """The `ReachResult` of a simulation, from its replicates' records in replicate order.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    compacts, organisation_sum
        What `run_replicates` returned (gathered over every batch, in replicate order).
    seed
        The run's seed, recorded in the result.
    backend
        The engine's implementation that ran, recorded in the result (with numba's version when
        compiled).

    Returns
    -------
    ReachResult
    """
    plan = scenario.plan
    runs = [c.run for c in compacts]
    numba_version = None
    if backend is Backend.COMPILED:
        numba_version = importlib.metadata.version("numba")

    def stack(name: str) -> ArrayData:
        return from_numpy(np.stack([getattr(run, name) for run in runs]).astype(np.int32))

    by_generation = _generations([run.by_generation for run in runs], scenario.horizon)
    used = by_generation.shape[2]
    per_trainer = np.stack([c.per_trainer for c in compacts])
    fidelity = np.stack([c.fidelity for c in compacts])
    events = tuple(_event_log(i, run) for i, run in enumerate(runs) if run.events is not None)
    return ReachResult(
        id=f"{plan.id}-reach",
        name=f"Simulated reach of {plan.name}",
        engine=Engine.MONTE_CARLO,
        seed=seed,
        replicates=len(runs),
        **_scenario_fields(scenario),
        backend=backend,
        numba_version=numba_version,
        trained=stack("trained"),
        by_generation=from_numpy(by_generation),
        by_organisation=from_numpy(organisation_sum / len(runs)),
        trainers=stack("trainers"),
        active_trainers=stack("active_trainers"),
        cohorts_running=stack("cohorts_running"),
        cohorts_started=stack("cohorts_started"),
        reached=stack("reached"),
        staff_seeds=stack("staff_seeds"),
        organisations_started=from_numpy(
            np.array([(run.organisations_started & (scenario.eligible > 0)).sum() for run in runs], np.int64)
        ),
        trainers_who_ran=from_numpy(np.array([c.who_ran for c in compacts])),
        trainer_adoption=from_numpy(np.array([c.opportunity[0] for c in compacts])),
        trainers_idle=from_numpy(np.array([c.opportunity[1] for c in compacts])),
        trainers_stopped=from_numpy(np.array([c.opportunity[2] for c in compacts])),
        organisation_maintenance=from_numpy(np.array([c.opportunity[3] for c in compacts])),
        maintenance=from_numpy(np.array([c.maintenance for c in compacts])),
        new_trainers_per_trainer=from_numpy(per_trainer[:, :used]),
        mean_fidelity=from_numpy(fidelity[:, : used + 1]),
        events=events,
    )


def projection_result(scenario: Scenario, ensemble: Ensemble, seed: int) -> ReachResult:
    """The `ReachResult` of a projection: one row of expected values per parameter draw.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    ensemble
        What `project_ensemble` returned.
    seed
        The seed of the parameter draws (recorded when there is more than one draw).

    Returns
    -------
    ReachResult
        Its ``replicates`` are the draws; its ``flags`` the assumptions that fail.
    """
    plan, values = scenario.plan, ensemble.values
    by_generation, used = _fold(values["by_generation"])

    def rows(name: str) -> ArrayData:
        return from_numpy(np.asarray(values[name], np.float64))

    # The projection follows expected numbers, not trainers' opportunities: these are not modelled.
    missing = from_numpy(np.full(ensemble.draws, math.nan))
    return ReachResult(
        id=f"{plan.id}-projection",
        name=f"Projected reach of {plan.name}",
        engine=Engine.PROJECTION,
        seed=seed if ensemble.draws > 1 else None,
        replicates=ensemble.draws,
        **_scenario_fields(scenario),
        trained=rows("trained"),
        by_generation=from_numpy(by_generation[:, :, :used]),
        by_organisation=from_numpy(values["by_organisation"]),
        trainers=rows("trainers"),
        active_trainers=rows("active_trainers"),
        cohorts_running=rows("cohorts_running"),
        cohorts_started=rows("cohorts_started"),
        reached=rows("reached"),
        staff_seeds=rows("staff_seeds"),
        organisations_started=rows("organisations_started"),
        trainers_who_ran=rows("trainers_who_ran"),
        maintenance=rows("maintenance"),
        trainer_adoption=missing,
        trainers_idle=missing,
        trainers_stopped=missing,
        organisation_maintenance=missing,
        new_trainers_per_trainer=from_numpy(values["new_trainers_per_trainer"][:, :used]),
        mean_fidelity=from_numpy(values["mean_fidelity"][:, : used + 1]),
        flags=ensemble.flags,
    )


def _generations(series: list[IntArray], horizon: int) -> Any:
    """Replicates' trained by generation, stacked to the last generation any replicate reached (at least one).

    A replicate's series may stop at its own last generation (the compiled engine keeps no more),
    so a run of many replicates holds a few columns each, not all the generations counted apart."""
    used = 1
    for one in series:
        present = np.flatnonzero(one.any(axis=0))
        used = max(used, int(present[-1]) + 1 if present.size else 1)
    stacked = np.zeros((len(series), horizon + 1, used), np.int32)
    for row, one in enumerate(series):
        width = min(used, one.shape[1])
        stacked[row, :, :width] = one[:, :width]
    return stacked


def _fold(by_generation: Any) -> tuple[Any, int]:
    """Expected trained by generation, each row's generations after its last with half a person or more at the
    horizon counted with that one (as the simulation counts generations after the 63rd with it), so that
    depth counts generations someone is expected in; and how many generations are left."""
    present = by_generation[:, -1, :] >= 0.5
    last = np.where(present.any(axis=1), by_generation.shape[2] - 1 - np.argmax(present[:, ::-1], axis=1), 0)
    folded = np.array(by_generation, np.float64)
    for row, cut in enumerate(last):
        folded[row, :, cut] += folded[row, :, cut + 1 :].sum(axis=1)
        folded[row, :, cut + 1 :] = 0.0
    return folded, int(last.max(initial=0)) + 1


def _event_log(replicate: int, run: Run) -> EventLog:
    e = run.events
    if e is None:
        raise ValueError(f"replicate {replicate} kept no events")
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
