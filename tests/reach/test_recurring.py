"""The recurring-format engine: closed-form cases, invariants, determinism, and its command line."""

from __future__ import annotations

import concurrent.futures
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tipframe
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.reach.recurring import prepare_recurring

from ..conftest import EXAMPLES

WORKFORCE = """
tipframe: 1
kind: Workforce
id: teams
name: Teams
organisations:
  - {{id: east, headcount: {east}}}
  - {{id: west, headcount: {west}}}
"""

PROGRAMME = """
tipframe: 1
kind: Programme
id: clinic
name: Clinic
format: clinic{cases}
facilitation: {{facilitators: {team}}}
schedule: {{open_ended: true}}
"""

PLAN = """
tipframe: 1
kind: RecurringPlan
id: clinics
name: Clinics
programme: clinic
workforce: teams
sites:
  - {{organisation: east, facilitators: {facilitators}, aware: {aware}}}
period: P1W
horizon: {horizon}
cadence: {cadence}
demand: {demand}
awareness: {awareness}
word_of_mouth: {mouth}
facilitator_attrition: {attrition}{wait}
"""


def documents(**given: Any) -> tuple[tipframe.RecurringPlan, tipframe.Workforce, tipframe.Programme]:
    values: dict[str, Any] = {
        "east": 50, "west": 10, "low": 4, "high": 4, "team": 1, "facilitators": 1, "aware": 50, "horizon": 20,
        "cadence": "P1W", "demand": 0.1, "awareness": 0.0, "mouth": 0.0, "attrition": 0.0, "wait": None,
    }  # fmt: skip
    values |= given
    values["wait"] = "" if values["wait"] is None else f"\nwait: {values['wait']}"
    values["cases"] = (
        "" if values["high"] is None else f"\ncases_per_session: {{min: {values['low']}, max: {values['high']}}}"
    )
    return (
        tipframe.loads(PLAN.format(**values), tipframe.RecurringPlan),
        tipframe.loads(WORKFORCE.format(**values), tipframe.Workforce),
        tipframe.loads(PROGRAMME.format(**values), tipframe.Programme),
    )


def series(result: tipframe.RecurringResult, name: str) -> Any:
    return to_numpy(getattr(result, name))


def test_demand_above_capacity_fills_every_meeting_exactly() -> None:
    docs = documents(facilitators=2, demand=10)  # 500 cases a week for two meetings of four
    result = tipframe.simulate_recurring(*docs, replicates=20, seed=1)
    meetings, discussions = series(result, "meetings"), series(result, "discussions")
    assert (meetings[:, 1:] == 2).all()
    assert (discussions[:, 1:] == 4 * meetings[:, 1:]).all()
    assert (discussions[:, 0] == 0).all()


def test_demand_far_below_capacity_discusses_the_poisson_mean() -> None:
    # 50 aware practitioners bring 0.04 cases a week each: Poisson(2) a week, all discussed that week.
    docs = documents(low=100, high=100, demand=0.04)
    result = tipframe.simulate_recurring(*docs, replicates=2000, seed=2)
    per_week = series(result, "discussions")[:, 1:].astype(float)
    assert (series(result, "waiting") == 0).all()
    mean, se = per_week.mean(), per_week.std(ddof=1) / math.sqrt(per_week.size)
    assert abs(mean - 2.0) < 4 * se
    assert abs(per_week.var(ddof=1) - 2.0) < 0.1  # Poisson: the variance is the mean


def test_a_case_waits_no_longer_than_the_plan_allows() -> None:
    docs = documents(demand=1, wait=2)  # 50 a week for one meeting of four: most are dropped
    result = tipframe.simulate_recurring(*docs, replicates=10, seed=3)
    cases, discussions = series(result, "cases"), series(result, "discussions")
    waiting, dropped = series(result, "waiting"), series(result, "dropped")
    padded = np.pad(cases, ((0, 0), (2, 0)))  # what waits at the end of period t came in t, t - 1 or t - 2
    assert (waiting <= padded[:, 2:] + padded[:, 1:-1] + padded[:, :-2]).all()
    assert dropped.sum() > 0
    assert (cases.cumsum(axis=1) == discussions.cumsum(axis=1) + waiting + dropped.cumsum(axis=1)).all()


