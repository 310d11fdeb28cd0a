"""Calibrating the built-in Help the Helpers rollout to three dated counts: wall time on a pool and in one process.

    python benchmarks/calibration.py                      # 500 particles, 20,000 runs at most, 2 workers
    python benchmarks/calibration.py --particles 200      # a shorter look

The counts are simulated from the rollout at attrition 0.005, completion 0.837 and conversion
0.15 (trainers by weeks 26 and 52, and about how many were trained by week 52), so the
posterior can be set against the values that made them. Prints, for each way of running, the
wall time, the runs, the time a run, the generations and why the sampler stopped, and the
conversion's posterior; the two ways must agree bit for bit (the seed rule). Not a test:
timings depend on the machine. The target is at most 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import time

import numpy as np

import tipframe
from tipframe.model import Observation, Observations, Qualifier
from tipframe.model.observations import Measure
from tipframe.reach.calibration_models import make_model

TRUTH = np.array([0.005, 0.837, 0.15])


def counts(plan: tipframe.CascadePlan) -> Observations:
    """Three dated counts from one run of the plan at `TRUTH` (seed 2026)."""
    workforce = tipframe.load(plan.workforce, tipframe.Workforce)
    run = make_model(plan, workforce, tipframe.load(plan.programme, tipframe.Programme)).run(TRUTH, 2026, (0,))
    trained = int(run["trained"][52])
    items = (
        Observation(measure=Measure.TRAINERS, period=26, value=int(run["trainers"][26])),
        Observation(measure=Measure.TRAINERS, period=52, value=int(run["trainers"][52])),
        Observation(measure=Measure.TRAINED, period=52, value=trained, qualifier=Qualifier.ABOUT, tolerance=10),
    )
    return Observations(id="simulated", name="Three simulated counts", plan=plan.id, observations=items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=500)
    parser.add_argument("--simulations", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    observed = counts(plan)
    print("observed:", "; ".join(item.describe() for item in observed.observations))
    settings = {"particles": args.particles, "simulations": args.simulations, "seed": args.seed}
    tipframe.calibrate(plan, observed, particles=10, simulations=20, seed=0)  # compiled code loaded, not timed
    results = {}
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(abs, range(args.workers)))  # workers started, not timed
        for name, executor in ((f"{args.workers} workers", pool), ("1 process", None)):
            start = time.perf_counter()
            result = tipframe.calibrate(plan, observed, executor=executor, **settings)  # type: ignore[arg-type]
            wall = time.perf_counter() - start
            runs = result.runs
            conversion = next(p for p in result.posterior if p.path.endswith("conversion"))
            print(
                f"{name:>10}: {wall:6.1f} s wall, {runs:,} runs ({1e3 * wall / runs:.2f} ms a run), "
                f"{len(result.generations) - 1} generations, stopped: {result.stopped}; conversion "
                f"{conversion.median:.3f} (90% interval {conversion.low:.3f} to {conversion.high:.3f}), "
                f"truth {TRUTH[2]}"
            )
            results[name] = tipframe.to_data(result)
    same = len({str(sorted(r.items())) for r in results.values()}) == 1
    print(f"the same posterior either way: {same}")


if __name__ == "__main__":
    main()
