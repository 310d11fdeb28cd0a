"""The typed model: frozen attrs classes with no I/O, no numpy and no printing."""

from tipframe.model._fields import ModelError, format_path
from tipframe.model.document import Document, Illustrative, Source, SourceType
from tipframe.model.levels import LevelScale, PracticeLevel
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
from tipframe.model.values import Duration, IntRange, IsoDate

__all__ = [
    "Activity",
    "Approach",
    "Correspondence",
    "Crosswalk",
    "DeliveryMode",
    "DeliveryRecord",
    "Document",
    "Duration",
    "Facilitation",
    "FacilitatorRole",
    "Format",
    "Framework",
    "Illustrative",
    "IntRange",
    "IsoDate",
    "LevelScale",
    "ModelError",
    "Organisation",
    "PracticeLevel",
    "Principle",
    "PrincipleCoverage",
    "Programme",
    "Qualifier",
    "Relation",
    "Resource",
    "ResourceType",
    "Schedule",
    "Sector",
    "Session",
    "Source",
    "SourceType",
    "format_path",
]
