"""What a report says, worked out before any of it is drawn: findings and modelled reach.

`gather_report` runs the practice checks and simulates each plan (cascade, recurring or peer); `tipframe.report.page`
only renders what it gathered, so rendering never runs an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from tipframe.bundle import Bundle
from tipframe.checks import Findings, check
from tipframe.model import (
    CascadePlan,
    Document,
    PeerPlan,
    PeerResult,
    Programme,
    ReachResult,
    RecurringPlan,
    RecurringResult,
    Workforce,
)

__all__ = ["ReportContent", "gather_report"]


@attrs.frozen
class ReportContent:
    """The documents a report covers, their findings, and each plan's simulated reach."""

    documents: tuple[Document, ...]
    bundle: Bundle
    findings: Findings
    #: each plan's result by plan id, or why it was not simulated
    reach: Mapping[str, ReachResult | RecurringResult | PeerResult | str] = attrs.field(factory=dict)


def _peer(plan: PeerPlan, bundle: Bundle, replicates: int, seed: int) -> PeerResult | str:
    """A peer plan's result, or why it could not run (its network file is read beside its workforce's file)."""
    from tipframe.reach import PlanError, simulate_peer_plan

    try:
        workforce = bundle.get(plan.workforce, Workforce)
        base = bundle.folder(workforce)
        return simulate_peer_plan(plan, workforce, replicates=replicates, seed=seed, base=base)
    except (KeyError, PlanError, ValueError, OSError) as error:
        return str(error.args[0]) if error.args else type(error).__name__


def gather_report(
    documents: Sequence[Document],
    bundle: Bundle,
    *,
    replicates: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ReportContent:
    """Check the bundle and simulate every plan among ``documents``.

    Parameters
    ----------
    documents
        The documents to report on, each found in ``bundle``.
    bundle
        The documents their references point to.
    replicates, seed
        How each plan is simulated (`tipframe.simulate_reach`, `tipframe.simulate_recurring`).
    progress
        Called ``progress(done, total)`` as the plans are simulated (`tipframe.progress_bar`).

    Returns
    -------
    ReportContent
        Everything `tipframe.report.page.render_report` draws.
    """
    from tipframe.reach import PlanError, simulate_reach, simulate_recurring

    reach: dict[str, ReachResult | RecurringResult | PeerResult | str] = {}
    plans = [d for d in documents if isinstance(d, PeerPlan | CascadePlan | RecurringPlan)]
    for document in documents:
        if progress is not None and document in plans:
            progress(plans.index(document), len(plans))
        if isinstance(document, PeerPlan):
            reach[document.id] = _peer(document, bundle, replicates, seed)
            continue
        if not isinstance(document, CascadePlan | RecurringPlan):
            continue
        try:
            workforce = bundle.get(document.workforce, Workforce)
            programme = bundle.get(document.programme, Programme)
        except KeyError as error:
            reach[document.id] = str(error.args[0])
            continue
        if isinstance(document, RecurringPlan):
            base = bundle.folder(workforce)  # where a staff network file is
            try:
                reach[document.id] = simulate_recurring(
                    document, workforce, programme, replicates=replicates, seed=seed, base=base
                )
            except (PlanError, OSError) as error:
                reach[document.id] = str(error)
            continue
        if document.follows is not None:
            reach[document.id] = (
                f"a stage of a learning pathway after {document.follows!r}: `tipframe reach` simulates the stages "
                "together, and prints who holds each level"
            )
            continue
        reach[document.id] = simulate_reach(document, workforce, programme, replicates=replicates, seed=seed)
    if progress is not None and plans:
        progress(len(plans), len(plans))
    return ReportContent(documents=tuple(documents), bundle=bundle, findings=check(bundle), reach=reach)
