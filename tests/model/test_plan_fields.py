"""The plan fields of issue 12: uptake, uptake_by, retakes, adoption_after, and calendar periods from a start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import tipframe
from tipframe import CascadePlan, DocumentError, Duration, IsoDate, Parameter
from tipframe.model.cascade import UptakeOverride

_HEAD = """\
tipframe: 1
kind: CascadePlan
id: p
name: P
programme: builtin:help-the-helpers
workforce: builtin:help-the-helpers-community
seed_trainers: [{organisation: foodbank, trainers: 2}]
horizon: 52
tiers: [{cohort_size: 8}]
"""


def _plan(extra: str = "", period: str = "P1W") -> CascadePlan:
    return tipframe.loads(f"{_HEAD}period: {period}\n{extra}", CascadePlan, name="p.yaml")


def _problem(extra: str, period: str = "P1W") -> tuple[str, int | None, str]:
    with pytest.raises(DocumentError) as caught:
        _plan(extra, period)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0].where, problems[0].line, problems[0].message


def _round_trips(plan: CascadePlan) -> None:
    for fmt in ("yaml", "json"):
        assert tipframe.loads(tipframe.dumps(plan, fmt), CascadePlan, format=fmt) == plan


# -- defaults ---------------------------------------------------------------------------------


def test_defaults_keep_todays_meaning() -> None:
    plan = _plan()
    assert plan.uptake == Parameter.fixed(1)
    assert plan.uptake_by == ()
    assert plan.retakes is None  # unlimited
    assert plan.adoption_after == 26
    assert plan.start is None
    text = tipframe.dumps(plan)
    for name in ("uptake", "retakes", "adoption_after", "start"):
        assert f"{name}:" not in text


# -- uptake and retakes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        "uptake: 0.6\n",
        "uptake: {beta: [7, 3]}\n",
        "retakes: 0\n",
        "retakes: 3\n",
        "retakes: unlimited\n",
        "adoption_after: 1\n",
        "uptake_by:\n  - {organisation: foodbank, role: volunteer, uptake: 0.4}\n  - {role: volunteer, uptake: 0.5}\n",
    ],
)
def test_fields_load_dump_and_reload_equal(extra: str) -> None:
    _round_trips(_plan(extra))


def test_retakes_are_read_and_written_as_numbers_or_unlimited() -> None:
    assert _plan("retakes: 0\n").retakes == 0
    assert _plan("retakes: unlimited\n").retakes is None
    assert _plan("retakes: unlimited\n") == _plan()
    limited = _plan("retakes: 2\n")
    assert "retakes: 2\n" in tipframe.dumps(limited)
    assert '"retakes": 2' in tipframe.dumps(limited, "json")


def test_uptake_is_a_probability_or_a_distribution() -> None:
    assert _plan("uptake: 0.6\n").uptake == Parameter.fixed(0.6)
    assert _plan("uptake: {beta: [7, 3]}\n").uptake.mean() == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("extra", "where", "line", "message"),
    [
        ("uptake: 1.2\n", "uptake", 11, "a probability must be between 0 and 1, not 1.2"),
        ("uptake: {gamma: [2, 1]}\n", "uptake", 11, "cannot follow a gamma distribution"),
        ("retakes: -1\n", "retakes", 11, "must be at least 0, not -1"),
        ("retakes: often\n", "retakes", 11, "expected a whole number or 'unlimited', not the text 'often'"),
        ("retakes: Unlimited\n", "retakes", 11, "(did you mean 'unlimited'?)"),
        ("retakes: null\n", "retakes", 11, "expected a whole number or 'unlimited', not null"),
        ("retakes: 1.5\n", "retakes", 11, "expected a whole number or 'unlimited', not the number 1.5"),
        ("adoption_after: 0\n", "adoption_after", 11, "must be at least 1, not 0"),
        (
            "uptake_by:\n  - {organisation: foodbank, uptake: 0.5}\n  - {organisation: foodbank, uptake: 0.2}\n",
            "uptake_by[1]",
            13,
            "organisation 'foodbank' already has an uptake",
        ),
        (
            "uptake_by:\n  - {role: volunteer, organisation: foodbank, uptake: 0.5}\n"
            "  - {organisation: foodbank, role: volunteer, uptake: 0.2}\n",
            "uptake_by[1]",
            13,
            "organisation 'foodbank' and role 'volunteer' already has an uptake",
        ),
        ("uptake_by:\n  - {uptake: 0.5}\n", "uptake_by[0]", 12, "name an organisation, a role or both"),
        ("uptake_by:\n  - {role: volunteer, uptake: 2}\n", "uptake_by[0].uptake", 12, "between 0 and 1"),
    ],
)
def test_bad_values_are_refused_with_path_and_line(extra: str, where: str, line: int, message: str) -> None:
    found = _problem(extra)
    assert found[:2] == (where, line)
    assert message in found[2]


def test_an_entry_must_name_an_organisation_or_a_role_in_python_too() -> None:
    with pytest.raises(tipframe.ModelError, match="name an organisation, a role or both"):
        UptakeOverride(uptake=Parameter.fixed(0.5))


def test_uptake_by_names_are_checked_against_the_workforce(tmp_path: Path) -> None:
    extra = "uptake_by:\n  - {organisation: foodbnk, uptake: 0.5}\n  - {role: volunter, uptake: 0.5}\n"
    (tmp_path / "p.yaml").write_text(f"{_HEAD}period: P1W\n{extra}")
    _bundle, problems = tipframe.read_bundle([tmp_path / "p.yaml"])
    found = {(p.where, p.line, p.layer) for p in problems}
    assert found == {("uptake_by[0].organisation", 12, "bundle"), ("uptake_by[1].role", 13, "bundle")}
    assert all("did you mean" in p.message for p in problems)


# -- uptake_for -------------------------------------------------------------------------------


def test_uptake_for_takes_the_most_specific_entry() -> None:
    plan = _plan(
        "uptake: 0.9\n"
        "uptake_by:\n"
        "  - {organisation: foodbank, uptake: 0.1}\n"
        "  - {role: volunteer, uptake: 0.2}\n"
        "  - {organisation: foodbank, role: volunteer, uptake: 0.3}\n"
        "  - {role: support-worker, uptake: 0.4}\n"
    )
    assert plan.uptake_for("foodbank", "volunteer") == Parameter.fixed(0.3)  # organisation and role
    assert plan.uptake_for("community-centre", "volunteer") == Parameter.fixed(0.2)  # role only
    assert plan.uptake_for("foodbank", "coordinator") == Parameter.fixed(0.1)  # organisation only
    assert plan.uptake_for("foodbank", None) == Parameter.fixed(0.1)
    assert plan.uptake_for("community-centre", "support-worker") == Parameter.fixed(0.4)
    assert plan.uptake_for("youth-project", "youth-worker") == Parameter.fixed(0.9)  # the plan's
    assert plan.uptake_for("youth-project", None) is plan.uptake
    assert plan.uptake_for("foodbank", "volunteer") is plan.uptake_by[2].uptake  # the entry's own object


def test_role_beats_organisation_whatever_the_order() -> None:
    plan = _plan("uptake_by:\n  - {role: volunteer, uptake: 0.2}\n  - {organisation: foodbank, uptake: 0.1}\n")
    assert plan.uptake_for("foodbank", "volunteer") == Parameter.fixed(0.2)


# -- calendar periods -------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["P1M", "P3M", "P6M", "P2M", "P1Y", "P2Y", "P1D", "P1W", "P10D"])
def test_whole_months_years_days_and_weeks_are_periods(period: str) -> None:
    plan = _plan(period=period)
    assert str(plan.period) == period
    _round_trips(plan)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("P1M2D", "not a mix of the two: P1M2D"),
        ("P1Y1W", "not a mix of the two: P1Y1W"),
        ("PT12H", "not hours, minutes or seconds: PT12H"),
        ("P1DT12H", "not hours, minutes or seconds: P1DT12H"),
        ("PT0S", "must be longer than zero"),
        ("P0M", "must be longer than zero"),
    ],
)
def test_mixed_sub_day_and_empty_periods_are_refused(period: str, message: str) -> None:
    where, line, found = _problem("", period)
    assert (where, line) == ("period", 10)
    assert message in found


def test_a_monthly_plan_with_a_start_loads() -> None:
    plan = _plan("start: 2026-04-01\n", "P1M")
    assert plan.start == IsoDate(year=2026, month=4, day=1)
    assert plan.period == Duration(months=1)
    _round_trips(plan)


@pytest.mark.parametrize(
    ("period", "duration", "periods"),
    [
        ("P1W", "P4W", 4),
        ("P1W", "P10W", 10),
        ("P1W", "P1M", 5),  # an average month is 30.44 days
        ("P2W", "P3W", 2),
        ("P1D", "PT1H", 1),
        ("P1W", "PT0S", 0),
        ("P1M", "P4W", 1),
        ("P1M", "P5W", 2),
        ("P1M", "P3M", 3),
        ("P3M", "P1M", 1),
        ("P3M", "P6M", 2),
        ("P1M", "P1Y", 12),
        ("P1Y", "P13M", 2),
        ("P1M", "P30D", 1),
        ("P1M", "P31D", 2),
        ("P1M", "P1M1D", 2),
        ("P1M", "PT0S", 0),
    ],
)
def test_periods_round_up(period: str, duration: str, periods: int) -> None:
    assert _plan(period=period).periods(Duration.parse(duration)) == periods


def _dated(start: str, period: str) -> CascadePlan:
    return _plan(f"start: {start}\n", period)


def test_period_end() -> None:
    monthly = _dated("2026-04-01", "P1M")
    assert monthly.period_end(1) == dt.date(2026, 4, 30)
    assert monthly.period_end(12) == dt.date(2027, 3, 31)
    assert monthly.period_end(0) == dt.date(2026, 3, 31)
    assert _dated("2026-04-01", "P1W").period_end(1) == dt.date(2026, 4, 7)
    assert _dated("2026-04-01", "P1D").period_end(1) == dt.date(2026, 4, 1)
    assert _dated("2026-04-01", "P3M").period_end(4) == dt.date(2027, 3, 31)
    assert _dated("2026-04-01", "P1Y").period_end(1) == dt.date(2027, 3, 31)


def test_a_month_or_year_start_means_its_first_day() -> None:
    assert _dated("2026-04", "P1M").period_end(1) == dt.date(2026, 4, 30)
    assert _dated("2026", "P1M").period_end(1) == dt.date(2026, 1, 31)
    assert _dated("2026", "P1W").period_end(1) == dt.date(2026, 1, 7)


def test_month_ends_are_clamped_from_the_start() -> None:
    # boundaries are start + k months, the day clamped: 01-31, 02-28, 03-31, 04-30, ...
    plan = _dated("2026-01-31", "P1M")
    ends = [plan.period_end(t) for t in range(1, 5)]
    assert ends == [dt.date(2026, 2, 27), dt.date(2026, 3, 30), dt.date(2026, 4, 29), dt.date(2026, 5, 30)]
    leap = _dated("2024-02-29", "P1Y")
    assert leap.period_end(1) == dt.date(2025, 2, 27)  # 2025-02-28 is the next boundary
    assert leap.period_end(4) == dt.date(2028, 2, 28)  # 2028 is a leap year again
    assert _dated("2026-08-31", "P6M").period_end(1) == dt.date(2027, 2, 27)


def test_period_label() -> None:
    assert _dated("2026-04-01", "P1M").period_label(12) == "2027-03"
    assert _dated("2026-04-01", "P3M").period_label(4) == "2027-03"
    assert _dated("2026-04-01", "P1Y").period_label(1) == "2027"
    assert _dated("2026-04-01", "P12M").period_label(1) == "2027"
    assert _dated("2026-04-01", "P1W").period_label(1) == "2026-04-07"
    assert _dated("2026-04-01", "P1D").period_label(3) == "2026-04-03"


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("P1W", "week 12"),
        ("P7D", "week 12"),
        ("P1D", "day 12"),
        ("P1M", "month 12"),
        ("P3M", "quarter 12"),
        ("P1Y", "year 12"),
        ("P12M", "year 12"),
        ("P2W", "period 12"),
        ("P2M", "period 12"),
    ],
)
def test_period_label_without_a_start_names_the_unit(period: str, label: str) -> None:
    assert _plan(period=period).period_label(12) == label


def test_period_at() -> None:
    monthly = _dated("2026-04-01", "P1M")
    assert monthly.period_at(IsoDate.parse("2027-03-31")) == 12
    assert monthly.period_at(IsoDate.parse("2027-03")) == 12  # a month means its end
    assert monthly.period_at(IsoDate.parse("2027-03-30")) == 11
    assert monthly.period_at(IsoDate.parse("2027")) == 21  # a year means its end: 2027-12-31
    assert monthly.period_at(IsoDate.parse("2026-04-29")) == 0  # before period 1 ends
    assert monthly.period_at(IsoDate.parse("2020")) == 0
    weekly = _dated("2026-04-01", "P1W")
    assert weekly.period_at(IsoDate.parse("2026-04-07")) == 1
    assert weekly.period_at(IsoDate.parse("2026-04-13")) == 1
    assert weekly.period_at(IsoDate.parse("2026-04-14")) == 2
    assert weekly.period_at(IsoDate.parse("2025-01-01")) == 0
    quarterly = _dated("2026-04-01", "P3M")
    assert quarterly.period_at(IsoDate.parse("2027-03")) == 4
    assert quarterly.period_at(IsoDate.parse("2027-02")) == 3


def test_period_at_inverts_period_end_with_clamping() -> None:
    for start in ("2026-01-31", "2024-02-29", "2026-04-01", "2026-03-30"):
        for period in ("P1M", "P2M", "P3M", "P1Y", "P1W", "P5D"):
            plan = _dated(start, period)
            for t in range(1, 40):
                end = plan.period_end(t)
                assert plan.period_at(IsoDate.of(end)) == t
                assert plan.period_at(IsoDate.of(end - dt.timedelta(days=1))) == t - 1


def test_dates_need_a_start() -> None:
    plan = _plan(period="P1M")
    with pytest.raises(ValueError, match="has no start date"):
        plan.period_at(IsoDate.parse("2027-03"))
    with pytest.raises(ValueError, match="has no start date"):
        plan.period_end(1)


def test_dates_beyond_the_calendar_are_a_value_error() -> None:
    plan = _dated("9999-06-01", "P1M")
    assert plan.period_end(6) == dt.date(9999, 11, 30)
    with pytest.raises(ValueError, match="outside the calendar"):
        plan.period_end(8)
    with pytest.raises(ValueError, match="counted from 1"):
        plan.period_end(-1)
    assert _dated("9999-06-01", "P1W").period_at(IsoDate.parse("9999")) == 30
