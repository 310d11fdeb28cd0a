"""The stochastic cascade engine: replicates in batches, vectorised over trainers, cohorts and organisations.

The model's definition is in docs/reach.md; the steps below follow it in order. A batch of R
replicates is simulated as R disjoint copies of the workforce (organisation ``r * O + o`` is
organisation ``o`` in replicate ``r``), so every array operation serves the whole batch. Each
replicate draws only from its own generator, in the order it would alone: entries are drawn
replicate by replicate, in their order within the replicate, so a replicate's numbers do not
depend on the batch it ran in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues, tier_index

BoolArray = npt.NDArray[np.bool_]

#: generations counted separately in the results; later generations count in the last
GENERATIONS: Final = 64

#: memory the per-period arrays of one batch may take (bytes); sets how many replicates run together
BATCH_BYTES: Final = 96 * 2**20
#: the most replicates simulated together in one batch
MAX_BATCH: Final = 64
#: a period after every horizon: when a trainer who never stops stops
NEVER: Final = 1 << 40


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


def batch_size(scenario: Scenario) -> int:
    """How many replicates to simulate together: as many as fit ``BATCH_BYTES``, at most ``MAX_BATCH``."""
    per_replicate = 8 * max(1, len(scenario.organisations)) * (scenario.horizon + 1 + GENERATIONS)
    return int(min(MAX_BATCH, max(1, BATCH_BYTES // per_replicate)))


class _Columns:
    """Growing columns of one table (trainers, cohorts): appended in bulk, read as arrays.

    Rows of every replicate in the batch share the table; ``rep`` says whose a row is and
    ``local`` its index among that replicate's rows (what it would be numbered alone).
    """

    def __init__(self, capacity: int, replicates: int, **dtypes: Any) -> None:
        self.n = 0
        self.counts = np.zeros(replicates, np.int64)
        dtypes = {"rep": np.int64, "local": np.int64, **dtypes}
        self.data = {name: np.zeros(capacity, dtype) for name, dtype in dtypes.items()}

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def add(self, rep: IntArray, **values: Any) -> int:
        """Append a row for each entry of ``rep``; columns not given are 0. Returns the first new row's index."""
        first = self.n
        count = rep.size
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
        order = np.argsort(rep, kind="stable")
        ranked = rep[order]
        local = np.empty(count, np.int64)
        local[order] = self.counts[ranked] + np.arange(count) - np.searchsorted(ranked, ranked)
        self.data["rep"][first:needed] = rep
        self.data["local"][first:needed] = local
        self.counts += np.bincount(rep, minlength=self.counts.size)
        self.n = needed
        return first

    def view(self, name: str) -> Any:
        return self.data[name][: self.n]


@attrs.frozen(eq=False)
class _Layout:
    """The batch's R copies of the workforce: organisation ``r * O + o``, partnerships within each copy."""

    replicates: int
    organisations: int
    indptr: IntArray
    indices: IntArray
    owners: IntArray  # the organisation each entry of ``indices`` is a partner of
    component: IntArray
    width: int  # most partners any organisation has

    @classmethod
    def of(cls, scenario: Scenario, replicates: int) -> _Layout:
        count = len(scenario.organisations)
        degrees = np.tile(np.diff(scenario.partner_indptr), replicates)
        shift = (np.arange(replicates, dtype=np.int64) * count)[:, None]
        components = int(scenario.component.max(initial=-1)) + 1
        return cls(
            replicates=replicates,
            organisations=count,
            indptr=np.concatenate(([0], np.cumsum(degrees))).astype(np.int64),
            indices=(scenario.partner_indices[None, :] + shift).reshape(-1),
            owners=np.repeat(np.arange(replicates * count, dtype=np.int64), degrees),
            component=(scenario.component[None, :] + shift // max(count, 1) * components).reshape(-1),
            width=int(degrees.max(initial=0)),
        )

    def supply(self, pool: IntArray) -> IntArray:
        """For each organisation, the untrained eligible staff its partners hold between them."""
        if not self.indices.size:
            return np.zeros(pool.size, np.int64)
        supply: IntArray = np.bincount(self.owners, weights=pool[self.indices], minlength=pool.size).astype(np.int64)
        return supply


def _draw(
    rngs: Sequence[np.random.Generator],
    rep: IntArray,
    draw: Callable[[np.random.Generator, IntArray], Any],
    dtype: Any = np.int64,
) -> Any:
    """Draw for each entry from its replicate's generator, a replicate's entries in their order."""
    out = np.zeros(rep.size, dtype)
    if rep.size == 0:
        return out
    order = np.argsort(rep, kind="stable")
    ranked = rep[order]
    bounds = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1], [True])))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        chosen = order[lo:hi]
        out[chosen] = draw(rngs[int(ranked[lo])], chosen)
    return out


