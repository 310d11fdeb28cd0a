"""Where the first trainers should come from: greedy placement of seed-trainer teams over organisations.

A cascade with co-facilitation is not submodular (a lone seed in a plan with two facilitators to
a cohort trains nobody), so seeds are placed a whole facilitator team at a time: each step tries
one more team in every candidate organisation and keeps the one that raises expected reach most.
No guarantee is claimed; the result sets the placement beside simple baselines run on the same
replicates (common random numbers), with each pick's marginal gain and its standard error from
paired replicates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.bundle import Bundle
from tipframe.model import CascadePlan, Programme, SeedTrainers, Workforce
from tipframe.reach.calibrate import resolve_plan
from tipframe.reach.measures import reach_series
from tipframe.reach.scenario import FloatArray
from tipframe.reach.stats import standard_error
from tipframe.reach.targets import check_search

__all__ = ["Pick", "PlacementResult", "place_seeds"]


@attrs.frozen
class Pick:
    """One team placed: where, the expected share after it, and its marginal gain with the gain's s.e."""

    organisation: str
    value: float  # mean share reached (or trained) by the period, with this team added
    gain: float  # over the placement before it, from paired replicates
    gain_se: float


@attrs.frozen
class PlacementResult:
    """Greedy placement of seed-trainer teams, and baselines on the same replicates."""

    measure: str
    period: int
    team_size: int
    replicates: int
    picks: tuple[Pick, ...]
    value: float  # mean share of the greedy placement
    value_se: float
    baselines: tuple[tuple[str, tuple[str, ...], float, float], ...]  # name, teams' organisations, mean, s.e.

    @property
    def placement(self) -> dict[str, int]:
        """Seed trainers by organisation."""
        counts: dict[str, int] = {}
        for pick in self.picks:
            counts[pick.organisation] = counts.get(pick.organisation, 0) + self.team_size
        return counts

    def describe(self) -> str:
        """The placement, each pick's gain, and the baselines, as ``tipframe place`` prints them."""
        teams = f"{len(self.picks)} team(s) of {self.team_size}"
        lines = [
            f"Placing {teams} to maximise mean {self.measure} by period {self.period} ({self.replicates:,} "
            "replicates, the same for every placement; greedy, team by team, no optimality guarantee):",
        ]
        for step, pick in enumerate(self.picks, start=1):
            lines.append(
                f"  {step}. {pick.organisation}: {pick.value:.1%} (gain {100 * pick.gain:+.1f} points, s.e. "
                f"{100 * pick.gain_se:.1f})"
            )
        lines += ["", f"Greedy placement: {self.value:.1%} (s.e. {100 * self.value_se:.1f} points)"]
        for name, where, mean, se in self.baselines:
            lines.append(f"  baseline, {name}: {mean:.1%} (s.e. {100 * se:.1f} points): {', '.join(where)}")
        return "\n".join(lines) + "\n"


def _shares(
    plan: CascadePlan, documents: tuple[Any, ...], how: dict[str, Any], period: int, measure: str
) -> FloatArray:
    from tipframe.reach.run import simulate_reach

    workforce, programme = documents
    shares: FloatArray = reach_series(simulate_reach(plan, workforce, programme, **how), measure)[:, period]
    return shares


def _placed(plan: CascadePlan, teams: Sequence[str], size: int) -> CascadePlan:
    counts: dict[str, int] = {}
    for organisation in teams:
        counts[organisation] = counts.get(organisation, 0) + size
    seeds = tuple(SeedTrainers(organisation=o, trainers=n) for o, n in counts.items())
    return attrs.evolve(plan, seed_trainers=seeds)


def _baselines(
    plan: CascadePlan, workforce: Workforce, candidates: Sequence[str], teams: int, seed: int
) -> list[tuple[str, tuple[str, ...]]]:
    """Largest organisations first (by eligible staff), one per organisation in the workforce's order, and random
    (from ``SeedSequence(seed, spawn_key=(2**32 - 1,))``, apart from every replicate's stream)."""
    eligible = workforce.eligible(plan.eligible_roles, plan.eligible_levels)
    largest = sorted(candidates, key=lambda o: (-eligible.get(o, 0), candidates.index(o)))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,)))
    return [
        ("largest organisations first", tuple(largest[i % len(largest)] for i in range(teams))),
        ("one per organisation, in order", tuple(candidates[i % len(candidates)] for i in range(teams))),
        ("random", tuple(candidates[int(i)] for i in rng.integers(0, len(candidates), teams))),
    ]


