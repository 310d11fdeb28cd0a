"""Filling the places of cohorts about to start: from the host organisation, then from its partners.

Step 3 of the cascade model (docs/reach.md): places fill from the host organisation's untrained
eligible staff, cohorts taking them in turn, then from its partners in proportion to theirs,
every short cohort asking at once, with contested people going to a random choice of the asks.
Every function takes the batch's ``pool`` (untrained eligible staff not in a cohort, by
organisation of the batch's layout) and takes the people it places from it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tipframe.reach.columns import BoolArray, Layout
from tipframe.reach.draws import blocks, positions
from tipframe.reach.scenario import IntArray


def places_within_reach(layout: Layout, pool: IntArray, orgs: IntArray) -> bool:
    """Whether any of these organisations, or their partners, still has untrained eligible staff."""
    if pool[orgs].any():
        return True
    return bool(layout.supply(pool)[orgs].any())


def own_places(pool: IntArray, host: IntArray, size: IntArray) -> IntArray:
    """Places each cohort fills from its host's pool, a host's cohorts taking them in turn (taken from ``pool``)."""
    count = host.size
    order = np.argsort(host, kind="stable")
    sorted_host = host[order]
    cumulative = np.cumsum(size[order])
    starts = np.flatnonzero(np.concatenate(([True], sorted_host[1:] != sorted_host[:-1])))
    offsets = np.repeat(cumulative[starts] - size[order][starts], np.diff(np.append(starts, count)))
    before = np.empty(count, np.int64)
    before[order] = cumulative - size[order] - offsets
    own: IntArray = np.clip(pool[host] - before, 0, size)
    np.subtract.at(pool, host, own)
    return own


def choose(rngs: Sequence[np.random.Generator], rep: IntArray, supply: IntArray, units: IntArray) -> IntArray:
    """For each row, how many of ``units`` people drawn without replacement come from each column's ``supply``.

    Draws distinct people by position among the row's people: positions are drawn uniformly
    and any that repeats an earlier one in its row is drawn again until none do. That gives
    every set of distinct people the same chance (the procedure only compares positions for
    equality, so it favours no labelling of them): the counts are multivariate hypergeometric.
    Where more than half the people are wanted, those left out are drawn instead.
    """
    total = supply.sum(axis=1)
    leave_out = total - units < units
    draws = np.where(leave_out, total - units, units)
    rows = np.repeat(np.arange(units.size), draws)
    # One number per person drawn: row * span + position, so sorting keeps rows apart.
    span = int(total.max(initial=0)) + 1
    key = rows * span + positions(blocks(rngs, rep, draws), total[rows])
    checking = np.arange(key.size)
    while checking.size:
        order = np.argsort(key[checking], kind="stable")
        ranked = key[checking][order]
        repeats = np.sort(checking[order[1:][ranked[1:] == ranked[:-1]]])  # the later of equal positions
        if not repeats.size:
            break
        again = rows[repeats]
        key[repeats] = again * span + positions(blocks(rngs, rep[again], np.ones(again.size, np.int64)), total[again])
        redo = np.zeros(units.size, np.bool_)
        redo[again] = True
        checking = np.flatnonzero(redo[rows])
    width = supply.shape[1]
    bounds = (np.arange(units.size)[:, None] * span + np.cumsum(supply, axis=1)).reshape(-1)
    column = np.searchsorted(bounds, key, side="right") - rows * width
    counts = np.bincount(rows * width + column, minlength=supply.size).reshape(supply.shape)
    chosen: IntArray = np.where(leave_out[:, None], supply - counts, counts)
    return chosen


def fill_from_partners(
    layout: Layout,
    rngs: Sequence[np.random.Generator],
    pool: IntArray,
    host: IntArray,
    need: IntArray,
    needing: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Draw the remaining places of cohorts ``needing`` them from their hosts' partners, all at once.

    In each round every cohort still short asks its partners for the places it lacks, each
    place drawn in proportion to the untrained eligible staff they hold (so one cohort's asks
    are multivariate hypergeometric). Where cohorts ask a partner for more people than it has,
    the people go to a random choice of the asks, each ask equally likely; cohorts left short
    ask again from what remains, until each is full or its partners are empty.

    Returns the places filled as (cohort, organisation the people come from, how many), one
    entry per cohort and partner that gave anyone: cohorts a replicate's together, then partners
    in order.
    """
    rep = host[needing] // layout.organisations
    order = np.argsort(rep, kind="stable")  # each replicate's cohorts together, in their own order
    cohorts, rep = needing[order], rep[order]
    width = layout.width
    columns = np.arange(width)
    starts = layout.indptr[host[cohorts]]
    degrees = layout.indptr[host[cohorts] + 1] - starts
    present = columns[None, :] < degrees[:, None]
    orgs = np.where(present, layout.indices[np.minimum(starts[:, None] + columns, layout.indices.size - 1)], 0)
    remaining = need[cohorts].copy()
    got = np.zeros(orgs.shape, np.int64)
    while True:
        supply = np.where(present, pool[orgs], 0)
        want = np.minimum(remaining, supply.sum(axis=1))
        live = np.flatnonzero(want > 0)
        if not live.size:
            break
        units = want[live]
        asked = choose(rngs, rep[live], supply[live], units)
        # Asks, one per place, in cohort then partner order.
        cells = np.flatnonzero(asked)
        per_cell = asked.reshape(-1)[cells]
        ask_org = np.repeat(orgs[live].reshape(-1)[cells], per_cell)
        ask_cell = np.repeat(cells, per_cell)
        granted_ask = _granted(rngs, pool, ask_org, ask_cell // width, rep[live], units)
        granted = np.bincount(ask_cell[granted_ask], minlength=asked.size).reshape(asked.shape)
        np.subtract.at(pool, ask_org[granted_ask], 1)
        got[live] += granted
        remaining[live] -= granted.sum(axis=1)
    mask = got > 0
    return cohorts[np.nonzero(mask)[0]], orgs[mask], got[mask]


def _granted(
    rngs: Sequence[np.random.Generator],
    pool: IntArray,
    ask_org: IntArray,
    ask_row: IntArray,
    row_rep: IntArray,
    units: IntArray,
) -> BoolArray:
    """Which asks get their person: every ask, except where an organisation is asked for more than it holds.

    There its people go to a random choice of its asks, each ask equally likely. ``ask_row`` is
    each ask's row (a cohort still short this round), ``row_rep`` each row's replicate and
    ``units`` its asks in all.
    """
    granted = np.ones(ask_org.size, np.bool_)
    demand = np.bincount(ask_org, minlength=pool.size)
    short = demand[ask_org] > pool[ask_org]
    if not short.any():
        return granted
    # Queue keys, drawn only by replicates with a queue: one per ask of each of their cohorts,
    # in cohort order (a cohort's asks are together, as many as its units).
    queuing = np.zeros(len(rngs), np.bool_)
    queuing[row_rep[ask_row[short]]] = True
    drawing = queuing[row_rep]
    key = np.zeros(ask_org.size)
    key[drawing[ask_row]] = blocks(rngs, row_rep[drawing], units[drawing])
    queued = np.flatnonzero(short)
    queue = queued[np.lexsort((queued, key[queued], ask_org[queued]))]
    queue_org = ask_org[queue]
    head = np.flatnonzero(np.concatenate(([True], queue_org[1:] != queue_org[:-1])))
    place = np.arange(queue.size) - np.repeat(head, np.diff(np.append(head, queue.size)))
    granted[queue] = place < pool[queue_org]
    return granted
