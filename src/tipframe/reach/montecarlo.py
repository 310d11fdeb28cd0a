"""The stochastic cascade engine: one replicate at a time, vectorised over trainers, cohorts and organisations.

The model's definition is in docs/reach.md; the steps below follow it in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues, tier_index

BoolArray = npt.NDArray[np.bool_]

#: generations counted separately in the results; later generations count in the last
GENERATIONS: Final = 16


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


class _Trainers:
    """Growing columns of trainer state."""

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.org = np.zeros(capacity, np.int64)
        self.gen = np.zeros(capacity, np.int64)
        self.fid = np.zeros(capacity, np.float64)
        self.active_from = np.zeros(capacity, np.int64)
        self.stopped = np.zeros(capacity, np.bool_)
        self.running = np.zeros(capacity, np.int64)
        self.total = np.zeros(capacity, np.int64)
        self.trained_at = np.zeros(capacity, np.int64)
        self.source = np.zeros(capacity, np.int64)
        self.last_start = np.zeros(capacity, np.int64)
        self.new_trainers = np.zeros(capacity, np.float64)
        self.concurrent = np.zeros(capacity, np.int64)
        self.quota = np.zeros(capacity, np.int64)
        self.attrition = np.zeros(capacity, np.float64)

    _COLUMNS: Final = (
        "org", "gen", "fid", "active_from", "stopped", "running", "total", "trained_at", "source",
        "last_start", "new_trainers", "concurrent", "quota", "attrition",
    )  # fmt: skip

    def add(self, count: int, **columns: object) -> None:
        if count == 0:
            return
        needed = self.n + count
        if needed > self.org.shape[0]:
            size = max(needed, 2 * self.org.shape[0])
            for name in self._COLUMNS:
                old = getattr(self, name)
                grown = np.zeros(size, old.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
        for name in self._COLUMNS:
            getattr(self, name)[self.n : needed] = columns.get(name, 0)
        self.n = needed


def run_replicate(scenario: Scenario, rng: np.random.Generator, *, keep_events: bool = False) -> Run:
    """Simulate one replicate of the plan with ``rng``."""
    turnover, tiers = scenario.draw(rng)
    horizon = scenario.horizon
    n_orgs = len(scenario.organisations)
    d = scenario.cohort_periods
    tier_count = len(tiers)

    def tier(generation: int) -> TierValues:
        return tiers[tier_index(generation, tier_count)]

    pool = scenario.eligible - (scenario.seeds if scenario.plan.seeds_are_staff else 0)
    trained_og = np.zeros((n_orgs, GENERATIONS), np.int64)  # trained people (seeds excluded) by generation
    trainers = _Trainers(max(64, int(scenario.seeds.sum()) * 4))
    seed_orgs = np.repeat(np.arange(n_orgs), scenario.seeds)
    first = tier(0)
    trainers.add(
        seed_orgs.size,
        org=seed_orgs,
        fid=1.0,
        active_from=1,
        source=-1,
        last_start=-1,
        concurrent=first.concurrent,
        quota=first.total,
        attrition=first.attrition,
    )

    # Cohorts, as growing Python lists of numpy chunks joined when needed.
    c_org: list[int] = []
    c_gen: list[int] = []
    c_fid: list[float] = []
    c_start: list[int] = []
    c_size: list[int] = []
    c_completers: list[int] = []
    fac_cohort: list[IntArray] = []
    fac_trainer: list[IntArray] = []
    part_cohort: list[IntArray] = []
    part_org: list[IntArray] = []
    part_count: list[IntArray] = []
    ending: dict[int, list[int]] = {}

    series_trained = np.zeros(horizon + 1, np.int64)
    series_gen = np.zeros((horizon + 1, GENERATIONS), np.int64)
    series_org = np.zeros((horizon + 1, n_orgs), np.int64)
    series_trainers = np.zeros(horizon + 1, np.int64)
    series_active = np.zeros(horizon + 1, np.int64)
    series_running = np.zeros(horizon + 1, np.int64)
    series_started = np.zeros(horizon + 1, np.int64)
    org_started = np.zeros(n_orgs, np.bool_)
    running = 0
    series_trainers[0] = trainers.n

    for t in range(1, horizon + 1):
        n = trainers.n
        # (0) Turnover: trained people leave and untrained hires take their places.
        if turnover > 0:
            leavers = rng.binomial(trained_og, turnover)
            trained_og -= leavers
            pool += leavers.sum(axis=1)
            gone = (rng.random(n) < turnover) & ~trainers.stopped[:n]
            trainers.stopped[:n] |= gone
        # (1) Trainers whose delay has passed are active; (2) each active trainer may stop.
        active = (trainers.active_from[:n] <= t) & ~trainers.stopped[:n]
        drop = active & (rng.random(n) < trainers.attrition[:n])
        trainers.stopped[:n] |= drop
        active &= ~drop
        # (3) Trainers with spare capacity start cohorts.
        spare = np.minimum(trainers.concurrent[:n] - trainers.running[:n], trainers.quota[:n] - trainers.total[:n])
        available = np.nonzero(active & (spare > 0))[0]
        started_now = 0
        if available.size:
            started_now = _start_cohorts(
                scenario, rng, tier, t, trainers, available, spare[available], pool, org_started,
                (c_org, c_gen, c_fid, c_start, c_size, c_completers),
                (fac_cohort, fac_trainer), (part_cohort, part_org, part_count), ending, d,
            )  # fmt: skip
        running += started_now
        # (4) Cohorts ending now resolve.
        for cohort in ending.pop(t, []):
            running -= 1
            orgs = part_org[cohort]
            counts = part_count[cohort]
            g = c_gen[cohort]
            values = tier(g)
            completers = rng.binomial(counts, values.completion)
            c_completers[cohort] = int(completers.sum())
            np.add.at(trained_og[:, min(g, GENERATIONS - 1)], orgs, completers)
            np.add.at(pool, orgs, counts - completers)
            facilitators = fac_trainer[cohort]
            trainers.running[facilitators] -= 1
            converted = rng.binomial(completers, values.conversion)
            made = int(converted.sum())
            if made:
                trainers.new_trainers[facilitators] += made / facilitators.size
                new_orgs = np.repeat(orgs, converted)
                trainers.add(
                    made,
                    org=new_orgs,
                    gen=g,
                    fid=c_fid[cohort],
                    active_from=t + 1 + values.delay,
                    trained_at=t,
                    source=cohort,
                    last_start=-1,
                    concurrent=values.concurrent,
                    quota=values.total,
                    attrition=values.attrition,
                )
        series_trained[t] = trained_og.sum()
        series_gen[t] = trained_og.sum(axis=0)
        series_org[t] = trained_og.sum(axis=1)
        series_trainers[t] = trainers.n
        series_active[t] = int(((trainers.active_from[: trainers.n] <= t) & ~trainers.stopped[: trainers.n]).sum())
        series_running[t] = running
        series_started[t] = started_now

    n = trainers.n
    cohort_gens = np.minimum(np.array(c_gen, np.int64), GENERATIONS - 1)
    cohort_count = np.bincount(cohort_gens, minlength=GENERATIONS)
    cohort_fidelity_sum = np.bincount(cohort_gens, weights=np.array(c_fid, np.float64), minlength=GENERATIONS).astype(
        np.float64
    )
    events = None
    if keep_events:
        events = Events(
            trainer_org=trainers.org[:n].copy(),
            trainer_generation=trainers.gen[:n].copy(),
            trainer_fidelity=trainers.fid[:n].copy(),
            trainer_trained_at=trainers.trained_at[:n].copy(),
            trainer_source=trainers.source[:n].copy(),
            cohort_org=np.array(c_org, np.int64),
            cohort_generation=np.array(c_gen, np.int64),
            cohort_fidelity=np.array(c_fid, np.float64),
            cohort_start=np.array(c_start, np.int64),
            cohort_size=np.array(c_size, np.int64),
            cohort_completers=np.array(c_completers, np.int64),
            facilitation_cohort=np.concatenate(fac_cohort) if fac_cohort else np.zeros(0, np.int64),
            facilitation_trainer=np.concatenate(fac_trainer) if fac_trainer else np.zeros(0, np.int64),
        )
    return Run(
        trained=series_trained,
        by_generation=series_gen,
        by_organisation=series_org,
        trainers=series_trainers,
        active_trainers=series_active,
        cohorts_running=series_running,
        cohorts_started=series_started,
        organisations_started=org_started,
        trainer_generation=trainers.gen[:n].copy(),
        trainer_trained_at=trainers.trained_at[:n].copy(),
        trainer_ran=trainers.total[:n].copy(),
        trainer_last_start=trainers.last_start[:n].copy(),
        trainer_new_trainers=trainers.new_trainers[:n].copy(),
        trainer_fidelity=trainers.fid[:n].copy(),
        cohort_count=cohort_count,
        cohort_fidelity_sum=cohort_fidelity_sum,
        events=events,
    )


def _groups(keys: IntArray, order: IntArray, size: int) -> tuple[IntArray, IntArray, IntArray]:
    """Split slots (already sorted by ``order``) into consecutive groups of ``size`` within each key.

    Returns the positions (into ``order``) of slots in full groups, their group number, and the
    positions of the slots left over.
    """
    sorted_keys = keys[order]
    starts = np.r_[0, np.nonzero(np.diff(sorted_keys))[0] + 1]
    lengths = np.diff(np.r_[starts, sorted_keys.size])
    within = np.arange(sorted_keys.size) - np.repeat(starts, lengths)
    full = np.repeat(lengths // size * size, lengths)
    grouped = np.nonzero(within < full)[0]
    leftover = np.nonzero(within >= full)[0]
    return grouped, np.arange(grouped.size) // size, leftover


def _start_cohorts(
    scenario: Scenario,
    rng: np.random.Generator,
    tier: Callable[[int], TierValues],
    t: int,
    trainers: _Trainers,
    available: IntArray,
    spare: IntArray,
    pool: IntArray,
    org_started: BoolArray,
    cohorts: tuple[list[int], list[int], list[float], list[int], list[int], list[int]],
    facilitation: tuple[list[IntArray], list[IntArray]],
    participants: tuple[list[IntArray], list[IntArray], list[IntArray]],
    ending: dict[int, list[int]],
    d: int,
) -> int:
    """Step 3: group available trainers into cohorts' facilitators, fill the places, start them."""
    c_org, c_gen, c_fid, c_start, c_size, c_completers = cohorts
    slot_trainer = np.repeat(available, spare)
    slot_rank = np.arange(slot_trainer.size) - np.repeat(np.cumsum(spare) - spare, spare)
    slot_gen = trainers.gen[slot_trainer]
    candidates: list[tuple[int, int, float, IntArray]] = []  # host org, generation, fidelity, facilitators
    for g in np.unique(slot_gen)[::-1]:
        values = tier(int(g) + 1)
        f = values.facilitators
        mine = np.nonzero(slot_gen == g)[0]
        st = slot_trainer[mine]
        orgs = trainers.org[st]
        # Within an organisation: first slots before second ones, best fidelity first, then by trainer.
        order = np.lexsort((st, -trainers.fid[st], slot_rank[mine], orgs))
        grouped, group_of, leftover = _groups(orgs, order, f)
        sets = [st[order[grouped]].reshape(-1, f)]
        if leftover.size >= f:
            rest = order[leftover]
            comp = scenario.component[orgs[rest]]
            order2 = np.lexsort((st[rest], -trainers.fid[st[rest]], slot_rank[mine][rest], orgs[rest], comp))
            grouped2, _, _ = _groups(comp, order2, f)
            sets.append(st[rest[order2[grouped2]]].reshape(-1, f))
        del group_of
        for members in np.concatenate(sets):
            if np.unique(members).size < f:
                continue  # one trainer cannot co-facilitate with themselves
            fidelity = min(1.0, float(trainers.fid[members].min()) * values.retention)
            if fidelity < values.floor:
                continue
            candidates.append((int(trainers.org[members[0]]), int(g) + 1, fidelity, members))
    if not candidates:
        return 0
    hosts = np.array([c[0] for c in candidates], np.int64)
    sizes = np.array([tier(c[1]).cohort_size for c in candidates], np.int64)
    # Places come first from the host organisation's own pool, in candidate order ...
    order = np.argsort(hosts, kind="stable")
    before = np.zeros(hosts.size, np.int64)
    sorted_hosts = hosts[order]
    cumulative = np.cumsum(sizes[order])
    starts = np.r_[0, np.nonzero(np.diff(sorted_hosts))[0] + 1]
    offsets = np.repeat(cumulative[starts] - sizes[order][starts], np.diff(np.r_[starts, hosts.size]))
    before[order] = cumulative - sizes[order] - offsets
    own = np.clip(pool[hosts] - before, 0, sizes)
    np.subtract.at(pool, hosts, own)
    # ... then from partners, in proportion to their pools (multivariate hypergeometric).
    started = 0
    for i, (host, generation, fidelity, members) in enumerate(candidates):
        orgs = np.array([host], np.int64)
        counts = np.array([own[i]], np.int64)
        need = int(sizes[i] - own[i])
        partners = scenario.partners(host)
        if need and partners.size:
            supply = pool[partners]
            take = min(need, int(supply.sum()))
            if take:
                drawn = rng.multivariate_hypergeometric(supply, take)
                pool[partners] -= drawn
                keep = drawn > 0
                orgs = np.r_[orgs, partners[keep]]
                counts = np.r_[counts, drawn[keep]]
        if counts.sum() < scenario.min_group:
            np.add.at(pool, orgs, counts)  # too few to run: the places go back
            continue
        keep = counts > 0
        cohort = len(c_org)
        c_org.append(host)
        c_gen.append(generation)
        c_fid.append(fidelity)
        c_start.append(t)
        c_size.append(int(counts.sum()))
        c_completers.append(-1)
        facilitation[0].append(np.full(members.size, cohort, np.int64))
        facilitation[1].append(members)
        participants[0].append(np.full(int(keep.sum()), cohort, np.int64))
        participants[1].append(orgs[keep])
        participants[2].append(counts[keep])
        np.add.at(trainers.running, members, 1)
        np.add.at(trainers.total, members, 1)
        trainers.last_start[members] = t
        org_started[host] = True
        ending.setdefault(t + d - 1, []).append(cohort)
        started += 1
    return started
