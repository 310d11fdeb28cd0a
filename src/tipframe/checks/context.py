"""What a rule sees besides its document: the bundle, the options, and helpers to follow references."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TypeVar

import attrs

from tipframe.bundle import Bundle
from tipframe.io.documents import Loaded
from tipframe.io.problems import Problem
from tipframe.model import Document, Framework, IntRange, LevelScale, Programme

D = TypeVar("D", bound=Document)


def _names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(names)


@attrs.frozen(kw_only=True)
class CheckOptions:
    """Thresholds the rules use. Each default comes from a case study, cited in docs/rules."""

    #: Help the Helpers ran group work for twelve with two facilitators: six each.
    participants_per_facilitator: float = attrs.field(default=6.0, validator=attrs.validators.gt(0))
    #: No case study gives a ratio for peer-led groups, reflective spaces or action learning sets: None applies none.
    peer_participants_per_facilitator: float | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.gt(0))
    )
    #: Safe & Together clinics discuss three to five families each.
    clinic_cases: IntRange = IntRange(min=3, max=5)
    #: Names of real people (staff, families) that must never appear in a document.
    private_names: tuple[str, ...] = attrs.field(default=(), converter=_names)
    #: The day observed counts are judged against (tipframe check gives today); None judges no dates.
    as_of: dt.date | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(dt.date))
    )


@attrs.frozen
class Context:
    """One document's view of the bundle it was read in."""

    bundle: Bundle
    loaded: Loaded
    options: CheckOptions = CheckOptions()

    @property
    def document(self) -> Document:
        """The document being checked."""
        return self.loaded.document

    def resolve(self, ref: str | None, kind: type[D]) -> D | None:
        """The document a reference names, or None when it is absent or missing.

        Parameters
        ----------
        ref
            A reference (an id or ``builtin:ID``), or None.
        kind
            The document class it names.

        Returns
        -------
        Document or None
        """
        if ref is None:
            return None
        try:
            return self.bundle.get(ref, kind)
        except KeyError:
            return None

    def framework_of(self, programme: Programme) -> Framework | None:
        """The framework a programme names, or None when it names none or it is missing."""
        return self.resolve(programme.framework, Framework)

    def levels_of(self, programme: Programme) -> LevelScale | None:
        """The level scale a programme names, or None when it names none or it is missing."""
        return self.resolve(programme.levels, LevelScale)

    def reference_problems(self, code: str) -> list[Problem]:
        """The bundle's problems of one code with this document.

        Parameters
        ----------
        code
            A bundle problem's code (``missing-reference``; see `Bundle.problems_of`).

        Returns
        -------
        list of Problem
        """
        return [p for p in self.bundle_problems if p.code == code]

    @functools.cached_property
    def bundle_problems(self) -> list[Problem]:
        """The bundle's problems with this document (`Bundle.problems_of`), worked out once: several
        rules ask, and on a large document they are costly."""
        return self.bundle.problems_of(self.loaded)
