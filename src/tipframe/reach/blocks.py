"""Peer uptake 64 replicates at a time: each person holds a 64-bit word, bit j for replicate j of a block.

Imported only when ``simulate_peer_uptake(..., blocks=True)`` runs, so that ``import tipframe``
stays light. Each period, every tie of a person active in replicate j is a trial for replicate j
with chance p; a block takes the trials of all its replicates together, tie by tie and the
replicates of a tie in bit order, and jumps from one success to the next by geometric gaps (as
the one-at-a-time kernel does), so that it touches only the ties that succeed in some replicate.
A success trains the colleague in that replicate unless already trained there. The chance of
stopping, q, is drawn as exact Bernoulli masks over the active replicates' bits from q's binary
expansion (`bernoulli_masks`). Block b draws from ``SeedSequence(seed, spawn_key=(b,))``, so its
numbers do not depend on the process it runs in.

Periods count as in the one-at-a-time engine: a replicate's period counts when one of its active
people has an untrained colleague, and a replicate with none stops for good (its active people
are dropped), so each series is as long as the one-at-a-time engine's would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numba
import numpy as np

from tipframe.reach.kernels import AHEAD, gap_scale, geometric_gap, popcount, prefetch
from tipframe.reach.scenario import IntArray

#: replicates in a block: the bits of a word
LANES: Final = 64
#: successful ties gathered before their colleagues are looked up (and active people whose stopping
#: masks are drawn together): looking them up from a list lets those trips to memory overlap
TIES: Final = 4096
#: random words drawn at once; a mask never needs more than twice q's digits beyond them
WORDS: Final = 4096
#: a mask's first bits come one at a time from a reservoir of 64 drawn together; more than this
#: many are drawn together, straight from p's digits
SINGLE: Final = 4
_ALL: Final = 0xFFFF_FFFF_FFFF_FFFF
#: the position of a word's one set bit, from its product with a de Bruijn sequence (the top six bits)
_DEBRUIJN: Final = np.array(
    [0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24,
     18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25,
     14, 19, 9, 13, 8, 7, 6],
    np.int64,
)  # fmt: skip
#: how `bernoulli_masks` draws: never (p = 0), always (p = 1), or from p's digits
NEVER, ALWAYS, DRAWN = 0, 1, 2


def digits(p: float) -> Any:
    """The binary digits of ``p`` after the point (0 <= p < 1), as words of all zeros or all ones.

    A double's expansion is finite; it stops at its last 1 (at most 1,074 digits). p = 0 has none.
    """
    numerator, denominator = float(p).as_integer_ratio()
    length = denominator.bit_length() - 1
    return np.array([_ALL * ((numerator >> (length - k)) & 1) for k in range(1, length + 1)], np.uint64)


def mode(p: float) -> int:
    """How masks of chance ``p`` are drawn: `NEVER`, `ALWAYS` or `DRAWN`."""
    return NEVER if p <= 0 else ALWAYS if p >= 1 else DRAWN


@numba.njit(cache=True)
def _refill(  # pragma: no cover - compiled
    buf: Any, pos: int, rng: Any
) -> int:
    """Keep the words not yet used, at the front, and draw the rest: the words come in the generator's order."""
    rest = buf.size - pos
    buf[:rest] = buf[pos:]
    buf[rest:] = rng.integers(0, 0xFFFF_FFFF_FFFF_FFFF, size=buf.size - rest, dtype=np.uint64, endpoint=True)
    return 0


@numba.njit(cache=True)
def _expand(  # pragma: no cover - compiled
    cand: Any, p_digits: Any, buf: Any, pos: int
) -> Any:
    """A Bernoulli(p) mask over the bits of ``cand``, and the next unused word.

    Each bit compares a uniform number U, one random binary digit a word, with p's digits, and
    is decided at the first digit where they differ (U < p when p's digit is 1): about two words
    for one bit, about log2(n) + 2 for n. Bits still undecided when p's digits end have U >= p.
    """
    result = np.uint64(0)
    undecided = cand
    for k in range(p_digits.size):
        if undecided == 0:
            break
        word = buf[pos]
        pos += 1
        digit = p_digits[k]
        result |= undecided & ~word & digit
        undecided &= ~(word ^ digit)
    return result, pos


