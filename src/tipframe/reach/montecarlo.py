"""The stochastic cascade engine: one replicate at a time, vectorised over trainers, cohorts and organisations.

The model's definition is in docs/reach.md; the steps below follow it in order. Within a period
every trainer, cohort and participant group is handled by array operations; the only loop is
over the cohorts that must draw places from partner organisations.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues, tier_index

BoolArray = npt.NDArray[np.bool_]

#: generations counted separately in the results; later generations count in the last
GENERATIONS: Final = 64


@attrs.frozen(eq=False)
class Events:
    """Who trained whom in one replicate: trainers, cohorts, and which trainers facilitated which cohort."""

    trainer_org: IntArray
    trainer_generation: IntArray
    trainer_fidelity: FloatArray
    trainer_trained_at: IntArray  # 0 for seeds
    trainer_source: IntArray  # the cohort a trainer completed, -1 for seeds
    cohort_org: IntArray
    cohort_generation: IntArray
    cohort_fidelity: FloatArray
    cohort_start: IntArray
    cohort_size: IntArray
    cohort_completers: IntArray  # -1 while running at the horizon
    facilitation_cohort: IntArray
    facilitation_trainer: IntArray


@attrs.frozen(eq=False)
class Run:
    """One replicate's record: series per period (index 0 is the start) and per-trainer outcomes."""

    trained: IntArray  # (H+1,)
    by_generation: IntArray  # (H+1, GENERATIONS)
    by_organisation: IntArray  # (H+1, organisations)
    trainers: IntArray  # (H+1,) every trainer, seeds included
    active_trainers: IntArray  # (H+1,) trainers able to deliver: activated and not stopped
    cohorts_running: IntArray  # (H+1,)
    cohorts_started: IntArray  # (H+1,)
    organisations_started: BoolArray
    trainer_generation: IntArray
    trainer_trained_at: IntArray
    trainer_ran: IntArray  # cohorts each trainer started
    trainer_last_start: IntArray  # -1 when never
    trainer_new_trainers: FloatArray  # trainers its cohorts produced, shared among co-facilitators
    trainer_fidelity: FloatArray
    cohort_count: IntArray  # cohorts started, by generation
    cohort_fidelity_sum: FloatArray  # their fidelity summed, by generation
    events: Events | None


class _Columns:
    """Growing columns of one table (trainers, cohorts): appended in bulk, read as arrays."""

    def __init__(self, capacity: int, **dtypes: Any) -> None:
        self.n = 0
        self.dtypes = dtypes
        self.data = {name: np.zeros(capacity, dtype) for name, dtype in dtypes.items()}

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def add(self, count: int, **values: Any) -> int:
        """Append ``count`` rows; columns not given are 0. Returns the first new row's index."""
        first = self.n
        if count == 0:
            return first
        needed = first + count
        capacity = next(iter(self.data.values())).shape[0]
        if needed > capacity:
            size = max(needed, 2 * capacity)
            for name, old in self.data.items():
                grown = np.zeros(size, old.dtype)
                grown[:first] = old[:first]
                self.data[name] = grown
        for name, column in self.data.items():
            column[first:needed] = values.get(name, 0)
        self.n = needed
        return first

    def view(self, name: str) -> Any:
        return self.data[name][: self.n]


def _tier_arrays(tiers: list[TierValues]) -> dict[str, Any]:
    return {
        name: np.array([getattr(t, name) for t in tiers])
        for name in (
            "cohort_size",
            "facilitators",
            "concurrent",
            "total",
            "delay",
            "attrition",
            "completion",
            "conversion",
        )
    }


