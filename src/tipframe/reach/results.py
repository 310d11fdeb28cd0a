"""Replicates into results: what a `ReachResult` keeps of each replicate, and the result itself.

Replicate i of a run seeded with ``entropy`` draws from
``numpy.random.default_rng(SeedSequence(entropy, spawn_key=(i,)))``, so its numbers do not
depend on the batch, process or executor it ran in.
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy
from tipframe.model import ArrayData, Backend, Engine, EventLog, ReachResult
from tipframe.reach.ensemble import Ensemble
from tipframe.reach.montecarlo import GENERATIONS, Events, Run, batch_size, run_batch
from tipframe.reach.scenario import IntArray, Scenario
from tipframe.version import __version__

__all__ = ["NUMBERS", "SERIES", "Records", "monte_carlo_result", "projection_result", "run_replicates"]


#: the series a result keeps of each replicate, in the order `Records.series` holds them
SERIES = (
    "trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started", "reached", "staff_seeds",
    "places", "facilitations",
)  # fmt: skip
#: the numbers it keeps of each replicate, in the order `Records.numbers` holds them
NUMBERS = (
    "organisations_started", "trainers_who_ran", "maintenance", "trainer_adoption", "trainers_idle",
    "trainers_stopped", "organisation_maintenance",
)  # fmt: skip


@attrs.define(eq=False)
class Records:
    """What a result keeps of some replicates, a row each in replicate order.

    A few arrays, not an object a replicate: cheap to fill, to join and to send back from a
    worker, so that a small plan's thousands of replicates cost little beyond their simulation.
    """

    series: Any  # (replicates, SERIES, periods) int32
    by_generation: Any  # (replicates, periods, generations up to the last any trained) int32
    per_trainer: Any  # (replicates, GENERATIONS): new trainers per trainer, by generation
    fidelity: Any  # (replicates, GENERATIONS): cohorts' mean fidelity, by generation
    numbers: Any  # (replicates, NUMBERS)
    organisation_sum: Any  # (periods, organisations) int64: the per-organisation series, summed
    organisation_final: Any  # (replicates, organisations) int32: trained by organisation at the horizon
    events: list[tuple[int, Events]]  # (replicate, its event log) for those kept

    @classmethod
    def empty(cls, replicates: int, periods: int, organisations: int, generations: int = 1) -> Records:
        """Room for ``replicates`` rows, ``generations`` wide (NaN where a number is not yet known)."""
        return cls(
            np.zeros((replicates, len(SERIES), periods), np.int32),
            np.zeros((replicates, periods, generations), np.int32),
            np.full((replicates, GENERATIONS), np.nan), np.full((replicates, GENERATIONS), np.nan),
            np.full((replicates, len(NUMBERS)), np.nan), np.zeros((periods, organisations), np.int64),
            np.zeros((replicates, organisations), np.int32), [],
        )  # fmt: skip

    def widen(self, width: int) -> None:
        """Make room for ``width`` generations trained in every row (none is lost)."""
        if width > self.by_generation.shape[2]:
            wider = np.zeros((*self.by_generation.shape[:2], width), np.int32)
            wider[:, :, : self.by_generation.shape[2]] = self.by_generation
            self.by_generation = wider

    def rows(self) -> tuple[Any, ...]:
        """The arrays a row is written to, in the compiled engine's order (``cascade_record.replicates_into``)."""
        return self.series, self.numbers, self.per_trainer, self.fidelity, self.by_generation, self.organisation_final

    def put_generations(self, row: int, by_generation: IntArray) -> None:
        """Keep a replicate's trained by generation up to its last generation trained (widening every row's)."""
        used = _depth(by_generation.any(axis=0))
        self.widen(used)
        self.by_generation[row, :, :used] = by_generation[:, :used]

    def generations(self) -> int:
        """Generations trained in any row (at least one)."""
        return _depth(self.by_generation.any(axis=(0, 1)))

    @classmethod
    def join(cls, parts: Sequence[Records]) -> Records:
        """The rows of ``parts``, one after another, and their per-organisation series summed."""
        used = max(part.by_generation.shape[2] for part in parts)
        by_generation = np.concatenate(
            [np.pad(part.by_generation, ((0, 0), (0, 0), (0, used - part.by_generation.shape[2]))) for part in parts]
        )
        return cls(
            np.concatenate([part.series for part in parts]), by_generation,
            np.concatenate([part.per_trainer for part in parts]), np.concatenate([part.fidelity for part in parts]),
            np.concatenate([part.numbers for part in parts]), sum(part.organisation_sum for part in parts),
            np.concatenate([part.organisation_final for part in parts]),
            [kept for part in parts for kept in part.events],
        )  # fmt: skip


