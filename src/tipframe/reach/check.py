"""A projection checked against a short simulation: where the median run parts from the projection, a flag.

The projection's equations follow expected, fractional numbers of people, trainers and cohorts.
Where whole numbers matter (a cohort waits for a full set of facilitators and a large enough
group, an organisation's last trainer stops, a cascade dies out in some runs and not others)
they run ahead of the runs, and no closed form says by how much. So `project_reach` simulates the
plan a few hundred times with the same seed (replicate i of the check is replicate i of any
simulation with that seed) and compares, at every period, the projection's median reach with the
check's median run. Where they differ by `FLAG_AT` or more at some period, the projection is
flagged with the gap measured, and with the 90% interval of that gap for the check's Monte
Carlo error (the median's order-statistic interval), at the period where the interval reaches
furthest from the projection: where runs split between dying out and surviving, the median run
is one or the other and the interval says so.
"""

from __future__ import annotations

import math

import numpy as np

from tipframe.model.cascade import Parameter
from tipframe.model.reach import ProjectionFlag, ReachResult
from tipframe.reach.measures import reach_series
from tipframe.reach.scenario import FloatArray, Scenario

#: the gap in reach (a share of eligible staff), at some period, from which a checked projection is
#: flagged: below the 5 points it aims to stay within, for the check's Monte Carlo error
FLAG_AT = 0.04

#: runs of the check by default
CHECK = 200

#: a chance of an early die-out from which the flag names it as the cause
DIE_OUT = 0.05


def median_interval(runs: int, level: float = 0.9) -> tuple[int, int]:
    """Ranks (0-based, in sorted order) of the order statistics that bound the median of ``runs`` values at ``level``.

    Parameters
    ----------
    runs
        How many values.
    level
        The interval's coverage (at least this much, by the binomial distribution).

    Returns
    -------
    tuple of int
        The lower and upper rank.
    """
    tail = (1 - level) / 2
    cumulative, low = 0.0, 0
    for k in range(runs):
        cumulative += math.comb(runs, k) / 2**runs
        if cumulative > tail:
            break
        low = k + 1
    low = min(low, (runs - 1) // 2)
    return low, runs - 1 - low


def _causes(scenario: Scenario) -> str:
    """What makes whole numbers matter in this plan, in words."""
    causes = []
    facilitators = max(tier.facilitators for tier in scenario.plan.tiers)
    if facilitators > 1:
        causes.append(f"a cohort starts only with {facilitators} facilitators, so a lone trainer waits")
    if scenario.min_group > 1:
        causes.append(f"a cohort needs at least {scenario.min_group} people")
    if scenario.plan.turnover != Parameter.fixed(0):
        causes.append("hires join a few at a time")
    causes.append("trainers and the people left to train come in ones and twos")
    return "; ".join(causes)


def checked_flags(
    scenario: Scenario, projected: ReachResult, simulated: ReachResult, die_out: float
) -> tuple[ProjectionFlag, ...]:
    """The flag of a projection that parts from its check, or none.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    projected
        The projection.
    simulated
        The check: a simulation of the same plan with the projection's seed.
    die_out
        The branching process's chance that the cascade dies out early (the median over draws).

    Returns
    -------
    tuple of ProjectionFlag
        None, or the one flag.
    """
    runs = np.sort(reach_series(simulated), axis=0)
    if runs.shape[0] == 0 or np.isnan(runs).all():
        return ()
    projection: FloatArray = np.median(reach_series(projected), axis=0)
    gaps = projection - np.median(runs, axis=0)
    if np.abs(gaps).max() < FLAG_AT:
        return ()
    low_rank, high_rank = median_interval(runs.shape[0])
    low, high = projection - runs[high_rank], projection - runs[low_rank]
    worst = int(np.argmax(np.maximum(np.abs(low), np.abs(high))))
    gap, final = float(gaps[worst]), float(gaps[-1])
    plan = scenario.plan

    def points(value: float) -> str:
        return f"{abs(value) * 100:.0f} points {'below' if value < 0 else 'above'}"

    if die_out >= DIE_OUT:
        code = "die-out"
        cause = (
            f"The cascade can die out early: in about {die_out:.0%} of runs every seed trainer's line ends, a "
            "branching process over trainers' lines says, and the projection's figures are expected values over "
            "the runs that die out and those that survive: the median run is one or the other."
        )
    else:
        code = "whole-numbers"
        cause = (
            "The projection follows expected numbers of people, trainers and cohorts, in fractions, and here "
            f"whole numbers hold the runs back ({_causes(scenario)})."
        )
    message = (
        f"{cause} A short simulation ({runs.shape[0]:,} runs, seed {simulated.seed}) puts the projected reach "
        f"{points(gap)} its median run's at {plan.period_label(worst)} (90% interval of that gap "
        f"{low[worst] * 100:+.0f} to {high[worst] * 100:+.0f} points, for the simulation's Monte Carlo error) and "
        f"{points(final)} by {plan.period_label(scenario.horizon)}. Simulate for figures to quote."
    )
    return (
        ProjectionFlag(
            code=code,
            message=message,
            gap=round(gap, 4),
            period=worst,
            final_gap=round(final, 4),
            checked=runs.shape[0],
            gap_low=round(float(low[worst]), 4),
            gap_high=round(float(high[worst]), 4),
        ),
    )
