"""Who gets scarce places: first slots before second ones, higher fidelity first, in any file order."""

from __future__ import annotations

import numpy as np

import tipframe
from tipframe import CascadePlan, Programme, Workforce

from .documents import COURSE
from .engines import backend as backend  # every test here runs against both backends


def _documents(
    organisations: str, partnerships: str, seeds: str, tier: str
) -> tuple[CascadePlan, Workforce, Programme]:
    workforce = (
        f"tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: {organisations}\npartnerships: {partnerships}\n"
    )
    plan = f"""\
tipframe: 1
kind: CascadePlan
id: plan
name: Place order
programme: one-week
workforce: w
seed_trainers: {seeds}
period: P1W
horizon: 20
tiers: [{tier}]
"""
    return tipframe.loads(plan, CascadePlan), tipframe.loads(workforce, Workforce), tipframe.loads(COURSE, Programme)


def test_the_seed_with_higher_fidelity_takes_the_last_place_before_its_trainee() -> None:
    # Three people, one a seed: the seed trains one person, who becomes a trainer; the one left is
    # trained by whichever takes the place first. First slots tie, so higher fidelity (the seed) wins.
    documents = _documents(
        "[{id: a, headcount: 3}]",
        "[]",
        "[{organisation: a, trainers: 1}]",
        "{cohort_size: 1, conversion: 1, fidelity_retention: 0.9}",
    )
    for result in (tipframe.simulate_reach(*documents, replicates=5, seed=1), tipframe.project_reach(*documents)):
        at_end = tipframe.to_numpy(result.by_generation)[:, -1, :]
        by_generation = np.pad(at_end, ((0, 0), (0, max(0, 3 - at_end.shape[1]))))[:, :3]
        assert np.allclose(by_generation, [0, 2, 0]), by_generation


def test_who_hosts_a_group_across_organisations_does_not_depend_on_the_file_order() -> None:
    # One seed in each of two partnered organisations, cohorts need both: the cohort is hosted where
    # most eligible staff are, listed first or not.
    tier = "{cohort_size: 4, facilitators: 2, total_cohorts: 1}"
    seeds = "[{organisation: small, trainers: 1}, {organisation: large, trainers: 1}]"
    hosts = []
    for organisations in (
        "[{id: small, headcount: 5}, {id: large, headcount: 50}]",
        "[{id: large, headcount: 50}, {id: small, headcount: 5}]",
    ):
        result = tipframe.simulate_reach(
            *_documents(organisations, "[[small, large]]", seeds, tier), replicates=1, seed=3
        )
        (log,) = result.events
        names = result.organisations
        hosts.append({names[int(o)] for o in tipframe.to_numpy(log.cohort_organisation)})
    assert hosts == [{"large"}, {"large"}]


def _minimum_four(documents: tuple[CascadePlan, Workforce, Programme]) -> tuple[CascadePlan, Workforce, Programme]:
    plan, workforce, _ = documents
    return plan, workforce, tipframe.loads(COURSE + "group_size: {min: 4, max: 12}\n", Programme)


def test_cohorts_fill_in_turn_so_partners_short_alone_train_together() -> None:
    # Two partnered organisations, three willing people and two seed trainers each; a cohort needs two
    # facilitators and at least four people. Each organisation's cohort alone would fall short; the
    # first in turn takes its host's three and the partner's three, and starts.
    documents = _minimum_four(
        _documents(
            "[{id: a, headcount: 5}, {id: b, headcount: 5}]",
            "[[a, b]]",
            "[{organisation: a, trainers: 2}, {organisation: b, trainers: 2}]",
            "{cohort_size: 12, facilitators: 2}",
        )
    )
    result = tipframe.simulate_reach(*documents, replicates=5, seed=1)
    assert (tipframe.to_numpy(result.trained)[:, -1] == 6).all()
    assert (tipframe.to_numpy(result.cohorts_started).sum(axis=1) == 1).all()


def test_a_trainer_offers_slots_only_with_a_minimum_group_within_reach() -> None:
    # a's seed can only co-facilitate with b's (through c, which has no staff). With three willing people
    # in a and none in c, a's seed has fewer than the minimum group within its reach and offers no slot,
    # so b's seed has nobody to facilitate with; with four, they run b's cohort together.
    trained = []
    for headcount in (4, 5):
        documents = _minimum_four(
            _documents(
                f"[{{id: a, headcount: {headcount}}}, {{id: b, headcount: 10}}, {{id: c, headcount: 0}}]",
                "[[a, c], [c, b]]",
                "[{organisation: a, trainers: 1}, {organisation: b, trainers: 1}]",
                "{cohort_size: 12, facilitators: 2, total_cohorts: 1}",
            )
        )
        result = tipframe.simulate_reach(*documents, replicates=5, seed=1)
        trained.append(tipframe.to_numpy(result.trained)[:, -1])
    assert (trained[0] == 0).all()
    assert (trained[1] == 9).all()
