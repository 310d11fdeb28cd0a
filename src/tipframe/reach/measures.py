"""RE-AIM style measures of a reach result, with their uncertainty across replicates."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import Engine, ReachResult
from tipframe.privacy import DEFAULT_THRESHOLD, count_text
from tipframe.reach.flags import flag_lines, projection_heading
from tipframe.reach.stats import NanSafe

LEVELS = (0.5, 0.8, 0.9)


@attrs.frozen(eq=False)
class Estimate(NanSafe):
    """A measure across replicates: the median with its 90% interval, and the mean with its Monte Carlo error.

    The median is the headline: it always lies inside its interval. The mean can fall outside
    it (even below the 5th percentile) when a few replicates are far from the rest, such as
    cascades that died out early. ``mcse`` is the Monte Carlo standard error of the mean, the
    sample standard deviation (``ddof=1``) over the square root of ``n``: it says how far the mean
    may move with other random numbers, and halves with four times the replicates. It is NaN
    when ``n`` is below 2, which includes a projection (one row of expected values has no Monte
    Carlo error; 0 would claim it is the simulation's mean known exactly, and it is only an
    approximation of it).
    """

    median: float
    low: float  # 5th percentile
    high: float  # 95th percentile
    mean: float
    mcse: float  # standard deviation (ddof=1) / sqrt(n); NaN when n < 2
    n: int  # replicates with a value (NaNs left out)

    @classmethod
    def of(cls, values: Any) -> Estimate:
        """The estimate from one value per replicate, NaNs left out (all NaN, ``n`` 0, when none are left).

        Parameters
        ----------
        values
            Numbers, one per replicate (or one expected value, for a projection).

        Returns
        -------
        Estimate
            Percentiles by linear interpolation (numpy's default).
        """
        array = np.asarray(values, dtype=np.float64).ravel()
        array = array[~np.isnan(array)]
        if array.size == 0:
            return cls(math.nan, math.nan, math.nan, math.nan, math.nan, 0)
        median, low, high = np.percentile(array, [50, 5, 95])
        mcse = float(array.std(ddof=1) / math.sqrt(array.size)) if array.size > 1 else math.nan
        return cls(float(median), float(low), float(high), float(array.mean()), mcse, int(array.size))

    def columns(self, name: str) -> dict[str, float]:
        """The estimate as table columns: ``NAME_median``, ``_low``, ``_high``, ``_mean`` and ``_mcse``.

        Parameters
        ----------
        name
            The measure's name (``reach``).

        Returns
        -------
        dict
        """
        return {
            f"{name}_median": self.median,
            f"{name}_low": self.low,
            f"{name}_high": self.high,
            f"{name}_mean": self.mean,
            f"{name}_mcse": self.mcse,
        }


Interval = Estimate
"""The earlier name of `Estimate`, kept so that code using ``Interval.of``, ``.mean``, ``.low`` and ``.high`` still
runs; those mean what they did (``mean`` is the mean, which is no longer the headline: quote ``median``)."""


@attrs.frozen(eq=False)
class TimeTo(NanSafe):
    """When reach first gets to ``level``: the median over replicates with its 90% interval, and the share reached.

    Replicates that never get there are censored at the horizon: they sort last, and a quantile
    among them is ``inf`` (shown ``>H``). There is no mean: a mean of censored times would be
    biased low, so the share of replicates that get there stands beside the median instead.
    """

    level: float
    share_reached: float
    median: float  # inf when fewer than half the replicates get there
    low: float  # 5th percentile
    high: float  # 95th percentile


@attrs.frozen(eq=False)
class ReachSummary(NanSafe):
    """What a researcher quotes from a result: reach, time to reach, adoption, maintenance, depth.

    Each measure is an `Estimate` (median, 90% interval, mean and its Monte Carlo error); each
    time to reach a `TimeTo` (median, interval and share reached).
    """

    engine: Engine
    replicates: int
    horizon: int
    eligible: int
    organisations: int
    seeds: int
    reach: Estimate  # share of eligible staff who started the programme, staff seeds included
    trained: Estimate  # people who completed it, staff seeds included
    time_to: tuple[TimeTo, ...]
    adoption_organisations: Estimate
    adoption_trainers: Estimate  # of trainers judged (ran a cohort, or had the chances and did not)
    maintenance: Estimate  # trainer level, among trainers with the chance in the window
    depth: Estimate
    new_trainers_per_trainer: tuple[float, ...]  # mean over replicates, by trainer generation (0 = seeds)
    mean_fidelity: tuple[float, ...]  # mean over replicates, by cohort generation (index 0 unused)
    trained_share: Estimate  # people trained / eligible staff
    cascade_reach: Estimate  # reach by the cascade: seeds left out
    trainers_idle: Estimate  # share of trainers never judged for lack of people to train
    trainers_stopped: Estimate  # share of trainers who stopped delivering
    organisation_maintenance: Estimate


def _series(result: ReachResult, name: str) -> Any:
    """A per-replicate, per-period series as floats; zeros when the result predates it."""
    data = getattr(result, name)
    if data is None:
        return np.zeros(to_numpy(result.trained).shape, np.float64)
    return to_numpy(data).astype(np.float64)


def people_series(result: ReachResult) -> tuple[Any, Any]:
    """People reached (who started the programme) and people trained (who completed it), staff seeds
    included, per replicate and period.

    Parameters
    ----------
    result
        A simulation's or projection's result.

    Returns
    -------
    tuple of numpy.ndarray
        Reached, then trained: replicates x periods. A result saved before starters were recorded
        counts its trained people as its reached ones.
    """
    seeds = _series(result, "staff_seeds")
    trained = to_numpy(result.trained).astype(np.float64) + seeds
    reached = trained if result.reached is None else _series(result, "reached") + seeds
    return reached, trained


def _shares(result: ReachResult, people: Any) -> Any:
    eligible = float(to_numpy(result.eligible).sum())
    if eligible == 0:
        return np.full_like(people, np.nan)  # nobody eligible: reach is undefined, not zero
    return people / eligible


def reach_series(result: ReachResult, measure: str = "reach") -> Any:
    """Reach (RE-AIM: participation) per replicate and period: eligible staff who started the programme (or, with
    ``measure="trained"``, completed it), staff seed trainers included, over the eligible headcount.

    Parameters
    ----------
    result
        A simulation's or projection's result.
    measure
        reach or trained.

    Returns
    -------
    numpy.ndarray
        Replicates x periods of floats; NaN throughout when nobody is eligible.
    """
    reached, trained = people_series(result)
    return _shares(result, reached if measure == "reach" else trained)


def summarise_reach(result: ReachResult) -> ReachSummary:
    """The measures of a result (docs/reach.md defines each).

    Parameters
    ----------
    result
        A `ReachResult` from `simulate_reach` or `project_reach` (or loaded from a file).

    Returns
    -------
    ReachSummary
        Reach and people trained at the horizon, adoption, maintenance and depth, each as an
        `Estimate` (median with its 90 percent interval across replicates, mean with its Monte
        Carlo standard error); time to 50, 80 and 90 percent reach as medians with their
        intervals and the share of replicates that get there. A projection's median, interval
        and mean are its one value, and its Monte Carlo error is NaN.
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
    _, trained = people_series(result)

    def optional(name: str) -> Estimate:
        data = getattr(result, name)
        return Estimate.of([] if data is None else to_numpy(data))

    return ReachSummary(
        engine=result.engine,
        replicates=result.replicates,
        horizon=horizon,
        eligible=int(eligible.sum()),
        organisations=len(result.organisations),
        seeds=sum(s.trainers for s in result.plan.seed_trainers),
        reach=Estimate.of(reach[:, -1]),
        trained=Estimate.of(trained[:, -1]),
        time_to=tuple(times),
        adoption_organisations=Estimate.of(to_numpy(result.organisations_started) / with_staff),
        adoption_trainers=optional("trainer_adoption"),
        maintenance=Estimate.of(to_numpy(result.maintenance)),
        depth=Estimate.of(depth),
        trained_share=Estimate.of(_shares(result, trained)[:, -1]),
        cascade_reach=Estimate.of(_shares(result, _series(result, "reached"))[:, -1]),
        trainers_idle=optional("trainers_idle"),
        trainers_stopped=optional("trainers_stopped"),
        organisation_maintenance=optional("organisation_maintenance"),
        new_trainers_per_trainer=tuple(float(x) for x in _nanmean(per_trainer)),
        mean_fidelity=tuple(float(x) for x in _nanmean(fidelity)),
    )


def _nanmean(array: Any) -> Any:
    values = np.asarray(array, dtype=np.float64)
    counts = (~np.isnan(values)).sum(axis=0)
    sums = np.nansum(values, axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


@attrs.frozen
class _Unit:
    """How a measure is written: its value (scaled, to fixed decimals) and its error (two significant figures)."""

    scale: float
    decimals: int
    suffix: str = ""

    def value(self, x: float) -> str:
        return "n/a" if math.isnan(x) else f"{self.scale * x:,.{self.decimals}f}{self.suffix}"

    def error(self, x: float) -> str:
        if math.isnan(x):
            return "n/a"
        scaled = self.scale * x
        # two significant figures, but no more than three decimals beyond the value's own
        decimals = min(max(0, 1 - math.floor(math.log10(scaled))), self.decimals + 3) if scaled > 0 else self.decimals
        return f"{scaled:,.{decimals}f}{self.suffix}"

    def outside(self, e: Estimate) -> bool:
        """Whether the mean, as written, lies outside the interval as written."""
        mean, low, high = (round(self.scale * x, self.decimals) for x in (e.mean, e.low, e.high))
        return mean < low or mean > high


_PERCENT = _Unit(100, 1, "%")
_WHOLE = _Unit(1, 0)
_ONE_DECIMAL = _Unit(1, 1)
_LABEL = 26  # the width of the label column
_WIDTH = 96  # lines are wrapped to this width
_KEEP = "\u00a0"  # a space lines are not broken at (textwrap breaks only at ASCII whitespace); printed as a space


def _period(value: float, horizon: int, plan: Any = None) -> str:
    """A period as people read it: its date when the plan has a start (``2027-03``), else its number."""
    if math.isinf(value):
        last = plan.period_label(horizon) if plan is not None and plan.start is not None else f"{horizon}"
        return f">{last}" if plan is None or plan.start is None else f"after {last}"
    if plan is not None and plan.start is not None:
        return str(plan.period_label(int(value)))
    return f"{value:g}"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, break_on_hyphens=False)


def _labelled(label: str, text: str) -> list[str]:
    """``text`` beside ``label``, wrapped to the width, its later lines under the first (never at a `_KEEP`)."""
    lines = [line.replace(_KEEP, " ") for line in textwrap.wrap(text, _WIDTH - _LABEL, break_on_hyphens=False) or [""]]
    return [f"{label:<{_LABEL}}{lines[0]}", *(" " * _LABEL + line for line in lines[1:])]


def _estimate_lines(label: str, e: Estimate, unit: _Unit, summary: ReachSummary, after: str = "") -> list[str]:
    """The headline (median and 90% interval) beside the label; the mean and its error on the next line."""
    tail = f" {after}" if after else ""
    if e.n == 0:
        return _labelled(label, f"n/a{tail}")
    headline = f"{unit.value(e.median)} (90% interval {unit.value(e.low)} to {unit.value(e.high)}){tail}"
    if summary.engine is Engine.PROJECTION:  # across parameter draws, if any: no Monte Carlo error to give
        return _labelled(label, headline if summary.replicates > 1 and e.n > 1 else f"{unit.value(e.median)}{tail}")
    if math.isnan(e.mcse):
        mean = f"mean {unit.value(e.mean)} (no Monte Carlo s.e. from one replicate)"
    else:
        mean = f"mean {unit.value(e.mean)} ± {unit.error(e.mcse)} (Monte Carlo s.e.)"
    if e.n < summary.replicates:
        mean += f"; {e.n:,} of {summary.replicates:,} replicates have a value"
    return [*_labelled(label, headline), *_labelled("", mean)]


def _time_lines(summary: ReachSummary, plan: Any) -> list[str]:
    lines = []
    dated = plan.start is not None
    for time in summary.time_to:
        label = f"{time.level:.0%} reached by" if dated else f"Time to {time.level:.0%} reach"
        text = ("" if dated else "period ") + _period(time.median, summary.horizon, plan)
        if summary.engine is not Engine.PROJECTION or summary.replicates > 1:
            low, high = (_period(x, summary.horizon, plan) for x in (time.low, time.high))
            what = "parameter draws" if summary.engine is Engine.PROJECTION else "replicates"
            text += f" (90% interval {low} to {high}); reached in {time.share_reached:.0%} of {what}"
        lines += _labelled(label, text)
    return lines


def _by_generation(values: tuple[float, ...], skip_first: bool) -> str:
    text = ", ".join(
        f"{g}:{_KEEP}{v:.2f}" for g, v in enumerate(values) if not ((skip_first and g == 0) or math.isnan(v))
    )
    return text or "n/a"


def _measure_lines(summary: ReachSummary, result: ReachResult) -> list[str]:
    """Every measure's lines, then a note naming any mean that lies outside its own interval."""
    plan = result.plan
    at = plan.period_label(summary.horizon)
    seeds = "" if not summary.seeds or not plan.seeds_are_staff else ", seed trainers included"
    window = f"in the last {plan.maintenance_window} periods"
    measures: list[tuple[str, Estimate, _Unit, str]] = [
        (f"Reach by {at}", summary.reach, _PERCENT, f"of eligible staff started the programme{seeds}"),
        ("  by the cascade", summary.cascade_reach, _PERCENT, "started it in cohorts (seed trainers left out)"),
        ("Trained", summary.trained_share, _PERCENT, f"completed it{seeds}"),
        ("People trained", summary.trained, _WHOLE, ""),
        ("Adoption: organisations", summary.adoption_organisations, _PERCENT, "started a cohort"),
        (
            "Adoption: trainers",
            summary.adoption_trainers,
            _PERCENT,
            f"ran a cohort, of trainers who did or had {plan.adoption_after} chances to",
        ),
        ("  idle", summary.trainers_idle, _PERCENT, "of trainers never had the chances: nobody left to train"),
        ("  stopped", summary.trainers_stopped, _PERCENT, "of trainers stopped delivering"),
        (
            "Maintenance: settings",
            summary.organisation_maintenance,
            _PERCENT,
            f"of adopting organisations with the chance started a cohort {window}",
        ),
        (
            "Maintenance: trainers",
            summary.maintenance,
            _PERCENT,
            f"of trainers trained at least {plan.maintenance_after} periods before with the chance started a "
            f"cohort {window}",
        ),
        ("Depth (generations)", summary.depth, _ONE_DECIMAL, ""),
    ]
    lines: list[str] = []
    for label, estimate, unit, after in measures:
        lines += _estimate_lines(label, estimate, unit, summary, after)
        if label == "People trained":
            lines += _time_lines(summary, plan)
    per = _by_generation(summary.new_trainers_per_trainer, skip_first=False)
    lines += _labelled("New trainers per trainer", f"mean by trainer generation {per}")
    lines += _labelled("Mean fidelity", f"mean by cohort generation {_by_generation(summary.mean_fidelity, True)}")
    if summary.engine is not Engine.PROJECTION:
        outside = [label for label, e, unit, _ in measures if e.n and unit.outside(e)]
        if outside:
            note = (
                f"The mean lies outside its own 90% interval for: {'; '.join(outside)}. A few replicates are far "
                "from the rest (cascades that died out early, say) and pull the mean with them: quote the median."
            )
            lines += ["", *_wrapped(note)]
    return lines


def describe_summary(summary: ReachSummary, result: ReachResult, *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The summary as text a researcher can quote (what ``tipframe reach`` prints).

    Each measure's headline is its median with its 90% interval across replicates; the line
    below gives its mean, named as a mean, with the mean's Monte Carlo standard error. A
    projection's lines give its one expected value each, or, over draws of the plan's
    distributions, the median with its 90% interval across the draws (parameter uncertainty, with
    no Monte Carlo error); the assumptions it flags follow the measures.

    Parameters
    ----------
    summary
        The result's measures, from `summarise_reach`.
    result
        The result, for its plan and seed.
    threshold
        Eligible staff, an observed headcount, are suppressed from 1 to ``threshold - 1`` (`tipframe.privacy`).

    Returns
    -------
    str
        Lines ending with a newline, the last saying the numbers are modelled.
    """
    plan = result.plan
    period = plan.period.cadence_word().replace("every ", "")
    if summary.engine is Engine.PROJECTION:
        how, key = projection_heading(summary.replicates, result.seed)
    else:
        how = (
            f"Monte Carlo, {summary.replicates:,} replicate{'' if summary.replicates == 1 else 's'}, seed {result.seed}"
        )
        key = (
            "Each figure is the median over replicates with its 90% interval (5th to 95th percentile); "
            "below it, the mean ± its Monte Carlo standard error (s.e.): how far the mean could move with other "
            "random numbers, halved by running four times as many replicates. Times to reach are medians only: "
            f"replicates that never get there count as {_period(math.inf, summary.horizon, plan)}."
        )
    lines = [
        f"{plan.name}  (CascadePlan {plan.id})",
        f"{how}; {summary.horizon:,} {period} periods ({plan.period}); "
        f"{count_text(summary.eligible, threshold)} eligible staff in "
        f"{summary.organisations} organisations; {summary.seeds} seed trainer{'' if summary.seeds == 1 else 's'}",
        *_wrapped(key),
        "",
        *_measure_lines(summary, result),
        "",
        *flag_lines(result.flags),
        "Modelled numbers: they follow from the plan's assumptions and are not observed counts.",
    ]
    return "\n".join(lines) + "\n"


def series_rows(result: ReachResult) -> list[dict[str, Any]]:
    """Per-period rows for CSV and tables: people trained, reach and the trained share as estimates, then mean
    trainers and cohorts. People trained and both shares count staff seed trainers (docs/reach.md, Measures).

    Trained, reach and trained_share each give ``_median``, ``_low`` and ``_high`` (the 90% interval across
    replicates), ``_mean`` and ``_mcse`` (the mean's Monte Carlo standard error), as
    `Estimate.columns` names them; trainers, active trainers, cohorts running and cohorts
    started give their means.

    With a plan ``start``, a ``date`` column after ``period`` gives the last day of each period
    (the start itself for period 0).

    Parameters
    ----------
    result
        A simulation's or projection's result.

    Returns
    -------
    list of dict
        One row per period, from 0.
    """
    reached, trained = people_series(result)
    reach = _shares(result, reached)
    trained_share = _shares(result, trained)
    means = {
        name: to_numpy(getattr(result, name)).astype(np.float64).mean(axis=0)
        for name in ("trainers", "active_trainers", "cohorts_running", "cohorts_started")
    }
    rows = []
    for t in range(reach.shape[1]):
        row: dict[str, Any] = {"period": t}
        if result.plan.start is not None:
            row["date"] = result.plan.period_date(t)
        row |= Estimate.of(trained[:, t]).columns("trained")
        row |= Estimate.of(reach[:, t]).columns("reach")
        row |= Estimate.of(trained_share[:, t]).columns("trained_share")
        row |= {f"{name}_mean": float(values[t]) for name, values in means.items()}
        rows.append(row)
    return rows
