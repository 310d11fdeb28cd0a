"""Plots for planning: the cost-reach frontier of a sweep."""

from __future__ import annotations

from typing import Any

from tipframe.plots.axes import new_axes
from tipframe.reach.frontier import cost_frontier
from tipframe.reach.sweeps import SweepResult

__all__ = ["plot_frontier"]


def _label(values: Any) -> str:
    return ", ".join(f"{path.rsplit('.', 1)[-1]} {value}" for path, value in values.items())


def plot_frontier(sweep: SweepResult, *, ax: Any = None) -> Any:
    """Each design's mean total cost (with ±2 Monte Carlo standard errors) against its median reach at the horizon
    (with its 90% interval across replicates); the designs no other beats on both joined and labelled.

    Parameters
    ----------
    sweep
        A sweep of a plan with ``costs``.
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When the plan gives no costs.
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    frontier = cost_frontier(sweep)
    on = {s.index for s in frontier}
    ax = new_axes(ax)
    currency = next(s.costs.costs.currency for s in sweep.scenarios if s.costs is not None)
    for s in sweep.scenarios:
        assert s.costs is not None  # cost_frontier checked
        cost, reach = s.costs.total, s.summary.reach
        colour = "#0072b2" if s.index in on else "#999999"
        ax.errorbar([cost.mean], [100 * reach.median], xerr=[[2 * cost.mcse], [2 * cost.mcse]],
                    yerr=[[100 * (reach.median - reach.low)], [100 * (reach.high - reach.median)]], fmt="o",
                    color=colour, ecolor=colour, elinewidth=1, capsize=2,
                    alpha=1.0 if s.index in on else 0.5)  # fmt: skip
    xs = [s.costs.total.mean for s in frontier if s.costs is not None]
    ys = [100 * s.summary.reach.median for s in frontier]
    ax.plot(xs, ys, color="#0072b2", linewidth=1, label="frontier: no design costs less and reaches more")
    for k, (s, x, y) in enumerate(zip(frontier, xs, ys, strict=True)):  # alternately below and above: no overlap
        below = k % 2 == 0
        ax.annotate(_label(s.values), (x, y), textcoords="offset points", xytext=(6, -14 if below else 10),
                    ha="left" if below else "right", fontsize="small")  # fmt: skip
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    ax.set_xlabel(f"mean total cost ({currency}; bars: ±2 Monte Carlo s.e.)")
    ax.set_ylabel("median reach at the horizon, % (bars: 90% interval)")
    ax.set_ylim(0, 100)
    ax.set_title(f"Cost and reach of {len(sweep.scenarios)} designs, {sweep.replicates:,} replicates each",
                 fontsize="medium")  # fmt: skip
    ax.legend(fontsize="small", loc="lower right")
    return ax
