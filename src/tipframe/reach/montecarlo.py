"""The stochastic cascade engine: replicates in batches, vectorised over trainers, cohorts and organisations.

The model's definition is in docs/reach.md. ``run_batch`` simulates a batch of replicates
together, period by period (``tipframe.reach.batch``: the state and one method per step; step
3's cohorts in ``tipframe.reach.cohorts`` and ``tipframe.reach.places``), and returns each
replicate's record as it would be alone: a replicate draws only from its own generator, in the
order it would alone (``tipframe.reach.draws``), so its numbers do not depend on the batch it
ran in. This numpy engine is the reference implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np

from tipframe.reach.batch import GENERATIONS, Batch
from tipframe.reach.columns import BoolArray
from tipframe.reach.draws import NEVER
from tipframe.reach.scenario import FloatArray, IntArray, Scenario

__all__ = [
    "BATCH_BYTES",
    "GENERATIONS",
    "MAX_BATCH",
    "NEVER",
    "BoolArray",
    "Events",
    "Run",
    "batch_size",
    "run_batch",
    "run_replicate",
]

#: memory the per-period arrays of one batch may take (bytes); sets how many replicates run together
BATCH_BYTES: Final = 96 * 2**20
#: the most replicates simulated together in one batch
MAX_BATCH: Final = 64


@attrs.frozen(eq=False)
class Events:
    """Who trained whom in one replicate: trainers, cohorts, and which trainers facilitated which cohort."""

    trainer_org: IntArray
    trainer_generation: IntArray
    trainer_fidelity: FloatArray
    trainer_trained_at: IntArray  # 0 for seeds
    trainer_source: IntArray  # the cohort a trainer completed, -1 for seeds
    cohort_org: IntArray
    cohort_generation: IntArray
    cohort_fidelity: FloatArray
    cohort_start: IntArray
    cohort_size: IntArray
    cohort_completers: IntArray  # -1 while running at the horizon
    facilitation_cohort: IntArray
    facilitation_trainer: IntArray


@attrs.frozen(eq=False)
class Run:
    """One replicate's record: series per period (index 0 is the start) and per-trainer outcomes."""

    trained: IntArray  # (H+1,)
    by_generation: IntArray  # (H+1, generations): all GENERATIONS, or (compiled) up to the last one trained
    by_organisation: IntArray  # (H+1, organisations)
    trainers: IntArray  # (H+1,) every trainer, seeds included
    active_trainers: IntArray  # (H+1,) trainers able to deliver: activated and not stopped
    cohorts_running: IntArray  # (H+1,)
    cohorts_started: IntArray  # (H+1,)
    organisations_started: BoolArray
    trainer_generation: IntArray
    trainer_trained_at: IntArray
    trainer_ran: IntArray  # cohorts each trainer started
    trainer_last_start: IntArray  # -1 when never
    trainer_new_trainers: FloatArray  # trainers its cohorts produced, shared among co-facilitators
    trainer_fidelity: FloatArray
    cohort_count: IntArray  # cohorts started, by generation
    cohort_fidelity_sum: FloatArray  # their fidelity summed, by generation
    events: Events | None
    reached: IntArray  # (H+1,) eligible people who started (seeds aside), still in the workforce
    staff_seeds: IntArray  # (H+1,) seed trainers who are staff, still in the workforce
    places: IntArray  # (H+1,) people enrolled in the cohorts started in each period
    facilitations: IntArray  # (H+1,) facilitators of the cohorts started in each period (each cohort's team)
    trainer_chances: IntArray  # active periods each trainer had willing people within reach
    trainer_last_chance: IntArray  # the last of them (-1: none)
    trainer_active_from: IntArray
    trainer_stop_at: IntArray  # the period it stopped delivering (NEVER: it did not)
    org_first_start: IntArray  # each organisation's first and last cohort (-1: none)
    org_last_start: IntArray
    org_last_chance: IntArray  # the last period one of its active trainers had willing people within reach


