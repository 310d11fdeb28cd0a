"""Workforces: the organisations, roles and headcounts a rollout reaches, and the partnerships between them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from tipframe.model.document import Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    TEXT,
    Each,
    NonEmpty,
    Path,
    Pattern,
    Range,
    extensions_field,
    field,
    organisation_reference,
    repeats,
)
from tipframe.model.limits import MAX_PEOPLE
from tipframe.model.values import NoneAs, SchemaOnly
from tipframe.model.vocabulary import Qualifier


@attrs.frozen(kw_only=True)
class LevelCount:
    """Staff in a role who hold one practice level, as a source counts them (under disclosure control)."""

    #: a suppressed count has no count, any other one has (the schema's share of the check below)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            "if": {"properties": {"qualifier": {"const": "suppressed"}}, "required": ["qualifier"]},
            "then": {"not": {"required": ["count"]}},
            "else": {"required": ["count"]},
        }
    )

    level: str | None = field(
        doc="The level held (a level id in the workforce's scale), or none: no level of the scale yet.",
        checks=[IDENTIFIER, NoneAs("none", {"type": "string"})],
        member_of="levels",
    )
    count: int | None = field(
        doc="People, as reported; none when the count is suppressed.", default=None, checks=[Range(0, MAX_PEOPLE)]
    )
    qualifier: Qualifier = field(
        doc="How exactly the count is known: exact, at-least, at-most, about, or suppressed (1 to 4, no count).",
        default=Qualifier.EXACT,
    )
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        from tipframe.model.fields import check_problems

        if (self.qualifier is Qualifier.SUPPRESSED) != (self.count is None):
            check_problems([(("count",), "a suppressed count has no count; every other count has one")])


@attrs.frozen(kw_only=True)
class Role:
    """A role in an organisation, with its headcount and the practice level it needs."""

    id: str = field(
        doc="Id, such as 'support-worker'; the same id names the same role in every organisation.", checks=[IDENTIFIER]
    )
    name: str | None = field(doc="Name, when the id is not enough.", default=None, checks=[TEXT])
    headcount: int = field(doc="People in this role.", checks=[Range(0, MAX_PEOPLE)])
    required_level: str | None = field(
        doc="Practice level the role needs (a level id in the workforce's scale).",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )
    levels_held: tuple[LevelCount, ...] = field(
        doc="Staff in the role by the level they hold, as observed; those not counted have no recorded level.",
        default=(),
    )
    levels_source: str | None = field(
        doc="Id of the source, in the workforce's sources, that counts levels_held.", default=None, checks=[IDENTIFIER]
    )
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        from tipframe.model.fields import check_problems

        problems = repeats(self.levels_held, "levels_held", "level", "level {value!r} is counted twice")
        least = sum(1 if c.count is None else c.count if c.qualifier is not Qualifier.AT_MOST else 0
                    for c in self.levels_held)  # fmt: skip
        if least > self.headcount:
            problems.append((("levels_held",), f"levels_held count at least {least} people, more than the role's "
                             f"headcount of {self.headcount}"))  # fmt: skip
        check_problems(problems)


@attrs.frozen(kw_only=True)
class WorkforceOrganisation:
    """One organisation in a workforce: its headcount and roles."""

    id: str = field(doc="Id within this workforce.", checks=[IDENTIFIER])
    name: str | None = field(doc="Name.", default=None, checks=[TEXT])
    organisation: str | None = organisation_reference()
    headcount: int = field(doc="Staff in the organisation.", checks=[Range(0, MAX_PEOPLE)])
    roles: tuple[Role, ...] = field(doc="Roles and their headcounts; those not listed have no role.", default=())
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        from tipframe.model.fields import check_problems

        problems = repeats(self.roles, "roles", "id", "role {value!r} is listed twice")
        in_roles = sum(role.headcount for role in self.roles)
        if in_roles > self.headcount:
            problems.append((("roles",), f"roles hold {in_roles} people, more than the headcount of {self.headcount}"))
        check_problems(problems)


@attrs.frozen(kw_only=True)
class StaffNetwork:
    """Who works with whom, for peer uptake: inline when small, else a referenced .npz file.

    Inline, ``people`` gives each person's organisation (people are numbered from 0 in that
    order) and ``edges`` the ties as pairs of numbers. A file holds arrays ``source``,
    ``target`` and ``organisation`` of anonymous integer ids, and ``sha256`` records its digest
    so that results always name the network they ran on.
    """

    people: tuple[str, ...] = field(
        doc="Organisation id of each person, in order (inline networks).",
        default=(),
        checks=[Each(IDENTIFIER)],
    )
    edges: tuple[tuple[int, ...], ...] = field(
        doc="Ties between people, as [a, b] pairs (inline networks).", default=()
    )
    file: str | None = field(
        doc="A .npz file of the network, relative to the workforce document.", default=None, checks=[TEXT]
    )
    sha256: str | None = field(
        doc="SHA-256 of the file.", default=None, checks=[Pattern(r"^[0-9a-f]{64}$", "a SHA-256 digest in hexadecimal")]
    )
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        from tipframe.model.fields import check_problems

        problems: list[tuple[Path, str]] = []
        inline = bool(self.people or self.edges)
        if self.file is not None and inline:
            problems.append((("file",), "give the network inline (people and edges) or as a file, not both"))
        if self.file is not None and self.sha256 is None:
            problems.append((("sha256",), "a network file needs its SHA-256, so results can name it"))
        if self.file is None and not inline:
            problems.append(((), "give people and edges, or a file"))
        for index, edge in enumerate(self.edges):
            if len(edge) != 2 or min(edge) < 0 or max(edge) >= len(self.people):
                message = f"an edge joins two people numbered 0 to {len(self.people) - 1}, not {list(edge)}"
                problems.append((("edges", index), message))
            elif edge[0] == edge[1]:
                problems.append(
                    (("edges", index), f"an edge joins two different people, not person {edge[0]} to itself")
                )
        check_problems(problems)


@attrs.frozen(kw_only=True)
class Workforce(Document):
    """The organisations a rollout reaches, their staff by role, and which organisations work in partnership.

    Partnerships are symmetric: trainers in either organisation may fill places with the other's staff.
    """

    KIND = "Workforce"
    MEMBERS = ("organisations", "roles")

    levels: str | None = field(
        doc="Level scale the roles' required levels come from (a reference).",
        default=None,
        checks=[REFERENCE],
        ref="LevelScale",
    )
    organisations: tuple[WorkforceOrganisation, ...] = field(doc="The organisations.", checks=[NonEmpty(array=True)])
    partnerships: tuple[tuple[str, ...], ...] = field(
        doc="Pairs of organisation ids that share places: [[a, b], ...].",
        default=(),
        checks=[Each(NonEmpty(array=True)), SchemaOnly({"items": {"minItems": 2, "maxItems": 2, "uniqueItems": True}})],
    )
    staff_network: StaffNetwork | None = field(doc="Who works with whom, for peer uptake.", default=None)

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        problems += repeats(self.organisations, "organisations", "id", "organisation {value!r} is listed twice")
        known = {o.id for o in self.organisations}
        seen: set[frozenset[str]] = set()
        for index, pair in enumerate(self.partnerships):
            where: Path = ("partnerships", index)
            if len(pair) != 2 or pair[0] == pair[1]:
                problems.append((where, f"a partnership joins two different organisations, not {list(pair)}"))
                continue
            for position, org in enumerate(pair):
                if org not in known:
                    problems.append(((*where, position), f"no organisation {org!r} in this workforce"))
            key = frozenset(pair)
            if key in seen:
                problems.append((where, f"the partnership {pair[0]} - {pair[1]} is listed twice"))
            seen.add(key)
        if self.staff_network is not None:
            problems += self._network_problems(self.staff_network)
        sources = {s.id for s in self.sources}
        for o_index, organisation in enumerate(self.organisations):
            for r_index, role in enumerate(organisation.roles):
                if role.levels_source is not None and role.levels_source not in sources:
                    at: Path = ("organisations", o_index, "roles", r_index, "levels_source")
                    problems.append((at, f"no source {role.levels_source!r} in this workforce's sources"))
        if self.levels is None:
            for o_index, organisation in enumerate(self.organisations):
                for r_index, role in enumerate(organisation.roles):
                    if role.required_level is not None:
                        problems.append(
                            (
                                ("organisations", o_index, "roles", r_index, "required_level"),
                                "names a level, but the workforce names no level scale (levels)",
                            )
                        )
        return problems

    def _network_problems(self, network: StaffNetwork) -> list[tuple[Path, str]]:
        """People in organisations the workforce lacks, or more people in one than its headcount."""
        problems: list[tuple[Path, str]] = []
        headcounts = {o.id: o.headcount for o in self.organisations}
        for index, org in enumerate(network.people):
            if org not in headcounts:
                problems.append((("staff_network", "people", index), f"no organisation {org!r} in this workforce"))
        for org, people in Counter(network.people).items():
            if org in headcounts and people > headcounts[org]:
                message = f"{people} people in organisation {org!r}, more than its headcount of {headcounts[org]}"
                problems.append((("staff_network", "people"), message))
        return problems

    def members(self, collection: str) -> tuple[str, ...]:
        """Ids in a collection: ``organisations``, or ``roles`` (each role id once).

        Parameters
        ----------
        collection
            ``organisations`` or ``roles``.

        Returns
        -------
        tuple of str
            In the order the workforce first lists them.

        Raises
        ------
        KeyError
            For any other collection.
        """
        if collection == "organisations":
            return tuple(o.id for o in self.organisations)
        if collection == "roles":
            return tuple(dict.fromkeys(r.id for o in self.organisations for r in o.roles))
        return super().members(collection)

    def organisation_ids(self) -> tuple[str, ...]:
        """The organisations' ids, in order.

        Returns
        -------
        tuple of str
        """
        return self.members("organisations")

    def headcount(self) -> int:
        """Staff in every organisation together.

        Returns
        -------
        int
        """
        return sum(o.headcount for o in self.organisations)

    def partners(self) -> dict[str, tuple[str, ...]]:
        """Each organisation's partners.

        Returns
        -------
        dict of str to tuple of str
            Every organisation id, with its partners in the order the workforce lists
            organisations (empty when it has none).
        """
        linked: dict[str, set[str]] = {o.id: set() for o in self.organisations}
        for a, b in self.partnerships:
            linked[a].add(b)
            linked[b].add(a)
        order = {o.id: i for i, o in enumerate(self.organisations)}
        return {o: tuple(sorted(p, key=order.__getitem__)) for o, p in linked.items()}

    def eligible(self, roles: tuple[str, ...] = (), levels: tuple[str, ...] = ()) -> dict[str, int]:
        """Eligible headcount per organisation.

        With neither ``roles`` nor ``levels`` everyone is eligible. Otherwise the people in the
        roles named, or in roles whose required level is one of ``levels``.

        Parameters
        ----------
        roles
            Role ids whose staff are eligible.
        levels
            Level ids: staff in roles requiring one of them are eligible.

        Returns
        -------
        dict of str to int
            Every organisation id, with its eligible headcount.
        """
        if not roles and not levels:
            return {o.id: o.headcount for o in self.organisations}
        return {
            o.id: sum(r.headcount for r in o.roles if r.id in roles or (r.required_level in levels and levels))
            for o in self.organisations
        }
