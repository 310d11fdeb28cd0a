"""The shared corpus: code and JSON Schema must agree on what is valid, and say where the problem is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import tipframe
from tipframe.io.problems import Limits
from tipframe.io.text import parse_text

from ..conftest import CASES, ROOT

VALID = sorted(p for p in (CASES / "valid").iterdir() if not p.name.startswith("."))
INVALID = sorted((CASES / "invalid").glob("*.expect"))


def _documents(case: Path) -> list[Path]:
    if case.is_dir():
        return sorted(p for p in case.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    return [case]


def _schema_errors(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")
    data, _ = parse_text(text, Limits())
    if not isinstance(data, dict):
        return ["not a mapping"]
    kind = data.get("kind")
    if kind not in tipframe.KINDS:
        kind = "Programme"  # any schema rejects a kind that is not its own
    schema = json.loads((ROOT / "schemas" / tipframe.io.documents.schema_filename(kind)).read_text())
    return [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(data)]


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.name)
def test_valid_case_loads_and_matches_the_schema(case: Path) -> None:
    bundle = tipframe.load_bundle([case])
    assert len(bundle) == len(_documents(case))
    for path in _documents(case):
        assert _schema_errors(path) == []


@pytest.mark.parametrize("expect", INVALID, ids=lambda p: p.stem)
def test_invalid_case_is_rejected_where_expected(expect: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(expect.read_text())
    case = expect.parent / spec["file"]
    _bundle, problems = tipframe.read_bundle([case])
    assert problems, f"{case.name} was accepted"
    assert {p.layer for p in problems} == {spec["layer"]}, [str(p) for p in problems]
    assert len(problems) == len(spec["problems"]), [str(p) for p in problems]
    for wanted in spec["problems"]:
        matches = [
            p
            for p in problems
            if p.where == wanted["path"]
            and wanted["message"] in p.message
            and p.line == wanted["line"]
            and (wanted.get("file") is None or Path(p.file or "").name == wanted["file"])
        ]
        assert matches, f"no problem like {wanted}; got {[str(p) for p in problems]}"
    if spec["layer"] == "schema":
        for path in _documents(case):
            assert _schema_errors(path), f"the JSON Schema accepts {path.name}"
    if spec["layer"] == "bundle":
        for path in _documents(case):
            assert _schema_errors(path) == [], "bundle cases must be valid documents on their own"


def test_the_corpus_covers_every_layer() -> None:
    layers = {yaml.safe_load(e.read_text())["layer"] for e in INVALID}
    assert layers == {"read", "parse", "schema", "model", "bundle"}


@pytest.mark.parametrize("expect", INVALID, ids=lambda p: p.stem)
def test_the_command_line_exits_as_the_table_says(expect: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    spec: dict[str, Any] = yaml.safe_load(expect.read_text())
    code = main(["validate", str(expect.parent / spec["file"])])
    assert code == (2 if spec["layer"] == "read" else 1)  # DEVELOPERS.md: unreadable 2, invalid 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_the_invalid_corpus_covers_every_kind() -> None:
    kinds = set()
    for expect in INVALID:
        case = expect.parent / yaml.safe_load(expect.read_text())["file"]
        for path in _documents(case):
            text = path.read_bytes().decode("utf-8", "replace")
            kinds.update(k for k in tipframe.KINDS if f"kind: {k}\n" in text.replace("\r\n", "\n"))
    assert len(INVALID) >= 80
    assert kinds == set(tipframe.KINDS)
