"""The compiled cascade engine (numba): one replicate at a time, an event loop over trainers and cohorts.

It follows the model's definition (docs/reach.md) step for step, as the reference engine
(``tipframe.reach.batch``) does, with the same rules for who facilitates with whom and which
cohort takes places first. Its random numbers come from the replicate's own stream
(``tipframe.reach.cascade_random``: ``rng`` is that generator's state), in its own order, so the
two agree in distribution, not number for number: the tests compare them with two-sample
Kolmogorov-Smirnov tests and by their means. Imported only when the compiled backend runs.

Tables are 2-d arrays, one row per trainer, cohort, place entry or facilitation, with the
column numbers below; they grow by doubling. Organisation arrays are indexed as in the scenario.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from tipframe.reach.cascade_cohorts import may_start, start_cohorts, widened
from tipframe.reach.cascade_groups import G, offering, tier_of
from tipframe.reach.cascade_periods import count_active, quiet_until, record_period, settled
from tipframe.reach.cascade_random import below, binomial, geometric

#: numba caches a function with the code of those it calls, but checks only its own file's date:
#: this digest of the modules called (tests/reach/test_backends.py checks it) changes this file when
#: they change, so that no stale compiled code is loaded
CALLS = "c58711a69ae0d47b"  # cascade_cohorts.py, cascade_groups.py, cascade_periods.py, cascade_random.py
#: a period after every horizon (the reference engine's ``NEVER``)
NEVER = 1 << 40

# Trainer table, whole-number columns; FID and NEW are its two real-valued columns.
ORG, GEN, ACTIVE_FROM, STOP_AT, LEAVE_AT, RUNNING, TOTAL, TRAINED_AT = 0, 1, 2, 3, 4, 5, 6, 7
SOURCE, LAST_START, CONCURRENT, QUOTA, CHANCES, LAST_CHANCE = 8, 9, 10, 11, 12, 13
TRAINER_COLUMNS = 14
FID, NEW = 0, 1
# Tier numbers: whole (cohort size, facilitators, concurrent, total, delay) and real.
T_SIZE, T_FACILITATORS, T_CONCURRENT, T_TOTAL, T_DELAY = 0, 1, 2, 3, 4
T_ATTRITION, T_COMPLETION, T_CONVERSION, T_RETENTION, T_FLOOR = 0, 1, 2, 3, 4
# Cohort table: organisation, generation, start, size, completers, facilitators (fidelity apart).
C_ORG, C_GEN, C_START, C_SIZE, C_COMPLETERS, C_FACILITATORS = 0, 1, 2, 3, 4, 5
# Series recorded each period.
S_TRAINED, S_TRAINERS, S_ACTIVE, S_RUNNING, S_STARTED, S_REACHED, S_SEEDS = 0, 1, 2, 3, 4, 5, 6


@numba.njit(cache=True)
def _stops(
    rng: Any, ti: Any, first: int, last: int, attrition: Any, turnover: float, exposed_from: int
) -> None:  # pragma: no cover - compiled
    """Draw the stopping and leaving periods of trainers ``first`` to ``last`` - 1 (attrition first)."""
    for i in range(first, last):
        ti[STOP_AT, i] = NEVER
        ti[LEAVE_AT, i] = NEVER
        if attrition[i - first] > 0:
            ti[STOP_AT, i] = ti[ACTIVE_FROM, i] - 1 + geometric(rng, attrition[i - first])
    if turnover > 0:
        for i in range(first, last):
            ti[LEAVE_AT, i] = exposed_from - 1 + geometric(rng, turnover)
            ti[STOP_AT, i] = min(ti[STOP_AT, i], ti[LEAVE_AT, i])


@numba.njit(cache=True)
def _arrive(rng: Any, t: int, feed: Any, pool: Any, waiting: Any, uptake: Any) -> bool:  # pragma: no cover
    """(-1) A learning pathway's later stage: the previous stage's completers of period ``t - 1`` whose role
    needs this stage too join the pool, each willing with their organisation's uptake. ``feed`` is (the previous
    stage's trained by period and organisation, its people left by organisation, those of them going on); who
    goes on is drawn without replacement. Returns whether anyone joined."""
    done_by, left, onward = feed
    joined = False
    for o in range(pool.size):
        done = min(done_by[t - 1, o] - done_by[t - 2, o], left[o])
        going = 0
        for _ in range(done):
            if below(rng, left[o]) < onward[o]:
                going += 1
                onward[o] -= 1
            left[o] -= 1
        willing = _hire(rng, going, uptake[o])
        if willing:
            pool[o] += willing
            waiting[o, 0] += willing
            joined = True
    return joined


@numba.njit(cache=True)
def last_arrival(done_by: Any) -> int:  # pragma: no cover - compiled
    """The last period in which a later stage's people arrive (0: none): the period after the previous stage's
    last completion."""
    for s in range(done_by.shape[0] - 1, 0, -1):
        for o in range(done_by.shape[1]):
            if done_by[s, o] != done_by[s - 1, o]:
                return s + 1
    return 0


@numba.njit(cache=True, inline="always")  # small and called in loops: no call, no reference counting
def _hire(rng: Any, hires: int, uptake: float) -> int:  # pragma: no cover - compiled
    """Of ``hires``, those who will take part (no draw when uptake is 1)."""
    if hires <= 0:
        return 0
    return hires if uptake >= 1.0 else binomial(rng, hires, uptake)


@numba.njit(cache=True)
def _turn_over(
    rng: Any, t: int, turnover: float, state: Any, ti: Any, n_tr: int, staff_seeds: bool
) -> int:  # pragma: no cover - compiled
    """(0) Turnover: trained people leave, hires replace them. Returns how many staff seeds left."""
    pool, waiting, reached, by_org, by_gen, trained_og, trainers_og, uptake = state
    for o in range(pool.size):
        gone = 0
        for g in range(G):
            n = trained_og[o, g] - trainers_og[o, g]
            if n > 0:
                k = binomial(rng, n, turnover)
                trained_og[o, g] -= k
                by_gen[g] -= k
                gone += k
        if gone:
            willing = _hire(rng, gone, uptake[o])
            pool[o] += willing
            waiting[o, 0] += willing
            reached[o] -= gone
            by_org[o] -= gone
    seeds_left = 0
    for i in range(n_tr):
        if ti[LEAVE_AT, i] != t:
            continue
        o, g = ti[ORG, i], min(ti[GEN, i], G - 1)
        if ti[SOURCE, i] >= 0:
            trained_og[o, g] -= 1
            trainers_og[o, g] -= 1
            by_org[o] -= 1
            reached[o] -= 1
            by_gen[g] -= 1
        elif staff_seeds:
            seeds_left += 1
        else:
            continue  # a seed who is not staff leaves no place to fill
        willing = _hire(rng, 1, uptake[o])
        pool[o] += willing
        waiting[o, 0] += willing
    return seeds_left


@numba.njit(cache=True)
def _reachable(pool: Any, p_indptr: Any, p_indices: Any, out: Any, seen: Any) -> None:  # pragma: no cover - compiled
    """Bring ``out``, each organisation's pool plus its partners' pools, up to date with ``pool``: ``seen`` is the
    pool ``out`` was last brought up to date with (both zeros at first). Partnerships go both ways, so a change in
    one pool changes its own and its partners' sums, and only the pools that changed are looked at."""
    for o in range(pool.size):
        change = pool[o] - seen[o]
        if change != 0:
            seen[o] = pool[o]
            out[o] += change
            for k in range(p_indptr[o], p_indptr[o + 1]):
                out[p_indices[k]] += change


