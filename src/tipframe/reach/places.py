"""Filling the places of cohorts about to start: from the host organisation, then from its partners.

Step 3 of the cascade model (docs/reach.md): cohorts take places in turn, each from its host
organisation's willing untrained staff, then from its partners' by a multivariate
hypergeometric draw, or none at all when fewer than the minimum group are within its reach.
``pool`` is the batch's willing untrained eligible staff not in a cohort, by organisation of the
batch's layout; the people placed are taken from it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from tipframe.reach.columns import BoolArray, Layout
from tipframe.reach.draws import blocks, positions
from tipframe.reach.scenario import IntArray


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


def fill_in_turn(
    layout: Layout,
    rngs: Sequence[np.random.Generator],
    pool: IntArray,
    host: IntArray,
    size: IntArray,
    min_group: int,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Fill the places of cohorts (in the order they take places) one cohort at a time, taking from ``pool``.

    A cohort takes what it can from its host's pool, then draws the rest of its places from its
    host's partners (multivariate hypergeometric: people drawn without replacement from their
    pools); one with fewer than ``min_group`` people within its reach takes nobody, and does not
    start. A cohort's turn depends only on the earlier cohorts whose host or partners it shares, so
    cohorts are taken in rounds (`turns`): those in one round touch no pool in common and take
    their places at once, each replicate drawing from its own generator in its cohorts' order.

    Returns the places as (cohort, organisation the people come from, how many), a cohort's
    entries together in cohort order (its host's first, then its partners' in order), and each
    cohort's people (0 for one that does not start).
    """
    count = host.size
    starts = layout.indptr[host]
    degrees = layout.indptr[host + 1] - starts
    present = np.arange(layout.width)[None, :] < degrees[:, None]
    partners = np.where(
        present, layout.indices[np.minimum(starts[:, None] + np.arange(layout.width), layout.indices.size - 1)], 0
    )
    own = np.zeros(count, np.int64)
    got = np.zeros(partners.shape, np.int64)
    level = turns(host, partners, present)
    order = np.lexsort((np.arange(count), host // layout.organisations, level))
    bounds = np.searchsorted(level[order], np.arange(int(level.max(initial=-1)) + 2))
    for lo, hi in itertools.pairwise(bounds):
        now = order[lo:hi]
        mine = np.minimum(pool[host[now]], size[now])
        supply = np.where(present[now], pool[partners[now]], 0)
        total = supply.sum(axis=1)
        able = mine + total >= min_group
        now, mine, supply, total = now[able], mine[able], supply[able], total[able]
        want = np.minimum(size[now] - mine, total)
        take = np.where((want > 0)[:, None], supply, 0)  # everyone the partners hold: nothing to draw
        draw = np.flatnonzero((want > 0) & (want < total))
        if draw.size:
            take[draw] = choose(rngs, host[now[draw]] // layout.organisations, supply[draw], want[draw])
        pool[host[now]] -= mine  # no two cohorts of a round share an organisation
        np.subtract.at(pool, partners[now], take)
        own[now], got[now] = mine, take
    filled = own + got.sum(axis=1)
    local = np.repeat(np.arange(count), 1 + layout.width).reshape(count, -1)
    orgs = np.concatenate((host[:, None], partners), axis=1)
    counts = np.concatenate((own[:, None], got), axis=1)
    keep = counts > 0
    return local[keep], orgs[keep], counts[keep], filled


def turns(host: IntArray, partners: IntArray, present: BoolArray) -> IntArray:
    """Each cohort's round: one more than the latest round of the earlier cohorts whose host or partners it
    shares (0 when none does), so that cohorts of one round touch no pool in common."""
    count = host.size
    cohort = np.concatenate((np.arange(count), np.nonzero(present)[0]))
    org = np.concatenate((host, partners[present]))
    order = np.lexsort((cohort, org))
    cohort, org = cohort[order], org[order]
    follows = np.flatnonzero(org[1:] == org[:-1]) + 1  # entries after an earlier cohort's at their organisation
    later, earlier = cohort[follows], cohort[follows - 1]
    level = np.zeros(count, np.int64)
    while later.size:
        after = np.zeros(count, np.int64)
        np.maximum.at(after, later, level[earlier] + 1)
        if (after <= level).all():
            break
        level = np.maximum(level, after)
    return level
