"""Plain-text summaries of documents for people: what ``tipframe show`` prints."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from tipframe.bundle import Bundle
from tipframe.model import (
    CalibrationResult,
    CascadePlan,
    Crosswalk,
    Document,
    Framework,
    LevelScale,
    Observations,
    Organisation,
    PrincipleCoverage,
    Programme,
    ReachResult,
    ReferralNetwork,
    Workforce,
)
from tipframe.model.values import describe_hours
from tipframe.privacy import DEFAULT_THRESHOLD, suppressed_text, suppression_note, visible
from tipframe.report import sections
from tipframe.report.lines import LABEL, WIDTH, Lines, get, name


def summarise(
    document: Document,
    bundle: Bundle | None = None,
    *,
    crosswalks: Sequence[tuple[Crosswalk, Framework]] = (),
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """A human summary of any document (what ``tipframe show`` prints).

    Observed counts of people (delivery records, workforce headcounts) go through disclosure
    control (`tipframe.privacy`); control characters in the document's text are escaped.

    Parameters
    ----------
    document
        Any document.
    bundle
        Documents its references point to, for their names and for coverage.
    crosswalks
        For a programme, each ``(crosswalk, target framework)`` adds its principle coverage in
        the target framework's terms.
    threshold
        Observed counts of people from 1 to ``threshold - 1`` are suppressed; 1 shows them all.

    Returns
    -------
    str
        Lines ending with a newline.

    Raises
    ------
    ValueError
        When ``threshold`` is below 1.
    """
    text = "\n".join(build(document, bundle, crosswalks=crosswalks, threshold=threshold).lines)
    return visible(text.rstrip(), lines=True) + "\n"  # a second guard: every part was made visible already


def build(
    document: Document,
    bundle: Bundle | None = None,
    *,
    crosswalks: Sequence[tuple[Crosswalk, Framework]] = (),
    threshold: int = DEFAULT_THRESHOLD,
) -> Lines:
    """The summary's content, as lines of text and as structured items (for HTML).

    Observed counts of people from 1 to ``threshold - 1`` are suppressed.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    out = Lines(document, threshold)
    out.raw(f"{document.name}  ({document.KIND} {document.id})")
    out.raw("")
    out.para(document.description)
    if isinstance(document, Programme):
        _programme(out, document, bundle, crosswalks)
    else:
        writer = _WRITERS.get(type(document))
        if writer is not None:
            writer(out, document, bundle)
    if document.sources:
        out.raw("")
        for index, source in enumerate(document.sources):
            label = "Sources" if index == 0 else ""
            detail = ", ".join(str(x) for x in (source.publisher, source.date) if x)
            out.row(label, f"[{source.id}] {source.title}" + (f" ({detail})" if detail else ""))
    if out.suppressed:
        out.raw("")
        out.para(suppression_note(threshold))
    if out.marked:
        if not out.suppressed:  # the note above ends with a blank line already
            out.raw("")
        out.raw("* illustrative: the sources do not give this value; it was chosen for the example.")
        for mark in document.illustrative:
            if mark.note:
                note = visible(mark.note)
                out.items.append(("note", mark.path, note, False))
                out.lines.extend(
                    textwrap.wrap(f"{mark.path}: {note}", WIDTH, initial_indent="  ", subsequent_indent="    ")
                )
    return out


