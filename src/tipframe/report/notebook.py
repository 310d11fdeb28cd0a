"""Notebook displays and DataFrames for documents, which the model leaves plain.

Documents are frozen data with no display code of their own (the model imports nothing above
it). This module gives them their notebook face: importing it (``import tipframe`` does)
registers an HTML formatter for every document with the running IPython shell, if there is
one; `to_html` and `to_frame` do the same work for any tipframe object, in or out of a notebook.
Results above the model (findings, analyses, sweeps) carry ``_repr_html_`` and ``to_frame()``
themselves.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import attrs

from tipframe.bundle import Bundle
from tipframe.model import CalibrationResult, Document, PeerResult, PrincipleCoverage, ReachResult, RecurringResult
from tipframe.privacy import DEFAULT_THRESHOLD
from tipframe.report.html import summary_html
from tipframe.tables import data_frame

__all__ = ["load_ipython_extension", "register", "summary_rows", "to_frame", "to_html"]


def to_html(obj: Any, bundle: Bundle | None = None, *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """An HTML fragment showing ``obj``, every value escaped: what a notebook displays.

    Parameters
    ----------
    obj
        A document (its ``tipframe show`` summary), or findings, a network analysis or a sweep.
    bundle
        Documents its references point to, for names and coverage.
    threshold
        A document's observed counts of people from 1 to ``threshold - 1`` are suppressed, as
        ``tipframe show`` does; 1 shows them all. `to_frame` never suppresses: a table is data.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        When ``obj`` has no HTML display.
    ValueError
        When ``threshold`` is below 1.
    """
    if isinstance(obj, Document):
        return summary_html(obj, bundle, threshold=threshold)
    shown = getattr(obj, "_repr_html_", None)
    if shown is None:
        raise TypeError(f"tipframe has no HTML display for {type(obj).__name__}")
    text: str = shown()
    return text


def to_frame(obj: Any) -> Any:
    """A pandas DataFrame of ``obj`` (``pip install tipframe[table]``).

    Parameters
    ----------
    obj
        A `ReachResult`, `RecurringResult` or `PeerResult` (one row per period: medians, 90% intervals,
        means and Monte Carlo errors), a `CalibrationResult` (one row per particle), a `PrincipleCoverage`
        (sessions by principles), a summary (`ReachSummary`, `RecurringSummary`, `PeerSummary`: one row
        per measure), a `NeedsResult` (one row per organisation, role and level), a list of rows
        (``generation_summary``), or anything with its own ``to_frame()`` (findings, network
        analyses, sweeps).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TypeError
        When ``obj`` has no table.
    ImportError
        When pandas is missing, saying what to install.
    """
    if isinstance(obj, ReachResult):
        from tipframe.reach.costs import rows_with_costs

        return data_frame(rows_with_costs(obj))
    if isinstance(obj, RecurringResult):
        from tipframe.reach.recurring_measures import recurring_rows

        return data_frame(recurring_rows(obj))
    if isinstance(obj, PeerResult):
        from tipframe.reach.peer_plan import peer_rows

        return data_frame(peer_rows(obj))
    if isinstance(obj, CalibrationResult):
        from tipframe.reach.calibration_measures import calibration_rows

        return data_frame(calibration_rows(obj))
    if isinstance(obj, PrincipleCoverage):
        return data_frame(obj.rows(), ("session", *obj.principles))
    if type(obj).__name__ == "NeedsResult":
        from tipframe.needs import needs_rows

        return data_frame(needs_rows(obj, threshold=1))
    if isinstance(obj, list) and all(isinstance(row, dict) for row in obj):
        return data_frame(obj)
    if type(obj).__name__.endswith("Summary") and attrs.has(type(obj)):
        return data_frame(summary_rows(obj))
    frame = getattr(obj, "to_frame", None)
    if frame is None:
        raise TypeError(f"tipframe has no table for {type(obj).__name__}")
    return frame()


def summary_rows(summary: Any) -> list[dict[str, Any]]:
    """A summary's measures as rows: each estimate's median, 90% interval, mean and Monte Carlo error; each time
    to reach its median, interval and share reached; other numbers as a value.

    Parameters
    ----------
    summary
        A `ReachSummary`, `RecurringSummary` or `PeerSummary`.

    Returns
    -------
    list of dict
        ``measure``, ``median``, ``low``, ``high``, ``mean``, ``mcse``, ``share_reached``, ``value``
        (NaN, not infinity, where a time is never reached).
    """
    rows: list[dict[str, Any]] = []

    def number(x: Any) -> float:
        value = float(x)
        return math.nan if math.isinf(value) else value

    for field in attrs.fields(type(summary)):
        value = getattr(summary, field.name)
        if hasattr(value, "median") and hasattr(value, "mcse"):
            rows.append({"measure": field.name, **{k: number(getattr(value, k))
                                                   for k in ("median", "low", "high", "mean", "mcse")}})  # fmt: skip
        elif isinstance(value, tuple) and value and hasattr(value[0], "share_reached"):
            for time in value:
                rows.append({"measure": f"time to {time.level:.0%}", "median": number(time.median),
                             "low": number(time.low), "high": number(time.high),
                             "share_reached": time.share_reached})  # fmt: skip
        elif isinstance(value, int | float) and not isinstance(value, bool):
            rows.append({"measure": field.name, "value": number(value)})
    return rows


def _document_html(document: Document) -> str:
    return summary_html(document)


def register(shell: Any = None) -> bool:
    """Display documents as HTML in an IPython shell (by default the running one).

    Parameters
    ----------
    shell
        An ``IPython.InteractiveShell``; None means the running one, if any.

    Returns
    -------
    bool
        Whether a shell was found and the formatter registered.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # never import IPython just to look for it
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(Document, _document_html)
    return True


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext tipframe``: register the displays with this shell.

    Parameters
    ----------
    ipython
        The shell IPython passes in.
    """
    register(ipython)


# In a running notebook, `import tipframe` is enough for documents to display as HTML.
register()
