"""Sweeps over plan designs: every combination simulated, the same numbers on any executor."""

from __future__ import annotations

import concurrent.futures
import csv
import json
from pathlib import Path

import pytest

import tipframe
from tipframe import CascadePlan, Workforce

PLAN = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
WORKFORCE = tipframe.load("builtin:help-the-helpers-community", Workforce)
GRID = {
    "tiers[0].cohort_size": [6, 8, 10, 12, 14],
    "tiers[0].conversion": [0.05, 0.1, 0.2, 0.3, {"beta": [3, 17]}],
    "tiers[0].total_cohorts": [2, 4],
}  # 50 designs


def _numbers(result: tipframe.SweepResult) -> str:
    """Every number of a sweep as text, so that NaN compares equal to NaN."""
    return json.dumps([(row, s.trained_mean) for row, s in zip(result.rows(), result.scenarios, strict=True)])


def test_a_grid_runs_every_combination_in_order() -> None:
    result = tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].cohort_size": [6, 12], "horizon": [26, 52]}, replicates=5)
    assert [dict(s.values) for s in result.scenarios] == [
        {"tiers[0].cohort_size": 6, "horizon": 26},
        {"tiers[0].cohort_size": 6, "horizon": 52},
        {"tiers[0].cohort_size": 12, "horizon": 26},
        {"tiers[0].cohort_size": 12, "horizon": 52},
    ]
    assert [s.summary.horizon for s in result.scenarios] == [26, 52, 26, 52]
    assert [len(s.trained_mean) for s in result.scenarios] == [27, 53, 27, 53]


def test_a_scenario_gives_the_same_numbers_in_any_sweep_and_any_executor() -> None:
    both = tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].conversion": [0.1, 0.3]}, replicates=20, seed=4)
    alone = tipframe.sweep(PLAN, WORKFORCE, scenarios=[{"tiers[0].conversion": 0.3}], replicates=20, seed=4)
    assert alone.scenarios[0].key == both.scenarios[1].key
    assert json.dumps(alone.scenarios[0].trained_mean) == json.dumps(both.scenarios[1].trained_mean)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        threaded = tipframe.sweep(
            PLAN, WORKFORCE, grid={"tiers[0].conversion": [0.1, 0.3]}, replicates=20, seed=4, executor=pool
        )
    assert _numbers(threaded) == _numbers(both)
    other_seed = tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].conversion": [0.1, 0.3]}, replicates=20, seed=5)
    assert _numbers(other_seed) != _numbers(both)


def test_fifty_designs_give_identical_numbers_locally_and_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    local = tipframe.sweep(PLAN, WORKFORCE, grid=GRID, replicates=10, seed=2)
    assert len(local.scenarios) == 50
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = tipframe.sweep(PLAN, WORKFORCE, grid=GRID, replicates=10, seed=2, executor=client)
    assert _numbers(remote) == _numbers(local)


def test_bad_keys_and_values_are_named() -> None:
    with pytest.raises(KeyError, match=r"the plan has no tiers\[3\]"):
        tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[3].cohort_size": [8]}, replicates=1)
    with pytest.raises(tipframe.DocumentError, match=r"tiers\[0\]\.cohort_size"):
        tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].cohort_size": [-1]}, replicates=1)
    with pytest.raises(ValueError, match="a grid or a list of scenarios"):
        tipframe.sweep(PLAN, WORKFORCE, replicates=1)
    with pytest.raises(TypeError, match="must be a list of values"):
        tipframe.sweep(PLAN, WORKFORCE, grid={"horizon": 52}, replicates=1)  # type: ignore[dict-item]


def test_variant_sets_any_field() -> None:
    changed = tipframe.variant(PLAN, {"tiers[0].completion": {"beta": [8, 2]}, "horizon": 30})
    assert changed.horizon == 30
    assert changed.tiers[0].completion.mean() == pytest.approx(0.8)
    assert PLAN.horizon == 104  # the original is untouched


def test_results_export_as_csv_and_tables(tmp_path: Path) -> None:
    result = tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].conversion": [0.1, {"beta": [3, 17]}]}, replicates=5)
    result.to_csv(tmp_path / "sweep.csv")
    with (tmp_path / "sweep.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["tiers[0].conversion"] for r in rows] == ["0.1", '{"beta": [3, 17]}']
    assert float(rows[0]["reach"]) == pytest.approx(result.scenarios[0].summary.reach.median)
    assert float(rows[0]["reach_mean"]) == pytest.approx(result.scenarios[0].summary.reach.mean)
    pytest.importorskip("pandas")
    frame = result.to_frame()
    assert list(frame["scenario"]) == [0, 1]
    pytest.importorskip("pyarrow")
    result.to_parquet(tmp_path / "sweep.parquet")
    import pandas

    again = pandas.read_parquet(tmp_path / "sweep.parquet")
    assert list(again["reach"]) == list(frame["reach"])


def test_progress_is_reported_and_drawn_only_at_a_terminal() -> None:
    import io

    seen: list[tuple[int, int]] = []
    tipframe.sweep(
        PLAN, WORKFORCE, grid={"horizon": [10, 20, 30]}, replicates=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    for stream in (screen, pipe):
        bar = tipframe.terminal_progress("sweeping", stream)
        bar(1, 2)
        bar(2, 2)
    assert "sweeping: 100%" in screen.getvalue()
    assert screen.getvalue().endswith("\n")
    assert pipe.getvalue() == ""


def test_csv_of_scenarios_that_set_different_fields(tmp_path: Path) -> None:
    result = tipframe.sweep(PLAN, WORKFORCE, scenarios=[{"horizon": 30}, {"tiers[0].cohort_size": 6}], replicates=2)
    result.to_csv(tmp_path / "mixed.csv")
    with (tmp_path / "mixed.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["horizon"] == "30"
    assert rows[0]["tiers[0].cohort_size"] == ""
    assert rows[1]["tiers[0].cohort_size"] == "6"
