"""Whether a cascade survives its first generations: a branching process over trainers' lines of descent.

The projection's equations (``tipframe.reach.projection``) follow expected numbers, and an
expected number of trainers never dies out. In the stochastic model a seed trainer's line can:
the seed may stop before running a cohort, or its cohorts may make no trainer who goes on.
Expected values stay right while numbers grow freely (they are linear), but not once the pool
runs dry: the runs that survive fill it, the runs that died out stay small, and the mean lies
between them. This module gives, for each row of parameters, the chance that the cascade dies
out and how the equations must be changed to follow the runs that survive and the runs that
die out, so that the projection can weight the two (``tipframe.reach.ensemble``).

The approximation: each trainer of generation g runs K cohorts, where K follows from its
attrition (and turnover) between cohorts, its concurrent and total quotas and the horizon,
and each cohort gives it Binomial(s / f, c v) new trainers (its share of the cohort's s places,
f facilitators sharing them; c completion, v conversion), independently. Trainers' lines are
independent, so the offspring generating function is ``f_g(z) = E[h_g(z) ** K]`` with
``h_g(z) = (1 - c v + c v z) ** (s / f)``, and a generation-g line dies out with probability
``q_g = f_g(q_{g+1})`` (the last tier's fixed point, the smallest root of ``q = f(q)``). It fails
where lines interact: when pools run dry early (offspring fall), when trainers cannot find
co-facilitators (pairing is not in the offspring law), and when cohorts are shared unevenly.
"""

from __future__ import annotations

import attrs
import numpy as np

from tipframe.reach.scenario import FloatArray, TierValues, tier_index

#: a chance of dying out below this is treated as none (the equations are then used as they are)
NEGLIGIBLE = 1e-4


@attrs.frozen(eq=False)
class Survival:
    """For each row of parameters: the chance its cascade dies out, and the equations' adjustments.

    ``extinct[k]`` is the chance that every seed trainer's line dies out. ``survive_scale[k, g]``
    and ``extinct_scale[k, g]`` multiply the conversion of generation-g cohorts (which make
    generation-g trainers) so that the equations follow the expected counts of runs that
    survive and of runs that die out: with ``m_g`` the mean offspring of a generation-g trainer
    and ``e_g`` its mean conditional on its line dying out, a generation-k count is
    ``n prod(m)`` overall, ``n prod(e)`` in runs that die out, and
    ``n (prod(m) - Q prod(e)) / (1 - Q)`` in runs that survive (Q the chance of dying out).
    """

    extinct: FloatArray  # rows
    survive_scale: FloatArray  # rows x generations
    extinct_scale: FloatArray  # rows x generations
    line_extinct: FloatArray  # rows x generations: q_g, the chance a generation-g trainer's line dies out
    offspring: FloatArray  # rows x generations: m_g
    #: rows: the chance a seed trainer runs a cohort at all if its line dies out, over its chance overall
    first_if_extinct: FloatArray


