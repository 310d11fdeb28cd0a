"""The words a programme is described in: its format, status, delivery, approaches, activities, resources and counts."""

from __future__ import annotations

from enum import Enum


class Format(Enum):
    """The shape a programme takes."""

    COURSE = "course"
    TRAIN_THE_TRAINER = "train-the-trainer"
    REFLECTIVE_PRACTICE = "reflective-practice"
    CLINIC = "clinic"
    LEADERSHIP_PROGRAMME = "leadership-programme"
    NETWORK = "network"
    SELF_DIRECTED = "self-directed"
    #: a national or regional programme whose strands are programmes of their own (NTTP)
    STRATEGIC_PROGRAMME = "strategic-programme"
    #: a small set that meets to work on each member's real problems (the trauma champions' programme)
    ACTION_LEARNING_SET = "action-learning-set"
    #: one-to-one support from a coach or mentor
    COACHING = "coaching"


class Status(Enum):
    """Where a programme or plan stands: the rules judge a design only once it is settled."""

    CO_DESIGN = "co-design"  # still being designed with the people it serves: no schedule findings
    PILOT = "pilot"
    RUNNING = "running"
    ENDED = "ended"


class DeliveryMode(Enum):
    """Online, in person, hybrid or self-directed."""

    ONLINE = "online"
    IN_PERSON = "in-person"
    HYBRID = "hybrid"
    SELF_DIRECTED = "self-directed"


class Approach(Enum):
    """Ways of working a programme names as its own."""

    STRENGTHS_BASED = "strengths-based"
    CO_PRODUCED = "co-produced"
    CO_DESIGNED = "co-designed"
    TRAUMA_INFORMED = "trauma-informed"
    PEER_LED = "peer-led"
    COMMUNITY_LED = "community-led"
    PERSON_CENTRED = "person-centred"
    PUBLIC_HEALTH = "public-health"
    ACTION_LEARNING = "action-learning"
    LIVED_EXPERIENCE = "lived-experience"
    MULTI_AGENCY = "multi-agency"


class Activity(Enum):
    """What happens in a session."""

    PSYCHO_EDUCATION = "psycho-education"
    SKILLS_PRACTICE = "skills-practice"
    REFLECTIVE_DISCUSSION = "reflective-discussion"
    CASE_DISCUSSION = "case-discussion"
    SELF_CARE_PLANNING = "self-care-planning"
    PEER_SUPPORT = "peer-support"
    CO_PRODUCTION = "co-production"
    GOAL_SETTING = "goal-setting"
    ACTION_LEARNING = "action-learning"
    PRESENTATION = "presentation"
    ONE_TO_ONE_SUPPORT = "one-to-one-support"


class ResourceType(Enum):
    """What kind of resource it is."""

    E_LEARNING = "e-learning"
    BRIEFING = "briefing"
    GUIDE = "guide"
    TOOLKIT = "toolkit"
    VIDEO = "video"
    PRESENTATION = "presentation"
    PLEDGE = "pledge"


class Qualifier(Enum):
    """How exactly a reported count is known."""

    EXACT = "exact"
    AT_LEAST = "at-least"  # "600+"
    ABOUT = "about"  # "about 3,000"
