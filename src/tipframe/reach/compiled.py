"""The compiled cascade backend: a scenario's inputs for the numba kernel, and replicates' records from it.

The kernel (``tipframe.reach.cascade_kernel``) simulates one replicate at a time: batching buys
nothing once the loop is compiled, and one replicate's tables are small. One call from Python
runs many replicates (``tipframe.reach.cascade_record``), each from its own stream
(``tipframe.reach.cascade_random``): its parameters and who is willing are drawn first, in the
reference engine's order, then the rest in the kernel's own order, so a replicate's numbers
differ from the reference engine's while their distribution is the same
(tests/reach/test_backends.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from tipframe.model import Distribution, Parameter
from tipframe.reach.montecarlo import GENERATIONS, Events
from tipframe.reach.scenario import IntArray, Scenario

__all__ = ["compiled_records", "compiled_replicate", "entropy_words", "feed", "inputs"]

#: each distribution's number in the kernel (`cascade_random.parameter`)
_KINDS = {
    Distribution.FIXED: 0, Distribution.BETA: 1, Distribution.UNIFORM: 2, Distribution.GAMMA: 3,
    Distribution.LOGNORMAL: 4,
}  # fmt: skip


class Shared(NamedTuple):
    """What every replicate of a scenario shares, worked out once: the kernel's arrays."""

    #: (org, seeds, settings, judging, eligible), where judging is (horizon, adoption after,
    #: maintenance after, first period of the window)
    kernel: tuple[Any, ...]
    whole: IntArray  # tiers' whole numbers: cohort size, facilitators, concurrent, total, delay
    #: what a replicate's parameters and willing people are drawn from (`cascade_record._drawn`)
    draws: tuple[Any, ...]
    #: a plan on its own: no arrivals (a pathway's later stage gives each replicate its own, `feed`)
    feed: tuple[Any, ...]


def _parameters(parameters: Sequence[Parameter]) -> tuple[IntArray, Any]:
    """The kernel's form of parameters: each one's distribution, and its two values (a fixed one's mean first)."""
    kinds = np.array([_KINDS[p.distribution] for p in parameters], np.int64)
    values = np.array(
        [(p.mean(), 0.0) if p.distribution is Distribution.FIXED else tuple(p.values) for p in parameters], np.float64
    ).reshape(-1, 2)
    return kinds, values


def inputs(scenario: Scenario) -> Shared:
    """What every replicate of ``scenario`` shares (see `Shared`)."""
    ranks = (
        np.argsort(np.argsort(np.array(scenario.organisations))).astype(np.int64)
        if scenario.organisations
        else np.zeros(0, np.int64)
    )
    org = (
        scenario.eligible.astype(np.int64),
        ranks,
        scenario.component.astype(np.int64),
        scenario.partner_indptr.astype(np.int64),
        scenario.partner_indices.astype(np.int64),
    )
    plan = scenario.plan
    width = 2 if scenario.retakes is None else scenario.retakes + 1
    settings = np.array(
        [scenario.horizon, scenario.cohort_periods, scenario.min_group, width, scenario.retakes is not None,
         plan.seeds_are_staff, plan.adoption_after, plan.horizon - plan.maintenance_window + 1],
        np.int64,
    )  # fmt: skip
    _turnover, tiers = scenario.draw(None)
    whole = np.array([[t.cohort_size, t.facilitators, t.concurrent, t.total, t.delay] for t in tiers], np.int64)
    judging = np.array(
        [plan.horizon, plan.adoption_after, plan.maintenance_after, plan.horizon - plan.maintenance_window + 1],
        np.int64,
    )
    kernel = (org, scenario.seeds.astype(np.int64), settings, judging, scenario.eligible.astype(np.int64))
    fixed = all(p.distribution is Distribution.FIXED for p in scenario.uptake_parameters)
    hires = scenario.mean_uptake(scenario.uptakes(None)) if fixed else np.zeros(0, np.float64)
    draws = (
        *_parameters(scenario.drawn_parameters), np.array([t.floor for t in tiers], np.float64),
        *_parameters(scenario.uptake_parameters), _groups(scenario), hires,
    )  # fmt: skip
    return Shared(kernel, whole, draws, feed(scenario, None))


def _groups(scenario: Scenario) -> IntArray:
    """The uptake groups, each with the headcount its uptake weighs in a hire's (or an arrival's) chance."""
    weights = scenario.uptake_weights or tuple(people for _, people, _ in scenario.uptake_groups)
    table = [(*group, weight) for group, weight in zip(scenario.uptake_groups, weights, strict=True)]
    return np.array(table, np.int64).reshape(-1, 4)


def feed(scenario: Scenario, done_by: IntArray | None) -> tuple[Any, ...]:
    """The kernel's arrivals for one replicate of a pathway's later stage (`cascade_kernel._arrive`), from the
    previous stage's trained by period and organisation; none when ``done_by`` is None or the stage is first."""
    organisations = len(scenario.organisations)
    if done_by is None or scenario.feed is None:
        empty = np.zeros(organisations, np.int64)
        return (np.zeros((0, organisations), np.int64), empty, empty.copy())
    return (np.ascontiguousarray(done_by, np.int64), scenario.feed.total.copy(), scenario.feed.onward.copy())