def _cohort_counts(
    attrition: FloatArray, turnover: FloatArray, values: TierValues, delay: int, periods: int, horizon: int
) -> FloatArray:
    """P(K = k), k = 0..kmax, for each row: the cohorts one trainer runs before stopping or the horizon.

    The k-th cohort (concurrent ones together) starts ``(ceil(k / c) - 1) * periods`` periods
    after the trainer is activated; it needs the trainer to survive that many periods' attrition
    and one more (attrition comes before starting in a period), and turnover over those and the
    delay.
    """
    c = max(1, values.concurrent)
    rounds = max(1, -(-horizon // max(1, periods)))
    kmax = int(min(values.total, c * rounds))
    k = np.arange(1, kmax + 1)
    waits = (np.ceil(k / c) - 1) * periods + 1
    stay = (1 - attrition[:, None]) ** waits * (1 - turnover[:, None]) ** (waits + delay)
    at_least = np.concatenate([np.ones((attrition.size, 1)), stay, np.zeros((attrition.size, 1))], axis=1)
    counts: FloatArray = np.clip(at_least[:, :-1] - at_least[:, 1:], 0.0, None)
    return counts


def _generating(counts: FloatArray, share: float, p: FloatArray, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The offspring generating function ``f(z) = sum_k P(K=k) h(z)**k`` and its derivative, per row."""
    base = np.clip(1 - p + p * z, 0.0, None)
    h = base**share
    dh = share * p * np.where(base > 0, base ** (share - 1), 0.0)
    k = np.arange(counts.shape[1])
    powers = h[:, None] ** k
    value = (counts * powers).sum(axis=1)
    slope = (counts[:, 1:] * k[1:] * powers[:, :-1]).sum(axis=1) * dh
    return value, slope


def survival(
    tiers: list[TierValues],
    attrition: FloatArray,
    completion: FloatArray,
    conversion: FloatArray,
    turnover: FloatArray,
    seeds: float,
    cohort_periods: int,
    horizon: int,
    generations: int,
) -> Survival:
    """The branching-process view of each row of parameters (see the module's docstring).

    Parameters
    ----------
    tiers
        The plan's tiers (their whole-number fields: cohort size, facilitators, quotas, delay).
    attrition, completion, conversion
        Rows x tiers: each row's values.
    turnover
        Each row's turnover.
    seeds
        Seed trainers who can run cohorts at all (whole sets of co-facilitators).
    cohort_periods, horizon
        The cohort length and the horizon, in periods.
    generations
        Trainer generations the projection follows.

    Returns
    -------
    Survival
    """
    rows = turnover.size
    count = len(tiers)
    laws = []  # for each trainer generation up to the last tier's: K's law, share, p
    for g in range(count + 1):
        own, cohort = tier_index(g, count), tier_index(g + 1, count)
        delay = 0 if g == 0 else tiers[own].delay
        counts = _cohort_counts(attrition[:, own], turnover, tiers[own], delay, cohort_periods, horizon)
        p = completion[:, cohort] * conversion[:, cohort]
        laws.append((counts, tiers[cohort].cohort_size / tiers[cohort].facilitators, p))
    # The last law repeats: the smallest root of q = f(q), by Newton's method from 0 (f is convex and
    # f(q) - q falls from f(0) >= 0, so the steps climb to that root without passing it).
    counts, share, p = laws[-1]
    q = np.zeros(rows)
    for _ in range(200):
        value, slope = _generating(counts, share, p, q)
        step = np.where(slope < 1 - 1e-12, (value - q) / np.maximum(1 - slope, 1e-12), value - q)
        new = np.clip(q + step, 0.0, 1.0)
        if np.abs(new - q).max(initial=0.0) < 1e-13:
            break
        q = new
    line = np.ones((rows, generations))
    mean = np.ones((rows, generations))
    tilted = np.ones((rows, generations))
    later = q
    for g in range(generations - 1, -1, -1):
        counts, share, p = laws[min(g, count)]
        value, slope = _generating(counts, share, p, later)
        line[:, g] = value
        mean[:, g] = _generating(counts, share, p, np.ones(rows))[1]
        with np.errstate(invalid="ignore", divide="ignore"):
            tilted[:, g] = np.where(value > 0, later * slope / value, 0.0)
        later = value
    extinct = np.where(seeds > 0, line[:, 0] ** seeds, 1.0)
    never = laws[0][0][:, 0]  # P(K = 0) for a seed trainer
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.where((line[:, 0] > 0) & (never < 1), (1 - never / line[:, 0]) / (1 - never), 1.0)
    return Survival(extinct, *_scales(extinct, mean, tilted), line, mean, np.clip(first, 0.0, 1.0))


def _scales(extinct: FloatArray, mean: FloatArray, tilted: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Conversion factors by cohort generation for runs that survive and runs that die out."""
    rows, generations = mean.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(mean > 0, tilted / mean, 1.0)
    # ratio[:, g] is for the offspring of generation-g trainers, made by generation g + 1 cohorts.
    extinct_scale = np.ones((rows, generations))
    extinct_scale[:, 1:] = ratio[:, :-1]
    cumulative = np.cumprod(extinct_scale, axis=1)
    q = extinct[:, None]
    live = (q > NEGLIGIBLE) & (q < 1 - NEGLIGIBLE)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(live, (1 - q * cumulative) / (1 - q), 1.0)
    survive_scale = np.ones((rows, generations))
    with np.errstate(invalid="ignore", divide="ignore"):
        survive_scale[:, 1:] = np.where(phi[:, :-1] > 0, phi[:, 1:] / phi[:, :-1], 1.0)
    return survive_scale, np.where(live, extinct_scale, 1.0)
