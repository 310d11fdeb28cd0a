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


@given(tables, st.integers(1, 10))
def test_no_line_leaves_a_single_hidden_count(table: list[list[int]], threshold: int) -> None:
    result = suppress_counts(table, threshold=threshold)
    grid = [[*row, total] for row, total in zip(result.cells, result.row_totals, strict=True)]
    grid.append([*result.column_totals, result.grand_total])
    for line in [*grid, *map(list, zip(*grid, strict=True))]:
        assert sum(v is None for v in line) != 1
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