def _binomial(rngs: Sequence[np.random.Generator], rep: IntArray, n: IntArray, p: FloatArray) -> IntArray:
    """Binomial(n, p) for each entry, from its replicate's generator."""
    result: IntArray = _draw(rngs, rep, lambda rng, i: rng.binomial(n[i], p[i]))
    return result


def _stops(
    rngs: Sequence[np.random.Generator],
    rep: IntArray,
    attrition: FloatArray,
    active_from: IntArray,
    turnover: FloatArray,
    exposed_from: int,
) -> tuple[IntArray, IntArray]:
    """The period in which each new trainer stops delivering, and the one in which they leave (or ``NEVER``).

    Stopping with probability p in each active period is stopping after a geometric number of
    active periods, so the waiting times are drawn once, when a trainer is made: first for
    attrition (counted from the period it becomes active), then for leaving the workforce
    (counted from ``exposed_from``, the first period turnover can take it).
    """
    stop = np.full(rep.size, NEVER, np.int64)
    chance = attrition > 0
    if chance.any():
        which = np.flatnonzero(chance)
        p = attrition[which]
        stop[which] = active_from[which] - 1 + _draw(rngs, rep[which], lambda rng, i: rng.geometric(p[i]))
    leave = np.full(rep.size, NEVER, np.int64)
    leaves = turnover[rep] > 0
    if leaves.any():
        which = np.flatnonzero(leaves)
        q = turnover[rep[which]]
        leave[which] = exposed_from - 1 + _draw(rngs, rep[which], lambda rng, i: rng.geometric(q[i]))
    return np.minimum(stop, leave), leave


def run_replicate(scenario: Scenario, rng: np.random.Generator, *, keep_events: bool = False) -> Run:
    """Simulate one replicate of the plan with ``rng``."""
    return run_batch(scenario, [rng], [keep_events])[0]


