"""HTML for notebooks: the same summaries as ``tipframe show``, as tables, with every value escaped."""

from __future__ import annotations

import html
from collections.abc import Callable

from tipframe.bundle import Bundle
from tipframe.model import Document
from tipframe.privacy import DEFAULT_THRESHOLD, visible
from tipframe.tables import STYLE as _STYLE


def summary_html(
    document: Document,
    bundle: Bundle | None = None,
    *,
    heading: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
    words: Callable[[str, str], str] | None = None,
) -> str:
    """A document's summary (what ``tipframe show`` prints) as an HTML fragment (``heading``: with its name).

    Observed counts of people from 1 to ``threshold - 1`` are suppressed, as ``show`` does.
    ``words(label, text)`` may reword a row's text (the report's plain words), before it is escaped.
    """
    from tipframe.report.text import build

    content = build(document, bundle, threshold=threshold)
    kind = f"{html.escape(document.KIND)} {html.escape(document.id)}"
    title = f"{html.escape(visible(document.name))} <small>({kind})</small>"
    parts = [_STYLE, '<div class="tipframe">', f"<h4>{title}</h4>" if heading else ""]
    rows: list[str] = []
    pre: list[str] = []
    notes: list[str] = []

    def flush() -> None:
        if rows:
            parts.append("<table>" + "".join(rows) + "</table>")
            rows.clear()
        if "".join(pre).strip():
            parts.append("<pre>" + html.escape("\n".join(pre).strip("\n")) + "</pre>")
        pre.clear()

    for kind, label, text, marked in content.items[1:]:  # the first is the title
        if kind == "row":
            if pre:
                flush()
            mark = ' <span class="mark" title="illustrative">*</span>' if marked else ""
            shown = words(label, text) if words is not None else text
            rows.append(f"<tr><th>{html.escape(label)}</th><td>{html.escape(shown)}{mark}</td></tr>")
        elif kind == "para":
            flush()
            parts.append(f"<p>{html.escape(text)}</p>")
        elif kind == "note":
            notes.append(f"<li><code>{html.escape(label)}</code>: {html.escape(text)}</li>")
        elif (text.strip() or pre) and not text.startswith("* illustrative"):  # said once, below
            if rows:
                flush()
            pre.append(text)  # blank lines kept inside a block of text (a reach summary's paragraphs)
    flush()
    if content.marked:
        parts.append(
            '<p class="mark">* illustrative: the sources do not give this value; it was chosen for the example.</p>'
        )
        if notes:
            parts.append("<ul>" + "".join(notes) + "</ul>")
    parts.append("</div>")
    return "".join(parts)
