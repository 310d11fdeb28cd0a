"""TIP3xx: schedule and group: sessions, durations, dates, group sizes and clinic caseloads.

A programme in co-design (``status: co-design``) is not judged on its schedule or group yet:
only contradictions in its dates (TIP306) and counts dated in the future (TIP309) are reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.checks.rules.facilitation import GROUP_FORMATS, with_article
from tipframe.model import Document, Duration, Format, Observations, Programme, Status
from tipframe.model.fields import Path
from tipframe.model.values import describe_hours


def _designing(programme: Programme) -> bool:
    """Whether the programme is still being co-designed: its schedule and group are not judged yet."""
    return programme.status is Status.CO_DESIGN


def _fixed(duration: Duration | None) -> bool:
    return duration is not None and not duration.is_calendar


@rule(
    "TIP301",
    "group-size-unstated",
    summary="A group programme does not say how many participants a group has.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        Group size decides how many facilitators are needed and how much each person can take
        part. Help the Helpers was a group of twelve. Clinics are left to TIP302, which asks how
        many cases they discuss.
    """,
    citation="Case study 000 (SVRU, Help the Helpers)",
)
def group_size_unstated(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme):
        return
    if programme.format in GROUP_FORMATS and programme.format is not Format.CLINIC and programme.group_size is None:
        yield Report(
            where=("format",),
            message=f"{with_article(programme.format.value)} with no group size",
            hint="add group_size",
        )


@rule(
    "TIP302",
    "clinic-cases",
    summary="A clinic discusses more or fewer cases per session than the clinic model does.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Safe & Together clinics discuss three to five families at once: enough that each
        practitioner's dilemma is normalised by the others, few enough that each is explored. A
        clinic that does not say how many cases it takes is noted at info level.
        CheckOptions.clinic_cases sets the range.
    """,
    citation="Case study 004 (Safe & Together clinics, Manchester): 3-5 families per clinic",
)
def clinic_cases(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme):
        return
    if programme.format is not Format.CLINIC:
        return
    expected = context.options.clinic_cases
    cases = programme.cases_per_session
    if cases is None:
        yield Report(
            where=("format",),
            severity=Severity.INFO,
            message=f"a clinic that does not say how many cases each session discusses ({expected} is the model)",
            hint="add cases_per_session",
        )
        return
    if cases.min is not None and expected.min is not None and cases.min < expected.min:
        yield Report(
            where=("cases_per_session", "min"),
            message=f"as few as {cases.min} cases per clinic; the clinic model discusses {expected}",
        )
    if cases.max is not None and expected.max is not None and cases.max > expected.max:
        yield Report(
            where=("cases_per_session", "max"),
            message=f"as many as {cases.max} cases per clinic; the clinic model discusses {expected}",
        )


@rule(
    "TIP303",
    "session-gap",
    summary="The listed sessions skip a number: they should run 1, 2, ... n.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        When every session is listed, a missing number is a session left out by mistake, and its
        principles are missing from the coverage. Each gap is its own finding. When only some
        sessions are listed (fewer than the schedule's count, or any for an open-ended space),
        gaps are expected and not reported.
    """,
    citation="tipframe document format (sessions are numbered from 1)",
)
def session_gap(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme):
        return
    schedule = programme.schedule
    if not programme.sessions or (schedule is not None and schedule.open_ended):
        return
    count = schedule.sessions if schedule is not None else None
    if count is not None and len(programme.sessions) < count:
        return
    numbers = {s.number for s in programme.sessions}
    top = max(numbers) if count is None else min(count, max(numbers))
    for missing in sorted(set(range(1, top + 1)) - numbers):
        yield Report(
            where=("sessions",),
            message=f"session {missing} is missing from sessions 1 to {top}",
            hint="number the sessions 1, 2, 3 ... in order",
        )


