"""Plots of cascade results: reach over time, by organisation, and who trained whom."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import ReachResult
from tipframe.plots.axes import columns as _columns
from tipframe.plots.axes import label as _label
from tipframe.plots.axes import new_axes as _axes
from tipframe.plots.axes import period_axis as _period_axis

__all__ = ["plot_dissemination", "plot_organisation_reach", "plot_reach"]


def plot_reach(results: Any, *, labels: Sequence[str] | None = None, ax: Any = None, full_scale: bool = False) -> Any:
    """Reach over time: each design's mean (a line) with its 90% interval across replicates (a band), on one axis.

    The line is the mean, as the legend says, since a sweep keeps each design's mean per period
    (not its median). Where some cascades die out early the mean can fall below the band; the
    median at the horizon is in `summarise_reach`.

    Parameters
    ----------
    results
        A `ReachResult`, a `SweepResult`, or a list of either (and of sweep scenarios): one
        line per result or scenario.
    labels
        The lines' labels, in order (default: the plan's name, or the values a scenario set).
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.
    full_scale
        Draw reach from 0 to 100%; by default the axis ends a little above the highest band, so
        that a rollout reaching a few per cent is not drawn as a flat line (the axis says where
        it ends).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given, saying what to install.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from tipframe.reach.measures import reach_series
    from tipframe.reach.sweeps import SweepResult, SweepScenario, lever_words

    items: list[Any] = []
    plan = None
    for item in results if isinstance(results, list | tuple) else [results]:
        items.extend(item.scenarios if isinstance(item, SweepResult) else [item])
        plan = plan or getattr(item, "plan", None)
    ax = _axes(ax)
    top = 0.0
    for index, item in enumerate(items):
        if isinstance(item, SweepScenario):
            eligible = max(item.summary.eligible, 1)
            mean = np.array(item.trained_mean) / eligible
            low, high = np.array(item.trained_low) / eligible, np.array(item.trained_high) / eligible
            label = ", ".join(f"{lever_words(k)} {v:g}" if isinstance(v, int | float) else f"{lever_words(k)} {v}"
                              for k, v in item.values.items()) or f"scenario {item.index}"  # fmt: skip
        else:
            assert isinstance(item, ReachResult)
            series = reach_series(item)
            mean = series.mean(axis=0)
            low, high = np.percentile(series, [5, 95], axis=0)
            label = _label(item.plan.name)
        if labels is not None and index < len(labels):
            label = labels[index]
        periods = np.arange(mean.size)
        (line,) = ax.plot(periods, 100 * mean, label=label)
        ax.fill_between(periods, 100 * low, 100 * high, color=line.get_color(), alpha=0.2, linewidth=0)
        top = max(top, float(np.nanmax(np.append(high, mean), initial=0.0)))
    _period_axis(ax, plan)
    ax.set_ylabel("reach, % of eligible staff (modelled)")
    ax.set_ylim(0, 100 if full_scale or top >= 0.6 else _nice(100 * top * 1.15))
    ax.set_title("Modelled reach: mean (line) and 90% interval (band) across replicates")
    grey = "0.35"
    marks = [Line2D([], [], color=grey, label="mean of the replicates"),
             Patch(color=grey, alpha=0.2, label="90% of replicates (5th to 95th percentile)")]  # fmt: skip
    if len(items) > 1:
        marks = [*ax.get_lines(), *marks]
    if items:
        ax.legend(handles=marks, fontsize="small", loc="upper left")
    return ax


def _short(text: str, width: int = 34) -> str:
    """A name cut to ``width`` characters (an ellipsis where it was cut), so that long names leave room to draw."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _nice(value: float) -> float:
    """The axis's end: 1, 2 or 5 times a power of ten, at or above ``value`` (at least 1%)."""
    value = max(value, 1.0)
    power = 10 ** np.floor(np.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def plot_organisation_reach(result: ReachResult, *, top: int = 30, ax: Any = None) -> Any:
    """The share of each organisation's eligible staff trained by the horizon (the mean across replicates; seed
    trainers aside), the largest organisations first, by name; the title says how many of how many are drawn.
    A result keeps each organisation's mean only, so there is no interval to draw.

    Parameters
    ----------
    result
        A simulation's or projection's result.
    top
        How many organisations, by eligible headcount.
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
    eligible = to_numpy(result.eligible).astype(np.float64)
    trained = to_numpy(result.by_organisation)[-1]
    order = np.argsort(-eligible, kind="stable")[:top]
    share = np.where(eligible[order] > 0, trained[order] / np.maximum(eligible[order], 1), np.nan)
    ax = _axes(ax)
    titles = {o.id: o.name or o.id for o in result.workforce.organisations}
    names = [_short(_label(titles.get(result.organisations[i], result.organisations[i]))) for i in order]
    ax.barh(range(len(order)), 100 * share, color="#56b4e9")
    ax.set_yticks(range(len(order)), names, fontsize="small")
    ax.invert_yaxis()
    highest = float(np.nanmax(share, initial=0.0))
    ax.set_xlim(0, 100 if highest >= 0.6 else _nice(100 * highest * 1.15))
    horizon = to_numpy(result.trained).shape[1] - 1
    ax.set_xlabel(f"trained by {result.plan.period_label(horizon)}, % of eligible staff (modelled mean; seed "
                  "trainers aside)")  # fmt: skip
    shown = len(order)
    count = len(result.organisations)
    ax.set_title("Trained by organisation" + (f": the {shown} largest of {count}" if shown < count else ""))
    return ax


def plot_dissemination(result: ReachResult, *, replicate: int = 0, ax: Any = None) -> Any:
    """Who trained whom in one replicate: trainers (dots) and cohorts (squares) in columns by generation.

    Parameters
    ----------
    result
        A Monte Carlo result that kept the replicate's events.
    replicate
        Which replicate (see `tipframe.graphs.dissemination.dissemination_graph`).
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For a projection, or a replicate whose events were not kept.
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    import networkx as nx

    from tipframe.graphs import dissemination_graph

    graph = dissemination_graph(result, replicate)
    for _, data in graph.nodes(data=True):
        data["column"] = 2 * data["generation"] - (1 if data["kind"] == "cohort" else 0)
    positions = nx.multipartite_layout(graph, subset_key=_columns(graph)) if graph.number_of_nodes() else {}
    ax = _axes(ax)
    trainers = [n for n, d in graph.nodes(data=True) if d["kind"] == "trainer"]
    cohorts = [n for n, d in graph.nodes(data=True) if d["kind"] == "cohort"]
    nx.draw_networkx_edges(graph, positions, ax=ax, alpha=0.3, arrows=False, width=0.5)
    nx.draw_networkx_nodes(graph, positions, nodelist=trainers, node_size=12, node_color="#0072b2", ax=ax)
    nx.draw_networkx_nodes(
        graph, positions, nodelist=cohorts, node_size=16, node_shape="s", node_color="#e69f00", ax=ax
    )
    ax.set_title(f"Who trained whom, replicate {replicate} (modelled): trainers and cohorts by generation")
    ax.set_axis_off()
    return ax
