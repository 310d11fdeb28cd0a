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
        assert result.value >= max(mean for _, _, mean, _ in result.baselines) - 2 * result.value_se
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
    assert "baseline, largest organisations first" in result.describe()


def test_the_command_places_the_built_in_rollout_s_teams(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["place", "builtin:help-the-helpers-rollout", "--seeds", "4", "--replicates", "40", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Greedy placement:" in out
    assert "baseline, random" in out
    assert main(["place", "builtin:help-the-helpers-rollout", "--seeds", "3", "--quiet"]) == 2
