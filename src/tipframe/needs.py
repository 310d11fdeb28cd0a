"""Training needs analysis: who lacks the practice level their role needs, which programmes close each gap, and
what closing it takes in hours and money.

A role's ``required_level`` says what its staff need; its ``levels_held`` counts them by the level
they hold, as a source reports (a count may be suppressed, 1 to 4, or bounded: at least, at most).
Staff below the required level need every level between theirs and it when the scale is
cumulative (a learning pathway: informed, then skilled, then enhanced), else the required level
only. For each level on the way, the programmes in scope that bring people to it (a programme's
``target_level``, or a ``serves`` entry for the role) are listed, and the first's contact hours,
cohorts, facilitator hours and cost (at the programme's own ``costs``) are worked out for the
people who need it. People whose level is not recorded are counted apart: each figure is a range,
from the people known to need it to those who might.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs

from tipframe.bundle import Bundle
from tipframe.io.documents import BUILTIN_PREFIX
from tipframe.model import LevelScale, Programme, Qualifier, Role, Workforce, cohort_cost
from tipframe.privacy import DEFAULT_THRESHOLD, count_text

__all__ = ["Need", "NeedsResult", "Step", "needs_rows", "training_needs"]


@attrs.frozen
class Step:
    """One level on the way to the required level: who needs it, the programmes that give it, and what it takes.

    Each figure is a (low, high) pair: the people known to need it, and those who might (their
    level is not recorded, or their count is suppressed or bounded). None where it cannot be
    worked out (no programme, or one without contact hours or prices).
    """

    level: str
    people: tuple[int, int]
    programmes: tuple[str, ...]  # ids of the programmes in scope that bring people to this level
    hours: float | None  # contact hours a person, of the first programme
    cohorts: tuple[int, int] | None
    facilitator_hours: tuple[float, float] | None
    participant_hours: tuple[float, float] | None
    cost: tuple[float, float] | None
    currency: str | None


@attrs.frozen
class Need:
    """One role in one organisation: its required level, who is below it, and the steps that close the gap."""

    organisation: str
    role: str
    required: str
    headcount: int
    below: tuple[int, int]  # people below the required level: known, and at most
    unrecorded: int  # people whose level is not recorded
    steps: tuple[Step, ...]


@attrs.frozen
class NeedsResult:
    """A workforce's training needs, role by role (`training_needs`)."""

    workforce: str
    scale: str
    needs: tuple[Need, ...]
    unassessed: tuple[tuple[str, str], ...]  # (organisation, role) with no required level

    def by_role(self) -> tuple[Need, ...]:
        """The needs summed over organisations, one a role (organisation ``*``), in the order roles first appear."""
        groups: dict[tuple[str, str], list[Need]] = {}
        for need in self.needs:
            groups.setdefault((need.role, need.required), []).append(need)
        return tuple(_summed(role, required, needs) for (role, required), needs in groups.items())

    def describe(self, threshold: int = DEFAULT_THRESHOLD, *, organisations: bool = False) -> str:
        """The needs as ``tipframe needs`` prints them, observed counts from 1 to ``threshold - 1`` suppressed.

        Parameters
        ----------
        threshold
            The disclosure-control threshold.
        organisations
            One block an organisation and role (default: one a role, summed over organisations).

        Returns
        -------
        str
        """
        shown = self.needs if organisations else self.by_role()
        count = len({n.organisation for n in self.needs})
        across = "" if organisations else f", summed over {count} organisation{'' if count == 1 else 's'}"
        lines = [f"Training needs: workforce {self.workforce}, levels from {self.scale}{across}", ""]
        for need in shown:
            below = _range(need.below, threshold)
            who = need.role if need.organisation == "*" else f"{need.organisation} / {need.role}"
            lines.append(
                f"{who}: needs {need.required}; {below} of "
                f"{count_text(need.headcount, threshold)} below it"
                + (f" ({count_text(need.unrecorded, threshold)} not recorded)" if need.unrecorded else "")
            )
            for step in need.steps:
                lines.append("  " + _step(step, threshold))
        totals = _totals(self.needs, threshold)
        if totals:
            lines += ["", "In all, by level:"]
            lines += [f"  {level}: {text}" for level, text in totals]
        if self.unassessed:
            roles = ", ".join(f"{o}/{r}" for o, r in self.unassessed)
            lines += ["", f"No required level, so not assessed: {roles}"]
        lines += [
            "",
            "People are ranges: from those known to be below a level to those who might be (level not recorded, or "
            "a count suppressed or bounded). Hours and costs follow the first programme listed for each level.",
        ]
        return "\n".join(lines) + "\n"