@numba.njit(cache=True)
def _masks(  # pragma: no cover - compiled
    cands: Any, n: int, p_digits: Any, how: int, buf: Any, state: Any, slot: int, rng: Any
) -> None:
    """Replace each of ``cands[:n]`` by a Bernoulli(p) mask over its bits.

    A mask's first `SINGLE` bits each take the next bit of a reservoir word, a full 64-bit mask
    drawn by `_expand` and used one bit at a time (its bits are independent, whichever places
    they go to; those left when it runs low are dropped); the rest are drawn together by
    `_expand`. ``state`` is (the next unused word of ``buf`` then each reservoir's bits left;
    each reservoir's word), kept between calls; ``slot`` names the reservoir (one per chance).
    The steps are branch-free where the outcome is random: a mispredicted branch costs more
    than the words. The loop keeps its state in local variables and calls out (to `_expand`,
    `_refill`) only now and then: a numba call that passes arrays costs about 35 ns here (their
    reference counts), more than a mask.
    """
    if how != DRAWN:
        if how == NEVER:
            cands[:n] = 0
        return
    one, zero = np.uint64(1), np.uint64(0)
    counters, reservoirs = state
    pos, left, reservoir = counters[0], counters[1 + slot], reservoirs[slot]
    for k in range(n):
        if pos > WORDS:
            pos = _refill(buf, pos, rng)
        if left < SINGLE:
            reservoir, pos = _expand(np.uint64(_ALL), p_digits, buf, pos)
            left = LANES
        cand = cands[k]
        mask = zero
        for _ in range(SINGLE):
            low = cand & (~cand + one)
            used = np.uint64(low != zero)
            mask |= low & (zero - (reservoir & one))
            reservoir >>= used
            left -= np.int64(used)
            cand ^= low
        if cand:
            rest, pos = _expand(cand, p_digits, buf, pos)
            mask |= rest
        cands[k] = mask
    counters[0], counters[1 + slot], reservoirs[slot] = pos, left, reservoir


@numba.njit(cache=True)
def _nth(word: Any, k: int) -> Any:  # pragma: no cover - compiled
    """The ``k``-th lowest set bit of ``word`` (counting from 0), alone."""
    for _ in range(k):
        word &= word - np.uint64(1)
    return word & (~word + np.uint64(1))


@numba.njit(cache=True)
def _train(indices: Any, hits: Any, n: int, trained: Any, marks: Any) -> Any:  # pragma: no cover - compiled
    """Train each tie's colleague in the replicates of its bit (``hits``: tie positions, then bits),
    unless already trained there, and mark them to be listed; returns the replicates that trained
    someone, as a word."""
    ties, bits = hits
    reached = np.uint64(0)
    for j in range(n):
        if j + 2 * AHEAD < n:
            prefetch(indices, ties[j + 2 * AHEAD])
        if j + AHEAD < n:
            prefetch(trained, indices[ties[j + AHEAD]])
        colleague = indices[ties[j]]
        new = bits[j] & ~trained[colleague]
        if new:
            trained[colleague] |= new
            reached |= new
            marks[colleague >> 6] |= np.uint64(1) << np.uint64(colleague & 63)
    return reached


@numba.njit(cache=True)
def _reach(  # pragma: no cover - compiled
    graph: Any, people: Any, words: Any, scale: float, gaps: Any, rng: Any
) -> Any:
    """One period's reaching; returns the replicates that trained someone, and those active, as words.

    ``graph`` is (indptr, indices); ``people`` the active list and its length; ``words`` is (active,
    trained, trained before the period, marks, tie positions, bits). Each tie of a person active in replicate j is a
    trial for replicate j; a person's trials are taken tie by tie, the replicates of each tie in
    bit order, and the trials of all the active people one after another, and the successes are
    found by geometric gaps (``gaps[0]`` carries the gap left over), so only ties that succeed in
    some replicate are touched: they are gathered, `TIES` at a time, then trained.
    """
    indptr, indices = graph
    act, count = people
    active, trained, _before, marks, ties, bits = words
    hits = ties, bits
    reached = lanes = np.uint64(0)
    gap, n = gaps[0], 0
    for i in range(count):
        if i + AHEAD < count:
            prefetch(indptr, act[i + AHEAD])
            prefetch(active, act[i + AHEAD])
        person = act[i]
        word = active[person]
        lanes |= word
        width = np.int64(popcount(word))
        lo = indptr[person]
        trials = width * (indptr[person + 1] - lo)
        while gap < trials:
            if n == TIES:
                reached |= _train(indices, hits, n, trained, marks)
                n = 0
            if width == 1:  # most often: no division
                ties[n], bits[n] = lo + gap, word
            else:
                ties[n], bits[n] = lo + gap // width, _nth(word, gap % width)
            n += 1
            gap += 1 + geometric_gap(rng, scale)
        gap -= trials
    gaps[0] = gap
    return reached | _train(indices, hits, n, trained, marks), lanes


