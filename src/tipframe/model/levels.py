"""Practice levels (such as NES: informed, skilled, enhanced, specialist) and the scales that order them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from tipframe.model.document import Document
from tipframe.model.fields import IDENTIFIER, TEXT, NonEmpty, Path, extensions_field, field, repeats


@attrs.frozen(kw_only=True)
class PracticeLevel:
    """One level of a scale, with the part of the workforce it is meant for."""

    id: str = field(doc="Id, unique within the scale.", checks=[IDENTIFIER])
    name: str = field(doc="Name as the scale writes it.", checks=[TEXT])
    audience: str | None = field(doc="Who in the workforce needs this level.", default=None, checks=[TEXT])
    description: str | None = field(doc="What practice at this level involves.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()


def _level(kind: str) -> Any:
    return field(
        doc=f"Level the staff of {kind} services need (a level id in the scale).",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )


@attrs.frozen(kw_only=True)
class LevelForSupport:
    """The practice level staff need, by the kind of support their service offers."""

    universal: str | None = _level("universal")
    targeted: str | None = _level("targeted")
    specialist: str | None = _level("specialist")
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class LevelScale(Document):
    """Practice levels from lowest to highest.

    On a cumulative scale a person at one level has completed every level below it (NES). A
    spectrum (``cumulative: false``) orders levels by depth without implying that.
    """

    KIND = "LevelScale"
    MEMBERS = ("levels",)

    levels: tuple[PracticeLevel, ...] = field(doc="The levels, lowest first.", checks=[NonEmpty(array=True)])
    cumulative: bool = field(doc="True when a person at a level has completed every level below it.", default=True)
    level_for_support: LevelForSupport | None = field(
        doc="The level the staff of each kind of service need, where the scale's framework says (NES does).",
        default=None,
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = [*super()._problems(), *repeats(self.levels, "levels", "id", "level id {value!r} is used twice")]
        if self.level_for_support is not None:
            known = set(self.level_ids())
            for support in ("universal", "targeted", "specialist"):
                level = getattr(self.level_for_support, support)
                if level is not None and level not in known:
                    problems.append(
                        (
                            ("level_for_support", support),
                            f"{level!r} is not a level of this scale: one of " + ", ".join(self.level_ids()),
                        )
                    )
        return problems

    def level_ids(self) -> tuple[str, ...]:
        """The levels' ids, lowest first.

        Returns
        -------
        tuple of str
        """
        return tuple(level.id for level in self.levels)

    def members(self, collection: str) -> tuple[str, ...]:
        """Ids in a collection: ``levels`` is the scale's only one.

        Parameters
        ----------
        collection
            ``levels``.

        Returns
        -------
        tuple of str
            The level ids, lowest first.

        Raises
        ------
        KeyError
            For any other collection.
        """
        return self.level_ids() if collection == "levels" else super().members(collection)

    def level(self, level_id: str) -> PracticeLevel:
        """The level with this id.

        Parameters
        ----------
        level_id
            A level id of this scale.

        Returns
        -------
        PracticeLevel

        Raises
        ------
        KeyError
            Naming the levels that exist, when there is none with this id.
        """
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"{self.id} has no level {level_id!r}; it has {', '.join(self.level_ids())}")

    def rank(self, level_id: str) -> int:
        """Position of a level on the scale.

        Parameters
        ----------
        level_id
            A level id of this scale.

        Returns
        -------
        int
            0 for the lowest level.

        Raises
        ------
        KeyError
            Naming the levels that exist, when there is none with this id.
        """
        ids = self.level_ids()
        if level_id not in ids:
            raise KeyError(f"{self.id} has no level {level_id!r}; it has {', '.join(ids)}")
        return ids.index(level_id)

    def __contains__(self, level_id: object) -> bool:
        return level_id in self.level_ids()

    def completed(self, level_id: str) -> tuple[str, ...]:
        """Levels a person at ``level_id`` holds: it and, on a cumulative scale, every level below.

        Parameters
        ----------
        level_id
            A level id of this scale.

        Returns
        -------
        tuple of str
            Lowest first; only ``level_id`` on a spectrum.

        Raises
        ------
        KeyError
            When the scale has no such level.
        """
        rank = self.rank(level_id)
        return self.level_ids()[: rank + 1] if self.cumulative else (level_id,)

    def meets(self, held: str | Iterable[str], required: str) -> bool:
        """Whether a person holding ``held`` (one level, or several on a spectrum) meets ``required``.

        Cumulative: any held level at or above the required one. Spectrum: the required level
        itself, or one above it, must be held, since levels do not imply each other.

        Parameters
        ----------
        held
            The level a person holds, or several (on a spectrum, each one completed).
        required
            The level needed.

        Returns
        -------
        bool

        Raises
        ------
        KeyError
            When a level named is not on the scale.
        """
        held_ids = (held,) if isinstance(held, str) else tuple(held)
        need = self.rank(required)
        return any(self.rank(h) >= need for h in held_ids)