def run_batch(scenario: Scenario, rngs: Sequence[np.random.Generator], keep_events: Sequence[bool]) -> list[Run]:
    """Simulate one replicate per generator, together; each gives what it would give alone."""
    replicates = len(rngs)
    draws = [scenario.draw(rng) for rng in rngs]
    turnover = np.array([d[0] for d in draws])
    tiers = draws[0][1]  # whole-number fields and floors never vary between replicates
    per_tier = {
        name: np.array([[getattr(t, name) for t in d[1]] for d in draws])
        for name in ("delay", "concurrent", "total", "attrition", "completion", "conversion", "retention")
    }
    horizon = scenario.horizon
    n_orgs = len(scenario.organisations)
    layout = _Layout.of(scenario, replicates)
    d = scenario.cohort_periods

    def tier_of(generations: IntArray) -> IntArray:
        result: IntArray = np.minimum(np.maximum(generations, 1), len(tiers)) - 1
        return result

    pool = np.tile(scenario.eligible - (scenario.seeds if scenario.plan.seeds_are_staff else 0), replicates)
    trained_og = np.zeros((replicates * n_orgs, GENERATIONS), np.int64)  # trained (seeds excluded) by generation
    trained_flat = trained_og.reshape(-1)
    seeds = int(scenario.seeds.sum())
    trainers = _Columns(
        max(64, seeds * replicates * 4), replicates,
        org=np.int64, gen=np.int64, fid=np.float64, active_from=np.int64, stop_at=np.int64, leave_at=np.int64,
        running=np.int64,
        total=np.int64, trained_at=np.int64, source=np.int64, last_start=np.int64, new_trainers=np.float64,
        concurrent=np.int64, quota=np.int64,
    )  # fmt: skip
    seed_rep = np.repeat(np.arange(replicates, dtype=np.int64), seeds)
    first = tier_index(0, len(tiers))
    seed_stop, seed_leave = _stops(
        rngs, seed_rep, per_tier["attrition"][seed_rep, first], np.ones(seed_rep.size, np.int64), turnover, 1
    )
    trainers.add(
        seed_rep,
        org=(np.arange(replicates, dtype=np.int64)[:, None] * n_orgs + np.repeat(np.arange(n_orgs), scenario.seeds))
        .reshape(-1),
        fid=1.0,
        active_from=1,
        source=-1,
        last_start=-1,
        stop_at=seed_stop,
        leave_at=seed_leave,
        concurrent=per_tier["concurrent"][seed_rep, first],
        quota=per_tier["total"][seed_rep, first],
    )  # fmt: skip
    # Room for every cohort a replicate could start without turnover, so the table seldom grows.
    expected = int(scenario.eligible.sum()) // max(1, min(t.cohort_size for t in tiers)) + 64
    cohorts = _Columns(
        expected * replicates, replicates, org=np.int64, gen=np.int64, fid=np.float64, start=np.int64,
        size=np.int64, completers=np.int64, facilitators=np.int64,
    )  # fmt: skip
    ending: dict[int, list[tuple[IntArray, ...]]] = {}
    kept: list[tuple[IntArray, IntArray]] = []
    keeping = np.array(keep_events, np.bool_)

    shape = (horizon + 1, replicates)
    series = {name: np.zeros(shape, np.int64) for name in ("trained", "trainers", "active", "running", "started")}
    series_gen = np.zeros((horizon + 1, replicates, GENERATIONS), np.int64)
    series_org = np.zeros((horizon + 1, replicates * n_orgs), np.int64)
    org_started = np.zeros(replicates * n_orgs, np.bool_)
    running = np.zeros(replicates, np.int64)
    series["trainers"][0] = trainers.counts
    everyone = list(range(replicates))
    leaving = [r for r in everyone if turnover[r] > 0]
    by_org = np.zeros(replicates * n_orgs, np.int64)  # trained people (seeds excluded), kept up to date
    by_gen = np.zeros((replicates, GENERATIONS), np.int64)
    # Trainers made in the run and still in the workforce, by organisation and generation: they
    # leave at their own drawn periods, so the other trained people's leaving is drawn apart.
    trainers_og = np.zeros_like(trained_og) if leaving else trained_og[:0]
    seeds_are_staff = scenario.plan.seeds_are_staff

    for t in range(1, horizon + 1):
        # (0) Turnover: trained people leave and untrained hires take their places (trainers' leaving
        # periods were drawn when they were made).
        for r in leaving:
            block = slice(r * n_orgs, (r + 1) * n_orgs)
            leavers = rngs[r].binomial(trained_og[block] - trainers_og[block], turnover[r])
            trained_og[block] -= leavers
            gone = leavers.sum(axis=1)
            pool[block] += gone
            by_org[block] -= gone
            by_gen[r] -= leavers.sum(axis=0)
        if leaving:
            going = np.flatnonzero(trainers.view("leave_at") == t)
            made = going[trainers["source"][going] >= 0]
            org, gen = trainers["org"][made], np.minimum(trainers["gen"][made], GENERATIONS - 1)
            np.subtract.at(trained_flat, org * GENERATIONS + gen, 1)
            np.subtract.at(trainers_og.reshape(-1), org * GENERATIONS + gen, 1)
            np.subtract.at(by_org, org, 1)
            np.subtract.at(by_gen.reshape(-1), org // max(n_orgs, 1) * GENERATIONS + gen, 1)
            np.add.at(pool, trainers["org"][going if seeds_are_staff else made], 1)
        # (1) Trainers whose delay has passed are active; (2) those whose stopping period has come stop.
        active = (trainers.view("active_from") <= t) & (trainers.view("stop_at") > t)
        # (3) Trainers with spare capacity start cohorts.
        spare = np.minimum(
            trainers.view("concurrent") - trainers.view("running"), trainers.view("quota") - trainers.view("total")
        )
        available = np.flatnonzero(active & (spare > 0))
        started_now = np.zeros(replicates, np.int64)
        if available.size and _places_within_reach(layout, pool, trainers["org"][available]):
            started_now = _start_cohorts(
                scenario, layout, rngs, tiers, per_tier, t, d, trainers, cohorts, available, spare[available], pool,
                org_started, ending, kept if keeping.any() else None, keeping,
            )  # fmt: skip
        running += started_now
        # (4) Cohorts ending now resolve.
        chunks = ending.pop(t, None)
        if chunks:
            ids, part_cohort, part_org, part_count, fac_cohort, fac_trainer = (
                np.concatenate(c) for c in zip(*chunks, strict=True)
            )
            running -= np.bincount(cohorts["rep"][ids], minlength=replicates)
            gens = cohorts["gen"][part_cohort]
            tidx = tier_of(gens)
            part_rep = part_org // max(n_orgs, 1)
            completion = per_tier["completion"][part_rep, tidx]
            completers = _binomial(rngs, part_rep, part_count, completion)
            cohorts["completers"][ids] = 0
            np.add.at(cohorts["completers"], part_cohort, completers)
            column = np.minimum(gens, GENERATIONS - 1)
            np.add.at(trained_flat, part_org * GENERATIONS + column, completers)
            np.add.at(by_org, part_org, completers)
            np.add.at(by_gen.reshape(-1), part_rep * GENERATIONS + column, completers)
            np.add.at(pool, part_org, part_count - completers)
            np.subtract.at(trainers["running"], fac_trainer, 1)
            conversion = per_tier["conversion"][part_rep, tidx]
            converted = _binomial(rngs, part_rep, completers, conversion)
            if converted.any():
                per_cohort = np.bincount(part_cohort, weights=converted, minlength=cohorts.n)
                credit = per_cohort[fac_cohort] / cohorts["facilitators"][fac_cohort]
                np.add.at(trainers["new_trainers"], fac_trainer, credit)
                new_rep = np.repeat(part_rep, converted)
                new_tier = np.repeat(tidx, converted)
                active_from = t + 1 + per_tier["delay"][new_rep, new_tier]
                attrition = per_tier["attrition"][new_rep, new_tier]
                stop_at, leave_at = _stops(rngs, new_rep, attrition, active_from, turnover, t + 1)
                new_org = np.repeat(part_org, converted)
                if leaving:
                    new_gen = np.minimum(np.repeat(gens, converted), GENERATIONS - 1)
                    np.add.at(trainers_og.reshape(-1), new_org * GENERATIONS + new_gen, 1)
                trainers.add(
                    new_rep,
                    org=new_org,
                    gen=np.repeat(gens, converted),
                    fid=np.repeat(cohorts["fid"][part_cohort], converted),
                    active_from=active_from,
                    stop_at=stop_at,
                    leave_at=leave_at,
                    trained_at=t,
                    source=np.repeat(part_cohort, converted),
                    last_start=-1,
                    concurrent=per_tier["concurrent"][new_rep, new_tier],
                    quota=per_tier["total"][new_rep, new_tier],
                )
        series_gen[t] = by_gen
        series_org[t] = by_org
        series["trained"][t] = by_gen.sum(axis=1)
        series["trainers"][t] = trainers.counts
        now = (trainers.view("active_from") <= t) & (trainers.view("stop_at") > t)
        series["active"][t] = np.bincount(trainers.view("rep")[now], minlength=replicates)
        series["running"][t] = running
        series["started"][t] = started_now

    facilitation = [np.concatenate(c) for c in zip(*kept, strict=True)] if kept else [np.zeros(0, np.int64)] * 2
    return [
        _run_of(
            r,
            scenario,
            trainers,
            cohorts,
            facilitation,
            series,
            series_gen,
            series_org,
            org_started,
            keep_events[r],
        )
        for r in everyone
    ]


def _run_of(
    r: int,
    scenario: Scenario,
    trainers: _Columns,
    cohorts: _Columns,
    facilitation: list[IntArray],
    series: dict[str, IntArray],
    series_gen: IntArray,
    series_org: IntArray,
    org_started: BoolArray,
    keep_events: bool,
) -> Run:
    """Replicate ``r``'s record, numbered as it would be alone."""
    n_orgs = len(scenario.organisations)
    block = slice(r * n_orgs, (r + 1) * n_orgs)
    mine = trainers.view("rep") == r
    ours = cohorts.view("rep") == r

    def trainer(name: str) -> Any:
        return trainers.view(name)[mine].copy()

    def cohort(name: str) -> Any:
        return cohorts.view(name)[ours].copy()

    cohort_gens = np.minimum(cohort("gen"), GENERATIONS - 1)
    events = None
    if keep_events:
        source = trainer("source")
        source[source >= 0] = cohorts["local"][source[source >= 0]]
        fac = trainers["rep"][facilitation[1]] == r
        completers_now = cohort("completers")
        completers_now[cohort("start") + scenario.cohort_periods - 1 > scenario.horizon] = -1
        events = Events(
            trainer_org=trainer("org") - r * n_orgs,
            trainer_generation=trainer("gen"),
            trainer_fidelity=trainer("fid"),
            trainer_trained_at=trainer("trained_at"),
            trainer_source=source,
            cohort_org=cohort("org") - r * n_orgs,
            cohort_generation=cohort("gen"),
            cohort_fidelity=cohort("fid"),
            cohort_start=cohort("start"),
            cohort_size=cohort("size"),
            cohort_completers=completers_now,
            facilitation_cohort=cohorts["local"][facilitation[0][fac]],
            facilitation_trainer=trainers["local"][facilitation[1][fac]],
        )
    return Run(
        trained=series["trained"][:, r].copy(),
        by_generation=series_gen[:, r].copy(),
        by_organisation=series_org[:, block].copy(),
        trainers=series["trainers"][:, r].copy(),
        active_trainers=series["active"][:, r].copy(),
        cohorts_running=series["running"][:, r].copy(),
        cohorts_started=series["started"][:, r].copy(),
        organisations_started=org_started[block].copy(),
        trainer_generation=trainer("gen"),
        trainer_trained_at=trainer("trained_at"),
        trainer_ran=trainer("total"),
        trainer_last_start=trainer("last_start"),
        trainer_new_trainers=trainer("new_trainers"),
        trainer_fidelity=trainer("fid"),
        cohort_count=np.bincount(cohort_gens, minlength=GENERATIONS),
        cohort_fidelity_sum=np.bincount(cohort_gens, weights=cohort("fid"), minlength=GENERATIONS).astype(np.float64),
        events=events,
    )


def _places_within_reach(layout: _Layout, pool: IntArray, orgs: IntArray) -> bool:
    """Whether any of these organisations, or their partners, still has untrained eligible staff."""
    if pool[orgs].any():
        return True
    return bool(layout.supply(pool)[orgs].any())


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
    layout: _Layout, trainers: _Columns, slot_trainer: IntArray, slot_rank: IntArray, f: int
) -> IntArray:
    """Groups of ``f`` slots' trainers: within an organisation first, then across partnerships.

    A trainer never co-facilitates with themselves: a group that would need the same trainer
    twice is broken up and its slots go on to be grouped across partnerships.
    """
    orgs = trainers["org"][slot_trainer]
    # First slots before second ones, best fidelity first, then by trainer, within each organisation.
    # Slots come in trainer order and lexsort is stable, so the trainer needs no key of its own;
    # organisation and rank share one.
    ranks = int(slot_rank.max(initial=0)) + 1
    order = np.lexsort((-trainers["fid"][slot_trainer], orgs * ranks + slot_rank))
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
        component = layout.component[orgs[rest]]
        # Across a partnership: first slots of every trainer before anyone's second.
        order2 = np.lexsort((rt, -trainers["fid"][rt], orgs[rest], slot_rank[rest], component))
        grouped2, _ = _groups(component, order2, f)
        across = rt[order2[grouped2]].reshape(-1, f)
        sets.append(across[_distinct(across)])
    return np.concatenate(sets)


