"""The projection against the simulation: how far the projection's median reach is from the simulation's.

    python benchmarks/projection_check.py                  # 500 replicates a plan
    python benchmarks/projection_check.py --replicates 200

For each plan it simulates and projects with the same seed (so draw j of the projection has the
parameters of replicate j), then prints the largest gap between the projected and simulated
median reach over the periods (signed: projection less simulation) and its period, whether it
is within 5 points, the gap at the horizon, organisation adoption from both, the projection's
flags with the gap each states (and that gap's interval for the Monte Carlo error of the
projection's own 200-run check), and the run times of the projection (with its check, the
default, and without) and of the simulation. The target (issue 12): within 5 points at every
period, or flagged with a stated gap within 2 points of the measured one (or, where the median
run jumps between runs that die out and runs that survive, a measured gap inside the stated
interval). The plans are
the built-in rollout, the national example (examples/national-rollout.yaml with the documents
beside it) and the audit's cases rebuilt; then three further plans the audit did not name, where
the projection's expected values are known to run ahead (docs/reach.md, The projection). Not a
test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np

import tipframe
from tipframe import CascadePlan, Programme, ReachResult, Workforce
from tipframe.reach.measures import reach_series, summarise_reach

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
Documents = tuple[CascadePlan, Workforce, Programme]

COURSE = """\
tipframe: 1
kind: Programme
id: one-week
name: A one-week course
format: course
schedule: {cadence: P1W, sessions: 1, session_length: PT2H}
"""


def builtin() -> Documents:
    """The built-in Help the Helpers rollout."""
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    return plan, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme)


def national() -> Documents:
    """The national example, with the workforce and course beside it."""
    return (
        tipframe.load(EXAMPLES / "national-rollout.yaml", CascadePlan),
        tipframe.load(EXAMPLES / "scotland-public-sector.yaml", Workforce),
        tipframe.load(EXAMPLES / "trauma-skilled-course.yaml", Programme),
    )


def one_seed(conversion: str = "0.3") -> Documents:
    """Audit: one seed trainer, attrition 0.2, conversion 0.3 (or a distribution), 300 people to reach."""
    workforce = "tipframe: 1\nkind: Workforce\nid: team\nname: One team\norganisations:\n  - {id: a, headcount: 301}\n"
    plan = f"""\
tipframe: 1
kind: CascadePlan
id: one-seed
name: One seed trainer
programme: one-week
workforce: team
seed_trainers: [{{organisation: a, trainers: 1}}]
period: P1W
horizon: 52
tiers:
  - {{cohort_size: 10, total_cohorts: 3, completion: 1, conversion: {conversion}, attrition: 0.2}}
"""
    return tipframe.loads(plan, CascadePlan), tipframe.loads(workforce, Workforce), tipframe.loads(COURSE, Programme)


def five_unpartnered() -> Documents:
    """Audit: two facilitators per cohort, one seed in each of five organisations without partners."""
    organisations = "".join(f"  - {{id: o{i}, headcount: 26}}\n" for i in range(5))
    workforce = f"tipframe: 1\nkind: Workforce\nid: five\nname: Five\norganisations:\n{organisations}"
    seeds = ", ".join(f"{{organisation: o{i}, trainers: 1}}" for i in range(5))
    plan = f"""\
tipframe: 1
kind: CascadePlan
id: five
name: Five unpartnered organisations
programme: one-week
workforce: five
seed_trainers: [{seeds}]
period: P1W
horizon: 20
tiers:
  - {{cohort_size: 5, facilitators: 2, total_cohorts: 5, completion: 1, conversion: 0}}
