"""Plain-text summaries of documents for people: what ``tipframe show`` prints."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from tipframe.bundle import Bundle
from tipframe.model import (
    CascadePlan,
    Crosswalk,
    Document,
    Framework,
    LevelScale,
    Organisation,
    PrincipleCoverage,
    Programme,
    ReachResult,
    ReferralNetwork,
    Workforce,
)
from tipframe.model.values import describe_hours

D = TypeVar("D", bound=Document)


_LABEL = 14
_WIDTH = 96
_MARK = " *"


# Control characters (and bidirectional overrides) in a document must not reach a terminal raw:
# they could clear the screen, set its title, or make text read differently from what it is.
_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], text)


class _Lines:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.lines: list[str] = []
        self.marked = False
        #: observed counts of people below this are suppressed (None: shown as recorded)
        self.threshold: int | None = None
        # The same content, kept structured for the HTML rendering: (kind, label, text, marked).
        self.items: list[tuple[str, str, str, bool]] = []

    def row(self, label: str, value: str | None, *paths: str) -> None:
        if value is None or value == "":
            return
        marked = any(self._touches(p) for p in paths)
        self.items.append(("row", label, value, marked))
        if marked:
            value += _MARK
            self.marked = True
        wrapped = textwrap.wrap(value, _WIDTH - _LABEL - 1, break_on_hyphens=False) or [""]
        self.lines.append(f"{label:<{_LABEL}} {wrapped[0]}")
        self.lines.extend(" " * (_LABEL + 1) + rest for rest in wrapped[1:])

    def _touches(self, path: str) -> bool:
        """True when the value at ``path`` is, holds or is held by an illustrative value."""
        if self.document.is_illustrative(path):
            return True
        return any(m.path.startswith(path + ".") or m.path.startswith(path + "[") for m in self.document.illustrative)

    def para(self, text: str | None) -> None:
        if text:
            self.items.append(("para", "", text, False))
            self.lines.extend(textwrap.wrap(text, _WIDTH))
            self.lines.append("")

    def raw(self, line: str = "") -> None:
        self.items.append(("raw", "", line, False))
        self.lines.append(line)


def _name(bundle: Bundle | None, ref: str | None, kind: type[Document]) -> str | None:
    if ref is None:
        return None
    if bundle is not None:
        try:
            return f"{bundle.get(ref, kind).name} ({ref})"
        except KeyError:
            pass
    return ref


def summarise(
    document: Document,
    bundle: Bundle | None = None,
    *,
    crosswalks: Sequence[tuple[Crosswalk, Framework]] = (),
) -> str:
    """A human summary of any document; ``bundle`` resolves the names of what it refers to.

    For a programme, each ``(crosswalk, target framework)`` adds its principle coverage in the
    target framework's terms.
    """
    return _safe("\n".join(build(document, bundle, crosswalks=crosswalks).lines).rstrip()) + "\n"


def build(
    document: Document,
    bundle: Bundle | None = None,
    *,
    crosswalks: Sequence[tuple[Crosswalk, Framework]] = (),
    threshold: int | None = None,
) -> _Lines:
    """The summary's content, as lines of text and as structured items (for HTML).

    With ``threshold``, observed counts of people below it are suppressed.
    """
    out = _Lines(document)
    out.threshold = threshold
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
    if out.marked:
        out.raw("")
        out.raw("* illustrative: the sources do not give this value; it was chosen for the example.")
        for mark in document.illustrative:
            if mark.note:
                out.items.append(("note", mark.path, mark.note, False))
                out.lines.extend(
                    textwrap.wrap(f"{mark.path}: {mark.note}", _WIDTH, initial_indent="  ", subsequent_indent="    ")
                )
    return out


def _programme(
    out: _Lines, p: Document, bundle: Bundle | None, crosswalks: Sequence[tuple[Crosswalk, Framework]] = ()
) -> None:
    assert isinstance(p, Programme)
    out.row("Owner", _name(bundle, p.owner, Organisation), "owner")
    if p.partners:
        out.row("Partners", ", ".join(filter(None, (_name(bundle, r, Organisation) for r in p.partners))), "partners")
    mode = p.format.value
    if p.delivery is not None:
        mode += f", {p.delivery.value}"
    if p.platform:
        mode += f" ({p.platform})"
    out.row("Format", mode, "format", "delivery", "platform")
    if p.approaches:
        out.row("Approaches", ", ".join(a.value for a in p.approaches), "approaches")
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
    out.row("Framework", _name(bundle, p.framework, Framework), "framework")
    if p.target_level is not None:
        level = p.target_level
        scale = _get(bundle, p.levels, LevelScale)
        if scale is not None and p.target_level in scale:
            level = f"{scale.level(p.target_level).name} ({p.target_level})"
        out.row("Target level", f"{level} on {p.levels}", "target_level", "levels")
    framework = _get(bundle, p.framework, Framework)
    if framework is not None:
        coverage = p.coverage(framework)
        _coverage(out, p, coverage)
        for crosswalk, target in crosswalks:
            _coverage(out, p, coverage.translate(crosswalk, target), f"Via {crosswalk.id}")
    for index, strand in enumerate(p.strands):
        out.row("Strands" if index == 0 else "", _name(bundle, strand, Programme), f"strands[{index}]")
    for index, resource in enumerate(p.resources):
        out.row("Resources" if index == 0 else "", f"{resource.title} ({resource.type.value})", f"resources[{index}]")
    out.row("Follow-on", _name(bundle, p.follow_on, Programme), "follow_on")
    out.row("Prepares for", _name(bundle, p.delivers, Programme), "delivers")
    for index, record in enumerate(p.delivery_records):
        text = record.describe()
        if out.threshold is not None and 0 < record.count < out.threshold:
            text = f"{record.what}: suppressed (fewer than {out.threshold})"
        out.row("Observed" if index == 0 else "", f"{text} [{record.source}]", f"delivery_records[{index}]")


def _get(bundle: Bundle | None, ref: str | None, kind: type[D]) -> D | None:
    if bundle is None or ref is None:
        return None
    try:
        return bundle.get(ref, kind)
    except KeyError:
        return None


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
            detail.append(f"trained in {_name(bundle, role.trained_in, Framework)}")
        if role.peer:
            detail.append("a peer")
        roles.append(f"{role.count} x {role.title}" + (f" ({'; '.join(detail)})" if detail else ""))
    if roles:
        text += ": " + ", ".join(roles)
    ratio = p.facilitator_ratio()
    if ratio is not None and f.facilitators:
        text += f"; {ratio:g} participants per facilitator"
    return text


def _coverage(out: _Lines, p: Programme, coverage: PrincipleCoverage, label: str = "Coverage") -> None:
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
    out.raw(" " * _LABEL + " " + header)
    for column, pid in enumerate(coverage.principles):
        marks = " ".join(" x" if row[column] else " ." for row in coverage.matrix())
        out.raw(" " * _LABEL + f" {pid:<{width}}  {marks}")
    if coverage.unlisted_sessions:
        out.raw(" " * _LABEL + f" ({coverage.unlisted_sessions} sessions not listed)")
    out.raw("")


def _framework(out: _Lines, f: Document, bundle: Bundle | None) -> None:
    assert isinstance(f, Framework)
    for index, principle in enumerate(f.principles, 1):
        group = f" [{principle.group}]" if principle.group else ""
        out.row(
            "Principles" if index == 1 else "",
            f"{index}. {principle.name} ({principle.id}){group}",
            f"principles[{index - 1}]",
        )


def _scale(out: _Lines, s: Document, bundle: Bundle | None) -> None:
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


def _crosswalk(out: _Lines, c: Document, bundle: Bundle | None) -> None:
    assert isinstance(c, Crosswalk)
    out.row("From", _name(bundle, c.source, Framework), "source")
    out.row("To", _name(bundle, c.target, Framework), "target")
    for index, entry in enumerate(c.correspondences):
        out.row(
            "Maps" if index == 0 else "",
            f"{entry.source} -> {', '.join(entry.targets)} ({entry.relation.value})",
            f"correspondences[{index}]",
        )
    target = _get(bundle, c.target, Framework)
    if isinstance(target, Framework):
        unmapped = c.unmapped_targets(target)
        if unmapped:
            out.row("Not covered", ", ".join(unmapped), "correspondences")


def _organisation(out: _Lines, o: Document, bundle: Bundle | None) -> None:
    assert isinstance(o, Organisation)
    out.row("Sector", o.sector.value if o.sector else None, "sector")
    out.row("Type", o.type, "type")
    out.row("Area", o.area, "area")
    out.row("Website", o.website, "website")


def _workforce(out: _Lines, w: Document, bundle: Bundle | None) -> None:
    assert isinstance(w, Workforce)
    out.row("Headcount", f"{w.headcount():,} in {len(w.organisations)} organisations", "organisations")
    for index, org in enumerate(w.organisations):
        roles = ", ".join(
            f"{r.id} {r.headcount}" + (f" ({r.required_level})" if r.required_level else "") for r in org.roles
        )
        text = f"{org.name or org.id} ({org.id}): {org.headcount:,}" + (f"; {roles}" if roles else "")
        out.row("Organisations" if index == 0 else "", text, f"organisations[{index}]")
    for index, (a, b) in enumerate(w.partnerships):
        out.row("Partnerships" if index == 0 else "", f"{a} - {b}", f"partnerships[{index}]")


def _plan(out: _Lines, p: Document, bundle: Bundle | None) -> None:
    assert isinstance(p, CascadePlan)
    out.row("Programme", _name(bundle, p.programme, Programme), "programme")
    out.row("Trainer course", _name(bundle, p.trainer_course, Programme), "trainer_course")
    out.row("Workforce", _name(bundle, p.workforce, Workforce), "workforce")
    seeds = ", ".join(f"{s.organisation} {s.trainers}" for s in p.seed_trainers)
    out.row("Seed trainers", f"{sum(s.trainers for s in p.seed_trainers)}: {seeds}", "seed_trainers")
    out.row("Periods", f"{p.horizon} of {p.period.describe()} ({p.period})", "horizon", "period")
    if p.start is not None:
        out.row("Start", f"{p.start}, ending {p.period_label(p.horizon)}", "start")
    retakes = "no limit" if p.retakes is None else str(p.retakes)
    overrides = "".join(
        f"; {' '.join(x for x in (entry.organisation, entry.role) if x)} {entry.uptake}" for entry in p.uptake_by
    )
    out.row("Take part", f"uptake {p.uptake}{overrides}; retakes {retakes}", "uptake", "uptake_by", "retakes")
    if p.eligible_roles or p.eligible_levels:
        out.row("Eligible", ", ".join((*p.eligible_roles, *p.eligible_levels)), "eligible_roles", "eligible_levels")
    for index, tier in enumerate(p.tiers):
        total = "no limit" if tier.total_cohorts is None else str(tier.total_cohorts)
        text = "; ".join(
            (
                f"cohorts of {tier.cohort_size}, {tier.facilitators} facilitator(s)",
                f"up to {tier.concurrent_cohorts} at once and {total} in all",
                f"delay {tier.delay}",
                f"attrition {tier.attrition}",
                f"completion {tier.completion}",
                f"conversion {tier.conversion}",
                f"fidelity x{tier.fidelity_retention} (floor {tier.fidelity_floor:g})",
            )
        )
        label = "Tiers" if index == 0 else ""
        out.row(label, f"{index}: {text}", f"tiers[{index}]")


def _result(out: _Lines, r: Document, bundle: Bundle | None) -> None:
    assert isinstance(r, ReachResult)
    from tipframe.reach.measures import describe_summary, summarise_reach

    for line in describe_summary(summarise_reach(r), r).rstrip().splitlines():
        out.raw(line)


def _network(out: _Lines, n: Document, bundle: Bundle | None) -> None:
    assert isinstance(n, ReferralNetwork)
    from tipframe.network import analyse_network

    scale = _get(bundle, n.levels, LevelScale)
    if scale is None and n.levels is not None and n.levels.startswith("builtin:"):
        from tipframe.io.documents import load

        scale = load(n.levels, LevelScale)
    out.row("Levels", _name(bundle, n.levels, LevelScale), "levels")
    out.row("Workforce", _name(bundle, n.workforce, Workforce), "workforce")
    out.row("Period", f"{n.period.describe()} ({n.period})", "period")
    for index, service in enumerate(n.services):
        details = [service.support.value if service.support else "support not set"]
        if not service.active:
            details.append(service.status.value)
        if service.capacity is not None:
            details.append(f"capacity {service.capacity:g}")
        if service.waiting_time is not None:
            details.append(f"wait {service.waiting_time}")
        if service.staff_level is not None:
            details.append(f"staff {service.staff_level}")
        text = f"{service.name} ({service.id}, {service.organisation}): {', '.join(details)}"
        out.row("Services" if index == 0 else "", text, f"services[{index}]")
    for index, pathway in enumerate(n.pathways):
        volume = "" if pathway.volume is None else f" ({pathway.volume:g} a period)"
        out.row("Pathways" if index == 0 else "", f"{pathway.from_service} -> {pathway.to_service}{volume}",
                f"pathways[{index}]")  # fmt: skip
    out.row("Entry points", ", ".join(n.entry_points), "entry_points")
    analysis = analyse_network(n, scale, _get(bundle, n.workforce, Workforce))
    out.raw("")
    routes = analysis.reachability
    for index, route in enumerate(routes.routes):
        out.row("Routes" if index == 0 else "", f"{' -> '.join(route.path)} ({route.hops} referrals)")
    out.row("No route", ", ".join(routes.unreached) or None)
    services = [p for p in analysis.single_points if p.kind == "service"]
    for index, point in enumerate(services):
        out.row("On every route" if index == 0 else "", f"{point.id}: from {', '.join(point.cuts_off)}")
    out.row("Dead ends", ", ".join(d.service for d in analysis.dead_ends) or None)
    for index, full in enumerate(analysis.capacity.over_capacity):
        out.row(
            "Over capacity" if index == 0 else "",
            f"{full.service}: {full.referrals:g} referred, capacity {full.capacity:g}",
        )
    report = analysis.capacity
    if report.demand:
        out.row("To specialists", f"{report.deliverable:g} of {report.demand:g} expected referrals can get through")
    out.row("Busiest", ", ".join(f"{b.service} {b.betweenness:.2f}" for b in analysis.bottlenecks[:3]) or None)
    for index, gap in enumerate(analysis.workforce_gaps or ()):
        out.row(
            "Below level" if index == 0 else "", f"{gap.service}: {gap.held or 'not recorded'}, needs {gap.required}"
        )


_WRITERS: dict[type[Document], Callable[[_Lines, Document, Bundle | None], None]] = {
    ReferralNetwork: _network,
    Workforce: _workforce,
    CascadePlan: _plan,
    ReachResult: _result,
    Framework: _framework,
    LevelScale: _scale,
    Crosswalk: _crosswalk,
    Organisation: _organisation,
}
