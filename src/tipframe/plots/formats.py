"""Plots of recurring formats (clinics, reflective groups) and of peer uptake (``pip install tipframe[plot]``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import PeerResult, Qualifier, RecurringResult
from tipframe.plots.axes import label as _label
from tipframe.plots.axes import new_axes as _axes
from tipframe.plots.axes import period_axis as _period_axis

__all__ = ["plot_peer", "plot_recurring", "plot_recurring_reach"]


def plot_recurring(result: RecurringResult, *, ax: Any = None) -> Any:
    """A recurring format's cases discussed (or places taken) so far: the median with its 90% interval, and
    the counts the programme reports over windows from the plan's first period, as points.

    Parameters
    ----------
    result
        From `simulate_recurring`.
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    from tipframe.reach.recurring_measures import summarise_recurring

    summary = summarise_recurring(result)
    what = "case discussions" if summary.unit == "cases" else "places taken"
    so_far = to_numpy(result.discussions).cumsum(axis=1)
    median = np.median(so_far, axis=0)
    low, high = np.percentile(so_far, [5, 95], axis=0)
    periods = np.arange(median.size)
    ax = _axes(ax)
    ax.fill_between(periods, low, high, color="#56b4e9", alpha=0.35, linewidth=0, label="modelled: 90% interval")
    ax.plot(periods, median, color="#0072b2", label="modelled: median")
    markers = {Qualifier.AT_LEAST: "^", Qualifier.AT_MOST: "v", Qualifier.ABOUT: "D"}
    for window in summary.observed:
        if window.first != 1:
            continue  # a count over a later window is not a count so far: the summary compares it
        record = window.record
        marker = markers.get(record.qualifier, "o")
        ax.plot([window.last], [record.count], marker=marker, color="#d55e00", markersize=9, linestyle="none",
                label=f"observed: {record.qualifier.qualify(record.count)} by {record.date}")  # fmt: skip
    _period_axis(ax, result.plan)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"{what} so far")
    ax.set_title(
        f"{_label(result.plan.name)}\nmodelled {what} so far, {result.replicates:,} replicates", fontsize="medium"
    )
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_recurring_reach(result: RecurringResult, *, ax: Any = None) -> Any:
    """A recurring format's reach over time: staff with a space to go to, those who have ever come (or
    brought a case), and those who came in the plan's last ``recent`` periods: medians with 90% intervals.

    Parameters
    ----------
    result
        From `simulate_recurring`.
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    from tipframe.model.recurring import meeting_capacity

    capacity = meeting_capacity(result.programme, result.plan)
    group = capacity is not None and capacity.unit == "places"
    lines = (
        ("access", "staff with access (a running space)", "#009e73"),
        ("supported", "came at least once" if group else "brought a case at least once", "#0072b2"),
        ("supported_recently", f"came in the last {result.plan.recent} periods" if group else
         f"had a case discussed in the last {result.plan.recent} periods", "#d55e00"),
    )  # fmt: skip
    ax = _axes(ax)
    for name, label, colour in lines:
        values = to_numpy(getattr(result, name))
        low, median, high = np.percentile(values, [5, 50, 95], axis=0)
        periods = np.arange(median.size)
        ax.fill_between(periods, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.plot(periods, median, color=colour, label=label)
    _period_axis(ax, result.plan)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("people (modelled)")
    ax.set_title(
        f"{_label(result.plan.name)}\nmodelled reach: median (line) and 90% interval (band)", fontsize="medium"
    )
    # below the plot, across: inside, it would cover a line, and beside, it would narrow the plot
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    return ax


def plot_peer(result: PeerResult, *, ax: Any = None) -> Any:
    """People reached by a peer plan over time, as a share of the staff network: median and 90% interval.

    Parameters
    ----------
    result
        From `simulate_peer_plan`.
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    share = 100 * to_numpy(result.trained) / max(result.people, 1)
    low, median, high = np.percentile(share, [5, 50, 95], axis=0)
    periods = np.arange(median.size)
    ax = _axes(ax)
    ax.fill_between(periods, low, high, color="#56b4e9", alpha=0.35, linewidth=0, label="90% interval")
    ax.plot(periods, median, color="#0072b2", label="median")
    _period_axis(ax, result.plan)
    ax.set_ylim(0, max(5.0, float(high.max()) * 1.1))  # from zero, scaled to the data: a flat line would hide it
    ax.set_ylabel(f"% of the {result.people:,} people in the network (modelled)")
    ax.set_title(f"{_label(result.plan.name)}\npeople reached, {result.replicates:,} replicates", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left")
    return ax
