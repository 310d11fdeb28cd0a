"""Disclosure control: small counts hidden, and no hidden count recoverable from a total along one line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipframe.privacy import count_text, suppress_counts, suppressed_text, suppression_note, visible

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


def _row_lines(table: list[list[int]]) -> list[list[tuple[int, int]]]:
    """Each row with its total, and the row totals with the grand total: what is published without column totals."""
    rows, columns = len(table), len(table[0])
    return [[(i, j) for j in range(columns + 1)] for i in range(rows)] + [[(i, columns) for i in range(rows + 1)]]


@given(tables, st.integers(2, 10))
def test_without_column_totals_rows_and_their_totals_are_still_protected(
    table: list[list[int]], threshold: int
) -> None:
    result = suppress_counts(table, threshold=threshold, column_totals=False)
    assert result.column_totals == ()
    shown = [[*row, total] for row, total in zip(result.cells, result.row_totals, strict=True)]
    shown.append([None] * len(table[0]) + [result.grand_total])
    for line in _row_lines(table):
        assert sum(shown[i][j] is None for i, j in line) != 1
    for i, row in enumerate(table):
        assert all(result.cells[i][j] is None for j, v in enumerate(row) if 0 < v < threshold)
        if 0 < sum(row) < threshold:
            assert result.row_totals[i] is None


def test_only_published_lines_are_protected() -> None:
    # With column totals, the 3 and the 30 below it would both go; without them, only the row matters.
    table = [[3, 30, 40], [30, 30, 30]]
    assert suppress_counts(table).cells[1][0] is None
    result = suppress_counts(table, column_totals=False)
    assert result.cells == ((None, None, 40), (30, 30, 30))
    assert result.text(0, 0) == "suppressed (fewer than 5)"
    assert result.text(0, 1) == "suppressed"
    assert (result.text(0, 3), result.text(2, 3)) == ("73", "163")


def test_one_wording_for_a_count() -> None:
    assert count_text(3) == suppressed_text() == "suppressed (fewer than 5)"
    assert (count_text(0), count_text(5), count_text(12345)) == ("0", "5", "12,345")
    assert count_text(3, threshold=1) == "3"
    assert count_text(9, threshold=10) == "suppressed (fewer than 10)"
    assert "from 1 to 4" in suppression_note()
    with pytest.raises(ValueError, match="at least 1"):
        count_text(3, threshold=0)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, accents é and scripts ش", "plain text, accents é and scripts ش"),
        ("right\u202eto left", "right\\u202eto left"),
        ("\x1b[2Jcleared\x07", "\\x1b[2Jcleared\\x07"),
        ("isolate \u2066x\u2069", "isolate \\u2066x\\u2069"),
        (
            "zero\u200bwidth, joiner \u200d kept, mark \u200f kept",
            "zero\\u200bwidth, joiner \u200d kept, mark \u200f kept",
        ),
        ("line\nbreak\ttab\rreturn", "line\\nbreak\\ttab\\rreturn"),
        ("separator\u2028and a lone \ud800 surrogate", "separator\\u2028and a lone \\ud800 surrogate"),
        ("\x85next \x9bcsi", "\\x85next \\x9bcsi"),
    ],
)
def test_visible_escapes_what_would_act_on_a_screen(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert visible(visible(text)) == shown  # escaping twice changes nothing


def test_visible_keeps_lines_when_asked() -> None:
    assert visible("one\n\ttwo\r\u202e", lines=True) == "one\n\ttwo\\r\\u202e"
