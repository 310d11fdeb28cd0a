"""The resource estimates against measured memory: each plan in a fresh process, its peak beside its estimate.

    python benchmarks/memory_check.py            # every plan (about two and a half minutes on 2 cores)
    python benchmarks/memory_check.py national   # some of them, by name

Each plan runs in its own subprocess, with this process waiting: the child builds its documents
(or its staff network), returns freed memory to the system (``malloc_trim``), resets its peak
resident memory (``/proc/self/clear_refs``), notes its resident memory then (the baseline: the
interpreter, numpy, tipframe and the inputs), runs the engine in-process and reads its peak
(``VmHWM``). The run's own peak is the peak less the baseline, which is what the estimate
counts: what a run adds to the process that starts it. Target: the peak at most the estimate,
and the estimate at most 1.25 times the peak; it exits with 1 when a plan misses it. Not a test:
figures differ between machines and allocators (glibc here). Each plan's peak stays under 1 GiB.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import tipframe
from tipframe.reach.generate import synthetic_staff_network, synthetic_workforce

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PAIRS = """\
tipframe: 1
kind: Programme
id: pair-course
name: A course for pairs
format: course
group_size: {min: 2, max: 2}
schedule: {cadence: P1W, sessions: 2}
"""

SHORT = """\
tipframe: 1
kind: Programme
id: short-course
name: A one-session course
format: course
group_size: {min: 2, max: 8}
schedule: {cadence: P1W, sessions: 1}
"""

PLAN = """\
tipframe: 1
kind: CascadePlan
id: PLAN_ID
name: A plan for the memory check
programme: PROGRAMME
workforce: WORKFORCE
seed_trainers: SEEDS
period: P1W
horizon: HORIZON
tiers:
  - cohort_size: SIZE
    completion: 0.9
    conversion: CONVERSION
"""

#: each plan: what it is, and its replicates (sized for a 2-core, 24 GiB machine)
PLANS: dict[str, tuple[str, int]] = {
    "pairs": ("cohorts of 2 over 1,000,000 staff (the preallocated cohort table), 4 replicates", 4),
    "horizon": ("the built-in rollout over 10,000 periods, 40 replicates", 40),
    "national": ("examples/national-rollout.yaml over scotland-public-sector, 1,000 replicates", 1000),
    "generations": ("a new generation a week, 64 deep and more, 1,000 replicates", 1000),
    "peer": ("peer uptake over 1,000,000 people and 5,000,000 ties, p = 0.5, 3 replicates", 3),
    "projection": ("the national example projected (100 draws) and checked by 200 runs", 200),
}


def _plan(**values: Any) -> tipframe.CascadePlan:
    text = PLAN
    for key, value in values.items():
        text = text.replace(key.upper(), str(value))
    return tipframe.loads(text, tipframe.CascadePlan)


def _seeds(workforce: tipframe.Workforce, count: int) -> str:
    return "[" + ", ".join(f"{{organisation: {o.id}, trainers: {count}}}" for o in workforce.organisations) + "]"


def _documents(name: str) -> tuple[Any, ...]:
    """The plan's documents, or for peer uptake the staff network."""
    if name == "pairs":
        workforce = synthetic_workforce(100, 1_000_000, seed=5)
        plan = _plan(
            plan_id="pairs", programme="pair-course", workforce=workforce.id, seeds=_seeds(workforce, 21),
            horizon=40, size=2, conversion=0.5,
        )  # fmt: skip
        return plan, workforce, tipframe.loads(PAIRS, tipframe.Programme)
    if name == "horizon":
        plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
        workforce = tipframe.load("builtin:help-the-helpers-community", tipframe.Workforce)
        programme = tipframe.load("builtin:help-the-helpers", tipframe.Programme)
        return tipframe.variant(plan, {"horizon": 10_000}), workforce, programme
    if name in ("national", "projection"):
        return (
            tipframe.load(EXAMPLES / "national-rollout.yaml", tipframe.CascadePlan),
            tipframe.load(EXAMPLES / "scotland-public-sector.yaml", tipframe.Workforce),
            tipframe.load(EXAMPLES / "trauma-skilled-course.yaml", tipframe.Programme),
        )
    if name == "generations":
        # Each trainer runs one cohort of two, which makes about one trainer: lines of descent go on,
        # one generation a week, without exhausting the workforce.
        workforce = synthetic_workforce(20, 20_000, seed=3)
        plan = _plan(
            plan_id="generations", programme="short-course", workforce=workforce.id, seeds=_seeds(workforce, 5),
            horizon=100, size=2, conversion="0.6\n    total_cohorts: 1",
        )  # fmt: skip
        return plan, workforce, tipframe.loads(SHORT, tipframe.Programme)
    return (synthetic_staff_network([10_000] * 100, ties=10, seed=1),)


def _status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _measure(name: str) -> dict[str, Any]:
    """Run one plan here; returns its estimate, baseline and peak in bytes, and the time it took."""
    from tipframe.reach.peer import simulate_peer_uptake
    from tipframe.reach.resources import peer_resources, projection_resources, simulation_resources
    from tipframe.reach.scenario import prepare

    replicates = PLANS[name][1]
    documents = _documents(name)
    if name == "peer":
        graph = documents[0]
        estimate = peer_resources(graph.people, graph.indices.size, replicates, initial=10, p=0.5, q=1.0)
    elif name == "projection":
        estimate = projection_resources(prepare(*documents), None, replicates)
    else:
        estimate = simulation_resources(prepare(*documents), replicates)
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # freed memory back to the system, so the baseline is what is held
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # the peak resident memory starts again from here
    baseline = _status("VmRSS")
    start = time.perf_counter()
    if name == "peer":
        simulate_peer_uptake(documents[0], 10, 0.5, 1.0, replicates=replicates, seed=1, memory_limit=2**50)
    elif name == "projection":
        tipframe.project_reach(*documents, check=replicates, memory_limit=2**50)
    else:
        tipframe.simulate_reach(*documents, replicates=replicates, seed=1, memory_limit=2**50)
    return {
        "estimate": estimate.bytes,
        "parts": [(part.name, part.bytes) for part in estimate.largest()],
        "baseline": baseline,
        "peak": _status("VmHWM"),
        "seconds": time.perf_counter() - start,
        "estimated_seconds": estimate.seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plans", nargs="*", choices=[[], *PLANS], default=[], metavar="PLAN")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child)))
        return
    mib = 2**20
    failed = 0
    for name in args.plans or PLANS:
        what = PLANS[name][0]
        done = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{name}: failed\n{done.stderr}")
            failed += 1
            continue
        r = json.loads(done.stdout)
        peak = r["peak"] - r["baseline"]
        ratio = r["estimate"] / peak
        ok = peak <= r["estimate"] <= 1.25 * peak
        failed += not ok
        print(f"{name}: {what}")
        print(
            f"  peak {peak / mib:,.0f} MiB above a baseline of {r['baseline'] / mib:,.0f} MiB; "
            f"estimate {r['estimate'] / mib:,.0f} MiB ({ratio:.2f} x the peak): {'ok' if ok else 'OFF TARGET'}"
        )
        print("  largest parts: " + ", ".join(f"{n} {b / mib:,.0f} MiB" for n, b in r["parts"]))
        print(f"  {r['seconds']:.1f} s (estimated {r['estimated_seconds']:.1f} s)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
