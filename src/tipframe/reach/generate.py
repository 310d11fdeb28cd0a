"""Synthetic workforces and staff networks of a given size and shape, reproducible from a seed.

Every headcount they produce is invented: documents built from them mark it so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np

from tipframe.io.documents import loads
from tipframe.model import (
    CascadePlan,
    Illustrative,
    LevelCount,
    Programme,
    Qualifier,
    Role,
    Workforce,
    WorkforceOrganisation,
)
from tipframe.reach.peer import StaffGraph

#: Scotland's 32 council areas, as the councils are named
SCOTTISH_COUNCILS = (
    "Aberdeen City", "Aberdeenshire", "Angus", "Argyll and Bute", "City of Edinburgh", "Clackmannanshire",
    "Comhairle nan Eilean Siar", "Dumfries and Galloway", "Dundee City", "East Ayrshire", "East Dunbartonshire",
    "East Lothian", "East Renfrewshire", "Falkirk", "Fife", "Glasgow City", "Highland", "Inverclyde", "Midlothian",
    "Moray", "North Ayrshire", "North Lanarkshire", "Orkney Islands", "Perth and Kinross", "Renfrewshire",
    "Scottish Borders", "Shetland Islands", "South Ayrshire", "South Lanarkshire", "Stirling", "West Dunbartonshire",
    "West Lothian",
)  # fmt: skip
#: Scotland's 14 territorial NHS health boards
SCOTTISH_HEALTH_BOARDS = (
    "NHS Ayrshire and Arran", "NHS Borders", "NHS Dumfries and Galloway", "NHS Fife", "NHS Forth Valley",
    "NHS Grampian", "NHS Greater Glasgow and Clyde", "NHS Highland", "NHS Lanarkshire", "NHS Lothian", "NHS Orkney",
    "NHS Shetland", "NHS Tayside", "NHS Western Isles",
)  # fmt: skip


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def headcounts(count: int, total: int, *, sigma: float = 1.0, seed: int = 0) -> list[int]:
    """``count`` lognormal headcounts (each at least 1) summing to ``total``.

    Parameters
    ----------
    count
        How many organisations.
    total
        The people in them all.
    sigma
        The spread of the underlying normal: larger makes sizes more unequal.
    seed
        The seed of the draw.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        When ``count`` is below 1 or ``total`` below ``count``.
    """
    if count < 1 or total < count:
        raise ValueError("need at least one organisation and one person per organisation")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    weights = rng.lognormal(0.0, sigma, count)
    raw = 1 + np.floor(weights / weights.sum() * (total - count)).astype(np.int64)
    raw[np.argmax(weights)] += total - int(raw.sum())  # the largest takes the rounding
    return [int(x) for x in raw]


def synthetic_workforce(
    organisations: int,
    people: int,
    *,
    sigma: float = 1.0,
    partners: int = 2,
    seed: int = 0,
    names: Sequence[str] = (),
    workforce_id: str = "synthetic",
) -> Workforce:
    """A workforce of ``organisations`` with lognormal headcounts summing to ``people``.

    Every headcount and partnership is invented, and marked illustrative.

    Parameters
    ----------
    organisations, people, sigma, seed
        As for `headcounts`.
    partners
        Each organisation is joined in partnership to about this many others, at random.
    names
        Names for the first organisations (their ids are made from them); the rest are
        ``org-N``.
    workforce_id
        The workforce's id.

    Returns
    -------
    Workforce

    Raises
    ------
    ValueError
        As for `headcounts`.
    """
    sizes = headcounts(organisations, people, sigma=sigma, seed=seed)
    ids = [_slug(names[i]) if i < len(names) else f"org-{i + 1}" for i in range(organisations)]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    pairs: set[tuple[int, int]] = set()
    if organisations > 1:
        for i in range(organisations):
            for j in rng.choice(organisations - 1, size=min(partners, organisations - 1), replace=False):
                other = int(j) + (int(j) >= i)
                pairs.add((min(i, other), max(i, other)))
    return Workforce(
        id=workforce_id,
        name=f"Synthetic workforce of {people:,} people in {organisations:,} organisations (illustrative)",
        organisations=tuple(
            WorkforceOrganisation(id=ids[i], name=names[i] if i < len(names) else None, headcount=sizes[i])
            for i in range(organisations)
        ),
        partnerships=tuple((ids[a], ids[b]) for a, b in sorted(pairs)),
        illustrative=(
            Illustrative(
                path="organisations", note=f"Headcounts drawn from a lognormal (sigma {sigma:g}, seed {seed})."
            ),
            Illustrative(path="partnerships", note=f"Partnerships drawn at random (seed {seed})."),
        ),
    )


def scotland_public_sector(people: int = 400_000, *, seed: int = 0) -> Workforce:
    """A workforce shaped like Scotland's public sector: 32 councils and 14 health boards.

    The names are real; the headcounts are illustrative (lognormal, summing to ``people``).
    Partnerships are random, about two per organisation: the real pairings of councils and
    health boards are not modelled.

    Parameters
    ----------
    people
        The staff in all 46 organisations together.
    seed
        The seed of the headcounts and partnerships.

    Returns
    -------
    Workforce

    Raises
    ------
    ValueError
        When ``people`` is below 46.
    """
    names = (*SCOTTISH_COUNCILS, *SCOTTISH_HEALTH_BOARDS)
    workforce = synthetic_workforce(len(names), people, seed=seed, names=names, workforce_id="scotland-public-sector")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
    organisations = tuple(
        attrs.evolve(o, roles=_nes_roles(o.headcount, rng, recorded=index % 3 != 2))
        for index, o in enumerate(workforce.organisations)
    )
    note = (
        "Roles, their shares of each headcount and the levels staff hold are invented (seed "
        f"{seed}); the levels each role needs follow the NES framework's reading of contact with people affected by "
        "trauma. Levels are recorded for two organisations in three; counts from 1 to 4 are suppressed."
    )
    return Workforce(
        id=workforce.id,
        name="Scotland's councils and health boards (illustrative headcounts)",
        description="The 32 councils and 14 territorial health boards; headcounts, roles, levels held and "
        "partnerships are invented.",
        levels="builtin:nes-levels",
        organisations=organisations,
        partnerships=workforce.partnerships,
        illustrative=tuple(
            Illustrative(path=i.path, note=f"{i.note} {note}") if i.path == "organisations" else i
            for i in workforce.illustrative
        ),
    )


#: roles of a public-sector organisation: id, the level it needs, and its share of the headcount (low, high)
_NES_ROLES: Final = (
    ("specialist-practitioner", "specialist", (0.005, 0.02)),
    ("specialist-remit", "enhanced", (0.05, 0.12)),
    ("frontline", "skilled", (0.3, 0.5)),
    ("all-staff", "informed", None),  # everyone else
)


def _nes_roles(headcount: int, rng: np.random.Generator, *, recorded: bool) -> tuple[Role, ...]:
    """Invented roles for one organisation, with the levels their staff hold when ``recorded``."""
    counts, left = [], headcount
    for _, _, share in _NES_ROLES:
        count = left if share is None else min(left, round(headcount * rng.uniform(*share)))
        counts.append(count)
        left -= count
    levels = ("informed", "skilled", "enhanced", "specialist")
    roles = []
    for (role, needed, _), count in zip(_NES_ROLES, counts, strict=True):
        held: tuple[LevelCount, ...] = ()
        if recorded and count:
            top = levels.index(needed) + 1
            shares = rng.dirichlet(np.ones(top + 1))  # no level yet, then each level up to the one needed
            people = np.floor(shares * count).astype(int)
            people[0] += count - int(people.sum())
            held = tuple(
                LevelCount(level=None if i == 0 else levels[i - 1], count=int(n))
                if not 0 < n < 5
                else LevelCount(level=None if i == 0 else levels[i - 1], qualifier=Qualifier.SUPPRESSED)
                for i, n in enumerate(people)
                if n
            )
        roles.append(Role(id=role, headcount=count, required_level=needed, levels_held=held))
    return tuple(roles)


def synthetic_staff_network(
    sizes: Sequence[int], *, ties: float = 10.0, within: float = 0.9, seed: int = 0
) -> StaffGraph:
    """A staff network over organisations of the given sizes, built as edge arrays.

    Parameters
    ----------
    sizes
        People in each organisation; people are numbered organisation by organisation.
    ties
        About how many ties a person has.
    within
        The share of ties with colleagues in the same organisation; the rest join anyone.
    seed
        The seed of the draw.

    Returns
    -------
    StaffGraph
        With each person's organisation (as an index into ``sizes``).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    counts = np.asarray(sizes, dtype=np.int64)
    people = int(counts.sum())
    organisation = np.repeat(np.arange(counts.size), counts)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    edges = int(people * ties / 2)
    local = int(edges * within)
    source = rng.integers(0, people, edges)
    org = organisation[source[:local]]
    target = np.empty(edges, np.int64)
    target[:local] = first[org] + (rng.random(local) * counts[org]).astype(np.int64)
    target[local:] = rng.integers(0, people, edges - local)
    return StaffGraph.from_edges(people, source, target, organisation)