@numba.njit(cache=True)
def _chances(
    first: int, last: int, ti: Any, n_tr: int, reachable: Any, settings: Any, tiers_i: Any, component: Any,
    work: Any, org_last_chance: Any, pending: Any, n_pending: int, lists: Any, n_near: int,
) -> int:  # fmt: skip  # pragma: no cover - compiled
    """Note the trainers who had a chance to start a cohort in periods ``first`` to ``last`` - 1 (see the
    reference's ``_chances``): one period, or a quiet stretch in which only time moves (`quiet_until`).

    A trainer is partnered when its partnership network holds enough other able trainers of its
    generation (delivering, with room, and a minimum group within their reach) to facilitate with
    it; ``work`` (zeros, left as found) counts them by network and generation. ``reachable`` is each
    organisation's pool plus its partners'.

    The results use a trainer's chances only while it has never run and until they reach the
    plan's ``adoption_after``, and last chances only from the maintenance window on
    (``settings``: `cascade_replicate`'s). Before the
    window, only the ``pending`` trainers (the first ``n_pending``: never run, chances short of
    that, not left) are looked at. The first ``n_near`` of ``lists[0]`` hold every trainer who may have a
    chance (`offering` finds them, in `may_start`'s pass over a period's trainers); a negative ``n_near`` has
    them found here, when first needed: within a quiet stretch nobody starts, becomes active or leaves, so
    those of its first period are those of every period in it. Returns how many stay pending."""
    min_group, adoption_after, window = settings[2], settings[6], settings[7]
    tiers = tiers_i.shape[0]
    pairs = False
    for tier in range(tiers):
        pairs |= tiers_i[tier, T_FACILITATORS] > 1
    for t in range(first, last):
        full = t >= window
        counting = pairs and full
        for k in range(0 if full or not pairs else n_pending):  # partners are counted only if someone needs them
            i = pending[k]
            counting |= ti[ACTIVE_FROM, i] <= t < ti[LEAVE_AT, i] and reachable[ti[ORG, i]] >= min_group
            if counting:
                break
        if (counting or full) and n_near < 0:  # a quiet stretch's, found when first needed
            if lists.shape[1] < n_tr:
                lists = np.empty((2, n_tr), np.int64)
            n_near = offering(first, ti, n_tr, reachable, min_group, lists)[1]
        near = lists[0]
        for k in range(n_near if counting else 0):  # no helper function: numba would count references at each call
            i = near[k]
            room = ti[RUNNING, i] < ti[CONCURRENT, i] and ti[TOTAL, i] < ti[QUOTA, i]
            offers = reachable[ti[ORG, i]] >= min_group
            if ti[ACTIVE_FROM, i] <= t and ti[LEAVE_AT, i] > t and ti[STOP_AT, i] > t and room and offers:
                work[component[ti[ORG, i]] * G + min(ti[GEN, i], G - 1)] += 1
        kept = 0
        for k in range(n_near if full else n_pending):
            i = near[k] if full else pending[k]
            if ti[ACTIVE_FROM, i] <= t < ti[LEAVE_AT, i]:
                partnered = True
                room = ti[RUNNING, i] < ti[CONCURRENT, i] and ti[TOTAL, i] < ti[QUOTA, i]
                if pairs:
                    key = component[ti[ORG, i]] * G + min(ti[GEN, i], G - 1)
                    needed = tiers_i[tier_of(ti[GEN, i] + 1, tiers), T_FACILITATORS]
                    able = ti[STOP_AT, i] > t and room and reachable[ti[ORG, i]] >= min_group
                    partnered = work[key] - able >= needed - 1
                now = ti[LAST_START, i] == t
                people = reachable[ti[ORG, i]] >= min_group and partnered
                if (now and ti[TOTAL, i] == 1) or (ti[TOTAL, i] == 0 and people):
                    ti[CHANCES, i] += 1
                if now or (people and room):
                    ti[LAST_CHANCE, i] = t
                    org_last_chance[ti[ORG, i]] = t
            if not full and ti[TOTAL, i] == 0 and ti[CHANCES, i] < adoption_after and ti[LEAVE_AT, i] > t:
                pending[kept] = i
                kept += 1
        for k in range(n_near if counting else 0):
            i = near[k]
            work[component[ti[ORG, i]] * G + min(ti[GEN, i], G - 1)] = 0
        n_pending = kept if not full else n_pending
    return n_pending


