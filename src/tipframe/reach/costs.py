"""What a rollout costs, run by run: hours, cohorts, sessions, trainers prepared and money, with their spread.

Costs are booked in the period a cohort starts (all its sessions' time and fixed costs) and a
trainer is made (preparing them; seed trainers at period 0). Each run's (replicate's, or a
projection row's) total is a number, so every measure is an `Estimate`: the median with its 90%
interval, and the mean with its Monte Carlo error.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import CohortCost, Costs, Engine, Programme, ReachResult, cohort_cost
from tipframe.reach.measures import Estimate
from tipframe.reach.scenario import FloatArray

__all__ = [
    "CostSummary",
    "cost_note",
    "cost_rows",
    "costs_text",
    "describe_costs",
    "per_person",
    "prices",
    "rows_with_costs",
    "run_costs",
    "summarise_costs",
]


@attrs.frozen
class CostSummary:
    """A rollout's costs across runs (`summarise_costs`)."""

    costs: Costs
    projection: bool  # expected values, one row a draw of the plan's distributions (no Monte Carlo error)
    unused: tuple[str, ...]  # roles given a rate the programme does not name
    cohort: CohortCost | None  # one full cohort of the first tier
    cohorts: Estimate
    sessions: Estimate
    facilitator_hours: Estimate
    participant_hours: Estimate
    trainers_prepared: Estimate
    total: Estimate
    per_trained: Estimate  # total over people trained at the horizon (NaN where none was)
    per_reached: Estimate  # total over people who started the programme
    programme_prices: bool = False  # the plan gives no costs: its programme's are used


def prices(plan: Any, programme: Programme) -> Costs | None:
    """The prices a plan is costed at: its own ``costs``, else its programme's, else None.

    Parameters
    ----------
    plan
        A cascade or recurring plan.
    programme
        The programme it delivers.

    Returns
    -------
    Costs or None
    """
    own: Costs | None = plan.costs
    return own if own is not None else programme.costs


def run_costs(result: ReachResult) -> dict[str, FloatArray] | None:
    """Each run's hours, counts and cost by period (runs x periods), or None when the plan gives no costs, its
    programme no contact hours, or the result predates the places it needs.

    Parameters
    ----------
    result
        A simulation or projection of a plan with ``costs``.

    Returns
    -------
    dict of str to numpy.ndarray or None
        ``cohorts``, ``sessions``, ``facilitator_hours``, ``participant_hours``,
        ``trainers_prepared`` and ``cost`` (in the plan's currency).
    """
    costs, programme = prices(result.plan, result.programme), result.programme
    hours, sessions = programme.contact_hours(), programme.session_count()
    if costs is None or hours is None or sessions is None or result.places is None or result.facilitations is None:
        return None
    cohorts = to_numpy(result.cohorts_started).astype(np.float64)
    places = to_numpy(result.places).astype(np.float64)
    facilitations = to_numpy(result.facilitations).astype(np.float64)
    trainers = to_numpy(result.trainers).astype(np.float64)
    prepared = np.diff(trainers, axis=1, prepend=0.0)  # the seeds at period 0, then each period's new trainers
    hourly = costs.facilitator_hourly(programme, result.plan.tiers[0].facilitators)
    out = {
        "cohorts": cohorts,
        "sessions": cohorts * sessions,
        "facilitator_hours": facilitations * hours,
        "participant_hours": places * hours,
        "trainers_prepared": prepared,
    }
    out["cost"] = costs.priced(facilitator_hours=out["facilitator_hours"], hourly=hourly,
                               participant_hours=out["participant_hours"], places=places, cohorts=cohorts,
                               sessions=out["sessions"], trainers=prepared)  # fmt: skip
    return out


def per_person(total: FloatArray, people: FloatArray) -> FloatArray:
    """Each run's total over its people, NaN for a run with none.

    Parameters
    ----------
    total, people
        One number a run.

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        shares: FloatArray = np.where(people > 0, total / np.maximum(people, 1e-300), math.nan)
    return shares


def cost_note(result: ReachResult) -> str | None:
    """Why a plan with prices has no costs worked out for this result, or None when it has (or has no prices).

    Parameters
    ----------
    result
        A simulation or projection.

    Returns
    -------
    str or None
    """
    if prices(result.plan, result.programme) is None:
        return None
    programme = result.programme
    if programme.contact_hours() is None or programme.session_count() is None:
        return (
            f"Costs are not worked out: programme {programme.id!r} gives no contact hours (its sessions' durations, "
            "or a schedule with a session count and session length)."
        )
    if result.places is None or result.facilitations is None:
        return "Costs are not worked out: the result was saved before places were recorded; run it again to cost it."
    return None


def summarise_costs(result: ReachResult) -> CostSummary | None:
    """The rollout's costs over the horizon, each across runs; None where `run_costs` is.

    Parameters
    ----------
    result
        A simulation or projection of a plan with ``costs``.

    Returns
    -------
    CostSummary or None
    """
    runs = run_costs(result)
    costs = prices(result.plan, result.programme)
    if runs is None or costs is None:
        return None
    total = runs["cost"].sum(axis=1)
    trained = to_numpy(result.trained)[:, -1].astype(np.float64)
    reached = to_numpy(result.reached)[:, -1].astype(np.float64) if result.reached is not None else trained
    per_trained, per_reached = per_person(total, trained), per_person(total, reached)
    tier = result.plan.tiers[0]
    return CostSummary(
        costs=costs,
        projection=result.engine is Engine.PROJECTION,
        unused=costs.unused_rates(result.programme),
        cohort=cohort_cost(costs, result.programme, tier.facilitators, tier.cohort_size),
        cohorts=Estimate.of(runs["cohorts"].sum(axis=1)),
        sessions=Estimate.of(runs["sessions"].sum(axis=1)),
        facilitator_hours=Estimate.of(runs["facilitator_hours"].sum(axis=1)),
        participant_hours=Estimate.of(runs["participant_hours"].sum(axis=1)),
        trainers_prepared=Estimate.of(runs["trainers_prepared"].sum(axis=1)),
        total=Estimate.of(total),
        per_trained=Estimate.of(per_trained),
        per_reached=Estimate.of(per_reached),
        programme_prices=result.plan.costs is None,
    )


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}" if abs(value) >= 100 else f"{currency} {value:,.2f}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _line(label: str, e: Estimate, currency: str | None = None, error: bool = True) -> str:
    """A measure's median and 90% interval, then (``error``) its mean and Monte Carlo error (one more decimal)."""
    if e.n == 0 or math.isnan(e.median):
        return f"  {label:<28}n/a"
    show = _count if currency is None else (lambda v: _money(v, currency))
    mcse = f"{e.mcse:,.1f}" if currency is None else _money(e.mcse, currency)
    spread = f"; mean {show(e.mean)} ± {mcse}" if error and e.n > 1 and not math.isnan(e.mcse) else ""
    return f"  {label:<28}{show(e.median)} (90% interval {show(e.low)} to {show(e.high)}){spread}"


