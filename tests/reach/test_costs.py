"""Costs: one cohort by hand, every run against its own event log, both engines' places, and where costs show."""

from __future__ import annotations

import itertools
from pathlib import Path

import attrs
import numpy as np
import pytest

import tipframe
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.model import Costs, FacilitatorRate, cohort_cost
from tipframe.reach.costs import cost_rows, run_costs, summarise_costs

from ..conftest import EXAMPLES

PRICES = Costs(currency="GBP", price_year=2025, facilitator_hour=40, participant_hour=20, per_cohort=100,
               per_session=10, per_trainer=500)  # fmt: skip


def documents(costs: Costs | None = PRICES) -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    workforce, programme = (
        tipframe.load(plan.workforce, tipframe.Workforce),
        tipframe.load(plan.programme, tipframe.Programme),
    )
    return attrs.evolve(plan, costs=costs), workforce, programme


def test_one_help_the_helpers_cohort_costs_what_a_hand_calculation_says() -> None:
    """Ten two-hour sessions (20 contact hours), two facilitators, twelve places, as the case study's course."""
    _, _, programme = documents()
    cohort = cohort_cost(PRICES, programme, facilitators=2, places=12)
    assert cohort is not None
    assert (cohort.contact_hours, cohort.sessions) == (20.0, 10)
    assert (cohort.facilitator_hours, cohort.participant_hours) == (40.0, 240.0)
    assert cohort.cost == 40 * 40 + 240 * 20 + 100 + 10 * 10  # 6,600


def test_facilitator_roles_with_their_own_rate_count_at_it() -> None:
    _, _, programme = documents()  # two psychotherapeutic counsellors
    rated = attrs.evolve(PRICES, facilitator_rates=(FacilitatorRate(role="psychotherapeutic counsellor", hourly=55),))
    assert rated.facilitator_hourly(programme, 2) == 55
    assert rated.facilitator_hourly(programme, 3) == pytest.approx((2 * 55 + 40) / 3)
    with pytest.raises(tipframe.ModelError, match="has a rate already"):
        attrs.evolve(rated, facilitator_rates=rated.facilitator_rates * 2)


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_every_run_costs_what_its_own_event_log_adds_up_to(backend: str) -> None:
    plan, workforce, programme = documents()
    result = tipframe.simulate_reach(plan, workforce, programme, replicates=30, seed=4, keep_events=range(30),
                                     backend=backend)  # fmt: skip
    runs = run_costs(result)
    assert runs is not None
    for log in result.events:
        sizes, facilitators = to_numpy(log.cohort_size), np.bincount(to_numpy(log.facilitation_cohort))
        trainers = to_numpy(log.trainer_organisation).size
        expected = (facilitators.sum() * 20 * 40 + sizes.sum() * 20 * 20 + sizes.size * (100 + 10 * 10)
                    + trainers * 500)  # fmt: skip
        assert runs["cost"][log.replicate].sum() == pytest.approx(expected)
        assert runs["cohorts"][log.replicate].sum() == sizes.size


def test_the_engines_agree_on_places_and_facilitators() -> None:
    plan, workforce, programme = documents()
    means = {}
    for backend in ("compiled", "reference"):
        result = tipframe.simulate_reach(plan, workforce, programme, replicates=600, seed=1, backend=backend)
        places = to_numpy(result.places).sum(axis=1)
        assert (to_numpy(result.facilitations) == 2 * to_numpy(result.cohorts_started)).all()  # teams of two
        means[backend] = (places.mean(), places.std(ddof=1) / np.sqrt(places.size))
    (a, sa), (b, sb) = means["compiled"], means["reference"]
    assert abs(a - b) < 4 * np.hypot(sa, sb)


def test_costs_are_summarised_for_simulations_and_projections() -> None:
    plan, workforce, programme = documents()
    simulated = summarise_costs(tipframe.simulate_reach(plan, workforce, programme, replicates=200, seed=2))
    projected = summarise_costs(tipframe.project_reach(plan, workforce, programme, draws=50, seed=2))
    assert simulated is not None
    assert projected is not None
    assert projected.projection
    assert not simulated.projection
    for summary in (simulated, projected):
        assert summary.total.low <= summary.total.median <= summary.total.high
        assert 0 < summary.per_trained.median < summary.total.median
    # expected values and simulated means agree roughly: within a fifth
    assert projected.total.mean == pytest.approx(simulated.total.mean, rel=0.2)
    assert summarise_costs(tipframe.simulate_reach(*documents(None), replicates=5)) is None


def test_the_cost_so_far_rises_period_by_period() -> None:
    plan, workforce, programme = documents()
    rows = cost_rows(tipframe.simulate_reach(plan, workforce, programme, replicates=50, seed=3))
    medians = [row["cost_so_far_median"] for row in rows]
    assert len(rows) == plan.horizon + 1
    assert medians[0] == 12 * 500  # the twelve seed trainers' preparation, at the start
    assert all(b >= a for a, b in itertools.pairwise(medians))


