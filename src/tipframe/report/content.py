"""What a report says, worked out before any of it is drawn: findings and modelled reach.

`gather_report` runs the practice checks and simulates each plan; `tipframe.report.page`
only renders what it gathered, so rendering never runs an engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from tipframe.bundle import Bundle
from tipframe.checks import Findings, check
from tipframe.model import CascadePlan, Document, Programme, ReachResult, Workforce

__all__ = ["ReportContent", "gather_report"]


@attrs.frozen
class ReportContent:
    """The documents a report covers, their findings, and each plan's simulated reach."""

    documents: tuple[Document, ...]
    bundle: Bundle
    findings: Findings
    #: each plan's result by plan id, or why it was not simulated
    reach: Mapping[str, ReachResult | str] = attrs.field(factory=dict)


def gather_report(
    documents: Sequence[Document], bundle: Bundle, *, replicates: int = 200, seed: int = 0
) -> ReportContent:
    """Check the bundle and simulate every plan among ``documents``.

    Parameters
    ----------
    documents
        The documents to report on, each found in ``bundle``.
    bundle
        The documents their references point to.
    replicates, seed
        How each plan is simulated (`tipframe.simulate_reach`).

    Returns
    -------
    ReportContent
        Everything `tipframe.report.page.render_report` draws.
    """
    from tipframe.reach import simulate_reach

    reach: dict[str, ReachResult | str] = {}
    for document in documents:
        if not isinstance(document, CascadePlan):
            continue
        try:
            workforce = bundle.get(document.workforce, Workforce)
            programme = bundle.get(document.programme, Programme)
        except KeyError as error:
            reach[document.id] = str(error.args[0])
            continue
        reach[document.id] = simulate_reach(document, workforce, programme, replicates=replicates, seed=seed)
    return ReportContent(documents=tuple(documents), bundle=bundle, findings=check(bundle), reach=reach)