def _blocks(rngs: Sequence[np.random.Generator], rep: IntArray, sizes: IntArray) -> FloatArray:
    """``sizes[i]`` uniforms for each entry, from its replicate's generator; entries are sorted by replicate.

    Returns them end to end in entry order, each replicate's in a single draw.
    """
    total = np.bincount(rep, weights=sizes, minlength=len(rngs)).astype(np.int64)
    return np.concatenate([np.zeros(0)] + [rngs[int(r)].random(int(total[r])) for r in np.flatnonzero(total)])


def _positions(uniforms: FloatArray, total: IntArray) -> IntArray:
    """Uniform whole numbers below ``total`` (exact arithmetic: the same on every machine)."""
    result: IntArray = np.minimum(np.floor(uniforms * total), total - 1).astype(np.int64)
    return result


def _choose(rngs: Sequence[np.random.Generator], rep: IntArray, supply: IntArray, units: IntArray) -> IntArray:
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
    key = rows * span + _positions(_blocks(rngs, rep, draws), total[rows])
    checking = np.arange(key.size)
    while checking.size:
        order = np.argsort(key[checking], kind="stable")
        ranked = key[checking][order]
        repeats = np.sort(checking[order[1:][ranked[1:] == ranked[:-1]]])  # the later of equal positions
        if not repeats.size:
            break
        again = rows[repeats]
        key[repeats] = again * span + _positions(_blocks(rngs, rep[again], np.ones(again.size, np.int64)), total[again])
        redo = np.zeros(units.size, np.bool_)
        redo[again] = True
        checking = np.flatnonzero(redo[rows])
    width = supply.shape[1]
    bounds = (np.arange(units.size)[:, None] * span + np.cumsum(supply, axis=1)).reshape(-1)
    column = np.searchsorted(bounds, key, side="right") - rows * width
    counts = np.bincount(rows * width + column, minlength=supply.size).reshape(supply.shape)
    chosen: IntArray = np.where(leave_out[:, None], supply - counts, counts)
    return chosen


