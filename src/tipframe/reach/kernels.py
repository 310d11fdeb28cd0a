"""Compiled kernels (numba): the peer engine one replicate at a time.

Imported only when a compiled backend runs, so that ``import tipframe`` stays light; the first
call in a process compiles (or loads the compiled code cached beside this file by
``cache=True``). The kernel draws from the replicate's `numpy.random.Generator`, but not the
numbers the reference engine (``tipframe.reach.spread``) draws: rather than a uniform number a
tie, it jumps from one successful tie to the next by geometric gaps, so that it touches only the
ties that succeed (about p of them). Its results therefore agree with the reference engine's in
distribution, not number for number (the tests compare the two by two-sample Kolmogorov-Smirnov
tests and per-period means); where nothing is random (p and q each 0 or 1) they are the same.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numba
import numpy as np
from llvmlite import ir  # type: ignore[import-untyped]
from numba.core import cgutils as _cgutils
from numba.core import types
from numba.cpython.unsafe.numbers import trailing_zeros as _trailing_zeros
from numba.extending import intrinsic

# numba's intrinsics and code generation helpers carry no usable type hints: called untyped
cgutils: Any = _cgutils
trailing_zeros: Any = _trailing_zeros

#: successful ties gathered before their colleagues are looked up: looking them up from a list,
#: not as the walk over the ties finds them, lets many of those trips to memory overlap
HITS: Final = 4096
#: how many people (or ties) ahead of the one being read its memory is asked for
AHEAD: Final = 32
#: a gap this long passes every tie there is (it also keeps the float-to-integer cast in range)
_FAR: Final = float(2**62)


def _prefetch(typingctx: Any, array: Any, index: Any) -> Any:  # pragma: no cover - compiled
    """``prefetch(array, index)``: ask for ``array[index]`` to be brought into cache (LLVM's prefetch;
    nothing is read or checked)."""
    signature = types.void(array, index)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        kind = sig.args[0]
        view = context.make_array(kind)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, kind, view, [args[1]], wraparound=False)
        byte, word = ir.IntType(8).as_pointer(), ir.IntType(32)
        # Older LLVM names the intrinsic by its pointer type; newer LLVM renames it as it reads it.
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte, word, word, word]), "llvm.prefetch.p0i8"
        )
        builder.call(function, [builder.bitcast(pointer, byte), word(0), word(3), word(1)])  # read, keep, data
        return context.get_dummy_value()

    return signature, codegen


def _popcount(typingctx: Any, word: Any) -> Any:  # pragma: no cover - compiled
    """``popcount(word)``: the set bits of a 64-bit word (LLVM's ctpop: one instruction where the
    processor has it)."""

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


prefetch: Any = intrinsic(_prefetch)
popcount: Any = intrinsic(_popcount)


@numba.njit(cache=True)
def gap_scale(p: float) -> float:  # pragma: no cover - compiled
    """What `geometric_gap` multiplies a standard exponential by for chance ``p``: -1 / log(1 - p), 0 when
    p = 1 (no gaps), infinity when p = 0 (no successes)."""
    return -1.0 / math.log1p(-p) if 0 < p < 1 else 0.0 if p >= 1 else math.inf


@numba.njit(cache=True)
def geometric_gap(rng: Any, scale: float) -> int:  # pragma: no cover - compiled
    """Failed trials before the next success: floor(E * ``scale``) for E standard exponential, geometric
    with chance p for ``scale`` = `gap_scale` (p) (none drawn when p = 1)."""
    if scale == 0.0:
        return 0
    gap = rng.standard_exponential() * scale
    return int(gap) if gap < _FAR else int(_FAR)


@numba.njit(cache=True)
def _mark(marks: Any, person: int) -> None:  # pragma: no cover - compiled
    marks[person >> 6] |= np.uint64(1) << np.uint64(person & 63)


@numba.njit(cache=True)
def _collect(marks: Any, act: Any) -> int:  # pragma: no cover - compiled
    """List the marked people on ``act`` in increasing order, clearing the marks; returns how many.

    A bit a person: finding them costs a word per 64 people, not a sort, and the order keeps the
    next period's reads of the network moving forward through memory.
    """
    count = 0
    for w in range(marks.size):
        bits = marks[w]
        if bits:
            marks[w] = 0
            while bits:
                act[count] = (w << 6) + trailing_zeros(bits)
                count += 1
                bits &= bits - np.uint64(1)
    return count


@numba.njit(cache=True)
def _train(indices: Any, hits: Any, n: int, trained: Any, marks: Any) -> int:  # pragma: no cover - compiled
    """Train the untrained colleagues at the successful ties ``hits[:n]``, marking them to be active next
    period; returns how many (one reached twice counts once)."""
    reached = 0
    for j in range(n):
        if j + AHEAD < n:
            prefetch(indices, hits[j + AHEAD])
        colleague = indices[hits[j]]
        if not trained[colleague]:
            trained[colleague] = True
            _mark(marks, colleague)
            reached += 1
    return reached


@numba.njit(cache=True)
def _reach(  # pragma: no cover - compiled
    graph: Any, act: Any, count: int, trained: Any, marks: Any, scale: float, rng: Any, hits: Any
) -> int:
    """One period's reaching: each tie of each active person succeeds with chance p, found by geometric
    gaps over the active people's ties taken one after another. Returns how many are trained."""
    indptr, indices = graph
    reached = 0
    n = 0
    gap = geometric_gap(rng, scale)
    for i in range(count):
        if i + AHEAD < count:
            prefetch(indptr, act[i + AHEAD])
        person = act[i]
        lo, hi = indptr[person], indptr[person + 1]
        if gap >= hi - lo:
            gap -= hi - lo
            continue
        tie = lo + gap
        while tie < hi:
            if n == hits.size:
                reached += _train(indices, hits, n, trained, marks)
                n = 0
            hits[n] = tie
            n += 1
            tie += 1 + geometric_gap(rng, scale)
        gap = tie - hi
    return reached + _train(indices, hits, n, trained, marks)


