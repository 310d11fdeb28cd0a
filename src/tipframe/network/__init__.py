"""Referral network analyses: where people can get to from where they first present, and where they fall through.

Every analysis takes a `ReferralNetwork` and returns a typed, frozen result. Only active
services, and pathways between active services, carry referrals; inactive ones stay in the
graph with their status so that a picture of the network still shows them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs
import networkx as nx

from tipframe.model import LevelScale, ReferralNetwork, Support, Workforce
from tipframe.model.referral import Pathway
from tipframe.tables import data_frame, html_table

__all__ = [
    "Bottleneck",
    "CapacityReport",
    "DeadEnd",
    "NetworkAnalysis",
    "Reachability",
    "Route",
    "ServiceLoad",
    "SinglePoint",
    "WorkforceGap",
    "analyse_network",
    "bottlenecks",
    "capacity",
    "dead_ends",
    "reachability",
    "referral_graph",
    "single_points_of_failure",
    "workforce_gaps",
    "write_network_graph",
]

#: the node joined from every specialist service, for dominators (never a service id: ids have no ':')
_SPECIALIST_SUPPORT: Final = ":specialist-support"


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
    volume (networkx reads weights as distances, so busy pathways are short).
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


def _exact_length(volume: float | None) -> Fraction:
    # Exact arithmetic, so that routes of equal length tie exactly rather than by rounding.
    return Fraction(1) if volume is None else 1 / Fraction(volume)


def _active(network: ReferralNetwork) -> nx.DiGraph[str]:
    """The services that can take referrals and the pathways between them, in document order."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    active = [s.id for s in network.services if s.active]
    graph.add_nodes_from(active)
    for pathway in network.pathways:
        if pathway.from_service in graph and pathway.to_service in graph:
            graph.add_edge(pathway.from_service, pathway.to_service, volume=pathway.volume)
    return graph


def _specialists(network: ReferralNetwork) -> list[str]:
    return [s.id for s in network.services if s.active and s.support is Support.SPECIALIST]


def _entries(network: ReferralNetwork) -> list[str]:
    return [e for e in network.entry_points if network.service(e).active]


@attrs.frozen
class Route:
    """The shortest route (fewest referrals) from an entry point to specialist support."""

    entry: str
    target: str
    hops: int
    path: tuple[str, ...]


@attrs.frozen
class Reachability:
    """From each entry point, which specialist services can be reached and the shortest route."""

    routes: tuple[Route, ...]  # one per entry point that can reach specialist support
    unreached: tuple[str, ...]  # entry points with no route to specialist support
    reachable: Mapping[str, tuple[str, ...]]  # specialist services reachable from each entry point
    inactive_entries: tuple[str, ...]  # entry points whose service is not active


def reachability(network: ReferralNetwork) -> Reachability:
    """From each active entry point: can a person reach specialist trauma support, in how many hops, by which route."""
    graph = _active(network)
    specialists = _specialists(network)
    routes, unreached, reachable = [], [], {}
    for entry in _entries(network):
        paths = nx.single_source_shortest_path(graph, entry)
        found = [s for s in specialists if s in paths]
        reachable[entry] = tuple(found)
        if not found:
            unreached.append(entry)
            continue
        target = min(found, key=lambda s: (len(paths[s]), specialists.index(s)))
        routes.append(Route(entry, target, len(paths[target]) - 1, tuple(paths[target])))
    inactive = tuple(e for e in network.entry_points if not network.service(e).active)
    return Reachability(tuple(routes), tuple(unreached), reachable, inactive)


@attrs.frozen
class DeadEnd:
    """A service short of specialist support with no onward pathway."""

    service: str
    support: Support | None  # None when the network does not say
    reached_from: tuple[str, ...]  # entry points from which people can get here


def dead_ends(network: ReferralNetwork) -> tuple[DeadEnd, ...]:
    """Active services not offering specialist support that refer nowhere (no pathway to an active service)."""
    graph = _active(network)
    entries = _entries(network)
    reached = {e: nx.descendants(graph, e) | {e} for e in entries}
    result = []
    for service in network.services:
        if not service.active or service.support is Support.SPECIALIST or graph.out_degree(service.id) > 0:
            continue
        result.append(DeadEnd(service.id, service.support, tuple(e for e in entries if service.id in reached[e])))
    return tuple(result)


