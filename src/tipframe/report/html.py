"""HTML for notebooks: the same summaries as ``tipframe show``, as tables, with every value escaped."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from tipframe.bundle import Bundle
from tipframe.model import Document

_STYLE: Final = (
    "<style>.tipframe table{border-collapse:collapse;font-size:0.9em}"
    ".tipframe th,.tipframe td{text-align:left;vertical-align:top;padding:2px 8px}"
    ".tipframe th{font-weight:600;white-space:nowrap}.tipframe .mark{color:#a15c00}"
    ".tipframe .modelled{color:#555;font-style:italic}</style>"
)


def _text(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "" if value is None else str(value)


def summary_html(
    document: Document, bundle: Bundle | None = None, *, heading: bool = True, threshold: int | None = None
) -> str:
    """A document's summary (what ``tipframe show`` prints) as an HTML fragment (``heading``: with its name).

    With ``threshold``, observed counts of people below it are suppressed.
    """
    from tipframe.report.text import build

    content = build(document, bundle, threshold=threshold)
    title = f"{html.escape(document.name)} <small>({html.escape(document.KIND)} {html.escape(document.id)})</small>"
    parts = [_STYLE, '<div class="tipframe">', f"<h4>{title}</h4>" if heading else ""]
    rows: list[str] = []
    pre: list[str] = []
    notes: list[str] = []

    def flush() -> None:
        if rows:
            parts.append("<table>" + "".join(rows) + "</table>")
            rows.clear()
        if pre:
            parts.append("<pre>" + html.escape("\n".join(pre).strip("\n")) + "</pre>")
            pre.clear()

    for kind, label, text, marked in content.items[1:]:  # the first is the title
        if kind == "row":
            if pre:
                flush()
            mark = ' <span class="mark" title="illustrative">*</span>' if marked else ""
            rows.append(f"<tr><th>{html.escape(label)}</th><td>{html.escape(text)}{mark}</td></tr>")
        elif kind == "para":
            flush()
            parts.append(f"<p>{html.escape(text)}</p>")
        elif kind == "note":
            notes.append(f"<li><code>{html.escape(label)}</code>: {html.escape(text)}</li>")
        elif text.strip() and not text.startswith("* illustrative"):  # said once, below
            if rows:
                flush()
            pre.append(text)
    flush()
    if content.marked:
        parts.append(
            '<p class="mark">* illustrative: the sources do not give this value; it was chosen for the example.</p>'
        )
        if notes:
            parts.append("<ul>" + "".join(notes) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def table_html(
    rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None, *, caption: str = "", limit: int = 50
) -> str:
    """Rows as an HTML table (at most ``limit`` shown, with a count of the rest)."""
    names = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(row.get(n)))}</td>" for n in names) + "</tr>" for row in rows[:limit]
    )
    more = f"<p>and {len(rows) - limit:,} more</p>" if len(rows) > limit else ""
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'{_STYLE}<div class="tipframe"><table>{title}<tr>{head}</tr>{body}</table>{more}</div>'