def _add(pairs: Sequence[tuple[Any, Any] | None]) -> Any:
    """The sum of (low, high) pairs, or None when any is None."""
    if any(pair is None for pair in pairs):
        return None
    return (sum(p[0] for p in pairs if p is not None), sum(p[1] for p in pairs if p is not None))


def _summed(role: str, required: str, needs: Sequence[Need]) -> Need:
    """One role's needs over organisations: counts and each level's people, hours and cost added up."""
    levels: dict[str, list[Step]] = {}
    for need in needs:
        for step in need.steps:
            levels.setdefault(step.level, []).append(step)
    steps = []
    for level, parts in levels.items():
        first = parts[0]
        same = all(p.programmes == first.programmes for p in parts)
        currency = first.currency if all(p.currency == first.currency for p in parts) else None
        steps.append(Step(level, _add([p.people for p in parts]),
                          first.programmes if same else tuple(dict.fromkeys(x for p in parts for x in p.programmes)),
                          first.hours if same else None, _add([p.cohorts for p in parts]),
                          _add([p.facilitator_hours for p in parts]), _add([p.participant_hours for p in parts]),
                          _add([p.cost for p in parts]) if currency else None, currency))  # fmt: skip
    return Need("*", role, required, sum(n.headcount for n in needs), _add([n.below for n in needs]),
                sum(n.unrecorded for n in needs), tuple(steps))  # fmt: skip


def _range(pair: tuple[int, int], threshold: int) -> str:
    low, high = pair
    return (
        count_text(low, threshold) if low == high else f"{count_text(low, threshold)} to {count_text(high, threshold)}"
    )


def _span(pair: tuple[float, float], money: str = "") -> str:
    low, high = pair
    return f"{money}{low:,.0f}" if low == high else f"{money}{low:,.0f} to {money}{high:,.0f}"


def _small(pair: tuple[int, int], threshold: int) -> bool:
    """Whether either bound is a count disclosure control hides (and so is all that follows from it)."""
    return any(0 < n < threshold for n in pair)


def _step(step: Step, threshold: int) -> str:
    people = _range(step.people, threshold)
    if not step.programmes:
        return f"to {step.level}: {people} people; no programme in scope brings people to {step.level}"
    text = f"to {step.level}: {people} people, by {', '.join(step.programmes)}"
    if _small(step.people, threshold):  # hours and costs are people times a constant: they would tell the count
        return (
            text
            + (f"; {step.hours:g} hours each" if step.hours is not None else "")
            + ("; hours and cost withheld with the count")
        )
    if step.hours is None or step.participant_hours is None:
        return text + f" (contact hours unknown for {step.programmes[0]})"
    text += f"; {step.hours:g} hours each, {_span(step.participant_hours)} participant hours"
    if step.cohorts is not None and step.facilitator_hours is not None:
        many = "cohort" if step.cohorts == (1, 1) else "cohorts"
        text += f", {_span(step.cohorts)} {many}, {_span(step.facilitator_hours)} facilitator hours"
    if step.cost is not None and step.currency is not None:
        text += f", {_span(step.cost, step.currency + ' ')}"
    return text


def _totals(needs: Sequence[Need], threshold: int) -> list[tuple[str, str]]:
    by_level: dict[str, list[Step]] = {}
    for need in needs:
        for step in need.steps:
            by_level.setdefault(step.level, []).append(step)
    out = []
    for level, steps in by_level.items():
        low, high = sum(s.people[0] for s in steps), sum(s.people[1] for s in steps)
        text = _range((low, high), threshold) + " people"
        hours = [s.participant_hours for s in steps if s.participant_hours is not None]
        if hours and not _small((low, high), threshold) and not any(_small(s.people, threshold) for s in steps):
            text += f"; {_span((sum(h[0] for h in hours), sum(h[1] for h in hours)))} participant hours"
            if len(hours) < len(steps):
                text += " where known"
        out.append((level, text))
    return out


