"""TIP2xx: facilitation and practice levels."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.model import Approach, Document, Format, Programme


#: formats in which a facilitated group meets
def with_article(word: str) -> str:
    """``word`` after "a" or "an", as it is said (an action-learning-set, a clinic)."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


GROUP_FORMATS: Final = frozenset(
    {
        Format.COURSE,
        Format.TRAIN_THE_TRAINER,
        Format.REFLECTIVE_PRACTICE,
        Format.CLINIC,
        Format.LEADERSHIP_PROGRAMME,
        Format.ACTION_LEARNING_SET,
    }
)


@rule(
    "TIP201",
    "unknown-level",
    summary="A document names a practice level that the level scale it refers to does not have.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale="""
        Level ids are references into the level scale the programme names (NES: informed,
        skilled, enhanced, specialist). An unknown id cannot be compared with any other level.
    """,
    citation="NES 2017 practice levels (builtin:nes-levels)",
)
def unknown_level(document: Document, context: Context) -> Iterator[Report]:
    for problem in context.reference_problems("unknown-level"):
        yield Report(where=problem.path, message=problem.message)


@rule(
    "TIP202",
    "facilitator-below-target",
    summary="A facilitator's practice level is below the level the programme aims to bring participants to.",
    severity=Severity.ERROR,
    kinds=[Programme],
    rationale="""
        Facilitators cannot take participants beyond practice they hold themselves: NES sets out
        what each level knows and does, and training for a level is delivered by people at it or
        above. On a cumulative scale a higher level includes every level below it. On a spectrum
        it does not, so a facilitator at a different, higher level is reported at info level, to
        confirm they also hold the target level.
    """,
    citation="NES 2017 (builtin:nes-levels); case study 000: Help the Helpers was facilitated by counsellors",
)
def facilitator_below_target(programme: Programme, context: Context) -> Iterator[Report]:
    scale = context.levels_of(programme)
    target = programme.target_level
    if scale is None or target is None or target not in scale or programme.facilitation is None:
        return
    for index, role in enumerate(programme.facilitation.roles):
        held = role.practice_level
        if held is None or held not in scale:
            continue
        where = ("facilitation", "roles", index, "practice_level")
        if not scale.meets(held, target):
            yield Report(
                where=where,
                message=f"{role.title} at {scale.level(held).name} ({held}) is below the target level, "
                f"{scale.level(target).name} ({target})",
                hint=f"facilitators should hold {target} or a level above it",
            )
        elif not scale.cumulative and held != target:
            yield Report(
                where=where,
                severity=Severity.INFO,
                message=f"on the spectrum {scale.id}, {held} does not include {target}: confirm the {role.title} "
                f"also holds {target}",
            )


@rule(
    "TIP203",
    "facilitator-level-unstated",
    summary="The programme targets a practice level but says nothing of the level its facilitators hold.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        Whether facilitators are qualified for the target level can only be checked when the
        level they need is written down.
    """,
    citation="NES 2017 (builtin:nes-levels)",
)
def facilitator_level_unstated(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.target_level is None or programme.format not in GROUP_FORMATS:
        return
    roles = programme.facilitation.roles if programme.facilitation is not None else ()
    if not any(role.practice_level for role in roles):
        yield Report(
            where=("facilitation",) if programme.facilitation is not None else ("target_level",),
            message=f"targets {programme.target_level} but no facilitator role states the practice level it needs",
            hint="add practice_level to the facilitator roles",
        )


@rule(
    "TIP204",
    "clinic-without-model-facilitator",
    summary="A clinic in a named practice model has no facilitator trained in that model.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        A model clinic helps practitioners use the model with their families; its facilitator
        explains the model's principles and critical components and must be trained in it.
        Manchester's Safe & Together clinics are "led by a Safe & Together trained facilitator".
    """,
    citation="Case study 004 (Safe & Together clinics, Manchester)",
)
def clinic_without_model_facilitator(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format is not Format.CLINIC or programme.framework is None:
        return
    roles = programme.facilitation.roles if programme.facilitation is not None else ()
    if any(role.trained_in == programme.framework for role in roles):
        return
    yield Report(
        where=("facilitation",) if programme.facilitation is not None else ("framework",),
        message=f"no facilitator is trained in {programme.framework}, the model this clinic works in",
        hint=f"add trained_in: {programme.framework} to the facilitator role",
    )


@rule(
    "TIP205",
    "too-few-facilitators",
    summary="More participants per facilitator than group work of this kind is run with.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        Trauma-informed group work keeps a safe space: with enough facilitators, one can lead
        while another attends to anyone who is distressed. The limit depends on the format, and
        the rule applies only a limit a source gives. Courses, train-the-trainer courses and
        leadership programmes: Help the Helpers ran twelve participants with two counsellors, six
        each, so the rule asks for one facilitator per six participants of the largest group (the
        smallest, when only that is given; CheckOptions.participants_per_facilitator). Peer-led
        groups (a peer-led programme, or one whose facilitators are all peers) and reflective
        practice spaces and action learning sets: no case study gives a ratio (Midlothian's space
        is peer-to-peer, with no size), so none is applied unless
        CheckOptions.peer_participants_per_facilitator sets one. Clinics count cases, not
        participants: TIP302 judges their size.
    """,
    citation="Case study 000 (SVRU, Help the Helpers): twelve participants, two facilitators; case study 001 "
    "(Iriss, Midlothian): a peer-to-peer space, no ratio given",
)
def too_few_facilitators(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format not in GROUP_FORMATS or programme.facilitation is None or programme.group_size is None:
        return
    largest = programme.group_size.max if programme.group_size.max is not None else programme.group_size.min
    limit = _participant_limit(programme, context)
    if largest is None or limit is None:
        return
    facilitators = programme.facilitation.facilitators
    needed = math.ceil(largest / limit)
    if facilitators < needed:
        per = f"{largest / facilitators:g} each" if facilitators else "none to lead them"
        yield Report(
            where=("facilitation", "facilitators"),
            message=f"{facilitators} facilitator{'' if facilitators == 1 else 's'} for groups of {largest} "
            f"participants ({per}); "
            f"at most {limit:g} per facilitator means {needed}",
            hint=f"plan {needed} facilitators, or a smaller group",
        )


def _participant_limit(programme: Programme, context: Context) -> float | None:
    """Participants one facilitator may have in this format, or None where no source gives a limit."""
    if programme.format is Format.CLINIC:
        return None
    roles = programme.facilitation.roles if programme.facilitation is not None else ()
    peer = Approach.PEER_LED in programme.approaches or (bool(roles) and all(role.peer for role in roles))
    if peer or programme.format in (Format.REFLECTIVE_PRACTICE, Format.ACTION_LEARNING_SET):
        return context.options.peer_participants_per_facilitator
    return context.options.participants_per_facilitator


@rule(
    "TIP206",
    "facilitation-unstated",
    summary="A group programme does not say who facilitates it.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        Every case study names its facilitators: two counsellors (Help the Helpers), a Safe &
        Together trained facilitator (clinics), peers (Midlothian). Without them the group's
        safety and the facilitators' levels cannot be checked.
    """,
    citation="Case studies 000, 001 and 004",
)
def facilitation_unstated(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format in GROUP_FORMATS and programme.facilitation is None:
        yield Report(
            where=("format",),
            message=f"{with_article(programme.format.value)} with no facilitation stated",
            hint="add facilitation: the number of facilitators and what each needs",
        )
