"""The tables and the layout a batch of replicates is simulated in.

``Columns`` holds one growing table (trainers, cohorts) shared by every replicate in the batch;
``Layout`` lays the batch out as R disjoint copies of the workforce, organisation ``r * O + o``
being organisation ``o`` in replicate ``r``, so that one array operation serves them all.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from tipframe.reach.scenario import IntArray, Scenario

BoolArray = npt.NDArray[np.bool_]


class Columns:
    """Growing columns of one table (trainers, cohorts): appended in bulk, read as arrays.

    Rows of every replicate in the batch share the table; ``rep`` says whose a row is and
    ``local`` its index among that replicate's rows (what it would be numbered alone).
    """

    def __init__(self, capacity: int, replicates: int, **dtypes: Any) -> None:
        self.n = 0
        self.counts = np.zeros(replicates, np.int64)
        dtypes = {"rep": np.int64, "local": np.int64, **dtypes}
        self.data = {name: np.zeros(capacity, dtype) for name, dtype in dtypes.items()}

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def add(self, rep: IntArray, **values: Any) -> int:
        """Append a row for each entry of ``rep``; columns not given are 0. Returns the first new row's index."""
        first = self.n
        count = rep.size
        if count == 0:
            return first
        needed = first + count
        capacity = next(iter(self.data.values())).shape[0]
        if needed > capacity:
            size = max(needed, 2 * capacity)
            for name, old in self.data.items():
                grown = np.zeros(size, old.dtype)
                grown[:first] = old[:first]
                self.data[name] = grown
        for name, column in self.data.items():
            column[first:needed] = values.get(name, 0)
        order = np.argsort(rep, kind="stable")
        ranked = rep[order]
        local = np.empty(count, np.int64)
        local[order] = self.counts[ranked] + np.arange(count) - np.searchsorted(ranked, ranked)
        self.data["rep"][first:needed] = rep
        self.data["local"][first:needed] = local
        self.counts += np.bincount(rep, minlength=self.counts.size)
        self.n = needed
        return first

    def view(self, name: str) -> Any:
        return self.data[name][: self.n]


@attrs.frozen(eq=False)
class Layout:
    """The batch's R copies of the workforce: organisation ``r * O + o``, partnerships within each copy."""

    replicates: int
    organisations: int
    indptr: IntArray
    indices: IntArray
    owners: IntArray  # the organisation each entry of ``indices`` is a partner of
    component: IntArray
    width: int  # most partners any organisation has
    staff: IntArray  # each organisation's eligible staff
    id_rank: IntArray  # each organisation's place among the ids sorted alphabetically (not the file's order)

    @classmethod
    def of(cls, scenario: Scenario, replicates: int) -> Layout:
        count = len(scenario.organisations)
        degrees = np.tile(np.diff(scenario.partner_indptr), replicates)
        shift = (np.arange(replicates, dtype=np.int64) * count)[:, None]
        components = int(scenario.component.max(initial=-1)) + 1
        return cls(
            replicates=replicates,
            organisations=count,
            indptr=np.concatenate(([0], np.cumsum(degrees))).astype(np.int64),
            indices=(scenario.partner_indices[None, :] + shift).reshape(-1),
            owners=np.repeat(np.arange(replicates * count, dtype=np.int64), degrees),
            component=(scenario.component[None, :] + shift // max(count, 1) * components).reshape(-1),
            width=int(degrees.max(initial=0)),
            staff=np.tile(scenario.eligible, replicates),
            id_rank=np.tile(np.argsort(np.argsort(np.array(scenario.organisations))), replicates).astype(np.int64),
        )

    def supply(self, pool: IntArray) -> IntArray:
        """For each organisation, the untrained eligible staff its partners hold between them."""
        if not self.indices.size:
            return np.zeros(pool.size, np.int64)
        supply: IntArray = np.bincount(self.owners, weights=pool[self.indices], minlength=pool.size).astype(np.int64)
        return supply
