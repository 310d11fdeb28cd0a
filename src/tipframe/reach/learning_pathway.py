"""Learning pathways: several cascade plans, one per practice level, simulated as one rollout.

A plan that ``follows`` another is the next stage of a pathway (informed, then skilled, then
enhanced): its people are staff whose role needs its programme's level, and who either hold the
level before it already or complete the previous stage during the run. Within a replicate the
stages run in order, each after the one it follows: a stage's completers of period t whose role
needs the next level join the next stage's pool at period t + 1 (each willing with that stage's
uptake), so later stages grow as earlier ones train people. The model is in docs/reach.md
("Learning pathways"); what it leaves out:

- the workforce is closed: every stage's ``turnover`` is 0 (who leaves between stages is not
  followed from one stage to the next);
- which completers go on is drawn without replacement from the previous stage's people by role
  headcount, exact when willingness does not differ between an organisation's roles;
- a count of staff holding a level given as a range (suppressed, at least, at most) starts at its
  lowest figure, and the rest of a role holds no level yet; staff in no role with a required
  level are not on the pathway.

Random numbers: stage k of replicate i draws from ``SeedSequence([seed, k], spawn_key=(i,))``
(the first stage therefore from ``SeedSequence(seed, spawn_key=(i,))``, as a plan on its own).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from tipframe.io.documents import from_data, to_data
from tipframe.model import Backend, CascadePlan, Distribution, LevelScale, Programme, Qualifier, ReachResult, Workforce
from tipframe.reach.montecarlo import batch_size, run_batch
from tipframe.reach.resources import Part, Resources, check_resources, simulation_resources
from tipframe.reach.results import Records, _record, monte_carlo_result
from tipframe.reach.run import _chunks, executor_workers
from tipframe.reach.scenario import Feed, FloatArray, IntArray, PlanError, Scenario, _less_seeds, prepare

__all__ = ["LearningPathwayResult", "pathway_plans", "prepare_pathway", "simulate_learning_pathway"]


def pathway_plans(
    plan: CascadePlan, plans: Mapping[str, CascadePlan] | Callable[[str], CascadePlan]
) -> tuple[CascadePlan, ...]:
    """The stages of the pathway ``plan`` ends: the plans it follows, first to last, then itself.

    Parameters
    ----------
    plan
        A cascade plan (one that follows no other is a pathway of one stage).
    plans
        Every plan in scope, by id; or a function that finds one by the name a plan follows (such as
        ``lambda name: bundle.get(name, CascadePlan)``), raising KeyError when there is none.

    Returns
    -------
    tuple of CascadePlan

    Raises
    ------
    PlanError
        When a plan follows one not in scope, or the plans follow each other round in a loop.
    """
    chain = [plan]
    while chain[-1].follows is not None:
        name = chain[-1].follows
        try:
            found = plans(name) if callable(plans) else plans[name]
        except KeyError:
            raise PlanError(
                f"plan {chain[-1].id!r} follows {name!r}, which is not in scope: add it with --bundle"
            ) from None
        if any(earlier is found or earlier.id == found.id for earlier in chain):
            loop = " follows ".join([*(p.id for p in chain), name])
            raise PlanError(f"plans follow each other round in a loop: {loop}")
        chain.append(found)
    return tuple(reversed(chain))


def _problems(plans: Sequence[CascadePlan], workforce: Workforce, programmes: Sequence[Programme],
              scale: LevelScale) -> list[str]:  # fmt: skip
    """Why the stages cannot run as one pathway."""
    first = plans[0]
    problems = []
    for plan in plans:
        for name in ("workforce", "period", "start", "horizon"):
            if getattr(plan, name) != getattr(first, name):
                problems.append(f"plan {plan.id!r} has another {name} than {first.id!r}: a pathway's stages share it")
        turnover = plan.turnover
        if turnover.distribution is not Distribution.FIXED or turnover.mean() != 0:
            problems.append(f"plan {plan.id!r} has turnover {turnover}: a pathway's workforce is closed (turnover 0)")
    if workforce.levels is None:
        return [*problems, f"workforce {workforce.id!r} names no level scale: a pathway needs one"]
    before = -1
    for plan, programme in zip(plans, programmes, strict=True):
        level = programme.target_level
        if level is None or (programme.levels or "").removeprefix("builtin:") != scale.id:
            problems.append(f"programme {programme.id!r} (plan {plan.id!r}) gives no target_level on {scale.id!r}")
            continue
        if scale.rank(level) <= before:
            problems.append(f"plan {plan.id!r}'s level {level!r} is not above the stage before it")
        before = scale.rank(level)
    return problems


def _held(role: Any, rank: Mapping[str, int]) -> list[tuple[int, int]]:
    """A role's staff as (rank of the level held, people), -1 for no level; ranges at their lowest figure."""
    out, counted = [], 0
    for entry in role.levels_held:
        people = 1 if entry.qualifier is Qualifier.SUPPRESSED or entry.count is None else entry.count
        people = 0 if entry.qualifier is Qualifier.AT_MOST else people
        out.append((rank.get(entry.level, -1) if entry.level is not None else -1, people))
        counted += people
    out.append((-1, max(0, role.headcount - counted)))
    return out


