"""An ensemble of projections: the plan's distributions drawn, the equations run for each draw, and
the chance of an early die-out weighed in.

Draw j of a projection seeded ``seed`` uses ``numpy.random.default_rng(SeedSequence(seed,
spawn_key=(j,)))`` and draws the plan's parameters in the simulation's order (turnover, each
tier's attrition, completion, conversion and retention, then uptake), so draw j has the
parameters of replicate j of a simulation with the same seed. A plan with no distributions has
one draw, of its values. For each draw the branching process (``tipframe.reach.survival``) gives
the chance Q that every seed trainer's line dies out; where it is neither negligible nor
certain, the equations run twice, once following the runs that survive and once those that die
out, and the draw's row is their mean weighted by 1 - Q and Q. All rows run together
(``tipframe.reach.projection``); ``tipframe.reach.flags`` says which assumptions fail.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from tipframe.model.cascade import Distribution
from tipframe.model.reach import ProjectionFlag
from tipframe.reach.classes import Rows, generations, row_bytes
from tipframe.reach.flags import die_out_flag
from tipframe.reach.projection import project
from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues
from tipframe.reach.survival import NEGLIGIBLE, Survival, survival

#: parameter draws of a projection when its plan has distributions
DRAWS = 100

#: bytes the rows run together may hold (more rows are run in parts)
MEMORY = 256 * 2**20

PLAIN, SURVIVES, DIES_OUT = 0, 1, 2


@attrs.frozen(eq=False)
class Layout:
    """Which rows were run for which draw: each row's draw, its weight within the draw, and its kind
    (`PLAIN`: the equations as drawn; `SURVIVES` and `DIES_OUT`: following the runs that survive or die out)."""

    draw: IntArray
    weight: FloatArray
    kind: IntArray
    draws: int

    def mix(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Each draw's row from its rows' values, weighted (a value missing in one row is taken from the others)."""
        matrix = np.zeros((self.draws, self.draw.size))
        matrix[self.draw, np.arange(self.draw.size)] = self.weight
        mixed: dict[str, Any] = {}
        for name, value in raw.items():
            if name in ("by_organisation", "hosted"):
                continue
            array = np.asarray(value, np.float64)
            flat = array.reshape(self.draw.size, -1)
            if not np.isnan(flat).any():  # the weights within a draw sum to 1
                mixed[name] = (matrix @ flat).reshape(self.draws, *array.shape[1:])
                continue
            known = ~np.isnan(flat)
            total = matrix @ known
            sums = matrix @ np.where(known, flat, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                result = np.where(total > 0, sums / np.maximum(total, 1e-300), np.nan)
            mixed[name] = result.reshape(self.draws, *array.shape[1:])
        return mixed


@attrs.frozen(eq=False)
class Ensemble:
    """The projection's rows (one per draw) and what it flags."""

    values: dict[str, Any]
    flags: tuple[ProjectionFlag, ...]
    draws: int
    #: the branching process's chance of an early die-out (the median over draws)
    die_out: float = 0.0


def uncertain(scenario: Scenario) -> bool:
    """Whether any parameter the projection draws is a distribution."""
    plan = scenario.plan
    parameters = [plan.turnover, *scenario.uptake_parameters]
    for tier in plan.tiers:
        parameters += [tier.attrition, tier.completion, tier.conversion, tier.fidelity_retention]
    return any(p.distribution is not Distribution.FIXED for p in parameters)


def draw_parameters(scenario: Scenario, draws: int, seed: int) -> tuple[list[TierValues], dict[str, FloatArray]]:
    """Each draw's parameters (their means when ``draws`` is 1): rows x tiers for the tiers' probabilities,
    rows for turnover, rows x uptake parameters for uptake."""
    if draws == 1:
        sets = [(*scenario.draw(None), scenario.uptakes(None))]
    else:
        sets = []
        for j in range(draws):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(j,)))
            turnover, tiers = scenario.draw(rng)
            sets.append((turnover, tiers, scenario.uptakes(rng)))
    values = {
        name: np.array([[getattr(t, name) for t in tiers] for _, tiers, _ in sets])
        for name in ("attrition", "completion", "conversion", "retention")
    }
    values["turnover"] = np.array([turnover for turnover, _, _ in sets])
    values["uptakes"] = np.array([uptakes for _, _, uptakes in sets]).reshape(len(sets), -1)
    return sets[0][1], values


def runnable_seeds(scenario: Scenario, tiers: list[TierValues]) -> float:
    """Seed trainers in whole sets of co-facilitators within their partnership networks."""
    f = tiers[0].facilitators
    totals = np.bincount(scenario.component, weights=scenario.seeds.astype(float))
    return float((np.floor(totals / f) * f).sum())


