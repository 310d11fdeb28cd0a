"""A cascade plan made ready to run: the workforce as arrays, the tiers as numbers, the seeds placed."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import numpy.typing as npt

from tipframe.model import CascadePlan, Programme, Workforce
from tipframe.model.cascade import Distribution, Parameter
from tipframe.model.feasibility import minimum_group, plan_infeasibilities

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class PlanError(ValueError):
    """A plan that cannot be run as given (the message says why)."""


@attrs.frozen
class TierValues:
    """One tier's numbers for one replicate (distributions already drawn)."""

    cohort_size: int
    facilitators: int
    concurrent: int
    total: int  # a large number stands for no limit
    delay: int  # periods
    attrition: float
    completion: float
    conversion: float
    retention: float
    floor: float


@attrs.frozen(eq=False)
class Feed:
    """Where a learning pathway's later stage finds its people: among the previous stage's completers.

    ``total`` is, by organisation, the people the previous stage may train; ``onward`` how many of
    them are in roles that need this stage too. Each completer goes on or not as drawn without
    replacement from what is left of the two.
    """

    total: IntArray
    onward: IntArray


@attrs.define(frozen=True, eq=False, slots=False)
class Scenario:
    """Everything the engines need, resolved from a plan, its workforce and its programme."""

    plan: CascadePlan
    workforce: Workforce
    programme: Programme
    organisations: tuple[str, ...]
    eligible: IntArray
    seeds: IntArray
    partner_indptr: IntArray
    partner_indices: IntArray
    component: IntArray  # partnership component of each organisation
    cohort_periods: int
    min_group: int
    #: groups of eligible people (seeds aside) who share an uptake: organisation, people, parameter
    #: (an index into `uptake_parameters`)
    uptake_groups: tuple[tuple[int, int, int], ...] = ()
    #: the plan's uptake, then each of its ``uptake_by`` entries', each drawn once per replicate
    uptake_parameters: tuple[Parameter, ...] = ()
    #: how many more times a non-completer may enrol (None: no limit)
    retakes: int | None = None
    #: a pathway's later stage: each group's headcount that its uptake weighs in a hire's or an arrival's
    #: chance to be willing (by default, its people)
    uptake_weights: tuple[int, ...] = ()
    #: a pathway's later stage: where its people come from as the run goes (`Feed`)
    feed: Feed | None = None

    @property
    def horizon(self) -> int:
        """The number of periods simulated (the plan's ``horizon``)."""
        return self.plan.horizon

    def partners(self, org: int) -> IntArray:
        """The partners of organisation ``org`` (an index into ``organisations``), as indices."""
        return self.partner_indices[self.partner_indptr[org] : self.partner_indptr[org + 1]]

    def draw(self, rng: np.random.Generator | None) -> tuple[float, list[TierValues]]:
        """Turnover and the tiers' numbers: drawn from their distributions, or their means when ``rng`` is None.

        Draws happen in a fixed order (turnover, then each tier's attrition, completion,
        conversion and retention), and only for parameters given as distributions.

        Parameters
        ----------
        rng
            The replicate's generator; None for the means (the projection).

        Returns
        -------
        tuple of float and list of TierValues
            The turnover, and each tier's numbers.
        """

        turnover, *values = (parameter_value(parameter, rng) for parameter in self.drawn_parameters)
        tiers: list[TierValues] = []
        for number, tier in enumerate(self.plan.tiers):
            attrition, completion, conversion, retention = values[4 * number : 4 * number + 4]
            tiers.append(
                TierValues(
                    cohort_size=tier.cohort_size,
                    facilitators=tier.facilitators,
                    concurrent=tier.concurrent_cohorts,
                    total=tier.total_cohorts if tier.total_cohorts is not None else 1 << 40,
                    delay=self.plan.periods(tier.delay),
                    attrition=attrition,
                    completion=completion,
                    conversion=conversion,
                    retention=retention,
                    floor=tier.fidelity_floor,
                )
            )
        return turnover, tiers

    @property
    def drawn_parameters(self) -> tuple[Parameter, ...]:
        """The parameters `draw` draws, in its order: turnover, then each tier's attrition, completion,
        conversion and retention (the rest of a tier is fixed); the compiled engine draws them alike."""
        parameters = [self.plan.turnover]
        for tier in self.plan.tiers:
            parameters += [tier.attrition, tier.completion, tier.conversion, tier.fidelity_retention]
        return tuple(parameters)

    def uptakes(self, rng: np.random.Generator | None) -> FloatArray:
        """Each uptake parameter's value for one replicate (drawn after `draw`), or its mean when ``rng`` is None."""
        return np.array([parameter_value(p, rng) for p in self.uptake_parameters], np.float64)

    @functools.cached_property
    def _groups(self) -> tuple[IntArray, IntArray, IntArray]:
        """`uptake_groups` as arrays: organisations, people, parameters."""
        table = np.array(self.uptake_groups, np.int64).reshape(-1, 3)
        return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()

    def willing(self, rng: np.random.Generator, uptakes: FloatArray) -> IntArray:
        """Eligible people (seeds aside) who will take part when offered a place, by organisation.

        Each person is drawn once; a group whose uptake is 1 (or 0) draws nothing, so plans that
        leave uptake at its default use the same random numbers as before it existed. The groups
        that draw do so in one call, which draws as one call a group would, in order.
        """
        orgs, people, parameters = self._groups
        chances = uptakes[parameters]
        willing = np.zeros(len(self.organisations), np.int64)
        sure = (people > 0) & (chances >= 1.0)
        np.add.at(willing, orgs[sure], people[sure])
        drawn = (people > 0) & (chances > 0.0) & (chances < 1.0)
        if drawn.any():
            np.add.at(willing, orgs[drawn], rng.binomial(people[drawn], chances[drawn]))
        return willing

    def mean_uptake(self, uptakes: FloatArray) -> FloatArray:
        """Each organisation's uptake averaged over its groups by headcount: the chance a new hire (or a pathway
        stage's arrival) is willing."""
        people = np.zeros(len(self.organisations), np.float64)
        weighted = np.zeros(len(self.organisations), np.float64)
        weights = self.uptake_weights or tuple(count for _, count, _ in self.uptake_groups)
        for (org, _, parameter), count in zip(self.uptake_groups, weights, strict=True):
            people[org] += count
            weighted[org] += count * uptakes[parameter]
        default = float(uptakes[0]) if uptakes.size else 1.0
        result: FloatArray = np.where(people > 0, weighted / np.maximum(people, 1), default)
        return result


