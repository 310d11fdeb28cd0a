"""Plots of cascade results: reach over time, by organisation, and who trained whom."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import Engine, ReachResult
from tipframe.plots.axes import columns as _columns
from tipframe.plots.axes import label as _label
from tipframe.plots.axes import new_axes as _axes
from tipframe.plots.axes import period_axis as _period_axis

__all__ = ["DRAWN_UP_TO", "plot_dissemination", "plot_organisation_reach", "plot_reach", "plot_sweep"]


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
    from tipframe.reach.sweep_display import lever_value, lever_words
    from tipframe.reach.sweeps import SweepResult, SweepScenario

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
            label = ", ".join(f"{lever_words(k)} {lever_value(v)}"
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
        if len(items) <= _BANDS_UP_TO:  # more bands overlap into a blur: plot_sweep draws each apart
            ax.fill_between(periods, 100 * low, 100 * high, color=line.get_color(), alpha=0.2, linewidth=0)
        top = max(top, float(np.nanmax(np.append(high, mean), initial=0.0)))
    _period_axis(ax, plan)
    ax.set_ylabel("reach, % of eligible staff (modelled)")
    ax.set_ylim(0, 100 if full_scale or top >= 0.6 else _nice(100 * top * 1.15))
    banded = len(items) <= _BANDS_UP_TO
    projected = bool(items) and all(getattr(i, "engine", None) is Engine.PROJECTION for i in items)
    runs = "draws of the uncertain numbers" if projected else "replicates"
    ax.set_title(f"Modelled reach: mean (line) and 90% interval (band) across {runs}" if banded
                 else f"Modelled reach of each design: the mean across {runs}")  # fmt: skip
    grey = "0.35"
    marks: list[Any] = [Line2D([], [], color=grey, label=f"mean of the {runs}")]
    if len(items) <= _BANDS_UP_TO:
        marks.append(Patch(color=grey, alpha=0.2, label=f"90% of {runs} (5th to 95th percentile)"))
    else:
        marks.append(Line2D([], [], linestyle="", label="(bands left out: plot_sweep draws each design apart)"))
    if len(items) > 1:  # each line is a design's mean (the title says so)
        marks = [*ax.get_lines(), *marks[1:]]
    if items and len(marks) > 6 and ax.figure.get_layout_engine() is not None:
        ax.figure.legend(handles=marks, fontsize="small", loc="outside lower center", ncols=2, frameon=False)
    elif items:
        ax.legend(handles=marks, fontsize="small", loc="upper left")
    return ax


#: lines drawn with their bands on one axis; more are drawn as lines alone
_BANDS_UP_TO = 3


def plot_sweep(sweep: Any, *, columns: int = 3) -> Any:
    """A sweep as small multiples: one panel a design, its mean and 90% band over time, the other designs' means
    in grey behind it for comparison, every panel on the same axes.

    Parameters
    ----------
    sweep
        A `SweepResult`.
    columns
        Panels a row.

    Returns
    -------
    numpy.ndarray
        The panels' matplotlib Axes, in the sweep's order (spare panels removed).

    Raises
    ------
    ImportError
        When matplotlib is missing.
    """
    from tipframe.reach.sweep_display import lever_value, lever_words

    scenarios = list(sweep.scenarios)
    rows = max(1, -(-len(scenarios) // columns))
    first = _axes(None)
    figure = first.figure
    first.remove()
    figure.set_size_inches(3.4 * min(columns, max(1, len(scenarios))), 2.6 * rows + 0.6)
    axes = np.atleast_1d(figure.subplots(rows, min(columns, max(1, len(scenarios))), sharex=True, sharey=True))
    curves = []
    for scenario in scenarios:
        eligible = max(scenario.summary.eligible, 1)
        curves.append(tuple(100 * np.array(s) / eligible for s in (scenario.trained_mean, scenario.trained_low,
                                                                    scenario.trained_high)))  # fmt: skip
    top = max((float(np.nanmax(high, initial=0.0)) for _, _, high in curves), default=0.0)
    flat = axes.ravel()
    for index, (ax, scenario) in enumerate(zip(flat, scenarios, strict=False)):
        for other, (mean, _, _) in enumerate(curves):
            if other != index:
                ax.plot(mean, color="0.8", linewidth=0.8)
        mean, low, high = curves[index]
        ax.fill_between(np.arange(mean.size), low, high, color="#0072b2", alpha=0.25, linewidth=0)
        ax.plot(mean, color="#0072b2")
        words = ", ".join(f"{lever_words(k)} {lever_value(v)}"
                          for k, v in scenario.values.items()) or f"design {scenario.index}"  # fmt: skip
        ax.set_title(_short(words, 40), fontsize="small")
        ax.set_ylim(0, 100 if top >= 60 else _nice(top * 1.15))
    for ax in flat[len(scenarios) :]:
        ax.remove()
    figure.supylabel("reach, % of eligible staff (modelled)", fontsize="small")
    unit = sweep.plan.period.describe()
    figure.supxlabel(f"{unit[2:]}s from the start" if unit.startswith("1 ") else f"periods of {unit} from the start",
                     fontsize="small")  # fmt: skip
    figure.suptitle(f"Sweep of {_short(_label(sweep.plan.name), 70)}\neach design: the mean (line) and 90% of "
                    "replicates (band); the other designs' means in grey", fontsize="medium")  # fmt: skip
    return flat[: len(scenarios)]


def _short(text: str, width: int = 34) -> str:
    """A name cut to ``width`` characters (an ellipsis where it was cut), so that long names leave room to draw."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _nice(value: float) -> float:
    """The axis's end: 1, 2 or 5 times a power of ten, at or above ``value`` (at least 1%)."""
    value = max(value, 1.0)
    power = 10 ** np.floor(np.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def plot_organisation_reach(result: ReachResult, *, top: int = 30, ax: Any = None) -> Any:
    """The share of each organisation's eligible staff trained by the horizon (seed trainers aside): the mean across
    replicates, with the 90% interval across them as a whisker, the largest organisations first, by name; the
    title says how many of how many are drawn. A projection, and a result saved before each replicate's count
    by organisation was kept, has means only, and says so.

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
    base = np.maximum(eligible[order], 1)
    share = np.where(eligible[order] > 0, trained[order] / base, np.nan)
    ax = _axes(ax)
    titles = {o.id: o.name or o.id for o in result.workforce.organisations}
    names = [_short(_label(titles.get(result.organisations[i], result.organisations[i]))) for i in order]
    ax.barh(range(len(order)), 100 * share, color="#56b4e9")
    highest = float(np.nanmax(share, initial=0.0))
    what = "modelled mean; seed trainers aside"
    if result.organisation_trained is not None and result.engine is Engine.MONTE_CARLO:
        low, high = np.percentile(to_numpy(result.organisation_trained)[:, order], [5, 95], axis=0) / base
        low[eligible[order] == 0] = high[eligible[order] == 0] = np.nan  # no staff: no share, no line
        # a line from the 5th to the 95th percentile, not error bars: a skewed count's mean can lie outside them
        ax.hlines(range(len(order)), 100 * low, 100 * high, color="0.2", linewidth=1.2)
        ax.plot(np.concatenate([100 * low, 100 * high]), np.tile(np.arange(len(order)), 2), "|", color="0.2",
                markersize=5)  # fmt: skip
        highest = max(highest, float(np.nanmax(high, initial=0.0)))
        what = "modelled: mean (bar) and 90% interval across replicates (line); seed trainers aside"
    ax.set_yticks(range(len(order)), names, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 100 if highest >= 0.6 else _nice(100 * highest * 1.15))
    horizon = to_numpy(result.trained).shape[1] - 1
    ax.set_xlabel(f"trained by {result.plan.period_label(horizon)}, % of eligible staff\n({what})")
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
    ax = _axes(ax)
    if graph.number_of_nodes() > DRAWN_UP_TO:
        return _generation_bands(graph, result, replicate, ax)
    for _, data in graph.nodes(data=True):
        data["column"] = 2 * data["generation"] - (1 if data["kind"] == "cohort" else 0)
    positions = nx.multipartite_layout(graph, subset_key=_columns(graph)) if graph.number_of_nodes() else {}
    trainers = [n for n, d in graph.nodes(data=True) if d["kind"] == "trainer"]
    cohorts = [n for n, d in graph.nodes(data=True) if d["kind"] == "cohort"]
    nx.draw_networkx_edges(graph, positions, ax=ax, alpha=0.4, arrows=False, width=0.6)
    nx.draw_networkx_nodes(graph, positions, nodelist=trainers, node_size=14, node_color=_TRAINER, ax=ax)
    nx.draw_networkx_nodes(graph, positions, nodelist=cohorts, node_size=18, node_shape="s", node_color=_COHORT,
                           ax=ax)  # fmt: skip
    from matplotlib.lines import Line2D

    ax.legend(handles=[
        Line2D([], [], linestyle="", marker="o", color=_TRAINER, label="trainer (seeds at the left)"),
        Line2D([], [], linestyle="", marker="s", color=_COHORT, label="cohort"),
        Line2D([], [], color="0.3", alpha=0.6, label="facilitated, or trained in"),
    ], fontsize="small", loc="upper right")  # fmt: skip
    ax.set_title(f"Who trained whom in replicate {replicate} (modelled): by generation, left to right")
    ax.set_axis_off()
    return ax


#: a dissemination graph with more trainers and cohorts than this is drawn as generations over time
DRAWN_UP_TO = 400
_TRAINER, _COHORT = "#0072b2", "#e69f00"


def _generation_bands(graph: Any, result: ReachResult, replicate: int, ax: Any) -> Any:
    """A large dissemination graph as trainers by generation over time: stacked bands, one a generation."""
    horizon = to_numpy(result.trained).shape[1] - 1
    counts: dict[int, Any] = {}
    for _, data in graph.nodes(data=True):
        if data["kind"] == "trainer":
            row = counts.setdefault(int(data["generation"]), np.zeros(horizon + 1))
            row[min(int(data["period"]), horizon) :] += 1
    generations = sorted(counts)
    labels = ["seed trainers" if g == 0 else f"generation {g}" for g in generations]
    ax.stackplot(np.arange(horizon + 1), *(counts[g] for g in generations), labels=labels, alpha=0.85)
    _period_axis(ax, result.plan)
    ax.set_ylabel("trainers made so far (modelled)")
    cohorts = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "cohort")
    trainers = graph.number_of_nodes() - cohorts
    title = (f"Who trained whom in replicate {replicate} (modelled): {trainers:,} trainers and {cohorts:,} cohorts,\n"
             "too many to draw one by one: trainers made so far, by generation")  # fmt: skip
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", ncols=2 if len(generations) > 6 else 1)
    return ax
