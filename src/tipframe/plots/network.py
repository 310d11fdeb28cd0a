"""Plots of documents: which session enacts which principle, and referral networks."""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.model import LevelScale, PrincipleCoverage, ReferralNetwork, Support
from tipframe.plots.axes import columns as _columns
from tipframe.plots.axes import label as _label
from tipframe.plots.axes import new_axes as _axes

__all__ = ["DRAWN_UP_TO", "SUPPORT_COLOURS", "plot_coverage_matrix", "plot_network"]

#: colours by level of support (colour-blind safe: Okabe and Ito)
SUPPORT_COLOURS = {
    None: "#bbbbbb",
    Support.UNIVERSAL: "#56b4e9",
    Support.TARGETED: "#e69f00",
    Support.SPECIALIST: "#009e73",
}


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

    Up to `DRAWN_UP_TO` services each is drawn, with its pathways as curved arrows (bowed more
    within a column, so that an arrow does not run through the services between its ends), as wide
    as their volume of referrals: single points of failure have a red ring, dead ends a cross,
    services over capacity a bold label, and the key says so. The layout depends on the document
    alone. Larger networks are counted instead: services in each column by level of support, with
    the single points of failure and dead ends named in the title by their number.

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
    volumes = [float(graph.edges[edge].get("volume") or 0.0) for edge in graph.edges]
    volumes = [v for v in volumes if v > 0]
    widest = max(volumes, default=1.0)
    for same_column in (False, True):
        edges = [
            (a, b) for a, b in graph.edges if (graph.nodes[a]["column"] == graph.nodes[b]["column"]) == same_column
        ]
        widths = [1.0 + 3.0 * (graph.edges[e].get("volume") or 0.0) / widest for e in edges]
        bend = f"arc3,rad={0.5 if same_column else 0.12}"
        nx.draw_networkx_edges(graph, positions, edgelist=edges, ax=ax, arrowsize=12, edge_color="#777777",
                               node_size=900, width=widths, connectionstyle=bend)  # fmt: skip
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
    _key(ax, bool(single), bool(dead), bool(over), bool(volumes))
    ax.set_title(_label(network.name), wrap=True)
    ax.set_axis_off()
    ax.margins(0.12)  # room for the rings and the curved arrows at the edges
    return ax


def _key(ax: Any, single: bool, dead: bool, over: bool, volumes: bool) -> None:
    """The key to every mark drawn: levels of support, rings, crosses, bold names, arrow widths."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], linestyle="", marker="o", markersize=9, color=colour,
                      label=support.value if support else "support not set")
               for support, colour in SUPPORT_COLOURS.items()]  # fmt: skip
    if single:
        ring = Line2D([], [], linestyle="", marker="o", markersize=12, markerfacecolor="none", markeredgewidth=2)
        ring.set_markeredgecolor("#d55e00")
        ring.set_label("on every route from an entry point")
        handles.append(ring)
    if dead:
        handles.append(Line2D([], [], linestyle="", marker="x", color="#000000", label="dead end: refers nowhere on"))
    if over:
        handles.append(Line2D([], [], linestyle="", label="bold name: more referred than its capacity"))
    handles.append(Line2D([], [], color="#777777", label="pathway" + (": wider, more referrals" if volumes else "")))
    if ax.figure.get_layout_engine() is not None:  # tipframe's own figure: the key beside the drawing
        ax.figure.legend(handles=handles, fontsize="small", loc="outside right upper", frameon=False)
    else:
        ax.legend(handles=handles, fontsize="small", loc="best")


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
