"""Practice checks: every rule passes its passing case and fails its failing one, exactly."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import tipframe
from tipframe.checks import CheckOptions, Finding, Registry, Severity, check

from ..conftest import CASES, EXAMPLES, ROOT

CHECKS = CASES / "checks"
RULES = list(Registry.builtin())
OPTIONS = CheckOptions(private_names=("Smith",), as_of=dt.date(2026, 1, 1))


def _case(code: str, outcome: str) -> Path:
    folder = CHECKS / f"{code}-{outcome}"
    return folder if folder.is_dir() else CHECKS / f"{code}-{outcome}.yaml"


def _line_of(case: Path, at: str) -> int:
    """The first line of a case matching the pattern ``at``; in a folder case, ``at`` is ``FILE:PATTERN``."""
    path = case
    if case.is_dir():
        name, at = at.split(":", 1)
        path = case / name
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.search(at, line):
            return number
    raise AssertionError(f"{at!r} is not in {path}")


def _findings(case: Path, code: str) -> list[Finding]:
    bundle = tipframe.read_bundle([case])[0]
    return list(check(bundle, select=[code], options=OPTIONS))


def test_at_least_fifteen_rules_each_documented() -> None:
    assert len(RULES) >= 15
    for rule in RULES:
        assert rule.rationale, rule.code
        assert rule.citation, rule.code
        assert rule.summary, rule.code


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_passes_its_passing_case(rule: tipframe.checks.Rule) -> None:
    case = _case(rule.code, "pass")
    assert case.exists(), f"no passing case for {rule.code}"
    bundle, problems = tipframe.read_bundle([case])
    assert [p for p in problems if p.layer != "bundle"] == []
    assert check(bundle, options=OPTIONS).of(rule.code) == ()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_fails_its_failing_case_exactly(rule: tipframe.checks.Rule) -> None:
    case = _case(rule.code, "fail")
    expected: list[dict[str, Any]] = yaml.safe_load((CHECKS / f"{rule.code}-fail.expect").read_text())["findings"]
    found = _findings(case, rule.code)
    assert len(found) == len(expected), [str(f) for f in found]
    for wanted in expected:
        line = _line_of(case, wanted["at"])
        matches = [
            f
            for f in found
            if f.code == wanted["code"]
            and f.where == wanted["where"]
            and f.line == line
            and wanted["message"] in f.message
        ]
        assert matches, f"no finding like {wanted} (line {line}); got {[str(f) for f in found]}"


def test_weak_programme_gets_each_problem_once() -> None:
    findings = check(tipframe.read_bundle([CASES / "weak-programme.yaml"])[0])
    got = sorted((f.code, f.where, f.line) for f in findings if f.severity is not Severity.INFO)
    assert got == [
        ("TIP101", "sessions", 19),  # no safety
        ("TIP101", "sessions", 19),  # no choice
        ("TIP202", "facilitation.roles[0].practice_level", 17),  # facilitator below the target level
        ("TIP205", "facilitation.facilitators", 14),  # one facilitator for fourteen
        ("TIP601", "sessions", 19),  # no wellbeing component among its sessions
    ]
    messages = [f.message for f in findings.of("TIP101")]
    assert any("Safety (safety)" in m for m in messages)
    assert any("Choice (choice)" in m for m in messages)


def _expected_example_findings() -> list[dict[str, str]]:
    with (EXAMPLES / "expected-findings.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_examples_give_exactly_the_expected_findings() -> None:
    findings = check(tipframe.load_bundle(sorted(EXAMPLES.glob("*.yaml"))))
    got = sorted((Path(f.file or "").name, f.code, f.where) for f in findings)
    expected = _expected_example_findings()
    assert got == sorted((e["file"], e["code"], e["where"]) for e in expected)
    assert all(len(e["why"].split()) >= 5 for e in expected), "each expected finding needs its justification"


def test_select_and_ignore_by_code_prefix_and_name() -> None:
    bundle = tipframe.read_bundle([CASES / "weak-programme.yaml"])[0]
    assert {f.code for f in check(bundle, select=["TIP1"])} <= {"TIP101", "TIP102", "TIP103", "TIP104"}
    assert check(bundle, ignore=["TIP1", "TIP2", "TIP3", "TIP4", "TIP5", "TIP6"]) == tipframe.checks.Findings(())
    assert {f.code for f in check(bundle, select=["too-few-facilitators"])} == {"TIP205"}


def test_findings_are_in_a_stable_order() -> None:
    bundle = tipframe.load_bundle([EXAMPLES])
    first = check(bundle)
    assert list(first) == sorted(first, key=Finding.sort_key)
    assert check(bundle) == first


def test_a_host_adds_its_own_rule_without_changing_tipframe() -> None:
    @tipframe.checks.rule(
        "HOST101",
        "needs-local-contact",
        summary="A programme names no local contact in the host's own x-contact data.",
        severity=Severity.ERROR,
        kinds=[tipframe.Programme],
        rationale="The host's directory lists a contact for every programme.",
        citation="Host application policy",
    )
    def needs_local_contact(programme: tipframe.Programme, context: Any) -> Any:
        if "x-contact" not in programme.extensions:
            yield tipframe.checks.Report(where=("id",), message="no x-contact")

    registry = Registry.default()
    registry.add(needs_local_contact)
    findings = check(tipframe.load("builtin:help-the-helpers"), registry, select=["HOST"])
    assert [(f.code, f.message, f.severity) for f in findings] == [("HOST101", "no x-contact", Severity.ERROR)]
    assert "HOST101" not in Registry.default()  # nothing global was changed


def test_rules_come_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from .. import host_rules

    entry = metadata.EntryPoint(name="host", value="tests.host_rules:RULES", group="tipframe.rules")
    monkeypatch.setattr(metadata, "entry_points", lambda group: [entry] if group == "tipframe.rules" else [])
    registry = Registry.default()
    assert host_rules.RULES[0].code in registry
    findings = check(tipframe.load("builtin:help-the-helpers"), select=["HOST2"])
    assert [f.code for f in findings] == ["HOST201"]


def test_a_failing_rule_becomes_a_finding_not_a_crash() -> None:
    @tipframe.checks.rule(
        "HOST301",
        "broken",
        summary="Always raises.",
        severity=Severity.WARNING,
        kinds=[tipframe.Document],
        rationale="A test of the engine.",
        citation="none",
    )
    def broken(document: tipframe.Document, context: Any) -> Any:
        raise RuntimeError("boom")

    findings = check(tipframe.load("builtin:nttp"), [broken])
    assert [(f.code, f.severity) for f in findings] == [("TIP000", Severity.ERROR)]
    assert "boom" in findings[0].message


def test_duplicate_rule_codes_are_refused() -> None:
    registry = Registry.builtin()
    with pytest.raises(ValueError, match="TIP101 is already registered"):
        registry.add(registry.get("TIP101"))


def test_private_names_come_from_options_only() -> None:
    organisation = tipframe.Organisation(id="o", name="Smith and Co")
    assert check(organisation, select=["TIP504"]) == tipframe.checks.Findings(())
    found = check(organisation, select=["TIP504"], options=CheckOptions(private_names=["smith"]))
    assert [f.where for f in found] == ["name"]


def test_coverage_through_a_crosswalk_shows_what_samhsa_asks() -> None:
    programme = tipframe.load(CHECKS / "TIP101-pass.yaml", tipframe.Programme)
    nttp = tipframe.load("builtin:nttp", tipframe.Framework)
    samhsa = tipframe.load("builtin:samhsa", tipframe.Framework)
    crosswalk = tipframe.load("builtin:nttp-samhsa", tipframe.Crosswalk)
    coverage = programme.coverage(nttp)
    assert coverage.missing == ()
    through = coverage.translate(crosswalk, samhsa)
    assert through.missing == ("peer-support", "cultural-historical-and-gender-issues")
    assert through.matrix()[0] == (True, False, False, False, False, False)  # session 1: safety
    with pytest.raises(ValueError, match="maps from builtin:nttp"):
        through.translate(crosswalk, samhsa)


def test_rule_docs_are_current() -> None:
    import runpy

    generator = runpy.run_path(str(ROOT / "docs" / "rule_reference.py"))
    for path, text in generator["pages"]().items():
        assert (ROOT / "docs" / "rules" / path).read_text(encoding="utf-8") == text, (
            "run: python docs/rule_reference.py"
        )


def test_cli_check_prints_like_a_linter(capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    assert main(["check", str(CASES / "weak-programme.yaml")]) == 1  # TIP202 is an error
    out = capsys.readouterr().out.splitlines()
    assert any(re.fullmatch(r".*weak-programme\.yaml:14:\d+: TIP205 warning .*", line) for line in out)
    assert main(["check", str(CASES / "weak-programme.yaml"), "--ignore", "TIP2"]) == 0
    capsys.readouterr()
    assert main(["check", str(EXAMPLES)]) == 0


def test_cli_check_json_select_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from tipframe.cli import main

    assert main(["check", str(CASES / "weak-programme.yaml"), "--select", "TIP205", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in payload["findings"]] == ["TIP205"]
    assert payload["findings"][0]["citation"].startswith("Case study 000")
    assert main(["check", str(CASES / "weak-programme.yaml"), "--select", "TIP205", "--hints"]) == 0
    out = capsys.readouterr().out
    assert "    hint: plan 3 facilitators, or a smaller group" in out
    assert "    source: Case study 000" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "missing.yaml"], 2),
        (["check", str(CASES / "invalid" / "three-mistakes.yaml")], 1),
        (["check", str(CHECKS / "TIP401-fail.yaml")], 1),
        (["check", str(EXAMPLES), "--select", "TIP999"], 2),
        (["check", str(CHECKS / "TIP504-fail.yaml"), "--private-names", "no-such-file"], 2),
        (["rules"], 0),
        (["rules", "--format", "json"], 0),
    ],
)
def test_cli_check_exit_codes(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    assert main(args) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_cli_private_names_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    names = tmp_path / "names.txt"
    names.write_text("# people we hold records on\nSmith\n")
    assert main(["check", str(CHECKS / "TIP504-fail.yaml"), "--private-names", str(names)]) == 1
    assert "TIP504 error holds 'Smith'" in capsys.readouterr().out


def test_cli_show_with_a_crosswalk(capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    assert main(["show", str(CHECKS / "TIP101-pass.yaml"), "--crosswalk", "builtin:nttp-samhsa"]) == 0
    out = capsys.readouterr().out
    assert "enacts 5 of 5 nttp principles" in out
    assert "enacts 4 of 6 samhsa principles" in out
    assert "not in any session: peer-support, cultural-historical-and-gender-issues" in out
