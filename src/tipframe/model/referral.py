"""Referral networks: the services people present at, the specialist support they may need, and the pathways between."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
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
    Range,
    Unique,
    extensions_field,
    field,
    organisation_reference,
    repeats,
)
from tipframe.model.levels import LevelForSupport, LevelScale
from tipframe.model.limits import MAX_PEOPLE
from tipframe.model.values import LONGER_THAN_ZERO, Duration
from tipframe.model.vocabulary import DeliveryMode
from tipframe.model.workforce import Workforce


class Support(Enum):
    """The level of support a service offers to people affected by trauma."""

    UNIVERSAL = "universal"  # open to everyone who presents: a foodbank, a GP, a community group
    TARGETED = "targeted"  # for people with a named need: a violence reduction programme, housing support
    SPECIALIST = "specialist"  # specialist trauma support: trauma therapy, specialist counselling


class ServiceStatus(Enum):
    """Whether a service is running, as Open Referral (HSDS 3.0) words it."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"


@attrs.frozen(kw_only=True)
class NetworkOrganisation:
    """An organisation that runs services in the network."""

    id: str = field(doc="Id within this network.", checks=[IDENTIFIER])
    name: str | None = field(doc="Name.", default=None, checks=[TEXT])
    organisation: str | None = organisation_reference()
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Service:
    """A service people can be referred to: what it offers, to whom, how much, and who staffs it."""

    id: str = field(doc="Id within this network.", checks=[IDENTIFIER])
    name: str = field(doc="Name, as the service calls itself.", checks=[TEXT])
    organisation: str = field(doc="The organisation that runs it (an id in organisations).", checks=[IDENTIFIER])
    description: str | None = field(doc="What it does.", default=None, checks=[TEXT])
    status: ServiceStatus = field(
        doc="active, inactive, defunct or 'temporarily closed'.", default=ServiceStatus.ACTIVE
    )
    support: Support | None = field(
        doc="Level of support it offers: universal, targeted or specialist (left out until someone decides, "
        "as in a directory just imported).",
        default=None,
    )
    eligibility: str | None = field(doc="Who it is for, in its own words.", default=None, checks=[TEXT])
    capacity: float | None = field(
        doc="People it can take each period (the network's period).", default=None, checks=[Range(0, MAX_PEOPLE)]
    )
    waiting_time: Duration | None = field(doc="Typical wait before support starts (ISO 8601).", default=None)
    delivery: tuple[DeliveryMode, ...] = field(doc="How it is delivered.", default=(), checks=[Unique()])
    areas: tuple[str, ...] = field(doc="Areas it serves.", default=(), checks=[Each(TEXT), Unique()])
    staff_level: str | None = field(
        doc="Practice level its staff hold (a level id in the network's scale).",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )
    required_level: str | None = field(
        doc="Practice level its staff need; by default its role's in the workforce, else the one the network's "
        "mapping gives for its support.",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )
    role: str | None = field(
        doc="The role its staff hold in the network's workforce (a role id there), for the level that role needs.",
        default=None,
        checks=[IDENTIFIER],
        member_of="workforce",
        member="roles",
    )
    extensions: Mapping[str, Any] = extensions_field()

    @property
    def active(self) -> bool:
        """Whether the service is running (its status is ``active``) and so takes referrals."""
        return self.status is ServiceStatus.ACTIVE


