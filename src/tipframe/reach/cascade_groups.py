"""Step 3 of the compiled cascade engine (numba), first part: free facilitator slots grouped into cohorts.

The reference engine's rules (``tipframe.reach.cohorts``; docs/reach.md, Definition, step 3)
for one replicate: a generation's slots are grouped within an organisation (first slots first,
then best fidelity), what is left over across a partnership network (host's trainer first); a
trainer never co-facilitates with themselves; cohorts below their tier's fidelity floor are
dropped. The work is linear in the slots (counting sorts), since late in a national rollout most
trainers have free slots every period. Imported only when the compiled backend runs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# The trainer table's columns (``tipframe.reach.cascade_kernel`` names them all).
ORG, GEN, ACTIVE_FROM, STOP_AT, LEAVE_AT, RUNNING, TOTAL, CONCURRENT, QUOTA = 0, 1, 2, 3, 4, 5, 6, 10, 11
FID = 0
#: generations counted apart in the results (the reference engine's ``GENERATIONS``); later ones share a
#: count in `could_group`, which only counts more slots, never fewer
G = 64
T_SIZE, T_FACILITATORS, T_RETENTION, T_FLOOR = 0, 1, 3, 4


@numba.njit(cache=True, inline="always")  # small and called in loops: no call, no reference counting
def tier_of(generation: int, tiers: int) -> int:  # pragma: no cover - compiled
    """The tier of cohorts of ``generation`` and of the trainers they make."""
    return min(max(generation, 1), tiers) - 1


@numba.njit(cache=True)
def within_reach(reachable: Any, min_group: int) -> bool:  # pragma: no cover - compiled
    """Whether any organisation and its partners hold a minimum group of willing people (``reachable``): if none
    does, no trainer offers slots or has a chance, and looking through the organisations is cheaper than
    through the trainers."""
    o = 0
    while o < reachable.size and reachable[o] < min_group:
        o += 1
    return bool(o < reachable.size)


@numba.njit(cache=True)
def offering(t: int, ti: Any, n_tr: int, reachable: Any, min_group: int, lists: Any) -> Any:  # pragma: no cover
    """The trainers offering slots in period ``t``: active, with a free slot, their organisation and its partners
    holding a minimum group of willing people (``reachable``: its pool plus its partners'), a view of
    ``lists[1]``. Also writes to ``lists[0]`` the trainers present there with a free slot or none run yet, those
    who may have a chance this period (``tipframe.reach.cascade_kernel``'s ``_chances``), and returns how many.
    ``lists`` has room for every trainer, and is kept from period to period: fresh arrays each period would
    scatter the allocator's heap among the growing tables."""
    near, found = lists[0], lists[1]
    m, k = 0, 0
    for i in range(n_tr if within_reach(reachable, min_group) else 0):
        if reachable[ti[ORG, i]] >= min_group and ti[ACTIVE_FROM, i] <= t < ti[LEAVE_AT, i]:  # most fail the first
            room = ti[RUNNING, i] < ti[CONCURRENT, i] and ti[TOTAL, i] < ti[QUOTA, i]
            near[k] = i
            k += room or ti[TOTAL, i] == 0
            found[m] = i
            m += room and t < ti[STOP_AT, i]
    return found[:m], k


@numba.njit(cache=True)
def could_group(offers: Any, ti: Any, tiers_i: Any, component: Any, work: Any) -> bool:  # pragma: no cover - compiled
    """Whether `candidates` could find a cohort among the trainers ``offers``ing slots (`offering`): one of them is
    of a generation that needs one facilitator, or as many as it needs are in one partnership network
    (``work``: zeros, left as found).

    Checked before `candidates` sorts anything: in a small plan most periods with free trainers
    have none to pair them with."""
    tiers = tiers_i.shape[0]
    found = False
    seen = 0
    while seen < offers.size and not found:  # stops at the first cohort possible: at national scale, early
        i = offers[seen]
        seen += 1
        spare = min(ti[CONCURRENT, i] - ti[RUNNING, i], ti[QUOTA, i] - ti[TOTAL, i])
        key = component[ti[ORG, i]] * G + min(ti[GEN, i], G - 1)
        work[key] += spare
        f = tiers_i[tier_of(ti[GEN, i] + 1, tiers), T_FACILITATORS]
        found = f <= 1 or work[key] >= f
    for k in range(seen):
        i = offers[k]
        work[component[ti[ORG, i]] * G + min(ti[GEN, i], G - 1)] = 0
    return found


@numba.njit(cache=True)
def _slots(offers: Any, ti: Any) -> Any:  # pragma: no cover - compiled
    """Every slot the trainers ``offers``ing them (`offering`) have free: (trainer, rank), a trainer's slots in rank
    order."""
    total = 0
    for i in offers:
        total += min(ti[CONCURRENT, i] - ti[RUNNING, i], ti[QUOTA, i] - ti[TOTAL, i])
    trainer = np.empty(total, np.int64)
    rank = np.empty(total, np.int64)
    k = 0
    for i in offers:
        for r in range(min(ti[CONCURRENT, i] - ti[RUNNING, i], ti[QUOTA, i] - ti[TOTAL, i])):
            trainer[k], rank[k] = i, r
            k += 1
    return trainer, rank


@numba.njit(cache=True)
def _counting(keys: Any, order: Any, size: int) -> Any:  # pragma: no cover - compiled
    """``order`` stably sorted by ``keys`` (whole numbers below ``size``, taken at ``order``'s entries)."""
    start = np.zeros(size + 1, np.int64)
    for k in order:
        start[keys[k] + 1] += 1
    for v in range(size):
        start[v + 1] += start[v]
    result = np.empty(order.size, np.int64)
    for k in order:
        result[start[keys[k]]] = k
        start[keys[k]] += 1
    return result


@numba.njit(cache=True)
def _slot_order(slot_tr: Any, slot_rank: Any, ti: Any, tf: Any, n_orgs: int) -> Any:  # pragma: no cover - compiled
    """The slots by generation (latest first), organisation, rank, then best fidelity, then as given."""
    n = slot_tr.size
    org = np.empty(n, np.int64)
    late = np.empty(n, np.int64)
    latest = 0
    for k in range(n):
        latest = max(latest, ti[GEN, slot_tr[k]])
    for k in range(n):
        org[k] = ti[ORG, slot_tr[k]]
        late[k] = latest - ti[GEN, slot_tr[k]]
    order = _counting(late, _counting(org, np.arange(n), n_orgs), latest + 1)
    lo = 0
    while lo < n:  # each generation and organisation's slots by rank, then best fidelity
        hi = lo + 1
        while hi < n and org[order[hi]] == org[order[lo]] and late[order[hi]] == late[order[lo]]:
            hi += 1
        if hi - lo > 32:  # a large organisation: merge sorts (stable), not an insertion sort
            run = order[lo:hi].copy()
            key = np.empty(run.size, np.float64)
            for a in range(run.size):  # rank, then best fidelity (from 0 to 1) in one key
                key[a] = 2.0 * slot_rank[run[a]] + (1.0 - tf[FID, slot_tr[run[a]]])
            order[lo:hi] = run[np.argsort(key, kind="mergesort")]
            lo = hi
            continue
        for a in range(lo + 1, hi):
            k, b = order[a], a
            while b > lo and (
                slot_rank[order[b - 1]] > slot_rank[k]
                or (slot_rank[order[b - 1]] == slot_rank[k] and tf[FID, slot_tr[order[b - 1]]] < tf[FID, slot_tr[k]])
            ):
                order[b] = order[b - 1]
                b -= 1
            order[b] = k
        lo = hi
    return order


@numba.njit(cache=True)
def _within(seg: Any, slot_tr: Any, slot_rank: Any, ti: Any, f: int, groups: Any) -> Any:  # pragma: no cover - compiled
    """Groups of ``f`` of a generation's slots ``seg`` (in `_slot_order`) within an organisation, written to
    ``groups`` (slots, f a row; their rank after). Returns how many, and the slots left over."""
    n = seg.size
    rest = np.empty(n, np.int64)
    count, left, lo = 0, 0, 0
    while lo < n:
        hi = lo
        while hi < n and ti[ORG, slot_tr[seg[hi]]] == ti[ORG, slot_tr[seg[lo]]]:
            hi += 1
        full = lo + (hi - lo) // f * f
        for start in range(lo, full, f):  # element by element: a slice is a view, and views are counted
            distinct = True
            for a in range(start, start + f):
                for b in range(a + 1, start + f):
                    distinct &= slot_tr[seg[a]] != slot_tr[seg[b]]
            for a in range(f):
                if distinct:
                    groups[count, a] = seg[start + a]
                else:
                    rest[left + a] = seg[start + a]
            count += distinct
            left += 0 if distinct else f
        for a in range(full, hi):
            rest[left] = seg[a]
            left += 1
        lo = hi
    return count, rest[:left]


@numba.njit(cache=True)
def _across(
    rest: Any, slot_tr: Any, slot_rank: Any, ti: Any, tf: Any, f: int, org: Any, groups: Any, count: int
) -> int:  # pragma: no cover - compiled
    """Groups of ``f`` left-over slots within a partnership network, the host's trainer first, added to
    ``groups`` after its first ``count``. Returns the new count."""
    staff, id_rank, component = org[0], org[1], org[2]
    rest = np.sort(rest)  # slots are in trainer order: the last key
    n = rest.size
    ranks = 0
    for k in rest:
        ranks = max(ranks, slot_rank[k] + 1)
    key = np.empty(n, np.int64)
    both = np.empty(n, np.float64)
    for a in range(n):  # network and rank, then best fidelity (from 0 to 1) in one key
        key[a] = component[ti[ORG, slot_tr[rest[a]]]] * ranks + slot_rank[rest[a]]
        both[a] = 2.0 * key[a] + (1.0 - tf[FID, slot_tr[rest[a]]])
    order = np.argsort(both, kind="mergesort")
    lo = 0
    while lo < n:
        hi = lo
        while hi < n and key[order[hi]] // ranks == key[order[lo]] // ranks:
            hi += 1
        for start in range(lo, lo + (hi - lo) // f * f, f):  # element by element: no views, no copies
            distinct = True
            for a in range(start, start + f):
                for b in range(a + 1, start + f):
                    distinct &= slot_tr[rest[order[a]]] != slot_tr[rest[order[b]]]
            if not distinct:
                continue
            best, first = -(1 << 62), 0
            for m in range(f):  # the host: most eligible staff, then the alphabetically first id
                groups[count, m] = rest[order[start + m]]
                o = ti[ORG, slot_tr[groups[count, m]]]
                if staff[o] * staff.size - id_rank[o] > best:
                    best, first = staff[o] * staff.size - id_rank[o], m
            groups[count, 0], groups[count, first] = groups[count, first], groups[count, 0]
            count += 1
        lo = hi
    return count


@numba.njit(cache=True)
def _busiest(seg: Any, slot_tr: Any, ti: Any, component: Any, tally: Any) -> int:  # pragma: no cover - compiled
    """The most of these slots in one partnership network (``tally``: zeros, left as found)."""
    most = 0
    for k in seg:
        c = component[ti[ORG, slot_tr[k]]]
        tally[c] += 1
        most = max(most, tally[c])
    for k in seg:
        tally[component[ti[ORG, slot_tr[k]]]] = 0
    return most


@numba.njit(cache=True)
def _place_order(rank: Any, fid: Any) -> Any:  # pragma: no cover - compiled
    """The cohorts by rank, then higher fidelity first, then as given.

    A generation's trainers share one fidelity (seeds have 1; a cohort has its facilitators', all of one
    generation, times its tier's retention), so fidelities take a few values, and counting sorts order
    them; a merge sort does when there are many."""
    count = rank.size
    ranks = rank.max() + 1 if count else 1
    values = np.empty(G, np.float64)
    found = 0
    for c in range(count):
        known = False
        for d in range(found):
            known |= values[d] == fid[c]
        if not known:
            if found == G or fid[c] != fid[c]:  # many values, or one not a number: sorted as they come
                return _counting(rank, np.argsort(-fid, kind="mergesort"), ranks)
            values[found] = fid[c]
            found += 1
    values = -np.sort(-values[:found])
    key = np.empty(count, np.int64)
    for c in range(count):
        d = 0
        while values[d] != fid[c]:
            d += 1
        key[c] = rank[c] * found + d
    return _counting(key, np.arange(count), ranks * found)


@numba.njit(cache=True)
def candidates(offers: Any, ti: Any, tf: Any, tiers: Any, org: Any) -> Any:  # pragma: no cover - compiled
    """Cohorts that have their facilitators, from the slots of the trainers ``offers``ing them (`offering`), in
    the order they take places.

    Returns (host, generation, fidelity, size, facilitators, first member, members, rank), one
    entry per candidate except the members (trainers), which are end to end."""
    tiers_i, tiers_f = tiers
    component = org[2]
    slot_tr, slot_rank = _slots(offers, ti)
    n = slot_tr.size
    groups = np.empty((n, tiers_i[:, T_FACILITATORS].max()), np.int64)
    table = np.empty((7, n), np.int64)  # one allocation, not seven: a small plan searches often
    host, gen, size, fac, rank, start, members = table[0], table[1], table[2], table[3], table[4], table[5], table[6]
    fid = np.empty(n, np.float64)
    tally = np.zeros(component.max() + 1 if component.size else 1, np.int64)
    order = _slot_order(slot_tr, slot_rank, ti, tf, component.size)
    count, used, lo = 0, 0, 0
    while lo < n:  # generation by generation, the latest first
        g = ti[GEN, slot_tr[order[lo]]]
        hi = lo
        while hi < n and ti[GEN, slot_tr[order[hi]]] == g:
            hi += 1
        seg, lo = order[lo:hi], hi
        number = tier_of(g + 1, tiers_i.shape[0])
        f = tiers_i[number, T_FACILITATORS]
        if f > 1 and _busiest(seg, slot_tr, ti, component, tally) < f:
            continue  # no partnership has enough free trainers of this generation
        made, rest = _within(seg, slot_tr, slot_rank, ti, f, groups)
        if f > 1 and rest.size >= f:
            made = _across(rest, slot_tr, slot_rank, ti, tf, f, org, groups, made)
        for s in range(made):
            h = ti[ORG, slot_tr[groups[s, 0]]]
            fidelity, latest = np.inf, 0
            for m in range(f):
                fidelity = min(fidelity, tf[FID, slot_tr[groups[s, m]]])
                latest = max(latest, slot_rank[groups[s, m]])
            fidelity = min(1.0, fidelity * tiers_f[number, T_RETENTION])
            if fidelity < tiers_f[number, T_FLOOR]:
                continue
            host[count], gen[count], fid[count], rank[count] = h, g + 1, fidelity, latest
            size[count], fac[count], start[count] = tiers_i[number, T_SIZE], f, used
            for m in range(f):
                members[used + m] = slot_tr[groups[s, m]]
            used += f
            count += 1
    # First slots before second ones, then higher fidelity first, whatever the generation.
    order = _place_order(rank[:count], fid[:count])
    ordered = np.empty((5, count), np.int64)
    fid_ordered = np.empty(count, np.float64)
    for a in range(count):
        c = order[a]
        ordered[0, a], ordered[1, a], ordered[2, a], ordered[3, a], ordered[4, a] = (
            host[c],
            gen[c],
            size[c],
            fac[c],
            start[c],
        )
        fid_ordered[a] = fid[c]
    return ordered[0], ordered[1], fid_ordered, ordered[2], ordered[3], ordered[4], members
