"""Calibration: fit a plan's uncertain parameters to what was observed, by ABC-SMC (``tipframe.reach.abc``).

The plan's parameters written as distributions are the priors; each run of the plan (one
replicate, the parameters set to a particle's values) is set against the observed counts as
qualified; the result is a `CalibrationResult` with the posterior as weighted particles and an
identifiability report.
"""

from __future__ import annotations

import concurrent.futures
import importlib.metadata
import itertools
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tipframe.bundle import Bundle
from tipframe.io.arrays import from_numpy
from tipframe.io.documents import from_data, to_data
from tipframe.model import (
    CalibrationResult,
    CascadePlan,
    Correlation,
    GenerationSummary,
    Observations,
    PosteriorSummary,
    Programme,
    RecurringPlan,
    Workforce,
)
from tipframe.model.fields import format_path
from tipframe.model.observations import Measure, observation_problems
from tipframe.reach.abc import Population, SmcSettings, Trace, prior_variance, run_smc, weighted_quantile
from tipframe.reach.calibration_models import CalibrationModel, make_model, statistics
from tipframe.reach.priors import prior_quantile
from tipframe.reach.recurring import recurring_resources
from tipframe.reach.resources import Part, Resources, check_resources, simulation_resources
from tipframe.reach.run import executor_workers
from tipframe.reach.scenario import FloatArray, PlanError
from tipframe.version import __version__

__all__ = ["calibrate", "calibration_resources", "resolve_plan"]

#: correlations beyond this (either sign) are reported
CORRELATED = 0.5
#: the fewest particles a calibration takes (fewer say nothing about spread or correlation)
MIN_PARTICLES = 10
#: below this effective sample size, correlations and identifiability are not judged
MIN_ESS = 10


def resolve_plan(
    plan: CascadePlan | RecurringPlan | str,
    *,
    bundle: Bundle | None = None,
    workforce: Workforce | None = None,
    programme: Programme | None = None,
) -> tuple[CascadePlan | RecurringPlan, Workforce, Programme]:
    """A plan and the documents it names, from a bundle or as given (built-in documents are always in scope).

    Parameters
    ----------
    plan
        A plan, or its reference in ``bundle``.
    bundle
        Where references are looked up.
    workforce, programme
        The documents themselves, which win over the bundle's.

    Returns
    -------
    tuple of (plan, Workforce, Programme)

    Raises
    ------
    KeyError
        When a reference is not in scope.
    """
    scope = bundle if bundle is not None else Bundle.of(())
    if isinstance(plan, str):
        found = scope.plan(plan)
        if found is None:
            raise KeyError(f"no CascadePlan or RecurringPlan {plan!r} in scope")
        plan = found
    workforce = workforce if workforce is not None else scope.get(plan.workforce, Workforce)
    programme = programme if programme is not None else scope.get(plan.programme, Programme)
    return plan, workforce, programme


def _run_slots(
    documents: tuple[dict[str, Any], ...], base: str, seed: int, generation: int, slots: Sequence[int], theta: Any
) -> FloatArray:
    """Run slots in a worker; documents travel as plain data so that any executor can carry them."""
    plan_data, workforce_data, programme_data, observations_data = documents
    kind: type[CascadePlan | RecurringPlan] = CascadePlan if plan_data["kind"] == CascadePlan.KIND else RecurringPlan
    plan = from_data(plan_data, kind)
    model = make_model(plan, from_data(workforce_data, Workforce), from_data(programme_data, Programme), base)
    observations = from_data(observations_data, Observations)
    return _simulate_here(model, observations, seed, generation, slots, theta)


def _simulate_here(
    model: CalibrationModel, observations: Observations, seed: int, generation: int, slots: Sequence[int], theta: Any
) -> FloatArray:
    windows = [item.window(model.plan) for item in observations.observations]
    out = np.empty((len(slots), len(windows)))
    for row, slot in enumerate(slots):
        series = model.run(theta[row], seed, (generation, slot, 1))
        out[row] = statistics(series, observations, windows)
    return out


