"""The projection: whole sets of co-facilitators, the minimum group, an ensemble over parameter draws, the
chance of an early die-out, and the flags it raises (docs/reach.md, The projection)."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, ReachResult, Workforce
from tipframe.reach.ensemble import draw_parameters
from tipframe.reach.expected import pairable
from tipframe.reach.measures import describe_summary, reach_series, summarise_reach
from tipframe.reach.scenario import prepare

from .documents import COURSE

ONE_TEAM = """\
tipframe: 1
kind: Workforce
id: team
name: One team
organisations:
  - {id: a, headcount: 301}
"""


def _builtin() -> tuple[CascadePlan, Workforce, Programme]:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    return plan, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme)


def _one_seed(conversion: str = "0.3", attrition: str = "0.2") -> tuple[CascadePlan, Workforce, Programme]:
    # The audit's case: one seed trainer who may stop before running a cohort, 300 people to reach.
    plan = f"""\
tipframe: 1
kind: CascadePlan
id: one-seed
name: One seed trainer
programme: one-week
workforce: team
seed_trainers: [{{organisation: a, trainers: 1}}]
period: P1W
horizon: 52
tiers:
  - {{cohort_size: 10, total_cohorts: 3, completion: 1, conversion: {conversion}, attrition: {attrition}}}
