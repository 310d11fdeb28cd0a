"""A fluid model of the cascade: expected counts of trainers, cohorts and generations, for resource estimates.

The memory a simulation holds depends on how many trainers and cohorts it makes and how deep its
generations go, none of which the plan states. This model follows the cascade's expected numbers
period by period, in the model's order (docs/reach.md), with every parameter at its mean and
three simplifications that can only make it run ahead of the simulation: one pool of willing
people shared by every organisation (no organisation runs dry while another has people), no
wait for whole sets of co-facilitators, and a cohort started wherever its minimum group can be
found. It is cheap (one pass over the periods on vectors of `GENERATIONS`) and is used only to
size estimates (``tipframe.reach.resources``); it never changes a result.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from tipframe.reach.batch import GENERATIONS
from tipframe.reach.ensemble import draw_parameters, uncertain
from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues, tier_index

#: enrolment classes followed at most; plans allowing more retakes are followed as unlimited
_CLASSES = 8
#: draws of the plan's distributions the model follows, and their seed (fixed: an estimate must not vary)
DRAWS = 32
_SEED = 20_260_101


@attrs.frozen(eq=False)
class Flow:
    """Expected counts for one replicate of a plan (an upper estimate: see the module's simplifications)."""

    #: rows of the trainer table at the horizon: seed trainers and every trainer made
    trainers: float
    #: rows of the cohort table at the horizon: every cohort started
    cohorts: float
    #: the most cohorts running at once
    running: float
    #: trainer rows summed over the periods: how much per-trainer work the run does
    trainer_periods: float
    #: people who completed in cohorts of each generation (index g: generation g), ever
    generations: FloatArray

    #: the last period in which cohorts still started (a hundredth of one or more)
    busy_until: int
    #: periods from a cohort's start to its trainers' first cohort, at the least
    step: int
    horizon: int

    def depth(self) -> int:
        """Generations a run may train people in, at most (one more than the deepest).

        A generation takes at least `step` periods. The deepest line of descent runs ahead of the
        expected numbers (the simulation gives later generations first call on places), so it is
        given twice the time the expected cascade keeps starting cohorts, within the horizon.
        """
        step = max(1, self.step)
        return int(min(GENERATIONS, (self.horizon - 1) // step + 3, 2 * self.busy_until // step + 3))


def _columns(tiers: list[TierValues], values: dict[str, FloatArray]) -> dict[str, Any]:
    """Per row and trainer generation g: its own tier's numbers, and those of the cohorts it runs (generation g + 1)."""
    count = len(tiers)
    own = np.array([tier_index(g, count) for g in range(GENERATIONS)])
    made = np.array([tier_index(g + 1, count) for g in range(GENERATIONS)])

    def whole(name: str, index: IntArray) -> FloatArray:
        return np.array([float(min(getattr(tiers[i], name), 10**15)) for i in index])

    # The fidelity of generation g + 1 cohorts, from the retention of every tier before it.
    retention = values["retention"][:, made]
    fidelity = np.ones_like(retention)
    for g in range(GENERATIONS):
        fidelity[:, g] = np.minimum(1.0, (fidelity[:, g - 1] if g else 1.0) * retention[:, g])
    floors = whole("floor", made)
    # Cohorts take places in the simulation's order: higher fidelity first, then later generations.
    later = np.broadcast_to(np.arange(GENERATIONS), fidelity.shape)
    order = np.lexsort((-later, -fidelity), axis=1)
    return {
        "concurrent": whole("concurrent", own),
        "quota": whole("total", own),
        "attrition": values["attrition"][:, own],
        "facilitators": whole("facilitators", made),
        "size": whole("cohort_size", made),
        "completion": values["completion"][:, made],
        "conversion": values["conversion"][:, made],
        "delay": whole("delay", made).astype(np.int64),
        "allowed": (fidelity >= floors).astype(np.float64),
        "order": order,
    }


class _State:
    """The fluid model's state, one row per draw of the plan's parameters: the pool by enrolment class,
    trainers by generation, and what is pending."""

    def __init__(self, scenario: Scenario, draws: int) -> None:
        tiers, values = draw_parameters(scenario, draws, _SEED)
        rows = values["turnover"].size
        self.turnover = values["turnover"][:, None]
        self.columns = _columns(tiers, values)
        retakes = scenario.retakes
        self.limited = retakes is not None and retakes < _CLASSES
        width = retakes + 1 if self.limited and retakes is not None else 2
        self.pool = np.zeros((rows, width))
        eligible = np.maximum(scenario.eligible.astype(np.float64), 0.0)
        hire = np.zeros(rows)
        for row in range(rows):
            uptakes = values["uptakes"][row]
            self.pool[row, 0] = sum(n * float(uptakes[parameter]) for _, n, parameter in scenario.uptake_groups)
            hire[row] = (scenario.mean_uptake(uptakes) * eligible).sum() / max(1.0, eligible.sum())
        self.hire = hire[:, None]
        seeds = float(scenario.seeds.sum())
        self.active, self.left, self.busy = (np.zeros((rows, GENERATIONS)) for _ in range(3))
        self.active[:, 0], self.left[:, 0] = seeds, seeds * self.columns["quota"][0]
        self.arriving: dict[int, FloatArray] = {}
        self.ending: dict[int, tuple[FloatArray, FloatArray]] = {}  # cohorts by generation, places by class
        self.trained = np.zeros((rows, 1))
        self.trainers, self.cohorts, self.running = np.full(rows, seeds), np.zeros(rows), np.zeros(rows)
        self.peak, self.trainer_periods = np.zeros(rows), np.zeros(rows)
        self.mass = np.zeros((rows, GENERATIONS))
        self.busy_until = 0

    def start(self, t: int, periods: int, min_group: int) -> None:
        """Trainers with free slots start cohorts; places come from the pool, people who never started first."""
        c = self.columns
        slots = np.minimum(np.maximum(self.active * c["concurrent"] - self.busy, 0.0), self.left) * c["allowed"]
        cohorts = slots / c["facilitators"]
        wanted = cohorts * c["size"]
        total, pool = wanted.sum(axis=1, keepdims=True), self.pool.sum(axis=1, keepdims=True)
        live = (total > 0.0) & (pool >= min_group)
        if not live.any():
            return
        ordered = np.take_along_axis(wanted, c["order"], axis=1)
        got = np.empty_like(wanted)
        share = np.clip(pool - (np.cumsum(ordered, axis=1) - ordered), 0.0, ordered)
        np.put_along_axis(got, c["order"], share, axis=1)
        got *= live
        started = np.minimum(cohorts, got / min_group)
        total = got.sum(axis=1, keepdims=True)
        remaining = total[:, 0].copy()
        taken = np.zeros_like(self.pool)
        for k in range(self.pool.shape[1]):
            taken[:, k] = np.minimum(self.pool[:, k], remaining)
            remaining = remaining - taken[:, k]
        self.pool -= taken
        places = (got / np.maximum(total, 1e-300))[:, :, None] * taken[:, None, :]  # row x generation x class
        used = started * c["facilitators"]
        self.busy += used
        self.left = np.maximum(self.left - used, 0.0)
        self.cohorts += started.sum(axis=1)
        if started.sum(axis=1).mean() >= 0.01:
            self.busy_until = t
        self.running += started.sum(axis=1)
        self.peak = np.maximum(self.peak, self.running)
        end = t + periods - 1
        before = self.ending.get(end)
        self.ending[end] = (started, places) if before is None else (before[0] + started, before[1] + places)

    def resolve(self, t: int, horizon: int) -> None:
        """Cohorts ending now: completers are trained, some become trainers; the others may enrol again."""
        ending = self.ending.pop(t, None)
        if ending is None:
            return
        c = self.columns
        started, places = ending
        self.running -= started.sum(axis=1)
        self.busy = np.maximum(self.busy - started * c["facilitators"], 0.0)
        done = places * c["completion"][:, :, None]
        back = (places - done).sum(axis=1)
        if self.limited:
            self.pool[:, 1:] += back[:, :-1]
        else:
            self.pool[:, 1] += back.sum(axis=1)
        completers = done.sum(axis=2)
        self.trained += completers.sum(axis=1, keepdims=True)
        self.mass[:, 1:] += completers[:, :-1]
        self.mass[:, -1] += completers[:, -1]
        new = completers * c["conversion"]
        self.trainers += new.sum(axis=1)
        for g in np.flatnonzero(new.any(axis=0)).tolist():
            when = t + 1 + int(c["delay"][g])
            if when <= horizon:
                arriving = self.arriving.setdefault(when, np.zeros_like(self.active))
                arriving[:, min(g + 1, GENERATIONS - 1)] += new[:, g]

    def settled(self, min_group: int) -> bool:
        """Whether no period can change anything any more: nothing pending, no turnover, no group to start."""
        if self.ending or self.arriving or (self.turnover > 0).any():
            return False
        return bool((self.pool.sum(axis=1) < min_group).all() or not (self.active * self.left).any())

    def turn_over(self, t: int) -> None:
        """Turnover and attrition: trained people leave (hires join the pool); trainers stop or leave."""
        c = self.columns
        if (self.turnover > 0).any():
            leaving = self.trained * self.turnover
            self.trained -= leaving
            self.pool[:, :1] += (leaving + self.active.sum(axis=1, keepdims=True) * self.turnover) * self.hire
        arriving = self.arriving.pop(t, None)
        if arriving is not None:
            self.active += arriving
            self.left += arriving * c["quota"]
        stay = (1.0 - c["attrition"]) * (1.0 - self.turnover)
        self.active *= stay
        self.left *= stay
        self.busy *= stay


def expected_flow(scenario: Scenario, draws: int = DRAWS) -> Flow:
    """Run the fluid model over the plan's horizon.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    draws
        Draws of the plan's distributions followed together (a plan without any has one row,
        of its values); the counts are their means, which for a cascade are larger than the
        counts at the parameters' means.

    Returns
    -------
    Flow
        Expected counts for one replicate; upper estimates where pools, pairing or whole numbers
        hold the simulation back.
    """
    state = _State(scenario, draws if uncertain(scenario) else 1)
    for t in range(1, scenario.horizon + 1):
        state.turn_over(t)
        state.start(t, scenario.cohort_periods, scenario.min_group)
        state.resolve(t, scenario.horizon)
        state.trainer_periods += state.trainers
        if state.settled(scenario.min_group):  # nothing more can happen: the rest of the periods are alike
            state.trainer_periods += state.trainers * (scenario.horizon - t)
            break
    return Flow(
        trainers=float(state.trainers.mean()),
        cohorts=float(state.cohorts.mean()),
        running=float(state.peak.mean()),
        trainer_periods=float(state.trainer_periods.mean()),
        generations=state.mass.mean(axis=0),
        busy_until=state.busy_until,
        step=scenario.cohort_periods + min(scenario.plan.periods(tier.delay) for tier in scenario.plan.tiers),
        horizon=scenario.horizon,
    )
