"""The cascade engines: checked against expectations worked by hand, against each other, and for invariants."""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path

import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.reach.montecarlo import run_replicate
from tipframe.reach.scenario import prepare

from .documents import COURSE
from .engines import backend as backend  # every test here runs against both backends

SMALL = """\
tipframe: 1
kind: Workforce
id: big
name: A small workforce
organisations:
  - {id: a, headcount: 300}
  - {id: b, headcount: 200}
partnerships: [[a, b]]
"""

WORKFORCE = """\
tipframe: 1
kind: Workforce
id: big
name: A large workforce
organisations:
  - {id: a, headcount: 200000}
  - {id: b, headcount: 200000}
partnerships: [[a, b]]
"""


def _plan(
    facilitators: int = 1, conversion: float = 0.05, attrition: float = 0.0, horizon: int = 12, **extra: object
) -> str:
    lines = [
        "tipframe: 1",
        "kind: CascadePlan",
        "id: plan",
        "name: A test plan",
        "programme: one-week",
        "workforce: big",
        "seed_trainers: [{organisation: a, trainers: 20}]",
        "period: P1W",
        f"horizon: {horizon}",
        "tiers:",
        f"  - {{cohort_size: 10, facilitators: {facilitators}, total_cohorts: 2, completion: 0.8,"
        f" conversion: {conversion}, attrition: {attrition}}}",
    ]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def _documents(plan: str = "", workforce: str = WORKFORCE) -> tuple[CascadePlan, Workforce, Programme]:
    return (
        tipframe.loads(plan or _plan(), CascadePlan),
        tipframe.loads(workforce, Workforce),
        tipframe.loads(COURSE, Programme),
    )


def _within_four_standard_errors(samples: np.ndarray, expected: float) -> None:
    mean = float(samples.mean())
    error = float(samples.std(ddof=1)) / np.sqrt(samples.size)
    assert abs(mean - expected) <= 4 * error, (mean, expected, error)


@pytest.mark.parametrize("facilitators", [1, 2])
def test_new_trainers_per_trainer_matches_the_hand_calculation(facilitators: int) -> None:
    # Each seed runs 2 cohorts of 10; 0.8 complete; 0.05 of completers become trainers.
    # Co-facilitated cohorts count fully against each facilitator, so their trainers are shared.
    expected = 2 * 10 * 0.8 * 0.05 / facilitators
    result = tipframe.simulate_reach(*_documents(_plan(facilitators)), replicates=2000, seed=11, keep_events=())
    per_trainer = to_numpy(result.new_trainers_per_trainer)[:, 0]  # generation 0: the seeds
    _within_four_standard_errors(per_trainer, expected)


def test_monte_carlo_mean_matches_the_projection_at_every_period() -> None:
    documents = _documents(_plan(conversion=0.05, horizon=12))
    simulated = tipframe.simulate_reach(*documents, replicates=2000, seed=3, keep_events=())
    projected = tipframe.project_reach(*documents)
    trained = to_numpy(simulated.trained).astype(float)
    expected = to_numpy(projected.trained)[0]
    for t in range(trained.shape[1]):
        if trained[:, t].std() == 0:
            assert trained[0, t] == pytest.approx(expected[t])
        else:
            _within_four_standard_errors(trained[:, t], float(expected[t]))


def test_conservation_in_every_replicate() -> None:
    plan, workforce, programme = _documents(
        _plan(conversion=0.4, attrition=0.05, horizon=30),
        "tipframe: 1\nkind: Workforce\nid: big\nname: Small\norganisations:\n  - {id: a, headcount: 60}\n"
        "  - {id: b, headcount: 25}\npartnerships: [[a, b]]\n",
    )
    scenario = prepare(plan, workforce, programme)
    room = scenario.eligible - scenario.seeds
    for i in range(40):
        run = run_replicate(
            scenario, np.random.default_rng(np.random.SeedSequence(5, spawn_key=(i,))), keep_events=True
        )
        assert (run.by_organisation <= room).all()  # nobody is trained twice
        events = run.events
        assert events is not None
        # Every cohort's facilitators were trained, and active, before it began.
        trainer = events.facilitation_trainer
        start = events.cohort_start[events.facilitation_cohort]
        assert (events.trainer_trained_at[trainer] + 1 <= start).all()
        # A trainer comes from a cohort that started before it was trained: who-trained-whom has no cycle.
        made = events.trainer_source >= 0
        assert (events.cohort_start[events.trainer_source[made]] <= events.trainer_trained_at[made]).all()
        # Each cohort's generation is one more than its facilitators'.
        assert (events.cohort_generation[events.facilitation_cohort] == events.trainer_generation[trainer] + 1).all()


