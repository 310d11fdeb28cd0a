"""The cascade engine on a national-scale synthetic workforce: 1,000,000 people in 5,000 organisations,
104 weekly periods.

    pip install -e ".[bench]"
    python benchmarks/cascade_national.py                    # 1,000 replicates on every core
    python benchmarks/cascade_national.py --replicates 50    # a shorter look

Prints wall time, seconds per replicate, peak resident memory and reach. Target (2 cores):
1,000 replicates within 60 seconds and 2 GB. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import resource
import time

import tipframe
from tipframe.reach.generate import synthetic_workforce

PLAN = """\
tipframe: 1
kind: CascadePlan
id: national-benchmark
name: National benchmark plan
programme: benchmark-course
workforce: synthetic
seed_trainers: []
period: P1W
horizon: 104
tiers:
  - cohort_size: 12
    facilitators: 2
    total_cohorts: 12
    delay: P8W
    attrition: {beta: [1, 299]}
    completion: {beta: [83.7, 16.3]}
    conversion: {beta: [2, 98]}
    fidelity_retention: 0.95
    fidelity_floor: 0.6
"""

COURSE = """\
tipframe: 1
kind: Programme
id: benchmark-course
name: Benchmark course
format: course
group_size: {min: 4, max: 12}
schedule: {cadence: P2W, sessions: 4}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    workforce = synthetic_workforce(5000, 1_000_000, seed=7)
    seeds = "".join(f"\n  - {{organisation: {o.id}, trainers: 2}}" for o in workforce.organisations)
    plan = tipframe.loads(PLAN.replace("seed_trainers: []", "seed_trainers:" + seeds), tipframe.CascadePlan)
    course = tipframe.loads(COURSE, tipframe.Programme)
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.workers) as pool:
        result = tipframe.simulate_reach(plan, workforce, course, replicates=args.replicates, seed=1, executor=pool)
    wall = time.perf_counter() - start
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = tipframe.summarise_reach(result)
    print(f"cascade engine: 1,000,000 people, 5,000 organisations, 104 weekly periods, {args.replicates} replicates")
    print(f"workers {args.workers}; wall {wall:.1f} s; {wall / args.replicates:.3f} s per replicate (all workers)")
    print(f"peak memory: main process {peak_self:.0f} MiB, largest worker {peak_workers:.0f} MiB")
    reach = summary.reach
    print(f"reach at period 104: median {reach.median:.1%} (90% interval {reach.low:.1%} to {reach.high:.1%})")


if __name__ == "__main__":
    main()