@rule(
    "TIP305",
    "durations-differ-from-schedule",
    summary="The sessions' own durations do not add up to what the schedule gives.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Contact hours are quoted to commissioners and participants ("two hours a week over ten
        weeks"). When sessions carry their own durations, their total should agree with the
        schedule's sessions times session length, or one of the two is wrong.
    """,
    citation="Case study 000 (SVRU, Help the Helpers): ten weekly two-hour sessions",
)
def durations_differ(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme):
        return
    schedule = programme.schedule
    if schedule is None or schedule.sessions is None or not _fixed(schedule.session_length):
        return
    if not any(s.duration is not None for s in programme.sessions):
        return
    assert schedule.session_length is not None
    planned = schedule.sessions * schedule.session_length.hours_total()
    actual = programme.contact_hours()
    if actual is not None and abs(actual - planned) > 1e-9:
        yield Report(
            where=("sessions",),
            message=f"the sessions add up to {describe_hours(actual)}, but the schedule gives {schedule.sessions} x "
            f"{schedule.session_length} = {describe_hours(planned)}",
            hint="correct the session durations or the schedule",
        )


@rule(
    "TIP306",
    "dates-disagree-with-cadence",
    summary="The first and last session dates do not fit the cadence and the number of sessions.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Ten weekly sessions starting on a Monday end nine weeks later. Dates that disagree with
        the cadence mean a wrong date, count or cadence. Monthly and yearly cadences step by
        calendar months (the 31st falls back to a shorter month's last day); a cadence mixing
        months with days is not checked. Only dates given to the day are compared.
    """,
    citation="tipframe document format (ISO 8601 dates and durations)",
)
def dates_disagree(programme: Programme, context: Context) -> Iterator[Report]:
    schedule = programme.schedule
    if schedule is None or schedule.start is None or schedule.end is None or schedule.sessions is None:
        return
    if schedule.start.precision != "day" or schedule.end.precision != "day" or schedule.cadence is None:
        return
    expected = _last_session(schedule.start.start(), schedule.cadence, schedule.sessions - 1)
    if expected is not None and expected != schedule.end.start():
        yield Report(
            where=("schedule", "end"),
            message=f"{schedule.sessions} sessions {schedule.cadence.cadence_word()} from {schedule.start} end on "
            f"{expected.isoformat()}, not {schedule.end}",
        )


def _last_session(first: dt.date, cadence: Duration, steps: int) -> dt.date | None:
    """``first`` plus ``steps`` cadences; calendar cadences step by whole months. None when it cannot be said."""
    c = cadence
    try:
        if not c.is_calendar:
            return first + steps * c.to_timedelta()
        if c.weeks or c.days or c.hours or c.minutes or c.seconds:
            return None  # a mix of months and days has no single calendar meaning
        months = first.month - 1 + steps * (c.years * 12 + c.months)
        year, month = first.year + months // 12, months % 12 + 1
        last_day = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(first.day, last_day))
    except (OverflowError, ValueError):  # beyond the calendar's range
        return None


@rule(
    "TIP307",
    "session-longer-than-cadence",
    summary="A session lasts longer than the time between sessions.",
    severity=Severity.ERROR,
    kinds=[Programme],
    rationale="A session cannot last longer than the interval before the next one starts.",
    citation="tipframe document format",
)
def session_longer_than_cadence(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme):
        return
    schedule = programme.schedule
    if schedule is None or not _fixed(schedule.cadence):
        return
    assert schedule.cadence is not None
    interval = schedule.cadence.to_timedelta()
    candidates: list[tuple[Path, Duration | None]] = [(("schedule", "session_length"), schedule.session_length)]
    candidates += [(("sessions", i, "duration"), s.duration) for i, s in enumerate(programme.sessions)]
    for where, length in candidates:
        if _fixed(length) and length is not None and length.to_timedelta() > interval > dt.timedelta(0):
            yield Report(
                where=where,
                message=f"a session of {length.describe()} is longer than the {schedule.cadence.describe()} "
                "between sessions",
            )


