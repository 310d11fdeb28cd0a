"""Random draws for the compiled cascade engine (numba), from one uniform each where that is cheaper.

numba's ``Generator.integers`` and ``Generator.binomial`` cost 35 to 55 ns a call (a general
set-up each time), against about 6 ns for ``Generator.random``; the engine draws them once a
place or a cohort, so at national scale they were a large part of its time. These draw from
the same generator, by inversion, with the exact distribution up to double rounding (a
chance of at most ``n * 2**-53`` per draw of being off by one). Imported only when the
compiled backend runs.
"""

from __future__ import annotations

from typing import Any

import numba

#: above this mean (of the rarer outcome), a binomial is drawn by numba's own method, whose cost
#: does not grow with it; below, inversion takes about mean + 1 steps
INVERSION = 16.0


@numba.njit(cache=True, inline="always")  # called once a place or cohort: no call
def below(rng: Any, n: int) -> int:  # pragma: no cover - compiled
    """A whole number from 0 to ``n`` - 1, each equally likely (``n`` at least 1)."""
    return min(int(rng.random() * n), n - 1)


@numba.njit(cache=True, inline="always")  # called once a cohort or organisation: no call
def binomial(rng: Any, n: int, p: float) -> int:  # pragma: no cover - compiled
    """How many of ``n`` trials succeed, each with chance ``p``: by inversion of one uniform when the
    rarer outcome's mean is small, else by numba's ``Generator.binomial``."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    q = 1.0 - p if flip else p
    if n * q > INVERSION:
        return int(rng.binomial(n, p))
    ratio = q / (1.0 - q)
    prob = (1.0 - q) ** n
    u = rng.random()
    k = 0
    while u > prob and k < n:  # down the distribution from 0: about n * q + 1 steps
        u -= prob
        prob *= ratio * (n - k) / (k + 1)
        k += 1
    return n - k if flip else k
