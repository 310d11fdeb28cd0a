"""Step 3 of the compiled cascade engine (numba): trainers with spare capacity start cohorts.

The same rules as the reference engine's ``tipframe.reach.cohorts`` and ``tipframe.reach.places``
(docs/reach.md, Definition, step 3), for one replicate: free facilitator slots grouped within an
organisation, then across a partnership; cohorts below their tier's fidelity floor dropped;
places taken in one order (first slots first, then higher fidelity) from the host, then from its
partners by multivariate hypergeometric draws, contested people going to a random choice of
the asks. Imported only when the compiled backend runs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from tipframe.reach.cascade_groups import candidates, could_group, opened
from tipframe.reach.cascade_random import below

#: numba caches a function with the code of those it calls, but checks only its own file's date:
#: this digest of the modules called (tests/reach/test_backends.py checks it) changes this file when
#: they change, so that no stale compiled code is loaded
CALLS = "871261ce28b62552"  # cascade_groups.py, cascade_random.py
# The trainer table's columns (``tipframe.reach.cascade_kernel`` names them all).
ORG, ACTIVE_FROM, STOP_AT, RUNNING, TOTAL, LAST_START, CONCURRENT, QUOTA = 0, 2, 3, 5, 6, 9, 10, 11


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
def _contest(rng: Any, pool: Any, ask_org: Any, granted: Any, demand: Any) -> None:  # pragma: no cover - compiled
    """Where an organisation is asked for more people than it holds, they go to a random choice of its asks."""
    contested = np.flatnonzero(demand[ask_org] > pool[ask_org])
    contested = contested[np.argsort(ask_org[contested], kind="mergesort")]
    lo = 0
    while lo < contested.size:
        o = ask_org[contested[lo]]
        hi = lo
        while hi < contested.size and ask_org[contested[hi]] == o:
            hi += 1
        for k in range(lo, lo + pool[o]):  # a partial shuffle: the first pool[o] asks win
            j = k + below(rng, hi - k)
            contested[k], contested[j] = contested[j], contested[k]
        for k in range(lo + pool[o], hi):
            granted[contested[k]] = False
        lo = hi


@numba.njit(cache=True)
def _from_partners(
    rng: Any, pool: Any, host: Any, remaining: Any, needing: Any, p_indptr: Any, p_indices: Any
) -> Any:  # pragma: no cover - compiled
    """Fill the places cohorts ``needing`` them still lack from their hosts' partners, in rounds.

    Returns the places filled as (cohort, organisation, how many), cohorts then partners in order."""
    m = needing.size
    if m == 0:  # nothing to fill: no arrays to make (a small plan's usual case)
        return needing, needing, needing
    offset = np.zeros(m + 1, np.int64)
    for i in range(m):
        h = host[needing[i]]
        offset[i + 1] = offset[i] + p_indptr[h + 1] - p_indptr[h]
    got = np.zeros(offset[m], np.int64)
    demand = np.zeros(pool.size, np.int64)
    most, widest = 0, 0
    for i in range(m):
        most += remaining[needing[i]]
        widest = max(widest, remaining[needing[i]])
    asks_table = np.empty((3, most), np.int64)  # one allocation, not three
    ask_org, ask_cell, ask_row = asks_table[0], asks_table[1], asks_table[2]
    granted = np.empty(most, np.bool_)
    asked = np.zeros(max(1, offset[m]), np.int64)
    picked = np.empty(widest + 1, np.int64)
    while True:
        asks = 0  # every cohort still short asks at once, from the pools as they stand
        for i in range(m):
            h = host[needing[i]]
            lo, hi = p_indptr[h], p_indptr[h + 1]
            total = 0
            for j in range(lo, hi):
                total += pool[p_indices[j]]
            want = min(remaining[needing[i]], total)
            if want <= 0:
                continue
            _hypergeometric(rng, pool, p_indices[lo:hi], total, want, asked, picked)
            for j in range(hi - lo):
                for _ in range(asked[j]):
                    ask_org[asks], ask_cell[asks], ask_row[asks] = p_indices[lo + j], offset[i] + j, i
                    asks += 1
        if asks == 0:
            break
        over = False
        for a in range(asks):
            demand[ask_org[a]] += 1
            over |= demand[ask_org[a]] > pool[ask_org[a]]
        granted[:asks] = True
        if over:  # no organisation asked for more than it holds: nothing to draw
            _contest(rng, pool, ask_org[:asks], granted, demand)
        for a in range(asks):
            demand[ask_org[a]] = 0
        for a in range(asks):
            if granted[a]:
                pool[ask_org[a]] -= 1
                got[ask_cell[a]] += 1
                remaining[needing[ask_row[a]]] -= 1
    cells = np.flatnonzero(got)
    rows = np.searchsorted(offset, cells, side="right") - 1
    orgs = np.empty(cells.size, np.int64)
    for k in range(cells.size):
        h = host[needing[rows[k]]]
        orgs[k] = p_indices[p_indptr[h] + cells[k] - offset[rows[k]]]
    return needing[rows], orgs, got[cells]


@numba.njit(cache=True)
def may_start(
    t: int, ti: Any, n_tr: int, reachable: Any, component: Any, tiers_i: Any, open_: Any, work: Any
) -> bool:  # pragma: no cover - compiled
    """Whether `start_cohorts` could start a cohort in period ``t``: someone is within reach of a trainer
    with a free slot (``reachable``: each organisation's pool plus its partners'), and free slots could
    form a cohort (writes ``open_``, as `opened`; ``work``: zeros, left as found). Checked before
    `start_cohorts`, which needs its answer to be True.

    Called every period with arrays, not tuples: numba counts a reference to each array passed."""
    if not opened(reachable, open_) or not _within_reach(t, ti, n_tr, open_):
        return False
    return could_group(t, ti, n_tr, tiers_i, component, work)


@numba.njit(cache=True)
def _within_reach(t: int, ti: Any, n_tr: int, open_: Any) -> bool:  # pragma: no cover - compiled
    """Whether any active trainer with a free slot has willing people in its organisation or a partner."""
    for i in range(n_tr):
        if (
            ti[ACTIVE_FROM, i] <= t < ti[STOP_AT, i]
            and ti[RUNNING, i] < ti[CONCURRENT, i]
            and ti[TOTAL, i] < ti[QUOTA, i]
            and open_[ti[ORG, i]]
        ):
            return True
    return False


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
    work: Any,
) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """(3) Trainers with spare capacity start cohorts, which fill their places and start if large enough.

    Called only when `may_start` is True (it writes ``marks[4]``, the organisations open to a cohort).
    ``counts`` holds the rows in use of the trainer, cohort, place and facilitation tables (updated);
    ``work`` is zeros (left as found), a count for each partnership network and generation.
    Returns the tables (grown when needed), how many cohorts started, and whether any random number was
    drawn (none is when no cohort asks partners for people: then, with nothing started, the same
    trainers and people would start nothing again)."""
    ti, tf, ci, cf, places, classes, facilitations = tables
    pool, waiting, reached = state[0], state[1], state[2]
    p_indptr, p_indices = org[3], org[4]
    n_tr, n_c, n_p, n_f = counts[0], counts[1], counts[2], counts[3]
    # Taken from the tuple once, not in loops: numba counts a reference each time an array is taken out.
    hosted, first_start, last_start, open_ = marks[0], marks[1], marks[2], marks[4]
    host, gen, fid, size, fac, first, members = candidates(t, ti, tf, n_tr, tiers, org, open_)
    k = host.size
    filled = np.zeros(k, np.int64)
    for c in range(k):  # the host's own people first, cohorts taking them in turn
        filled[c] = min(pool[host[c]], size[c])
        pool[host[c]] -= filled[c]
    own = filled.copy()
    remaining = size - own
    needing = np.zeros(k, np.bool_)
    for c in range(k):
        if remaining[c] > 0:
            for j in range(p_indptr[host[c]], p_indptr[host[c] + 1]):
                needing[c] |= pool[p_indices[j]] > 0
    p_cohort, p_org, p_count = _from_partners(rng, pool, host, remaining, np.flatnonzero(needing), p_indptr, p_indices)
    for e in range(p_cohort.size):
        filled[p_cohort[e]] += p_count[e]
    ok = filled >= min_group
    for c in range(k):
        if not ok[c]:  # too few to run: the places go back
            pool[host[c]] += own[c]
    for e in range(p_cohort.size):
        if not ok[p_cohort[e]]:
            pool[p_org[e]] += p_count[e]
    started = int(ok.sum())
    if started == 0:
        return tables, 0, p_cohort.size > 0 or needing.any()
    ci, cf = grown(ci, n_c, started), grown(cf, n_c, started)
    places, classes = grown(places, n_p, k + p_cohort.size), grown(classes, n_p, k + p_cohort.size)
    facilitations = grown(facilitations, n_f, fac.sum())
    ids = np.full(k, -1, np.int64)
    p_lo = n_p
    for c in range(k):
        if not ok[c]:
            continue
        ids[c] = n_c
        ci[n_c, 0], ci[n_c, 1], ci[n_c, 2], ci[n_c, 3], ci[n_c, 4], ci[n_c, 5] = (
            host[c],
            gen[c],
            t,
            filled[c],
            -1,
            fac[c],
        )
        cf[n_c, 0], cf[n_c, 1] = fid[c], 0.0
        for k in range(first[c], first[c] + fac[c]):
            m = members[k]
            facilitations[n_f, 0], facilitations[n_f, 1] = n_c, m
            ti[RUNNING, m] += 1
            ti[TOTAL, m] += 1
            ti[LAST_START, m] = t
            n_f += 1
        hosted[host[c]] = True
        if first_start[host[c]] < 0:
            first_start[host[c]] = t
        last_start[host[c]] = t
        if own[c] > 0:
            places[n_p, 0], places[n_p, 1], places[n_p, 2] = n_c, host[c], own[c]
            n_p += 1
        n_c += 1
    for e in range(p_cohort.size):
        if ok[p_cohort[e]]:
            places[n_p, 0], places[n_p, 1], places[n_p, 2] = ids[p_cohort[e]], p_org[e], p_count[e]
            n_p += 1
    _take(places[p_lo:n_p], classes[p_lo:n_p], waiting, reached)
    counts[1], counts[2], counts[3] = n_c, n_p, n_f
    return (ti, tf, ci, cf, places, classes, facilitations), started, True


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
