"""Tables and notebook displays: DataFrames of results, findings, coverage and analyses; escaped HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

import tipframe
from tipframe import CascadePlan, Programme, ReferralNetwork, Workforce
from tipframe.io.arrays import to_numpy
from tipframe.network import analyse_network

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
CASES = Path(__file__).parent.parent / "cases"
pandas = pytest.importorskip("pandas")


def _result() -> tipframe.ReachResult:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    workforce = tipframe.load("builtin:help-the-helpers-community", Workforce)
    programme = tipframe.load("builtin:help-the-helpers", Programme)
    return tipframe.simulate_reach(plan, workforce, programme, replicates=20, seed=3)


def test_a_result_is_a_table_of_periods() -> None:
    result = _result()
    frame = tipframe.to_frame(result)
    assert list(frame["period"]) == list(range(105))
    people = to_numpy(result.trained)[:, -1] + to_numpy(result.staff_seeds)[:, -1]  # seed trainers are trained too
    assert frame["trained_mean"].iloc[-1] == pytest.approx(people.mean())
    assert (frame["reach_low"] <= frame["reach_high"]).all()


def test_findings_coverage_and_analyses_are_tables() -> None:
    bundle = tipframe.read_bundle([CASES / "weak-programme.yaml"])[0]
    findings = tipframe.check(bundle)
    frame = findings.to_frame()
    assert list(frame["code"]) == [f.code for f in findings]
    assert set(frame.columns) >= {"code", "severity", "message", "file", "line"}
    programme = next(d for d in bundle if isinstance(d, Programme))
    coverage = programme.coverage(tipframe.load("builtin:nttp", tipframe.Framework))
    table = tipframe.to_frame(coverage)
    assert list(table.columns) == ["session", *coverage.principles]
    assert table.shape[0] == len(coverage.sessions)
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", ReferralNetwork)
    analysis = analyse_network(network, tipframe.load("builtin:nes-levels", tipframe.LevelScale))
    services = analysis.to_frame().set_index("service")
    assert services.loc["counselling", "shortfall"] == 8
    assert services.loc["tenancy-support", "dead_end"]
    assert services.loc["food-parcels", "below_level"]
    assert services.loc["counselling", "on_every_route_from"].count(",") == 3


def test_empty_findings_still_make_a_table() -> None:
    frame = tipframe.Findings(()).to_frame()
    assert frame.empty
    assert "code" in frame.columns


def test_notebook_displays_are_html_with_everything_escaped() -> None:
    text = (
        (EXAMPLES / "help-the-helpers.yaml")
        .read_text()
        .replace("name: Help the Helpers", "name: Help the <script>alert(1)</script> Helpers", 1)
    )
    programme = tipframe.loads(text, Programme)
    html = tipframe.to_html(programme)
    assert "<script>" not in html
    assert "Help the &lt;script&gt;alert(1)&lt;/script&gt; Helpers" in html
    assert "<table>" in html
    result_html = tipframe.to_html(_result())
    assert "Reach by week 104" in result_html
    assert "Modelled numbers" in result_html
    findings = tipframe.check(tipframe.read_bundle([CASES / "weak-programme.yaml"])[0])
    assert "TIP205" in findings._repr_html_()
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", ReferralNetwork)
    assert "tenancy-support" in analyse_network(network)._repr_html_()
    assert "illustrative" in tipframe.to_html(network)


def test_documents_display_as_html_in_an_ipython_shell() -> None:
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    from tipframe.report.notebook import register

    shell = interactive.InteractiveShell.instance()
    try:
        assert register(shell)
        programme = tipframe.load("builtin:help-the-helpers", Programme)
        data, _ = shell.display_formatter.format(programme)
        assert "Help the Helpers" in data["text/html"]
        assert "<table>" in data["text/html"]
        findings = tipframe.check(tipframe.read_bundle([CASES / "weak-programme.yaml"])[0])
        data, _ = shell.display_formatter.format(findings)
        assert "TIP205" in data["text/html"]
    finally:
        interactive.InteractiveShell.clear_instance()


def test_objects_without_a_display_are_refused() -> None:
    with pytest.raises(TypeError, match="no table"):
        tipframe.to_frame(object())
    with pytest.raises(TypeError, match="no HTML display"):
        tipframe.to_html(object())


def test_a_recurring_result_is_a_table_of_periods() -> None:
    bundle = tipframe.load_bundle([Path(__file__).parent.parent.parent / "examples"])
    plan = bundle.get("manchester-clinics-plan", tipframe.RecurringPlan)
    result = tipframe.simulate_recurring(
        plan, bundle.get(plan.workforce, Workforce), bundle.get(plan.programme, Programme), replicates=30, seed=4
    )
    frame = tipframe.to_frame(result)
    assert list(frame["period"]) == list(range(37))
    so_far = to_numpy(result.discussions).sum(axis=1)
    assert frame["discussions_so_far_mean"].iloc[-1] == pytest.approx(so_far.mean())
    assert (frame["supported_low"] <= frame["supported_high"]).all()
    assert frame["date"].iloc[-1] == "2022-08-31"


# JupyterLab's own rule for rendered tables, which aligns every cell right (and is more specific than a class)
_JUPYTER = ".jp-RenderedHTMLCommon tbody tr td,.jp-RenderedHTMLCommon th{text-align:right;white-space:nowrap}"


def test_displays_keep_their_alignment_in_jupyter_and_a_sweep_fits_1000_px(tmp_path: Path) -> None:
    import re
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    workforce = tipframe.load(plan.workforce, Workforce)
    grid = {"tiers[0].conversion": [0.05, 0.3], "tiers[0].cohort_size": [6, 12], "uptake": [0.6, 0.9]}
    sweep = tipframe.sweep(plan, workforce, grid=grid, replicates=10)
    display = sweep._repr_html_()
    assert "text-align:left !important" in display
    assert "inf" not in display
    assert "tiers[0]" not in display  # levers in words
    if browser is None:
        pytest.skip("Debian's chromium is not installed: the alignment and width are checked in a browser")
    measure = ("<script>const t=document.querySelector('.tipframe table'),c=t.querySelector('td');"
               "document.body.dataset.width=Math.ceil(t.getBoundingClientRect().width);"
               "document.body.dataset.align=getComputedStyle(c).textAlign;</script>")  # fmt: skip
    page = (f'<html><head><style>{_JUPYTER}</style></head><body><div class="jp-RenderedHTMLCommon" '
            f'style="width:1000px">{display}</div>{measure}</body></html>')  # fmt: skip
    (tmp_path / "sweep.html").write_text(page)
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}",
                          "--dump-dom", (tmp_path / "sweep.html").as_uri()],
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    found = dict(re.findall(r'data-(\w+)="([^"]*)"', dom[dom.index("<body") : dom.index(">", dom.index("<body"))]))
    assert found["align"] == "left"
    assert int(found["width"]) <= 1000


def test_every_summary_is_a_table() -> None:
    import math

    from tipframe.graphs import dissemination_graph, generation_summary

    result = _result()
    summary = tipframe.to_frame(tipframe.summarise_reach(result)).set_index("measure")
    assert summary.loc["reach", "median"] == tipframe.summarise_reach(result).reach.median
    assert summary.loc["eligible", "value"] == 215
    times = summary.loc[[m for m in summary.index if m.startswith("time to")]]
    assert not any(math.isinf(x) for x in times["high"])  # never reached: NaN, never infinity
    generations = tipframe.to_frame(generation_summary(dissemination_graph(result)))
    assert list(generations.columns[:3]) == ["generation", "trainers", "cohorts"]
    needs = tipframe.to_frame(tipframe.training_needs("scotland-public-sector", tipframe.load_bundle([EXAMPLES])))
    assert {"organisation", "role", "level"} <= set(needs.columns)
