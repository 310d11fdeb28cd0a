"""Random numbers for the compiled cascade engine (numba): each replicate's own stream, drawn inside the kernel.

Replicate i's stream starts from ``SeedSequence(entropy, spawn_key=(i,))``, as every engine's
does: `seed` works out that child's first four 64-bit words exactly as numpy does
(``generate_state(4, numpy.uint64)``, the words numpy's PCG64 starts from) and they start a
xoshiro256** generator (Blackman and Vigna, 2018). The kernel draws from it in place: a numpy
``Generator`` costs about 14 µs to pass into compiled code and 25 µs to make, more than a small
plan's replicate takes to simulate, and numba's ``integers`` and ``binomial`` cost 35 to 55 ns
a draw. Every draw here comes from uniforms with its exact distribution (up to double
rounding). Imported only when the compiled backend runs.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

#: above this mean (of the rarer outcome), a binomial is drawn by transformed rejection (about two uniforms
#: whatever the mean); below, inversion of one uniform takes about mean + 1 steps
INVERSION = 16.0
# numpy's SeedSequence constants (numpy/random/bit_generator.pyx).
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _MASK = 0xCA01F9DD, 0x4973F715, 0xFFFFFFFF
_POOL = 4


@numba.njit(cache=True, inline="always")
def _hashmix(value: int, const: Any) -> int:  # pragma: no cover - compiled
    value = (value ^ const[0]) & _MASK
    const[0] = (const[0] * _MULT_A) & _MASK
    value = (value * const[0]) & _MASK
    return value ^ (value >> 16)


@numba.njit(cache=True, inline="always")
def _mix(x: int, y: int) -> int:  # pragma: no cover - compiled
    result = (_MIX_L * x - _MIX_R * y) & _MASK
    return result ^ (result >> 16)


@numba.njit(cache=True)
def seed(entropy: Any, index: int, state: Any) -> None:  # pragma: no cover - compiled
    """Start ``state`` (4 words) from ``SeedSequence(entropy, spawn_key=(index,))``: its ``generate_state(4,
    numpy.uint64)``. ``entropy`` is the run entropy as numpy assembles it (32-bit words, int64 here)."""
    words = np.zeros(max(entropy.size, _POOL) + 2, np.int64)  # the run's entropy, padded, then the spawn key
    words[: entropy.size] = entropy
    n = max(entropy.size, _POOL)
    words[n] = index & _MASK
    n += 1
    if index >> 32:
        words[n] = index >> 32
        n += 1
    pool = np.zeros(_POOL, np.int64)
    const = np.array([_INIT_A], np.int64)
    for i in range(_POOL):
        pool[i] = _hashmix(words[i] if i < n else 0, const)
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], _hashmix(pool[src], const))
    for src in range(_POOL, n):
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], _hashmix(words[src], const))
    mult = _INIT_B
    for k in range(8):  # eight 32-bit words, two to a 64-bit word (the first the low half)
        value = (pool[k % _POOL] ^ mult) & _MASK
        mult = (mult * _MULT_B) & _MASK
        value = (value * mult) & _MASK
        value ^= value >> 16
        if k % 2 == 0:
            state[k // 2] = np.uint64(value)
        else:
            state[k // 2] |= np.uint64(value) << np.uint64(32)
    if state[0] == 0 and state[1] == 0 and state[2] == 0 and state[3] == 0:
        state[0] = 1  # xoshiro's one forbidden state: a chance of 2**-256


@numba.njit(cache=True, inline="always")
def _rotl(x: Any, k: int) -> Any:  # pragma: no cover - compiled
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(cache=True, inline="always")  # called once a draw: no call
def uniform(rng: Any) -> float:  # pragma: no cover - compiled
    """A uniform number in [0, 1) from 53 random bits (xoshiro256** on the 4 words of ``rng``)."""
    result = _rotl(rng[1] * np.uint64(5), 7) * np.uint64(9)
    t = rng[1] << np.uint64(17)
    rng[2] ^= rng[0]
    rng[3] ^= rng[1]
    rng[1] ^= rng[2]
    rng[0] ^= rng[3]
    rng[2] ^= t
    rng[3] = _rotl(rng[3], 45)
    return float(result >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True, inline="always")  # called once a place or cohort: no call
def below(rng: Any, n: int) -> int:  # pragma: no cover - compiled
    """A whole number from 0 to ``n`` - 1, each equally likely (``n`` at least 1)."""
    return min(int(uniform(rng) * n), n - 1)


@numba.njit(cache=True, inline="always")
def geometric(rng: Any, p: float) -> int:  # pragma: no cover - compiled
    """The trial of the first success, each trial succeeding with chance ``p`` (from 1; ``p`` above 0)."""
    if p >= 1.0:
        return 1
    return 1 + int(min(math.floor(math.log1p(-uniform(rng)) / math.log1p(-p)), 4.0e18))


@numba.njit(cache=True)
def _btrs(rng: Any, n: int, p: float) -> int:  # pragma: no cover - compiled
    """A binomial count with ``p`` at most 1/2 and mean above `INVERSION`, in constant expected time:
    Hörmann's transformed rejection with squeeze (BTRS; "The generation of binomial random variates",
    1993), exact (a rejection method)."""
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    lpq = math.log(p / (1.0 - p))
    m = math.floor((n + 1) * p)
    h = math.lgamma(m + 1.0) + math.lgamma(n - m + 1.0)
    while True:
        u = uniform(rng) - 0.5
        v = uniform(rng)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c) if us > 0.0 else -1.0
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if v <= 0.0:
            continue
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= h - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0) + (k - m) * lpq:
            return int(k)


@numba.njit(cache=True, inline="always")  # called once a cohort or organisation: no call
def binomial(rng: Any, n: int, p: float) -> int:  # pragma: no cover - compiled
    """How many of ``n`` trials succeed, each with chance ``p``: by inversion of one uniform when the rarer
    outcome's mean is small, else by transformed rejection (`_btrs`)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    q = 1.0 - p if flip else p
    k = 0
    if n * q > INVERSION:
        k = _btrs(rng, n, q)
        return n - k if flip else k
    ratio = q / (1.0 - q)
    prob = (1.0 - q) ** n
    u = uniform(rng)
    while u > prob and k < n:  # down the distribution from 0: about n * q + 1 steps
        u -= prob
        prob *= ratio * (n - k) / (k + 1)
        k += 1
    return n - k if flip else k


