"""Routes to specialist support: who can get there, where they fall through, and what every route needs."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Final

import attrs
import networkx as nx

from tipframe.model import ReferralNetwork, Support
from tipframe.network.graph import (
    _active,
    _betweenness,
    _breadth_first,
    _entries,
    _lengths,
    _members,
    _pathways,
    _reached_by,
    _specialists,
)

__all__ = [
    "BETWEENNESS_SAMPLE",
    "EXACT_BETWEENNESS_UP_TO",
    "Bottleneck",
    "DeadEnd",
    "Reachability",
    "Route",
    "SinglePoint",
    "bottleneck_sample",
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
    (fewest referrals), the first in the document on a tie; of the shortest routes there, the
    one a breadth-first search in pathway order finds first (as
    ``networkx.single_source_shortest_path``). One search back from specialist support gives
    every service's distance from it; each entry point's search then follows only pathways
    on a shortest route, so the work is the network once plus the shortest routes.

    Parameters
    ----------
    network
        The referral network; only active services and pathways between them carry referrals.

    Returns
    -------
    Reachability
        The routes, the entry points with none, the specialist services each entry point can
        reach (listed when read), and the inactive entry points.
    """
    return _reachability(network, _active(network))


def _reachability(network: ReferralNetwork, graph: nx.DiGraph[str]) -> Reachability:
    specialists = _specialists(network)
    rank = {s: i for i, s in enumerate(specialists)}
    distance, _ = _breadth_first(graph.predecessors, specialists)
    entries = _entries(network)
    routes = [_route(graph, e, distance, rank) for e in entries if e in distance]
    unreached = tuple(e for e in entries if e not in distance)
    reached = _reached_by(graph.reverse(copy=False), specialists) if routes else {}
    reachable = _Reachable({e: reached.get(e, 0) for e in entries}, tuple(specialists))
    active = {s.id for s in network.services if s.active}
    inactive = tuple(e for e in network.entry_points if e not in active)
    return Reachability(tuple(routes), unreached, reachable, inactive)


def _route(graph: nx.DiGraph[str], entry: str, distance: Mapping[str, int], rank: Mapping[str, int]) -> Route:
    """The shortest route from an entry point to its nearest specialist service, searching only shortest routes.

    A service one step further is on a shortest route exactly when it is one step nearer
    specialist support, and the first service a full breadth-first search finds it from is on
    one too: so this search finds the services on shortest routes in the same order, each from
    the same service, as a full search does, and gives the same route.
    """
    hops = distance[entry]
    parent = {entry: entry}
    level = [entry]
    for depth in range(1, hops + 1):
        found = []
        for node in level:
            for successor in graph.successors(node):
                if successor not in parent and distance.get(successor) == hops - depth:
                    parent[successor] = node
                    found.append(successor)
        level = found
    target = min(level, key=rank.__getitem__)
    path = [target]
    while path[-1] != entry:
        path.append(parent[path[-1]])
    return Route(entry, target, hops, tuple(reversed(path)))


class _Reachable(Mapping[str, tuple[str, ...]]):
    """The specialist services reachable from each entry point, listed when asked for.

    Every entry point can reach most specialist services in a large, well-joined network, so
    the lists together grow with entry points times specialist services: they are kept as
    bits (one a specialist service) and listed one entry point at a time.
    """

    def __init__(self, bits: dict[str, int], specialists: tuple[str, ...]) -> None:
        self._bits = bits
        self._specialists = specialists

    def __getitem__(self, entry: str) -> tuple[str, ...]:
        return _members(self._bits[entry], self._specialists)

    def __iter__(self) -> Iterator[str]:
        return iter(self._bits)

    def __len__(self) -> int:
        return len(self._bits)

    def __repr__(self) -> str:
        return repr(dict(self))


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
    return _dead_ends(network, _active(network))


def _dead_ends(network: ReferralNetwork, graph: nx.DiGraph[str]) -> tuple[DeadEnd, ...]:
    ends = [
        s for s in network.services if s.active and s.support is not Support.SPECIALIST and graph.out_degree(s.id) == 0
    ]
    if not ends:
        return ()
    entries = _entries(network)
    reached = _reached_by(graph, entries)
    return tuple(DeadEnd(s.id, s.support, _members(reached[s.id], entries)) for s in ends)