@numba.njit(cache=True)
def _within(graph: Any, act: Any, count: int, trained: Any) -> bool:  # pragma: no cover - compiled
    """Whether anyone untrained is a colleague of one of the active people."""
    indptr, indices = graph
    for i in range(count):
        for tie in range(indptr[act[i]], indptr[act[i] + 1]):
            if not trained[indices[tie]]:
                return True
    return False


@numba.njit(cache=True)
def peer_replicate(  # pragma: no cover - compiled; checked against the reference engine
    indptr: Any, indices: Any, start: Any, p: float, q: float, rng: Any, limit: int
) -> Any:
    """One replicate of peer uptake: trained people per period (index 0: the initially active).

    Each period every tie of every active person succeeds with chance p (a geometric gap to the
    next success: one draw a success); untrained colleagues at a success are trained and active
    next period; then each active person stops with chance q (a uniform draw each when
    0 < q < 1). A period in which nobody is reached counts only when someone untrained was
    within reach; otherwise nothing more can happen and the series ends, as in the reference
    engine, so the series have the same lengths in distribution too.
    """
    people = indptr.size - 1
    graph = (indptr, indices)
    trained = np.zeros(people, np.bool_)
    marks = np.zeros((people >> 6) + 1, np.uint64)
    act = np.empty(people, np.int64)
    hits = np.empty(HITS, np.int64)
    counts = np.empty(limit + 1, np.int64)
    for person in start:
        trained[person] = True
        _mark(marks, person)
    count = _collect(marks, act)
    total = count
    counts[0] = total
    scale = gap_scale(p)
    periods = 0
    while periods < limit and count > 0:
        reached = _reach(graph, act, count, trained, marks, scale, rng, hits) if p > 0 else 0
        if reached == 0 and not _within(graph, act, count, trained):
            break  # nobody untrained within reach: nothing more can happen
        if q < 1:
            for i in range(count):
                if q == 0 or rng.random() >= q:
                    _mark(marks, act[i])
        count = _collect(marks, act)
        periods += 1
        total += reached
        counts[periods] = total
    return counts[: periods + 1].copy()
