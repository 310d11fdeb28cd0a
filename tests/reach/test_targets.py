"""Targets: the cheapest setting that meets a target, on plans whose answer is known in closed form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tipframe
from tipframe.cli import main
from tipframe.model import Costs
from tipframe.reach.stats import clopper_pearson
from tipframe.reach.targets import Lever, Target, TargetResult, plan_for_target, spread_seeds

WORKFORCE = """
tipframe: 1
kind: Workforce
id: office
name: Office
organisations: [{id: office, headcount: 80}, {id: annex, headcount: 40}]
"""
PROGRAMME = """
tipframe: 1
kind: Programme
id: course
name: Course
format: course
group_size: {min: 4, max: 16}
facilitation: {facilitators: 1}
schedule: {cadence: P1W, sessions: 2, session_length: PT2H}
"""
PLAN = """
tipframe: 1
kind: CascadePlan
id: rollout
name: Rollout
programme: course
workforce: office
seed_trainers: [{organisation: office, trainers: 1}]
seeds_are_staff: false
period: P1W
horizon: 10
tiers:
  - {cohort_size: 8, facilitators: 1, concurrent_cohorts: 1, completion: 1, conversion: 0, attrition: 0}
"""


def documents() -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    return (
        tipframe.loads(PLAN, tipframe.CascadePlan),
        tipframe.loads(WORKFORCE, tipframe.Workforce),
        tipframe.loads(PROGRAMME, tipframe.Programme),
    )


def search(target: Target, levers: list[Lever], plan: tipframe.CascadePlan | None = None) -> TargetResult:
    base, workforce, programme = documents()
    return plan_for_target(plan or base, target, levers, workforce=workforce, programme=programme, replicates=50)


def test_the_fewest_seeds_that_reach_the_share_in_closed_form() -> None:
    """Nothing is random here: each seed trainer starts one cohort of 8 in period 1, so k seeds reach 8k of
    the 120 eligible staff by period 1, and 36 (30%) needs k = 5."""
    result = search(Target(share=0.3, period=1, probability=0.9), [Lever("seeds", tuple(range(1, 9)))])
    assert result.chosen is not None
    assert result.chosen.setting == (("seeds", 5),)
    assert [c.probability for c in result.candidates] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert result.chosen.low == pytest.approx(clopper_pearson(50, 50)[0])
    assert [c.median_share for c in result.candidates[:3]] == pytest.approx([8 / 120, 16 / 120, 24 / 120])


def test_an_unreachable_target_is_an_answer_with_the_best_achievable(capsys: pytest.CaptureFixture[str]) -> None:
    result = search(Target(share=0.9, period=1, probability=0.9), [Lever("seeds", (1, 2, 3))])
    assert not result.reachable
    assert result.best.setting == (("seeds", 3),)
    assert "Not reachable within these levers" in result.describe()


def test_with_costs_the_cheapest_setting_wins_and_without_them_the_fewest_seeds() -> None:
    base, _, _ = documents()
    target = Target(share=0.2, period=1, probability=0.9)  # 24 people: 3 seeds with cohorts of 8, 2 of 12
    levers = [Lever("seeds", (2, 3)), Lever("tiers[0].cohort_size", (8, 12))]
    plain = search(target, levers)
    assert plain.chosen is not None
    assert dict(plain.chosen.setting) == {"seeds": 2, "tiers[0].cohort_size": 12}
    # participants' time dominates: the smallest cohorts that still meet the target are cheapest
    priced = tipframe.variant(base, {"costs": {"currency": "GBP", "price_year": 2025, "participant_hour": 10}})
    costed = search(target, levers, priced)
    assert costed.chosen is not None
    meeting = [c for c in costed.candidates if c.low >= 0.9]
    assert costed.chosen.mean_cost == min(c.mean_cost or 0 for c in meeting)
    assert isinstance(priced.costs, Costs)


def test_seeds_are_spread_as_the_plan_spreads_them() -> None:
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)  # 3, 2, 2, 3, 2 of 12
    assert [e.trainers for e in spread_seeds(plan, 24).seed_trainers] == [6, 4, 4, 6, 4]
    assert [e.trainers for e in spread_seeds(plan, 5).seed_trainers] == [1, 1, 1, 1, 1]
    assert sum(e.trainers for e in spread_seeds(plan, 7).seed_trainers) == 7


def test_the_command_prints_the_answer_and_saves_what_reloads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name, text in (("plan.yaml", PLAN), ("office.yaml", WORKFORCE), ("course.yaml", PROGRAMME)):
        (folder / name).write_text(text)
    out = tmp_path / "answer.json"

    def command(target: str = "30%@1", lever: str = "seeds=1..8", replicates: int = 40) -> list[str]:
        return ["plan", str(folder / "plan.yaml"), "--bundle", str(folder), "--target", target, "--lever", lever,
                "--replicates", str(replicates), "--quiet", "--json", str(out)]  # fmt: skip

    assert main(command()) == 0
    assert "Cheapest setting that meets it: seeds=5" in capsys.readouterr().out
    again = TargetResult.from_data(json.loads(out.read_text()))
    assert again.chosen is not None
    assert again.chosen.setting == (("seeds", 5),)
    assert main(command(target="30%@2027-01")) == 2  # no start: a date cannot be read
    assert main(command(lever="nowhere=1,2")) == 1
    assert "nowhere" in capsys.readouterr().err
    assert main(command(replicates=20)) == 2  # all 20 meeting: the lower bound is 0.83, short of 0.9
    assert "use at least 36" in capsys.readouterr().err


def test_a_search_too_large_is_refused_before_it_starts() -> None:
    from tipframe.reach.limits import MemoryLimitError
    from tipframe.reach.placement import place_seeds

    plan, workforce, programme = documents()
    target = Target(share=0.3, period=1, probability=0.9)
    with pytest.raises(MemoryLimitError, match="settings of"):
        plan_for_target(plan, target, [Lever("seeds", (1, 2))], workforce=workforce, programme=programme,
                        memory_limit=1000)  # fmt: skip
    with pytest.raises(MemoryLimitError, match="try fewer settings or replicates"):
        place_seeds(plan, 1, workforce=workforce, programme=programme, memory_limit=1000)
