"""Peer uptake as a document: a PeerPlan run from Python and from the command line, saved and rerun."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tipframe
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.reach.peer_plan import seed_people

from ..conftest import EXAMPLES

PLAN = EXAMPLES / "clinics-word-of-mouth.yaml"


def documents() -> tuple[tipframe.PeerPlan, tipframe.Workforce]:
    bundle = tipframe.load_bundle([EXAMPLES])
    plan = bundle.get("clinics-word-of-mouth", tipframe.PeerPlan)
    return plan, bundle.get(plan.workforce, tipframe.Workforce)


def test_the_plan_runs_the_peer_engine_with_its_seeds() -> None:
    plan, workforce = documents()
    result = tipframe.simulate_peer_plan(plan, workforce, replicates=300, seed=1)
    graph = tipframe.StaffGraph.from_workforce(workforce)
    direct = tipframe.simulate_peer_uptake(graph, seed_people(plan, graph).tolist(), plan.p, plan.q, replicates=300,
                                           seed=1, max_periods=plan.horizon)  # fmt: skip
    trained = to_numpy(result.trained)
    assert trained.shape == (300, plan.horizon + 1)
    assert (trained[:, 0] == 2).all()
    assert (np.diff(trained, axis=1) >= 0).all()
    assert (trained[:, : direct.trained.shape[1]] == direct.trained).all()  # the same engine, the same streams
    assert (trained[:, direct.trained.shape[1] - 1 :] == trained[:, -1:]).all()  # carried to the horizon


def test_seeds_by_organisation_are_its_first_people() -> None:
    plan, workforce = documents()
    graph = tipframe.StaffGraph.from_workforce(workforce)
    north = graph.organisations.index("assessment-north")
    people = seed_people(plan, graph)
    assert (graph.organisation[people] == north).all()
    assert people.tolist() == np.flatnonzero(graph.organisation == north)[:2].tolist()


def test_too_many_seeds_for_an_organisation_say_so() -> None:
    plan, workforce = documents()
    crowded = tipframe.loads(tipframe.dumps(plan).replace("people: 2", "people: 11"), tipframe.PeerPlan)
    with pytest.raises(tipframe.PlanError, match=r"seeds\[0\].people: 11 people start in 'assessment-north'"):
        tipframe.simulate_peer_plan(crowded, workforce, replicates=2)


def test_a_plan_must_say_who_starts() -> None:
    text = PLAN.read_text().replace("seeds:\n  - {organisation: assessment-north, people: 2}\n", "")
    with pytest.raises(tipframe.DocumentError, match="name who starts"):
        tipframe.loads(text, tipframe.PeerPlan)


def test_the_command_line_runs_saves_and_reruns_a_peer_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, table = tmp_path / "peer.json", tmp_path / "peer.csv"
    code = main(["reach", str(PLAN), "--bundle", str(EXAMPLES), "--replicates", "300", "--quiet", "--workers", "1",
                 "--json", str(out), "--csv", str(table)])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "(PeerPlan clinics-word-of-mouth)" in text
    assert "reached by the horizon" in text
    assert "90% interval" in text
    rows = table.read_text().splitlines()
    assert rows[0].startswith("period,date,reached_median")
    assert len(rows) == 54
    assert json.loads(out.read_text())["kind"] == "PeerResult"
    assert main(["reach", "--rerun", str(out)]) == 0
    assert "reproduced bit for bit" in capsys.readouterr().out
    assert main(["reach", str(PLAN), "--bundle", str(EXAMPLES), "--projection"]) == 2


def test_a_peer_result_is_a_table_and_a_plot(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from tipframe import plots

    result = tipframe.simulate_peer_plan(*documents(), replicates=100, seed=2)
    frame = tipframe.to_frame(result)
    assert frame["reached_mean"].iloc[-1] == pytest.approx(to_numpy(result.trained)[:, -1].mean())
    ax = plots.plot_peer(result)
    from ..clipping import NOTHING, clipped

    assert clipped(ax.figure) == NOTHING
    assert len(ax.lines) == 1
    assert ax.get_ylim()[0] == 0
    ax.figure.savefig(tmp_path / "peer.png")
    assert (tmp_path / "peer.png").stat().st_size > 10_000
    again = tipframe.loads(tipframe.dumps(result, "json"), tipframe.PeerResult, format="json")
    assert again == result
