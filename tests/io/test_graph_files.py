"""Graph files other tools read back whole: GraphML in networkx and python-igraph, GEXF's graph attributes."""

from __future__ import annotations

import json
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import pytest

import tipframe
from tipframe.graphs import dissemination_graph
from tipframe.io.graphs import write_graph
from tipframe.network import referral_graph

from ..conftest import EXAMPLES

igraph = pytest.importorskip("igraph")


def _referral() -> nx.DiGraph[Any]:
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", tipframe.ReferralNetwork)
    # a pathway with no volume has an infinite length: the key that igraph once saw declared twice
    quiet = attrs.evolve(network.pathways[0], volume=0.0)
    return referral_graph(attrs.evolve(network, pathways=(quiet, *network.pathways[1:])))


def _dissemination() -> nx.DiGraph[Any]:
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    documents = (tipframe.load(plan.workforce, tipframe.Workforce), tipframe.load(plan.programme, tipframe.Programme))
    result = tipframe.simulate_reach(plan, *documents, replicates=1, seed=2**60 + 1)  # a seed a double cannot hold
    return dissemination_graph(result)


def _decoded(value: Any) -> Any:
    """What a writer's JSON text stands for."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _same(expected: Any, found: Any) -> bool:
    if isinstance(expected, bool) or isinstance(found, bool):
        return expected is found
    if isinstance(expected, int | float) and isinstance(found, int | float):
        return float(expected) == float(found)
    if isinstance(expected, int) and isinstance(found, str):
        return str(expected) == found  # beyond 2**53: kept exact as text
    return bool(_decoded(found) == (list(expected) if isinstance(expected, tuple) else expected))


@pytest.mark.parametrize("make", [_referral, _dissemination], ids=["referral", "dissemination"])
def test_graphml_reads_back_whole_in_networkx_and_igraph(make: Any, tmp_path: Path) -> None:
    graph = make()
    path = tmp_path / "graph.graphml"
    write_graph(graph, path)
    keys = [(k.get("for"), k.get("attr.name")) for k in ET.parse(path).getroot() if k.tag.endswith("key")]
    assert len(keys) == len(set(keys))  # one key an attribute name
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # igraph warns of clashing ids: none here
        loaded = igraph.Graph.Read_GraphML(str(path))
    again = nx.read_graphml(path)
    for name, value in graph.graph.items():
        assert _same(value, loaded[name]), name
        assert _same(value, again.graph[name]), name
    index = {v["id"]: v for v in loaded.vs}
    for node, data in graph.nodes(data=True):
        for name, value in data.items():
            if value is not None:
                assert _same(value, index[node][name]), (node, name)
                if name != "id":
                    assert _same(value, again.nodes[node][name]), (node, name)
    for a, b, data in graph.edges(data=True):
        edge = loaded.es[loaded.get_eid(index[a].index, index[b].index)]
        for name, value in data.items():
            if value is not None:
                assert _same(value, edge[name]), (a, b, name)


def test_integers_are_longs_and_large_ones_text(tmp_path: Path) -> None:
    graph = _dissemination()
    path = tmp_path / "graph.graphml"
    write_graph(graph, path)
    text = path.read_text()
    assert re.search(r'attr.name="generation" attr.type="long"', text)
    assert re.search(r'attr.name="seed" attr.type="string"', text)
    assert str(2**60 + 1) in text


def test_gexf_keeps_the_graph_s_attributes(tmp_path: Path) -> None:
    graph = _dissemination()
    path = tmp_path / "graph.gexf"
    write_graph(graph, path)
    root = ET.parse(path).getroot()
    description = root.find("{http://www.gexf.net/1.2draft}meta/{http://www.gexf.net/1.2draft}description")
    assert description is not None
    assert json.loads(description.text or "") == {"plan": "help-the-helpers-rollout", "replicate": 0,
                                                  "seed": str(2**60 + 1)}  # fmt: skip
    assert nx.read_gexf(path).number_of_nodes() == graph.number_of_nodes()


def test_a_node_attribute_called_id_does_not_clash_with_the_node_s_own(tmp_path: Path) -> None:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    graph.add_node("1", id="other")
    graph.add_node("2", id="2")
    graph.add_edge("1", "2")
    path = tmp_path / "g.graphml"
    write_graph(graph, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = igraph.Graph.Read_GraphML(str(path))
    assert sorted(loaded.vs["id"]) == ["1", "2"]
    again = nx.read_graphml(path)
    assert again.nodes["1"]["id_attribute"] == "other"
    write_graph(graph, tmp_path / "g.gexf")
    assert set(nx.read_gexf(tmp_path / "g.gexf").nodes) == {"1", "2"}
