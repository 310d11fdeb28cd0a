"""The compiled cascade engine's entry (numba): a replicate simulated and reduced to what a result keeps, in one call.

`replicate_into` runs ``tipframe.reach.cascade_kernel.cascade_replicate`` and writes what
``tipframe.reach.results.Records`` keeps of it into the caller's rows, worked out as the
reference engine's records are (``results._record`` and ``_opportunity``): a call from Python
and a few arrays back, not a dozen arrays to reduce in Python. Imported only when the compiled
backend runs.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from tipframe.reach.cascade_groups import G
from tipframe.reach.cascade_kernel import C_GEN, cascade_replicate

#: numba caches a function with the code of those it calls, but checks only its own file's date:
#: this digest of the modules called (tests/reach/test_backends.py checks it) changes this file when
#: they change, so that no stale compiled code is loaded
CALLS = "7f39ef5fb3b387ea"  # cascade_cohorts.py, cascade_groups.py, cascade_kernel.py, cascade_random.py
# The trainer table's rows (``tipframe.reach.cascade_kernel`` names them all).
GEN, ACTIVE_FROM, STOP_AT, TRAINED_AT, LAST_START, TOTAL, CHANCES, LAST_CHANCE = 1, 2, 3, 7, 9, 6, 12, 13
NEW = 1


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
def replicate_into(
    rng: Any, inputs: Any, tiers: Any, pool: Any, uptake: Any, turnover: float, rows: Any, organisation_sum: Any
) -> Any:  # pragma: no cover - compiled
    """Simulate one replicate and write what a result keeps of it.

    ``inputs`` is (org, seeds, settings, judging, eligible): `cascade_replicate`'s, the periods
    that judge trainers (horizon, adoption after, maintenance after, first period of the window)
    and the eligible staff by organisation. ``rows`` is the replicate's rows (series by period,
    numbers, new trainers per trainer and mean fidelity by generation; ``results.Records``);
    its per-organisation series is added to ``organisation_sum``. Returns its trained by
    generation up to the last generation trained, and the tables an event log is made of
    (trainers' whole and real numbers, cohorts', cohorts' fidelity, facilitations)."""
    org, seeds, settings, judging, eligible = inputs
    series_out, numbers, per_trainer, fidelity = rows
    series, by_gen, by_org, ti, tf, ci, cf, facilitations, marks = cascade_replicate(
        rng, org, tiers, pool, uptake, seeds, settings, turnover
    )
    for t in range(series.shape[0]):
        for k in range(series.shape[1]):
            series_out[k, t] = series[t, k]
    organisation_sum += by_org
    _summary(ti, tf, marks, judging, numbers, per_trainer)
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
    used = 1
    for g in range(G):
        for t in range(by_gen.shape[0]):
            if by_gen[t, g] != 0:
                used = g + 1
                break
    return by_gen[:, :used].copy(), ti, tf, ci, cf, facilitations