@settings(max_examples=40, deadline=None)
@given(
    low=st.integers(1, 6),
    spread=st.integers(0, 4),
    team=st.integers(1, 2),
    facilitators=st.integers(1, 5),
    staff=st.integers(1, 40),
    aware=st.integers(0, 40),
    demand=st.floats(0, 3),
    awareness=st.floats(0, 1),
    mouth=st.floats(0, 5),
    attrition=st.floats(0, 0.5),
    wait=st.none() | st.integers(0, 3),
    cadence=st.sampled_from(["P1D", "P1W", "P2W", "P1M"]),
)
def test_every_case_is_discussed_waiting_or_dropped(
    low: int, spread: int, team: int, facilitators: int, staff: int, aware: int, demand: float, awareness: float,
    mouth: float, attrition: float, wait: int | None, cadence: str,
) -> None:  # fmt: skip
    docs = documents(
        low=low, high=low + spread, team=team, facilitators=facilitators, east=staff, aware=min(aware, staff),
        demand=demand, awareness=awareness, mouth=mouth, attrition=attrition, wait=wait, cadence=cadence, horizon=12,
    )  # fmt: skip
    result = tipframe.simulate_recurring(*docs, replicates=3, seed=4)
    s = {name: series(result, name) for name in tipframe.model.recurring.RECURRING_SERIES}
    assert (s["discussions"] <= (low + spread) * s["meetings"]).all()
    assert (s["discussions"] >= 0).all()
    assert (s["waiting"] >= 0).all()
    so_far = s["discussions"].cumsum(axis=1) + s["waiting"] + s["dropped"].cumsum(axis=1)
    assert (s["cases"].cumsum(axis=1) == so_far).all()
    assert (s["supported_recently"] <= s["supported"]).all()
    assert (s["supported"] <= s["aware"]).all()
    assert (s["aware"] <= staff).all()
    assert (np.diff(s["supported"], axis=1) >= 0).all()
    assert (np.diff(s["aware"], axis=1) >= 0).all()
    assert (np.diff(s["facilitators"], axis=1) <= 0).all()
    if wait is None:
        assert (s["dropped"] == 0).all()


def test_meetings_follow_the_cadence_across_period_lengths() -> None:
    weekly_in_months = documents(cadence="P1W")[0]
    plan, workforce, programme = documents()
    monthly = tipframe.loads(
        tipframe.dumps(weekly_in_months).replace("period: P1W", "period: P1M").replace("horizon: 20", "horizon: 12"),
        tipframe.RecurringPlan,
    )
    held = prepare_recurring(monthly, workforce, programme).held
    assert set(held[1:].tolist()) == {4, 5}
    assert held.sum() == 53
    fortnightly = tipframe.loads(tipframe.dumps(plan).replace("cadence: P1W", "cadence: P2W"), tipframe.RecurringPlan)
    assert prepare_recurring(fortnightly, workforce, programme).held[1:6].tolist() == [1, 0, 1, 0, 1]


def test_replicates_are_the_same_however_they_are_split() -> None:
    docs = documents(demand={"gamma": [2, 0.05]}, awareness={"beta": [1, 20]}, mouth=1.0, aware=5, attrition=0.05)
    whole = tipframe.simulate_recurring(*docs, replicates=30, seed=9)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        split = tipframe.simulate_recurring(*docs, replicates=30, seed=9, executor=pool, chunks=7)
    assert tipframe.to_data(split) == tipframe.to_data(whole)
    first = tipframe.simulate_recurring(*docs, replicates=5, seed=9)
    assert (series(first, "discussions") == series(whole, "discussions")[:5]).all()


def test_word_of_mouth_spreads_awareness_from_those_supported() -> None:
    quiet = tipframe.simulate_recurring(*documents(aware=2, demand=0.5), replicates=200, seed=5)
    talked = tipframe.simulate_recurring(*documents(aware=2, demand=0.5, mouth=3.0), replicates=200, seed=5)
    assert (series(quiet, "aware") == 2).all()
    assert series(talked, "aware")[:, -1].mean() > 10


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"aware": 60}, "sites[0].aware: 60 practitioners aware, but 'east' has 50 eligible staff"),
        ({"high": None}, "gives neither cases_per_session nor group_size"),
    ],
)
def test_plans_that_cannot_run_say_why(given: dict[str, Any], words: str) -> None:
    plan, workforce, programme = documents(**given)
    with pytest.raises(tipframe.PlanError, match=words.replace("[", r"\[").replace("]", r"\]")):
        tipframe.simulate_recurring(plan, workforce, programme, replicates=1)


