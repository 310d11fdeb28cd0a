"""A summary being written: rows, paragraphs and lines of text, kept for HTML too."""

from __future__ import annotations

import textwrap
from typing import Final, TypeVar

from tipframe.bundle import Bundle
from tipframe.model import Document
from tipframe.privacy import visible

D = TypeVar("D", bound=Document)

#: the width of a row's label, and of the whole text
LABEL: Final = 14
WIDTH: Final = 96
#: what follows an illustrative value
MARK: Final = " *"


class Lines:
    """A summary being written. Every text from the document goes through `visible` on its way in,
    so neither the terminal nor the page ever gets a raw control character."""

    def __init__(self, document: Document, threshold: int) -> None:
        self.document = document
        self.lines: list[str] = []
        self.marked = False
        #: observed counts of people from 1 to this less one are suppressed
        self.threshold = threshold
        #: whether some count was suppressed, so the summary must say so
        self.suppressed = False
        # The same content, kept structured for the HTML rendering: (kind, label, text, marked).
        self.items: list[tuple[str, str, str, bool]] = []

    def row(self, label: str, value: str | None, *paths: str) -> None:
        if value is None or value == "":
            return
        value = visible(value)
        marked = any(self._touches(p) for p in paths)
        self.items.append(("row", label, value, marked))
        if marked:
            value += MARK
            self.marked = True
        wrapped = textwrap.wrap(value, WIDTH - LABEL - 1, break_on_hyphens=False) or [""]
        self.lines.append(f"{label:<{LABEL}} {wrapped[0]}")
        self.lines.extend(" " * (LABEL + 1) + rest for rest in wrapped[1:])

    def _touches(self, path: str) -> bool:
        """True when the value at ``path`` is, holds or is held by an illustrative value."""
        if self.document.is_illustrative(path):
            return True
        return any(m.path.startswith(path + ".") or m.path.startswith(path + "[") for m in self.document.illustrative)

    def para(self, text: str | None) -> None:
        if text:
            text = visible(text, lines=True)  # textwrap makes its newlines spaces
            self.items.append(("para", "", text, False))
            self.lines.extend(textwrap.wrap(text, WIDTH))
            self.lines.append("")

    def raw(self, line: str = "") -> None:
        line = visible(line)
        self.items.append(("raw", "", line, False))
        self.lines.append(line)


def name(bundle: Bundle | None, ref: str | None, kind: type[Document]) -> str | None:
    """``Name (ref)`` when ``bundle`` holds what ``ref`` points to, else ``ref``."""
    if ref is None:
        return None
    if bundle is not None:
        try:
            return f"{bundle.get(ref, kind).name} ({ref})"
        except KeyError:
            pass
    return ref


def get(bundle: Bundle | None, ref: str | None, kind: type[D]) -> D | None:
    """What ``ref`` points to in ``bundle``, or None."""
    if bundle is None or ref is None:
        return None
    try:
        return bundle.get(ref, kind)
    except KeyError:
        return None
