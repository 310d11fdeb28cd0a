"""The expected-value projection: the cascade's equations, for many rows of parameters at once.

Every draw is replaced by its expected value. Trainers are followed in classes (organisation,
generation, period trained) whose expected size falls with attrition and turnover; each period
a class offers its spare capacity, and the whole sets of co-facilitators its generation can form
in its organisation and partnership network (``tipframe.reach.expected.pairable``) start
cohorts; places fill from the host's pool, then from partners' (``partner_places``); cohorts
smaller than the programme's minimum group start only in part; completions and conversions are
expected values. Each row of the arrays is one set of parameters (a draw of the plan's
distributions, ``tipframe.reach.ensemble``), so an ensemble of projections is one pass of array
operations. ``_Projection`` holds the expected state and takes one method per step of a period,
in the model's order (docs/reach.md).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from tipframe.reach.expected import pairable, partner_places
from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues, tier_index


@attrs.frozen(eq=False)
class Rows:
    """The parameters of each row: rows x tiers for the tiers' probabilities, rows for the rest."""

    tiers: list[TierValues]  # whole-number fields and floors (the same in every row)
    turnover: FloatArray
    attrition: FloatArray
    completion: FloatArray
    conversion: FloatArray
    retention: FloatArray
    uptakes: FloatArray  # rows x uptake parameters
    #: rows x generations: a factor on the conversion of each generation's cohorts (1: as drawn)
    scale: FloatArray
    #: each row's weight in the means over rows that organisation series keep
    weight: FloatArray

    @property
    def count(self) -> int:
        """How many rows."""
        return int(self.turnover.size)


