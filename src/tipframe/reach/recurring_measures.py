"""What a recurring format's result says: totals and counts with their uncertainty, set against what was observed."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import DeliveryRecord, RecurringResult
from tipframe.model.recurring import meeting_capacity
from tipframe.reach.measures import Estimate
from tipframe.reach.recurring_costs import recurring_costs_text

__all__ = ["ObservedWindow", "RecurringSummary", "describe_recurring", "recurring_rows", "summarise_recurring"]

#: words in a delivery record's ``what`` that mark it as a count of case discussions
_DISCUSSIONS = ("case discussion", "discussions")


@attrs.frozen
class ObservedWindow:
    """A delivery record of case discussions set against the model over the same periods."""

    record: DeliveryRecord
    first: int  # first period counted
    last: int  # last period counted (at most the horizon)
    modelled: Estimate  # case discussions in those periods
    share_consistent: float  # replicates agreeing with the record's qualifier (at least, at most, exact)


@attrs.frozen
class RecurringSummary:
    """A recurring result's measures, each an `Estimate` across replicates (median, 90% interval, mean, s.e.)."""

    replicates: int
    horizon: int
    meetings: Estimate  # held over the horizon
    discussions: Estimate  # cases discussed over the horizon
    cases: Estimate  # new cases brought over the horizon
    dropped: Estimate  # cases dropped over the horizon
    access: Estimate  # eligible staff at sites with an active team, at the horizon
    waiting: Estimate  # at the horizon
    supported: Estimate  # practitioners with a case discussed, by the horizon
    supported_recently: Estimate  # at the horizon, within the plan's `recent` periods
    aware: Estimate  # at the horizon
    facilitators: Estimate  # at the horizon
    per_meeting: Estimate  # discussions per meeting held (NaN where none was held)
    observed: tuple[ObservedWindow, ...]
    unit: str = "cases"  # "cases" (a clinic) or "places" (a group: each one member who comes)
    #: delivery records of case discussions the plan's periods do not cover, so not compared
    uncompared: tuple[DeliveryRecord, ...] = ()


def _series(result: RecurringResult, name: str) -> Any:
    return to_numpy(getattr(result, name)).astype(np.float64)


def _first_period(result: RecurringResult, since: dt.date) -> int:
    plan = result.plan
    for t in range(1, plan.horizon + 1):
        if plan.period_end(t) >= since:
            return t
    return plan.horizon + 1


def _agrees(totals: Any, record: DeliveryRecord) -> Any:
    """Which replicates' totals agree with the record as qualified ("600+" is at least 600)."""
    tolerance = 0.1 * record.count  # a delivery record's "about": within a tenth
    return np.array([record.qualifier.admits(float(v), record.count, tolerance) for v in totals], np.bool_)


def _observed(result: RecurringResult, discussions: Any) -> tuple[ObservedWindow, ...]:
    """The programme's dated delivery records of case discussions, each set against the model's same window.

    Only counts whose window the plan's periods cover (from its start to its horizon) are compared;
    `uncompared` names the others."""
    plan = result.plan
    if plan.start is None:
        return ()
    found = []
    for record in result.programme.delivery_records:
        if not any(word in record.what.lower() for word in _DISCUSSIONS):
            continue
        since = plan.start.start() if record.since is None else record.since.start()
        if since < plan.start.start() or plan.period_at(record.date) > plan.horizon:
            continue  # the plan's periods do not cover the count's: a shorter modelled total would mislead
        first, last = _first_period(result, since), plan.period_at(record.date)
        if first > last:
            continue
        totals = discussions[:, first : last + 1].sum(axis=1)
        share = float(_agrees(totals, record).mean())
        found.append(ObservedWindow(record, first, last, Estimate.of(totals), share))
    return tuple(found)


def summarise_recurring(result: RecurringResult) -> RecurringSummary:
    """The result's totals over the horizon and its counts at the horizon, with their uncertainty.

    Parameters
    ----------
    result
        From `simulate_recurring` (or loaded).

    Returns
    -------
    RecurringSummary
        With each of the programme's dated delivery records of case discussions set against the
        modelled discussions over the same periods.
    """
    totals = {name: _series(result, name).sum(axis=1) for name in ("meetings", "discussions", "cases", "dropped")}
    final = {
        name: Estimate.of(_series(result, name)[:, -1])
        for name in ("access", "waiting", "supported", "supported_recently", "aware", "facilitators")
    }
    capacity = meeting_capacity(result.programme, result.plan)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_meeting = np.where(totals["meetings"] > 0, totals["discussions"] / totals["meetings"], np.nan)
    return RecurringSummary(
        replicates=result.replicates,
        horizon=result.plan.horizon,
        **{name: Estimate.of(values) for name, values in totals.items()},
        **final,
        per_meeting=Estimate.of(per_meeting),
        observed=(observed := _observed(result, _series(result, "discussions"))),
        uncompared=tuple(
            r
            for r in result.programme.delivery_records
            if any(word in r.what.lower() for word in _DISCUSSIONS) and r not in [w.record for w in observed]
        ),
        unit=capacity.unit if capacity is not None else "cases",
    )