@attrs.frozen(kw_only=True)
class Pathway:
    """A referral route from one service to another."""

    from_service: str = field(doc="The referring service (an id in services).", checks=[IDENTIFIER])
    to_service: str = field(doc="The service referred to (an id in services).", checks=[IDENTIFIER])
    criteria: str | None = field(doc="When a referral is made.", default=None, checks=[TEXT])
    volume: float | None = field(doc="Expected referrals each period.", default=None, checks=[Range(0, MAX_PEOPLE)])
    consent: bool = field(doc="Whether the person's consent is needed before referring.", default=True)
    warm_handover: bool = field(
        doc="Whether the referrer introduces the person in person rather than passing on details.", default=False
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class ReferralNetwork(Document):
    """Services, the organisations that run them, and the referral pathways between them.

    Entry points are the services where people affected by trauma first present; specialist
    services (``support: specialist``) are the specialist trauma support they may need.
    """

    #: a service's staff level needs the network's scale (the schema's share of ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            "if": {"properties": {"services": {"contains": {"required": ["staff_level"]}}}, "required": ["services"]},
            "then": {"required": ["levels"]},
        }
    )

    KIND = "ReferralNetwork"
    MEMBERS = ("services", "organisations")

    period: Duration = field(
        doc="The period capacities and volumes are counted per (ISO 8601; P1M is a month).",
        default=Duration.parse("P1M"),
        checks=[LONGER_THAN_ZERO],
    )
    levels: str | None = field(
        doc="Level scale for staff and required levels (a reference, such as builtin:nes-levels).",
        default=None,
        checks=[REFERENCE],
        ref="LevelScale",
    )
    workforce: str | None = field(
        doc="The Workforce whose organisations (by id) run these services (a reference), for their roles' levels.",
        default=None,
        checks=[REFERENCE],
        ref="Workforce",
    )
    level_for_support: LevelForSupport | None = field(
        doc="Level each kind of support needs its staff to hold ({universal: skilled, ...}); "
        "by default the NES mapping when levels is builtin:nes-levels.",
        default=None,
    )
    organisations: tuple[NetworkOrganisation, ...] = field(doc="Organisations running the services.", default=())
    services: tuple[Service, ...] = field(doc="The services.", checks=[NonEmpty(array=True)])
    pathways: tuple[Pathway, ...] = field(doc="Referral routes between services.", default=())
    entry_points: tuple[str, ...] = field(
        doc="Services where people first present (ids in services).", default=(), checks=[Each(IDENTIFIER), Unique()]
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        problems += repeats(self.organisations, "organisations", "id", "organisation {value!r} is listed twice")
        problems += repeats(self.services, "services", "id", "service {value!r} is listed twice")
        organisations = {o.id for o in self.organisations}
        services = {s.id for s in self.services}
        for index, service in enumerate(self.services):
            if service.organisation not in organisations:
                problems.append(
                    (("services", index, "organisation"), f"no organisation {service.organisation!r} in this network")
                )
            if service.role is not None and self.workforce is None:
                problems.append((("services", index, "role"), "names a role, but the network names no workforce"))
            if self.levels is None:
                for name in ("staff_level", "required_level"):
                    if getattr(service, name) is not None:
                        problems.append(
                            (("services", index, name), "names a level, but the network names no level scale (levels)")
                        )
        seen: set[tuple[str, str]] = set()
        for index, pathway in enumerate(self.pathways):
            for name in ("from_service", "to_service"):
                value = getattr(pathway, name)
                if value not in services:
                    problems.append((("pathways", index, name), f"no service {value!r} in this network"))
            if pathway.from_service == pathway.to_service:
                problems.append((("pathways", index), "a pathway joins two different services"))
            key = (pathway.from_service, pathway.to_service)
            if key in seen:
                problems.append(
                    (("pathways", index), f"the pathway {key[0]} -> {key[1]} is listed twice; give one volume")
                )
            seen.add(key)
        for index, entry in enumerate(self.entry_points):
            if entry not in services:
                problems.append((("entry_points", index), f"no service {entry!r} in this network"))
        if self.levels is None and self.level_for_support is not None:
            problems.append((("level_for_support",), "names levels, but the network names no level scale (levels)"))
        return problems

    def members(self, collection: str) -> tuple[str, ...]:
        """Ids in a collection: ``services`` or ``organisations``.

        Parameters
        ----------
        collection
            ``services`` or ``organisations``.

        Returns
        -------
        tuple of str
            In document order.

        Raises
        ------
        KeyError
            For any other collection.
        """
        if collection == "services":
            return tuple(s.id for s in self.services)
        if collection == "organisations":
            return tuple(o.id for o in self.organisations)
        return super().members(collection)

    def service(self, service_id: str) -> Service:
        """The service with this id.

        Parameters
        ----------
        service_id
            A service id of this network.

        Returns
        -------
        Service

        Raises
        ------
        KeyError
            Naming the id, when the network has no such service.
        """
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(f"no service {service_id!r} in network {self.id!r}")

    def required_level(
        self, service: Service, workforce: Workforce | None = None, scale: LevelScale | None = None
    ) -> str | None:
        """The level a service's staff need, or None where nothing says.

        Its own ``required_level``; else its role's in ``workforce``; else the network's
        ``level_for_support`` for the support it offers; else the ``scale``'s own (the NES scale
        gives one).

        Parameters
        ----------
        service
            A service of this network.
        workforce
            The network's workforce, for the level a service's ``role`` needs.
        scale
            The network's level scale, for its ``level_for_support``.

        Returns
        -------
        str or None
            A level id.
        """
        if service.required_level is not None:
            return service.required_level
        if workforce is not None and service.role is not None:
            for organisation in workforce.organisations:
                if organisation.id == service.organisation:
                    for role in organisation.roles:
                        if role.id == service.role and role.required_level is not None:
                            return role.required_level
        if service.support is None:
            return None
        if self.level_for_support is not None:
            level: str | None = getattr(self.level_for_support, service.support.value)
            return level
        if scale is not None and scale.level_for_support is not None:
            default: str | None = getattr(scale.level_for_support, service.support.value)
            return default
        return None
