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
    #: a series of events with speakers, for learning across organisations (the trauma deep dive events)
    LEARNING_EVENTS = "learning-events"


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


class Topic(Enum):
    """What a programme covers: the practice rules judge these, never the words of a description."""

    TRAUMA_AWARENESS = "trauma-awareness"
    TRAUMA_SKILLS = "trauma-skills"
    TRAUMA_INFORMED_LEADERSHIP = "trauma-informed-leadership"
    STAFF_WELLBEING = "staff-wellbeing"
    SELF_CARE = "self-care"
    VICARIOUS_TRAUMA = "vicarious-trauma"
    RESILIENCE = "resilience"
    PEER_SUPPORT = "peer-support"
    REFLECTIVE_PRACTICE = "reflective-practice"
    LIVED_EXPERIENCE = "lived-experience"
    ANTI_RACISM = "anti-racism"
    DOMESTIC_ABUSE = "domestic-abuse"
    MULTI_AGENCY_WORKING = "multi-agency-working"
    POLICY = "policy"


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
    AT_MOST = "at-most"  # "fewer than 50"
    ABOUT = "about"  # "about 3,000"
    SUPPRESSED = "suppressed"  # withheld for disclosure control: 1 to 4

    def qualify(self, count: int | None) -> str:
        """A count as people read it: ``at least 600``, ``about 3,000``, ``1 to 4 (suppressed)``.

        Parameters
        ----------
        count
            The count as reported (not used for a suppressed one).

        Returns
        -------
        str
        """
        if self is Qualifier.SUPPRESSED or count is None:
            return "1 to 4 (suppressed)"
        words = {Qualifier.AT_LEAST: "at least ", Qualifier.AT_MOST: "at most ", Qualifier.ABOUT: "about "}
        return f"{words.get(self, '')}{count:,}"

    def admits(self, value: float, count: int | None, tolerance: float = 0.0) -> bool:
        """Whether a modelled ``value`` agrees with ``count`` so qualified (about: within ``tolerance``).

        Parameters
        ----------
        value
            The modelled count.
        count
            The count as reported (not used for a suppressed one).
        tolerance
            How far an ``about`` count may be from the value.

        Returns
        -------
        bool
        """
        if self is Qualifier.SUPPRESSED or count is None:
            return 1 <= value <= 4
        if self is Qualifier.AT_LEAST:
            return value >= count
        if self is Qualifier.AT_MOST:
            return value <= count
        if self is Qualifier.ABOUT:
            return abs(value - count) <= tolerance
        return value == count
