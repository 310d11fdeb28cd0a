"""The practice rules judge fairly: each false alarm and miss found on the case studies, written afresh."""

from __future__ import annotations

from pathlib import Path

import tipframe
from tipframe.checks import CheckOptions, Severity, check

from ..conftest import ROOT

COURSE = """\
tipframe: 1
kind: Programme
id: course
name: A course
format: course
group_size: {{min: 8, max: 12}}
facilitation: {{facilitators: 2}}
{extra}
"""


def _findings(tmp_path: Path, text: str, code: str, options: CheckOptions | None = None) -> list[tipframe.Finding]:
    (tmp_path / "doc.yaml").write_text(text)
    bundle, problems = tipframe.read_bundle([tmp_path])
    assert [p for p in problems if p.layer != "bundle"] == []
    return list(check(bundle, select=[code], options=options or CheckOptions()))


def test_unrecorded_content_is_information_not_a_missing_component(tmp_path: Path) -> None:
    """STILT and the deep-dive events: nothing is recorded of what they cover, so nothing is missing."""
    (finding,) = _findings(tmp_path, COURSE.format(extra=""), "TIP601")
    assert finding.severity is Severity.INFO
    assert "could not be checked" in finding.message


def test_a_course_recorded_without_wellbeing_is_warned_whatever_its_description_says(tmp_path: Path) -> None:
    words = "description: Looks after wellbeing, self-care and resilience; it validates the worker.\n"
    (finding,) = _findings(tmp_path, COURSE.format(extra=words + "topics: [trauma-awareness]"), "TIP601")
    assert finding.severity is Severity.WARNING  # prose is not read: the topics say trauma awareness only
    assert finding.where == "topics"


def test_a_course_that_deliberately_leaves_wellbeing_out_is_not_passed_by_its_prose(tmp_path: Path) -> None:
    words = "description: It deliberately contains no wellbeing, self-care or resilience content.\n"
    (finding,) = _findings(tmp_path, COURSE.format(extra=words + "topics: [trauma-skills]"), "TIP601")
    assert finding.severity is Severity.WARNING


def test_a_wellbeing_topic_passes(tmp_path: Path) -> None:
    assert _findings(tmp_path, COURSE.format(extra="topics: [trauma-skills, self-care]"), "TIP601") == []


PEER_GROUP = """\
tipframe: 1
kind: Programme
id: peer-group
name: A peer-led reflective group
format: reflective-practice
approaches: [peer-led]
group_size: {min: 6, max: 8}
facilitation:
  facilitators: 1
  roles: [{title: peer facilitator, peer: true}]
schedule: {cadence: P1M, open_ended: true}
"""


def test_a_peer_led_group_is_not_held_to_a_counselling_course_s_ratio(tmp_path: Path) -> None:
    assert _findings(tmp_path, PEER_GROUP, "TIP205") == []
    (finding,) = _findings(tmp_path, PEER_GROUP, "TIP205", CheckOptions(peer_participants_per_facilitator=4))
    assert "at most 4 per facilitator" in finding.message  # a host that has a source for a limit sets one


def test_a_course_is_still_held_to_six_per_facilitator(tmp_path: Path) -> None:
    text = COURSE.format(extra="").replace("facilitators: 2", "facilitators: 1")
    (finding,) = _findings(tmp_path, text, "TIP205")
    assert "1 facilitator for groups of 12" in finding.message


def test_an_open_ended_strategic_programme_needs_no_meeting_cadence(tmp_path: Path) -> None:
    text = "tipframe: 1\nkind: Programme\nid: s\nname: S\nformat: strategic-programme\nschedule: {open_ended: true}\n"
    assert _findings(tmp_path, text, "TIP308") == []
    assert len(_findings(tmp_path, PEER_GROUP.replace("cadence: P1M, ", ""), "TIP308")) == 1


def test_one_session_is_one_session(tmp_path: Path) -> None:
    text = COURSE.format(extra="framework: builtin:nttp\nschedule: {sessions: 1, session_length: PT3H}")
    (finding,) = _findings(tmp_path, text, "TIP103")
    assert "its 1 session is not listed" in finding.message


NETWORK = """\
tipframe: 1
kind: ReferralNetwork
id: n
name: N
levels: {levels}
organisations: [{{id: a}}, {{id: b}}, {{id: c}}]
services:
  - {{id: front, name: Front, organisation: a, support: universal, capacity: 50, staff_level: {front}}}
  - {{id: hub, name: Hub, organisation: b, support: targeted, capacity: {hub}, staff_level: enhanced}}
  - {{id: therapy, name: Therapy, organisation: c, support: specialist, capacity: {therapy}, staff_level: specialist}}
pathways:
  - {{from_service: front, to_service: hub, volume: 8}}
  - {{from_service: hub, to_service: therapy, volume: 8}}
entry_points: [front]
"""


def _network(levels: str = "builtin:nes-levels", front: str = "skilled", hub: int = 20, therapy: int = 20) -> str:
    return NETWORK.format(levels=levels, front=front, hub=hub, therapy=therapy)


def test_a_shortfall_at_a_service_is_reported_once(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, _network(therapy=5), "TIP704")
    assert finding.where == "services[2].capacity"


def test_the_only_specialist_service_is_not_a_single_point_on_routes_to_itself(tmp_path: Path) -> None:
    found = _findings(tmp_path, _network(), "TIP702")
    assert [f.where for f in found] == ["services[1]"]  # the hub is; the therapy service is where routes end


def test_a_network_s_own_copy_of_the_nes_scale_is_judged_like_the_built_in(tmp_path: Path) -> None:
    scale = (ROOT / "src" / "tipframe" / "data" / "nes-levels.yaml").read_text().replace("id: nes-levels", "id: my-nes")
    (tmp_path / "scale.yaml").write_text(scale)
    (finding,) = _findings(tmp_path, _network(levels="my-nes", front="informed"), "TIP705")
    assert "below the skilled level it needs" in finding.message


def test_an_observed_count_with_an_assumed_date_is_flagged(tmp_path: Path) -> None:
    text = COURSE.format(extra="topics: [self-care]") + (
        "delivery_records:\n  - {what: people trained, count: 12, date: 2020, source: s}\n"
        "sources: [{id: s, type: report, title: A report}]\n"
        "illustrative:\n  - path: delivery_records[0].date\n    note: assumed\n"
    )
    (finding,) = _findings(tmp_path, text, "TIP310")
    assert finding.where == "delivery_records[0]"
