"""The expected-value projection: the cascade's equations, for many rows of parameters at once.

Every draw is replaced by its expected value. Trainers are followed in classes (organisation,
generation, period trained; ``tipframe.reach.classes``) whose expected size falls with
attrition and turnover; each period the classes with spare capacity offer it, and the whole
sets of co-facilitators their generation can form in their organisation and partnership
network (``tipframe.reach.expected.pairable``) start cohorts; places fill from the host's pool,
then from partners' (``partner_places``); cohorts smaller than the programme's minimum group
start only in part; completions and conversions are expected values. Each row of the arrays is
one set of parameters (a draw of the plan's distributions, ``tipframe.reach.ensemble``), so an
ensemble of projections is one pass of array operations. ``_Projection`` holds the expected
state and takes one method per step of a period, in the model's order (docs/reach.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tipframe.reach.classes import Classes, Rows, generations
from tipframe.reach.expected import group_sum, pairable, partner_places, sum_rows
from tipframe.reach.scenario import FloatArray, IntArray, Scenario, tier_index

#: expected trainers below which new trainers wait to join later ones in a class
SMALLEST = 1e-3


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
        cohorts each organisation hosted: the most its seed trainers started in one period, and
        all the others.
    """
    projection = _Projection(scenario, rows)
    for t in range(1, scenario.horizon + 1):
        projection.period(t)
    return projection.result()


