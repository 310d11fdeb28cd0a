"""What people read: small observed counts suppressed unless asked otherwise, data kept whole, control
characters shown escaped."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import tipframe
from tipframe.cli import main
from tipframe.io.documents import Loaded

from ..conftest import EXAMPLES

SMALL_COURSE = """\
tipframe: 1
kind: Programme
id: small-course
name: A small course
format: course
delivery_records:
  - {what: practitioners trained in Wigan, count: 3, date: 2023-05, source: records}
  - {what: fathers, count: 2, qualifier: at-least, date: 2023-05, source: records}
  - {what: families, count: 4, qualifier: about, date: 2023-05, source: records}
  - {what: people trained in all, count: 40, date: 2023-05, source: records}
sources:
  - {id: records, type: report, title: Delivery records}
"""

SMALL_TEAMS = """\
tipframe: 1
kind: Workforce
id: small-teams
name: Two small teams and a large one
organisations:
  - id: north
    headcount: 3
    roles: [{id: support-worker, headcount: 3}]
  - id: south
    headcount: 12
    roles: [{id: support-worker, headcount: 9}, {id: manager, headcount: 3}]
  - id: east
    headcount: 40
    roles: [{id: support-worker, headcount: 30}, {id: manager, headcount: 10}]
"""

TINY_PLAN = """\
tipframe: 1
kind: CascadePlan
id: tiny-plan
name: A rollout to one small team
programme: builtin:help-the-helpers
trainer_course: builtin:help-the-helpers-ttt
workforce: tiny
seed_trainers: [{organisation: team, trainers: 1}]
period: P1W
horizon: 10
uptake: 1
tiers: [{cohort_size: 2, facilitators: 1, delay: P1W, attrition: 0, completion: 1, conversion: 0}]
"""

TINY_TEAM = """\
tipframe: 1
kind: Workforce
id: tiny
name: One small team
organisations: [{id: team, headcount: 3}]
"""

LEAKS = ["3 practitioners trained in Wigan", "at least 2 fathers", "about 4 families"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in [
        ("course.yaml", SMALL_COURSE),
        ("teams.yaml", SMALL_TEAMS),
        ("plan.yaml", TINY_PLAN),
        ("tiny.yaml", TINY_TEAM),
    ]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _out(args: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> str:
    assert main(args) == code
    return capsys.readouterr().out


def _words(text: str) -> str:
    """The text with its line wrapping undone."""
    return " ".join(text.split())


def test_show_suppresses_small_observed_counts(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(["show", str(folder / "course.yaml")], capsys)
    for leak in LEAKS:
        assert leak not in out
    for what in ("practitioners trained in Wigan", "fathers", "families"):
        assert f"{what}: suppressed (fewer than 5), by 2023-05" in out
    assert "40 people trained in all" in out  # a count at the threshold or above is shown
    assert "Observed counts of people from 1 to 4 are suppressed" in out
    shown = _out(["show", str(folder / "course.yaml"), "--threshold", "1"], capsys)
    for leak in LEAKS:
        assert leak in shown
    assert "suppressed" not in shown
    stricter = _out(["show", str(folder / "course.yaml"), "--threshold", "50"], capsys)
    assert "people trained in all: suppressed (fewer than 50)" in stricter


def test_show_and_report_suppress_small_headcounts(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _words(_out(["show", str(folder / "teams.yaml")], capsys))
    assert "north (north): suppressed (fewer than 5); support-worker suppressed (fewer than 5)" in out
    # South's manager is small; with the totals printed, enough else is hidden that no subtraction finds it.
    assert "manager suppressed (fewer than 5)" in out
    assert "south (south): suppressed;" in out
    for leak in (": 3", " 3,", "12"):
        assert leak not in out
    assert "Headcount 55 in 3 organisations" in out
    assert "east (east): 40; support-worker 30, manager 10" in out
    shown = _words(_out(["show", str(folder / "teams.yaml"), "--threshold", "1"], capsys))
    assert "north (north): 3; support-worker 3" in shown
    assert "south (south): 12; support-worker 9, manager 3" in shown
    page = folder / "teams.html"
    assert main(["report", str(folder / "teams.yaml"), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "north (north): suppressed (fewer than 5)" in html
    assert "north (north): 3" not in html
    assert main(["report", str(folder / "teams.yaml"), "-o", str(page), "--threshold", "1"]) == 0
    assert "north (north): 3; support-worker 3" in page.read_text(encoding="utf-8")


def test_report_suppresses_small_delivery_records(folder: Path) -> None:
    page = folder / "course.html"
    assert main(["report", str(folder / "course.yaml"), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    for leak in LEAKS:
        assert leak not in html
    assert html.count("suppressed (fewer than 5)") == 6  # the summary's rows and the observed table
    assert main(["report", str(folder / "course.yaml"), "-o", str(page), "--threshold", "1"]) == 0
    html = page.read_text(encoding="utf-8")
    assert all(leak in html for leak in LEAKS)
    assert "Observed counts of people are shown whole." in html


def test_reach_suppresses_a_small_eligible_headcount_and_its_json_keeps_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["reach", str(folder / "plan.yaml"), "--bundle", str(folder / "tiny.yaml"), "--replicates", "5"]
    saved = folder / "result.json"
    out = _out([*args, "--json", str(saved)], capsys)
    assert "suppressed (fewer than 5) eligible staff in 1 organisations" in out
    assert " 3 eligible staff" not in out
    assert "Observed counts of people from 1 to 4 are suppressed" in out
    assert " 3 eligible staff" in _out([*args, "--threshold", "1"], capsys)
    # The saved result is data: every count whole, and it reloads to the same workforce.
    result = json.loads(saved.read_text(encoding="utf-8"))
    assert result["workforce"]["organisations"][0]["headcount"] == 3
    shown = _out(["show", str(saved)], capsys)
    assert "suppressed (fewer than 5) eligible staff" in shown
    assert "Observed counts of people from 1 to 4 are suppressed" in shown


def test_documents_dumps_and_tables_stay_whole(folder: Path) -> None:
    course = tipframe.load(folder / "course.yaml", tipframe.Programme)
    assert [r.count for r in tipframe.loads(tipframe.dumps(course, "json")).delivery_records] == [3, 2, 4, 40]
    assert "count: 3" in tipframe.dumps(course)
    # A notebook display is for people, like show; threshold=1 shows what the document holds.
    assert "3 practitioners trained in Wigan" not in tipframe.to_html(course)
    assert "3 practitioners trained in Wigan" in tipframe.to_html(course, threshold=1)


@pytest.mark.parametrize(
    "args",
    [["show", "builtin:help-the-helpers"], ["report", "builtin:help-the-helpers", "-o", "x.html"], ["reach"]],
    ids=lambda args: args[0],
)
def test_threshold_must_be_a_positive_whole_number(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--threshold", "0"])
    assert exit_.value.code == 2
    assert "--threshold: must be at least 1" in capsys.readouterr().err


def _unchecked(document: tipframe.Document, **changes: str) -> tipframe.Document:
    """The document with text validation now refuses: what an older file or an object built with checks off
    can hold."""
    document = attrs.evolve(document)
    for name, value in changes.items():
        object.__setattr__(document, name, value)
    return document


HOSTILE = "Help \u202eSPLEH\u202c the \x1b[2J\x1b]0;owned\x07 Helpers\u2028\ud800"


def test_show_escapes_control_characters(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "help-the-helpers.yaml")
    hostile = _unchecked(tipframe.load(path), name=HOSTILE, description="first line\n\tsecond \u202e line\r")
    monkeypatch.setattr("tipframe.cli.show.load_located", lambda *args, **kwargs: Loaded(hostile, path))
    out = _out(["show", path], capsys)
    assert all(c.isprintable() or c == "\n" for c in out)
    assert not {"\x1b", "\x07", "\u202e", "\u202c", "\u2028", "\r", "\ud800"} & set(out)
    assert out.splitlines()[0].startswith(
        "Help \\u202eSPLEH\\u202c the \\x1b[2J\\x1b]0;owned\\x07 Helpers\\u2028\\ud800  (Programme"
    )
    assert "first line second \\u202e line\\r" in _words(out)
