"""Each example carries its case study's central facts in structured fields, not in prose or x- keys.

Every example file is listed with the fields it exercises and what they hold; a fact the case
study states that only a description carried would fail here.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import tipframe

from .conftest import EXAMPLES

#: example -> {dotted path: the value the case study states, or ... for "present and not empty"}
FIELDS: dict[str, dict[str, Any]] = {
    # Case study 000 (SVRU, Help the Helpers): 12 frontline workers, ten weekly two-hour online sessions on Zoom,
    # two psychotherapeutic counsellors, resilience and self-care, a co-produced train-the-trainer package.
    "help-the-helpers.yaml": {
        "format": "course", "delivery": "online", "platform": "Zoom", "schedule.sessions": 10,
        "schedule.cadence": "P1W", "schedule.session_length": "PT2H", "facilitation.facilitators": 2,
        "facilitation.roles[0].title": "psychotherapeutic counsellor", "topics": ["resilience", "self-care"],
        "follow_on": "help-the-helpers-ttt", "delivery_records[0].count": 12,
        "approaches": ["strengths-based", "co-produced", "trauma-informed", "community-led"],
    },
    "help-the-helpers-ttt.yaml": {"format": "train-the-trainer", "delivers": "help-the-helpers",
                                  "approaches": ["co-produced"]},
    # Case study 001 (Iriss, Midlothian): a peer-to-peer reflective space, co-designed, for processing vicarious
    # trauma; the NTTP's five principles.
    "midlothian-reflective-practice.yaml": {
        "format": "reflective-practice", "status": "co-design", "partners": ["iriss"],
        "approaches": ["co-designed", "peer-led", "trauma-informed"], "framework": "builtin:nttp",
        "topics": ["reflective-practice", "vicarious-trauma", "peer-support"],
    },
    # Case study 002 (Improvement Service): the NTTP, the shared ambition of the Scottish Government, COSLA and
    # partners; its resources, STILT, the champions network (action learning and 1-1 support), the community of
    # practice, the deep dive events (2020-21, with NES and the Scottish Government), the pledge.
    "nttp.yaml": {
        "format": "strategic-programme", "partners": ["cosla", "nes", "improvement-service"],
        "framework": "builtin:nttp",
        "strands": ["nttp-resources", "stilt", "trauma-champions", "nttp-community-of-practice",
                    "trauma-deep-dive-events"],
    },
    "nttp-resources.yaml": {"format": "self-directed", "resources": ..., "approaches": ["trauma-informed",
                                                                                        "lived-experience"]},
    "stilt.yaml": {"format": "leadership-programme"},
    "trauma-champions.yaml": {"format": "network", "strands": ["trauma-champions-action-learning",
                                                               "trauma-champions-support"]},
    "trauma-champions-action-learning.yaml": {"format": "action-learning-set"},
    "trauma-champions-support.yaml": {"format": "coaching"},
    "nttp-community-of-practice.yaml": {"format": "network", "delivery": "online", "schedule.open_ended": True},
    "trauma-deep-dive-events.yaml": {
        "format": "learning-events", "owner": "improvement-service", "partners": ["nes", "scottish-government"],
        "schedule.start": "2020", "schedule.end": "2021", "status": "ended",
    },
    "leadership-pledge.yaml": {"owner": "scottish-government", "resources[0].type": "pledge"},
    "cosla.yaml": {"sector": "public"},
    # The NES levels as a learning pathway (informed for everyone, then skilled for many), every number illustrative.
    "trauma-informed-session.yaml": {"levels": "builtin:nes-levels", "target_level": "informed"},
    "skilled-pathway.yaml": {"follows": "informed-rollout", "programme": "trauma-skilled-course"},
    # Case study 003 (Research in Practice): openly available resources on practitioner wellbeing, trauma-informed
    # leadership and anti-racism; a guide to a self-care action plan.
    "research-in-practice-wellbeing.yaml": {
        "format": "self-directed", "delivery": "self-directed", "resources": ...,
        "topics": ["staff-wellbeing", "self-care", "vicarious-trauma"],
    },
    # Case study 004 (Manchester): Safe & Together clinics from September 2019, 3 to 5 families a clinic, a
    # Safe & Together trained facilitator, 600+ case discussions by August 2022.
    "safe-and-together-clinics.yaml": {
        "format": "clinic", "cases_per_session.min": 3, "cases_per_session.max": 5, "facilitation.facilitators": 1,
        "facilitation.roles[0].trained_in": "builtin:safe-and-together", "framework": "builtin:safe-and-together",
        "schedule.start": "2019-09", "delivery_records[0].count": 600, "delivery_records[0].qualifier": "at-least",
        "delivery_records[0].since": "2019-09", "delivery_records[0].date": "2022-08",
        "topics": ["domestic-abuse", "peer-support", "reflective-practice"],
    },
    "manchester-clinics-observed.yaml": {"observations[0].value": 600, "observations[0].qualifier": "at-least"},
}  # fmt: skip


def _at(data: Any, path: str) -> Any:
    for part in path.replace("]", "").replace("[", ".").split("."):
        data = data[int(part)] if part.isdigit() else data[part]
    return data


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_the_case_study_s_facts_are_in_structured_fields(name: str) -> None:
    document = tipframe.load(EXAMPLES / name)
    data = tipframe.io.documents.to_data(document)
    for path, value in FIELDS[name].items():
        found = _at(data, path)
        assert found, f"{name}: {path} is empty"
        if value is not ...:
            assert found == value, f"{name}: {path} is {found!r}, not {value!r}"


def test_no_example_carries_a_fact_in_an_extension_key() -> None:
    def keys(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [k for k in node if str(k).startswith("x-")] + [k for v in node.values() for k in keys(v)]
        return [k for v in node for k in keys(v)] if isinstance(node, list) else []

    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert keys(yaml.safe_load(path.read_text())) == [], path.name
