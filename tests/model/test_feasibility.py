"""Plan feasibility: one function, so validate, check and the engines say the same thing."""

from __future__ import annotations

from pathlib import Path

import pytest

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.model.feasibility import plan_infeasibilities

CASES = Path(__file__).parent.parent / "cases"


def test_validate_check_and_the_engine_word_an_impossible_plan_alike() -> None:
    bundle, problems = tipframe.read_bundle([CASES / "checks" / "TIP408-fail"])
    plan = next(d for d in bundle if isinstance(d, CascadePlan))
    workforce = bundle.get(plan.workforce, Workforce)
    programme = bundle.get(plan.programme, Programme)
    expected = [f.message for f in plan_infeasibilities(plan, workforce, programme)]
    assert expected
    assert [p.message for p in problems if p.code == "impossible-plan"] == expected
    findings = tipframe.check(bundle, select=["TIP408"])
    assert [f.message for f in findings] == expected
    with pytest.raises(tipframe.PlanError) as raised:
        tipframe.simulate_reach(plan, workforce, programme, replicates=1)
    assert str(raised.value) == "; ".join(expected)


def test_a_programme_without_a_length_is_worded_alike_by_check_and_engine() -> None:
    folder = CASES / "checks" / "TIP409-fail"
    bundle, _ = tipframe.read_bundle([folder])
    plan = next(d for d in bundle if isinstance(d, CascadePlan))
    workforce = bundle.get(plan.workforce, Workforce)
    programme = bundle.get(plan.programme, Programme)
    (finding,) = tipframe.check(bundle, select=["TIP409"])
    with pytest.raises(tipframe.PlanError) as raised:
        tipframe.project_reach(plan, workforce, programme)
    assert finding.message in str(raised.value)


def test_a_feasible_plan_has_nothing_to_say() -> None:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    workforce = tipframe.load(plan.workforce, Workforce)
    programme = tipframe.load(plan.programme, Programme)
    assert plan_infeasibilities(plan, workforce, programme) == ()