def _depth(trained: Any) -> int:
    """Generations up to the last one in which someone was trained (``trained``: one flag a generation), at least
    one."""
    present = np.flatnonzero(trained)
    return int(present[-1]) + 1 if present.size else 1


def _record(run: Run, scenario: Scenario, records: Records, row: int) -> None:
    """Reduce a replicate to what a result keeps, into ``records``' row ``row``."""
    plan = scenario.plan
    horizon = plan.horizon
    gens = np.minimum(run.trainer_generation, GENERATIONS - 1)
    counts = np.bincount(gens, minlength=GENERATIONS)
    made = np.bincount(gens, weights=run.trainer_new_trainers, minlength=GENERATIONS)
    records.per_trainer[row] = np.where(counts > 0, made / np.maximum(counts, 1), np.nan)
    records.fidelity[row] = np.where(
        run.cohort_count > 0, run.cohort_fidelity_sum / np.maximum(run.cohort_count, 1), np.nan
    )
    who_ran = float((run.trainer_ran > 0).mean()) if run.trainer_generation.size else math.nan
    window = horizon - plan.maintenance_window + 1
    # Trainers trained long enough ago who had willing people within reach in the window.
    judged = (run.trainer_trained_at <= horizon - plan.maintenance_after) & (run.trainer_last_chance >= window)
    maintenance = _share(run.trainer_last_start[judged] >= window)
    started = (run.organisations_started & (scenario.eligible > 0)).sum()
    records.numbers[row] = (started, who_ran, maintenance, *_opportunity(run, scenario))
    for k, name in enumerate(SERIES):
        records.series[row, k] = getattr(run, name)
    records.put_generations(row, run.by_generation)
    records.organisation_sum += run.by_organisation
    records.organisation_final[row] = run.by_organisation[-1]


def _share(flags: Any) -> float:
    """The share of True among ``flags`` (NaN when there are none)."""
    return float(flags.mean()) if flags.size else math.nan


def _opportunity(run: Run, scenario: Scenario) -> tuple[float, float, float, float]:
    """Trainer adoption, the shares of trainers idle and stopped, and setting-level maintenance.

    A trainer is judged once it has run a cohort, or has had ``adoption_after`` chances to start
    one without doing so (stopping delivering does not end its chances: people were there to
    train): adoption is the share of judged trainers who ran a cohort. Of every trainer, those
    who stopped delivering are one share, and those who never ran, were activated at least
    ``adoption_after`` periods before the horizon and were never judged are idle for lack of
    participants. An organisation is maintained when, having started a cohort before the last
    ``maintenance_window`` periods, it started another in them; it is judged when one of its
    trainers had a chance in that window.
    """
    plan = scenario.plan
    horizon = plan.horizon
    ran = run.trainer_ran > 0
    judged = ran | (run.trainer_chances >= plan.adoption_after)
    adoption = _share(ran[judged])
    count = run.trainer_chances.size
    stopped = run.trainer_stop_at <= horizon
    idle = ~judged & (run.trainer_active_from <= horizon + 1 - plan.adoption_after)
    window = horizon - plan.maintenance_window + 1
    settled = (run.org_first_start >= 0) & (run.org_first_start < window) & (run.org_last_chance >= window)
    organisations = _share(run.org_last_start[settled] >= window)
    if count == 0:
        return adoption, math.nan, math.nan, organisations
    return adoption, float(idle.sum() / count), float(stopped.sum() / count), organisations


