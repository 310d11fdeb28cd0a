"""RE-AIM style measures of a reach result, with their uncertainty across replicates."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import Engine, ReachResult

LEVELS = (0.5, 0.8, 0.9)


@attrs.frozen
class Interval:
    """A mean with its 90 percent interval across replicates (5th to 95th percentile)."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Any) -> Interval:
        """The mean and 5th to 95th percentiles of ``values``, NaNs left out (all NaN when none are left).

        Parameters
        ----------
        values
            Numbers, one per replicate.

        Returns
        -------
        Interval
        """
        array = np.asarray(values, dtype=np.float64)
        array = array[~np.isnan(array)]
        if array.size == 0:
            return cls(math.nan, math.nan, math.nan)
        low, high = np.percentile(array, [5, 95])
        return cls(float(array.mean()), float(low), float(high))


@attrs.frozen
class TimeTo:
    """When reach first gets to ``level``: quantiles over replicates, censored at the horizon."""

    level: float
    share_reached: float
    median: float  # inf when fewer than half the replicates get there
    low: float
    high: float


@attrs.frozen
class ReachSummary:
    """What a researcher quotes from a result: reach, time to reach, adoption, maintenance, depth."""

    engine: Engine
    replicates: int
    horizon: int
    eligible: int
    organisations: int
    seeds: int
    reach: Interval
    trained: Interval
    time_to: tuple[TimeTo, ...]
    adoption_organisations: Interval
    adoption_trainers: Interval
    maintenance: Interval
    depth: Interval
    new_trainers_per_trainer: tuple[float, ...]  # by trainer generation (0 = seeds)
    mean_fidelity: tuple[float, ...]  # by cohort generation (index 0 unused)


def reach_series(result: ReachResult) -> Any:
    """Reach (trained / eligible headcount) per replicate and period.

    Parameters
    ----------
    result
        A simulation's or projection's result.

    Returns
    -------
    numpy.ndarray
        Replicates x periods of floats; NaN throughout when nobody is eligible.
    """
    eligible = float(to_numpy(result.eligible).sum())
    trained = to_numpy(result.trained).astype(np.float64)
    if eligible == 0:
        return np.full_like(trained, np.nan)  # nobody eligible: reach is undefined, not zero
    return trained / eligible


def summarise_reach(result: ReachResult) -> ReachSummary:
    """The measures of a result (docs/reach.md defines each).

    Parameters
    ----------
    result
        A `ReachResult` from `simulate_reach` or `project_reach` (or loaded from a file).

    Returns
    -------
    ReachSummary
        Reach and people trained at the horizon, time to 50, 80 and 90 percent reach, adoption,
        maintenance and depth, each with its 90 percent interval across replicates (a
        projection's interval is its one value).
    """
    reach = reach_series(result)
    horizon = reach.shape[1] - 1
    times = []
    for level in LEVELS:
        reached = reach >= level - 1e-12
        # Replicates that never get there are censored at the horizon: they sort last, shown as ">H".
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), horizon + 1).astype(np.float64)
        # Periods are whole: quantiles are taken from the observed periods, not interpolated.
        quantiles = np.quantile(first, [0.5, 0.05, 0.95], method="inverted_cdf")
        median, low, high = (float(q) if q <= horizon else math.inf for q in quantiles)
        times.append(TimeTo(level, float((first <= horizon).mean()), median, low, high))
    by_generation = to_numpy(result.by_generation)
    at_end = by_generation[:, -1, :] > 0
    depth = np.where(at_end.any(axis=1), at_end.shape[1] - 1 - np.argmax(at_end[:, ::-1], axis=1), 0)
    eligible = to_numpy(result.eligible)
    with_staff = max(int((eligible > 0).sum()), 1)
    per_trainer = to_numpy(result.new_trainers_per_trainer)
    fidelity = to_numpy(result.mean_fidelity)
    return ReachSummary(
        engine=result.engine,
        replicates=result.replicates,
        horizon=horizon,
        eligible=int(eligible.sum()),
        organisations=len(result.organisations),
        seeds=sum(s.trainers for s in result.plan.seed_trainers),
        reach=Interval.of(reach[:, -1]),
        trained=Interval.of(to_numpy(result.trained)[:, -1]),
        time_to=tuple(times),
        adoption_organisations=Interval.of(to_numpy(result.organisations_started) / with_staff),
        adoption_trainers=Interval.of(to_numpy(result.trainers_who_ran)),
        maintenance=Interval.of(to_numpy(result.maintenance)),
        depth=Interval.of(depth),
        new_trainers_per_trainer=tuple(float(x) for x in _nanmean(per_trainer)),
        mean_fidelity=tuple(float(x) for x in _nanmean(fidelity)),
    )


