"""tipframe: a typed model of trauma-informed practice.

Frameworks of principles, practice levels, programmes and the organisations that run them, as
versioned YAML or JSON documents that load into frozen, typed objects and dump back losslessly;
and practice checks (`check`) that review programme designs against the principles and levels.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any, Final

from tipframe.bundle import Bundle, load_bundle, read_bundle
from tipframe.checks import CheckOptions, Finding, Findings, Registry, Severity, check
from tipframe.io.documents import dump, dumps, from_data, load, loads, to_data
from tipframe.io.problems import DocumentError, Limits, Problem
from tipframe.model import (
    Activity,
    Approach,
    ArrayData,
    Backend,
    CascadePlan,
    Correspondence,
    Crosswalk,
    DeliveryMode,
    DeliveryRecord,
    Distribution,
    Document,
    Duration,
    Engine,
    EventLog,
    Facilitation,
    FacilitatorRole,
    Format,
    Framework,
    Illustrative,
    IntRange,
    IsoDate,
    LevelForSupport,
    LevelScale,
    ModelError,
    NetworkOrganisation,
    Organisation,
    Parameter,
    Pathway,
    PracticeLevel,
    Principle,
    PrincipleCoverage,
    Programme,
    Qualifier,
    ReachResult,
    ReferralNetwork,
    Relation,
    Resource,
    ResourceType,
    Role,
    Schedule,
    Sector,
    SeedTrainers,
    Service,
    ServiceStatus,
    Session,
    Source,
    SourceType,
    Support,
    Tier,
    Workforce,
    WorkforceOrganisation,
)
from tipframe.model.feasibility import Infeasibility, plan_infeasibilities
from tipframe.model.kinds import KINDS
from tipframe.progress import terminal_progress
from tipframe.report.notebook import load_ipython_extension, to_frame, to_html
from tipframe.schema import json_schema
from tipframe.version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: names imported on first use: the rollout engines need numpy, and the network analyses
#: networkx, which hosts that only read documents never pay for
_LAZY: Final = {
    "MemoryLimitError": "tipframe.reach",
    "PeerUptake": "tipframe.reach",
    "PlanError": "tipframe.reach",
    "Rerun": "tipframe.reach",
    "rerun": "tipframe.reach",
    "ReachSummary": "tipframe.reach",
    "StaffGraph": "tipframe.reach",
    "SweepResult": "tipframe.reach",
    "SweepScenario": "tipframe.reach",
    "estimate_memory": "tipframe.reach",
    "project_reach": "tipframe.reach",
    "simulate_peer_uptake": "tipframe.reach",
    "simulate_reach": "tipframe.reach",
    "summarise_reach": "tipframe.reach",
    "sweep": "tipframe.reach",
    "variant": "tipframe.reach",
    "analyse_network": "tipframe.network",
    "NetworkAnalysis": "tipframe.network",
    "from_numpy": "tipframe.io.arrays",
    "to_numpy": "tipframe.io.arrays",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tipframe' has no attribute {name!r}")


if TYPE_CHECKING:
    from tipframe.io.arrays import from_numpy, to_numpy
    from tipframe.network import NetworkAnalysis, analyse_network
    from tipframe.reach import (
        MemoryLimitError,
        PeerUptake,
        PlanError,
        ReachSummary,
        Rerun,
        StaffGraph,
        SweepResult,
        SweepScenario,
        estimate_memory,
        project_reach,
        rerun,
        simulate_peer_uptake,
        simulate_reach,
        summarise_reach,
        sweep,
        variant,
    )

__all__ = [
    "KINDS",
    "Activity",
    "Approach",
    "ArrayData",
    "Backend",
    "Bundle",
    "CascadePlan",
    "CheckOptions",
    "Correspondence",
    "Crosswalk",
    "DeliveryMode",
    "DeliveryRecord",
    "Distribution",
    "Document",
    "DocumentError",
    "Duration",
    "Engine",
    "EventLog",
    "Facilitation",
    "FacilitatorRole",
    "Finding",
    "Findings",
    "Format",
    "Framework",
    "Illustrative",
    "Infeasibility",
    "IntRange",
    "IsoDate",
    "LevelForSupport",
    "LevelScale",
    "Limits",
    "MemoryLimitError",
    "ModelError",
    "NetworkAnalysis",
    "NetworkOrganisation",
    "Organisation",
    "Parameter",
    "Pathway",
    "PeerUptake",
    "PlanError",
    "PracticeLevel",
    "Principle",
    "PrincipleCoverage",
    "Problem",
    "Programme",
    "Qualifier",
    "ReachResult",
    "ReachSummary",
    "ReferralNetwork",
    "Registry",
    "Relation",
    "Rerun",
    "Resource",
    "ResourceType",
    "Role",
    "Schedule",
    "Sector",
    "SeedTrainers",
    "Service",
    "ServiceStatus",
    "Session",
    "Severity",
    "Source",
    "SourceType",
    "StaffGraph",
    "Support",
    "SweepResult",
    "SweepScenario",
    "Tier",
    "Workforce",
    "WorkforceOrganisation",
    "__version__",
    "analyse_network",
    "check",
    "dump",
    "dumps",
    "estimate_memory",
    "from_data",
    "from_numpy",
    "json_schema",
    "load",
    "load_bundle",
    "load_ipython_extension",
    "loads",
    "plan_infeasibilities",
    "project_reach",
    "read_bundle",
    "rerun",
    "simulate_peer_uptake",
    "simulate_reach",
    "summarise_reach",
    "sweep",
    "terminal_progress",
    "to_data",
    "to_frame",
    "to_html",
    "to_numpy",
    "variant",
]
