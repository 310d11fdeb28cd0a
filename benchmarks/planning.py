"""`tipframe plan` on the built-in Help the Helpers rollout: one lever of 20 values (seed trainers 1 to 20).

    python benchmarks/planning.py

Prints the wall time of the search (400 replicates a setting, every setting on the same
replicates) and its answer. Not a test: timings depend on the machine. The target is at most 2
minutes on 2 cores.
"""

from __future__ import annotations

import time

from tipframe.reach.targets import Lever, Target, plan_for_target


def main() -> None:
    target = Target(share=0.8, period=52, probability=0.9)
    lever = Lever("seeds", tuple(range(1, 21)))
    warm = [Lever("seeds", (1,))]
    plan_for_target("builtin:help-the-helpers-rollout", target, warm, replicates=40)  # compiled code loaded, not timed
    start = time.perf_counter()
    answer = plan_for_target("builtin:help-the-helpers-rollout", target, [lever], replicates=400)
    wall = time.perf_counter() - start
    print(f"{len(answer.candidates)} settings x 400 replicates in {wall:.1f} s (one process)")
    print(answer.describe(), end="")


if __name__ == "__main__":
    main()
