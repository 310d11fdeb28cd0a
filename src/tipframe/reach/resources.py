"""What a run will cost before it starts: memory and time for every engine, and the limit it must fit.

Each engine has one estimate (`simulation_resources`, `projection_resources`, `peer_resources`,
`sweep_resources`): a `Resources` naming the large allocations at its peak (tables, series, result
arrays, a staff network's ties, compiled code) and a rough time. `check_resources` refuses, before
any work, a run whose memory exceeds its limit (`default_memory_limit`) or whose time is absurd.
docs/reach.md ("Resources") gives measured peaks against these estimates (benchmarks/memory_check.py).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from typing import Final

import attrs

from tipframe.reach.batch import GENERATIONS
from tipframe.reach.classes import generations, row_bytes
from tipframe.reach.ensemble import DRAWS, MEMORY, draw_parameters, uncertain
from tipframe.reach.flow import Flow, expected_flow
from tipframe.reach.limits import MemoryLimitError, ResourceLimitError, TimeLimitError, default_memory_limit
from tipframe.reach.montecarlo import batch_size
from tipframe.reach.scenario import Scenario

__all__ = [
    "CHUNK", "DAY", "MemoryExhaustedError", "MemoryLimitError", "Part", "ResourceLimitError", "Resources",
    "TimeLimitError", "check_resources", "default_memory_limit", "exhausted", "peer_resources", "projection_resources",
    "simulation_resources", "sweep_resources",
]  # fmt: skip

#: the default time limit (seconds): runs estimated to take longer are refused as absurd
DAY: Final = 24 * 3600.0
#: memory of one more Python process running an engine (interpreter, numpy and tipframe), in bytes
PROCESS: Final = 64 * 2**20
#: numba's compiler and runtime, in a process once it has run compiled code (measured: 117 MiB, Linux, Python 3.11)
NUMBA: Final = 117 * 2**20
#: each engine's compiled kernels beyond numba (measured while they load: the cascade's 19 MiB, the peer engine's 1),
#: by the module that holds them: imported only when its engine runs, so loaded where it is imported
_CASCADE, _PEER = "tipframe.reach.cascade_record", "tipframe.reach.kernels"
_KERNELS: Final = {_CASCADE: 19 * 2**20, _PEER: 2**20}
#: numba and the compiled cascade engine, loaded together
COMPILED: Final = NUMBA + _KERNELS[_CASCADE]
_WORD: Final = 8
#: columns of the simulation's trainer and cohort tables (``tipframe.reach.batch``), ``rep`` and ``local`` included
_TRAINER_COLUMNS: Final = 18
_COHORT_COLUMNS: Final = 9
#: the compiled kernel's trainer tables (``cascade_kernel``): 14 whole numbers and 2 real ones, and the list of
#: trainers who may yet lack a chance to start a cohort
_KERNEL_TRAINER: Final = 17
_KERNEL_LISTS: Final = 2  #: its lists of trainers offering slots and who may have a chance
#: words a free slot takes while slots are grouped into cohorts and put in the order they take places
_SLOT: Final = 20
#: bytes of an array object, beyond its numbers
_OBJECT: Final = 112
#: rough costs, in seconds on one core: a step of array operations, and one element they touch
_STEP: Final = 4e-6
_ELEMENT: Final = 4e-9
#: ties peer uptake draws for at once (and people it takes them from): about 20 bytes a tie
CHUNK: Final = 1 << 20
#: room for a batch's trainers and cohorts above their expected count (tables grow by doubling)
_MARGIN: Final = 1.05
_SERIES: Final = 9  # series a replicate records each period (``results.SERIES``)
#: the allocator's share above the arrays counted: Python's objects, and memory freed but kept (glibc)
_OVERHEAD: Final = 0.1
#: the share of a batch's outgrown table copies the allocator keeps as batches follow (holes left unfilled)
_CHURN: Final = 0.5


class MemoryExhaustedError(MemoryError):
    """A run that ran out of memory although its estimate fitted the limit: carries both."""

    def __init__(self, message: str, resources: Resources | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.resources = resources
        self.limit = limit


@attrs.frozen
class Part:
    """One large allocation a run holds at its peak."""

    name: str
    bytes: int
    #: what it is made of, in words (``1,000 replicates x 105 periods``)
    detail: str = ""


@attrs.frozen
class Resources:
    """What a run holds at its peak, by part, and about how long it takes: ``parts``, the allocations held together
    at its largest moment (beyond what the process held before it); ``seconds``, a rough time, good to a factor of a
    few, for refusing absurd runs, not for planning."""

    engine: str
    #: the run in words: ``1,000 replicates x 105 periods, 46 organisations``
    what: str
    parts: tuple[Part, ...]
    seconds: float
    #: what to change to make the run smaller
    advice: str = "make the run smaller"

    @property
    def bytes(self) -> int:
        """The memory the run holds at its peak, in bytes."""
        return sum(part.bytes for part in self.parts)

    def largest(self, count: int = 3) -> tuple[Part, ...]:
        """The ``count`` largest parts, largest first."""
        return tuple(sorted(self.parts, key=lambda part: -part.bytes)[:count])

    def describe(self) -> str:
        """The estimate in words: its total, what the run is, and its largest parts."""
        rows = [f"{p.name} {size(p.bytes)}" + (f" ({p.detail})" if p.detail else "") for p in self.largest() if p.bytes]
        return f"about {size(self.bytes)} ({self.what}: {'; '.join(rows)})"


def size(count: float) -> str:
    """Bytes in words: ``512 KiB``, ``3.4 GiB``, ``1.5 TiB``."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(count) >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:.0f} bytes"


