"""What calibration simulates: one run of a plan with its uncertain parameters set, and the counts observed of it.

A `CalibrationModel` names a plan's free parameters (those written as distributions: their
distributions are the priors) and runs the plan once with chosen values, from a given
``SeedSequence`` key, returning the series the observations count (`Measure`). The cascade runs
on the compiled engine (``tipframe.reach.cascade_record``), a recurring plan on its numpy engine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.model import CascadePlan, Distribution, Parameter, Programme, RecurringPlan, Workforce
from tipframe.model.observations import FLOWS, Observations
from tipframe.reach.scenario import FloatArray, IntArray

__all__ = ["CalibrationModel", "free_parameters", "key_entropy", "make_model", "statistics"]


def free_parameters(plan: CascadePlan | RecurringPlan) -> list[tuple[str, Parameter]]:
    """The plan's parameters written as distributions, by path (``tiers[0].conversion``), in the order a
    replicate draws them.

    Parameters
    ----------
    plan
        A cascade or recurring plan.

    Returns
    -------
    list of (str, Parameter)
    """
    if isinstance(plan, CascadePlan):
        named = _cascade_paths(plan)
    else:
        named = list(zip(_RECURRING, plan.parameters(), strict=False))
    return [(path, p) for path, p in named if p.distribution is not Distribution.FIXED]


def key_entropy(seed: int, key: Sequence[int]) -> tuple[list[int], int]:
    """The compiled kernel's seeding for ``SeedSequence(seed, spawn_key=key)``: entropy words and a last index.

    numpy pools the seed's 32-bit words, padded with zeros to four, then the spawn key's words; the
    kernel seeds from entropy words and one index, so all but the key's last entry join the words.

    Parameters
    ----------
    seed
        The run's seed (non-negative).
    key
        The spawn key, each entry below 2**32.

    Returns
    -------
    tuple of (list of int, int)
    """
    words = [seed & 0xFFFFFFFF]
    rest = seed >> 32
    while rest:
        words.append(rest & 0xFFFFFFFF)
        rest >>= 32
    words += [0] * (4 - len(words))
    return words + list(key[:-1]), key[-1]


@attrs.frozen(eq=False)
class CalibrationModel:
    """A plan ready to run once per particle: its free parameters and how one run's series are made."""

    plan: CascadePlan | RecurringPlan
    names: tuple[str, ...]  # free parameters' paths
    priors: tuple[Parameter, ...]
    setup: Any  # the engine's shared inputs (compiled `Shared` and scenario, or a `RecurringSetup`)

    def run(self, theta: FloatArray, seed: int, key: Sequence[int]) -> dict[str, Any]:
        """One run with the free parameters at ``theta``, from ``SeedSequence(seed, spawn_key=key)``.

        Parameters
        ----------
        theta
            A value for each of `names`.
        seed, key
            The run's stream.

        Returns
        -------
        dict
            Series by `Measure` value, periods 0..H (``trained`` by organisation too, as
            ``trained:ORG``).
        """
        if isinstance(self.plan, CascadePlan):
            return _run_cascade(self, theta, seed, key)
        return _run_recurring(self, theta, seed, key)


def make_model(
    plan: CascadePlan | RecurringPlan, workforce: Workforce, programme: Programme, base: str | os.PathLike[str] = "."
) -> CalibrationModel:
    """A `CalibrationModel` for a plan and the documents it names.

    Parameters
    ----------
    plan, workforce, programme
        The plan and what it names.
    base
        The folder a recurring plan's staff network file is relative to.

    Returns
    -------
    CalibrationModel

    Raises
    ------
    PlanError
        When the plan cannot run on its workforce.
    """
    named = free_parameters(plan)
    setup: Any
    if isinstance(plan, CascadePlan):
        from tipframe.reach.compiled import inputs
        from tipframe.reach.scenario import prepare

        scenario = prepare(plan, workforce, programme)
        setup = (scenario, inputs(scenario))
    else:
        from tipframe.reach.recurring import prepare_recurring

        setup = prepare_recurring(plan, workforce, programme, base)
    return CalibrationModel(plan, tuple(n for n, _ in named), tuple(p for _, p in named), setup)


