"""Plots: each draws what it says on the axes it returns, and saves to a non-empty image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, ReferralNetwork, Workforce

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # no screen here; a test may set the backend, the library never does

from tipframe import plots  # noqa: E402

from ..clipping import NOTHING, clipped  # noqa: E402

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
PLAN = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
WORKFORCE = tipframe.load("builtin:help-the-helpers-community", Workforce)
PROGRAMME = tipframe.load("builtin:help-the-helpers", Programme)


@pytest.fixture(autouse=True)
def _closed() -> Any:
    """Each test's figures are closed after it (pyplot keeps every figure it made until then)."""
    yield
    import matplotlib.pyplot as pyplot

    pyplot.close("all")


def _saved(ax: object, tmp_path: Path) -> int:
    """Save the plot, after checking that none of its text falls outside the figure."""
    assert clipped(ax.figure) == NOTHING  # type: ignore[attr-defined]
    path = tmp_path / "plot.png"
    ax.figure.savefig(path)  # type: ignore[attr-defined]
    return path.stat().st_size


def test_reach_over_time_for_several_designs(tmp_path: Path) -> None:
    result = tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=20, seed=1)
    sweep = tipframe.sweep(PLAN, WORKFORCE, grid={"tiers[0].conversion": [0.05, 0.3]}, replicates=10)
    ax = plots.plot_reach([result, sweep])
    assert len(ax.lines) == 3
    assert len(ax.collections) == 3  # one band each
    assert [t.get_text() for t in ax.get_legend().get_texts()][1:] == [
        "conversion 0.05",
        "conversion 0.3",
        "90% of replicates (5th to 95th percentile)",
    ]
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(100 * tipframe.summarise_reach(result).reach.mean)
    assert "modelled" in ax.get_ylabel()
    assert _saved(ax, tmp_path) > 10_000


def test_reach_zooms_to_the_data_and_the_clipping_check_sees_a_cut(tmp_path: Path) -> None:
    import matplotlib.pyplot as pyplot

    plan = tipframe.load(EXAMPLES / "national-rollout.yaml", CascadePlan)
    bundle = tipframe.load_bundle([EXAMPLES])
    result = tipframe.simulate_reach(plan, bundle.get(plan.workforce, Workforce), bundle.get(plan.programme, Programme),
                                     replicates=5, seed=1)  # fmt: skip
    ax = plots.plot_reach(result)
    assert ax.get_ylim()[1] <= 10  # a national rollout's few per cent are drawn large enough to read
    assert plots.plot_reach(result, full_scale=True).get_ylim() == (0, 100)
    projected = plots.plot_reach(tipframe.project_reach(PLAN, WORKFORCE, PROGRAMME, draws=5, check=0))
    assert "draws of the uncertain numbers" in projected.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "mean of the replicates", "90% of replicates (5th to 95th percentile)"]  # fmt: skip
    figure, cut = pyplot.subplots(figsize=(2, 1.5))
    cut.set_title("a title far too long for so small a figure to hold it")
    assert clipped(figure) != [0.0, 0.0, 0.0, 0.0]


def test_a_sweep_as_small_multiples_and_many_designs_on_one_axis(tmp_path: Path) -> None:
    grid = {"tiers[0].conversion": [0.05, 0.3], "tiers[0].cohort_size": [6, 9, 12]}
    sweep = tipframe.sweep(PLAN, WORKFORCE, grid=grid, replicates=10)
    panels = plots.plot_sweep(sweep)
    assert [ax.get_title() for ax in panels][:2] == ["conversion 0.05, cohort size 6", "conversion 0.05, cohort size 9"]
    assert all(len(ax.collections) == 1 for ax in panels)  # each design's own band, the others' means in grey
    assert len(panels[0].lines) == 6
    assert _saved(panels[0], tmp_path) > 10_000
    ax = plots.plot_reach(sweep)
    assert len(ax.collections) == 0  # six bands would blur into one another
    assert _saved(ax, tmp_path) > 10_000


def test_reach_by_organisation_and_who_trained_whom(tmp_path: Path) -> None:
    result = tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=10, seed=1)
    ax = plots.plot_organisation_reach(result)
    assert len(ax.patches) == len(result.organisations)
    # each organisation's 90% interval across replicates, drawn from the replicates' own counts
    eligible = tipframe.to_numpy(result.eligible)
    order = np.argsort(-eligible, kind="stable")
    counts = tipframe.to_numpy(result.organisation_trained)[:, order]
    low, high = np.percentile(counts, [5, 95], axis=0) / eligible[order]
    (lines,) = [c for c in ax.collections if c.get_segments()]
    ends = np.array([(segment[0][0], segment[1][0]) for segment in lines.get_segments()])
    np.testing.assert_allclose(ends, 100 * np.column_stack([low, high]))
    assert "90% interval" in ax.get_xlabel()
    assert clipped(ax.figure) == NOTHING
    projected = plots.plot_organisation_reach(tipframe.project_reach(PLAN, WORKFORCE, PROGRAMME))
    assert not [c for c in projected.collections if c.get_segments()]
    assert "interval" not in projected.get_xlabel()
    ax = plots.plot_dissemination(result)
    from tipframe.graphs import dissemination_graph

    graph = dissemination_graph(result)
    points = sum(len(c.get_offsets()) for c in ax.collections[1:])
    assert points == graph.number_of_nodes()  # every trainer and cohort drawn
    assert _saved(ax, tmp_path) > 5_000


