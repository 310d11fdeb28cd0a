"""Disclosure control: small counts hidden, and no hidden count recoverable from a total along one line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipframe.privacy import suppress_counts

tables = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(st.integers(0, 30), min_size=width, max_size=width), min_size=1, max_size=5)
)


def test_a_worked_example() -> None:
    result = suppress_counts([[12, 3, 20], [15, 18, 9]])
    # 3 is hidden; then 12, the smallest shown in its row, so the row total cannot give it away;
    # then 18 and 15, so neither column total can; every total stays shown.
    assert result.cells == ((None, None, 20), (None, None, 9))
    assert result.primary == {(0, 1)}
    assert result.secondary == {(0, 0), (1, 0), (1, 1)}
    assert (result.row_totals, result.column_totals, result.grand_total) == ((35, 42), (27, 21, 29), 77)


def _lines(table: list[list[int]]) -> list[list[tuple[int, int]]]:
    rows, columns = len(table) + 1, len(table[0]) + 1
    return [[(i, j) for j in range(columns)] for i in range(rows)] + [
        [(i, j) for i in range(rows)] for j in range(columns)
    ]


@given(tables, st.integers(1, 10))
def test_no_hidden_count_can_be_worked_out_from_a_line(table: list[list[int]], threshold: int) -> None:
    result = suppress_counts(table, threshold=threshold)
    shown = [[*row, total] for row, total in zip(result.cells, result.row_totals, strict=True)]
    shown.append([*result.column_totals, result.grand_total])
    full = [[*row, sum(row)] for row in table]
    full.append([sum(column) for column in zip(*full, strict=True)])
    for line in _lines(table):
        hidden = [c for c in line if shown[c[0]][c[1]] is None]
        assert len(hidden) != 1
        if line[-1] in hidden:
            continue  # the line's total is hidden: its sum is not known
        hidden_sum = sum(full[i][j] for i, j in hidden)  # what anyone can work out from the line
        for cell in hidden:
            if cell not in result.primary:
                continue
            others = [c for c in hidden if c != cell]
            lowest = sum(1 if c in result.primary else 0 for c in others)
            unbounded = any(c not in result.primary for c in others)
            highest = sum(threshold - 1 for _ in others)
            possible = [
                v for v in range(1, threshold) if lowest <= hidden_sum - v and (unbounded or hidden_sum - v <= highest)
            ]
            assert len(possible) >= min(2, threshold - 1), (line, cell, possible)
    for i, row in enumerate(table):
        for j, v in enumerate(row):
            if 0 < v < threshold:
                assert result.cells[i][j] is None  # every small count is hidden
            elif result.cells[i][j] is not None:
                assert result.cells[i][j] == v  # nothing shown is changed


@given(tables)
def test_without_totals_only_small_counts_are_hidden(table: list[list[int]]) -> None:
    result = suppress_counts(table, totals=False)
    assert not result.secondary
    assert result.row_totals == ()
    assert result.grand_total is None
    for row, shown in zip(table, result.cells, strict=True):
        assert [None if 0 < v < 5 else v for v in row] == list(shown)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="same number"):
        suppress_counts([[1, 2], [3]])
    with pytest.raises(ValueError, match="negative"):
        suppress_counts([[-1]])


def test_two_small_counts_that_sum_to_their_count_are_protected() -> None:
    # Row 0 hides 1 and 1: shown alone, 52 - 50 = 2 over two hidden counts of at least 1 each
    # would give both away, so a third cell is hidden with them.
    result = suppress_counts([[1, 1, 50], [20, 30, 40]])
    assert sum(v is None for v in result.cells[0]) == 3


def test_an_empty_table() -> None:
    result = suppress_counts([])
    assert result.cells == ()
    assert result.grand_total == 0
