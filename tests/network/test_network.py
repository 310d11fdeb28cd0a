"""Referral network analyses, each on small graphs whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import attrs
import networkx as nx
import pytest

import tipframe
from tipframe.cli import main
from tipframe.model import ReferralNetwork, Support
from tipframe.network import (
    analyse_network,
    bottlenecks,
    capacity,
    dead_ends,
    reachability,
    referral_graph,
    single_points_of_failure,
    workforce_gaps,
    write_graph,
)

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "svru-community-referrals.yaml"
NES = tipframe.load("builtin:nes-levels", tipframe.LevelScale)


def _network(
    services: str, pathways: str, entries: str, orgs: str = "[{id: a}, {id: b}, {id: c}, {id: d}]"
) -> ReferralNetwork:
    """Services as 'id:org:support[:capacity[:staff level]]' separated by spaces; pathways as 'a>b[:volume]'."""
    lines = []
    for spec in services.split():
        parts = spec.split(":")
        fields = [f"id: {parts[0]}", f"name: {parts[0]}", f"organisation: {parts[1]}", f"support: {parts[2]}"]
        if len(parts) > 3 and parts[3]:
            fields.append(f"capacity: {parts[3]}")
        if len(parts) > 4:
            fields.append(f"staff_level: {parts[4]}")
        if len(parts) > 5:
            fields.append(f"status: {parts[5]}")
        lines.append("  - {" + ", ".join(fields) + "}")
    paths = []
    for spec in pathways.split():
        link, _, volume = spec.partition(":")
        a, b = link.split(">")
        paths.append(f"  - {{from_service: {a}, to_service: {b}" + (f", volume: {volume}" if volume else "") + "}")
    text = "\n".join(
        [
            "tipframe: 1",
            "kind: ReferralNetwork",
            "id: n",
            "name: N",
            "levels: builtin:nes-levels",
            f"organisations: {orgs}",
            "services:",
            *lines,
            "pathways:" + ("" if paths else " []"),
            *paths,
            f"entry_points: [{entries}]",
        ]
    )
    return tipframe.loads(text + "\n", ReferralNetwork)


def test_reachability_gives_the_shortest_route_and_who_cannot_get_there() -> None:
    network = _network(
        "e:a:universal f:a:universal x:b:targeted y:c:targeted s:d:specialist g:a:universal",
        "e>x x>y y>s f>y",
        "e, f, g",
    )
    result = reachability(network)
    routes = {r.entry: r for r in result.routes}
    assert routes["e"].path == ("e", "x", "y", "s")
    assert routes["e"].hops == 3
    assert routes["f"].path == ("f", "y", "s")
    assert routes["f"].hops == 2
    assert result.unreached == ("g",)
    assert result.reachable["e"] == ("s",)


def test_an_inactive_service_carries_no_referrals() -> None:
    network = _network("e:a:universal x:b:targeted::enhanced:inactive s:d:specialist", "e>x x>s", "e")
    assert reachability(network).unreached == ("e",)


def test_dead_ends_are_services_short_of_specialist_that_refer_nowhere() -> None:
    network = _network("e:a:universal x:b:targeted s:d:specialist", "e>x e>s", "e")
    (end,) = dead_ends(network)
    assert (end.service, end.support, end.reached_from) == ("x", Support.TARGETED, ("e",))


def test_single_points_of_failure_by_dominators() -> None:
    # e -> x -> {y, z} -> s: x and s are on every route; y and z are not. s, the only specialist service,
    # is where every route ends, not a point on them: neither it nor its organisation d is reported.
    chain = _network("e:a:universal x:b:targeted y:c:targeted z:c:targeted s:d:specialist", "e>x x>y x>z y>s z>s", "e")
    points = {(p.kind, p.id): p.cuts_off for p in single_points_of_failure(chain)}
    assert points[("service", "x")] == ("e",)
    assert ("service", "s") not in points
    assert ("organisation", "d") not in points
    assert ("service", "y") not in points
    assert ("service", "z") not in points
    # y and z are both run by c: losing c loses both routes.
    assert points[("organisation", "c")] == ("e",)


def test_two_independent_routes_have_no_single_point() -> None:
    network = _network(
        "e:a:universal x:b:targeted y:c:targeted s:d:specialist t:e:specialist",
        "e>x e>y x>s y>t",
        "e",
        orgs="[{id: a}, {id: b}, {id: c}, {id: d}, {id: e}]",
    )
    assert single_points_of_failure(network) == ()


def test_bottlenecks_weigh_pathways_by_volume() -> None:
    # Two routes from e to s; the busy one (through x) is shorter, so x carries the shortest paths.
    network = _network("e:a:universal x:b:targeted y:c:targeted s:d:specialist", "e>x:10 x>s:10 e>y:1 y>s:1", "e")
    ranked = bottlenecks(network)
    assert ranked[0].service == "x"
    assert all(b.service != "y" for b in ranked)


def test_capacity_compares_referrals_with_places_and_finds_the_maximum_flow() -> None:
    network = _network(
        "e:a:universal:100 f:a:universal:100 x:b:targeted:3 s:d:specialist:50", "e>x:4 f>x:2 x>s:6", "e, f"
    )
    report = capacity(network)
    loads = {load.service: load for load in report.services}
    assert loads["x"].referrals == 6
    assert loads["x"].shortfall == 3
    assert [load.service for load in report.over_capacity] == ["x"]
    assert report.demand == 6
    assert report.deliverable == 3  # x passes on at most its capacity
    assert report.by_entry == {"e": 3, "f": 2}


def test_workforce_gaps_on_routes_to_specialist_support() -> None:
    network = _network(
        "e:a:universal::informed x:b:targeted::specialist y:c:targeted s:d:specialist::specialist "
        "off:a:universal::informed",
        "e>x x>s e>y",
        "e",
    )
    gaps = {g.service: g for g in workforce_gaps(network, NES)}
    assert gaps["e"].required == "skilled"
    assert gaps["e"].held == "informed"
    assert "x" not in gaps  # specialist meets enhanced on a cumulative scale
    assert "y" not in gaps  # y leads nowhere: not on a route to specialist support
    assert "off" not in gaps  # not reached from an entry point


def test_graph_carries_every_field_and_exports_for_gephi(tmp_path: Path) -> None:
    network = tipframe.load(EXAMPLE, ReferralNetwork)
    graph = referral_graph(network)
    assert graph.nodes["counselling"]["capacity"] == 20
    assert graph.nodes["food-parcels"]["entry_point"] is True
    assert graph.edges["counselling", "trauma-service"]["volume"] == 8
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"network.{fmt}"
        write_graph(referral_graph(network), path, fmt)
        again = read(path)
        assert set(again.nodes) == set(graph.nodes)
        assert again.number_of_edges() == graph.number_of_edges()


def test_the_example_names_its_weak_points() -> None:
    network = tipframe.load(EXAMPLE, ReferralNetwork)
    analysis = analyse_network(network, NES)
    on_every_route = [p.id for p in analysis.single_points if p.kind == "service" and len(p.cuts_off) == 4]
    assert on_every_route == ["counselling"]  # the one trauma service is where routes end, not a point on them
    assert {s.service for s in analysis.capacity.over_capacity} == {"counselling", "violence-support"}
    assert [d.service for d in analysis.dead_ends] == ["tenancy-support"]
    assert analysis.workforce_gaps is not None
    assert [g.service for g in analysis.workforce_gaps] == ["food-parcels", "community-policing"]


def test_cli_network_summarises_exports_and_refuses_bad_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["network", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "counselling: 28 referred, capacity 20" in out
    assert "TIP702 warning" in out
    monkeypatch.chdir(tmp_path)  # with no -o, an export is named after the network's file, here
    assert main(["network", str(EXAMPLE), "--export", "gexf"]) == 0
    assert (tmp_path / f"{EXAMPLE.stem}.gexf").is_file()
    target = tmp_path / "n.graphml"
    assert main(["network", str(EXAMPLE), "--export", "graphml", "-o", str(target)]) == 0
    assert target.read_text().startswith("<graphml") or "<graphml" in target.read_text()
    assert main(["network", "builtin:nttp"]) == 1
    assert main(["network", str(tmp_path / "missing.yaml")]) == 2


def test_references_inside_a_network_are_checked() -> None:
    text = EXAMPLE.read_text().replace("to_service: trauma-service", "to_service: trauma-servce")
    with pytest.raises(tipframe.DocumentError, match="no service 'trauma-servce'"):
        tipframe.loads(text, ReferralNetwork)


WORKFORCE = """\
tipframe: 1
kind: Workforce
id: staff
name: Staff
levels: builtin:nes-levels
organisations:
  - id: a
    headcount: 10
    roles: [{id: support-worker, headcount: 6, required_level: enhanced}]