"""
    return tipframe.loads(plan, CascadePlan), tipframe.loads(ONE_TEAM, Workforce), tipframe.loads(COURSE, Programme)


def _largest_gap(projected: ReachResult, simulated: ReachResult) -> float:
    gaps = np.median(reach_series(projected), axis=0) - np.median(reach_series(simulated), axis=0)
    return float(gaps[np.argmax(np.abs(gaps))])


# -- whole numbers: pairs of facilitators, the minimum group -------------------------------------------


def test_lone_trainers_of_two_facilitator_cohorts_train_nobody() -> None:
    # The built-in rollout without its partnerships and with one seed trainer per organisation: no
    # trainer has a co-facilitator, so the simulation trains nobody, and so must the projection.
    plan, workforce, programme = _builtin()
    workforce = attrs.evolve(workforce, partnerships=())
    plan = attrs.evolve(plan, seed_trainers=tuple(attrs.evolve(s, trainers=1) for s in plan.seed_trainers))
    projected = tipframe.project_reach(plan, workforce, programme, draws=20)
    for name in ("trained", "reached", "cohorts_started"):
        assert not tipframe.to_numpy(getattr(projected, name)).any(), name
    assert not tipframe.to_numpy(projected.organisations_started).any()
    simulated = tipframe.simulate_reach(plan, workforce, programme, replicates=20, seed=1)
    assert not tipframe.to_numpy(simulated.trained).any()
    seeds_only = 5 / 215  # reach counts the staff seed trainers, and only them
    assert np.allclose(reach_series(projected), seeds_only)
    assert not projected.flags


def test_seeds_pair_within_their_organisation_then_across_their_network() -> None:
    # Seeds 3, 2, 2 in one network and 3, 2 in the other, no attrition: 3 + 2 pairs, as in the simulation.
    plan, workforce, programme = _builtin()
    plan = tipframe.variant(plan, {"tiers[0].attrition": 0.0})
    projected = tipframe.to_numpy(tipframe.project_reach(plan, workforce, programme, draws=10).cohorts_started)
    simulated = tipframe.to_numpy(tipframe.simulate_reach(plan, workforce, programme, replicates=10).cohorts_started)
    assert (simulated[:, 1] == 5).all()
    assert projected[:, 1] == pytest.approx(5.0)


def test_the_pairable_share_counts_whole_sets_in_expectation() -> None:
    component = np.array([0, 0, 0])
    order = np.array([0, 1, 2])
    seeds = np.array([[3.0, 2.0, 2.0]])
    share, inside, host = pairable(seeds, seeds, np.zeros((1, 3)), component, order, 2)
    assert share[0] == pytest.approx([2 / 3, 1, 1])  # the third seed of the first has nobody left
    assert inside[0] == pytest.approx([1, 1, 1])
    # A Poisson count of made trainers with mean 1: E[floor(N / 2)] = (1 - (1 - exp(-2)) / 2) / 2.
    share, _, _ = pairable(np.zeros((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.array([0]), np.array([0]), 2)
    assert share[0, 0] == pytest.approx(2 * (1 - (1 - np.exp(-2)) / 2) / 2)
    assert host.sum() == pytest.approx(1.0)


def test_nobody_is_trained_where_fewer_than_the_minimum_group_are_within_reach() -> None:
    workforce = tipframe.loads(
        "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations:\n  - {id: a, headcount: 6}\n", Workforce
    )
    with_minimum = COURSE.replace("format: course", "format: course\ngroup_size: {min: 5, max: 8}")
    programme = tipframe.loads(with_minimum, Programme)
    plan = tipframe.loads(
        "tipframe: 1\nkind: CascadePlan\nid: p\nname: P\nprogramme: one-week\nworkforce: w\n"
        "seed_trainers: [{organisation: a, trainers: 2}]\nperiod: P1W\nhorizon: 10\n"
        "tiers: [{cohort_size: 8, completion: 1}]\n",
        CascadePlan,
    )
    # Four people besides the two seeds: fewer than the five a cohort needs.
    assert not tipframe.to_numpy(tipframe.project_reach(plan, workforce, programme).reached).any()
    assert not tipframe.to_numpy(tipframe.simulate_reach(plan, workforce, programme, replicates=5).reached).any()


# -- the ensemble --------------------------------------------------------------------------------------


def test_the_projection_is_deterministic_for_a_seed() -> None:
    documents = _builtin()
    first = tipframe.project_reach(*documents, draws=20, seed=3)
    again = tipframe.project_reach(*documents, draws=20, seed=3)
    other = tipframe.project_reach(*documents, draws=20, seed=4)
    assert tipframe.dumps(first) == tipframe.dumps(again)
    assert first.replicates == 20
    assert first.seed == 3
    assert first.reached != other.reached


def test_draw_j_has_the_parameters_of_replicate_j() -> None:
    scenario = prepare(*_builtin())
    _, values = draw_parameters(scenario, 5, seed=9)
    for j in range(5):
        turnover, tiers = scenario.draw(np.random.default_rng(np.random.SeedSequence(9, spawn_key=(j,))))
        assert values["conversion"][j, 0] == tiers[0].conversion
        assert values["turnover"][j] == turnover


def test_a_plan_without_distributions_has_one_row() -> None:
    result = tipframe.project_reach(*_one_seed(), check=0)
    assert result.replicates == 1
    assert result.seed is None  # nothing was drawn
    assert tipframe.to_numpy(result.reached).shape[0] == 1
    assert tipframe.project_reach(*_one_seed(), seed=4).seed == 4  # the check's seed


def test_check_must_be_a_whole_number_of_runs() -> None:
    with pytest.raises(ValueError, match="check must be a non-negative whole number"):
        tipframe.project_reach(*_one_seed(), check=-1)


def test_intervals_widen_with_a_wide_distribution() -> None:
    def width(conversion: str) -> float:
        result = tipframe.project_reach(*_one_seed(conversion=conversion, attrition="0.02"), draws=40)
        reach = reach_series(result)[:, 3]
        return float(np.percentile(reach, 95) - np.percentile(reach, 5))

    narrow, wide = width("{beta: [300, 700]}"), width("{beta: [3, 7]}")
    assert width("0.3") == 0.0
    assert 0 < narrow < wide


def test_the_summary_speaks_of_parameter_draws_not_monte_carlo_error() -> None:
    result = tipframe.project_reach(*_builtin(), draws=20)
    text = describe_summary(summarise_reach(result), result)
    assert "over 20 parameter draws" in text
    assert "parameter uncertainty" in text
    assert "It is not Monte Carlo error" in text
    assert "Monte Carlo s.e." not in text
    assert "±" not in text
    assert "90% interval" in text


# -- survival and flags --------------------------------------------------------------------------------


def test_an_early_die_out_is_weighed_in_and_flagged() -> None:
    documents = _one_seed()
    projected = tipframe.project_reach(*documents)
    simulated = tipframe.simulate_reach(*documents, replicates=400, seed=2)
    # The mean over runs: about a fifth die out at once (the seed stops first); the rest reach everyone.
    final = tipframe.to_numpy(simulated.reached)[:, -1]
    assert tipframe.to_numpy(projected.reached)[0, -1] == pytest.approx(final.mean(), rel=0.06)
    (flag,) = projected.flags
    assert (flag.code, flag.checked) == ("die-out", 200)
    measured = _largest_gap(projected, simulated)
    assert abs(flag.gap - measured) <= 0.02, (flag.gap, measured)
    assert flag.gap_low is not None
    assert flag.gap_high is not None
    assert flag.gap_low - 0.02 <= measured <= flag.gap_high + 0.02
    text = describe_summary(summarise_reach(projected), projected)
    assert "Flagged: assumptions the projection relies on" in text
    assert "- die-out:" in text
    assert f"{abs(flag.gap) * 100:.0f} points below its median run's" in text


def test_unchecked_the_die_out_is_estimated_from_the_branching_process() -> None:
    documents = _one_seed()
    (flag,) = tipframe.project_reach(*documents, check=0).flags
    assert (flag.code, flag.checked, flag.gap_low) == ("die-out", 0, None)
    simulated = tipframe.simulate_reach(*documents, replicates=400, seed=2)
    projected = tipframe.project_reach(*documents, check=0)
    assert abs(flag.gap - _largest_gap(projected, simulated)) <= 0.02


def test_where_whole_numbers_hold_the_runs_back_the_gap_is_measured_and_named() -> None:
    # The built-in rollout with one seed per organisation: lone seeds wait for partners' trainers, and
    # the expected (fractional) trainers run ahead of the runs by some ten points or more.
    plan, workforce, programme = _builtin()
    plan = attrs.evolve(plan, seed_trainers=tuple(attrs.evolve(s, trainers=1) for s in plan.seed_trainers))
    projected = tipframe.project_reach(plan, workforce, programme, draws=40)
    (flag,) = projected.flags
    assert flag.code in ("whole-numbers", "die-out")
    assert "2 facilitators" in flag.message or flag.code == "die-out"
    simulated = tipframe.simulate_reach(plan, workforce, programme, replicates=400, seed=0, keep_events=())
    measured = _largest_gap(projected, simulated)
    assert measured > 0.05
    assert flag.gap_low is not None
    assert flag.gap_high is not None
    assert flag.gap_low - 0.02 <= measured <= flag.gap_high + 0.02, (flag, measured)


def test_the_built_in_rollout_is_within_five_points_and_unflagged() -> None:
    documents = _builtin()
    projected = tipframe.project_reach(*documents, draws=100, seed=0)
    simulated = tipframe.simulate_reach(*documents, replicates=200, seed=0)
    assert not projected.flags
    assert abs(_largest_gap(projected, simulated)) < 0.05


@pytest.mark.parametrize("documents", [_builtin(), _one_seed()], ids=["ensemble", "flagged"])
def test_the_projection_saves_and_reloads_equal(documents: tuple[CascadePlan, Workforce, Programme]) -> None:
    result = tipframe.project_reach(*documents, draws=10)
    for syntax in ("yaml", "json"):
        assert tipframe.loads(tipframe.dumps(result, syntax), ReachResult) == result
