"""TIP6xx: staff wellbeing. Working with trauma carries the risk of vicarious trauma."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.checks.rules.facilitation import GROUP_FORMATS
from tipframe.model import Activity, Approach, Format, Programme

WELLBEING_ACTIVITIES: Final = frozenset(
    {Activity.SELF_CARE_PLANNING, Activity.PEER_SUPPORT, Activity.REFLECTIVE_DISCUSSION}
)
WELLBEING_WORDS: Final = re.compile(
    r"well[- ]?being|self[- ]care|vicarious|secondary trauma|burnout|compassion fatigue|resilience|"
    r"peer support|psychological safety|validate the worker",
    re.IGNORECASE,
)


def _looks_after_wellbeing(programme: Programme, context: Context, seen: set[str]) -> bool:
    if any(WELLBEING_ACTIVITIES & set(s.activities) for s in programme.sessions):
        return True
    if Approach.PEER_LED in programme.approaches:
        return True
    texts = [*programme.aims, programme.description or "", *(s.title or "" for s in programme.sessions)]
    texts += [s.description or "" for s in programme.sessions]
    if any(WELLBEING_WORDS.search(text) for text in texts):
        return True
    # A train-the-trainer course passes on the programme it prepares trainers for.
    delivered = context.resolve(programme.delivers, Programme)
    if delivered is not None and programme.delivers not in seen:
        seen.add(programme.delivers or "")
        return _looks_after_wellbeing(delivered, context, seen)
    return False


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
        component. Another group
        programme passes when a session includes self-care planning, peer support or reflective
        discussion, when it is peer-led, or when its aims, description, or session titles and
        descriptions speak of wellbeing, self-care, resilience or vicarious trauma. A
        train-the-trainer course passes when the programme it prepares trainers for does.
    """,
    citation="Case studies 000-004; Research in Practice (2024) on practitioner wellbeing",
)
def no_wellbeing_component(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format not in GROUP_FORMATS or programme.format in (
        Format.REFLECTIVE_PRACTICE,
        Format.ACTION_LEARNING_SET,
    ):
        return
    if _looks_after_wellbeing(programme, context, set()):
        return
    yield Report(
        where=("aims",) if programme.aims else ("format",),
        message="no wellbeing or self-care component for staff who work with trauma",
        hint="add a session with self-care planning, peer support or reflective discussion, or say how "
        "wellbeing is looked after",
    )
