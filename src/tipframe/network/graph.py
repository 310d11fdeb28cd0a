"""The referral graph, the working graph of active services the analyses run on, and the searches they share."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import networkx as nx

from tipframe.model import ReferralNetwork, Support
from tipframe.model.referral import Pathway

__all__ = ["referral_graph"]


def _plain(value: Any) -> Any:
    """A field's value as plain data: enums by value, durations as written, tuples as lists."""
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _attributes(item: Any) -> dict[str, Any]:
    data = {f.name: _plain(getattr(item, f.name)) for f in attrs.fields(type(item)) if f.name != "extensions"}
    data.update(getattr(item, "extensions", {}))
    return data


def referral_graph(network: ReferralNetwork) -> nx.DiGraph[str]:
    """Services as nodes and pathways as edges, with every field as an attribute.

    Nodes also carry ``organisation_name`` and ``entry_point``; edges carry ``length``, 1 /
    volume (networkx reads weights as distances, so busy pathways are short). Inactive services
    and their pathways are kept, with their status. Write it with `tipframe.io.graphs.write_graph`.

    Parameters
    ----------
    network
        The referral network.

    Returns
    -------
    networkx.DiGraph
        Keyed by service id, with the network's ``id``, ``name`` and ``period`` as graph attributes.
    """
    graph: nx.DiGraph[str] = nx.DiGraph(id=network.id, name=network.name, period=str(network.period))
    names = {o.id: o.name or o.id for o in network.organisations}
    entries = set(network.entry_points)
    for service in network.services:
        graph.add_node(
            service.id,
            **_attributes(service),
            organisation_name=names.get(service.organisation, service.organisation),
            entry_point=service.id in entries,
        )
    for pathway in network.pathways:
        attributes = _attributes(pathway)
        del attributes["from_service"], attributes["to_service"]
        graph.add_edge(pathway.from_service, pathway.to_service, **attributes, length=_length(pathway))
    return graph


def _length(pathway: Pathway) -> float:
    if pathway.volume is None:
        return 1.0
    return 1.0 / pathway.volume if pathway.volume > 0 else math.inf


#: the most bits the common scale of exact pathway lengths may take; beyond it lengths are floats
_EXACT_BITS: Final = 1024


