"""Cascade (train-the-trainer) plans: who starts, how each generation of trainers delivers, and for how long."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from tipframe.model import calendar
from tipframe.model.costs import Costs
from tipframe.model.document import Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    Check,
    Each,
    NonEmpty,
    Path,
    Range,
    Unique,
    check_problems,
    extensions_field,
    field,
    plan_organisation,
    repeats,
)
from tipframe.model.limits import MAX_CONCURRENT, MAX_COUNT, MAX_FACILITATORS, MAX_GROUP, MAX_PERIODS
from tipframe.model.periods import PeriodsMixin
from tipframe.model.values import LONGER_THAN_ZERO, PERIOD, Duration, IsoDate, NoneAs
from tipframe.model.vocabulary import Status


class Distribution(Enum):
    """How a parameter is given: a fixed value, or a distribution drawn once per replicate."""

    FIXED = "fixed"
    BETA = "beta"  # (a, b): for probabilities
    UNIFORM = "uniform"  # (low, high)
    GAMMA = "gamma"  # (shape, scale): for positive rates
    LOGNORMAL = "lognormal"  # (mu, sigma) of the underlying normal: for positive rates


_ARITY = {
    Distribution.FIXED: 1,
    Distribution.BETA: 2,
    Distribution.UNIFORM: 2,
    Distribution.GAMMA: 2,
    Distribution.LOGNORMAL: 2,
}


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Parameter:
    """A number, or a distribution of it, written ``0.837`` or ``{beta: [83.7, 16.3]}`` in documents."""

    distribution: Distribution = Distribution.FIXED
    values: tuple[float, ...] = attrs.field(converter=_floats)

    def __attrs_post_init__(self) -> None:
        problems: list[tuple[Path, str]] = []
        arity = _ARITY[self.distribution]
        if len(self.values) != arity:
            problems.append(((), f"{self.distribution.value} takes {arity} number(s), not {len(self.values)}"))
        elif any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in self.values):
            problems.append(((), "every value must be a finite number"))
        elif self.distribution in (Distribution.BETA, Distribution.GAMMA) and min(self.values) <= 0:
            problems.append(((), f"{self.distribution.value} parameters must be positive"))
        elif self.distribution is Distribution.UNIFORM and self.values[0] > self.values[1]:
            problems.append(((), "uniform's low is above its high"))
        elif self.distribution is Distribution.LOGNORMAL and self.values[1] <= 0:
            problems.append(((), "lognormal's sigma must be positive"))
        check_problems(problems)

    @classmethod
    def fixed(cls, value: float) -> Parameter:
        """A parameter that always takes one value.

        Parameters
        ----------
        value
            A finite number.

        Returns
        -------
        Parameter

        Raises
        ------
        ModelError
            When ``value`` is not a finite number.
        """
        return cls(values=(value,))

    def mean(self) -> float:
        """The parameter's expected value (what the projection uses).

        Returns
        -------
        float
        """
        d, v = self.distribution, self.values
        if d is Distribution.FIXED:
            return float(v[0])
        if d is Distribution.BETA:
            return v[0] / (v[0] + v[1])
        if d is Distribution.UNIFORM:
            return (v[0] + v[1]) / 2
        if d is Distribution.GAMMA:
            return v[0] * v[1]
        return math.exp(v[0] + v[1] ** 2 / 2)

    def bounds(self) -> tuple[float, float]:
        """The smallest and largest values the parameter can take.

        Returns
        -------
        tuple of float
            ``(low, high)``; ``high`` is ``inf`` for gamma and lognormal.
        """
        d, v = self.distribution, self.values
        if d is Distribution.FIXED:
            return (v[0], v[0])
        if d is Distribution.BETA:
            return (0.0, 1.0)
        if d is Distribution.UNIFORM:
            return (v[0], v[1])
        return (0.0, math.inf)

    def __str__(self) -> str:
        if self.distribution is Distribution.FIXED:
            return f"{self.values[0]:g}"
        return f"{self.distribution.value}({', '.join(f'{x:g}' for x in self.values)})"


class ParameterRange(Check):
    """A parameter must stay within ``low`` and ``high`` whatever value is drawn.

    The schema says what it can (see ``_schema``); the model layer reports every problem, with
    its message.
    """

    layer = "model"

    def __init__(self, low: float, high: float, what: str) -> None:
        self.low, self.high, self.what = low, high, what
        self.schema = MappingProxyType(self._schema())

    def _schema(self) -> dict[str, Any]:
        """What a schema can say: a fixed value within the range, beta's shapes above 0, a uniform's ends within
        the range, and for a bounded range (a probability) no gamma or lognormal (a uniform's low above its high
        is the model's to refuse)."""
        bounded = {"minimum": self.low, **({"maximum": self.high} if self.high < math.inf else {})}
        pair: dict[str, Any] = {"type": "array", "minItems": 2, "maxItems": 2}
        shapes = {**pair, "items": {"type": "number", "exclusiveMinimum": 0}}
        ends = {**pair, "items": {"type": "number", **bounded}}
        options: dict[str, Any] = {"beta": shapes, "uniform": ends}
        if self.high == math.inf:
            options |= {"gamma": shapes, "lognormal": {**pair, "items": {"type": "number"}}}
        return {
            "anyOf": [
                {"type": "number", **bounded},
                {"type": "object", "properties": options, "minProperties": 1, "maxProperties": 1,
                 "additionalProperties": False},
            ]
        }  # fmt: skip

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, Parameter):
            return None
        if value.distribution in (Distribution.GAMMA, Distribution.LOGNORMAL) and self.high < math.inf:
            return f"a {self.what} cannot follow a {value.distribution.value} distribution: use beta or uniform"
        low, high = value.bounds()
        if low < self.low or high > self.high:
            shown = "at least 0" if self.high == math.inf else f"between {self.low:g} and {self.high:g}"
            return f"a {self.what} must be {shown}, not {value}"
        return None


