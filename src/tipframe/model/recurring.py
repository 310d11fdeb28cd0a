"""Recurring plans: clinics, reflective groups and action learning sets that practitioners come back to.

A cascade trains each person once; a recurring format is a space that meets again and again,
to which practitioners bring new cases or dilemmas. Its reach is counted in meetings held, cases
discussed and practitioners supported, period by period (docs/recurring.md gives the definition).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from tipframe.model import calendar
from tipframe.model.arrays import ArrayData
from tipframe.model.cascade import PROBABILITY, RATE, Parameter
from tipframe.model.costs import Costs
from tipframe.model.document import Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    TEXT,
    Each,
    NonEmpty,
    Path,
    Range,
    Unique,
    extensions_field,
    field,
    plan_organisation,
    repeats,
)
from tipframe.model.limits import MAX_COUNT, MAX_PEOPLE, MAX_PERIODS
from tipframe.model.periods import PeriodsMixin
from tipframe.model.programme import Programme
from tipframe.model.values import LONGER_THAN_ZERO, PERIOD, Duration, IntRange, IsoDate, NoneAs
from tipframe.model.vocabulary import Format, Status
from tipframe.model.workforce import Workforce


def _parameter(value: float) -> Any:
    return attrs.Factory(lambda: Parameter.fixed(value))


@attrs.frozen(kw_only=True)
class Site:
    """An organisation where the format meets: its facilitators, and who knows of it at the start."""

    organisation: str = plan_organisation(
        "Organisation id in the plan's workforce; its eligible staff are the practitioners who may come."
    )
    facilitators: int = field(
        doc="Facilitators at the start; each team of the programme's facilitators per meeting holds meetings at "
        "the plan's cadence.",
        checks=[Range(1, MAX_COUNT)],
    )
    aware: int = field(
        doc="Practitioners who know of the format when the site starts (at most the site's eligible staff).",
        default=0,
        checks=[Range(0, MAX_PEOPLE)],
    )
    starts: int = field(
        doc="The period its first meetings may be held (a rollout across sites); before it, nothing happens there.",
        default=1,
        checks=[Range(1, MAX_PERIODS)],
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class RecurringPlan(PeriodsMixin, Document):
    """How a recurring format runs across a workforce: where it meets, how often, and who brings cases.

    Named for what sets it apart from a `CascadePlan`: people come back to it. A clinic discusses
    cases (the programme's ``cases_per_session``); a reflective group or action learning set seats
    members (its ``group_size``), each seat one case or dilemma brought.
    """

    KIND = "RecurringPlan"

    programme: str = field(
        doc="The format run (a reference): its cases_per_session, else group_size, gives a meeting's capacity, "
        "and its facilitation the facilitators a meeting needs.",
        checks=[REFERENCE],
        ref="Programme",
    )
    workforce: str = field(doc="The workforce served (a reference).", checks=[REFERENCE], ref="Workforce")
    sites: tuple[Site, ...] = field(doc="Where meetings are held.", checks=[NonEmpty(array=True)])
    period: Duration = field(
        doc="Length of one period (ISO 8601), as for a cascade plan: whole days or weeks, or whole months or years.",
        checks=[LONGER_THAN_ZERO, PERIOD],
    )
    start: IsoDate | None = field(
        doc="The first day of period 1 (ISO date; a month or a year means its first day); none for periods "
        "counted but not dated.",
        default=None,
    )
    horizon: int = field(doc="Number of periods simulated.", checks=[Range(1, MAX_PERIODS)])
    status: Status | None = field(doc="co-design, pilot, running or ended; none when not said.", default=None)
    capacity: IntRange | None = field(
        doc="Cases or members one meeting takes, each meeting's drawn uniformly from the range; none for the "
        "programme's cases_per_session, else its group_size (give it when the programme says neither).",
        default=None,
    )
    cadence: Duration | None = field(
        doc="Time between one team's meetings (ISO 8601); none for the programme's schedule cadence.",
        default=None,
        checks=[LONGER_THAN_ZERO],
    )
    eligible_roles: tuple[str, ...] = field(
        doc="Roles whose staff may bring cases; empty for everyone.",
        default=(),
        checks=[Each(IDENTIFIER), Unique()],
        member_of="workforce",
        member="roles",
    )
    demand: Parameter = field(
        doc="New cases each aware practitioner brings per period, on average (Poisson).", checks=[RATE]
    )
    awareness: Parameter = field(
        doc="Chance per period that a practitioner who does not know of the format learns of it other than from "
        "a colleague (publicity, training, a manager).",
        default=_parameter(0.0),
        checks=[PROBABILITY],
    )
    word_of_mouth: Parameter = field(
        doc="Colleagues at their site that each practitioner supported in a period tells of the format, on "
        "average, by the next (staff mix evenly within a site).",
        default=_parameter(0.0),
        checks=[RATE],
    )
    word_of_mouth_per_tie: Parameter | None = field(
        doc="With a staff network in the workforce: the chance that a practitioner supported in a period tells "
        "each colleague they work with (per tie), by the next; used instead of word_of_mouth, and a site's "
        "practitioners are then its people in the network. None: staff mix evenly within a site.",
        default=None,
        checks=[PROBABILITY],
    )
    wait: int | None = field(
        doc="Periods a case may wait for a meeting with room before it is dropped; unlimited (the default; None "
        "in Python).",
        default=None,
        checks=[Range(0, MAX_PERIODS), NoneAs("unlimited", {"type": "integer"})],
    )
    facilitator_attrition: Parameter = field(
        doc="Chance per period that a facilitator stops.", default=_parameter(0.0), checks=[PROBABILITY]
    )
    recent: int = field(
        doc="Practitioners supported 'recently' are those with a case discussed in the last this many periods.",
        default=12,
        checks=[Range(1, MAX_PERIODS)],
    )
    costs: Costs | None = field(
        doc="Prices for working out what the format costs (facilitators' and participants' time in meetings, a "
        "meeting's fixed cost as per_session, a place's as per_participant, preparing the first facilitators); "
        "none: the programme's costs, if any.",
        default=None,
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        problems += repeats(self.sites, "sites", "organisation", "organisation {value!r} is listed twice")
        if self.capacity is not None and self.capacity.max is None:
            problems.append((("capacity", "max"), "a meeting's capacity needs a max"))
        if self.word_of_mouth_per_tie is not None and self.eligible_roles:
            message = "word_of_mouth_per_tie counts everyone in the staff network: it cannot go with eligible_roles"
            problems.append((("eligible_roles",), message))
        if self.word_of_mouth_per_tie is not None and self.word_of_mouth.bounds()[1] > 0:
            message = (
                "give word_of_mouth (staff mix within a site) or word_of_mouth_per_tie (a staff network), not both"
            )
            problems.append((("word_of_mouth_per_tie",), message))
        period = calendar.period_problem(self.period)
        if period is not None:
            problems.append((("period",), period))
        return problems

    def parameters(self) -> tuple[Parameter, ...]:
        """The plan's parameters in the order a replicate draws them: demand, awareness, word of mouth, attrition,
        then word of mouth per tie when it is given.

        Returns
        -------
        tuple of Parameter
        """
        given = (self.demand, self.awareness, self.word_of_mouth, self.facilitator_attrition)
        return given if self.word_of_mouth_per_tie is None else (*given, self.word_of_mouth_per_tie)


@attrs.frozen(kw_only=True)
class Capacity:
    """What one meeting of a programme can take, and what it needs (`meeting_capacity`)."""

    low: int
    high: int
    facilitators: int
    unit: str  # "cases" (a clinic's) or "places" (a group's: each one member who comes)


def meeting_capacity(programme: Programme, plan: RecurringPlan | None = None) -> Capacity | None:
    """Cases one meeting discusses (uniform between ``low`` and ``high``), or None when neither gives one.

    A clinic's ``cases_per_session`` (from its minimum, or its maximum when open below), else
    its ``group_size`` (every seat filled by one case or dilemma: the group's maximum); either
    needs a maximum. The facilitators a meeting needs from its ``facilitation``
    (one when not given).

    The plan's ``capacity`` comes first when it gives one.

    Parameters
    ----------
    programme
        The format.
    plan
        The plan that runs it, if any.

    Returns
    -------
    Capacity or None
    """
    # A programme that needs no facilitator (0): each of a site's facilitators stands for one group that meets.
    facilitators = max(1, programme.facilitation.facilitators) if programme.facilitation is not None else 1
    own = plan.capacity if plan is not None else None
    if own is not None and own.max is not None:
        low = own.max if own.min is None else own.min
        unit = "cases" if programme.format is Format.CLINIC or programme.cases_per_session else "places"
        return Capacity(low=low, high=own.max, facilitators=facilitators, unit=unit)
    cases = programme.cases_per_session
    if cases is not None and cases.max is not None:
        low = cases.max if cases.min is None else cases.min
        return Capacity(low=low, high=cases.max, facilitators=facilitators, unit="cases")
    group = programme.group_size
    if group is not None and group.max is not None:
        return Capacity(low=group.max, high=group.max, facilitators=facilitators, unit="places")
    return None


def meetings_per_period(plan: RecurringPlan, programme: Programme) -> float | None:
    """How many meetings one team holds per period: the period's length over the cadence (average months).

    Parameters
    ----------
    plan, programme
        The plan, and the programme it names (whose schedule gives the cadence when the plan does not).

    Returns
    -------
    float or None
        None when neither gives a cadence.
    """
    cadence = plan.cadence
    if cadence is None and programme.schedule is not None:
        cadence = programme.schedule.cadence
    if cadence is None:
        return None
    return plan.period.to_timedelta(average_months=True) / cadence.to_timedelta(average_months=True)


#: the series a recurring result holds, each replicates x periods (0 is the start)
RECURRING_SERIES = (
    "access",
    "meetings",
    "discussions",
    "cases",
    "waiting",
    "dropped",
    "supported",
    "supported_recently",
    "aware",
    "facilitators",
)


@attrs.frozen(kw_only=True)
class RecurringResult(Document):
    """The result of `simulate_recurring`, which `load` reads back and `rerun` reproduces.

    Each series runs over periods 0..H (0 is the start) with a row per replicate; counts in a
    period (meetings, discussions, cases, dropped) are 0 at period 0.
    """

    KIND = "RecurringResult"

    plan: RecurringPlan = field(doc="The plan run.")
    workforce: Workforce = field(doc="The workforce it ran over.")
    programme: Programme = field(doc="The format run.")
    seed: int = field(doc="The seed.", checks=[Range(0)])
    replicates: int = field(doc="Number of replicates.", checks=[Range(1)])
    tipframe_version: str = field(doc="tipframe version that produced the result.", checks=[TEXT])
    numpy_version: str = field(doc="numpy version that produced it; reruns match under the same one.", checks=[TEXT])
    access: ArrayData = field(
        doc="Eligible staff at sites where a team of facilitators is active (who could go), replicates x periods."
    )
    meetings: ArrayData = field(doc="Meetings held in each period, replicates x periods.")
    discussions: ArrayData = field(doc="Cases discussed in each period, replicates x periods.")
    cases: ArrayData = field(doc="New cases brought in each period, replicates x periods.")
    waiting: ArrayData = field(doc="Cases waiting at the end of each period, replicates x periods.")
    dropped: ArrayData = field(doc="Cases dropped after waiting too long, in each period, replicates x periods.")
    supported: ArrayData = field(doc="Practitioners with at least one case discussed so far, replicates x periods.")
    supported_recently: ArrayData = field(
        doc="Practitioners with a case discussed in the plan's last `recent` periods, replicates x periods."
    )
    aware: ArrayData = field(doc="Practitioners who know of the format, replicates x periods.")
    facilitators: ArrayData = field(doc="Facilitators still active, replicates x periods.")

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        shape = (self.replicates, self.plan.horizon + 1)
        for name in RECURRING_SERIES:
            array: ArrayData = getattr(self, name)
            if tuple(array.shape) != shape:
                problems.append(((name, "shape"), f"must be {list(shape)} (replicates, horizon + 1), not "
                                 f"{list(array.shape)}"))  # fmt: skip
        return problems
