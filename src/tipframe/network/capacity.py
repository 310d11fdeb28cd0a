"""Capacity: referral volume against what services can take, and the maximum flow to specialist support."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs
import networkx as nx

from tipframe.model import ReferralNetwork
from tipframe.network.graph import _active, _breadth_first, _entries, _pathways, _specialists

__all__ = ["CapacityReport", "ServiceLoad", "capacity"]


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
        """The services expected to receive more referrals than they can take."""
        return tuple(s for s in self.services if s.shortfall is not None and s.shortfall > 0)


def capacity(network: ReferralNetwork) -> CapacityReport:
    """Expected referrals into each service against its capacity, and the maximum flow to specialist support.

    A pathway's volume bounds what it carries and a service's capacity what passes through it;
    either left out is unbounded. ``deliverable`` below ``demand`` means the network cannot
    carry its expected referrals to specialist support. Flows are found by shortest augmenting
    paths from one entry point at a time, so the work stays near each entry point; they are sums
    of floats, exact for whole and half numbers.

    Parameters
    ----------
    network
        The referral network; only active services and pathways between them carry referrals.

    Returns
    -------
    CapacityReport
        One `ServiceLoad` per active service in document order, the demand on specialist support,
        what can be delivered (``inf`` when nothing bounds it), and the same from each entry point alone.
    """
    return _capacity(network, _active(network))


def _capacity(network: ReferralNetwork, graph: nx.DiGraph[str]) -> CapacityReport:
    active = {s.id for s in network.services if s.active}
    carrying = [p for p in network.pathways if p.from_service in active and p.to_service in active]
    into: dict[str, float | None] = dict.fromkeys(active, 0.0)
    for pathway in carrying:
        current = into[pathway.to_service]
        into[pathway.to_service] = None if current is None or pathway.volume is None else current + pathway.volume
    entries = _entries(network)
    split = _Split(network, graph)
    value, carried, sent = split.deliverable(entries)
    loads = []
    for service in network.services:
        if not service.active:
            continue
        referrals = into[service.id]
        shortfall = (
            max(0.0, referrals - service.capacity) if referrals is not None and service.capacity is not None else None
        )
        loads.append(ServiceLoad(service.id, referrals, service.capacity, shortfall, carried.get(service.id, 0.0)))
    specialists = set(_specialists(network))
    # Referrals arriving at specialist support from outside it; passing on between specialists is not new demand.
    demand = sum(p.volume or 0.0 for p in carrying if p.to_service in specialists and p.from_service not in specialists)
    return CapacityReport(
        period=str(network.period),
        services=tuple(loads),
        demand=demand,
        deliverable=value,
        by_entry=split.max_flows(entries, sent),
    )


class _Split:
    """The flow network: services split into in and out halves joined by their capacity; pathways carry their volume.

    Service i is nodes 2i (in) and 2i + 1 (out), joined by arc i; every specialist service's out
    half feeds the sink, one past the last; each entry point is a source. Only services that
    lead on to specialist support are kept: no flow passes through the others. Arcs are
    numbered, and a flow maps an arc's number to what it carries. Maximum flows are found by
    shortest augmenting paths from one entry point at a time, so a search stays near the entry
    point it starts from rather than covering the network, as one search from a source joined
    to every entry point would.
    """

    def __init__(self, network: ReferralNetwork, graph: nx.DiGraph[str]) -> None:
        specialists = _specialists(network)
        leads_on, _ = _breadth_first(graph.predecessors, specialists)
        number = {s: i for i, s in enumerate(leads_on)}
        self.number = number
        self.sink = 2 * len(number)
        self.tails: list[int] = []
        self.heads: list[int] = []
        self.capacity: list[float] = []
        self.onward: list[list[int]] = [[] for _ in range(self.sink + 1)]
        self.back: list[list[int]] = [[] for _ in range(self.sink + 1)]
        bounds = {s.id: s.capacity for s in network.services}
        for service, i in number.items():
            self._arc(2 * i, 2 * i + 1, bounds[service])
        for a, b, volume in _pathways(graph):
            if a in number and b in number and volume != 0:
                self._arc(2 * number[a] + 1, 2 * number[b], volume)
        for specialist in specialists:
            self._arc(2 * number[specialist] + 1, self.sink, None)

    def _arc(self, tail: int, head: int, bound: float | None) -> None:
        self.onward[tail].append(len(self.capacity))
        self.back[head].append(len(self.capacity))
        self.tails.append(tail)
        self.heads.append(head)
        self.capacity.append(math.inf if bound is None else float(bound))

    def max_flows(self, entries: Iterable[str], sent: Mapping[str, float]) -> dict[str, float]:
        """The maximum flow from each entry point alone to specialist support.

        What an entry point sent in the flow from them all (``sent``) it can send alone (the
        paths from it are a flow by themselves), so one that sent its bound needs no search.
        """
        flows = {}
        for entry in entries:
            if entry not in self.number:
                flows[entry] = 0.0
                continue
            service = self.number[entry]
            bound = self._bound(service)
            flows[entry] = bound if sent.get(entry, 0.0) >= bound else self._augment(service, {}, set())
        return flows

    def deliverable(self, entries: Iterable[str]) -> tuple[float, dict[str, float], dict[str, float]]:
        """The maximum flow from every entry point together, what passes through each service, what each sends.

        Augmenting from one entry point after another reaches the maximum flow from them all: a
        path from a source joined to every entry point starts at one of them, and once none is
        left from an entry point, none returns (what its last search saw is closed off from the
        sink, and paths found later avoid it), so those services are skipped from then on.
        """
        flow: dict[int, float] = {}
        closed: set[int] = set()
        sent = {e: self._augment(self.number[e], flow, closed) for e in entries if e in self.number}
        total = sum(sent.values())
        if total == math.inf:
            return math.inf, {}, {}
        return total, {s: flow.get(i, 0.0) for s, i in self.number.items()}, sent

    def _bound(self, service: int) -> float:
        """What an entry point can send at most: its capacity, and the volumes of its pathways together."""
        return min(self.capacity[service], sum(self.capacity[arc] for arc in self.onward[2 * service + 1]))

    def _augment(self, service: int, flow: dict[int, float], closed: set[int]) -> float:
        """Shortest augmenting paths (Edmonds-Karp) from one entry point; how much more flow they carry.

        What an entry point sends is at most `_bound` (alone or with the others: paths from other
        entry points only pass through it): the searches stop there, usually after a few short
        ones near the entry point.
        """
        bound = self._bound(service)
        total = 0.0
        while total < bound:
            path = self._augmenting_path(2 * service, flow, closed)
            if not path:
                break
            spare = min(self.capacity[arc] - flow.get(arc, 0.0) if ahead else flow[arc] for arc, ahead in path)
            if spare == math.inf:
                return math.inf
            for arc, ahead in path:
                flow[arc] = flow.get(arc, 0.0) + (spare if ahead else -spare)
            total += spare
        return total

    def _augmenting_path(self, source: int, flow: dict[int, float], closed: set[int]) -> list[tuple[int, bool]]:
        """The arcs of a shortest path to the sink with room on each (ahead with spare capacity, back along flow).

        When there is none, every node the search saw is added to ``closed``.
        """
        parent: dict[int, tuple[int, bool]] = {source: (-1, True)}
        level = [source]
        sink, heads, tails, capacity = self.sink, self.heads, self.tails, self.capacity
        while level and sink not in parent:
            found = []
            for node in level:
                for arc in self.onward[node]:
                    head = heads[arc]
                    if head not in parent and head not in closed and capacity[arc] > flow.get(arc, 0.0):
                        parent[head] = (arc, True)
                        found.append(head)
                for arc in self.back[node]:
                    tail = tails[arc]
                    if tail not in parent and tail not in closed and flow.get(arc, 0.0) > 0:
                        parent[tail] = (arc, False)
                        found.append(tail)
                if sink in parent:
                    break
            level = found
        if sink not in parent:
            closed.update(parent)
            return []
        path = []
        node = sink
        while node != source:
            arc, ahead = parent[node]
            path.append((arc, ahead))
            node = tails[arc] if ahead else heads[arc]
        return path
