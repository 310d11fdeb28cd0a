"""Resource estimates and guards: every engine refuses, before any work, a run too big for its limit; the
limit follows the process's own; and running out of memory all the same is a message, not a traceback."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import tipframe
from tipframe.cli import main
from tipframe.reach import limits
from tipframe.reach.generate import synthetic_workforce
from tipframe.reach.limits import MemoryLimitError, ResourceLimitError, TimeLimitError, default_memory_limit
from tipframe.reach.resources import peer_resources, projection_resources, simulation_resources
from tipframe.reach.scenario import prepare

PLAN = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
WORKFORCE = tipframe.load("builtin:help-the-helpers-community", tipframe.Workforce)
PROGRAMME = tipframe.load("builtin:help-the-helpers", tipframe.Programme)


def _huge(folder: Path) -> tuple[Path, Path]:
    """A plan inside every schema limit: 5,000 organisations of 100,000,000 staff, 1,000,000 seed trainers each."""
    names = [f"org-{i}" for i in range(5000)]
    workforce = folder / "huge-workforce.yaml"
    workforce.write_text(
        "tipframe: 1\nkind: Workforce\nid: huge\nname: Huge\norganisations:\n"
        + "".join(f"  - {{id: {name}, headcount: 100000000}}\n" for name in names)
    )
    plan = folder / "huge-plan.yaml"
    plan.write_text(
        "tipframe: 1\nkind: CascadePlan\nid: huge-plan\nname: Huge\nprogramme: builtin:help-the-helpers\n"
        "workforce: huge\nperiod: P1W\nhorizon: 104\ntiers: [{cohort_size: 8, facilitators: 2, conversion: 0.2}]\n"
        "seed_trainers:\n" + "".join(f"  - {{organisation: {name}, trainers: 1000000}}\n" for name in names)
    )
    return plan, workforce


def test_the_huge_plan_is_refused_fast_by_every_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_path, workforce_path = _huge(tmp_path)
    started = time.monotonic()
    code = main(["reach", str(plan_path), "--workforce", str(workforce_path), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "this simulation would need about" in err
    assert "TiB" in err
    assert "more than the limit of" in err
    assert "trainer table" in err
    assert "Traceback" not in err
    assert "internal error" not in err
    plan = tipframe.load(plan_path, tipframe.CascadePlan)
    workforce = tipframe.load(workforce_path, tipframe.Workforce)
    with pytest.raises(MemoryLimitError, match=r"this projection would need about [\d.]+ TiB .*check: "):
        tipframe.project_reach(plan, workforce, PROGRAMME)
    assert time.monotonic() - started < 30  # refused from the estimates: nothing was allocated


def test_the_huge_peer_run_and_sweep_are_refused_before_they_start() -> None:
    graph = tipframe.StaffGraph.from_edges(3, [0, 1], [1, 2])
    with pytest.raises(ResourceLimitError, match="this peer uptake would"):
        tipframe.simulate_peer_uptake(graph, [0], 0.5, replicates=10**9)
    with pytest.raises(MemoryLimitError, match="this sweep would need about"):
        tipframe.sweep(PLAN, WORKFORCE, PROGRAMME, grid={"horizon": [52, 104]}, replicates=10**7)


def test_the_estimate_counts_the_cohort_table() -> None:
    # The simulation makes room for every cohort a replicate could start: eligible staff over the
    # smallest cohort, for every replicate of a batch.
    workforce = synthetic_workforce(10, 1_000_000, seed=1)
    seeds = [{"organisation": o.id, "trainers": 2} for o in workforce.organisations]

    def estimate(size: int) -> tuple[int, int]:
        # No trainer made: the cohorts' size changes nothing else the run holds.
        values = {"workforce": workforce.id, "seed_trainers": seeds, "tiers[0].cohort_size": size}
        plan = tipframe.variant(PLAN, {**values, "tiers[0].conversion": 0})
        resources = simulation_resources(prepare(plan, workforce, PROGRAMME), 64, compiled=False)
        table = next(part for part in resources.parts if part.name == "cohort table")
        return table.bytes, resources.bytes

    (table_4, total_4), (table_8, total_8), (table_16, total_16) = estimate(4), estimate(8), estimate(16)
    assert table_4 == pytest.approx(2 * table_8, rel=0.01)
    assert table_8 == pytest.approx(2 * table_16, rel=0.01)
    assert table_4 >= 64 * (1_000_000 // 4) * 9 * 8  # rows x columns x 8 bytes
    assert total_4 > total_8 > total_16


def test_estimates_grow_with_what_each_engine_holds() -> None:
    scenario = prepare(PLAN, WORKFORCE, PROGRAMME)
    # The reference engine's batches (a fixed part beside the replicates' records); the compiled engine's one
    # replicate adds its code once, not per replicate.
    assert (
        simulation_resources(scenario, 10_000, compiled=False).bytes
        > 20 * simulation_resources(scenario, 100, compiled=False).bytes
    )
    # Compiled, a replicate keeps its series by generation only as deep as it went: less grows per replicate,
    # beside the code's fixed part.
    assert simulation_resources(scenario, 10_000).bytes > 2 * simulation_resources(scenario, 100).bytes
    longer = prepare(tipframe.variant(PLAN, {"horizon": 520}), WORKFORCE, PROGRAMME)
    assert (
        simulation_resources(longer, 1000, compiled=False).bytes
        > 4 * simulation_resources(scenario, 1000, compiled=False).bytes
    )
    assert projection_resources(scenario, check=2000).bytes > projection_resources(scenario, check=0).bytes
    small = peer_resources(10_000, 100_000, 10, initial=1, p=0.2, q=1.0, compiled=False)
    assert peer_resources(1_000_000, 10_000_000, 10, initial=1, p=0.2, q=1.0, compiled=False).bytes > 10 * small.bytes
    assert {part.name for part in small.parts} >= {"people", "ties drawn for", "series"}


def test_compiled_estimates_count_the_kernels_own_arrays() -> None:
    # The compiled peer kernel holds a byte, a bit and a word a person: not the reference engine's ties drawn for.
    compiled = peer_resources(1_000_000, 10_000_000, 3, initial=10, p=0.5, q=1.0)
    reference = peer_resources(1_000_000, 10_000_000, 3, initial=10, p=0.5, q=1.0, compiled=False)
    assert "ties drawn for" not in {part.name for part in compiled.parts}
    assert next(part.bytes for part in compiled.parts if part.name == "people") < 10 * 1_000_000
    assert next(part.bytes for part in reference.parts if part.name == "people") > 20 * 1_000_000
    # The compiled cascade: one call's tables and the copies they outgrew.
    workforce = synthetic_workforce(10, 100_000, seed=1)
    seeds = [{"organisation": o.id, "trainers": 20} for o in workforce.organisations]
    plan = tipframe.variant(PLAN, {"workforce": workforce.id, "seed_trainers": seeds, "tiers[0].cohort_size": 2})
    parts = {p.name: p.bytes for p in simulation_resources(prepare(plan, workforce, PROGRAMME), 10).parts}
    assert parts["trainer table"] > 0
    assert parts["cohort table"] >= (100_000 // 2) * 8 * 8  # room for everyone in pairs, 8 columns or more
    assert "outgrown tables" in parts


def test_a_run_too_long_is_refused_and_limits_must_be_positive() -> None:
    with pytest.raises(TimeLimitError, match=r"would take about .* more than the limit of"):
        tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=1000, time_limit=0.001)
    for limit in (-1, 0, math.nan, math.inf):
        with pytest.raises(ValueError, match="memory_limit must be a positive, finite number"):
            tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=10, memory_limit=limit)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_limit must be"):
        tipframe.project_reach(PLAN, WORKFORCE, PROGRAMME, time_limit=math.nan)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "-inf", "1e-12", "lots"])
def test_memory_limit_on_the_command_line_is_positive_and_finite(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["reach", "--replicates", "10", f"--memory-limit={value}"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--memory-limit" in err
    assert "GiB" in err
    assert "Traceback" not in err


def test_a_memory_error_inside_becomes_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError("Unable to allocate 1.46 TiB for an array with shape (5000, 100000000)")

    monkeypatch.setattr("tipframe.reach.run.monte_carlo_result", out_of_memory)
    assert main(["reach", "--replicates", "20", "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "ran out of memory (Unable to allocate 1.46 TiB" in err
    assert "estimated to need about" in err
    assert "within the limit of" in err
    assert "internal error" not in err
    assert "Traceback" not in err
    # Outside the engines the estimate is not known: the message still says what happened.
    monkeypatch.undo()
    monkeypatch.setattr("tipframe.reach.measures.describe_summary", out_of_memory)
    assert main(["reach", "--replicates", "20", "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tipframe: out of memory (Unable to allocate")
    assert "internal error" not in err


def _limited(code: str, address_space: int) -> subprocess.CompletedProcess[str]:
    """Run Python code in a child whose address space is limited (as ``prlimit --as`` does)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, resource.getrlimit(resource.RLIMIT_AS)[1]))

    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=limit, env=environment, check=False
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc")
def test_the_default_limit_respects_the_address_space_limit() -> None:
    ask = "from tipframe.reach.limits import default_memory_limit; print(default_memory_limit())"
    free = int(_limited(ask, 2**62).stdout)
    limited = int(_limited(ask, 3_000_000_000).stdout)
    assert 0 < limited < 3_000_000_000
    assert limited < free
    # What `prlimit --as=3000000000 tipframe reach --replicates 1000000 --workers 1` does: refused at once.
    started = time.monotonic()
    argv = "['tipframe', 'reach', '--replicates', '1000000', '--workers', '1', '--quiet']"
    run = _limited(f"import sys; sys.argv = {argv}; from tipframe.cli import run; run()", 3_000_000_000)
    assert run.returncode == 2, run.stderr
    assert "more than the limit of" in run.stderr
    assert "internal error" not in run.stderr
    assert time.monotonic() - started < 30


