"""Round trips: load -> dump -> load gives an equal object for every kind, x- data included."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given

import tipframe
from tipframe import Document
from tipframe.io.problems import Limits
from tipframe.io.text import parse_text

from .. import strategies as s
from ..conftest import EXAMPLES, ROOT

_VALIDATORS = {
    kind: jsonschema.Draft202012Validator(
        json.loads((ROOT / "schemas" / tipframe.io.documents.schema_filename(kind)).read_text())
    )
    for kind in tipframe.KINDS
}


def _round_trip(document: Document) -> None:
    for fmt in ("yaml", "json"):
        text = tipframe.dumps(document, fmt)
        again = tipframe.loads(text, type(document), format=fmt)
        assert again == document, text
        assert dict(again.extensions) == dict(document.extensions)
        assert list(again.extensions) == list(document.extensions)  # key order kept
        data, _ = parse_text(text, Limits())
        errors = [e.message for e in _VALIDATORS[document.KIND].iter_errors(data)]
        assert errors == [], text


@given(s.frameworks())
def test_framework_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.crosswalks())
def test_crosswalk_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.level_scales())
def test_level_scale_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.organisations())
def test_organisation_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.programmes())
def test_programme_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.workforces())
def test_workforce_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.cascade_plans())
def test_cascade_plan_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.referral_networks())
def test_referral_network_round_trips(document: Document) -> None:
    _round_trip(document)


@given(s.documents)
def test_to_data_and_from_data_are_inverse(document: Document) -> None:
    assert tipframe.from_data(tipframe.to_data(document)) == document


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_round_trip_through_files(path: Path, tmp_path: Path) -> None:
    document = tipframe.load(path)
    for suffix in (".yaml", ".json"):
        target = tmp_path / (path.stem + suffix)
        tipframe.dump(document, target)
        assert tipframe.load(target) == document


def test_extension_data_is_kept_verbatim_at_every_level() -> None:
    text = """\
tipframe: 1
kind: Programme
id: p
name: P
format: course
x-zeta: {b: 1, a: [yes, "no", 1.5, null]}
x-alpha: 0o17
sessions:
  - number: 1
    x-room: Hall 2
schedule:
  sessions: 1
  x-calendar: {id: abc}
"""
    programme = tipframe.loads(text, tipframe.Programme)
    assert list(programme.extensions) == ["x-zeta", "x-alpha"]
    assert programme.extensions["x-zeta"] == {"b": 1, "a": ["yes", "no", 1.5, None]}
    assert programme.extensions["x-alpha"] == 15
    assert programme.sessions[0].extensions == {"x-room": "Hall 2"}
    dumped = tipframe.dumps(programme)
    assert tipframe.loads(dumped) == programme
    assert dumped.index("x-zeta") < dumped.index("x-alpha")


def test_dump_writes_data_and_the_schema_comment() -> None:
    programme = tipframe.load("builtin:help-the-helpers", tipframe.Programme)
    text = tipframe.dumps(programme)
    assert text.startswith("# yaml-language-server: $schema=../schemas/programme.schema.json\n")
    assert tipframe.dumps(programme, schema_ref=None).startswith("tipframe: 1\nkind: Programme\nid: help-the-helpers\n")
    as_json = json.loads(tipframe.dumps(programme, "json"))
    assert list(as_json)[:4] == ["tipframe", "kind", "id", "name"]


def test_text_that_yaml_would_misread_is_quoted() -> None:
    for word in ["yes", "no", "null", "1:30", "010", "0o17", "1e3", "2019-09-01", "true", "~", "", " padded "]:
        organisation = tipframe.Organisation(id="o", name="N", type=word or None, area=word + "x")
        again = tipframe.loads(tipframe.dumps(organisation))
        assert again == organisation, word
