"""Measures across replicates: the median and its 90% interval as headline, the mean named, its Monte Carlo error."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.cli import main
from tipframe.reach.measures import Estimate, describe_summary, reach_series, series_rows, summarise_reach

from .documents import COURSE

WORKFORCE = """\
tipframe: 1
kind: Workforce
id: team
name: One organisation
organisations:
  - {id: a, headcount: 120}
  - {id: b, headcount: 80}
partnerships: [[a, b]]
"""

# One seed trainer who may stop before running a cohort: most cascades take hold and train almost
# everyone, a few die out at once, so the mean falls below most replicates.
FRAGILE = """\
tipframe: 1
kind: CascadePlan
id: fragile
name: A cascade that sometimes dies out
programme: one-week
workforce: team
seed_trainers: [{organisation: a, trainers: 1}]
period: P1W
horizon: 40
tiers:
  - {cohort_size: 10, total_cohorts: 3, completion: 0.9, conversion: 0.6, attrition: 0.03}
"""

HEADLINE = re.compile(
    r"^(?P<label>\S.*?)\s{2,}(?P<value>[\d.,]+)%? \(90% interval (?P<low>[\d.,]+)%? to (?P<high>[\d.,]+)%?\)"
)


def _fragile() -> tuple[CascadePlan, Workforce, Programme]:
    return (
        tipframe.loads(FRAGILE, CascadePlan),
        tipframe.loads(WORKFORCE, Workforce),
        tipframe.loads(COURSE, Programme),
    )


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# -- the estimate of known values ------------------------------------------------------------


def test_an_estimate_of_known_values() -> None:
    e = Estimate.of([5.0, 1.0, math.nan, 3.0, 2.0, 4.0])
    assert e.n == 5  # the NaN is left out
    assert e.median == 3.0
    assert e.low == pytest.approx(1.2)  # 5th percentile, interpolated: 1 + 0.05 * 4
    assert e.high == pytest.approx(4.8)
    assert e.mean == 3.0
    assert e.mcse == pytest.approx(np.std([1, 2, 3, 4, 5], ddof=1) / math.sqrt(5))
    assert e.mcse == pytest.approx(math.sqrt(0.5))


def test_an_estimate_of_nothing_is_all_nan() -> None:
    for values in ([], [math.nan, math.nan]):
        e = Estimate.of(values)
        assert e.n == 0
        assert all(math.isnan(x) for x in (e.median, e.low, e.high, e.mean, e.mcse))


def test_one_value_has_no_monte_carlo_error() -> None:
    e = Estimate.of([0.25])
    assert (e.median, e.low, e.high, e.mean, e.n) == (0.25, 0.25, 0.25, 0.25, 1)
    assert math.isnan(e.mcse)


def test_an_estimate_names_its_columns() -> None:
    columns = Estimate.of([1.0, 3.0]).columns("reach")
    assert list(columns) == ["reach_median", "reach_low", "reach_high", "reach_mean", "reach_mcse"]
    assert columns["reach_mcse"] == pytest.approx(1.0)  # sd sqrt(2) over sqrt(2)


# -- the summary's wording -------------------------------------------------------------------


def test_a_summary_where_cascades_die_out_heads_with_the_median_inside_its_interval() -> None:
    result = tipframe.simulate_reach(*_fragile(), replicates=200, seed=5)
    summary = summarise_reach(result)
    reach = summary.reach
    assert reach.low <= reach.median <= reach.high
    assert reach.mean < reach.median  # the cascades that died pull the mean down
    assert reach.mcse == pytest.approx(np.std(reach_series(result)[:, -1], ddof=1) / math.sqrt(200))
    text = describe_summary(summary, result)
    headlines = [m for m in map(HEADLINE.match, text.splitlines()) if m]
    # reach, trained (share and people), adoption (settings, trainers), maintenance (settings, trainers),
    # depth; indented sub-measures (by the cascade, idle, stopped) are not matched here
    assert len(headlines) >= 7
    for match in headlines:
        assert _number(match["low"]) <= _number(match["value"]) <= _number(match["high"]), match.group(0)
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Reach by week 40")))
    below = next(line for line in lines[start + 1 :] if line.strip().startswith("mean "))
    assert below.strip() == f"mean {100 * reach.mean:.1f}% ± {100 * reach.mcse:.2g}% (Monte Carlo s.e.)"
    assert text.count("(Monte Carlo s.e.)") >= len(headlines)
    assert "median over replicates" in text
    if not reach.low <= reach.mean <= reach.high:
        assert "The mean lies outside its own 90% interval for: Reach by week 40" in text


def test_a_mean_outside_its_interval_is_pointed_out() -> None:
    result = tipframe.simulate_reach(*_fragile(), replicates=200, seed=5)
    summary = summarise_reach(result)
    outside = [
        name
        for name in ("reach", "trained", "adoption_organisations")
        if not getattr(summary, name).low <= getattr(summary, name).mean <= getattr(summary, name).high
    ]
    text = describe_summary(summary, result)
    assert ("The mean lies outside its own 90% interval" in text) == bool(outside)
    assert "quote the median" in text or not outside


def test_the_projection_shows_no_monte_carlo_error() -> None:
    result = tipframe.project_reach(*_fragile())
    summary = summarise_reach(result)
    assert summary.reach.n == 1
    assert math.isnan(summary.reach.mcse)
    assert summary.reach.median == summary.reach.mean == summary.reach.low == summary.reach.high
    text = describe_summary(summary, result)
    assert "no Monte Carlo error" in text
    assert "±" not in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "90% interval" not in text
    assert f"Reach by week 40          {100 * summary.reach.median:.1f}%" in text


# -- the CSV, the DataFrame and the summary agree ----------------------------------------------


def test_csv_frame_and_summary_agree_on_the_last_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "reach.csv"
    assert main(["reach", "--replicates", "30", "--seed", "2", "--csv", str(table)]) == 0
    printed = capsys.readouterr().out
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    workforce = tipframe.load("builtin:help-the-helpers-community", Workforce)
    programme = tipframe.load("builtin:help-the-helpers", Programme)
    result = tipframe.simulate_reach(plan, workforce, programme, replicates=30, seed=2)
    summary = summarise_reach(result)
    assert describe_summary(summary, result) == printed
    with table.open(newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    for name in ("reach", "trained"):
        estimate = getattr(summary, name)
        for field in ("median", "low", "high", "mean", "mcse"):
            assert float(last[f"{name}_{field}"]) == pytest.approx(getattr(estimate, field)), (name, field)
    assert series_rows(result)[-1]["reach_median"] == summary.reach.median
    pytest.importorskip("pandas")
    frame = tipframe.to_frame(result)
    for column in ("trained_median", "trained_low", "trained_high", "trained_mean", "trained_mcse", "reach_mcse"):
        assert frame[column].iloc[-1] == pytest.approx(float(last[column]))
    assert (frame["reach_low"] <= frame["reach_median"]).all()
    assert (frame["reach_median"] <= frame["reach_high"]).all()


def test_the_reach_plot_says_its_line_is_the_mean() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from tipframe import plots

    ax = plots.plot_reach(tipframe.simulate_reach(*_fragile(), replicates=10, seed=1))
    assert "mean of the replicates" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "mean" in ax.get_title()
    import matplotlib.pyplot as pyplot

    pyplot.close(ax.figure)
