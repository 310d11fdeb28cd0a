"""One self-contained HTML page for commissioners: each document's summary, pictures and findings.

Pictures are PNGs embedded in the page, so it opens anywhere with no network and no Python.
Numbers from a simulation are labelled as modelled; observed counts of people go through
disclosure control. The same content gives the same bytes: no date unless asked for, no paths,
and every picture laid out in document order. Needs matplotlib (``tipframe[plot]``).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from typing import Any

from tipframe.bundle import Bundle
from tipframe.model import (
    CascadePlan,
    Engine,
    Framework,
    LevelScale,
    PeerPlan,
    PeerResult,
    Programme,
    ReachResult,
    RecurringPlan,
    RecurringResult,
    ReferralNetwork,
)
from tipframe.privacy import DEFAULT_THRESHOLD, count_text, suppression_note, visible
from tipframe.report.content import ReportContent
from tipframe.report.html import summary_html
from tipframe.report.words import plain, plain_row


def _png(ax: Any) -> str:
    figure = ax.figure
    buffer = io.BytesIO()
    if figure.get_layout_engine() is None:  # a figure drawn on given axes; tipframe's own are constrained
        figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    import matplotlib.pyplot as pyplot

    pyplot.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _text(text: str) -> str:
    """Text from a document as HTML: escaped, and its control characters made visible."""
    return html.escape(visible(text))


def _summary_block(text: str) -> str:
    """A run's summary (what ``tipframe reach`` prints) as a block of the page: its first line, which names the
    plan, as written; the lines tipframe wrote in plain words (``104 weekly periods``, not ``(P1W)``)."""
    first, _, rest = text.partition("\n")
    shown = first + "\n" + "\n".join(plain(line) for line in rest.split("\n"))
    return f"<pre>{html.escape(visible(shown, lines=True))}</pre>"


def _figure(ax: Any, caption: str) -> str:
    return (
        f'<figure><img alt="{_text(caption)}" src="data:image/png;base64,{_png(ax)}">'
        f"<figcaption>{_text(caption)}</figcaption></figure>"
    )


def _observed(programme: Programme, threshold: int) -> list[str]:
    """The programme's delivery records: observed counts of people, small ones suppressed."""
    records = programme.delivery_records
    if not records:
        return []
    rows = []
    for record in records:
        # Each count stands alone, with no total beside it: primary suppression is enough.
        shown = count_text(record.count, threshold)
        if shown[0].isdigit():
            shown = {"at-least": "at least ", "about": "about "}.get(record.qualifier.value, "") + shown
        period = f"{record.since} to {record.date}" if record.since else str(record.date)
        rows.append(
            f"<tr><td>{_text(record.what)}</td><td>{_text(period)}</td><td>{_text(shown)}</td>"
            f"<td>{_text(record.source)}</td></tr>"
        )
    return [
        "<h3>Observed delivery</h3>",
        "<p>Counts of people as their sources report them"
        + (f", those from 1 to {threshold - 1} suppressed.</p>" if threshold > 1 else ", nothing suppressed.</p>"),
        '<table class="findings"><tr><th>what</th><th>when</th><th>count</th><th>source</th></tr>'
        + "".join(rows)
        + "</table>",
    ]


def _programme(programme: Programme, bundle: Bundle, threshold: int) -> list[str]:
    from tipframe import plots

    parts = _observed(programme, threshold)
    if programme.framework is not None:
        try:
            framework = bundle.get(programme.framework, Framework)
        except KeyError:
            framework = None
        if framework is not None:
            coverage = programme.coverage(framework)
            if coverage.sessions:
                parts.append(
                    _figure(
                        plots.plot_coverage_matrix(coverage),
                        f"Which sessions enact which of {framework.name}'s principles",
                    )
                )
    return parts


def _reach(result: ReachResult, threshold: int) -> tuple[list[str], list[str]]:
    from tipframe import plots
    from tipframe.reach.measures import describe_summary, summarise_reach

    summary = summarise_reach(result)
    if summary.engine is Engine.PROJECTION:
        how = (
            "computed as expected values, once for each draw of the plan's uncertain parameters: intervals "
            "show that uncertainty only, and there is no Monte Carlo error"
        )
    else:
        how = (
            "simulated many times; each figure is the median across replicates with its 90% interval (how much "
            "they vary), and below it the mean with its Monte Carlo standard error (how far more replicates "
            "could move it)"
        )
    return [
        '<div class="modelled"><strong>Modelled, not observed.</strong> These numbers follow from the plan\'s '
        f"assumptions, {how}.</div>",
        _figure(
            plots.plot_reach(result),
            "Modelled reach over time: the mean (line) and 90% interval (band) across replicates",
        ),
    ], [
        _summary_block(describe_summary(summary, result, threshold=threshold)),
        _figure(plots.plot_organisation_reach(result), "Modelled reach by organisation at the horizon"),
    ]


