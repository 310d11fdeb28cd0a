"""TIP7xx: referral networks. Where people who first present at a frontline service can fall through."""

from __future__ import annotations

from collections.abc import Iterator

from tipframe.checks.context import Context
from tipframe.checks.findings import Severity
from tipframe.checks.rule import Report, rule
from tipframe.model import LevelScale, ReferralNetwork, Support, Workforce

_CASES = "Case studies 000 (SVRU community) and 004 (Safe & Together clinics)"


def _service_index(network: ReferralNetwork) -> dict[str, int]:
    """Each service's position, looked up once a rule rather than searched for each finding."""
    return {s.id: i for i, s in enumerate(network.services)}


def _entry_index(network: ReferralNetwork) -> dict[str, int]:
    return {e: i for i, e in enumerate(network.entry_points)}


def _names(ids: tuple[str, ...]) -> str:
    return ", ".join(ids)


@rule(
    "TIP701",
    "no-route-to-specialist-support",
    summary="An entry point has no referral route to specialist trauma support.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        People affected by trauma first present where they already are: a foodbank, a
        community group, the police. A trauma-informed system gives each of those places a way
        on to specialist support for those who need it; an entry point with no route there
        leaves them to find it alone. Only active services and pathways between them count.
    """,
    citation=_CASES,
)
def no_route(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    from tipframe.network import reachability

    result = reachability(network)
    if not any(s.support is Support.SPECIALIST and s.active for s in network.services):
        yield Report(
            where=("services",),
            message="no active service offers specialist support, so no entry point can reach it",
            hint="add the specialist trauma service people are referred to, with support: specialist",
        )
        return
    entry_index = _entry_index(network)
    for entry in result.unreached:
        yield Report(
            where=("entry_points", entry_index[entry]),
            message=f"no referral route from entry point {entry!r} to specialist support",
            hint="add a pathway from it, or from a service it refers to, towards specialist support",
        )
    for entry in result.inactive_entries:
        yield Report(
            where=("entry_points", entry_index[entry]),
            message=f"entry point {entry!r} is not an active service",
        )


@rule(
    "TIP702",
    "single-point-of-failure",
    summary="One service or organisation is on every route from some entry points to specialist support.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        When every route from an entry point to specialist support passes through one service
        (or one organisation's services), its closure, a long wait or a lost relationship cuts
        those people off. A second route removes the risk. Found with dominators: a service is
        reported when it dominates specialist support in the graph reached from the entry point;
        the entry point itself and its own organisation are left out.
    """,
    citation=_CASES,
)
def single_point(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    from tipframe.network import single_points_of_failure

    points = single_points_of_failure(network)
    owner = {s.id: s.organisation for s in network.services}
    # An organisation whose one service on the way is already reported adds nothing.
    explained = {(owner[p.id], p.cuts_off) for p in points if p.kind == "service"}
    service_index = _service_index(network)
    organisation_index = {o.id: i for i, o in enumerate(network.organisations)}
    for point in points:
        if point.kind == "organisation" and (point.id, point.cuts_off) in explained:
            continue
        if point.kind == "service":
            where: tuple[str | int, ...] = ("services", service_index[point.id])
        else:
            where = ("organisations", organisation_index[point.id])
        yield Report(
            where=where,
            message=f"every route to specialist support from {_names(point.cuts_off)} passes through "
            f"{point.kind} {point.id!r}",
            hint="add a pathway that goes around it",
        )


@rule(
    "TIP703",
    "dead-end",
    summary="A service short of specialist support refers nowhere.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        People who reach a universal or targeted service may need more than it offers; a service
        with no onward pathway is where they stop. Specialist services are left out: they are
        where routes are meant to end.
    """,
    citation=_CASES,
)
def dead_end(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    from tipframe.network import dead_ends

    service_index = _service_index(network)
    for end in dead_ends(network):
        reached = f" (reached from {_names(end.reached_from)})" if end.reached_from else ""
        yield Report(
            where=("services", service_index[end.service]),
            message=f"{end.support.value if end.support else 'unclassified'} service {end.service!r} has no onward "
            f"pathway{reached}",
            hint="add a pathway to the support its users may need next",
        )


@rule(
    "TIP704",
    "over-capacity",
    summary="A service is expected to receive more referrals than it can take.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        A service referred more people each period than its capacity builds a waiting list, and
        waiting is where people affected by trauma disengage. Compares the sum of the volumes of
        pathways into a service with its capacity, per the network's period. When no one service
        is over its capacity but the services' capacities still cannot carry every referral to
        specialist support (a maximum flow), that is reported once for the network; a shortfall
        at a service is reported there only, not again for the network.
    """,
    citation=_CASES,
)
def over_capacity(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    from tipframe.network import capacity

    report = capacity(network)
    service_index = _service_index(network)
    for load in report.over_capacity:
        yield Report(
            where=("services", service_index[load.service], "capacity"),
            message=f"{load.referrals:g} referrals expected each {network.period} against a capacity of "
            f"{load.capacity:g} (short by {load.shortfall:g})",
            hint="raise its capacity or share its referrals with another service",
        )
    if report.deliverable < report.demand and not report.over_capacity:  # one finding a shortfall
        yield Report(
            where=("pathways",),
            message=f"only {report.deliverable:g} of the {report.demand:g} referrals expected each {network.period} "
            "can reach specialist support within the services' capacities",
        )


@rule(
    "TIP705",
    "workforce-below-level",
    summary="Staff of a service on a route to specialist support lack the practice level the service needs.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        The NES knowledge and skills framework sets the level staff need by their contact with
        people affected by trauma: skilled for regular contact, enhanced for a specific remit,
        specialist for specialist interventions. A service on a route to specialist support
        whose staff hold less (or whose level nobody has recorded, reported as information) may
        not recognise or respond to trauma well enough to refer on.
    """,
    citation="NHS Education for Scotland (2017), Transforming Psychological Trauma",
)
def workforce_below_level(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    from tipframe.network import workforce_gaps

    scale = context.resolve(network.levels, LevelScale)
    if scale is None:
        return
    service_index = _service_index(network)
    for gap in workforce_gaps(network, scale, context.resolve(network.workforce, Workforce)):
        index = service_index[gap.service]
        if gap.held is None:
            yield Report(
                where=("services", index),
                message=f"service {gap.service!r} needs staff at {gap.required} but does not say what level they hold",
                hint="record staff_level",
                severity=Severity.INFO,
            )
        else:
            yield Report(
                where=("services", index, "staff_level"),
                message=f"staff of {gap.service!r} hold {gap.held}, below the {gap.required} level it needs",
                hint="train its staff, or plan the route so people reach a service whose staff hold it",
            )


@rule(
    "TIP706",
    "pathway-to-closed-service",
    summary="A pathway refers people to, or from, a service that is not active.",
    severity=Severity.WARNING,
    kinds=[ReferralNetwork],
    rationale="""
        A directory goes out of date: a pathway to a service that is inactive, closed or defunct
        sends people nowhere. Such pathways carry no referrals in the other analyses.
    """,
    citation="Open Referral Human Services Data Specification 3.0 (service status)",
)
def pathway_to_closed(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    status = {s.id: s.status for s in network.services}
    for index, pathway in enumerate(network.pathways):
        for name in ("to_service", "from_service"):
            service = getattr(pathway, name)
            if service in status and status[service].value != "active":
                yield Report(
                    where=("pathways", index, name),
                    message=f"service {service!r} is {status[service].value}",
                    hint="point the pathway at a service that is running, or remove it",
                )


@rule(
    "TIP707",
    "support-level-not-set",
    summary="A service does not say what level of support it offers.",
    severity=Severity.INFO,
    kinds=[ReferralNetwork],
    rationale="""
        Routes to specialist support, dead ends and the staff level a service needs all depend on
        whether it offers universal, targeted or specialist support. A directory imported from
        Open Referral does not say; until someone sets it, the service counts as short of
        specialist support and needs no particular staff level.
    """,
    citation=_CASES,
)
def support_not_set(network: ReferralNetwork, context: Context) -> Iterator[Report]:
    for index, service in enumerate(network.services):
        if service.support is None:
            yield Report(
                where=("services", index),
                message=f"service {service.id!r} does not say whether it offers universal, targeted or specialist "
                "support",
                hint="set support",
            )
