"""What a calibration says: the posterior beside the prior, what the data identify, and the posterior predictive.

The posterior predictive runs the plan once per draw, each draw a particle of the last generation
chosen by weight: its intervals include parameter uncertainty as well as the runs' own chance.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import attrs
import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import CalibrationResult, CascadePlan, Observation
from tipframe.model.observations import FLOWS, PEOPLE
from tipframe.privacy import DEFAULT_THRESHOLD, suppressed_text
from tipframe.reach.calibration_models import CalibrationModel, make_model, statistics
from tipframe.reach.measures import Estimate
from tipframe.reach.recurring import recurring_resources
from tipframe.reach.resources import Part, Resources, check_resources, simulation_resources
from tipframe.reach.scenario import FloatArray

__all__ = [
    "Predictive",
    "calibration_rows",
    "describe_calibration",
    "observed_text",
    "posterior_predictive",
    "predictive_resources",
]


@attrs.frozen
class Predictive:
    """The posterior predictive: each observed count's modelled value, and a series by period, across draws."""

    draws: int
    observed: tuple[tuple[Observation, Estimate, float], ...]  # each count, its model estimate, share agreeing
    measure: str  # the series below: the first observation's measure, so far (events summed) or as it stood
    median: FloatArray  # by period, 0..H
    low: FloatArray  # 5th percentile
    high: FloatArray  # 95th percentile


