"""Run rules over documents: ``tipframe.check``."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from tipframe.bundle import Bundle
from tipframe.checks.context import CheckOptions, Context
from tipframe.checks.findings import Finding, Findings, Severity
from tipframe.checks.registry import Registry
from tipframe.checks.rule import Report, Rule
from tipframe.io.documents import Loaded
from tipframe.model import Document
from tipframe.model.fields import format_path

log = logging.getLogger(__name__)

#: the code of the finding that stands for a rule that raised an exception
RULE_FAILED = "TIP000"


def _bundle(target: Bundle | Document | Iterable[Document]) -> Bundle:
    if isinstance(target, Bundle):
        return target
    documents = [target] if isinstance(target, Document) else list(target)
    return Bundle(tuple(Loaded(d, f"<{d.KIND} {d.id}>") for d in documents))


def _finding(rule_: Rule, report: Report, loaded: Loaded) -> Finding:
    where = loaded.locations.find(tuple(report.where))
    return Finding(
        code=rule_.code,
        severity=report.severity or rule_.severity,
        message=report.message,
        hint=report.hint,
        where=format_path(report.where),
        file=loaded.file,
        line=where[0] if where else None,
        column=where[1] if where else None,
        citation=report.citation or rule_.citation,
        document=f"{loaded.document.KIND} {loaded.document.id}",
    )


def check(
    target: Bundle | Document | Iterable[Document],
    rules: Registry | Iterable[Rule] | None = None,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: CheckOptions | None = None,
) -> Findings:
    """Review documents against practice rules.

    A rule that raises does not stop the others: it becomes a ``TIP000`` error finding.

    Parameters
    ----------
    target
        A `Bundle` (rules can follow references between its documents), one document, or
        several.
    rules
        A `Registry` or the rules themselves; None for the built-in rules plus those installed
        packages expose through the ``tipframe.rules`` entry-point group.
    select, ignore
        Codes, code prefixes (``TIP1``) or rule names: run only the rules selected, less those
        ignored.
    options
        The thresholds the rules use.

    Returns
    -------
    Findings
        Every finding, in a stable order (file, line, column, code, place).

    Raises
    ------
    TypeError, ValueError
        When ``rules`` holds something other than a `Rule`, or two rules with one code.
    """
    bundle = _bundle(target)
    if rules is None:
        registry = Registry.default()
    elif isinstance(rules, Registry):
        registry = rules
    else:
        registry = Registry(rules)
    chosen = registry.selected(select, ignore)
    settings = options or CheckOptions()
    findings: list[Finding] = []
    for loaded in bundle.entries:
        context = Context(bundle, loaded, settings)
        for rule_ in chosen:
            if not isinstance(loaded.document, rule_.kinds):
                continue
            try:
                reports = list(rule_(loaded.document, context))
            except Exception as error:  # a host's rule must not stop the others
                log.exception("rule %s (%s) failed on %s", rule_.code, rule_.name, loaded.file)
                findings.append(
                    Finding(
                        code=RULE_FAILED,
                        severity=Severity.ERROR,
                        message=f"rule {rule_.code} ({rule_.name}) failed: {type(error).__name__}: {error}",
                        file=loaded.file,
                        document=f"{loaded.document.KIND} {loaded.document.id}",
                    )
                )
                continue
            seen: set[tuple[str, str]] = set()
            for report in reports:
                key = (format_path(report.where), report.message)
                if key not in seen:  # one finding per distinct problem, however often it occurs
                    seen.add(key)
                    findings.append(_finding(rule_, report, loaded))
    return Findings(findings)
