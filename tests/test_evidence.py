"""Where the numbers come from: the PMTO example's fidelity pattern, and values marked for what they are."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tipframe
from tipframe.model.cascade import Tier

from .conftest import EXAMPLES

PLAN = EXAMPLES / "pmto-norway-cascade.yaml"
INVENTED = ("cohort_size", "facilitators", "total_cohorts", "delay", "attrition", "conversion")


def _pmto() -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    return (
        tipframe.load(PLAN, tipframe.CascadePlan),
        tipframe.load(EXAMPLES / "pmto-norway-services.yaml", tipframe.Workforce),
        tipframe.load(EXAMPLES / "pmto-therapist-training.yaml", tipframe.Programme),
    )


def test_fidelity_dips_at_generation_2_and_recovers_at_generation_3() -> None:
    result = tipframe.simulate_reach(*_pmto(), replicates=40, seed=1, keep_events=())
    fidelity = tipframe.summarise_reach(result).mean_fidelity
    assert fidelity[2] < fidelity[1]  # Forgatch and DeGarmo (2011): a small decline in G2
    assert fidelity[3] > fidelity[2]  # ... "but G3 scores were equivalent to those attained by G1"
    assert fidelity[3] == pytest.approx(fidelity[1])
    later = [f for f in fidelity[4:] if not math.isnan(f)]
    assert later
    assert later == pytest.approx([fidelity[1]] * len(later))  # Askeland et al. (2019): sustained
    # Every replicate whose cascade got as far shows the same pattern.
    by_replicate = tipframe.to_numpy(result.mean_fidelity)
    deep = by_replicate[~np.isnan(by_replicate[:, 3])]
    assert len(deep) > len(by_replicate) // 2
    assert (deep[:, 2] < deep[:, 1]).all()
    assert (deep[:, 3] > deep[:, 2]).all()


def test_pmto_example_cites_both_papers_and_marks_what_they_do_not_give() -> None:
    plan, workforce, course = _pmto()
    urls = {s.url for s in plan.sources}
    assert {"https://doi.org/10.1007/s11121-011-0225-6", "https://doi.org/10.1007/s11121-019-01047-9"} <= urls
    # Cited: the certification rate, the recovery to G1's level and the sustained level after it.
    assert {tier.completion.mean() for tier in plan.tiers} == {0.942}
    assert [tier.fidelity_retention.mean() for tier in plan.tiers] == [1, 0.95, 1.06, 1]
    assert not any(plan.is_illustrative(f"tiers[{i}].completion") for i in range(len(plan.tiers)))
    assert not plan.is_illustrative("tiers[3].fidelity_retention")
    # Invented: every other tier value, the sizes of the dip and the recovery, with notes that say why.
    for index in range(len(plan.tiers)):
        for name in INVENTED:
            assert plan.is_illustrative(f"tiers[{index}].{name}"), (index, name)
    notes = {mark.path: mark.note for mark in plan.illustrative}
    for path in ("tiers[0].fidelity_retention", "tiers[1].fidelity_retention", "tiers[2].fidelity_retention"):
        assert notes[path], path
    assert workforce.is_illustrative("organisations")
    assert course.is_illustrative("schedule")


def test_fidelity_retention_defaults_to_no_decay() -> None:
    assert Tier(cohort_size=10).fidelity_retention.mean() == 1


def test_rollout_says_how_its_completion_relates_to_triple_p() -> None:
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    completion = plan.tiers[0].completion
    assert (completion.distribution.value, completion.values) == ("beta", (83.7, 16.3))  # unchanged
    notes = {mark.path: mark.note or "" for mark in plan.illustrative}
    assert "pseudo-count" in notes["tiers[0].completion"]
    assert "not the study's" in notes["tiers[0].completion"]
    assert "no source supports" in notes["tiers[0].fidelity_retention"]