def _stage_people(plan: CascadePlan, workforce: Workforce, rank: Mapping[str, int], level: int,
                  previous: int) -> dict[tuple[int, str], tuple[int, int]]:  # fmt: skip
    """Each (organisation, role) on this stage: people below its level, and those ready for it now (holding the
    previous stage's level or more; everyone below it, for the first stage)."""
    filtered = bool(plan.eligible_roles or plan.eligible_levels)
    out = {}
    for org, organisation in enumerate(workforce.organisations):
        for role in organisation.roles:
            needed = rank.get(role.required_level or "", -1)
            if needed < level or (filtered and role.id not in plan.eligible_roles
                                  and role.required_level not in plan.eligible_levels):  # fmt: skip
                continue
            held = _held(role, rank)
            below = sum(n for r, n in held if r < level)
            ready = sum(n for r, n in held if previous <= r < level) if previous >= 0 else below
            out[(org, role.id)] = (below, ready)
    return out


def prepare_pathway(
    plans: Sequence[CascadePlan], workforce: Workforce, programmes: Sequence[Programme], scale: LevelScale
) -> tuple[Scenario, ...]:
    """Make a pathway's stages ready to run.

    Parameters
    ----------
    plans
        The stages, first to last (`pathway_plans`).
    workforce
        Their workforce; its roles' ``required_level`` and ``levels_held`` decide who is on each stage.
    programmes
        Each stage's programme, in order; its ``target_level`` is the stage's level.
    scale
        The workforce's level scale.

    Returns
    -------
    tuple of Scenario
        One a stage; each but the first with its `Feed`.

    Raises
    ------
    PlanError
        Giving every reason the stages cannot run as one pathway.
    """
    problems = _problems(plans, workforce, programmes, scale)
    if problems:
        raise PlanError("; ".join(problems))
    rank = {level: scale.rank(level) for level in scale.level_ids()}
    scenarios: list[Scenario] = []
    before: dict[tuple[int, str], int] = {}
    previous = -1
    for plan, programme in zip(plans, programmes, strict=True):
        base = prepare(plan, workforce, programme, stage=True)
        level = rank[programme.target_level or ""]
        people = _stage_people(plan, workforce, rank, level, previous)
        eligible = np.zeros(len(base.organisations), np.int64)
        groups, weights = [], []
        numbered = {id(p): k for k, p in enumerate(base.uptake_parameters)}
        trainable: dict[tuple[int, str], int] = {}  # people the stage may train: its people less staff seeds
        for org in range(len(base.organisations)):
            mine = [(role, below, ready) for (o, role), (below, ready) in people.items() if o == org]
            eligible[org] = sum(below for _, below, _ in mine)
            seeds = int(base.seeds[org]) if plan.seeds_are_staff else 0
            organisation = workforce.organisations[org].id
            if seeds > sum(ready for _, _, ready in mine):
                raise PlanError(
                    f"plan {plan.id!r}: {organisation!r} has {seeds} seed trainers among its staff but "
                    f"{sum(ready for _, _, ready in mine)} ready for the stage at the start (holding the level "
                    "before it): set seeds_are_staff: false, or give fewer seed trainers there"
                )
            readies = _less_seeds([ready for _, _, ready in mine], seeds)
            for (role, below, ready), left in zip(mine, readies, strict=True):
                groups.append((org, left, numbered[id(plan.uptake_for(organisation, role))]))
                weights.append(below)
                trainable[(org, role)] = below - (ready - left)
        feed = None
        if scenarios:
            total = np.zeros(len(base.organisations), np.int64)
            onward = np.zeros_like(total)
            for (org, role), count in before.items():
                total[org] += count
                onward[org] += count if (org, role) in people else 0
            feed = Feed(total=total, onward=onward)
        scenarios.append(attrs.evolve(base, eligible=eligible, uptake_groups=tuple(groups),
                                      uptake_weights=tuple(weights), feed=feed))  # fmt: skip
        before, previous = trainable, level
    return tuple(scenarios)


def _entropy(seed: int, stage: int) -> int | list[int]:
    return seed if stage == 0 else [seed, stage]


