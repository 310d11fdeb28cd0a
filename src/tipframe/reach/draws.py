"""Random draws for a batch of replicates, each entry from its own replicate's generator.

A batch simulates several replicates together (see ``tipframe.reach.batch``), but a replicate's
numbers must not depend on the batch it ran in: every helper here draws a replicate's entries
from that replicate's generator only, in their order within the replicate, so each generator
sees exactly the calls it would see if its replicate ran alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

from tipframe.reach.scenario import FloatArray, IntArray

#: a period after every horizon: when a trainer who never stops stops
NEVER: Final = 1 << 40


def each(
    rngs: Sequence[np.random.Generator],
    rep: IntArray,
    draw: Callable[[np.random.Generator, IntArray], Any],
    dtype: Any = np.int64,
) -> Any:
    """Draw for each entry from its replicate's generator, a replicate's entries in their order."""
    out = np.zeros(rep.size, dtype)
    if rep.size == 0:
        return out
    order = np.argsort(rep, kind="stable")
    ranked = rep[order]
    bounds = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1], [True])))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        chosen = order[lo:hi]
        out[chosen] = draw(rngs[int(ranked[lo])], chosen)
    return out


def binomial(rngs: Sequence[np.random.Generator], rep: IntArray, n: IntArray, p: FloatArray) -> IntArray:
    """Binomial(n, p) for each entry, from its replicate's generator."""
    result: IntArray = each(rngs, rep, lambda rng, i: rng.binomial(n[i], p[i]))
    return result


def stops(
    rngs: Sequence[np.random.Generator],
    rep: IntArray,
    attrition: FloatArray,
    active_from: IntArray,
    turnover: FloatArray,
    exposed_from: int,
) -> tuple[IntArray, IntArray]:
    """The period in which each new trainer stops delivering, and the one in which they leave (or ``NEVER``).

    Stopping with probability p in each active period is stopping after a geometric number of
    active periods, so the waiting times are drawn once, when a trainer is made: first for
    attrition (counted from the period it becomes active), then for leaving the workforce
    (counted from ``exposed_from``, the first period turnover can take it).
    """
    stop = np.full(rep.size, NEVER, np.int64)
    chance = attrition > 0
    if chance.any():
        which = np.flatnonzero(chance)
        p = attrition[which]
        stop[which] = active_from[which] - 1 + each(rngs, rep[which], lambda rng, i: rng.geometric(p[i]))
    leave = np.full(rep.size, NEVER, np.int64)
    leaves = turnover[rep] > 0
    if leaves.any():
        which = np.flatnonzero(leaves)
        q = turnover[rep[which]]
        leave[which] = exposed_from - 1 + each(rngs, rep[which], lambda rng, i: rng.geometric(q[i]))
    return np.minimum(stop, leave), leave


def blocks(rngs: Sequence[np.random.Generator], rep: IntArray, sizes: IntArray) -> FloatArray:
    """``sizes[i]`` uniforms for each entry, from its replicate's generator; entries are sorted by replicate.

    Returns them end to end in entry order, each replicate's in a single draw.
    """
    total = np.bincount(rep, weights=sizes, minlength=len(rngs)).astype(np.int64)
    return np.concatenate([np.zeros(0)] + [rngs[int(r)].random(int(total[r])) for r in np.flatnonzero(total)])


def positions(uniforms: FloatArray, total: IntArray) -> IntArray:
    """Uniform whole numbers below ``total`` (exact arithmetic: the same on every machine)."""
    result: IntArray = np.minimum(np.floor(uniforms * total), total - 1).astype(np.int64)
    return result


def going_on(rng: np.random.Generator, done: IntArray, left: IntArray, onward: IntArray) -> IntArray:
    """Of ``done`` completers by organisation (a pathway's previous stage), those whose role needs the next stage:
    drawn without replacement from ``left`` people, ``onward`` of whom go on; both are updated."""
    done = np.minimum(done, left)
    going = np.zeros(done.size, np.int64)
    which = np.flatnonzero(done > 0)
    if which.size:
        going[which] = rng.hypergeometric(onward[which], left[which] - onward[which], done[which])
    onward -= going
    left -= done
    return going