_ROLLOUT = """\
tipframe: 1
kind: CascadePlan
id: {id}
name: Synthetic rollout on {workforce}
programme: synthetic-course
workforce: {workforce}
seed_trainers:{seeds}
period: P1W
horizon: {horizon}{retakes}
tiers:
  - cohort_size: 12
    facilitators: 2
    total_cohorts: 12
    delay: P8W
    attrition: {{beta: [1, 299]}}
    completion: {{beta: [83.7, 16.3]}}
    conversion: {{beta: [2, 98]}}
    fidelity_retention: 0.95
    fidelity_floor: 0.6
"""
_COURSE = """\
tipframe: 1
kind: Programme
id: synthetic-course
name: Synthetic course
format: course
group_size: {min: 4, max: 12}
schedule: {cadence: P2W, sessions: 4}
"""


def synthetic_rollout(
    organisations: int, people: int, *, horizon: int = 104, retakes: int | None = None, seed: int = 7
) -> tuple[CascadePlan, Workforce, Programme]:
    """A cascade over a `synthetic_workforce`: two seed trainers in every organisation, weekly periods.

    The benchmarks' national plan (``synthetic_rollout(5000, 1_000_000)``) and the tests' reduced
    one. A course of four fortnightly sessions for up to 12, two facilitators, at most 12 cohorts
    a trainer, eight weeks' delay; its numbers are invented, like the workforce's.

    Parameters
    ----------
    organisations, people
        The workforce's size (`synthetic_workforce`, partnerships included).
    horizon
        Weeks simulated.
    retakes
        Times a non-completer may come back (None: without limit).
    seed
        The workforce's seed.

    Returns
    -------
    tuple
        The plan, the workforce and the programme.
    """

    workforce = synthetic_workforce(organisations, people, seed=seed)
    seeds = "".join(f"\n  - {{organisation: {o.id}, trainers: 2}}" for o in workforce.organisations)
    text = _ROLLOUT.format(
        id=f"synthetic-rollout-{organisations}", workforce=workforce.id, seeds=seeds, horizon=horizon,
        retakes="" if retakes is None else f"\nretakes: {retakes}",
    )  # fmt: skip
    return loads(text, CascadePlan), workforce, loads(_COURSE, Programme)