def _simulator(
    model: CalibrationModel, observations: Observations, seed: int, executor: concurrent.futures.Executor | None,
    documents: tuple[dict[str, Any], ...], base: str, chunks: int,
) -> Callable[[int, Sequence[int], FloatArray], FloatArray]:  # fmt: skip
    """Simulate slots here, or on ``executor`` in about ``chunks`` pieces, results in slot order."""

    def simulate(generation: int, slots: Sequence[int], theta: FloatArray) -> FloatArray:
        if executor is None:
            return _simulate_here(model, observations, seed, generation, slots, theta)
        size = max(1, -(-len(slots) // chunks))
        parts = [(lo, min(len(slots), lo + size)) for lo in range(0, len(slots), size)]
        futures = [executor.submit(_run_slots, documents, base, seed, generation, list(slots[lo:hi]), theta[lo:hi])
                   for lo, hi in parts]  # fmt: skip
        try:
            return np.concatenate([future.result() for future in futures])
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    return simulate


def _folder(bundle: Bundle | None, workforce: Workforce) -> str:
    """The folder of the workforce's file in the bundle (where a staff network file is), else the current one."""
    try:
        return bundle.folder(workforce) if bundle is not None else "."
    except KeyError:  # given, not read from the bundle
        return "."


def _check(
    plan: CascadePlan | RecurringPlan, workforce: Workforce, observations: Observations, model: CalibrationModel
) -> None:
    if observations.plan not in (plan.id, f"builtin:{plan.id}"):
        raise PlanError(f"observations {observations.id!r} are of plan {observations.plan!r}, not {plan.id!r}")
    problems = observation_problems(observations, plan)
    known = set(workforce.organisation_ids())
    for index, item in enumerate(observations.observations):
        if item.organisation is not None and item.organisation not in known:
            message = f"workforce {workforce.id!r} has no organisation {item.organisation!r}"
            problems.append((("observations", index, "organisation"), message))
    if problems:
        raise PlanError("; ".join(f"{format_path(where)}: {message}" for where, message in problems))
    if not model.names:
        raise PlanError(
            f"plan {plan.id!r} has no uncertain parameters to calibrate: write those to fit as distributions "
            "(such as conversion: {beta: [3, 17]}), which are their priors"
        )


# long: the arguments are the sampler's settings, each checked and passed on in one place
def calibrate(
    plan: CascadePlan | RecurringPlan | str,
    observations: Observations,
    *,
    bundle: Bundle | None = None,
    workforce: Workforce | None = None,
    programme: Programme | None = None,
    particles: int = 500,
    simulations: int = 20_000,
    generations: int = 8,
    quantile: float = 0.5,
    min_acceptance: float = 0.02,
    seed: int = 0,
    executor: concurrent.futures.Executor | None = None,
    chunks: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
    base: str | os.PathLike[str] | None = None,
) -> CalibrationResult:
    """Fit the plan's uncertain parameters to the observations by ABC-SMC with adaptive tolerances.

    The parameters written as distributions are the priors. Each particle runs the plan once with
    its values (the compiled engine for a cascade); its distance is the root of the weighted sum of
    squared deviations from the observed counts as qualified (an at-least count is met by any value
    at or above it), each scaled by the prior predictive's median absolute deviation.

    Parameters
    ----------
    plan
        A cascade or recurring plan, or its reference in ``bundle``.
    observations
        What was observed of it.
    bundle, workforce, programme
        Where the plan's documents come from (see `resolve_plan`).
    particles
        Particles in each generation.
    simulations
        The most runs in all (generation 0 takes ``particles`` of them).
    generations
        The most generations after generation 0.
    quantile
        Each tolerance is this weighted quantile of the last generation's distances.
    min_acceptance
        Stop after a generation that keeps fewer than this share of the runs it tried.
    seed
        Slot j of generation g draws from ``SeedSequence(seed, spawn_key=(g, j))``: the same seed
        gives the same posterior however the runs are shared between processes.
    executor, chunks
        Any `concurrent.futures.Executor` (a process pool, a Dask client's executor) and how
        many pieces each batch is cut into (default four per core); None runs here.
    progress
        Called with (generation, runs so far in it).
    memory_limit
        Bytes the run may add to this process and its workers (default `default_memory_limit`);
        a run whose estimate (`calibration_resources`) is larger is refused before it starts.
    base
        The folder a recurring plan's staff network file is relative to (default: the
        workforce's folder in ``bundle``, else the current folder).

    Returns
    -------
    CalibrationResult

    Raises
    ------
    PlanError
        When the plan cannot run, has nothing to calibrate, or does not produce an observed count.
    MemoryLimitError, TimeLimitError
        When the run's estimate is beyond the limits.
    ValueError
        When a setting is out of range.
    KeyError
        When a document the plan names is not in scope.
    """
    if particles < MIN_PARTICLES or simulations < particles or generations < 0 or not 0 < quantile < 1:
        raise ValueError(
            f"need particles of at least {MIN_PARTICLES}, simulations of at least particles, generations of at least "
            f"0 and a quantile between 0 and 1 (not {particles}, {simulations}, {generations}, {quantile})"
        )
    if not 0 <= min_acceptance <= 1:
        raise ValueError(f"min_acceptance must be from 0 to 1, not {min_acceptance}")
    if seed < 0:
        raise ValueError(f"a seed must be a non-negative integer, not {seed}")
    plan, workforce, programme = resolve_plan(plan, bundle=bundle, workforce=workforce, programme=programme)
    if base is None:
        base = _folder(bundle, workforce)
    model = make_model(plan, workforce, programme, base)
    _check(plan, workforce, observations, model)
    settings = SmcSettings(particles, simulations, generations, quantile, min_acceptance)
    workers = executor_workers(executor)
    check_resources(calibration_resources(model, observations, settings, workers), memory_limit)
    documents = tuple(to_data(d) for d in (plan, workforce, programme, observations))
    pieces = chunks or 4 * (os.cpu_count() or 2)
    simulate = _simulator(model, observations, seed, executor, documents, os.fspath(base), pieces)
    trace = run_smc(model.priors, observations.observations, simulate, seed, settings, progress)
    return _result(trace, model, (plan, workforce, programme, observations), seed, settings)


def calibration_resources(
    model: CalibrationModel, observations: Observations, settings: SmcSettings, workers: int = 1
) -> Resources:
    """The memory and time of a calibration, for refusing absurd runs before they start.

    Parameters
    ----------
    model
        The plan ready to run (`make_model`).
    observations
        What it is calibrated to.
    settings
        Particles, simulations and generations.
    workers
        Processes running at once.

    Returns
    -------
    Resources
        One run in each worker (the engine's own estimate), the populations kept, and the
        proposal weights worked out in blocks; the time of every simulation allowed.
    """
    if isinstance(model.plan, CascadePlan):
        run = simulation_resources(model.setup[0], 1, workers=workers)
    else:
        run = recurring_resources(model.setup, 1, workers=workers)
    n, width = settings.particles, len(model.names) + len(observations.observations) + 3
    parts = (
        *run.parts,
        Part("populations", 3 * n * width * 8, f"3 generations x {n:,} particles"),
        Part("proposal weights", 3 * 256 * n * len(model.names) * 8, f"256 x {n:,} particles, in blocks"),
    )
    seconds = run.seconds * settings.simulations + settings.generations * n * n * len(model.names) * 2e-8
    what = f"{settings.simulations:,} runs of {n:,} particles, at most {settings.generations} generations"
    return Resources("calibration", what, parts, seconds, "use fewer particles or simulations")


def _result(
    trace: Trace, model: CalibrationModel, documents: tuple[Any, ...], seed: int, settings: SmcSettings
) -> CalibrationResult:
    plan, workforce, programme, observations = documents
    last = trace.populations[-1]
    posterior = _posterior(model, trace)
    correlations = _correlations(model.names, last) if last.ess >= MIN_ESS else ()
    cascade = isinstance(plan, CascadePlan)
    return CalibrationResult(
        id=f"{plan.id}-calibrated", name=f"{plan.name}, calibrated to {observations.name}",
        cascade_plan=plan if cascade else None, recurring_plan=None if cascade else plan,
        workforce=workforce, programme=programme, observations=observations, seed=seed,
        particles=settings.particles, simulations=settings.simulations, max_generations=settings.generations,
        quantile=settings.quantile, min_acceptance=settings.min_acceptance, stopped=trace.stopped, runs=trace.runs,
        parameters=model.names, scales=tuple(float(s) for s in trace.scales),
        generations=tuple(
            GenerationSummary(tolerance=p.tolerance, acceptance=p.acceptance, ess=p.ess, simulations=p.simulations)
            for p in trace.populations
        ),
        posterior=posterior, correlations=correlations,
        findings=identifiability(posterior, correlations, observations, last.ess),
        theta=from_numpy(last.theta), weights=from_numpy(last.weights), distances=from_numpy(last.distances),
        statistics=from_numpy(last.statistics), tipframe_version=__version__, numpy_version=np.__version__,
        numba_version=importlib.metadata.version("numba") if cascade else None,
    )  # fmt: skip


def _posterior(model: CalibrationModel, trace: Trace) -> tuple[PosteriorSummary, ...]:
    last = trace.populations[-1]
    out = []
    for column, (path, distribution) in enumerate(zip(model.names, model.priors, strict=True)):
        values = last.theta[:, column]
        mean = float(np.sum(last.weights * values))
        variance = float(np.sum(last.weights * (values - mean) ** 2))
        quantiles = [weighted_quantile(values, last.weights, q) for q in (0.05, 0.5, 0.95)]
        out.append(
            PosteriorSummary(
                path=path,
                prior=distribution,
                median=quantiles[1],
                low=quantiles[0],
                high=quantiles[2],
                prior_low=prior_quantile(distribution, 0.05),
                prior_high=prior_quantile(distribution, 0.95),
                shrinkage=1.0 - variance / max(prior_variance(distribution), 1e-300),
            )
        )
    return tuple(out)


def _correlations(names: Sequence[str], last: Population) -> tuple[Correlation, ...]:
    if len(names) < 2:
        return ()
    matrix = np.atleast_2d(np.cov(last.theta.T, aweights=last.weights, bias=True))
    sd = np.sqrt(np.diag(matrix))
    found = []
    for i, j in itertools.combinations(range(len(names)), 2):
        if sd[i] > 0 and sd[j] > 0:
            r = float(np.clip(matrix[i, j] / (sd[i] * sd[j]), -1.0, 1.0))
            if abs(r) >= CORRELATED:
                found.append(Correlation(first=names[i], second=names[j], r=r))
    return tuple(sorted(found, key=lambda c: -abs(c.r)))


def _name(path: str) -> str:
    """A parameter as people read it: ``conversion`` for ``tiers[0].conversion`` (the tier when not the first)."""
    head, _, last = path.rpartition(".")
    tier = head.removeprefix("tiers[").removesuffix("]")
    words = last.replace("_", " ")
    return words if tier in ("", "0") or not tier.isdigit() else f"{words} (tier {int(tier) + 1})"


def identifiability(
    posterior: Sequence[PosteriorSummary],
    correlations: Sequence[Correlation],
    observations: Observations,
    ess: float = math.inf,
) -> tuple[str, ...]:
    """What these observations pin down, in plain sentences: pairs identified only in combination, and
    parameters the data barely inform, each with the data that would help.

    Parameters
    ----------
    posterior
        Each parameter's summary.
    correlations
        Strongly correlated pairs.
    observations
        What was observed.
    ess
        The last generation's effective sample size: below `MIN_ESS`, nothing is judged.

    Returns
    -------
    tuple of str
    """
    if ess < MIN_ESS:
        return (
            f"Too few effective particles ({ess:.1f}) to judge what these observations identify: use more particles "
            "or simulations.",
        )
    measures = {item.measure for item in observations.observations}
    dates = {(str(item.at), item.period, str(item.since), str(item.until), item.periods)
             for item in observations.observations}  # fmt: skip
    advice = []
    if Measure.DELIVERED not in measures and Measure.TRAINED in measures:
        advice.append("the number of trainers who delivered at least once")
    if len(dates) < 2:
        advice.append("a count at a second date")
    more = f": add {' or '.join(advice)}" if advice else ": add a count that depends on one and not the other"
    shrunk = {p.path: p.shrinkage for p in posterior}
    sentences = []
    for pair in correlations:
        if min(shrunk[pair.first], shrunk[pair.second]) < 0.9:
            sentences.append(
                f"{_name(pair.first)} and {_name(pair.second)} are not separately identified by these observations "
                f"(posterior correlation {pair.r:+.2f}){more}."
            )
    for p in posterior:
        if p.shrinkage < 0.1:
            sentences.append(
                f"{_name(p.path)} is barely informed by these observations: its posterior is close to its prior "
                f"(variance {1 - p.shrinkage:.0%} of the prior's)."
            )
    return tuple(sentences)
