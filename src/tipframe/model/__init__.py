"""The typed model: frozen attrs classes with no I/O, no numpy and no printing.

The ground floor: nothing here imports a tipframe module outside `tipframe.model`.
"""

from tipframe.model.arrays import ArrayData
from tipframe.model.cascade import CascadePlan, Distribution, Parameter, SeedTrainers, Tier
from tipframe.model.document import Document, Illustrative, Source, SourceType
from tipframe.model.fields import ModelError, format_path
from tipframe.model.levels import LevelForSupport, LevelScale, PracticeLevel
from tipframe.model.organisation import Organisation, Sector
from tipframe.model.principles import Correspondence, Crosswalk, Framework, Principle, Relation
from tipframe.model.programme import (
    Activity,
    Approach,
    DeliveryMode,
    DeliveryRecord,
    Facilitation,
    FacilitatorRole,
    Format,
    PrincipleCoverage,
    Programme,
    Qualifier,
    Resource,
    ResourceType,
    Schedule,
    Session,
)
from tipframe.model.reach import Engine, EventLog, ReachResult
from tipframe.model.referral import (
    NetworkOrganisation,
    Pathway,
    ReferralNetwork,
    Service,
    ServiceStatus,
    Support,
)
from tipframe.model.values import Duration, IntRange, IsoDate
from tipframe.model.workforce import Role, Workforce, WorkforceOrganisation

__all__ = [
    "Activity",
    "Approach",
    "ArrayData",
    "CascadePlan",
    "Correspondence",
    "Crosswalk",
    "DeliveryMode",
    "DeliveryRecord",
    "Distribution",
    "Document",
    "Duration",
    "Engine",
    "EventLog",
    "Facilitation",
    "FacilitatorRole",
    "Format",
    "Framework",
    "Illustrative",
    "IntRange",
    "IsoDate",
    "LevelForSupport",
    "LevelScale",
    "ModelError",
    "NetworkOrganisation",
    "Organisation",
    "Parameter",
    "Pathway",
    "PracticeLevel",
    "Principle",
    "PrincipleCoverage",
    "Programme",
    "Qualifier",
    "ReachResult",
    "ReferralNetwork",
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
    "Source",
    "SourceType",
    "Support",
    "Tier",
    "Workforce",
    "WorkforceOrganisation",
    "format_path",
]
