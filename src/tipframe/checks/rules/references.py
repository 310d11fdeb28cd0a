"""TIP4xx: cascade and references: documents that name each other, and train-the-trainer follow-ons."""

from __future__ import annotations

from collections.abc import Iterator

from tipframe.bundle import ref_of
from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.model import CascadePlan, Document, Format, Programme, RecurringPlan, Workforce
from tipframe.model.feasibility import (
    NO_CADENCE,
    NO_CAPACITY,
    NO_LENGTH,
    SEEDS_EXCEED_STAFF,
    plan_infeasibilities,
    recurring_infeasibilities,
)
from tipframe.model.recurring import meeting_capacity


def _bundle_problems(code: str, context: Context) -> Iterator[Report]:
    for problem in context.reference_problems(code):
        yield Report(where=problem.path, message=problem.message)


@rule(
    "TIP401",
    "missing-reference",
    summary="A reference names a document that is not in the bundle.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale="""
        Owners, partners, frameworks, level scales, follow-ons and strands are named by id, and
        plans name organisations and roles of their workforce. A name with nothing behind it is
        a typo or a file left out of the bundle.
    """,
    citation="tipframe document format (references by id; built-ins as builtin:ID)",
)
def missing_reference(document: Document, context: Context) -> Iterator[Report]:
    # One walk of the document for both kinds of problem: a large one takes a second a walk.
    for problem in context.bundle_problems:
        code = problem.code or ""
        if code == "missing-reference" or (
            code.startswith("unknown-") and code not in ("unknown-principle", "unknown-level")
        ):
            yield Report(where=problem.path, message=problem.message)


@rule(
    "TIP402",
    "duplicate-id",
    summary="Two documents of the same kind share an id.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale="A reference must name exactly one document.",
    citation="tipframe document format (ids unique per kind within a bundle)",
)
def duplicate_id(document: Document, context: Context) -> Iterator[Report]:
    return _bundle_problems("duplicate-id", context)


@rule(
    "TIP403",
    "follow-on-cycle",
    summary="Follow-on programmes lead back to where they started.",
    severity=Severity.ERROR,
    kinds=[Programme],
    rationale="A follow-on comes after its programme; a chain of follow-ons that returns to its start has no end.",
    citation="tipframe document format",
)
def follow_on_cycle(programme: Programme, context: Context) -> Iterator[Report]:
    return _bundle_problems("follow-on-cycle", context)


@rule(
    "TIP404",
    "trainer-course-delivers-nothing",
    summary="A train-the-trainer course does not name the programme its trainers go on to deliver.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        A train-the-trainer package exists to spread one programme: Help the Helpers'
        co-produced package prepares completers to disseminate the group work programme to their
        own teams. Naming it (delivers) lets the rollout be modelled and checked.
    """,
    citation="Case study 000 (SVRU, Help the Helpers train-the-trainer package)",
)
def trainer_course_delivers_nothing(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.format is Format.TRAIN_THE_TRAINER and programme.delivers is None:
        yield Report(
            where=("format",),
            message="a train-the-trainer course that does not name the programme its trainers deliver",
            hint="add delivers: the id of that programme",
        )


@rule(
    "TIP405",
    "follow-on-prepares-for-another-programme",
    summary="A programme's train-the-trainer follow-on prepares trainers for a different programme.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        When completers go on to a train-the-trainer course, that course should prepare them to
        deliver the programme they completed, so that the cascade passes on what they learnt.
    """,
    citation="Case study 000 (SVRU, Help the Helpers train-the-trainer package)",
)
def follow_on_prepares_for_another(programme: Programme, context: Context) -> Iterator[Report]:
    follow_on = context.resolve(programme.follow_on, Programme)
    if follow_on is None or follow_on.format is not Format.TRAIN_THE_TRAINER or follow_on.delivers is None:
        return
    own = ref_of(context.loaded)
    if follow_on.delivers != own:
        yield Report(
            where=("follow_on",),
            message=f"the follow-on {programme.follow_on} prepares trainers for {follow_on.delivers}, not for {own}",
        )


@rule(
    "TIP406",
    "trainer-course-not-named-as-follow-on",
    summary="A train-the-trainer course delivers this programme, but the programme does not name it as its follow-on.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        Naming the train-the-trainer course as the follow-on shows readers how the programme is
        meant to spread, and lets rollout tools find the course from the programme.
    """,
    citation="Case study 000 (SVRU, Help the Helpers)",
)
def trainer_course_not_named(programme: Programme, context: Context) -> Iterator[Report]:
    if programme.follow_on is not None:
        return
    own = ref_of(context.loaded)
    for loaded in context.bundle.entries:
        other = loaded.document
        if isinstance(other, Programme) and other.format is Format.TRAIN_THE_TRAINER and other.delivers == own:
            yield Report(
                where=("id",),
                message=f"{ref_of(loaded)} prepares trainers to deliver this programme, but follow_on does not name it",
                hint=f"add follow_on: {ref_of(loaded)}",
            )


def _plan_parts(plan: CascadePlan | RecurringPlan, context: Context) -> tuple[Programme | None, Workforce | None]:
    return context.resolve(plan.programme, Programme), context.resolve(plan.workforce, Workforce)


def _infeasible(
    plan: CascadePlan | RecurringPlan, context: Context, reason: str, hint: str | None = None
) -> Iterator[Report]:
    """The plan's infeasibilities for one reason, in the words validate and the engines use."""
    programme, workforce = _plan_parts(plan, context)
    if programme is None or workforce is None:
        return
    reasons = (
        plan_infeasibilities(plan, workforce, programme)
        if isinstance(plan, CascadePlan)
        else recurring_infeasibilities(plan, workforce, programme)
    )
    for found in reasons:
        if found.reason == reason:
            yield Report(where=found.where, message=found.message, hint=hint)


@rule(
    "TIP407",
    "cohort-outside-group-range",
    summary="A cascade tier's cohort size is outside the group size its programme declares.",
    severity=Severity.WARNING,
    kinds=[CascadePlan],
    rationale="""
        A rollout that runs the programme in larger or smaller groups than it was designed for
        changes the programme: the facilitators' ratio, the safety of the space, the time each
        person gets. Help the Helpers was designed for a group of twelve.
    """,
    citation="Case study 000 (SVRU, Help the Helpers)",
)
def cohort_outside_group_range(plan: CascadePlan, context: Context) -> Iterator[Report]:
    programme, _ = _plan_parts(plan, context)
    if programme is None or programme.group_size is None:
        return
    for index, tier in enumerate(plan.tiers):
        if tier.cohort_size not in programme.group_size:
            yield Report(
                where=("tiers", index, "cohort_size"),
                message=f"cohorts of {tier.cohort_size}, but {plan.programme} is designed for groups of "
                f"{programme.group_size}",
            )


@rule(
    "TIP408",
    "seeds-exceed-eligible-staff",
    summary="An organisation has more seed trainers than eligible staff.",
    severity=Severity.ERROR,
    kinds=[CascadePlan],
    rationale="""
        When seed trainers are their organisation's own staff (seeds_are_staff, the default),
        an organisation cannot have more of them than it has eligible staff; the plan cannot run.
    """,
    citation="tipframe cascade model (docs/reach.md)",
)
def seeds_exceed_eligible(plan: CascadePlan, context: Context) -> Iterator[Report]:
    yield from _infeasible(plan, context, SEEDS_EXCEED_STAFF)


@rule(
    "TIP409",
    "programme-has-no-length",
    summary="A cascade plan's programme gives no session count and cadence, so a cohort's length is unknown.",
    severity=Severity.ERROR,
    kinds=[CascadePlan],
    rationale="""
        A cohort lasts the programme's length (sessions times cadence) in periods; without it the
        rollout cannot be simulated or projected.
    """,
    citation="tipframe cascade model (docs/reach.md)",
)
def programme_has_no_length(plan: CascadePlan, context: Context) -> Iterator[Report]:
    yield from _infeasible(
        plan, context, NO_LENGTH, hint="add schedule: {cadence: ..., sessions: ...} to the programme"
    )


@rule(
    "TIP410",
    "trainer-course-for-another-programme",
    summary="A cascade plan's trainer course is not a train-the-trainer course for the programme it rolls out.",
    severity=Severity.WARNING,
    kinds=[CascadePlan],
    rationale="""
        Conversion and delay stand for the train-the-trainer course; that course should prepare
        trainers for the programme the plan delivers, as Help the Helpers' co-produced package
        does for the course.
    """,
    citation="Case study 000 (SVRU, Help the Helpers train-the-trainer package)",
)
def trainer_course_for_another(plan: CascadePlan, context: Context) -> Iterator[Report]:
    course = context.resolve(plan.trainer_course, Programme)
    if course is None:
        return
    if course.format is not Format.TRAIN_THE_TRAINER:
        yield Report(
            where=("trainer_course",),
            message=f"{plan.trainer_course} is a {course.format.value}, not a train-the-trainer course",
        )
    elif course.delivers is not None and course.delivers != plan.programme:
        yield Report(
            where=("trainer_course",),
            message=f"{plan.trainer_course} prepares trainers for {course.delivers}, not for {plan.programme}",
        )


@rule(
    "TIP411",
    "recurring-meeting-has-no-capacity",
    summary="A recurring plan's meetings have no capacity: neither the plan nor its programme says how many they take.",
    severity=Severity.ERROR,
    kinds=[RecurringPlan],
    rationale="""
        A clinic discusses so many cases a session (Safe & Together clinics: three to five
        families); a reflective group seats so many members. Without that number the format's
        reach cannot be simulated.
    """,
    citation="Case study 004 (Safe & Together clinics, Manchester): 3-5 families per clinic",
)
def recurring_without_capacity(plan: RecurringPlan, context: Context) -> Iterator[Report]:
    hint = "add capacity: {min: ..., max: ...} to the plan, or cases_per_session or group_size to the programme"
    yield from _infeasible(plan, context, NO_CAPACITY, hint)


@rule(
    "TIP412",
    "recurring-meeting-has-no-cadence",
    summary="A recurring plan does not say how often its meetings are held, nor does its programme.",
    severity=Severity.ERROR,
    kinds=[RecurringPlan],
    rationale="""
        How often a clinic or group meets decides how many cases it can take: three localities
        holding monthly clinics of three to five families cannot reach 600 case discussions in
        three years, fortnightly ones can.
    """,
    citation="Case study 004 (Safe & Together clinics, Manchester): 600+ case discussions",
)
def recurring_without_cadence(plan: RecurringPlan, context: Context) -> Iterator[Report]:
    yield from _infeasible(plan, context, NO_CADENCE, "add cadence (such as P1M) to the plan")


@rule(
    "TIP413",
    "recurring-site-without-a-team",
    summary="A recurring plan's site has fewer facilitators than one meeting needs, so it holds no meetings.",
    severity=Severity.WARNING,
    kinds=[RecurringPlan],
    rationale="""
        Each meeting needs the programme's facilitators (Safe & Together clinics: one trained
        facilitator); a site with fewer never meets, and its staff have no space to go to.
    """,
    citation="Case study 004 (Safe & Together clinics, Manchester): led by a Safe & Together trained facilitator",
)
def recurring_site_without_a_team(plan: RecurringPlan, context: Context) -> Iterator[Report]:
    programme = context.resolve(plan.programme, Programme)
    capacity = meeting_capacity(programme, plan) if programme is not None else None
    if capacity is None:
        return
    for index, site in enumerate(plan.sites):
        if site.facilitators < capacity.facilitators:
            yield Report(
                where=("sites", index, "facilitators"),
                message=f"{site.facilitators} facilitator(s) at {site.organisation!r}, but a meeting of "
                f"{plan.programme} needs {capacity.facilitators}: it never meets",
                hint=f"give the site at least {capacity.facilitators} facilitators",
            )
