"""Step 3 of the compiled cascade engine (numba): trainers with spare capacity start cohorts.

The same rules as the reference engine's ``tipframe.reach.cohorts`` and ``tipframe.reach.places``
(docs/reach.md, Definition, step 3), for one replicate: only trainers with a minimum group within
their organisation's reach offer slots; free facilitator slots are grouped within an organisation,
then across a partnership; cohorts below their tier's fidelity floor are dropped; the rest take
places in turn (first slots first, then higher fidelity), each from its host, then from its
partners by a multivariate hypergeometric draw, and start, or take nobody when fewer than the
minimum group are within its reach. Imported only when the compiled backend runs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from tipframe.reach.cascade_groups import candidates, could_group, offering
from tipframe.reach.cascade_random import below

#: numba caches a function with the code of those it calls, but checks only its own file's date:
#: this digest of the modules called (tests/reach/test_backends.py checks it) changes this file when
#: they change, so that no stale compiled code is loaded
CALLS = "a0f5aec7721c9d43"  # cascade_groups.py, cascade_random.py
# The trainer table's columns (``tipframe.reach.cascade_kernel`` names them all).
RUNNING, TOTAL, LAST_START = 5, 6, 9


@numba.njit(cache=True, inline="always")
def _hypergeometric(
    rng: Any, pool: Any, partners: Any, total: int, units: int, asked: Any, picked: Any
) -> None:  # pragma: no cover - compiled
    """How many of ``units`` people drawn without replacement come from each of ``partners``' pools, into
    ``asked``; ``total`` is their sum and ``picked`` room for the draws (inlined: it runs once a cohort).

    Distinct positions among all the people are drawn uniformly (a repeat is drawn again);
    where more than half are wanted, those left out are drawn instead."""
    leave_out = total - units < units
    wanted = total - units if leave_out else units
    for k in range(wanted):
        while True:
            position = below(rng, total)
            repeat = False
            for q in range(k):
                repeat |= picked[q] == position
            if not repeat:
                break
        picked[k] = position
    asked[: partners.size] = 0
    for k in range(wanted):
        bound = 0
        for j in range(partners.size):
            bound += pool[partners[j]]
            if picked[k] < bound:
                asked[j] += 1
                break
    if leave_out:
        for j in range(partners.size):
            asked[j] = pool[partners[j]] - asked[j]


@numba.njit(cache=True)
def may_start(
    t: int, ti: Any, n_tr: int, reachable: Any, min_group: int, component: Any, tiers_i: Any, work: Any, lists: Any
) -> Any:  # pragma: no cover - compiled
    """The trainers offering slots in period ``t`` (`offering`, which also writes those near to ``lists[0]``),
    or none when the slots offered could form no cohort (``work``: zeros, left as found); and how many are
    near. Checked before `start_cohorts`, which needs trainers offering slots.

    Called every period with arrays, not tuples: numba counts a reference to each array passed."""
    offers, n_near = offering(t, ti, n_tr, reachable, min_group, lists)
    if offers.size == 0 or not could_group(offers, ti, tiers_i, component, work):
        return offers[:0], n_near
    return offers, n_near


@numba.njit(cache=True)
def _take(entries: Any, classes: Any, waiting: Any, reached: Any) -> None:  # pragma: no cover - compiled
    """Who fills each place entry, by enrolment class: people who never started first (a rule, not a draw)."""
    for e in range(entries.shape[0]):
        o, n = entries[e, 1], entries[e, 2]
        for a in range(waiting.shape[1]):
            k = min(n, waiting[o, a])
            waiting[o, a] -= k
            classes[e, a] = k
            n -= k
        reached[o] += classes[e, 0]


@numba.njit(cache=True)
def start_cohorts(
    rng: Any, t: int, tables: Any, counts: Any, tiers: Any, org: Any, state: Any, min_group: int, marks: Any,
    offers: Any,
) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """(3) Trainers with spare capacity start cohorts, which fill their places in turn and start if large enough.

    Called only with the trainers ``offers``ing slots that `may_start` found. ``counts`` holds the rows in use
    of the trainer, cohort, place and facilitation tables (updated). Returns the tables (grown when needed),
    how many cohorts started, and whether any random number was drawn (only a cohort that starts draws: with
    nothing started, the same trainers and people would start nothing again)."""
    ti, tf, ci, cf, places, classes, facilitations = tables
    pool, waiting, reached = state[0], state[1], state[2]
    p_indptr, p_indices = org[3], org[4]
    n_c, n_p, n_f = counts[1], counts[2], counts[3]
    # Taken from the tuple once, not in loops: numba counts a reference each time an array is taken out.
    hosted, first_start, last_start = marks[0], marks[1], marks[2]
    host, gen, fid, size, fac, first, members = candidates(offers, ti, tf, tiers, org)
    k = host.size
    widest = 1
    for c in range(k):
        widest = max(widest, size[c], p_indptr[host[c] + 1] - p_indptr[host[c]])
    # Room made at once for the cohorts that could start (each takes at least a minimum group from the pools)
    # and their facilitators; places, which partners can multiply, are tested for room in line. Arrays made
    # again inside the loop would cost more than filling the cohorts.
    people = 0
    for o in range(pool.size):
        people += pool[o]
    most = min(k, people // min_group)
    ci, cf = grown(ci, n_c, most), grown(cf, n_c, most)
    facilitations = grown(facilitations, n_f, most * (fac.max() if k else 0))
    asked = np.empty(widest, np.int64)
    picked = np.empty(widest + 1, np.int64)
    started, drew, p_lo = 0, False, n_p
    for c in range(k):  # in turn: a cohort takes its places, or none, before the next looks
        h = host[c]
        lo, hi = p_indptr[h], p_indptr[h + 1]
        own = min(pool[h], size[c])
        total = 0
        for j in range(lo, hi):
            total += pool[p_indices[j]]
        if own + total < min_group:
            continue  # too few within its reach: it does not start and takes nobody
        want = min(size[c] - own, total)
        if n_p + 1 + hi - lo > places.shape[0]:
            places, classes = grown(places, n_p, 1 + hi - lo), grown(classes, n_p, 1 + hi - lo)
        if 0 < want < total:
            _hypergeometric(rng, pool, p_indices[lo:hi], total, want, asked, picked)
            drew = True
        elif want > 0:  # everyone its partners hold: nothing to draw
            for j in range(hi - lo):
                asked[j] = pool[p_indices[lo + j]]
        ci[n_c, 0], ci[n_c, 1], ci[n_c, 2], ci[n_c, 3], ci[n_c, 4], ci[n_c, 5] = h, gen[c], t, own + want, -1, fac[c]
        cf[n_c, 0], cf[n_c, 1] = fid[c], 0.0
        for m in members[first[c] : first[c] + fac[c]]:
            facilitations[n_f, 0], facilitations[n_f, 1] = n_c, m
            ti[RUNNING, m] += 1
            ti[TOTAL, m] += 1
            ti[LAST_START, m] = t
            n_f += 1
        hosted[h] = True
        if first_start[h] < 0:
            first_start[h] = t
        last_start[h] = t
        if own > 0:
            pool[h] -= own
            places[n_p, 0], places[n_p, 1], places[n_p, 2] = n_c, h, own
            n_p += 1
        for j in range(hi - lo if want > 0 else 0):
            if asked[j] > 0:
                pool[p_indices[lo + j]] -= asked[j]
                places[n_p, 0], places[n_p, 1], places[n_p, 2] = n_c, p_indices[lo + j], asked[j]
                n_p += 1
        n_c += 1
        started += 1
    tables = (ti, tf, ci, cf, places, classes, facilitations)
    if started == 0:
        return tables, 0, drew
    _take(places[p_lo:n_p], classes[p_lo:n_p], waiting, reached)
    counts[1], counts[2], counts[3] = n_c, n_p, n_f
    return tables, started, True


@numba.njit(cache=True)
def grown(table: Any, used: int, extra: int) -> Any:  # pragma: no cover - compiled
    """``table`` with room for ``extra`` more rows after its first ``used``: itself, or a copy twice as long."""
    if used + extra <= table.shape[0]:
        return table
    bigger = np.zeros((max(used + extra, 2 * table.shape[0]), *table.shape[1:]), table.dtype)
    bigger[:used] = table[:used]
    return bigger


@numba.njit(cache=True)
def widened(table: Any, used: int, extra: int) -> Any:  # pragma: no cover - compiled
    """``table`` (one row a column) with room for ``extra`` more entries after its first ``used``."""
    if used + extra <= table.shape[1]:
        return table
    bigger = np.zeros((table.shape[0], max(used + extra, 2 * table.shape[1])), table.dtype)
    bigger[:, :used] = table[:, :used]
    return bigger
