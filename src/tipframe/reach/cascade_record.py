"""The compiled cascade engine's entry (numba): replicates drawn, simulated and reduced to what a result keeps.

`replicates_into` draws each replicate's parameters and willing people, runs
``tipframe.reach.cascade_kernel.cascade_replicate`` and writes what ``tipframe.reach.results.Records``
keeps of it into the caller's rows, worked out as the reference engine's records are
(``results._record`` and ``_opportunity``): one call from Python for many replicates, since a
call costs more than a small plan's replicate. Imported only when the compiled backend runs.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from tipframe.reach.cascade_groups import G
from tipframe.reach.cascade_kernel import (
    ACTIVE_FROM,
    C_FACILITATORS,
    C_GEN,
    C_SIZE,
    C_START,
    CHANCES,
    GEN,
    LAST_CHANCE,
    LAST_START,
    NEW,
    STOP_AT,
    T_SIZE,
    TOTAL,
    TRAINED_AT,
    cascade_replicate,
    workspace,
)  # fmt: skip
from tipframe.reach.cascade_random import binomial, parameter, seed

#: numba caches a function with the code of those it calls, but checks only its own file's date:
#: this digest of the modules called (tests/reach/test_backends.py checks it) changes this file when
#: they change, so that no stale compiled code is loaded
CALLS = "ae6dba6b7ca56833"  # cascade_cohorts.py, cascade_groups.py, cascade_kernel.py, cascade_periods.py,
# cascade_random.py
#: the records' rows of places and facilitations (``results.SERIES``), after the kernel's seven series
PLACES = 7


@numba.njit(cache=True)
def _share(flags: Any) -> float:  # pragma: no cover - compiled
    return flags.sum() / flags.size if flags.size else math.nan


@numba.njit(cache=True)
def _summary(ti: Any, tf: Any, marks: Any, judging: Any, numbers: Any, per_trainer: Any) -> None:  # pragma: no cover
    """New trainers per trainer by generation, and ``numbers``' 1 to 6 (`results.NUMBERS`): who ran,
    maintenance, adoption, idle, stopped and setting-level maintenance."""
    horizon, adoption_after, maintenance_after, window = judging[0], judging[1], judging[2], judging[3]
    n = ti.shape[1]
    counts = np.zeros(G, np.int64)
    made = np.zeros(G, np.float64)
    for i in range(n):
        g = min(ti[GEN, i], G - 1)
        counts[g] += 1
        made[g] += tf[NEW, i]
    for g in range(G):
        per_trainer[g] = made[g] / counts[g] if counts[g] > 0 else math.nan
    ran = ti[TOTAL] > 0
    judged = (ti[TRAINED_AT] <= horizon - maintenance_after) & (ti[LAST_CHANCE] >= window)
    numbers[2] = _share(ti[LAST_START][judged] >= window)
    adopting = ran | (ti[CHANCES] >= adoption_after)
    numbers[3] = _share(ran[adopting])
    idle = ~adopting & (ti[ACTIVE_FROM] <= horizon + 1 - adoption_after)
    first, last, chance = marks[1], marks[2], marks[3]
    settled = (first >= 0) & (first < window) & (chance >= window)
    numbers[6] = _share(last[settled] >= window)
    numbers[1] = ran.sum() / n if n else math.nan
    numbers[4] = idle.sum() / n if n else math.nan
    numbers[5] = (ti[STOP_AT] <= horizon).sum() / n if n else math.nan


@numba.njit(cache=True)
def _drawn(rng: Any, whole: Any, draws: Any, pool: Any, hires: Any) -> Any:  # pragma: no cover - compiled
    """A replicate's parameters and who is willing, drawn first, in the reference engine's order (turnover, each
    tier's attrition, completion, conversion and retention, the uptakes, then each uptake group's willing).

    ``draws`` is (kinds, values, floors, uptake kinds, uptake values, groups, fixed hires); writes
    ``pool`` (zeros) and ``hires``. Returns the turnover and the tiers' real numbers."""
    kinds, values, floors, u_kinds, u_values, groups, fixed = draws
    turnover = parameter(rng, kinds[0], values[0, 0], values[0, 1])
    real = np.empty((whole.shape[0], 5), np.float64)
    for tier in range(whole.shape[0]):
        for k in range(4):
            j = 1 + 4 * tier + k
            real[tier, k] = parameter(rng, kinds[j], values[j, 0], values[j, 1])
        real[tier, 4] = floors[tier]
    uptakes = np.empty(u_kinds.size, np.float64)
    for j in range(u_kinds.size):
        uptakes[j] = parameter(rng, u_kinds[j], u_values[j, 0], u_values[j, 1])
    people = np.zeros(pool.size, np.float64)
    for g in range(groups.shape[0]):
        o, n, chance, weight = groups[g, 0], groups[g, 1], uptakes[groups[g, 2]], groups[g, 3]
        if n > 0 and chance >= 1.0:
            pool[o] += n
        elif n > 0 and chance > 0.0:
            pool[o] += binomial(rng, n, chance)
        people[o] += weight
        hires[o] += weight * chance
    for o in range(pool.size):  # a hire's (or an arrival's) chance to be willing: the uptake by headcount
        hires[o] = fixed[o] if fixed.size else hires[o] / people[o] if people[o] > 0 else uptakes[0]
    return turnover, real


