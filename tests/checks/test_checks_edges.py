"""Practice checks at their edges: privacy patterns, recurring spaces, calendars, odd but valid documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import tipframe
from tipframe.checks import CheckOptions, Severity, check
from tipframe.checks.rules.privacy import phone_numbers
from tipframe.cli import main

ORG = "tipframe: 1\nkind: Organisation\nid: o\nname: A service\n"


def _codes(text: str, select: str, **options: object) -> list[tuple[str, Severity]]:
    document = tipframe.loads(text)
    found = check(document, select=[select], options=CheckOptions(**options))  # type: ignore[arg-type]
    return [(f.code, f.severity) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "d.o.b. 2015-03-03",
        "DOB. 3/3/2015",
        "D.O.B.: 3/3/2015",
        "Date of Birth (3/3/2015)",
        "date of birth: 3 March, 2015",
        "dob=2015-03-03",
        "NHS number 943 476 5919",
        "CHI: 0303151234",
    ],
)
def test_dates_of_birth_and_care_numbers_are_errors(text: str) -> None:
    assert _codes(ORG + f"description: '{text}'\n", "TIP503") == [("TIP503", Severity.ERROR)]


@pytest.mark.parametrize("text", ["born 3rd of March 2015", "born March 3, 2015", "The network was born 1 April 2019"])
def test_born_before_a_date_is_a_warning(text: str) -> None:
    assert _codes(ORG + f"description: '{text}'\n", "TIP503") == [("TIP503", Severity.WARNING)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call 07700 900123 today", ["07700 900123"]),
        ("Tel +44 (0)141 496 0000.", ["+44 (0)141 496 0000"]),
        ("ISBN 978-0-465-08730-3", []),
        ("Runs 2024-01-08 - 2024-03-11.", []),
        ("Cohorts 2019-2020 2021-2022", []),
        ("see https://example.org/doc?id=01234567890", []),
        ("Zoom meeting ID 843 1234 5678", []),
        ("version 1.2.3 2024-01-02", []),
    ],
)
def test_phone_numbers(text: str, found: list[str]) -> None:
    assert list(phone_numbers(text)) == found


def test_listed_names_survive_line_breaks_spaces_and_curly_apostrophes() -> None:
    text = ORG + "description: |\n  family of Jo\n  Bloggs at clinic, with Sean O\u2019Neill and Ann  Lee\n"
    names = ("Jo Bloggs", "Sean O'Neill", "Ann Lee")
    document = tipframe.loads(text)
    found = check(document, select=["TIP504"], options=CheckOptions(private_names=names))
    assert sorted(f.message for f in found) == sorted(
        f"holds {n!r}, a name on the private names list: remove it" for n in names
    )


@pytest.mark.parametrize(("text", "count"), [("Prof Jane Smith", 1), ("Ms O'Neill", 1), ("Mr John MacDonald", 1)])
def test_possible_names(text: str, count: int) -> None:
    document = tipframe.loads(ORG + f'description: "Led by {text}."\n')
    found = check(document, select=["TIP505"])
    assert len(found) == count
    assert text in found[0].message


def test_file_names_are_not_email_addresses_and_repeats_are_one_finding() -> None:
    document = tipframe.loads(ORG + "description: team@example.org (or team@example.org), logo@2x.png\n")
    assert [f.message.split("(")[1].split(")")[0] for f in check(document, select=["TIP501"])] == ["team@example.org"]


def test_a_broken_crosswalk_is_an_error_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cw.yaml"
    path.write_text(
        "tipframe: 1\nkind: Crosswalk\nid: cw\nname: CW\nsource: builtin:nttp\ntarget: builtin:samhsa\n"
        "correspondences: [{source: saftey, targets: [safty]}]\n"
    )
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out.count("TIP102 error") == 2


def test_open_ended_spaces_list_only_some_sessions() -> None:
    text = (
        "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: reflective-practice\nframework: builtin:nttp\n"
        "facilitation: {facilitators: 1}\ngroup_size: {max: 8}\nschedule: {open_ended: true, cadence: P1M}\n"
        "sessions:\n  - {number: 1, principles: [safety, choice]}\n  - {number: 4, principles: [safety]}\n"
    )
    programme = tipframe.loads(text, tipframe.Programme)
    findings = check(programme)
    assert findings.of("TIP303") == ()
    messages = [f.message for f in findings.of("TIP101")]
    assert messages[0].startswith("none of the listed sessions enacts Trustworthiness")
    assert [m.split("(")[1].split(")")[0] for m in messages] == ["trustworthiness", "collaboration", "empowerment"]
    assert findings.of("TIP601") == ()  # a reflective space is itself about wellbeing


@pytest.mark.parametrize(
    ("schedule", "found"),
    [
        ("{cadence: P1M, sessions: 3, start: 2024-01-10, end: 2024-03-10}", 0),
        ("{cadence: P1M, sessions: 3, start: 2024-01-10, end: 2026-12-10}", 1),
        ("{cadence: P1M, sessions: 2, start: 2024-01-31, end: 2024-02-29}", 0),
        ("{cadence: P1000W, sessions: 1000, start: 2024-01-01, end: 2025-01-01}", 0),
    ],
)
def test_dates_against_calendar_cadences(schedule: str, found: int) -> None:
    text = f"tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\nschedule: {schedule}\n"
    findings = check(tipframe.loads(text), select=["TIP306", "TIP000"])
    assert len(findings) == found


def test_gap_range_without_a_schedule() -> None:
    text = "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\nsessions: [{number: 1}, {number: 3}]\n"
    (finding,) = check(tipframe.loads(text), select=["TIP303"])
    assert finding.message == "session 2 is missing from sessions 1 to 3"


def test_a_minimum_group_size_alone_still_needs_facilitators() -> None:
    text = "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\ngroup_size: {min: 30}\n"
    text += "facilitation: {facilitators: 1}\n"
    assert [f.code for f in check(tipframe.loads(text), select=["TIP205"])] == ["TIP205"]


def test_check_cli_json_usage_and_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tipframe: 1\nkind: Organisation\nid: o\nname: N\nsector: x\n")
    assert main(["check", "--format", "json", str(bad)]) == 1
    assert '"problems"' in capsys.readouterr().out
    assert main(["check", str(bad.parent), "--select", ","]) == 2
    assert main(["check", "builtin:nttp", "--ignore", "TIP000"]) == 0
    names = tmp_path / "names.txt"
    names.write_text("  # staff\nNobody Here\n")
    capsys.readouterr()
    assert main(["check", "builtin:nttp", "--private-names", str(names)]) == 0


def test_counts_are_judged_against_the_day_given_and_never_a_hidden_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: clinic\nsources: [{id: s, title: S}]\n"
        "delivery_records: [{what: case discussions, count: 600, date: 2999, source: s}]\n"
    )
    document = tipframe.loads(text)
    assert check(document, select=["TIP309"]) == tipframe.checks.Findings(())  # no as_of: no date judged
    (finding,) = check(document, select=["TIP309"], options=CheckOptions(as_of=dt.date(2026, 4, 1)))
    assert (finding.where, finding.severity) == ("delivery_records[0].date", Severity.WARNING)
    assert list(check(document, select=["TIP309"], options=CheckOptions(as_of=dt.date(2999, 1, 1)))) == []
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert main(["check", str(path), "--select", "TIP309"]) == 0  # a warning; today is before 2999
    assert "TIP309 warning a count of case discussions dated 2999, after " in capsys.readouterr().out
    assert main(["check", str(path), "--select", "TIP309", "--as-of", "2999-06-01"]) == 0
    assert "TIP309" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["check", str(path), "--as-of", "next week"])
    assert usage.value.code == 2
    assert "is not a day such as 2026-04-01" in capsys.readouterr().err


def test_the_bundle_works_out_a_documents_reference_problems_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from tipframe.bundle import Bundle
    from tipframe.checks import Registry

    examples = Path(__file__).parent.parent.parent / "examples"
    bundle = tipframe.load_bundle(examples / "svru-community-referrals.yaml")
    calls: list[str] = []
    original = Bundle.problems_of

    def counted(self: Bundle, loaded: object) -> object:
        calls.append(getattr(loaded, "file", ""))
        return original(self, loaded)  # type: ignore[arg-type]

    monkeypatch.setattr(Bundle, "problems_of", counted)
    check(bundle, Registry.default())
    assert calls
    assert len(calls) == len(set(calls)), "a document's reference problems were worked out more than once"