@attrs.frozen
class SinglePoint:
    """A service or organisation on every route from some entry points to specialist support."""

    kind: str  # "service" or "organisation"
    id: str
    cuts_off: tuple[str, ...]  # the entry points that lose every route without it


def single_points_of_failure(network: ReferralNetwork) -> tuple[SinglePoint, ...]:
    """Services and organisations whose loss cuts entry points off from specialist support.

    A service S is one for entry point E when every pathway from E to specialist support passes
    through S: S dominates E in the reversed graph, rooted at a node joined from every
    specialist service (one dominator tree for every entry point). A specialist service is
    where routes end, so it is never one (when it is the only one, every route ends there), nor
    is an organisation whose services are all specialist. An organisation is one when
    removing all its services leaves E no route (E's own organisation is left out: it is always
    on the way); only organisations on one route from E can be, and each is tested by a search
    that remembers, for that organisation, the services known to keep or to lack a route.
    Entry points with no route at all are reported by `reachability`, not here.

    Parameters
    ----------
    network
        The referral network.

    Returns
    -------
    tuple of SinglePoint
        The services in document order, then the organisations in the order their services first appear.
    """
    return _single_points_of_failure(network, _active(network))


def _single_points_of_failure(network: ReferralNetwork, graph: nx.DiGraph[str]) -> tuple[SinglePoint, ...]:
    specialists = _specialists(network)
    if not specialists:
        return ()
    owner = {s.id: s.organisation for s in network.services}
    reverse = graph.reverse(copy=True)
    reverse.add_edges_from((_SPECIALIST_SUPPORT, s) for s in specialists)
    dominators = nx.immediate_dominators(reverse, _SPECIALIST_SUPPORT)
    _, onward = _breadth_first(graph.predecessors, specialists)  # a next service on a shortest route
    detours = _Detours(graph, owner, set(specialists))
    services: dict[str, list[str]] = {}
    organisations: dict[str, list[str]] = {}
    ends = set(specialists)
    kinds: dict[str, set[bool]] = {}
    for s in network.services:
        kinds.setdefault(s.organisation, set()).add(s.id in ends)
    ending = {o for o, specialist in kinds.items() if specialist == {True}}  # holds specialist services only
    for entry in _entries(network):
        if entry not in dominators:
            continue
        on_every_route = []
        node = dominators[entry]
        while node != _SPECIALIST_SUPPORT:
            if node not in ends:  # the only specialist service is where the routes end, not a point on them
                on_every_route.append(node)
            node = dominators[node]
        for service in on_every_route:
            services.setdefault(service, []).append(entry)
        route = [entry]
        while route[-1] in onward:
            route.append(onward[route[-1]])
        needed = {owner[s] for s in on_every_route}
        for organisation in dict.fromkeys(owner[s] for s in route[1:]):
            if organisation in ending or organisation == owner[entry]:
                continue  # an organisation of specialist services only is where routes end
            if organisation in needed or detours.cut_off(entry, organisation):
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


class _Detours:
    """Whether an entry point keeps a route to specialist support without one organisation's services.

    Each test is a breadth-first search from the entry point that skips the organisation's
    services. What a search learns is kept per organisation: the services on a route it found
    can reach specialist support without the organisation, and every service a failed search
    saw cannot; later searches for the same organisation stop at the first and skip the second.
    So failed searches see each service at most once per organisation.
    """

    def __init__(self, graph: nx.DiGraph[str], owner: Mapping[str, str], specialists: set[str]) -> None:
        self._graph = graph
        self._owner = owner
        self._specialists = specialists
        self._keeps: dict[str, set[str]] = {}
        self._lacks: dict[str, set[str]] = {}

    def cut_off(self, entry: str, organisation: str) -> bool:
        """Whether removing the organisation's services leaves the entry point (not one of them) no route."""
        keeps = self._keeps.setdefault(organisation, set())
        lacks = self._lacks.setdefault(organisation, set())
        if entry in lacks:
            return True
        parent = {entry: entry}
        level = [entry]
        while level:
            found = []
            for node in level:
                if node in keeps or node in self._specialists:
                    while node != entry:
                        keeps.add(node)
                        node = parent[node]
                    keeps.add(entry)
                    return False
                for successor in self._graph.successors(node):
                    if successor not in parent and successor not in lacks and self._owner[successor] != organisation:
                        parent[successor] = node
                        found.append(successor)
            level = found
        lacks.update(parent)
        return True


