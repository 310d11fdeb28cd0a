"""Reach results: what a rollout simulation or projection produced, with everything needed to rerun it."""

from __future__ import annotations

from enum import Enum

import attrs

from tipframe.model.arrays import ArrayData, Companion
from tipframe.model.cascade import CascadePlan
from tipframe.model.document import Document
from tipframe.model.feasibility import plan_infeasibilities
from tipframe.model.fields import IDENTIFIER, TEXT, Each, Path, Range, field
from tipframe.model.programme import Programme
from tipframe.model.workforce import Workforce


class Engine(Enum):
    """Which engine produced a result: the Monte Carlo simulation or the expected-value projection."""

    MONTE_CARLO = "monte-carlo"
    PROJECTION = "projection"


class Backend(Enum):
    """How the Monte Carlo engine ran: compiled (numba), or the numpy reference implementation it is checked against."""

    COMPILED = "compiled"
    REFERENCE = "reference"


@attrs.frozen(kw_only=True)
class EventLog:
    """Who trained whom in one replicate. Trainers and cohorts are numbered by their position."""

    replicate: int = field(doc="Replicate number.", checks=[Range(0)])
    trainer_organisation: ArrayData = field(doc="Organisation (index into organisations) of each trainer.")
    trainer_generation: ArrayData = field(doc="Generation of each trainer (0 for seeds).")
    trainer_fidelity: ArrayData = field(doc="Fidelity each trainer delivers at.")
    trainer_trained_at: ArrayData = field(doc="Period each trainer was trained (0 for seeds).")
    trainer_source: ArrayData = field(doc="The cohort each trainer completed (-1 for seeds).")
    cohort_organisation: ArrayData = field(doc="Host organisation of each cohort.")
    cohort_generation: ArrayData = field(doc="Generation of each cohort.")
    cohort_fidelity: ArrayData = field(doc="Fidelity of each cohort.")
    cohort_start: ArrayData = field(doc="Period each cohort started.")
    cohort_size: ArrayData = field(doc="Participants in each cohort.")
    cohort_completers: ArrayData = field(doc="Completers of each cohort (-1 if still running at the horizon).")
    facilitation_cohort: ArrayData = field(doc="With facilitation_trainer: the cohort of each facilitation.")
    facilitation_trainer: ArrayData = field(doc="With facilitation_cohort: the trainer of each facilitation.")


@attrs.frozen(kw_only=True)
class ProjectionFlag:
    """An assumption a projection relies on that fails for this plan, and the gap in reach it opens."""

    code: str = field(
        doc="What fails: die-out (the cascade can end early) or whole-numbers (people, trainers and cohorts "
        "come whole, and expected values run ahead of them).",
        checks=[IDENTIFIER],
    )
    message: str = field(doc="What fails and what it does to the figures, in plain words.", checks=[TEXT])
    gap: float = field(
        doc="The largest gap in reach (a share of eligible staff) over the periods: the projection's median "
        "less the median run's.",
        checks=[Range(-1, 1)],
    )
    period: int = field(doc="The period of that largest gap.", checks=[Range(0)])
    final_gap: float = field(doc="The gap at the horizon, likewise.", checks=[Range(-1, 1)])
    checked: int = field(
        doc="Runs of the short simulation the gaps were measured against (0: estimated from the branching "
        "process, not measured).",
        default=0,
        checks=[Range(0)],
    )
    gap_low: float | None = field(
        doc="With gap_high, the 90% interval of the largest gap for the short simulation's Monte Carlo error "
        "(at the period where it is widest; None when not measured).",
        default=None,
        checks=[Range(-1, 1)],
    )
    gap_high: float | None = field(doc="With gap_low, the interval's upper end.", default=None, checks=[Range(-1, 1)])


