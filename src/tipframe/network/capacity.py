"""Capacity: referral volume against what services can take, and the maximum flow to specialist support."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import networkx as nx

from tipframe.model import ReferralNetwork
from tipframe.network.graph import _entries, _specialists

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