def _compiled(scenarios: Sequence[Scenario], shared: Sequence[Any], seed: int, i: int, keep: bool) -> list[Records]:
    """Replicate ``i`` of every stage, each fed by the one before, compiled: a record each."""
    from tipframe.reach.compiled import compiled_replicate

    out: list[Records] = []
    done_by: IntArray | None = None
    for k, scenario in enumerate(scenarios):
        # Room for most runs' generations, as `run_replicates` makes: a deeper replicate widens it and runs again.
        records = Records.empty(1, scenario.horizon + 1, len(scenario.organisations), generations=8)
        compiled_replicate(scenario, _entropy(seed, k), i, keep, records, done_by, shared[k])
        done_by = records.organisation_sum.copy()
        out.append(records)
    return out


def _reference(scenarios: Sequence[Scenario], seed: int, indices: Sequence[int], keep: Sequence[int]) -> list[Records]:
    """Replicates ``indices`` of every stage with the reference engine, together, each fed by the one before."""
    out: list[Records] = []
    feeds: list[IntArray] = []
    for k, scenario in enumerate(scenarios):
        records = Records.empty(len(indices), scenario.horizon + 1, len(scenario.organisations))
        rngs = [np.random.default_rng(np.random.SeedSequence(_entropy(seed, k), spawn_key=(i,))) for i in indices]
        runs = run_batch(scenario, rngs, [i in keep for i in indices], feeds)
        for row, (i, run) in enumerate(zip(indices, runs, strict=True)):
            _record(run, scenario, records, row)
            if run.events is not None:
                records.events.append((i, run.events))
        feeds = [run.by_organisation for run in runs]
        out.append(records)
    return out


def _rows(scenarios: Sequence[Scenario], seed: int, indices: Sequence[int], keep: Sequence[int],
          backend: Backend) -> list[Records]:  # fmt: skip
    """Some replicates of every stage: one `Records` a stage."""
    if backend is Backend.REFERENCE:
        size = min(batch_size(s) for s in scenarios)
        parts = [_reference(scenarios, seed, indices[at : at + size], keep) for at in range(0, len(indices), size)]
    else:
        from tipframe.reach.compiled import inputs

        shared = [inputs(scenario) for scenario in scenarios]
        parts = [_compiled(scenarios, shared, seed, i, i in keep) for i in indices]
    return [Records.join([part[k] for part in parts]) for k in range(len(scenarios))]


def _chunk(plans: list[dict[str, Any]], workforce: dict[str, Any], programmes: list[dict[str, Any]],
           scale: dict[str, Any], seed: int, indices: Sequence[int], keep: Sequence[int],
           backend: str) -> list[Records]:  # fmt: skip
    """Some replicates of every stage in a worker; documents travel as plain data."""
    scenarios = prepare_pathway(
        [from_data(p, CascadePlan) for p in plans], from_data(workforce, Workforce),
        [from_data(p, Programme) for p in programmes], from_data(scale, LevelScale),
    )  # fmt: skip
    return _rows(scenarios, seed, indices, keep, Backend(backend))


@attrs.frozen(eq=False)
class LearningPathwayResult:
    """A learning pathway's simulation: each stage's result, and who holds each level as the run goes."""

    #: each stage's result, first to last (its ``eligible``: staff whose role needs the stage's level and who
    #: are below it at the start)
    stages: tuple[ReachResult, ...]
    #: each stage's level id
    levels: tuple[str, ...]
    #: by stage: staff in roles that need its level who hold it at the start
    holding: tuple[int, ...]

    def at_level(self, period: int) -> FloatArray:
        """People holding each stage's level at ``period`` (those at the start, those trained, and seed trainers who
        are staff), by replicate.

        Parameters
        ----------
        period
            0 for the start, up to the horizon.

        Returns
        -------
        numpy.ndarray
            (replicates, stages).
        """
        from tipframe.io.arrays import to_numpy

        columns = []
        for stage, held in zip(self.stages, self.holding, strict=True):
            seeds = to_numpy(stage.staff_seeds)[:, period] if stage.staff_seeds is not None else 0
            columns.append(to_numpy(stage.trained)[:, period] + seeds + held)
        return np.stack(columns, axis=1).astype(np.float64)

    def needing(self) -> tuple[int, ...]:
        """By stage: staff whose role needs its level (those holding it and those below it)."""
        from tipframe.io.arrays import to_numpy

        return tuple(int(to_numpy(s.eligible).sum()) + held for s, held in zip(self.stages, self.holding, strict=True))


def _holding(scenarios: Sequence[Scenario], workforce: Workforce, scale: LevelScale) -> tuple[int, ...]:
    rank = {level: scale.rank(level) for level in scale.level_ids()}
    out = []
    for scenario in scenarios:
        level = rank[scenario.programme.target_level or ""]
        people = _stage_people(scenario.plan, workforce, rank, level, -1)
        everyone = 0
        for org, organisation in enumerate(workforce.organisations):
            for role in organisation.roles:
                if (org, role.id) in people:
                    everyone += role.headcount
        out.append(everyone - sum(below for below, _ in people.values()))
    return tuple(out)


