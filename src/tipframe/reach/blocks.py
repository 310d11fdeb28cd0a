"""Peer uptake 64 replicates at a time: each person holds a 64-bit word, bit j for replicate j of a block.

Imported only when ``simulate_peer_uptake(..., blocks=True)`` runs, so that ``import tipframe``
stays light. Each period, every tie of a person active in replicate j is a trial for replicate j
with chance p; a block takes the trials of all its replicates together, person by person, each
person's replicates in bit order and each replicate's ties in order, and jumps from one success
to the next by geometric gaps, so that it touches only the ties that succeed in some replicate.
A gap comes from one random word by inversion with a table (`gap_table`). A success trains the
colleague in that replicate unless already trained there. The chance of stopping, q, is drawn
as exact Bernoulli masks over the active replicates' bits from q's binary expansion
(`bernoulli_masks`). Block b draws from ``SeedSequence(seed, spawn_key=(b,))``, so its numbers
do not depend on the process it runs in.

Periods count as in the one-at-a-time engine: a replicate's period counts when one of its active
people has an untrained colleague, and a replicate with none stops for good (its active people
are dropped), so each series is as long as the one-at-a-time engine's would be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import numba
import numpy as np

from tipframe.reach.kernels import AHEAD, gap_scale, geometric_gap, popcount, prefetch, trailing_zeros
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
#: a gap's word is looked up by its top bits in a guide of 2 ** GUIDE entries
GUIDE: Final = 10
#: the most gaps the table holds: a longer gap (chance below 2 ** -GUIDE) is this plus a fresh one
FAR: Final = 1024
#: where a block's running gap starts when p = 0: past every trial there is
_NONE: Final = 1 << 62
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


def gap_table(p: float) -> tuple[Any, Any]:
    """Tables to draw geometric gaps (failures before a success, chance ``p``) from uniform 64-bit words.

    ``table[k]`` is 2^64 (1 - p)^k rounded (``table[0]``: all ones), so a word u below it has
    chance (1 - p)^k, and the gap is the last k up to m (``table.size - 1``) with u < table[k];
    a word below ``table[m]`` means a gap of at least m, which is m plus a fresh gap (geometric
    gaps forget). ``guide[b]`` is the gap of the largest word whose top `GUIDE` bits are b, where
    the search starts: a step more is needed only for the few words near a boundary. Cheaper
    than a standard exponential a gap, and as exact (to 2^-64). For p = 1 every gap is 0.
    """
    if not 0 < p < 1:
        return np.zeros(2, np.uint64), np.zeros(1 << GUIDE, np.int64)
    far = min(FAR, math.ceil(GUIDE * math.log(2) / -math.log1p(-p)))
    table = np.minimum(np.exp(np.arange(far + 1) * math.log1p(-p)) * 2.0**64, 2.0**64 - 2**11).astype(np.uint64)
    table[0] = _ALL
    tops = ((np.arange(1 << GUIDE, dtype=np.uint64) + np.uint64(1)) << np.uint64(64 - GUIDE)) - np.uint64(1)
    return table, (table[1:, None] > tops[None, :]).sum(axis=0).astype(np.int64)


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
def _train(indices: Any, hits: Any, n: int, trained: Any, marks: Any) -> Any:  # pragma: no cover - compiled
    """Train each tie's colleague in the replicate of its bit (``hits``: tie positions, then bits),
    unless already trained there, and mark them to be listed; returns the replicates that trained
    someone, as a word. Branch-free: whether the colleague is new is a coin toss to the processor."""
    ties, bits = hits
    reached = np.uint64(0)
    for j in range(n):
        if j + 2 * AHEAD < n:
            prefetch(indices, ties[j + 2 * AHEAD])
        if j + AHEAD < n:
            prefetch(trained, indices[ties[j + AHEAD]])
        colleague = indices[ties[j]]
        old = trained[colleague]
        new = bits[j] & ~old
        trained[colleague] = old | new
        reached |= new
        marks[colleague >> 6] |= np.uint64(new != 0) << np.uint64(colleague & 63)
    return reached


@numba.njit(cache=True)
def _reach(  # pragma: no cover - compiled
    graph: Any, people: Any, words: Any, draws: Any, rng: Any
) -> Any:
    """One period's reaching; returns the replicates that trained someone, and those active, as words.

    ``graph`` is (indptr, indices); ``people`` the active list and its length; ``words`` is (active,
    trained, trained before the period, marks, tie positions, bits); ``draws`` is (random words,
    `gap_table`'s two tables, [next unused word, running gap], `gap_scale` (p)). A person active in
    k replicates has k times their ties as trials, replicate by replicate: trial t is tie t mod
    degree in their (t div degree)-th replicate. The running gap goes on over everyone's trials
    and is -1 before the first draw. Successes are gathered, `TIES` at a time, then trained. The
    draws stay inline: a call passing arrays costs more than a gap.
    """
    indptr, indices = graph
    act, count = people
    active, trained, _before, marks, ties, bits = words
    buf, table, guide, state, scale = draws
    far = table.size - 1
    tail, shift, one = table[far], np.uint64(64 - GUIDE), np.uint64(1)
    order = np.empty(LANES, np.uint64)
    hits = ties, bits
    pos, gap = state[0], state[1]
    reached = lanes = np.uint64(0)
    n = 0
    for i in range(count):
        if i + AHEAD < count:
            prefetch(indptr, act[i + AHEAD])
            prefetch(active, act[i + AHEAD])
        person = act[i]
        word = active[person]
        lanes |= word
        lo = indptr[person]
        degree = indptr[person + 1] - lo
        trials = degree * np.int64(popcount(word))
        if gap >= trials:
            gap -= trials
            continue
        k = 0
        while word:
            order[k] = word & (~word + one)
            word ^= order[k]
            k += 1
        while gap < trials:
            if gap >= 0:
                lane = gap // degree
                ties[n], bits[n] = lo + gap - lane * degree, order[lane]
                n += 1
                if n == TIES:
                    reached |= _train(indices, hits, n, trained, marks)
                    n = 0
            if pos == buf.size:
                pos = _refill(buf, pos, rng)
            u = buf[pos]
            pos += 1
            if u < tail:
                gap += 1 + far + geometric_gap(rng, scale)
            else:
                g = guide[u >> shift]
                while u < table[g + 1]:
                    g += 1
                gap += 1 + g
        gap -= trials
    state[0], state[1] = pos, gap
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
    if q_how == ALWAYS:
        for i in range(count):
            active[act[i]] = 0
        return
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
def _flush(spread: Any, totals: Any) -> None:  # pragma: no cover - compiled
    """Add the byte counters of ``spread`` to ``totals``, one a replicate, and clear them."""
    for j in range(8):
        for b in range(8):
            totals[8 * b + j] += np.int64((spread[j] >> np.uint64(8 * b)) & np.uint64(255))
        spread[j] = 0


@numba.njit(cache=True)
def _settle(  # pragma: no cover - compiled
    act: Any, words: Any, totals: Any
) -> int:
    """List the marked people (those still active and those reached) in increasing order on ``act``,
    the newly trained joining the active, and add those to each replicate's count in ``totals``;
    returns how many are listed.

    The marks are a bit a person, so finding them costs a word per 64 people, not a sort. The
    newly trained bits are those trained but not trained before: only marked people change, so
    the words before the period are kept up to date here rather than copied. They are counted
    without branching on them: word j of ``spread`` holds eight byte counters, for bits j,
    j + 8, ..., emptied into ``totals`` before a byte can overflow.
    """
    active, trained, before, marks, _vbuf, _cbuf = words
    bytewise = np.uint64(0x0101_0101_0101_0101)
    spread = np.zeros(8, np.uint64)
    n = added = 0
    for w in range(marks.size):
        bits = marks[w]
        marks[w] = 0
        while bits:
            person = (w << 6) + trailing_zeros(bits)
            bits &= bits - np.uint64(1)
            act[n] = person
            n += 1
            new = trained[person] & ~before[person]
            if new:
                active[person] |= new
                before[person] = trained[person]
                for j in range(8):
                    spread[j] += (new >> np.uint64(j)) & bytewise
                added += 1
                if added == 255:
                    _flush(spread, totals)
                    added = 0
    _flush(spread, totals)
    return n


@numba.njit(cache=True)
def _record(  # pragma: no cover - compiled
    counts: Any, periods: int, totals: Any, within: Any, lengths: Any
) -> Any:
    """Write each replicate's count as row ``periods`` of ``counts`` (grown as needed, returned);
    replicates in ``within`` ran this period, so it counts in their ``lengths``."""
    if periods == counts.shape[0]:
        grown = np.empty((2 * periods, LANES), np.int64)
        grown[:periods] = counts
        counts = grown
    for lane in range(LANES):
        counts[periods, lane] = counts[0, lane] + totals[lane]
        if (within >> np.uint64(lane)) & np.uint64(1):
            lengths[lane] = periods
    return counts


@numba.njit(cache=True)
def simulate_block(  # pragma: no cover - compiled
    indptr: Any, indices: Any, start: Any, initial: int, p: Any, q: Any, rng: Any, limit: int
) -> Any:
    """Up to 64 replicates of peer uptake at once: trained people per period (rows, index 0: the
    initially active) for each replicate (columns), and each replicate's number of periods.

    ``start`` is each person's word of the replicates they start active in (``initial`` of them
    in each), kept as the active words (so changed); ``p`` is the chance of reaching a colleague
    as (`gap_scale`, then `gap_table`'s tables), ``q`` the chance of stopping as (digits, how
    masks are drawn) from `digits` and `mode`. Rows past a replicate's periods are not its own.
    """
    people = indptr.size - 1
    marks = np.zeros((people >> 6) + 1, np.uint64)
    words = (start, start.copy(), start.copy(), marks, np.empty(TIES, np.int64), np.empty(TIES, np.uint64))
    act = np.empty(people, np.int64)
    first = np.flatnonzero(start)
    act[: first.size] = first
    count = first.size
    buf = np.empty(WORDS + 2 * q[0].size + 1, np.uint64)
    state = (np.array([buf.size, 0, 0], np.int64), np.zeros(2, np.uint64))
    scale, table, guide = p
    running = np.array([WORDS, _NONE if scale == math.inf else -1], np.int64)
    draws = (np.empty(WORDS, np.uint64), table, guide, running, scale)
    totals = np.zeros(LANES, np.int64)
    counts = np.empty((min(limit + 1, LANES), LANES), np.int64)
    counts[0, :] = initial
    lengths = np.zeros(LANES, np.int64)
    periods = 0
    while periods < limit and count > 0:
        reached, lanes = _reach((indptr, indices), (act, count), words, draws, rng)
        within = reached
        if lanes & ~reached:  # replicates that reached nobody: do they have anyone within reach?
            within |= _within((indptr, indices), (act, count), words, lanes & ~reached)
        if within == 0:
            break  # nobody untrained within any replicate's reach: nothing more can happen
        periods += 1
        _stop((act, count), words, within, q, buf, state, rng)
        count = _settle(act, words, totals)
        counts = _record(counts, periods, totals, within, lengths)
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
    p, q = (gap_scale(chances[0]), *gap_table(chances[0])), (digits(chances[1]), mode(chances[1]))
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
