"""Plots with matplotlib (``pip install tipframe[plot]``), imported only when a plot is drawn.

Each function draws on ``ax`` when given (else on a new figure's axes) and returns the Axes, so
it can be restyled, combined or saved. Modelled numbers are labelled as modelled.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import LevelScale, PrincipleCoverage, ReachResult, ReferralNetwork, Support
from tipframe.privacy import visible

__all__ = ["plot_coverage_matrix", "plot_dissemination", "plot_network", "plot_organisation_reach", "plot_reach"]

#: colours by level of support (colour-blind safe: Okabe and Ito)
SUPPORT_COLOURS = {
    None: "#bbbbbb",
    Support.UNIVERSAL: "#56b4e9",
    Support.TARGETED: "#e69f00",
    Support.SPECIALIST: "#009e73",
}


def _label(text: str) -> str:
    """A document's text as a plot shows it: control characters escaped, and dollar signs literal
    (matplotlib reads text between two as mathematics, and stops at what it cannot parse)."""
    return visible(text).replace("$", r"\$")


def _columns(graph: Any) -> dict[int, list[Any]]:
    """The graph's nodes by their ``column``, each column in the graph's order.

    networkx groups a layout's layers into sets, whose order follows the nodes' hashes and so
    changes from one process to the next; lists in the graph's order draw the same picture
    every time.
    """
    columns: dict[int, list[Any]] = {}
    for node, column in graph.nodes(data="column"):
        columns.setdefault(column, []).append(node)
    return dict(sorted(columns.items()))


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        pyplot = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'tipframe[plot]'") from None
    _, axes = pyplot.subplots(figsize=(8, 4.5))
    return axes


def plot_reach(results: Any, *, labels: Sequence[str] | None = None, ax: Any = None) -> Any:
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

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given, saying what to install.
    """
    from tipframe.reach.measures import reach_series
    from tipframe.reach.sweeps import SweepResult, SweepScenario

    items: list[Any] = []
    plan = None
    for item in results if isinstance(results, list | tuple) else [results]:
        items.extend(item.scenarios if isinstance(item, SweepResult) else [item])
        plan = plan or getattr(item, "plan", None)
    ax = _axes(ax)
    for index, item in enumerate(items):
        if isinstance(item, SweepScenario):
            eligible = max(item.summary.eligible, 1)
            mean = np.array(item.trained_mean) / eligible
            low, high = np.array(item.trained_low) / eligible, np.array(item.trained_high) / eligible
            label = ", ".join(f"{k}={v}" for k, v in item.values.items()) or f"scenario {item.index}"
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
    _period_axis(ax, plan)
    ax.set_ylabel("reach, % of eligible staff (modelled)")
    ax.set_ylim(0, 100)
    ax.set_title("Modelled reach: mean (line) and 90% interval (band) across replicates")
    if items:
        ax.legend(fontsize="small", title="line: mean; band: 5th to 95th percentile", title_fontsize="small")
    return ax


def _period_axis(ax: Any, plan: Any) -> None:
    """Label the x axis with the periods' unit, or with dates when the plan has a start."""
    if plan is None:
        ax.set_xlabel("period")
        return
    unit = plan.period_label(1).rsplit(" ", 1)[0] if plan.start is None else "period ending"
    if plan.start is None:
        ax.set_xlabel(f"{unit}s from the start")
        return
    ticks = [int(t) for t in ax.get_xticks() if 0 <= t <= plan.horizon]
    ax.set_xticks(ticks, [plan.period_label(t) if t > 0 else str(plan.start) for t in ticks])
    ax.set_xlabel("end of period")


def plot_organisation_reach(result: ReachResult, *, top: int = 30, ax: Any = None) -> Any:
    """Reach at the horizon in each organisation (mean across replicates), the largest organisations first.

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
    names = [result.organisations[i] for i in order]
    ax.barh(range(len(order)), 100 * share, color="#56b4e9")
    ax.set_yticks(range(len(order)), names, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"reach at period {trained.size and to_numpy(result.trained).shape[1] - 1}, % (modelled mean)")
    ax.set_title("Reach by organisation")
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


def plot_coverage_matrix(coverage: PrincipleCoverage, *, ax: Any = None) -> Any:
    """Sessions (rows) by principles (columns): filled where a session enacts the principle.

    Parameters
    ----------
    coverage
        A programme's coverage (`Programme.coverage`).
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
    matrix = np.array(coverage.matrix(), dtype=float).reshape(len(coverage.sessions), len(coverage.principles))
    ax = _axes(ax)
    ax.imshow(matrix, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(coverage.principles)), coverage.principles, rotation=45, ha="right")
    ax.set_yticks(range(len(coverage.sessions)), [f"session {n}" for n, _ in coverage.sessions])
    missing = ", ".join(coverage.missing) or "none"
    ax.set_title(f"Principle coverage ({coverage.framework}); never enacted: {missing}")
    return ax