@numba.njit(cache=True)
def normal(rng: Any) -> float:  # pragma: no cover - compiled
    """A standard normal number (Marsaglia's polar method, one of the pair)."""
    while True:
        x = 2.0 * uniform(rng) - 1.0
        y = 2.0 * uniform(rng) - 1.0
        r = x * x + y * y
        if 0.0 < r < 1.0:
            return x * math.sqrt(-2.0 * math.log(r) / r)


@numba.njit(cache=True)
def _log_gamma(rng: Any, shape: float) -> float:  # pragma: no cover - compiled
    """The logarithm of a gamma number of scale 1 (Marsaglia and Tsang, 2000; below shape 1, boosted by a
    uniform's power, in logarithms so that tiny shapes do not underflow to 0)."""
    boost = 0.0
    if shape < 1.0:
        boost = math.log(1.0 - uniform(rng)) / shape
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(rng)
        v = (1.0 + c * x) ** 3
        if v <= 0.0:
            continue
        u = 1.0 - uniform(rng)
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return math.log(d * v) + boost


@numba.njit(cache=True)
def parameter(rng: Any, kind: int, a: float, b: float) -> float:  # pragma: no cover - compiled
    """A parameter's value for one replicate: ``kind`` 0 fixed (``a``), 1 beta(a, b) (a ratio of gammas),
    2 uniform(a, b), 3 gamma(shape a, scale b), 4 lognormal(mu a, sigma b), as ``tipframe.model.Distribution``."""
    if kind == 1:
        x, y = _log_gamma(rng, a), _log_gamma(rng, b)
        return 1.0 / (1.0 + math.exp(y - x)) if y - x < 700.0 else 0.0
    if kind == 2:
        return a + (b - a) * uniform(rng)
    if kind == 3:
        return math.exp(_log_gamma(rng, a)) * b
    if kind == 4:
        return math.exp(a + b * normal(rng))
    return a
