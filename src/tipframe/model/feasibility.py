"""What makes a plan impossible to run on its workforce: one function a kind of plan, one wording.

The bundle layer (``tipframe validate``), the practice rules (``tipframe check``) and the
engines (`simulate_reach`, `project_reach`, `simulate_recurring`) all call
`plan_infeasibilities` or `recurring_infeasibilities`, so a plan that cannot run is described in
the same words wherever it is found.
"""

from __future__ import annotations

from typing import Final

import attrs

from tipframe.model.cascade import CascadePlan
from tipframe.model.fields import Path
from tipframe.model.programme import Programme
from tipframe.model.recurring import RecurringPlan, meeting_capacity, meetings_per_period
from tipframe.model.workforce import Workforce

#: why a plan cannot run; the bundle reports the first three as invalid documents, the rules
#: report the next two, and the engines refuse every one
SEEDS_EXCEED_STAFF: Final = "seeds-exceed-eligible-staff"
COHORT_BELOW_MINIMUM: Final = "cohort-below-minimum-group"
NO_COHORT_CAN_START: Final = "no-cohort-can-start"
NO_LENGTH: Final = "programme-has-no-length"
UNKNOWN_ORGANISATION: Final = "unknown-organisation"
OTHER_DOCUMENT: Final = "other-document"
#: why a recurring plan cannot run
NO_CAPACITY: Final = "meeting-has-no-capacity"
NO_CADENCE: Final = "no-cadence"
AWARE_EXCEED_STAFF: Final = "aware-exceed-eligible-staff"
NO_NETWORK: Final = "no-staff-network"

#: the reasons that make a plan an invalid document (found by ``tipframe validate``)
INVALID_PLAN: Final = frozenset(
    {SEEDS_EXCEED_STAFF, COHORT_BELOW_MINIMUM, NO_COHORT_CAN_START, AWARE_EXCEED_STAFF, NO_NETWORK}
)


@attrs.frozen
class Infeasibility:
    """One reason a plan cannot run: which, where in the plan, and the message people read."""

    reason: str
    where: Path
    message: str


def minimum_group(programme: Programme) -> int:
    """The fewest participants a cohort of ``programme`` may start with.

    Parameters
    ----------
    programme
        The programme delivered.

    Returns
    -------
    int
        Its smallest group size, at least 1 (1 when it gives none).
    """
    smallest = programme.group_size.min if programme.group_size is not None else None
    return max(1, smallest or 1)


def _other_documents(
    plan: CascadePlan | RecurringPlan, workforce: Workforce, programme: Programme
) -> list[Infeasibility]:
    found = []
    for field_name, given in (("workforce", workforce), ("programme", programme)):
        named: str = getattr(plan, field_name)
        if named.removeprefix("builtin:") != given.id:
            message = f"the plan names {field_name} {named!r}, but {given.id!r} was given"
            found.append(Infeasibility(OTHER_DOCUMENT, (field_name,), message))
    return found


