"""The compiled cascade backend: a replicate's inputs for the numba kernel, and its record from the kernel.

The kernel (``tipframe.reach.cascade_kernel``) simulates one replicate at a time: batching buys
nothing once the loop is compiled, and one replicate's tables are small. Its first draws (the
replicate's parameters and who is willing) are the reference engine's, from the same generator
in the same order; the rest come in the kernel's own order, so a replicate's numbers differ
from the reference engine's while their distribution is the same (tests/reach/test_backends.py).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tipframe.model import Distribution
from tipframe.reach.montecarlo import Events
from tipframe.reach.scenario import FloatArray, IntArray, Scenario

__all__ = ["compiled_record", "inputs"]


class Shared(NamedTuple):
    """What every replicate of a scenario shares, worked out once: arrays for the kernel, and the rest."""

    #: `cascade_record.replicate_into`'s inputs: (org, seeds, settings, judging, eligible), where
    #: judging is (horizon, adoption after, maintenance after, first period of the window)
    kernel: tuple[Any, ...]
    whole: IntArray  # tiers' whole numbers: cohort size, facilitators, concurrent, total, delay
    floors: FloatArray
    uptakes: FloatArray | None  # the uptakes and a hire's chance to be willing, when none is drawn
    hires: FloatArray | None


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
    kernel = (org, scenario.seeds.astype(np.int64), settings, judging, scenario.eligible.astype(np.int64))
    return Shared(
        kernel, whole, np.array([t.floor for t in tiers], np.float64), uptakes,
        scenario.mean_uptake(uptakes) if uptakes is not None else None,
    )  # fmt: skip


def _real(scenario: Scenario, rng: np.random.Generator, floors: FloatArray) -> tuple[float, FloatArray]:
    """Turnover and the tiers' real numbers for one replicate (`Scenario.drawn`), with their floors."""
    turnover, values = scenario.drawn(rng)
    real = np.empty((floors.size, 5), np.float64)
    real[:, :4] = values
    real[:, 4] = floors
    return turnover, real


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


def compiled_record(
    scenario: Scenario, rng: np.random.Generator, keep_events: bool, shared: Shared, records: Any, row: int
) -> Events | None:
    """One replicate with the compiled kernel, written to row ``row`` of ``records`` (``results.Records``).

    Its parameters and who is willing are drawn first, as the reference engine draws them; the
    kernel draws the rest and reduces the replicate to what a result keeps in the same call.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    rng
        The replicate's generator.
    keep_events
        Whether to return its event log.
    shared
        What `inputs` returned for this scenario.
    records
        Where its row goes (its per-organisation series is added to ``records.organisation_sum``).
    row
        Its row.

    Returns
    -------
    Events or None
        Its event log, when ``keep_events``.
    """
    from tipframe.reach.cascade_record import replicate_into

    turnover, real = _real(scenario, rng, shared.floors)
    uptakes = shared.uptakes if shared.uptakes is not None else scenario.uptakes(rng)
    willing = scenario.willing(rng, uptakes)
    hires = shared.hires if shared.hires is not None else scenario.mean_uptake(uptakes)
    rows = (records.series[row], records.numbers[row], records.per_trainer[row], records.fidelity[row])
    by_generation, ti, tf, ci, cf, facilitations = replicate_into(
        rng, shared.kernel, (shared.whole, real), willing, hires, float(turnover), rows, records.organisation_sum
    )
    records.put_generations(row, by_generation, by_generation.shape[1])
    return _events(scenario, ti, tf, ci, cf, facilitations) if keep_events else None
