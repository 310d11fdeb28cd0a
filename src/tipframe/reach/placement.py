"""Where the first trainers should come from: greedy placement of seed-trainer teams over organisations.

A cascade with co-facilitation is not submodular (a lone seed in a plan with two facilitators to
a cohort trains nobody), so seeds are placed a whole facilitator team at a time: each step tries
one more team in every candidate organisation and keeps the one that helps most. Then a local
search starts from the best of the greedy placement and the baselines and moves one team at a
time to another organisation while that helps. No guarantee is claimed; the result sets the
placement beside the baselines run on the same replicates (common random numbers), with each
pick's marginal gain and each baseline's margin, both with standard errors from paired replicates.

Two objectives: the mean share reached (or trained) by a period, or, given a ``share``, the mean
number of periods until that share is reached, a replicate that never reaches it counting as the
horizon plus one (so that mean is a lower bound where some replicates fall short, and says so).
"""

from __future__ import annotations

import concurrent.futures
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

__all__ = ["Baseline", "Pick", "PlacementResult", "place_seeds"]


@attrs.frozen
class Pick:
    """One team placed: where, the objective's mean after it, and its marginal gain with the gain's s.e.

    For the share objective ``value`` and ``gain`` are shares (0 to 1); for the time objective they are
    periods, and a gain is the periods saved.
    """

    organisation: str
    value: float
    gain: float
    gain_se: float


@attrs.frozen
class Baseline:
    """A simple placement on the same replicates: its mean, and the chosen placement's margin over it.

    A margin is positive when the chosen placement is better (more reached, or sooner), with its s.e.
    from paired replicates.
    """

    name: str
    organisations: tuple[str, ...]
    value: float
    value_se: float
    margin: float
    margin_se: float


@attrs.frozen
class PlacementResult:
    """Greedy placement of seed-trainer teams, improved by local search, and baselines on the same replicates."""

    measure: str
    period: int
    share: float | None  # the time objective's share; None for the share-by-period objective
    team_size: int
    replicates: int
    eligible: int  # eligible staff: a share times this is people
    picks: tuple[Pick, ...]  # the greedy steps
    organisations: tuple[str, ...]  # the final placement, a team each
    start: str  # "greedy" or the baseline the local search started from
    moves: int  # teams the local search moved
    value: float  # the final placement's mean
    value_se: float
    baselines: tuple[Baseline, ...]
    unreached: float = 0.0  # time objective: the final placement's share of replicates that never reach ``share``

    @property
    def placement(self) -> dict[str, int]:
        """Seed trainers by organisation."""
        counts: dict[str, int] = {}
        for organisation in self.organisations:
            counts[organisation] = counts.get(organisation, 0) + self.team_size
        return counts

    def _value(self, value: float) -> str:
        if self.share is not None:
            return f"{value:.1f} periods"
        return f"{100 * value:.3g}% ({value * self.eligible:,.0f} people)"

    def _change(self, value: float, error: float) -> str:
        """A gain or margin (better is positive) with its s.e."""
        if self.share is not None:
            return f"{value:+.2f} periods (s.e. {error:.2f})"
        return f"{100 * value:+.3g} points, {value * self.eligible:+,.0f} people (s.e. {100 * error:.2g} points)"

    def _se(self, error: float) -> str:
        return f"{error:.2f} periods" if self.share is not None else f"{100 * error:.2g} points"

    def describe(self) -> str:
        """The placement, each pick's gain, the local search, and the baselines, as ``tipframe place`` prints them."""
        teams = f"{len(self.picks)} team(s) of {self.team_size}"
        done = "reached" if self.measure == "reach" else "trained"
        goal = (
            f"minimise the mean periods until {self.share:.0%} of {self.eligible:,} eligible staff are {done}"
            if self.share is not None
            else f"maximise the mean share of {self.eligible:,} eligible staff {done} by period {self.period}"
        )
        lines = [
            f"Placing {teams} to {goal} ({self.replicates:,} replicates, the same for every placement; greedy, "
            "team by team, then local search; no optimality guarantee):",
        ]
        for step, pick in enumerate(self.picks, start=1):
            gain = self._change(pick.gain, pick.gain_se)
            lines.append(f"  {step}. {pick.organisation}: {self._value(pick.value)}; gain {gain}")
        search = "no team moved" if not self.moves else f"{self.moves} team(s) moved"
        start = "the greedy placement" if self.start == "greedy" else f"the baseline '{self.start}'"
        lines += [
            "",
            f"Local search from {start}: {search}.",
            f"Placement: {self._value(self.value)}, s.e. {self._se(self.value_se)}: {', '.join(self.organisations)}",
        ]
        if self.share is not None and self.unreached:
            lines.append(
                f"  ({self.unreached:.0%} of replicates never reach {self.share:.0%}; each counts as the horizon "
                f"plus one, so the mean is a lower bound)"
            )
        lines.append("Against baselines on the same replicates (margin: how much better the placement is):")
        for base in self.baselines:
            lines.append(
                f"  {base.name}: {self._value(base.value)}; margin {self._change(base.margin, base.margin_se)}: "
                f"{', '.join(base.organisations)}"
            )
        return "\n".join(lines) + "\n"