"""
    return tipframe.loads(plan, CascadePlan), tipframe.loads(workforce, Workforce), tipframe.loads(COURSE, Programme)


def _one_seed_each(documents: Documents) -> Documents:
    plan, workforce, programme = documents
    return attrs.evolve(plan, seed_trainers=tuple(attrs.evolve(s, trainers=1) for s in plan.seed_trainers)), *(
        workforce,
        programme,
    )


def builtin_unpartnered() -> Documents:
    """Audit: the built-in rollout with its partnerships removed and one seed trainer per organisation."""
    plan, workforce, programme = _one_seed_each(builtin())
    return plan, attrs.evolve(workforce, partnerships=()), programme


def builtin_one_seed_each() -> Documents:
    """Further: the built-in rollout with one seed trainer per organisation (partnerships kept)."""
    return _one_seed_each(builtin())


def builtin_turnover() -> Documents:
    """Further: the built-in rollout with turnover 0.01 a week."""
    plan, workforce, programme = builtin()
    return tipframe.variant(plan, {"turnover": 0.01}), workforce, programme


def builtin_conversion() -> Documents:
    """Further: the built-in rollout with conversion Beta(0.6, 1.4)."""
    plan, workforce, programme = builtin()
    return tipframe.variant(plan, {"tiers[0].conversion": {"beta": [0.6, 1.4]}}), workforce, programme


PLANS: list[tuple[str, Callable[[], Documents]]] = [
    ("built-in rollout", builtin),
    ("national example", national),
    ("audit: 1 seed, attrition 0.2, conversion 0.3", one_seed),
    ("audit: 1 seed, conversion Beta(0.6, 1.4)", lambda: one_seed("{beta: [0.6, 1.4]}")),
    ("audit: 5 unpartnered, 1 seed each, 2 facilitators", five_unpartnered),
    ("audit: built-in, no partnerships, 1 seed each", builtin_unpartnered),
    ("further: built-in, 1 seed each", builtin_one_seed_each),
    ("further: built-in, turnover 0.01", builtin_turnover),
    ("further: built-in, conversion Beta(0.6, 1.4)", builtin_conversion),
]


def _gaps(projected: ReachResult, simulated: ReachResult) -> tuple[float, int, float]:
    gaps = np.median(reach_series(projected), axis=0) - np.median(reach_series(simulated), axis=0)
    worst = int(np.argmax(np.abs(gaps)))
    return float(gaps[worst]), worst, float(gaps[-1])


def check(name: str, documents: Documents, replicates: int, seed: int) -> None:
    """Simulate and project one plan and print the comparison."""
    start = time.perf_counter()
    simulated = tipframe.simulate_reach(*documents, replicates=replicates, seed=seed, keep_events=())
    simulating = time.perf_counter() - start
    start = time.perf_counter()
    projected = tipframe.project_reach(*documents, seed=seed)
    projecting = time.perf_counter() - start
    start = time.perf_counter()
    tipframe.project_reach(*documents, seed=seed, check=0)
    unchecked = time.perf_counter() - start
    gap, worst, final = _gaps(projected, simulated)
    adoption = (summarise_reach(r).adoption_organisations for r in (simulated, projected))
    simulated_adoption, projected_adoption = adoption
    print(f"{name}")
    print(
        f"  largest gap {100 * gap:+.1f} points (period {worst}), within 5: {'yes' if abs(gap) < 0.05 else 'no'}; "
        f"at the horizon {100 * final:+.1f}"
    )
    print(
        f"  organisation adoption: simulation mean {simulated_adoption.mean:.2f}, projection median "
        f"{projected_adoption.median:.2f}"
    )
    for flag in projected.flags:
        measured = "largest yes" if abs(flag.gap - gap) <= 0.02 else "largest no"
        if flag.gap_low is not None and flag.gap_high is not None:
            inside = flag.gap_low - 0.02 <= gap <= flag.gap_high + 0.02
            measured += f", inside its interval {'yes' if inside else 'no'}"
            interval = f", interval {100 * flag.gap_low:+.1f} to {100 * flag.gap_high:+.1f}"
        else:
            interval = ""
        print(
            f"  flag {flag.code}: states {100 * flag.gap:+.1f} points (period {flag.period}{interval}), "
            f"{100 * flag.final_gap:+.1f} at the horizon; within 2 points of the measured: {measured}, "
            f"horizon {'yes' if abs(flag.final_gap - final) <= 0.02 else 'no'}"
        )
    if not projected.flags:
        print("  no flag")
    print(
        f"  projection {projecting:.2f} s ({projected.replicates} draw{'s' if projected.replicates > 1 else ''} and "
        f"its check; {unchecked:.2f} s unchecked), simulation {simulating:.2f} s ({replicates} replicates)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name, documents in PLANS:
        check(name, documents(), args.replicates, args.seed)


if __name__ == "__main__":
    main()