def batch_size(scenario: Scenario) -> int:
    """How many replicates to simulate together: as many as fit ``BATCH_BYTES``, at most ``MAX_BATCH``."""
    per_replicate = 8 * max(1, len(scenario.organisations)) * (scenario.horizon + 1 + GENERATIONS)
    return int(min(MAX_BATCH, max(1, BATCH_BYTES // per_replicate)))


def run_replicate(scenario: Scenario, rng: np.random.Generator, *, keep_events: bool = False) -> Run:
    """Simulate one replicate of the plan with ``rng``."""
    return run_batch(scenario, [rng], [keep_events])[0]


def run_batch(
    scenario: Scenario,
    rngs: Sequence[np.random.Generator],
    keep_events: Sequence[bool],
    feeds: Sequence[IntArray] = (),
) -> list[Run]:
    """Simulate one replicate per generator, together; each gives what it would give alone. A learning pathway's
    later stage gives each replicate's previous stage's trained by period and organisation (``feeds``)."""
    batch = Batch(scenario, rngs, keep_events, feeds)
    for t in range(1, scenario.horizon + 1):
        batch.period(t)
    facilitation = batch.facilitations()
    return [_run_of(batch, r, facilitation if keep_events[r] else None) for r in range(len(rngs))]


def _run_of(batch: Batch, r: int, facilitation: tuple[IntArray, IntArray] | None) -> Run:
    """Replicate ``r``'s record, numbered as it would be alone; with its events when ``facilitation`` is given."""
    n_orgs = batch.n_orgs
    block = slice(r * n_orgs, (r + 1) * n_orgs)
    mine = batch.trainers.view("rep") == r
    cohorts = batch.cohorts.view("rep") == r

    def trainer(name: str) -> Any:
        return batch.trainers.view(name)[mine].copy()

    cohort_gens = np.minimum(batch.cohorts.view("gen")[cohorts], GENERATIONS - 1)
    series = batch.series
    return Run(
        trained=series["trained"][:, r].copy(),
        by_generation=batch.series_gen[:, r].copy(),
        by_organisation=batch.series_org[:, block].copy(),
        trainers=series["trainers"][:, r].copy(),
        active_trainers=series["active"][:, r].copy(),
        cohorts_running=series["running"][:, r].copy(),
        cohorts_started=series["started"][:, r].copy(),
        reached=series["reached"][:, r].copy(),
        staff_seeds=series["seeds"][:, r].copy(),
        places=series["places"][:, r].copy(),
        facilitations=series["facilitations"][:, r].copy(),
        organisations_started=batch.org_started[block].copy(),
        trainer_generation=trainer("gen"),
        trainer_trained_at=trainer("trained_at"),
        trainer_ran=trainer("total"),
        trainer_last_start=trainer("last_start"),
        trainer_new_trainers=trainer("new_trainers"),
        trainer_fidelity=trainer("fid"),
        trainer_chances=trainer("chances"),
        trainer_last_chance=trainer("last_chance"),
        trainer_active_from=trainer("active_from"),
        trainer_stop_at=trainer("stop_at"),
        org_first_start=batch.org_first_start[block].copy(),
        org_last_start=batch.org_last_start[block].copy(),
        org_last_chance=batch.org_last_chance[block].copy(),
        cohort_count=np.bincount(cohort_gens, minlength=GENERATIONS),
        cohort_fidelity_sum=np.bincount(
            cohort_gens, weights=batch.cohorts.view("fid")[cohorts], minlength=GENERATIONS
        ).astype(np.float64),
        events=None if facilitation is None else _events_of(batch, r, facilitation),
    )


def _events_of(batch: Batch, r: int, facilitation: tuple[IntArray, IntArray]) -> Events:
    """Replicate ``r``'s event log, numbered as it would be alone."""
    scenario, trainers, cohorts = batch.scenario, batch.trainers, batch.cohorts
    offset = r * batch.n_orgs
    mine = trainers.view("rep") == r
    ours = cohorts.view("rep") == r

    def trainer(name: str) -> Any:
        return trainers.view(name)[mine].copy()

    def cohort(name: str) -> Any:
        return cohorts.view(name)[ours].copy()

    source = trainer("source")
    source[source >= 0] = cohorts["local"][source[source >= 0]]
    fac = trainers["rep"][facilitation[1]] == r
    completers_now = cohort("completers")
    completers_now[cohort("start") + scenario.cohort_periods - 1 > scenario.horizon] = -1
    return Events(
        trainer_org=trainer("org") - offset,
        trainer_generation=trainer("gen"),
        trainer_fidelity=trainer("fid"),
        trainer_trained_at=trainer("trained_at"),
        trainer_source=source,
        cohort_org=cohort("org") - offset,
        cohort_generation=cohort("gen"),
        cohort_fidelity=cohort("fid"),
        cohort_start=cohort("start"),
        cohort_size=cohort("size"),
        cohort_completers=completers_now,
        facilitation_cohort=cohorts["local"][facilitation[0][fac]],
        facilitation_trainer=trainers["local"][facilitation[1][fac]],
    )