def _code(compiled: bool, workers: int, module: str = _CASCADE) -> list[Part]:
    """Numba and an engine's kernels, loaded into each worker, and here unless loaded: a kernels' module is imported
    only when they run, and numba only by those (its share counts once, whichever engine loaded it)."""
    loaded = {name for name in _KERNELS if name in sys.modules and workers <= 1}
    count = workers if workers > 1 else int(module not in loaded)
    code = count * _KERNELS[module] + (workers if workers > 1 else int(not loaded)) * NUMBA
    return [Part("compiled code", code, f"numba and kernels, {count} process(es)")] if compiled else []


def _growth(initial: float, needed: float) -> float:
    """Rows a growing table (``Columns``) holds: its first capacity, doubled until the rows fit."""
    capacity = max(initial, 1.0)
    while capacity < needed:
        capacity *= 2
    return capacity


def _resources(engine: str, what: str, parts: Iterable[Part], seconds: float, advice: str, churn: int = 0) -> Resources:
    """The estimate, with the allocator's share: objects around the arrays, memory freed but kept (``churn``)."""
    parts = tuple(parts)
    overhead = int(sum(part.bytes for part in parts) * _OVERHEAD) + churn
    return Resources(engine, what, (*parts, Part("allocator", overhead, "memory freed but kept")), seconds, advice)


def _seconds(steps: float, elements: float) -> float:
    return steps * _STEP + elements * _ELEMENT


def _kept(periods: int, generations: int, organisations: int) -> int:
    """Bytes of a replicate's row of the records (``results.Records``): its series, by generation (up to the
    last trained) and by organisation at the horizon, as 4-byte integers, and its numbers by generation."""
    return (_SERIES + generations) * periods * 4 + organisations * 4 + 2 * GENERATIONS * _WORD + 8 * _WORD


def _assembly(replicates: int, periods: int, used: int, organisations: int) -> int:
    """Bytes the result's arrays take while encoded (``monte_carlo_result``), beyond the records: each series of
    4-byte numbers kept as base64 text (4/3 of its bytes), and while the last and largest, by generation, is
    encoded, its base64 bytes and text at once (2 x 4/3 of them: its bytes go once encoded)."""
    cells = replicates * periods
    return cells * (_SERIES + used) * 16 // 3 + cells * used * 32 // 3 + replicates * organisations * 16 // 3


