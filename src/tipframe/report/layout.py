"""The report's page: a short title, a contents list, the headlines first, then documents grouped by kind.

The page is a Jinja2 template (``templates/report.html.j2``) with autoescaping: text from
documents is escaped by the template, and only the fragments built here (summary tables,
figures) pass as markup, each escaped where it was made. Durations and distributions read in
plain words (`tipframe.report.words`); ids stay in small print beside names.
"""

from __future__ import annotations

import functools
import importlib.resources
import math
from collections.abc import Sequence
from typing import Any, Final

from tipframe.bundle import Bundle
from tipframe.checks.findings import Finding
from tipframe.model import CascadePlan, Document, Duration, Engine, Framework, Programme, ReachResult
from tipframe.privacy import visible
from tipframe.report.content import ReportContent
from tipframe.report.lines import get
from tipframe.report.words import percent_range

__all__ = ["GROUPS", "headlines", "page_context", "render"]

#: the order of the page's groups, and their titles: (kinds, title, anchor)
GROUPS: Final = (
    (("Programme",), "Programmes", "programmes"),
    (("CascadePlan",), "Rollout plans", "rollouts"),
    (("RecurringPlan",), "Recurring formats: clinics and reflective spaces", "recurring"),
    (("PeerPlan",), "Peer uptake", "peer"),
    (("ReachResult", "RecurringResult", "PeerResult", "CalibrationResult"), "Results", "results"),
    (("Observations",), "Observations", "observations"),
    (("ReferralNetwork",), "Referral networks", "networks"),
    (("Workforce",), "Workforces", "workforces"),
    (("Organisation",), "Organisations", "organisations"),
    (("Framework", "Crosswalk", "LevelScale"), "Frameworks and practice levels", "frameworks"),
)
_KIND_WORDS: Final = {
    "Programme": "programme", "CascadePlan": "rollout plan (train the trainer)", "RecurringPlan": "recurring format",
    "PeerPlan": "peer uptake plan", "ReachResult": "rollout result", "RecurringResult": "recurring format result",
    "PeerResult": "peer uptake result", "CalibrationResult": "calibration", "Observations": "observations",
    "ReferralNetwork": "referral network", "Workforce": "workforce", "Organisation": "organisation",
    "Framework": "practice framework", "Crosswalk": "crosswalk between frameworks", "LevelScale": "practice levels",
}  # fmt: skip
_SEVERITIES: Final = (("error", "error", "errors"), ("warning", "warning", "warnings"), ("info", "info", "info"))


def anchor(document: Document) -> str:
    """The page's anchor for a document: its kind and id (ids are unique per kind only)."""
    return f"{document.KIND.lower()}-{document.id}"


def _counts(findings: Sequence[Finding]) -> list[tuple[str, str]]:
    out = []
    for level, one, many in _SEVERITIES:
        count = sum(1 for f in findings if f.severity.value == level)
        out.append((level, f"{count} {one if count == 1 else many}"))
    return out


def _lead(document: Document) -> str | None:
    """A document's description, to its first sentence (at most about 300 characters)."""
    text = " ".join((getattr(document, "description", None) or "").split())
    if not text:
        return None
    end = text.find(". ")
    first = text if end < 0 else text[: end + 1]
    return visible(first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "...")


def _years_on(plan: CascadePlan, years: int) -> int:
    """The last period that ends no later than ``years`` on from the start (0 when even the first ends later);
    weekly periods count 52 to a year."""
    period = plan.period
    months = period.months + 12 * period.years
    days = 7 * period.weeks + period.days
    if months and not days:
        return years * 12 // months
    span = days + round(months * 365.2425 / 12)
    return (
        (years * 52 * 7 if period.weeks and not period.days and not months else round(years * 365.2425)) // span
        if span
        else 0
    )


def _rollout(result: ReachResult, name: str, where: str) -> dict[str, Any]:
    from tipframe.reach.measures import Estimate, reach_series

    plan = result.plan
    series = reach_series(result)
    cells = []
    for years in (1, 2):
        t = _years_on(plan, years)
        label = "one year on" if years == 1 else "two years on"
        if t > plan.horizon:
            t = plan.horizon
            label = f"by the horizon (before {label.replace(' on', '')})"
        if t < 1:
            cells.append(f"{label}: its first period ends later")
            continue
        e = Estimate.of(series[:, t])
        if math.isnan(e.median):
            cells.append(f"{label}: nobody eligible")
            continue
        cells.append(f"{label} ({plan.period_label(t)}): {percent_range(e.median, e.low, e.high)}")
    return {"anchor": where, "name": name, "cells": cells}


def _programme(programme: Programme, bundle: Bundle) -> str:
    parts = []
    hours = programme.contact_hours()
    schedule = programme.schedule
    if hours is not None:
        parts.append(f"{hours:g} contact hours")
    if schedule is not None and schedule.sessions and schedule.cadence is not None:
        sessions = "1 session" if schedule.sessions == 1 else f"{schedule.sessions} sessions"
        parts.append(sessions if schedule.sessions == 1 else f"{sessions}, {schedule.cadence.cadence_word()}")
    length = schedule.length() if schedule is not None else None
    if isinstance(length, Duration) and length != Duration() and (schedule is None or (schedule.sessions or 0) > 1):
        parts.append(f"over {length.describe()}")
    framework = get(bundle, programme.framework, Framework)
    if framework is not None:
        coverage = programme.coverage(framework)
        if coverage.sessions:
            parts.append(f"its sessions enact {len(coverage.enacted)} of {len(coverage.principles)} principles")
        else:
            parts.append("which principles its sessions enact is not recorded")
    return "; ".join(parts) or "no schedule recorded"


