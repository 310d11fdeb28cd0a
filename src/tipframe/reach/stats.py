"""Small statistics the measures share: the Clopper-Pearson interval of a binomial proportion, and the standard
error of a mean."""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

__all__ = ["clopper_pearson", "standard_error"]


def _tail(n: int, k: int, p: float, upper: bool) -> float:
    """P(X >= k) (``upper``) or P(X <= k), for X binomial(n, p), summed in logarithms."""
    ks = range(k, n + 1) if upper else range(k + 1)
    if p <= 0.0:
        return 1.0 if 0 in ks else 0.0
    if p >= 1.0:
        return 1.0 if n in ks else 0.0
    logs = [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * math.log(p)
            + (n - j) * math.log1p(-p) for j in ks]  # fmt: skip
    top = max(logs)
    return math.exp(top) * sum(math.exp(v - top) for v in logs)


def clopper_pearson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """The exact (Clopper-Pearson) two-sided 1 - ``alpha`` interval for a proportion ``k`` of ``n``.

    Parameters
    ----------
    k
        Successes, from 0 to ``n``.
    n
        Trials, at least 1.
    alpha
        One less the confidence (0.05: a 95% interval).

    Returns
    -------
    tuple of float
        The lower and upper bounds.
    """

    def solve(upper: bool) -> float:
        lo, hi = 0.0, 1.0
        for _ in range(60):  # bisection to about 1e-18
            middle = (lo + hi) / 2
            if (_tail(n, k, middle, upper) < alpha / 2) == upper:
                lo = middle
            else:
                hi = middle
        return (lo + hi) / 2

    return (0.0 if k == 0 else solve(True)), (1.0 if k == n else solve(False))


def standard_error(values: Any) -> float:
    """The standard error of the mean of ``values``: their standard deviation (``ddof=1``) over sqrt(n); NaN below 2.

    Parameters
    ----------
    values
        A numpy array of numbers.

    Returns
    -------
    float
    """
    return float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else math.nan


def same(a: Any, b: Any) -> bool:
    """Equality in which a NaN equals a NaN, through tuples, lists and attrs instances (a summary's "not known")."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if attrs.has(type(a)) and type(a) is type(b):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a)))
    return bool(a == b)


class NanSafe:
    """A base for frozen attrs summaries made with ``eq=False``: equal when every field is, a NaN equal to a NaN
    (two runs with the same seed give equal summaries, though a measure with no data is NaN in both)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and same(self, other)

    def __hash__(self) -> int:
        return hash(_normal(attrs.astuple(self, recurse=False)))  # type: ignore[arg-type]


def _normal(value: Any) -> Any:
    """A value hashed as `same` compares it: floats as floats (NaN as one marker, -0.0 as 0.0), through tuples."""
    if isinstance(value, tuple | list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return "nan" if math.isnan(number) else number + 0.0
    return value