def test_reach_and_show_print_the_costs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(EXAMPLES / "help-the-helpers-costed.yaml")
    assert main(["show", plan]) == 0
    shown = capsys.readouterr().out
    assert "GBP 5,150.00" in shown  # 40 facilitator hours at 45, 160 participant hours at 20, 150 a cohort
    out = tmp_path / "result.json"
    assert main(["reach", plan, "--replicates", "50", "--quiet", "--json", str(out)]) == 0
    assert "per person trained" in capsys.readouterr().out
    assert main(["show", str(out)]) == 0
    assert "per person trained" in capsys.readouterr().out


def test_the_table_gives_each_period_s_cost_and_the_cost_so_far(tmp_path: Path) -> None:
    out = tmp_path / "series.csv"
    plan = str(EXAMPLES / "help-the-helpers-costed.yaml")
    assert main(["reach", plan, "--replicates", "40", "--quiet", "--csv", str(out)]) == 0
    header, first, *_ = out.read_text().splitlines()
    columns = header.split(",")
    assert columns[-6:] == ["cost_median", "cost_low", "cost_high", "cost_so_far_median", "cost_so_far_low",
                            "cost_so_far_high"]  # fmt: skip
    assert first.split(",")[columns.index("cost_median")] in ("7200", "7200.0")  # twelve seed trainers at 600


def test_runs_that_trained_nobody_are_counted_out_and_said_so() -> None:
    from tipframe.reach.costs import describe_costs

    plan, workforce, programme = documents()
    tier = attrs.evolve(plan.tiers[0], completion=tipframe.Parameter.fixed(0.05), total_cohorts=1)
    few = attrs.evolve(plan, tiers=(tier,), seed_trainers=plan.seed_trainers[:1])
    summary = summarise_costs(tipframe.simulate_reach(few, workforce, programme, replicates=100, seed=1))
    assert summary is not None
    assert 0 < summary.per_trained.n < summary.total.n
    assert f"counts {summary.per_trained.n:,} of 100 runs" in describe_costs(summary)


def test_costs_that_cannot_be_worked_out_are_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.reach.costs import cost_note, describe_costs

    plan, workforce, programme = documents()
    hourless = attrs.evolve(programme, sessions=(), schedule=attrs.evolve(programme.schedule, session_length=None))
    result = tipframe.simulate_reach(plan, workforce, hourless, replicates=5)
    assert summarise_costs(result) is None
    assert "gives no contact hours" in (cost_note(result) or "")
    old = attrs.evolve(tipframe.simulate_reach(plan, workforce, programme, replicates=5), places=None)
    assert "saved before places were recorded" in (cost_note(old) or "")
    unnamed = attrs.evolve(PRICES, facilitator_rates=(FacilitatorRate(role="counsellor", hourly=55),))
    summary = summarise_costs(tipframe.simulate_reach(attrs.evolve(plan, costs=unnamed), workforce, programme,
                                                      replicates=5))  # fmt: skip
    assert summary is not None
    assert "not used: counsellor" in describe_costs(summary)


