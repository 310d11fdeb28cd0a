"""The expected-value (mean-field) projection: the cascade's equations with every draw replaced by its mean.

Trainers are followed in classes (organisation, generation, period trained) whose expected size
falls with attrition; each period a class starts ``n x spare`` facilitator-slots' worth of
cohorts, divided by the facilitators per cohort; places fill from the host organisation's pool,
then from partners in proportion to their pools; completions and conversions are expected
values. Exact in expectation while no pool runs dry, cohorts have one facilitator and the
minimum group size does not bind; otherwise an approximation (docs/reach.md).
``_Projection`` holds the expected state and takes one method per step of a period, in the
model's order.
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
    """Expected series and measures of the plan, as arrays shaped like one Monte Carlo replicate.

    Parameters
    ----------
    scenario
        The plan made ready to run (`prepare`).

    Returns
    -------
    dict of str to numpy.ndarray
        By the name of the `ReachResult` field each becomes (see `projection_result`).
    """
    projection = _Projection(scenario)
    for t in range(1, scenario.horizon + 1):
        projection.period(t)
    return projection.result()


class _Projection:
    """The expected state of the rollout, and the steps of a period (``period``) that update it.

    ``pool`` holds each organisation's expected untrained eligible staff not in a cohort,
    ``trained_og`` its trained people (seeds excluded) by generation; ``pending`` holds, by the
    period they end in, the cohorts started (and each class's share of them); ``out`` and the
    two tables record each period.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.turnover, self.tiers = scenario.draw(None)
        horizon = scenario.horizon
        n_orgs = len(scenario.organisations)
        uptakes = scenario.uptakes(None)
        self.pool = np.zeros(n_orgs)
        for org, people, parameter in scenario.uptake_groups:
            self.pool[org] += people * uptakes[parameter]
        self.hire_uptake = scenario.mean_uptake(uptakes)
        # The pool by enrolments so far, as in the simulation: class 0 never started.
        self.width = 2 if scenario.retakes is None else scenario.retakes + 1
        self.waiting = np.zeros((n_orgs, self.width))
        self.waiting[:, 0] = self.pool
        self.reached = np.zeros(n_orgs)
        self.staff_seeds = float(scenario.seeds.sum()) if scenario.plan.seeds_are_staff else 0.0
        self.trained_og = np.zeros((n_orgs, GENERATIONS))
        self.classes = _Classes()
        for seeded in np.nonzero(scenario.seeds)[0]:
            self.classes.add(int(seeded), 0, 1.0, 1, 0, float(scenario.seeds[seeded]), self.tier(0))
        self.pending: dict[int, list[tuple[int, float, int, float, FloatArray, float]]] = {}
        self.produced = np.zeros(GENERATIONS)
        self.fidelity_sum = np.zeros(GENERATIONS)
        self.cohort_mass = np.zeros(GENERATIONS)
        self.org_started = np.zeros(n_orgs, np.bool_)
        self.out: dict[str, Any] = {
            name: np.zeros(horizon + 1)
            for name in (
                "trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started", "reached", "staff_seeds"
            )
        }  # fmt: skip
        self.out["staff_seeds"][0] = self.staff_seeds
        self.by_generation = np.zeros((horizon + 1, GENERATIONS))
        self.by_organisation = np.zeros((horizon + 1, n_orgs))
        self.out["trainers"][0] = float(scenario.seeds.sum())
        self.running = 0.0

    def tier(self, generation: int) -> TierValues:
        return self.tiers[tier_index(generation, len(self.tiers))]

    def period(self, t: int) -> None:
        """Period ``t``: its steps in the model's order, then its record."""
        if self.turnover > 0:
            self.turn_over()
        active = self.active(t)
        started_now = self.start(t, active)
        self.running += started_now
        self.resolve(t)
        self.record(t, started_now)

    def turn_over(self) -> None:
        """(0) A share of the trained people, trainers included, leave; untrained hires replace them."""
        classes, turnover = self.classes, self.turnover
        leavers = self.trained_og * turnover
        self.trained_og -= leavers
        gone = leavers.sum(axis=1)
        self.reached -= gone
        if self.scenario.plan.seeds_are_staff:  # a seed trainer who leaves is replaced by an untrained hire
            for i in range(len(classes.n)):
                if classes.gen[i] == 0:
                    gone[classes.org[i]] += classes.n[i] * turnover
            self.staff_seeds *= 1 - turnover
        hires = gone * self.hire_uptake
        self.pool += hires
        self.waiting[:, 0] += hires
        classes.n = [n * (1 - turnover) for n in classes.n]

    def active(self, t: int) -> list[int]:
        """(1) Classes whose delay has passed are active; (2) a share of each stops. Returns the active ones."""
        classes = self.classes
        active = [i for i in range(len(classes.n)) if classes.active_from[i] <= t]
        for i in active:
            classes.n[i] *= 1 - classes.tier[i].attrition
        return active

    def start(self, t: int, active: list[int]) -> float:
        """(3) Active classes with spare capacity start cohorts. Returns the cohorts started.

        Generation by generation (the highest first), organisation by organisation.
        """
        classes = self.classes
        started_now = 0.0
        wanted: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for i in active:
            spare = max(0.0, min(classes.tier[i].concurrent - classes.r[i], classes.tier[i].total - classes.u[i]))
            cohort_tier = self.tier(classes.gen[i] + 1)
            fidelity = min(1.0, classes.fid[i] * cohort_tier.retention)
            if spare > 0 and classes.n[i] > 0 and fidelity >= cohort_tier.floor:
                wanted.setdefault((classes.gen[i], classes.org[i]), []).append((i, spare))
        for (g, org), members in sorted(wanted.items(), key=lambda item: (-item[0][0], item[0][1])):
            started_now += self._start_group(t, g, org, members)
        return started_now

    def _start_group(self, t: int, g: int, org: int, members: list[tuple[int, float]]) -> float:
        """Start the cohorts of generation ``g`` trainers in ``org``. Returns the cohorts started.

        ``members`` are the classes of those trainers, each with its spare capacity per trainer.
        """
        classes, min_group = self.classes, self.scenario.min_group
        values = self.tier(g + 1)
        slots = sum(classes.n[i] * spare for i, spare in members)
        cohorts = slots / values.facilitators
        participants = self._places(org, cohorts * values.cohort_size)
        filled = participants.sum()
        started = cohorts if filled >= cohorts * min_group else filled / min_group
        if started <= 0:
            self.pool += participants
            return 0.0
        participants = self._take(participants)
        share = started / cohorts
        for i, spare in members:
            x = spare * share
            classes.r[i] += x
            classes.u[i] += x
            classes.last_start[i] = t
        fidelity = min(1.0, classes.fid[members[0][0]] * values.retention)
        end = t + self.scenario.cohort_periods - 1
        self.pending.setdefault(end, []).append((g + 1, started, org, fidelity, participants, 0.0))
        for i, spare in members:
            self.pending[end].append((-1, spare * share, i, 0.0, participants[:0], 0.0))
        self.org_started[org] = True
        self.cohort_mass[min(g + 1, GENERATIONS - 1)] += started
        self.fidelity_sum[min(g + 1, GENERATIONS - 1)] += started * fidelity
        return started

    def _places(self, org: int, places: float) -> FloatArray:
        """Participants by organisation for ``places``: from ``org``'s pool, then its partners' in proportion."""
        pool = self.pool
        participants = np.zeros(len(self.scenario.organisations))
        own = min(places, pool[org])
        participants[org] = own
        pool[org] -= own
        partners = self.scenario.partners(org)
        need = places - own
        if need > 0 and partners.size:
            supply = pool[partners]
            total = supply.sum()
            if total > 0:
                take = supply * min(1.0, need / total)
                participants[partners] += take
                pool[partners] -= take
        return participants

    def _take(self, participants: FloatArray) -> FloatArray:
        """Who the participants are, by enrolment class: people who never started first, then those with
        fewer enrolments, as in the simulation. Returns organisations x classes."""
        top = np.cumsum(self.waiting, axis=1)
        bottom = top - self.waiting
        wanted = participants[:, None]
        taken: FloatArray = np.clip(np.minimum(wanted, top) - bottom, 0.0, None)
        self.waiting -= taken
        self.reached += taken[:, 0]
        return taken

    def resolve(self, t: int) -> None:
        """(4) Cohorts ending now: completers are trained, the rest go back, some completers become trainers."""
        classes = self.classes
        for generation, amount, where, fidelity, participants, _ in self.pending.pop(t, []):
            if generation < 0:  # a class's share of the cohorts ends: its trainers are free again
                classes.r[where] -= amount
                continue
            self.running -= amount
            values = self.tier(generation)
            by_class = participants * values.completion
            completers = by_class.sum(axis=1)
            self.trained_og[:, min(generation, GENERATIONS - 1)] += completers
            failed = participants - by_class
            if self.scenario.retakes is None:
                self.waiting[:, 1] += failed.sum(axis=1)
                self.pool += failed.sum(axis=1)
            else:  # each non-completer moves up a class, or out of the pool at the last
                self.waiting[:, 1:] += failed[:, :-1]
                self.pool += failed[:, :-1].sum(axis=1)
            made = completers * values.conversion
            self.produced[min(generation - 1, GENERATIONS - 1)] += made.sum()
            for home in np.nonzero(made > 0)[0]:
                classes.add(int(home), generation, fidelity, t + 1 + values.delay, t, float(made[home]), values)

    def record(self, t: int, started_now: float) -> None:
        """Record period ``t``'s series, after its last step."""
        classes, out = self.classes, self.out
        out["trained"][t] = self.trained_og.sum()
        self.by_generation[t] = self.trained_og.sum(axis=0)
        self.by_organisation[t] = self.trained_og.sum(axis=1)
        out["trainers"][t] = sum(classes.n0)
        out["active_trainers"][t] = sum(n for i, n in enumerate(classes.n) if classes.active_from[i] <= t)
        out["cohorts_running"][t] = self.running
        out["cohorts_started"][t] = started_now
        out["reached"][t] = self.reached.sum()
        out["staff_seeds"][t] = self.staff_seeds

    def result(self) -> dict[str, Any]:
        """The series and the measures at the horizon."""
        classes, out, scenario = self.classes, self.out, self.scenario
        counts = np.zeros(GENERATIONS)
        for g, size in zip(classes.gen, classes.n0, strict=True):
            counts[min(g, GENERATIONS - 1)] += size
        with np.errstate(invalid="ignore", divide="ignore"):
            per_trainer = np.where(counts > 0, self.produced / counts, np.nan)
            mean_fidelity = np.where(self.cohort_mass > 0, self.fidelity_sum / self.cohort_mass, np.nan)
        n0 = np.array(classes.n0)
        ran = np.array([min(1.0, u) for u in classes.u])
        born = np.array(classes.born)
        last = np.array(classes.last_start)
        plan = scenario.plan
        old = born <= scenario.horizon - plan.maintenance_after
        recent = last >= scenario.horizon - plan.maintenance_window + 1
        out["by_generation"] = self.by_generation
        out["by_organisation"] = self.by_organisation
        out["organisations_started"] = np.array(float((self.org_started & (scenario.eligible > 0)).sum()))
        out["trainers_who_ran"] = np.array(float((n0 * ran).sum() / n0.sum()) if n0.sum() else np.nan)
        # Stopped trainers start nothing: of a class that started recently, only its survivors did.
        surviving = np.array(classes.n)
        out["maintenance"] = np.array(
            float((surviving * (old & recent)).sum() / (n0 * old).sum()) if (n0 * old).sum() else np.nan
        )
        out["new_trainers_per_trainer"] = per_trainer
        out["mean_fidelity"] = mean_fidelity
        return out