def _recurring(result: RecurringResult) -> tuple[list[str], list[str]]:
    from tipframe import plots
    from tipframe.reach.recurring_measures import describe_recurring, summarise_recurring

    return [
        '<div class="modelled"><strong>Modelled, not observed.</strong> These numbers follow from the plan\'s '
        f"assumptions, simulated {result.replicates:,} times; each figure is the median across replicates with its "
        "90% interval, and below it the mean with its Monte Carlo standard error. Observed counts the programme "
        "reports are set against them.</div>",
        _figure(
            plots.plot_recurring(result), "Modelled counts so far (median and 90% interval), and what was observed"
        ),
    ], [
        _summary_block(describe_recurring(summarise_recurring(result), result)),
        _figure(plots.plot_recurring_reach(result), "Modelled reach: who has a space to go to, and who came"),
    ]


def _peer(result: PeerResult) -> tuple[list[str], list[str]]:
    from tipframe import plots
    from tipframe.reach.peer_plan import describe_peer, summarise_peer

    return [
        '<div class="modelled"><strong>Modelled, not observed.</strong> Who takes a practice up from colleagues, '
        f"simulated {result.replicates:,} times over the staff network; the median across replicates with its 90% "
        "interval.</div>",
        _figure(plots.plot_peer(result), "Modelled people reached from colleague to colleague"),
    ], [_summary_block(describe_peer(summarise_peer(result), result))]


def _plan(
    plan: CascadePlan | RecurringPlan | PeerPlan, content: ReportContent, threshold: int
) -> tuple[list[str], list[str]]:
    result = content.reach.get(plan.id, "the plan was not simulated")
    if isinstance(result, str):
        return [f"<p>Not simulated: {_text(result)}</p>"], []
    if isinstance(result, RecurringResult):
        return _recurring(result)
    if isinstance(result, PeerResult):
        return _peer(result)
    return _reach(result, threshold)


def _network(network: ReferralNetwork, bundle: Bundle) -> list[str]:
    from tipframe import plots

    scale = None
    if network.levels is not None:
        try:
            scale = bundle.get(network.levels, LevelScale)
        except KeyError:
            scale = None
    return [_figure(plots.plot_network(network, scale=scale), f"The referral network of {network.name}")]


def render_report(
    content: ReportContent,
    *,
    title: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    date: dt.date | None = None,
) -> str:
    """The HTML page for what `gather_report` gathered: the same content gives the same bytes.

    Observed counts of people go through disclosure control (`tipframe.privacy`): counts below
    ``threshold`` are suppressed. Modelled numbers are labelled as modelled and shown whole.
    Control characters in the documents' text are shown escaped.

    Parameters
    ----------
    content
        The documents, their bundle, findings and simulated reach.
    title
        The page's title (default: from the documents' names).
    threshold
        Observed counts of people from 1 to ``threshold - 1`` are suppressed; 1 shows them all.
    date
        A date to say the page was made on (default: none, so that the page depends on its
        content alone).

    Returns
    -------
    str
        A whole HTML page, pictures embedded.

    Raises
    ------
    ImportError
        When matplotlib is missing (``pip install tipframe[plot]``).
    ValueError
        When ``threshold`` is below 1.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    from tipframe.report import layout
    from tipframe.version import __version__

    documents, bundle, findings = content.documents, content.bundle, content.findings
    entries = []
    for document in documents:
        label = f"{document.KIND} {document.id}"
        shown: list[str] = []
        hidden: list[str] = []
        if isinstance(document, Programme):
            hidden = _programme(document, bundle, threshold)
        elif isinstance(document, CascadePlan | RecurringPlan | PeerPlan):
            shown, hidden = _plan(document, content, threshold)
        elif isinstance(document, ReachResult):
            shown, hidden = _reach(document, threshold)
        elif isinstance(document, RecurringResult):
            shown, hidden = _recurring(document)
        elif isinstance(document, PeerResult):
            shown, hidden = _peer(document)
        elif isinstance(document, ReferralNetwork):
            shown = _network(document, bundle)
        summary = summary_html(document, bundle, heading=False, threshold=threshold, words=plain_row)
        entries.append(layout.document_entry(document, [f for f in findings if f.document == label], summary,
                                             shown, hidden))  # fmt: skip
    counts = suppression_note(threshold) if threshold > 1 else "Observed counts of people are shown whole."
    context = layout.page_context(content, entries, title=title, version=__version__,
                                  date=None if date is None else date.isoformat(), counts_note=counts)  # fmt: skip
    return layout.render(context)
