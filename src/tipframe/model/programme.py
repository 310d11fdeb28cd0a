"""Programmes: courses, reflective spaces, clinics, networks and resources that put principles into practice."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import attrs

from tipframe.model.costs import Costs
from tipframe.model.document import ID_LIST, Document
from tipframe.model.fields import (
    IDENTIFIER,
    REFERENCE,
    TEXT,
    Each,
    Path,
    Range,
    Unique,
    check_problems,
    extensions_field,
    field,
    repeats,
)
from tipframe.model.limits import MAX_COUNT, MAX_FACILITATORS, MAX_PEOPLE
from tipframe.model.principles import Crosswalk, Framework
from tipframe.model.values import LONGER_THAN_ZERO, MAX_DURATION_PART, Duration, IntRange, IsoDate
from tipframe.model.vocabulary import (
    Activity,
    Approach,
    DeliveryMode,
    Format,
    Qualifier,
    ResourceType,
    Status,
    Topic,
)


@attrs.frozen(kw_only=True)
class Schedule:
    """How often a programme meets, how many times and for how long; open-ended for recurring spaces."""

    #: an open-ended space has no session count (the schema's share of ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            "if": {"properties": {"open_ended": {"const": True}}, "required": ["open_ended"]},
            "then": {"not": {"required": ["sessions"]}},
        }
    )

    cadence: Duration | None = field(
        doc="Time from one session to the next (ISO 8601: P1W is weekly).", default=None, checks=[LONGER_THAN_ZERO]
    )
    sessions: int | None = field(
        doc="Number of sessions, when the programme has an end.", default=None, checks=[Range(1, MAX_COUNT)]
    )
    session_length: Duration | None = field(
        doc="Length of one session (ISO 8601: PT2H).", default=None, checks=[LONGER_THAN_ZERO]
    )
    open_ended: bool = field(doc="True for a space that recurs with no planned end.", default=False)
    start: IsoDate | None = field(doc="First session, at the precision known.", default=None)
    end: IsoDate | None = field(doc="Last session, at the precision known.", default=None)
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        problems: list[tuple[Path, str]] = []
        if self.open_ended and self.sessions is not None:
            problems.append((("sessions",), "an open-ended schedule has no session count"))
        if self.start is not None and self.end is not None and self.end.end() < self.start.start():
            problems.append((("end",), f"ends ({self.end}) before it starts ({self.start})"))
        check_problems(problems)

    def length(self) -> Duration | None:
        """Span of the whole programme, ``sessions x cadence`` (P10W for ten weekly sessions).

        None when there is no count or cadence, or the span is beyond what a Duration holds.
        """
        if self.sessions is None or self.cadence is None:
            return None
        parts: dict[str, int] = attrs.asdict(self.cadence)
        if max(parts.values()) * self.sessions > MAX_DURATION_PART:
            return None
        return Duration(**{name: value * self.sessions for name, value in parts.items()})


@attrs.frozen(kw_only=True)
class Session:
    """One session of a programme."""

    number: int = field(doc="Position in the programme, from 1.", checks=[Range(1, MAX_COUNT)])
    title: str | None = field(doc="Title.", default=None, checks=[TEXT])
    duration: Duration | None = field(
        doc="Length, when it differs from the schedule's session length.", default=None, checks=[LONGER_THAN_ZERO]
    )
    principles: tuple[str, ...] = field(
        doc="Ids of the principles of the programme's framework this session enacts.",
        default=(),
        checks=ID_LIST,
        member_of="framework",
    )
    activities: tuple[Activity, ...] = field(doc="What happens in the session.", default=(), checks=[Unique()])
    description: str | None = field(doc="What the session covers.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class FacilitatorRole:
    """Who may facilitate: a title with the qualification, credential or practice level it needs."""

    title: str = field(doc="Role, such as 'psychotherapeutic counsellor'.", checks=[TEXT])
    count: int = field(doc="How many facilitators in this role.", default=1, checks=[Range(1, MAX_FACILITATORS)])
    qualification: str | None = field(doc="Professional qualification needed.", default=None, checks=[TEXT])
    credential: str | None = field(doc="Accreditation or registration needed.", default=None, checks=[TEXT])
    practice_level: str | None = field(
        doc="Level id, in the programme's level scale, each facilitator must hold.",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )
    trained_in: str | None = field(
        doc="A framework or model the facilitator must be trained in (a reference).",
        default=None,
        checks=[REFERENCE],
        ref="Framework",
    )
    peer: bool = field(doc="True when a peer (a colleague of the participants) facilitates.", default=False)
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Facilitation:
    """How many facilitators a group has, and what each needs."""

    facilitators: int = field(
        doc="Facilitators per group or session; 0 for self-directed use.", checks=[Range(0, MAX_FACILITATORS)]
    )
    roles: tuple[FacilitatorRole, ...] = field(doc="What the facilitators must hold.", default=())
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        declared = sum(role.count for role in self.roles)
        if declared > self.facilitators:
            check_problems([(("roles",), f"roles name {declared} facilitators but the group has {self.facilitators}")])


@attrs.frozen(kw_only=True)
class LevelServed:
    """A practice level a programme brings participants to, for some roles (or anyone)."""

    level: str = field(doc="The level (a level id in the programme's scale).", checks=[IDENTIFIER], member_of="levels")
    roles: tuple[str, ...] = field(
        doc="Role ids (as workforces name them) it serves at this level; empty: anyone.",
        default=(),
        checks=[Each(IDENTIFIER), Unique()],
    )
    audience: str | None = field(doc="Who, in words.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class Resource:
    """A self-directed resource: an e-learning module, briefing, guide or toolkit."""

    title: str = field(doc="Title.", checks=[TEXT])
    type: ResourceType = field(doc="What kind of resource it is.")
    audience: str | None = field(doc="Who it is written for.", default=None, checks=[TEXT])
    url: str | None = field(doc="Where it can be found.", default=None, checks=[TEXT])
    description: str | None = field(doc="What it offers.", default=None, checks=[TEXT])
    principles: tuple[str, ...] = field(
        doc="Principle ids it addresses.", default=(), checks=ID_LIST, member_of="framework"
    )
    extensions: Mapping[str, Any] = extensions_field()


@attrs.frozen(kw_only=True)
class DeliveryRecord:
    """An observed count the sources report (never a modelled number)."""

    what: str = field(doc="What was counted: 'case discussions', 'people trained'.", checks=[TEXT])
    count: int = field(doc="The count as reported.", checks=[Range(0, MAX_PEOPLE)])
    qualifier: Qualifier = field(
        doc="exact, at-least ('600+'), at-most, about ('about 3,000', within a tenth) or "
        "suppressed (1 to 4; count is then not used).",
        default=Qualifier.EXACT,
    )
    date: IsoDate = field(doc="When the count stood, at the precision reported.")
    since: IsoDate | None = field(doc="Start of the period counted, when reported.", default=None)
    source: str = field(doc="Id of the source, in this document's sources, that reports it.", checks=[IDENTIFIER])
    note: str | None = field(doc="Context for the count.", default=None, checks=[TEXT])
    extensions: Mapping[str, Any] = extensions_field()

    def __attrs_post_init__(self) -> None:
        if self.since is not None and self.since.start() > self.date.end():
            message = f"the period counted starts ({self.since}) after the count's date ({self.date})"
            check_problems([(("since",), message)])

    def describe(self) -> str:
        """The count as people read it: ``at least 600 case discussions (2019-09 to 2022-08)``."""
        period = f"{self.since} to {self.date}" if self.since else f"by {self.date}"
        return f"{self.qualifier.qualify(self.count)} {self.what} ({period})"


CoverageStatus = Literal["known", "partial", "unknown"]


@attrs.frozen(kw_only=True)
class PrincipleCoverage:
    """Which principles each session enacts, and which the programme never enacts.

    ``status`` is ``unknown`` when the programme gives a session count but no sessions (nothing
    can be said to be missing), ``partial`` when only some sessions are listed (always, for an
    open-ended space), else ``known``.
    """

    framework: str
    principles: tuple[str, ...]
    sessions: tuple[tuple[int, frozenset[str]], ...]
    status: CoverageStatus
    unlisted_sessions: int

    @property
    def enacted(self) -> frozenset[str]:
        """Principles at least one listed session enacts."""
        return frozenset(p for _, ps in self.sessions for p in ps)

    @property
    def missing(self) -> tuple[str, ...]:
        """Principles no listed session enacts, in framework order; empty when status is unknown."""
        if self.status == "unknown":
            return ()
        return tuple(p for p in self.principles if p not in self.enacted)

    def matrix(self) -> tuple[tuple[bool, ...], ...]:
        """Rows are sessions, columns principles (framework order): True where a session enacts one."""
        return tuple(tuple(p in ps for p in self.principles) for _, ps in self.sessions)

    def rows(self) -> list[dict[str, Any]]:
        """Sessions by principles: one row per listed session, a True/False column per principle."""
        return [{"session": number, **{p: p in enacted for p in self.principles}} for number, enacted in self.sessions]

    def translate(self, crosswalk: Crosswalk, target: Framework) -> PrincipleCoverage:
        """The same coverage in another framework's terms, through a crosswalk from this one.

        Each session enacts the target principles its own principles correspond to; what stays
        missing is what the target framework asks and the programme does not (through NTTP ->
        SAMHSA: peer support, for one).

        Raises
        ------
        ValueError
            When ``crosswalk`` does not map from this coverage's framework onto ``target``.
        """
        if crosswalk.source.removeprefix("builtin:") != self.framework:
            raise ValueError(f"{crosswalk.id} maps from {crosswalk.source}, not from {self.framework}")
        if crosswalk.target.removeprefix("builtin:") != target.id:
            raise ValueError(f"{crosswalk.id} maps onto {crosswalk.target}, not onto {target.id}")
        return PrincipleCoverage(
            framework=target.id,
            principles=target.principle_ids(),
            sessions=tuple((number, crosswalk.translate(ps)) for number, ps in self.sessions),
            status=self.status,
            unlisted_sessions=self.unlisted_sessions,
        )


@attrs.frozen(kw_only=True)
class Programme(Document):
    """A programme that puts a framework's principles into practice."""

    #: a level needs its scale (the schema's share of ``_problems``)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"dependentRequired": {"target_level": ["levels"], "serves": ["levels"]}}
    )

    KIND = "Programme"

    format: Format = field(
        doc=(
            "course, train-the-trainer, reflective-practice, clinic, leadership-programme, network, "
            "self-directed, strategic-programme, action-learning-set or coaching (one-to-one)."
        )
    )
    status: Status | None = field(
        doc="co-design, pilot, running or ended; none when not said. While in co-design, the schedule and "
        "group rules (TIP301 to TIP308) do not judge it.",
        default=None,
    )
    owner: str | None = field(
        doc="Organisation that runs it (a reference).", default=None, checks=[REFERENCE], ref="Organisation"
    )
    partners: tuple[str, ...] = field(
        doc="Other organisations that co-design or deliver it (references).",
        default=(),
        checks=[Each(REFERENCE), Unique()],
        ref="Organisation",
    )
    aims: tuple[str, ...] = field(doc="What it sets out to achieve.", default=(), checks=[Each(TEXT)])
    approaches: tuple[Approach, ...] = field(doc="Ways of working it names.", default=(), checks=[Unique()])
    topics: tuple[Topic, ...] = field(
        doc="What it covers, from a closed list: what the practice rules judge (they never read descriptions). "
        "Empty: not recorded.",
        default=(),
        checks=[Unique()],
    )
    framework: str | None = field(
        doc="Framework whose principles it enacts (a reference).", default=None, checks=[REFERENCE], ref="Framework"
    )
    levels: str | None = field(
        doc="Level scale its practice levels come from (a reference).",
        default=None,
        checks=[REFERENCE],
        ref="LevelScale",
    )
    audience: str | None = field(doc="Who it is for.", default=None, checks=[TEXT])
    target_level: str | None = field(
        doc="Practice level it aims to bring participants to (a level id in its scale).",
        default=None,
        checks=[IDENTIFIER],
        member_of="levels",
    )
    serves: tuple[LevelServed, ...] = field(
        doc="Levels it brings participants to, each for some roles: a programme that serves several audiences at "
        "several levels (target_level is the one-level case).",
        default=(),
    )
    delivery: DeliveryMode | None = field(doc="Online, in person, hybrid or self-directed.", default=None)
    platform: str | None = field(doc="Where online sessions meet.", default=None, checks=[TEXT])
    group_size: IntRange | None = field(doc="Participants per group.", default=None)
    cases_per_session: IntRange | None = field(doc="Cases (families) discussed per session, for clinics.", default=None)
    facilitation: Facilitation | None = field(doc="Facilitators per group and what they need.", default=None)
    schedule: Schedule | None = field(doc="Cadence, number and length of sessions.", default=None)
    sessions: tuple[Session, ...] = field(doc="The sessions, when known.", default=())
    resources: tuple[Resource, ...] = field(doc="Self-directed resources it offers.", default=())
    follow_on: str | None = field(
        doc="Programme that follows it, such as the train-the-trainer course that lets completers deliver it.",
        default=None,
        checks=[REFERENCE],
        ref="Programme",
    )
    strands: tuple[str, ...] = field(
        doc="For a strategic programme or a network: the programmes that make it up (references).",
        default=(),
        checks=[Each(REFERENCE), Unique()],
        ref="Programme",
    )
    delivers: str | None = field(
        doc="For a train-the-trainer course: the programme its trainers go on to deliver.",
        default=None,
        checks=[REFERENCE],
        ref="Programme",
    )
    delivery_records: tuple[DeliveryRecord, ...] = field(
        doc="Observed counts the sources report, kept apart from anything modelled.", default=()
    )
    costs: Costs | None = field(
        doc="The programme's own prices (a fee or materials per participant, facilitators' rates, fixed costs): "
        "used by a plan that delivers it and gives no costs of its own.",
        default=None,
    )

    def _problems(self) -> list[tuple[Path, str]]:
        problems = super()._problems()
        problems += repeats(self.sessions, "sessions", "number", "session {value} is listed twice")
        count = self.schedule.sessions if self.schedule is not None else None
        for index, session in enumerate(self.sessions):
            if count is not None and session.number > count:
                message = f"session {session.number}, but the schedule has {count} sessions"
                problems.append((("sessions", index, "number"), message))
        for index, session in enumerate(self.sessions):
            if session.principles and self.framework is None:
                problems.append(
                    (("sessions", index, "principles"), "names principles, but the programme names no framework")
                )
        no_scale = "names a level, but the programme names no level scale (levels)"
        if self.target_level is not None and self.levels is None:
            problems.append((("target_level",), no_scale))
        if self.serves and self.levels is None:
            problems.append((("serves",), no_scale))
        problems += repeats(self.serves, "serves", "level", "level {value!r} is served twice: list its roles once")
        roles = self.facilitation.roles if self.facilitation is not None and self.levels is None else ()
        for index, role in enumerate(roles):
            if role.practice_level is not None:
                problems.append((("facilitation", "roles", index, "practice_level"), no_scale))
        if self.follow_on is not None and self.follow_on == self.id:
            problems.append((("follow_on",), "a programme cannot be its own follow-on"))
        if self.id in self.strands:
            problems.append((("strands",), "a programme cannot be one of its own strands"))
        if self.delivers is not None and self.delivers == self.id:
            problems.append((("delivers",), "a programme cannot deliver itself"))
        if self.owner is not None and self.owner in self.partners:
            problems.append((("partners",), f"{self.owner!r} is already the owner"))
        known = set(self.source_ids())
        for index, record in enumerate(self.delivery_records):
            if record.source not in known:
                available = ", ".join(sorted(known)) or "none: add it under sources"
                message = f"no source {record.source!r} in this document (sources: {available})"
                problems.append((("delivery_records", index, "source"), message))
        return problems

    # Derived values -----------------------------------------------------------------------------

    def session_count(self) -> int | None:
        """Sessions in the programme: the schedule's count, else the number listed; None if open-ended."""
        if self.schedule is not None and self.schedule.sessions is not None:
            return self.schedule.sessions
        if self.schedule is not None and self.schedule.open_ended:
            return None
        return len(self.sessions) or None

    def contact_hours(self) -> float | None:
        """Hours of contact in the whole programme, or None where it cannot be known.

        Listed sessions count their own duration, else the schedule's session length; unlisted
        sessions count the schedule's session length.
        """
        count = self.session_count()
        if count is None:
            return None
        default = self.schedule.session_length if self.schedule is not None else None
        total = 0.0
        for session in self.sessions:
            length = session.duration or default
            if length is None or length.is_calendar:
                return None
            total += length.hours_total()
        unlisted = count - len(self.sessions)
        if unlisted > 0:
            if default is None or default.is_calendar:
                return None
            total += unlisted * default.hours_total()
        return total

    def _participants(self, participants: int | None) -> int | None:
        if participants is not None:
            return participants
        return self.group_size.max if self.group_size is not None else None

    def participant_hours(self, participants: int | None = None) -> float | None:
        """Contact hours times participants; None when either is unknown.

        Parameters
        ----------
        participants
            Participants in the group (default: the largest group size).
        """
        hours = self.contact_hours()
        people = self._participants(participants)
        return None if hours is None or people is None else hours * people

    def facilitator_ratio(self, participants: int | None = None) -> float | None:
        """Participants per facilitator; inf with no facilitator, None when either is unknown.

        Parameters
        ----------
        participants
            Participants in the group (default: the largest group size).
        """
        people = self._participants(participants)
        if people is None or self.facilitation is None:
            return None
        if self.facilitation.facilitators == 0:
            return math.inf
        return people / self.facilitation.facilitators

    def coverage(self, framework: Framework) -> PrincipleCoverage:
        """Principles each session enacts, sessions in number order, against a framework.

        Parameters
        ----------
        framework
            Normally the one the programme names.
        """
        count = self.session_count()
        listed = len(self.sessions)
        recurring = self.schedule is not None and self.schedule.open_ended
        if listed == 0:
            status: CoverageStatus = "unknown"
        elif recurring or (count is not None and listed < count):
            # A recurring space can never list all its sessions.
            status = "partial"
        else:
            status = "known"
        return PrincipleCoverage(
            framework=framework.id,
            principles=framework.principle_ids(),
            sessions=tuple((s.number, frozenset(s.principles)) for s in sorted(self.sessions, key=lambda s: s.number)),
            status=status,
            unlisted_sessions=max(0, (count or listed) - listed),
        )
