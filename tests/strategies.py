"""Hypothesis strategies for every document kind, written out field by field.

``st.builds`` cannot see the model's checks (ranges, id patterns, cross-field rules), so each
strategy draws values that satisfy them explicitly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from tipframe import (
    Activity,
    Approach,
    CascadePlan,
    Correspondence,
    Crosswalk,
    DeliveryMode,
    DeliveryRecord,
    Distribution,
    Duration,
    Facilitation,
    FacilitatorRole,
    Format,
    Framework,
    Illustrative,
    IntRange,
    IsoDate,
    LevelScale,
    Organisation,
    Parameter,
    PracticeLevel,
    Principle,
    Programme,
    Qualifier,
    Relation,
    Resource,
    ResourceType,
    Role,
    Schedule,
    Sector,
    SeedTrainers,
    Session,
    Source,
    SourceType,
    Tier,
    Workforce,
    WorkforceOrganisation,
)
from tipframe.model import (
    LevelForSupport,
    NetworkOrganisation,
    Pathway,
    ReferralNetwork,
    Service,
    ServiceStatus,
    Support,
)
from tipframe.model.cascade import UptakeOverride
from tipframe.model.characters import refused_characters

ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
refs = st.one_of(ids, ids.map(lambda i: "builtin:" + i))
# Any Unicode a person might type, including line breaks and characters YAML treats specially.
typed = st.characters(codec="utf-8", exclude_categories=("Cs",))
any_text = st.text(typed, min_size=1, max_size=40).filter(lambda s: s.strip() != "")
# Text fields refuse controls and invisible format characters; x- data keeps them.
text = st.text(typed.filter(lambda c: refused_characters(c) is None), min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)
maybe_text = st.none() | text

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
extensions = st.dictionaries(st.from_regex(r"x-[a-z0-9-]{1,10}", fullmatch=True), json_values, max_size=2)

durations = st.builds(
    Duration,
    years=st.integers(0, 3),
    months=st.integers(0, 11),
    weeks=st.integers(0, 60),
    days=st.integers(0, 30),
    hours=st.integers(0, 48),
    minutes=st.integers(0, 600),
    seconds=st.integers(0, 59),
)
fixed_durations = st.builds(
    Duration, weeks=st.integers(0, 4), days=st.integers(0, 6), hours=st.integers(0, 12), minutes=st.integers(0, 59)
)
# Lengths and intervals where zero makes no sense (a cadence, a session, a network's period).
nonzero_durations = durations.filter(lambda d: d != Duration())


@st.composite
def iso_dates(draw: st.DrawFn) -> IsoDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return IsoDate(year=day.year)
    if precision == "month":
        return IsoDate(year=day.year, month=day.month)
    return IsoDate.of(day)


@st.composite
def int_ranges(draw: st.DrawFn, low: int = 0) -> IntRange:
    a = draw(st.none() | st.integers(low, 60))
    b = draw(st.none() | st.integers(max(low, 1), 60))
    if a is not None and b is not None and a > b:
        a, b = b, a
    return IntRange(min=a, max=b)


@st.composite
def sources(draw: st.DrawFn) -> tuple[Source, ...]:
    source_ids = draw(st.lists(ids, unique=True, max_size=3))
    return tuple(
        Source(
            id=source_id,
            title=draw(text),
            type=draw(st.sampled_from(SourceType)),
            publisher=draw(maybe_text),
            date=draw(st.none() | iso_dates()),
            url=draw(maybe_text),
            note=draw(maybe_text),
            extensions=draw(extensions),
        )
        for source_id in source_ids
    )


def _envelope(draw: st.DrawFn) -> dict[str, Any]:
    marks = draw(st.lists(st.sampled_from(["id", "name"]), unique=True, max_size=2))
    return {
        "id": draw(ids),
        "name": draw(text),
        "description": draw(maybe_text),
        "sources": draw(sources()),
        "illustrative": tuple(Illustrative(path=m, note=draw(maybe_text)) for m in marks),
        "extensions": draw(extensions),
    }


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    principle_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    principles = tuple(
        Principle(
            id=pid,
            name=draw(text),
            description=draw(maybe_text),
            group=draw(maybe_text),
            extensions=draw(extensions),
        )
        for pid in principle_ids
    )
    return Framework(principles=principles, **_envelope(draw))


@st.composite
def crosswalks(draw: st.DrawFn) -> Crosswalk:
    source, target = draw(st.lists(refs, min_size=2, max_size=2, unique=True))
    mapped = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    correspondences = tuple(
        Correspondence(
            source=pid,
            targets=tuple(draw(st.lists(ids, min_size=1, max_size=3, unique=True))),
            relation=draw(st.sampled_from(Relation)),
            note=draw(maybe_text),
            extensions=draw(extensions),
        )
        for pid in mapped
    )
    return Crosswalk(source=source, target=target, correspondences=correspondences, **_envelope(draw))


@st.composite
def level_scales(draw: st.DrawFn) -> LevelScale:
    level_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    levels = tuple(
        PracticeLevel(id=lid, name=draw(text), audience=draw(maybe_text), description=draw(maybe_text))
        for lid in level_ids
    )
    return LevelScale(levels=levels, cumulative=draw(st.booleans()), **_envelope(draw))


@st.composite
def organisations(draw: st.DrawFn) -> Organisation:
    return Organisation(
        sector=draw(st.none() | st.sampled_from(Sector)),
        type=draw(maybe_text),
        area=draw(maybe_text),
        website=draw(maybe_text),
        **_envelope(draw),
    )


@st.composite
def programmes(draw: st.DrawFn) -> Programme:
    envelope = _envelope(draw)
    own_id = envelope["id"]
    other_refs = refs.filter(lambda r: r != own_id)
    framework = draw(st.none() | refs)
    levels = draw(st.none() | refs)
    principle_ids = st.lists(ids, max_size=4, unique=True).map(tuple) if framework else st.just(())
    level_ids = st.none() | ids if levels else st.none()
    numbers = draw(st.lists(st.integers(1, 30), unique=True, max_size=5))
    sessions = tuple(
        Session(
            number=n,
            title=draw(maybe_text),
            duration=draw(st.none() | nonzero_durations),
            principles=draw(principle_ids),
            activities=tuple(draw(st.lists(st.sampled_from(Activity), unique=True, max_size=3))),
            description=draw(maybe_text),
            extensions=draw(extensions),
        )
        for n in numbers
    )
    roles = tuple(
        FacilitatorRole(
            title=draw(text),
            count=draw(st.integers(1, 3)),
            qualification=draw(maybe_text),
            credential=draw(maybe_text),
            practice_level=draw(level_ids),
            trained_in=draw(st.none() | refs),
            peer=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    facilitation = draw(
        st.none()
        | st.builds(
            Facilitation,
            facilitators=st.integers(sum(r.count for r in roles), 8),
            roles=st.just(roles),
            extensions=extensions,
        )
    )
    open_ended = draw(st.booleans())
    schedule = draw(
        st.none()
        | st.builds(
            Schedule,
            cadence=st.none() | nonzero_durations,
            sessions=st.none() if open_ended else st.none() | st.integers(max(numbers, default=1), 40),
            session_length=st.none() | nonzero_durations,
            open_ended=st.just(open_ended),
        )
    )
    owner = draw(st.none() | refs)
    partners = tuple(draw(st.lists(refs.filter(lambda r: r != owner), unique=True, max_size=3)))
    source_ids = [s.id for s in envelope["sources"]]
    records = ()
    if source_ids:
        records = tuple(
            DeliveryRecord(
                what=draw(text),
                count=draw(st.integers(0, 10**6)),
                qualifier=draw(st.sampled_from(Qualifier)),
                date=(date := draw(iso_dates())),
                since=draw(st.none() | iso_dates().filter(lambda since, date=date: since.start() <= date.end())),
                source=draw(st.sampled_from(source_ids)),
                note=draw(maybe_text),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
    resources = tuple(
        Resource(
            title=draw(text),
            type=draw(st.sampled_from(ResourceType)),
            audience=draw(maybe_text),
            url=draw(maybe_text),
            description=draw(maybe_text),
            principles=draw(principle_ids),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return Programme(
        format=draw(st.sampled_from(Format)),
        owner=owner,
        partners=partners,
        aims=tuple(draw(st.lists(text, max_size=3))),
        approaches=tuple(draw(st.lists(st.sampled_from(Approach), unique=True, max_size=4))),
        framework=framework,
        levels=levels,
        audience=draw(maybe_text),
        target_level=draw(level_ids),
        delivery=draw(st.none() | st.sampled_from(DeliveryMode)),
        platform=draw(maybe_text),
        group_size=draw(st.none() | int_ranges(1)),
        cases_per_session=draw(st.none() | int_ranges()),
        facilitation=facilitation,
        schedule=schedule,
        sessions=sessions,
        resources=resources,
        follow_on=draw(st.none() | other_refs),
        strands=tuple(draw(st.lists(other_refs, unique=True, max_size=2))),
        delivers=draw(st.none() | other_refs),
        delivery_records=records,
        **envelope,
    )


@st.composite
def workforces(draw: st.DrawFn) -> Workforce:
    org_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    organisations = []
    for org_id in org_ids:
        role_ids = draw(st.lists(ids, max_size=3, unique=True))
        headcounts = [draw(st.integers(0, 50)) for _ in role_ids]
        roles = tuple(
            Role(id=r, headcount=h, name=draw(maybe_text), required_level=draw(st.none() | ids))
            for r, h in zip(role_ids, headcounts, strict=True)
        )
        organisations.append(
            WorkforceOrganisation(
                id=org_id,
                name=draw(maybe_text),
                organisation=draw(st.none() | refs),
                headcount=sum(headcounts) + draw(st.integers(0, 100)),
                roles=roles,
                extensions=draw(extensions),
            )
        )
    pairs = [(a, b) for i, a in enumerate(org_ids) for b in org_ids[i + 1 :]]
    partnerships = tuple(draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3))) if pairs else ()
    needs_scale = any(r.required_level for o in organisations for r in o.roles)
    return Workforce(
        levels=draw(refs) if needs_scale else draw(st.none() | refs),
        organisations=tuple(organisations),
        partnerships=partnerships,
        **_envelope(draw),
    )


probabilities = st.one_of(
    st.floats(0, 1).map(Parameter.fixed),
    st.tuples(st.floats(0.1, 50), st.floats(0.1, 50)).map(
        lambda ab: Parameter(distribution=Distribution.BETA, values=ab)
    ),
    st.tuples(st.floats(0, 1), st.floats(0, 1)).map(
        lambda lh: Parameter(distribution=Distribution.UNIFORM, values=tuple(sorted(lh)))
    ),
)
rates = st.one_of(
    st.floats(0.01, 3).map(Parameter.fixed),
    st.tuples(st.floats(0.1, 10), st.floats(0.01, 1)).map(
        lambda ss: Parameter(distribution=Distribution.GAMMA, values=ss)
    ),
    st.tuples(st.floats(-1, 1), st.floats(0.01, 1)).map(
        lambda ms: Parameter(distribution=Distribution.LOGNORMAL, values=ms)
    ),
)


#: a plan's period: mostly weeks, as most plans have, else days, months, quarters, half-years or years
plan_periods = st.one_of(
    st.integers(1, 4).map(lambda n: Duration(weeks=n)),
    st.integers(1, 14).map(lambda n: Duration(days=n)),
    st.sampled_from([Duration(months=1), Duration(months=3), Duration(months=6), Duration(years=1)]),
)


@st.composite
def uptake_overrides(draw: st.DrawFn) -> tuple[UptakeOverride, ...]:
    """Entries with distinct (organisation, role) keys, each naming at least one of the two."""
    keys = draw(
        st.lists(
            st.tuples(st.none() | ids, st.none() | ids).filter(lambda k: k != (None, None)), unique=True, max_size=3
        )
    )
    return tuple(
        UptakeOverride(organisation=o, role=r, uptake=draw(probabilities), extensions=draw(extensions)) for o, r in keys
    )


@st.composite
def cascade_plans(draw: st.DrawFn) -> CascadePlan:
    tiers = tuple(
        Tier(
            cohort_size=draw(st.integers(1, 30)),
            facilitators=draw(st.integers(1, 3)),
            concurrent_cohorts=draw(st.integers(1, 3)),
            total_cohorts=draw(st.none() | st.integers(1, 10)),
            delay=draw(fixed_durations),
            attrition=draw(probabilities),
            completion=draw(probabilities),
            conversion=draw(probabilities),
            fidelity_retention=draw(rates),
            fidelity_floor=draw(st.floats(0, 1)),
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    seeds = tuple(
        SeedTrainers(organisation=o, trainers=draw(st.integers(1, 20)))
        for o in draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    )
    horizon = draw(st.integers(1, 500))
    return CascadePlan(
        programme=draw(refs),
        trainer_course=draw(st.none() | refs),
        workforce=draw(refs),
        seed_trainers=seeds,
        seeds_are_staff=draw(st.booleans()),
        period=draw(plan_periods),
        start=draw(st.none() | iso_dates()),
        horizon=horizon,
        eligible_roles=tuple(draw(st.lists(ids, unique=True, max_size=2))),
        eligible_levels=tuple(draw(st.lists(ids, unique=True, max_size=2))),
        tiers=tiers,
        turnover=draw(probabilities),
        uptake=draw(st.just(Parameter.fixed(1)) | probabilities),
        uptake_by=draw(st.just(()) | uptake_overrides()),
        retakes=draw(st.none() | st.integers(0, 10)),
        adoption_after=draw(st.integers(1, max(horizon, 26))),
        maintenance_after=draw(st.integers(0, max(horizon, 26))),
        maintenance_window=draw(st.integers(1, max(horizon, 13))),
        **_envelope(draw),
    )


@st.composite
def referral_networks(draw: st.DrawFn) -> ReferralNetwork:
    org_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    service_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    with_levels = draw(st.booleans())
    with_workforce = draw(st.booleans())
    level = st.none() | ids if with_levels else st.none()
    services = tuple(
        Service(
            id=sid,
            name=draw(text),
            organisation=draw(st.sampled_from(org_ids)),
            description=draw(maybe_text),
            status=draw(st.sampled_from(ServiceStatus)),
            support=draw(st.sampled_from(Support)),
            eligibility=draw(maybe_text),
            capacity=draw(st.none() | st.floats(0, 1e6)),
            waiting_time=draw(st.none() | durations),
            delivery=tuple(draw(st.lists(st.sampled_from(DeliveryMode), unique=True, max_size=2))),
            areas=tuple(draw(st.lists(text, unique=True, max_size=2))),
            staff_level=draw(level),
            required_level=draw(level),
            role=draw(st.none() | ids) if with_workforce else None,
            extensions=draw(extensions),
        )
        for sid in service_ids
    )
    pairs = [(a, b) for a in service_ids for b in service_ids if a != b]
    pathways = tuple(
        Pathway(
            from_service=a,
            to_service=b,
            criteria=draw(maybe_text),
            volume=draw(st.none() | st.floats(0, 1e4)),
            consent=draw(st.booleans()),
            warm_handover=draw(st.booleans()),
            extensions=draw(extensions),
        )
        for a, b in (draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else [])
    )
    return ReferralNetwork(
        period=draw(fixed_durations.filter(lambda d: d != Duration())),
        levels=draw(refs) if with_levels else None,
        workforce=draw(refs) if with_workforce else draw(st.none() | refs),
        level_for_support=(
            LevelForSupport(universal=draw(st.none() | ids), specialist=draw(st.none() | ids)) if with_levels else None
        ),
        organisations=tuple(
            NetworkOrganisation(id=o, name=draw(maybe_text), organisation=draw(st.none() | refs)) for o in org_ids
        ),
        services=services,
        pathways=pathways,
        entry_points=tuple(draw(st.lists(st.sampled_from(service_ids), unique=True, max_size=2))),
        **_envelope(draw),
    )


documents = st.one_of(
    frameworks(),
    crosswalks(),
    level_scales(),
    organisations(),
    programmes(),
    workforces(),
    cascade_plans(),
    referral_networks(),
)


@st.composite
def chanceless_networks(draw: st.DrawFn, ties: int) -> tuple[Any, float, float, int]:
    """A random staff network (up to 60 people, up to ``ties`` ties) with p and q each 0 or 1, and a seed:
    nothing is random past the start, so any two peer engines must give the same series."""
    import numpy as np

    from tipframe import StaffGraph

    people = draw(st.integers(min_value=2, max_value=60))
    count = draw(st.integers(min_value=0, max_value=ties))
    p, q = draw(st.sampled_from([0.0, 1.0])), draw(st.sampled_from([1.0, 0.0]))
    seed = draw(st.integers(min_value=0, max_value=2**32))
    rng = np.random.default_rng(seed)
    graph = StaffGraph.from_edges(people, rng.integers(0, people, count), rng.integers(0, people, count))
    return graph, p, q, seed
