"""A sweep as a notebook shows it: a compact row a design, levers in words (`SweepResult`'s display)."""

from __future__ import annotations

import math
import re
from typing import Any

from tipframe.model.values import Duration

__all__ = ["compact_rows", "lever_value", "lever_words"]


def lever_words(path: str) -> str:
    """A plan field's path as a reader says it: ``tiers[0].cohort_size`` as ``cohort size``, a later tier's with
    its number (``tier 2 conversion``).

    Parameters
    ----------
    path
        A field's path in a plan, as a sweep's grid names it.

    Returns
    -------
    str
    """
    words = re.sub(r"tiers\[(\d+)\]\.", lambda m: "" if m.group(1) == "0" else f"tier {int(m.group(1)) + 1} ", path)
    return words.replace("_", " ").replace(".", " ")


def lever_value(value: Any) -> str:
    """A lever's value as a reader says it: ``2 weeks`` for ``P2W``, ``beta(1, 9)`` for ``{beta: [1, 9]}``."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    if isinstance(value, str) and re.fullmatch(r"P(?=\d|T\d)[\dYMWDTHS]+", value):
        try:
            return Duration.parse(value).describe()
        except ValueError:
            return value
    if isinstance(value, dict) and len(value) == 1:
        ((kind, values),) = value.items()
        return f"{kind}({', '.join(f'{v:g}' for v in values)})" if isinstance(values, list) else str(value)
    return str(value)


def compact_rows(sweep: Any) -> list[dict[str, str]]:
    """A sweep's rows as a notebook shows them: a design a row, its levers in words, then its headline measures
    (median and 90% interval; shares below 10% to a tenth of a point; ``>H`` for a time not reached by the horizon).

    Parameters
    ----------
    sweep
        A `SweepResult`.

    Returns
    -------
    list of dict
    """

    def pct(x: float) -> str:
        return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"

    def share(e: Any) -> str:
        return "n/a" if math.isnan(e.median) else f"{pct(e.median)} ({pct(e.low)} to {pct(e.high)})"

    rows = []
    for scenario in sweep.scenarios:
        s = scenario.summary
        later = f">{s.horizon}"  # not reached by the horizon: later, or never

        def when(t: Any, later: str = later) -> str:
            high = later if math.isinf(t.high) else f"{t.high:g}"
            return later if math.isinf(t.median) else f"{t.median:g} ({t.low:g} to {high})"

        row = {"design": str(scenario.index), **{lever_words(k): lever_value(v) for k, v in scenario.values.items()}}
        row |= {"reach": share(s.reach), "trained": share(s.trained_share)}
        row |= {f"periods to {t.level:.0%}": when(t) for t in s.time_to if t.level == 0.5}
        row |= {"organisations adopting": share(s.adoption_organisations), "depth": f"{s.depth.median:g}"}
        rows.append(row)
    return rows