def _nanmean(array: Any) -> Any:
    values = np.asarray(array, dtype=np.float64)
    counts = (~np.isnan(values)).sum(axis=0)
    sums = np.nansum(values, axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _period(value: float, horizon: int) -> str:
    return f">{horizon}" if math.isinf(value) else f"{value:g}"


def describe_summary(summary: ReachSummary, result: ReachResult) -> str:
    """The summary as text a researcher can quote (what ``tipframe reach`` prints).

    Parameters
    ----------
    summary
        The result's measures, from `summarise_reach`.
    result
        The result, for its plan and seed.

    Returns
    -------
    str
        Lines ending with a newline, the last saying the numbers are modelled.
    """
    plan = result.plan
    period = plan.period.cadence_word().replace("every ", "")
    if summary.engine is Engine.PROJECTION:
        how = "Expected-value projection"
    else:
        how = f"Monte Carlo, {summary.replicates:,} replicates, seed {result.seed}"
    lines = [
        f"{plan.name}  (CascadePlan {plan.id})",
        f"{how}; {summary.horizon} {period} periods ({plan.period}); {summary.eligible:,} eligible staff in "
        f"{summary.organisations} organisations; {summary.seeds} seed trainers",
        "",
    ]

    def interval(i: Interval, fmt: Callable[[float], str]) -> str:
        if summary.engine is Engine.PROJECTION:
            return fmt(i.mean)
        return f"{fmt(i.mean)}  (90% interval {fmt(i.low)} to {fmt(i.high)})"

    def whole(x: float) -> str:
        return "n/a" if math.isnan(x) else f"{x:,.0f}"

    def one_decimal(x: float) -> str:
        return "n/a" if math.isnan(x) else f"{x:.1f}"

    lines.append(f"{'Reach at period ' + str(summary.horizon):<26}{interval(summary.reach, _percent)}")
    lines.append(f"{'People trained':<26}{interval(summary.trained, whole)}")
    for time in summary.time_to:
        label = f"Time to {time.level:.0%} reach"
        if summary.engine is Engine.PROJECTION:
            text = f"period {_period(time.median, summary.horizon)}"
        else:
            text = (
                f"period {_period(time.median, summary.horizon)}  (90% interval {_period(time.low, summary.horizon)} "
                f"to {_period(time.high, summary.horizon)}); reached in {time.share_reached:.0%} of replicates"
            )
        lines.append(f"{label:<26}{text}")
    lines.append(
        f"{'Adoption: organisations':<26}{interval(summary.adoption_organisations, _percent)} started a cohort"
    )
    lines.append(f"{'Adoption: trainers':<26}{interval(summary.adoption_trainers, _percent)} ran a cohort")
    lines.append(
        f"{'Maintenance':<26}{interval(summary.maintenance, _percent)} of trainers trained at least "
        f"{plan.maintenance_after} periods ago started a cohort in the last {plan.maintenance_window}"
    )
    lines.append(f"{'Depth (generations)':<26}{interval(summary.depth, one_decimal)}")
    per = ", ".join(f"{g}: {v:.2f}" for g, v in enumerate(summary.new_trainers_per_trainer) if not math.isnan(v))
    lines.append(f"{'New trainers per trainer':<26}by generation {per or 'n/a'}")
    fid = ", ".join(f"{g}: {v:.2f}" for g, v in enumerate(summary.mean_fidelity) if g and not math.isnan(v))
    lines.append(f"{'Mean fidelity':<26}by cohort generation {fid or 'n/a'}")
    lines += [
        "",
        "Modelled numbers: they follow from the plan's assumptions and are not observed counts.",
    ]
    return "\n".join(lines) + "\n"


def series_rows(result: ReachResult) -> list[dict[str, float]]:
    """Per-period rows for CSV: mean and 90% interval of trained and reach, trainers, cohorts.

    Parameters
    ----------
    result
        A simulation's or projection's result.

    Returns
    -------
    list of dict
        One row per period, from 0.
    """
    reach = reach_series(result)
    trained = to_numpy(result.trained).astype(np.float64)
    rows = []
    for t in range(reach.shape[1]):
        r = Interval.of(reach[:, t])
        n = Interval.of(trained[:, t])
        rows.append(
            {
                "period": t,
                "trained_mean": n.mean,
                "trained_p05": n.low,
                "trained_p95": n.high,
                "reach_mean": r.mean,
                "reach_p05": r.low,
                "reach_p95": r.high,
                "trainers_mean": float(to_numpy(result.trainers)[:, t].mean()),
                "active_trainers_mean": float(to_numpy(result.active_trainers)[:, t].mean()),
                "cohorts_running_mean": float(to_numpy(result.cohorts_running)[:, t].mean()),
                "cohorts_started_mean": float(to_numpy(result.cohorts_started)[:, t].mean()),
            }
        )
    return rows
