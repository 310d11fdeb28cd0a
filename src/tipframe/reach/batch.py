"""A batch of replicates, period by period: the arrays the cascade's steps update, and one method per step.

The model's definition is in docs/reach.md; the steps below follow it in order. A batch of R
replicates is simulated as R disjoint copies of the workforce (organisation ``r * O + o`` is
organisation ``o`` in replicate ``r``), so every array operation serves the whole batch. Each
replicate draws only from its own generator, in the order it would alone: entries are drawn
replicate by replicate, in their order within the replicate (``tipframe.reach.draws``), so a
replicate's numbers do not depend on the batch it ran in. For the same reason the steps must
keep the order of their draws: turnover, then places, then completion, conversion and the new
trainers' stopping periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from tipframe.reach.cohorts import Started, start_cohorts
from tipframe.reach.columns import BoolArray, Columns, Layout
from tipframe.reach.draws import binomial, going_on, stops
from tipframe.reach.scenario import FloatArray, IntArray, Scenario, tier_index

#: generations counted separately in the results; later generations count in the last
GENERATIONS: Final = 64

#: the tiers' numbers that may differ between replicates, drawn from distributions or not
_PER_TIER: Final = ("delay", "concurrent", "total", "attrition", "completion", "conversion", "retention")


class Batch:
    """The state of a batch of replicates, and the steps of a period (``period``) that update it.

    Organisations are the layout's (``r * O + o``). ``pool`` holds each organisation's untrained
    eligible staff not in a cohort; ``trained_og`` its trained people (seeds excluded) by
    generation, and ``by_org`` and ``by_gen`` their sums, kept up to date. The ``trainers`` and
    ``cohorts`` tables grow as the run goes; ``ending`` holds each period's started cohorts, by
    the period they end in; ``series`` and friends record each period.
    """

    def __init__(
        self,
        scenario: Scenario,
        rngs: Sequence[np.random.Generator],
        keep_events: Sequence[bool],
        feeds: Sequence[IntArray] = (),
    ) -> None:
        self.scenario = scenario
        # A pathway's later stage: each replicate's previous stage's trained by period and organisation.
        self.feeds = feeds
        self.rngs = rngs
        self.replicates = replicates = len(rngs)
        draws = [scenario.draw(rng) for rng in rngs]
        uptakes = [scenario.uptakes(rng) for rng in rngs]
        willing = [scenario.willing(rng, u) for rng, u in zip(rngs, uptakes, strict=True)]
        self.turnover: FloatArray = np.array([d[0] for d in draws])
        self.tiers = draws[0][1]  # whole-number fields and floors never vary between replicates
        self.per_tier = {name: np.array([[getattr(t, name) for t in d[1]] for d in draws]) for name in _PER_TIER}
        self.n_orgs = n_orgs = len(scenario.organisations)
        self.layout = Layout.of(scenario, replicates)
        self.leaving = [r for r in range(replicates) if self.turnover[r] > 0]
        self.pool: IntArray = np.concatenate(willing)
        # The chance a hire (replacing someone who left) will take part, by organisation.
        self.hire_uptake: FloatArray = np.concatenate([scenario.mean_uptake(u) for u in uptakes])
        # The pool by enrolments so far: class 0 never started; with retakes limited to R, class a
        # has started a times (a <= R); with no limit, class 1 holds everyone who started before.
        self.classes = 2 if scenario.retakes is None else scenario.retakes + 1
        self.waiting = np.zeros((replicates * n_orgs, self.classes), np.int64)
        self.waiting[:, 0] = self.pool
        self.reached = np.zeros(replicates * n_orgs, np.int64)  # people who started (seeds aside), still here
        staff_seeds = int(scenario.seeds.sum()) if scenario.plan.seeds_are_staff else 0
        self.seeds_here = np.full(replicates, staff_seeds, np.int64)
        self.trained_og = np.zeros((replicates * n_orgs, GENERATIONS), np.int64)
        self.by_org = np.zeros(replicates * n_orgs, np.int64)
        self.by_gen = np.zeros((replicates, GENERATIONS), np.int64)
        # Trainers made in the run and still in the workforce, by organisation and generation: they
        # leave at their own drawn periods, so the other trained people's leaving is drawn apart.
        self.trainers_og = np.zeros_like(self.trained_og) if self.leaving else self.trained_og[:0]
        self.trainers = self._seed_trainers()
        self.cohorts = self._cohort_table()
        self.ending: dict[int, Started] = {}
        self.ending_classes: dict[int, IntArray] = {}  # the enrolment classes of each place entry
        self.kept: list[tuple[IntArray, IntArray]] = []  # facilitations of the replicates keeping events
        self.keeping = np.array(keep_events, np.bool_)
        self.running = np.zeros(replicates, np.int64)
        self.org_started = np.zeros(replicates * n_orgs, np.bool_)
        # For setting-level maintenance: each organisation's first and last cohort, and the last
        # period one of its active trainers had willing people within reach (-1: never).
        self.org_first_start = np.full(replicates * n_orgs, -1, np.int64)
        self.org_last_start = np.full(replicates * n_orgs, -1, np.int64)
        self.org_last_chance = np.full(replicates * n_orgs, -1, np.int64)
        shape = (scenario.horizon + 1, replicates)
        self.series = {
            name: np.zeros(shape, np.int64)
            for name in (
                "trained",
                "trainers",
                "active",
                "running",
                "started",
                "reached",
                "seeds",
                "places",
                "facilitations",
            )
        }
        self.series_gen = np.zeros((scenario.horizon + 1, replicates, GENERATIONS), np.int64)
        self.series_org = np.zeros((scenario.horizon + 1, replicates * n_orgs), np.int64)
        self.series["trainers"][0] = self.trainers.counts
        self.series["seeds"][0] = self.seeds_here
        feed = scenario.feed
        self.left = np.tile(feed.total, replicates) if feed is not None and feeds else np.zeros(0, np.int64)
        self.onward = np.tile(feed.onward, replicates) if feed is not None and feeds else np.zeros(0, np.int64)

    def _seed_trainers(self) -> Columns:
        """The trainer table, holding the seed trainers: generation 0, fidelity 1, active from period 1."""
        scenario, replicates, n_orgs = self.scenario, self.replicates, self.n_orgs
        seeds = int(scenario.seeds.sum())
        trainers = Columns(
            max(64, seeds * replicates * 4), replicates,
            org=np.int64, gen=np.int64, fid=np.float64, active_from=np.int64, stop_at=np.int64, leave_at=np.int64,
            running=np.int64,
            total=np.int64, trained_at=np.int64, source=np.int64, last_start=np.int64, new_trainers=np.float64,
            concurrent=np.int64, quota=np.int64, chances=np.int64, last_chance=np.int64,
        )  # fmt: skip
        seed_rep = np.repeat(np.arange(replicates, dtype=np.int64), seeds)
        first = tier_index(0, len(self.tiers))
        attrition = self.per_tier["attrition"][seed_rep, first]
        seed_stop, seed_leave = stops(
            self.rngs, seed_rep, attrition, np.ones(seed_rep.size, np.int64), self.turnover, 1
        )
        trainers.add(
            seed_rep,
            org=(np.arange(replicates, dtype=np.int64)[:, None] * n_orgs + np.repeat(np.arange(n_orgs), scenario.seeds))
            .reshape(-1),
            fid=1.0,
            active_from=1,
            source=-1,
            last_start=-1,
            last_chance=-1,
            stop_at=seed_stop,
            leave_at=seed_leave,
            concurrent=self.per_tier["concurrent"][seed_rep, first],
            quota=self.per_tier["total"][seed_rep, first],
        )  # fmt: skip
        return trainers

    def _cohort_table(self) -> Columns:
        """The empty cohort table."""
        # Room for every cohort a replicate could start without turnover, so the table seldom grows.
        expected = int(self.scenario.eligible.sum()) // max(1, min(t.cohort_size for t in self.tiers)) + 64
        return Columns(
            expected * self.replicates, self.replicates, org=np.int64, gen=np.int64, fid=np.float64, start=np.int64,
            size=np.int64, completers=np.int64, facilitators=np.int64,
        )  # fmt: skip

    def _tier_of(self, generations: IntArray) -> IntArray:
        """The tier of cohorts of these generations and of the trainers they make."""
        result: IntArray = np.minimum(np.maximum(generations, 1), len(self.tiers)) - 1
        return result

    def period(self, t: int) -> None:
        """Period ``t``: its steps in the model's order, then its record."""
        if self.left.size and t >= 2:
            self.arrive(t)
        self.turn_over(t)
        active = self.active(t)
        started = self.start(t, active)
        self._chances(t)
        self.resolve(t)
        self.record(t, started)

    def turn_over(self, t: int) -> None:
        """(0) Turnover: trained people leave and untrained hires take their places.

        Trainers' leaving periods were drawn when they were made; the other trained people's
        leaving is drawn here, replicate by replicate.
        """
        if not self.leaving:
            return
        n_orgs, trained_og, trainers_og = self.n_orgs, self.trained_og, self.trainers_og
        for r in self.leaving:
            block = slice(r * n_orgs, (r + 1) * n_orgs)
            leavers = self.rngs[r].binomial(trained_og[block] - trainers_og[block], self.turnover[r])
            trained_og[block] -= leavers
            gone = leavers.sum(axis=1)
            self._hire(block, self._willing_hires(self.rngs[r], gone, self.hire_uptake[block]))
            self.reached[block] -= gone
            self.by_org[block] -= gone
            self.by_gen[r] -= leavers.sum(axis=0)
        trainers = self.trainers
        going = np.flatnonzero(trainers.view("leave_at") == t)
        made = going[trainers["source"][going] >= 0]
        org, gen = trainers["org"][made], np.minimum(trainers["gen"][made], GENERATIONS - 1)
        np.subtract.at(trained_og.reshape(-1), org * GENERATIONS + gen, 1)
        np.subtract.at(trainers_og.reshape(-1), org * GENERATIONS + gen, 1)
        np.subtract.at(self.by_org, org, 1)
        np.subtract.at(self.reached, org, 1)
        np.subtract.at(self.by_gen.reshape(-1), org // max(n_orgs, 1) * GENERATIONS + gen, 1)
        replaced = going if self.scenario.plan.seeds_are_staff else made
        seeds = going[trainers["source"][going] < 0] if self.scenario.plan.seeds_are_staff else going[:0]
        np.subtract.at(self.seeds_here, trainers["rep"][seeds], 1)
        self._hire_each(trainers["org"][replaced], trainers["rep"][replaced])

    def arrive(self, t: int) -> None:
        """(-1) A pathway's later stage: the previous stage's completers of period ``t - 1`` whose role needs
        this stage join the pool, each willing with their organisation's uptake."""
        n_orgs = self.n_orgs
        for r, done_by in enumerate(self.feeds):
            block = slice(r * n_orgs, (r + 1) * n_orgs)
            going = going_on(self.rngs[r], done_by[t - 1] - done_by[t - 2], self.left[block], self.onward[block])
            if going.any():
                self._hire(block, self._willing_hires(self.rngs[r], going, self.hire_uptake[block]))

    @staticmethod
    def _willing_hires(rng: np.random.Generator, hires: IntArray, uptake: FloatArray) -> IntArray:
        """Of ``hires`` by organisation, those who will take part; no draw where uptake is 1."""
        if (uptake >= 1.0).all():
            return hires
        drawn = np.where(uptake >= 1.0, hires, 0)
        which = np.flatnonzero((uptake < 1.0) & (hires > 0))
        drawn[which] = rng.binomial(hires[which], uptake[which])
        return drawn

    def _hire(self, orgs: IntArray | slice, willing: IntArray) -> None:
        """Willing hires join the pool as people who never started."""
        self.pool[orgs] += willing
        self.waiting[orgs, 0] += willing

    def _hire_each(self, org: IntArray, rep: IntArray) -> None:
        """One hire for each entry (replacing a trainer who left); each takes part with its organisation's uptake."""
        uptake = self.hire_uptake[org]
        willing = np.ones(org.size, np.int64)
        unsure = np.flatnonzero(uptake < 1.0)
        if unsure.size:
            willing[unsure] = binomial(self.rngs, rep[unsure], willing[unsure], uptake[unsure])
        counts = np.bincount(org, weights=willing, minlength=self.pool.size).astype(np.int64)
        self._hire(slice(None), counts)

    def active(self, t: int) -> BoolArray:
        """(1) Trainers whose delay has passed are active; (2) those whose stopping period has come stop."""
        result: BoolArray = (self.trainers.view("active_from") <= t) & (self.trainers.view("stop_at") > t)
        return result

    def _chances(self, t: int) -> None:
        """Note the trainers who had a chance to start a cohort this period: the opportunity trainer
        adoption and maintenance are judged against (docs/reach.md, Measures).

        After every cohort of the period has started, a trainer that is activated and still in the
        workforce had a chance when it started one now, or when a cohort's minimum of willing
        people were still within its reach (its organisation and partners) and it had room for
        another cohort. A trainer that stopped delivering still had the chance it did not take; a
        pool that has run dry, or was taken by other trainers, is no chance. ``chances`` counts
        them up to a trainer's first cohort (for adoption); ``last_chance`` keeps the last one
        with cohorts left in its quota (for maintenance).
        """
        reachable = self.pool + self.layout.supply(self.pool)
        trainers = self.trainers
        now = trainers.view("last_start") == t
        present = (trainers.view("active_from") <= t) & (trainers.view("leave_at") > t)
        people = reachable[trainers.view("org")] >= self.scenario.min_group
        room = (trainers.view("running") < trainers.view("concurrent")) & (
            trainers.view("total") < trainers.view("quota")
        )
        people &= self._partnered(present & room & (trainers.view("stop_at") > t) & people)
        first = np.flatnonzero(present & (now & (trainers.view("total") == 1) | (trainers.view("total") == 0) & people))
        trainers["chances"][first] += 1
        chance = np.flatnonzero(present & (now | people & room))
        trainers["last_chance"][chance] = t
        self.org_last_chance[trainers["org"][chance]] = t

    def _partnered(self, able: BoolArray) -> BoolArray:
        """Trainers who would have enough co-facilitators: others of their generation in their partnership
        network who are ``able`` (delivering, with room and a minimum group within reach), as many as their
        cohorts need less one."""
        trainers = self.trainers
        facilitators = np.array([t.facilitators for t in self.tiers], np.int64)
        if (facilitators == 1).all():
            return np.ones(able.size, np.bool_)
        generation = np.minimum(trainers.view("gen"), GENERATIONS - 1)
        key = self.layout.component[trainers.view("org")] * GENERATIONS + generation
        values, counts = np.unique(key[able], return_counts=True)
        available = np.zeros(key.size, np.int64)
        if values.size:
            at = np.minimum(np.searchsorted(values, key), values.size - 1)
            available = np.where(values[at] == key, counts[at], 0)
        needed = facilitators[self._tier_of(trainers.view("gen") + 1)]
        result: BoolArray = available - able >= needed - 1
        return result

    def start(self, t: int, active: BoolArray) -> IntArray:
        """(3) Trainers with spare capacity start cohorts. Returns how many each replicate started.

        Only trainers whose organisation and its partners hold a minimum group of willing people offer
        their slots (the people a cohort of theirs could reach)."""
        trainers = self.trainers
        spare = np.minimum(
            trainers.view("concurrent") - trainers.view("running"), trainers.view("quota") - trainers.view("total")
        )
        reachable = self.pool + self.layout.supply(self.pool)
        offered = reachable[trainers.view("org")] >= self.scenario.min_group
        available = np.flatnonzero(active & (spare > 0) & offered)
        started_now = np.zeros(self.replicates, np.int64)
        if available.size:
            started = start_cohorts(
                self.scenario.min_group, self.layout, self.rngs, self.tiers, self.per_tier["retention"], t,
                trainers, self.cohorts, available, spare[available], self.pool,
            )  # fmt: skip
            if started is not None:
                self._started(t, started)
                replicates = self.replicates
                self.series["places"][t] = np.bincount(
                    started.place_org // max(self.n_orgs, 1), weights=started.place_count, minlength=replicates
                ).astype(np.int64)
                self.series["facilitations"][t] = np.bincount(
                    self.trainers["rep"][started.facilitation_trainer], minlength=replicates
                )
                self.ending_classes[t + self.scenario.cohort_periods - 1] = self._take(started)
                started_now = started.per_replicate
        self.running += started_now
        return started_now

    def _started(self, t: int, started: Started) -> None:
        """Note cohorts just started: their hosts have started one, and they end in ``d`` periods."""
        hosts = self.cohorts["org"][started.cohort]
        self.org_started[hosts] = True
        self.org_first_start[hosts] = np.where(self.org_first_start[hosts] < 0, t, self.org_first_start[hosts])
        self.org_last_start[hosts] = t
        self.ending[t + self.scenario.cohort_periods - 1] = started  # every cohort lasts as long
        if self.keeping.any():
            trainer = started.facilitation_trainer
            wanted = self.keeping[self.trainers["rep"][trainer]]
            self.kept.append((started.facilitation_cohort[wanted], trainer[wanted]))

    def _take(self, started: Started) -> IntArray:
        """Who filled each place entry, by enrolment class: people who never started first, then those
        with fewer enrolments (a rule, not a draw). Returns entries x classes."""
        org, count = started.place_org, started.place_count
        order = np.argsort(org, kind="stable")  # an organisation's entries in the order they took places
        o, n = org[order], count[order]
        upto = np.cumsum(n)
        heads = np.flatnonzero(np.concatenate(([True], o[1:] != o[:-1]))) if o.size else np.zeros(0, np.int64)
        offset = np.repeat((upto - n)[heads], np.diff(np.append(heads, o.size)))
        low, high = (upto - n - offset)[:, None], (upto - offset)[:, None]
        top = np.cumsum(self.waiting[o], axis=1)
        bottom = top - self.waiting[o]
        taken = np.clip(np.minimum(high, top) - np.maximum(low, bottom), 0, None)
        np.subtract.at(self.waiting, o, taken)
        np.add.at(self.reached, o, taken[:, 0])
        result: IntArray = np.empty_like(taken)
        result[order] = taken
        return result

    def resolve(self, t: int) -> None:
        """(4) Cohorts ending now resolve: completers are trained, some of them become trainers."""
        ending = self.ending.pop(t, None)
        if ending is None:
            return
        self.running -= ending.per_replicate
        part_rep = ending.place_org // max(self.n_orgs, 1)
        tidx = self._tier_of(self.cohorts["gen"][ending.place_cohort])
        completers = self._complete(ending, part_rep, tidx, self.ending_classes.pop(t))
        np.subtract.at(self.trainers["running"], ending.facilitation_trainer, 1)
        conversion = self.per_tier["conversion"][part_rep, tidx]
        converted = binomial(self.rngs, part_rep, completers, conversion)
        if converted.any():
            self._credit(ending, converted)
            self._new_trainers(t, ending, part_rep, tidx, converted)

    def _complete(self, ending: Started, part_rep: IntArray, tidx: IntArray, classes: IntArray) -> IntArray:
        """Draw the completers of each place entry; they count as trained, the others go back to the pool
        while they have retakes left."""
        cohorts = self.cohorts
        part_cohort, part_org, part_count = ending.place_cohort, ending.place_org, ending.place_count
        completion = self.per_tier["completion"][part_rep, tidx]
        if self.scenario.retakes is None:
            completers = binomial(self.rngs, part_rep, part_count, completion)
            returning = part_count - completers
            np.add.at(self.waiting[:, 1], part_org, returning)
        else:
            # Class by class, so that each non-completer moves up one class (or out, at the last).
            width = self.classes
            done = binomial(
                self.rngs, np.repeat(part_rep, width), classes.reshape(-1), np.repeat(completion, width)
            ).reshape(-1, width)
            completers = done.sum(axis=1)
            moving = (classes - done)[:, :-1]
            np.add.at(self.waiting[:, 1:], part_org, moving)
            returning = moving.sum(axis=1)
        cohorts["completers"][ending.cohort] = 0
        np.add.at(cohorts["completers"], part_cohort, completers)
        column = np.minimum(cohorts["gen"][part_cohort], GENERATIONS - 1)
        np.add.at(self.trained_og.reshape(-1), part_org * GENERATIONS + column, completers)
        np.add.at(self.by_org, part_org, completers)
        np.add.at(self.by_gen.reshape(-1), part_rep * GENERATIONS + column, completers)
        np.add.at(self.pool, part_org, returning)
        return completers

    def _credit(self, ending: Started, converted: IntArray) -> None:
        """Credit each cohort's new trainers to its facilitators, shared equally among them."""
        cohorts, fac_cohort = self.cohorts, ending.facilitation_cohort
        per_cohort = np.bincount(ending.place_cohort, weights=converted, minlength=cohorts.n)
        credit = per_cohort[fac_cohort] / cohorts["facilitators"][fac_cohort]
        np.add.at(self.trainers["new_trainers"], ending.facilitation_trainer, credit)

    def _new_trainers(self, t: int, ending: Started, part_rep: IntArray, tidx: IntArray, converted: IntArray) -> None:
        """Add the ``converted`` completers of each place entry as trainers, active from ``t + 1 + delay``."""
        part_cohort = ending.place_cohort
        gens = self.cohorts["gen"][part_cohort]
        new_rep = np.repeat(part_rep, converted)
        new_tier = np.repeat(tidx, converted)
        active_from = t + 1 + self.per_tier["delay"][new_rep, new_tier]
        attrition = self.per_tier["attrition"][new_rep, new_tier]
        stop_at, leave_at = stops(self.rngs, new_rep, attrition, active_from, self.turnover, t + 1)
        new_org = np.repeat(ending.place_org, converted)
        if self.leaving:
            new_gen = np.minimum(np.repeat(gens, converted), GENERATIONS - 1)
            np.add.at(self.trainers_og.reshape(-1), new_org * GENERATIONS + new_gen, 1)
        self.trainers.add(
            new_rep,
            org=new_org,
            gen=np.repeat(gens, converted),
            fid=np.repeat(self.cohorts["fid"][part_cohort], converted),
            active_from=active_from,
            stop_at=stop_at,
            leave_at=leave_at,
            trained_at=t,
            source=np.repeat(part_cohort, converted),
            last_start=-1,
            last_chance=-1,
            concurrent=self.per_tier["concurrent"][new_rep, new_tier],
            quota=self.per_tier["total"][new_rep, new_tier],
        )

    def record(self, t: int, started_now: IntArray) -> None:
        """Record period ``t``'s series, after its last step."""
        self.series_gen[t] = self.by_gen
        self.series_org[t] = self.by_org
        self.series["trained"][t] = self.by_gen.sum(axis=1)
        self.series["trainers"][t] = self.trainers.counts
        self.series["active"][t] = np.bincount(self.trainers.view("rep")[self.active(t)], minlength=self.replicates)
        self.series["running"][t] = self.running
        self.series["started"][t] = started_now
        self.series["reached"][t] = self.reached.reshape(self.replicates, -1).sum(axis=1)
        self.series["seeds"][t] = self.seeds_here

    def facilitations(self) -> tuple[IntArray, IntArray]:
        """The kept facilitations (cohort, trainer) of the replicates keeping events, in the order they started."""
        if not self.kept:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        cohort, trainer = (np.concatenate(c) for c in zip(*self.kept, strict=True))
        return cohort, trainer
