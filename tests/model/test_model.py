"""The model's own behaviour: derived values, coverage, level scales, crosswalks, value types."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tipframe
from tipframe import (
    Duration,
    Facilitation,
    Format,
    IntRange,
    IsoDate,
    ModelError,
    Programme,
    Schedule,
    Session,
)

from .. import strategies as s

NTTP = tipframe.load("builtin:nttp", tipframe.Framework)
NES = tipframe.load("builtin:nes-levels", tipframe.LevelScale)


def _programme(**fields: object) -> Programme:
    values: dict[str, object] = {"id": "p", "name": "P", "format": Format.COURSE, **fields}
    return Programme(**values)  # type: ignore[arg-type]


def test_help_the_helpers_derived_values() -> None:
    hth = tipframe.load("builtin:help-the-helpers", Programme)
    assert hth.session_count() == 10
    assert hth.contact_hours() == 20.0  # ten sessions of two hours
    assert hth.participant_hours() == 240.0  # twelve participants
    assert hth.facilitator_ratio() == 6.0  # two facilitators for twelve
    assert hth.schedule is not None
    assert str(hth.schedule.length()) == "P10W"


def test_coverage_is_unknown_when_only_a_count_is_given() -> None:
    hth = tipframe.load("builtin:help-the-helpers", Programme)
    coverage = hth.coverage(NTTP)
    assert coverage.status == "unknown"
    assert coverage.missing == ()
    assert coverage.unlisted_sessions == 10


def test_coverage_matrix_and_missing_principles() -> None:
    programme = _programme(
        framework="builtin:nttp",
        schedule=Schedule(sessions=3, session_length=Duration(hours=2)),
        sessions=(
            Session(number=2, principles=("choice",)),
            Session(number=1, principles=("safety", "choice")),
        ),
    )
    coverage = programme.coverage(NTTP)
    assert coverage.status == "partial"
    assert coverage.missing == ("trustworthiness", "collaboration", "empowerment")
    assert coverage.matrix() == ((True, False, True, False, False), (False, False, True, False, False))
    assert coverage.unlisted_sessions == 1


def test_contact_hours_mix_session_durations_with_the_schedule() -> None:
    programme = _programme(
        schedule=Schedule(sessions=3, session_length=Duration(hours=2)),
        sessions=(Session(number=1, duration=Duration(minutes=90)),),
    )
    assert programme.contact_hours() == 5.5
    assert _programme(schedule=Schedule(open_ended=True)).contact_hours() is None
    assert _programme(schedule=Schedule(sessions=2)).contact_hours() is None


def test_facilitator_ratio_edge_cases() -> None:
    assert (
        _programme(facilitation=Facilitation(facilitators=0), group_size=IntRange(max=5)).facilitator_ratio()
        == math.inf
    )
    assert _programme(group_size=IntRange(max=5)).facilitator_ratio() is None
    assert _programme(facilitation=Facilitation(facilitators=2)).facilitator_ratio(14) == 7.0


def test_cumulative_scale_semantics() -> None:
    assert NES.level_ids() == ("informed", "skilled", "enhanced", "specialist")
    assert NES.cumulative
    assert NES.completed("enhanced") == ("informed", "skilled", "enhanced")
    assert NES.meets("specialist", "skilled")
    assert not NES.meets("informed", "skilled")
    with pytest.raises(KeyError, match="has no level 'expert'"):
        NES.rank("expert")


def test_spectrum_scale_does_not_imply_lower_levels() -> None:
    spectrum = tipframe.LevelScale(
        id="s",
        name="S",
        cumulative=False,
        levels=(tipframe.PracticeLevel(id="a", name="A"), tipframe.PracticeLevel(id="b", name="B")),
    )
    assert spectrum.completed("b") == ("b",)
    assert spectrum.meets(["a", "b"], "b")


def test_crosswalk_shows_what_samhsa_asks_that_nttp_does_not() -> None:
    crosswalk = tipframe.load("builtin:nttp-samhsa", tipframe.Crosswalk)
    samhsa = tipframe.load("builtin:samhsa", tipframe.Framework)
    assert crosswalk.unmapped_targets(samhsa) == ("peer-support", "cultural-historical-and-gender-issues")
    assert crosswalk.translate(["choice", "empowerment"]) == {"empowerment-voice-and-choice"}


def test_builtin_frameworks_have_the_published_principles() -> None:
    assert NTTP.principle_ids() == ("safety", "trustworthiness", "choice", "collaboration", "empowerment")
    leadership = tipframe.load("builtin:is-leadership", tipframe.Framework)
    assert leadership.principle_ids() == ("safety", "trust", "choice", "control", "collaboration", "empowerment")
    samhsa = tipframe.load("builtin:samhsa", tipframe.Framework)
    assert len(samhsa.principles) == 6
    model = tipframe.load("builtin:safe-and-together", tipframe.Framework)
    groups = [p.group for p in model.principles]
    assert groups.count("principle") == 3
    assert groups.count("critical component") == 5


def test_direct_construction_reports_every_contradiction() -> None:
    with pytest.raises(ModelError) as caught:
        _programme(target_level="skilled", follow_on="p", sessions=(Session(number=1), Session(number=1)))
    paths = [path for path, _ in caught.value.problems]
    assert ("target_level",) in paths
    assert ("follow_on",) in paths
    assert ("sessions", 1, "number") in paths


def test_field_checks_apply_to_direct_construction() -> None:
    with pytest.raises(ValueError, match="id: 'Bad Id' is not a valid id"):
        _programme(id="Bad Id")


def test_models_are_frozen_and_hashable() -> None:
    hth = tipframe.load("builtin:help-the-helpers", Programme)
    with pytest.raises(AttributeError):
        hth.name = "other"  # type: ignore[misc]
    assert hash(hth) == hash(tipframe.load("builtin:help-the-helpers", Programme))
    with pytest.raises(TypeError):
        hth.extensions["x-new"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "hours"), [("PT2H", 2.0), ("PT90M", 1.5), ("P1W", 168.0), ("P1DT1H", 25.0), ("PT0S", 0.0)]
)
def test_duration_lengths(text: str, hours: float) -> None:
    duration = Duration.parse(text)
    assert duration.hours_total() == hours
    assert str(duration) == text


def test_calendar_durations_need_an_explicit_convention() -> None:
    with pytest.raises(ValueError, match="no fixed length"):
        Duration.parse("P1M").to_timedelta()
    assert Duration.parse("P1M").to_timedelta(average_months=True) == dt.timedelta(days=30.436875)
    assert Duration(weeks=1).cadence_word() == "weekly"
    assert Duration(weeks=3).cadence_word() == "every 3 weeks"


@pytest.mark.parametrize("bad", ["P", "PT", "2H", "P1.5D", "PT-1H", "P1H", ""])
def test_malformed_durations(bad: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        Duration.parse(bad)


@given(s.durations)
def test_duration_text_round_trips(duration: Duration) -> None:
    assert Duration.parse(str(duration)) == duration


@given(s.iso_dates())
def test_date_text_round_trips(date: IsoDate) -> None:
    assert IsoDate.parse(str(date)) == date
    assert date.start() <= date.end()


def test_partial_dates_keep_their_precision() -> None:
    launched = IsoDate.parse("2019-09")
    assert launched.precision == "month"
    assert (launched.start(), launched.end()) == (dt.date(2019, 9, 1), dt.date(2019, 9, 30))
    assert IsoDate.parse("2020").end() == dt.date(2020, 12, 31)
    with pytest.raises(ValueError, match="not a date in the calendar"):
        IsoDate.parse("2023-02-29")


@given(st.integers(0, 50), st.integers(1, 50))
def test_int_range_membership(low: int, high: int) -> None:
    if low > high:
        with pytest.raises(ModelError):
            IntRange(min=low, max=high)
        return
    span = IntRange(min=low, max=high)
    assert low in span
    assert high in span
    assert high + 1 not in span