def _series(plan: CascadePlan, documents: tuple[Any, ...], how: dict[str, Any], measure: str) -> FloatArray:
    from tipframe.reach.run import simulate_reach

    workforce, programme = documents
    series: FloatArray = reach_series(simulate_reach(plan, workforce, programme, **how), measure)
    return series


def _shares(
    plan: CascadePlan, documents: tuple[Any, ...], how: dict[str, Any], period: int, measure: str
) -> FloatArray:
    """Each replicate's share reached (or trained) by ``period``."""
    shares: FloatArray = _series(plan, documents, how, measure)[:, period]
    return shares


def periods_to(series: FloatArray, share: float) -> FloatArray:
    """Each replicate's first period with at least ``share`` (the horizon plus one when never).

    Parameters
    ----------
    series
        Replicates x periods of shares.
    share
        The share to reach.

    Returns
    -------
    numpy.ndarray
        Periods, as floats.
    """
    met = series >= share - 1e-12
    first: FloatArray = np.argmax(met, axis=1).astype(np.float64)
    first[~met.any(axis=1)] = series.shape[1]  # periods 0..horizon: never counts as horizon + 1
    return first


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


def _rank(values: FloatArray) -> tuple[float, float]:
    """A placement's objective and tie-break, each a mean over replicates, rounded so that sums in another order
    do not tell equal placements apart."""
    return round(float(values[0].mean()), 12), round(float(values[1].mean()), 12)


@attrs.frozen
class _Search:
    """What the search judges a placement by: ``score`` gives two rows, replicates wide: the objective (higher is
    better: a share, or minus the periods) and what breaks its ties (for the time objective, the share reached
    by the horizon: where no placement gets there, the one that comes closest)."""

    score: Callable[[Sequence[str]], FloatArray | None]
    pool: Sequence[str]

    def greedy(self, teams: int, progress: Callable[[int], None]) -> tuple[list[str], list[tuple[str, FloatArray]]]:
        chosen: list[str] = []
        steps: list[tuple[str, FloatArray]] = []
        for step in range(teams):
            tried = [(o, values) for o in self.pool if (values := self.score([*chosen, o])) is not None]
            if not tried:
                raise ValueError(f"no organisation has staff for team {step + 1}: the candidates are full")
            organisation, after = max(tried, key=lambda item: _rank(item[1]))  # ties: the first in order
            chosen.append(organisation)
            steps.append((organisation, after))
            progress(len(self.pool))
        return chosen, steps

    def improve(self, where: list[str], values: FloatArray, progress: Callable[[int], None]) -> tuple[int, FloatArray]:
        """Move one team at a time to the organisation that helps most, while one does (at most 2 rounds)."""
        moves = 0
        for _ in range(2):
            moved = False
            for index in range(len(where)):
                best, best_values = where[index], values
                for organisation in self.pool:
                    if organisation == where[index]:
                        continue
                    tried = self.score([*where[:index], organisation, *where[index + 1 :]])
                    if tried is not None and _rank(tried) > _rank(best_values):
                        best, best_values = organisation, tried
                progress(len(self.pool) - 1)
                if best != where[index]:
                    where[index], values, moved, moves = best, best_values, True, moves + 1
            if not moved:
                break
        return moves, values


