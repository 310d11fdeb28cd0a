"""Sweeps: many variants of a cascade plan, each simulated, on local processes or any executor (Dask included).

Each scenario is a plan with some fields set to new values. Its random numbers come from the
sweep's seed and the SHA-256 of its canonical JSON (plan and workforce), never from its place in
the sweep, so a scenario gives the same numbers in any sweep and on any executor.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
import numpy as np

from tipframe.io.documents import from_data, to_data
from tipframe.io.files import write_atomic
from tipframe.io.problems import DocumentError
from tipframe.model import CascadePlan, Programme, Workforce
from tipframe.reach.costs import CostSummary, prices, summarise_costs
from tipframe.reach.measures import ReachSummary, people_series, summarise_reach
from tipframe.reach.resources import Resources, check_resources, exhausted, simulation_resources, sweep_resources
from tipframe.reach.run import simulate_scenario
from tipframe.reach.scenario import prepare
from tipframe.tables import data_frame, html_table

__all__ = ["SweepResult", "SweepScenario", "sweep", "variant"]


class DaskClient(Protocol):
    """What a sweep uses of a Dask ``distributed.Client`` (its public API)."""

    def get_executor(self) -> concurrent.futures.Executor: ...

    def scatter(self, data: Any, broadcast: bool = ...) -> Any: ...


_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at ``path`` (``tiers[0].cohort_size``) in plain document data."""
    steps = path.split(".")
    here: Any = data
    for number, step in enumerate(steps):
        match = _STEP.fullmatch(step)
        if match is None:
            raise KeyError(f"{path!r}: {step!r} is not a field name, or a field name with an [index]")
        name, index = match.group(1), match.group(2)
        last = number == len(steps) - 1
        if index is None:
            if last:
                here[name] = value
                return
            if not isinstance(here.get(name), dict):
                raise KeyError(f"{path!r}: the plan has no {name!r} to look inside")
            here = here[name]
            continue
        items = here.get(name)
        if not isinstance(items, list) or int(index) >= len(items):
            raise KeyError(f"{path!r}: the plan has no {name}[{index}]")
        if last:
            items[int(index)] = value
            return
        here = items[int(index)]


