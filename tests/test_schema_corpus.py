"""The JSON Schemas are as strict as a schema can be: every bad document in the corpus that tipframe refuses is
refused by its kind's schema too, but for the rules listed here, which a schema cannot state."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

import tipframe
from tipframe.model.kinds import KINDS

from .conftest import CASES

#: a YAML parser hands a schema values these documents' problems are already gone from
PARSE = "parse level: the YAML is read before any schema sees it"
#: rules between fields a schema's keywords cannot compare
FIELDS = "a rule between fields, or between a field and the rest of the document"
#: references to other documents, and what they hold
DOCUMENTS = "a reference to another document, or what it holds"
#: ids unique within a list: uniqueItems compares whole items, not one key
UNIQUE = "ids unique within a list (uniqueItems compares whole items)"

EXCEPTIONS: dict[str, str] = {
    "alias.yaml": PARSE,
    "duplicate-key.yaml": PARSE,
    "octal-ambiguous.yaml": PARSE,
    "sexagesimal-number.yaml": PARSE,
    "yes-for-boolean.yaml": PARSE,
    "float-for-int.yaml": "JSON Schema's integer admits 10.0 (a number with no fraction)",
    "calibration-result-shape.yaml": FIELDS,
    "peer-result-shape.yaml": FIELDS,
    "recurring-result-shape.yaml": FIELDS,
    "crosswalk-to-itself.yaml": FIELDS,
    "delivery-since-after-date.yaml": FIELDS,
    "illustrative-path-missing.yaml": FIELDS,
    "min-above-max.yaml": FIELDS,
    "network-entry-not-a-service.yaml": FIELDS,
    "network-self-pathway.yaml": FIELDS,
    "network-unknown-organisation.yaml": FIELDS,
    "network-unknown-service.yaml": FIELDS,
    "own-follow-on.yaml": FIELDS,
    "plan-measures-beyond-horizon.yaml": FIELDS,
    "record-unknown-source.yaml": FIELDS,
    "sessions-beyond-count.yaml": FIELDS,
    "too-many-facilitator-roles.yaml": FIELDS,
    "workforce-network-beyond-headcount.yaml": FIELDS,
    "workforce-network-self-loop.yaml": FIELDS,
    "workforce-roles-over-headcount.yaml": FIELDS,
    "workforce-unknown-partner.yaml": FIELDS,
    "duplicate-principle.yaml": UNIQUE,
    "duplicate-session-number.yaml": UNIQUE,
    "network-duplicate-service.yaml": UNIQUE,
    "plan-uptake-by-twice.yaml": UNIQUE,
    "recurring-site-twice.yaml": UNIQUE,
    "scale-duplicate-level.yaml": UNIQUE,
    "workforce-duplicate-organisation.yaml": UNIQUE,
    "dangling-framework.yaml": DOCUMENTS,
    "missing-follow-on.yaml": DOCUMENTS,
    "missing-owner.yaml": DOCUMENTS,
    "network-unknown-staff-level.yaml": DOCUMENTS,
    "plan-more-seeds-than-staff.yaml": DOCUMENTS,
    "plan-unknown-eligible-level.yaml": DOCUMENTS,
    "plan-unknown-seed-organisation.yaml": DOCUMENTS,
    "plan-uptake-by-unknown.yaml": DOCUMENTS,
    "unknown-level.yaml": DOCUMENTS,
    "unknown-principle.yaml": DOCUMENTS,
}

CORPUS = sorted((CASES / "invalid").glob("*.yaml"))


def _document(path: Any) -> dict[str, Any] | None:
    """The case as a YAML parser gives it, when it parses to a document of a known kind."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError):  # PyYAML raises ValueError on 2019-02-30
        return None
    return data if isinstance(data, dict) and data.get("kind") in KINDS else None


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_schema_refuses_what_tipframe_refuses(path: Any) -> None:
    data = _document(path)
    if data is None:
        pytest.skip("not a document of a known kind once parsed: nothing for a schema to judge")
    _, problems = tipframe.read_bundle([path])
    assert problems, f"{path.name} is in the invalid corpus but tipframe accepts it"
    validator = jsonschema.Draft202012Validator(tipframe.json_schema(data["kind"]))
    refused = any(True for _ in validator.iter_errors(data))
    if path.name in EXCEPTIONS:
        assert not refused, f"{path.name} is refused by the schema now: take it off the exceptions"
    else:
        assert refused, f"the {data['kind']} schema accepts {path.name}, which tipframe refuses"


def test_every_exception_is_a_case() -> None:
    assert set(EXCEPTIONS) <= {p.name for p in CORPUS}


def test_dates_the_calendar_lacks_are_refused_by_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(tipframe.json_schema("Programme"))
    base = {"tipframe": 1, "kind": "Programme", "id": "p", "name": "P", "format": "course"}
    for day, valid in (("2019-02-30", False), ("2019-04-31", False), ("2019-11-30", True), ("2019-09", True)):
        document = {**base, "schedule": {"start": day}}
        assert validator.is_valid(document) is valid, day


def test_a_probability_s_bounds_are_in_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(tipframe.json_schema("CascadePlan"))
    plan = yaml.safe_load((CASES.parent.parent / "examples" / "national-rollout.yaml").read_text())
    assert validator.is_valid(plan)
    for completion, valid in ((0.8, True), (1.2, False), ({"beta": [2, 3]}, True), ({"gamma": [2, 1]}, False),
                              ({"uniform": [0.2, 1.5]}, False)):  # fmt: skip
        plan["tiers"][0]["completion"] = completion
        assert validator.is_valid(plan) is valid, completion


def test_a_suppressed_count_has_no_count_in_the_schema_too() -> None:
    workforce = jsonschema.Draft202012Validator(tipframe.json_schema("Workforce"))
    role = {"id": "r", "headcount": 10, "levels_held": []}
    base = {"tipframe": 1, "kind": "Workforce", "id": "w", "name": "W", "levels": "builtin:nes-levels",
            "organisations": [{"id": "a", "headcount": 10, "roles": [role]}]}  # fmt: skip
    for entry, valid in (({"level": "none", "qualifier": "suppressed"}, True),
                         ({"level": "none", "qualifier": "suppressed", "count": 3}, False),
                         ({"level": "none"}, False), ({"level": "none", "count": 3}, True)):  # fmt: skip
        role["levels_held"] = [entry]
        assert workforce.is_valid(base) is valid, entry