def run_replicate(scenario: Scenario, rng: np.random.Generator, *, keep_events: bool = False) -> Run:
    """Simulate one replicate of the plan with ``rng``."""
    turnover, tiers = scenario.draw(rng)
    per_tier = _tier_arrays(tiers)
    horizon = scenario.horizon
    n_orgs = len(scenario.organisations)
    d = scenario.cohort_periods

    def tier_of(generations: IntArray) -> IntArray:
        result: IntArray = np.minimum(np.maximum(generations, 1), len(tiers)) - 1
        return result

    pool = scenario.eligible - (scenario.seeds if scenario.plan.seeds_are_staff else 0)
    trained_og = np.zeros((n_orgs, GENERATIONS), np.int64)  # trained people (seeds excluded) by generation
    trained_flat = trained_og.reshape(-1)
    trainers = _Columns(
        max(64, int(scenario.seeds.sum()) * 4),
        org=np.int64, gen=np.int64, fid=np.float64, active_from=np.int64, stopped=np.bool_, running=np.int64,
        total=np.int64, trained_at=np.int64, source=np.int64, last_start=np.int64, new_trainers=np.float64,
        concurrent=np.int64, quota=np.int64, attrition=np.float64,
    )  # fmt: skip
    first = tiers[tier_index(0, len(tiers))]
    trainers.add(
        int(scenario.seeds.sum()),
        org=np.repeat(np.arange(n_orgs), scenario.seeds),
        fid=1.0,
        active_from=1,
        source=-1,
        last_start=-1,
        concurrent=first.concurrent,
        quota=first.total,
        attrition=first.attrition,
    )
    cohorts = _Columns(64, org=np.int64, gen=np.int64, fid=np.float64, start=np.int64, size=np.int64,
                       completers=np.int64, facilitators=np.int64)  # fmt: skip
    ending: dict[int, list[tuple[IntArray, ...]]] = {}
    kept: list[tuple[IntArray, IntArray]] = []

    series = {name: np.zeros(horizon + 1, np.int64) for name in ("trained", "trainers", "active", "running", "started")}
    series_gen = np.zeros((horizon + 1, GENERATIONS), np.int64)
    series_org = np.zeros((horizon + 1, n_orgs), np.int64)
    org_started = np.zeros(n_orgs, np.bool_)
    running = 0
    series["trainers"][0] = trainers.n

    for t in range(1, horizon + 1):
        n = trainers.n
        stopped = trainers.view("stopped")
        # (0) Turnover: trained people leave and untrained hires take their places.
        if turnover > 0:
            leavers = rng.binomial(trained_og, turnover)
            trained_og -= leavers
            pool += leavers.sum(axis=1)
            stopped |= (rng.random(n) < turnover) & ~stopped
        # (1) Trainers whose delay has passed are active; (2) each active trainer may stop.
        active = (trainers.view("active_from") <= t) & ~stopped
        drop = active & (rng.random(n) < trainers.view("attrition"))
        stopped |= drop
        active &= ~drop
        # (3) Trainers with spare capacity start cohorts.
        spare = np.minimum(
            trainers.view("concurrent") - trainers.view("running"), trainers.view("quota") - trainers.view("total")
        )
        available = np.flatnonzero(active & (spare > 0))
        started_now = 0
        if available.size and _places_within_reach(scenario, pool, trainers["org"][available]):
            started_now = _start_cohorts(
                scenario, rng, tiers, t, d, trainers, cohorts, available, spare[available], pool, org_started,
                ending, kept if keep_events else None,
            )  # fmt: skip
        running += started_now
        # (4) Cohorts ending now resolve.
        chunks = ending.pop(t, None)
        if chunks:
            ids, part_cohort, part_org, part_count, fac_cohort, fac_trainer = (
                np.concatenate(c) for c in zip(*chunks, strict=True)
            )
            running -= ids.size
            gens = cohorts["gen"][part_cohort]
            tidx = tier_of(gens)
            completers = rng.binomial(part_count, per_tier["completion"][tidx])
            cohorts["completers"][ids] = 0
            np.add.at(cohorts["completers"], part_cohort, completers)
            np.add.at(trained_flat, part_org * GENERATIONS + np.minimum(gens, GENERATIONS - 1), completers)
            np.add.at(pool, part_org, part_count - completers)
            np.subtract.at(trainers["running"], fac_trainer, 1)
            converted = rng.binomial(completers, per_tier["conversion"][tidx])
            made = int(converted.sum())
            if made:
                per_cohort = np.bincount(part_cohort, weights=converted, minlength=cohorts.n)
                credit = per_cohort[fac_cohort] / cohorts["facilitators"][fac_cohort]
                np.add.at(trainers["new_trainers"], fac_trainer, credit)
                new_tier = np.repeat(tidx, converted)
                trainers.add(
                    made,
                    org=np.repeat(part_org, converted),
                    gen=np.repeat(gens, converted),
                    fid=np.repeat(cohorts["fid"][part_cohort], converted),
                    active_from=t + 1 + per_tier["delay"][new_tier],
                    trained_at=t,
                    source=np.repeat(part_cohort, converted),
                    last_start=-1,
                    concurrent=per_tier["concurrent"][new_tier],
                    quota=per_tier["total"][new_tier],
                    attrition=per_tier["attrition"][new_tier],
                )
        used = int(cohorts.view("gen").max(initial=0)) + 1  # columns beyond the deepest generation are empty
        present = trained_og[:, : min(used, GENERATIONS)]
        series_gen[t, : present.shape[1]] = present.sum(axis=0)
        series_org[t] = present.sum(axis=1)
        series["trained"][t] = series_org[t].sum()
        series["trainers"][t] = trainers.n
        series["active"][t] = int(((trainers.view("active_from") <= t) & ~trainers.view("stopped")).sum())
        series["running"][t] = running
        series["started"][t] = started_now

    cohort_gens = np.minimum(cohorts.view("gen"), GENERATIONS - 1)
    events = None
    if keep_events:
        facilitation = [np.concatenate(c) for c in zip(*kept, strict=True)] if kept else [np.zeros(0, np.int64)] * 2
        completers_now = cohorts.view("completers").copy()
        completers_now[cohorts.view("start") + d - 1 > horizon] = -1
        events = Events(
            trainer_org=trainers.view("org").copy(),
            trainer_generation=trainers.view("gen").copy(),
            trainer_fidelity=trainers.view("fid").copy(),
            trainer_trained_at=trainers.view("trained_at").copy(),
            trainer_source=trainers.view("source").copy(),
            cohort_org=cohorts.view("org").copy(),
            cohort_generation=cohorts.view("gen").copy(),
            cohort_fidelity=cohorts.view("fid").copy(),
            cohort_start=cohorts.view("start").copy(),
            cohort_size=cohorts.view("size").copy(),
            cohort_completers=completers_now,
            facilitation_cohort=facilitation[0],
            facilitation_trainer=facilitation[1],
        )
    return Run(
        trained=series["trained"],
        by_generation=series_gen,
        by_organisation=series_org,
        trainers=series["trainers"],
        active_trainers=series["active"],
        cohorts_running=series["running"],
        cohorts_started=series["started"],
        organisations_started=org_started,
        trainer_generation=trainers.view("gen").copy(),
        trainer_trained_at=trainers.view("trained_at").copy(),
        trainer_ran=trainers.view("total").copy(),
        trainer_last_start=trainers.view("last_start").copy(),
        trainer_new_trainers=trainers.view("new_trainers").copy(),
        trainer_fidelity=trainers.view("fid").copy(),
        cohort_count=np.bincount(cohort_gens, minlength=GENERATIONS),
        cohort_fidelity_sum=np.bincount(cohort_gens, weights=cohorts.view("fid"), minlength=GENERATIONS).astype(
            np.float64
        ),
        events=events,
    )


