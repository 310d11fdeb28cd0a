"""TIP5xx: privacy. Documents describe services, never people or families."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.registry import Report, rule
from tipframe.model import Document
from tipframe.model._fields import Path

EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Ten or more digits, possibly grouped by spaces, dots, dashes or brackets, optionally with +.
PHONE: Final = re.compile(r"(?<![\w/.])\+?\(?[0-9](?:[\s().-]*[0-9]){9,}(?![\w/])")
_DATE: Final = (
    r"(?:[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+[0-9]{4})"
)
BIRTH_DATE: Final = re.compile(rf"\b(?:d\.?o\.?b\.?|date of birth|born(?:\s+on)?)\b[\s:,-]*{_DATE}", re.IGNORECASE)
HONORIFIC_NAME: Final = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?\b")
#: fields that hold ids, references or addresses of services, not free text about anyone
_NOT_FREE_TEXT: Final = frozenset({"id", "url", "website"})


def free_text(document: Document) -> Iterator[tuple[Path, str]]:
    """Every free-text value in a document, ``x-`` data included, with its path."""
    yield from _walk(document, ())


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            meta = field.metadata
            if field.name in _NOT_FREE_TEXT or meta.get("ref") or meta.get("member_of"):
                continue
            item = getattr(value, field.name)
            if field.name == "extensions":
                for key, data in item.items():
                    yield from _walk(data, (*path, key))
            else:
                yield from _walk(item, (*path, field.name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))


_WHY = """
    tipframe documents describe services, programmes and organisations. They are shared,
    published and kept in version control, so they must never hold personal data about staff,
    people who use services or their families: the case studies discuss families, but a
    document describing a clinic never names one.
"""


@rule(
    "TIP501",
    "email-address",
    summary="Free text holds an email address.",
    severity=Severity.WARNING,
    kinds=[Document],
    rationale=_WHY + " A service's shared mailbox is fine; a person's address is not. Check which it is.",
    citation="UK GDPR data minimisation; case studies 000-004 describe services, not people",
)
def email_address(document: Document, context: Context) -> Iterator[Report]:
    for path, text in free_text(document):
        for match in EMAIL.finditer(text):
            yield Report(
                where=path,
                message=f"an email address ({match.group()}): make sure it is a service's shared address, "
                "not a person's",
            )


@rule(
    "TIP502",
    "phone-number",
    summary="Free text holds a phone number.",
    severity=Severity.WARNING,
    kinds=[Document],
    rationale=_WHY + " A service's public number is fine; a person's is not. Check which it is.",
    citation="UK GDPR data minimisation",
)
def phone_number(document: Document, context: Context) -> Iterator[Report]:
    for path, text in free_text(document):
        for match in PHONE.finditer(text):
            yield Report(
                where=path,
                message=f"a phone number ({match.group().strip()}): make sure it is a service's public number",
            )


@rule(
    "TIP503",
    "date-of-birth",
    summary="Free text holds a date of birth.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale=_WHY + " A date of birth identifies a person and has no place in a service description.",
    citation="UK GDPR data minimisation",
)
def date_of_birth(document: Document, context: Context) -> Iterator[Report]:
    for path, text in free_text(document):
        for _ in BIRTH_DATE.finditer(text):
            yield Report(where=path, message="a date of birth: remove it; documents describe services, not people")


@rule(
    "TIP504",
    "listed-name",
    summary="Free text holds a name from the list of people who must not appear (CheckOptions.private_names).",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale=_WHY + " Host applications pass the names of the people they hold records on, so any that slip "
    "into a document are caught.",
    citation="UK GDPR data minimisation",
)
def listed_name(document: Document, context: Context) -> Iterator[Report]:
    names = [n.strip() for n in context.options.private_names if n.strip()]
    if not names:
        return
    patterns = [(name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)) for name in names]
    for path, text in free_text(document):
        for name, pattern in patterns:
            if pattern.search(text):
                yield Report(where=path, message=f"holds {name!r}, a name on the private names list: remove it")


@rule(
    "TIP505",
    "possible-personal-name",
    summary="Free text may hold a person's name (a title such as Mr or Dr before a capitalised word).",
    severity=Severity.INFO,
    kinds=[Document],
    rationale=_WHY + " Organisations, authors and session titles look like names too, so this is a guess, "
    "reported at info level only.",
    citation="UK GDPR data minimisation",
)
def possible_personal_name(document: Document, context: Context) -> Iterator[Report]:
    for path, text in free_text(document):
        for match in HONORIFIC_NAME.finditer(text):
            yield Report(where=path, message=f"{match.group()!r} may be a person's name: check it is not personal data")