def test_a_result_reloads_exactly(tmp_path: Path) -> None:
    result = tipframe.simulate_recurring(*documents(), replicates=4, seed=6)
    tipframe.dump(result, tmp_path / "r.json", format="json")
    again = tipframe.load(tmp_path / "r.json", tipframe.RecurringResult)
    assert again == result


def test_the_clinics_example_runs_and_is_set_against_the_600(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(EXAMPLES / "manchester-clinics-plan.yaml")
    out = tmp_path / "clinics.json"
    table = tmp_path / "clinics.csv"
    code = main(["reach", plan, "--bundle", str(EXAMPLES), "--replicates", "200", "--json", str(out), "--csv",
                 str(table), "--quiet", "--workers", "1"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "cases discussed" in text
    assert "90% interval" in text
    assert "Observed: at least 600 case discussions with practitioners from 2019-09 to 2022-08" in text
    assert "modelled, periods 1-36" in text
    rows = table.read_text().splitlines()
    assert rows[0].startswith("period,date,discussions_median")
    assert len(rows) == 38
    assert json.loads(out.read_text())["kind"] == "RecurringResult"
    assert main(["reach", "--rerun", str(out)]) == 0
    assert "reproduced bit for bit" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "code", "words"),
    [
        (["--projection"], 2, "--projection goes with a cascade plan"),
        (["--backend", "reference"], 2, "--backend goes with a cascade or peer plan"),
    ],
)
def test_cascade_options_are_refused_for_a_recurring_plan(
    options: list[str], code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(EXAMPLES / "manchester-clinics-plan.yaml")
    assert main(["reach", plan, "--bundle", str(EXAMPLES), *options]) == code
    assert words in capsys.readouterr().err


def test_a_document_that_is_not_a_plan_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", str(EXAMPLES / "safe-and-together-clinics.yaml")]) == 1
    assert "expected a CascadePlan, RecurringPlan or PeerPlan document, found Programme" in capsys.readouterr().err


def test_a_plan_that_cannot_run_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan, workforce, programme = documents(aware=60)
    for document, name in ((plan, "plan"), (workforce, "workforce"), (programme, "programme")):
        tipframe.dump(document, tmp_path / f"{name}.yaml")
    assert main(["reach", str(tmp_path / "plan.yaml"), "--bundle", str(tmp_path), "--quiet"]) == 1
    assert "sites[0].aware" in capsys.readouterr().err


def test_sites_join_in_their_first_period_and_give_access_from_then() -> None:
    plan, workforce, programme = documents(facilitators=1, demand=0.2)
    later = tipframe.loads(
        tipframe.dumps(plan).replace("aware: 50\n", "aware: 50\n  starts: 5\n"), tipframe.RecurringPlan
    )
    result = tipframe.simulate_recurring(later, workforce, programme, replicates=20, seed=7)
    access, meetings = series(result, "access"), series(result, "meetings")
    assert (access[:, :5] == 0).all()
    assert (meetings[:, :5] == 0).all()
    assert (series(result, "cases")[:, :5] == 0).all()
    assert (access[:, 5:] == 50).all()
    assert (series(result, "aware")[:, 5:] == 50).all()


def test_a_plan_may_give_the_capacity_its_programme_does_not() -> None:
    plan, workforce, programme = documents(high=None, demand=10)
    group = tipframe.loads(tipframe.dumps(plan) + "capacity: {min: 7, max: 7}\n", tipframe.RecurringPlan)
    result = tipframe.simulate_recurring(group, workforce, programme, replicates=5, seed=8)
    assert (series(result, "discussions")[:, 1:] == 7).all()


def test_the_midlothian_space_rolls_out_with_nothing_saying_it_cannot(capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tipframe.load_bundle([EXAMPLES])
    findings = tipframe.check(bundle)
    midlothian = [f for f in findings if "midlothian" in (f.file or "")]
    assert [f.code for f in midlothian] == ["TIP103"]  # principle coverage unknown: no sessions designed yet
    plan = str(EXAMPLES / "midlothian-reflective-rollout.yaml")
    assert main(["reach", plan, "--bundle", str(EXAMPLES), "--replicates", "50", "--quiet", "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "staff with access" in text
    assert "came, last 6" in text


def test_a_programme_in_co_design_is_not_judged_on_its_schedule() -> None:
    text = "tipframe: 1\nkind: Programme\nid: space\nname: Space\nformat: reflective-practice\n"
    text += "schedule: {open_ended: true}\n"
    settled = tipframe.check(tipframe.loads(text, tipframe.Programme))
    designing = tipframe.check(tipframe.loads(text + "status: co-design\n", tipframe.Programme))
    assert {"TIP301", "TIP308"} <= {f.code for f in settled}
    assert not {f.code for f in designing} & {"TIP301", "TIP308"}


def test_action_learning_sets_and_coaching_are_formats() -> None:
    sets = tipframe.load(EXAMPLES / "trauma-champions-action-learning.yaml", tipframe.Programme)
    support = tipframe.load(EXAMPLES / "trauma-champions-support.yaml", tipframe.Programme)
    assert sets.format is tipframe.Format.ACTION_LEARNING_SET
    assert support.format is tipframe.Format.COACHING
    assert str(support.group_size) == "1"
    network = tipframe.load(EXAMPLES / "trauma-champions.yaml", tipframe.Programme)
    assert set(network.strands) == {sets.id, support.id}


STAR = """
tipframe: 1
kind: Workforce
id: teams
name: Teams
organisations: [{id: east, headcount: 6}, {id: west, headcount: 1}]
staff_network:
  people: [east, east, east, east, east, east, west]
  edges: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 6]]
"""


def test_word_of_mouth_per_tie_follows_the_staff_network() -> None:
    plan, _, programme = documents(aware=1, demand=10)
    workforce = tipframe.loads(STAR, tipframe.Workforce)
    told = tipframe.loads(tipframe.dumps(plan) + "word_of_mouth_per_tie: 1\n", tipframe.RecurringPlan)
    result = tipframe.simulate_recurring(told, workforce, programme, replicates=5, seed=1)
    aware = series(result, "aware")
    assert (aware[:, :2] == 1).all()  # person 0 alone knows, until their first case is discussed
    assert (aware[:, 2:] == 5).all()  # then their four colleagues at the site; person 5 has no tie
    assert (series(result, "access") == 6).all()  # a site's practitioners are its people in the network
    silent = tipframe.loads(tipframe.dumps(plan) + "word_of_mouth_per_tie: 0\n", tipframe.RecurringPlan)
    assert (series(tipframe.simulate_recurring(silent, workforce, programme, replicates=3), "aware") == 1).all()


def test_word_of_mouth_per_tie_needs_a_network_and_excludes_mixing() -> None:
    plan, workforce, programme = documents()
    told = tipframe.loads(tipframe.dumps(plan) + "word_of_mouth_per_tie: 0.5\n", tipframe.RecurringPlan)
    with pytest.raises(tipframe.PlanError, match="word_of_mouth_per_tie needs a staff network"):
        tipframe.simulate_recurring(told, workforce, programme, replicates=1)
    with pytest.raises(tipframe.DocumentError, match="not both"):
        tipframe.loads(tipframe.dumps(plan) + "word_of_mouth: 1\nword_of_mouth_per_tie: 0.5\n", tipframe.RecurringPlan)


def test_every_case_is_accounted_for_over_a_staff_network() -> None:
    teams = tipframe.load(EXAMPLES / "childrens-services-teams.yaml", tipframe.Workforce)
    _, _, programme = documents()
    sites = "".join(f"\n  - {{organisation: {o.id}, facilitators: 1, aware: 1}}" for o in teams.organisations)
    text = PLAN.format(
        facilitators=1, aware=1, horizon=30, cadence="P2W", demand=0.3, awareness=0.01, mouth=0, attrition=0.02,
        wait="\nwait: 1",
    ).replace("workforce: teams", "workforce: childrens-services-teams")  # fmt: skip
    text = text.replace("sites:\n  - {organisation: east, facilitators: 1, aware: 1}", "sites:" + sites)
    plan = tipframe.loads(text + "word_of_mouth_per_tie: 0.3\n", tipframe.RecurringPlan)
    result = tipframe.simulate_recurring(plan, teams, programme, replicates=40, seed=5)
    s = {name: series(result, name) for name in tipframe.model.recurring.RECURRING_SERIES}
    assert (
        s["cases"].cumsum(axis=1) == s["discussions"].cumsum(axis=1) + s["waiting"] + s["dropped"].cumsum(axis=1)
    ).all()
    assert (s["supported"] <= s["aware"]).all()
    assert (s["aware"] <= 60).all()
    assert (np.diff(s["aware"], axis=1) >= 0).all()
    assert s["aware"][:, -1].mean() > 6  # word spread beyond the six who knew


def test_a_programme_that_needs_no_facilitator_runs_a_group_for_each() -> None:
    plan, workforce, programme = documents(team=0, facilitators=2, demand=10)
    result = tipframe.simulate_recurring(plan, workforce, programme, replicates=3, seed=1)
    assert (series(result, "meetings")[:, 1:] == 2).all()
    assert (series(result, "access") == 50).all()


def test_a_count_the_plan_does_not_cover_is_named_not_compared() -> None:
    bundle = tipframe.load_bundle([EXAMPLES])
    plan = bundle.get("manchester-clinics-plan", tipframe.RecurringPlan)
    short = tipframe.loads(tipframe.dumps(plan).replace("horizon: 36", "horizon: 24"), tipframe.RecurringPlan)
    docs = short, bundle.get(plan.workforce, tipframe.Workforce), bundle.get(plan.programme, tipframe.Programme)
    result = tipframe.simulate_recurring(*docs, replicates=20, seed=1)
    summary = tipframe.summarise_recurring(result)
    assert summary.observed == ()
    assert [r.count for r in summary.uncompared] == [600]
    text = tipframe.reach.recurring_measures.describe_recurring(summary, result)
    assert "not compared, as the plan's periods, from its start to its horizon, do not cover that window" in text


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("capacity: {min: 7}\n", "a meeting's capacity needs a max"),
        ("eligible_roles: [nurse]\nword_of_mouth_per_tie: 0.2\n", "cannot go with eligible_roles"),
    ],
)
def test_plans_that_contradict_themselves_are_invalid(extra: str, words: str) -> None:
    plan = documents()[0]
    with pytest.raises(tipframe.DocumentError, match=words):
        tipframe.loads(tipframe.dumps(plan) + extra, tipframe.RecurringPlan)


def test_an_absurd_demand_is_refused_before_it_runs() -> None:
    docs = documents(demand=1_000_000, horizon=12)
    with pytest.raises(tipframe.MemoryLimitError, match="cases waiting"):
        tipframe.simulate_recurring(*docs, replicates=1, memory_limit=2**30)


def test_the_workforce_given_is_used_and_checked(capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(EXAMPLES / "manchester-clinics-plan.yaml")
    other = str(EXAMPLES / "midlothian-staff-teams.yaml")
    assert main(["reach", plan, "--bundle", str(EXAMPLES), "--workforce", other, "--quiet"]) == 1
    assert "the plan names workforce 'manchester-clinics-workforce'" in capsys.readouterr().err


def test_a_network_file_that_cannot_be_read_exits_2_and_one_that_changed_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    np.savez(tmp_path / "net.npz", source=np.array([0]), target=np.array([1]), organisation=np.array([0, 0]))
    digest = tipframe.reach.peer.file_sha256(tmp_path / "net.npz")
    workforce = STAR.replace(
        "staff_network:\n  people: [east, east, east, east, east, east, west]\n"
        "  edges: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 6]]\n",
        f"staff_network: {{file: net.npz, sha256: {digest}}}\n",
    )
    (tmp_path / "teams.yaml").write_text(workforce)
    peer = "tipframe: 1\nkind: PeerPlan\nid: spread\nname: Spread\nworkforce: teams\np: 0.5\n"
    peer += "seed_people: [0]\nhorizon: 5\n"
    (tmp_path / "peer.yaml").write_text(peer)
    run = ["reach", str(tmp_path / "peer.yaml"), "--bundle", str(tmp_path), "--quiet", "--replicates", "5"]
    assert main([*run, "--json", str(tmp_path / "peer.json")]) == 0
    assert main(["reach", "--rerun", str(tmp_path / "peer.json")]) == 0  # the network file beside the result
    capsys.readouterr()
    np.savez(tmp_path / "net.npz", source=np.array([1]), target=np.array([0]), organisation=np.array([0, 0]))
    assert main(run) == 1
    assert "SHA-256" in capsys.readouterr().err
    (tmp_path / "net.npz").unlink()
    assert main(run) == 2
    assert "Traceback" not in capsys.readouterr().err