@numba.njit(cache=True)
def _within(graph: Any, people: Any, words: Any, lanes: Any) -> Any:  # pragma: no cover - compiled
    """Which of the replicates ``lanes`` have an active person with an untrained colleague, as a word."""
    indptr, indices = graph
    act, count = people
    active, trained = words[0], words[1]
    found = np.uint64(0)
    for i in range(count):
        word = active[act[i]] & lanes & ~found
        if word:
            for tie in range(indptr[act[i]], indptr[act[i] + 1]):
                found |= word & ~trained[indices[tie]]
            if found == lanes:
                break
    return found


@numba.njit(cache=True)
def _stop(  # pragma: no cover - compiled
    people: Any, words: Any, within: Any, q: Any, buf: Any, state: Any, rng: Any
) -> None:
    """The active each stop with chance q (``q``: its digits, how masks are drawn); those who go on
    are marked. Replicates with nobody untrained within reach (outside ``within``) stop for good."""
    act, count = people
    active, _trained, _before, marks, _vbuf, cbuf = words
    q_digits, q_how = q
    for lo in range(0, count, TIES):
        hi = min(count, lo + TIES)
        for i in range(lo, hi):
            active[act[i]] &= within
            cbuf[i - lo] = active[act[i]]
        _masks(cbuf, hi - lo, q_digits, q_how, buf, state, 1, rng)
        for i in range(lo, hi):
            person = act[i]
            active[person] &= ~cbuf[i - lo]
            if active[person]:
                marks[person >> 6] |= np.uint64(1) << np.uint64(person & 63)


@numba.njit(cache=True)
def _settle(  # pragma: no cover - compiled
    act: Any, words: Any, levels: Any
) -> int:
    """List the marked people (those still active and those reached) in increasing order on ``act``,
    the newly trained joining the active, and count those in ``levels``; returns how many are listed.

    The marks are a bit a person, so finding them costs a word per 64 people, not a sort. The
    newly trained bits are those trained but not trained before: only marked people change, so
    the words before the period are kept up to date here rather than copied. ``levels`` are
    bit-sliced counters: level k holds bit k of each replicate's count.
    """
    active, trained, before, marks, _vbuf, _cbuf = words
    one = np.uint64(1)
    n = 0
    for w in range(marks.size):
        bits = marks[w]
        marks[w] = 0
        while bits:
            low = bits & (~bits + one)
            person = (w << 6) + _DEBRUIJN[(low * np.uint64(0x03F79D71B4CB0A89)) >> np.uint64(58)]
            bits ^= low
            act[n] = person
            n += 1
            carry = trained[person] & ~before[person]
            if carry:
                active[person] |= carry
                before[person] = trained[person]
                k = 0
                while carry:
                    overflow = levels[k] & carry
                    levels[k] ^= carry
                    carry = overflow
                    k += 1
    return n


@numba.njit(cache=True)
def _record(  # pragma: no cover - compiled
    counts: Any, periods: int, levels: Any, within: Any, lengths: Any
) -> Any:
    """Write each replicate's count as row ``periods`` of ``counts`` (grown as needed, returned);
    replicates in ``within`` ran this period, so it counts in their ``lengths``."""
    one = np.uint64(1)
    if periods == counts.shape[0]:
        grown = np.empty((2 * periods, LANES), np.int64)
        grown[:periods] = counts
        counts = grown
    for lane in range(LANES):
        total = np.int64(0)
        for k in range(LANES):
            total += np.int64((levels[k] >> np.uint64(lane)) & one) << k
        counts[periods, lane] = counts[0, lane] + total
        if (within >> np.uint64(lane)) & one:
            lengths[lane] = periods
    return counts


