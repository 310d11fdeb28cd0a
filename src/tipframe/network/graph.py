"""The referral graph, and the working graph of active services the analyses run on."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

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