@numba.njit(cache=True)
def replicates_into(
    entropy: Any, indices: Any, first: int, inputs: Any, whole: Any, draws: Any, out: Any, organisation_sum: Any,
    feed: Any,
) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """Simulate replicates ``indices`` from the ``first`` on (replicate i from ``SeedSequence(entropy,
    spawn_key=(i,))``) and write what a result keeps of each into its row of ``out``.

    ``inputs`` is (org, seeds, settings, judging, eligible): `cascade_replicate`'s, the periods
    that judge trainers (horizon, adoption after, maintenance after, first period of the window)
    and the eligible staff by organisation; ``draws`` what `_drawn` draws from. ``out`` is the
    rows (series by period, numbers, new trainers per trainer and mean fidelity by generation,
    trained by generation, trained by organisation at the horizon; ``results.Records``); each
    replicate's per-organisation series is added to ``organisation_sum``. ``feed`` is a learning
    pathway's later stage's arrivals (the kernel's; no rows for a plan on its own), for one
    replicate at a time. Stops at the first replicate whose generations do not fit the rows'
    width, writing nothing of it, for the caller to widen them and go on from it.

    Returns the number of the first row not written (all of them when done), the generations the
    replicate there needs, and the last replicate's tables (trainers' whole and real numbers,
    cohorts', cohorts' fidelity, facilitations), from which an event log is made."""
    org, seeds, settings, judging, eligible = inputs
    width = out[4].shape[2]  # generations the rows hold
    rng = np.zeros(4, np.uint64)
    space = workspace(settings, eligible.sum(), eligible.size, seeds.sum(), whole[:, T_SIZE].min())
    for r in range(first, indices.size):
        seed(entropy, indices[r], rng)
        pool, hires = np.zeros(eligible.size, np.int64), np.zeros(eligible.size, np.float64)
        turnover, real = _drawn(rng, whole, draws, pool, hires)
        series, by_gen, by_org, ti, tf, ci, cf, facilitations, marks, space = cascade_replicate(
            rng, org, (whole, real), pool, hires, seeds, settings, turnover, feed, space
        )
        used = 1
        for g in range(G):
            for t in range(by_gen.shape[0]):
                if by_gen[t, g] != 0:
                    used = g + 1
                    break
        if used > width:
            return r, used, ti, tf, ci, cf, facilitations
        _rows(r, series, by_gen, by_org, ti, tf, ci, cf, marks, judging, eligible, out)
        organisation_sum += by_org
    return indices.size, 1, ti, tf, ci, cf, facilitations


@numba.njit(cache=True)
def _rows(
    r: int, series: Any, by_gen: Any, by_org: Any, ti: Any, tf: Any, ci: Any, cf: Any, marks: Any, judging: Any,
    eligible: Any, out: Any,
) -> None:  # fmt: skip  # pragma: no cover - compiled
    """Write row ``r`` of ``out`` (`replicates_into`'s) from a replicate's series and tables."""
    series_out, numbers_out, per_trainer_out, fidelity_out, generations_out, organisations_out = out
    numbers, fidelity = numbers_out[r], fidelity_out[r]
    for t in range(series.shape[0]):
        for k in range(series.shape[1]):
            series_out[r, k, t] = series[t, k]
        series_out[r, PLACES, t], series_out[r, PLACES + 1, t] = 0, 0
        for g in range(min(G, generations_out.shape[2])):
            generations_out[r, t, g] = by_gen[t, g]
    organisations_out[r] = by_org[by_org.shape[0] - 1]
    for c in range(ci.shape[0]):  # each started cohort's people and facilitators, by its start period
        series_out[r, PLACES, ci[c, C_START]] += ci[c, C_SIZE]
        series_out[r, PLACES + 1, ci[c, C_START]] += ci[c, C_FACILITATORS]
    _summary(ti, tf, marks, judging, numbers, per_trainer_out[r])
    hosted, started = marks[0], 0
    for o in range(eligible.size):
        if hosted[o] and eligible[o] > 0:
            started += 1
    numbers[0] = started
    count = np.zeros(G, np.int64)
    total = np.zeros(G, np.float64)
    for c in range(ci.shape[0]):
        g = min(ci[c, C_GEN], G - 1)
        count[g] += 1
        total[g] += cf[c]
    for g in range(G):
        fidelity[g] = total[g] / count[g] if count[g] > 0 else math.nan