@attrs.frozen
class SinglePoint:
    """A service or organisation on every route from some entry points to specialist support."""

    kind: str  # "service" or "organisation"
    id: str
    cuts_off: tuple[str, ...]  # the entry points that lose every route without it


def single_points_of_failure(network: ReferralNetwork) -> tuple[SinglePoint, ...]:
    """Services and organisations whose loss cuts entry points off from specialist support.

    A service S is one for entry point E when every pathway from E to specialist support passes
    through S: S dominates a node joined from every specialist service, in the graph reached
    from E. An organisation is one when removing all its services leaves E no route (E's own
    organisation is left out: it is always on the way). Entry points with no route at all are
    reported by `reachability`, not here.
    """
    graph = _active(network)
    specialists = set(_specialists(network))
    owner = {s.id: s.organisation for s in network.services}
    services: dict[str, list[str]] = {}
    organisations: dict[str, list[str]] = {}
    for entry in _entries(network):
        reached = nx.descendants(graph, entry) | {entry}
        targets = [s for s in reached if s in specialists]
        if not targets:
            continue
        sub = graph.subgraph(reached).copy()
        sub.add_edges_from((s, _SPECIALIST_SUPPORT) for s in targets)
        dominators = nx.immediate_dominators(sub, entry)
        node = dominators[_SPECIALIST_SUPPORT]
        while node != entry:
            services.setdefault(node, []).append(entry)
            node = dominators[node]
        for organisation in dict.fromkeys(owner[s] for s in reached):
            if organisation == owner[entry]:
                continue
            kept = sub.subgraph(n for n in sub if n == _SPECIALIST_SUPPORT or owner.get(n) != organisation)
            if not nx.has_path(kept, entry, _SPECIALIST_SUPPORT):
                organisations.setdefault(organisation, []).append(entry)
    order = {s.id: i for i, s in enumerate(network.services)}
    org_order = {o: i for i, o in enumerate(dict.fromkeys(s.organisation for s in network.services))}
    return tuple(
        [SinglePoint("service", s, tuple(e)) for s, e in sorted(services.items(), key=lambda kv: order[kv[0]])]
        + [
            SinglePoint("organisation", o, tuple(e))
            for o, e in sorted(organisations.items(), key=lambda kv: org_order[kv[0]])
        ]
    )


@attrs.frozen
class Bottleneck:
    """A service many shortest referral routes pass through (betweenness, pathways weighted by 1 / volume)."""

    service: str
    betweenness: float


def bottlenecks(network: ReferralNetwork, *, top: int | None = None) -> tuple[Bottleneck, ...]:
    """Services by normalised betweenness over active pathways (edge length 1 / referral volume), highest first."""
    graph = _active(network)
    # A pathway expected to carry nobody is no route at all.
    graph.remove_edges_from([(a, b) for a, b, data in graph.edges(data=True) if data["volume"] == 0])
    for _, _, data in graph.edges(data=True):
        data["exact"] = _exact_length(data["volume"])
    scores = nx.betweenness_centrality(graph, weight="exact", normalized=True)
    order = {s.id: i for i, s in enumerate(network.services)}
    ranked = sorted((s for s in scores if scores[s] > 0), key=lambda s: (-scores[s], order[s]))
    return tuple(Bottleneck(s, float(scores[s])) for s in ranked[:top])


@attrs.frozen
class ServiceLoad:
    """Expected referrals into a service each period against what it can take."""

    service: str
    referrals: float | None  # None when a pathway into it gives no volume
    capacity: float | None
    shortfall: float | None  # referrals beyond capacity; None when either is unknown
    flow: float  # referrals it carries in the maximum flow to specialist support


@attrs.frozen
class CapacityReport:
    """Referral volume against capacity, and how much can get through to specialist support."""

    period: str
    services: tuple[ServiceLoad, ...]
    demand: float  # expected referrals each period into specialist services
    deliverable: float  # the most that can reach specialist support within capacities (max-flow)
    by_entry: Mapping[str, float]  # the most that can reach specialist support from each entry point alone

    @property
    def over_capacity(self) -> tuple[ServiceLoad, ...]:
        return tuple(s for s in self.services if s.shortfall is not None and s.shortfall > 0)


