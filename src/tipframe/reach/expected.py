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


def group_sum(values: Any, index: IntArray, size: int) -> Any:
    """Sums of ``values`` over its last axis into ``size`` groups (``index`` gives each entry's), for every
    leading row at once: ``np.add.at`` without its cost."""
    lead = values.shape[:-1]
    if values.shape[-1] == 0:
        return np.zeros((*lead, size), values.dtype)
    flat = values.reshape(-1, values.shape[-1])
    keys = (np.arange(flat.shape[0])[:, None] * size + index[None, :]).ravel()
    length = flat.shape[0] * size

    def summed(part: Any) -> Any:
        return np.bincount(keys, weights=part.ravel(), minlength=length).reshape(*lead, size)

    if np.iscomplexobj(values):
        return summed(flat.real) + 1j * summed(flat.imag)
    return summed(flat)


def sum_rows(values: FloatArray, index: IntArray, size: int) -> FloatArray:
    """Sums of the rows of ``values`` (entries x rows) into ``size`` groups (``index`` gives each entry's),
    as rows x groups."""
    rows = values.shape[1]
    keys = (index[:, None] * rows + np.arange(rows)[None, :]).ravel()
    summed = np.bincount(keys, weights=values.ravel(), minlength=size * rows).reshape(size, rows)
    result: FloatArray = summed.T.astype(np.float64, copy=False)
    return result


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
    seeds: FloatArray, seeds_left: FloatArray, made: FloatArray, component: IntArray, order: IntArray, f: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """How each organisation's trainers of one generation form whole sets of ``f``, and where the sets are hosted.

    Parameters
    ----------
    seeds, seeds_left
        Rows x organisations: seed trainers (whole numbers), and those still delivering; zeros
        for generations other than the seeds'.
    made
        Rows x organisations: expected trainers made in the run still delivering (zeros for the seeds).
    component
        Each organisation's partnership network.
    order
        The organisations by network, then by preference as a host (fewest eligible staff first).
    f
        Facilitators per cohort.

    Returns
    -------
    tuple of numpy.ndarray
        Rows x organisations: the share of its expected trainers in whole sets (within the
        organisation, then across its network); the share of those in sets within it; and the
        chance that a set formed across its network is hosted by it (the organisation with the
        most eligible staff among the set's, as in the simulation).
    """
    mean = seeds_left + made
    comps = int(component.max(initial=-1)) + 1
    comp_mean = group_sum(mean, component, comps)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(seeds > 0, seeds_left / np.maximum(seeds, 1e-300), 0.0)
    if f == 2:  # E[N mod 2] = (1 - G(-1)) / 2, in real numbers: |G(-1)| by its log, and its sign
        base = 1 - 2 * p
        with np.errstate(divide="ignore"):
            log_abs = seeds * np.log(np.abs(base)) - 2 * made
        flips = ((base < 0) & (seeds % 2 == 1)).astype(np.float64)
        own_rest = np.minimum(mean, np.clip((1 - np.exp(log_abs) * (1 - 2 * flips)) / 2, 0.0, None))
        sign = 1 - 2 * (group_sum(flips, component, comps) % 2)
        comp_rest_n = (1 - np.exp(group_sum(log_abs, component, comps)) * sign) / 2
        comp_sets = (comp_mean - np.minimum(comp_mean, np.clip(comp_rest_n, 0.0, None))) / 2
    else:
        logs = []
        for j in range(1, f):
            w = np.exp(2j * np.pi * j / f)
            with np.errstate(divide="ignore"):
                logs.append(seeds * np.log((1 - p + p * w).astype(np.complex128)) + made * (w - 1))
        log_g = np.stack(logs)  # roots x rows x organisations
        own_rest = _remainder(log_g, f, mean)
        comp_sets = (comp_mean - _remainder(group_sum(log_g, component, comps), f, comp_mean)) / f
    within = (mean - own_rest) / f
    if comps == component.size:  # no partnerships: every set is within its organisation
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip(np.where(mean > 1e-12, f * within / mean, 0.0), 0.0, 1.0)
        share[share < 1e-9] = 0.0  # rounding, not a set
        return share, np.ones_like(mean), np.ones_like(mean)
    comp_rest = group_sum(own_rest, component, comps)
    extra = np.clip(comp_sets - group_sum(within, component, comps), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        across = np.where(comp_rest > 0, extra / comp_rest, 0.0)[:, component] * own_rest
        share = np.clip(np.where(mean > 1e-12, f * (within + across) / mean, 0.0), 0.0, 1.0)
        inside = np.where(within + across > 0, within / (within + across), 1.0)
    share[share < 1e-9] = 0.0  # rounding, not a set
    return share, inside, _hosts(own_rest, comp_rest, component, order, f)


def _hosts(rest: FloatArray, comp_rest: FloatArray, component: IntArray, order: IntArray, f: int) -> FloatArray:
    """The chance that a set formed across a network is hosted by each organisation: the set's f trainers
    are taken as left over at random, and the one with most eligible staff hosts it."""
    ranked = rest[:, order]
    cumulative = np.cumsum(ranked, axis=1)
    comp = component[order]
    starts = np.flatnonzero(np.concatenate(([True], comp[1:] != comp[:-1])))
    offset = np.repeat((cumulative - ranked)[:, starts], np.diff(np.append(starts, comp.size)), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.where(comp_rest > 0, comp_rest, 1.0)[:, comp]
        upper = np.clip((cumulative - offset) / total, 0.0, 1.0)
        lower = np.clip((cumulative - offset - ranked) / total, 0.0, 1.0)
    host = np.zeros_like(rest)
    host[:, order] = upper**f - lower**f
    return host


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
    rows, orgs = pool.shape
    given = np.zeros((rows, source.size))
    short = short.copy()
    if not source.size:
        return given, short
    for _ in range(ROUNDS):
        supply = group_sum(pool[:, target], source, orgs)
        fraction = np.minimum(1.0, np.divide(short, supply, out=np.zeros_like(short), where=supply > 0))
        ask = fraction[:, source] * pool[:, target]
        if ask.sum() <= 1e-9:
            break
        asked = group_sum(ask, target, orgs)
        ratio = np.divide(pool, asked, out=np.ones_like(pool), where=asked > pool)
        granted = ask * ratio[:, target]
        given += granted
        pool -= group_sum(granted, target, orgs)
        np.clip(pool, 0.0, None, out=pool)  # rounding must not leave a partner owing people
        short = np.clip(short - group_sum(granted, source, orgs), 0.0, None)
    np.clip(pool, 0.0, None, out=pool)
    return given, short