def _bounds(role: Role) -> dict[str | None, tuple[int, int]]:
    """People at each level held (None: no level of the scale), as (low, high) from the counts' qualifiers."""
    out: dict[str | None, tuple[int, int]] = {}
    for entry in role.levels_held:
        if entry.qualifier is Qualifier.SUPPRESSED or entry.count is None:
            low, high = 1, 4
        elif entry.qualifier is Qualifier.AT_LEAST:
            low, high = entry.count, role.headcount
        elif entry.qualifier is Qualifier.AT_MOST:
            low, high = 0, entry.count
        else:
            low, high = entry.count, entry.count
        before = out.get(entry.level, (0, 0))
        out[entry.level] = (before[0] + low, before[1] + high)
    return out


def _below(
    bounds: dict[str | None, tuple[int, int]], rank: dict[str, int], level: int, unrecorded: int, headcount: int
) -> tuple[int, int]:
    """People below the level ranked ``level``: those counted below it, and at most those plus the unrecorded,
    but never more than the headcount less those counted at or above it."""
    below = [v for held, v in bounds.items() if held is None or rank.get(held, -1) < level]
    above = sum(v[0] for held, v in bounds.items() if held is not None and rank.get(held, -1) >= level)
    low = sum(v[0] for v in below)
    return low, max(low, min(sum(v[1] for v in below) + unrecorded, headcount - above))


def _programmes(programmes: Sequence[Programme], scale: LevelScale, level: str, role: str) -> list[Programme]:
    """Programmes on ``scale`` that bring people in ``role`` to ``level``: those that serve the role by name
    first, then those that serve the level for anyone, then those whose target level it is; each id once (a
    bundle's own programme before a built-in of the same id)."""
    found: dict[str, tuple[int, str, Programme]] = {}
    for programme in programmes:
        if programme.id in found or programme.levels is None:
            continue
        if programme.levels.removeprefix(BUILTIN_PREFIX) != scale.id:
            continue
        for served in programme.serves:
            if served.level == level and (not served.roles or role in served.roles):
                found[programme.id] = (0 if role in served.roles else 1, programme.id, programme)
                break
        else:
            if programme.target_level == level:
                found[programme.id] = (2, programme.id, programme)
    return [p for _, _, p in sorted(found.values(), key=lambda item: (item[0], item[1]))]


def _cost(programme: Programme, people: int) -> tuple[int | None, float | None, float | None, float | None]:
    """Cohorts, facilitator hours, participant hours and cost of taking ``people`` through ``programme``."""
    hours = programme.contact_hours()
    if hours is None:
        return None, None, None, None
    size = programme.group_size.max if programme.group_size is not None else None
    facilitators = programme.facilitation.facilitators if programme.facilitation is not None else 0
    cohorts = math.ceil(people / size) if size else None
    facilitator_hours = cohorts * facilitators * hours if cohorts is not None else None
    cost = None
    if programme.costs is not None:
        prices = programme.costs
        if size and cohorts is not None:
            full, rest = divmod(people, size)
            cost = 0.0
            for places, count in ((size, full), (rest, 1 if rest else 0)):
                one = cohort_cost(prices, programme, facilitators, places) if count else None
                cost += one.cost * count if one is not None else 0.0
        else:  # self-directed: each person's time and place
            cost = people * (hours * prices.participant_hour + prices.per_participant)
    return cohorts, facilitator_hours, people * hours, cost