def generations(scenario: Scenario, tiers: list[TierValues]) -> int:
    """Generations of trainers that can be made within the horizon (each needs a cohort and a delay), and one more."""
    step = scenario.cohort_periods + min(t.delay for t in tiers)
    return int(min(64, (scenario.horizon - 1) // max(1, step) + 3))


class _Classes:
    """Classes of trainers: fixed columns (organisation, generation, period active, period trained) and,
    per row, their expected size at first (``n0``) and now (``n``), cohorts running and run per
    paired trainer (``r``, ``u``), the share that can pair (``paired``) and the last period they started one."""

    def __init__(self, rows: int) -> None:
        self.size = 0
        self.rows = rows
        self.fixed = {name: np.zeros(64, np.int64) for name in ("org", "gen", "active_from", "born")}
        self.per_row = {name: np.zeros((rows, 64)) for name in ("n0", "n", "r", "u", "paired", "last")}

    def add(self, org: IntArray, gen: int, active_from: int, born: int, n: FloatArray) -> None:
        """New classes, one per organisation in ``org``; ``n`` is rows x len(org)."""
        count = org.size
        if self.size + count > self.fixed["org"].size:
            grow = max(2 * self.fixed["org"].size, self.size + count)
            self.fixed = {k: np.concatenate([v, np.zeros(grow - v.size, np.int64)]) for k, v in self.fixed.items()}
            self.per_row = {
                k: np.concatenate([v, np.zeros((self.rows, grow - v.shape[1]))], axis=1) for k, v in self.per_row.items()
            }
        at = slice(self.size, self.size + count)
        for name, value in (("org", org), ("gen", gen), ("active_from", active_from), ("born", born)):
            self.fixed[name][at] = value
        for name in ("n0", "n"):
            self.per_row[name][:, at] = n
        self.per_row["last"][:, at] = -1
        self.per_row["paired"][:, at] = 1.0
        self.size += count

    def __getitem__(self, name: str) -> Any:
        """A column of the classes so far (a view)."""
        if name in self.fixed:
            return self.fixed[name][: self.size]
        return self.per_row[name][:, : self.size]


def project(scenario: Scenario, rows: Rows) -> dict[str, Any]:
    """Expected series and measures of the plan, for each row of parameters.

    Parameters
    ----------
    scenario
        The plan made ready to run (`prepare`).
    rows
        The parameters, one row per set.

    Returns
    -------
    dict of str to numpy.ndarray
        By the name of the `ReachResult` field each becomes (see `projection_result`), rows first;
        ``by_organisation`` is the mean over rows by ``rows.weight``, and ``hosted`` the expected
        cohorts each organisation hosted (seeds' cohorts and the rest).
    """
    projection = _Projection(scenario, rows)
    for t in range(1, scenario.horizon + 1):
        projection.period(t)
    return projection.result()


class _Projection:
    """The expected state of the rollout in every row, and the steps of a period (``period``) that update it.

    ``pool`` holds each organisation's expected untrained eligible staff not in a cohort and
    ``waiting`` the same by enrolments so far; ``trained_o`` and ``trained_g`` the trained
    people (seeds excluded) by organisation and by generation; ``pending`` holds, by the period
    they end in, the cohorts started.
    """

    def __init__(self, scenario: Scenario, rows: Rows) -> None:
        self.scenario, self.rows = scenario, rows
        k, orgs, horizon = rows.count, len(scenario.organisations), scenario.horizon
        self.k, self.orgs = k, orgs
        self.g = generations(scenario, rows.tiers)
        self.tier_of = np.array([tier_index(g, len(rows.tiers)) for g in range(self.g + 1)])
        self.pool = np.zeros((k, orgs))
        self.hire_uptake = np.zeros((k, orgs))
        for i in range(k):
            for org, people, parameter in scenario.uptake_groups:
                self.pool[i, org] += people * rows.uptakes[i, parameter]
            self.hire_uptake[i] = scenario.mean_uptake(rows.uptakes[i])
        width = 2 if scenario.retakes is None else scenario.retakes + 1
        self.waiting = np.zeros((k, orgs, width))
        self.waiting[:, :, 0] = self.pool
        self.reached = np.zeros((k, orgs))
        self.staff_seeds = np.full(k, float(scenario.seeds.sum()) if scenario.plan.seeds_are_staff else 0.0)
        self.trained_o, self.trained_g = np.zeros((k, orgs)), np.zeros((k, self.g))
        self.classes = _Classes(k)
        seeded = np.flatnonzero(scenario.seeds)
        self.classes.add(seeded, 0, 1, 0, np.broadcast_to(scenario.seeds[seeded].astype(float), (k, seeded.size)))
        self.fidelity = self._fidelity()
        self.pending: dict[int, tuple[FloatArray, FloatArray, list[tuple[int, FloatArray]]]] = {}
        self.produced, self.cohort_mass = np.zeros((k, self.g)), np.zeros((k, self.g))
        self.fidelity_sum = np.zeros((k, self.g))
        self.hosted = np.zeros((2, k, orgs))  # cohorts hosted: by seeds, by the others
        names = ("trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started", "reached")
        self.out: dict[str, Any] = {name: np.zeros((k, horizon + 1)) for name in (*names, "staff_seeds")}
        self.out["staff_seeds"][:, 0] = self.staff_seeds
        self.out["trainers"][:, 0] = float(scenario.seeds.sum())
        self.by_generation = np.zeros((k, horizon + 1, self.g))
        self.by_organisation = np.zeros((horizon + 1, orgs))
        self.running = np.zeros(k)
        indptr, indices = scenario.partner_indptr, scenario.partner_indices
        self.edges = (np.repeat(np.arange(orgs), np.diff(indptr)), indices)

    def _fidelity(self) -> FloatArray:
        """Cohort fidelity by generation in each row: every cohort of a generation has the same one."""
        fidelity = np.ones((self.k, self.g + 1))
        for g in range(1, self.g + 1):
            fidelity[:, g] = np.minimum(1.0, fidelity[:, g - 1] * self.rows.retention[:, self.tier_of[g]])
        return fidelity

    def _values(self, name: str, g: int) -> Any:
        """A tier's field for generation-``g`` cohorts (or trainers): a whole number, or one value per row."""
        tier = self.tier_of[min(g, self.g)]
        if hasattr(self.rows, name):
            return getattr(self.rows, name)[:, tier]
        return getattr(self.rows.tiers[tier], name)

    def period(self, t: int) -> None:
        """Period ``t``: its steps in the model's order, then its record."""
        if (self.rows.turnover > 0).any():
            self.turn_over()
        active = self.active(t)
        started_now = self.start(t, active)
        self.running += started_now
        self.resolve(t)
        self.record(t, started_now)

    def turn_over(self) -> None:
        """(0) A share of the trained people, trainers included, leave; untrained hires replace them."""
        turnover = self.rows.turnover[:, None]
        classes = self.classes
        leavers = self.trained_o * turnover
        self.trained_o -= leavers
        self.trained_g *= 1 - turnover
        self.reached -= leavers
        gone = leavers.copy()
        if self.scenario.plan.seeds_are_staff:  # a seed trainer who leaves is replaced by an untrained hire
            seeds = classes["gen"] == 0
            np.add.at(gone.T, classes["org"][seeds], (classes["n"][:, seeds] * turnover).T)
            self.staff_seeds *= 1 - turnover[:, 0]
        hires = gone * self.hire_uptake
        self.pool += hires
        self.waiting[:, :, 0] += hires
        classes["n"][...] *= 1 - turnover

    def active(self, t: int) -> IntArray:
        """(1) Classes whose delay has passed are active; (2) a share of each stops. Returns the active ones."""
        classes = self.classes
        active = np.flatnonzero(classes["active_from"] <= t)
        attrition = self.rows.attrition[:, self.tier_of[np.minimum(classes["gen"][active], self.g)]]
        classes["n"][:, active] *= 1 - attrition
        return active

    def _sets(self, active: IntArray) -> tuple[FloatArray, FloatArray]:
        """Spare slots of each active class that can form whole sets, and the sets, by organisation and generation."""
        classes, seeds = self.classes, self.scenario.seeds.astype(float)
        gen, org = classes["gen"][active], classes["org"][active]
        n = classes["n"][:, active]
        tier = self.tier_of[np.minimum(gen, self.g)]
        concurrent = np.array([t.concurrent for t in self.rows.tiers])[tier]
        total = np.array([t.total for t in self.rows.tiers], np.float64)[tier]
        spare = np.clip(np.minimum(concurrent - classes["r"][:, active], total - classes["u"][:, active]), 0.0, None)
        floors = np.array([self.rows.tiers[self.tier_of[min(g + 1, self.g)]].floor for g in range(self.g)])
        allowed = self.fidelity[:, 1:] >= floors  # rows x generations: cohorts of g + 1 may start
        spare *= allowed[:, np.minimum(gen, self.g - 1)]
        counts = np.zeros((self.g, self.k, self.orgs))
        np.add.at(counts.transpose(0, 2, 1), (gen, org), n.T)
        share = np.ones((self.g, self.k, self.orgs))
        for g in np.unique(gen):
            f = int(self._values("facilitators", int(g) + 1))
            if f > 1:
                base = seeds if g == 0 else np.zeros(self.orgs)
                left = counts[g] if g == 0 else np.zeros_like(counts[g])
                made = np.zeros_like(counts[g]) if g == 0 else counts[g]
                share[g] = pairable(base, left, made, self.scenario.component, f)
        paired = share[gen, :, org].T
        classes["paired"][:, active] = paired
        slots = n * paired * spare
        sets = np.zeros((self.g, self.k, self.orgs))
        np.add.at(sets.transpose(0, 2, 1), (gen, org), slots.T)
        for g in range(self.g):
            sets[g] /= self._values("facilitators", g + 1)
        return spare, sets

    def start(self, t: int, active: IntArray) -> FloatArray:
        """(3) Active classes with spare capacity start cohorts. Returns the cohorts started in each row."""
        if not active.size:
            return np.zeros(self.k)
        spare, sets = self._sets(active)
        size = np.array([self._values("cohort_size", g + 1) for g in range(self.g)], np.float64)
        demand = sets * size[:, None, None]
        wanted = demand.sum(axis=0)
        if not wanted.any():
            return np.zeros(self.k)
        own = np.minimum(wanted, self.pool)
        self.pool -= own
        given, short = partner_places(self.pool, wanted - own, *self.edges)
        filled = wanted - short
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(wanted > 0, demand / np.maximum(wanted, 1e-300), 0.0)  # generations' shares of places
            started = np.minimum(sets, part * filled / self.scenario.min_group)
            ratio = np.where(sets > 0, started / np.maximum(sets, 1e-300), 0.0)
        classes = self.classes
        gen, org = classes["gen"][active], classes["org"][active]
        x = spare * ratio[np.minimum(gen, self.g - 1), :, org].T
        classes["r"][:, active] += x
        classes["u"][:, active] += x
        last = classes["last"][:, active]
        classes["last"][:, active] = np.where(x > 0, t, last)
        freed = np.zeros((self.k, classes.size))
        freed[:, active] = x
        self.hosted[0] += started[0]
        self.hosted[1] += started[1:].sum(axis=0)
        self._enrol(t, own, given, part, started, freed)
        return np.asarray(started.sum(axis=(0, 2)))

    def _enrol(
        self, t: int, own: FloatArray, given: FloatArray, part: FloatArray, started: FloatArray, freed: FloatArray
    ) -> None:
        """Take the participants from the pool by enrolment class, and note the cohorts as ending in ``d`` periods."""
        source, target = self.edges
        by_source = own.copy()
        np.add.at(by_source.T, target, given.T)
        top = np.cumsum(self.waiting, axis=2)
        taken = np.clip(np.minimum(by_source[:, :, None], top) - (top - self.waiting), 0.0, None)
        self.waiting -= taken
        self.reached += taken[:, :, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            per_person = np.where(by_source > 0, 1 / np.maximum(by_source, 1e-300), 0.0)[:, :, None] * taken
        cohorts: list[tuple[int, FloatArray]] = []
        counts = started.sum(axis=2)
        for g in np.flatnonzero(counts.any(axis=1)):
            people = own * part[g]
            np.add.at(people.T, target, (given * part[g][:, source]).T)
            cohorts.append((int(g) + 1, people[:, :, None] * per_person))
            self.cohort_mass[:, min(g + 1, self.g - 1)] += counts[g]
            self.fidelity_sum[:, min(g + 1, self.g - 1)] += counts[g] * self.fidelity[:, g + 1]
        end = t + self.scenario.cohort_periods - 1
        self.pending[end] = (counts.sum(axis=0), freed, cohorts)

    def resolve(self, t: int) -> None:
        """(4) Cohorts ending now: completers are trained, the rest go back, some completers become trainers."""
        ending = self.pending.pop(t, None)
        if ending is None:
            return
        count, freed, cohorts = ending
        self.running -= count
        self.classes["r"][:, : freed.shape[1]] -= freed
        for generation, participants in cohorts:
            g = min(generation, self.g - 1)
            completion = self._values("completion", generation)[:, None, None]
            by_class = participants * completion
            completers = by_class.sum(axis=2)
            self.trained_o += completers
            self.trained_g[:, g] += completers.sum(axis=1)
            failed = participants - by_class
            if self.scenario.retakes is None:
                self.waiting[:, :, 1] += failed.sum(axis=2)
                self.pool += failed.sum(axis=2)
            else:  # each non-completer moves up a class, or out of the pool at the last
                self.waiting[:, :, 1:] += failed[:, :, :-1]
                self.pool += failed[:, :, :-1].sum(axis=2)
            conversion = np.minimum(1.0, self._values("conversion", generation) * self.rows.scale[:, g])
            made = completers * conversion[:, None]
            self.produced[:, min(generation - 1, self.g - 1)] += made.sum(axis=1)
            homes = np.flatnonzero((made > 1e-12).any(axis=0))
            if homes.size:
                delay = int(self._values("delay", generation))
                self.classes.add(homes, g, t + 1 + delay, t, made[:, homes])

    def record(self, t: int, started_now: FloatArray) -> None:
        """Record period ``t``'s series, after its last step."""
        classes, out = self.classes, self.out
        out["trained"][:, t] = self.trained_o.sum(axis=1)
        self.by_generation[:, t] = self.trained_g
        self.by_organisation[t] = self.rows.weight @ self.trained_o
        out["trainers"][:, t] = classes["n0"].sum(axis=1)
        out["active_trainers"][:, t] = classes["n"][:, classes["active_from"] <= t].sum(axis=1)
        out["cohorts_running"][:, t] = self.running
        out["cohorts_started"][:, t] = started_now
        out["reached"][:, t] = self.reached.sum(axis=1)
        out["staff_seeds"][:, t] = self.staff_seeds

    def result(self) -> dict[str, Any]:
        """The series and the measures at the horizon, rows first."""
        classes, out, plan, horizon = self.classes, self.out, self.scenario.plan, self.scenario.horizon
        n0, gen = classes["n0"], np.minimum(classes["gen"], self.g - 1)
        counts = np.zeros((self.k, self.g))
        np.add.at(counts.T, gen, n0.T)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["new_trainers_per_trainer"] = np.where(counts > 0, self.produced / np.maximum(counts, 1e-300), np.nan)
            out["mean_fidelity"] = np.where(
                self.cohort_mass > 0, self.fidelity_sum / np.maximum(self.cohort_mass, 1e-300), np.nan
            )
        # A class's paired trainers ran once they used a cohort of their quota; the unpaired never did.
        ran = classes["paired"] * np.minimum(1.0, classes["u"])
        old = classes["born"] <= horizon - plan.maintenance_after
        recent = classes["last"] >= horizon - plan.maintenance_window + 1
        total = n0.sum(axis=1)
        judged = (n0 * old).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["trainers_who_ran"] = np.where(total > 0, (n0 * ran).sum(axis=1) / np.maximum(total, 1e-300), np.nan)
            # Stopped trainers start nothing: of a class that started recently, only its survivors did.
            kept = (classes["n"] * classes["paired"] * (old & recent)).sum(axis=1)
            out["maintenance"] = np.where(judged > 0, kept / np.maximum(judged, 1e-300), np.nan)
        out["by_generation"] = self.by_generation
        out["by_organisation"] = self.by_organisation
        out["hosted"] = self.hosted
        return out
