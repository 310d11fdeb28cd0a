"""The compiled cascade backend: a replicate's inputs for the numba kernel, and its `Run` from the kernel's tables.

The kernel (``tipframe.reach.cascade_kernel``) simulates one replicate at a time: batching buys
nothing once the loop is compiled, and one replicate's tables are small. Its first draws (the
replicate's parameters and who is willing) are the reference engine's, from the same generator
in the same order; the rest come in the kernel's own order, so a replicate's numbers differ
from the reference engine's while their distribution is the same (tests/reach/test_backends.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.reach.montecarlo import GENERATIONS, Events, Run
from tipframe.reach.scenario import IntArray, Scenario

__all__ = ["compiled_replicate", "inputs"]


def inputs(scenario: Scenario) -> tuple[Any, int]:
    """What every replicate of ``scenario`` shares: the organisation arrays, and the settings."""
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
    width = 2 if scenario.retakes is None else scenario.retakes + 1
    settings = np.array(
        [scenario.horizon, scenario.cohort_periods, scenario.min_group, width, scenario.retakes is not None,
         scenario.plan.seeds_are_staff],
        np.int64,
    )  # fmt: skip
    return (org, settings), width


def _tiers(tiers: list[Any]) -> tuple[IntArray, Any]:
    whole = np.array([[t.cohort_size, t.facilitators, t.concurrent, t.total, t.delay] for t in tiers], np.int64)
    real = np.array([[t.attrition, t.completion, t.conversion, t.retention, t.floor] for t in tiers], np.float64)
    return whole, real


def compiled_replicate(scenario: Scenario, rng: np.random.Generator, keep_events: bool, shared: Any = None) -> Run:
    """Simulate one replicate of ``scenario`` with the compiled kernel.

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
    Run
    """
    from tipframe.reach.cascade_kernel import cascade_replicate

    (org, settings), _width = shared if shared is not None else inputs(scenario)
    turnover, tiers = scenario.draw(rng)
    uptakes = scenario.uptakes(rng)
    willing = scenario.willing(rng, uptakes)
    hires = scenario.mean_uptake(uptakes)
    seeds = scenario.seeds.astype(np.int64)
    out = cascade_replicate(rng, org, _tiers(tiers), willing.astype(np.int64), hires, seeds, settings, float(turnover))
    return _run(scenario, out, keep_events)


def _run(scenario: Scenario, out: Any, keep_events: bool) -> Run:
    """The kernel's output as a `Run`, numbered as the reference engine numbers it."""
    from tipframe.reach import cascade_kernel as k

    series, by_gen, by_org, ti, tf, ci, cf, facilitations, marks = out
    cohort_gens = np.minimum(ci[:, k.C_GEN], GENERATIONS - 1)
    events = None
    if keep_events:
        completers = ci[:, k.C_COMPLETERS].copy()
        completers[ci[:, k.C_START] + scenario.cohort_periods - 1 > scenario.horizon] = -1
        events = Events(
            trainer_org=ti[k.ORG].copy(), trainer_generation=ti[k.GEN].copy(),
            trainer_fidelity=tf[k.FID].copy(), trainer_trained_at=ti[k.TRAINED_AT].copy(),
            trainer_source=ti[k.SOURCE].copy(),
            cohort_org=ci[:, k.C_ORG].copy(), cohort_generation=ci[:, k.C_GEN].copy(), cohort_fidelity=cf.copy(),
            cohort_start=ci[:, k.C_START].copy(), cohort_size=ci[:, k.C_SIZE].copy(), cohort_completers=completers,
            facilitation_cohort=facilitations[:, 0].copy(), facilitation_trainer=facilitations[:, 1].copy(),
        )  # fmt: skip
    return Run(
        trained=series[:, k.S_TRAINED].copy(),
        by_generation=by_gen,
        by_organisation=by_org,
        trainers=series[:, k.S_TRAINERS].copy(),
        active_trainers=series[:, k.S_ACTIVE].copy(),
        cohorts_running=series[:, k.S_RUNNING].copy(),
        cohorts_started=series[:, k.S_STARTED].copy(),
        organisations_started=marks[0],
        trainer_generation=ti[k.GEN].copy(),
        trainer_trained_at=ti[k.TRAINED_AT].copy(),
        trainer_ran=ti[k.TOTAL].copy(),
        trainer_last_start=ti[k.LAST_START].copy(),
        trainer_new_trainers=tf[k.NEW].copy(),
        trainer_fidelity=tf[k.FID].copy(),
        cohort_count=np.bincount(cohort_gens, minlength=GENERATIONS),
        cohort_fidelity_sum=np.bincount(cohort_gens, weights=cf, minlength=GENERATIONS).astype(np.float64),
        events=events,
        reached=series[:, k.S_REACHED].copy(),
        staff_seeds=series[:, k.S_SEEDS].copy(),
        trainer_chances=ti[k.CHANCES].copy(),
        trainer_last_chance=ti[k.LAST_CHANCE].copy(),
        trainer_active_from=ti[k.ACTIVE_FROM].copy(),
        trainer_stop_at=ti[k.STOP_AT].copy(),
        org_first_start=marks[1],
        org_last_start=marks[2],
        org_last_chance=marks[3],
    )
