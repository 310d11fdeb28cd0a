"""Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), deterministic and executor-agnostic.

The population-Monte-Carlo scheme of Beaumont, Cornuet, Marin and Robert (2009, "Adaptive
approximate Bayesian computation", Biometrika 96(4)) with adaptive tolerances: generation 0 is a
sample of the prior; each later generation proposes from the last (a particle drawn by weight, moved
by a normal kernel with twice the population's weighted covariance), keeps proposals whose
simulated counts lie within the tolerance, and weighs them by prior over proposal density. The next
tolerance is a quantile of the accepted distances.

Slot j of generation g draws from ``SeedSequence(seed, spawn_key=(g, j))``: its proposal from the
child with key (g, j, 0), its simulation from (g, j, 1). Slots are tried in batches whose sizes
depend only on earlier results, and the first N accepted in slot order make the population, so
the posterior is the same however slots are shared between processes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.model import Distribution, Parameter, Qualifier
from tipframe.model.observations import Observation
from tipframe.reach.scenario import FloatArray

__all__ = [
    "Population",
    "SmcSettings",
    "Trace",
    "deviations",
    "log_prior",
    "prior_variance",
    "run_smc",
    "sample_prior",
    "weighted_quantile",
]

#: a batch simulates, at most, this many times the population
_MOST = 20


@attrs.frozen
class SmcSettings:
    """How the sampler runs: population size, budget, and when it stops."""

    particles: int
    simulations: int  # the most simulations in all, generation 0 included
    generations: int  # the most generations after generation 0
    quantile: float  # the next tolerance: this weighted quantile of the accepted distances
    min_acceptance: float  # stop after a generation accepting fewer than this share of its simulations


@attrs.frozen
class Population:
    """One generation's particles."""

    theta: FloatArray  # particles x parameters
    weights: FloatArray  # normalised
    distances: FloatArray
    statistics: FloatArray  # particles x observations
    tolerance: float | None  # None for generation 0 (every prior draw kept)
    acceptance: float  # accepted / simulated
    simulations: int

    @property
    def ess(self) -> float:
        """Effective sample size, 1 / sum of squared weights."""
        return float(1.0 / np.sum(self.weights**2))


@attrs.frozen
class Trace:
    """What the sampler did: every complete generation, and why it stopped."""

    populations: tuple[Population, ...]
    scales: FloatArray  # each observation's scale in the distance
    stopped: str
    runs: int  # simulated in all, a generation cut short by the budget included