def entropy_words(entropy: int | Sequence[int]) -> IntArray:
    """A run's entropy as numpy's ``SeedSequence`` assembles it, for the kernel's seeding: each integer's 32-bit
    words, the lowest first (at least one word an integer), one integer after another.

    Parameters
    ----------
    entropy
        A non-negative integer, or a sequence of them.

    Returns
    -------
    numpy.ndarray
        The words, as int64.

    Raises
    ------
    ValueError
        When an integer is negative.
    """
    words: list[int] = []
    for value in [entropy] if isinstance(entropy, int | np.integer) else entropy:
        number = int(value)
        if number < 0:
            raise ValueError(f"a seed must be a non-negative integer, not {number}")
        words.append(number & 0xFFFFFFFF)
        while number >> 32:
            number >>= 32
            words.append(number & 0xFFFFFFFF)
    return np.array(words, np.int64)


def _events(scenario: Scenario, ti: Any, tf: Any, ci: Any, cf: Any, facilitations: Any) -> Events:
    """A replicate's event log from the kernel's tables (views: the tables belong to this replicate alone)."""
    from tipframe.reach import cascade_kernel as k

    completers = ci[:, k.C_COMPLETERS]
    completers[ci[:, k.C_START] + scenario.cohort_periods - 1 > scenario.horizon] = -1
    return Events(
        trainer_org=ti[k.ORG], trainer_generation=ti[k.GEN], trainer_fidelity=tf[k.FID],
        trainer_trained_at=ti[k.TRAINED_AT], trainer_source=ti[k.SOURCE],
        cohort_org=ci[:, k.C_ORG], cohort_generation=ci[:, k.C_GEN], cohort_fidelity=cf,
        cohort_start=ci[:, k.C_START], cohort_size=ci[:, k.C_SIZE], cohort_completers=completers,
        facilitation_cohort=facilitations[:, 0], facilitation_trainer=facilitations[:, 1],
    )  # fmt: skip


def _widen(records: Any, need: Any) -> None:
    """Make the rows wide enough for a replicate that needs ``need`` generations: at least double, at most all."""
    records.widen(max(int(need), min(GENERATIONS, 2 * records.by_generation.shape[2])))


def compiled_records(
    scenario: Scenario, entropy: int | Sequence[int], indices: Sequence[int], keep: Sequence[int], records: Any
) -> None:
    """Replicates ``indices`` with the compiled kernel, written to ``records`` (``results.Records``), a row each.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    entropy
        The run's seed, or a sequence of integers: replicate i draws from
        ``SeedSequence(entropy, spawn_key=(i,))``.
    indices
        Replicate numbers, in the order of the rows.
    keep
        Replicate numbers whose event logs go to ``records.events``.
    records
        Where the rows go (the per-organisation series are added to ``records.organisation_sum``).
    """
    from tipframe.reach.cascade_record import replicates_into

    shared = inputs(scenario)
    words = entropy_words(entropy)
    numbers = np.asarray(indices, np.int64)
    row = 0
    while row < numbers.size:  # a replicate deeper than the rows are wide: widen them, and go on from it
        # only the counts kept: the tables it returns go at once, not beside the next call's
        row, need = replicates_into(words, numbers, row, shared.kernel, shared.whole, shared.draws, records.rows(),
                                    records.organisation_sum, shared.feed)[:2]  # fmt: skip
        if row < numbers.size:
            _widen(records, need)
    for i in sorted(set(keep) & set(indices)):  # run again alone: the same draws, and its tables kept
        scratch = type(records).empty(1, scenario.horizon + 1, len(scenario.organisations))
        _, _, ti, tf, ci, cf, facilitations = replicates_into(
            words,
            np.array([i], np.int64),
            0,
            shared.kernel,
            shared.whole,
            shared.draws,
            scratch.rows(),
            scratch.organisation_sum,
            shared.feed,
        )
        records.events.append((i, _events(scenario, ti, tf, ci, cf, facilitations)))


def compiled_replicate(
    scenario: Scenario,
    entropy: int | Sequence[int],
    index: int,
    keep: bool,
    records: Any,
    done_by: IntArray | None,
    shared: Shared | None = None,
) -> None:
    """Replicate ``index`` alone into ``records``' one row: a learning pathway's stage, fed by ``done_by`` (the
    previous stage's trained by period and organisation in the same replicate) unless it is the first.

    Parameters
    ----------
    scenario
        The stage made ready to run.
    entropy
        The stage's seed, or a sequence of integers: the replicate draws from
        ``SeedSequence(entropy, spawn_key=(index,))``.
    index
        The replicate's number.
    keep
        Whether its event log goes to ``records.events``.
    records
        One row (``results.Records``); its ``organisation_sum`` gets the replicate's per-organisation series.
    done_by
        The previous stage's trained, or None for the first stage.
    shared
        `inputs` of ``scenario``, when worked out already.
    """
    from tipframe.reach.cascade_record import replicates_into

    shared = shared or inputs(scenario)
    words, numbers = entropy_words(entropy), np.array([index], np.int64)
    while True:  # a replicate deeper than the row is wide: widen it, and run it again (the same draws)
        row, need, ti, tf, ci, cf, facilitations = replicates_into(
            words, numbers, 0, shared.kernel, shared.whole, shared.draws, records.rows(), records.organisation_sum,
            feed(scenario, done_by),
        )  # fmt: skip
        if row == 1:
            break
        _widen(records, need)
    if keep:
        records.events.append((index, _events(scenario, ti, tf, ci, cf, facilitations)))
