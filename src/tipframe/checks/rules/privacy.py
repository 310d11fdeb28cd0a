"""TIP5xx: privacy. Documents describe services, never people or families."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.model import Document
from tipframe.model.fields import Path

EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
#: an "address" ending like a file name is a file (logo@2x.png), not a mailbox
_FILE_ENDINGS: Final = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|pdf|docx?|xlsx?|pptx?|csv|txt)$", re.IGNORECASE)
_URL: Final = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# A phone number starts with +, 0 or (0 and has 10 to 13 digits, grouped by spaces, dots or dashes.
PHONE: Final = re.compile(r"(?<![\w/.+-])(?:\+|\(0|0)[0-9()\s.-]{8,20}[0-9](?![\w/-])")
_NOT_PHONE_BEFORE: Final = re.compile(r"(?:isbn|id|ref|no\.?|number|version|v)[\s:#.-]*$", re.IGNORECASE)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH: Final = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY: Final = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_DATE: Final = (
    rf"(?:[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]{{2,4}}|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH},?\s+[0-9]{{4}}|{_MONTH}\s+{_DAY},?\s+[0-9]{{4}})"
)
_SEPARATOR: Final = r"[\s:,=(\[-]*"
BIRTH_DATE: Final = re.compile(rf"(?<![a-z])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth){_SEPARATOR}{_DATE}", re.IGNORECASE)
BORN_ON: Final = re.compile(rf"\bborn(?:\s+on)?{_SEPARATOR}{_DATE}", re.IGNORECASE)
# NHS numbers (England, Wales) and CHI numbers (Scotland) are ten digits; only flagged where named.
CARE_NUMBER: Final = re.compile(
    r"\b(?:nhs|chi|h&c)(?:\s+(?:no\.?|number))?[\s:#]*[0-9]{3}[\s-]?[0-9]{3}[\s-]?[0-9]{4}\b", re.IGNORECASE
)
_NAME_WORD: Final = r"[A-Z](?:ac[A-Z][a-z]+|c[A-Z][a-z]+|['’][A-Z][a-z]+|[a-z]+(?:['’][A-Z][a-z]+)?)"
HONORIFIC_NAME: Final = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor)\.?\s+{_NAME_WORD}(?:[\s-]{_NAME_WORD})?"
)
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


def phone_numbers(text: str) -> Iterator[str]:
    """Phone numbers in free text: 10 to 13 digits starting with +, 0 or (0, outside URLs and identifiers."""
    text = _URL.sub(" ", text)
    for match in PHONE.finditer(text):
        found = match.group().strip()
        digits = re.sub(r"[^0-9]", "", found)
        if not 10 <= len(digits) <= 13 or _ISO_DATE.search(found):
            continue
        if _NOT_PHONE_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        yield found


def _normal(text: str) -> str:
    # Line breaks in a block of text, doubled spaces and curly apostrophes must not hide a name.
    return re.sub(r"\s+", " ", text).replace("\u2019", "'").replace("\u2018", "'")


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
            if _FILE_ENDINGS.search(match.group()):
                continue
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
        for found in phone_numbers(text):
            yield Report(where=path, message=f"a phone number ({found}): make sure it is a service's public number")


@rule(
    "TIP503",
    "date-of-birth",
    summary="Free text holds a date of birth, or an NHS or CHI number.",
    severity=Severity.ERROR,
    kinds=[Document],
    rationale=_WHY + " A date of birth, or a health service number (NHS, CHI), identifies a person and has no "
    "place in a service description. 'Born' before a date is reported as a warning, since organisations are "
    "born too.",
    citation="UK GDPR data minimisation",
)
def date_of_birth(document: Document, context: Context) -> Iterator[Report]:
    for path, text in free_text(document):
        if BIRTH_DATE.search(text) or CARE_NUMBER.search(text):
            what = "a date of birth" if BIRTH_DATE.search(text) else "an NHS or CHI number"
            yield Report(where=path, message=f"{what}: remove it; documents describe services, not people")
        elif BORN_ON.search(text):
            # Organisations are "born" too ("the network was born 1 April 2019"): a warning only.
            yield Report(
                where=path,
                severity=Severity.WARNING,
                message="'born' followed by a date: if it is a person's date of birth, remove it",
            )


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
    names = [_normal(n).strip() for n in context.options.private_names if n.strip()]
    if not names:
        return
    patterns = [(name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)) for name in names]
    for path, text in free_text(document):
        flat = _normal(text)
        for name, pattern in patterns:
            if pattern.search(flat):
                yield Report(where=path, message=f"holds {name!r}, a name on the private names list: remove it")


@rule(
    "TIP505",
    "possible-personal-name",
    summary="Free text may hold a person's name (a title such as Mr, Dr or Prof before a capitalised name).",
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