def run_replicates(
    scenario: Scenario,
    entropy: int | Sequence[int],
    indices: Sequence[int],
    keep: Sequence[int] = (),
    batch: int | None = None,
    backend: Backend = Backend.COMPILED,
) -> Records:
    """Simulate the replicates numbered ``indices``: one at a time compiled, or in batches (the reference).

    Parameters
    ----------
    scenario
        The plan made ready to run (`tipframe.reach.scenario.prepare`).
    entropy
        The run's seed, or a sequence of integers (a sweep's scenario adds its key).
    indices
        Replicate numbers: replicate i draws from ``SeedSequence(entropy, spawn_key=(i,))``.
    keep
        Replicate numbers whose event logs are kept.
    batch
        Replicates the reference engine simulates together (default: as many as fit in about
        100 MB); never changes the numbers. The compiled engine runs one at a time.
    backend
        The engine's implementation (`Backend`).

    Returns
    -------
    Records
        A row for each replicate, in the order of ``indices``.
    """
    periods, organisations = scenario.horizon + 1, len(scenario.organisations)
    if backend is Backend.COMPILED:
        from tipframe.reach.compiled import compiled_records

        # Room for most runs' generations: a deeper replicate stops the kernel, which goes on once they are widened.
        records = Records.empty(len(indices), periods, organisations, generations=8)
        compiled_records(scenario, entropy, indices, keep, records)
        return records
    records = Records.empty(len(indices), periods, organisations)
    size = batch or batch_size(scenario)
    for start in range(0, len(indices), size):
        part = indices[start : start + size]
        rngs = [np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(i,))) for i in part]
        for row, (i, run) in enumerate(zip(part, run_batch(scenario, rngs, [i in keep for i in part]), strict=True)):
            _record(run, scenario, records, start + row)
            if run.events is not None:
                records.events.append((i, run.events))
    return records


def _scenario_fields(scenario: Scenario) -> dict[str, Any]:
    """What every result records of the run it came from: its documents, versions and organisations."""
    return {
        "plan": scenario.plan,
        "workforce": scenario.workforce,
        "programme": scenario.programme,
        "tipframe_version": __version__,
        "numpy_version": np.__version__,
        "organisations": scenario.organisations,
        "eligible": from_numpy(scenario.eligible),
    }


def monte_carlo_result(
    scenario: Scenario, records: Records, seed: int, backend: Backend = Backend.COMPILED
) -> ReachResult:
    """The `ReachResult` of a simulation, from its replicates' records in replicate order.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    records
        What `run_replicates` returned (joined over every batch, in replicate order).
    seed
        The run's seed, recorded in the result.
    backend
        The engine's implementation that ran, recorded in the result (with numba's version when
        compiled).

    Returns
    -------
    ReachResult
    """
    plan = scenario.plan
    replicates = records.series.shape[0]
    numba_version = None
    if backend is Backend.COMPILED:
        numba_version = importlib.metadata.version("numba")
    series: dict[str, Any] = {name: from_numpy(records.series[:, k]) for k, name in enumerate(SERIES)}
    numbers: dict[str, Any] = {name: from_numpy(records.numbers[:, k]) for k, name in enumerate(NUMBERS)}
    numbers["organisations_started"] = from_numpy(records.numbers[:, 0].astype(np.int64))
    used = records.generations()
    events = tuple(_event_log(i, one) for i, one in sorted(records.events, key=lambda kept: kept[0]))
    return ReachResult(
        id=f"{plan.id}-reach",
        name=f"Simulated reach of {plan.name}",
        engine=Engine.MONTE_CARLO,
        seed=seed,
        replicates=replicates,
        **_scenario_fields(scenario),
        backend=backend,
        numba_version=numba_version,
        **series,
        **numbers,
        by_generation=from_numpy(records.by_generation[:, :, :used]),
        by_organisation=from_numpy(records.organisation_sum / replicates),
        organisation_trained=from_numpy(records.organisation_final),
        new_trainers_per_trainer=from_numpy(records.per_trainer[:, :used]),
        mean_fidelity=from_numpy(records.fidelity[:, : used + 1]),
        events=events,
    )


