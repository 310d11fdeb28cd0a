"""Bundles: references resolved by id, built-ins always in scope, every problem reported."""

from __future__ import annotations

from pathlib import Path

import pytest

import tipframe
from tipframe import Bundle, DocumentError, Format, Programme

from .conftest import EXAMPLES


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_examples_form_one_bundle() -> None:
    bundle = tipframe.load_bundle([EXAMPLES])
    clinics = bundle.get("safe-and-together-clinics", Programme)
    owner = bundle.get(clinics.owner or "", tipframe.Organisation)
    assert owner.name == "Manchester Children's Services"
    assert bundle.get("builtin:nttp", tipframe.Framework).id == "nttp"
    # fifteen case-study programmes (the champions' two strands, the NTTP's community of practice and deep dive
    # events, the Scottish Government's pledge among them) and the PMTO comparison
    assert len(bundle.documents(Programme)) == 17
    # the national rollout, the PMTO comparison, and the built-in rollout with prices
    assert len(bundle.documents(tipframe.CascadePlan)) == 5
    assert len(bundle.documents(tipframe.RecurringPlan)) == 2  # the Manchester clinics, Midlothian's space
    assert len(bundle.documents(tipframe.Observations)) == 2  # Help the Helpers (simulated), Manchester's 600+


def test_builtins_are_in_scope_without_being_loaded() -> None:
    programme = Programme(id="p", name="P", format=Format.COURSE, framework="builtin:samhsa")
    bundle = Bundle.of([programme])
    assert bundle.get("builtin:samhsa", tipframe.Framework).name.startswith("SAMHSA")
    assert "builtin:nttp" in bundle.refs(tipframe.Framework)


def test_dangling_reference_names_what_is_missing_and_what_exists() -> None:
    programme = Programme(id="p", name="P", format=Format.COURSE, framework="nttp")
    with pytest.raises(DocumentError) as caught:
        Bundle.of([programme])
    (problem,) = caught.value.problems
    assert problem.layer == "bundle"
    assert problem.where == "framework"
    assert "no Framework 'nttp'" in problem.message
    assert "did you mean 'builtin:nttp'" in problem.message
    assert "builtin:samhsa" in problem.message


def test_members_are_checked_against_the_referenced_document(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "p.yaml",
        "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\nframework: builtin:nttp\n"
        "levels: builtin:nes-levels\ntarget_level: skiled\nfacilitation:\n  facilitators: 1\n  roles:\n"
        "    - title: t\n      practice_level: enhanced\nsessions:\n  - number: 1\n    principles: [safety, saftey]\n",
    )
    _, problems = tipframe.read_bundle([tmp_path])
    found = {(p.where, p.line): p.message for p in problems}
    assert set(found) == {("target_level", 8), ("sessions[0].principles[1]", 16)}
    assert "did you mean 'skilled'" in found[("target_level", 8)]
    assert "did you mean 'safety'" in found[("sessions[0].principles[1]", 16)]


def test_user_framework_and_crosswalk_resolve_by_plain_id(tmp_path: Path) -> None:
    _write(
        tmp_path, "f.yaml", "tipframe: 1\nkind: Framework\nid: mine\nname: Mine\nprinciples: [{id: care, name: Care}]\n"
    )
    _write(
        tmp_path,
        "c.yaml",
        "tipframe: 1\nkind: Crosswalk\nid: c\nname: C\nsource: mine\ntarget: builtin:nttp\n"
        "correspondences:\n  - {source: care, targets: [safety, kindness]}\n",
    )
    _, problems = tipframe.read_bundle([tmp_path])
    (problem,) = problems
    assert problem.where == "correspondences[0].targets[1]"
    assert "has no principle 'kindness'" in problem.message
    assert problem.file is not None
    assert problem.file.endswith("c.yaml")


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "tipframe: 1\nkind: Organisation\nid: a\n")
    _write(tmp_path, "b.yaml", "tipframe: 1\nkind: Organisation\nid: b\nname: B\nsector: nope\n")
    with pytest.raises(DocumentError) as caught:
        tipframe.load_bundle([tmp_path])
    files = sorted(Path(p.file or "").name for p in caught.value.problems)
    assert files == ["a.yaml", "b.yaml"]


def test_longer_follow_on_cycles_are_found_once() -> None:
    documents = [
        Programme(id="a", name="A", format=Format.COURSE, follow_on="b"),
        Programme(id="b", name="B", format=Format.COURSE, follow_on="c"),
        Programme(id="c", name="C", format=Format.COURSE, follow_on="a"),
    ]
    with pytest.raises(DocumentError) as caught:
        Bundle.of(documents)
    (problem,) = caught.value.problems
    assert "a -> b -> c -> a" in problem.message


def test_a_file_given_twice_is_read_once() -> None:
    path = EXAMPLES / "iriss.yaml"
    assert len(tipframe.load_bundle([path, path, EXAMPLES / "." / "iriss.yaml"])) == 1


def test_origin_gives_the_file_and_positions() -> None:
    bundle = tipframe.load_bundle(
        [EXAMPLES / "safe-and-together-clinics.yaml", EXAMPLES / "manchester-childrens-services.yaml"]
    )
    clinics = bundle.get("safe-and-together-clinics", Programme)
    origin = bundle.origin(clinics)
    assert origin.file.endswith("safe-and-together-clinics.yaml")
    assert origin.locations.find(("cases_per_session", "min")) == (25, 8)  # "  min: 3" in the example


def test_a_plans_eligible_levels_belong_to_its_workforces_scale() -> None:
    plan = tipframe.loads(
        "tipframe: 1\nkind: CascadePlan\nid: plan\nname: Plan\nprogramme: builtin:help-the-helpers\n"
        "workforce: builtin:help-the-helpers-community\nseed_trainers: [{organisation: foodbank, trainers: 2}]\n"
        "period: P1W\nhorizon: 52\neligible_levels: [skilled, grandmaster]\ntiers: [{cohort_size: 8}]\n",
        tipframe.CascadePlan,
    )
    with pytest.raises(DocumentError) as caught:
        Bundle.of([plan])
    (problem,) = caught.value.problems
    assert (problem.where, problem.code) == ("eligible_levels[1]", "unknown-level")
    assert "LevelScale 'nes-levels' (named by workforce.levels) has no level 'grandmaster'" in problem.message
    (finding,) = tipframe.check([plan], select=["TIP201"])  # tipframe check reports it as an unknown level
    assert finding.where == "eligible_levels[1]"


def test_eligible_levels_need_a_scale_on_the_workforce() -> None:
    workforce = tipframe.Workforce(
        id="teams", name="Teams", organisations=(tipframe.WorkforceOrganisation(id="a", headcount=20),)
    )
    plan = tipframe.CascadePlan(
        id="plan",
        name="Plan",
        programme="builtin:help-the-helpers",
        workforce="teams",
        seed_trainers=(tipframe.SeedTrainers(organisation="a", trainers=1),),
        period=tipframe.Duration(weeks=1),
        horizon=52,
        eligible_levels=("skilled",),
        tiers=(tipframe.Tier(cohort_size=8),),
    )
    with pytest.raises(DocumentError) as caught:
        Bundle.of([workforce, plan])
    (problem,) = caught.value.problems
    assert problem.where == "eligible_levels[0]"
    assert problem.message == "names a level, but Workforce 'teams' (named by workforce) names no level scale (levels)"