def parameter_value(parameter: Parameter, rng: np.random.Generator | None) -> float:
    """A parameter's value for one replicate: drawn when it is a distribution and ``rng`` is given."""
    if rng is None or parameter.distribution is Distribution.FIXED:
        return parameter.mean()
    a, b = parameter.values
    if parameter.distribution is Distribution.BETA:
        return float(rng.beta(a, b))
    if parameter.distribution is Distribution.UNIFORM:
        return float(rng.uniform(a, b))
    if parameter.distribution is Distribution.GAMMA:
        return float(rng.gamma(a, b))
    return float(rng.lognormal(a, b))


def _uptake_groups(
    plan: CascadePlan, workforce: Workforce, seeds: IntArray
) -> tuple[tuple[tuple[int, int, int], ...], tuple[Parameter, ...]]:
    """Eligible people in groups that share an uptake, seeds taken from each organisation's groups in
    proportion to their sizes (largest remainder)."""
    parameters = (plan.uptake, *(entry.uptake for entry in plan.uptake_by))
    numbered = {id(parameter): number for number, parameter in enumerate(parameters)}
    filtered = bool(plan.eligible_roles or plan.eligible_levels)
    groups: list[tuple[int, int, int]] = []
    for org, organisation in enumerate(workforce.organisations):
        sizes: list[tuple[int, Parameter]] = []
        for role in organisation.roles:
            if not filtered or role.id in plan.eligible_roles or role.required_level in plan.eligible_levels:
                sizes.append((role.headcount, plan.uptake_for(organisation.id, role.id)))
        if not filtered:
            rest = organisation.headcount - sum(r.headcount for r in organisation.roles)
            sizes.append((max(0, rest), plan.uptake_for(organisation.id, None)))
        counts = _less_seeds([n for n, _ in sizes], int(seeds[org]) if plan.seeds_are_staff else 0)
        groups += [(org, n, numbered[id(p)]) for n, (_, p) in zip(counts, sizes, strict=True)]
    return tuple(groups), parameters


