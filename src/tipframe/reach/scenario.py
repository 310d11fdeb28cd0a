"""A cascade plan made ready to run: the workforce as arrays, the tiers as numbers, the seeds placed."""

from __future__ import annotations

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

        def value(parameter: Parameter) -> float:
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

        turnover = value(self.plan.turnover)
        tiers = []
        for tier in self.plan.tiers:
            tiers.append(
                TierValues(
                    cohort_size=tier.cohort_size,
                    facilitators=tier.facilitators,
                    concurrent=tier.concurrent_cohorts,
                    total=tier.total_cohorts if tier.total_cohorts is not None else 1 << 40,
                    delay=self.plan.periods(tier.delay),
                    attrition=value(tier.attrition),
                    completion=value(tier.completion),
                    conversion=value(tier.conversion),
                    retention=value(tier.fidelity_retention),
                    floor=tier.fidelity_floor,
                )
            )
        return turnover, tiers


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


def prepare(plan: CascadePlan, workforce: Workforce, programme: Programme) -> Scenario:
    """Check that the three documents fit together and turn them into arrays.

    Parameters
    ----------
    plan, workforce, programme
        The cascade plan and the documents it names.

    Returns
    -------
    Scenario

    Raises
    ------
    PlanError
        Giving every reason the plan cannot run (see `plan_infeasibilities`).
    """
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
