"""The library's contract with host applications: typed loading, safe saves, no printing, no state."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tipframe
from tipframe import DocumentError, Programme

from .conftest import EXAMPLES


def test_load_with_a_kind_checks_it() -> None:
    programme: Programme = tipframe.load("builtin:help-the-helpers", Programme)
    assert programme.name == "Help the Helpers"
    with pytest.raises(DocumentError, match="expected a Framework document, found a Programme"):
        tipframe.load("builtin:help-the-helpers", tipframe.Framework)
    with pytest.raises(DocumentError, match="expected a Programme document, found an Organisation"):
        tipframe.load(EXAMPLES / "iriss.yaml", Programme)


def test_missing_builtin_lists_those_that_exist() -> None:
    with pytest.raises(DocumentError, match="did you mean 'builtin:nttp'") as caught:
        tipframe.load("builtin:ntp")
    assert "builtin:samhsa" in str(caught.value)


def test_dump_is_atomic_and_keeps_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "hth.yaml"
    original = "tipframe: 1\nkind: Organisation\nid: keep\nname: Keep me\n"
    target.write_text(original)
    target.chmod(0o640)
    programme = tipframe.load("builtin:help-the-helpers")

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        tipframe.dump(programme, target)
    assert target.read_text() == original
    assert [p.name for p in tmp_path.iterdir()] == ["hth.yaml"]  # no temporary file left behind
    monkeypatch.undo()
    tipframe.dump(programme, target)
    assert tipframe.load(target) == programme
    assert target.stat().st_mode & 0o777 == 0o640


def test_dump_picks_json_from_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "hth.json"
    programme = tipframe.load("builtin:help-the-helpers")
    tipframe.dump(programme, target)
    assert target.read_text().startswith("{\n")
    assert tipframe.load(target) == programme


def test_the_library_never_prints(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tipframe.load_bundle([EXAMPLES])
    with pytest.raises(DocumentError):
        tipframe.loads("tipframe: 1\nkind: Nope\n")
    tipframe.dump(tipframe.load("builtin:nttp"), tmp_path / "n.yaml")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_logging_has_a_null_handler() -> None:
    handlers = logging.getLogger("tipframe").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_document_error_lists_every_problem_as_text() -> None:
    with pytest.raises(DocumentError) as caught:
        tipframe.loads("tipframe: 1\nkind: Organisation\nid: o\nsector: nope\n", name="o.yaml")
    text = str(caught.value)
    assert text.startswith("2 problems:")
    assert "o.yaml:1:1: name: missing required key 'name'" in text
    assert "o.yaml:4:9: sector:" in text


def test_public_api_is_importable_and_typed() -> None:
    root = Path(tipframe.__file__).parent
    assert (root / "py.typed").exists()
    for name in tipframe.__all__:
        assert hasattr(tipframe, name), name


def test_importing_tipframe_pulls_in_no_heavy_optional_modules() -> None:
    code = "import sys, tipframe; print(' '.join(m for m in ('numpy', 'pandas', 'matplotlib') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
