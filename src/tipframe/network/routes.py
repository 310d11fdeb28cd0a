"""Routes to specialist support: who can get there, where they fall through, and what every route needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs
import networkx as nx

from tipframe.model import ReferralNetwork, Support
from tipframe.network.graph import _active, _entries, _exact_length, _specialists

__all__ = [
    "Bottleneck",
    "DeadEnd",
    "Reachability",
    "Route",
    "SinglePoint",
    "bottlenecks",
    "dead_ends",
    "reachability",
    "single_points_of_failure",
]

#: the node joined from every specialist service, for dominators (never a service id: ids have no ':')
_SPECIALIST_SUPPORT: Final = ":specialist-support"


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
    """From each active entry point: can a person reach specialist trauma support, in how many hops, by which route.

    Of the specialist services reachable from an entry point, the route goes to the nearest
    (fewest referrals), the first in the document on a tie.

    Parameters
    ----------
    network
        The referral network; only active services and pathways between them carry referrals.

    Returns
    -------
    Reachability
        The routes, the entry points with none, and the inactive entry points.
    """
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
    """Active services not offering specialist support that refer nowhere (no pathway to an active service).

    Parameters
    ----------
    network
        The referral network.

    Returns
    -------
    tuple of DeadEnd
        In document order, each with the entry points from which people can get there.
    """
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

    Parameters
    ----------
    network
        The referral network.

    Returns
    -------
    tuple of SinglePoint
        The services in document order, then the organisations in the order their services first appear.
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
    """Services by normalised betweenness over active pathways (edge length 1 / referral volume), highest first.

    Parameters
    ----------
    network
        The referral network; a pathway with a volume of 0 is no route at all.
    top
        Keep only this many; None keeps every service with betweenness above 0.

    Returns
    -------
    tuple of Bottleneck
        Highest betweenness first, ties in document order.
    """
    graph = _active(network)
    # A pathway expected to carry nobody is no route at all.
    graph.remove_edges_from([(a, b) for a, b, data in graph.edges(data=True) if data["volume"] == 0])
    for _, _, data in graph.edges(data=True):
        data["exact"] = _exact_length(data["volume"])
    scores = nx.betweenness_centrality(graph, weight="exact", normalized=True)
    order = {s.id: i for i, s in enumerate(network.services)}
    ranked = sorted((s for s in scores if scores[s] > 0), key=lambda s: (-scores[s], order[s]))
    return tuple(Bottleneck(s, float(scores[s])) for s in ranked[:top])