def test_a_rerun_compares_places_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    plan = str(EXAMPLES / "help-the-helpers-costed.yaml")
    out = tmp_path / "result.json"
    assert main(["reach", plan, "--replicates", "20", "--quiet", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    saved = data["places"]
    places = to_numpy(tipframe.ArrayData(dtype=saved["dtype"], shape=tuple(saved["shape"]), data=saved["data"]))
    places = places.copy()
    places[0, 5] += 1000
    changed = tipframe.from_numpy(places)
    data["places"] = {"dtype": changed.dtype, "shape": list(changed.shape), "data": changed.data}
    out.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["reach", "--rerun", str(out)]) == 1
    assert "not reproduced: places differ" in capsys.readouterr().err


def test_the_resource_estimate_counts_every_series() -> None:
    from tipframe.reach.resources import _SERIES
    from tipframe.reach.results import SERIES

    assert len(SERIES) == _SERIES


def test_the_frontier_keeps_the_designs_nothing_beats_on_both() -> None:
    from tipframe.reach.frontier import cost_frontier, frontier_rows

    plan, workforce, _ = documents()
    sweep = tipframe.sweep(plan, workforce, grid={"tiers[0].cohort_size": [4, 8], "tiers[0].total_cohorts": [1, 3]},
                           replicates=60, seed=2)  # fmt: skip
    frontier = cost_frontier(sweep)
    rows = frontier_rows(sweep)
    assert [r["frontier"] for r in rows].count(True) == len(frontier) >= 1
    points = [(r["cost_mean"], r["reach_median"]) for r in rows]
    for (cost, reach), row in zip(points, rows, strict=True):
        beaten = any(c <= cost and r >= reach and (c, r) != (cost, reach) for c, r in points)
        assert row["frontier"] == (not beaten)
    costs = [s.costs.total.mean for s in frontier if s.costs is not None]
    assert costs == sorted(costs)
    with pytest.raises(ValueError, match="gives no costs"):
        cost_frontier(tipframe.sweep(attrs.evolve(plan, costs=None), workforce, grid={"horizon": [20]}, replicates=5))


def test_the_frontier_is_drawn(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from tipframe import plots

    plan, workforce, _ = documents()
    sweep = tipframe.sweep(plan, workforce, grid={"tiers[0].cohort_size": [4, 8]}, replicates=30, seed=2)
    ax = plots.plot_frontier(sweep)
    assert "frontier" in ax.get_legend().get_texts()[0].get_text()
    from ..clipping import NOTHING, clipped

    assert clipped(ax.figure) == NOTHING
    ax.figure.savefig(tmp_path / "frontier.png")
    assert (tmp_path / "frontier.png").stat().st_size > 10_000


def test_a_programme_s_own_prices_cost_a_plan_that_gives_none() -> None:
    """A course fee per participant, on the programme: each place taken pays it, and the output says whose prices."""
    plan, workforce, programme = documents(costs=None)
    fee = attrs.evolve(PRICES, per_participant=150.0)
    priced = attrs.evolve(programme, costs=fee)
    result = tipframe.simulate_reach(plan, workforce, priced, replicates=20, seed=2)
    runs = run_costs(result)
    assert runs is not None
    places = to_numpy(result.places).sum(axis=1)
    without = run_costs(tipframe.simulate_reach(attrs.evolve(plan, costs=PRICES), workforce, programme,
                                                replicates=20, seed=2))  # fmt: skip
    assert without is not None
    assert runs["cost"].sum(axis=1) == pytest.approx(without["cost"].sum(axis=1) + 150 * places)
    summary = summarise_costs(result)
    assert summary is not None
    assert summary.programme_prices
    assert "the programme's prices, GBP" in tipframe.reach.costs.describe_costs(summary)
    cohort = cohort_cost(fee, programme, facilitators=2, places=12)
    assert cohort is not None
    assert cohort.cost == 6_600 + 12 * 150
    reloaded = tipframe.loads(tipframe.dumps(priced), tipframe.Programme)
    assert reloaded == priced


def test_a_recurring_format_costs_its_meetings_places_and_first_facilitators() -> None:
    from tipframe.model.recurring import meeting_capacity
    from tipframe.reach.recurring_costs import meeting_hours, recurring_costs, run_recurring_costs
    from tipframe.reach.recurring_measures import describe_recurring

    plan = tipframe.load(EXAMPLES / "manchester-clinics-plan.yaml", tipframe.RecurringPlan)
    workforce = tipframe.load(EXAMPLES / "manchester-clinics-workforce.yaml", tipframe.Workforce)
    unmeasured = tipframe.load(EXAMPLES / "safe-and-together-clinics.yaml", tipframe.Programme)
    assert unmeasured.schedule is not None
    assert meeting_hours(unmeasured) is None  # the case study gives no clinic length
    length = tipframe.Duration(hours=1, minutes=30)
    programme = attrs.evolve(unmeasured, schedule=attrs.evolve(unmeasured.schedule, session_length=length))
    hours = meeting_hours(programme)
    assert hours == 1.5
    prices = Costs(currency="GBP", price_year=2022, facilitator_hour=40, participant_hour=25, per_session=30,
                   per_participant=5, per_trainer=800)  # fmt: skip
    priced = attrs.evolve(plan, costs=prices)
    result = tipframe.simulate_recurring(priced, workforce, programme, replicates=40, seed=3)
    runs = run_recurring_costs(result)
    assert runs is not None
    meetings = to_numpy(result.meetings).sum(axis=1)
    taken = to_numpy(result.discussions).sum(axis=1)
    first = to_numpy(result.facilitators)[:, 0]
    capacity = meeting_capacity(programme, plan)
    assert capacity is not None
    facilitators = capacity.facilitators
    expected = meetings * hours * (facilitators * 40 + 0) + taken * hours * 25 + taken * 5 + meetings * 30 + first * 800
    assert runs["cost"].sum(axis=1) == pytest.approx(expected)
    summary = recurring_costs(result)
    assert summary is not None
    assert summary.total.mean == pytest.approx(expected.mean())
    text = describe_recurring(tipframe.summarise_recurring(result), result)
    assert "Costs (GBP, 2022 prices; meetings of 1.5 hours" in text
    assert "per case discussed" in text
    unknown = tipframe.simulate_recurring(priced, workforce, unmeasured, replicates=5, seed=3)
    assert "gives no meeting length" in describe_recurring(tipframe.summarise_recurring(unknown), unknown)


def test_sweeps_and_targets_use_a_programme_s_own_prices() -> None:
    plan, workforce, programme = documents(costs=None)
    priced = attrs.evolve(programme, costs=PRICES)
    sweep = tipframe.sweep(plan, workforce, priced, grid={"tiers[0].cohort_size": [6, 8]}, replicates=20)
    assert all(s.costs is not None and s.costs.costs == PRICES for s in sweep.scenarios)
    answer = tipframe.plan_for_target(plan, tipframe.Target(share=0.5, period=52, probability=0.5),
                                      [tipframe.Lever("seeds", (6, 12))], workforce=workforce, programme=priced,
                                      replicates=40)  # fmt: skip
    assert answer.costed
    assert all(c.mean_cost is not None for c in answer.candidates)
