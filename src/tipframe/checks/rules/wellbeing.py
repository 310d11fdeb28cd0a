"""TIP6xx: staff wellbeing. Working with trauma carries the risk of vicarious trauma."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.checks.rules.facilitation import GROUP_FORMATS
from tipframe.model import Activity, Approach, Format, Programme, Topic

WELLBEING_ACTIVITIES: Final = frozenset(
    {Activity.SELF_CARE_PLANNING, Activity.PEER_SUPPORT, Activity.REFLECTIVE_DISCUSSION}
)
WELLBEING_TOPICS: Final = frozenset(
    {Topic.STAFF_WELLBEING, Topic.SELF_CARE, Topic.VICARIOUS_TRAUMA, Topic.RESILIENCE, Topic.PEER_SUPPORT}
)


def _wellbeing(programme: Programme, context: Context, seen: set[str]) -> bool | None:
    """True when the structured fields show a wellbeing component, False when they are recorded and show none,
    None when the content is not recorded (no topics, no session activities) and nothing else shows one."""
    if any(WELLBEING_ACTIVITIES & set(s.activities) for s in programme.sessions):
        return True
    if Approach.PEER_LED in programme.approaches or WELLBEING_TOPICS & set(programme.topics):
        return True
    # A train-the-trainer course passes on the programme it prepares trainers for.
    delivered = context.resolve(programme.delivers, Programme)
    if delivered is not None and programme.delivers not in seen:
        seen.add(programme.delivers or "")
        found = _wellbeing(delivered, context, seen)
        if found is not None:
            return found
    recorded = programme.topics or any(s.activities for s in programme.sessions)
    return False if recorded else None


#: formats that are themselves a space for peers to process their work
_PEER_SPACES = (Format.REFLECTIVE_PRACTICE, Format.ACTION_LEARNING_SET)


@rule(
    "TIP601",
    "no-wellbeing-component",
    summary="A programme for staff who work with trauma has no wellbeing or self-care component.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Vicarious and secondary trauma are named risks in every case study: Help the Helpers
        built self-care into its course; Midlothian's space is for processing vicarious trauma;
        the Improvement Service names prioritising staff wellbeing; Research in Practice's
        resources aim to prevent vicarious and secondary trauma; the clinics validate the
        worker's experience. A reflective practice space or an action learning set is itself such a
        component. Another group programme passes when a session includes self-care planning, peer
        support or reflective discussion, when it is peer-led, or when its topics include staff
        wellbeing, self-care, vicarious trauma, resilience or peer support; a train-the-trainer
        course passes when the programme it prepares trainers for does. The rule judges those
        structured fields only, never the words of a description. A programme whose content is not
        recorded (no topics, no session activities) gets an information finding that the rule
        could not check it, not a warning that the component is missing.
    """,
    citation="Case studies 000-004; Research in Practice (2024) on practitioner wellbeing",
)
def no_wellbeing_component(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format not in GROUP_FORMATS or programme.format in (
        Format.REFLECTIVE_PRACTICE,
        Format.ACTION_LEARNING_SET,
    ):
        return
    found = _wellbeing(programme, context, set())
    if found:
        return
    if found is None:
        yield Report(
            where=("format",),
            message="whether it looks after staff wellbeing could not be checked: its content is not recorded",
            hint="record its topics (such as staff-wellbeing or self-care) or its sessions' activities",
            severity=Severity.INFO,
        )
        return
    yield Report(
        where=("topics",) if programme.topics else ("sessions",),
        message="no wellbeing or self-care component for staff who work with trauma: its topics and sessions show none",
        hint="add a session with self-care planning, peer support or reflective discussion, or a topic such as "
        "staff-wellbeing",
    )
