"""tipframe: a typed model of trauma-informed practice.

Frameworks of principles, practice levels, programmes and the organisations that run them, as
versioned YAML or JSON documents that load into frozen, typed objects and dump back losslessly;
and practice checks (`check`) that review programme designs against the principles and levels.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from tipframe.bundle import Bundle, load_bundle, read_bundle
from tipframe.checks import CheckOptions, Finding, Findings, Registry, Severity, check
from tipframe.io.documents import (
    KINDS,
    dump,
    dumps,
    from_data,
    load,
    loads,
    to_data,
)
from tipframe.io.problems import DocumentError, Limits, Problem
from tipframe.model import (
    Activity,
    Approach,
    ArrayData,
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
from tipframe.progress import terminal_progress
from tipframe.schema import json_schema

try:
    __version__ = version("tipframe")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_REACH = (
    "PeerUptake",
    "PlanError",
    "ReachSummary",
    "StaffGraph",
    "project_reach",
    "simulate_peer_uptake",
    "simulate_reach",
    "summarise_reach",
    "sweep",
    "SweepResult",
    "variant",
)


def __getattr__(name: str) -> Any:
    # The rollout engines need numpy, and the network analyses networkx: import them on first
    # use, so that hosts that only read documents never pay for them.
    if name in _REACH:
        from tipframe import reach

        return getattr(reach, name)
    if name == "analyse_network":
        from tipframe.network import analyse_network

        return analyse_network
    raise AttributeError(f"module 'tipframe' has no attribute {name!r}")


if TYPE_CHECKING:
    from tipframe.network import analyse_network
    from tipframe.reach import (
        PeerUptake,
        PlanError,
        ReachSummary,
        StaffGraph,
        SweepResult,
        project_reach,
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
    "IntRange",
    "IsoDate",
    "LevelForSupport",
    "LevelScale",
    "Limits",
    "ModelError",
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
    "Tier",
    "Workforce",
    "WorkforceOrganisation",
    "__version__",
    "analyse_network",
    "check",
    "dump",
    "dumps",
    "from_data",
    "json_schema",
    "load",
    "load_bundle",
    "loads",
    "project_reach",
    "read_bundle",
    "simulate_peer_uptake",
    "simulate_reach",
    "summarise_reach",
    "sweep",
    "terminal_progress",
    "to_data",
    "variant",
]
