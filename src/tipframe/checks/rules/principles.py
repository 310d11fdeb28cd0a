"""TIP1xx: principles. A programme that names a framework should put each of its principles into practice."""

from __future__ import annotations

from collections.abc import Iterator

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.model import Approach, Document, Format, Programme


def cite(document: Document) -> str:
    """A framework's name and the title of its first source."""
    if document.sources:
        return f"{document.name} ({document.sources[0].title})"
    return document.name


@rule(
    "TIP101",
    "principle-not-enacted",
    summary="A principle of the programme's framework is enacted in no session.",
    severity=Severity.WARNING,
    kinds=[Programme],
    rationale="""
        A programme that follows a framework promises to put each of its principles into
        practice. A principle no session enacts is a principle participants never practise:
        NTTP asks services to apply all five (safety, trustworthiness, choice, collaboration,
        empowerment), not a selection. Each missing principle is its own finding. When only some
        sessions are listed, the finding says so: the unlisted ones may enact it.
    """,
    citation="The framework the programme names; for NTTP, case study 001 (Iriss, Midlothian) and NES 2017",
)
def principle_not_enacted(programme: Programme, context: Context) -> Iterator[Report]:
    framework = context.framework_of(programme)
    if framework is None:
        return
    coverage = programme.coverage(framework)
    if coverage.status == "unknown":
        return
    scope = "none of the listed sessions enacts" if coverage.status == "partial" else "no session enacts"
    for principle_id in coverage.missing:
        principle = framework.principle(principle_id)
        yield Report(
            where=("sessions",),
            message=f"{scope} {principle.name} ({principle_id}), a principle of {framework.id}",
            hint=f"name {principle_id!r} in the principles of the sessions that put it into practice",
            citation=cite(framework),
        )


@rule(
    "TIP102",
    "unknown-principle",
    summary="A document names a principle that the framework it refers to does not have.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale="""
        Principle ids are references into a framework: a programme's sessions and resources name
        principles of the framework the programme follows, a crosswalk's correspondences name
        principles of its two frameworks. An id the framework does not have is a typo or a
        principle from another framework (SAMHSA's peer support is not an NTTP principle).
    """,
    citation="The framework the programme names",
)
def unknown_principle(document: Document, context: Context) -> Iterator[Report]:
    for problem in context.reference_problems("unknown-principle"):
        yield Report(where=problem.path, message=problem.message)


@rule(
    "TIP103",
    "coverage-unknown",
    summary="The programme follows a framework but lists no sessions, so its coverage is unknown.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        A programme that gives a session count (or recurs) without listing its sessions cannot be
        said to miss any principle. This is said once, at info level, instead of reporting every
        principle as missing: Help the Helpers reports ten sessions but not their content.
        Networks, self-directed resources and strategic programmes have no sessions to list, so
        the rule leaves them alone.
    """,
    citation="Case study 000 (SVRU, Help the Helpers)",
)
def coverage_unknown(programme: Programme, context: Context) -> Iterator[Report]:
    framework = context.framework_of(programme)
    if framework is None or programme.sessions:
        return
    if programme.format in (Format.NETWORK, Format.SELF_DIRECTED, Format.STRATEGIC_PROGRAMME):
        return
    count = programme.session_count()
    sessions = "its 1 session is" if count == 1 else f"its {count} sessions are" if count else "its sessions are"
    yield Report(
        where=("schedule",) if programme.schedule is not None else ("framework",),
        message=f"principle coverage is unknown: {sessions} not listed, so no {framework.id} principle can be "
        "shown enacted or missing",
        hint="list the sessions with the principles each enacts",
    )


@rule(
    "TIP104",
    "trauma-informed-without-framework",
    summary="A programme calls itself trauma-informed but names no framework of principles.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="""
        "Trauma-informed" means practice guided by principles such as safety, choice and
        collaboration. Naming the framework (builtin:nttp in Scotland) makes the claim checkable.
    """,
    citation="Case study 001 (Iriss): NTTP's five principles define trauma-informed practice in Scotland",
)
def trauma_informed_without_framework(programme: Programme, context: Context) -> Iterator[Report]:
    if Approach.TRAUMA_INFORMED in programme.approaches and programme.framework is None:
        index = programme.approaches.index(Approach.TRAUMA_INFORMED)
        yield Report(
            where=("approaches", index),
            message="calls itself trauma-informed but names no framework, so its principles cannot be checked",
            hint="add framework: builtin:nttp (or the framework it follows)",
        )