def _programme(
    out: Lines, p: Document, bundle: Bundle | None, crosswalks: Sequence[tuple[Crosswalk, Framework]] = ()
) -> None:
    assert isinstance(p, Programme)
    out.row("Owner", name(bundle, p.owner, Organisation), "owner")
    if p.partners:
        out.row("Partners", ", ".join(filter(None, (name(bundle, r, Organisation) for r in p.partners))), "partners")
    mode = p.format.value
    if p.delivery is not None and p.delivery.value != p.format.value:  # a self-directed format is its delivery
        mode += f", {p.delivery.value}"
    if p.platform:
        mode += f" ({p.platform})"
    out.row("Format", mode, "format", "delivery", "platform")
    if p.approaches:
        out.row("Approaches", ", ".join(a.value for a in p.approaches), "approaches")
    if p.topics:
        out.row("Topics", ", ".join(t.value for t in p.topics), "topics")
    out.row("Audience", p.audience, "audience")
    for index, aim in enumerate(p.aims):
        out.row("Aims" if index == 0 else "", f"- {aim}", f"aims[{index}]")
    out.row("Schedule", _schedule(p), "schedule")
    hours = p.contact_hours()
    if hours is not None:
        text = f"{describe_hours(hours)} per participant"
        people = p.group_size.max if p.group_size is not None else None
        if people is not None:
            text += f"; {describe_hours(hours * people)} of participant time for a group of {people}"
        out.row("Contact hours", text, "schedule", "group_size")
    elif p.schedule is not None and p.schedule.open_ended:
        out.row("Contact hours", "open-ended: recurs with no planned end", "schedule")
    if p.group_size is not None:
        out.row("Group size", str(p.group_size), "group_size", "group_size.min", "group_size.max")
    if p.cases_per_session is not None:
        out.row("Cases", f"{p.cases_per_session} per session", "cases_per_session")
    out.row("Facilitation", _facilitation(p, bundle), "facilitation")
    out.row("Framework", name(bundle, p.framework, Framework), "framework")
    if p.target_level is not None:
        level = p.target_level
        scale = get(bundle, p.levels, LevelScale)
        if scale is not None and p.target_level in scale:
            level = f"{scale.level(p.target_level).name} ({p.target_level})"
        out.row("Target level", f"{level} on {p.levels}", "target_level", "levels")
    framework = get(bundle, p.framework, Framework)
    if framework is not None:
        coverage = p.coverage(framework)
        _coverage(out, p, coverage)
        for crosswalk, target in crosswalks:
            _coverage(out, p, coverage.translate(crosswalk, target), f"Via {crosswalk.id}")
    for index, strand in enumerate(p.strands):
        out.row("Strands" if index == 0 else "", name(bundle, strand, Programme), f"strands[{index}]")
    for index, resource in enumerate(p.resources):
        out.row("Resources" if index == 0 else "", f"{resource.title} ({resource.type.value})", f"resources[{index}]")
    if p.costs is not None:
        out.row("Costs", sections.price_list(p.costs), "costs")
    out.row("Follow-on", name(bundle, p.follow_on, Programme), "follow_on")
    out.row("Prepares for", name(bundle, p.delivers, Programme), "delivers")
    for index, record in enumerate(p.delivery_records):
        text = record.describe()
        if 0 < record.count < out.threshold:  # a count alone, with no total: primary suppression is enough
            period = f"{record.since} to {record.date}" if record.since else f"by {record.date}"
            text = f"{record.what}: {suppressed_text(out.threshold)}, {period}"
            out.suppressed = True
        out.row("Observed" if index == 0 else "", f"{text} [{record.source}]", f"delivery_records[{index}]")


def _schedule(p: Programme) -> str | None:
    s = p.schedule
    if s is None:
        return None
    parts = []
    if s.open_ended:
        parts.append("open-ended")
    elif s.sessions is not None:
        parts.append(f"{s.sessions} session{'s' if s.sessions != 1 else ''}")
    if s.cadence is not None:
        parts.append(f"{s.cadence.cadence_word()} ({s.cadence})")
    if s.session_length is not None:
        parts.append(f"{s.session_length.describe()} each ({s.session_length})")
    length = s.length()
    if length is not None:
        parts.append(f"spanning {length.describe()}")
    if s.start is not None:
        parts.append(f"from {s.start}" + (f" to {s.end}" if s.end else ""))
    return ", ".join(parts) or None


def _facilitation(p: Programme, bundle: Bundle | None) -> str | None:
    f = p.facilitation
    if f is None:
        return None
    text = f"{f.facilitators} facilitator{'s' if f.facilitators != 1 else ''}"
    roles = []
    for role in f.roles:
        detail = [x for x in (role.qualification, role.credential) if x]
        if role.practice_level:
            detail.append(f"practice level {role.practice_level}")
        if role.trained_in:
            detail.append(f"trained in {name(bundle, role.trained_in, Framework)}")
        if role.peer:
            detail.append("a peer")
        roles.append(f"{role.count} x {role.title}" + (f" ({'; '.join(detail)})" if detail else ""))
    if roles:
        text += ": " + ", ".join(roles)
    ratio = p.facilitator_ratio()
    if ratio is not None and f.facilitators:
        text += f"; {ratio:g} participants per facilitator"
    return text