"""


def test_a_workforce_role_sets_the_level_a_service_needs(tmp_path: Path) -> None:
    network = _network("e:a:universal::skilled x:b:targeted::enhanced s:d:specialist::specialist", "e>x x>s", "e")
    network = attrs.evolve(
        network,
        workforce="staff",
        services=(attrs.evolve(network.services[0], role="support-worker"), *network.services[1:]),
    )
    workforce = tipframe.loads(WORKFORCE, tipframe.Workforce)
    assert workforce_gaps(network, NES) == ()  # skilled meets the universal default
    (gap,) = workforce_gaps(network, NES, workforce)
    assert (gap.service, gap.required, gap.held) == ("e", "enhanced", "skilled")
    (tmp_path / "network.yaml").write_text(tipframe.dumps(network))
    (tmp_path / "staff.yaml").write_text(WORKFORCE)
    findings = tipframe.check(tipframe.load_bundle([tmp_path]), select=["TIP705"])
    assert [f.message for f in findings] == ["staff of 'e' hold skilled, below the enhanced level it needs"]


def test_a_role_needs_a_workforce() -> None:
    network = _network("e:a:universal s:d:specialist", "e>s", "e")
    with pytest.raises(tipframe.ModelError, match="names a role, but the network names no workforce"):
        attrs.evolve(network, services=(attrs.evolve(network.services[0], role="support-worker"), network.services[1]))


def test_capacity_counts_only_pathways_that_carry_referrals() -> None:
    # An inactive service refers nobody; passing on between specialists is not new demand.
    network = _network(
        "e:a:universal x:b:targeted:3 s:d:specialist t:c:specialist old:c:targeted:::inactive",
        "e>x:2 old>x:50 old>s:40 x>s:2 s>t:2",
        "e",
    )
    report = capacity(network)
    loads = {load.service: load for load in report.services}
    assert loads["x"].referrals == 2
    assert loads["x"].shortfall == 0
    assert "old" not in loads
    assert report.demand == 2
    assert report.deliverable == 2


def test_bottlenecks_ignore_empty_pathways_and_tie_exactly() -> None:
    empty = _network("e:a:universal x:b:targeted s:d:specialist", "e>x:0 x>s:0", "e")
    assert bottlenecks(empty) == ()
    # 1/2 + 1/12 and 1/3 + 1/4 are both 7/12: the two routes tie, so x and y share the credit.
    tied = _network("e:a:universal x:b:targeted y:c:targeted s:d:specialist", "e>x:2 x>s:12 e>y:3 y>s:4", "e")
    scores = {b.service: b.betweenness for b in bottlenecks(tied)}
    assert scores["x"] == scores["y"] > 0
