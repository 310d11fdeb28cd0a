"""Referral network analyses: where people can get to from where they first present, and where they fall through.

Every analysis takes a `ReferralNetwork` and returns a typed, frozen result. Only active
services, and pathways between active services, carry referrals; inactive ones stay in the
graph with their status so that a picture of the network still shows them.

Modules, by family: `graph` (the referral graph), `routes` (reachability, dead ends, single
points of failure, bottlenecks), `capacity` (load and maximum flow), `workforce` (staff below
the level a service needs), `analysis` (all of them together) and `hsds` (Open Referral in and
out). `write_graph` (from `tipframe.io.graphs`) writes the referral graph for Gephi.
"""

from tipframe.io.graphs import write_graph
from tipframe.network.analysis import NetworkAnalysis, analyse_network
from tipframe.network.capacity import CapacityReport, ServiceLoad, capacity
from tipframe.network.graph import referral_graph
from tipframe.network.routes import (
    Bottleneck,
    DeadEnd,
    Reachability,
    Route,
    SinglePoint,
    bottleneck_sample,
    bottlenecks,
    dead_ends,
    reachability,
    single_points_of_failure,
)
from tipframe.network.workforce import WorkforceGap, workforce_gaps

__all__ = [
    "Bottleneck",
    "CapacityReport",
    "DeadEnd",
    "NetworkAnalysis",
    "Reachability",
    "Route",
    "ServiceLoad",
    "SinglePoint",
    "WorkforceGap",
    "analyse_network",
    "bottleneck_sample",
    "bottlenecks",
    "capacity",
    "dead_ends",
    "reachability",
    "referral_graph",
    "single_points_of_failure",
    "workforce_gaps",
    "write_graph",
]
