"""Reading YAML and JSON text: YAML 1.1 traps, unsafe constructs, positions and limits."""

from __future__ import annotations

import tracemalloc

import pytest

import tipframe
from tipframe import DocumentError, Limits

HEAD = "tipframe: 1\nkind: Organisation\nid: o\n"


def _problems(text: str, **kwargs: object) -> list[tipframe.Problem]:
    with pytest.raises(DocumentError) as caught:
        tipframe.loads(text, **kwargs)  # type: ignore[arg-type]
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("written", "read"),
    [("yes", "yes"), ("no", "no"), ("On", "On"), ("1:30", "1:30"), ("2019-09-01", "2019-09-01"), ("1_000", "1_000")],
)
def test_yaml_11_words_stay_text(written: str, read: str) -> None:
    organisation = tipframe.loads(HEAD + f"name: {written}\n", tipframe.Organisation)
    assert organisation.name == read


def test_yaml_11_octal_is_reported_not_guessed() -> None:
    (problem,) = _problems(HEAD + "name: N\nx-code: 010\n")
    assert problem.layer == "parse"
    assert (problem.line, problem.column) == (5, 9)
    assert "YAML 1.1 reads it as an octal number" in problem.message


def test_bare_and_quoted_dates_mean_the_same() -> None:
    base = "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: clinic\nschedule:\n  open_ended: true\n"
    bare = tipframe.loads(base + "  start: 2019-09\n", tipframe.Programme)
    quoted = tipframe.loads(base + '  start: "2019-09"\n', tipframe.Programme)
    year = tipframe.loads(base + "  start: 2019\n", tipframe.Programme)
    assert bare == quoted
    assert bare.schedule is not None
    assert str(bare.schedule.start) == "2019-09"
    assert year.schedule is not None
    assert year.schedule.start == tipframe.IsoDate(year=2019)


def test_no_coercion_of_numbers_or_booleans_into_text() -> None:
    problems = _problems(HEAD + "name: 10\ntype: false\n")
    assert [(p.where, p.line) for p in problems] == [("name", 4), ("type", 5)]
    assert "expected text, not the number 10" in problems[0].message


def test_aliases_are_refused_before_expansion() -> None:
    bomb = HEAD + "name: N\n" + "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"x-{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    tracemalloc.start()
    problems = _problems(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "aliases" in problems[0].message
    assert peak < 20_000_000


def test_object_tags_are_refused() -> None:
    (problem,) = _problems(HEAD + "name: !!python/object/apply:os.system [echo hi]\n")
    assert "tags" in problem.message


def test_nesting_and_size_limits_are_enforced_with_clear_messages() -> None:
    deep = HEAD + "name: N\nx-deep: " + "[" * 60 + "]" * 60 + "\n"
    (problem,) = _problems(deep)
    assert "Limits.max_depth" in problem.message
    big = HEAD + "name: " + "a" * 2_000 + "\n"
    (problem,) = _problems(big, limits=Limits(max_string=1_000))
    assert "Limits.max_string" in problem.message
    (problem,) = _problems(big, limits=Limits(max_bytes=100))
    assert problem.layer == "read"
    assert "Limits.max_bytes" in problem.message
    many = HEAD + "name: N\nx-list: [" + ", ".join(["1"] * 50) + "]\n"
    (problem,) = _problems(many, limits=Limits(max_nodes=20))
    assert "Limits.max_nodes" in problem.message


def test_byte_order_mark_and_crlf_keep_line_numbers() -> None:
    text = "\ufefftipframe: 1\r\nkind: Organisation\r\nid: o\r\nname: N\r\nsector: pubic\r\n"
    (problem,) = _problems(text)
    assert (problem.where, problem.line, problem.column) == ("sector", 5, 9)
    assert "did you mean 'public'" in problem.message


def test_json_positions_are_exact() -> None:
    text = '{\n  "tipframe": 1,\n  "kind": "Organisation",\n  "id": "o",\n  "name": "N",\n  "sector": 3\n}\n'
    (problem,) = _problems(text)
    assert (problem.where, problem.line, problem.column) == ("sector", 6, 13)


def test_json_with_tabs_reads() -> None:
    text = '{\n\t"tipframe": 1,\n\t"kind": "Organisation",\n\t"id": "o",\n\t"name": "Tabbed"\n}'
    assert tipframe.loads(text).name == "Tabbed"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"tipframe": 1,}', "expected a key"),
        ('{"tipframe": 1} {}', "extra text"),
        ('{"tipframe": 01}', "expected ','"),
        ('{"tipframe": "a\x01"}', "invalid control character"),
        ('{"tipframe": [1, 2}', "expected ',' or ']'"),
        ("[", "ends where a value should be"),
    ],
)
def test_malformed_json_is_a_parse_problem(text: str, needle: str) -> None:
    (problem,) = _problems(text, format="json")
    assert problem.layer == "parse"
    assert needle in problem.message
    assert problem.line == 1


def test_several_unknown_keys_each_get_a_suggestion() -> None:
    problems = _problems(HEAD + "nme: N\nsectr: public\nwebsight: w\n")
    messages = sorted(p.message for p in problems)
    assert any("did you mean 'name'" in m for m in messages)
    assert any("did you mean 'sector'" in m for m in messages)
    assert any("did you mean 'website'" in m for m in messages)
    assert any("missing required key 'name'" in m for m in messages)


def test_problem_text_names_file_line_and_path() -> None:
    (problem,) = _problems(HEAD + "name: N\nsector: 5\n", name="org.yaml")
    assert str(problem).startswith("org.yaml:5:9: sector: the number 5 is not one of: public, third-sector")