def _batch_parts(scenario: Scenario, batch: int, flow: Flow, events: int) -> tuple[list[Part], int]:
    """What one batch being simulated holds (``tipframe.reach.batch``) at its largest moment: its tables, state
    and series, and either a period's working copies of the trainer table or, at its end, its replicates' records;
    and the bytes its tables outgrew (freed as they doubled)."""
    periods, organisations = scenario.horizon + 1, len(scenario.organisations)
    places = batch * organisations
    classes = 2 if scenario.retakes is None else scenario.retakes + 1
    leaving = scenario.plan.turnover.mean() > 0
    # The tables grow by doubling: room for a batch somewhat above the expected count.
    first_trainers = max(64, int(scenario.seeds.sum()) * batch * 4)
    trainers = _growth(first_trainers, batch * flow.trainers * _MARGIN)
    smallest = min(tier.cohort_size for tier in scenario.plan.tiers)
    first_cohorts = (int(scenario.eligible.sum()) // smallest + 64) * batch
    cohorts = _growth(first_cohorts, batch * flow.cohorts * _MARGIN)
    grown = (trainers - first_trainers) * _TRAINER_COLUMNS + (cohorts - first_cohorts) * _COHORT_COLUMNS
    running = batch * flow.running * _MARGIN * (8 + 2 * classes)
    state = places * (GENERATIONS * (2 if leaving else 1) + classes + 24) + batch * scenario.partner_indices.size * 6
    record = periods * (_SERIES + GENERATIONS + organisations) + organisations * 4 + flow.trainers * _MARGIN * 10
    working = trainers * 6 * _WORD
    records = batch * record * _WORD + events
    series = (_SERIES + GENERATIONS + organisations) * periods * batch
    return [
        Part("cohort table", int(cohorts * _COHORT_COLUMNS * _WORD), f"room for {cohorts:,.0f} cohorts"),
        Part("trainer table", int(trainers * _TRAINER_COLUMNS * _WORD), f"room for {trainers:,.0f} trainers"),
        Part("batch series", series * _WORD, f"{batch:,} replicates x {periods:,} periods"),
        Part("batch state", int((state + running) * _WORD), f"{places:,} organisation copies"),
        Part("batch records", int(max(working, records)), f"{batch:,} replicates' records as the batch ends"),
    ], int(grown * _WORD)


def _kernel_parts(scenario: Scenario, flow: Flow) -> tuple[list[Part], int]:
    """What the compiled kernel (``cascade_kernel``) holds for a replicate at its largest moment, and the bytes of
    the tables it returns (an event log's). Its tables are made once for a call's replicates, zero-filled (all
    resident), and double as they grow: the trainers' from four rows a seed, the cohorts' (places, classes,
    facilitations) from room for every eligible person in the smallest cohorts; the allocator keeps the copies
    they outgrew. Cohorts are formed from the free slots (about 20 words a slot). A call's tables go when it
    ends (a call after it, for wider rows or an event log, makes its own), but an event log's, which it keeps."""
    _, tiers = scenario.draw(None)
    first_trainers = max(64, 4 * int(scenario.seeds.sum()))
    trainers = _growth(first_trainers, flow.trainers * _MARGIN)
    first_cohorts = int(scenario.eligible.sum()) // min(tier.cohort_size for tier in tiers) + 64
    cohorts = _growth(first_cohorts, flow.cohorts * _MARGIN)
    width = 2 if scenario.retakes is None else scenario.retakes + 1
    # cohorts (6 whole numbers, 2 real), places (3 and the classes) and facilitations (2 a facilitator)
    columns = 11 + width + 2 * max(tier.facilitators for tier in tiers)
    spare = max(min(tier.concurrent, tier.total) for tier in tiers)
    slots = max(0.0, flow.trainers * spare - flow.running)
    kept = int((trainers * _KERNEL_TRAINER + cohorts * (columns - 5 - width) + flow.cohorts) * _WORD)
    outgrown = (trainers - first_trainers) * _KERNEL_TRAINER + (cohorts - first_cohorts) * columns
    return [
        Part("trainer table", int(trainers * _KERNEL_TRAINER * _WORD), f"room for {trainers:,.0f} trainers"),
        Part("trainer lists", int(trainers * _KERNEL_LISTS * _WORD), "who offers slots, who may have a chance"),
        Part("cohort table", int(cohorts * columns * _WORD), f"room for {cohorts:,.0f} cohorts"),
        Part("outgrown tables", int(outgrown * _WORD), "copies the tables outgrew, kept by the allocator"),
        Part("free slots", int(slots * _SLOT * _WORD), f"{slots:,.0f} slots grouped into cohorts"),
    ], kept


def simulation_resources(
    scenario: Scenario, replicates: int, *, batch: int | None = None, workers: int = 1, chunk: int | None = None,
    kept_events: int = 1, compiled: bool = True,
) -> Resources:  # fmt: skip
    """The memory and time of simulating ``replicates`` replicates (`simulate_reach`).

    Parameters
    ----------
    scenario
        The plan made ready to run.
    replicates
        How many replicates the run keeps.
    batch, workers, chunk
        Replicates simulated together (default: as the engine chooses); processes simulating at
        once (1: this process alone); with workers, the most replicates a piece holds (default all).
    kept_events
        Replicates whose event logs are kept.
    compiled
        Whether the compiled backend runs (one replicate at a time, its code loaded into each
        process that has not loaded it yet) or the reference engine (in batches).

    Returns
    -------
    Resources
        The larger of two moments: the last batch being simulated beside the replicates kept so
        far, and the result's arrays being assembled beside every replicate's record.
    """
    periods, organisations = scenario.horizon + 1, len(scenario.organisations)
    flow = expected_flow(scenario)
    piece = replicates if workers <= 1 else min(replicates, chunk or replicates)
    together = 1 if compiled else max(1, min(batch or batch_size(scenario), piece))
    # Generations trained: the expected cascade's where it dies out on its own; where it grows until its people run
    # out (its largest generation in the later half), lines of descent go on where people remain: the depth bound.
    trained = flow.generations.nonzero()[0]
    growing = trained.size > 0 and 2 * int(flow.generations.argmax()) > int(trained[-1])
    used = flow.depth() if growing else min(flow.depth(), flow.busy_until // max(1, flow.step) + 3)
    kept = _kept(periods, used, organisations)
    events = kept_events * int(flow.trainers * 7 + flow.cohorts * 9 + flow.running * 8) * _WORD
    if compiled:  # a kept log is its replicate's tables, run again after the rest (rows: 8 generations at first)
        working, tables = _kernel_parts(scenario, flow)
        events, grown = kept_events * tables, 0
        working.append(Part("event logs", max(0, kept_events - 1) * tables, "kept before the last is run"))
    else:
        working, grown = _batch_parts(scenario, together, flow, events)
    code = _code(compiled, workers)  # loaded once a process, and kept: it counts at both moments below
    if workers > 1:
        working = [attrs.evolve(p, bytes=p.bytes * workers, detail=f"{workers} workers: {p.detail}") for p in working]
        working.append(Part("worker processes", workers * PROCESS, f"{workers} x {size(PROCESS)}"))
    held = Part("replicates kept", replicates * kept + events, f"{replicates:,} replicates x {periods:,} periods")
    assembly = Part("result arrays", _assembly(replicates, periods, used, organisations), f"{used} generations")
    # While the last batch runs, the replicates before it are kept; its own are in its records.
    before = attrs.evolve(held, bytes=max(0, replicates - together * max(1, workers)) * kept)
    simulating = [before, *working, *code]
    finishing = [held, assembly, *code]
    parts = simulating if sum(p.bytes for p in simulating) > sum(p.bytes for p in finishing) else finishing
    steps = math.ceil(replicates / together) * periods * 150
    elements = replicates * (flow.trainer_periods * 30 + flow.cohorts * 1000 + periods * (organisations * 40 + 256))
    seconds = _seconds(steps, elements)
    if compiled:  # compiled loops, not array operations: a period, a cohort, a trainer's period, an organisation's
        per_replicate = periods * (1e-6 + organisations * 1e-8) + flow.cohorts * 2e-6 + flow.trainer_periods * 2.5e-8
        seconds = replicates * per_replicate
    what = f"{replicates:,} replicates x {periods:,} periods, {organisations:,} organisations"
    advice = "use fewer replicates, a shorter horizon or a smaller batch"
    churn = int(_CHURN * grown * max(1, workers)) if replicates > together * max(1, workers) else 0
    return _resources("simulation", what, parts, seconds / max(1, workers), advice, churn)


def peer_resources(
    people: int, ties: int, replicates: int, *, initial: int, p: float, q: float, max_periods: int = 10_000,
    widest: int = 0, blocks: bool = False, workers: int = 1, compiled: bool = True,
) -> Resources:  # fmt: skip
    """The memory and time of `simulate_peer_uptake` on a staff network (the network itself not counted).

    Parameters
    ----------
    people, ties
        The network's people, and its ties counted from both ends (``StaffGraph.indices``).
    replicates, max_periods, widest
        How many replicates; the most periods one runs; the most ties one person has.
    initial, p, q
        People active at the start; the chances of reaching a colleague and of stopping.
    blocks, workers, compiled
        Whether replicates run 64 at a time; the processes they are shared between; whether the
        compiled backend runs (its code counts where it is not loaded yet).

    Returns
    -------
    Resources
        Per person, who is trained and who is active (at most everyone; compiled, a byte, a bit
        and a word); the reference engine's ties being drawn for, `CHUNK` at a time; and every
        replicate's series, as long as a replicate can last (with q = 1 someone new is reached
        every period, so at most one period a person). With workers, each holds its own working
        arrays and a copy of the network.
    """
    lasting = q >= 1
    periods = (min(max_periods, max(people - initial, 0) + 1) if lasting else max_periods) + 1
    passes = 1.0 if lasting else min(1.0 / max(q, 1e-12), float(max_periods))
    # One at a time, and blocks of 64 at about 0.7 of that a replicate (measured 0.6 to 0.85, 100,000 to 1,000,000)
    seconds = _seconds(replicates * 200.0, replicates * (2.0 * people + 10.0 * ties * passes)) * (0.7 if blocks else 1)
    if blocks:  # who starts (kept as the active), is and was trained, the active, people chosen: 40 bytes; margin
        working = [Part("people", people * 48, f"{people:,} people, a word each for 64 replicates")]
    elif compiled:  # ``kernels.peer_replicate``: trained (a byte), marked (a bit) and active (a word) per person
        working = [Part("people", people * 9 + people // 8 + 4096 * _WORD, f"{people:,} people")]
    else:
        # Per person: trained and reached (a byte each), ties (8); the active and those reached joined to
        # them (16 bytes, 24 when people stay active, q < 1); 1 for reached people gathered.
        piece = min(ties, CHUNK + widest)
        drawn = piece * 20 + int(min(people, CHUNK, piece * people / max(ties, 1))) * 16
        working = [
            Part("people", people * (2 + 8 + (16 if lasting else 24) + 1), f"{people:,} people"),
            Part("ties drawn for", drawn, f"{piece:,} of {ties:,} ties at a time"),
        ]
    if workers > 1:
        working = [attrs.evolve(p, bytes=p.bytes * workers, detail=f"{workers} workers: {p.detail}") for p in working]
        working.append(Part("network copies", 2 * workers * (people + 1 + ties) * _WORD, "sent to each worker"))
        working.append(Part("worker processes", workers * PROCESS, f"{workers} x {size(PROCESS)}"))
    kept = f"{replicates:,} replicates x {periods:,} periods"
    series = Part("series", replicates * (periods * 16 + 2 * _OBJECT), kept)
    what = f"{replicates:,} replicates over {people:,} people and {ties // 2:,} ties"
    advice = "use fewer replicates or a lower max_periods"
    parts = [*working, series, *_code(compiled, workers, _PEER)]
    return _resources("peer uptake", what, parts, seconds / max(1, workers), advice)


def projection_resources(scenario: Scenario, draws: int | None = None, check: int = 200) -> Resources:
    """The memory and time of `project_reach`: its rows of equations, then its check beside its result.

    Parameters
    ----------
    scenario
        The plan made ready to run.
    draws, check
        Draws of the plan's distributions (default as `project_reach` chooses); runs of the
        simulation it is checked against (0: none).

    Returns
    -------
    Resources
        The larger of the rows being run (in parts of at most about 256 MB, each row up to twice
        where an early die-out is uncertain) beside their series, and the check's simulation
        beside the projected result.
    """
    count = 1 if not uncertain(scenario) else DRAWS if draws is None else draws
    tiers, _ = draw_parameters(scenario, 1, 0)
    periods, organisations = scenario.horizon + 1, len(scenario.organisations)
    g = generations(scenario, tiers)
    rows = 2 * count if count > 1 or uncertain(scenario) else 2
    per_row = row_bytes(scenario, tiers) * 3 // 2  # the projection's own sizing of a row, measured short
    together = min(rows, max(1, MEMORY // per_row))
    series = periods * (g + 8) * _WORD + 2 * organisations * _WORD
    parts = [
        Part("rows being run", together * per_row, f"{together:,} rows of {rows:,} at a time"),
        Part("projected series", (rows + count) * series, f"{rows:,} rows x {periods:,} periods"),
        Part("organisation series", 2 * periods * organisations * _WORD, f"{organisations:,} organisations"),
    ]
    steps = math.ceil(rows / together) * periods * 400.0
    elements = rows * float(per_row) * periods / 2
    seconds = _seconds(steps, elements)
    if check:
        simulated = simulation_resources(scenario, check)
        kept = Part("projected result", count * series * 2, f"{count:,} draws")
        if simulated.bytes + kept.bytes > sum(p.bytes for p in parts):
            parts = [
                kept,
                *(attrs.evolve(p, name=f"check: {p.name}") for p in simulated.parts if p.name != "allocator"),
            ]
        seconds += simulated.seconds
    checking = f"checked by {check:,} runs" if check else "unchecked"
    what = f"{count:,} draws x {periods:,} periods, {organisations:,} organisations, {checking}"
    return _resources("projection", what, parts, seconds, "use fewer draws or a shorter check (check=0)")


def sweep_resources(estimates: Iterable[Resources], replicates: int, periods: int, workers: int = 1) -> Resources:
    """The memory and time of a sweep: its largest scenario in each worker at once, and what it keeps.

    Parameters
    ----------
    estimates
        Each scenario's `simulation_resources` (run in one process, as a sweep's worker runs it).
    replicates, periods
        Replicates per scenario; the most periods a scenario has (its horizon and one): each keeps
        three series of them.
    workers
        Scenarios simulated at once, each in its own process.

    Returns
    -------
    Resources
    """
    scenarios = list(estimates)
    largest = max(scenarios, key=lambda estimate: estimate.bytes)
    at_once = max(1, min(workers, len(scenarios)))
    counted = sum(part.bytes for part in largest.parts if part.name != "allocator")
    parts = [
        Part("scenarios at once", at_once * counted, f"{at_once} x {size(counted)}: {largest.what}"),
        Part("worker processes", (at_once if workers > 1 else 0) * PROCESS, f"{at_once} processes"),
        Part("summaries kept", len(scenarios) * (3 * periods * 32 + 16 * 2**10), f"{len(scenarios):,} scenarios"),
    ]
    seconds = sum(estimate.seconds for estimate in scenarios) / at_once
    what = f"{len(scenarios):,} scenarios x {replicates:,} replicates, {at_once} at once"
    return _resources("sweep", what, parts, seconds, "use fewer replicates or scenarios, or fewer workers")


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:,.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:,.0f} hours"
    return f"{seconds / 60:,.0f} minutes" if seconds >= 120 else f"{seconds:,.0f} seconds"


def check_resources(resources: Resources, memory_limit: float | None = None, time_limit: float | None = None) -> int:
    """Refuse a run, before it starts, whose estimate exceeds its memory or time limit.

    Parameters
    ----------
    resources
        The run's estimate.
    memory_limit, time_limit
        Bytes the run may add to this process (default `default_memory_limit`); seconds it may be
        estimated to take (default `DAY`: only absurd runs are refused).

    Returns
    -------
    int
        The memory limit the run was checked against, in bytes.

    Raises
    ------
    MemoryLimitError, TimeLimitError
        Naming the estimate, the limit and what to change.
    ValueError
        When a limit is not a positive, finite number.
    """
    for name, value in (("memory_limit", memory_limit), ("time_limit", time_limit)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive, finite number, not {value!r}")
    limit = default_memory_limit() if memory_limit is None else int(memory_limit)
    if resources.bytes > limit:
        default = "half the machine's memory, or the process's or its cgroup's limit, less what is in use"
        which = "" if memory_limit is not None else f" (the default: {default})"
        raise MemoryLimitError(
            f"this {resources.engine} would need {resources.describe()}, more than the limit of {size(limit)}"
            f"{which}: {resources.advice}, or raise the limit (memory_limit, or --memory-limit GIB)"
        )
    allowed = DAY if time_limit is None else time_limit
    if resources.seconds > allowed:
        raise TimeLimitError(
            f"this {resources.engine} would take about {_duration(resources.seconds)} ({resources.what}), more "
            f"than the limit of {_duration(allowed)}: {resources.advice}, or raise the limit (time_limit)"
        )
    return limit


def exhausted(resources: Resources, limit: int, error: MemoryError) -> MemoryExhaustedError:
    """The error for a run that ran out of memory after its estimate was checked: it names both.

    Parameters
    ----------
    resources, limit, error
        The run's estimate; the limit it was checked against, in bytes; the `MemoryError` raised.

    Returns
    -------
    MemoryExhaustedError
    """
    detail = f" ({error})" if str(error) else ""
    return MemoryExhaustedError(
        f"ran out of memory{detail}: this {resources.engine} was estimated to need {resources.describe()}, "
        f"within the limit of {size(limit)}; other processes may be using the memory: {resources.advice}, "
        "or set a lower limit (memory_limit, or --memory-limit GIB) to be told before it starts",
        resources,
        limit,
    )
