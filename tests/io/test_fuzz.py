"""Fuzzing the loader and the checks: whatever the text, only DocumentError, and what loads round-trips.

A short budget runs with the suite; for a long run set ``TIPFRAME_FUZZ_EXAMPLES`` (DEVELOPERS.md).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tipframe
from tipframe.bundle import Bundle
from tipframe.checks import RULE_FAILED
from tipframe.io.documents import Loaded

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.yaml"))
TEXTS = [p.read_text(encoding="utf-8") for p in EXAMPLES]
BUDGET = settings(
    max_examples=int(os.environ.get("TIPFRAME_FUZZ_EXAMPLES", "150")),
    deadline=timedelta(seconds=5),  # each example is bounded: a hang fails the test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not os.environ.get("TIPFRAME_FUZZ_EXAMPLES"),  # CI is repeatable; long runs explore
)
TOKENS = st.sampled_from([*"abcxyz019 -:#[]{},&*!|>'\"\n\t.?%@`~\\", "tipframe: 1\n", "kind: ", "id: ", "\r\n"])
YAMLISH = st.lists(TOKENS, max_size=120).map("".join)


def _survives(text: str) -> None:
    """Loading gives a document or DocumentError; a document dumps and reloads equal and checks without a crash."""
    try:
        document = tipframe.loads(text)
    except tipframe.DocumentError:
        return
    for form in ("yaml", "json"):
        assert tipframe.loads(tipframe.dumps(document, form)) == document
    loaded = Loaded(document, "<fuzz>")
    findings = tipframe.check(Bundle([loaded]))
    assert not findings.of(RULE_FAILED), [str(f) for f in findings.of(RULE_FAILED)]


@BUDGET
@given(YAMLISH)
def test_random_yaml_like_text(text: str) -> None:
    _survives(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TEXTS))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "insert", "retype"]))
        if operation == "drop":
            del lines[at]
        elif operation == "repeat":
            lines.insert(at, lines[at])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "cut":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + "\n"
        elif operation == "insert":
            line = lines[at]
            where = draw(st.integers(0, len(line)))
            lines[at] = line[:where] + draw(YAMLISH.filter(lambda s: len(s) < 12)) + line[where:]
        else:
            value = draw(
                st.sampled_from(["-1", "0", "1e400", ".nan", "-.inf", "yes", "~", "[]", "{}", "''", "P-1W", "x" * 70])
            )
            line = lines[at]
            if ": " in line:
                lines[at] = line.split(": ", 1)[0] + ": " + value + "\n"
    return "".join(lines)


@BUDGET
@given(mutated())
def test_mutated_examples(text: str) -> None:
    _survives(text)
