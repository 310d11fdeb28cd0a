"""What every plot shares: its axes, how document text is shown on it, and a time axis in a plan's periods."""

from __future__ import annotations

import importlib
from typing import Any

from tipframe.privacy import visible

__all__ = ["columns", "label", "new_axes", "period_axis"]


def label(text: str) -> str:
    """A document's text as a plot shows it: control characters escaped, and dollar signs literal
    (matplotlib reads text between two as mathematics, and stops at what it cannot parse).

    Parameters
    ----------
    text
        Any text from a document.

    Returns
    -------
    str
    """
    return visible(text).replace("$", r"\$")


def new_axes(ax: Any) -> Any:
    """``ax`` itself, or the axes of a new figure when it is None.

    Parameters
    ----------
    ax
        Matplotlib Axes, or None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When a figure is needed and matplotlib is missing, saying what to install.
    """
    if ax is not None:
        return ax
    try:
        pyplot = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            "plots need matplotlib, the plot extra: pip install 'tipframe[plot]' (in a checkout: pip install -e "
            "'.[plot]')"
        ) from None
    # constrained layout keeps every label inside the figure when it is saved, at any size
    _, axes = pyplot.subplots(figsize=(8, 4.5), layout="constrained")
    return axes


def period_axis(ax: Any, plan: Any) -> None:
    """Label the x axis with the periods' unit, or with dates when the plan has a start.

    Parameters
    ----------
    ax
        Matplotlib Axes whose x axis counts periods from 0.
    plan
        A plan with ``period_label``, ``start`` and ``horizon`` (cascade, recurring or peer), or None.
    """
    if plan is None:
        ax.set_xlabel("period")
        return
    unit = plan.period_label(1).rsplit(" ", 1)[0] if plan.start is None else "period ending"
    if plan.start is None:
        ax.set_xlabel(f"{unit}s from the start")
        return
    ticks = [int(t) for t in ax.get_xticks() if 0 <= t <= plan.horizon]
    ax.set_xticks(ticks, [plan.period_label(t) if t > 0 else str(plan.start) for t in ticks])
    ax.set_xlabel("end of period")


def columns(graph: Any) -> dict[int, list[Any]]:
    """The graph's nodes by their ``column``, each column in the graph's order.

    networkx groups a layout's layers into sets, whose order follows the nodes' hashes and so
    changes from one process to the next; lists in the graph's order draw the same picture
    every time.
    """
    columns: dict[int, list[Any]] = {}
    for node, column in graph.nodes(data="column"):
        columns.setdefault(column, []).append(node)
    return dict(sorted(columns.items()))