def _places_within_reach(scenario: Scenario, pool: IntArray, orgs: IntArray) -> bool:
    """Whether any of these organisations, or their partners, still has untrained eligible staff."""
    if pool[orgs].any():
        return True
    if not scenario.partner_indices.size:
        return False
    return bool(scenario.partner_supply(pool)[orgs].any())


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


def _facilitator_sets(
    scenario: Scenario, trainers: _Columns, slot_trainer: IntArray, slot_rank: IntArray, f: int
) -> IntArray:
    """Groups of ``f`` slots' trainers: within an organisation first, then across partnerships.

    A trainer never co-facilitates with themselves: a group that would need the same trainer
    twice is broken up and its slots go on to be grouped across partnerships.
    """
    orgs = trainers["org"][slot_trainer]
    # First slots before second ones, best fidelity first, then by trainer, within each organisation.
    order = np.lexsort((slot_trainer, -trainers["fid"][slot_trainer], slot_rank, orgs))
    grouped, leftover = _groups(orgs, order, f)
    members = slot_trainer[order[grouped]].reshape(-1, f)
    rest = order[leftover]
    if f > 1 and members.size:
        good = _distinct(members)
        rest = np.concatenate((rest, order[grouped].reshape(-1, f)[~good].reshape(-1)))
        members = members[good]
    sets = [members]
    if f > 1 and rest.size >= f:
        rt = slot_trainer[rest]
        component = scenario.component[orgs[rest]]
        # Across a partnership: first slots of every trainer before anyone's second.
        order2 = np.lexsort((rt, -trainers["fid"][rt], orgs[rest], slot_rank[rest], component))
        grouped2, _ = _groups(component, order2, f)
        across = rt[order2[grouped2]].reshape(-1, f)
        sets.append(across[_distinct(across)])
    return np.concatenate(sets)


