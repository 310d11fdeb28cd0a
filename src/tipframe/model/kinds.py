"""The registry of document kinds, by the name written after ``kind:``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from tipframe.model.calibration import CalibrationResult
from tipframe.model.cascade import CascadePlan
from tipframe.model.document import Document
from tipframe.model.levels import LevelScale
from tipframe.model.observations import Observations
from tipframe.model.organisation import Organisation
from tipframe.model.peer import PeerPlan, PeerResult
from tipframe.model.principles import Crosswalk, Framework
from tipframe.model.programme import Programme
from tipframe.model.reach import ReachResult
from tipframe.model.recurring import RecurringPlan, RecurringResult
from tipframe.model.referral import ReferralNetwork
from tipframe.model.workforce import Workforce

KINDS: Final[Mapping[str, type[Document]]] = MappingProxyType(
    {
        cls.KIND: cls
        for cls in (
            Framework,
            Crosswalk,
            LevelScale,
            Organisation,
            Programme,
            Workforce,
            CascadePlan,
            ReachResult,
            RecurringPlan,
            RecurringResult,
            PeerPlan,
            PeerResult,
            Observations,
            CalibrationResult,
            ReferralNetwork,
        )
    }
)
"""Every document kind, by the name written after ``kind:`` (read-only: a host cannot add to it)."""
