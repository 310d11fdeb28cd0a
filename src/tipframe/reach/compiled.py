"""The compiled cascade backend: a replicate's inputs for the numba kernel, and its `Run` from the kernel's tables.

The kernel (``tipframe.reach.cascade_kernel``) simulates one replicate at a time: batching buys
nothing once the loop is compiled, and one replicate's tables are small. Its first draws (the
replicate's parameters and who is willing) are the reference engine's, from the same generator
in the same order; the rest come in the kernel's own order, so a replicate's numbers differ
from the reference engine's while their distribution is the same (tests/reach/test_backends.py).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numba
import numpy as np

from tipframe.model import Distribution
from tipframe.reach.montecarlo import GENERATIONS, Events, Run
from tipframe.reach.scenario import FloatArray, IntArray, Scenario

__all__ = ["compiled_compact", "inputs"]


class Shared(NamedTuple):
    """What every replicate of a scenario shares, worked out once: arrays for the kernel, and the rest."""

    org: tuple[IntArray, ...]
    settings: IntArray
    whole: IntArray  # tiers' whole numbers: cohort size, facilitators, concurrent, total, delay
    floors: FloatArray
    judging: IntArray  # horizon, adoption after, maintenance after, first period of the window
    uptakes: FloatArray | None  # the uptakes and a hire's chance to be willing, when none is drawn
    hires: FloatArray | None
    seeds: IntArray


def inputs(scenario: Scenario) -> Shared:
    """What every replicate of ``scenario`` shares (see `Shared`)."""
    ranks = (
        np.argsort(np.argsort(np.array(scenario.organisations))).astype(np.int64)
        if scenario.organisations
        else np.zeros(0, np.int64)
    )
    org = (
        scenario.eligible.astype(np.int64),
        ranks,
        scenario.component.astype(np.int64),
        scenario.partner_indptr.astype(np.int64),
        scenario.partner_indices.astype(np.int64),
    )
    plan = scenario.plan
    width = 2 if scenario.retakes is None else scenario.retakes + 1
    settings = np.array(
        [scenario.horizon, scenario.cohort_periods, scenario.min_group, width, scenario.retakes is not None,
         plan.seeds_are_staff, plan.adoption_after, plan.horizon - plan.maintenance_window + 1],
        np.int64,
    )  # fmt: skip
    _turnover, tiers = scenario.draw(None)
    whole = np.array([[t.cohort_size, t.facilitators, t.concurrent, t.total, t.delay] for t in tiers], np.int64)
    fixed = all(p.distribution is Distribution.FIXED for p in scenario.uptake_parameters)
    uptakes = scenario.uptakes(None) if fixed else None
    judging = np.array(
        [plan.horizon, plan.adoption_after, plan.maintenance_after, plan.horizon - plan.maintenance_window + 1],
        np.int64,
    )
    return Shared(
        org, settings, whole, np.array([t.floor for t in tiers], np.float64), judging, uptakes,
        scenario.mean_uptake(uptakes) if uptakes is not None else None, scenario.seeds.astype(np.int64),
    )  # fmt: skip


def _real(scenario: Scenario, rng: np.random.Generator, floors: FloatArray) -> tuple[float, FloatArray]:
    """Turnover and the tiers' real numbers for one replicate (`Scenario.drawn`), with their floors."""
    turnover, values = scenario.drawn(rng)
    real = np.empty((floors.size, 5), np.float64)
    real[:, :4] = values
    real[:, 4] = floors
    return turnover, real


def _simulate(scenario: Scenario, rng: np.random.Generator, shared: Shared) -> Any:
    """The kernel's tables for one replicate: its parameters and uptake drawn first, as the reference draws them."""
    from tipframe.reach.cascade_kernel import cascade_replicate

    turnover, real = _real(scenario, rng, shared.floors)
    uptakes = shared.uptakes if shared.uptakes is not None else scenario.uptakes(rng)
    willing = scenario.willing(rng, uptakes)
    hires = shared.hires if shared.hires is not None else scenario.mean_uptake(uptakes)
    tiers = (shared.whole, real)
    return cascade_replicate(rng, shared.org, tiers, willing, hires, shared.seeds, shared.settings, float(turnover))


def _events(scenario: Scenario, ti: Any, tf: Any, ci: Any, cf: Any, facilitations: Any) -> Events:
    """A replicate's event log from the kernel's tables (views: the tables belong to this replicate alone)."""
    from tipframe.reach import cascade_kernel as k

    completers = ci[:, k.C_COMPLETERS]
    completers[ci[:, k.C_START] + scenario.cohort_periods - 1 > scenario.horizon] = -1
    return Events(
        trainer_org=ti[k.ORG], trainer_generation=ti[k.GEN], trainer_fidelity=tf[k.FID],
        trainer_trained_at=ti[k.TRAINED_AT], trainer_source=ti[k.SOURCE],
        cohort_org=ci[:, k.C_ORG], cohort_generation=ci[:, k.C_GEN], cohort_fidelity=cf,
        cohort_start=ci[:, k.C_START], cohort_size=ci[:, k.C_SIZE], cohort_completers=completers,
        facilitation_cohort=facilitations[:, 0], facilitation_trainer=facilitations[:, 1],
    )  # fmt: skip


