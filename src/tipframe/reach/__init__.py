"""Rollout reach: the Monte Carlo engine (`simulate_reach`), the projection (`project_reach`), their
results and measures, sweeps over designs, and peer uptake over a staff network.

Replicate i of a run seeded ``seed`` uses ``numpy.random.default_rng(SeedSequence(seed,
spawn_key=(i,)))``, so results are the same however replicates are split between processes.
Each name is re-exported as ``X as X`` (mypy's explicit re-export), which keeps this face free
of a second copy of the top-level ``tipframe.__all__``.
"""

from tipframe.reach.calibrate import calibrate as calibrate
from tipframe.reach.costs import CostSummary as CostSummary
from tipframe.reach.costs import summarise_costs as summarise_costs
from tipframe.reach.learning_pathway import LearningPathwayResult as LearningPathwayResult
from tipframe.reach.learning_pathway import simulate_learning_pathway as simulate_learning_pathway
from tipframe.reach.measures import ReachSummary as ReachSummary
from tipframe.reach.measures import summarise_reach as summarise_reach
from tipframe.reach.peer import PeerUptake as PeerUptake
from tipframe.reach.peer import StaffGraph as StaffGraph
from tipframe.reach.peer import simulate_peer_uptake as simulate_peer_uptake
from tipframe.reach.peer_plan import PeerSummary as PeerSummary
from tipframe.reach.peer_plan import simulate_peer_plan as simulate_peer_plan
from tipframe.reach.peer_plan import summarise_peer as summarise_peer
from tipframe.reach.placement import place_seeds as place_seeds
from tipframe.reach.recurring import simulate_recurring as simulate_recurring
from tipframe.reach.recurring_measures import RecurringSummary as RecurringSummary
from tipframe.reach.recurring_measures import summarise_recurring as summarise_recurring
from tipframe.reach.run import MemoryLimitError as MemoryLimitError
from tipframe.reach.run import Rerun as Rerun
from tipframe.reach.run import estimate_memory as estimate_memory
from tipframe.reach.run import project_reach as project_reach
from tipframe.reach.run import rerun as rerun
from tipframe.reach.run import simulate_reach as simulate_reach
from tipframe.reach.scenario import PlanError as PlanError
from tipframe.reach.sweeps import SweepResult as SweepResult
from tipframe.reach.sweeps import SweepScenario as SweepScenario
from tipframe.reach.sweeps import sweep as sweep
from tipframe.reach.sweeps import variant as variant
from tipframe.reach.targets import Lever as Lever
from tipframe.reach.targets import Target as Target
from tipframe.reach.targets import TargetResult as TargetResult
from tipframe.reach.targets import plan_for_target as plan_for_target