def recurring_infeasibilities(
    plan: RecurringPlan, workforce: Workforce, programme: Programme
) -> tuple[Infeasibility, ...]:
    """Every reason a recurring ``plan`` cannot run over ``workforce`` with ``programme``.

    Parameters
    ----------
    plan, workforce, programme
        The plan and the documents it names.

    Returns
    -------
    tuple of Infeasibility
        Empty when the plan can run: its meetings have a capacity and a cadence, and every site
        is in the workforce with no more aware practitioners than eligible staff.
    """
    found = _other_documents(plan, workforce, programme)
    if meeting_capacity(programme, plan) is None:
        message = (
            f"programme {programme.id!r} gives neither cases_per_session nor group_size with a maximum, and the plan "
            "no capacity, so a meeting has no capacity"
        )
        found.append(Infeasibility(NO_CAPACITY, ("programme",), message))
    if meetings_per_period(plan, programme) is None:
        message = f"the plan gives no cadence, and programme {programme.id!r} has none in its schedule"
        found.append(Infeasibility(NO_CADENCE, ("cadence",), message))
    eligible = workforce.eligible(plan.eligible_roles)
    network = workforce.staff_network
    if plan.word_of_mouth_per_tie is not None:
        if network is None:
            message = f"word_of_mouth_per_tie needs a staff network, and workforce {workforce.id!r} has none"
            found.append(Infeasibility(NO_NETWORK, ("word_of_mouth_per_tie",), message))
        elif network.file is None:  # a site's practitioners are then its people in the network
            eligible = {o: network.people.count(o) for o in eligible}
    for index, site in enumerate(plan.sites):
        if site.organisation not in eligible:
            message = f"a site in {site.organisation!r}, which is not in workforce {workforce.id!r}"
            found.append(Infeasibility(UNKNOWN_ORGANISATION, ("sites", index, "organisation"), message))
        elif site.aware > eligible[site.organisation]:
            staff = "people in the staff network" if plan.word_of_mouth_per_tie is not None else "eligible staff"
            message = (
                f"{site.aware} practitioners aware, but {site.organisation!r} has {eligible[site.organisation]} {staff}"
            )
            found.append(Infeasibility(AWARE_EXCEED_STAFF, ("sites", index, "aware"), message))
    return tuple(found)


def plan_infeasibilities(plan: CascadePlan, workforce: Workforce, programme: Programme) -> tuple[Infeasibility, ...]:
    """Every reason ``plan`` cannot run over ``workforce`` delivering ``programme``.

    Parameters
    ----------
    plan, workforce, programme
        The plan and the documents it names.

    Returns
    -------
    tuple of Infeasibility
        Empty when the plan can run; otherwise each reason with the path of the field at fault.
    """
    found = _other_documents(plan, workforce, programme)
    schedule = programme.schedule
    if schedule is None or schedule.length() is None:
        message = (
            f"programme {programme.id!r} gives no length: no session count and cadence, so a cohort's length "
            "cannot be known"
        )
        found.append(Infeasibility(NO_LENGTH, ("programme",), message))
    eligible = workforce.eligible(plan.eligible_roles, plan.eligible_levels)
    totals: dict[str, int] = {}
    for seeds in plan.seed_trainers:
        totals[seeds.organisation] = totals.get(seeds.organisation, 0) + seeds.trainers
    last = {seeds.organisation: index for index, seeds in enumerate(plan.seed_trainers)}
    for index, seeds in enumerate(plan.seed_trainers):
        organisation = seeds.organisation
        if organisation not in eligible:
            message = f"seed trainers in {organisation!r}, which is not in workforce {workforce.id!r}"
            found.append(Infeasibility(UNKNOWN_ORGANISATION, ("seed_trainers", index, "organisation"), message))
        elif plan.seeds_are_staff and last[organisation] == index and totals[organisation] > eligible[organisation]:
            # Several entries may name one organisation: their sum is judged, at the last of them.
            message = (
                f"{totals[organisation]} seed trainers in {organisation!r}, which has only {eligible[organisation]} "
                "eligible staff (set seeds_are_staff: false if the seeds come from outside it)"
            )
            found.append(Infeasibility(SEEDS_EXCEED_STAFF, ("seed_trainers", index, "trainers"), message))
    smallest = minimum_group(programme)
    for index, tier in enumerate(plan.tiers):
        if tier.cohort_size < smallest:
            message = f"cohorts of {tier.cohort_size} are below {programme.id!r}'s minimum group size of {smallest}"
            found.append(Infeasibility(COHORT_BELOW_MINIMUM, ("tiers", index, "cohort_size"), message))
    partners = workforce.partners()
    reachable = max((eligible[o] + sum(eligible[p] for p in partners[o]) for o in eligible), default=0)
    if reachable < smallest:
        message = (
            f"no cohort could ever start: {programme.id!r} needs at least {smallest} participants, and no "
            f"organisation has that many eligible staff even with its partners (at most {reachable})"
        )
        found.append(Infeasibility(NO_COHORT_CAN_START, ("programme",), message))
    return tuple(found)
