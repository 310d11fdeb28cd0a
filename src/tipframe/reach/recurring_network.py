"""Word of mouth over a staff network for the recurring-format engine (docs/recurring.md, Awareness).

With a plan's ``word_of_mouth_per_tie``, a site's practitioners are its organisation's people
in the workforce's staff network, numbered locally in the network's order, and who learns of
the format follows who works with whom: each practitioner supported in a period tells each
colleague they are tied to with that chance, and the colleagues told (at any site) know of it
from the next period.
"""

from __future__ import annotations

import attrs
import numpy as np

from tipframe.reach.peer import StaffGraph
from tipframe.reach.scenario import IntArray

__all__ = ["SiteNetwork", "site_network"]


@attrs.frozen(eq=False)
class SiteNetwork:
    """The staff network seen from the sites: who each site's practitioners are, and who is tied to whom."""

    people: tuple[IntArray, ...]  # each site's practitioners, as person numbers in the network
    site_of: IntArray  # per person: the site they belong to, or -1
    local_of: IntArray  # per person: their number within their site, or -1
    indptr: IntArray
    indices: IntArray

    def told(self, rng: np.random.Generator, supported: list[IntArray], chance: float) -> list[IntArray]:
        """Which practitioners, site by site (local numbers), are told this period by those ``supported`` (local
        numbers per site): each tie from a supported practitioner passes the word with ``chance``.

        Draws one uniform number per tie of the supported, sites in order, people in order; none
        when nobody was supported or ``chance`` is 0."""
        told = [np.zeros(0, np.int64) for _ in self.people]
        if chance <= 0 or not any(s.size for s in supported):
            return told
        tellers = np.concatenate([self.people[s][local] for s, local in enumerate(supported)])
        ties: IntArray = np.concatenate([self.indices[self.indptr[i] : self.indptr[i + 1]] for i in tellers])
        reached = ties[rng.random(ties.size) < chance]
        reached = reached[self.site_of[reached] >= 0]
        for s in range(len(self.people)):
            told[s] = np.unique(self.local_of[reached[self.site_of[reached] == s]])
        return told


def site_network(graph: StaffGraph, organisations: list[str]) -> SiteNetwork:
    """The sites' practitioners in ``graph`` (each site one organisation, in the plan's order).

    Parameters
    ----------
    graph
        The workforce's staff network.
    organisations
        Each site's organisation id.

    Returns
    -------
    SiteNetwork
    """
    site_of = np.full(graph.people, -1, np.int64)
    local_of = np.full(graph.people, -1, np.int64)
    people = []
    for s, organisation in enumerate(organisations):
        members = graph.members(organisation)
        site_of[members] = s
        local_of[members] = np.arange(members.size)
        people.append(members)
    return SiteNetwork(tuple(people), site_of, local_of, graph.indptr.astype(np.int64), graph.indices.astype(np.int64))
