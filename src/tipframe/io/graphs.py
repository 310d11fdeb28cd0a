"""Graph files: one writer for every graph tipframe builds (GraphML, GEXF or node-link JSON)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any, Final
from xml.sax.saxutils import escape

import networkx as nx

from tipframe.io.files import write_atomic

__all__ = ["GRAPH_FORMATS", "write_graph"]

#: the formats `write_graph` writes, by the file suffix that chooses each
GRAPH_FORMATS: Final = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}


def write_graph(graph: nx.Graph[Any], path: str | os.PathLike[str], format: str | None = None) -> None:
    """Write a graph as GraphML or GEXF (for Gephi) or node-link JSON, atomically.

    Attributes of the graph, its nodes and its edges whose value is None are left out. GraphML and
    GEXF hold only text, numbers and booleans, so there lists and mappings are written as JSON
    text (``json.loads`` reads them back); each attribute name has one type (integers beside
    floats become floats; anything beside text becomes text), and integers a double cannot hold
    exactly (beyond 2**53: igraph reads every number as one) are text, so that networkx and
    python-igraph both read every attribute back. A node attribute ``id`` is the node's own id
    there: left out where it equals the node, else written as ``id_attribute``. GraphML keeps
    the graph's ``id`` as data too; GEXF, which has no graph attributes, keeps them as JSON text
    in its meta description.
    Node-link JSON keeps lists and mappings as they are, and infinite numbers as text (``inf``).

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
    plain = _plain_graph(graph, format)
    if format == "json":
        text = json.dumps(nx.node_link_data(plain, edges="edges"), indent=2) + "\n"
    elif format == "graphml":
        graph_id = plain.graph.get("id")  # the writer takes it off the graph, to put on its graph element
        text = _graph_id("\n".join(nx.generate_graphml(plain)) + "\n", graph_id)
    else:
        text = _gexf_meta("\n".join(nx.generate_gexf(plain)) + "\n", plain.graph)
    write_atomic(name, text)


#: integers beyond this are written as text: a double (how igraph reads every number) would lose digits
_EXACT: Final = 2**53


def _graph_id(text: str, graph_id: Any) -> str:
    """GraphML keeps a graph's ``id`` on its graph element, where igraph does not read it: write it as data too."""
    if graph_id is None:
        return text
    key = '  <key id="graph-id" for="graph" attr.name="id" attr.type="string" />\n'
    text = text.replace("  <key ", key + "  <key ", 1) if "  <key " in text else text
    return text.replace("  </graph>", f'    <data key="graph-id">{escape(str(graph_id))}</data>\n  </graph>', 1)


def _gexf_meta(text: str, attributes: Mapping[str, Any]) -> str:
    """GEXF has no graph attributes: keep them as JSON text in the file's meta description."""
    if not attributes:
        return text
    described = escape(json.dumps(dict(attributes), ensure_ascii=False, sort_keys=True))
    return text.replace("  </meta>", f"    <description>{described}</description>\n  </meta>", 1)


def _plain_graph(graph: nx.Graph[Any], format: str) -> nx.Graph[Any]:
    """A copy of ``graph`` of the same kind (directed, multi) with every attribute made exportable, one type
    for each attribute name of the graph, its nodes and its edges."""
    keep = format == "json"

    def plain(data: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _exportable(v, keep) for k, v in data.items() if v is not None}

    copy: nx.Graph[Any]
    if graph.is_multigraph():
        copy = nx.MultiDiGraph() if graph.is_directed() else nx.MultiGraph()
    else:
        copy = nx.DiGraph() if graph.is_directed() else nx.Graph()
    copy.graph.update(_one_type([plain(graph.graph)], keep)[0])
    nodes = [plain(data) for _, data in graph.nodes(data=True)]
    if format != "json":  # the node's own id says it; an attribute of the same name clashes with it
        nodes = [_without_id(d, n) for (n, _), d in zip(graph.nodes(data=True), nodes, strict=True)]
    for (node, _), data in zip(graph.nodes(data=True), _one_type(nodes, keep), strict=True):
        copy.add_node(node, **data)
    if isinstance(graph, nx.MultiGraph) and isinstance(copy, nx.MultiGraph):
        edges = list(graph.edges(keys=True, data=True))
        for (a, b, key, _), data in zip(edges, _one_type([plain(d) for *_, d in edges], keep), strict=True):
            copy.add_edge(a, b, key, **data)
    else:
        pairs = list(graph.edges(data=True))
        for (a, b, _), data in zip(pairs, _one_type([plain(d) for *_, d in pairs], keep), strict=True):
            copy.add_edge(a, b, **data)
    return copy


def _without_id(data: dict[str, Any], node: Any) -> dict[str, Any]:
    """A node's attributes with ``id`` left out where it is the node's own id, else kept as ``id_attribute``:
    GraphML and GEXF give every node an id of their own, and a second one clashes with it."""
    if "id" not in data:
        return data
    value = data.pop("id")
    if value != node:
        data["id_attribute"] = value
    return data


def _one_type(rows: list[dict[str, Any]], keep: bool) -> list[dict[str, Any]]:
    """The rows with each attribute name of one type: integers and floats together as floats, anything mixed
    with text as text, integers too large for a double as text."""
    if keep:
        return rows
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for k, v in row.items():
            big = isinstance(v, int) and not isinstance(v, bool) and abs(v) > _EXACT
            kinds.setdefault(k, set()).add(str if big else type(v))
    for k, found in kinds.items():
        if len(found) <= 1:
            continue
        to: Any = float if found <= {int, float} else str
        for row in rows:
            if k in row:
                row[k] = to(row[k]) if to is float else (row[k] if isinstance(row[k], str) else _text(row[k]))
    for row in rows:  # a lone large integer, too
        for k, v in row.items():
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > _EXACT:
                row[k] = str(v)
    return rows


def _text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _exportable(value: Any, keep_structures: bool) -> Any:
    """A value the format can hold: for GraphML and GEXF, lists and mappings as JSON text (``json.loads`` reads
    them back); for node-link JSON, infinities as text."""
    if isinstance(value, float) and math.isinf(value):
        return str(value) if keep_structures else value
    if keep_structures:
        return value
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(list(value) if not isinstance(value, Mapping) else dict(value), ensure_ascii=False,
                          sort_keys=True)  # fmt: skip
    return value
