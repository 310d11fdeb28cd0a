"""What it takes to hit a target: the cheapest setting of a plan's levers that reaches a share of staff by a date
with a required probability.

Every candidate runs the same replicates (replicate i from ``SeedSequence(seed, spawn_key=(i,))``:
common random numbers), so candidates differ by their settings, not their luck. The probability
the target is met is the share of replicates that meet it, judged by its exact (Clopper-Pearson)
lower 95% bound. Levers are tried value by value, except a seed-trainer lever of more than
`EXHAUSTIVE` values, searched by bisection: that assumes more seed trainers never meet the target
less often, which co-facilitation can break (a spread that leaves one trainer of a pair alone in
an organisation adds nobody who can teach), so short lists are tried in full.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.bundle import Bundle
from tipframe.model import CascadePlan, Programme, Workforce
from tipframe.reach.calibrate import resolve_plan
from tipframe.reach.costs import prices, summarise_costs
from tipframe.reach.measures import reach_series
from tipframe.reach.stats import clopper_pearson

__all__ = ["Candidate", "Lever", "Target", "TargetResult", "fewest_replicates", "plan_for_target", "spread_seeds"]

#: the lever naming the seed trainers in total, spread over organisations as the plan spreads them
SEEDS = "seeds"
#: the most settings a search may try (the product of the levers' values, seeds bisected)
MAX_SETTINGS = 500
#: seed-trainer values tried one by one; longer lists are bisected
EXHAUSTIVE = 32


@attrs.frozen
class Target:
    """A share of eligible staff reached (or trained) by a period, with the probability it must be met."""

    share: float  # from 0 to 1
    period: int
    probability: float  # the required chance, from 0 to 1
    measure: str = "reach"  # reach (started the programme) or trained (completed it)

    def describe(self) -> str:
        """``80% reach by period 52, with probability 0.9``."""
        return f"{self.share:.0%} {self.measure} by period {self.period}, with probability {self.probability:g}"


@attrs.frozen
class Lever:
    """A plan field that may change, with its allowed values: ``seeds`` (in total, spread as the plan spreads
    them), ``seeds.ORG`` (one organisation's), or a path such as ``tiers[0].cohort_size``."""

    name: str
    values: tuple[Any, ...]


@attrs.frozen
class Candidate:
    """One setting tried: what it met, its probability with its lower bound and error, and its cost."""

    setting: tuple[tuple[str, Any], ...]
    met: int
    replicates: int
    seeds: int
    mean_cost: float | None  # the mean total cost across replicates, when the plan gives costs
    changed: int  # levers set away from the plan's own value
    median_share: float  # the median share reached (or trained) by the target's period
    cost_mcse: float | None = None  # the mean cost's Monte Carlo standard error

    @property
    def probability(self) -> float:
        """The share of replicates that met the target."""
        return self.met / self.replicates

    @property
    def low(self) -> float:
        """The exact lower 95% bound of the probability (Clopper-Pearson, two-sided)."""
        return clopper_pearson(self.met, self.replicates)[0]

    @property
    def mcse(self) -> float:
        """The probability's Monte Carlo standard error, sqrt(p (1 - p) / n)."""
        p = self.probability
        return math.sqrt(p * (1 - p) / self.replicates)

    def describe(self) -> str:
        """``seeds=4``: met in 93.5% of 400 replicates (lower 95% bound 90.6%; s.e. 1.2 points)."""
        said = ", ".join(f"{name}={value}" for name, value in self.setting) or "the plan as written"
        error = f" ± {self.cost_mcse:,.0f}" if self.cost_mcse is not None else ""
        cost = f"; mean cost {self.mean_cost:,.0f}{error}" if self.mean_cost is not None else ""
        return (
            f"{said}: met in {self.probability:.1%} of {self.replicates:,} replicates (lower 95% bound "
            f"{self.low:.1%}; s.e. {100 * self.mcse:.1f} points; median share {self.median_share:.1%}); "
            f"{self.seeds} seed trainers{cost}"
        )


@attrs.frozen
class TargetResult:
    """What a search found: the cheapest setting that meets the target, or none and the best achievable."""

    target: Target
    levers: tuple[Lever, ...]
    candidates: tuple[Candidate, ...]  # every setting tried, in the order tried
    chosen: Candidate | None
    best: Candidate  # the highest probability tried (the cheapest among equals)
    costed: bool  # whether the plan gives costs (cheapest: lowest mean cost; else fewest seed trainers)

    @property
    def reachable(self) -> bool:
        """Whether some setting meets the target with the required probability."""
        return self.chosen is not None

    def runners_up(self, count: int = 3) -> tuple[Candidate, ...]:
        """The next cheapest settings that meet the target."""
        meeting = sorted((c for c in self.candidates if self._meets(c) and c is not self.chosen), key=self._order)
        return tuple(meeting[:count])

    def _meets(self, candidate: Candidate) -> bool:
        return candidate.low >= self.target.probability

    def _order(self, candidate: Candidate) -> tuple[float, int, int]:
        cost = candidate.mean_cost if self.costed and candidate.mean_cost is not None else float(candidate.seeds)
        return (cost, candidate.seeds, candidate.changed)

    def to_data(self) -> dict[str, Any]:
        """The result as JSON-ready data, which `from_data` reads back.

        Returns
        -------
        dict
        """
        return {
            "target": attrs.asdict(self.target),
            "levers": [{"name": lever.name, "values": list(lever.values)} for lever in self.levers],
            "costed": self.costed,
            "candidates": [
                {**attrs.asdict(c, filter=lambda a, _: a.name != "setting"), "setting": [list(s) for s in c.setting]}
                for c in self.candidates
            ],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TargetResult:
        """A result from `to_data`'s data (the choice and the best worked out again).

        Parameters
        ----------
        data
            As `to_data` gave it (read from JSON).

        Returns
        -------
        TargetResult
        """
        candidates = tuple(
            Candidate(**{**c, "setting": tuple((name, value) for name, value in c["setting"])})
            for c in data["candidates"]
        )
        levers = tuple(Lever(lever["name"], tuple(lever["values"])) for lever in data["levers"])
        return _result(Target(**data["target"]), levers, candidates, bool(data["costed"]))

    def describe(self) -> str:
        """The answer in words, then the runners-up, as ``tipframe plan`` prints it."""
        lines = [
            f"Target: {self.target.describe()} (judged by the lower 95% bound).",
            f"Settings tried: {len(self.candidates)}, each on the same {self.best.replicates:,} replicates.",
        ]
        if self.chosen is not None:
            lines += ["", f"Cheapest setting that meets it: {self.chosen.describe()}"]
            runners = self.runners_up()
            lines += [f"  runner-up: {c.describe()}" for c in runners]
            if self.costed and any(_close(self.chosen, c) for c in runners):
                lines.append(
                    "  (a runner-up's mean cost is within two standard errors of the cheapest: they cost the same "
                    "within Monte Carlo error; more replicates would tell them apart)"
                )
        else:
            lines += ["", "Not reachable within these levers.", f"Best achievable: {self.best.describe()}"]
        return "\n".join(lines) + "\n"


def _close(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates' mean costs are within two standard errors of each other."""
    if a.mean_cost is None or b.mean_cost is None:
        return False
    return abs(a.mean_cost - b.mean_cost) <= 2 * math.hypot(a.cost_mcse or 0.0, b.cost_mcse or 0.0)


def spread_seeds(plan: CascadePlan, total: int) -> CascadePlan:
    """The plan with ``total`` seed trainers, spread over its seed organisations in proportion to its own seeds by
    largest remainder (ties to the organisation listed first).

    Parameters
    ----------
    plan
        A plan with seed trainers.
    total
        Seed trainers in all (at least 1).

    Returns
    -------
    CascadePlan
    """
    entries = plan.seed_trainers
    now = [entry.trainers for entry in entries]
    quotas = [total * n / sum(now) for n in now]
    counts = [math.floor(q) for q in quotas]
    order = sorted(range(len(entries)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    kept = tuple(attrs.evolve(entry, trainers=n) for entry, n in zip(entries, counts, strict=True) if n > 0)
    return attrs.evolve(plan, seed_trainers=kept)


def _apply(plan: CascadePlan, setting: Sequence[tuple[str, Any]]) -> CascadePlan:
    from tipframe.reach.sweeps import variant

    fields: dict[str, Any] = {}
    for name, value in setting:
        if name == SEEDS:
            plan = spread_seeds(plan, int(value))
        elif name.startswith(SEEDS + "."):
            organisation = name.removeprefix(SEEDS + ".")
            entries = [e for e in plan.seed_trainers if e.organisation != organisation]
            if int(value) > 0:
                template = plan.seed_trainers[0]
                entries.append(attrs.evolve(template, organisation=organisation, trainers=int(value)))
            plan = attrs.evolve(plan, seed_trainers=tuple(entries))
        else:
            fields[name] = value
    return variant(plan, fields) if fields else plan


def _current(plan: CascadePlan, name: str) -> Any:
    """The plan's own value of a lever (None where it has none)."""
    from tipframe.io.documents import to_data

    if name == SEEDS:
        return sum(entry.trainers for entry in plan.seed_trainers)
    if name.startswith(SEEDS + "."):
        organisation = name.removeprefix(SEEDS + ".")
        return sum(e.trainers for e in plan.seed_trainers if e.organisation == organisation)
    value: Any = to_data(plan)
    for part in name.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


class _Search:
    """Candidates evaluated once each, on the same replicates."""

    def __init__(self, documents: tuple[Any, ...], target: Target, how: dict[str, Any]) -> None:
        self.plan, self.workforce, self.programme = documents
        self.target, self.how = target, how
        self.tried: dict[tuple[tuple[str, Any], ...], Candidate] = {}

    def evaluate(self, setting: tuple[tuple[str, Any], ...]) -> Candidate:
        if setting in self.tried:
            return self.tried[setting]
        from tipframe.reach.run import simulate_reach

        plan = _apply(self.plan, setting)
        result = simulate_reach(plan, self.workforce, self.programme, **self.how)
        shares = reach_series(result, self.target.measure)[:, self.target.period]
        costs = summarise_costs(result)
        candidate = Candidate(
            setting=setting, met=int((shares >= self.target.share - 1e-12).sum()), replicates=shares.size,
            seeds=sum(entry.trainers for entry in plan.seed_trainers),
            mean_cost=costs.total.mean if costs is not None else None,
            changed=sum(value != _current(self.plan, name) for name, value in setting),
            median_share=float(np.median(shares)),
            cost_mcse=costs.total.mcse if costs is not None else None,
        )  # fmt: skip
        self.tried[setting] = candidate
        return candidate

    def bisect(self, base: tuple[tuple[str, Any], ...], values: Sequence[Any]) -> None:
        """Seed-trainer values with these other settings: each of a short list, else a bisection for the fewest
        that meet the target."""
        ordered = sorted(set(values))
        if len(ordered) <= EXHAUSTIVE:
            for value in ordered:
                self.evaluate((*base, (SEEDS, value)))
            return
        lo, hi = 0, len(ordered) - 1
        while lo < hi:
            middle = (lo + hi) // 2
            if self.evaluate((*base, (SEEDS, ordered[middle]))).low >= self.target.probability:
                hi = middle
            else:
                lo = middle + 1
        self.evaluate((*base, (SEEDS, ordered[lo])))


# long: the arguments are the search's settings, each checked and passed on in one place
def plan_for_target(
    plan: CascadePlan | str,
    target: Target,
    levers: Sequence[Lever],
    *,
    bundle: Bundle | None = None,
    workforce: Workforce | None = None,
    programme: Programme | None = None,
    replicates: int = 400,
    seed: int = 0,
    executor: concurrent.futures.Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
) -> TargetResult:
    """The cheapest setting of ``levers`` that meets ``target`` with its required probability.

    Cheapest is the lowest mean total cost where the plan gives costs, else the fewest seed
    trainers; ties go to the fewest seed trainers, then the fewest levers changed. A setting
    meets the target when the exact lower 95% bound of its probability (the share of replicates
    meeting it) is at least the required probability.

    Parameters
    ----------
    plan
        A cascade plan, or its reference in ``bundle``.
    target
        The share, measure, period and probability.
    levers
        The fields that may change, each with its allowed values.
    bundle, workforce, programme
        Where the plan's documents come from (as `tipframe.calibrate` resolves them).
    replicates
        Replicates per setting, the same for every setting.
    seed
        Replicate i of every setting draws from ``SeedSequence(seed, spawn_key=(i,))``.
    executor
        Any `concurrent.futures.Executor` each setting's replicates are shared on.
    progress
        Called with (settings tried, settings at most) after each.
    memory_limit
        Bytes one setting's run may add (default `default_memory_limit`); the search is refused
        before it starts when one run would need more, or all of them more than a day.

    Returns
    -------
    TargetResult
        Its ``chosen`` is None when no setting meets the target ("not reachable within these
        levers"); ``best`` is then the best achievable.

    Raises
    ------
    ValueError
        When the target, a lever or the number of settings is out of range.
    KeyError
        When a lever names no field of the plan, or a document is not in scope.
    MemoryLimitError, TimeLimitError
        When the search's estimate is beyond the limits.
    """
    resolved, workforce, programme = resolve_plan(plan, bundle=bundle, workforce=workforce, programme=programme)
    if not isinstance(resolved, CascadePlan):
        raise ValueError(f"plan {resolved.id!r} is not a cascade plan: targets are set for cascades")
    _check(resolved, target, levers, replicates)
    others = [lever for lever in levers if lever.name != SEEDS]
    seeds = next((lever for lever in levers if lever.name == SEEDS), None)
    combos = list(itertools.product(*(lever.values for lever in others)))
    count = len(set(seeds.values)) if seeds is not None else 1
    most = len(combos) * (count if count <= EXHAUSTIVE else math.ceil(math.log2(count)) + 1)
    if most > MAX_SETTINGS:
        raise ValueError(f"these levers make up to {most:,} settings; at most {MAX_SETTINGS} may be tried")
    check_search(resolved, workforce, programme, replicates, most, memory_limit)
    how = {"replicates": replicates, "seed": seed, "executor": executor}
    search = _Search((resolved, workforce, programme), target, how)
    for combo in combos:
        base = tuple((lever.name, value) for lever, value in zip(others, combo, strict=True))
        if seeds is not None:
            search.bisect(base, seeds.values)
        else:
            search.evaluate(base)
        if progress is not None:
            progress(len(search.tried), most)
    if progress is not None:  # the search is done: bisection may try fewer than at most
        progress(len(search.tried), len(search.tried))
    return _result(target, tuple(levers), tuple(search.tried.values()), prices(resolved, programme) is not None)


def check_search(
    plan: CascadePlan, workforce: Workforce, programme: Programme, replicates: int, runs: int, memory_limit: int | None
) -> None:
    """Refuse a search, before it starts, whose one run needs more memory than allowed, or whose ``runs`` settings
    of ``replicates`` replicates would take more than a day (the estimate of `simulation_resources`).

    Parameters
    ----------
    plan, workforce, programme
        The plan as written and its documents.
    replicates
        Replicates a setting.
    runs
        Settings (or placements) at most.
    memory_limit
        Bytes one run may add (default `default_memory_limit`).

    Raises
    ------
    MemoryLimitError, TimeLimitError
        Naming the estimate and what to change.
    """
    from tipframe.reach.resources import check_resources, simulation_resources
    from tipframe.reach.scenario import prepare

    one = simulation_resources(prepare(plan, workforce, programme), replicates)
    every = attrs.evolve(one, what=f"{runs:,} settings of {one.what}", seconds=one.seconds * runs,
                         advice="try fewer settings or replicates")  # fmt: skip
    check_resources(every, memory_limit)


def fewest_replicates(probability: float) -> int:
    """The fewest replicates whose exact lower 95% bound can reach ``probability`` (all of them meeting it).

    Parameters
    ----------
    probability
        The required chance, below 1.

    Returns
    -------
    int
    """
    return max(1, math.ceil(math.log(0.025) / math.log(probability))) if probability > 0 else 1


def _check(plan: CascadePlan, target: Target, levers: Sequence[Lever], replicates: int) -> None:
    if not 0 < target.share <= 1 or not 0 < target.probability < 1:
        raise ValueError("the target's share must be above 0 and at most 1, its probability between 0 and 1")
    if replicates < fewest_replicates(target.probability):
        raise ValueError(
            f"with {replicates} replicates no setting could show a probability of {target.probability:g} (the lower "
            f"bound when every replicate meets the target is {clopper_pearson(replicates, replicates)[0]:.3f}): use "
            f"at least {fewest_replicates(target.probability)}"
        )
    if target.measure not in ("reach", "trained"):
        raise ValueError(f"the target's measure is reach or trained, not {target.measure!r}")
    if not 0 <= target.period <= plan.horizon:
        raise ValueError(f"the target's period ({target.period}) is outside the plan's horizon ({plan.horizon})")
    names = [lever.name for lever in levers]
    if len(set(names)) != len(names) or not levers:
        raise ValueError("name each lever once, and at least one")
    for lever in levers:
        if not lever.values:
            raise ValueError(f"lever {lever.name!r} has no values")
        if lever.name == SEEDS and (not plan.seed_trainers or min(int(v) for v in lever.values) < 1):
            raise ValueError("the seeds lever takes whole numbers from 1, for a plan with seed trainers")


def _result(target: Target, levers: tuple[Lever, ...], tried: tuple[Candidate, ...], costed: bool) -> TargetResult:
    partial = TargetResult(target, levers, tried, None, tried[0], costed)
    meeting = sorted((c for c in tried if c.low >= target.probability), key=partial._order)
    best = max(tried, key=lambda c: (c.probability, c.median_share, -partial._order(c)[0]))
    return attrs.evolve(partial, chosen=meeting[0] if meeting else None, best=best)