def posterior_predictive(
    result: CalibrationResult,
    draws: int = 200,
    base: str | os.PathLike[str] = ".",
    memory_limit: int | None = None,
) -> Predictive:
    """Run the calibrated plan ``draws`` times, each from a particle drawn by weight.

    Draw k picks its particle and runs from ``SeedSequence(seed, spawn_key=(G, k))``, G the
    number of generations the result holds (the generation after the last): its choice from child
    (G, k, 0), its run from (G, k, 1).

    Parameters
    ----------
    result
        A calibration.
    draws
        Runs.
    base
        The folder a recurring plan's staff network file is relative to.
    memory_limit
        Bytes the runs may add (default `default_memory_limit`); more draws than that holds, or
        than a day's runs, are refused before they start.

    Returns
    -------
    Predictive

    Raises
    ------
    ValueError
        When ``draws`` is below 1.
    MemoryLimitError, TimeLimitError
        When the runs' estimate is beyond the limits.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1, not {draws}")
    model = make_model(result.plan, result.workforce, result.programme, base)
    check_resources(predictive_resources(model, result, draws), memory_limit)
    theta, weights = to_numpy(result.theta), to_numpy(result.weights)
    cumulative = np.cumsum(weights)
    observations = result.observations
    windows = [item.window(result.plan) for item in observations.observations]
    key = len(result.generations)
    first = observations.observations[0]
    name = first.measure.value + (f":{first.organisation}" if first.organisation else "")
    values = np.empty((draws, len(windows)))
    series = np.empty((draws, result.plan.horizon + 1))
    for k in range(draws):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(result.seed, spawn_key=(key, k, 0))))
        index = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1])), cumulative.size - 1)
        run = model.run(theta[index], result.seed, (key, k, 1))
        values[k] = statistics(run, observations, windows)
        line = np.asarray(run[name], np.float64)
        series[k] = np.cumsum(line) if first.measure in FLOWS else line
    observed = tuple(
        (item, Estimate.of(values[:, column]), _agreeing(item, values[:, column]))
        for column, item in enumerate(observations.observations)
    )
    low, median, high = np.percentile(series, [5, 50, 95], axis=0)
    label = first.measure.value + (" so far" if first.measure in FLOWS else "")
    return Predictive(draws, observed, label, median, low, high)


def predictive_resources(model: CalibrationModel, result: CalibrationResult, draws: int) -> Resources:
    """The memory and time of `posterior_predictive`: one run's, and the draws' values and series kept.

    Parameters
    ----------
    model
        The calibrated plan ready to run.
    result
        The calibration.
    draws
        Runs.

    Returns
    -------
    Resources
    """
    run = (
        simulation_resources(model.setup[0], 1)
        if isinstance(model.plan, CascadePlan)
        else recurring_resources(model.setup, 1)
    )
    width = len(result.observations.observations) + 2 * (result.plan.horizon + 1)
    kept = Part("draws kept", draws * width * 8, f"{draws:,} draws x {width:,} numbers")
    return Resources(
        "posterior predictive", f"{draws:,} runs", (*run.parts, kept), run.seconds * draws, "use fewer draws"
    )


def _agreeing(item: Observation, values: FloatArray) -> float:
    tolerance = item.tolerance or 0.0
    return float(np.mean([item.qualifier.admits(float(v), item.value, tolerance) for v in values]))


def plural(count: int, noun: str) -> str:
    """``1 observed count``, ``3 observed counts``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def describe_calibration(
    result: CalibrationResult, predictive: Predictive | None = None, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """The calibration as a reader wants it: each parameter's posterior beside its prior, what the data
    identify, how the sampler went, and (given) the posterior predictive beside what was observed.

    Parameters
    ----------
    result
        A calibration.
    predictive
        Its posterior predictive, if run.
    threshold
        Observed counts of people from 1 to ``threshold - 1`` are shown as suppressed.

    Returns
    -------
    str
    """
    last = result.generations[-1]
    kept = sum(g.simulations for g in result.generations)
    dropped = f", {result.runs - kept:,} of them in a generation cut short and dropped" if result.runs > kept else ""
    lines = [
        f"{result.plan.name}: calibrated to {plural(len(result.observations.observations), 'observed count')} "
        f"({result.observations.id})",
        f"ABC-SMC: {len(result.generations) - 1} generations after the prior, {result.particles} particles, "
        f"{result.runs:,} runs{dropped}; stopped: {result.stopped}.",
        f"Last tolerance {_number(math.inf if last.tolerance is None else last.tolerance)}, acceptance "
        f"{last.acceptance:.1%}, effective sample "
        f"size {last.ess:.0f}.",
        "",
        f"{'parameter':<28}{'posterior median (90% interval)':<36}{'prior 90% interval':<24}shrinkage",
    ]
    for p in result.posterior:
        posterior = f"{_number(p.median)} ({_number(p.low)} to {_number(p.high)})"
        prior = f"{_number(p.prior_low)} to {_number(p.prior_high)}"
        lines.append(f"{p.path:<28}{posterior:<36}{prior:<24}{p.shrinkage:.0%}")
    for pair in result.correlations:
        lines.append(f"correlated: {pair.first} and {pair.second}, r = {pair.r:+.2f}")
    if result.findings:
        lines += ["", *result.findings]
    if predictive is not None:
        lines += ["", *_predictive_lines(predictive, threshold)]
    return "\n".join(lines) + "\n"


def observed_text(item: Observation, threshold: int = DEFAULT_THRESHOLD) -> str:
    """An observed count as reported, or suppressed when it counts fewer than ``threshold`` people.

    Parameters
    ----------
    item
        The observation.
    threshold
        Counts of people from 1 to ``threshold - 1`` are hidden.

    Returns
    -------
    str
    """
    text = item.describe()
    if item.measure not in PEOPLE or not 0 < (item.value or 0) < threshold:
        return text
    return text.replace(item.qualifier.qualify(item.value), suppressed_text(threshold), 1)


def _predictive_lines(predictive: Predictive, threshold: int) -> Sequence[str]:
    lines = [f"Posterior predictive ({predictive.draws} runs, parameters drawn from the posterior):"]
    for item, estimate, share in predictive.observed:
        lines.append(
            f"  observed {observed_text(item, threshold)}: modelled {_number(estimate.median)} (90% interval "
            f"{_number(estimate.low)} to {_number(estimate.high)}); {share:.0%} of runs agree"
        )
    return lines


def calibration_rows(result: CalibrationResult) -> list[dict[str, float]]:
    """The last generation's particles as rows: each parameter's value, the weight, the distance, and each
    observed count's modelled value (named ``modelled: `` and the count as reported).

    Parameters
    ----------
    result
        A calibration.

    Returns
    -------
    list of dict
    """
    theta, weights = to_numpy(result.theta), to_numpy(result.weights)
    distances, modelled = to_numpy(result.distances), to_numpy(result.statistics)
    said = [item.describe() for item in result.observations.observations]
    names = [f"modelled: {text}" + (f" ({k + 1})" if said.count(text) > 1 else "") for k, text in enumerate(said)]
    rows = []
    for k in range(theta.shape[0]):
        row = {path: float(theta[k, j]) for j, path in enumerate(result.parameters)}
        row |= {"weight": float(weights[k]), "distance": float(distances[k])}
        row |= {name: float(modelled[k, j]) for j, name in enumerate(names)}
        rows.append(row)
    return rows