@numba.njit(cache=True)
def simulate_block(  # pragma: no cover - compiled
    indptr: Any, indices: Any, start: Any, initial: int, p: Any, q: Any, rng: Any, limit: int
) -> Any:
    """Up to 64 replicates of peer uptake at once: trained people per period (rows, index 0: the
    initially active) for each replicate (columns), and each replicate's number of periods.

    ``start`` is each person's word of the replicates they start active in (``initial`` of them
    in each); ``p`` is `gap_scale` of the chance of reaching a colleague, ``q`` the chance of
    stopping as (digits, how masks are drawn) from `digits` and `mode`.
    Rows past a replicate's periods are not its own.
    """
    people = indptr.size - 1
    marks = np.zeros((people >> 6) + 1, np.uint64)
    words = (start.copy(), start.copy(), start.copy(), marks, np.empty(TIES, np.int64), np.empty(TIES, np.uint64))
    act = np.empty(people, np.int64)
    first = np.flatnonzero(start)
    act[: first.size] = first
    count = first.size
    buf = np.empty(WORDS + 2 * q[0].size + 1, np.uint64)
    state = (np.array([buf.size, 0, 0], np.int64), np.zeros(2, np.uint64))
    gaps = np.array([geometric_gap(rng, p)], np.int64)
    levels = np.zeros(LANES, np.uint64)
    counts = np.empty((min(limit + 1, LANES), LANES), np.int64)
    counts[0, :] = initial
    lengths = np.zeros(LANES, np.int64)
    periods = 0
    while periods < limit and count > 0:
        reached, lanes = _reach((indptr, indices), (act, count), words, p, gaps, rng)
        within = reached
        if lanes & ~reached:  # replicates that reached nobody: do they have anyone within reach?
            within |= _within((indptr, indices), (act, count), words, lanes & ~reached)
        if within == 0:
            break  # nobody untrained within any replicate's reach: nothing more can happen
        periods += 1
        _stop((act, count), words, within, q, buf, state, rng)
        count = _settle(act, words, levels)
        counts = _record(counts, periods, levels, within, lengths)
    return counts[: periods + 1], lengths


def _start(people: int, initial_active: IntArray | int, lanes: int, rng: np.random.Generator) -> Any:
    """Each person's word of the replicates they start active in: the people given in every replicate,
    or a count chosen at random for each replicate in turn (bit order)."""
    start = np.zeros(people, np.uint64)
    if isinstance(initial_active, int):
        for lane in range(lanes):
            start[rng.choice(people, size=initial_active, replace=False)] |= np.uint64(1 << lane)
    else:
        start[initial_active] = np.uint64((1 << lanes) - 1)
    return start


def run_blocks(
    graph: tuple[IntArray, IntArray],
    initial_active: IntArray | int,
    chances: tuple[float, float],
    seed: int,
    blocks: Sequence[int],
    replicates: int,
    limit: int,
) -> list[IntArray]:
    """The series of every replicate in ``blocks`` (block b: replicates 64 b to 64 b + 63, those below
    ``replicates``), in order; block b draws from ``SeedSequence(seed, spawn_key=(b,))``.

    Parameters
    ----------
    graph
        The network's ``indptr`` and ``indices``.
    initial_active
        The people active at the start (distinct, sorted), or how many to choose in each replicate.
    chances
        p and q.
    seed, blocks, replicates, limit
        The run's seed, the blocks to run, the run's replicates, and the most periods.

    Returns
    -------
    list of numpy.ndarray
        Trained people per period (index 0: the initially active), one series a replicate.
    """
    indptr, indices = graph
    p, q = gap_scale(chances[0]), (digits(chances[1]), mode(chances[1]))
    series: list[IntArray] = []
    for block in blocks:
        lanes = min(LANES, replicates - LANES * block)
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        start = _start(indptr.size - 1, initial_active, lanes, rng)
        initial = initial_active if isinstance(initial_active, int) else initial_active.size
        counts, lengths = simulate_block(indptr, indices, start, initial, p, q, rng, limit)
        series += [counts[: lengths[lane] + 1, lane].copy() for lane in range(lanes)]
    return series


@numba.njit(cache=True)
def _draw_masks(  # pragma: no cover - compiled
    cands: Any, p_digits: Any, how: int, rng: Any
) -> Any:
    """The masks of `bernoulli_masks`, drawn `TIES` words at a time as the engine draws them."""
    buf = np.empty(WORDS + 2 * p_digits.size + 1, np.uint64)
    state = (np.array([buf.size, 0, 0], np.int64), np.zeros(2, np.uint64))
    masks = cands.copy()
    for lo in range(0, masks.size, TIES):
        chunk = masks[lo : lo + TIES]
        _masks(chunk, chunk.size, p_digits, how, buf, state, 0, rng)
    return masks


def bernoulli_masks(cands: Any, p: float, rng: np.random.Generator) -> Any:
    """Bernoulli(p) masks over the bits of each of ``cands`` (uint64 words), drawn as the block engine draws them.

    Parameters
    ----------
    cands
        The words whose bits are to be decided, in order.
    p
        Each bit's chance of being 1.
    rng
        The generator the random words come from.

    Returns
    -------
    numpy.ndarray
        One mask a word (uint64), within its word's bits.
    """
    return _draw_masks(np.asarray(cands, np.uint64), digits(p), mode(p), rng)
