"""The mechanisms that keep network analyses near-linear, each checked against the definition it replaces.

The definitions here are the analyses as first written (a search or a dominator tree from
every entry point, networkx maximum flow and betweenness over exact fractions): slow, plainly
right, and run on small networks, hand-made and random.
"""

from __future__ import annotations

import fractions
import math
import random
import subprocess
import sys
from fractions import Fraction
from typing import Any

import networkx as nx
import pytest

import tipframe
from tipframe.model import NetworkOrganisation, Pathway, ReferralNetwork, Service, ServiceStatus, Support
from tipframe.network import (
    analyse_network,
    bottleneck_sample,
    bottlenecks,
    capacity,
    dead_ends,
    reachability,
    single_points_of_failure,
    workforce_gaps,
)
from tipframe.network.graph import _active, _entries, _lengths, _pathways, _specialists
from tipframe.network.routes import BETWEENNESS_SAMPLE, EXACT_BETWEENNESS_UP_TO
from tipframe.report.text import summarise

from .test_network import EXAMPLE, NES, _network

LEVELS = ("informed", "skilled", "enhanced", "specialist")


def _random_network(seed: int, size: int = 9) -> ReferralNetwork:
    """A small network with cycles, shared organisations, inactive services and every kind of volume."""
    rng = random.Random(seed)
    organisations = ("a", "b", "c", "d")
    services = tuple(
        Service(
            id=f"s{i}",
            name=f"s{i}",
            organisation=rng.choice(organisations),
            support=rng.choice([*Support, None]),
            status=ServiceStatus.INACTIVE if rng.random() < 0.1 else ServiceStatus.ACTIVE,
            capacity=rng.choice([None, 1.0, 2.0, 3.0, 5.0, 8.0, 2.5]),
            staff_level=rng.choice([None, *LEVELS]),
        )
        for i in range(rng.randint(2, size))
    )
    ids = [s.id for s in services]
    pathways = tuple(
        Pathway(from_service=a, to_service=b, volume=rng.choice([None, 0.0, 1.0, 2.0, 3.0, 4.0, 12.0, 2.5]))
        for a in ids
        for b in ids
        if a != b and rng.random() < 0.25
    )
    return ReferralNetwork(
        id="random",
        name="Random",
        levels="builtin:nes-levels",
        organisations=tuple(NetworkOrganisation(id=o) for o in organisations),
        services=services,
        pathways=pathways,
        entry_points=tuple(rng.sample(ids, rng.randint(1, len(ids)))),
    )


HAND_MADE = [
    # a diamond: x and s are on every route, y and z (one organisation) are not
    _network("e:a:universal x:b:targeted y:c:targeted z:c:targeted s:d:specialist", "e>x x>y x>z y>s z>s", "e"),
    # a cycle before the specialist service, and a second entry point inside it
    _network("e:a:universal x:b:targeted y:c:targeted s:d:specialist", "e>x x>y y>x y>s", "e, y"),
    # one route through specialist s to specialist t, and a bypass around x run by x's organisation
    _network("e:a:universal x:b:targeted w:b:targeted s:d:specialist t:c:specialist", "e>x e>w x>s w>s s>t", "e"),
    # an entry point that is itself specialist, one that is cut off, one behind an inactive service
    _network(
        "s:d:specialist e:a:universal f:a:universal x:b:targeted::enhanced:inactive t:c:specialist",
        "e>s f>x x>t",
        "s, e, f",
    ),
    # two organisations each run half of every route: neither alone is a single point
    _network(
        "e:a:universal p:b:targeted q:c:targeted r:b:targeted u:c:targeted s:d:specialist",
        "e>p e>q p>u q>r u>s r>s",
        "e",
    ),
]
NETWORKS = HAND_MADE + [_random_network(seed) for seed in range(80)]
IDS = [f"hand-made-{i}" for i in range(len(HAND_MADE))] + [f"random-{seed}" for seed in range(80)]


