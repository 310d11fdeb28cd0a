"""Peer seeds: greedy over sampled networks against the exhaustive optimum, the engine and baselines."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tipframe
from tipframe.reach.peer import StaffGraph
from tipframe.reach.peer_placement import _reach, component_samples, place_peer_seeds


def network(case: int, people: int = 24) -> StaffGraph:
    rng = np.random.default_rng(case)
    pairs = [(i, j) for i in range(people) for j in range(i + 1, people) if rng.random() < 0.1]
    return StaffGraph.from_edges(people, np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))


def test_greedy_seeds_keep_the_submodular_guarantee_against_every_seed_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ten small networks, one to three seeds: every seed set is tried on the same sampled networks."""
    ratios, equal = [], 0
    for case in range(10):
        graph, seeds = network(case), 1 + case % 3
        result = place_peer_seeds(graph, seeds, 0.3, samples=150, seed=case)
        labels, sizes = component_samples(graph, 0.3, 150, case)
        best = max(_reach(labels, sizes, s).mean() for s in itertools.combinations(range(graph.people), seeds))
        ratios.append(result.reach / best)
        equal += result.reach >= best - 2 * result.reach_se
        assert result.reach >= (1 - 1 / np.e) * best
        assert result.reach >= max(mean for _, _, mean, _ in result.baselines) - 2 * result.reach_se
    with capsys.disabled():
        print(f"\ngreedy / optimum: {np.round(ratios, 3).tolist()}; equal within 2 s.e. in {equal} of 10")
    assert equal >= 8


def test_the_sampled_reach_is_the_engine_s_final_reach() -> None:
    graph = network(3, people=40)
    result = place_peer_seeds(graph, 2, 0.3, samples=400, seed=1)
    uptake = tipframe.simulate_peer_uptake(graph, list(result.people), 0.3, 1.0, replicates=2000, seed=2)
    final = uptake.trained[:, -1]
    assert abs(final.mean() - result.reach) < 4 * np.hypot(final.std(ddof=1) / np.sqrt(final.size), result.reach_se)


def test_settings_out_of_range_are_named() -> None:
    with pytest.raises(ValueError, match="need 1 to 24 seeds"):
        place_peer_seeds(network(0), 0, 0.3)


def test_the_command_places_a_peer_plan_s_first_people(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from tipframe.cli import main

    examples = Path(__file__).parents[2] / "examples"
    once = (examples / "clinics-word-of-mouth.yaml").read_text().replace("\nq: 0.5\n", "\nq: 1\n")
    path = Path(str(tmp_path)) / "once.yaml"
    path.write_text(once.replace("id: clinics-word-of-mouth\n", "id: clinics-word-of-mouth-once\n"))
    assert main(["place", str(path), "--bundle", str(examples), "--seeds", "2", "--replicates", "50", "--quiet"]) == 0
    assert "Greedy seeds over 50 sampled networks" in capsys.readouterr().out
    original = str(examples / "clinics-word-of-mouth.yaml")
    assert main(["place", original, "--bundle", str(examples), "--seeds", "2", "--quiet"]) == 2
    assert "placement is for q = 1" in capsys.readouterr().err


def test_reverse_influence_sampling_keeps_its_guarantee_against_every_seed_set() -> None:
    """IMM's seeds, judged on the sampled networks, against the best of every seed set there."""
    for case in range(6):
        graph, seeds = network(case), 1 + case % 3
        result = place_peer_seeds(graph, seeds, 0.3, method="ris", epsilon=0.3, seed=case)
        labels, sizes = component_samples(graph, 0.3, 400, 100 + case)
        best = max(_reach(labels, sizes, s).mean() for s in itertools.combinations(range(graph.people), seeds))
        chosen = _reach(labels, sizes, result.people).mean()
        assert chosen >= (1 - 1 / np.e - 0.3) * best
        assert result.method == "ris"
        assert result.sets >= 1024


def test_reach_by_a_period_from_reverse_sets_is_the_engine_s() -> None:
    """RR sets walked back ``period`` steps count the people the engine reaches by that period."""
    graph = network(4, people=60)
    for period in (1, 3, None):
        result = place_peer_seeds(graph, 2, 0.3, method="ris", period=period, seed=3)
        uptake = tipframe.simulate_peer_uptake(graph, list(result.people), 0.3, 1.0, replicates=3000, seed=5)
        reached = uptake.trained[:, -1 if period is None else period]
        error = np.hypot(reached.std(ddof=1) / np.sqrt(reached.size), result.reach_se)
        assert abs(reached.mean() - result.reach) < 4 * error, (period, reached.mean(), result.reach)


def test_reverse_sampling_is_reproducible_and_refuses_what_would_not_fit() -> None:
    graph = network(2, people=40)
    first = place_peer_seeds(graph, 2, 0.3, method="ris", seed=9)
    assert first == place_peer_seeds(graph, 2, 0.3, method="ris", seed=9)
    with pytest.raises(MemoryError, match="RR sets of"):
        place_peer_seeds(graph, 2, 0.3, method="ris", epsilon=0.05, memory_limit=4096)
    with pytest.raises(MemoryError, match="RR sets of"):  # refused before the first block is drawn
        place_peer_seeds(graph, 2, 0.3, method="ris", memory_limit=1000)
    assert place_peer_seeds(StaffGraph.from_edges(1, [], []), 1, 0.3, method="ris").people == (0,)
    with pytest.raises(ValueError, match="final reach only"):
        place_peer_seeds(graph, 2, 0.3, method="percolation", period=3)
    assert place_peer_seeds(graph, 2, 0.3, period=3).method == "ris"  # auto: a period needs RIS
