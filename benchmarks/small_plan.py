"""A small plan many times over: the built-in Help the Helpers rollout, 10,000 replicates, the compiled
backend and the numpy reference side by side, in one process; then the compiled backend on a
pool of one worker a core.

    python benchmarks/small_plan.py                      # 10,000 replicates each
    python benchmarks/small_plan.py --replicates 2000    # a shorter look

Calibration and planning run a small plan tens of thousands of times, so here what counts is
the cost of each call and period, not the work in them. The compiled code is loaded (or
compiled) by one replicate first, timed apart, in this process and in each worker of the pool
(the pool is started before the clock starts). Prints each run's wall time, milliseconds per
replicate, the ratio, and the final trained (median and mean), which must agree in
distribution. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import time

import numpy as np

import tipframe
from tipframe.io.arrays import to_numpy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=10_000)
    args = parser.parse_args()
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    documents = (
        plan,
        tipframe.load(plan.workforce, tipframe.Workforce),
        tipframe.load(plan.programme, tipframe.Programme),
    )
    start = time.perf_counter()
    tipframe.simulate_reach(*documents, replicates=1, backend="compiled")
    print(f"built-in rollout, {args.replicates:,} replicates")
    print(f"compiled code loaded (or compiled) by a first replicate in {time.perf_counter() - start:.2f} s")
    walls = {}
    workers = os.cpu_count() or 1
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        # Each worker loads the compiled code before the clock starts.
        tipframe.simulate_reach(*documents, replicates=workers, executor=pool, chunks=workers)
        for backend, executor in (("compiled", None), ("reference", None), (f"compiled, {workers} workers", pool)):
            start = time.perf_counter()
            result = tipframe.simulate_reach(
                *documents, replicates=args.replicates, seed=1, keep_events=(), backend=backend.split(",")[0],
                executor=executor, chunks=workers if executor else None,
            )  # fmt: skip
            walls[backend] = wall = time.perf_counter() - start
            final = to_numpy(result.trained)[:, -1]
            print(
                f"{backend:>20}: {wall:.2f} s, {1000 * wall / args.replicates:.3f} ms a replicate; final trained: "
                f"median {np.median(final):.0f}, mean {final.mean():.1f} "
                f"(s.e. {final.std(ddof=1) / np.sqrt(final.size):.1f})"
            )
    print(f"reference / compiled wall time: {walls['reference'] / walls['compiled']:.1f}x")


if __name__ == "__main__":
    main()