def test_the_default_limit_counts_the_cgroup(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "/proc/self/cgroup": "0::/job\n",
        "/sys/fs/cgroup/job/memory.max": str(4 * 2**30),
        "/sys/fs/cgroup/job/memory.current": str(3 * 2**30),
        "/sys/fs/cgroup/job/memory.stat": f"anon 1\ninactive_file {2**29}\n",
    }
    monkeypatch.setattr(limits, "_read", files.get)
    assert default_memory_limit() <= 2**30 + 2**29
    files["/sys/fs/cgroup/job/memory.max"] = "max"
    files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = str(2 * 2**30)
    files["/sys/fs/cgroup/memory/memory.usage_in_bytes"] = str(2**30)
    assert default_memory_limit() <= 2**30


_CHILD = """
import ctypes, gc, json
import tipframe
from tipframe.reach.resources import simulation_resources
from tipframe.reach.scenario import prepare

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

plan = tipframe.variant(tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan), {"horizon": 2000})
documents = plan, tipframe.load(plan.workforce, tipframe.Workforce), tipframe.load(plan.programme, tipframe.Programme)
estimate = simulation_resources(prepare(*documents), 400).bytes
gc.collect()
ctypes.CDLL("libc.so.6").malloc_trim(0)
open("/proc/self/clear_refs", "w").write("5")
baseline = status("VmRSS")
tipframe.simulate_reach(*documents, replicates=400, seed=1)
print(json.dumps({"estimate": estimate, "peak": status("VmHWM") - baseline}))
"""


@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's /proc/self/clear_refs")
def test_a_small_plan_peaks_within_its_estimate() -> None:
    # As benchmarks/memory_check.py measures: the run's own peak, above the process it starts in.
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_CHILD)], capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout)
    assert measured["peak"] > 50 * 2**20  # large enough that the allocator's noise is small beside it
    assert measured["peak"] <= measured["estimate"] <= 1.25 * measured["peak"], measured