def projection_result(scenario: Scenario, ensemble: Ensemble, seed: int) -> ReachResult:
    """The `ReachResult` of a projection: one row of expected values per parameter draw.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    ensemble
        What `project_ensemble` returned.
    seed
        The seed of the parameter draws (recorded when there is more than one draw).

    Returns
    -------
    ReachResult
        Its ``replicates`` are the draws; its ``flags`` the assumptions that fail.
    """
    plan, values = scenario.plan, ensemble.values
    by_generation, used = _fold(values["by_generation"])

    def rows(name: str) -> ArrayData:
        return from_numpy(np.asarray(values[name], np.float64))

    # The projection follows expected numbers, not trainers' opportunities: these are not modelled.
    missing = from_numpy(np.full(ensemble.draws, math.nan))
    return ReachResult(
        id=f"{plan.id}-projection",
        name=f"Projected reach of {plan.name}",
        engine=Engine.PROJECTION,
        seed=seed if ensemble.draws > 1 else None,
        replicates=ensemble.draws,
        **_scenario_fields(scenario),
        trained=rows("trained"),
        by_generation=from_numpy(by_generation[:, :, :used]),
        by_organisation=from_numpy(values["by_organisation"]),
        trainers=rows("trainers"),
        active_trainers=rows("active_trainers"),
        cohorts_running=rows("cohorts_running"),
        cohorts_started=rows("cohorts_started"),
        reached=rows("reached"),
        staff_seeds=rows("staff_seeds"),
        places=rows("places"),
        facilitations=rows("facilitations"),
        organisations_started=rows("organisations_started"),
        trainers_who_ran=rows("trainers_who_ran"),
        maintenance=rows("maintenance"),
        trainer_adoption=missing,
        trainers_idle=missing,
        trainers_stopped=missing,
        organisation_maintenance=missing,
        new_trainers_per_trainer=from_numpy(values["new_trainers_per_trainer"][:, :used]),
        mean_fidelity=from_numpy(values["mean_fidelity"][:, : used + 1]),
        flags=ensemble.flags,
    )


def _fold(by_generation: Any) -> tuple[Any, int]:
    """Expected trained by generation, each row's generations after its last with half a person or more at the
    horizon counted with that one (as the simulation counts generations after the 63rd with it), so that
    depth counts generations someone is expected in; and how many generations are left."""
    present = by_generation[:, -1, :] >= 0.5
    last = np.where(present.any(axis=1), by_generation.shape[2] - 1 - np.argmax(present[:, ::-1], axis=1), 0)
    folded = np.array(by_generation, np.float64)
    for row, cut in enumerate(last):
        folded[row, :, cut] += folded[row, :, cut + 1 :].sum(axis=1)
        folded[row, :, cut + 1 :] = 0.0
    return folded, int(last.max(initial=0)) + 1


def _event_log(replicate: int, e: Events) -> EventLog:
    return EventLog(
        replicate=replicate,
        trainer_organisation=from_numpy(e.trainer_org),
        trainer_generation=from_numpy(e.trainer_generation),
        trainer_fidelity=from_numpy(e.trainer_fidelity),
        trainer_trained_at=from_numpy(e.trainer_trained_at),
        trainer_source=from_numpy(e.trainer_source),
        cohort_organisation=from_numpy(e.cohort_org),
        cohort_generation=from_numpy(e.cohort_generation),
        cohort_fidelity=from_numpy(e.cohort_fidelity),
        cohort_start=from_numpy(e.cohort_start),
        cohort_size=from_numpy(e.cohort_size),
        cohort_completers=from_numpy(e.cohort_completers),
        facilitation_cohort=from_numpy(e.facilitation_cohort),
        facilitation_trainer=from_numpy(e.facilitation_trainer),
    )