def _line(label: str, e: Estimate, decimals: int = 0) -> list[str]:
    """The median and 90% interval beside the label; below, the mean to the precision of its Monte Carlo s.e.
    (the s.e. to two significant figures)."""
    if e.n == 0:
        return [f"{label:<30}n/a"]
    head = f"{e.median:,.{decimals}f} (90% interval {e.low:,.{decimals}f} to {e.high:,.{decimals}f})"
    if e.n < 2:
        return [f"{label:<30}{head}"]
    places = max(0, 1 - math.floor(math.log10(e.mcse))) if e.mcse > 0 else decimals
    mean = f"mean {e.mean:,.{places}f} ± {e.mcse:,.{places}f} (Monte Carlo s.e.)"
    return [f"{label:<30}{head}", f"{'':<30}{mean}"]


#: how a clinic's counts and a group's are named
_WORDS = {
    "cases": {
        "discussed": "cases discussed", "per": "cases per meeting", "brought": "new cases brought",
        "dropped": "cases dropped (waited)", "supported": "practitioners supported", "recent": "supported",
        "waiting": "cases waiting",
    },
    "places": {
        "discussed": "places taken", "per": "places taken a meeting", "brought": "wishes to come",
        "dropped": "turned away (full)", "supported": "staff who came", "recent": "came",
        "waiting": "not yet given a place",
    },
}  # fmt: skip


def describe_recurring(summary: RecurringSummary, result: RecurringResult) -> str:
    """The summary as text a researcher can quote (what ``tipframe reach`` prints for a recurring plan).

    Parameters
    ----------
    summary
        From `summarise_recurring`.
    result
        The result, for its plan and seed.

    Returns
    -------
    str
        Lines ending with a newline, the last saying the numbers are modelled.
    """
    plan = result.plan
    words = _WORDS[summary.unit]
    span = f"{summary.horizon:,} periods ({plan.period})"
    if plan.start is not None:
        span += f", {plan.period_label(1)} to {plan.period_label(summary.horizon)}"
    lines = [
        f"{plan.name}  (RecurringPlan {plan.id})",
        f"Monte Carlo, {summary.replicates:,} replicates, seed {result.seed}; {span}; {len(plan.sites)} "
        f"site{'' if len(plan.sites) == 1 else 's'}",
        "Each figure is the median over replicates with its 90% interval (5th to 95th percentile); below it, the",
        "mean ± its Monte Carlo standard error.",
        "",
        "Over the horizon",
        *_line("  meetings held", summary.meetings),
        *_line(f"  {words['discussed']}", summary.discussions),
        *_line(f"  {words['per']}", summary.per_meeting, 2),
        *_line(f"  {words['brought']}", summary.cases),
        *_line(f"  {words['dropped']}", summary.dropped),
        "At the horizon",
        *_line("  staff with access", summary.access),
        *_line(f"  {words['supported']}", summary.supported),
        *_line(f"  {words['recent']}, last {plan.recent} periods", summary.supported_recently),
        *_line("  practitioners aware", summary.aware),
        *_line(f"  {words['waiting']}", summary.waiting),
        *_line("  facilitators active", summary.facilitators),
    ]
    for window in summary.observed:
        record = window.record
        since = f"from {record.since} " if record.since is not None else ""
        lines += [
            "",
            f"Observed: {record.qualifier.qualify(record.count)} {record.what} {since}to {record.date} "
            f"(source: {record.source}).",
            *_line(f"  modelled, periods {window.first}-{window.last}", window.modelled),
            f"{'':<30}{window.share_consistent:.1%} of replicates agree with the observed count",
        ]
    for record in summary.uncompared:
        since = f"from {record.since} " if record.since is not None else ""
        why = (
            "the plan's periods are not dated (it has no start)"
            if plan.start is None
            else ("the plan's periods, from its start to its horizon, do not cover that window")
        )
        lines += ["", f"Observed: {record.count:,} {record.what} {since}to {record.date}: not compared, as {why}."]
    costs = recurring_costs_text(result, summary.unit)
    if costs is not None:
        lines += ["", costs.rstrip("\n")]
    lines += ["", "Modelled numbers: they follow from the plan's assumptions and are not observed counts."]
    return "\n".join(lines) + "\n"


def recurring_rows(result: RecurringResult) -> list[dict[str, Any]]:
    """Per-period rows for CSV and tables.

    Discussions in the period, discussions so far, practitioners supported and cases waiting
    give ``_median``, ``_low``, ``_high`` (the 90% interval), ``_mean`` and ``_mcse``; meetings,
    new cases, dropped cases, staff with access, practitioners aware and facilitators give their
    means. With a plan
    ``start``, a ``date`` column gives each period's last day.

    Parameters
    ----------
    result
        A recurring result.

    Returns
    -------
    list of dict
        One row per period, from 0.
    """
    discussions = _series(result, "discussions")
    estimated = {
        "discussions": discussions,
        "discussions_so_far": discussions.cumsum(axis=1),
        "supported": _series(result, "supported"),
        "waiting": _series(result, "waiting"),
    }
    means = {
        name: _series(result, name).mean(axis=0)
        for name in ("meetings", "cases", "dropped", "access", "aware", "facilitators")
    }
    rows = []
    for t in range(discussions.shape[1]):
        row: dict[str, Any] = {"period": t}
        if result.plan.start is not None:
            row["date"] = result.plan.period_date(t)
        for name, values in estimated.items():
            row |= Estimate.of(values[:, t]).columns(name)
        row |= {f"{name}_mean": float(values[t]) for name, values in means.items()}
        rows.append(row)
    return rows