def _coverage(out: Lines, p: Programme, coverage: PrincipleCoverage, label: str = "Coverage") -> None:
    if coverage.status == "unknown":
        count = p.session_count()
        sessions = f"{count} sessions" if count else "the sessions"
        out.row(
            label,
            f"unknown: {sessions} are not listed, so nothing can be said to be missing",
            "sessions",
        )
        return
    enacted = [pid for pid in coverage.principles if pid in coverage.enacted]
    out.row(label, f"enacts {len(enacted)} of {len(coverage.principles)} {coverage.framework} principles", "sessions")
    if coverage.missing:
        scope = "the listed sessions" if coverage.status == "partial" else "any session"
        out.row("", f"not in {scope}: {', '.join(coverage.missing)}", "sessions")
    width = max(len(pid) for pid in coverage.principles)
    header = " " * (width + 2) + " ".join(f"{n:>2}" for n, _ in coverage.sessions)
    out.raw("")
    out.raw(" " * LABEL + " " + header)
    for column, pid in enumerate(coverage.principles):
        marks = " ".join(" x" if row[column] else " ." for row in coverage.matrix())
        out.raw(" " * LABEL + f" {pid:<{width}}  {marks}")
    if coverage.unlisted_sessions:
        out.raw(" " * LABEL + f" ({coverage.unlisted_sessions} sessions not listed)")
    out.raw("")


def _framework(out: Lines, f: Document, bundle: Bundle | None) -> None:
    assert isinstance(f, Framework)
    for index, principle in enumerate(f.principles, 1):
        group = f" [{principle.group}]" if principle.group else ""
        out.row(
            "Principles" if index == 1 else "",
            f"{index}. {principle.name} ({principle.id}){group}",
            f"principles[{index - 1}]",
        )


def _scale(out: Lines, s: Document, bundle: Bundle | None) -> None:
    assert isinstance(s, LevelScale)
    kind = (
        "cumulative: each level includes every level below it"
        if s.cumulative
        else "a spectrum: levels do not include each other"
    )
    out.row("Scale", kind, "cumulative")
    for index, level in enumerate(s.levels):
        text = f"{index + 1}. {level.name} ({level.id})" + (f": {level.audience}" if level.audience else "")
        out.row("Levels" if index == 0 else "", text, f"levels[{index}]")


def _crosswalk(out: Lines, c: Document, bundle: Bundle | None) -> None:
    assert isinstance(c, Crosswalk)
    out.row("From", name(bundle, c.source, Framework), "source")
    out.row("To", name(bundle, c.target, Framework), "target")
    for index, entry in enumerate(c.correspondences):
        out.row(
            "Maps" if index == 0 else "",
            f"{entry.source} -> {', '.join(entry.targets)} ({entry.relation.value})",
            f"correspondences[{index}]",
        )
    target = get(bundle, c.target, Framework)
    if isinstance(target, Framework):
        unmapped = c.unmapped_targets(target)
        if unmapped:
            out.row("Not covered", ", ".join(unmapped), "correspondences")


def _organisation(out: Lines, o: Document, bundle: Bundle | None) -> None:
    assert isinstance(o, Organisation)
    out.row("Sector", o.sector.value if o.sector else None, "sector")
    out.row("Type", o.type, "type")
    out.row("Area", o.area, "area")
    out.row("Website", o.website, "website")


_WRITERS: dict[type[Document], Callable[[Lines, Document, Bundle | None], None]] = {
    ReferralNetwork: sections.network,
    Workforce: sections.workforce,
    CascadePlan: sections.plan,
    ReachResult: sections.result,
    Observations: sections.observations,
    CalibrationResult: sections.calibration,
    Framework: _framework,
    LevelScale: _scale,
    Crosswalk: _crosswalk,
    Organisation: _organisation,
}