def test_coverage_matrix_and_network(tmp_path: Path) -> None:
    programme = tipframe.load(EXAMPLES / "trauma-skilled-course.yaml", Programme)
    coverage = programme.coverage(tipframe.load("builtin:nttp", tipframe.Framework))
    ax = plots.plot_coverage_matrix(coverage)
    image = ax.images[0].get_array()
    assert image.shape == (len(coverage.sessions), len(coverage.principles))
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", ReferralNetwork)
    ax = plots.plot_network(network)
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) == {s.id for s in network.services}
    assert labels["counselling"].get_fontweight() == "bold"  # over capacity
    assert labels["drop-in"].get_fontweight() == "normal"
    assert _saved(ax, tmp_path) > 10_000


def test_the_network_is_laid_out_in_document_order() -> None:
    # networkx groups a layout's columns into sets, whose order changes from process to process;
    # each column follows the document's order instead.
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", ReferralNetwork)
    ax = plots.plot_network(network)
    heights = {t.get_text(): t.xy[1] for t in ax.texts}
    order = [s.id for s in network.services if s.id in ("community-policing", "youth-work", "drop-in", "food-parcels")]
    assert sorted(order, key=lambda service: heights[service]) == order


def test_text_from_documents_is_drawn_as_written(tmp_path: Path) -> None:
    import attrs

    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", ReferralNetwork)
    named = attrs.evolve(network, name="Costs $5 to $\\frac{ a")  # matplotlib would read mathematics
    ax = plots.plot_network(named)
    assert ax.get_title() == "Costs \\$5 to \\$\\frac{ a"
    assert _saved(ax, tmp_path) > 10_000  # drawn, not refused by the mathematics parser
    hostile = attrs.evolve(network)
    object.__setattr__(hostile, "name", "Pathways \u202eright to left\x1b[2J")  # as checks off could let in
    assert plots.plot_network(hostile).get_title() == "Pathways \\u202eright to left\\x1b[2J"


def test_a_large_network_is_counted_not_drawn_node_by_node(tmp_path: Path) -> None:
    from tipframe.model import NetworkOrganisation, Pathway, Service, Support

    count = plots.DRAWN_UP_TO + 20
    services = tuple(
        Service(id=f"s{i}", name=f"s{i}", organisation="a", support=Support.UNIVERSAL if i % 3 else Support.SPECIALIST)
        for i in range(count)
    )
    network = ReferralNetwork(
        id="large",
        name="Large",
        organisations=(NetworkOrganisation(id="a"),),
        services=services,
        pathways=tuple(Pathway(from_service=f"s{i}", to_service=f"s{i + 1}") for i in range(count - 10)),
        entry_points=("s0",),
    )
    ax = plots.plot_network(network)
    assert "too many to draw one by one" in ax.get_title()
    assert not ax.texts  # no names
    heights = sum(bar.get_height() for bar in ax.patches)
    assert heights == count  # every service counted once
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert labels[0] == "entry point"
    assert labels[-1] == "not reached"
    assert _saved(ax, tmp_path) > 10_000


def test_a_recurring_format_is_drawn_against_what_was_observed(tmp_path: Path) -> None:
    bundle = tipframe.load_bundle([EXAMPLES])
    plan = bundle.get("manchester-clinics-plan", tipframe.RecurringPlan)
    result = tipframe.simulate_recurring(
        plan, bundle.get(plan.workforce, Workforce), bundle.get(plan.programme, Programme), replicates=50, seed=2
    )
    ax = plots.plot_recurring(result)
    median, observed = ax.lines
    assert median.get_ydata()[0] == 0
    assert list(observed.get_xdata()) == [36]
    assert list(observed.get_ydata()) == [600]
    assert "observed: at least 600 by 2022-08" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_ylabel() == "case discussions so far"
    assert _saved(ax, tmp_path) > 10_000
    ax = plots.plot_recurring_reach(result)
    assert len(ax.lines) == 3
    assert ax.lines[0].get_ydata()[0] == 450  # three localities of 150, each with a facilitator at the start
    assert _saved(ax, tmp_path) > 10_000


def test_a_calibration_is_drawn_against_its_priors_and_what_was_observed(tmp_path: Path) -> None:
    observations = tipframe.load(EXAMPLES / "help-the-helpers-observed.yaml", tipframe.Observations)
    result = tipframe.calibrate(PLAN, observations, particles=30, simulations=120, seed=3)
    axes = plots.plot_posterior(result)
    assert [ax.get_title().split("\n")[0] for ax in axes] == list(result.parameters)
    assert _saved(axes[0], tmp_path) > 10_000
    ax = plots.plot_pair(result, "tiers[0].conversion", "tiers[0].attrition")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("tiers[0].conversion", "tiers[0].attrition")
    assert len(ax.collections[0].get_offsets()) == 30
    assert clipped(ax.figure) == NOTHING
    with pytest.raises(ValueError, match="no free parameter 'uptake'"):
        plots.plot_pair(result, "uptake", "tiers[0].attrition")
    ax = plots.plot_predictive(result, draws=20)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "observed: 22 trainers (by period 26)" in legend
    assert "observed: 31 trainers (by period 52)" in legend
    assert ax.get_ylabel() == "trainers"
    assert _saved(ax, tmp_path) > 10_000