def _fill_from_partners(
    scenario: Scenario,
    rng: np.random.Generator,
    pool: IntArray,
    host: IntArray,
    need: IntArray,
    needing: IntArray,
    part_local: list[IntArray],
    part_org: list[IntArray],
    part_count: list[IntArray],
    filled: IntArray,
) -> None:
    """Draw the remaining places of cohorts ``needing`` them from their hosts' partners.

    Cohorts draw in order, each from the partner pools the earlier ones left. Cohorts whose
    partner sets are disjoint do not affect each other, so they are drawn together in waves:
    a cohort's wave is one after the latest earlier cohort sharing a partner with it. Each
    multivariate hypergeometric draw is made as successive univariate ones, partner by partner.
    """
    lists = scenario.partner_lists
    touched: dict[int, int] = {}
    waves = np.empty(needing.size, np.int64)
    for position, i in enumerate(needing.tolist()):
        partners = lists[host[i]]
        wave = 1 + max((touched.get(p, 0) for p in partners), default=0)
        for p in partners:
            touched[p] = wave
        waves[position] = wave
    width = int(np.diff(scenario.partner_indptr).max())
    for wave in range(1, int(waves.max()) + 1):
        cohorts = needing[waves == wave]
        starts = scenario.partner_indptr[host[cohorts]]
        degrees = scenario.partner_indptr[host[cohorts] + 1] - starts
        columns = np.arange(width)
        present = columns[None, :] < degrees[:, None]
        orgs = np.where(
            present,
            scenario.partner_indices[np.minimum(starts[:, None] + columns[None, :], scenario.partner_indices.size - 1)],
            0,
        )
        supply = np.where(present, pool[orgs], 0)
        remaining_supply = supply.sum(axis=1)
        remaining_need = np.minimum(need[cohorts], remaining_supply)
        taken = remaining_need.copy()
        drawn = np.zeros_like(supply)
        for k in range(width):
            good = supply[:, k]
            bad = remaining_supply - good
            active = (remaining_need > 0) & (good > 0)
            if active.any():
                drawn[active, k] = rng.hypergeometric(good[active], bad[active], remaining_need[active])
            remaining_need -= drawn[:, k]
            remaining_supply -= good
        mask = present & (drawn > 0)
        pool[orgs[mask]] -= drawn[mask]  # partner sets in one wave are disjoint
        rows = np.nonzero(mask)[0]
        part_local.append(cohorts[rows])
        part_org.append(orgs[mask])
        part_count.append(drawn[mask])
        filled[cohorts] += taken