def _flow_network(network: ReferralNetwork, sources: Iterable[str]) -> nx.DiGraph[Any]:
    """Services split into in and out halves joined by their capacity; pathways carry their volume."""
    flow: nx.DiGraph[Any] = nx.DiGraph()
    for service in network.services:
        if service.active:
            attributes = {} if service.capacity is None else {"capacity": service.capacity}
            flow.add_edge(("in", service.id), ("out", service.id), **attributes)
    for pathway in network.pathways:
        a, b = ("out", pathway.from_service), ("in", pathway.to_service)
        if a in flow and b in flow:
            flow.add_edge(a, b, **({} if pathway.volume is None else {"capacity": pathway.volume}))
    for entry in sources:
        flow.add_edge("source", ("in", entry))
    for specialist in _specialists(network):
        flow.add_edge(("out", specialist), "sink")
    return flow


def _max_flow(network: ReferralNetwork, sources: list[str]) -> tuple[float, dict[Any, dict[Any, float]]]:
    if not sources or not _specialists(network):
        return 0.0, {}
    flow = _flow_network(network, sources)
    if not nx.has_path(flow, "source", "sink"):
        return 0.0, {}
    try:
        value, routed = nx.maximum_flow(flow, "source", "sink")
    except nx.NetworkXUnbounded:
        return math.inf, {}
    return float(value), routed


def capacity(network: ReferralNetwork) -> CapacityReport:
    """Expected referrals into each service against its capacity, and the maximum flow to specialist support.

    A pathway's volume bounds what it carries and a service's capacity what passes through it;
    either left out is unbounded. ``deliverable`` below ``demand`` means the network cannot
    carry its expected referrals to specialist support.
    """
    active = {s.id for s in network.services if s.active}
    carrying = [p for p in network.pathways if p.from_service in active and p.to_service in active]
    into: dict[str, float | None] = dict.fromkeys(active, 0.0)
    for pathway in carrying:
        current = into[pathway.to_service]
        into[pathway.to_service] = None if current is None or pathway.volume is None else current + pathway.volume
    entries = _entries(network)
    value, routed = _max_flow(network, entries)
    loads = []
    for service in network.services:
        if not service.active:
            continue
        referrals = into[service.id]
        shortfall = (
            max(0.0, referrals - service.capacity) if referrals is not None and service.capacity is not None else None
        )
        carried = routed.get(("in", service.id), {}).get(("out", service.id), 0.0)
        loads.append(ServiceLoad(service.id, referrals, service.capacity, shortfall, float(carried)))
    specialists = set(_specialists(network))
    # Referrals arriving at specialist support from outside it; passing on between specialists is not new demand.
    demand = sum(p.volume or 0.0 for p in carrying if p.to_service in specialists and p.from_service not in specialists)
    return CapacityReport(
        period=str(network.period),
        services=tuple(loads),
        demand=demand,
        deliverable=value,
        by_entry={entry: _max_flow(network, [entry])[0] for entry in entries},
    )


@attrs.frozen
class WorkforceGap:
    """A service on a route to specialist support whose staff lack the level the service needs."""

    service: str
    required: str
    held: str | None  # None when the network does not say


def workforce_gaps(
    network: ReferralNetwork, scale: LevelScale, workforce: Workforce | None = None
) -> tuple[WorkforceGap, ...]:
    """Services on a route from an entry point to specialist support whose staff level is below what they need.

    What a service needs is its ``required_level``, else the level its ``role`` needs in
    ``workforce`` (the organisation with the service's organisation id), else the network's level for its kind of
    support (NES by default: skilled for universal services, whose staff have regular contact
    with people affected by trauma; enhanced for targeted ones, with a specific remit;
    specialist for specialist ones). A service whose staff level is not given is a gap too:
    nobody knows it is met.
    """
    graph = _active(network)
    specialists = _specialists(network)
    on_route: set[str] = set()
    can_reach_specialist = set(specialists)
    for specialist in specialists:
        can_reach_specialist |= nx.ancestors(graph, specialist)
    for entry in _entries(network):
        on_route |= (nx.descendants(graph, entry) | {entry}) & can_reach_specialist
    gaps = []
    for service in network.services:
        if service.id not in on_route:
            continue
        required = network.required_level(service, workforce, scale)
        if required is None or required not in scale:
            continue
        held = service.staff_level
        if held is None or held not in scale or not scale.meets(held, required):
            gaps.append(WorkforceGap(service.id, required, held))
    return tuple(gaps)