PROBABILITY = ParameterRange(0.0, 1.0, "probability")
RATE = ParameterRange(0.0, math.inf, "rate")


def _parameter(value: float) -> Any:
    return attrs.Factory(lambda: Parameter.fixed(value))


@attrs.frozen(kw_only=True)
class Tier:
    """How one generation of trainers delivers; the last tier repeats for later generations.

    Tier k (from 0) sets generation k+1 cohorts' size, facilitators, completion, conversion and
    fidelity retention, and the delay, quotas and attrition of the trainers those cohorts
    produce. Seed trainers (generation 0) take their quotas and attrition from tier 0.
    """

    cohort_size: int = field(doc="Places in a cohort.", checks=[Range(1, MAX_GROUP)])
    facilitators: int = field(
        doc="Facilitators per cohort; each counts it fully against their quotas.",
        default=1,
        checks=[Range(1, MAX_FACILITATORS)],
    )
    concurrent_cohorts: int = field(
        doc="Cohorts a trainer may run at once.", default=1, checks=[Range(1, MAX_CONCURRENT)]
    )
    total_cohorts: int | None = field(
        doc="Cohorts a trainer may run in all; none for no limit.", default=None, checks=[Range(1, MAX_COUNT)]
    )
    delay: Duration = field(doc="Time from completing to delivering a first cohort (ISO 8601).", factory=Duration)
    attrition: Parameter = field(
        doc="Chance per period that an active trainer stops delivering.", default=_parameter(0.0), checks=[PROBABILITY]
    )
    completion: Parameter = field(
        doc="Chance that a participant completes the programme.", default=_parameter(1.0), checks=[PROBABILITY]
    )
    conversion: Parameter = field(
        doc="Chance that a completer becomes a trainer.", default=_parameter(0.0), checks=[PROBABILITY]
    )
    fidelity_retention: Parameter = field(
        doc="Factor on fidelity from facilitators to their cohort (above 1: fidelity recovers).",
        default=_parameter(1.0),
        checks=[RATE],
    )
    fidelity_floor: float = field(
        doc="Cohorts whose fidelity would fall below this are not started.", default=0.0, checks=[Range(0, 1)]
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class SeedTrainers:
    """Trainers an organisation starts with (generation 0)."""

    organisation: str = plan_organisation()
    trainers: int = field(doc="How many.", checks=[Range(1, MAX_COUNT)])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class UptakeOverride:
    """An uptake for the eligible staff of one organisation, one role, or one role in one organisation."""

    #: it names an organisation, a role or both (the schema's share of the plan's ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"anyOf": [{"required": ["organisation"]}, {"required": ["role"]}]}
    )

    organisation: str | None = field(
        doc="Organisation id in the plan's workforce; none for every organisation.",
        default=None,
        checks=[IDENTIFIER],
        member_of="workforce",
        member="organisations",
    )
    role: str | None = field(
        doc="Role id in the plan's workforce; none for every role.",
        default=None,
        checks=[IDENTIFIER],
        member_of="workforce",
        member="roles",
    )
    uptake: Parameter = field(
        doc="Chance that such a person will take part when offered a place.", checks=[PROBABILITY]
    )
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        if self.organisation is None and self.role is None:
            check_problems([((), "name an organisation, a role or both")])