@attrs.frozen(kw_only=True)
class ReachResult(Document):
    """The result of `simulate_reach` or `project_reach`, which `load` reads back.

    Series run over periods 0..H (0 is the start). Monte Carlo series hold every replicate
    (first axis); a projection holds one row of expected values per draw of the plan's
    distributions (one row when it has none). Organisation series hold means over replicates; each
    replicate's trained by organisation is kept at the horizon only.
    """

    KIND = "ReachResult"

    engine: Engine = field(doc="monte-carlo or projection.")
    plan: CascadePlan = field(doc="The plan run.")
    workforce: Workforce = field(doc="The workforce it ran over.")
    programme: Programme = field(doc="The programme delivered (it gives the cohort length).")
    seed: int | None = field(
        doc="The seed (Monte Carlo, or a projection's parameter draws).", default=None, checks=[Range(0)]
    )
    replicates: int = field(
        doc="Number of replicates (a projection: its parameter draws, 1 when the plan has no distributions).",
        checks=[Range(1)],
    )
    tipframe_version: str = field(doc="tipframe version that produced the result.", checks=[TEXT])
    numpy_version: str = field(
        doc="numpy version that produced the result; reruns match under the same one.", checks=[TEXT]
    )
    backend: Backend = field(
        doc="compiled (numba) or reference (numpy): the two agree in distribution, not number for number; a "
        "rerun uses the same one (results saved before it was recorded: reference).",
        default=Backend.REFERENCE,
    )
    numba_version: str | None = field(
        doc="numba version that produced a compiled result; reruns match under the same one.",
        default=None,
        checks=[TEXT],
    )
    organisations: tuple[str, ...] = field(doc="Organisation ids, in array order.", checks=[Each(IDENTIFIER)])
    eligible: ArrayData = field(doc="Eligible headcount per organisation.")
    trained: ArrayData = field(doc="Trained (seeds excluded), replicates x periods.")
    by_generation: ArrayData = field(doc="Trained by generation, replicates x periods x generations.")
    by_organisation: ArrayData = field(doc="Mean trained by organisation, periods x organisations.")
    trainers: ArrayData = field(doc="Trainers (seeds included), replicates x periods.")
    active_trainers: ArrayData = field(doc="Trainers activated and not stopped, replicates x periods.")
    cohorts_running: ArrayData = field(doc="Cohorts running, replicates x periods.")
    cohorts_started: ArrayData = field(doc="Cohorts started in each period, replicates x periods.")
    organisations_started: ArrayData = field(doc="Organisations that started a cohort, per replicate.")
    trainers_who_ran: ArrayData = field(doc="Share of trainers who ran a cohort, per replicate.")
    maintenance: ArrayData = field(
        doc="Trainer maintenance at the horizon, per replicate: of trainers trained at least maintenance_after "
        "periods before it who had willing people within reach in the last maintenance_window periods, the share "
        "who started a cohort in them (NaN: none)."
    )
    new_trainers_per_trainer: ArrayData = field(
        doc="Mean new trainers per trainer, replicates x generations (NaN: none)."
    )
    mean_fidelity: ArrayData = field(doc="Mean cohort fidelity, replicates x generations (NaN: none).")
    trainer_adoption: ArrayData | None = field(
        doc="Of trainers with at least adoption_after active periods with willing people within reach, the share "
        "who ran a cohort, per replicate (NaN: none; absent in results saved before it was recorded).",
        default=None,
    )
    trainers_idle: ArrayData | None = field(
        doc="Share of trainers active at least adoption_after periods who had too few of them with willing people "
        "within reach to be judged, per replicate.",
        default=None,
    )
    trainers_stopped: ArrayData | None = field(
        doc="Share of trainers who stopped delivering before they could be judged, per replicate.", default=None
    )
    organisation_maintenance: ArrayData | None = field(
        doc="Of organisations that started a cohort before the last maintenance_window periods and had a trainer "
        "with willing people within reach in them, the share that started another in them, per replicate.",
        default=None,
    )
    reached: ArrayData | None = field(
        doc="Eligible people who started the programme (seeds aside) and are still in the workforce, "
        "replicates x periods (absent in results saved before it was recorded).",
        default=None,
    )
    staff_seeds: ArrayData | None = field(
        doc="Seed trainers who are eligible staff and still in the workforce, replicates x periods "
        "(zeros when seeds come from outside; absent in results saved before it was recorded).",
        default=None,
    )
    places: ArrayData | None = field(
        doc="People enrolled in the cohorts started in each period, replicates x periods (absent in results saved "
        "before it was recorded).",
        default=None,
    )
    facilitations: ArrayData | None = field(
        doc="Facilitators of the cohorts started in each period (each cohort's team counted), replicates x periods "
        "(absent in results saved before it was recorded).",
        default=None,
    )
    organisation_trained: ArrayData | None = field(
        doc="Trained by organisation at the horizon (seeds excluded), replicates x organisations: each "
        "organisation's interval across replicates (Monte Carlo only: absent in a projection, which follows "
        "expected numbers, and in results saved before it was recorded).",
        default=None,
    )
    events: tuple[EventLog, ...] = field(doc="Event logs of the replicates kept.", default=())
    flags: tuple[ProjectionFlag, ...] = field(
        doc="A projection's assumptions that fail for this plan, each with its estimated gap in reach (none: the "
        "projection expects to be within 5 points of the median run).",
        default=(),
    )
    arrays: Companion | None = field(
        doc="The companion .npz file holding the arrays of a result too large to save inline (None: inline).",
        default=None,
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        for found in plan_infeasibilities(self.plan, self.workforce, self.programme):
            problems.append((("plan", *found.where), found.message))
        if tuple(o.id for o in self.workforce.organisations) != self.organisations:
            problems.append((("organisations",), "must list the workforce's organisations, in its order"))
        problems += _shape_problems(self)
        stored = [path for path, array in result_arrays(self) if array.stored is not None]
        if stored and self.arrays is None:
            problems.append(((*stored[0],), "is stored in a companion file, but the result names none (arrays)"))
        if self.arrays is not None and len(stored) != len(result_arrays(self)):
            problems.append((("arrays",), "names a companion file, but some arrays are written inline"))
        return problems


def result_arrays(result: ReachResult) -> list[tuple[Path, ArrayData]]:
    """Every array of a result (its series, then its event logs'), with its path in the document."""
    found: list[tuple[Path, ArrayData]] = []
    for name in attrs.fields_dict(ReachResult):
        value = getattr(result, name)
        if isinstance(value, ArrayData):
            found.append(((name,), value))
    for index, log in enumerate(result.events):
        for name in attrs.fields_dict(EventLog):
            value = getattr(log, name)
            if isinstance(value, ArrayData):
                found.append((("events", index, name), value))
    return found


#: the leading dimensions of a result's arrays: R replicates, T periods, O organisations
_SHAPES = {
    "eligible": ("O",),
    "by_organisation": ("T", "O"),
    "organisation_trained": ("R", "O"),
    "by_generation": ("R", "T"),
    **dict.fromkeys(("trained", "trainers", "active_trainers", "cohorts_running", "cohorts_started"), ("R", "T")),
    **dict.fromkeys(("reached", "staff_seeds", "places", "facilitations"), ("R", "T")),
    **dict.fromkeys(
        (
            "organisations_started",
            "trainers_who_ran",
            "maintenance",
            "new_trainers_per_trainer",
            "mean_fidelity",
            "trainer_adoption",
            "trainers_idle",
            "trainers_stopped",
            "organisation_maintenance",
        ),
        ("R",),
    ),
}


def _shape_problems(result: ReachResult) -> list[tuple[Path, str]]:
    """Arrays whose shape disagrees with the replicates, the periods or the organisations declared."""
    sizes = {"R": result.replicates, "T": result.plan.horizon + 1, "O": len(result.organisations)}
    words = {"R": "replicates", "T": "periods (horizon + 1)", "O": "organisations"}
    problems: list[tuple[Path, str]] = []
    for name, dims in _SHAPES.items():
        array = getattr(result, name)
        if array is None:
            continue
        shape = array.shape
        for axis, dim in enumerate(dims):
            if len(shape) <= axis or shape[axis] != sizes[dim]:
                got = "missing" if len(shape) <= axis else shape[axis]
                problems.append(((name, "shape"), f"axis {axis} must be the {sizes[dim]} {words[dim]}, not {got}"))
                break
    for index, log in enumerate(result.events):
        if log.replicate >= result.replicates:
            message = f"replicate {log.replicate} is beyond the result's {result.replicates} replicates"
            problems.append((("events", index, "replicate"), message))
    return problems