def _defined_single_points(network: ReferralNetwork) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """By definition: without S (or organisation O's services) the entry point has no route left; a specialist
    service, or an organisation of specialist services only, is where routes end and never counts."""
    graph = _active(network)
    specialists = set(_specialists(network))
    owner = {s.id: s.organisation for s in network.services}

    def route(kept: nx.Graph[Any], entry: str) -> bool:
        return entry in kept and any(s in kept for s in (nx.descendants(kept, entry) | {entry}) & specialists)

    services: dict[str, list[str]] = {}
    organisations: dict[str, list[str]] = {}
    for entry in _entries(network):
        if not route(graph, entry):
            continue
        for service in graph:
            if service in specialists:
                continue
            if service != entry and not route(nx.restricted_view(graph, [service], []), entry):
                services.setdefault(service, []).append(entry)
        for organisation in dict.fromkeys(owner.values()):
            gone = [s for s in graph if owner[s] == organisation]
            if all(x.id in specialists for x in network.services if x.organisation == organisation):
                continue
            if organisation != owner[entry] and not route(nx.restricted_view(graph, gone, []), entry):
                organisations.setdefault(organisation, []).append(entry)
    order = {s.id: i for i, s in enumerate(network.services)}
    org_order = {o: i for i, o in enumerate(dict.fromkeys(s.organisation for s in network.services))}
    return tuple(
        [("service", s, tuple(e)) for s, e in sorted(services.items(), key=lambda kv: order[kv[0]])]
        + [("organisation", o, tuple(e)) for o, e in sorted(organisations.items(), key=lambda kv: org_order[kv[0]])]
    )


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_single_points_agree_with_the_definition(network: ReferralNetwork) -> None:
    found = tuple((p.kind, p.id, p.cuts_off) for p in single_points_of_failure(network))
    assert found == _defined_single_points(network)


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_routes_and_dead_ends_agree_with_a_search_from_every_entry_point(network: ReferralNetwork) -> None:
    graph = _active(network)
    specialists = _specialists(network)
    result = reachability(network)
    routes = {r.entry: r for r in result.routes}
    for entry in _entries(network):
        paths = nx.single_source_shortest_path(graph, entry)
        found = tuple(s for s in specialists if s in paths)
        assert result.reachable[entry] == found
        if not found:
            assert entry in result.unreached
            assert entry not in routes
            continue
        target = min(found, key=lambda s: (len(paths[s]), specialists.index(s)))
        assert (routes[entry].target, routes[entry].path) == (target, tuple(paths[target]))
    entries = _entries(network)
    for end in dead_ends(network):
        assert end.reached_from == tuple(e for e in entries if end.service in nx.descendants(graph, e) | {e})
    assert len(result.reachable) == len(entries)


def _flow_network(network: ReferralNetwork, sources: list[str]) -> nx.DiGraph[Any]:
    flow: nx.DiGraph[Any] = nx.DiGraph()
    for service in network.services:
        if service.active:
            bound = {} if service.capacity is None else {"capacity": service.capacity}
            flow.add_edge(("in", service.id), ("out", service.id), **bound)
    for pathway in network.pathways:
        a, b = ("out", pathway.from_service), ("in", pathway.to_service)
        if a in flow and b in flow:
            flow.add_edge(a, b, **({} if pathway.volume is None else {"capacity": pathway.volume}))
    flow.add_edges_from(("source", ("in", e)) for e in sources)
    flow.add_edges_from((("out", s), "sink") for s in _specialists(network))
    return flow


def _defined_flow(network: ReferralNetwork, sources: list[str]) -> float:
    flow = _flow_network(network, sources)
    if not sources or "sink" not in flow or not nx.has_path(flow, "source", "sink"):
        return 0.0
    try:
        return float(nx.maximum_flow_value(flow, "source", "sink"))
    except nx.NetworkXUnbounded:
        return math.inf


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_flows_agree_with_networkx_maximum_flow(network: ReferralNetwork) -> None:
    report = capacity(network)
    entries = _entries(network)
    assert report.deliverable == _defined_flow(network, entries)
    assert report.by_entry == {e: _defined_flow(network, [e]) for e in entries}
    if report.deliverable < math.inf:
        # what passes through a service is a flow: within its capacity, and all of it reaches specialist support
        assert all(s.flow <= (s.capacity if s.capacity is not None else math.inf) for s in report.services)


@pytest.mark.parametrize("network", NETWORKS, ids=IDS)
def test_workforce_gaps_agree_with_a_search_from_every_entry_point_and_specialist(network: ReferralNetwork) -> None:
    graph = _active(network)
    leads_on = set().union(*(nx.ancestors(graph, s) | {s} for s in _specialists(network)))
    reached = set().union(*(nx.descendants(graph, e) | {e} for e in _entries(network)))
    assert {g.service for g in workforce_gaps(network, NES)} <= reached & leads_on
    expected = [
        s.id
        for s in network.services
        if s.id in reached & leads_on
        and (required := network.required_level(s, None, NES)) is not None
        and (s.staff_level is None or not NES.meets(s.staff_level, required))
    ]
    assert [g.service for g in workforce_gaps(network, NES)] == expected


def _graph_with_lengths(network: ReferralNetwork) -> nx.DiGraph[str]:
    graph = _active(network)
    graph.remove_edges_from([(a, b) for a, b, volume in _pathways(graph) if volume == 0])
    edges = list(graph.edges(data=True))
    for (_, _, data), length in zip(edges, _lengths([data["volume"] for _, _, data in edges]), strict=True):
        data["length"] = length
    return graph