#: the most services the network is drawn for node by node; past them names and arrows are a blur,
#: and the picture counts services instead
DRAWN_UP_TO = 40


def plot_network(network: ReferralNetwork, *, scale: LevelScale | None = None, ax: Any = None) -> Any:
    """The referral network in columns by referrals from the nearest entry point, coloured by level of support.

    Up to `DRAWN_UP_TO` services each is drawn, with its pathways: single points of failure have
    a red ring, dead ends a cross, services over capacity a bold label. Larger networks are
    counted instead: services in each column by level of support, with the single points of
    failure and dead ends named in the title by their number.

    Parameters
    ----------
    network
        The referral network.
    scale
        The network's level scale, for the analyses (see `tipframe.network.analyse_network`).
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
    import networkx as nx

    from tipframe.network import analyse_network, referral_graph

    analysis = analyse_network(network, scale)
    graph = referral_graph(network)
    # Referrals from the nearest entry point: one search from all of them at once.
    lengths = nx.multi_source_dijkstra_path_length(graph, set(network.entry_points), weight=lambda *_: 1)
    hops = {node: int(length) for node, length in lengths.items()}
    last = max(hops.values(), default=0) + 1
    for node in graph:
        graph.nodes[node]["column"] = hops.get(node, last)
    ax = _axes(ax)
    if graph.number_of_nodes() > DRAWN_UP_TO:
        return _count_network(network, analysis, graph, last, ax)
    positions = nx.multipartite_layout(graph, subset_key=_columns(graph))
    services = {s.id: s for s in network.services}
    colours = [SUPPORT_COLOURS[services[n].support] for n in graph]
    nx.draw_networkx_edges(graph, positions, ax=ax, arrowsize=12, edge_color="#777777", node_size=600)
    nx.draw_networkx_nodes(graph, positions, node_color=colours, node_size=600, ax=ax)
    single = [p.id for p in analysis.single_points if p.kind == "service"]
    if single:
        nx.draw_networkx_nodes(
            graph,
            positions,
            nodelist=single,
            node_size=900,
            node_color="none",
            edgecolors="#d55e00",
            linewidths=2,
            ax=ax,
        )
    dead = [d.service for d in analysis.dead_ends]
    if dead:
        nx.draw_networkx_nodes(
            graph, positions, nodelist=dead, node_size=200, node_shape="x", node_color="#000000", ax=ax
        )
    over = {load.service for load in analysis.capacity.over_capacity}
    # A white ground keeps a label readable where an edge runs through it.
    ground = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for node, (x, y) in positions.items():
        ax.annotate(
            node,
            (x, y),
            xytext=(0, -18),
            textcoords="offset points",
            ha="center",
            fontsize="small",
            fontweight="bold" if node in over else "normal",
            bbox=ground,
        )
    handles = [
        ax.scatter([], [], color=colour, label=support.value if support else "not set", s=60)
        for support, colour in SUPPORT_COLOURS.items()
    ]
    ax.legend(handles=handles, title="support", fontsize="small", loc="best")
    ax.set_title(f"{_label(network.name)}\nred ring, on every route; cross, dead end; bold, over capacity")
    ax.set_axis_off()
    return ax


def _count_network(network: ReferralNetwork, analysis: Any, graph: Any, last: int, ax: Any) -> Any:
    """A large network counted: services by referrals from the nearest entry point and level of support."""
    columns = list(range(last + 1))
    support = {s.id: s.support for s in network.services}
    bottom = [0] * len(columns)
    for level, colour in SUPPORT_COLOURS.items():
        counts = [0] * len(columns)
        for node, column in graph.nodes(data="column"):
            if support[node] == level:
                counts[column] += 1
        if any(counts):
            label = level.value if level else "not set"
            ax.bar(columns, counts, bottom=bottom, color=colour, label=label, width=0.7)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    names = ["entry point", *(str(c) for c in columns[1:-1]), "not reached"]
    ax.set_xticks(columns, names)
    ax.set_xlabel("referrals from the nearest entry point")
    ax.set_ylabel("services")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="support", fontsize="small", frameon=False)
    single = sum(1 for p in analysis.single_points if p.kind == "service")
    ax.set_title(
        f"{_label(network.name)}: {graph.number_of_nodes():,} services, too many to draw one by one\n"
        f"{single:,} on every route from an entry point, {len(analysis.dead_ends):,} dead ends "
        "(the tables name them)",
        fontsize="medium",
    )
    return ax