@attrs.frozen
class Bottleneck:
    """A service many shortest referral routes pass through (betweenness, pathways weighted by 1 / volume)."""

    service: str
    betweenness: float


#: networks with more active services than this get betweenness estimated from sampled source services
#: (exact betweenness searches from every service: about a second at 1,000, 30 s at 5,000)
EXACT_BETWEENNESS_UP_TO: Final = 1000
#: how many source services the estimate samples: within about 0.02 of exact betweenness on the
#: benchmark's networks, and under 2 s at 5,000 services (docs/network.md, Large networks)
BETWEENNESS_SAMPLE: Final = 300
#: the seed of the sample, fixed so that the same network gives the same estimate
_SAMPLE_SEED: Final = 0


def bottleneck_sample(
    network: ReferralNetwork, *, exact_up_to: int = EXACT_BETWEENNESS_UP_TO, sample: int = BETWEENNESS_SAMPLE
) -> int | None:
    """How many source services `bottlenecks` samples for this network; None when its betweenness is exact.

    Parameters
    ----------
    network
        The referral network.
    exact_up_to
        Networks with at most this many active services get exact betweenness.
    sample
        How many source services larger networks sample.

    Returns
    -------
    int or None
        The sample size, or None for exact betweenness.
    """
    active = sum(1 for s in network.services if s.active)
    return None if active <= exact_up_to or sample >= active else sample


def bottlenecks(
    network: ReferralNetwork,
    *,
    top: int | None = None,
    exact_up_to: int = EXACT_BETWEENNESS_UP_TO,
    sample: int = BETWEENNESS_SAMPLE,
) -> tuple[Bottleneck, ...]:
    """Services by normalised betweenness over active pathways (edge length 1 / referral volume), highest first.

    Exact up to ``exact_up_to`` active services (one shortest-path search from every service:
    time grows with the square of the network). Above it, estimated from shortest paths out of
    ``sample`` source services drawn with a fixed seed (networkx's ``k`` and ``seed``), so the
    time grows with the network and the same network gives the same estimate; `bottleneck_sample`
    says which. Lengths are whole numbers on one scale, so equal routes tie exactly.

    Parameters
    ----------
    network
        The referral network; a pathway with a volume of 0 is no route at all.
    top
        Keep only this many; None keeps every service with betweenness above 0.
    exact_up_to
        Networks with at most this many active services get exact betweenness.
    sample
        How many source services larger networks sample.

    Returns
    -------
    tuple of Bottleneck
        Highest betweenness first, ties in document order.
    """
    return _bottlenecks(
        network, _active(network), top, bottleneck_sample(network, exact_up_to=exact_up_to, sample=sample)
    )


def _bottlenecks(
    network: ReferralNetwork, graph: nx.DiGraph[str], top: int | None, k: int | None
) -> tuple[Bottleneck, ...]:
    # A pathway expected to carry nobody is no route at all.
    edges = [(a, b, volume) for a, b, volume in _pathways(graph) if volume != 0]
    lengths = _lengths([volume for _, _, volume in edges])
    # networkx's draw of k sources (its `seed` argument), so that results match its own
    sources = None if k is None else random.Random(_SAMPLE_SEED).sample(list(graph), k)
    scores = _betweenness(list(graph), [(a, b, n) for (a, b, _), n in zip(edges, lengths, strict=True)], sources)
    order = {s.id: i for i, s in enumerate(network.services)}
    ranked = sorted((s for s in scores if scores[s] > 0), key=lambda s: (-scores[s], order[s]))
    return tuple(Bottleneck(s, float(scores[s])) for s in ranked[:top])
