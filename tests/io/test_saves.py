"""Nothing lost: an interrupted save leaves the original file whole, and numbers reproduce across processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tipframe

ROOT = Path(__file__).parent.parent.parent


def test_a_save_killed_midway_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "programme.yaml"
    original = (ROOT / "examples" / "help-the-helpers.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    # The child saves a changed programme, but its disk is slow: it is killed while the new text
    # is written and not yet in place.
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time, tipframe\n"
            "os.fsync = lambda fd: time.sleep(60)\n"
            "p = tipframe.load(sys.argv[1])\n"
            "tipframe.dump(tipframe.loads(tipframe.dumps(p).replace('Help the Helpers', 'Changed')), sys.argv[1])\n",
            str(target),
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(".tipframe-*.tmp")):
            assert time.monotonic() < deadline, "the save never started"
            assert child.poll() is None, "the save finished before it could be interrupted"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert target.read_text(encoding="utf-8") == original
    assert tipframe.load(target).name == "Help the Helpers"


def test_an_interrupted_save_in_process_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "programme.yaml"
    original = (ROOT / "examples" / "help-the-helpers.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    document = tipframe.load(target)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tipframe.dump(document, target)
    assert target.read_text(encoding="utf-8") == original
    assert not list(tmp_path.glob(".tipframe-*"))


def _simulate_in_a_process(workers: int, out: Path) -> None:
    code = (
        "import concurrent.futures, json, sys, tipframe\n"
        "plan = tipframe.load('builtin:help-the-helpers-rollout', tipframe.CascadePlan)\n"
        "wf = tipframe.load('builtin:help-the-helpers-community', tipframe.Workforce)\n"
        "pr = tipframe.load('builtin:help-the-helpers', tipframe.Programme)\n"
        "workers = int(sys.argv[1])\n"
        "if workers == 1:\n"
        "    r = tipframe.simulate_reach(plan, wf, pr, replicates=64, seed=11)\n"
        "else:\n"
        "    with concurrent.futures.ProcessPoolExecutor(workers) as pool:\n"
        "        r = tipframe.simulate_reach(plan, wf, pr, replicates=64, seed=11, executor=pool, chunks=7)\n"
        "tipframe.dump(r, sys.argv[2])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(workers), str(out)], check=True, timeout=300)


def test_numbers_are_bit_identical_across_processes_and_worker_counts(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    _simulate_in_a_process(1, one)
    _simulate_in_a_process(2, two)
    a, b = json.loads(one.read_text()), json.loads(two.read_text())
    assert a == b  # every array, base64 of its bytes, equal
    assert a["numpy_version"]
    assert a["tipframe_version"]
    again = tipframe.load(one, tipframe.ReachResult)
    rerun = tipframe.simulate_reach(
        again.plan, again.workforce, again.programme, replicates=again.replicates, seed=again.seed or 0
    )
    assert rerun.trained == again.trained
    assert rerun.by_organisation == again.by_organisation