@numba.njit(cache=True)
def _pending(pending: Any, n_pending: int, first: int, last: int) -> Any:  # pragma: no cover - compiled
    """``pending`` with trainers ``first`` to ``last`` - 1 added after its first ``n_pending`` (grown when needed)."""
    if n_pending + last - first > pending.size:
        bigger = np.empty(max(n_pending + last - first, 2 * pending.size), np.int64)
        bigger[:n_pending] = pending[:n_pending]
        pending = bigger
    for i in range(first, last):
        pending[n_pending + i - first] = i
    return pending


@numba.njit(cache=True)
def _complete(
    rng: Any, entries: Any, classes: Any, ci: Any, tiers_f: Any, limited: bool, turnover: bool, state: Any
) -> Any:  # pragma: no cover - compiled
    """Draw each place entry's completers; they count as trained, the others return while retakes last. The
    trained by organisation and generation are counted only with ``turnover``, the one step that reads them."""
    pool, waiting, by_org, by_gen, trained_og = state[0], state[1], state[3], state[4], state[5]
    tiers = tiers_f.shape[0]
    width = waiting.shape[1]
    done = np.zeros(entries.shape[0], np.int64)
    for e in range(entries.shape[0]):
        ci[entries[e, 0], C_COMPLETERS] = 0
    for e in range(entries.shape[0]):
        c, o, n = entries[e, 0], entries[e, 1], entries[e, 2]
        chance = tiers_f[tier_of(ci[c, C_GEN], tiers), T_COMPLETION]
        returning = 0
        if not limited:
            done[e] = binomial(rng, n, chance)
            returning = n - done[e]
            waiting[o, 1] += returning
        else:
            for a in range(width):  # class by class: each non-completer moves up one class, or out
                k = binomial(rng, classes[e, a], chance)
                done[e] += k
                if a < width - 1:
                    waiting[o, a + 1] += classes[e, a] - k
                    returning += classes[e, a] - k
        column = min(ci[c, C_GEN], G - 1)
        ci[c, C_COMPLETERS] += done[e]
        if turnover:
            trained_og[o, column] += done[e]
        by_org[o] += done[e]
        by_gen[column] += done[e]
        pool[o] += returning
    return done


