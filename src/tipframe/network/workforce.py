"""Workforce gaps: services on a route to specialist support whose staff lack the level it needs."""

from __future__ import annotations

import attrs
import networkx as nx

from tipframe.model import LevelScale, ReferralNetwork, Workforce
from tipframe.network.graph import _active, _breadth_first, _entries, _specialists

__all__ = ["WorkforceGap", "workforce_gaps"]


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

    Parameters
    ----------
    network
        The referral network.
    scale
        The scale the levels are on: a service needing a level not on it is left out, and staff
        whose level is not on it are a gap.
    workforce
        The workforce whose roles say what a service with a ``role`` needs.

    Returns
    -------
    tuple of WorkforceGap
        In document order.
    """
    return _workforce_gaps(network, _active(network), scale, workforce)


def _workforce_gaps(
    network: ReferralNetwork, graph: nx.DiGraph[str], scale: LevelScale, workforce: Workforce | None
) -> tuple[WorkforceGap, ...]:
    # One search forward from every entry point and one back from every specialist service.
    reached, _ = _breadth_first(graph.successors, _entries(network))
    leads_on, _ = _breadth_first(graph.predecessors, _specialists(network))
    on_route = reached.keys() & leads_on.keys()
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
