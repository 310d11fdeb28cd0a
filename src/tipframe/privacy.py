"""What is safe to put before people: disclosure control for observed counts, and visible text.

Counts of real people (participants per organisation, case discussions) can identify someone
when they are small. `suppress_counts` hides counts below a threshold (primary suppression) and
then, wherever totals are shown, hides further cells so that no hidden count can be worked out
from a total (secondary suppression): no row or column, totals included, is left with a single
hidden cell, or with hidden small counts whose sum, given the rule, leaves any of them one value.
`count_text`, `suppressed_text` and `suppression_note` give every output the same words.

The default threshold of 5 is the one public bodies in Scotland commonly apply to published
counts (counts of 1 to 4 suppressed); set ``threshold`` to your organisation's rule. Modelled
numbers are not counts of people and are never suppressed.

`visible` escapes what a document's text must not do on a screen: control characters could
clear a terminal or set its title, and bidirectional overrides make text read differently from
what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import attrs

from tipframe.model.characters import REFUSED

__all__ = [
    "DEFAULT_THRESHOLD",
    "SuppressedTable",
    "count_text",
    "suppress_counts",
    "suppressed_text",
    "suppression_note",
    "visible",
]

#: counts below this are hidden by default (1 to 4 suppressed)
DEFAULT_THRESHOLD: Final = 5

Cell = tuple[int, int]

#: what a count hidden to protect a small one (secondary suppression) shows
SUPPRESSED: Final = "suppressed"

# What validation refuses in text (controls, bidirectional overrides and isolates, invisible
# format characters), for documents that never met it (older files, objects built in Python);
# and what it lets through that a screen should not get raw: the line and paragraph separators,
# which some terminals break lines at, and lone surrogates, which cannot be printed at all. The
# implicit direction marks and zero-width joiners stay: scripts need them, and they reorder nothing.
_CONTROLS: Final = REFUSED + r"\u2028\u2029\ud800-\udfff"
_UNSAFE_LINE: Final = re.compile(rf"[\t\n{_CONTROLS}]")
_UNSAFE_TEXT: Final = re.compile(f"[{_CONTROLS}]")

_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    return _NAMED.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with control characters and bidirectional controls escaped: ``\\x1b``, ``\\u202e``.

    Parameters
    ----------
    text
        Text from a document, bound for a terminal or a page.
    lines
        Whether newlines and tabs stay as they are (text of several lines); else they are
        escaped too.

    Returns
    -------
    str
        The text, every such character shown as its escape; anything else unchanged.
    """
    return (_UNSAFE_TEXT if lines else _UNSAFE_LINE).sub(_escape, text)


def _check(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("threshold must be at least 1")


def suppressed_text(threshold: int = DEFAULT_THRESHOLD) -> str:
    """What a count hidden for being small shows: ``suppressed (fewer than 5)``.

    Parameters
    ----------
    threshold
        The rule's threshold.

    Returns
    -------
    str
    """
    return f"{SUPPRESSED} (fewer than {threshold})"


def count_text(count: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """One observed count of people as text: ``1,234``, or ``suppressed (fewer than 5)`` when small.

    A count shown alone, with no total beside it, needs only primary suppression.

    Parameters
    ----------
    count
        The count.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``threshold`` is below 1.
    """
    _check(threshold)
    return suppressed_text(threshold) if 0 < count < threshold else f"{count:,}"


def suppression_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The sentence that tells readers what was suppressed, under any output that suppressed something.

    Parameters
    ----------
    threshold
        The rule's threshold.

    Returns
    -------
    str
    """
    return (
        f"Observed counts of people from 1 to {threshold - 1} are suppressed so that nobody can be identified, "
        "and so is any other count from which a total would give one away."
    )


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

    def text(self, row: int, column: int) -> str:
        """Cell ``(row, column)`` as text: the count, `suppressed_text` when it was hidden for being
        small, or ``suppressed`` when hidden to protect one.

        Parameters
        ----------
        row, column
            Its position; with totals, row ``len(cells)`` holds the column totals and column
            ``len(cells[0])`` the row totals.

        Returns
        -------
        str

        Raises
        ------
        IndexError
            For a position outside the table, or a total it does not publish.
        """
        if (row, column) in self.primary:
            return suppressed_text(self.threshold)
        if (row, column) in self.secondary:
            return SUPPRESSED
        width = len(self.cells[0]) if self.cells else 0
        if row < len(self.cells):
            value = self.cells[row][column] if column < width else self.row_totals[row]
        elif column < width:
            value = self.column_totals[column]
        else:
            value = self.grand_total
        return self.shown(value)

    def shown(self, value: int | None, *, hidden: str = SUPPRESSED) -> str:
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
    table: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    totals: bool = True,
    column_totals: bool = True,
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
    column_totals
        With ``totals``, whether the column totals are published too; without them each row
        with its total, and the row totals with the grand total, are protected (a workforce's
        organisations by role: each organisation's headcount and the workforce's are shown,
        not each role's across organisations), and ``column_totals`` comes back empty.

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
    _check(threshold)
    rows = [list(map(int, row)) for row in table]
    if not rows:
        return SuppressedTable((), (), (), 0 if totals else None, frozenset(), frozenset(), threshold)
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every row of the table needs the same number of counts")
    if any(v < 0 for row in rows for v in row):
        raise ValueError("counts cannot be negative")
    grid = [row + ([sum(row)] if totals else []) for row in rows]
    lines: list[list[Cell]] = []
    if totals:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
        lines = [[(i, j) for j in range(width + 1)] for i in range(len(rows) + column_totals)]
        lines += [[(i, j) for i in range(len(grid))] for j in (range(width + 1) if column_totals else [width])]
    published = {cell for line in lines for cell in line} or {(i, j) for i in range(len(rows)) for j in range(width)}
    primary = {(i, j) for i, j in published if 0 < grid[i][j] < threshold}
    hidden = set(primary)
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
        column_totals=tuple(value(body_rows, j) for j in range(body_columns)) if totals and column_totals else (),
        grand_total=value(body_rows, body_columns) if totals else None,
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
        threshold=threshold,
    )
