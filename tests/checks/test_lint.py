"""tipframe check as a linter: output formats for CI, failing levels, project configuration, inline suppression."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tipframe.checks.lint import ConfigError, read_config
from tipframe.cli import main

from ..conftest import CASES

WEAK = (CASES / "weak-programme.yaml").read_text()


def _weak(tmp_path: Path, text: str = WEAK, config: str | None = None) -> Path:
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    path = folder / "weak.yaml"
    path.write_text(text)
    if config is not None:
        (folder / "pyproject.toml").write_text(config)
    return path


def _codes(out: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in out.splitlines() if ": TIP" in line]


def test_the_failing_level_and_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_weak(tmp_path, WEAK.replace("practice_level: informed", "practice_level: enhanced")))
    assert main(["check", path]) == 0  # warnings only: they do not fail by default
    assert main(["check", path, "--fail-on", "warning"]) == 1
    assert main(["check", path, "--fail-on", "info"]) == 1
    assert main(["check", str(_weak(tmp_path)), "--exit-zero"]) == 0  # an error, but never a failing exit
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["check", path, "--exit-zero", "--fail-on", "warning"])
    assert exit_.value.code == 2


def test_a_comment_suppresses_a_finding_on_its_line_or_the_line_below(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_line = WEAK.replace("  facilitators: 1", "  facilitators: 1  # tipframe: ignore[TIP205]")
    main(["check", str(_weak(tmp_path, on_line))])
    assert "TIP205" not in _codes(capsys.readouterr().out)
    above = WEAK.replace("  facilitators: 1", "  # tipframe: ignore[TIP205, TIP1]\n  facilitators: 1")
    main(["check", str(_weak(tmp_path, above))])
    codes = _codes(capsys.readouterr().out)
    assert "TIP205" not in codes
    assert "TIP202" in codes  # another line, another code: kept
    other = WEAK.replace("  facilitators: 1", "  facilitators: 1  # tipframe: ignore[TIP601]")
    main(["check", str(_weak(tmp_path, other))])
    assert "TIP205" in _codes(capsys.readouterr().out)  # a comment for another code suppresses nothing here


def test_pyproject_configures_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = """\
[tool.tipframe]
ignore = ["TIP101"]
participants-per-facilitator = 20

[tool.tipframe.per-file-ignores]
"weak.yaml" = ["TIP601"]
"""
    path = str(_weak(tmp_path, config=config))
    main(["check", path])
    codes = _codes(capsys.readouterr().out)
    assert "TIP101" not in codes
    assert "TIP601" not in codes
    assert "TIP205" not in codes  # 14 participants with one facilitator is within 20
    assert "TIP202" in codes
    main(["check", path, "--select", "TIP2,TIP6"])  # the command line's selection, less what is ignored
    assert _codes(capsys.readouterr().out) == ["TIP202"]


def test_a_bad_configuration_names_its_file_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_weak(tmp_path, config="[tool.tipframe]\nfail-on = 'warning'\n"))
    assert main(["check", path]) == 2
    assert "has no key 'fail-on'" in capsys.readouterr().err
    bad = tmp_path / "pyproject.toml"
    bad.write_text("[tool.tipframe]\nparticipants-per-facilitator = -1\n")
    with pytest.raises(ConfigError, match="must be a positive number"):
        read_config(bad)


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(_weak(tmp_path)), "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error file=") and ",line=17,col=23,title=TIP202::" in line for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_sarif_and_junit_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_weak(tmp_path))
    main(["check", path, "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(run["results"]) == 5
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    main(["check", path, "--format", "junit"])
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("5", "5")


def test_sarif_validates_against_the_published_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    folder = tmp_path / "my drafts"
    folder.mkdir()
    (folder / "weak one.yaml").write_text(WEAK)
    (folder / "broken.yaml").write_text("tipframe: 1\nkind: Programme\nid: Bad Id\n")
    monkeypatch.chdir(tmp_path)
    runs = (["my drafts/weak one.yaml"], ["my drafts/broken.yaml"], ["builtin:help-the-helpers"],
            [str(CASES.parents[1] / "examples")], [str(CASES / "weak-programme.yaml")])  # fmt: skip
    for paths in runs:
        main(["check", *paths, "--format", "sarif"])
        log = json.loads(capsys.readouterr().out)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
        assert errors == [], (paths, errors[:5])
        assert log["runs"][0]["results"], paths  # each run has findings to place
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"tool": {}}]})  # the schema is no pushover


def test_statistics_and_colour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(_weak(tmp_path))
    main(["check", path, "--statistics"])
    out = capsys.readouterr().out
    assert "    2  TIP101  principle-not-enacted" in out
    main(["check", path, "--color", "always"])
    assert "\x1b[31merror\x1b[0m" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", path])  # auto: not a terminal here, and NO_COLOR besides
    assert "\x1b[" not in capsys.readouterr().out


def test_a_suppression_comment_names_its_codes_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for comment, gone in (("# tipframe: ignore[TIP205,]", True), ("# tipframe: ignore [TIP205]", True),
                          ("# tipframe: ignore[]", False)):  # fmt: skip
        main(["check", str(_weak(tmp_path, WEAK.replace("  facilitators: 1", f"  facilitators: 1  {comment}")))])
        codes = _codes(capsys.readouterr().out)
        assert ("TIP205" not in codes) is gone, comment
        assert "TIP202" in codes  # nothing else on other lines goes with it


def test_configured_codes_are_checked_and_an_odd_table_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_weak(tmp_path, config="[tool.tipframe]\nselect = ['TIPX1']\n"))
    assert main(["check", path]) == 2
    assert "names 'TIPX1', which no rule matches" in capsys.readouterr().err
    path = str(_weak(tmp_path, config="tool = 1\n"))
    assert main(["check", path]) == 1  # no configuration: the error finding fails as usual


def test_sarif_uris_are_uri_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "my drafts"
    folder.mkdir()
    (folder / "weak one.yaml").write_text(WEAK)
    monkeypatch.chdir(tmp_path)
    main(["check", "my drafts/weak one.yaml", "--format", "sarif"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]}  # fmt: skip
    assert uris == {"my%20drafts/weak%20one.yaml"}
    monkeypatch.chdir(folder)
    main(["check", str(CASES / "weak-programme.yaml"), "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")


def test_per_file_patterns_keep_a_star_within_its_folder(tmp_path: Path) -> None:
    from tipframe.checks.lint import LintConfig

    config = LintConfig(file=str(tmp_path / "pyproject.toml"),
                        per_file_ignores=(("drafts/*.yaml", ("TIP3",)), ("**/old/*.yaml", ("TIP6",))))  # fmt: skip
    assert config.ignored_in(str(tmp_path / "drafts" / "a.yaml")) == ("TIP3",)
    assert config.ignored_in(str(tmp_path / "drafts" / "sub" / "a.yaml")) == ()
    assert config.ignored_in(str(tmp_path / "x" / "old" / "b.yaml")) == ("TIP6",)
    assert config.ignored_in(str(tmp_path / "old" / "b.yaml")) == ("TIP6",)


def test_sarif_locates_built_ins_and_documents_read_from_no_file() -> None:
    import tipframe
    from tipframe.checks import check
    from tipframe.checks.formats import sarif

    programme = tipframe.Programme(
        id="p", name="P", format=tipframe.Format.COURSE, approaches=(tipframe.Approach.TRAUMA_INFORMED,)
    )
    log = json.loads(sarif(check(programme), [], "0"))
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TIP104"]
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("approaches[0]")


def test_a_built_in_document_is_checked_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "builtin:help-the-helpers", "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "builtin:help-the-helpers"
    }