def variant(plan: CascadePlan, values: Mapping[str, Any]) -> CascadePlan:
    """The plan with each ``path: value`` set (``{"tiers[0].cohort_size": 8, "horizon": 52}``).

    Parameters
    ----------
    plan
        The plan to vary.
    values
        Paths into the plan, each with its new value written as in a document (a probability
        may be ``0.3`` or ``{"beta": [3, 7]}``).

    Returns
    -------
    CascadePlan
        Checked as a loaded document would be.

    Raises
    ------
    KeyError
        When a path names no field of the plan.
    DocumentError
        When a value is not valid where it is put, naming the field.
    """
    data = to_data(plan)
    for path, value in values.items():
        _set(data, path, value)
    return from_data(data, CascadePlan, file=f"<variant of {plan.id}>")


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scenario_key(plan: CascadePlan, workforce: Workforce) -> str:
    """SHA-256 of a scenario's canonical JSON: its plan and workforce, keys sorted, no spaces.

    Parameters
    ----------
    plan, workforce
        The scenario's plan and the workforce it runs over.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    return hashlib.sha256(_canonical({"plan": to_data(plan), "workforce": to_data(workforce)}).encode()).hexdigest()


def scenario_entropy(seed: int, key: str) -> tuple[int, ...]:
    """The entropy a scenario's replicates are seeded from: the sweep's seed, then its key as 32-bit words.

    Replicate i of the scenario uses ``SeedSequence(entropy, spawn_key=(i,))``.

    Parameters
    ----------
    seed
        The sweep's seed.
    key
        The scenario's `scenario_key`.

    Returns
    -------
    tuple of int
    """
    return (seed, *(int(key[i : i + 8], 16) for i in range(0, 64, 8)))


@attrs.frozen
class SweepScenario:
    """One design in a sweep: the values it set, its key, and its measures."""

    index: int
    values: Mapping[str, Any]
    key: str  # SHA-256 of the scenario's canonical JSON (plan and workforce)
    summary: ReachSummary
    #: people reached (who started, staff seeds included) per period: the mean, for plots of several
    #: designs (the field keeps its first name)
    trained_mean: tuple[float, ...]
    trained_low: tuple[float, ...]  # 5th percentile across replicates, per period
    trained_high: tuple[float, ...]  # 95th percentile
    costs: CostSummary | None = None  # with the plan's prices: the design's costs


@attrs.frozen
class SweepResult:
    """Every scenario of a sweep, in the order given."""

    plan: CascadePlan
    replicates: int
    seed: int
    scenarios: tuple[SweepScenario, ...]

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per scenario: its values, then reach, time to reach, adoption, maintenance and depth.

        Returns
        -------
        list of dict
            Each measure as the summary gives it: under its own name (``reach``) its headline,
            the median across replicates, then ``reach_low`` and ``reach_high`` (the 90%
            interval), ``reach_mean`` and ``reach_mcse`` (the mean's Monte Carlo standard
            error); each time to reach (``time_to_50``) likewise as its median with ``_low``,
            ``_high`` and ``_share`` (the share of replicates reaching it); and the scenario's
            ``key``.
        """
        rows = []
        for scenario in self.scenarios:
            s = scenario.summary
            row: dict[str, Any] = {"scenario": scenario.index, **dict(scenario.values)}
            for name in ("reach", "adoption_organisations", "adoption_trainers", "maintenance", "depth"):
                estimate = getattr(s, name)
                row[name] = estimate.median  # the headline, as in the summary
                row |= {k: v for k, v in estimate.columns(name).items() if k != f"{name}_median"}
            for time in s.time_to:
                label = f"time_to_{round(100 * time.level)}"
                row |= {label: time.median, f"{label}_low": time.low, f"{label}_high": time.high}
                row[f"{label}_share"] = time.share_reached
            row["key"] = scenario.key
            rows.append(row)
        return rows

    def _repr_html_(self) -> str:
        caption = (
            f"Sweep of {self.plan.name}: {len(self.scenarios)} designs, {self.replicates} replicates each (modelled); "
            "each measure is the median with its 90% interval; to_frame() has every column"
        )
        from tipframe.reach.sweep_display import compact_rows

        return html_table(compact_rows(self), caption=caption)

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (``pip install tipframe[table]``).

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        ImportError
            When pandas is missing, saying what to install.
        """
        return data_frame(self.rows())

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the rows as CSV, atomically (values written as JSON where they are not plain numbers or text).

        Parameters
        ----------
        path
            The file to write.

        Raises
        ------
        OSError
            When the file cannot be written.
        """
        import csv
        import io

        rows = self.rows()
        out = io.StringIO(newline="")
        columns = list(dict.fromkeys(key for row in rows for key in row)) or ["scenario"]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v if isinstance(v, int | float | str) else json.dumps(v) for k, v in row.items()})
        write_atomic(path, out.getvalue())

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the rows as Parquet (``pip install tipframe[table]``); values that are lists or mappings as JSON.

        Parameters
        ----------
        path
            The file to write.

        Raises
        ------
        ImportError
            When pandas, or a Parquet engine for it (pyarrow), is missing.
        OSError
            When the file cannot be written.
        """
        frame = self.to_frame()
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, dict | list)).any():
                frame[column] = frame[column].map(json.dumps)
        frame.to_parquet(os.fspath(path), index=False)


#: what a worker sends back for one scenario: its summary and its trained series (mean, 5th, 95th percentile)
#: a design's costs travel back as the summary's fields less the prices (a document's extensions do not pickle)
_Outcome = tuple[ReachSummary, tuple[float, ...], tuple[float, ...], tuple[float, ...], dict[str, Any] | None]


def _run_scenario(
    plan: dict[str, Any], workforce: Any, programme: dict[str, Any], entropy: tuple[int, ...], replicates: int
) -> _Outcome:
    """Simulate one scenario in a worker; documents travel as plain data."""
    documents = (
        from_data(plan, CascadePlan),
        workforce if isinstance(workforce, Workforce) else from_data(workforce, Workforce),
        from_data(programme, Programme),
    )
    result = simulate_scenario(prepare(*documents), entropy, replicates)
    trained = people_series(result)[0]  # people reached, as the reach measure counts them
    low, high = np.percentile(trained, [5, 95], axis=0)
    return (
        summarise_reach(result),
        tuple(float(x) for x in trained.mean(axis=0)),
        tuple(float(x) for x in low),
        tuple(float(x) for x in high),
        _cost_fields(summarise_costs(result)),
    )


def _cost_fields(summary: CostSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {f.name: getattr(summary, f.name) for f in attrs.fields(CostSummary) if f.name != "costs"}


def _grid(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    names = list(grid)
    for name in names:
        if isinstance(grid[name], str | bytes) or not isinstance(grid[name], Iterable):
            raise TypeError(f"grid[{name!r}] must be a list of values")
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(list(grid[n]) for n in names))]


def _run_all(
    tasks: Sequence[tuple[dict[str, Any], tuple[int, ...], int]],
    workforce: Workforce,
    programme: Programme,
    executor: concurrent.futures.Executor | DaskClient | None,
    progress: Callable[[int, int], None] | None,
) -> list[_Outcome]:
    """Run each scenario's task on the executor (local processes by default), in order; Ctrl-C stops them all."""
    workforce_data: Any = to_data(workforce)
    own = executor is None
    pool: concurrent.futures.Executor
    if executor is None:
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, len(tasks)))
    elif isinstance(executor, concurrent.futures.Executor):
        pool = executor
    else:  # a Dask client: send the workforce to every worker once
        pool = executor.get_executor()
        workforce_data = executor.scatter(workforce_data, broadcast=True)
    programme_data = to_data(programme)
    try:
        futures = [
            pool.submit(_run_scenario, plan, workforce_data, programme_data, entropy, replicates)
            for plan, entropy, replicates in tasks
        ]
        outcomes = []
        try:
            for done, future in enumerate(futures, 1):
                outcomes.append(future.result())
                if progress is not None:
                    progress(done, len(futures))
        except BaseException:
            for future in futures:  # stop cleanly: nothing more starts
                future.cancel()
            if own:
                pool.shutdown(wait=False, cancel_futures=True)
                own = False
            raise
    finally:
        if own:
            pool.shutdown()
    return outcomes


