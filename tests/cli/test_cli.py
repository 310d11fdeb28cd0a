"""The command line: exit codes, output, and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tipframe
from tipframe.cli import main
from tipframe.io.documents import schema_filename

from ..conftest import CASES, EXAMPLES


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tipframe", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_validate_examples_exits_zero() -> None:
    result = _run("validate", *sorted(str(p) for p in EXAMPLES.glob("*.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"ok: {len(list(EXAMPLES.glob('*.yaml')))} documents valid")


def test_three_mistakes_are_all_reported_with_lines() -> None:
    result = _run("validate", str(CASES / "invalid" / "three-mistakes.yaml"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert [line.split(":")[1] for line in lines] == ["7", "8", "11"]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "no-such-file.yaml"], 2),
        (["validate", str(CASES / "invalid" / "not-utf8.yaml")], 2),
        (["validate", str(CASES / "invalid" / "duplicate-key.yaml")], 1),
        (["validate", str(CASES / "invalid" / "dangling-framework.yaml")], 1),
        (["validate", "builtin:nttp", "builtin:help-the-helpers"], 0),
        (["validate", "builtin:nope"], 2),
        (["show", "builtin:nttp"], 0),
        (["show", str(CASES / "invalid" / "min-above-max.yaml")], 1),
        (["show", "missing.yaml"], 2),
        (["schema", "Programme"], 0),
        (["schema", "level-scale"], 0),
        (["schema", "Nonsense"], 2),
        (["frobnicate"], 2),
        ([], 2),
        (["builtins"], 0),
    ],
)
def test_exit_codes(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        result = main(args)
    except SystemExit as exit_:  # argparse exits for wrong usage
        result = int(exit_.code or 0)
    captured = capsys.readouterr()
    assert result == code, captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


def test_unreadable_file_is_exit_two(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = tmp_path / "secret.yaml"
    path.write_text("tipframe: 1\n")
    path.chmod(0)
    assert _run("validate", str(path)).returncode == 2


def test_permission_denied_is_exit_two(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.io import files

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "open", refuse, raising=False)
    assert main(["validate", str(EXAMPLES / "iriss.yaml")]) == 2
    assert "permission denied" in capsys.readouterr().out


def test_console_script_help_and_version() -> None:
    result = _run("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout
    assert "Exit codes" in result.stdout
    for command in ("validate", "show", "schema", "builtins"):
        assert _run(command, "--help").returncode == 0
    version = _run("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("tipframe ")


def test_show_summarises_help_the_helpers() -> None:
    result = _run("show", "builtin:help-the-helpers")
    assert result.returncode == 0
    out = result.stdout
    assert "10 sessions, weekly (P1W), 2 hours each (PT2H)" in out
    assert "20 h per participant" in out
    assert "2 facilitators" in out
    assert "Coverage       unknown" in out
    assert "illustrative" in out


def test_show_resolves_names_from_a_bundle() -> None:
    result = _run("show", str(EXAMPLES / "nttp.yaml"), "--bundle", str(EXAMPLES))
    assert result.returncode == 0, result.stderr
    assert "Scottish Government (scottish-government)" in result.stdout
    assert "Convention of Scottish Local Authorities (cosla)" in result.stdout  # "the shared ambition of ... COSLA"


def test_validate_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", str(CASES / "invalid" / "three-mistakes.yaml")])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1
    assert payload["valid"] is False
    assert [p["line"] for p in payload["problems"]] == [7, 8, 11]


def test_schema_all_writes_every_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--all", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(schema_filename(kind) for kind in tipframe.KINDS)
    assert "programme.schema.json" in {p.name for p in tmp_path.iterdir()}


def test_empty_folder_is_wrong_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "no documents found" in capsys.readouterr().out


def test_every_command_that_writes_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {name: str(tmp_path / name) for name in ("r.json", "r.csv", "g.graphml", "s.json", "p.json")}
    assert main(["reach", "--replicates", "20", "--quiet", "--json", files["r.json"], "--csv", files["r.csv"],
                 "--graph", files["g.graphml"]]) == 0  # fmt: skip
    assert main(["schema", "Programme", "-o", files["s.json"]]) == 0
    assert main(["plan", "builtin:help-the-helpers-rollout", "--target", "50%@52", "--lever", "seeds=6,12",
                 "--replicates", "40", "--quiet", "--json", files["p.json"]]) == 0  # fmt: skip
    err = capsys.readouterr().err
    for path in files.values():
        assert f"wrote {path} (" in err, path


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_know_every_command(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for command in ("check", "reach", "needs", "place", "--fail-on"):
        assert command in script