#: the parts of a stage's estimate that every stage holds at once (its records); the rest is working memory, which
#: a stage gives back before the next runs
_KEPT: Final = ("replicates kept", "result arrays", "event logs")


def pathway_resources(
    scenarios: Sequence[Scenario], replicates: int, *, workers: int = 1, chunk: int | None = None,
    kept_events: int = 1, compiled: bool = True,
) -> Resources:  # fmt: skip
    """The memory and time of simulating a pathway (`simulate_learning_pathway`).

    Its stages run one after another in each worker: every stage's records are held together, and
    the working memory is the largest stage's. The time is the stages' sum.

    Parameters
    ----------
    scenarios
        The stages (`prepare_pathway`).
    replicates, workers, chunk, kept_events, compiled
        As `simulation_resources`'s.

    Returns
    -------
    Resources
    """
    estimates = [simulation_resources(s, replicates, workers=workers, chunk=chunk, kept_events=kept_events,
                                      compiled=compiled) for s in scenarios]  # fmt: skip
    merged: dict[str, Part] = {}
    for estimate in estimates:
        for part in estimate.parts:
            if part.name not in merged:
                merged[part.name] = part
            elif part.name in _KEPT:
                merged[part.name] = attrs.evolve(merged[part.name], bytes=merged[part.name].bytes + part.bytes,
                                                 detail=f"{merged[part.name].detail}, every stage's")  # fmt: skip
            elif part.bytes > merged[part.name].bytes:
                merged[part.name] = part
    return attrs.evolve(estimates[0], what=f"{len(estimates)} stages of {estimates[0].what}",
                        parts=tuple(merged.values()), seconds=sum(e.seconds for e in estimates))  # fmt: skip


def simulate_learning_pathway(
    plans: Sequence[CascadePlan],
    workforce: Workforce,
    programmes: Sequence[Programme],
    scale: LevelScale,
    *,
    replicates: int = 1000,
    seed: int = 0,
    keep_events: Iterable[int] = (0,),
    executor: concurrent.futures.Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
    time_limit: float | None = None,
    backend: Backend | str = Backend.COMPILED,
) -> LearningPathwayResult:
    """Simulate a learning pathway ``replicates`` times: its stages as one rollout (the module's model).

    Parameters
    ----------
    plans
        The stages, first to last (`pathway_plans`).
    workforce, programmes, scale
        Their workforce, each stage's programme, and the workforce's level scale.
    replicates
        How many replicates.
    seed
        Stage k of replicate i draws from ``SeedSequence([seed, k], spawn_key=(i,))``.
    keep_events
        Replicates whose event logs are kept, in every stage.
    executor
        Any `concurrent.futures.Executor`; None runs here. Results are identical however
        replicates are split.
    progress
        Called ``progress(done, total)`` as replicates finish.
    memory_limit, time_limit
        As `simulate_reach`'s.
    backend
        ``"compiled"`` or ``"reference"``, as `simulate_reach`'s.

    Returns
    -------
    LearningPathwayResult

    Raises
    ------
    PlanError
        When the stages cannot run as one pathway.
    MemoryLimitError, TimeLimitError
        Before it starts, when its estimate exceeds a limit.
    ValueError
        When ``replicates`` or ``seed`` is out of range, or ``backend`` is unknown.
    """
    if replicates < 1 or seed < 0:
        raise ValueError("replicates must be at least 1 and seed a non-negative whole number")
    backend = Backend(backend)
    scenarios = prepare_pathway(plans, workforce, programmes, scale)
    keep = sorted({i for i in keep_events if 0 <= i < replicates})
    workers = executor_workers(executor)
    parts = _chunks(replicates, 4 * workers)
    estimate = pathway_resources(scenarios, replicates, workers=workers, chunk=len(parts[0]) if executor else None,
                                 kept_events=len(keep), compiled=backend is Backend.COMPILED)  # fmt: skip
    check_resources(estimate, memory_limit, time_limit)
    documents = ([to_data(p) for p in plans], to_data(workforce), [to_data(p) for p in programmes], to_data(scale))
    done: list[list[Records]] = []
    if executor is None:
        for part in parts:
            done.append(_rows(scenarios, seed, part, keep, backend))
            if progress is not None:
                progress(part[-1] + 1, replicates)
    else:
        futures = [executor.submit(_chunk, *documents, seed, part, keep, backend.value) for part in parts]
        try:
            for part, future in zip(parts, futures, strict=True):
                done.append(future.result())
                if progress is not None:
                    progress(part[-1] + 1, replicates)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    stages = tuple(
        monte_carlo_result(scenario, Records.join([chunk[k] for chunk in done]), seed, backend)
        for k, scenario in enumerate(scenarios)
    )
    levels = tuple(p.target_level or "" for p in programmes)
    return LearningPathwayResult(stages, levels, _holding(scenarios, workforce, scale))
