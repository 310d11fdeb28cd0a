"""Pieces of the projection's equations that stand for whole numbers: co-facilitator sets and places.

``pairable`` gives the share of a generation's trainers who can be in a whole set of
co-facilitators: in the stochastic model trainers of one generation pair within their
organisation, then across their partnership network, so a lone trainer of a generation whose
cohorts need two facilitators trains nobody. The count N of such trainers is random; the
expected number of whole sets is ``(E[N] - E[N mod f]) / f``, and ``E[N mod f]`` follows from
N's generating function at the f-th roots of unity. Seed trainers are counted as a binomial
(their number, each still delivering with the share that has not stopped); trainers made in
the run as a Poisson count with their expected number (many completers, each converting
with a small chance): exact for seeds, an approximation for the rest that is poor when
conversion is near 1 (the count is then less variable than a Poisson one).

``partner_places`` fills places from partners' pools in expectation, in rounds, as the
simulation does with random draws: every short organisation asks its partners in proportion to
their pools, and a partner asked for more than it holds shares what it has in proportion to the
asks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.reach.scenario import FloatArray, IntArray

#: rounds of asking partners (the simulation asks until no cohort is short; a few rounds settle it)
ROUNDS = 6


def _remainder(log_g: Any, f: int, mean: FloatArray) -> FloatArray:
    """E[N mod f] from ``log_g[j] = log G(w**j)`` (j = 1..f-1), the generating function at the roots of unity."""
    if f == 1:
        return np.zeros_like(mean)
    total = np.zeros(mean.shape, np.complex128)
    for r in range(1, f):
        # P(N = r mod f) = (1 + sum_j w**(-j r) G(w**j)) / f
        chance = np.ones(mean.shape, np.complex128)
        for j in range(1, f):
            chance = chance + np.exp(-2j * np.pi * j * r / f + log_g[j - 1])
        total = total + r * chance / f
    result: FloatArray = np.clip(total.real, 0.0, None)
    return np.minimum(result, mean)


def pairable(
    seeds: FloatArray, seeds_left: FloatArray, made: FloatArray, component: IntArray, f: int
) -> FloatArray:
    """The share of each organisation's trainers of one generation who can be in a whole set of ``f``.

    Parameters
    ----------
    seeds, seeds_left
        Organisations: seed trainers (whole numbers), and those still delivering (rows x
        organisations); zeros for generations other than the seeds'.
    made
        Rows x organisations: expected trainers made in the run still delivering (zeros for the seeds).
    component
        Each organisation's partnership network.
    f
        Facilitators per cohort.

    Returns
    -------
    numpy.ndarray
        Rows x organisations: whole sets (within the organisation, then its share of those
        formed across its network) times ``f``, over its expected trainers.
    """
    mean = seeds_left + made
    if f == 1:
        return np.ones_like(mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(seeds > 0, seeds_left / np.maximum(seeds, 1e-300), 0.0)
    logs = []
    for j in range(1, f):
        w = np.exp(2j * np.pi * j / f)
        with np.errstate(divide="ignore"):
            logs.append(seeds * np.log((1 - p + p * w).astype(np.complex128)) + made * (w - 1))
    log_g = np.stack(logs)  # roots x rows x organisations
    own_rest = _remainder(log_g, f, mean)
    within = (mean - own_rest) / f
    comps = int(component.max(initial=-1)) + 1
    log_c = np.zeros((f - 1, mean.shape[0], comps), np.complex128)
    np.add.at(log_c.transpose(2, 0, 1), component, log_g.transpose(2, 0, 1))
    comp_mean = np.zeros((mean.shape[0], comps))
    np.add.at(comp_mean.T, component, mean.T)
    comp_sets = (comp_mean - _remainder(log_c, f, comp_mean)) / f
    comp_within = np.zeros_like(comp_mean)
    np.add.at(comp_within.T, component, within.T)
    comp_rest = np.zeros_like(comp_mean)
    np.add.at(comp_rest.T, component, own_rest.T)
    extra = np.clip(comp_sets - comp_within, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        across = np.where(comp_rest > 0, extra / comp_rest, 0.0)[:, component] * own_rest
        share = np.where(mean > 1e-12, f * (within + across) / mean, 0.0)
    result: FloatArray = np.clip(share, 0.0, 1.0)
    return result


def partner_places(
    pool: FloatArray, short: FloatArray, source: IntArray, target: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Places filled from partners, in expectation; takes them out of ``pool``.

    Parameters
    ----------
    pool
        Rows x organisations: people not in a cohort (updated).
    short
        Rows x organisations: places each organisation's cohorts still lack.
    source, target
        The partnerships as directed edges: organisation ``source[e]`` may ask ``target[e]``.

    Returns
    -------
    tuple of numpy.ndarray
        Rows x edges: people each edge gave; rows x organisations: places still unfilled.
    """
    rows = pool.shape[0]
    given = np.zeros((rows, source.size))
    short = short.copy()
    if not source.size:
        return given, short
    for _ in range(ROUNDS):
        supply = np.zeros_like(pool)
        np.add.at(supply.T, source, pool[:, target].T)
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(supply > 0, np.minimum(1.0, short / supply), 0.0)
        ask = fraction[:, source] * pool[:, target]
        if ask.sum() <= 1e-9:
            break
        asked = np.zeros_like(pool)
        np.add.at(asked.T, target, ask.T)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(asked > pool, pool / np.maximum(asked, 1e-300), 1.0)
        granted = ask * ratio[:, target]
        given += granted
        taken = np.zeros_like(pool)
        np.add.at(taken.T, target, granted.T)
        pool -= taken
        got = np.zeros_like(pool)
        np.add.at(got.T, source, granted.T)
        short = np.clip(short - got, 0.0, None)
    np.clip(pool, 0.0, None, out=pool)
    return given, short
