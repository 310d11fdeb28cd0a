"""Simulation guards: a run too big for memory says so before it starts; Ctrl-C stops a long run cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc

import pytest

import tipframe
from tipframe.reach import MemoryLimitError, estimate_memory
from tipframe.reach.resources import simulation_resources
from tipframe.reach.scenario import prepare

PLAN = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
WORKFORCE = tipframe.load("builtin:help-the-helpers-community", tipframe.Workforce)
PROGRAMME = tipframe.load("builtin:help-the-helpers", tipframe.Programme)


def test_a_run_too_big_for_memory_is_refused_before_it_starts() -> None:
    tracemalloc.start()
    with pytest.raises(MemoryLimitError, match=r"would need about \d+\.\d [GT]iB \(10,000,000 replicates x 105"):
        tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=10_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 2**20  # refused from the estimate, not after filling memory


def test_the_estimate_grows_with_replicates_periods_and_organisations() -> None:
    scenario = prepare(PLAN, WORKFORCE, PROGRAMME)
    # The reference engine's estimate (its batch's fixed part beside the records): the compiled engine's adds its
    # code once (while not loaded).
    small, big = (simulation_resources(scenario, n, compiled=False).bytes for n in (100, 10_000))
    assert big > 20 * small > 0
    longer = prepare(tipframe.variant(PLAN, {"horizon": 520}), WORKFORCE, PROGRAMME)
    assert simulation_resources(longer, 100, compiled=False).bytes > 4 * small
    assert estimate_memory(scenario, 10_000) > estimate_memory(scenario, 100)
    need = estimate_memory(scenario, 50)
    with pytest.raises(MemoryLimitError):
        tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=50, memory_limit=need - 1)
    assert tipframe.simulate_reach(PLAN, WORKFORCE, PROGRAMME, replicates=50, memory_limit=need).replicates == 50


def test_the_command_line_refuses_with_usage_exit(capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    assert main(["reach", "--replicates", "100000", "--memory-limit", "0.01", "--quiet"]) == 2
    assert "more than the limit of 10.2 MiB" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_long_run_cleanly() -> None:
    child = subprocess.Popen(
        # The reference backend: a run long enough to interrupt on any machine, and no first compilation
        # (numba cannot be interrupted while it compiles, which the first run on a machine does).
        [
            sys.executable,
            "-m",
            "tipframe",
            "reach",
            "--replicates",
            "20000",
            "--workers",
            "2",
            "--quiet",
            "--backend",
            "reference",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
        # A job started in the background by a shell ignores Ctrl-C, and its children inherit that:
        # the child is given Ctrl-C's default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(4)
    assert child.poll() is None, child.communicate()
    started = time.monotonic()
    os.killpg(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert child.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err + out
