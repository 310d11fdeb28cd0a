"""Calendar plans: a start date and monthly periods run, and every summary speaks in dates."""

from __future__ import annotations

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.reach.measures import describe_summary, series_rows, summarise_reach


def _monthly() -> tuple[CascadePlan, Workforce, Programme]:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    monthly = tipframe.variant(plan, {"start": "2026-04-01", "period": "P1M", "horizon": 24})
    return monthly, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme)


def test_a_monthly_plan_with_a_start_runs_and_reports_dates() -> None:
    plan, workforce, programme = _monthly()
    assert plan.periods(plan.tiers[0].delay) == 1  # four weeks round up to one month
    result = tipframe.simulate_reach(plan, workforce, programme, replicates=50, seed=2)
    text = describe_summary(summarise_reach(result), result)
    assert "Reach by 2028-03" in text  # period 24 ends on 2028-03-31
    assert "50% reached by            2026-" in text
    assert "count as after 2028-03" in text
    rows = series_rows(result)
    assert rows[0]["date"] == "2026-04-01"
    assert rows[1]["date"] == "2026-04-30"
    assert rows[-1]["date"] == "2028-03-31"
    projected = tipframe.project_reach(plan, workforce, programme)
    assert "Reach by 2028-03" in describe_summary(summarise_reach(projected), projected)


def test_without_a_start_periods_are_counted_in_their_unit() -> None:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    result = tipframe.simulate_reach(
        plan, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme), replicates=20
    )
    text = describe_summary(summarise_reach(result), result)
    assert "Reach by week 104" in text
    assert "date" not in series_rows(result)[0]