@numba.njit(cache=True)
def _resolve(
    rng: Any, t: int, entries: Any, classes: Any, facilitations: Any, tables: Any, n_tr: int,
    tiers: Any, limited: bool, turnover: float, state: Any,
) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """(4) The cohorts of one start period end: completers are trained, some become trainers.

    Returns the trainer tables (grown when needed) and the number of trainers."""
    ti, tf, ci, cf = tables
    tiers_i, tiers_f = tiers
    trainers_og = state[6]
    done = _complete(rng, entries, classes, ci, tiers_f, limited, turnover > 0, state)
    for k in range(facilitations.shape[0]):
        ti[RUNNING, facilitations[k, 1]] -= 1
    count = tiers_i.shape[0]
    converted = np.zeros(entries.shape[0], np.int64)
    for e in range(entries.shape[0]):
        chance = tiers_f[tier_of(ci[entries[e, 0], C_GEN], count), T_CONVERSION]
        converted[e] = binomial(rng, done[e], chance)
    made = converted.sum()
    if made == 0:
        return ti, tf, n_tr
    for e in range(entries.shape[0]):  # credit each cohort's new trainers to its facilitators, shared equally
        cf[entries[e, 0], 1] += converted[e]
    for k in range(facilitations.shape[0]):
        c = facilitations[k, 0]
        tf[NEW, facilitations[k, 1]] += cf[c, 1] / ci[c, C_FACILITATORS]
    for e in range(entries.shape[0]):
        cf[entries[e, 0], 1] = 0.0
    ti, tf = widened(ti, n_tr, made), widened(tf, n_tr, made)
    attrition = np.empty(made, np.float64)
    row = n_tr
    for e in range(entries.shape[0]):
        c, o = entries[e, 0], entries[e, 1]
        tier = tier_of(ci[c, C_GEN], count)
        for _ in range(converted[e]):
            for column in range(TRAINER_COLUMNS):  # element by element: a view would be counted
                ti[column, row] = 0
            ti[ORG, row], ti[GEN, row], ti[TRAINED_AT, row], ti[SOURCE, row] = o, ci[c, C_GEN], t, c
            ti[ACTIVE_FROM, row] = t + 1 + tiers_i[tier, T_DELAY]
            ti[LAST_START, row], ti[LAST_CHANCE, row] = -1, -1
            ti[CONCURRENT, row], ti[QUOTA, row] = tiers_i[tier, T_CONCURRENT], tiers_i[tier, T_TOTAL]
            tf[FID, row], tf[NEW, row] = cf[c, 0], 0.0
            attrition[row - n_tr] = tiers_f[tier, T_ATTRITION]
            if turnover > 0:
                trainers_og[o, min(ci[c, C_GEN], G - 1)] += 1
            row += 1
    _stops(rng, ti, n_tr, row, attrition, turnover, t + 1)
    return ti, tf, row


