"""Organisations: the services, councils, boards and charities that deliver and receive training."""

from __future__ import annotations

from enum import Enum

import attrs

from tipframe.model.document import Document
from tipframe.model.fields import TEXT, field


class Sector(Enum):
    """Which part of society an organisation belongs to."""

    PUBLIC = "public"
    THIRD_SECTOR = "third-sector"
    COMMUNITY = "community"
    PRIVATE = "private"
    ACADEMIC = "academic"


@attrs.frozen(kw_only=True)
class Organisation(Document):
    """An organisation; other documents refer to it by id."""

    KIND = "Organisation"

    sector: Sector | None = field(doc="Public, third sector, community, private or academic.", default=None)
    type: str | None = field(
        doc="What it is, in the field's words: 'local authority', 'health board', 'police', 'charity'.",
        default=None,
        checks=[TEXT],
    )
    area: str | None = field(doc="Where it works: a council area, a city, a nation.", default=None, checks=[TEXT])
    website: str | None = field(doc="Its public web address.", default=None, checks=[TEXT])
