"""The cascade engine on a national-scale synthetic workforce: 1,000,000 people in 5,000 organisations,
104 weekly periods: the compiled backend and the numpy reference side by side, in one run.

    pip install -e ".[bench]"
    python benchmarks/cascade_national.py --workers 2                   # 1,000 replicates each
    python benchmarks/cascade_national.py --workers 2 --replicates 100  # a shorter look

Prints, for each backend, wall time, seconds per replicate, peak resident memory beside the
run's estimate (`simulation_resources`), and reach; then the ratio of their wall times, and
the compiled code's start-up in a fresh process: compiling with an empty cache, and loading
from a warm one (apart from the replicates' times). Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import tipframe
from tipframe.reach.generate import synthetic_rollout
from tipframe.reach.resources import simulation_resources
from tipframe.reach.scenario import prepare


def startup() -> tuple[float, float]:
    """Seconds the compiled engine's first call takes in a fresh process: with an empty cache, then a warm one."""
    code = (
        "import time, tipframe; start = time.perf_counter(); "
        "plan = tipframe.load('builtin:help-the-helpers-rollout', tipframe.CascadePlan); "
        "docs = plan, tipframe.load(plan.workforce, tipframe.Workforce), "
        "tipframe.load(plan.programme, tipframe.Programme); "
        "tipframe.simulate_reach(*docs, replicates=1); print(time.perf_counter() - start)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold, warm = (
            float(
                subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            )
            for _ in range(2)
        )
    return cold, warm


def run_backend(backend: str, replicates: int, workers: int) -> dict[str, float | str]:
    """One backend's run, in this process and its own pool of workers."""
    plan, workforce, course = synthetic_rollout(5000, 1_000_000)
    chunks = 4 * workers
    estimate = simulation_resources(
        prepare(plan, workforce, course), replicates, workers=workers, chunk=-(-replicates // chunks),
        compiled=backend == "compiled",
    )  # fmt: skip
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        result = tipframe.simulate_reach(
            plan, workforce, course, replicates=replicates, seed=1, executor=pool, chunks=chunks, backend=backend
        )
    wall = time.perf_counter() - start
    reach = tipframe.summarise_reach(result).reach
    return {
        "wall": wall,
        "main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "estimate": estimate.bytes / 2**20,
        "reach": f"median {reach.median:.1%} (90% interval {reach.low:.1%} to {reach.high:.1%})",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--backends", default="compiled,reference")
    parser.add_argument("--one", metavar="BACKEND", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_backend(args.one, args.replicates, args.workers)))
        return
    print(f"cascade engine: 1,000,000 people, 5,000 organisations, 104 weekly periods, {args.replicates} replicates")
    walls = {}
    for backend in args.backends.split(","):
        # Each backend in a process of its own, so that its peak memory is its own.
        command = [sys.executable, __file__, "--one", backend, "--replicates", str(args.replicates)]
        out = subprocess.run([*command, "--workers", str(args.workers)], capture_output=True, text=True, check=True)
        row = json.loads(out.stdout)
        walls[backend] = wall = float(row["wall"])
        print(
            f"{backend:>9}: workers {args.workers}; wall {wall:.1f} s; {wall / args.replicates:.3f} s per replicate "
            f"(all workers); peak memory: main process {row['main']:.0f} MiB, largest worker {row['worker']:.0f} MiB "
            f"(estimate for the whole run: {row['estimate']:.0f} MiB); reach at period 104: {row['reach']}"
        )
    if "compiled" in walls and "reference" in walls:
        print(f"reference / compiled wall time: {walls['reference'] / walls['compiled']:.1f}x")
    cold, warm = startup()
    print(f"compiled code start-up in a fresh process: {cold:.1f} s compiling (empty cache), {warm:.1f} s loading it")


if __name__ == "__main__":
    main()
