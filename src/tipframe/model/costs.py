"""What a rollout costs: facilitators' and participants' time, fixed costs per cohort and session, preparing trainers.

A plan's ``costs`` block gives the prices, or else its programme's own ``costs`` (a course's fee
per participant, its rates); `cohort_cost` works out one cohort's cost from a programme (its
contact hours, facilitators and places), and ``tipframe.reach.costs`` the cost of every run of
the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from tipframe.model.fields import TEXT, Path, Pattern, Range, check_problems, extensions_field, field, repeats

if TYPE_CHECKING:  # a programme may carry its own prices: the module that defines it imports this one
    from tipframe.model.programme import Programme

#: the most a price may be, in its currency (a billion: no hour, session or trainer costs more)
MAX_PRICE: Final = 1e9


def _price(doc: str) -> Any:
    return field(doc=doc, default=0.0, checks=[Range(0, MAX_PRICE)])


@attrs.frozen(kw_only=True)
class FacilitatorRate:
    """An hourly rate for the facilitators in one of the programme's facilitator roles."""

    role: str = field(doc="The role's title, as the programme's facilitation names it.", checks=[TEXT])
    hourly: float = field(doc="Cost of one hour of one facilitator in this role.", checks=[Range(0, MAX_PRICE)])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Costs:
    """Prices for working out what a plan costs, in one currency at one year's prices."""

    currency: str = field(doc="ISO 4217 code, such as GBP.", checks=[Pattern(r"^[A-Z]{3}$", "a code such as GBP")])
    price_year: int = field(doc="The year whose prices these are.", checks=[Range(1900, 2200)])
    facilitator_hour: float = _price("Cost of one hour of one facilitator (a role without its own rate).")
    facilitator_rates: tuple[FacilitatorRate, ...] = field(
        doc="Hourly rates by the programme's facilitator roles, each role's count of a cohort's facilitators.",
        default=(),
    )
    participant_hour: float = _price("Cost of one hour of one participant's time (backfill).")
    per_participant: float = _price(
        "Cost of each participant's place (a fee, materials, certification), for each place taken."
    )
    per_cohort: float = _price("Fixed cost of each cohort (materials, venue hire for the run).")
    per_session: float = _price("Fixed cost of each session of a cohort (a room, refreshments, a platform).")
    per_trainer: float = _price(
        "Cost of preparing each trainer (the train-the-trainer course): each seed trainer and each trainer made."
    )
    note: str | None = field(doc="Where the prices come from, or what they include.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        check_problems(self._problems())

    def _problems(self) -> list[tuple[Path, str]]:
        return repeats(self.facilitator_rates, "facilitator_rates", "role", "role {value!r} has a rate already")

    def priced(
        self, *, facilitator_hours: Any, hourly: float, participant_hours: Any, places: Any, cohorts: Any = 0.0,
        sessions: Any = 0.0, trainers: Any = 0.0,
    ) -> Any:  # fmt: skip
        """What so much time, so many places, cohorts, sessions and trainers prepared cost: the one formula a
        cohort, a rollout's runs and a recurring format's runs are priced by (numbers or numpy arrays alike).

        Parameters
        ----------
        facilitator_hours, hourly
            Facilitators' hours, and the hourly rate they count at (`facilitator_hourly`).
        participant_hours, places
            Participants' hours, and the places taken.
        cohorts, sessions, trainers
            Cohorts run, sessions held (a recurring format's meetings), trainers prepared.

        Returns
        -------
        float or numpy.ndarray
        """
        return (
            facilitator_hours * hourly
            + participant_hours * self.participant_hour
            + places * self.per_participant
            + cohorts * self.per_cohort
            + sessions * self.per_session
            + trainers * self.per_trainer
        )

    def unused_rates(self, programme: Programme) -> tuple[str, ...]:
        """Roles given a rate that the programme's facilitation does not name (their rates are not used).

        Parameters
        ----------
        programme
            The programme delivered.

        Returns
        -------
        tuple of str
        """
        named = {role.title for role in programme.facilitation.roles} if programme.facilitation is not None else set()
        return tuple(rate.role for rate in self.facilitator_rates if rate.role not in named)

    def facilitator_hourly(self, programme: Programme, facilitators: int) -> float:
        """The mean hourly cost of one facilitator in a team of ``facilitators``: roles with a rate count at it,
        as many as the programme's facilitation says; the rest at ``facilitator_hour``.

        Parameters
        ----------
        programme
            The programme delivered (its facilitation's roles).
        facilitators
            Facilitators in the team (at least 1).

        Returns
        -------
        float
        """
        rates = {rate.role: rate.hourly for rate in self.facilitator_rates}
        roles = programme.facilitation.roles if programme.facilitation is not None else ()
        total, counted = 0.0, 0
        for role in roles:
            if role.title in rates and counted < facilitators:
                count = min(role.count, facilitators - counted)
                total += count * rates[role.title]
                counted += count
        total += (facilitators - counted) * self.facilitator_hour
        return total / max(facilitators, 1)


@attrs.frozen
class CohortCost:
    """One cohort's time and cost (`cohort_cost`)."""

    contact_hours: float
    sessions: int
    facilitators: int
    places: int
    facilitator_hours: float
    participant_hours: float
    cost: float  # facilitators' and participants' time, and the fixed costs (not preparing trainers)


def cohort_cost(costs: Costs, programme: Programme, facilitators: int, places: int) -> CohortCost | None:
    """One cohort's hours and cost, or None when the programme gives no contact hours or session count.

    Parameters
    ----------
    costs
        The prices.
    programme
        The programme delivered.
    facilitators
        Facilitators of the cohort.
    places
        Participants.

    Returns
    -------
    CohortCost or None
    """
    hours, sessions = programme.contact_hours(), programme.session_count()
    if hours is None or sessions is None:
        return None
    facilitator_hours = hours * facilitators
    participant_hours = hours * places
    cost = costs.priced(facilitator_hours=facilitator_hours, hourly=costs.facilitator_hourly(programme, facilitators),
                        participant_hours=participant_hours, places=places, cohorts=1, sessions=sessions)  # fmt: skip
    return CohortCost(hours, sessions, facilitators, places, facilitator_hours, participant_hours, cost)