@numba.njit(cache=True)
def _share(flags: Any) -> float:  # pragma: no cover - compiled
    return flags.sum() / flags.size if flags.size else math.nan


@numba.njit(cache=True)
def _summary(ti: Any, tf: Any, marks: Any, judging: Any) -> Any:  # pragma: no cover - compiled
    """What `tipframe.reach.results` keeps of a replicate, worked out as its ``_compact`` and ``_opportunity``
    do: new trainers per trainer by generation, who ran, maintenance, adoption, idle, stopped, settings."""
    horizon, adoption_after, maintenance_after, window = judging[0], judging[1], judging[2], judging[3]
    n = ti.shape[1]
    counts = np.zeros(GENERATIONS, np.int64)
    made = np.zeros(GENERATIONS, np.float64)
    for i in range(n):
        g = min(ti[1, i], GENERATIONS - 1)
        counts[g] += 1
        made[g] += tf[1, i]
    per_trainer = np.full(GENERATIONS, np.nan)
    for g in range(GENERATIONS):
        if counts[g] > 0:
            per_trainer[g] = made[g] / counts[g]
    ran = ti[6] > 0
    judged = (ti[7] <= horizon - maintenance_after) & (ti[13] >= window)
    maintenance = _share(ti[9][judged] >= window)
    adopting = ran | (ti[12] >= adoption_after)
    adoption = _share(ran[adopting])
    idle = ~adopting & (ti[2] <= horizon + 1 - adoption_after)
    first, last, chance = marks[1], marks[2], marks[3]
    settled = (first >= 0) & (first < window) & (chance >= window)
    organisations = _share(last[settled] >= window)
    if n == 0:
        return per_trainer, math.nan, maintenance, adoption, math.nan, math.nan, organisations
    stopped = (ti[3] <= horizon).sum() / n
    return per_trainer, ran.sum() / n, maintenance, adoption, idle.sum() / n, stopped, organisations


def _reached(by_gen: IntArray) -> IntArray:
    """The series by generation up to the last generation trained (a copy: it is kept, the whole array is not)."""
    present = np.flatnonzero(by_gen.any(axis=0))
    kept: IntArray = by_gen[:, : int(present[-1]) + 1 if present.size else 1].copy()
    return kept


def compiled_compact(
    scenario: Scenario, rng: np.random.Generator, keep_events: bool, shared: Shared | None = None
) -> tuple[tuple[Any, ...], Any]:
    """One replicate with the compiled kernel, reduced to what a result keeps (``results.Compact``'s fields).

    Parameters
    ----------
    scenario
        The plan made ready to run.
    rng
        The replicate's generator.
    keep_events
        Whether to keep its event log.
    shared
        What `inputs` returned for this scenario (worked out here when not given).

    Returns
    -------
    tuple
        The fields of its ``Compact`` record (the run, new trainers per trainer, fidelity, who ran,
        maintenance, opportunity), and its per-organisation series.
    """
    from tipframe.reach import cascade_kernel as k

    shared = shared if shared is not None else inputs(scenario)
    series, by_gen, by_org, ti, tf, ci, cf, facilitations, marks = _simulate(scenario, rng, shared)
    per_trainer, who_ran, maintenance, adoption, idle, stopped, organisations = _summary(ti, tf, marks, shared.judging)
    cohort_gens = np.minimum(ci[:, k.C_GEN], GENERATIONS - 1)
    cohort_count = np.bincount(cohort_gens, minlength=GENERATIONS)
    fidelity_sum = np.bincount(cohort_gens, weights=cf, minlength=GENERATIONS).astype(np.float64)
    empty, empty_float = np.zeros(0, np.int64), np.zeros(0, np.float64)
    light = Run(
        trained=series[:, k.S_TRAINED], by_generation=_reached(by_gen), by_organisation=empty,
        trainers=series[:, k.S_TRAINERS], active_trainers=series[:, k.S_ACTIVE], cohorts_running=series[:, k.S_RUNNING],
        cohorts_started=series[:, k.S_STARTED], organisations_started=marks[0], trainer_generation=empty,
        trainer_trained_at=empty, trainer_ran=empty, trainer_last_start=empty, trainer_new_trainers=empty_float,
        trainer_fidelity=empty_float, cohort_count=cohort_count, cohort_fidelity_sum=fidelity_sum,
        events=_events(scenario, ti, tf, ci, cf, facilitations) if keep_events else None,
        reached=series[:, k.S_REACHED], staff_seeds=series[:, k.S_SEEDS], trainer_chances=empty,
        trainer_last_chance=empty, trainer_active_from=empty, trainer_stop_at=empty, org_first_start=empty,
        org_last_start=empty, org_last_chance=empty,
    )  # fmt: skip
    fidelity = np.where(cohort_count > 0, fidelity_sum / np.maximum(cohort_count, 1), np.nan)
    opportunity = (adoption, idle, stopped, organisations)
    return (light, per_trainer, fidelity, who_ran, maintenance, opportunity), by_org