# long: the arguments are the search's settings, each checked and passed on in one place
def place_seeds(
    plan: CascadePlan | str,
    seeds: int,
    *,
    measure: str = "reach",
    period: int | None = None,
    share: float | None = None,
    candidates: Sequence[str] | None = None,
    bundle: Bundle | None = None,
    workforce: Workforce | None = None,
    programme: Programme | None = None,
    replicates: int = 200,
    seed: int = 0,
    executor: concurrent.futures.Executor | None = None,
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
        The share is counted at this period (default: the horizon); not with ``share``.
    share
        Minimise the mean periods until this share (0 to 1) is reached instead.
    candidates
        Organisations that may host seeds (default: every one with eligible staff).
    bundle, workforce, programme
        Where the plan's documents come from (as `tipframe.calibrate` resolves them).
    replicates
        Replicates per placement tried, the same for every placement.
    seed
        Replicate i draws from ``SeedSequence(seed, spawn_key=(i,))``.
    executor
        Where each placement's replicates run (`simulate_reach`'s executor: local processes, Dask...).
    progress
        Called with (placements tried, placements to try at most) as the search goes.
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
    if share is not None and (period is not None or not 0 < share <= 1):
        raise ValueError(f"share ({share}) must be above 0 and at most 1, and is not given with a period")
    at = resolved.horizon if period is None else period
    if not 0 <= at <= resolved.horizon:
        raise ValueError(f"period {at} is outside the plan's horizon ({resolved.horizon})")
    eligible = workforce.eligible(resolved.eligible_roles, resolved.eligible_levels)
    pool = list(candidates) if candidates is not None else [o for o in workforce.organisation_ids() if eligible[o] > 0]
    unknown = [o for o in pool if o not in eligible]
    if unknown or not pool:
        raise KeyError(f"no organisation {unknown[0]!r} in workforce {workforce.id!r}" if unknown else "no candidates")
    teams = seeds // size
    most = 3 * teams * len(pool) + 3  # greedy, two rounds of local search, the baselines
    check_search(resolved, workforce, programme, replicates, most, memory_limit)
    how = {"replicates": replicates, "seed": seed, "executor": executor}

    def score(where: Sequence[str]) -> FloatArray | None:
        from tipframe.reach.scenario import PlanError

        try:  # a placement with more seed trainers than an organisation's staff cannot run
            series = _series(_placed(resolved, where, size), (workforce, programme), how, measure)
        except PlanError:
            return None
        if share is None:
            return np.stack([series[:, at], np.zeros(series.shape[0])])
        return np.stack([-periods_to(series, share), series[:, -1]])

    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(min(done[0], most), most)

    search = _Search(score, pool)
    chosen, steps = search.greedy(teams, tick)
    found = [(name, where, search.score(where)) for name, where in _baselines(resolved, workforce, pool, teams, seed)]
    runnable = [(name, where, values) for name, where, values in found if values is not None]
    start, where, both = max([("greedy", tuple(chosen), steps[-1][1]), *runnable], key=lambda c: _rank(c[2]))
    final = list(where)
    moves, both = search.improve(final, both, tick)
    values = both[0]
    if progress is not None:
        progress(most, most)
    sign = -1.0 if share is not None else 1.0
    picks, before = [], np.zeros(replicates) if share is None else np.full(replicates, -float(resolved.horizon + 1))
    for organisation, pair in steps:
        after = pair[0]
        gain = after - before
        picks.append(Pick(organisation, sign * float(after.mean()), float(gain.mean()), standard_error(gain)))
        before = after
    baselines = tuple(
        Baseline(name, tuple(w), sign * float(v[0].mean()), standard_error(v[0]), float((values - v[0]).mean()),
                 standard_error(values - v[0]))
        for name, w, v in runnable
    )  # fmt: skip
    unreached = float(np.mean(-values > resolved.horizon)) if share is not None else 0.0
    total = int(sum(eligible.values()))
    return PlacementResult(measure, at, share, size, replicates, total, tuple(picks), tuple(final), start, moves,
                           sign * float(values.mean()), standard_error(values), baselines, unreached)  # fmt: skip