@numba.njit(cache=True)
def workspace(settings: Any, people: int, n_orgs: int, seeds: int, smallest: int) -> Any:  # pragma: no cover
    """The tables replicates work in, made once for many: fresh ones each replicate would cost more in page faults
    and zeroing than a national plan's steps. Sized for ``people`` eligible, ``seeds`` trainers and cohorts of at
    least ``smallest``; each grows when it must (`cascade_replicate` returns them). A replicate writes every
    entry it reads, so they are not cleared between replicates."""
    horizon, width = settings[0], settings[3]
    guess = max(64, people // max(1, smallest) + 64)
    ti = np.zeros((TRAINER_COLUMNS, max(64, 4 * seeds)), np.int64)  # a row a column: each pass reads few
    return (ti, np.zeros((2, ti.shape[1]), np.float64), np.zeros((guess, 6), np.int64),
            np.zeros((guess, 2), np.float64), np.zeros((guess, 3), np.int64), np.zeros((guess, width), np.int64),
            np.zeros((guess, 2), np.int64), np.zeros((horizon + 1, 7), np.int64), np.zeros((horizon + 1, G), np.int64),
            np.zeros((horizon + 1, n_orgs), np.int64), np.zeros((horizon + 2, 2), np.int64),
            np.zeros((n_orgs, width), np.int64), np.zeros((n_orgs, G), np.int64), np.zeros((n_orgs, G), np.int64),
            np.zeros(64, np.int64))  # fmt: skip


@numba.njit(cache=True)
def _seed_trainers(rng: Any, seeds: Any, tiers: Any, turnover: float, ti: Any, tf: Any) -> Any:  # pragma: no cover
    """The trainer tables (grown when needed) holding the seed trainers: generation 0, fidelity 1, active from
    period 1."""
    tiers_i, tiers_f = tiers
    count = seeds.sum()
    ti, tf = widened(ti, 0, count), widened(tf, 0, count)
    row = 0
    for o in range(seeds.size):
        for _ in range(seeds[o]):
            for column in range(TRAINER_COLUMNS):
                ti[column, row] = 0
            ti[ORG, row], ti[ACTIVE_FROM, row], ti[SOURCE, row] = o, 1, -1
            ti[LAST_START, row], ti[LAST_CHANCE, row] = -1, -1
            ti[CONCURRENT, row], ti[QUOTA, row] = tiers_i[0, T_CONCURRENT], tiers_i[0, T_TOTAL]
            tf[FID, row], tf[NEW, row] = 1.0, 0.0
            row += 1
    _stops(rng, ti, 0, count, np.full(count, tiers_f[0, T_ATTRITION]), turnover, 1)
    return ti, tf


# long: the period loop reads as the definition's steps in order; split, its state would go back and forth
@numba.njit(cache=True)
def cascade_replicate(
    rng: Any, org: Any, tiers: Any, pool: Any, uptake: Any, seeds: Any, settings: Any, turnover: float, feed: Any,
    space: Any,
) -> Any:  # fmt: skip  # pragma: no cover - compiled
    """One replicate of the cascade, period by period.

    ``org`` is (eligible staff, rank of the id, partnership component, partner indptr, partner
    indices); ``tiers`` (whole-number, real) tier tables; ``pool`` the willing people by
    organisation; ``uptake`` a hire's chance to be willing; ``settings`` (horizon, cohort
    periods, minimum group, enrolment classes, retakes limited, seeds are staff, adoption after,
    first period of the maintenance window); ``feed`` where a pathway's later stage's people come from (see
    `_arrive`; no rows for a plan on its own); ``space`` the tables to work in (`workspace`). Returns the series and the
    tables (views of ``space``; see ``tipframe.reach.compiled``), and ``space`` with any table grown."""
    horizon, periods, min_group = settings[0], settings[1], settings[2]
    limited, staff_seeds = settings[4] != 0, settings[5] != 0
    n_orgs = pool.size
    ti, tf, ci, cf, places, classes, facilitations, series, by_gen_series, by_org_series, bounds, waiting = space[:12]
    trained_og, trainers_og = space[12], space[13]
    waiting[:] = 0
    waiting[:, 0] = pool
    if turnover > 0:  # read only by turnover
        trained_og[:] = 0
        trainers_og[:] = 0
    state = (pool, waiting, np.zeros(n_orgs, np.int64), np.zeros(n_orgs, np.int64), np.zeros(G, np.int64),
             trained_og, trainers_og, uptake)  # fmt: skip
    ti, tf = _seed_trainers(rng, seeds, tiers, turnover, ti, tf)
    n_tr = seeds.sum()
    pending, n_pending = _pending(space[14], 0, 0, n_tr), n_tr  # who may yet lack a chance
    tables = (ti, tf, ci, cf, places, classes, facilitations)
    counts = np.array([n_tr, 0, 0, 0], np.int64)
    marks = (np.zeros(n_orgs, np.bool_), np.full(n_orgs, -1, np.int64), np.full(n_orgs, -1, np.int64),
             np.full(n_orgs, -1, np.int64))  # fmt: skip
    series[0], by_gen_series[0], by_org_series[0] = 0, 0, 0  # the later periods are all written
    networks = int(org[2].max()) + 1 if n_orgs else 1
    work = np.zeros(networks * G, np.int64)  # trainers by partnership network and generation
    reachable, seen = np.zeros(n_orgs, np.int64), np.zeros(n_orgs, np.int64)
    lists = np.empty((2, ti.shape[1]), np.int64)
    series[0, S_TRAINERS] = n_tr
    series[0, S_SEEDS] = seeds_here = n_tr if staff_seeds else 0
    running = 0
    # Taken out of their tuples once: numba counts a reference each time an array is taken out or passed.
    p_indptr, p_indices, component, last_chance = org[3], org[4], org[2], marks[3]
    tiers_i, reached, by_org, by_gen = tiers[0], state[2], state[3], state[4]
    ti, tf = tables[0], tables[1]
    t, stale = 1, True
    arriving = last_arrival(feed[0]) if feed[0].shape[0] > 1 else 0  # no period is skipped before then
    while t <= horizon:
        n_tr = counts[0]
        if 2 <= t <= arriving and _arrive(rng, t, feed, pool, waiting, uptake):
            stale = True
        if turnover > 0:
            seeds_here -= _turn_over(rng, t, turnover, state, ti, n_tr, staff_seeds)
        if turnover > 0 or stale:  # the pools changed: what each organisation's cohorts could reach
            _reachable(pool, p_indptr, p_indices, reachable, seen)
            stale = False
        bounds[t, 0], bounds[t, 1] = counts[2], counts[3]
        # stops: whether one who stops changes anything
        started, quiet, stops = 0, turnover == 0 and t >= arriving, False
        if lists.shape[1] < n_tr:  # who may have a chance this period, and who offers slots
            lists = np.empty((2, ti.shape[1]), np.int64)
        offers, n_near = may_start(t, ti, n_tr, reachable, min_group, component, tiers_i, work, lists)
        if offers.size:  # most periods of a small plan: no
            tables, started, drew = start_cohorts(rng, t, tables, counts, tiers, org, state, min_group, marks, offers)
            running += started
            ti, tf, quiet, stops = tables[0], tables[1], quiet and not started and not drew, True
            if started:  # the cohorts started took people from the pools
                _reachable(pool, p_indptr, p_indices, reachable, seen)
        n_pending = _chances(t, t + 1, ti, n_tr, reachable, settings, tiers_i, component, work, last_chance, pending,
                             n_pending, lists, n_near)  # fmt: skip
        s = t - periods + 1
        if s >= 1:
            running -= started if s == t else series[s, S_STARTED]
            lo, hi = bounds[s, 0], bounds[s + 1, 0] if s < t else counts[2]
        if s >= 1 and lo < hi:  # cohorts started in period s end
            f_lo, f_hi = bounds[s, 1], bounds[s + 1, 1] if s < t else counts[3]
            _, _, ci, cf, places, classes, facilitations = tables
            ti, tf, n_tr = _resolve(rng, t, places[lo:hi], classes[lo:hi], facilitations[f_lo:f_hi],
                                    (ti, tf, ci, cf), n_tr, tiers, limited, turnover, state)  # fmt: skip
            quiet, stale = False, True
            if n_tr > counts[0]:
                pending = _pending(pending, n_pending, counts[0], n_tr)
                n_pending += n_tr - counts[0]
                counts[0] = n_tr
                tables = (ti, tf, ci, cf, places, classes, facilitations)
        series[t, S_STARTED], series[t, S_RUNNING], series[t, S_SEEDS] = started, running, seeds_here
        record_period(t, series, by_gen_series, by_org_series, reached, by_org, by_gen, n_tr)
        if turnover == 0 and running == 0 and pool.sum() == 0 and t >= arriving:
            settled(t, horizon + 1, series, by_gen_series, by_org_series)
            break
        last = quiet_until(t, ti, n_tr, series, periods, stops) if quiet else t + 1
        if last > t + 1:  # periods in which only time moves, at once (the counts by period stay as they are)
            bounds[t + 1 : last, 0], bounds[t + 1 : last, 1] = counts[2], counts[3]
            n_pending = _chances(t + 1, last, ti, n_tr, reachable, settings, tiers_i, component, work, last_chance,
                                 pending, n_pending, lists, -1)  # fmt: skip
            settled(t, last, series, by_gen_series, by_org_series)
        t = last
    ti, tf, ci, cf, places, classes, facilitations = tables
    count_active(series, ti, counts[0])
    space = (ti, tf, ci, cf, places, classes, facilitations, series, by_gen_series, by_org_series, bounds, waiting,
             trained_og, trainers_og, pending)  # fmt: skip
    return (series, by_gen_series, by_org_series, ti[:, : counts[0]], tf[:, : counts[0]], ci[: counts[1]],
            cf[: counts[1], 0].copy(), facilitations[: counts[3]], marks, space)  # fmt: skip
