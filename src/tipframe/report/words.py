"""Plain words for people reading a report: ``2 hours`` for ``PT2H``, ``weekly`` for ``P1W``, ``about 84% (between
77% and 90%)`` for ``beta(83.7, 16.3)``.

`plain` rewrites a line of a summary (what ``tipframe show`` prints, for people who know the
documents) for a page read by people who do not: ISO 8601 durations become words, and a
parameter's distribution its typical value with the range that holds 90% of it.
"""

from __future__ import annotations

import functools
import re
from typing import Final

import numpy as np

from tipframe.model.values import Duration

__all__ = ["STRUCTURED", "distribution_words", "percent_range", "plain", "plain_row"]

_ISO: Final = r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?"
_ISO_IN_BRACKETS: Final = re.compile(rf" \(({_ISO})\)")
_ISO_ALONE: Final = re.compile(rf"(?<![\w-]){_ISO}(?![\w-])")
_NUMBER: Final = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_DISTRIBUTION: Final = re.compile(rf"\b(beta|uniform|gamma|lognormal)\(({_NUMBER}), ({_NUMBER})\)")
_ONE_UNIT: Final = re.compile(r"\b(\d[\d,]*) of 1 (day|week|month|year)\b")
_UNITS: Final = re.compile(r"\b(\d[\d,]*) of (\d+ (?:days|weeks|months|years))\b")
#: draws that place a distribution's 5th and 95th percentiles (to about a tenth of a percentage point): fixed, so
#: that the same document always reads the same
_DRAWS: Final = 200_000


def _duration(text: str) -> str:
    try:
        return Duration.parse(text).describe()
    except ValueError:
        return text


@functools.lru_cache(maxsize=256)
def _quantiles(kind: str, a: float, b: float) -> tuple[float, float, float]:
    """The mean and the 5th and 95th percentiles of a distribution (sampled with a fixed seed)."""
    rng = np.random.default_rng(0)
    if kind == "beta":
        draws = rng.beta(a, b, _DRAWS)
    elif kind == "uniform":
        return (a + b) / 2, a + 0.05 * (b - a), a + 0.95 * (b - a)
    elif kind == "gamma":
        draws = rng.gamma(a, b, _DRAWS)
    else:
        draws = rng.lognormal(a, b, _DRAWS)
    low, high = np.percentile(draws, [5, 95])
    return float(draws.mean()), float(low), float(high)


def percent_range(middle: float, low: float, high: float) -> str:
    """``about 84% (between 77% and 90%)``: shares as whole percentages, or to one decimal place below 10%."""

    def pct(x: float) -> str:
        return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"

    return f"about {pct(middle)} (between {pct(low)} and {pct(high)})"


def distribution_words(kind: str, a: float, b: float) -> str:
    """A parameter's distribution in words: its mean and the range holding 90% of it.

    Parameters
    ----------
    kind
        ``beta``, ``uniform``, ``gamma`` or ``lognormal``.
    a, b
        Its two values, as a document gives them.

    Returns
    -------
    str
        ``about 84% (between 77% and 90%)`` for a beta (a probability), ``between 0.2 and 0.4`` for a
        uniform, ``about 1.2 (between 0.3 and 2.8)`` otherwise.
    """
    if kind == "uniform":
        if 0 <= a <= b <= 1:
            return f"between {a:.0%} and {b:.0%}"
        return f"between {a:g} and {b:g}"
    mean, low, high = _quantiles(kind, a, b)
    if kind == "beta":
        return percent_range(mean, low, high)
    return f"about {mean:.3g} (between {low:.3g} and {high:.3g})"


#: the summary rows whose text tipframe writes from structured fields (durations, parameters), not people's prose
STRUCTURED: Final = frozenset({"Schedule", "Periods", "Period", "Take part", "Tiers", "Turnover", "Delay", "Cadence"})


def plain_row(label: str, text: str) -> str:
    """A summary row's text in plain words (`plain`) where tipframe wrote it from structured fields; a row that
    carries people's own words (a description, aims, notes) is left as written.

    Parameters
    ----------
    label, text
        The row, as ``tipframe show`` prints it (a continued row has an empty label).

    Returns
    -------
    str
    """
    return plain(text) if label in STRUCTURED or (not label and re.match(r"\d+: cohorts of ", text)) else text


def plain(text: str) -> str:
    """A summary's line in plain words: ``weekly (P1W)`` as ``weekly``, ``delay P8W`` as ``delay 8 weeks``, and
    ``beta(83.7, 16.3)`` as ``about 84% (between 77% and 90%)``.

    Parameters
    ----------
    text
        A line, as ``tipframe show`` prints it.

    Returns
    -------
    str
    """
    text = _ISO_IN_BRACKETS.sub("", text)
    text = _ISO_ALONE.sub(lambda m: _duration(m.group(0)), text)
    text = _ONE_UNIT.sub(lambda m: f"{m.group(1)} {m.group(2)}s", text)  # "104 of 1 week": "104 weeks"
    text = _UNITS.sub(lambda m: f"{m.group(1)} periods of {m.group(2)}", text)  # "26 of 4 weeks"
    return _DISTRIBUTION.sub(lambda m: distribution_words(m.group(1), float(m.group(2)), float(m.group(3))), text)
