"""Graph files: one writer for every graph tipframe builds (GraphML, GEXF or node-link JSON)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any, Final

import networkx as nx

from tipframe.io.files import write_atomic

__all__ = ["GRAPH_FORMATS", "write_graph"]

#: the formats `write_graph` writes, by the file suffix that chooses each
GRAPH_FORMATS: Final = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}


def write_graph(graph: nx.Graph[Any], path: str | os.PathLike[str], format: str | None = None) -> None:
    """Write a graph as GraphML or GEXF (for Gephi) or node-link JSON, atomically.

    Attributes of the graph, its nodes and its edges whose value is None are left out, and
    infinite numbers are written as text (``inf``). GraphML and GEXF hold only text, numbers and
    booleans, so there lists are joined with ``; `` and mappings written as JSON text; node-link
    JSON keeps them as they are.

    Parameters
    ----------
    graph
        Any networkx graph: the dissemination graph (`tipframe.graphs.dissemination_graph`), the
        referral graph (`tipframe.network.referral_graph`) or one of your own.
    path
        The file to write; an existing file is replaced whole or not at all.
    format
        ``"graphml"``, ``"gexf"`` or ``"json"``; None chooses by the suffix of ``path``
        (``.graphml``, ``.gexf`` or ``.json``).

    Raises
    ------
    ValueError
        An unknown ``format``, or with none given, a suffix that names no format.
    OSError
        The file cannot be written.
    """
    name = os.fspath(path)
    if format is None:
        suffix = os.path.splitext(name)[1].lower()
        if suffix not in GRAPH_FORMATS:
            raise ValueError(f"write a graph as .graphml, .gexf or .json, not {suffix or 'no suffix'}")
        format = GRAPH_FORMATS[suffix]
    elif format not in GRAPH_FORMATS.values():
        raise ValueError(f"unknown graph format {format!r}: graphml, gexf or json")
    plain = _plain_graph(graph, keep_structures=format == "json")
    if format == "json":
        text = json.dumps(nx.node_link_data(plain, edges="edges"), indent=2) + "\n"
    elif format == "graphml":
        text = "\n".join(nx.generate_graphml(plain)) + "\n"
    else:
        text = "\n".join(nx.generate_gexf(plain)) + "\n"
    write_atomic(name, text)


def _plain_graph(graph: nx.Graph[Any], *, keep_structures: bool) -> nx.Graph[Any]:
    """A copy of ``graph`` of the same kind (directed, multi) with every attribute made exportable."""

    def plain(data: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _exportable(v, keep_structures) for k, v in data.items() if v is not None}

    copy: nx.Graph[Any]
    if graph.is_multigraph():
        copy = nx.MultiDiGraph() if graph.is_directed() else nx.MultiGraph()
    else:
        copy = nx.DiGraph() if graph.is_directed() else nx.Graph()
    copy.graph.update(plain(graph.graph))
    for node, data in graph.nodes(data=True):
        copy.add_node(node, **plain(data))
    if isinstance(graph, nx.MultiGraph) and isinstance(copy, nx.MultiGraph):
        for a, b, key, data in graph.edges(keys=True, data=True):
            copy.add_edge(a, b, key, **plain(data))
    else:
        for a, b, data in graph.edges(data=True):
            copy.add_edge(a, b, **plain(data))
    return copy


def _exportable(value: Any, keep_structures: bool) -> Any:
    """A value GraphML and GEXF can hold: lists joined, mappings as JSON text, infinities as text."""
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    if keep_structures:
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
