"""Step 3 of the cascade model (docs/reach.md): trainers with spare capacity start cohorts.

Free facilitator slots are grouped into cohorts' facilitators, generation by generation;
cohorts whose fidelity would fall below the tier's floor are dropped; the rest take places in
one order, first slots before second ones and higher fidelity first, fill their places
(``tipframe.reach.places``) and start if they reach the programme's minimum group size.
Everything works on the whole batch at once (``tipframe.reach.columns``).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from tipframe.reach.columns import BoolArray, Columns, Layout
from tipframe.reach.places import fill_in_turn
from tipframe.reach.scenario import FloatArray, IntArray, TierValues, tier_index


@attrs.frozen(eq=False)
class Started:
    """The cohorts one period started, with what step 4 needs when they end."""

    cohort: IntArray  # their rows in the cohort table
    place_cohort: IntArray  # their places: the cohort, the organisation the people come from, how many
    place_org: IntArray
    place_count: IntArray
    facilitation_cohort: IntArray  # one entry per facilitator of each cohort
    facilitation_trainer: IntArray
    per_replicate: IntArray  # how many each replicate started


@attrs.frozen(eq=False)
class _Candidates:
    """Cohorts that have their facilitators, before their places are filled."""

    host: IntArray
    generation: IntArray
    fidelity: FloatArray
    size: IntArray
    facilitation_row: IntArray  # the candidate each facilitation is of
    facilitation_trainer: IntArray


def start_cohorts(
    min_group: int,
    layout: Layout,
    rngs: Sequence[np.random.Generator],
    tiers: list[TierValues],
    retention: FloatArray,
    t: int,
    trainers: Columns,
    cohorts: Columns,
    available: IntArray,
    spare: IntArray,
    pool: IntArray,
) -> Started | None:
    """Group ``available`` trainers' ``spare`` slots into cohorts' facilitators, fill the places, start them.

    ``retention`` is each replicate's fidelity retention by tier. The cohorts started join the
    ``cohorts`` table and count against their facilitators' quotas in ``trainers``; the places
    they fill come out of ``pool``. Returns None when none starts.
    """
    candidates = _candidates(layout, trainers, tiers, retention, available, spare)
    if candidates is None:
        return None
    local, orgs, counts, filled = fill_in_turn(layout, rngs, pool, candidates.host, candidates.size, min_group)
    ok = filled > 0
    if not ok.any():
        return None
    return _launch(layout, t, candidates, ok, filled, (local, orgs, counts), trainers, cohorts)


def _candidates(
    layout: Layout,
    trainers: Columns,
    tiers: list[TierValues],
    retention: FloatArray,
    available: IntArray,
    spare: IntArray,
) -> _Candidates | None:
    """Facilitators for as many cohorts as the free slots allow, in the order their cohorts take places."""
    slot_trainer = np.repeat(available, spare)
    slot_rank = np.arange(slot_trainer.size) - np.repeat(np.cumsum(spare) - spare, spare)
    slot_gen = trainers["gen"][slot_trainer]
    hosts, gens, fids, sizes, fac_local, fac_trainer, ranks = [], [], [], [], [], [], []
    count = 0
    for g in np.unique(slot_gen)[::-1]:
        number = tier_index(int(g) + 1, len(tiers))
        values = tiers[number]
        f = values.facilitators
        mine = np.flatnonzero(slot_gen == g)
        if f > 1 and np.bincount(layout.component[trainers["org"][slot_trainer[mine]]]).max() < f:
            continue  # no partnership has enough free trainers of this generation to co-facilitate
        members, group_rank = facilitator_sets(layout, trainers, slot_trainer[mine], slot_rank[mine], f)
        factor = retention[trainers["rep"][members[:, 0]], number]
        fidelity = np.minimum(1.0, trainers["fid"][members].min(axis=1, initial=np.inf) * factor)
        members = members[fidelity >= values.floor]
        group_rank = group_rank[fidelity >= values.floor]
        fidelity = fidelity[fidelity >= values.floor]
        k = members.shape[0]
        if k == 0:
            continue
        ranks.append(group_rank)
        hosts.append(trainers["org"][members[:, 0]])
        gens.append(np.full(k, int(g) + 1, np.int64))
        fids.append(fidelity)
        sizes.append(np.full(k, values.cohort_size, np.int64))
        fac_local.append(np.repeat(np.arange(count, count + k), f))
        fac_trainer.append(members.reshape(-1))
        count += k
    if count == 0:
        return None
    # Places go to cohorts in this order (docs/reach.md): first slots before second ones, then
    # higher fidelity first, whatever the generation.
    fidelity = np.concatenate(fids)
    order = np.lexsort((-fidelity, np.concatenate(ranks)))
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    return _Candidates(
        host=np.concatenate(hosts)[order],
        generation=np.concatenate(gens)[order],
        fidelity=fidelity[order],
        size=np.concatenate(sizes)[order],
        facilitation_row=position[np.concatenate(fac_local)],
        facilitation_trainer=np.concatenate(fac_trainer),
    )


def _launch(
    layout: Layout,
    t: int,
    candidates: _Candidates,
    ok: BoolArray,
    filled: IntArray,
    places: tuple[IntArray, IntArray, IntArray],
    trainers: Columns,
    cohorts: Columns,
) -> Started:
    """Start the candidates that are ``ok``: add them to ``cohorts`` and charge their facilitators."""
    local, orgs, counts = places
    count = candidates.host.size
    keep = ok[local] & (counts > 0)
    started = int(ok.sum())
    ids = np.full(count, -1, np.int64)
    host_rep = candidates.host[ok] // layout.organisations
    first = cohorts.add(
        host_rep,
        org=candidates.host[ok],
        gen=candidates.generation[ok],
        fid=candidates.fidelity[ok],
        start=t,
        size=filled[ok],
        completers=-1,
        facilitators=np.bincount(candidates.facilitation_row, minlength=count)[ok],
    )
    ids[ok] = np.arange(first, first + started)
    fac_keep = ok[candidates.facilitation_row]
    fac_trainer = candidates.facilitation_trainer[fac_keep]
    np.add.at(trainers["running"], fac_trainer, 1)
    np.add.at(trainers["total"], fac_trainer, 1)
    trainers["last_start"][fac_trainer] = t
    return Started(
        cohort=ids[ok],
        place_cohort=ids[local[keep]],
        place_org=orgs[keep],
        place_count=counts[keep],
        facilitation_cohort=ids[candidates.facilitation_row[fac_keep]],
        facilitation_trainer=fac_trainer,
        per_replicate=np.bincount(host_rep, minlength=layout.replicates),
    )


def facilitator_sets(
    layout: Layout, trainers: Columns, slot_trainer: IntArray, slot_rank: IntArray, f: int
) -> tuple[IntArray, IntArray]:
    """Groups of ``f`` slots' trainers: within an organisation first, then across partnerships.

    A trainer never co-facilitates with themselves: a group that would need the same trainer
    twice is broken up and its slots go on to be grouped across partnerships. Returns the groups'
    trainers (one row a group; a cross-organisation group's first trainer is in the host
    organisation, see `_host_first`) and each group's rank: the latest of its slots (0 for a
    group of first slots).
    """
    orgs = trainers["org"][slot_trainer]
    # First slots before second ones, best fidelity first, then by trainer, within each organisation.
    # Slots come in trainer order and lexsort is stable, so the trainer needs no key of its own;
    # organisation and rank share one.
    ranks = int(slot_rank.max(initial=0)) + 1
    order = np.lexsort((-trainers["fid"][slot_trainer], orgs * ranks + slot_rank))
    grouped, leftover = _groups(orgs, order, f)
    members = slot_trainer[order[grouped]].reshape(-1, f)
    ranks = slot_rank[order[grouped]].reshape(-1, f).max(axis=1, initial=0)
    rest = order[leftover]
    if f > 1 and members.size:
        good = _distinct(members)
        rest = np.concatenate((rest, order[grouped].reshape(-1, f)[~good].reshape(-1)))
        members, ranks = members[good], ranks[good]
    sets, set_ranks = [members], [ranks]
    if f > 1 and rest.size >= f:
        rt = slot_trainer[rest]
        component = layout.component[orgs[rest]]
        # Across a partnership: first slots of every trainer before anyone's second, best fidelity
        # first; the organisations' places in the file play no part.
        order2 = np.lexsort((rt, -trainers["fid"][rt], slot_rank[rest], component))
        grouped2, _ = _groups(component, order2, f)
        across = rt[order2[grouped2]].reshape(-1, f)
        across_ranks = slot_rank[rest][order2[grouped2]].reshape(-1, f).max(axis=1, initial=0)
        good = _distinct(across)
        sets.append(_host_first(layout, trainers, across[good]))
        set_ranks.append(across_ranks[good])
    return np.concatenate(sets), np.concatenate(set_ranks)


def _host_first(layout: Layout, trainers: Columns, groups: IntArray) -> IntArray:
    """Cross-organisation groups with their host's trainer first: the organisation among theirs whose
    staff the cohort is most likely to serve, by a rule that does not depend on the order of the file
    (the most eligible staff, then the alphabetically first id)."""
    if groups.size == 0:
        return groups
    orgs = trainers["org"][groups]
    key = layout.staff[orgs] * layout.organisations - layout.id_rank[orgs]
    first = np.argmax(key, axis=1)
    rows = np.arange(groups.shape[0])
    swapped = groups.copy()
    swapped[rows, 0], swapped[rows, first] = groups[rows, first], groups[rows, 0]
    return swapped


def _groups(keys: IntArray, order: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """Split slots (sorted by ``order``) into consecutive groups of ``size`` within each key.

    Returns the positions (into ``order``) of slots in full groups, and of the slots left over.
    """
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    lengths = np.diff(np.append(starts, sorted_keys.size))
    within = np.arange(sorted_keys.size) - np.repeat(starts, lengths)
    full = np.repeat(lengths // size * size, lengths)
    return np.flatnonzero(within < full), np.flatnonzero(within >= full)


def _distinct(members: IntArray) -> BoolArray:
    """Rows in which no trainer appears twice."""
    ordered = np.sort(members, axis=1)
    result: BoolArray = (ordered[:, 1:] != ordered[:, :-1]).all(axis=1)
    return result
