"""What a projection flags: the assumptions it relies on that fail for a plan, with the gap each may open.

The die-out flag: the projection's rows are expected values, each weighing the runs that die
out early and those that survive (``tipframe.reach.ensemble``). Where the two are far apart the
median run is one or the other, not their mean: the median over draws of the weighted rows is
compared with the median of the mixture (each draw's surviving and dying-out rows, with their
chances), which stands for the simulation's median run. A gap of `FLAG_AT` or more in reach,
at any period, is flagged with its size.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from tipframe.model.reach import ProjectionFlag
from tipframe.reach.scenario import FloatArray, Scenario
from tipframe.reach.survival import Survival

#: a gap in reach (as a share of eligible staff) from which a projection is flagged: half of the
#: 5 points it aims to stay within, for margin
FLAG_AT = 0.025


def reach_rows(scenario: Scenario, values: dict[str, Any]) -> FloatArray:
    """Reach (participation, staff seed trainers included) by row and period, as `reach_series` gives it."""
    eligible = float(scenario.eligible.sum())
    reach: FloatArray = (values["reached"] + values["staff_seeds"]) / max(eligible, 1.0)
    return reach


def weighted_median(values: FloatArray, weights: FloatArray) -> FloatArray:
    """The weighted median of each column (rows are the points)."""
    order = np.argsort(values, axis=0, kind="stable")
    ranked = np.take_along_axis(values, order, axis=0)
    cumulative = np.cumsum(weights[order], axis=0)
    at = (cumulative >= 0.5 * cumulative[-1:] - 1e-12).argmax(axis=0)
    result: FloatArray = ranked[at, np.arange(values.shape[1])]
    return result


def die_out_flag(
    scenario: Scenario, raw: dict[str, Any], mixed: dict[str, Any], weight: FloatArray, odds: Survival
) -> tuple[ProjectionFlag, ...]:
    """The die-out flag, when the median run is `FLAG_AT` or more from the projection's median at some period.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    raw, mixed
        The rows as run, and each draw's weighted row.
    weight
        Each row's weight: its chance within its draw, over the draws.
    odds
        The branching process's view of each draw.

    Returns
    -------
    tuple of ProjectionFlag
        None, or the one flag.
    """
    if weight.size == odds.extinct.size:  # no draw has an uncertain die-out
        return ()
    projected = np.median(reach_rows(scenario, mixed), axis=0)
    typical = weighted_median(reach_rows(scenario, raw), weight)
    gaps = projected - typical
    worst = int(np.argmax(np.abs(gaps)))
    gap, final = float(gaps[worst]), float(gaps[-1])
    if abs(gap) < FLAG_AT:
        return ()
    chance = float(np.median(odds.extinct))
    plan = scenario.plan
    where = "below" if gap < 0 else "above"
    over = " (the median over parameter draws)" if odds.extinct.size > 1 else ""
    message = (
        f"The cascade can die out early: in about {chance:.0%} of runs{over} every seed trainer's line ends, "
        "a branching process over trainers' lines says. Each figure weighs the runs "
        "that die out and those that survive by their chances: it is an expected value, and the median run is "
        f"one or the other. Expect the projected reach to be up to {abs(gap) * 100:.0f} points {where} the median "
        f"run's ({plan.period_label(worst)}), and {abs(final) * 100:.0f} points "
        f"{'below' if final < 0 else 'above'} it by {plan.period_label(scenario.horizon)}."
    )
    return (
        ProjectionFlag(code="die-out", message=message, gap=round(gap, 4), period=worst, final_gap=round(final, 4)),
    )


def projection_heading(draws: int, seed: int | None) -> tuple[str, str]:
    """How a projection was made, and how to read its figures (the first lines of its summary)."""
    if draws == 1:
        return "Expected-value projection", (
            "Expected values, computed once: no intervals across replicates and no Monte Carlo error."
        )
    return f"Expected-value projection over {draws:,} parameter draws, seed {seed}", (
        "Each figure is the median over draws of the plan's uncertain parameters of its expected value, with its "
        "90% interval (5th to 95th percentile): how far it moves with those parameters (parameter uncertainty). "
        "It is not Monte Carlo error, and it leaves out the chance variation between runs with the same "
        "parameters, which a simulation shows."
    )


def flag_lines(flags: tuple[ProjectionFlag, ...]) -> list[str]:
    """A projection's flags as summary lines, each wrapped with its expected gap, then a blank line (none: no lines)."""
    if not flags:
        return []
    lines = ["Flagged: assumptions the projection relies on that fail for this plan."]
    for flag in flags:
        lines += textwrap.wrap(f"- {flag.code}: {flag.message}", 96, subsequent_indent="  ", break_on_hyphens=False)
    return [*lines, ""]
