"""A small plan many times over: the built-in Help the Helpers rollout, 10,000 replicates in one process,
the compiled backend and the numpy reference side by side.

    python benchmarks/small_plan.py                      # 10,000 replicates each
    python benchmarks/small_plan.py --replicates 2000    # a shorter look

Calibration and planning run a small plan tens of thousands of times, so here what counts is
the cost of each call and period, not the work in them. The compiled code is loaded (or
compiled) by one replicate first, timed apart. Prints each backend's wall time, milliseconds
per replicate, the ratio, and the final trained (median and mean), which must agree in
distribution. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
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
    print(f"built-in rollout, {args.replicates:,} replicates, one process")
    print(f"compiled code loaded (or compiled) by a first replicate in {time.perf_counter() - start:.2f} s")
    walls = {}
    for backend in ("compiled", "reference"):
        start = time.perf_counter()
        result = tipframe.simulate_reach(
            *documents, replicates=args.replicates, seed=1, keep_events=(), backend=backend
        )
        walls[backend] = wall = time.perf_counter() - start
        final = to_numpy(result.trained)[:, -1]
        print(
            f"{backend:>9}: {wall:.2f} s, {1000 * wall / args.replicates:.3f} ms a replicate; final trained: "
            f"median {np.median(final):.0f}, mean {final.mean():.1f} "
            f"(s.e. {final.std(ddof=1) / np.sqrt(final.size):.1f})"
        )
    print(f"reference / compiled wall time: {walls['reference'] / walls['compiled']:.1f}x")


if __name__ == "__main__":
    main()
