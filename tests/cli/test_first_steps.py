"""What a new user types first works as the docs write it: a plan's documents found beside it, exports named
without -o, extras named by the commands that need them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipframe.cli import main

from ..conftest import ROOT


def test_a_plan_s_documents_are_found_beside_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", str(ROOT / "examples" / "national-rollout.yaml"), "--replicates", "2", "--quiet"]) == 0
    assert "400,000 eligible staff in 46 organisations" in capsys.readouterr().out


def test_an_unresolved_reference_still_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text((ROOT / "examples" / "national-rollout.yaml").read_text())
    assert main(["reach", str(plan), "--replicates", "2"]) == 1
    assert "no Workforce 'scotland-public-sector'" in capsys.readouterr().err