def _lengths(volumes: Sequence[float | None]) -> list[int] | list[float]:
    """Pathway lengths 1 / volume (1 without a volume) as whole numbers on one scale, so that ties are exact.

    Each volume is a ratio p / q (a float exactly), so its length q / p is a whole number times
    1 / lcm(every p): 1/2 + 1/12 and 1/3 + 1/4 tie as they should, which floats do not promise.
    When that common scale would pass `_EXACT_BITS` bits (many unusual volumes), the lengths are
    floats, whose sums may differ by rounding (about 1e-16 relative) where exact ones tie.
    Volumes must be above 0.
    """
    ratios = [(1, 1) if v is None else v.as_integer_ratio() for v in volumes]
    scale = 1
    for numerator, _ in ratios:
        scale = math.lcm(scale, numerator)
        if scale.bit_length() > _EXACT_BITS:
            return [1.0 if v is None else 1.0 / v for v in volumes]
    return [scale // p * q for p, q in ratios]


def _active(network: ReferralNetwork) -> nx.DiGraph[str]:
    """The services that can take referrals and the pathways between them, in document order."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    active = [s.id for s in network.services if s.active]
    graph.add_nodes_from(active)
    for pathway in network.pathways:
        if pathway.from_service in graph and pathway.to_service in graph:
            graph.add_edge(pathway.from_service, pathway.to_service, volume=pathway.volume)
    return graph


def _pathways(graph: nx.DiGraph[str]) -> list[tuple[str, str, float | None]]:
    """The working graph's pathways with their volumes, in adjacency order."""
    return [(a, b, data["volume"]) for a, b, data in graph.edges(data=True)]


def _specialists(network: ReferralNetwork) -> list[str]:
    return [s.id for s in network.services if s.active and s.support is Support.SPECIALIST]


def _entries(network: ReferralNetwork) -> list[str]:
    active = {s.id for s in network.services if s.active}
    return [e for e in network.entry_points if e in active]


def _breadth_first(
    neighbours: Callable[[str], Iterable[str]], sources: Iterable[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Hops from the nearest source to every node found, and the node each was found from (sources have none).

    Nodes are found in order: sources as given, then each node's neighbours in adjacency order.
    """
    distance = dict.fromkeys(sources, 0)
    parent: dict[str, str] = {}
    level = list(distance)
    while level:
        found = []
        for node in level:
            for neighbour in neighbours(node):
                if neighbour not in distance:
                    distance[neighbour] = distance[node] + 1
                    parent[neighbour] = node
                    found.append(neighbour)
        level = found
    return distance, parent


def _reached_by(graph: nx.DiGraph[str], sources: Sequence[str]) -> dict[str, int]:
    """For each node, the sources that reach it (itself included), as bits: bit i for ``sources[i]``.

    One pass over the condensation (strongly connected components in topological order), so
    O((nodes + pathways) * len(sources) / 64) word operations, not a search from every source.
    """
    condensed = nx.condensation(graph)
    component: dict[str, int] = condensed.graph["mapping"]
    bits = [0] * condensed.number_of_nodes()
    for index, source in enumerate(sources):
        bits[component[source]] |= 1 << index
    for part in nx.topological_sort(condensed):
        for after in condensed.successors(part):
            bits[after] |= bits[part]
    return {node: bits[component[node]] for node in graph}


def _members(bits: int, items: Sequence[str]) -> tuple[str, ...]:
    """The items whose bits are set, in order."""
    digits = bin(bits)[:1:-1]  # lowest bit first
    found = []
    index = digits.find("1")
    while index >= 0:
        found.append(items[index])
        index = digits.find("1", index + 1)
    return tuple(found)


def _betweenness(
    nodes: Sequence[str], edges: Iterable[tuple[str, str, Any]], sources: Sequence[str] | None
) -> dict[str, float]:
    """Normalised betweenness (Brandes) from every node or from sampled sources, as networkx computes it.

    For the graph of ``nodes`` and ``edges`` (tail, head, length, in networkx's adjacency
    order), the same sums as ``networkx.betweenness_centrality(graph, k=len(sources),
    weight=..., normalized=True)`` given the sources that call samples, with the same rescaling
    of a sample (sources and other nodes apart), on lists indexed by node: several times faster.
    Ties are exact equality of summed lengths, so lengths should be whole numbers (`_lengths`).
    """
    index = {node: i for i, node in enumerate(nodes)}
    successors: list[list[tuple[int, Any]]] = [[] for _ in nodes]
    for tail, head, length in edges:
        successors[index[tail]].append((index[head], length))
    between = [0.0] * len(nodes)
    for source in nodes if sources is None else sources:
        order, first, several, paths = _shortest_paths(successors, index[source])
        share = dict.fromkeys(order, 0.0)
        for node in reversed(order[1:]):  # the source, first, has no predecessor and no credit
            coefficient = (1.0 + share[node]) / paths[node]
            for previous in several.get(node) or (first[node],):
                share[previous] += paths[previous] * coefficient
            between[node] += share[node]
    count = len(nodes) - 1  # ordered pairs (s, t), s != t, that can pass through a node other than both
    if count < 2:
        return dict(zip(nodes, between, strict=True))
    if sources is None:
        scale = [1 / (count * (count - 1))] * len(nodes)
    else:
        sampled = {index[s] for s in sources}
        k = len(sources)
        on, off = (1 / ((k - 1) * (count - 1)) if k > 1 else math.nan), 1 / (k * (count - 1))
        scale = [on if i in sampled else off for i in range(len(nodes))]
    return {node: value * factor for node, value, factor in zip(nodes, between, scale, strict=True)}


def _shortest_paths(
    successors: list[list[tuple[int, Any]]], source: int
) -> tuple[list[int], dict[int, int], dict[int, list[int]], dict[int, float]]:
    """Dijkstra from one source: nodes in order of distance, their predecessors on shortest paths, path counts.

    A node's predecessor is in ``first``, or all of them in ``several`` when shortest paths
    tie; ties are rare with weighted pathways, so most nodes need no list.
    """
    seen = {source: 0}
    settled: set[int] = set()
    first: dict[int, int] = {}
    several: dict[int, list[int]] = {}
    paths = {source: 1.0}
    order = []
    queue: list[tuple[Any, int]] = [(0, source)]
    push, pop, known_of = heapq.heappush, heapq.heappop, seen.get
    while queue:
        distance, node = pop(queue)
        if distance > seen[node]:
            continue  # queued before a shorter path was found; lengths above 0 make each node settle once
        settled.add(node)
        order.append(node)
        through = paths[node]
        for successor, length in successors[node]:
            total = distance + length
            known = known_of(successor)
            if known is None or total < known:
                seen[successor] = total
                paths[successor] = through
                first[successor] = node
                several.pop(successor, None)
                push(queue, (total, successor))
            elif total == known and successor not in settled:  # settled: equal only by float rounding
                paths[successor] += through
                several.setdefault(successor, [first[successor]]).append(node)
    return order, first, several, paths
