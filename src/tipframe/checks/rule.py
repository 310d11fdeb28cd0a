"""A practice rule: a plain function over one kind of document, with its code, rationale and source."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.model import Document
from tipframe.model.fields import Path

_CODE: Final = re.compile(r"^[A-Z]+[0-9]+$")


@attrs.frozen(kw_only=True)
class Report:
    """What a rule function yields for each problem it finds; the engine adds the rest."""

    message: str
    where: Path = ()
    hint: str | None = None
    #: overrides the rule's severity for this one report
    severity: Severity | None = None
    #: overrides the rule's citation (a rule about a framework cites that framework)
    citation: str | None = None


RuleFunction = Callable[[Any, Context], Iterable[Report]]


@attrs.frozen(kw_only=True)
class Rule:
    """A practice rule: a function over one kind of document, with what it checks and why."""

    code: str = attrs.field(validator=attrs.validators.matches_re(_CODE))
    name: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z][a-z0-9-]*$"))
    summary: str
    severity: Severity
    kinds: tuple[type[Document], ...]
    rationale: str
    citation: str
    function: RuleFunction = attrs.field(eq=False, repr=False)

    def __call__(self, document: Document, context: Context) -> Iterable[Report]:
        result: Iterable[Report] = self.function(document, context)
        return result

    @property
    def family(self) -> str:
        """The code without its last two digits: ``TIP1`` for ``TIP101``."""
        return self.code[:-2]


def rule(
    code: str,
    name: str,
    *,
    summary: str,
    severity: Severity,
    kinds: Sequence[type[Document]],
    rationale: str,
    citation: str,
) -> Callable[[RuleFunction], Rule]:
    """Turn a function ``(document, context) -> Iterable[Report]`` into a `Rule`.

    Nothing is registered: add the rule to a `Registry` (or expose it through the
    ``tipframe.rules`` entry-point group) to have it run.

    Parameters
    ----------
    code
        Capital letters then digits (``TIP101``, ``ACME1``); the family is the code less its
        last two digits.
    name
        A short id (``missing-principle``), which ``select`` and ``ignore`` also take.
    summary
        One line: what the rule checks.
    severity
        The severity of its findings, unless a report overrides it.
    kinds
        The document classes it reviews.
    rationale
        Why it matters (white space is collapsed).
    citation
        The source of the expectation.

    Returns
    -------
    Callable
        A decorator that turns the function into a `Rule`; it raises ValueError when ``code``
        or ``name`` is malformed.
    """

    def wrap(function: RuleFunction) -> Rule:
        return Rule(
            code=code,
            name=name,
            summary=summary,
            severity=severity,
            kinds=tuple(kinds),
            rationale=" ".join(rationale.split()),
            citation=citation,
            function=function,
        )

    return wrap
