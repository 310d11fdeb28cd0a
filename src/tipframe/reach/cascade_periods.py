"""The compiled cascade engine's period bookkeeping (numba): each period's series, quiet stretches skipped at once,
and the active trainers counted at the end (``tipframe.reach.cascade_kernel`` runs the periods). Imported only when
the compiled backend runs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# The trainer table's and the series' columns (``tipframe.reach.cascade_kernel`` names them all).
ACTIVE_FROM, STOP_AT = 2, 3
S_TRAINED, S_TRAINERS, S_ACTIVE, S_STARTED, S_REACHED = 0, 1, 2, 4, 5


@numba.njit(cache=True)
def record_period(
    t: int, series: Any, by_gen_series: Any, by_org_series: Any, reached: Any, by_org: Any, by_gen: Any, n_tr: int
) -> None:  # pragma: no cover - compiled
    """Record period ``t``'s series, after its last step (the running, started and seed counts are the caller's;
    the active trainers are counted at the end, by `count_active`)."""
    by_gen_series[t] = by_gen
    by_org_series[t] = by_org
    series[t, S_TRAINED] = by_gen.sum()
    series[t, S_TRAINERS] = n_tr
    series[t, S_REACHED] = reached.sum()


@numba.njit(cache=True)
def settled(t: int, last: int, series: Any, by_gen_series: Any, by_org_series: Any) -> None:  # pragma: no cover
    """Record periods ``t`` + 1 to ``last`` - 1 as period ``t`` when nothing happens in them but time: no
    cohort starts or ends, nobody leaves, no trainer becomes active (`quiet_until`), or when
    nothing more can happen (nobody willing is left, no cohort running, no turnover). The counts
    stay as they are (the active trainers apart: `count_active`), no step would draw a number, and
    only the trainers' chances move (``cascade_kernel._chances``)."""
    for u in range(t + 1, last):
        series[u] = series[t]
        series[u, S_STARTED] = 0
        by_gen_series[u] = by_gen_series[t]
        by_org_series[u] = by_org_series[t]


@numba.njit(cache=True)
def quiet_until(t: int, ti: Any, n_tr: int, series: Any, periods: int, stops: bool) -> int:  # pragma: no cover
    """The first period after ``t`` in which something could happen, when in period ``t`` no cohort started, none
    ended, there is no turnover and no number was drawn: a cohort running ends, a trainer becomes active,
    or (``stops``: when free slots were grouped in ``t``) a trainer stops, as one fewer free trainer can
    change how the others' slots pair up. Until then the state stays as it is, and so does the outcome."""
    nxt = int(series.shape[0])  # after the horizon
    for s in range(max(1, t - periods + 2), t + 1):  # the earliest cohorts still running end first
        if series[s, S_STARTED] > 0:
            nxt = min(nxt, s + periods - 1)
            break
    for i in range(n_tr):
        if t < ti[ACTIVE_FROM, i] < nxt:
            nxt = ti[ACTIVE_FROM, i]
        if stops and ti[ACTIVE_FROM, i] <= t < ti[STOP_AT, i] < nxt:
            nxt = ti[STOP_AT, i]
    return nxt


@numba.njit(cache=True)
def count_active(series: Any, ti: Any, n_tr: int) -> None:  # pragma: no cover - compiled
    """Count the trainers active in each period, from their first and stopping periods (fixed when they are
    made): once at the end, not a pass over every trainer each period."""
    horizon = series.shape[0] - 1
    change = np.zeros(horizon + 2, np.int64)
    for i in range(n_tr):
        lo, hi = min(ti[ACTIVE_FROM, i], horizon + 1), min(ti[STOP_AT, i], horizon + 1)
        if lo < hi:
            change[lo] += 1
            change[hi] -= 1
    active = 0
    for t in range(horizon + 1):
        active += change[t]
        series[t, S_ACTIVE] = active