class _Projection:
    """The expected state of the rollout in every row, and the steps of a period (``period``) that update it.

    ``pool`` holds each organisation's expected untrained eligible staff not in a cohort and
    ``waiting`` the same by enrolments so far; ``trained_o`` and ``trained_g`` the trained
    people (seeds excluded) by organisation and by generation; ``delivering`` the active trainers
    still delivering by organisation and generation; ``pending`` holds, by the period they end
    in, the cohorts started.
    """

    def __init__(self, scenario: Scenario, rows: Rows) -> None:
        self.scenario, self.rows = scenario, rows
        k, orgs, horizon = rows.count, len(scenario.organisations), scenario.horizon
        self.k, self.orgs = k, orgs
        self.g = generations(scenario, rows.tiers)
        self.tier_of = np.array([tier_index(g, len(rows.tiers)) for g in range(self.g + 1)])
        self.pool, self.hire_uptake = np.zeros((k, orgs)), np.zeros((k, orgs))
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
        self.delivering = np.zeros((k, orgs, self.g))
        self.carry = np.zeros((k, orgs, self.g))  # trainers made, too few yet to follow as a class
        self.classes = Classes(k, room=max(64, 8 * orgs))
        seeded = np.flatnonzero(scenario.seeds)
        seeds = np.broadcast_to(scenario.seeds[seeded].astype(float), (k, seeded.size))
        self.classes.add(seeded, 0, 1, 0, seeds)
        self.trainers = np.full(k, float(scenario.seeds.sum()))
        self.fidelity = self._fidelity()
        with np.errstate(divide="ignore"):  # logs of the chances of staying, by tier (classes x rows) and turnover
            self.log_stay = np.log1p(-rows.attrition.T)
            self.log_turnover = np.log1p(-rows.turnover)
        self.leaving = bool((rows.turnover > 0).any())
        self.pending: dict[int, tuple[FloatArray, IntArray, FloatArray, list[tuple[int, FloatArray]]]] = {}
        self.produced, self.cohort_mass = np.zeros((k, self.g)), np.zeros((k, self.g))
        self.fidelity_sum = np.zeros((k, self.g))
        self.hosted = np.zeros((2, k, orgs))  # cohorts hosted: seeds' most in a period, the others' in all
        names = ("trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started", "reached")
        self.out: dict[str, Any] = {
            name: np.zeros((k, horizon + 1)) for name in (*names, "staff_seeds", "places", "facilitations")
        }
        self.out["staff_seeds"][:, 0] = self.staff_seeds
        self.out["trainers"][:, 0] = self.trainers
        self.by_generation = np.zeros((k, horizon + 1, self.g))
        self.by_organisation = np.zeros((horizon + 1, orgs))
        self.running = np.zeros(k)
        indptr, indices = scenario.partner_indptr, scenario.partner_indices
        self.edges = (np.repeat(np.arange(orgs), np.diff(indptr)), indices)
        self.comps = int(scenario.component.max(initial=-1)) + 1
        # Organisations by network, then as the simulation prefers hosts: most eligible staff, then first id.
        id_rank = np.argsort(np.argsort(np.array(scenario.organisations)))
        self.host_order = np.lexsort((-id_rank, scenario.eligible, scenario.component)).astype(np.int64)

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

    def sizes(self, index: IntArray, t: int) -> FloatArray:
        """Expected trainers of the classes ``index`` still delivering after period ``t``'s attrition.

        Attrition acts in each period from the one a class is active in; turnover in each period
        after the one it was trained in.
        """
        classes = self.classes
        tier = self.tier_of[np.minimum(classes["gen"][index], self.g)]
        active = np.maximum(0, t - classes["active_from"][index] + 1)
        exponent = self.log_stay[tier] * active[:, None]
        if self.leaving:
            exponent += self.log_turnover * (t - classes["born"][index])[:, None]
        size: FloatArray = classes["n0"][index] * np.exp(exponent)
        return size

    def period(self, t: int) -> None:
        """Period ``t``: its steps in the model's order, then its record."""
        if (self.rows.turnover > 0).any():
            self.turn_over(t)
        self.active(t)
        started_now = self.start(t)
        self.running += started_now
        self.resolve(t)
        self.record(t, started_now)

    def turn_over(self, t: int) -> None:
        """(0) A share of the trained people, trainers included, leave; untrained hires replace them."""
        turnover = self.rows.turnover[:, None]
        leavers = self.trained_o * turnover
        self.trained_o -= leavers
        self.trained_g *= 1 - turnover
        self.reached -= leavers
        gone = leavers
        if self.scenario.plan.seeds_are_staff:  # a seed trainer who leaves is replaced by an untrained hire
            seeds = np.flatnonzero(self.classes["gen"] == 0)
            gone = gone + sum_rows(self.sizes(seeds, t - 1) * turnover.T, self.classes["org"][seeds], self.orgs)
            self.staff_seeds *= 1 - turnover[:, 0]
        hires = gone * self.hire_uptake
        self.pool += hires
        self.waiting[:, :, 0] += hires
        self.delivering *= (1 - turnover)[:, :, None]

    def active(self, t: int) -> None:
        """(1) Classes whose delay has passed are active; (2) a share of each stops."""
        stay = 1 - self.rows.attrition[:, self.tier_of[: self.g]]
        self.delivering *= stay[:, None, :]
        classes = self.classes
        index = np.flatnonzero(classes["active_from"] == t)
        if index.size:
            key = classes["org"][index] * self.g + np.minimum(classes["gen"][index], self.g - 1)
            self.delivering += sum_rows(self.sizes(index, t), key, self.orgs * self.g).reshape(self.k, self.orgs, -1)
            classes.live[index] = True

    def _sets(self, live: IntArray, t: int) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The generations of the ``live`` classes, each class's place among them, its spare cohorts per
        paired trainer (classes x rows), and the sets of co-facilitators free now, their first slots apart
        from the later ones (2 x generations x rows x organisations)."""
        classes = self.classes
        gen, org = np.minimum(classes["gen"][live], self.g - 1), classes["org"][live]
        n = self.sizes(live, t)
        tier = self.tier_of[gen]
        concurrent = np.array([x.concurrent for x in self.rows.tiers])[tier]
        total = np.array([x.total for x in self.rows.tiers], np.float64)[tier]
        room = np.minimum(concurrent[:, None] - classes["r"][live], total[:, None] - classes["u"][live])
        spare = np.clip(room, 0.0, None)
        present = np.unique(gen)
        where = np.searchsorted(present, gen)
        floors = np.array([self.rows.tiers[self.tier_of[min(g + 1, self.g)]].floor for g in present])
        spare *= (self.fidelity[:, present + 1] >= floors).T[where]  # fidelity floors bar some generations
        facilitators = np.array([int(self._values("facilitators", int(g) + 1)) for g in present])
        share = self._shares(present, facilitators)
        paired = share[0][where, :, org]
        inside = share[1][where, :, org]
        key = where * self.orgs + org
        network = where * self.comps + self.scenario.component[org]
        first = np.minimum(spare, 1.0)
        sets = np.zeros((2, present.size, self.k, self.orgs))
        for rank, slots_each in enumerate((first, spare - first)):
            slots = n * paired * slots_each / facilitators[where, None]
            own = sum_rows(slots * inside, key, present.size * self.orgs).reshape(self.k, present.size, self.orgs)
            # Sets formed across a network are hosted by the organisation with most eligible staff among theirs.
            across = sum_rows(slots * (1 - inside), network, present.size * self.comps)
            across = across.reshape(self.k, present.size, self.comps)[:, :, self.scenario.component]
            sets[rank] = (own + across * share[2].transpose(1, 0, 2)).transpose(1, 0, 2)
        return present, where, spare, sets

    def _shares(self, present: IntArray, facilitators: IntArray) -> FloatArray:
        """For trainers of the generations ``present`` (their cohorts need ``facilitators``): the share in whole
        sets, the share of those within their organisation, and the chance of hosting a set formed across
        the network (3 x generations x rows x organisations; `pairable`)."""
        seeds = self.scenario.seeds.astype(float)
        share = np.ones((3, present.size, self.k, self.orgs))
        for f in np.unique(facilitators[facilitators > 1]):
            chosen = np.flatnonzero(facilitators == f)  # these generations' trainers, all at once
            counts = self.delivering[:, :, present[chosen]].transpose(2, 0, 1)
            first = (present[chosen] == 0)[:, None, None]
            shape = (-1, self.orgs)
            base = np.broadcast_to(np.where(first, seeds, 0.0), counts.shape).reshape(shape)
            left, made = np.where(first, counts, 0.0).reshape(shape), np.where(first, 0.0, counts).reshape(shape)
            found = pairable(base, left, made, self.scenario.component, self.host_order, int(f))
            share[:, chosen] = np.stack(found).reshape(3, *counts.shape)
        return share

    def start(self, t: int) -> FloatArray:
        """(3) Active classes with spare capacity start cohorts. Returns the cohorts started in each row."""
        classes = self.classes
        source, target = self.edges
        # A cohort needs the programme's minimum group within reach of its host (its organisation and
        # partners): classes with no such host in their network in any row start nothing now, and wait.
        within = self.pool + group_sum(self.pool[:, target], source, self.orgs) >= self.scenario.min_group - 1e-9
        network = np.bincount(self.scenario.component, weights=within.any(axis=0), minlength=self.comps) > 0
        live = np.flatnonzero(classes.live[: classes.size] & network[self.scenario.component[classes["org"]]])
        if not live.size:
            return np.zeros(self.k)
        present, where, spare, ranked = self._sets(live, t)
        ranked *= within
        size = np.array([self._values("cohort_size", int(g) + 1) for g in present], np.float64)
        demand = ranked * size[None, :, None, None]
        wanted = demand.sum(axis=(0, 1))
        if not wanted.any():  # (lone trainers stay live: a co-facilitator may come)
            return np.zeros(self.k)
        own = np.minimum(wanted, self.pool)
        self.pool -= own
        given, short = partner_places(self.pool, wanted - own, *self.edges)
        filled = wanted - short
        places = self._in_order(demand, filled, present).sum(axis=0)  # generations x rows x organisations
        sets = ranked.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(filled > 0, places / np.maximum(filled, 1e-300), 0.0)  # generations' shares of places
            started = np.minimum(sets, places / self.scenario.min_group)
            ratio = np.where(sets > 0, started / np.maximum(sets, 1e-300), 0.0)
        x = spare * ratio[where, :, classes["org"][live]]
        classes["r"][live] += x
        classes["u"][live] += x
        classes["last"][live] = np.where(x > 0, t, classes["last"][live])
        classes.live[live] = (spare - x > 1e-12).any(axis=1)
        seeds = present == 0
        self.hosted[0] = np.maximum(self.hosted[0], started[seeds].sum(axis=0))
        self.hosted[1] += started[~seeds].sum(axis=0)
        self._enrol(t, own, given, part, (present, started), (live, x))
        self.out["places"][:, t] = filled.sum(axis=1)
        teams = np.array([self._values("facilitators", int(g) + 1) for g in present], np.float64)
        self.out["facilitations"][:, t] = (started.sum(axis=2) * teams[:, None]).sum(axis=0)
        return np.asarray(started.sum(axis=(0, 2)))

    def _in_order(self, demand: FloatArray, filled: FloatArray, present: IntArray) -> FloatArray:
        """The places each host's cohorts fill, in the simulation's order: first slots before second ones,
        then higher fidelity first, then earlier generations (``demand``: 2 x generations x rows x
        organisations; ``filled``: the places each host found, rows x organisations)."""
        count = present.size
        rank = np.repeat([0, 1], count)[:, None]
        fidelity = np.tile(self.fidelity[:, present + 1].T, (2, 1))  # groups x rows
        generation = np.tile(present, 2)[:, None]
        order = np.lexsort(
            (np.broadcast_to(generation, fidelity.shape), -fidelity, np.broadcast_to(rank, fidelity.shape)), axis=0
        )
        flat = demand.reshape(2 * count, self.k, self.orgs)
        ranked = np.take_along_axis(flat, order[:, :, None], axis=0)
        top = np.cumsum(ranked, axis=0)
        got = np.clip(np.minimum(top, filled[None]) - (top - ranked), 0.0, None)
        places = np.empty_like(got)
        np.put_along_axis(places, order[:, :, None], got, axis=0)
        return places.reshape(2, count, self.k, self.orgs)

    def _enrol(
        self,
        t: int,
        own: FloatArray,
        given: FloatArray,
        part: FloatArray,
        started: tuple[IntArray, FloatArray],
        facilitators: tuple[IntArray, FloatArray],
    ) -> None:
        """Take the participants from the pool by enrolment class, and note the cohorts as ending in ``d`` periods.

        ``part`` is each generation's share of each host's places; ``started`` the generations
        present and the cohorts each started, by host; ``facilitators`` the classes and the
        cohorts each took on, per paired trainer.
        """
        source, target = self.edges
        by_source = own + group_sum(given, target, self.orgs)
        top = np.cumsum(self.waiting, axis=2)
        taken = np.clip(np.minimum(by_source[:, :, None], top) - (top - self.waiting), 0.0, None)
        self.waiting -= taken
        self.reached += taken[:, :, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            per_person = np.where(by_source > 0, 1 / np.maximum(by_source, 1e-300), 0.0)[:, :, None] * taken
        cohorts: list[tuple[int, FloatArray]] = []
        present, per_host = started
        counts = per_host.sum(axis=2)
        for i in np.flatnonzero(counts.any(axis=1)):
            generation = int(present[i]) + 1
            people = own * part[i] + group_sum(given * part[i][:, source], target, self.orgs)
            cohorts.append((generation, people[:, :, None] * per_person))
            self.cohort_mass[:, min(generation, self.g - 1)] += counts[i]
            self.fidelity_sum[:, min(generation, self.g - 1)] += counts[i] * self.fidelity[:, generation]
        end = t + self.scenario.cohort_periods - 1
        self.pending[end] = (counts.sum(axis=0), *facilitators, cohorts)

    def resolve(self, t: int) -> None:
        """(4) Cohorts ending now: completers are trained, the rest go back, some completers become trainers."""
        ending = self.pending.pop(t, None)
        if ending is None:
            return
        count, index, freed, cohorts = ending
        self.running -= count
        self.classes["r"][index] -= freed
        self.classes.live[index] = True
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
            self.trainers += made.sum(axis=1)
            self._new_trainers(t, generation, made)

    def _new_trainers(self, t: int, generation: int, made: FloatArray) -> None:
        """Classes for the trainers just made. In each row, fewer than `SMALLEST` wait to join later ones (a
        class's size is zero in the rows where they wait), so that a row's numbers do not depend on the others."""
        g = min(generation, self.g - 1)
        made = made + self.carry[:, :, g]
        ready = made >= SMALLEST
        self.carry[:, :, g] = np.where(ready, 0.0, made)
        homes = np.flatnonzero(ready.any(axis=0))
        if homes.size:
            active_from = t + 1 + int(self._values("delay", generation))
            self.classes.add(homes, g, active_from, t, np.where(ready, made, 0.0)[:, homes])

    def record(self, t: int, started_now: FloatArray) -> None:
        """Record period ``t``'s series, after its last step."""
        out = self.out
        out["trained"][:, t] = self.trained_o.sum(axis=1)
        self.by_generation[:, t] = self.trained_g
        self.by_organisation[t] = self.rows.weight @ self.trained_o
        out["trainers"][:, t] = self.trainers
        out["active_trainers"][:, t] = self.delivering.sum(axis=(1, 2))
        out["cohorts_running"][:, t] = self.running
        out["cohorts_started"][:, t] = started_now
        out["reached"][:, t] = self.reached.sum(axis=1)
        out["staff_seeds"][:, t] = self.staff_seeds

    def result(self) -> dict[str, Any]:
        """The series and the measures at the horizon, rows first."""
        classes, out, plan, horizon = self.classes, self.out, self.scenario.plan, self.scenario.horizon
        n0, gen = classes["n0"], np.minimum(classes["gen"], self.g - 1)
        counts = sum_rows(n0, gen, self.g)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["new_trainers_per_trainer"] = np.where(counts > 0, self.produced / np.maximum(counts, 1e-300), np.nan)
            out["mean_fidelity"] = np.where(
                self.cohort_mass > 0, self.fidelity_sum / np.maximum(self.cohort_mass, 1e-300), np.nan
            )
        # A class's paired trainers ran once they used a cohort of their quota; the unpaired never did.
        present = np.unique(gen)
        where = np.searchsorted(present, gen)
        facilitators = np.array([int(self._values("facilitators", int(g) + 1)) for g in present])
        # (the share that can pair at the horizon: the same whichever other rows ran beside this one)
        paired = self._shares(present, facilitators)[0][where, :, classes["org"]]
        ran = paired * np.minimum(1.0, classes["u"])
        old = (classes["born"] <= horizon - plan.maintenance_after)[:, None]
        recent = classes["last"] >= horizon - plan.maintenance_window + 1
        total = n0.sum(axis=0)
        judged = (n0 * old).sum(axis=0)
        surviving = self.sizes(np.arange(classes.size), horizon)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["trainers_who_ran"] = np.where(total > 0, (n0 * ran).sum(axis=0) / np.maximum(total, 1e-300), np.nan)
            # Stopped trainers start nothing: of a class that started recently, only its survivors did.
            kept = (surviving * paired * (old & recent)).sum(axis=0)
            out["maintenance"] = np.where(judged > 0, kept / np.maximum(judged, 1e-300), np.nan)
        out["by_generation"] = self.by_generation
        out["by_organisation"] = self.by_organisation
        out["hosted"] = self.hosted
        return out