def test_zero_conversion_trains_only_generation_one() -> None:
    result = tipframe.simulate_reach(*_documents(_plan(conversion=0.0)), replicates=50, seed=1)
    by_generation = to_numpy(result.by_generation)
    assert by_generation.shape[2] == 2
    assert (by_generation[:, :, 0] == 0).all()
    assert (to_numpy(result.trainers) == 20).all()
    assert tipframe.summarise_reach(result).depth.high == 1


def test_same_seed_same_numbers_with_one_worker_or_two() -> None:
    documents = _documents(_plan(conversion=0.3, attrition=0.02, horizon=20), SMALL)
    alone = tipframe.simulate_reach(*documents, replicates=24, seed=9, keep_events=(0, 5))
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        shared = tipframe.simulate_reach(*documents, replicates=24, seed=9, keep_events=(0, 5), executor=pool, chunks=5)
    assert alone == shared


def test_a_result_reloads_bit_for_bit(tmp_path: Path) -> None:
    result = tipframe.simulate_reach(*_documents(_plan(conversion=0.3), SMALL), replicates=20, seed=4)
    path = tmp_path / "result.json"
    tipframe.dump(result, path)
    again = tipframe.load(path, tipframe.ReachResult)
    assert again == result
    assert np.array_equal(to_numpy(again.trained), to_numpy(result.trained))


def test_distributions_widen_the_interval() -> None:
    fixed = tipframe.simulate_reach(*_documents(_plan(conversion=0.05)), replicates=300, seed=2)
    uncertain_plan = _plan(conversion=0.05).replace("completion: 0.8", "completion: {beta: [4, 1]}")
    uncertain = tipframe.simulate_reach(*_documents(uncertain_plan), replicates=300, seed=2)
    spread = [to_numpy(r.trained)[:, -1].std() for r in (fixed, uncertain)]
    assert spread[1] > 1.5 * spread[0]


def test_plans_that_cannot_run_say_why() -> None:
    plan, workforce, _ = _documents()
    no_length = tipframe.loads("tipframe: 1\nkind: Programme\nid: one-week\nname: P\nformat: course\n", Programme)
    with pytest.raises(tipframe.PlanError, match="gives no length"):
        tipframe.project_reach(plan, workforce, no_length)
    small = tipframe.loads(WORKFORCE.replace("200000", "5", 1), Workforce)
    with pytest.raises(tipframe.PlanError, match=r"20 seed trainers in .*, which has only 5 eligible"):
        tipframe.simulate_reach(plan, small, _documents()[2], replicates=1)


def test_cli_reach_prints_a_summary_and_reruns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    table = tmp_path / "r.csv"
    assert main(["reach", "--replicates", "30", "--seed", "2", "--json", str(out), "--csv", str(table)]) == 0
    text = capsys.readouterr().out
    assert "Monte Carlo, 30 replicates, seed 2" in text
    assert "Reach by week 104" in text
    assert "90% interval" in text
    assert json.loads(out.read_text())["kind"] == "ReachResult"
    assert (
        table.read_text()
        .splitlines()[0]
        .startswith("period,trained_median,trained_low,trained_high,trained_mean,trained_mcse")
    )
    assert main(["reach", "--rerun", str(out)]) == 0
    assert "reproduced bit for bit" in capsys.readouterr().out
    assert main(["reach", "--projection"]) == 0
    assert "Expected-value projection" in capsys.readouterr().out
    assert main(["reach", "--projection", "--graph", str(tmp_path / "g.graphml")]) == 2
    assert main(["reach", "--check", "0"]) == 2  # --check goes with --projection
    with pytest.raises(SystemExit) as usage:
        main(["reach", "--projection", "--check", "-1"])
    assert usage.value.code == 2
    saved = tmp_path / "projection.json"
    assert main(["reach", "--projection", "--draws", "5", "--check", "0", "--seed", "3", "--json", str(saved)]) == 0
    reloaded = tipframe.load(saved, tipframe.ReachResult)
    assert (reloaded.replicates, reloaded.seed) == (5, 3)
    assert main(["reach", "--replicates", "2", "--graph", str(tmp_path / "g.png")]) == 2
    assert main(["reach", "--replicates", "2", "--graph", str(tmp_path / "g.gexf")]) == 0
    assert (tmp_path / "g.gexf").exists()