def headlines(content: ReportContent) -> dict[str, Any]:
    """The page's first section: each rollout's modelled reach a year and two years on, each programme's hours and
    principle coverage, and the findings counted by severity.

    Parameters
    ----------
    content
        What `gather_report` gathered.

    Returns
    -------
    dict
        ``rollouts`` and ``programmes`` (rows), ``findings`` ((severity, words) pairs).
    """
    rollouts, programmes = [], []
    for document in content.documents:
        if isinstance(document, CascadePlan):
            result = content.reach.get(document.id)
            if isinstance(result, ReachResult):
                rollouts.append(_rollout(result, visible(document.name), anchor(document)))
            elif document.follows is not None:
                rollouts.append({"anchor": anchor(document), "name": visible(document.name),
                                 "cells": ["a stage of a learning pathway: tipframe reach simulates it with the "
                                           "stages before it", ""]})  # fmt: skip
        elif isinstance(document, ReachResult):
            how = "saved projection" if document.engine is Engine.PROJECTION else "saved simulation"
            rollouts.append(_rollout(document, f"{visible(document.plan.name)} ({how})", anchor(document)))
        elif isinstance(document, Programme):
            programmes.append({"anchor": anchor(document), "name": visible(document.name),
                               "text": _programme(document, content.bundle)})  # fmt: skip
    shown = {f"{d.KIND} {d.id}" for d in content.documents}
    return {"rollouts": rollouts, "programmes": programmes,
            "findings": _counts([f for f in content.findings if f.document in shown])}  # fmt: skip


#: each group's name for one of its documents, for the subtitle
_ONE: Final = {"programmes": "programme", "rollouts": "rollout plan", "recurring": "recurring format",
               "peer": "peer uptake plan", "results": "result", "observations": "set of observations",
               "networks": "referral network", "workforces": "workforce", "organisations": "organisation",
               "frameworks": "framework or level scale"}  # fmt: skip


def _subtitle(documents: Sequence[Document]) -> str:
    if len(documents) == 1:
        return _KIND_WORDS[documents[0].KIND].capitalize()
    parts = []
    for kinds, title, group in GROUPS:
        count = sum(1 for d in documents if d.KIND in kinds)
        if count:
            parts.append(f"1 {_ONE[group]}" if count == 1 else f"{count} {title.split(':')[0].lower()}")
    return f"{len(documents)} documents: " + ", ".join(parts)


def page_context(content: ReportContent, documents: list[dict[str, Any]], *, title: str | None, version: str,
                 date: str | None, counts_note: str) -> dict[str, Any]:  # fmt: skip
    """What the template fills in: title, subtitle, groups of documents (``documents``: one entry a document, in
    the content's order, each with ``kind``), headlines."""
    groups = []
    for kinds, group_title, group_anchor in GROUPS:
        mine = [d for d in documents if d["kind_name"] in kinds]
        if mine:
            groups.append({"title": group_title, "anchor": group_anchor, "documents": mine})
    known = {k for kinds, _, _ in GROUPS for k in kinds}
    others = [d for d in documents if d["kind_name"] not in known]
    if others:
        groups.append({"title": "Other documents", "anchor": "other", "documents": others})
    docs = content.documents
    heading = title or (visible(docs[0].name) if len(docs) == 1 else "tipframe report")
    return {"title": heading, "subtitle": _subtitle(docs), "version": version, "date": date,
            "counts_note": counts_note, "groups": groups, "headlines": headlines(content),
            "documents": len(docs)}  # fmt: skip


def document_entry(document: Document, findings: Sequence[Finding], summary: str, open_blocks: Sequence[str],
                   blocks: Sequence[str]) -> dict[str, Any]:  # fmt: skip
    """One document's part of the page (``summary``, ``open_blocks`` and ``blocks`` are HTML fragments, escaped
    where they were made): shown open, or behind its details."""
    from markupsafe import Markup

    return {
        "anchor": anchor(document),
        "name": visible(document.name),
        "id": document.id,
        "kind": _KIND_WORDS.get(document.KIND, document.KIND),
        "kind_name": document.KIND,
        "lead": _lead(document),
        "summary": Markup(summary),
        "open": [Markup(b) for b in open_blocks],
        "blocks": [Markup(b) for b in blocks],
        "findings": [
            {"severity": f.severity, "code": f.code, "message": visible(f.message), "hint": visible(f.hint or "")}
            for f in findings
        ],
        "badges": [(level, text) for level, text in _counts(findings) if not text.startswith("0 ")],
    }


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    text = importlib.resources.files("tipframe.report").joinpath("templates/report.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True, trim_blocks=False)
    return environment.from_string(text)


def render(context: dict[str, Any]) -> str:
    """The page, from `page_context`'s context."""
    page: str = _template().render(**context)
    return page
