"""Training needs analysis: a small case worked out by hand, ranges from unrecorded and suppressed counts, the
command on the Scottish public sector example."""

from __future__ import annotations

from pathlib import Path

import pytest

import tipframe
from tipframe.cli import main
from tipframe.needs import needs_rows, training_needs

from .conftest import EXAMPLES

WORKFORCE = """\
tipframe: 1
kind: Workforce
id: staff
name: Staff
levels: builtin:nes-levels
organisations:
  - id: a
    headcount: 60
    roles:
      - id: frontline
        headcount: 40
        required_level: skilled
        levels_held:
          - {level: none, count: 10}
          - {level: informed, count: 20}
          - {level: skilled, count: 6}
      - id: manager
        headcount: 10
        required_level: enhanced
        levels_held:
          - {level: skilled, qualifier: suppressed}
      - id: porter
        headcount: 10
"""

COURSE = """\
tipframe: 1
kind: Programme
id: course
name: A skilled-level course
format: course
levels: builtin:nes-levels
target_level: skilled
serves: [{level: skilled, roles: [frontline]}]
group_size: {min: 6, max: 10}
facilitation: {facilitators: 2}
schedule: {sessions: 4, session_length: PT3H}
costs: {currency: GBP, price_year: 2025, facilitator_hour: 40, participant_hour: 20, per_participant: 50,
        per_cohort: 100}
"""

AWARENESS = """\
tipframe: 1
kind: Programme
id: awareness
name: Awareness e-learning
format: self-directed
levels: builtin:nes-levels
target_level: informed
"""


@pytest.fixture
def bundle(tmp_path: Path) -> tipframe.Bundle:
    for name, text in (("staff.yaml", WORKFORCE), ("course.yaml", COURSE), ("awareness.yaml", AWARENESS)):
        (tmp_path / name).write_text(text)
    return tipframe.load_bundle([tmp_path])


def test_a_small_case_by_hand(bundle: tipframe.Bundle) -> None:
    result = training_needs("staff", bundle)
    frontline, manager = result.needs
    assert result.unassessed == (("a", "porter"),)
    # frontline: 10 with no level and 20 informed are below skilled; 4 are not recorded
    assert (frontline.below, frontline.unrecorded) == ((30, 34), 4)
    informed, skilled = frontline.steps
    assert (informed.level, informed.people, informed.programmes) == ("informed", (10, 14), ("awareness",))
    assert informed.participant_hours is None  # the e-learning gives no hours
    assert skilled.programmes[0] == "course"  # it serves the role by name, before the built-in course
    assert skilled.hours == 12
    assert skilled.participant_hours == (360, 408)
    assert skilled.cohorts == (3, 4)
    assert skilled.facilitator_hours == (72, 96)
    one_full = 24 * 40 + 120 * 20 + 10 * 50 + 100  # 3,960: a cohort of ten
    four_places = 24 * 40 + 48 * 20 + 4 * 50 + 100  # 2,220
    assert skilled.cost == (3 * one_full, 3 * one_full + four_places)
    assert skilled.currency == "GBP"
    # manager: 1 to 4 (suppressed) hold skilled, 9 are not recorded: 1 to 10 are below enhanced
    assert (manager.below, manager.unrecorded) == ((1, 10), 9)
    assert [(s.level, s.people, s.programmes) for s in manager.steps][2] == ("enhanced", (1, 10), ())


def test_the_text_suppresses_small_counts_and_sums_over_organisations(bundle: tipframe.Bundle) -> None:
    result = training_needs("staff", bundle)
    text = result.describe()
    assert "frontline: needs skilled; 30 to 34 of 40 below it (suppressed (fewer than 5) not recorded)" in text
    assert "summed over 1 organisation\n" in text
    assert "manager: needs enhanced; suppressed (fewer than 5) to 10 of 10 below it" in text
    assert "no programme in scope brings people to enhanced" in text
    assert "GBP 11,880 to GBP 14,100" in text
    assert "a / frontline" in result.describe(organisations=True)
    rows = needs_rows(result)
    assert {r["level"] for r in rows if r["role"] == "frontline"} == {"informed", "skilled"}


def test_a_level_count_needs_its_count_unless_suppressed() -> None:
    with pytest.raises(tipframe.DocumentError, match="a suppressed count has no count"):
        tipframe.loads(WORKFORCE.replace("{level: skilled, qualifier: suppressed}", "{level: skilled}"),
                       tipframe.Workforce)  # fmt: skip
    with pytest.raises(tipframe.DocumentError, match="more than the role's headcount"):
        tipframe.loads(WORKFORCE.replace("count: 20}", "count: 35}"), tipframe.Workforce)


def test_an_unknown_level_is_refused_by_the_bundle(tmp_path: Path) -> None:
    (tmp_path / "staff.yaml").write_text(WORKFORCE.replace("level: informed, count: 20", "level: expert, count: 20"))
    _, problems = tipframe.read_bundle([tmp_path])
    assert any("expert" in p.message for p in problems)


def test_the_command_prints_the_scottish_public_sector_s_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv = tmp_path / "needs.csv"
    args = ["needs", str(EXAMPLES / "scotland-public-sector.yaml"), "--bundle", str(EXAMPLES)]
    assert main([*args, "--csv", str(out_csv)]) == 0
    out, err = capsys.readouterr()
    assert f"wrote {out_csv} (a row an organisation, role and level, CSV)" in err
    assert "frontline: needs skilled;" in out
    assert "by trauma-skilled-course" in out
    assert "12 hours each" in out
    assert out_csv.read_text().startswith("organisation,role,required")
    assert main(["needs", str(EXAMPLES / "help-the-helpers.yaml")]) == 1  # not a workforce


def test_the_upper_bound_leaves_room_for_those_counted_at_or_above(tmp_path: Path) -> None:
    """A suppressed count (1 to 4) or an at-most one cannot put more people below than the role has left."""
    base = WORKFORCE.split("      - id: frontline")[0]
    roles = """\
      - id: frontline
        headcount: 10
        required_level: skilled
        levels_held:
          - {level: none, qualifier: suppressed}
          - {level: skilled, count: 8}
      - id: other
        headcount: 10
        required_level: skilled
        levels_held:
          - {level: none, qualifier: at-most, count: 3}
          - {level: skilled, count: 5}
"""
    (tmp_path / "staff.yaml").write_text(base.replace("headcount: 60", "headcount: 20") + roles)
    first, second = training_needs("staff", tipframe.load_bundle([tmp_path])).needs
    assert first.below == (1, 2)  # 8 of 10 hold skilled: at most 2 are below it
    assert second.below == (0, 5)


def test_what_follows_from_a_small_count_is_withheld_with_it(bundle: tipframe.Bundle) -> None:
    result = training_needs("staff", bundle)
    text = result.describe(threshold=35)  # counts below 35 hidden: the 30 to 34 who need skilled among them
    hidden = "suppressed (fewer than 35)"
    line = f"to skilled: {hidden} to {hidden} people, by course, help-the-helpers; 12 hours each; hours and cost"
    assert line in text
    assert "360" not in text  # 30 people x 12 hours would tell the count
    rows = [r for r in needs_rows(result, threshold=35) if r["role"] == "frontline" and r["level"] == "skilled"]
    assert rows[0]["suppressed"]
    assert (rows[0]["people_low"], rows[0]["participant_hours_low"], rows[0]["cost_low"]) == (None, None, None)
    assert not any(r["suppressed"] for r in needs_rows(result, threshold=1))