def _rows(tiers: list[TierValues], values: dict[str, FloatArray], odds: Survival, g: int) -> tuple[Rows, Layout]:
    """The rows to run: one per draw, or two (survives, dies out) where a die-out is uncertain."""
    draws = values["turnover"].size
    entries: list[tuple[int, float, int]] = []
    scale: list[FloatArray] = []
    for j in range(draws):
        q = float(odds.extinct[j])
        if NEGLIGIBLE < q < 1 - NEGLIGIBLE:
            entries += [(j, 1 - q, SURVIVES), (j, q, DIES_OUT)]
            scale += [odds.survive_scale[j], odds.extinct_scale[j]]
        else:
            entries.append((j, 1.0, PLAIN))
            scale.append(np.ones(g))
    layout = Layout(
        draw=np.array([e[0] for e in entries]),
        weight=np.array([e[1] for e in entries]),
        kind=np.array([e[2] for e in entries]),
        draws=draws,
    )
    index = layout.draw
    rows = Rows(
        tiers=tiers,
        turnover=values["turnover"][index],
        attrition=values["attrition"][index],
        completion=values["completion"][index],
        conversion=values["conversion"][index],
        retention=values["retention"][index],
        uptakes=values["uptakes"][index],
        scale=np.array(scale),
        weight=layout.weight / draws,
    )
    return rows, layout


def project_ensemble(
    scenario: Scenario, draws: int | None = None, seed: int = 0, *, estimate_flags: bool = True
) -> Ensemble:
    """Project the plan over draws of its parameters, weighing early die-outs, and flag what fails.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    draws
        Parameter draws (default `DRAWS` when the plan has distributions); a plan with none,
        or ``draws=1``, has one row, of its parameters' means.
    seed
        Draw j uses ``SeedSequence(seed, spawn_key=(j,))``.
    estimate_flags
        Whether to estimate the die-out flag from the branching process (`die_out_flag`); a
        projection checked against a simulation measures its flags instead (``tipframe.reach.check``).

    Returns
    -------
    Ensemble
    """
    count = 1 if not uncertain(scenario) else DRAWS if draws is None else draws
    tiers, values = draw_parameters(scenario, count, seed)
    g = generations(scenario, tiers)
    odds = survival(
        tiers,
        values["attrition"],
        values["completion"],
        values["conversion"],
        values["turnover"],
        runnable_seeds(scenario, tiers),
        scenario.cohort_periods,
        scenario.horizon,
        g,
    )
    rows, layout = _rows(tiers, values, odds, g)
    raw = _project_in_parts(scenario, rows, max(1, MEMORY // row_bytes(scenario, tiers)))
    mixed = layout.mix(raw)
    adopted = _adopted(scenario, raw["hosted"], _first_factor(layout, odds))
    mixed["organisations_started"] = layout.mix({"adopted": adopted})["adopted"]
    mixed["by_organisation"] = raw["by_organisation"]
    flags = die_out_flag(scenario, raw, mixed, layout.weight / count, odds) if estimate_flags else ()
    return Ensemble(values=mixed, flags=flags, draws=count, die_out=float(np.median(odds.extinct)))


def _project_in_parts(scenario: Scenario, rows: Rows, size: int) -> dict[str, Any]:
    """`project` on ``size`` rows at a time (rows are independent), the parts put together."""
    parts = [project(scenario, rows.part(slice(start, start + size))) for start in range(0, rows.count, size)]
    if len(parts) == 1:
        return parts[0]
    joined = {name: np.concatenate([part[name] for part in parts]) for name in parts[0] if name != "hosted"}
    joined["hosted"] = np.concatenate([part["hosted"] for part in parts], axis=1)
    joined["by_organisation"] = sum(part["by_organisation"] for part in parts)
    return joined


def _first_factor(layout: Layout, odds: Survival) -> FloatArray:
    """Each row's factor on the chance that seed trainers start a cohort at all: lower in runs that die out
    (most die out because the seed stopped first), higher in those that survive."""
    q, ratio = odds.extinct[layout.draw], odds.first_if_extinct[layout.draw]
    with np.errstate(invalid="ignore", divide="ignore"):
        surviving = np.where(q < 1, (1 - q * ratio) / np.maximum(1 - q, 1e-300), 1.0)
    factor: FloatArray = np.select([layout.kind == SURVIVES, layout.kind == DIES_OUT], [surviving, ratio], 1.0)
    return factor


def _adopted(scenario: Scenario, hosted: FloatArray, first: FloatArray) -> FloatArray:
    """Expected organisations with eligible staff that hosted a cohort, per row.

    ``hosted`` holds, by row and organisation, the most cohorts its seed trainers started in one
    period (their first chance: a share below one is the chance they start any, times ``first``)
    and the other cohorts it hosted, counted as Poisson events.
    """
    none = (1 - np.minimum(1.0, hosted[0] * first[:, None])) * np.exp(-hosted[1])
    result: FloatArray = ((1 - none) * (scenario.eligible > 0)).sum(axis=1)
    return result
