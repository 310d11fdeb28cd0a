"""Peer uptake plans: a practice spreading from colleague to colleague over a workforce's staff network.

The parameters of `tipframe.simulate_peer_uptake` as a document (`PeerPlan`), and what a run of
it produced (`PeerResult`), so that peer spread is written down, run by ``tipframe reach``,
saved and rerun like a cascade.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from tipframe.model.arrays import ArrayData
from tipframe.model.document import Document
from tipframe.model.fields import (
    REFERENCE,
    TEXT,
    Each,
    Path,
    Range,
    Unique,
    extensions_field,
    field,
    plan_organisation,
    repeats,
)
from tipframe.model.limits import MAX_PEOPLE, MAX_PERIODS
from tipframe.model.periods import PeriodsMixin
from tipframe.model.values import LONGER_THAN_ZERO, PERIOD, Duration, IsoDate
from tipframe.model.vocabulary import Status
from tipframe.model.workforce import Workforce


@attrs.frozen(kw_only=True)
class PeerSeeds:
    """People in one organisation who have taken up the practice at the start."""

    organisation: str = plan_organisation()
    people: int = field(
        doc="How many: the organisation's first people in the staff network's order.", checks=[Range(1, MAX_PEOPLE)]
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class PeerPlan(PeriodsMixin, Document):
    """How a practice spreads between colleagues: the independent cascade over a staff network, and who starts.

    Each period, each person active at its start passes the practice to each colleague not yet
    reached with probability ``p``; those reached are active from the next period; then each
    person who was active stops with probability ``q`` (1: active for one period only).
    """

    #: someone starts (the schema's share of ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            "anyOf": [
                {"required": ["seeds"], "properties": {"seeds": {"minItems": 1}}},
                {"required": ["seed_people"], "properties": {"seed_people": {"minItems": 1}}},
            ]
        }
    )

    KIND = "PeerPlan"

    workforce: str = field(
        doc="The workforce (a reference); it must give a staff_network.", checks=[REFERENCE], ref="Workforce"
    )
    status: Status | None = field(doc="co-design, pilot, running or ended; none when not said.", default=None)
    p: float = field(doc="Chance per period that an active person passes it to each colleague.", checks=[Range(0, 1)])
    q: float = field(
        doc="Chance per period that an active person stops passing it on.", default=1.0, checks=[Range(0, 1)]
    )
    seeds: tuple[PeerSeeds, ...] = field(doc="Who starts, by organisation.", default=())
    seed_people: tuple[int, ...] = field(
        doc="Who starts, by number in the staff network (from 0), besides seeds.",
        default=(),
        checks=[Each(Range(0, MAX_PEOPLE)), Unique()],
    )
    period: Duration = field(
        doc="Length of one period (ISO 8601), as for a cascade plan.",
        default=Duration(weeks=1),
        checks=[LONGER_THAN_ZERO, PERIOD],
    )
    start: IsoDate | None = field(
        doc="The first day of period 1 (ISO date); none for periods counted but not dated.", default=None
    )
    horizon: int = field(doc="Number of periods simulated.", checks=[Range(1, MAX_PERIODS)])

    def _problems(self) -> list[tuple[Path, str]]:
        from tipframe.model import calendar

        problems = super()._problems()
        problems += repeats(self.seeds, "seeds", "organisation", "organisation {value!r} is listed twice")
        if not self.seeds and not self.seed_people:
            problems.append((("seeds",), "name who starts: seeds by organisation, or seed_people"))
        period = calendar.period_problem(self.period)
        if period is not None:
            problems.append((("period",), period))
        return problems


@attrs.frozen(kw_only=True)
class PeerResult(Document):
    """The result of running a `PeerPlan`, which `load` reads back and ``tipframe reach --rerun`` reproduces."""

    KIND = "PeerResult"

    plan: PeerPlan = field(doc="The plan run.")
    workforce: Workforce = field(doc="The workforce it ran over (its staff network named by file and digest).")
    seed: int = field(doc="The seed.", checks=[Range(0)])
    replicates: int = field(doc="Number of replicates.", checks=[Range(1)])
    backend: str = field(
        doc="compiled (numba) or reference (numpy): the two agree in distribution, not number for number.",
        checks=[TEXT],
    )
    people: int = field(doc="People in the staff network.", checks=[Range(0)])
    tipframe_version: str = field(doc="tipframe version that produced the result.", checks=[TEXT])
    numpy_version: str = field(doc="numpy version that produced it.", checks=[TEXT])
    numba_version: str | None = field(doc="numba version, for a compiled result.", default=None, checks=[TEXT])
    trained: ArrayData = field(
        doc="People reached (seeds included) by the end of each period, replicates x (horizon + 1)."
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        shape = (self.replicates, self.plan.horizon + 1)
        if tuple(self.trained.shape) != shape:
            message = f"must be {list(shape)} (replicates, horizon + 1), not {list(self.trained.shape)}"
            problems.append((("trained", "shape"), message))
        return problems
