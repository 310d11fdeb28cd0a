"""tipframe: a typed model of trauma-informed practice.

Frameworks of principles, practice levels, programmes and the organisations that run them, as
versioned YAML or JSON documents that load into frozen, typed objects and dump back losslessly;
and practice checks (`check`) that review programme designs against the principles and levels.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

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
    Correspondence,
    Crosswalk,
    DeliveryMode,
    DeliveryRecord,
    Document,
    Duration,
    Facilitation,
    FacilitatorRole,
    Format,
    Framework,
    Illustrative,
    IntRange,
    IsoDate,
    LevelScale,
    ModelError,
    Organisation,
    PracticeLevel,
    Principle,
    PrincipleCoverage,
    Programme,
    Qualifier,
    Relation,
    Resource,
    ResourceType,
    Schedule,
    Sector,
    Session,
    Source,
    SourceType,
)
from tipframe.schema import json_schema

try:
    __version__ = version("tipframe")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "KINDS",
    "Activity",
    "Approach",
    "Bundle",
    "CheckOptions",
    "Correspondence",
    "Crosswalk",
    "DeliveryMode",
    "DeliveryRecord",
    "Document",
    "DocumentError",
    "Duration",
    "Facilitation",
    "FacilitatorRole",
    "Finding",
    "Findings",
    "Format",
    "Framework",
    "Illustrative",
    "IntRange",
    "IsoDate",
    "LevelScale",
    "Limits",
    "ModelError",
    "Organisation",
    "PracticeLevel",
    "Principle",
    "PrincipleCoverage",
    "Problem",
    "Programme",
    "Qualifier",
    "Registry",
    "Relation",
    "Resource",
    "ResourceType",
    "Schedule",
    "Sector",
    "Session",
    "Severity",
    "Source",
    "SourceType",
    "__version__",
    "check",
    "dump",
    "dumps",
    "from_data",
    "json_schema",
    "load",
    "load_bundle",
    "loads",
    "read_bundle",
    "to_data",
]
