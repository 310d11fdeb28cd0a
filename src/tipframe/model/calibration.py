"""What a calibration found: the posterior as weighted particles, how the sampler got there, and what the data pin down.

A `CalibrationResult` holds the documents calibrated (plan, workforce, programme, observations),
the sampler's settings and seed, so that it reloads and reruns bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from tipframe.model.arrays import ArrayData
from tipframe.model.cascade import CascadePlan, Parameter
from tipframe.model.document import Document
from tipframe.model.fields import TEXT, Each, Path, Range, extensions_field, field
from tipframe.model.limits import MAX_COUNT, MAX_PERIODS
from tipframe.model.observations import Observations
from tipframe.model.programme import Programme
from tipframe.model.recurring import RecurringPlan
from tipframe.model.workforce import Workforce

#: the most runs a calibration may be given (a billion: hours of the fastest plan)
MAX_RUNS = 1_000_000_000


@attrs.frozen(kw_only=True)
class GenerationSummary:
    """One generation of the sampler: its tolerance, acceptance, effective sample size and simulations."""

    tolerance: float | None = field(doc="Distance a run had to be within; none for generation 0 (the prior).",
                                    default=None, checks=[Range(0)])  # fmt: skip
    acceptance: float = field(doc="Particles kept over slots tried until the last was kept.", checks=[Range(0, 1)])
    ess: float = field(doc="Effective sample size of its weights (1 / sum of squared weights).", checks=[Range(0)])
    simulations: int = field(doc="Runs simulated in this generation.", checks=[Range(0)])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class PosteriorSummary:
    """One free parameter: its prior, its posterior's median and 90% credible interval, and how far it shrank."""

    path: str = field(doc="Where the parameter is in the plan: 'tiers[0].conversion'.", checks=[TEXT])
    prior: Parameter = field(doc="Its prior: the plan's distribution.")
    median: float = field(doc="Posterior median (weighted).", checks=[Range()])
    low: float = field(doc="Posterior 5th percentile.", checks=[Range()])
    high: float = field(doc="Posterior 95th percentile.", checks=[Range()])
    prior_low: float = field(doc="The prior's 5th percentile.", checks=[Range()])
    prior_high: float = field(doc="The prior's 95th percentile.", checks=[Range()])
    shrinkage: float = field(doc="1 - posterior variance / prior variance: 0 learnt nothing, 1 pinned down.",
                             checks=[Range(None, 1)])  # fmt: skip
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Correlation:
    """Two parameters whose posterior values move together (or against each other)."""

    first: str = field(doc="One parameter's path.", checks=[TEXT])
    second: str = field(doc="The other's.", checks=[TEXT])
    r: float = field(doc="Weighted correlation of their posterior values (Pearson).", checks=[Range(-1, 1)])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class CalibrationResult(Document):
    """The result of `tipframe.calibrate`, which `load` reads back and ``tipframe calibrate --rerun`` reproduces."""

    KIND = "CalibrationResult"

    cascade_plan: CascadePlan | None = field(doc="The plan calibrated, when a cascade.", default=None)
    recurring_plan: RecurringPlan | None = field(doc="The plan calibrated, when a recurring format.", default=None)
    workforce: Workforce = field(doc="Its workforce.")
    programme: Programme = field(doc="Its programme.")
    observations: Observations = field(doc="What it was calibrated to.")
    seed: int = field(doc="The seed: slot j of generation g draws from SeedSequence(seed, spawn_key=(g, j)).",
                      checks=[Range(0)])  # fmt: skip
    particles: int = field(doc="Particles in each generation.", checks=[Range(10, MAX_COUNT)])
    simulations: int = field(doc="The simulation budget (at least particles).", checks=[Range(10, MAX_RUNS)])
    runs: int = field(doc="Runs simulated in all, a generation cut short by the budget included.",
                      checks=[Range(0, MAX_RUNS)])  # fmt: skip
    max_generations: int = field(doc="The most generations after generation 0.", checks=[Range(0, MAX_PERIODS)])
    quantile: float = field(doc="Each tolerance is this weighted quantile of the last distances.",
                            checks=[Range(0, 1)])  # fmt: skip
    min_acceptance: float = field(doc="Stop after a generation accepting less than this.", checks=[Range(0, 1)])
    stopped: str = field(doc="Why the sampler stopped.", checks=[TEXT])
    parameters: tuple[str, ...] = field(doc="The free parameters' paths, in column order.", checks=[Each(TEXT)])
    scales: tuple[float, ...] = field(doc="Each observation's scale in the distance.", checks=[Each(Range(0))])
    generations: tuple[GenerationSummary, ...] = field(doc="Each generation, generation 0 (the prior) first.")
    posterior: tuple[PosteriorSummary, ...] = field(doc="Each free parameter's summary.")
    correlations: tuple[Correlation, ...] = field(doc="Pairs correlated beyond 0.5 in the posterior.", default=())
    findings: tuple[str, ...] = field(doc="What the observations identify, in sentences.", default=(),
                                      checks=[Each(TEXT)])  # fmt: skip
    theta: ArrayData = field(doc="The last generation's particles, particles x parameters.")
    weights: ArrayData = field(doc="Their weights (summing to 1).")
    distances: ArrayData = field(doc="Their distances.")
    statistics: ArrayData = field(doc="Their modelled counts, particles x observations.")
    tipframe_version: str = field(doc="tipframe version that produced the result.", checks=[TEXT])
    numpy_version: str = field(doc="numpy version that produced it; reruns match under the same one.", checks=[TEXT])
    numba_version: str | None = field(doc="numba version, for a cascade (compiled engine).", default=None,
                                      checks=[TEXT])  # fmt: skip

    @property
    def plan(self) -> CascadePlan | RecurringPlan:
        """The plan calibrated."""
        plan = self.cascade_plan or self.recurring_plan
        if plan is None:  # pragma: no cover - refused when made
            raise ValueError("the result holds no plan")
        return plan

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        if not 0 < self.quantile < 1:
            problems.append((("quantile",), "must be between 0 and 1, not at either end"))
        if self.simulations < self.particles:
            problems.append((("simulations",), f"must be at least particles ({self.particles})"))
        if (self.cascade_plan is None) == (self.recurring_plan is None):
            problems.append((("cascade_plan",), "give exactly one of cascade_plan and recurring_plan"))
        count, width = self.particles, len(self.parameters)
        shapes = {"theta": (count, width), "weights": (count,), "distances": (count,),
                  "statistics": (count, len(self.observations.observations))}  # fmt: skip
        for name, shape in shapes.items():
            if tuple(getattr(self, name).shape) != shape:
                problems.append(((name, "shape"), f"must be {list(shape)}, not {list(getattr(self, name).shape)}"))
        if len(self.posterior) != width:
            problems.append((("posterior",), f"must summarise each of the {width} parameters"))
        return problems