def _start_cohorts(
    scenario: Scenario,
    rng: np.random.Generator,
    tiers: list[TierValues],
    t: int,
    d: int,
    trainers: _Columns,
    cohorts: _Columns,
    available: IntArray,
    spare: IntArray,
    pool: IntArray,
    org_started: BoolArray,
    ending: dict[int, list[tuple[IntArray, ...]]],
    kept: list[tuple[IntArray, IntArray]] | None,
) -> int:
    """Step 3: group available trainers into cohorts' facilitators, fill the places, start them."""
    slot_trainer = np.repeat(available, spare)
    slot_rank = np.arange(slot_trainer.size) - np.repeat(np.cumsum(spare) - spare, spare)
    slot_gen = trainers["gen"][slot_trainer]
    hosts, gens, fids, sizes, fac_local, fac_trainer = [], [], [], [], [], []
    count = 0
    for g in np.unique(slot_gen)[::-1]:
        values = tiers[tier_index(int(g) + 1, len(tiers))]
        f = values.facilitators
        mine = np.flatnonzero(slot_gen == g)
        if f > 1 and np.bincount(scenario.component[trainers["org"][slot_trainer[mine]]]).max() < f:
            continue  # no partnership has enough free trainers of this generation to co-facilitate
        members = _facilitator_sets(scenario, trainers, slot_trainer[mine], slot_rank[mine], f)
        fidelity = np.minimum(1.0, trainers["fid"][members].min(axis=1, initial=np.inf) * values.retention)
        members = members[fidelity >= values.floor]
        fidelity = fidelity[fidelity >= values.floor]
        k = members.shape[0]
        if k == 0:
            continue
        hosts.append(trainers["org"][members[:, 0]])
        gens.append(np.full(k, int(g) + 1, np.int64))
        fids.append(fidelity)
        sizes.append(np.full(k, values.cohort_size, np.int64))
        fac_local.append(np.repeat(np.arange(count, count + k), f))
        fac_trainer.append(members.reshape(-1))
        count += k
    if count == 0:
        return 0
    host = np.concatenate(hosts)
    size = np.concatenate(sizes)
    # Places come first from the host organisation's own pool, in candidate order ...
    order = np.argsort(host, kind="stable")
    sorted_host = host[order]
    cumulative = np.cumsum(size[order])
    starts = np.flatnonzero(np.concatenate(([True], sorted_host[1:] != sorted_host[:-1])))
    offsets = np.repeat(cumulative[starts] - size[order][starts], np.diff(np.append(starts, count)))
    before = np.empty(count, np.int64)
    before[order] = cumulative - size[order] - offsets
    own = np.clip(pool[host] - before, 0, size)
    np.subtract.at(pool, host, own)
    # ... then from partners, in proportion to their pools (multivariate hypergeometric).
    part_local, part_org, part_count = [np.arange(count)], [host], [own]
    filled = own.copy()
    # Supply only falls within a period, so organisations whose partners hold nobody now are skipped.
    supply_now = scenario.partner_supply(pool) if scenario.partner_indices.size else np.zeros(pool.size, np.int64)
    needing = np.flatnonzero((own < size) & (supply_now[host] > 0))
    if needing.size:
        _fill_from_partners(scenario, rng, pool, host, size - own, needing, part_local, part_org, part_count, filled)
    local = np.concatenate(part_local)
    orgs = np.concatenate(part_org)
    counts = np.concatenate(part_count)
    ok = filled >= scenario.min_group
    if not ok.all():  # too few to run: the places go back
        back = ~ok[local]
        np.add.at(pool, orgs[back], counts[back])
    keep = ok[local] & (counts > 0)
    started = int(ok.sum())
    if started == 0:
        return 0
    ids = np.full(count, -1, np.int64)
    first = cohorts.add(
        started,
        org=host[ok],
        gen=np.concatenate(gens)[ok],
        fid=np.concatenate(fids)[ok],
        start=t,
        size=filled[ok],
        completers=-1,
        facilitators=np.bincount(np.concatenate(fac_local), minlength=count)[ok],
    )
    ids[ok] = np.arange(first, first + started)
    facilitator_local = np.concatenate(fac_local)
    facilitators = np.concatenate(fac_trainer)
    fac_keep = ok[facilitator_local]
    fac_cohort = ids[facilitator_local[fac_keep]]
    fac_trainer_kept = facilitators[fac_keep]
    np.add.at(trainers["running"], fac_trainer_kept, 1)
    np.add.at(trainers["total"], fac_trainer_kept, 1)
    trainers["last_start"][fac_trainer_kept] = t
    org_started[host[ok]] = True
    chunk = (ids[ok], ids[local[keep]], orgs[keep], counts[keep], fac_cohort, fac_trainer_kept)
    ending.setdefault(t + d - 1, []).append(chunk)
    if kept is not None:
        kept.append((fac_cohort, fac_trainer_kept))
    return started
