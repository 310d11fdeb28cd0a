"""Principles of trauma-informed practice, the frameworks that order them, and crosswalks between frameworks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import attrs

from tipframe.model.document import ID_LIST, Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    TEXT,
    NonEmpty,
    Path,
    extensions_field,
    field,
    repeats,
)


@attrs.frozen(kw_only=True)
class Principle:
    """One principle of a framework, such as NTTP's *safety*."""

    id: str = field(doc="Id, unique within the framework.", checks=[IDENTIFIER])
    name: str = field(doc="Name as the framework writes it.", checks=[TEXT])
    description: str | None = field(doc="What the principle asks of practice.", default=None, checks=[TEXT])
    group: str | None = field(
        doc="A grouping the framework uses, such as 'principle' or 'critical component'.",
        default=None,
        checks=[TEXT],
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Framework(Document):
    """An ordered set of principles with the source that defines them."""

    KIND = "Framework"
    MEMBERS = ("principles",)

    principles: tuple[Principle, ...] = field(
        doc="The principles, in the framework's own order.", checks=[NonEmpty(array=True)]
    )

    def _problems(self) -> list[tuple[Path, str]]:
        repeated = repeats(self.principles, "principles", "id", "principle id {value!r} is used twice")
        return [*super()._problems(), *repeated]

    def principle_ids(self) -> tuple[str, ...]:
        """The principles' ids, in the framework's order.

        Returns
        -------
        tuple of str
        """
        return tuple(p.id for p in self.principles)

    def members(self, collection: str) -> tuple[str, ...]:
        """Ids in a collection: ``principles`` is the framework's only one.

        Parameters
        ----------
        collection
            ``principles``.

        Returns
        -------
        tuple of str
            The principle ids, in order.

        Raises
        ------
        KeyError
            For any other collection.
        """
        return self.principle_ids() if collection == "principles" else super().members(collection)

    def principle(self, principle_id: str) -> Principle:
        """The principle with this id.

        Parameters
        ----------
        principle_id
            A principle id of this framework.

        Returns
        -------
        Principle

        Raises
        ------
        KeyError
            Naming the principles that exist, when there is none with this id.
        """
        for principle in self.principles:
            if principle.id == principle_id:
                return principle
        raise KeyError(f"{self.id} has no principle {principle_id!r}; it has {', '.join(self.principle_ids())}")

    def __contains__(self, principle_id: object) -> bool:
        return any(p.id == principle_id for p in self.principles)


class Relation(Enum):
    """How a target principle relates to the source principle (after SKOS mapping relations)."""

    EXACT = "exact"
    CLOSE = "close"
    BROAD = "broad"  # the target is broader than the source
    NARROW = "narrow"  # the target is narrower than the source
    RELATED = "related"


@attrs.frozen(kw_only=True)
class Correspondence:
    """Principles of the target framework that answer to one principle of the source framework."""

    source: str = field(doc="Principle id in the source framework.", checks=[IDENTIFIER], member_of="source")
    targets: tuple[str, ...] = field(
        doc="Principle ids in the target framework.",
        checks=[NonEmpty(array=True), *ID_LIST],
        member_of="target",
    )
    relation: Relation = field(doc="How the targets relate to the source principle.", default=Relation.EXACT)
    note: str | None = field(doc="Why the principles correspond.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Crosswalk(Document):
    """Maps the principles of one framework onto another's."""

    KIND = "Crosswalk"

    source: str = field(doc="The framework mapped from (a reference).", checks=[REFERENCE], ref="Framework")
    target: str = field(doc="The framework mapped onto (a reference).", checks=[REFERENCE], ref="Framework")
    correspondences: tuple[Correspondence, ...] = field(
        doc="One entry per source principle that has a counterpart.", checks=[NonEmpty(array=True)]
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        if self.source == self.target:
            problems.append((("target",), "a crosswalk maps between two different frameworks"))
        problems += repeats(self.correspondences, "correspondences", "source", "principle {value!r} is mapped twice")
        return problems

    def translate(self, principle_ids: Iterable[str]) -> frozenset[str]:
        """The target principles that the given source principles answer to.

        Parameters
        ----------
        principle_ids
            Principle ids of the source framework; those with no correspondence add nothing.

        Returns
        -------
        frozenset of str
            Principle ids of the target framework.
        """
        wanted = set(principle_ids)
        return frozenset(t for c in self.correspondences if c.source in wanted for t in c.targets)

    def unmapped_targets(self, target: Framework) -> tuple[str, ...]:
        """Target principles no source principle maps onto.

        Parameters
        ----------
        target
            The target framework (the one ``target`` names).

        Returns
        -------
        tuple of str
            Principle ids, in the target's order.
        """
        mapped = self.translate(c.source for c in self.correspondences)
        return tuple(p for p in target.principle_ids() if p not in mapped)


__all__ = ["Correspondence", "Crosswalk", "Framework", "Principle", "Relation"]
