"""The dissemination graph: trainers and cohorts, with edges from facilitators to their cohorts and
from cohorts to the trainers they produced."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from tipframe.io.arrays import to_numpy
from tipframe.model import Engine, ReachResult


def dissemination_graph(result: ReachResult, replicate: int = 0) -> nx.DiGraph[str]:
    """Who trained whom in one replicate of a simulation.

    Nodes are ``trainer-N`` (kind, organisation, generation, period trained, fidelity) and
    ``cohort-N`` (kind, organisation, generation, period started, fidelity, size, completers);
    edges run from each facilitator to their cohort and from each cohort to the trainers it
    produced. The graph is acyclic: every edge points forward in time.

    Parameters
    ----------
    result
        A Monte Carlo result that kept the replicate's events (``keep_events`` of
        `simulate_reach`).
    replicate
        Which replicate.

    Returns
    -------
    networkx.DiGraph
        With the plan's id, the replicate and the seed as graph attributes.

    Raises
    ------
    ValueError
        For a projection, or a replicate whose events were not kept.
    """
    if result.engine is Engine.PROJECTION:
        raise ValueError(
            "a projection follows expected numbers, not people: run simulate_reach for a dissemination graph"
        )
    log = next((e for e in result.events if e.replicate == replicate), None)
    if log is None:
        kept = ", ".join(str(e.replicate) for e in result.events) or "none"
        raise ValueError(
            f"replicate {replicate}'s events were not kept (kept: {kept}); "
            f"pass keep_events=[{replicate}] to simulate_reach"
        )
    orgs = result.organisations
    graph: nx.DiGraph[str] = nx.DiGraph(
        plan=result.plan.id, replicate=replicate, seed=result.seed if result.seed is not None else -1
    )
    t_org = to_numpy(log.trainer_organisation)
    t_gen = to_numpy(log.trainer_generation)
    t_at = to_numpy(log.trainer_trained_at)
    t_fid = to_numpy(log.trainer_fidelity)
    t_src = to_numpy(log.trainer_source)
    for i in range(t_org.size):
        graph.add_node(
            f"trainer-{i}",
            kind="trainer",
            organisation=orgs[int(t_org[i])],
            generation=int(t_gen[i]),
            period=int(t_at[i]),
            fidelity=float(t_fid[i]),
        )
    c_org = to_numpy(log.cohort_organisation)
    c_gen = to_numpy(log.cohort_generation)
    c_start = to_numpy(log.cohort_start)
    c_fid = to_numpy(log.cohort_fidelity)
    c_size = to_numpy(log.cohort_size)
    c_done = to_numpy(log.cohort_completers)
    for j in range(c_org.size):
        graph.add_node(
            f"cohort-{j}",
            kind="cohort",
            organisation=orgs[int(c_org[j])],
            generation=int(c_gen[j]),
            period=int(c_start[j]),
            fidelity=float(c_fid[j]),
            size=int(c_size[j]),
            completers=int(c_done[j]),
        )
    for cohort, trainer in zip(to_numpy(log.facilitation_cohort), to_numpy(log.facilitation_trainer), strict=True):
        graph.add_edge(f"trainer-{int(trainer)}", f"cohort-{int(cohort)}", relation="facilitated")
    for i, source in enumerate(t_src):
        if source >= 0:
            graph.add_edge(f"cohort-{int(source)}", f"trainer-{i}", relation="trained")
    return graph


def depth(graph: nx.DiGraph[str]) -> int:
    """The highest cohort generation: how many steps the cascade went from the seed trainers.

    Parameters
    ----------
    graph
        A dissemination graph.

    Returns
    -------
    int
        0 when no cohort ran.
    """
    return max((int(d["generation"]) for _, d in graph.nodes(data=True) if d["kind"] == "cohort"), default=0)


def downstream_reach(graph: nx.DiGraph[str]) -> dict[str, int]:
    """For each trainer, the people completing in cohorts downstream of them, each cohort counted once.

    Parameters
    ----------
    graph
        A dissemination graph.

    Returns
    -------
    dict of str to int
        By trainer node (``trainer-N``).
    """
    reach: dict[str, int] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] != "trainer":
            continue
        below = nx.descendants(graph, node)
        reach[node] = sum(max(0, graph.nodes[n]["completers"]) for n in below if graph.nodes[n]["kind"] == "cohort")
    return reach


def critical_trainers(graph: nx.DiGraph[str], top: int = 10) -> list[tuple[str, int]]:
    """Trainers with the most reach downstream: an upper bound on what losing each would cost.

    (A co-facilitated cohort might still run without one of its facilitators.)

    Parameters
    ----------
    graph
        A dissemination graph.
    top
        How many to keep.

    Returns
    -------
    list of tuple of str and int
        ``(trainer node, downstream reach)``, the most first, ties by node name.
    """
    ranked = sorted(downstream_reach(graph).items(), key=lambda item: (-item[1], item[0]))
    return ranked[:top]


def generation_summary(graph: nx.DiGraph[str]) -> list[dict[str, Any]]:
    """Per generation: trainers, cohorts, completers and mean cohort fidelity.

    Parameters
    ----------
    graph
        A dissemination graph.

    Returns
    -------
    list of dict
        One row per generation, lowest first; ``mean_fidelity`` is None with no cohort.
    """
    rows: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"trainers": 0, "cohorts": 0, "completers": 0, "fidelity": 0.0}
    )
    for _, data in graph.nodes(data=True):
        row = rows[int(data["generation"])]
        if data["kind"] == "trainer":
            row["trainers"] += 1
        else:
            row["cohorts"] += 1
            row["completers"] += max(0, int(data["completers"]))
            row["fidelity"] += float(data["fidelity"])
    out = []
    for generation in sorted(rows):
        row = rows[generation]
        cohorts = row["cohorts"]
        out.append(
            {
                "generation": generation,
                "trainers": row["trainers"],
                "cohorts": cohorts,
                "completers": row["completers"],
                "mean_fidelity": row["fidelity"] / cohorts if cohorts else None,
            }
        )
    return out