def _run_cascade(model: CalibrationModel, theta: FloatArray, seed: int, key: Sequence[int]) -> dict[str, Any]:
    from tipframe.reach import cascade_kernel as k
    from tipframe.reach.cascade_record import replicates_into
    from tipframe.reach.compiled import entropy_words
    from tipframe.reach.results import SERIES, Records

    assert isinstance(model.plan, CascadePlan)  # by construction
    scenario, shared = model.setup
    kinds, values, floors, u_kinds, u_values, groups, hires = (np.array(a, copy=True) for a in shared.draws)
    drawn = len(scenario.drawn_parameters)
    named = dict(zip(model.names, theta.tolist(), strict=True))
    for index, (path, _) in enumerate(_cascade_paths(model.plan)):
        if path in named:  # a fixed value: the kernel draws nothing for it
            kind, value, row = (kinds, values, index) if index < drawn else (u_kinds, u_values, index - drawn)
            kind[row], value[row] = 0, (named[path], 0.0)
    words, last = key_entropy(seed, key)
    records = Records.empty(1, scenario.horizon + 1, len(scenario.organisations))
    entropy = entropy_words(words)
    draws = (kinds, values, floors, u_kinds, u_values, groups, hires)
    while True:
        row, need, ti, _, ci, _, facilitations = replicates_into(
            entropy, np.array([last], np.int64), 0, shared.kernel, shared.whole, draws, records.rows(),
            records.organisation_sum, shared.feed,
        )  # fmt: skip
        if row == 1:
            break
        records.widen(int(need))
    series = records.series[0].astype(np.int64)
    out: dict[str, Any] = {name: series[SERIES.index(column)] for name, column in _CASCADE_SERIES.items()}
    out["cohorts"] = series[SERIES.index("cohorts_started")].copy()
    first = np.full(ti.shape[1], 1 << 40, np.int64)
    if facilitations.shape[0]:
        np.minimum.at(first, facilitations[:, 1], ci[facilitations[:, 0], k.C_START])
    out["delivered"] = np.searchsorted(np.sort(first), np.arange(scenario.horizon + 1), side="right")
    for index, organisation in enumerate(scenario.organisations):
        out[f"trained:{organisation}"] = records.organisation_sum[:, index]
    return out


#: a recurring plan's parameters, in `RecurringPlan.parameters` order
_RECURRING = ("demand", "awareness", "word_of_mouth", "facilitator_attrition", "word_of_mouth_per_tie")
#: cascade measures read straight from a replicate's series (`results.SERIES`)
_CASCADE_SERIES = {"trained": "trained", "reached": "reached", "trainers": "trainers"}


def _cascade_paths(plan: CascadePlan) -> list[tuple[str, Parameter]]:
    """Every drawn parameter in the compiled engine's order: turnover, each tier's four, then the uptakes."""
    named: list[tuple[str, Parameter]] = [("turnover", plan.turnover)]
    for number, tier in enumerate(plan.tiers):
        for name in ("attrition", "completion", "conversion", "fidelity_retention"):
            named.append((f"tiers[{number}].{name}", getattr(tier, name)))
    named.append(("uptake", plan.uptake))
    return named + [(f"uptake_by[{k}].uptake", entry.uptake) for k, entry in enumerate(plan.uptake_by)]


def _run_recurring(model: CalibrationModel, theta: FloatArray, seed: int, key: Sequence[int]) -> dict[str, Any]:
    from tipframe.reach.recurring import AWARE, DISCUSSIONS, MEETINGS, SUPPORTED, run_recurring

    assert isinstance(model.plan, RecurringPlan)  # by construction
    named = dict(zip(model.names, theta.tolist(), strict=True))
    parameters = tuple(
        Parameter.fixed(named[name]) if name in named else p
        for name, p in zip(_RECURRING, model.plan.parameters(), strict=False)
    )
    setup = attrs.evolve(model.setup, parameters=parameters)
    series = run_recurring(setup, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=tuple(key))))
    columns = {"meetings": MEETINGS, "discussions": DISCUSSIONS, "supported": SUPPORTED, "aware": AWARE}
    return {name: series[:, column] for name, column in columns.items()}


def statistics(series: dict[str, Any], observations: Observations, windows: Sequence[tuple[int, int]]) -> FloatArray:
    """The modelled value of each observation: a count as it stood at a period, or the events in a window.

    Parameters
    ----------
    series
        One run's series (`CalibrationModel.run`).
    observations
        The document.
    windows
        Each observation's `Observation.window` on the plan.

    Returns
    -------
    numpy.ndarray
        float64, one value per observation.
    """
    values = np.empty(len(observations.observations), np.float64)
    for index, (item, (first, last)) in enumerate(zip(observations.observations, windows, strict=True)):
        name = item.measure.value + (f":{item.organisation}" if item.organisation else "")
        line: IntArray = series[name]
        if item.measure in FLOWS:
            values[index] = float(line[max(first, 1) : last + 1].sum())
        else:
            values[index] = float(line[last])
    return values
