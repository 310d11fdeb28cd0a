"""Placement at scale: 10 seed trainers over the national example's organisations, and 10 seed people on a
network of 1,000,000 (reverse-influence sampling), each set beside its baselines.

    pip install -e ".[bench]"
    python benchmarks/placement.py                    # both
    python benchmarks/placement.py --parts cascade    # the national cascade only

Cascade: `tipframe.place_seeds` on examples/national-rollout.yaml (46 organisations, 400,000
staff), 10 seeds (five teams of two), 200 replicates a placement, in one process. Prints the
wall time (the target: within 10 minutes on 2 cores), then judges the placement and the
baselines again on 1,000 fresh replicates (seed 1, none of them used in the search), with the
placement's margin over each baseline and the margin's standard error from paired replicates:
the margin a reader can trust, apart from the search's own replicates.

Peer: `place_peer_seeds(method="ris")` for reach by period 4 on a random network of 1,000,000
people and about 5,000,000 ties (p = 0.15), with wall time, peak memory, and margins over the
baselines estimated from fresh reverse-reachable sets. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.reach.measures import reach_series
from tipframe.reach.peer import StaffGraph
from tipframe.reach.peer_placement import place_peer_seeds
from tipframe.reach.placement import _placed
from tipframe.reach.stats import standard_error

EXAMPLES = Path(__file__).parents[1] / "examples"


def cascade() -> None:
    plan = tipframe.load(EXAMPLES / "national-rollout.yaml", CascadePlan)
    workforce = tipframe.load(EXAMPLES / "scotland-public-sector.yaml", Workforce)
    course = tipframe.load(EXAMPLES / "trauma-skilled-course.yaml", Programme)
    tipframe.simulate_reach(plan, workforce, course, replicates=2)  # compiled code loaded, not timed
    start = time.perf_counter()
    result = tipframe.place_seeds(plan, 10, workforce=workforce, programme=course, replicates=200, seed=0)
    wall = time.perf_counter() - start
    print(f"national example, 10 seeds over {len(workforce.organisations)} organisations: {wall:.0f} s")
    print(result.describe(), end="")
    eligible = result.eligible

    def fresh(where: tuple[str, ...]) -> np.ndarray:
        run = tipframe.simulate_reach(_placed(plan, where, 2), workforce, course, replicates=1000, seed=1)
        shares: np.ndarray = reach_series(run, "reach")[:, plan.horizon]
        return shares

    chosen = fresh(result.organisations)
    print(f"\nOn 1,000 fresh replicates (seed 1): the placement reaches {chosen.mean() * eligible:,.0f} people (mean)")
    for base in result.baselines:
        margin = (chosen - fresh(base.organisations)) * eligible
        print(f"  margin over {base.name}: {margin.mean():+,.1f} people (s.e. {standard_error(margin):.1f})")


def peer() -> None:
    people, ties = 1_000_000, 5_000_000
    rng = np.random.default_rng(2024)
    source, target = rng.integers(0, people, ties), rng.integers(0, people, ties)
    graph = StaffGraph.from_edges(people, source, target)
    place_peer_seeds(StaffGraph.from_edges(3, [0], [1]), 1, 0.5, method="ris", samples=10)  # compile or load
    start = time.perf_counter()
    result = place_peer_seeds(graph, 10, 0.15, method="ris", period=4, seed=0)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeer uptake, 10 seeds, reach by period 4, {people:,} people: {wall:.0f} s, peak {peak:,.0f} MiB")
    print(result.describe(people), end="")
    for name, _, mean, se in result.baselines:
        print(f"  margin over {name}: {result.reach - mean:+,.1f} people (s.e. at most {result.reach_se + se:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="cascade,peer")
    parts = parser.parse_args().parts.split(",")
    if "cascade" in parts:
        cascade()
    if "peer" in parts:
        peer()


if __name__ == "__main__":
    main()
