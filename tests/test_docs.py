"""Documentation that runs: the README's and docs' Python examples, and the generated field tables."""

from __future__ import annotations

import contextlib
import io
import os
import re
import runpy
import shlex
from pathlib import Path

import pytest

from tipframe.cli import main

from .conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def _checkout(tmp_path: Path) -> Path:
    """A folder that reads like the checkout (its files linked in), where what a page writes lands apart."""
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    return tmp_path


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: p.name)
def test_python_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A page's blocks run in order in one namespace, as a reader would type them, exactly as written.
    monkeypatch.chdir(_checkout(tmp_path))
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for index, code in enumerate(_blocks(page)):
            exec(compile(code, f"{page.name}[{index}]", "exec"), namespace)


YAML = [
    pytest.param(page, text, id=f"{page.name}[{index}]")
    for page in PAGES
    for index, text in enumerate(re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), re.S))
    if text.startswith("tipframe: 1")
]


@pytest.mark.parametrize(("page", "text"), YAML)
def test_whole_documents_in_the_docs_are_valid(page: Path, text: str) -> None:
    import tipframe

    tipframe.loads(text)  # a document shown whole is one a reader can copy


def test_readme_example_prints_what_its_comments_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "20.0 240.0 6.0"
    assert lines[1] == "unknown"
    assert lines[2] == "3 to 5 at least 600 case discussions with practitioners (2019-09 to 2022-08)"


SESSIONS = [
    pytest.param(page, command, output, id=f"{page.name}: {command[:40]}")
    for page in PAGES
    for command, output in re.findall(
        r"```text\n\$ (tipframe [^\n]*)\n(.*?)```", page.read_text(encoding="utf-8"), re.S
    )
]


@pytest.mark.parametrize(("page", "command", "output"), SESSIONS)
def test_terminal_sessions_in_the_docs_are_real(
    page: Path, command: str, output: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    main(shlex.split(command)[1:])
    assert capsys.readouterr().out == output


def test_field_reference_is_current() -> None:
    generator = runpy.run_path(str(ROOT / "docs" / "field_reference.py"))
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert generator["section"](text) == generator["reference"]().strip("\n"), (
        "run: python docs/field_reference.py --write"
    )


def test_readme_gives_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert len(commands) == 2
    assert all(len(c.strip().splitlines()) == 1 for c in commands)
    assert commands[0].strip().endswith("&& tipframe reach")
    assert "pytest" in commands[1]
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
