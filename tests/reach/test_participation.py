"""Participation: people who never take part (uptake), limited retakes, and who counts as reached."""

from __future__ import annotations

import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, Workforce

from .documents import COURSE
from .engines import backend as backend  # every test here runs against both backends

ONE_TEAM = """\
tipframe: 1
kind: Workforce
id: team
name: One large team
organisations:
  - {id: a, headcount: 1001}
"""


def _plan(*, uptake: str = "1", retakes: str = "unlimited", completion: float = 0.6, horizon: int = 40) -> str:
    # One seed with room for every cohort at once: capacity never binds, so only uptake,
    # completion and retakes decide who ends up trained.
    return f"""\
tipframe: 1
kind: CascadePlan
id: plan
name: Participation
programme: one-week
workforce: team
seed_trainers: [{{organisation: a, trainers: 1}}]
period: P1W
horizon: {horizon}
uptake: {uptake}
retakes: {retakes}
tiers:
  - {{cohort_size: 20, concurrent_cohorts: 60, completion: {completion}, conversion: 0}}
"""


def _run(plan: str, replicates: int = 200, seed: int = 7) -> tipframe.ReachResult:
    documents = (
        tipframe.loads(plan, CascadePlan),
        tipframe.loads(ONE_TEAM, Workforce),
        tipframe.loads(COURSE, Programme),
    )
    return tipframe.simulate_reach(*documents, replicates=replicates, seed=seed)


def _project(plan: str) -> tipframe.ReachResult:
    return tipframe.project_reach(
        tipframe.loads(plan, CascadePlan), tipframe.loads(ONE_TEAM, Workforce), tipframe.loads(COURSE, Programme)
    )


@pytest.mark.parametrize(
    ("uptake", "retakes", "completion"),
    [(0.5, 1, 0.6), (0.8, 0, 0.5), (0.3, 2, 0.4), (1.0, 0, 0.7)],
)
def test_the_trained_share_tends_to_uptake_times_the_chance_of_completing_within_the_retakes(
    uptake: float, retakes: int, completion: float
) -> None:
    expected = uptake * (1 - (1 - completion) ** (retakes + 1))
    plan = _plan(uptake=str(uptake), retakes=str(retakes), completion=completion)
    result = _run(plan)
    share = tipframe.to_numpy(result.trained)[:, -1] / 1000  # the 1,000 staff who are not the seed
    error = share.std(ddof=1) / np.sqrt(share.size)
    assert abs(share.mean() - expected) <= 4 * max(error, 1e-3), (share.mean(), expected)
    projected = tipframe.to_numpy(_project(plan).trained)[0, -1] / 1000
    assert projected == pytest.approx(expected, rel=1e-6)


def test_reach_counts_starters_once_and_can_reach_everyone() -> None:
    result = _run(_plan(uptake="1", retakes="unlimited", completion=1.0), replicates=20)
    reached = tipframe.to_numpy(result.reached)
    seeds = tipframe.to_numpy(result.staff_seeds)
    assert (seeds == 1).all()
    assert ((reached[:, -1] + seeds[:, -1]) == 1001).all()  # everyone, the seed included
    assert (tipframe.to_numpy(result.trained)[:, -1] == 1000).all()
    some = _run(_plan(uptake="0.5", retakes="2", completion=0.3), replicates=20)
    reached, trained = tipframe.to_numpy(some.reached), tipframe.to_numpy(some.trained)
    assert (reached >= trained).all()  # a starter who did not complete is reached, not trained
    assert (reached[:, -1] <= 1000).all()
    assert (np.diff(reached, axis=1) >= 0).all()  # no turnover: nobody reached is lost


def test_nobody_takes_part_when_uptake_is_zero() -> None:
    result = _run(_plan(uptake="0"), replicates=5)
    assert not tipframe.to_numpy(result.reached).any()
    assert not tipframe.to_numpy(result.cohorts_started).any()


def test_uptake_drawn_per_replicate_varies_between_replicates() -> None:
    result = _run(_plan(uptake="{beta: [2, 2]}", completion=1.0), replicates=50)
    final = tipframe.to_numpy(result.trained)[:, -1]
    assert final.std() > 50  # each replicate draws its own uptake
    assert 300 < final.mean() < 700  # around the prior mean of one half


def test_trainer_adoption_does_not_rise_with_attrition() -> None:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    workforce = tipframe.load(plan.workforce, Workforce)
    programme = tipframe.load(plan.programme, Programme)
    means, errors = [], []
    for attrition in (0.0, 0.005, 0.05):
        varied = tipframe.variant(plan, {f"tiers[{i}].attrition": attrition for i in range(len(plan.tiers))})
        result = tipframe.simulate_reach(varied, workforce, programme, replicates=2000, seed=11)
        adoption = tipframe.to_numpy(result.trainer_adoption)
        adoption = adoption[~np.isnan(adoption)]
        means.append(adoption.mean())
        errors.append(adoption.std(ddof=1) / np.sqrt(adoption.size))
        stopped = tipframe.to_numpy(result.trainers_stopped)
        assert (stopped == 0).all() if attrition == 0 else stopped.mean() > 0
    for (before, error_before), (after, error_after) in zip(
        zip(means, errors, strict=True), zip(means[1:], errors[1:], strict=True), strict=False
    ):
        assert after <= before + 2 * np.hypot(error_before, error_after), means


def test_trainers_left_without_people_are_idle_not_non_adopters() -> None:
    # Five hundred trainers-to-be for a team of 1,001: most trainers made late find nobody left to train.
    plan = _plan(completion=1.0).replace("conversion: 0", "conversion: 0.5")
    result = _run(plan, replicates=20)
    idle = tipframe.to_numpy(result.trainers_idle)
    adoption = tipframe.to_numpy(result.trainer_adoption)
    assert idle.mean() > 0.5
    assert np.nanmean(adoption) > 0.9
