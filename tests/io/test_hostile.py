"""Careless and hostile input: nothing but DocumentError escapes, nothing hangs, nothing is lost."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tipframe
from tipframe import DocumentError, Format, Limits, Organisation, Programme
from tipframe.cli import main

from ..conftest import EXAMPLES

ORG = "tipframe: 1\nkind: Organisation\nid: o\n"


def _problem(text: str, **kwargs: object) -> tipframe.Problem:
    with pytest.raises(DocumentError) as caught:
        tipframe.loads(text, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems[0]


def test_one_folder_given_as_a_string_is_one_path() -> None:
    assert len(tipframe.load_bundle(str(EXAMPLES))) == len(list(EXAMPLES.glob("*.yaml")))
    assert len(tipframe.load_bundle(EXAMPLES / "iriss.yaml")) == 1


@pytest.mark.parametrize(
    "text",
    [
        '{"tipframe": 1, "kind": "Organisation", "id": "o", "name": "n", "x-a": ' + "9" * 5000 + "}",
        ORG + "name: n\nx-a: " + "9" * 5000 + "\n",
        '{"tipframe": 1, "kind": "Organisation", "id": "o", "name": "n", "x-a": 1e400}',
        '{"tipframe": 1, "kind": "Organisation", "id": "o", "name": "a\\ud800b"}',
        ORG + 'name: "a\\ud800b"\n',
        ORG + "name: a\x07b\n",
        ORG + "name: a\u2028b\n",
        ORG + "name: n\nx-a: .nan\n",
        ORG + "name: n\nx-a: [1, -.inf]\n",
        ORG + "name: n\n$schema: 5\n",
    ],
    ids=[
        "json-huge-int",
        "yaml-huge-int",
        "json-overflow",
        "json-surrogate",
        "yaml-surrogate",
        "control-char",
        "line-separator",
        "nan-extension",
        "inf-extension",
        "schema-not-text",
    ],
)
def test_bad_values_are_problems_not_crashes(text: str) -> None:
    problem = _problem(text)
    assert problem.line is not None


def test_control_character_is_placed() -> None:
    problem = _problem(ORG + "name: a\x07b\n")
    assert (problem.line, problem.column) == (4, 8)
    assert "U+0007" in problem.message
    assert "\n" not in problem.message


def test_deep_nesting_is_capped_below_the_recursion_limit() -> None:
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=10_000)
    deepest = Limits(max_depth=100)
    for opening, closing in (("[", "]"), ('{"a": ', "}")):
        nested = opening * 95 + "1" + closing * 95
        document = tipframe.loads(ORG + f"name: n\nx-deep: {nested}\n", limits=deepest)
        assert tipframe.loads(tipframe.dumps(document), limits=deepest) == document
        assert tipframe.loads(tipframe.dumps(document, "json"), limits=deepest) == document


def test_huge_durations_are_refused_before_they_overflow() -> None:
    base = "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\nschedule:\n  sessions: 2\n"
    problem = _problem(base + "  session_length: PT99999999999999H\n")
    assert problem.layer == "model"
    assert "at most 1000000" in problem.message


def test_show_survives_the_largest_values_validate_accepts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(
        "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\n"
        "group_size: {max: 100000}\n"
        "schedule: {sessions: 1000000, session_length: PT1000000H, cadence: P1000000Y}\n"
    )
    assert main(["validate", str(path)]) == 0
    assert main(["show", str(path)]) == 0
    assert "1000000 sessions" in capsys.readouterr().out


def test_show_never_writes_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(ORG + 'name: "\\e[2J\\e]0;pwned\\a evil\\rok\\u202e"\n')
    assert main(["show", str(path)]) == 1  # text may not hold them: the problem names them instead
    captured = capsys.readouterr()
    out = captured.out + captured.err
    for unsafe in ("\x1b", "\x07", "\r", "\u202e"):
        assert unsafe not in out
    assert "U+001B ESCAPE" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "tipframe", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "not a regular file" in result.stdout


def test_folders_follow_links_once_and_skip_hidden_files(tmp_path: Path) -> None:
    # Links leading out of the folder, and loops, are refused: tests/io/test_walks.py.
    top = tmp_path / "top"
    real = top / "real"
    real.mkdir(parents=True)
    (real / "o.yaml").write_text(ORG + "name: n\n")
    (top / "linked").symlink_to(real, target_is_directory=True)
    (top / ".#o.yaml").symlink_to(tmp_path / "gone.yaml")  # an editor's lock file
    assert len(tipframe.load_bundle([top])) == 1


def test_dump_writes_through_a_link_and_handles_long_names(tmp_path: Path) -> None:
    organisation = Organisation(id="o", name="n")
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    tipframe.dump(organisation, link)
    assert link.is_symlink()
    assert tipframe.load(real) == organisation
    long_name = tmp_path / ("a" * 245 + ".yaml")
    tipframe.dump(organisation, long_name)
    assert tipframe.load(long_name) == organisation
    with pytest.raises(IsADirectoryError) as caught:
        tipframe.dump(organisation, tmp_path)
    assert caught.value.filename == str(tmp_path)


def test_writing_to_a_folder_names_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "Programme", "-o", str(tmp_path)]) == 2
    assert f"tipframe: {tmp_path}: is a folder" in capsys.readouterr().err


def test_empty_folder_is_usage_error_in_json_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(tmp_path)]) == 2
    assert '"valid": false' in capsys.readouterr().out


def test_python_objects_are_type_checked() -> None:
    with pytest.raises(TypeError, match="name: expected text, not the number 5"):
        Organisation(id="o", name=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"format: expected a Format \(such as Format.COURSE\)"):
        Programme(id="p", name="P", format="course")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="extension keys begin with 'x-'"):
        Organisation(id="o", name="n", extensions={"y": 1})
    with pytest.raises(ValueError, match="not date"):
        Organisation(id="o", name="n", extensions={"x-a": dt.date(2020, 1, 1)})
    with pytest.raises(TypeError, match="cadence: expected a Duration or None"):
        tipframe.Schedule(cadence="P1W")  # type: ignore[arg-type]


def test_python_lists_and_tuples_round_trip() -> None:
    programme = Programme(
        id="p",
        name="P",
        format=Format.COURSE,
        aims=["a"],  # type: ignore[arg-type]
        illustrative=("name",),  # type: ignore[arg-type]
        extensions={"x-a": (1, 2)},
    )
    assert programme.aims == ("a",)
    assert programme.extensions["x-a"] == [1, 2]
    assert programme.illustrative[0].path == "name"
    assert tipframe.loads(tipframe.dumps(programme)) == programme


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\ngroup_size: {max: 1_000}\n", "underscores"),
        ("tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\ngroup_size: {max: 1e1}\n", "write 10"),
    ],
)
def test_messages_fit_what_was_written(text: str, needle: str) -> None:
    assert needle in _problem(text).message


def test_builtin_suggestions_ignore_case() -> None:
    with pytest.raises(DocumentError, match="did you mean 'builtin:nttp'"):
        tipframe.load("builtin:NTTP")


def test_a_duplicate_is_placed_at_the_repeat() -> None:
    problem = _problem("tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\npartners: [a, b, a]\n")
    assert (problem.where, problem.column) == ("partners[2]", 18)


def test_non_ascii_digits_are_not_numbers() -> None:
    problem = _problem(
        "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\nschedule: {session_length: PT\u0662H}\n"
    )
    assert "not an ISO 8601 duration" in problem.message


def test_json_with_old_mac_line_endings_gets_lines() -> None:
    problem = _problem('{"tipframe": 1,\r"kind": "Organisation",\r"id": "o",\r"name": 5}')
    assert (problem.line, problem.column) == (4, 9)


def _peak_mib(path: Path) -> tuple[float, str]:
    """Peak memory (MiB, measured by tracemalloc) of loading ``path``, and the first problem reported."""
    import tracemalloc

    tracemalloc.start()
    try:
        tipframe.load(path)
        message = "accepted"
    except tipframe.DocumentError as error:
        message = error.problems[0].message
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, message


def test_bombs_and_oversize_inputs_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    head = "tipframe: 1\nkind: Organisation\nid: o\nname: O\n"
    bomb = head + "x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    bomb += "".join(f"x-{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(9))
    cases = {
        "bomb.yaml": (bomb, "aliases (*a) are not supported"),
        "deep.yaml": (head + "x-deep: " + "[" * 50 + "]" * 50 + "\n", "nested more than 40 levels deep"),
        "long.yaml": (head.replace("name: O\n", "name: " + "a" * 10_000_000 + "\n"), "longer than 1,000,000"),
    }
    for name, (text, expected) in cases.items():
        (tmp_path / name).write_text(text)
        peak, message = _peak_mib(tmp_path / name)
        assert expected in message
        assert peak < 64, f"{name}: {peak:.0f} MiB"  # the 10 MB value itself is held at most a few times
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write(head)
        for _ in range(100):
            handle.write("# " + "x" * (1024 * 1024) + "\n")
    peak, message = _peak_mib(big)
    assert "more than the limit of 10,485,760 (Limits.max_bytes)" in message
    assert peak < 1  # refused from its size, before it is read
    more = tipframe.load(
        tmp_path / "deep.yaml", limits=tipframe.Limits(max_depth=60)
    )  # the documented way to raise a limit
    nested: list[object] = []
    for _ in range(49):
        nested = [nested]
    assert more.extensions["x-deep"] == nested
