"""Placement: greedy teams against the exhaustive optimum on small cases, and against simple baselines."""

from __future__ import annotations

import itertools
from pathlib import Path

import attrs
import numpy as np
import pytest

import tipframe
from tipframe.cli import main
from tipframe.reach.generate import synthetic_rollout
from tipframe.reach.placement import _placed, _shares, place_seeds


def small_case(seed: int) -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    """Six organisations of unequal size (300 people), a course for up to 12 with two facilitators, 40 weeks."""
    plan, workforce, programme = synthetic_rollout(6, 300, horizon=40, seed=seed)
    tier = attrs.evolve(plan.tiers[0], delay=tipframe.Duration(weeks=2), conversion=tipframe.Parameter.fixed(0.1))
    return attrs.evolve(plan, tiers=(tier,)), workforce, programme


def test_greedy_teams_come_close_to_the_exhaustive_optimum(capsys: pytest.CaptureFixture[str]) -> None:
    """Five small cases, two teams each: every placement of the teams is tried (21 each) on the same replicates."""
    ratios, equal = [], 0
    for case in range(5):
        plan, workforce, programme = small_case(case)
        result = place_seeds(plan, 4, workforce=workforce, programme=programme, replicates=60, seed=case)
        organisations = workforce.organisation_ids()
        how = {"replicates": 60, "seed": case}
        values = {}
        for where in itertools.combinations_with_replacement(organisations, 2):
            try:
                shares = _shares(_placed(plan, where, 2), (workforce, programme), how, plan.horizon, "reach")
            except tipframe.PlanError:  # more seeds than the organisation's staff
                continue
            values[where] = float(shares.mean())
        best = max(values.values())
        ratios.append(result.value / best)
        equal += result.value >= best - 2 * result.value_se
        assert result.value >= max(base.value for base in result.baselines) - 2 * result.value_se
        assert all(base.margin >= 0 for base in result.baselines)  # the search starts from the best of them
    with capsys.disabled():
        print(f"\ngreedy / optimum: {np.round(ratios, 3).tolist()}; equal to it within 2 s.e. in {equal} of 5")
    assert np.mean(ratios) >= 0.9
    assert equal >= 4


def test_a_team_is_the_unit_and_bad_settings_are_named() -> None:
    plan, workforce, programme = small_case(0)
    with pytest.raises(ValueError, match="whole number of teams of 2"):
        place_seeds(plan, 3, workforce=workforce, programme=programme)
    with pytest.raises(KeyError, match="no organisation 'nowhere'"):
        place_seeds(plan, 2, workforce=workforce, programme=programme, candidates=["nowhere"])
    result = place_seeds(plan, 2, workforce=workforce, programme=programme, replicates=20, period=10)
    assert sum(result.placement.values()) == 2
    assert result.picks[0].gain == pytest.approx(result.picks[0].value)  # from no seeds at all
    assert "largest organisations first:" in result.describe()


def test_the_command_places_the_built_in_rollout_s_teams(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["place", "builtin:help-the-helpers-rollout", "--seeds", "4", "--replicates", "40", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Placement:" in out
    assert "  random:" in out
    assert main(["place", "builtin:help-the-helpers-rollout", "--seeds", "3", "--quiet"]) == 2


def test_time_to_a_share_is_minimised_and_never_counts_as_past_the_horizon() -> None:
    plan, workforce, programme = small_case(1)
    result = place_seeds(plan, 4, share=0.3, workforce=workforce, programme=programme, replicates=40, seed=2)
    assert result.share == 0.3
    assert result.value <= plan.horizon + 1
    assert all(base.margin >= 0 for base in result.baselines)  # fewer periods than every baseline, or as few
    assert result.value <= result.picks[-1].value  # the local search keeps or improves the greedy placement
    assert "periods until 30%" in result.describe()
    with pytest.raises(ValueError, match="not given with a period"):
        place_seeds(plan, 4, share=0.3, period=5, workforce=workforce, programme=programme)


def test_the_first_period_at_a_share_counts_never_as_the_horizon_plus_one() -> None:
    from tipframe.reach.placement import periods_to

    series = np.array([[0.0, 0.1, 0.3, 0.5], [0.0, 0.0, 0.1, 0.2]])
    assert periods_to(series, 0.3).tolist() == [2.0, 4.0]


def test_the_command_minimises_time_to_a_share_and_refuses_two_objectives(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["place", "builtin:help-the-helpers-rollout", "--seeds", "4", "--replicates", "30", "--quiet"]
    assert main([*args, "--share", "40%", "--workers", "2"]) == 0
    assert "periods until 40%" in capsys.readouterr().out
    assert main([*args, "--share", "40%", "--period", "10"]) == 2
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--share", "140%"])
    assert exit_.value.code == 2
