"""Compiled kernels (numba): the engines' inner loops, drawing from the same generators in the same order.

Imported only when a compiled backend runs, so that ``import tipframe`` stays light; the first
call in a process compiles (or loads the compiled code cached beside this file by
``cache=True``). Each kernel takes a replicate's `numpy.random.Generator` and draws from it
exactly as the reference (numpy) engine does, so the two give identical numbers; the tests check
that they do.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


@numba.njit(cache=True)
def peer_replicate(  # pragma: no cover - compiled; checked against the reference engine
    indptr: Any, indices: Any, start: Any, p: float, q: float, rng: Any, limit: int
) -> Any:
    """One replicate of peer uptake: trained people per period (index 0: the initially active).

    In each period every tie of every active person, in order, draws one number (whether or
    not its colleague is trained), but only when someone untrained is within reach at all;
    those reached (sorted) are trained and join the active, who each stop with chance ``q``
    (one draw each, in order, when ``q`` < 1). The reference engine (``tipframe.reach.spread``)
    draws the same numbers in the same order, in pieces.
    """
    people = indptr.size - 1
    trained = np.zeros(people, np.bool_)
    seen = np.zeros(people, np.bool_)
    found = np.empty(people, np.int64)
    counts = np.empty(limit + 1, np.int64)
    active = start.copy()
    for person in active:
        trained[person] = True
    total = 0
    for person in range(people):
        total += trained[person]
    counts[0] = total
    periods = 0
    while periods < limit and active.size > 0:
        within = False
        for person in active:
            for tie in range(indptr[person], indptr[person + 1]):
                if not trained[indices[tie]]:
                    within = True
                    break
            if within:
                break
        if not within:
            break  # nobody untrained within reach: nothing more can happen, and nothing is drawn
        draws = 0
        for person in active:
            draws += indptr[person + 1] - indptr[person]
        # One block of draws for the period's ties, as the reference draws them: generating them
        # together is several times faster than one call a tie.
        chances = rng.random(draws)
        reached = 0
        drawn = 0
        for person in active:
            for tie in range(indptr[person], indptr[person + 1]):
                colleague = indices[tie]
                if chances[drawn] < p and not trained[colleague] and not seen[colleague]:
                    seen[colleague] = True
                    found[reached] = colleague
                    reached += 1
                drawn += 1
        news = np.sort(found[:reached])
        for colleague in news:
            seen[colleague] = False
            trained[colleague] = True
        still = active[rng.random(active.size) >= q] if q < 1 else active[:0]
        active = np.concatenate((still, news))
        periods += 1
        total += reached
        counts[periods] = total
    return counts[: periods + 1].copy()
