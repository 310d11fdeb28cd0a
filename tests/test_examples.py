"""Built-in documents and examples: valid, sourced, honest about what is illustrative."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import tipframe
from tipframe.io.documents import builtin_file, builtins, schema_filename

from .conftest import EXAMPLES, ROOT

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_every_example_validates_together() -> None:
    bundle = tipframe.load_bundle(EXAMPLE_FILES)
    assert len(bundle) == len(EXAMPLE_FILES)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_cites_sources_and_its_case_study(path: Path) -> None:
    document = tipframe.load(path)
    assert document.sources, f"{path.name} cites no source"
    assert any("seed" in (s.note or "") for s in document.sources), f"{path.name} does not cite its case study"
    assert path.stem == document.id


def test_every_builtin_cites_sources_and_is_named_by_its_id() -> None:
    for document_id, loaded in builtins().items():
        assert loaded.document.sources, document_id
        assert builtin_file(document_id).exists()
        assert loaded.file == f"builtin:{document_id}"


def test_builtins_validate_as_a_bundle() -> None:
    refs = [f"builtin:{i}" for i in builtins()]
    tipframe.load_bundle(refs)


def test_help_the_helpers_example_is_the_builtin() -> None:
    # The examples name each other by plain id; the built-ins by builtin:ID. Nothing else differs.
    course = tipframe.load(EXAMPLES / "help-the-helpers.yaml", tipframe.Programme)
    package = tipframe.load(EXAMPLES / "help-the-helpers-ttt.yaml", tipframe.Programme)
    assert attrs.evolve(course, follow_on="builtin:help-the-helpers-ttt") == tipframe.load("builtin:help-the-helpers")
    assert attrs.evolve(package, delivers="builtin:help-the-helpers") == tipframe.load("builtin:help-the-helpers-ttt")


def test_help_the_helpers_keeps_the_case_study_numbers() -> None:
    hth = tipframe.load("builtin:help-the-helpers", tipframe.Programme)
    assert hth.schedule is not None
    assert (hth.schedule.sessions, str(hth.schedule.cadence), str(hth.schedule.session_length)) == (10, "P1W", "PT2H")
    assert hth.facilitation is not None
    assert hth.facilitation.facilitators == 2
    assert hth.delivery is tipframe.DeliveryMode.ONLINE
    assert {a.value for a in hth.approaches} >= {"strengths-based", "co-produced"}
    assert hth.delivery_records[0].count == 12
    assert hth.follow_on == "builtin:help-the-helpers-ttt"
    ttt = tipframe.load("builtin:help-the-helpers-ttt", tipframe.Programme)
    assert ttt.format is tipframe.Format.TRAIN_THE_TRAINER
    assert ttt.delivers == "builtin:help-the-helpers"


def test_safe_and_together_clinics_keep_the_case_study_numbers() -> None:
    clinics = tipframe.load(EXAMPLES / "safe-and-together-clinics.yaml", tipframe.Programme)
    assert clinics.cases_per_session == tipframe.IntRange(min=3, max=5)
    (record,) = clinics.delivery_records
    assert (record.count, record.qualifier, str(record.since)) == (600, tipframe.Qualifier.AT_LEAST, "2019-09")
    assert not clinics.illustrative


def test_values_the_sources_do_not_give_are_marked() -> None:
    hth = tipframe.load("builtin:help-the-helpers", tipframe.Programme)
    for path in ("framework", "target_level", "group_size.max"):
        assert hth.is_illustrative(path)
    assert not hth.is_illustrative("schedule")


@pytest.mark.parametrize("kind", sorted(tipframe.KINDS))
def test_committed_schemas_are_generated_from_the_model(kind: str) -> None:
    committed = json.loads((ROOT / "schemas" / schema_filename(kind)).read_text())
    assert committed == tipframe.json_schema(kind), "run: tipframe schema --all schemas"
