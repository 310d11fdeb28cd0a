"""Documents an independent trial found accepted: each is now refused, naming the field."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tipframe
from tipframe import (
    CascadePlan,
    DeliveryRecord,
    DocumentError,
    Duration,
    IntRange,
    IsoDate,
    ModelError,
    Programme,
    Schedule,
    Workforce,
)
from tipframe.model import limits
from tipframe.model.characters import refused_characters
from tipframe.model.fields import TEXT, TEXT_PATTERN, Range, field_checks
from tipframe.model.kinds import KINDS
from tipframe.schema import json_schema

from ..conftest import ROOT

PROGRAMME = "tipframe: 1\nkind: Programme\nid: p\nname: P\nformat: course\n"
PLAN = """\
tipframe: 1
kind: CascadePlan
id: plan
name: Plan
programme: builtin:help-the-helpers
workforce: builtin:help-the-helpers-community
seed_trainers: [{organisation: foodbank, trainers: 2}]
tiers: [{cohort_size: 8}]
"""


def _problems(text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(DocumentError) as caught:
        tipframe.loads(text)
    return [(p.layer, p.where, p.message) for p in caught.value.problems]


# -- 1. a count's period starts after its date ----------------------------------------------------


def test_a_count_whose_period_starts_after_its_date_is_refused() -> None:
    with pytest.raises(ModelError, match=r"starts \(2022\) after the count's date \(2020\)"):
        DeliveryRecord(what="people trained", count=3, date=IsoDate(year=2020), since=IsoDate(year=2022), source="s")


def test_a_count_within_one_year_at_two_precisions_is_fine() -> None:
    record = DeliveryRecord(what="x", count=3, date=IsoDate(year=2020), since=IsoDate(year=2020, month=5), source="s")
    assert record.describe() == "3 x (2020-05 to 2020)"


# -- 3. bounds on counts: one table ----------------------------------------------------------------


def _classes(tp: Any) -> Iterator[type[Any]]:
    """The attrs classes a field type names, unions and tuples looked into."""
    if attrs.has(tp):
        yield tp
    for arg in typing.get_args(tp):
        yield from _classes(arg)


def _bounded_fields() -> dict[float, set[str]]:
    """Each bound in tipframe.model.limits, with the fields whose Range stops at it.

    Every number a person writes in a document has an upper bound: results (ReachResult,
    RecurringResult), which engines write, are left out.
    """
    bounds: dict[float, set[str]] = {getattr(limits, n): set() for n in dir(limits) if n.startswith("MAX_")}
    seen: set[type[Any]] = {Duration}  # a duration's parts are not counts (documents.md, Limits)
    todo = [kind for name, kind in KINDS.items() if not name.endswith("Result")]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        attrs.resolve_types(cls)
        for field in attrs.fields(cls):
            for check in field_checks(field):
                if isinstance(check, Range):
                    assert check.high is not None, f"{cls.__name__}.{field.name} has no upper bound"
                    if check.high in bounds:
                        bounds[check.high].add(field.name)
            todo.extend(_classes(field.type))
    return bounds


def test_every_counting_field_is_bounded_as_the_table_says() -> None:
    table = (ROOT / "docs" / "documents.md").read_text(encoding="utf-8").split("### Bounds on counts")[1]
    rows = {row.split("|")[2].strip(): row for row in table.splitlines() if row.startswith("| ")}
    for bound, names in _bounded_fields().items():
        row = rows[f"{bound:,}"]
        for name in names:
            assert re.search(rf"`([a-z_]+\.)?{name}`", row), (name, bound)


@pytest.mark.parametrize(
    ("text", "where", "bound"),
    [
        ("facilitation: {facilitators: 1000000000000000000}\n", "facilitation.facilitators", "100"),
        ("group_size: {max: 1000000}\n", "group_size.max", "100000"),
        ("schedule: {sessions: 1000001}\n", "schedule.sessions", "1000000"),
        (
            "delivery_records: [{what: x, count: 1000000000000000000, date: 2020, source: s}]\n"
            "sources: [{id: s, title: S}]\n",
            "delivery_records[0].count",
            "100000000",
        ),
    ],
)
def test_counts_beyond_their_bound_are_schema_problems(text: str, where: str, bound: str) -> None:
    ((layer, found, message),) = _problems(PROGRAMME + text)
    assert (layer, found) == ("schema", where)
    assert f"must be at most {bound}" in message


# -- 4. a group of nobody --------------------------------------------------------------------------


def test_a_group_of_at_most_nobody_is_refused() -> None:
    assert _problems(PROGRAMME + "group_size: {max: 0}\n") == [
        ("schema", "group_size.max", "must be at least 1, not 0")
    ]
    with pytest.raises(ValueError, match="max: must be at least 1"):
        IntRange(max=0)
    assert _problems(PROGRAMME + "group_size: {min: 8, max: 4}\n")[0][:2] == ("model", "group_size.min")


# -- 5. zero durations, refused alike wherever nothing makes no sense ------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("schedule: {cadence: PT0S}\n", "schedule.cadence"),
        ("schedule: {session_length: P0D}\n", "schedule.session_length"),
        ("sessions: [{number: 1, duration: PT0M}]\n", "sessions[0].duration"),
    ],
)
def test_zero_lengths_and_intervals_are_refused(text: str, where: str) -> None:
    assert _problems(PROGRAMME + text) == [("schema", where, "must be longer than zero")]


def test_a_zero_period_is_refused_the_same_way_for_plans_and_networks() -> None:
    assert _problems(PLAN + "period: P0W\nhorizon: 52\n") == [("schema", "period", "must be longer than zero")]
    network = "tipframe: 1\nkind: ReferralNetwork\nid: n\nname: N\nperiod: PT0S\norganisations: [{id: o}]\n"
    network += "services: [{id: a, name: A, organisation: o}]\n"
    assert _problems(network) == [("schema", "period", "must be longer than zero")]
    with pytest.raises(ValueError, match="cadence: must be longer than zero"):
        Schedule(cadence=Duration())


def test_a_zero_delay_and_a_zero_wait_still_make_sense() -> None:
    plan = tipframe.loads(PLAN + "period: P1W\nhorizon: 52\n", CascadePlan)
    assert attrs.evolve(plan.tiers[0], delay=Duration()).delay == Duration()
    service = tipframe.Service(id="a", name="A", organisation="o", waiting_time=Duration())
    assert service.waiting_time == Duration()


# -- 6. staff networks within the workforce --------------------------------------------------------


def test_a_staff_network_bigger_than_the_workforce_is_refused() -> None:
    people = "[" + ", ".join(["a"] * 5060) + "]"
    text = (
        "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 60}]\n"
        f"staff_network: {{people: {people}, edges: [[0, 1]]}}\n"
    )
    assert _problems(text) == [
        ("model", "staff_network.people", "5060 people in organisation 'a', more than its headcount of 60")
    ]


def test_a_staff_network_edge_from_a_person_to_themselves_is_refused() -> None:
    text = (
        "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 60}]\n"
        "staff_network: {people: [a, a], edges: [[0, 1], [1, 1]]}\n"
    )
    assert _problems(text) == [
        ("model", "staff_network.edges[1]", "an edge joins two different people, not person 1 to itself")
    ]


def test_a_staff_network_within_the_headcount_loads() -> None:
    text = (
        "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 3}, {id: b, headcount: 1}]\n"
        "staff_network: {people: [a, a, a, b], edges: [[0, 1], [2, 3]]}\n"
    )
    assert tipframe.loads(text, Workforce).staff_network is not None


# -- 7. the plan's measures within its horizon -----------------------------------------------------


@pytest.mark.parametrize("name", ["adoption_after", "maintenance_after", "maintenance_window"])
def test_a_measure_beyond_the_horizon_is_refused(name: str) -> None:
    assert _problems(PLAN + f"period: P1W\nhorizon: 104\n{name}: 500\n") == [
        ("model", name, "500 periods is beyond the horizon of 104 periods")
    ]


def test_defaults_beyond_a_short_horizon_are_allowed_and_so_is_the_horizon_itself() -> None:
    short = tipframe.loads(PLAN + "period: P1W\nhorizon: 10\n", CascadePlan)
    assert (short.adoption_after, short.maintenance_after, short.maintenance_window) == (26, 26, 13)
    text = PLAN + "period: P1W\nhorizon: 104\nadoption_after: 104\nmaintenance_after: 104\nmaintenance_window: 104\n"
    assert tipframe.loads(text, CascadePlan).maintenance_after == 104


# -- 9. sessions the schedule does not have --------------------------------------------------------


def test_sessions_beyond_the_schedule_are_refused() -> None:
    listed = "".join(f"  - {{number: {n}}}\n" for n in (*range(1, 15), 99))
    text = PROGRAMME + "schedule: {sessions: 10}\nsessions:\n" + listed
    problems = _problems(text)
    assert {p[0] for p in problems} == {"model"}
    assert [p[2] for p in problems] == [f"session {n}, but the schedule has 10 sessions" for n in (11, 12, 13, 14, 99)]


def test_fourteen_sessions_against_ten_are_refused_in_python_too() -> None:
    sessions = tuple(tipframe.Session(number=n) for n in range(1, 15))
    with pytest.raises(ModelError) as caught:
        Programme(id="p", name="P", format=tipframe.Format.COURSE, schedule=Schedule(sessions=10), sessions=sessions)
    assert [where for where, _ in caught.value.problems] == [("sessions", i, "number") for i in range(10, 14)]


# -- 10. invisible and control characters in text and ids ------------------------------------------


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u2060", "U+2060 WORD JOINER"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\x00", "U+0000 NULL"),
        ("\x1b", "U+001B ESCAPE"),
        ("\r", "U+000D CARRIAGE RETURN"),
        ("\x7f", "U+007F DELETE"),
        ("\x85", "U+0085 NEXT LINE"),
        ("\x9b", "U+009B (a control character)"),
    ],
)
def test_text_and_ids_naming_each_refused_character(char: str, name: str) -> None:
    escaped = f"\\u{ord(char):04x}"
    text = f'{{"tipframe": 1, "kind": "Organisation", "id": "o{escaped}", "name": "a{escaped}b"}}'
    problems = _problems(text)
    assert [(layer, where) for layer, where, _ in problems] == [("schema", "id"), ("schema", "name")]
    assert all(f"contains {name} at character 2" in message for _, _, message in problems)


@pytest.mark.parametrize(
    "text",
    [
        "\u0645\u0631\u0643\u0632 \u0627\u0644\u0645\u062c\u062a\u0645\u0639",  # Arabic
        "\u05de\u05e8\u05db\u05d6 10\u200f",  # Hebrew, with a right-to-left mark
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a zero-width non-joiner
        "\U0001f469\u200d\U0001f467",  # an emoji sequence with a zero-width joiner
        "line one\n\tline two",
    ],
)
def test_scripts_and_line_breaks_stay_valid(text: str) -> None:
    assert refused_characters(text) is None
    organisation = tipframe.Organisation(id="o", name=text, description=text)
    assert tipframe.loads(tipframe.dumps(organisation, "json")) == organisation


def test_the_schema_pattern_refuses_what_the_model_refuses() -> None:
    pattern = json_schema("Organisation")["properties"]["name"]["pattern"]
    for char in ("\u202e", "\x07", "\u200b", "\x85", "\ufeff"):
        assert re.search(pattern, f"a{char}b") is None
    for text in ("plain", "\u05e9\u05dc\u05d5\u05dd", "two\nlines\twith a tab", "a\u200db"):
        assert re.search(pattern, text) is not None
    assert re.search(pattern, " \n\t") is None  # nothing but white space


def test_a_problem_names_the_file_the_line_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    path.write_text('{"tipframe": 1, "kind": "Organisation", "id": "o", "name": "x\\u202ey"}', encoding="utf-8")
    (problem,) = tipframe.read_bundle([path])[1]
    assert (problem.file, problem.line, problem.where) == (str(path), 1, "name")


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
def test_the_text_check_and_its_schema_pattern_agree(value: str) -> None:
    assert (TEXT.problem(value) is None) == (re.search(TEXT_PATTERN, value) is not None)