# long: the arguments are the search's settings, each checked and passed on in one place
def place_seeds(
    plan: CascadePlan | str,
    seeds: int,
    *,
    measure: str = "reach",
    period: int | None = None,
    candidates: Sequence[str] | None = None,
    bundle: Bundle | None = None,
    workforce: Workforce | None = None,
    programme: Programme | None = None,
    replicates: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
) -> PlacementResult:
    """Which organisations the plan's first trainers should come from, placed a facilitator team at a time.

    Parameters
    ----------
    plan
        A cascade plan (its own seed trainers are replaced), or its reference in ``bundle``.
    seeds
        Seed trainers in all: a whole number of teams of the first tier's facilitators.
    measure
        ``reach`` (started the programme) or ``trained`` (completed it).
    period
        The share is counted at this period (default: the horizon).
    candidates
        Organisations that may host seeds (default: every one with eligible staff).
    bundle, workforce, programme
        Where the plan's documents come from (as `tipframe.calibrate` resolves them).
    replicates
        Replicates per placement tried, the same for every placement.
    seed
        Replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``.
    progress
        Called with (placements tried, placements to try) after each.
    memory_limit
        Bytes one placement's run may add; refused before it starts as `plan_for_target` refuses.

    Returns
    -------
    PlacementResult

    Raises
    ------
    ValueError
        When ``seeds`` is not a whole number of teams, or a setting is out of range.
    KeyError
        When a candidate is not an organisation of the workforce, or a document is not in scope.
    """
    resolved, workforce, programme = resolve_plan(plan, bundle=bundle, workforce=workforce, programme=programme)
    if not isinstance(resolved, CascadePlan):
        raise ValueError(f"plan {resolved.id!r} is not a cascade plan: seeds are placed in cascades")
    size = resolved.tiers[0].facilitators
    if seeds < size or seeds % size:
        raise ValueError(f"seeds ({seeds}) must be a whole number of teams of {size} (the first tier's facilitators)")
    if measure not in ("reach", "trained"):
        raise ValueError(f"measure is reach or trained, not {measure!r}")
    at = resolved.horizon if period is None else period
    if not 0 <= at <= resolved.horizon:
        raise ValueError(f"period {at} is outside the plan's horizon ({resolved.horizon})")
    eligible = workforce.eligible(resolved.eligible_roles, resolved.eligible_levels)
    pool = list(candidates) if candidates is not None else [o for o in workforce.organisation_ids() if eligible[o] > 0]
    unknown = [o for o in pool if o not in eligible]
    if unknown or not pool:
        raise KeyError(f"no organisation {unknown[0]!r} in workforce {workforce.id!r}" if unknown else "no candidates")
    teams = seeds // size
    check_search(resolved, workforce, programme, replicates, teams * len(pool) + 3, memory_limit)
    how = {"replicates": replicates, "seed": seed}

    def shares(where: Sequence[str]) -> FloatArray:
        return _shares(_placed(resolved, where, size), (workforce, programme), how, at, measure)

    picks: list[Pick] = []
    chosen: list[str] = []
    before = np.zeros(replicates)
    total = teams * len(pool) + 3
    for step in range(teams):
        tried = [(o, values) for o in pool if (values := _feasible(shares, [*chosen, o])) is not None]
        if not tried:
            raise ValueError(f"no organisation has staff for team {step + 1}: the candidates are full")
        organisation, after = max(tried, key=lambda item: float(item[1].mean()))  # ties: the first in order
        gain = after - before
        picks.append(Pick(organisation, float(after.mean()), float(gain.mean()), standard_error(gain)))
        chosen.append(organisation)
        before = after
        if progress is not None:
            progress((step + 1) * len(pool), total)
    baselines = []
    for name, where in _baselines(resolved, workforce, pool, teams, seed):
        values = _feasible(shares, where)
        if values is not None:  # a baseline that puts more seeds in an organisation than it has staff is left out
            baselines.append((name, where, float(values.mean()), standard_error(values)))
    if progress is not None:
        progress(total, total)
    spread = standard_error(before)
    return PlacementResult(measure, at, size, replicates, tuple(picks), float(before.mean()), spread, tuple(baselines))


def _feasible(shares: Callable[[Sequence[str]], FloatArray], where: Sequence[str]) -> FloatArray | None:
    """The shares of a placement, or None when it cannot run (more seed trainers than an organisation's staff)."""
    from tipframe.reach.scenario import PlanError

    try:
        return shares(where)
    except PlanError:
        return None
