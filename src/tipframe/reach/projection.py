"""The expected-value (mean-field) projection: the cascade's equations with every draw replaced by its mean.

Trainers are followed in classes (organisation, generation, period trained) whose expected size
falls with attrition; each period a class starts ``n x spare`` facilitator-slots' worth of
cohorts, divided by the facilitators per cohort; places fill from the host organisation's pool,
then from partners in proportion to their pools; completions and conversions are expected
values. Exact in expectation while no pool runs dry, cohorts have one facilitator and the
minimum group size does not bind; otherwise an approximation (docs/reach.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.reach.montecarlo import GENERATIONS
from tipframe.reach.scenario import FloatArray, Scenario, TierValues, tier_index


class _Classes:
    def __init__(self) -> None:
        self.org: list[int] = []
        self.gen: list[int] = []
        self.fid: list[float] = []
        self.active_from: list[int] = []
        self.born: list[int] = []
        self.n0: list[float] = []
        self.n: list[float] = []
        self.r: list[float] = []
        self.u: list[float] = []
        self.last_start: list[int] = []
        self.tier: list[TierValues] = []

    def add(self, org: int, gen: int, fid: float, active_from: int, born: int, n: float, tier: TierValues) -> None:
        for name, value in (
            ("org", org), ("gen", gen), ("fid", fid), ("active_from", active_from), ("born", born),
            ("n0", n), ("n", n), ("r", 0.0), ("u", 0.0), ("last_start", -1), ("tier", tier),
        ):  # fmt: skip
            getattr(self, name).append(value)


def project(scenario: Scenario) -> dict[str, Any]:
    """Expected series and measures of the plan, as arrays shaped like one Monte Carlo replicate."""
    turnover, tiers = scenario.draw(None)
    horizon = scenario.horizon
    n_orgs = len(scenario.organisations)
    d = scenario.cohort_periods

    def tier(generation: int) -> TierValues:
        return tiers[tier_index(generation, len(tiers))]

    pool = (scenario.eligible - (scenario.seeds if scenario.plan.seeds_are_staff else 0)).astype(np.float64)
    trained_og = np.zeros((n_orgs, GENERATIONS))
    classes = _Classes()
    for seeded in np.nonzero(scenario.seeds)[0]:
        classes.add(int(seeded), 0, 1.0, 1, 0, float(scenario.seeds[seeded]), tier(0))
    pending: dict[int, list[tuple[int, float, int, float, FloatArray, float]]] = {}
    produced = np.zeros(GENERATIONS)
    fidelity_sum = np.zeros(GENERATIONS)
    cohort_mass = np.zeros(GENERATIONS)
    org_started = np.zeros(n_orgs, np.bool_)
    out: dict[str, Any] = {
        name: np.zeros(horizon + 1)
        for name in ("trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started")
    }
    by_generation = np.zeros((horizon + 1, GENERATIONS))
    by_organisation = np.zeros((horizon + 1, n_orgs))
    out["trainers"][0] = float(scenario.seeds.sum())
    running = 0.0

    for t in range(1, horizon + 1):
        if turnover > 0:
            leavers = trained_og * turnover
            trained_og -= leavers
            pool += leavers.sum(axis=1)
            if scenario.plan.seeds_are_staff:  # a seed trainer who leaves is replaced by an untrained hire
                for i in range(len(classes.n)):
                    if classes.gen[i] == 0:
                        pool[classes.org[i]] += classes.n[i] * turnover
            classes.n = [n * (1 - turnover) for n in classes.n]
        active = [i for i in range(len(classes.n)) if classes.active_from[i] <= t]
        for i in active:
            classes.n[i] *= 1 - classes.tier[i].attrition
        # Step 3, generation by generation (highest first), organisation by organisation.
        started_now = 0.0
        wanted: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for i in active:
            spare = max(0.0, min(classes.tier[i].concurrent - classes.r[i], classes.tier[i].total - classes.u[i]))
            cohort_tier = tier(classes.gen[i] + 1)
            fidelity = min(1.0, classes.fid[i] * cohort_tier.retention)
            if spare > 0 and classes.n[i] > 0 and fidelity >= cohort_tier.floor:
                wanted.setdefault((classes.gen[i], classes.org[i]), []).append((i, spare))
        for (g, org), members in sorted(wanted.items(), key=lambda item: (-item[0][0], item[0][1])):
            values = tier(g + 1)
            slots = sum(classes.n[i] * spare for i, spare in members)
            cohorts = slots / values.facilitators
            places = cohorts * values.cohort_size
            participants = np.zeros(n_orgs)
            own = min(places, pool[org])
            participants[org] = own
            pool[org] -= own
            partners = scenario.partners(org)
            need = places - own
            if need > 0 and partners.size:
                supply = pool[partners]
                total = supply.sum()
                if total > 0:
                    take = supply * min(1.0, need / total)
                    participants[partners] += take
                    pool[partners] -= take
            filled = participants.sum()
            started = cohorts if filled >= cohorts * scenario.min_group else filled / scenario.min_group
            if started <= 0:
                pool += participants
                continue
            share = started / cohorts
            for i, spare in members:
                x = spare * share
                classes.r[i] += x
                classes.u[i] += x
                classes.last_start[i] = t
            fidelity = min(1.0, classes.fid[members[0][0]] * values.retention)
            pending.setdefault(t + d - 1, []).append((g + 1, started, org, fidelity, participants, 0.0))
            for i, spare in members:
                pending[t + d - 1].append((-1, spare * share, i, 0.0, participants[:0], 0.0))
            org_started[org] = True
            started_now += started
            cohort_mass[min(g + 1, GENERATIONS - 1)] += started
            fidelity_sum[min(g + 1, GENERATIONS - 1)] += started * fidelity
        running += started_now
        # Step 4: cohorts ending now.
        for generation, amount, where, fidelity, participants, _ in pending.pop(t, []):
            if generation < 0:  # a class's share of the cohorts ends: its trainers are free again
                classes.r[where] -= amount
                continue
            running -= amount
            values = tier(generation)
            completers = participants * values.completion
            trained_og[:, min(generation, GENERATIONS - 1)] += completers
            pool += participants - completers
            made = completers * values.conversion
            produced[min(generation - 1, GENERATIONS - 1)] += made.sum()
            for home in np.nonzero(made > 0)[0]:
                classes.add(int(home), generation, fidelity, t + 1 + values.delay, t, float(made[home]), values)
        out["trained"][t] = trained_og.sum()
        by_generation[t] = trained_og.sum(axis=0)
        by_organisation[t] = trained_og.sum(axis=1)
        out["trainers"][t] = sum(classes.n0)
        out["active_trainers"][t] = sum(n for i, n in enumerate(classes.n) if classes.active_from[i] <= t)
        out["cohorts_running"][t] = running
        out["cohorts_started"][t] = started_now

    counts = np.zeros(GENERATIONS)
    for g, size in zip(classes.gen, classes.n0, strict=True):
        counts[min(g, GENERATIONS - 1)] += size
    with np.errstate(invalid="ignore", divide="ignore"):
        per_trainer = np.where(counts > 0, produced / counts, np.nan)
        mean_fidelity = np.where(cohort_mass > 0, fidelity_sum / cohort_mass, np.nan)
    n0 = np.array(classes.n0)
    ran = np.array([min(1.0, u) for u in classes.u])
    born = np.array(classes.born)
    last = np.array(classes.last_start)
    plan = scenario.plan
    old = born <= horizon - plan.maintenance_after
    recent = last >= horizon - plan.maintenance_window + 1
    out["by_generation"] = by_generation
    out["by_organisation"] = by_organisation
    out["organisations_started"] = np.array(float((org_started & (scenario.eligible > 0)).sum()))
    out["trainers_who_ran"] = np.array(float((n0 * ran).sum() / n0.sum()) if n0.sum() else np.nan)
    # Stopped trainers start nothing: of a class that started recently, only its survivors did.
    surviving = np.array(classes.n)
    out["maintenance"] = np.array(
        float((surviving * (old & recent)).sum() / (n0 * old).sum()) if (n0 * old).sum() else np.nan
    )
    out["new_trainers_per_trainer"] = per_trainer
    out["mean_fidelity"] = mean_fidelity
    return out