@attrs.frozen
class NetworkAnalysis:
    """Every analysis of one network."""

    network: ReferralNetwork
    reachability: Reachability
    dead_ends: tuple[DeadEnd, ...]
    single_points: tuple[SinglePoint, ...]
    bottlenecks: tuple[Bottleneck, ...]
    capacity: CapacityReport
    workforce_gaps: tuple[WorkforceGap, ...] | None  # None without a level scale

    def rows(self) -> list[dict[str, Any]]:
        """One row per service: its support, what the analyses found about it, its load and staff level."""
        return _service_rows(self)

    def _repr_html_(self) -> str:
        return html_table(self.rows(), caption=f"Analyses of {self.network.name}")

    def to_frame(self) -> Any:
        """One row per service with what each analysis found, as a pandas DataFrame (``tipframe[table]``)."""
        return data_frame(self.rows())


def analyse_network(
    network: ReferralNetwork, scale: LevelScale | None = None, workforce: Workforce | None = None
) -> NetworkAnalysis:
    """Run every analysis; workforce gaps need the network's level scale (and its workforce, when it names one)."""
    return NetworkAnalysis(
        network=network,
        reachability=reachability(network),
        dead_ends=dead_ends(network),
        single_points=single_points_of_failure(network),
        bottlenecks=bottlenecks(network),
        capacity=capacity(network),
        workforce_gaps=workforce_gaps(network, scale, workforce) if scale is not None else None,
    )


def _exportable(value: Any) -> Any:
    """GraphML and GEXF hold text, numbers and booleans only: lists are joined, mappings written as JSON."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    return value


def write_network_graph(network: ReferralNetwork, path: str | Path, fmt: str) -> None:
    """Write the referral graph as GraphML or GEXF (for Gephi); attributes with no value are left out."""
    from tipframe.io.files import write_atomic

    graph = referral_graph(network)
    plain: nx.DiGraph[str] = nx.DiGraph(**{k: v for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: _exportable(v) for k, v in data.items() if v is not None})
    for a, b, data in graph.edges(data=True):
        plain.add_edge(a, b, **{k: _exportable(v) for k, v in data.items() if v is not None})
    if fmt == "graphml":
        text = "\n".join(nx.generate_graphml(plain)) + "\n"
    elif fmt == "gexf":
        text = "\n".join(nx.generate_gexf(plain)) + "\n"
    else:
        raise ValueError(f"unknown graph format {fmt!r}: graphml or gexf")
    write_atomic(Path(path), text)


def _service_rows(analysis: NetworkAnalysis) -> list[dict[str, Any]]:
    network = analysis.network
    entries = set(network.entry_points)
    single = {p.id: p.cuts_off for p in analysis.single_points if p.kind == "service"}
    dead = {d.service for d in analysis.dead_ends}
    between = {b.service: b.betweenness for b in analysis.bottlenecks}
    loads = {load.service: load for load in analysis.capacity.services}
    gaps = {g.service: g for g in analysis.workforce_gaps or ()}
    reached: dict[str, list[str]] = {}
    for route in analysis.reachability.routes:
        reached.setdefault(route.entry, []).append(route.target)
    rows = []
    for service in network.services:
        load = loads.get(service.id)
        gap = gaps.get(service.id)
        rows.append(
            {
                "service": service.id,
                "name": service.name,
                "organisation": service.organisation,
                "support": service.support.value if service.support else None,
                "status": service.status.value,
                "entry_point": service.id in entries,
                "route_to_specialist": None if service.id not in entries else bool(reached.get(service.id)),
                "on_every_route_from": ", ".join(single.get(service.id, ())),
                "dead_end": service.id in dead,
                "betweenness": between.get(service.id, 0.0),
                "referrals": load.referrals if load else None,
                "capacity": service.capacity,
                "shortfall": load.shortfall if load else None,
                "staff_level": service.staff_level,
                "level_needed": gap.required if gap else None,
                "below_level": gap is not None,
            }
        )
    return rows