def _estimate(
    plans: Sequence[CascadePlan],
    workforce: Workforce,
    programme: Programme,
    replicates: int,
    executor: concurrent.futures.Executor | DaskClient | None,
) -> Resources:
    """The sweep's `sweep_resources`: each scenario as its worker simulates it, as many at once as workers.

    A Dask client's workers are other machines: each must hold one scenario, so they count as one here.
    """
    workers = min(os.cpu_count() or 1, len(plans)) if executor is None else 1
    if isinstance(executor, concurrent.futures.Executor):
        count = getattr(executor, "_max_workers", None)  # a local pool's only record of its workers is private
        workers = count if isinstance(count, int) and count > 0 else 1
    estimates = [simulation_resources(prepare(p, workforce, programme), replicates) for p in plans]
    return sweep_resources(estimates, replicates, max(p.horizon for p in plans) + 1, workers)


def sweep(
    plan: CascadePlan,
    workforce: Workforce,
    programme: Programme | None = None,
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    scenarios: Sequence[Mapping[str, Any]] | None = None,
    replicates: int = 200,
    seed: int = 0,
    executor: concurrent.futures.Executor | DaskClient | None = None,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: int | None = None,
    time_limit: float | None = None,
) -> SweepResult:
    """Simulate every combination of ``grid`` (or each of ``scenarios``), ``replicates`` times each.

    The numbers do not depend on the executor or on the order of scenarios: each scenario is
    seeded from ``seed`` and the SHA-256 of its canonical JSON.

    Parameters
    ----------
    plan, workforce
        The plan to vary and the workforce it runs over.
    programme
        The programme delivered (default: the built-in the plan names).
    grid
        Plan paths (``tiers[0].cohort_size``, ``horizon``) and the values each takes; every
        combination is a scenario.
    scenarios
        Instead of a grid: each scenario's ``{path: value}``.
    replicates
        Replicates per scenario.
    seed
        The sweep's seed.
    executor
        None for local processes (one per core); any `concurrent.futures.Executor`; or a Dask
        ``distributed.Client``, whose workers then receive the workforce once rather than with
        every task.
    progress
        Called ``progress(done, total)`` as scenarios finish (``tipframe.terminal_progress()``
        draws a bar at a terminal).
    memory_limit, time_limit
        As for `simulate_reach`: every scenario is estimated, and the sweep (its largest scenario
        in each worker at once, `sweep_resources`) is refused before it starts when it exceeds
        either.

    Returns
    -------
    SweepResult
        Every scenario, in the order given, with its measures.

    Raises
    ------
    ValueError
        For a bad number of replicates or seed, or neither or both of ``grid`` and ``scenarios``.
    KeyError
        When a path names no field of the plan.
    DocumentError
        When a value is not valid where it is put.
    MemoryLimitError, TimeLimitError
        Before it starts, when its estimate exceeds a limit.
    """
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    if (grid is None) == (scenarios is None):
        raise ValueError("give a grid or a list of scenarios, not both and not neither")
    chosen = _grid(grid) if grid is not None else [dict(s) for s in scenarios or ()]
    if not chosen:
        raise ValueError("the sweep has no scenarios")
    if programme is None:
        from tipframe.io.documents import load

        if not plan.programme.startswith("builtin:"):
            raise ValueError(f"give the programme: the plan names {plan.programme!r}, which is not built in")
        programme = load(plan.programme, Programme)
    plans = []
    for values in chosen:
        try:
            plans.append(variant(plan, values))
        except KeyError as error:
            raise KeyError(f"scenario {values}: {error.args[0]}") from None
        except DocumentError as error:
            raise DocumentError(error.problems) from None
    estimate = _estimate(plans, workforce, programme, replicates, executor)
    allowed = check_resources(estimate, memory_limit, time_limit)
    keys = [scenario_key(p, workforce) for p in plans]
    tasks = [(to_data(p), scenario_entropy(seed, key), replicates) for p, key in zip(plans, keys, strict=True)]
    try:
        outcomes = _run_all(tasks, workforce, programme, executor, progress)
    except MemoryError as error:
        raise exhausted(estimate, allowed, error) from error
    return SweepResult(
        plan=plan,
        replicates=replicates,
        seed=seed,
        scenarios=tuple(
            SweepScenario(
                index=i,
                values=values,
                key=key,
                summary=summary,
                trained_mean=mean,
                trained_low=low,
                trained_high=high,
                costs=CostSummary(costs=priced, **costs)
                if costs is not None and (priced := prices(p, programme)) is not None
                else None,
            )
            for i, (values, key, p, (summary, mean, low, high, costs)) in enumerate(
                zip(chosen, keys, plans, outcomes, strict=True)
            )
        ),
    )