def log_prior(priors: Sequence[Parameter], theta: FloatArray) -> FloatArray:
    """The log prior density of each row of ``theta`` (-inf outside the support).

    Parameters
    ----------
    priors
        Each free parameter's distribution.
    theta
        Rows of values, one column a parameter.

    Returns
    -------
    numpy.ndarray
    """
    total = np.zeros(theta.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for column, prior in enumerate(priors):
            x = theta[:, column]
            a, b = (*prior.values, 0.0)[:2]
            if prior.distribution is Distribution.BETA:
                inside = (x > 0) & (x < 1)
                beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
                value = (a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - beta
            elif prior.distribution is Distribution.UNIFORM:
                inside = (x >= a) & (x <= b)
                value = np.full(x.shape, -math.log(b - a))
            elif prior.distribution is Distribution.GAMMA:
                inside = x > 0
                value = (a - 1) * np.log(x) - x / b - math.lgamma(a) - a * math.log(b)
            else:  # lognormal
                inside = x > 0
                value = -np.log(x * b * math.sqrt(2 * math.pi)) - (np.log(x) - a) ** 2 / (2 * b * b)
            total += np.where(inside, value, -np.inf)
    return total


def prior_variance(prior: Parameter) -> float:
    """A prior's variance, in closed form.

    Parameters
    ----------
    prior
        A distribution.

    Returns
    -------
    float
    """
    a, b = (*prior.values, 0.0)[:2]
    if prior.distribution is Distribution.BETA:
        return a * b / ((a + b) ** 2 * (a + b + 1))
    if prior.distribution is Distribution.UNIFORM:
        return (b - a) ** 2 / 12
    if prior.distribution is Distribution.GAMMA:
        return a * b * b
    if prior.distribution is Distribution.LOGNORMAL:
        return (math.exp(b * b) - 1) * math.exp(2 * a + b * b)
    return 0.0


def sample_prior(priors: Sequence[Parameter], rng: np.random.Generator) -> FloatArray:
    """One draw of each prior, in order.

    Parameters
    ----------
    priors
        The distributions.
    rng
        The generator drawn from.

    Returns
    -------
    numpy.ndarray
    """
    from tipframe.reach.scenario import parameter_value

    return np.array([parameter_value(p, rng) for p in priors], np.float64)


def weighted_quantile(values: FloatArray, weights: FloatArray, q: float) -> float:
    """The smallest value whose weighted share of the values at or below it is at least ``q``.

    Parameters
    ----------
    values, weights
        The sample and its weights (not necessarily normalised).
    q
        From 0 to 1.

    Returns
    -------
    float
    """
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
    return float(values[order][min(index, values.size - 1)])


def deviations(observations: Sequence[Observation], statistics: FloatArray) -> FloatArray:
    """How far each modelled count falls from what was observed, as qualified (0 when it agrees).

    An at-least count is met by any value at or above it, an at-most by any at or below, an
    about count by any within its tolerance, a suppressed one by any from 1 to 4.

    Parameters
    ----------
    observations
        The observations, in column order.
    statistics
        Modelled counts, rows of runs, a column an observation.

    Returns
    -------
    numpy.ndarray
        Same shape, non-negative.
    """
    out = np.empty_like(statistics, dtype=np.float64)
    for column, item in enumerate(observations):
        s = statistics[:, column]
        v = float(item.value) if item.value is not None else 0.0
        if item.qualifier is Qualifier.AT_LEAST:
            out[:, column] = np.maximum(0.0, v - s)
        elif item.qualifier is Qualifier.AT_MOST:
            out[:, column] = np.maximum(0.0, s - v)
        elif item.qualifier is Qualifier.ABOUT:
            out[:, column] = np.maximum(0.0, np.abs(s - v) - (item.tolerance or 0.0))
        elif item.qualifier is Qualifier.SUPPRESSED:
            out[:, column] = np.maximum(0.0, np.maximum(1.0 - s, s - 4.0))
        else:
            out[:, column] = np.abs(s - v)
    return out


def _scales(observations: Sequence[Observation], statistics: FloatArray) -> FloatArray:
    """Each observation's scale: the prior predictive's median absolute deviation (normal-consistent), or the
    observed value where that is 0, so that counts of different sizes weigh alike."""
    median = np.median(statistics, axis=0)
    mad = 1.4826 * np.median(np.abs(statistics - median), axis=0)
    fallback = np.array([max(1.0, float(item.value or 1)) for item in observations])
    scales: FloatArray = np.where(mad > 0, mad, fallback)
    return scales


def _distances(observations: Sequence[Observation], statistics: FloatArray, scales: FloatArray) -> FloatArray:
    weights = np.array([item.weight for item in observations])
    scaled = deviations(observations, statistics) / scales
    distances: FloatArray = np.sqrt((weights * scaled**2).sum(axis=1))
    return distances


#: simulate slots: (generation, slot numbers, proposals) -> modelled counts, a row a slot
Simulate = Callable[[int, Sequence[int], FloatArray], FloatArray]


class _Kernel:
    """The last population as a proposal: a particle by weight, moved by a normal with twice its covariance."""

    def __init__(self, last: Population, priors: Sequence[Parameter]) -> None:
        self.last, self.priors = last, priors
        dimension = last.theta.shape[1]
        covariance = 2.0 * np.atleast_2d(np.cov(last.theta.T, aweights=last.weights, bias=True))
        floor = np.array([max(prior_variance(p), 1e-300) for p in priors]) * 1e-10
        covariance = covariance + np.diag(floor)  # a population of one value still moves
        self.cholesky = np.linalg.cholesky(covariance)
        self.inverse = np.linalg.inv(covariance)
        self.log_norm = -0.5 * (dimension * math.log(2 * math.pi) + np.linalg.slogdet(covariance)[1])
        self.cumulative = np.cumsum(last.weights)

    def propose(self, rng: np.random.Generator) -> FloatArray | None:
        """A proposal inside the prior's support, or None after 1,000 tries outside it."""
        for _ in range(1000):
            index = min(
                int(np.searchsorted(self.cumulative, rng.random() * self.cumulative[-1])), self.cumulative.size - 1
            )
            theta: FloatArray = self.last.theta[index] + self.cholesky @ rng.standard_normal(self.cholesky.shape[0])
            if np.isfinite(log_prior(self.priors, theta[None, :])[0]):
                return theta
        return None

    def weights(self, theta: FloatArray) -> FloatArray:
        """Prior over proposal density for each row of ``theta``, normalised."""
        log_density = np.empty(theta.shape[0])
        for lo in range(0, theta.shape[0], 256):  # in blocks: rows x particles x parameters at once
            diff = theta[lo : lo + 256, None, :] - self.last.theta[None, :, :]
            quadratic = np.einsum("ijk,kl,ijl->ij", diff, self.inverse, diff)
            terms = np.log(self.last.weights)[None, :] + self.log_norm - 0.5 * quadratic
            top = terms.max(axis=1)
            log_density[lo : lo + 256] = top + np.log(np.exp(terms - top[:, None]).sum(axis=1))
        log_weights = log_prior(self.priors, theta) - log_density
        weights: FloatArray = np.exp(log_weights - log_weights.max())
        normalised: FloatArray = weights / weights.sum()
        return normalised


def _rng(seed: int, generation: int, slot: int) -> np.random.Generator:
    """Slot ``slot`` of ``generation``'s proposal stream: the child (g, j, 0) of ``SeedSequence(seed, (g, j))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(generation, slot, 0))))


def _propose(
    kernel: _Kernel | None, priors: Sequence[Parameter], seed: int, generation: int, slots: range
) -> tuple[FloatArray, Any]:
    """Proposals for ``slots`` (rows) and which slots have one (a proposal may find no point in the prior)."""
    theta = np.full((len(slots), len(priors)), np.nan)
    for row, slot in enumerate(slots):
        rng = _rng(seed, generation, slot)
        found = sample_prior(priors, rng) if kernel is None else kernel.propose(rng)
        if found is not None:
            theta[row] = found
    return theta, np.isfinite(theta).all(axis=1)


def _batch(particles: int, accepted: int, tried: int, left: int) -> int:
    """The next batch's size: enough, at the acceptance seen so far, to fill the population (with a margin)."""
    if tried == 0:
        wanted = particles
    else:
        rate = max(accepted, 1) / tried
        wanted = math.ceil(1.2 * (particles - accepted) / rate)
    return max(1, min(wanted, _MOST * particles, left))


def _generation(
    generation: int, kernel: _Kernel, tolerance: float, context: tuple[Any, ...], left: int
) -> tuple[Population | None, int]:
    """Simulate slots of one generation until ``particles`` are within ``tolerance``, or the budget ``left`` runs
    out (None). Returns the population and the simulations run."""
    priors, observations, simulate, seed, settings, scales, progress = context
    n = settings.particles
    kept: list[tuple[FloatArray, FloatArray, FloatArray]] = []
    accepted, tried, needed = 0, 0, 0
    while accepted < n:
        size = _batch(n, accepted, tried, left - tried)
        if left - tried <= 0:
            return None, tried
        slots = range(tried, tried + size)
        theta, proposed = _propose(kernel, priors, seed, generation, slots)
        stats = np.full((size, len(observations)), np.nan)
        if proposed.any():
            stats[proposed] = simulate(generation, [s for s, ok in zip(slots, proposed, strict=True) if ok],
                                       theta[proposed])  # fmt: skip
        tried += size
        if progress is not None:
            progress(generation, tried)
        distance = np.where(proposed, _distances(observations, np.nan_to_num(stats), scales), np.inf)
        within = np.flatnonzero(distance <= tolerance)[: n - accepted]
        kept.append((theta[within], stats[within], distance[within]))
        accepted += within.size
        needed = slots[within[-1]] + 1 if within.size else tried
    theta = np.concatenate([k[0] for k in kept])
    population = Population(theta, kernel.weights(theta), np.concatenate([k[2] for k in kept]),
                            np.concatenate([k[1] for k in kept]), tolerance, n / needed, tried)  # fmt: skip
    return population, tried


def run_smc(
    priors: Sequence[Parameter],
    observations: Sequence[Observation],
    simulate: Simulate,
    seed: int,
    settings: SmcSettings,
    progress: Callable[[int, int], None] | None = None,
) -> Trace:
    """Sample the posterior of ``priors`` given ``observations`` by ABC-SMC.

    Parameters
    ----------
    priors
        Each free parameter's prior.
    observations
        The counts, in the order `simulate` returns them.
    simulate
        Runs slots of a generation at proposed values; returns their modelled counts.
    seed
        The run's seed.
    settings
        Population size, budget and stopping rules.
    progress
        Called with (generation, slots simulated in it) after each batch.

    Returns
    -------
    Trace
    """
    n = settings.particles
    theta, _ = _propose(None, priors, seed, 0, range(n))
    statistics = simulate(0, list(range(n)), theta)
    if progress is not None:
        progress(0, n)
    scales = _scales(observations, statistics)
    first = Population(theta, np.full(n, 1.0 / n), _distances(observations, statistics, scales), statistics,
                       None, 1.0, n)  # fmt: skip
    used = n
    populations = [first]
    stopped = "the most generations"
    for generation in range(1, settings.generations + 1):
        last = populations[-1]
        tolerance = weighted_quantile(last.distances, last.weights, settings.quantile)
        if last.tolerance is not None and tolerance >= last.tolerance:
            stopped = "the tolerance stopped falling"
            break
        context = (priors, observations, simulate, seed, settings, scales, progress)
        population, spent = _generation(generation, _Kernel(last, priors), tolerance, context,
                                        settings.simulations - used)  # fmt: skip
        used += spent
        if population is None:
            stopped = "the simulation budget ran out"
            break
        populations.append(population)
        if population.acceptance < settings.min_acceptance:
            stopped = "acceptance fell below the minimum"
            break
        if tolerance == 0.0:
            stopped = "every kept run agreed with every count"
            break
    return Trace(tuple(populations), scales, stopped, used)