#: formats that do not meet as a group: an open-ended one has no meetings to give a cadence to
_NOT_MEETING = (Format.STRATEGIC_PROGRAMME, Format.NETWORK, Format.SELF_DIRECTED)


@rule(
    "TIP308",
    "recurring-without-cadence",
    summary="A recurring space does not say how often it meets.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        Reflective practice and clinics help when they are regular: staff can plan for them and
        bring what comes up. How often they meet is part of the design. A strategic programme,
        a network or self-directed resources do not meet as a group, so an open-ended one is left
        alone.
    """,
    citation="Case study 001 (Iriss, Midlothian reflective practice); case study 004 (clinics)",
)
def recurring_without_cadence(programme: Programme, context: Context) -> Iterator[Report]:
    if _designing(programme) or programme.format in _NOT_MEETING:
        return
    schedule = programme.schedule
    if schedule is not None and schedule.open_ended and schedule.cadence is None:
        yield Report(
            where=("schedule",),
            message="recurs with no planned end but does not say how often it meets",
            hint="add cadence, such as P1M for monthly",
        )


@rule(
    "TIP309",
    "count-dated-in-future",
    summary="An observed count is dated after the day the documents are checked as of.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Delivery records are counts the sources report as having happened; one dated in the
        future is a slip in the date (2999 for 2019). tipframe check judges dates against today,
        or the day --as-of gives; in Python, CheckOptions.as_of, without which dates are not
        judged. A year or a month is in the future only once it has not begun.
    """,
    citation="tipframe document format (delivery records are observed counts, never modelled ones)",
)
def count_dated_in_future(programme: Programme, context: Context) -> Iterator[Report]:
    as_of = context.options.as_of
    if as_of is None:
        return
    for index, record in enumerate(programme.delivery_records):
        if record.date.start() > as_of:
            day = as_of.isoformat()
            yield Report(
                where=("delivery_records", index, "date"),
                message=f"a count of {record.what} dated {record.date}, after {day} (the day checked as of)",
                hint="correct the date: an observed count records what has already happened",
            )


#: the fields of an observed count that make it an observation
_OBSERVED = {"delivery_records": ("count", "date", "since"), "observations": ("value", "at", "since", "until")}


def _marked(document: Document, field_name: str, index: int, parts: tuple[str, ...]) -> str | None:
    """The first part of ``field_name[index]`` (or the record, or the whole list) marked illustrative, or None."""
    whole = {f"{field_name}[{index}]"}
    for mark in document.illustrative:
        if mark.path in whole:
            return mark.path
        for part in parts:
            if mark.path == f"{field_name}[{index}].{part}":
                return mark.path
    return None


@rule(
    "TIP310",
    "observed-count-illustrative",
    summary="A count recorded as observed has an illustrative date or value.",
    severity=Severity.WARNING,
    kinds=[Programme, Observations],
    rationale="""
        Delivery records and observations are what the sources report as having happened: a
        report sets modelled numbers against them, and calibration fits a plan to them. A count
        whose value or date was invented (marked illustrative) is not an observation, and a
        reader would take it for one. Give the count as the source states it, with its source, or
        move the invented one into a plan as an assumption.
    """,
    citation="tipframe document format (delivery records are observed counts, never modelled ones)",
)
def observed_count_illustrative(document: Document, context: Context) -> Iterator[Report]:
    for field_name, parts in _OBSERVED.items():
        records = getattr(document, field_name, ())
        if records and any(mark.path == field_name for mark in document.illustrative):
            yield Report(
                where=(field_name,),
                message=f"every one of {field_name} is recorded as observed, but {field_name} is marked illustrative",
                hint="give counts as a source states them, or make the invented ones a plan's assumptions",
            )
            continue
        for index, _record in enumerate(records):
            path = _marked(document, field_name, index, parts)
            if path is not None:
                yield Report(
                    where=(field_name, index),
                    message=f"{field_name}[{index}] is recorded as observed, but {path} is marked illustrative",
                    hint="give the count and date as a source states them, or make the invented one a plan's "
                    "assumption",
                )
