"""Learning pathways: stages' people worked out by hand, later stages fed by earlier ones, the engines agreeing,
reproducible runs, and plans that cannot run as one pathway."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import numpy as np
import pytest

import tipframe
from tipframe import Bundle, CascadePlan, LevelScale, Programme, Workforce
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.reach import PlanError
from tipframe.reach.learning_pathway import (
    LearningPathwayResult,
    pathway_plans,
    prepare_pathway,
    simulate_learning_pathway,
)

from .test_backends import ks_critical, ks_statistic

WORKFORCE = """\
tipframe: 1
kind: Workforce
id: staff
name: Staff
levels: builtin:nes-levels
organisations:
  - id: a
    headcount: 80
    roles:
      - id: frontline
        headcount: 40
        required_level: skilled
        levels_held:
          - {level: none, count: 30}
          - {level: informed, count: 10}
      - id: admin
        headcount: 40
        required_level: informed
  - id: b
    headcount: 60
    roles:
      - id: frontline
        headcount: 60
        required_level: skilled
"""

AWARENESS = """\
tipframe: 1
kind: Programme
id: awareness
name: Awareness
format: course
levels: builtin:nes-levels
target_level: informed
group_size: {min: 4, max: 10}
schedule: {cadence: P1W, sessions: 1, session_length: PT2H}
"""

SKILLED = """\
tipframe: 1
kind: Programme
id: skilled-course
name: Skilled course
format: course
levels: builtin:nes-levels
target_level: skilled
group_size: {min: 4, max: 10}
schedule: {cadence: P1W, sessions: 2, session_length: PT3H}
"""

INFORMED_PLAN = """\
tipframe: 1
kind: CascadePlan
id: informed-rollout
name: Informed
programme: awareness
workforce: staff
seed_trainers: [{organisation: a, trainers: 1}, {organisation: b, trainers: 1}]
period: P1W
horizon: 30
tiers: [{cohort_size: 10, completion: {beta: [9, 1]}}]
"""

SKILLED_PLAN = """\
tipframe: 1
kind: CascadePlan
id: skilled-rollout
name: Skilled
programme: skilled-course
workforce: staff
follows: informed-rollout
seed_trainers: [{organisation: a, trainers: 1}, {organisation: b, trainers: 1}]
seeds_are_staff: false
period: P1W
horizon: 30
uptake: 0.8
tiers: [{cohort_size: 8, completion: 0.8}]
"""


def _write(folder: Path, **texts: str) -> Bundle:
    for name, text in texts.items():
        (folder / f"{name}.yaml").write_text(text)
    return tipframe.load_bundle([folder])


@pytest.fixture
def bundle(tmp_path: Path) -> Bundle:
    return _write(tmp_path, staff=WORKFORCE, awareness=AWARENESS, skilled=SKILLED, informed_plan=INFORMED_PLAN,
                  skilled_plan=SKILLED_PLAN)  # fmt: skip


Stages = tuple[tuple[CascadePlan, ...], Workforce, list[Programme], LevelScale]


def _stages(bundle: Bundle, last: str = "skilled-rollout") -> Stages:
    plans = {p.id: p for p in bundle.documents(CascadePlan)}
    chain = pathway_plans(plans[last], plans)
    workforce = bundle.get("staff", Workforce)
    scale = bundle.get(workforce.levels or "", LevelScale)
    return chain, workforce, [bundle.get(p.programme, Programme) for p in chain], scale


def test_each_stage_s_people_by_hand(bundle: Bundle) -> None:
    chain, workforce, programmes, scale = _stages(bundle)
    assert [p.id for p in chain] == ["informed-rollout", "skilled-rollout"]
    informed, skilled = prepare_pathway(chain, workforce, programmes, scale)
    # informed: a's 30 frontline with no level and its 40 admin; b's 60 frontline
    assert informed.eligible.tolist() == [70, 60]
    assert informed.feed is None
    # ready now, less one staff seed trainer each (taken from a's groups in proportion: 30 and 40 of 70)
    assert sum(n for o, n, _ in informed.uptake_groups if o == 0) == 69
    assert sum(n for o, n, _ in informed.uptake_groups if o == 1) == 59
    # skilled: every frontline worker lacks it; only a's 10 informed are ready at the start
    assert skilled.eligible.tolist() == [40, 60]
    assert [n for _, n, _ in skilled.uptake_groups] == [10, 0]
    assert skilled.uptake_weights == (40, 60)
    assert skilled.feed is not None
    # of the informed stage's people (less its staff seeds), the frontline workers go on
    assert skilled.feed.total.tolist() == [69, 59]
    assert skilled.feed.onward.tolist() == [30, 59]


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_a_later_stage_grows_as_the_earlier_trains(bundle: Bundle, backend: str) -> None:
    result = simulate_learning_pathway(*_stages(bundle), replicates=200, seed=4, backend=backend)
    assert isinstance(result, LearningPathwayResult)
    assert result.levels == ("informed", "skilled")
    assert result.holding == (10, 0)
    assert result.needing() == (140, 100)
    informed, skilled = result.stages
    # In b nobody is informed at the start: its skilled trained never exceed its informed a period before
    # (means over replicates; it holds in every replicate, so in the mean too).
    by_org_informed, by_org_skilled = to_numpy(informed.by_organisation), to_numpy(skilled.by_organisation)
    assert (by_org_skilled[1:, 1] <= by_org_informed[:-1, 1] + 1e-9).all()
    assert by_org_skilled[-1, 1] > 30  # and they do arrive: most of b's 60 are skilled by the end
    held = np.stack([result.at_level(t) for t in range(31)])
    assert (np.diff(held, axis=0) >= 0).all()  # a closed workforce: nobody loses a level
    assert (held[-1, :, 0] <= 140).all()
    assert (held[-1, :, 1] <= 100).all()
    assert (held[:, :, 1] <= held[:, :, 0]).all()


def test_three_stages(tmp_path: Path) -> None:
    managers = "      - id: manager\n        headcount: 20\n        required_level: enhanced\n"
    workforce = WORKFORCE.replace("        required_level: informed\n", "        required_level: informed\n" + managers)
    workforce = workforce.replace("headcount: 80", "headcount: 100")
    enhanced = SKILLED.replace("skilled-course", "enhanced-course").replace(
        "target_level: skilled", "target_level: enhanced"
    )
    plan = SKILLED_PLAN.replace("id: skilled-rollout", "id: enhanced-rollout").replace(
        "skilled-course", "enhanced-course"
    )
    plan = plan.replace("follows: informed-rollout", "follows: skilled-rollout")
    bundle = _write(tmp_path, staff=workforce, awareness=AWARENESS, skilled=SKILLED, enhanced=enhanced,
                    informed_plan=INFORMED_PLAN, skilled_plan=SKILLED_PLAN, enhanced_plan=plan)  # fmt: skip
    stages = _stages(bundle, "enhanced-rollout")
    assert [p.id for p in stages[0]] == ["informed-rollout", "skilled-rollout", "enhanced-rollout"]
    scenarios = prepare_pathway(*stages)
    # the managers need all three; of the skilled stage's people (a's 40 and 20, b's 60), a's 20 go on
    assert scenarios[2].eligible.tolist() == [20, 0]
    assert scenarios[2].feed is not None
    assert scenarios[2].feed.onward.tolist() == [20, 0]
    for backend in ("compiled", "reference"):
        result = simulate_learning_pathway(*stages, replicates=100, seed=1, backend=backend)
        assert result.needing() == (160, 120, 20)
        held = np.stack([result.at_level(t) for t in range(31)])
        assert (held[:, :, 2] <= held[:, :, 1]).all()
        assert (held[:, :, 1] <= held[:, :, 0]).all()
        assert held[-1, :, 2].mean() > 5  # the managers get there, three stages on


def test_the_first_stage_is_the_first_plan_on_its_own(tmp_path: Path) -> None:
    # With no levels held and every role needing the first level, the first stage is the first plan alone.
    plain = WORKFORCE.replace(
        "        levels_held:\n          - {level: none, count: 30}\n          - {level: informed, count: 10}\n", ""
    )
    bundle = _write(tmp_path, staff=plain, awareness=AWARENESS, skilled=SKILLED, informed_plan=INFORMED_PLAN,
                    skilled_plan=SKILLED_PLAN)  # fmt: skip
    chain, workforce, programmes, scale = _stages(bundle)
    for backend in ("compiled", "reference"):
        result = simulate_learning_pathway(chain, workforce, programmes, scale, replicates=30, seed=2, backend=backend)
        alone = tipframe.simulate_reach(chain[0], workforce, programmes[0], replicates=30, seed=2, backend=backend)
        assert (to_numpy(result.stages[0].trained) == to_numpy(alone.trained)).all()


def test_the_engines_agree_on_a_pathway(bundle: Bundle) -> None:
    stages = _stages(bundle)
    runs = [simulate_learning_pathway(*stages, replicates=1000, seed=9, backend=b) for b in ("compiled", "reference")]
    for k in range(2):
        a, b = (to_numpy(run.stages[k].trained).astype(np.float64) for run in runs)
        assert ks_statistic(a[:, -1], b[:, -1]) <= ks_critical(1000, 1000)
        gap = np.abs(a.mean(axis=0) - b.mean(axis=0))
        error = np.sqrt(a.var(axis=0, ddof=1) / 1000 + b.var(axis=0, ddof=1) / 1000)
        assert (gap <= 4 * error + 1e-9).all(), k


def test_a_pathway_is_reproducible_however_it_is_split(bundle: Bundle) -> None:
    stages = _stages(bundle)
    here = simulate_learning_pathway(*stages, replicates=40, seed=7)
    again = simulate_learning_pathway(*stages, replicates=40, seed=7)
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        split = simulate_learning_pathway(*stages, replicates=40, seed=7, executor=executor)
    for one, two, three in zip(here.stages, again.stages, split.stages, strict=True):
        assert one == two == three
    other = simulate_learning_pathway(*stages, replicates=40, seed=8)
    assert not (to_numpy(other.stages[1].trained) == to_numpy(here.stages[1].trained)).all()


def test_plans_that_cannot_run_as_one_pathway(bundle: Bundle, tmp_path: Path) -> None:
    chain, workforce, programmes, scale = _stages(bundle)
    leaving = tipframe.loads(SKILLED_PLAN + "turnover: 0.01\n", CascadePlan)
    with pytest.raises(PlanError, match=r"turnover 0\.01: a pathway's workforce is closed"):
        prepare_pathway((chain[0], leaving), workforce, programmes, scale)
    with pytest.raises(PlanError, match="level 'informed' is not above the stage before it"):
        prepare_pathway((chain[1], chain[0]), workforce, programmes[::-1], scale)
    longer = tipframe.loads(SKILLED_PLAN.replace("horizon: 30", "horizon: 31"), CascadePlan)
    with pytest.raises(PlanError, match="another horizon"):
        prepare_pathway((chain[0], longer), workforce, programmes, scale)
    looped = tipframe.loads(INFORMED_PLAN + "follows: skilled-rollout\n", CascadePlan)
    with pytest.raises(PlanError, match="loop: skilled-rollout follows informed-rollout follows skilled-rollout"):
        pathway_plans(chain[1], {"informed-rollout": looped, "skilled-rollout": chain[1]})
    with pytest.raises(PlanError, match="follows 'informed-rollout', which is not in scope"):
        pathway_plans(chain[1], {})
    with pytest.raises(PlanError, match="it is a stage of a learning pathway"):
        tipframe.simulate_reach(chain[1], workforce, programmes[1], replicates=2)
    with pytest.raises(PlanError, match="it is a stage of a learning pathway"):
        tipframe.project_reach(chain[1], workforce, programmes[1])
    with pytest.raises(tipframe.DocumentError, match="cannot follow itself"):
        tipframe.loads(SKILLED_PLAN.replace("follows: informed-rollout", "follows: skilled-rollout"), CascadePlan)


def test_staff_seed_trainers_come_from_those_ready(tmp_path: Path) -> None:
    # A later stage's staff seeds are people ready for it; the stage before's staff seeds never go on.
    seeded = SKILLED_PLAN.replace("seeds_are_staff: false\n", "")
    bundle = _write(tmp_path, staff=WORKFORCE, awareness=AWARENESS, skilled=SKILLED, informed_plan=INFORMED_PLAN,
                    skilled_plan=seeded)  # fmt: skip
    with pytest.raises(PlanError, match="'b' has 1 seed trainers among its staff but 0 ready for the stage"):
        prepare_pathway(*_stages(bundle))
    one = seeded.replace(
        "{organisation: a, trainers: 1}, {organisation: b, trainers: 1}", "{organisation: a, trainers: 1}"
    )
    first = INFORMED_PLAN.replace("{organisation: a, trainers: 1}, ", "{organisation: a, trainers: 3}, ")
    bundle = _write(tmp_path, informed_plan=first, skilled_plan=one)
    _, skilled = prepare_pathway(*_stages(bundle))
    # a's informed stage: 30 frontline and 40 admin less 3 seeds, taken 1 and 2 (largest remainder)
    assert skilled.feed is not None
    assert skilled.feed.total.tolist() == [67, 59]
    assert skilled.feed.onward.tolist() == [29, 59]
    assert [n for o, n, _ in skilled.uptake_groups if o == 0] == [9]  # a's 10 ready, less its seed
    result = simulate_learning_pathway(*_stages(bundle), replicates=100, seed=3)
    held = np.stack([result.at_level(t) for t in range(31)])
    assert (held[:, :, 0] <= 140).all()
    assert (held[:, :, 1] <= 100).all()


def test_a_plan_may_follow_a_built_in_one(tmp_path: Path) -> None:
    text = SKILLED_PLAN.replace("follows: informed-rollout", "follows: builtin:help-the-helpers-rollout")
    plan = tipframe.loads(text, CascadePlan)
    found = pathway_plans(plan, lambda name: tipframe.load(name, CascadePlan))
    assert [p.id for p in found] == ["help-the-helpers-rollout", "skilled-rollout"]


def test_the_command(bundle: Bundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(tmp_path / "skilled_plan.yaml")
    out = tmp_path / "levels.csv"
    assert main(["reach", plan, "--bundle", str(tmp_path), "--replicates", "50", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Learning pathway of 2 stages: informed-rollout (informed), then skilled-rollout (skilled)" in printed
    assert "informed     140 need it; 10 held it at the start; by then" in printed
    assert "Stage 2 of 2, to skilled" in printed
    lines = out.read_text().splitlines()
    assert lines[0].startswith("period,date,level,needing,holding_median")
    assert len(lines) == 1 + 31 * 2
    assert main(["reach", plan, "--bundle", str(tmp_path), "--json", str(tmp_path / "x.json")]) == 2
    assert "--json: not for a learning pathway" in capsys.readouterr().err
    assert main(["reach", plan, "--replicates", "5"]) == 0  # the documents beside the plan are looked in
    apart = tmp_path / "apart"
    apart.mkdir()
    (apart / "skilled_plan.yaml").write_text(SKILLED_PLAN)
    capsys.readouterr()
    assert main(["reach", str(apart / "skilled_plan.yaml"), "--replicates", "5"]) == 1  # nowhere to be found
    assert "no CascadePlan 'informed-rollout'" in capsys.readouterr().err
