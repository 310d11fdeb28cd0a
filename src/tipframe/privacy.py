"""Statistical disclosure control for observed counts of people.

Counts of real people (participants per organisation, case discussions) can identify someone
when they are small. `suppress_counts` hides counts below a threshold (primary suppression) and
then, wherever totals are shown, hides further cells so that no hidden count can be worked out
from a total (secondary suppression): no row or column, totals included, is left with a single
hidden cell, or with hidden small counts whose sum, given the rule, leaves any of them one value.

The default threshold of 5 is the one public bodies in Scotland commonly apply to published
counts (counts of 1 to 4 suppressed); set ``threshold`` to your organisation's rule. Modelled
numbers are not counts of people and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs

__all__ = ["DEFAULT_THRESHOLD", "SuppressedTable", "suppress_counts"]

#: counts below this are hidden by default (1 to 4 suppressed)
DEFAULT_THRESHOLD: Final = 5

Cell = tuple[int, int]


@attrs.frozen
class SuppressedTable:
    """A table of counts with some hidden (``None``), and which were hidden for what reason.

    With totals, row ``len(cells)`` and column ``len(cells[0])`` of ``primary`` and
    ``secondary`` positions are the totals.
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    primary: frozenset[Cell]
    secondary: frozenset[Cell]
    threshold: int

    def shown(self, value: int | None, *, hidden: str = "suppressed") -> str:
        """A cell as text: the count (``1,234``), or ``hidden`` for a suppressed one.

        Parameters
        ----------
        value
            A cell, row total, column total or the grand total of this table.
        hidden
            What a suppressed cell shows.

        Returns
        -------
        str
        """
        return hidden if value is None else f"{value:,}"


def _exposed(line: list[Cell], hidden: set[Cell], primary: set[Cell], grid: list[list[int]], threshold: int) -> bool:
    """Whether the line's total (its last cell) lets someone pin down a hidden count.

    Someone who knows the rule knows a count hidden for being small lies between 1 and
    ``threshold - 1``, and any other hidden count is at least 0. From the line's total they know
    the hidden counts' sum; a hidden small count is exposed when those bounds leave it one value.
    """
    cells = [c for c in line if c in hidden]
    if len(cells) == 1:
        return True
    if threshold <= 2 or line[-1] in hidden:
        # A small count is then always 1; or the line's total (its last cell) is hidden, so its
        # sum is not known: only a lone hidden cell gives more away.
        return False
    total = sum(grid[i][j] for i, j in cells)
    low = {c: (1 if c in primary else 0) for c in cells}
    high = {c: (threshold - 1 if c in primary else None) for c in cells}
    for cell in cells:
        if cell not in primary:
            continue
        others_low = sum(low[c] for c in cells if c != cell)
        others_high = [high[c] for c in cells if c != cell]
        smallest = low[cell] if None in others_high else max(low[cell], total - sum(h or 0 for h in others_high))
        largest = min(threshold - 1, total - others_low)
        if smallest >= largest:
            return True
    return False


def suppress_counts(
    table: Sequence[Sequence[int]], *, threshold: int = DEFAULT_THRESHOLD, totals: bool = True
) -> SuppressedTable:
    """Hide counts from 1 to ``threshold - 1``, and enough others that totals cannot reveal them.

    Parameters
    ----------
    table
        Rows of non-negative whole numbers, every row as long.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden for being small.
    totals
        Whether the row, column and grand totals are published: they are then checked and
        protected too. Without them only primary suppression is needed, since no line can be
        subtracted.

    Returns
    -------
    SuppressedTable
        The table with hidden cells as None, and which were hidden for being small
        (``primary``) or to protect them (``secondary``).

    Raises
    ------
    ValueError
        When ``threshold`` is below 1, rows differ in length, or a count is negative.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    rows = [list(map(int, row)) for row in table]
    if not rows:
        return SuppressedTable((), (), (), 0 if totals else None, frozenset(), frozenset(), threshold)
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every row of the table needs the same number of counts")
    if any(v < 0 for row in rows for v in row):
        raise ValueError("counts cannot be negative")
    grid = [row + ([sum(row)] if totals else []) for row in rows]
    if totals:
        grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [])
    primary = {(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if 0 < v < threshold}
    hidden = set(primary)
    if totals:
        lines = [[(i, j) for j in range(len(grid[i]))] for i in range(len(grid))]
        lines += [[(i, j) for i in range(len(grid))] for j in range(len(grid[0]) if grid else 0)]
        changed = True
        while changed:
            changed = False
            for line in lines:
                if not _exposed(line, hidden, primary, grid, threshold):
                    continue
                # The least informative partner: the smallest count still shown, non-zero first.
                others = [cell for cell in line if cell not in hidden]
                if not others:
                    continue
                partner = min(others, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c))
                hidden.add(partner)
                changed = True

    def value(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else grid[i][j]

    body_rows, body_columns = len(rows), width
    return SuppressedTable(
        cells=tuple(tuple(value(i, j) for j in range(body_columns)) for i in range(body_rows)),
        row_totals=tuple(value(i, body_columns) for i in range(body_rows)) if totals else (),
        column_totals=tuple(value(body_rows, j) for j in range(body_columns)) if totals else (),
        grand_total=value(body_rows, body_columns) if totals else None,
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
        threshold=threshold,
    )
