"""What a recurring format costs, run by run: meetings, facilitators' and participants' hours, and money.

A meeting lasts the programme's session length (its schedule's, else its one listed session's
duration). Its facilitators' time is the meeting's length times the facilitators a meeting needs;
its participants' time is the length times the cases discussed (one practitioner attends with
each case) or places taken. A meeting's fixed cost is the prices' ``per_session``, a case's or
place's ``per_participant``; each site's first facilitators are prepared once (``per_trainer``,
at period 0). ``per_cohort`` has no meaning for a format that recurs and is not used.
"""

from __future__ import annotations

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import Costs, Programme, RecurringResult
from tipframe.model.recurring import meeting_capacity
from tipframe.reach.costs import _line, per_person, prices
from tipframe.reach.measures import Estimate
from tipframe.reach.scenario import FloatArray

__all__ = [
    "RecurringCosts",
    "describe_recurring_costs",
    "meeting_hours",
    "recurring_costs",
    "recurring_costs_text",
    "run_recurring_costs",
]


def meeting_hours(programme: Programme) -> float | None:
    """Hours one meeting lasts: the schedule's session length, else the duration of the programme's only listed
    session; None when neither says.

    Parameters
    ----------
    programme
        The format.

    Returns
    -------
    float or None
    """
    length = programme.schedule.session_length if programme.schedule is not None else None
    if length is None and len(programme.sessions) == 1:
        length = programme.sessions[0].duration
    return None if length is None else length.hours_total()


def run_recurring_costs(result: RecurringResult) -> dict[str, FloatArray] | None:
    """Each run's hours and cost by period (runs x periods), or None without prices or a meeting length.

    Parameters
    ----------
    result
        A recurring result.

    Returns
    -------
    dict of str to numpy.ndarray or None
        ``meetings``, ``facilitator_hours``, ``participant_hours``, ``facilitators_prepared`` and
        ``cost``.
    """
    costs, hours = prices(result.plan, result.programme), meeting_hours(result.programme)
    capacity = meeting_capacity(result.programme, result.plan)
    if costs is None or hours is None or capacity is None:
        return None
    meetings = to_numpy(result.meetings).astype(np.float64)
    taken = to_numpy(result.discussions).astype(np.float64)
    prepared = np.zeros_like(meetings)
    prepared[:, 0] = to_numpy(result.facilitators)[:, 0]
    facilitation = result.programme.facilitation
    # a peer-led format may say no facilitator is paid (0); the simulation still needs one to meet
    facilitators = facilitation.facilitators if facilitation is not None else capacity.facilitators
    hourly = costs.facilitator_hourly(result.programme, max(facilitators, 1))
    out = {
        "meetings": meetings,
        "facilitator_hours": meetings * facilitators * hours,
        "participant_hours": taken * hours,
        "facilitators_prepared": prepared,
    }
    out["cost"] = costs.priced(facilitator_hours=out["facilitator_hours"], hourly=hourly,
                               participant_hours=out["participant_hours"], places=taken, sessions=meetings,
                               trainers=prepared)  # fmt: skip
    return out


@attrs.frozen
class RecurringCosts:
    """A recurring format's costs over the horizon, across runs (`recurring_costs`)."""

    costs: Costs
    programme_prices: bool  # the plan gives none: its programme's are used
    hours: float  # one meeting's length
    meetings: Estimate
    facilitator_hours: Estimate
    participant_hours: Estimate
    total: Estimate
    per_discussion: Estimate  # total over cases discussed (or places taken)
    per_supported: Estimate  # total over practitioners supported (or staff who came) by the horizon


def recurring_costs(result: RecurringResult) -> RecurringCosts | None:
    """The format's costs over the horizon, or None where `run_recurring_costs` is.

    Parameters
    ----------
    result
        A recurring result.

    Returns
    -------
    RecurringCosts or None
    """
    runs = run_recurring_costs(result)
    costs, hours = prices(result.plan, result.programme), meeting_hours(result.programme)
    if runs is None or costs is None or hours is None:
        return None
    total = runs["cost"].sum(axis=1)
    taken = to_numpy(result.discussions).astype(np.float64).sum(axis=1)
    supported = to_numpy(result.supported).astype(np.float64)[:, -1]
    per_discussion, per_supported = per_person(total, taken), per_person(total, supported)
    return RecurringCosts(
        costs=costs,
        programme_prices=result.plan.costs is None,
        hours=hours,
        meetings=Estimate.of(runs["meetings"].sum(axis=1)),
        facilitator_hours=Estimate.of(runs["facilitator_hours"].sum(axis=1)),
        participant_hours=Estimate.of(runs["participant_hours"].sum(axis=1)),
        total=Estimate.of(total),
        per_discussion=Estimate.of(per_discussion),
        per_supported=Estimate.of(per_supported),
    )


def describe_recurring_costs(summary: RecurringCosts, unit: str = "cases") -> str:
    """The costs as ``tipframe reach`` prints them for a recurring plan.

    Parameters
    ----------
    summary
        From `recurring_costs`.
    unit
        ``cases`` (a clinic) or ``places`` (a group).

    Returns
    -------
    str
    """
    c = summary.costs
    whose = f"the programme's prices, {c.currency}" if summary.programme_prices else c.currency
    each = "case discussed" if unit == "cases" else "place taken"
    who = "per practitioner supported" if unit == "cases" else "per person who came"
    lines = [
        f"Costs ({whose}, {c.price_year} prices; meetings of {summary.hours:g} hours, one participant a {each}):",
        _line("facilitator hours", summary.facilitator_hours),
        _line("participant hours", summary.participant_hours),
        _line("total", summary.total, c.currency),
        _line(f"per {each}", summary.per_discussion, c.currency),
        _line(who, summary.per_supported, c.currency),
        "  (± is the mean's Monte Carlo standard error)",
    ]
    if c.per_cohort:
        lines.append("  per_cohort is not used: a format that recurs has no cohorts (a meeting costs per_session)")
    return "\n".join(lines) + "\n"


def recurring_costs_text(result: RecurringResult, unit: str = "cases") -> str | None:
    """The costs as ``tipframe reach`` prints them, or why none could be worked out; None without prices.

    Parameters
    ----------
    result
        A recurring result.
    unit
        ``cases`` or ``places``.

    Returns
    -------
    str or None
    """
    summary = recurring_costs(result)
    if summary is not None:
        return describe_recurring_costs(summary, unit)
    if prices(result.plan, result.programme) is None:
        return None
    if meeting_hours(result.programme) is None:
        return (
            f"Costs are not worked out: programme {result.programme.id!r} gives no meeting length (its schedule's "
            "session_length, or one listed session's duration).\n"
        )
    return (
        f"Costs are not worked out: programme {result.programme.id!r} gives no meeting capacity (cases per "
        "session, or a group size).\n"
    )