@pytest.mark.parametrize("network", NETWORKS[:40], ids=IDS[:40])
def test_betweenness_is_networkx_over_exact_fractions(network: ReferralNetwork) -> None:
    graph = _active(network)
    graph.remove_edges_from([(a, b) for a, b, volume in _pathways(graph) if volume == 0])
    for _, _, data in graph.edges(data=True):
        data["exact"] = Fraction(1) if data["volume"] is None else 1 / Fraction(data["volume"])
    expected = nx.betweenness_centrality(graph, weight="exact", normalized=True)
    found = {b.service: b.betweenness for b in bottlenecks(network)}
    for service, value in expected.items():
        assert math.isclose(found.get(service, 0.0), value, rel_tol=1e-12, abs_tol=1e-15)


def test_pathway_lengths_are_whole_numbers_on_one_scale() -> None:
    lengths = _lengths([2.0, 12.0, 3.0, 4.0, None, 2.5])
    assert all(type(n) is int for n in lengths)
    # each is 1 / volume on one scale: 1/2 + 1/12 = 1/3 + 1/4 exactly, and 1/2.5 = 2/5
    assert lengths[0] + lengths[1] == lengths[2] + lengths[3]
    assert 5 * lengths[5] == 2 * lengths[4]
    # volumes whose common scale passes 1024 bits fall back to floats
    primes = [p for p in range(3, 3000) if all(p % d for d in range(2, int(p**0.5) + 1))]
    fallback = _lengths([float(p) for p in primes])
    assert all(type(n) is float for n in fallback)
    assert fallback[0] == 1 / 3


def test_no_analysis_does_arithmetic_on_fractions(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("Fraction arithmetic in a network analysis")

    network = tipframe.load(EXAMPLE, ReferralNetwork)
    for name in ("__add__", "__radd__", "__eq__", "__lt__", "__truediv__", "__rtruediv__"):
        monkeypatch.setattr(fractions.Fraction, name, refuse)
    analysis = analyse_network(network, NES)
    assert [b.service for b in analysis.bottlenecks[:3]] == ["counselling", "violence-support", "drop-in"]


def _wide(services: int) -> ReferralNetwork:
    """Many services referring to a few specialist ones: large, but quick to search."""
    listed = [
        Service(
            id=f"s{i}", name=f"s{i}", organisation="a", support=Support.UNIVERSAL if i >= 10 else Support.SPECIALIST
        )
        for i in range(services)
    ]
    pathways = [
        Pathway(from_service=f"s{i}", to_service=f"s{i % 10}", volume=float(i % 7 + 1)) for i in range(10, services)
    ]
    pathways += [Pathway(from_service=f"s{i}", to_service=f"s{i - 1}", volume=2.0) for i in range(11, services, 3)]
    return ReferralNetwork(
        id="wide",
        name="Wide",
        organisations=(NetworkOrganisation(id="a"),),
        services=tuple(listed),
        pathways=tuple(pathways),
        entry_points=tuple(f"s{i}" for i in range(10, services, 5)),
    )


def test_betweenness_is_sampled_above_the_stated_size_with_networkx_s_sample() -> None:
    network = _wide(60)
    assert bottleneck_sample(network) is None
    assert bottleneck_sample(network, exact_up_to=60) is None
    assert bottleneck_sample(network, exact_up_to=59, sample=20) == 20
    assert bottleneck_sample(network, exact_up_to=10, sample=60) is None  # a sample of every service is exact
    sampled = bottlenecks(network, exact_up_to=59, sample=20)
    assert sampled == bottlenecks(network, exact_up_to=59, sample=20)
    expected = nx.betweenness_centrality(_graph_with_lengths(network), k=20, seed=0, weight="length", normalized=True)
    assert {b.service: b.betweenness for b in sampled} == pytest.approx({s: v for s, v in expected.items() if v > 0})
    assert sampled != bottlenecks(network)


def test_a_large_network_states_its_sample_in_the_analysis_and_the_summary() -> None:
    network = _wide(EXACT_BETWEENNESS_UP_TO + 1)
    analysis = analyse_network(network)
    assert analysis.bottleneck_sample == BETWEENNESS_SAMPLE
    assert analysis.bottlenecks == bottlenecks(network)
    assert f"estimated from routes out of {BETWEENNESS_SAMPLE} sampled services" in summarise(network)
    assert f"routes out of {BETWEENNESS_SAMPLE} sampled services" in analysis._repr_html_()
    small = analyse_network(tipframe.load(EXAMPLE, ReferralNetwork), NES)
    assert small.bottleneck_sample is None


SCRIPT = """
from tests.network.test_scaling import _random_network, _wide
from tipframe.network import bottlenecks, reachability, single_points_of_failure
print(bottlenecks(_wide(80), exact_up_to=50, sample=30))
for seed in range(10):
    network = _random_network(seed, 14)
    print(single_points_of_failure(network), reachability(network).routes, dict(reachability(network).reachable))
"""


def test_results_are_the_same_whatever_the_hash_seed() -> None:
    outputs = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            cwd=str(EXAMPLE.parent.parent),
        ).stdout
        for seed in ("0", "1", "2")
    }
    assert len(outputs) == 1
