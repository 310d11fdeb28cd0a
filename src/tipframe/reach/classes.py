"""What the projection's equations run on: rows of parameters, and classes of trainers.

A row is one set of the plan's parameters (a draw of its distributions, or their means); the
projection runs every row at once. A class is the trainers of one organisation and generation
trained in one period: the same in every row, its expected size differing by row.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from tipframe.reach.scenario import FloatArray, IntArray, Scenario, TierValues


@attrs.frozen(eq=False)
class Rows:
    """The parameters of each row: rows x tiers for the tiers' probabilities, rows for the rest."""

    tiers: list[TierValues]  # whole-number fields and floors (the same in every row)
    turnover: FloatArray
    attrition: FloatArray
    completion: FloatArray
    conversion: FloatArray
    retention: FloatArray
    uptakes: FloatArray  # rows x uptake parameters
    #: rows x generations: a factor on the conversion of each generation's cohorts (1: as drawn)
    scale: FloatArray
    #: each row's weight in the means over rows that organisation series keep
    weight: FloatArray

    @property
    def count(self) -> int:
        """How many rows."""
        return int(self.turnover.size)

    def part(self, rows: slice) -> Rows:
        """Some of the rows."""
        return attrs.evolve(
            self,
            **{
                name: getattr(self, name)[rows]
                for name in (
                    "turnover",
                    "attrition",
                    "completion",
                    "conversion",
                    "retention",
                    "uptakes",
                    "scale",
                    "weight",
                )
            },
        )


def row_bytes(scenario: Scenario, tiers: list[TierValues]) -> int:
    """About the memory one row of the projection holds: its classes (about one per organisation,
    generation and round of cohorts) and its organisations' state."""
    orgs, g = len(scenario.organisations), generations(scenario, tiers)
    rounds = scenario.horizon // max(1, scenario.cohort_periods + min(t.delay for t in tiers)) + 2
    classes = orgs * rounds * min(g, 4)
    return 8 * (6 * classes + orgs * (3 * g + 12) + (scenario.horizon + 1) * (g + 8))


def generations(scenario: Scenario, tiers: list[TierValues]) -> int:
    """Generations of trainers that can be made within the horizon (each needs a cohort and a delay), and one more."""
    step = scenario.cohort_periods + min(t.delay for t in tiers)
    return int(min(64, (scenario.horizon - 1) // max(1, step) + 3))


class Classes:
    """Classes of trainers, growing as the run makes them.

    Fixed columns: organisation, generation, period active from, period trained. Per row, as
    classes x rows (so that a class's rows lie together): the expected size at first (``n0``;
    the size at t follows from attrition and turnover, see `_Projection.sizes`), cohorts running
    and run per paired trainer (``r``, ``u``; the share of a class in whole sets of co-facilitators
    follows from its generation's numbers, ``pairable``) and the last period it started a cohort
    (``last``). ``live`` marks the classes that may have
    spare capacity: the others are skipped.
    """

    def __init__(self, rows: int, room: int = 64) -> None:
        self.size = 0
        self.rows = rows
        self.fixed = {name: np.zeros(room, np.int64) for name in ("org", "gen", "active_from", "born")}
        self.per_row = {name: np.zeros((room, rows)) for name in ("n0", "r", "u", "last")}
        self.live = np.zeros(room, np.bool_)

    def add(self, org: IntArray, gen: int, active_from: int, born: int, n: FloatArray) -> IntArray:
        """New classes, one per organisation in ``org`` (``n`` is rows x len(org)); returns their indices."""
        count = org.size
        if self.size + count > self.live.size:
            grow = max(2 * self.live.size, self.size + count)
            self.fixed = {k: np.concatenate([v, np.zeros(grow - v.size, np.int64)]) for k, v in self.fixed.items()}
            self.per_row = {
                k: np.concatenate([v, np.zeros((grow - v.shape[0], self.rows))]) for k, v in self.per_row.items()
            }
            self.live = np.concatenate([self.live, np.zeros(grow - self.live.size, np.bool_)])
        at = slice(self.size, self.size + count)
        for name, value in (("org", org), ("gen", gen), ("active_from", active_from), ("born", born)):
            self.fixed[name][at] = value
        self.per_row["n0"][at] = n.T
        self.per_row["last"][at] = -1
        self.size += count
        return np.arange(at.start, at.stop)

    def __getitem__(self, name: str) -> Any:
        """A column of the classes so far (a view): classes, or classes x rows."""
        if name in self.fixed:
            return self.fixed[name][: self.size]
        return self.per_row[name][: self.size]
