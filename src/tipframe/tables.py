"""Rows as tables: pandas DataFrames (``pip install tipframe[table]``) or HTML for notebooks.

The ground floor of every display: results, findings and analyses give their own rows (a list of
flat dicts, columns in a fixed order) and turn them into tables here. pandas is imported only
when a frame is asked for. Nothing here knows tipframe's documents or engines.
"""

from __future__ import annotations

import html
import importlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

__all__ = ["STYLE", "data_frame", "html_table"]

#: the CSS of every tipframe HTML display, scoped to its ``.tipframe`` wrapper
STYLE: Final = (
    "<style>.tipframe{max-width:100%;overflow-x:auto}.tipframe table{border-collapse:collapse;font-size:0.9em}"
    # !important: Jupyter's own table style is more specific, and would align every cell right
    ".tipframe th,.tipframe td{text-align:left !important;vertical-align:top;padding:2px 8px;white-space:normal}"
    ".tipframe th{font-weight:600;white-space:nowrap}.tipframe .mark{color:#a15c00}"
    ".tipframe .modelled{color:#555;font-style:italic}</style>"
)


def data_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """A pandas DataFrame of ``rows``.

    Parameters
    ----------
    rows
        One mapping per row.
    columns
        The columns, in order (default: the keys of the rows in order of first appearance); a
        table with no rows still has them.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ImportError
        When pandas is missing, saying what to install.
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "tables need pandas, the table extra: pip install 'tipframe[table]' (in a checkout: pip install -e "
            "'.[table]')"
        ) from None
    return pandas.DataFrame([dict(r) for r in rows], columns=list(columns) if columns is not None else None)


def _text(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "never" if value > 0 else "-inf"
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "" if value is None else str(value)


def html_table(
    rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None, *, caption: str = "", limit: int = 50
) -> str:
    """Rows as an HTML table, every value escaped, in tipframe's notebook style.

    Parameters
    ----------
    rows
        One mapping per row.
    columns
        The columns, in order (default: the keys of the rows in order of first appearance).
    caption
        A caption above the table.
    limit
        The most rows shown; a line below counts the rest.

    Returns
    -------
    str
        An HTML fragment (with its ``<style>``).
    """
    names = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(row.get(n)))}</td>" for n in names) + "</tr>" for row in rows[:limit]
    )
    more = f"<p>and {len(rows) - limit:,} more</p>" if len(rows) > limit else ""
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'{STYLE}<div class="tipframe"><table>{title}<tr>{head}</tr>{body}</table>{more}</div>'
