"""The typed model: frozen attrs classes with no I/O, no numpy and no printing.

The ground floor: nothing here imports a tipframe module outside `tipframe.model`.

Each name is re-exported explicitly (``from ... import X as X``, which type checkers read as an
export), so this face keeps no ``__all__`` repeating ``tipframe.__all__``, the one list of the
package's public names.
"""

from tipframe.model.arrays import ArrayData as ArrayData
from tipframe.model.arrays import Companion as Companion
from tipframe.model.calibration import CalibrationResult as CalibrationResult
from tipframe.model.calibration import Correlation as Correlation
from tipframe.model.calibration import GenerationSummary as GenerationSummary
from tipframe.model.calibration import PosteriorSummary as PosteriorSummary
from tipframe.model.cascade import CascadePlan as CascadePlan
from tipframe.model.cascade import Distribution as Distribution
from tipframe.model.cascade import Parameter as Parameter
from tipframe.model.cascade import SeedTrainers as SeedTrainers
from tipframe.model.cascade import Tier as Tier
from tipframe.model.costs import CohortCost as CohortCost
from tipframe.model.costs import Costs as Costs
from tipframe.model.costs import FacilitatorRate as FacilitatorRate
from tipframe.model.costs import cohort_cost as cohort_cost
from tipframe.model.document import Document as Document
from tipframe.model.document import Illustrative as Illustrative
from tipframe.model.document import Source as Source
from tipframe.model.document import SourceType as SourceType
from tipframe.model.fields import ModelError as ModelError
from tipframe.model.fields import format_path as format_path
from tipframe.model.levels import LevelForSupport as LevelForSupport
from tipframe.model.levels import LevelScale as LevelScale
from tipframe.model.levels import PracticeLevel as PracticeLevel
from tipframe.model.observations import Measure as Measure
from tipframe.model.observations import Observation as Observation
from tipframe.model.observations import Observations as Observations
from tipframe.model.organisation import Organisation as Organisation
from tipframe.model.organisation import Sector as Sector
from tipframe.model.peer import PeerPlan as PeerPlan
from tipframe.model.peer import PeerResult as PeerResult
from tipframe.model.peer import PeerSeeds as PeerSeeds
from tipframe.model.principles import Correspondence as Correspondence
from tipframe.model.principles import Crosswalk as Crosswalk
from tipframe.model.principles import Framework as Framework
from tipframe.model.principles import Principle as Principle
from tipframe.model.principles import Relation as Relation
from tipframe.model.programme import DeliveryRecord as DeliveryRecord
from tipframe.model.programme import Facilitation as Facilitation
from tipframe.model.programme import FacilitatorRole as FacilitatorRole
from tipframe.model.programme import LevelServed as LevelServed
from tipframe.model.programme import PrincipleCoverage as PrincipleCoverage
from tipframe.model.programme import Programme as Programme
from tipframe.model.programme import Resource as Resource
from tipframe.model.programme import Schedule as Schedule
from tipframe.model.programme import Session as Session
from tipframe.model.reach import Backend as Backend
from tipframe.model.reach import Engine as Engine
from tipframe.model.reach import EventLog as EventLog
from tipframe.model.reach import ReachResult as ReachResult
from tipframe.model.recurring import RecurringPlan as RecurringPlan
from tipframe.model.recurring import RecurringResult as RecurringResult
from tipframe.model.recurring import Site as Site
from tipframe.model.referral import NetworkOrganisation as NetworkOrganisation
from tipframe.model.referral import Pathway as Pathway
from tipframe.model.referral import ReferralNetwork as ReferralNetwork
from tipframe.model.referral import Service as Service
from tipframe.model.referral import ServiceStatus as ServiceStatus
from tipframe.model.referral import Support as Support
from tipframe.model.values import Duration as Duration
from tipframe.model.values import IntRange as IntRange
from tipframe.model.values import IsoDate as IsoDate
from tipframe.model.vocabulary import Activity as Activity
from tipframe.model.vocabulary import Approach as Approach
from tipframe.model.vocabulary import DeliveryMode as DeliveryMode
from tipframe.model.vocabulary import Format as Format
from tipframe.model.vocabulary import Qualifier as Qualifier
from tipframe.model.vocabulary import ResourceType as ResourceType
from tipframe.model.vocabulary import Status as Status
from tipframe.model.vocabulary import Topic as Topic
from tipframe.model.workforce import LevelCount as LevelCount
from tipframe.model.workforce import Role as Role
from tipframe.model.workforce import Workforce as Workforce
from tipframe.model.workforce import WorkforceOrganisation as WorkforceOrganisation
