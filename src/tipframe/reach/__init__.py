"""Rollout reach: the Monte Carlo engine (`simulate_reach`), the projection (`project_reach`), their
results and measures, sweeps over designs, and peer uptake over a staff network.

Replicate i of a run seeded ``seed`` uses ``numpy.random.default_rng(SeedSequence(seed,
spawn_key=(i,)))``, so results are the same however replicates are split between processes.
"""

from tipframe.reach.measures import ReachSummary, summarise_reach
from tipframe.reach.peer import PeerUptake, StaffGraph, simulate_peer_uptake
from tipframe.reach.run import (
    MemoryLimitError,
    Rerun,
    estimate_memory,
    project_reach,
    rerun,
    simulate_reach,
)
from tipframe.reach.scenario import PlanError
from tipframe.reach.sweeps import SweepResult, SweepScenario, sweep, variant

__all__ = [
    "MemoryLimitError",
    "PeerUptake",
    "PlanError",
    "ReachSummary",
    "Rerun",
    "StaffGraph",
    "SweepResult",
    "SweepScenario",
    "estimate_memory",
    "project_reach",
    "rerun",
    "simulate_peer_uptake",
    "simulate_reach",
    "summarise_reach",
    "sweep",
    "variant",
]