def _less_seeds(sizes: list[int], seeds: int) -> list[int]:
    """Group sizes less ``seeds`` people, taken in proportion to the sizes (largest remainder)."""
    total = sum(sizes)
    if seeds <= 0 or total == 0:
        return sizes
    shares = [seeds * n / total for n in sizes]
    taken = [int(share) for share in shares]
    order = sorted(range(len(sizes)), key=lambda i: (taken[i] - shares[i], i))
    for i in order[: seeds - sum(taken)]:
        taken[i] += 1
    return [max(0, n - k) for n, k in zip(sizes, taken, strict=True)]


def tier_index(generation: int, count: int) -> int:
    """Index of the tier for cohorts of ``generation`` and the trainers they make (seeds use tier 0).

    Parameters
    ----------
    generation
        The cohorts' generation (1 for the seeds' cohorts).
    count
        How many tiers the plan has; later generations use the last.

    Returns
    -------
    int
    """
    return min(max(generation, 1), count) - 1


def prepare(plan: CascadePlan, workforce: Workforce, programme: Programme, *, stage: bool = False) -> Scenario:
    """Check that the three documents fit together and turn them into arrays.

    Parameters
    ----------
    plan, workforce, programme
        The cascade plan and the documents it names.
    stage
        True when the plan is prepared as a learning pathway's stage (``tipframe.reach.learning_pathway``); a plan
        that follows another is refused otherwise, since on its own it would leave out where its people come from.

    Returns
    -------
    Scenario

    Raises
    ------
    PlanError
        Giving every reason the plan cannot run (see `plan_infeasibilities`).
    """
    if plan.follows is not None and not stage:
        raise PlanError(
            f"plan {plan.id!r} follows {plan.follows!r}: it is a stage of a learning pathway, simulated with the plans "
            "it follows (simulate_learning_pathway; tipframe reach does so)"
        )
    problems = plan_infeasibilities(plan, workforce, programme)
    if problems:
        raise PlanError("; ".join(p.message for p in problems))
    length = programme.schedule.length() if programme.schedule is not None else None
    if length is None:  # unreachable: a programme with no length is infeasible
        raise PlanError(f"programme {programme.id!r} gives no length")
    cohort_periods = max(1, plan.periods(length))
    organisations = workforce.organisation_ids()
    index = {org: i for i, org in enumerate(organisations)}
    eligible_by_org = workforce.eligible(plan.eligible_roles, plan.eligible_levels)
    eligible = np.array([eligible_by_org[o] for o in organisations], dtype=np.int64)
    seeds = np.zeros(len(organisations), dtype=np.int64)
    for entry in plan.seed_trainers:
        seeds[index[entry.organisation]] += entry.trainers
    partners = workforce.partners()
    indptr = [0]
    indices: list[int] = []
    for org in organisations:
        indices.extend(index[p] for p in partners[org])
        indptr.append(len(indices))
    component = _components(len(organisations), [(index[a], index[b]) for a, b in workforce.partnerships])
    min_group = minimum_group(programme)
    uptake_groups, uptake_parameters = _uptake_groups(plan, workforce, seeds)
    return Scenario(
        plan=plan,
        workforce=workforce,
        programme=programme,
        organisations=organisations,
        eligible=eligible,
        seeds=seeds,
        partner_indptr=np.array(indptr, dtype=np.int64),
        partner_indices=np.array(indices, dtype=np.int64),
        component=component,
        cohort_periods=cohort_periods,
        min_group=min_group,
        uptake_groups=uptake_groups,
        uptake_parameters=uptake_parameters,
        retakes=plan.retakes,
    )


def _components(count: int, edges: list[tuple[int, int]]) -> IntArray:
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([root(i) for i in range(count)], dtype=np.int64)
