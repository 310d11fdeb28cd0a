"""The envelope every document shares: id, name, sources, illustrative values and ``x-`` data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, ClassVar, Final

import attrs

from tipframe.model.fields import (
    IDENTIFIER,
    TEXT,
    Each,
    Path,
    Pattern,
    Unique,
    check_problems,
    extensions_field,
    field,
    repeats,
)
from tipframe.model.values import IsoDate

_PATH_RE: Final = re.compile(r"^[a-z_]+(?:\[[0-9]+\])*(?:\.[a-z_]+(?:\[[0-9]+\])*)*$")
PATH_PATTERN: Final = _PATH_RE.pattern


class SourceType(Enum):
    """What kind of publication a source is."""

    CASE_STUDY = "case-study"
    FRAMEWORK = "framework"
    REPORT = "report"
    GUIDANCE = "guidance"
    ARTICLE = "article"
    WEBSITE = "website"
    DATASET = "dataset"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Source:
    """A publication a document draws on; other fields cite it by ``id``."""

    id: str = field(doc="Id other fields use to cite this source.", checks=[IDENTIFIER])
    title: str = field(doc="Title of the publication.", checks=[TEXT])
    type: SourceType = field(doc="What kind of publication it is.", default=SourceType.OTHER)
    publisher: str | None = field(doc="Organisation that published it.", default=None, checks=[TEXT])
    date: IsoDate | None = field(doc="Publication date, at the precision known.", default=None)
    url: str | None = field(doc="Where it can be read.", default=None, checks=[TEXT])
    note: str | None = field(doc="Anything a reader should know about this source.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Illustrative:
    """A value the sources do not give, invented for the example and marked so nobody quotes it as fact.

    In a document, a bare path (``group_size.min``) is shorthand for ``{path: group_size.min}``.
    """

    path: str = field(
        doc="Where the value is, as written in documents: 'sessions[0].title', 'group_size.min'.",
        checks=[Pattern(PATH_PATTERN, "a path such as 'group_size.min' or 'sessions[0].title'")],
    )
    note: str | None = field(doc="Why the value is there, or what it stands for.", default=None, checks=[TEXT])


def _marks(value: Any) -> Any:
    # A bare path is shorthand for an Illustrative without a note, in Python as in documents.
    if isinstance(value, list | tuple):
        return tuple(Illustrative(path=v) if isinstance(v, str) else v for v in value)
    return value


@attrs.frozen(kw_only=True)
class Document:
    """Fields every document kind has. Subclasses set ``KIND``, the name written as ``kind:``."""

    KIND: ClassVar[str] = ""
    """The name written after ``kind:`` (empty for this base class)."""
    MEMBERS: ClassVar[tuple[str, ...]] = ()
    """The collections of ids other documents may name inside this one (see `members`)."""

    id: str = field(doc="The document's id, unique among documents of its kind.", checks=[IDENTIFIER])
    name: str = field(doc="Human-readable name.", checks=[TEXT])
    description: str | None = field(doc="A short description.", default=None, checks=[TEXT])
    sources: tuple[Source, ...] = field(doc="Publications this document draws on.", default=())
    illustrative: tuple[Illustrative, ...] = field(
        doc="Values the sources do not give: invented for illustration, not case-study facts.",
        default=(),
        converter=_marks,
    )
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        check_problems(self._problems())

    def _problems(self) -> list[tuple[Path, str]]:
        """Cross-field problems; subclasses extend the list."""
        problems = repeats(self.sources, "sources", "id", "source id {value!r} is used twice")
        for index, mark in enumerate(self.illustrative):
            if _PATH_RE.fullmatch(mark.path) and not _path_exists(self, mark.path):
                problems.append((("illustrative", index), f"{mark.path!r} names no value in this document"))
        return problems

    def members(self, collection: str) -> tuple[str, ...]:
        """Ids in one of this document's collections (``principles`` of a framework).

        Parameters
        ----------
        collection
            One of the kind's ``MEMBERS``.

        Returns
        -------
        tuple of str
            The ids, in document order.

        Raises
        ------
        KeyError
            When the kind has no such collection.
        """
        raise KeyError(f"a {self.KIND} has no collection {collection!r}")

    def source_ids(self) -> tuple[str, ...]:
        """The ids of the document's sources, in order.

        Returns
        -------
        tuple of str
        """
        return tuple(s.id for s in self.sources)

    def is_illustrative(self, path: str) -> bool:
        """Whether ``path`` or a value containing it is marked illustrative.

        Parameters
        ----------
        path
            A path as documents write it: ``group_size.min``, ``sessions[0].title``.

        Returns
        -------
        bool
        """
        return any(path == m.path or path.startswith((m.path + ".", m.path + "[")) for m in self.illustrative)


def _path_exists(obj: object, path: str) -> bool:
    current: Any = obj
    for part in re.findall(r"[a-z_]+|\[[0-9]+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(current, tuple) or index >= len(current):
                return False
            current = current[index]
        else:
            if not attrs.has(type(current)) or part not in attrs.fields_dict(type(current)):
                return False
            current = getattr(current, part)
            if current is None:
                return False
    return True


#: checks for a list of ids: each well formed, none repeated
ID_LIST: Final = (Each(IDENTIFIER), Unique())