def test_dissemination_graph_is_acyclic_and_exports(tmp_path: Path) -> None:
    import networkx as nx

    from tipframe.graphs import (
        critical_trainers,
        depth,
        dissemination_graph,
        downstream_reach,
        generation_summary,
        write_graph,
    )

    result = tipframe.simulate_reach(*_documents(_plan(conversion=0.3, horizon=15), SMALL), replicates=3, seed=8)
    graph = dissemination_graph(result)
    assert nx.is_directed_acyclic_graph(graph)
    assert depth(graph) == int(to_numpy(result.by_generation)[0, -1].nonzero()[0].max())
    seeds = [n for n, d in graph.nodes(data=True) if d["kind"] == "trainer" and d["generation"] == 0]
    assert len(seeds) == 20
    reach = downstream_reach(graph)
    trained = int(to_numpy(result.trained)[0, -1])
    assert max(reach.values()) <= trained
    top = critical_trainers(graph, 3)
    assert top[0][1] == max(reach.values())
    rows = generation_summary(graph)
    assert sum(r["completers"] for r in rows) >= trained  # completers who left by turnover count too
    for suffix, reader in ((".graphml", nx.read_graphml), (".gexf", nx.read_gexf)):
        path = tmp_path / f"g{suffix}"
        write_graph(graph, path)
        assert reader(path).number_of_nodes() == graph.number_of_nodes()
    write_graph(graph, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert nx.node_link_graph(data, edges="edges").number_of_edges() == graph.number_of_edges()


def test_dissemination_graph_refuses_what_it_cannot_show() -> None:
    from tipframe.graphs import depth, dissemination_graph

    documents = _documents(_plan(conversion=0.0), SMALL)
    with pytest.raises(ValueError, match="projection follows expected numbers"):
        dissemination_graph(tipframe.project_reach(*documents))
    result = tipframe.simulate_reach(*documents, replicates=2, seed=1)
    with pytest.raises(ValueError, match=r"replicate 1's events were not kept \(kept: 0\)"):
        dissemination_graph(result, replicate=1)
    assert depth(dissemination_graph(result)) == 1  # zero conversion: only the seeds' cohorts


def test_generators_are_reproducible_and_shaped_as_asked() -> None:
    from tipframe.reach.generate import scotland_public_sector, synthetic_staff_network, synthetic_workforce

    workforce = synthetic_workforce(50, 10_000, seed=3)
    assert workforce.headcount() == 10_000
    assert len(workforce.organisations) == 50
    assert synthetic_workforce(50, 10_000, seed=3) == workforce
    scotland = scotland_public_sector(seed=2018)
    assert len(scotland.organisations) == 46
    assert scotland.organisations[0].id == "aberdeen-city"
    assert tipframe.load(
        Path(__file__).parent.parent.parent / "examples" / "scotland-public-sector.yaml"
    ).organisations == (scotland.organisations)
    network = synthetic_staff_network([100, 50, 50], ties=8, within=0.9, seed=1)
    assert network.people == 200
    same = network.organisation[network.indices] == np.repeat(network.organisation, network.degree())
    assert same.mean() > 0.8


def test_the_national_example_runs() -> None:
    bundle = tipframe.load_bundle([Path(__file__).parent.parent.parent / "examples"])
    plan = bundle.get("national-rollout", CascadePlan)
    workforce = bundle.get(plan.workforce, Workforce)
    programme = bundle.get(plan.programme, Programme)
    result = tipframe.simulate_reach(plan, workforce, programme, replicates=4, seed=0)
    summary = tipframe.summarise_reach(result)
    assert summary.eligible == 400_000
    assert summary.seeds == 92
    assert 0 < summary.reach.mean < 1


def test_a_lone_trainer_with_two_free_slots_pairs_across_a_partnership() -> None:
    workforce = tipframe.loads(
        "tipframe: 1\nkind: Workforce\nid: big\nname: W\norganisations: [{id: a, headcount: 100}, "
        "{id: b, headcount: 100}, {id: c, headcount: 100}]\npartnerships: [[a, b], [b, c]]\n",
        Workforce,
    )
    plan = tipframe.loads(
        _plan(facilitators=2, conversion=0.0, horizon=6)
        .replace(
            "seed_trainers: [{organisation: a, trainers: 20}]",
            "seed_trainers: [{organisation: a, trainers: 1}, {organisation: b, trainers: 1}]",
        )
        .replace("total_cohorts: 2,", "total_cohorts: 4, concurrent_cohorts: 2,"),
        CascadePlan,
    )
    result = tipframe.simulate_reach(plan, workforce, _documents()[2], replicates=3, seed=1)
    assert (to_numpy(result.cohorts_started)[:, 1] == 2).all()  # two co-facilitated cohorts at once


def test_adoption_counts_only_organisations_with_eligible_staff() -> None:
    workforce = tipframe.loads(
        "tipframe: 1\nkind: Workforce\nid: big\nname: W\norganisations: [{id: a, headcount: 20}, "
        "{id: hub, headcount: 0}]\npartnerships: [[a, hub]]\n",
        Workforce,
    )
    plan = tipframe.loads(
        _plan(conversion=0.0, horizon=4).replace("organisation: a, trainers: 20", "organisation: hub, trainers: 2")
        + "seeds_are_staff: false\n",
        CascadePlan,
    )
    for result in (
        tipframe.simulate_reach(plan, workforce, _documents()[2], replicates=5),
        tipframe.project_reach(plan, workforce, _documents()[2]),
    ):
        assert tipframe.summarise_reach(result).adoption_organisations.high <= 1.0


def test_a_cohort_below_the_minimum_group_cannot_run() -> None:
    course = tipframe.loads(COURSE + "group_size: {min: 20}\n", Programme)
    plan, workforce, _ = _documents()
    with pytest.raises(tipframe.PlanError, match="below 'one-week''s minimum group size of 20"):
        tipframe.simulate_reach(plan, workforce, course, replicates=1)


def _crowded() -> tuple[CascadePlan, Workforce, Programme]:
    """Many small organisations leaning on each other's staff: many cohorts draw on the same partners."""
    from tipframe.reach.generate import synthetic_workforce

    workforce = synthetic_workforce(40, 2_500, partners=3, seed=3, workforce_id="big")
    seeds = ", ".join(f"{{organisation: {o.id}, trainers: 2}}" for o in workforce.organisations[:25])
    plan = tipframe.loads(
        _plan(facilitators=2, conversion=0.2, attrition=0.02, horizon=40, turnover="{beta: [1, 99]}")
        .replace("seed_trainers: [{organisation: a, trainers: 20}]", f"seed_trainers: [{seeds}]")
        .replace("completion: 0.8", "completion: {beta: [8, 2]}"),
        CascadePlan,
    )
    return plan, workforce, _documents()[2]


def test_batches_never_change_the_numbers() -> None:
    documents = _crowded()
    runs = [
        tipframe.simulate_reach(*documents, replicates=12, seed=3, keep_events=(0, 4, 9), batch=size)
        for size in (1, 5, None)
    ]
    assert runs[0] == runs[1] == runs[2]
    assert to_numpy(runs[0].trained)[:, -1].min() > 0


def test_conservation_when_partners_are_shared() -> None:
    plan, workforce, programme = _crowded()
    scenario = prepare(plan, workforce, programme)
    room = scenario.eligible  # seed trainers who leave are replaced by hires who may be trained
    for i in range(10):
        run = run_replicate(
            scenario, np.random.default_rng(np.random.SeedSequence(8, spawn_key=(i,))), keep_events=True
        )
        assert (run.by_organisation <= room).all()
        assert (run.by_organisation >= 0).all()
        events = run.events
        assert events is not None
        assert (events.cohort_size <= 10).all()
        assert (events.cohort_size >= 1).all()
        # No period starts cohorts with more people than the workforce holds.
        running = np.zeros(plan.horizon + 2, np.int64)
        for start, size in zip(events.cohort_start, events.cohort_size, strict=True):
            running[start] += size
        assert running.max() <= room.sum()


@pytest.mark.parametrize(("supply", "units"), [((3, 5, 2, 0), 4), ((3, 5, 2, 0), 7), ((40, 1, 9, 0), 6)])
def test_partner_places_are_multivariate_hypergeometric(supply: tuple[int, ...], units: int) -> None:
    from itertools import product
    from math import comb

    from tipframe.reach.places import choose

    rows = 20_000
    rng = np.random.default_rng(11)
    table = np.tile(np.array(supply, np.int64), (rows, 1))
    drawn = choose([rng], np.zeros(rows, np.int64), table, np.full(rows, units, np.int64))
    assert (drawn.sum(axis=1) == units).all()
    assert (drawn <= table).all()
    seen: dict[tuple[int, ...], int] = {}
    for row in map(tuple, drawn.tolist()):
        seen[row] = seen.get(row, 0) + 1
    total = comb(sum(supply), units)
    for counts in product(*(range(s + 1) for s in supply)):
        if sum(counts) != units:
            continue
        p = np.prod([comb(s, c) for s, c in zip(supply, counts, strict=True)]) / total
        expected = rows * p
        assert abs(seen.get(counts, 0) - expected) <= 4.5 * np.sqrt(expected * (1 - p)) + 1e-9, counts
