"""What was observed about a plan's rollout: dated counts that calibration fits the plan's parameters to.

An `Observations` document names one plan and lists counts the sources report (people trained by a
date, case discussions over a window), each from a closed list of the series the engines produce
(`Measure`), with a qualifier (``600+`` is at least 600) and its source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from tipframe.model.document import Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    TEXT,
    Each,
    NonEmpty,
    Path,
    Range,
    check_problems,
    extensions_field,
    field,
)
from tipframe.model.limits import MAX_PEOPLE, MAX_PERIODS
from tipframe.model.values import IsoDate
from tipframe.model.vocabulary import Qualifier

if TYPE_CHECKING:
    from tipframe.model.cascade import CascadePlan
    from tipframe.model.recurring import RecurringPlan


class Measure(Enum):
    """A series the engines produce, which an observation may count."""

    TRAINED = "trained"  # cascade: people trained and in post at a date (by organisation too)
    REACHED = "reached"  # cascade: people who began a cohort, by a date
    TRAINERS = "trainers"  # cascade: trainers made so far, seed trainers included
    DELIVERED = "delivered"  # cascade: trainers who had started at least one cohort by a date
    COHORTS = "cohorts"  # cascade: cohorts started, by a date or over a window
    MEETINGS = "meetings"  # recurring: meetings held, by a date or over a window
    DISCUSSIONS = "discussions"  # recurring: cases discussed (places taken), by a date or over a window
    SUPPORTED = "supported"  # recurring: practitioners with a case discussed, by a date
    AWARE = "aware"  # recurring: practitioners who know of the format, at a date


#: measures of a cascade plan, and of a recurring plan
CASCADE_MEASURES: Final = frozenset({Measure.TRAINED, Measure.REACHED, Measure.TRAINERS, Measure.DELIVERED,
                                     Measure.COHORTS})  # fmt: skip
RECURRING_MEASURES: Final = frozenset({Measure.MEETINGS, Measure.DISCUSSIONS, Measure.SUPPORTED, Measure.AWARE})
#: measures that count people (small observed counts of them are suppressed when shown)
PEOPLE: Final = frozenset({Measure.TRAINED, Measure.REACHED, Measure.TRAINERS, Measure.DELIVERED, Measure.SUPPORTED,
                           Measure.AWARE})  # fmt: skip
#: measures that count events, so that a window (since, until) means the events in it
FLOWS: Final = frozenset({Measure.COHORTS, Measure.MEETINGS, Measure.DISCUSSIONS})


@attrs.frozen(kw_only=True)
class Observation:
    """One count as reported: what, when (a date or period, or a window), how exactly, and who says so."""

    #: only flows are counted over a window; a suppressed count has no value, any other one has; about goes with a
    #: tolerance (the schema's share of ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            "allOf": [
                {
                    "if": {
                        "properties": {"measure": {"not": {"enum": ["cohorts", "meetings", "discussions"]}}},
                        "required": ["measure"],
                    },
                    "then": {
                        "not": {"anyOf": [{"required": ["since"]}, {"required": ["until"]}, {"required": ["periods"]}]}
                    },
                },
                {
                    "if": {"properties": {"qualifier": {"const": "suppressed"}}, "required": ["qualifier"]},
                    "then": {"not": {"required": ["value"]}},
                    "else": {"required": ["value"]},
                },
                {
                    "if": {"properties": {"qualifier": {"const": "about"}}, "required": ["qualifier"]},
                    "then": {"required": ["tolerance"]},
                    "else": {"not": {"required": ["tolerance"]}},
                },
            ]
        }
    )

    measure: Measure = field(
        doc="What was counted: trained, reached, trainers, delivered (trainers who ran a cohort) or cohorts "
        "(started) for a cascade plan; meetings, discussions, supported or aware for a recurring plan."
    )
    organisation: str | None = field(
        doc="For trained only: the organisation counted (an id in the plan's workforce); none for the whole workforce.",
        default=None,
        checks=[IDENTIFIER],
        member_of="plan.workforce",
        member="organisations",
    )
    at: IsoDate | None = field(
        doc="The date the count stood (a month or year means its last day); needs the plan's start.", default=None
    )
    period: int | None = field(
        doc="The period the count stood at, for a plan without a start (0: before period 1).",
        default=None,
        checks=[Range(0, MAX_PERIODS)],
    )
    since: IsoDate | None = field(
        doc="A window's first day, with until: the events in it (cohorts, meetings, discussions only).",
        default=None,
    )
    until: IsoDate | None = field(doc="A window's last day (a month or year means its last day).", default=None)
    periods: tuple[int, ...] = field(
        doc="A window as its first and last periods, for a plan without a start.",
        default=(),
        checks=[Each(Range(1, MAX_PERIODS))],
    )
    value: int | None = field(
        doc="The count as reported; none when suppressed.", default=None, checks=[Range(0, MAX_PEOPLE)]
    )
    qualifier: Qualifier = field(
        doc="exact; at-least ('600+': met by any value of 600 or more); at-most; about (within tolerance); "
        "suppressed (withheld for disclosure control: 1 to 4).",
        default=Qualifier.EXACT,
    )
    tolerance: float | None = field(
        doc="For about: how far the true count may be from the value.", default=None, checks=[Range(0, MAX_PEOPLE)]
    )
    weight: float = field(
        doc="How much this count weighs in the distance, against the others' (1 for each by default).",
        default=1.0,
        checks=[Range(0, 1e9)],
    )
    source: str | None = field(doc="Id of the source, in this document's sources, that reports it.", default=None,
                               checks=[IDENTIFIER])  # fmt: skip
    note: str | None = field(doc="Context for the count.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        check_problems(self._problems())

    def _problems(self) -> list[tuple[Path, str]]:
        problems: list[tuple[Path, str]] = []
        given = [name for name in ("at", "period") if getattr(self, name) is not None]
        given += ["since and until"] if self.since is not None or self.until is not None else []
        given += ["periods"] if self.periods else []
        if len(given) != 1:
            said = " and ".join(given) if given else "none"
            problems.append(((), f"give when the count stood: at, period, since and until, or periods (not {said})"))
        if (self.since is None) != (self.until is None):
            problems.append((("since" if self.since is None else "until",), "a window needs both since and until"))
        elif self.since is not None and self.until is not None and self.since.start() > self.until.end():
            problems.append((("until",), f"the window ends ({self.until}) before it starts ({self.since})"))
        if self.periods and (len(self.periods) != 2 or self.periods[0] > self.periods[1]):
            problems.append((("periods",), "give the window's first and last periods, the first no later"))
        if self.measure not in FLOWS and (self.since is not None or self.periods):
            problems.append((("measure",), f"{self.measure.value} is counted at a date or period (at or period), "
                             "not over a window: only cohorts, meetings and discussions are"))  # fmt: skip
        if self.organisation is not None and self.measure is not Measure.TRAINED:
            problems.append((("organisation",), "only trained is counted by organisation"))
        problems += self._value_problems()
        return problems

    def _value_problems(self) -> list[tuple[Path, str]]:
        problems: list[tuple[Path, str]] = []
        suppressed = self.qualifier is Qualifier.SUPPRESSED
        if suppressed and self.value is not None:
            problems.append((("value",), "a suppressed count has no value (it means 1 to 4)"))
        if not suppressed and self.value is None:
            problems.append((("value",), f"give the count ({self.qualifier.value}), or qualifier: suppressed"))
        if (self.qualifier is Qualifier.ABOUT) != (self.tolerance is not None):
            where = "tolerance" if self.tolerance is not None else "qualifier"
            problems.append(((where,), "a tolerance goes with qualifier: about, and about needs one"))
        if self.weight <= 0:
            problems.append((("weight",), "must be above 0"))
        return problems

    def describe(self) -> str:
        """The count as people read it: ``at least 600 discussions (2019-09 to 2022-08)``.

        Returns
        -------
        str
        """
        what = self.measure.value + (f" in {self.organisation}" if self.organisation else "")
        if self.since is not None:
            when = f"{self.since} to {self.until}"
        elif self.periods:
            when = f"periods {self.periods[0]} to {self.periods[1]}"
        else:
            when = f"by {self.at}" if self.at is not None else f"by period {self.period}"
        return f"{self.qualifier.qualify(self.value)} {what} ({when})"

    def window(self, plan: CascadePlan | RecurringPlan) -> tuple[int, int]:
        """The periods counted: (first, last) for a window; (0, t) for a count as it stood at period t.

        A window's first period is the one its first day falls in; its last, the last period that
        ends by its last day (a window that does not fall on period boundaries is rounded so).

        Parameters
        ----------
        plan
            The plan observed (its start dates the periods).

        Returns
        -------
        tuple of int

        Raises
        ------
        ValueError
            When a date is given and the plan has no start.
        """
        if self.periods:
            return self.periods[0], self.periods[1]
        if self.period is not None:
            return 0, self.period
        if self.at is not None:
            return 0, plan.period_at(self.at)
        if self.since is None or self.until is None:  # pragma: no cover - refused when made
            raise ValueError("the observation gives no date, period or window")
        first = plan.period_at(IsoDate.parse((self.since.start() - dt.timedelta(days=1)).isoformat())) + 1
        return first, plan.period_at(self.until)


@attrs.frozen(kw_only=True)
class Observations(Document):
    """Counts observed about one plan's rollout, which `tipframe.calibrate` fits the plan's parameters to."""

    KIND = "Observations"

    plan: str = field(
        doc="The plan observed (a reference to a CascadePlan or RecurringPlan).",
        checks=[REFERENCE],
        ref="CascadePlan|RecurringPlan",
    )
    observations: tuple[Observation, ...] = field(doc="The counts.", checks=[NonEmpty(array=True)])

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        known = set(self.source_ids())
        for index, item in enumerate(self.observations):
            if item.source is not None and item.source not in known:
                problems.append((("observations", index, "source"), f"no source {item.source!r} in sources"))
        return problems


def observation_problems(observations: Observations, plan: CascadePlan | RecurringPlan) -> list[tuple[Path, str]]:
    """What the plan cannot produce of these observations: a measure of the other kind of plan, a date
    without a start, a period outside the horizon, an organisation the count cannot be by.

    Parameters
    ----------
    observations
        The document.
    plan
        The plan it names.

    Returns
    -------
    list of (path, message)
        Each at the observation's field at fault; empty when the plan produces every count.
    """
    from tipframe.model.cascade import CascadePlan

    cascade = isinstance(plan, CascadePlan)
    allowed = CASCADE_MEASURES if cascade else RECURRING_MEASURES
    kind = "cascade" if cascade else "recurring"
    problems: list[tuple[Path, str]] = []
    for index, item in enumerate(observations.observations):
        where: Path = ("observations", index)
        if item.measure not in allowed:
            names = ", ".join(sorted(m.value for m in allowed))
            message = f"a {kind} plan ({plan.id!r}) produces no {item.measure.value}: it counts {names}"
            problems.append(((*where, "measure"), message))
            continue
        dated = item.at is not None or item.since is not None
        if dated and plan.start is None:
            field_name = "at" if item.at is not None else "since"
            message = f"plan {plan.id!r} has no start, so its periods have no dates: give period or periods"
            problems.append(((*where, field_name), message))
            continue
        early = [(name, date) for name, date in (("since", item.since), ("at", item.at)) if date is not None]
        if plan.start is not None and early and early[0][1].end() < plan.start.start():
            name, date = early[0]
            message = f"{date} is before the plan starts ({plan.start})"
            problems.append(((*where, name), message))
            continue
        first, last = item.window(plan)
        name = "periods" if item.periods or item.since is not None else "period"
        name = "at" if item.at is not None else "since" if item.since is not None else name
        if last > plan.horizon:
            message = f"falls after the plan's horizon (period {last}, the plan runs {plan.horizon})"
            problems.append(((*where, name), message))
        elif first > last or (item.since is not None and last < 1):
            problems.append(((*where, name), "the window covers no whole period of the plan"))
    return problems