def describe_costs(summary: CostSummary) -> str:
    """The costs as ``tipframe reach`` prints them: each a median with its 90% interval, and a mean with its Monte
    Carlo error.

    Parameters
    ----------
    summary
        From `summarise_costs`.

    Returns
    -------
    str
    """
    c, error = summary.costs, not summary.projection
    across = "expected values, 90% interval across draws of the plan's distributions; " if summary.projection else ""
    whose = f"the programme's prices, {c.currency}" if summary.programme_prices else c.currency
    lines = [f"Costs ({whose}, {c.price_year} prices; {across}booked when a cohort starts or a trainer is made):"]
    if summary.cohort is not None:
        k = summary.cohort
        lines.append(
            f"  one full cohort: {k.contact_hours:g} contact hours x {k.facilitators} facilitators and {k.places} "
            f"places = {k.facilitator_hours:g} facilitator hours, {k.participant_hours:g} participant hours, "
            f"{_money(k.cost, c.currency)}"
        )
    lines += [
        _line("cohorts", summary.cohorts, error=error),
        _line("sessions", summary.sessions, error=error),
        _line("facilitator hours", summary.facilitator_hours, error=error),
        _line("participant hours", summary.participant_hours, error=error),
        _line("trainers prepared", summary.trainers_prepared, error=error),
        _line("total", summary.total, c.currency, error),
        _line("per person trained", summary.per_trained, c.currency, error),
        _line("per person reached", summary.per_reached, c.currency, error),
        "  (per person: a run's total over the people trained, or who started, seed trainers aside and still in "
        "the workforce at the horizon)",
    ]
    if summary.per_trained.n < summary.total.n:
        lines.append(
            f"  per person trained counts {summary.per_trained.n:,} of {summary.total.n:,} runs: the others trained "
            "nobody, and their cost is in the total only"
        )
    if summary.unused:
        lines.append(f"  rates for roles the programme does not name are not used: {', '.join(summary.unused)}")
    if error:
        lines.append("  (± is the mean's Monte Carlo standard error)")
    return "\n".join(lines) + "\n"


def costs_text(result: ReachResult) -> str | None:
    """The costs as ``tipframe reach`` and ``tipframe show`` print them after the reach: the summary, or why none
    could be worked out; None for a plan without prices.

    Parameters
    ----------
    result
        A simulation or projection.

    Returns
    -------
    str or None
    """
    summary = summarise_costs(result)
    if summary is not None:
        return describe_costs(summary)
    note = cost_note(result)
    return None if note is None else note + "\n"


def rows_with_costs(result: ReachResult) -> list[dict[str, Any]]:
    """The result's per-period rows (`series_rows`), with each period's cost columns (`cost_rows`) when the plan
    gives prices: what ``tipframe reach --csv`` writes and `tipframe.to_frame` gives.

    Parameters
    ----------
    result
        A simulation or projection.

    Returns
    -------
    list of dict
    """
    from tipframe.reach.measures import series_rows

    rows, costs = series_rows(result), cost_rows(result)
    if not costs:
        return rows
    return [row | {k: v for k, v in cost.items() if k != "period"} for row, cost in zip(rows, costs, strict=True)]


def cost_rows(result: ReachResult) -> list[dict[str, Any]]:
    """The cost in each period and so far at its end (median and 90% interval across runs), or none without costs.

    Parameters
    ----------
    result
        A simulation or projection of a plan with ``costs``.

    Returns
    -------
    list of dict
        ``period``; ``cost_median``, ``cost_low``, ``cost_high`` (booked in the period); and
        ``cost_so_far_median``, ``cost_so_far_low``, ``cost_so_far_high``.
    """
    runs = run_costs(result)
    if runs is None:
        return []
    rows: list[dict[str, Any]] = [{"period": t} for t in range(runs["cost"].shape[1])]
    for name, values in (("cost", runs["cost"]), ("cost_so_far", np.cumsum(runs["cost"], axis=1))):
        low, median, high = np.percentile(values, [5, 50, 95], axis=0)
        for t, row in enumerate(rows):
            row |= {f"{name}_median": float(median[t]), f"{name}_low": float(low[t]), f"{name}_high": float(high[t])}
    return rows
