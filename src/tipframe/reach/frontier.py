"""The cost-reach frontier of a sweep: the designs no other design beats on both cost and reach.

A design is on the frontier when no other costs less (mean total cost) and reaches at least as many
(median reach at the horizon), or reaches more for no more cost. Each design keeps its intervals,
so a reader can see where two designs are within Monte Carlo error of each other.
"""

from __future__ import annotations

from typing import Any

from tipframe.reach.sweeps import SweepResult, SweepScenario

__all__ = ["cost_frontier", "frontier_rows"]


def _point(scenario: SweepScenario) -> tuple[float, float]:
    if scenario.costs is None:
        raise ValueError("the sweep's plan gives no costs: give it a costs block to find a cost-reach frontier")
    return scenario.costs.total.mean, scenario.summary.reach.median


def cost_frontier(sweep: SweepResult) -> tuple[SweepScenario, ...]:
    """The designs on the cost-reach frontier, cheapest first.

    Parameters
    ----------
    sweep
        A sweep of a plan with ``costs``.

    Returns
    -------
    tuple of SweepScenario

    Raises
    ------
    ValueError
        When the plan gives no costs.
    """
    points = [(_point(s), s) for s in sweep.scenarios]
    frontier = [
        s
        for (cost, reach), s in points
        if not any((c <= cost and r >= reach) and (c < cost or r > reach) for (c, r), other in points if other is not s)
    ]
    return tuple(sorted(frontier, key=lambda s: _point(s)))


def frontier_rows(sweep: SweepResult) -> list[dict[str, Any]]:
    """One row per design: its values, mean total cost with its Monte Carlo error and 90% interval, median reach
    with its 90% interval, and whether it is on the frontier.

    Parameters
    ----------
    sweep
        A sweep of a plan with ``costs``.

    Returns
    -------
    list of dict
    """
    on = {s.index for s in cost_frontier(sweep)}
    rows = []
    for s in sweep.scenarios:
        costs = s.costs
        assert costs is not None  # checked by cost_frontier
        reach = s.summary.reach
        row: dict[str, Any] = dict(s.values)
        row |= {"cost_mean": costs.total.mean, "cost_mcse": costs.total.mcse, "cost_low": costs.total.low,
                "cost_high": costs.total.high, "reach_median": reach.median, "reach_low": reach.low,
                "reach_high": reach.high, "frontier": s.index in on}  # fmt: skip
        rows.append(row)
    return rows