def _steps(
    scale: LevelScale, rank: dict[str, int], bounds: dict[str | None, tuple[int, int]], role: Role, unrecorded: int,
    programmes: Sequence[Programme],
) -> tuple[Step, ...]:  # fmt: skip
    """The levels on the way to the role's required level (each one up to it on a cumulative scale); ``rank`` is
    each level's place on the scale."""
    required = rank[role.required_level or ""]
    wanted = (
        [level for level in scale.level_ids() if rank[level] <= required]
        if scale.cumulative
        else [role.required_level or ""]
    )
    steps = []
    for level in wanted:
        low, high = _below(bounds, rank, rank[level], unrecorded, role.headcount)
        if high == 0:
            continue
        found = _programmes(programmes, scale, level, role.id)
        cohorts = facilitator_hours = participant_hours = cost = None
        currency = None
        if found:
            first = found[0]
            low_cost, high_cost = _cost(first, low), _cost(first, high)
            if low_cost[2] is not None and high_cost[2] is not None:
                participant_hours = (low_cost[2], high_cost[2])
            if low_cost[0] is not None and high_cost[0] is not None:
                cohorts = (low_cost[0], high_cost[0])
            if low_cost[1] is not None and high_cost[1] is not None:
                facilitator_hours = (low_cost[1], high_cost[1])
            if low_cost[3] is not None and high_cost[3] is not None and first.costs is not None:
                cost, currency = (low_cost[3], high_cost[3]), first.costs.currency
        steps.append(Step(level, (low, high), tuple(p.id for p in found),
                          found[0].contact_hours() if found else None, cohorts, facilitator_hours,
                          participant_hours, cost, currency))  # fmt: skip
    return tuple(steps)


def training_needs(workforce: Workforce | str, bundle: Bundle | None = None) -> NeedsResult:
    """Per organisation and role, the people below the level their role needs, and what closing the gap takes.

    Parameters
    ----------
    workforce
        The workforce (its ``levels`` scale and its roles' ``required_level`` and ``levels_held``),
        or its reference in ``bundle``.
    bundle
        Where the scale and the programmes come from (built-ins are always in scope).

    Returns
    -------
    NeedsResult

    Raises
    ------
    KeyError
        When the workforce or its scale is not in scope.
    ValueError
        When the workforce names no level scale.
    """
    scope = bundle if bundle is not None else Bundle.of([])
    found = scope.get(workforce, Workforce) if isinstance(workforce, str) else workforce
    if found.levels is None:
        raise ValueError(f"workforce {found.id!r} names no level scale (levels): there is nothing to need")
    scale = scope.get(found.levels, LevelScale)
    programmes = scope.documents(Programme, include_builtins=True)
    rank = {level: i for i, level in enumerate(scale.level_ids())}
    needs, unassessed = [], []
    for organisation in found.organisations:
        for role in organisation.roles:
            if role.required_level is None or role.required_level not in rank:
                unassessed.append((organisation.id, role.id))
                continue
            bounds = _bounds(role)
            counted = sum(v[0] for v in bounds.values())
            unrecorded = max(0, role.headcount - counted)
            low, high = _below(bounds, rank, rank[role.required_level], unrecorded, role.headcount)
            steps = _steps(scale, rank, bounds, role, unrecorded, programmes)
            needs.append(Need(organisation.id, role.id, role.required_level, role.headcount, (low, high), unrecorded,
                              steps))  # fmt: skip
    return NeedsResult(found.id, scale.id, tuple(needs), tuple(unassessed))


def needs_rows(result: NeedsResult, threshold: int = DEFAULT_THRESHOLD) -> list[dict[str, Any]]:
    """A row per organisation, role and level on the way: for CSV and tables. A row whose people fall from 1 to
    ``threshold - 1`` has its people, hours and cost left empty and ``suppressed`` true.

    Parameters
    ----------
    result
        From `training_needs`.
    threshold
        The disclosure-control threshold (1 shows every count).

    Returns
    -------
    list of dict
    """
    rows = []
    for need in result.needs:
        for step in need.steps:
            hidden = _small(step.people, threshold)
            rows.append({
                "organisation": need.organisation, "role": need.role, "required": need.required,
                "headcount": need.headcount, "level": step.level, "people_low": step.people[0],
                "people_high": step.people[1], "programme": step.programmes[0] if step.programmes else None,
                "hours_each": step.hours,
                "participant_hours_low": step.participant_hours[0] if step.participant_hours else None,
                "participant_hours_high": step.participant_hours[1] if step.participant_hours else None,
                "cost_low": step.cost[0] if step.cost else None, "cost_high": step.cost[1] if step.cost else None,
                "currency": step.currency, "suppressed": hidden,
            })  # fmt: skip
            if hidden:  # the count, and what is proportional to it
                rows[-1] |= dict.fromkeys(("people_low", "people_high", "participant_hours_low",
                                           "participant_hours_high", "cost_low", "cost_high"))  # fmt: skip
    return rows