def _fill_from_partners(
    layout: _Layout,
    rngs: Sequence[np.random.Generator],
    pool: IntArray,
    host: IntArray,
    need: IntArray,
    needing: IntArray,
    part_local: list[IntArray],
    part_org: list[IntArray],
    part_count: list[IntArray],
    filled: IntArray,
) -> None:
    """Draw the remaining places of cohorts ``needing`` them from their hosts' partners, all at once.

    In each round every cohort still short asks its partners for the places it lacks, each
    place drawn in proportion to the untrained eligible staff they hold (so one cohort's asks
    are multivariate hypergeometric). Where cohorts ask a partner for more people than it has,
    the people go to a random choice of the asks, each ask equally likely; cohorts left short
    ask again from what remains, until each is full or its partners are empty.
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
        left = supply[live]
        asked = _choose(rngs, rep[live], left, units)
        # Asks, one per place, in cohort then partner order, each with a key for its place in a queue.
        cells = np.flatnonzero(asked)
        per_cell = asked.reshape(-1)[cells]
        ask_org = np.repeat(orgs[live].reshape(-1)[cells], per_cell)
        ask_cell = np.repeat(cells, per_cell)
        demand = np.bincount(ask_org, minlength=pool.size)
        granted_ask = np.ones(ask_org.size, np.bool_)
        short = demand[ask_org] > pool[ask_org]
        if short.any():
            # Queue keys, drawn only by replicates with a queue: one per ask of each of their cohorts,
            # in cohort order (a cohort's asks are together, as many as its units).
            live_rep = rep[live]
            queuing = np.zeros(len(rngs), np.bool_)
            queuing[live_rep[ask_cell[short] // width]] = True
            drawing = queuing[live_rep]
            key = np.zeros(ask_org.size)
            key[drawing[ask_cell // width]] = _blocks(rngs, live_rep[drawing], units[drawing])
            queued = np.flatnonzero(short)
            queue = queued[np.lexsort((queued, key[queued], ask_org[queued]))]
            queue_org = ask_org[queue]
            head = np.flatnonzero(np.concatenate(([True], queue_org[1:] != queue_org[:-1])))
            place = np.arange(queue.size) - np.repeat(head, np.diff(np.append(head, queue.size)))
            granted_ask[queue] = place < pool[queue_org]
        granted = np.bincount(ask_cell[granted_ask], minlength=asked.size).reshape(asked.shape)
        np.subtract.at(pool, ask_org[granted_ask], 1)
        got[live] += granted
        remaining[live] -= granted.sum(axis=1)
    mask = got > 0
    part_local.append(cohorts[np.nonzero(mask)[0]])
    part_org.append(orgs[mask])
    part_count.append(got[mask])
    filled[cohorts] += got.sum(axis=1)


def _start_cohorts(
    scenario: Scenario,
    layout: _Layout,
    rngs: Sequence[np.random.Generator],
    tiers: list[TierValues],
    per_tier: dict[str, Any],
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
    keeping: BoolArray,
) -> IntArray:
    """Step 3: group available trainers into cohorts' facilitators, fill the places, start them.

    Returns the cohorts started in each replicate.
    """
    replicates = layout.replicates
    slot_trainer = np.repeat(available, spare)
    slot_rank = np.arange(slot_trainer.size) - np.repeat(np.cumsum(spare) - spare, spare)
    slot_gen = trainers["gen"][slot_trainer]
    hosts, gens, fids, sizes, fac_local, fac_trainer = [], [], [], [], [], []
    count = 0
    for g in np.unique(slot_gen)[::-1]:
        number = tier_index(int(g) + 1, len(tiers))
        values = tiers[number]
        f = values.facilitators
        mine = np.flatnonzero(slot_gen == g)
        if f > 1 and np.bincount(layout.component[trainers["org"][slot_trainer[mine]]]).max() < f:
            continue  # no partnership has enough free trainers of this generation to co-facilitate
        members = _facilitator_sets(layout, trainers, slot_trainer[mine], slot_rank[mine], f)
        retention = per_tier["retention"][trainers["rep"][members[:, 0]], number]
        fidelity = np.minimum(1.0, trainers["fid"][members].min(axis=1, initial=np.inf) * retention)
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
        return np.zeros(replicates, np.int64)
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
    needing = np.flatnonzero((own < size) & (layout.supply(pool)[host] > 0))
    if needing.size:
        _fill_from_partners(layout, rngs, pool, host, size - own, needing, part_local, part_org, part_count, filled)
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
        return np.zeros(replicates, np.int64)
    ids = np.full(count, -1, np.int64)
    host_rep = host[ok] // layout.organisations
    first = cohorts.add(
        host_rep,
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
        wanted = keeping[trainers["rep"][fac_trainer_kept]]
        kept.append((fac_cohort[wanted], fac_trainer_kept[wanted]))
    result: IntArray = np.bincount(host_rep, minlength=replicates)
    return result