@attrs.frozen(kw_only=True)
class CascadePlan(PeriodsMixin, Document):
    """The parameters of a train-the-trainer rollout over a workforce."""

    KIND = "CascadePlan"

    programme: str = field(
        doc="The programme delivered (a reference); its schedule gives the cohort length.",
        checks=[REFERENCE],
        ref="Programme",
    )
    trainer_course: str | None = field(
        doc="The train-the-trainer course (a reference); conversion and delay stand for it.",
        default=None,
        checks=[REFERENCE],
        ref="Programme",
    )
    workforce: str = field(doc="The workforce reached (a reference).", checks=[REFERENCE], ref="Workforce")
    follows: str | None = field(
        doc="The plan this one follows in a learning pathway (a reference): its people are staff whose role needs "
        "this programme's level, who hold the level before it or complete that plan's programme first.",
        default=None,
        checks=[REFERENCE],
        ref="CascadePlan",
    )
    seed_trainers: tuple[SeedTrainers, ...] = field(
        doc="Trainers at the start, by organisation.", checks=[NonEmpty(array=True)]
    )
    status: Status | None = field(doc="co-design, pilot, running or ended; none when not said.", default=None)
    seeds_are_staff: bool = field(
        doc="True when seed trainers are among their organisation's eligible staff (they are then not trained again).",
        default=True,
    )
    period: Duration = field(
        doc="Length of one period (ISO 8601): whole days or weeks (P1W for weekly), or whole months or years "
        "(P1M, P3M for quarters, P1Y), which follow the calendar from start.",
        checks=[LONGER_THAN_ZERO, PERIOD],
    )
    start: IsoDate | None = field(
        doc="The first day of period 1 (ISO date; a month or a year means its first day); "
        "none for periods counted but not dated.",
        default=None,
    )
    horizon: int = field(doc="Number of periods simulated.", checks=[Range(1, MAX_PERIODS)])
    eligible_roles: tuple[str, ...] = field(
        doc="Roles whose staff are eligible; with eligible_levels empty too, everyone is.",
        default=(),
        checks=[Each(IDENTIFIER), Unique()],
        member_of="workforce",
        member="roles",
    )
    eligible_levels: tuple[str, ...] = field(
        doc="Staff in roles whose required level is one of these are eligible (level ids in the workforce's scale).",
        default=(),
        checks=[Each(IDENTIFIER), Unique()],
        member_of="workforce.levels",
    )
    tiers: tuple[Tier, ...] = field(doc="Parameters by generation; the last repeats.", checks=[NonEmpty(array=True)])
    turnover: Parameter = field(
        doc="Chance per period that a trained person leaves for an untrained hire (0: a closed workforce).",
        default=_parameter(0.0),
        checks=[PROBABILITY],
    )
    uptake: Parameter = field(
        doc="Chance that an eligible person will take part when offered a place, drawn once per person "
        "when they join the workforce.",
        default=_parameter(1.0),
        checks=[PROBABILITY],
    )
    uptake_by: tuple[UptakeOverride, ...] = field(
        doc="Uptake by organisation, role or both; the most specific entry applies (see uptake_for).",
        default=(),
    )
    retakes: int | None = field(
        doc="Times a participant who does not complete may enrol again: a whole number, "
        "or unlimited (the default; None in Python).",
        default=None,
        checks=[Range(0, MAX_COUNT), NoneAs("unlimited", {"type": "integer"})],
    )
    costs: Costs | None = field(
        doc="Prices for working out what the rollout costs (facilitators' and participants' time, fixed costs, "
        "preparing trainers); none for no costs.",
        default=None,
    )
    adoption_after: int = field(
        doc="A trainer counts toward adoption once it has been active this many periods with willing "
        "people left to train; at most the horizon, or the default.",
        default=26,
        checks=[Range(1, MAX_PERIODS)],
    )
    maintenance_after: int = field(
        doc="Maintenance counts trainers trained at least this many periods ago; at most the horizon, or the default.",
        default=26,
        checks=[Range(0, MAX_PERIODS)],
    )
    maintenance_window: int = field(
        doc="... who started a cohort within this many periods; at most the horizon, or the default.",
        default=13,
        checks=[Range(1, MAX_PERIODS)],
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        problems += repeats(
            self.seed_trainers, "seed_trainers", "organisation", "organisation {value!r} is listed twice"
        )
        if self.follows == self.id:
            problems.append((("follows",), "a plan cannot follow itself"))
        period = calendar.period_problem(self.period)
        if period is not None:
            problems.append((("period",), period))
        seen: set[tuple[str | None, str | None]] = set()
        for index, entry in enumerate(self.uptake_by):
            key = (entry.organisation, entry.role)
            if key in seen:
                named = " and ".join(f"{k} {v!r}" for k, v in zip(("organisation", "role"), key, strict=True) if v)
                problems.append((("uptake_by", index), f"{named} already has an uptake"))
            seen.add(key)
        for name in ("adoption_after", "maintenance_after", "maintenance_window"):
            value: int = getattr(self, name)
            default = attrs.fields_dict(CascadePlan)[name].default
            # A default beyond a short horizon only leaves the measure empty; a value written so is a mistake.
            if isinstance(default, int) and value > max(self.horizon, default):
                problems.append(((name,), f"{value} periods is beyond the horizon of {self.horizon} periods"))
        return problems

    def tier(self, generation: int) -> Tier:
        """The tier for cohorts of ``generation`` and the trainers they produce.

        Parameters
        ----------
        generation
            1 for the seeds' cohorts; generations beyond the last tier use the last.

        Returns
        -------
        Tier
        """
        return self.tiers[min(max(generation, 1), len(self.tiers)) - 1]

    def uptake_for(self, organisation: str, role: str | None) -> Parameter:
        """The uptake of eligible staff in ``organisation`` holding ``role``: the most specific entry.

        An ``uptake_by`` entry naming both the organisation and the role, else one naming the role
        only, else one naming the organisation only, else the plan's ``uptake``.

        Parameters
        ----------
        organisation
            An organisation id of the plan's workforce.
        role
            A role id, or None for staff in no listed role.

        Returns
        -------
        Parameter
            The entry's own parameter object (or the plan's).
        """
        found = {(e.organisation, e.role): e.uptake for e in self.uptake_by}
        keys = [(organisation, role), (None, role)] if role is not None else []
        for key in [*keys, (organisation, None)]:
            if key in found:
                return found[key]
        return self.uptake
