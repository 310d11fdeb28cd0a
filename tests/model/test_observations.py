"""Observations documents: each count's when, value and qualifier checked where they are written."""

from __future__ import annotations

import pytest

import tipframe
from tipframe.io.problems import DocumentError

HEAD = "tipframe: 1\nkind: Observations\nid: seen\nname: Seen\nplan: builtin:help-the-helpers-rollout\n"


def _problems(items: str, extra: str = "") -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as caught:
        tipframe.loads(HEAD + "observations:\n" + items + extra, tipframe.Observations)
    return [(p.where, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("item", "where", "message"),
    [
        ("  - {measure: trained, value: 3}", "observations[0]", "give when the count stood"),
        ("  - {measure: trained, period: 3, at: 2020, value: 3}", "observations[0]", "not at and period"),
        ("  - {measure: cohorts, since: 2020, value: 3}", "observations[0].until", "needs both since and until"),
        ("  - {measure: cohorts, since: 2021, until: 2020, value: 3}", "observations[0].until", "ends (2020)"),
        ("  - {measure: cohorts, periods: [5, 2], value: 3}", "observations[0].periods", "first and last"),
        ("  - {measure: trainers, periods: [1, 2], value: 3}", "observations[0].measure", "not over a window"),
        ("  - {measure: cohorts, organisation: a, period: 2, value: 3}", "observations[0].organisation", "only"),
        ("  - {measure: trained, period: 2, qualifier: suppressed, value: 3}", "observations[0].value", "no value"),
        ("  - {measure: trained, period: 2}", "observations[0].value", "give the count"),
        ("  - {measure: trained, period: 2, value: 3, qualifier: about}", "observations[0].qualifier", "tolerance"),
        ("  - {measure: trained, period: 2, value: 3, tolerance: 1}", "observations[0].tolerance", "tolerance"),
        ("  - {measure: trained, period: 2, value: 3, weight: 0}", "observations[0].weight", "above 0"),
        ("  - {measure: trained, period: 2, value: 3, source: nowhere}", "observations[0].source", "no source"),
        ("  - {measure: trainedd, period: 2, value: 3}", "observations[0].measure", "trained"),
    ],
)
def test_each_mistake_is_named_at_its_field(item: str, where: str, message: str) -> None:
    found = _problems(item + "\n")
    assert any(w == where and message in m for w, m in found), found


def test_a_count_reads_as_reported() -> None:
    item = "{measure: discussions, since: 2019-09, until: 2022-08, value: 600, qualifier: at-least}"
    text = HEAD + f"observations:\n  - {item}\n"
    document = tipframe.loads(text, tipframe.Observations)
    assert document.observations[0].describe() == "at least 600 discussions (2019-09 to 2022-08)"
    suppressed = tipframe.loads(HEAD + "observations:\n  - {measure: trained, period: 4, qualifier: suppressed}\n",
                                tipframe.Observations)  # fmt: skip
    assert suppressed.observations[0].describe() == "1 to 4 (suppressed) trained (by period 4)"
    assert tipframe.loads(tipframe.dumps(document), tipframe.Observations) == document


def test_a_plan_that_is_not_in_scope_is_named_with_both_kinds() -> None:
    text = HEAD.replace("builtin:help-the-helpers-rollout", "elsewhere") + (
        "observations:\n  - {measure: trained, period: 4, value: 1}\n"
    )
    with pytest.raises(DocumentError) as caught:
        tipframe.Bundle.of([tipframe.loads(text, tipframe.Observations)])
    (problem,) = caught.value.problems
    assert problem.message.startswith("no CascadePlan or RecurringPlan 'elsewhere';")
