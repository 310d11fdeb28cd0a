"""A prior's quantiles, exactly: the inverse of its distribution function, by bisection.

Beta and gamma distribution functions are the regularised incomplete beta and gamma functions,
evaluated by their continued fractions and series (Press, Teukolsky, Vetterling and Flannery,
*Numerical Recipes*, 3rd edition, sections 6.2 and 6.4), good to about 1e-12; the lognormal's
comes from the normal's (``statistics.NormalDist``).
"""

from __future__ import annotations

import math
from statistics import NormalDist

from tipframe.model import Distribution, Parameter

__all__ = ["beta_cdf", "gamma_cdf", "prior_quantile"]

_EPS, _TINY, _STEPS = 1e-15, 1e-300, 400


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _STEPS):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        for numerator in (even, odd):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function I_x(a, b): P(X <= x) for X ~ beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def gamma_cdf(x: float, shape: float) -> float:
    """The regularised lower incomplete gamma function P(shape, x): P(X <= x) for X ~ gamma(shape, 1)."""
    if x <= 0.0:
        return 0.0
    front = math.exp(-x + shape * math.log(x) - math.lgamma(shape))
    if x < shape + 1.0:  # the series
        term = total = 1.0 / shape
        n = shape
        for _ in range(_STEPS * 10):
            n += 1.0
            term *= x / n
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return min(1.0, front * total)
    b = x + 1.0 - shape  # the continued fraction, for the upper function
    c, d = 1.0 / _TINY, 1.0 / b
    h = d
    for i in range(1, _STEPS):
        an = -i * (i - shape)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return max(0.0, 1.0 - front * h)


def prior_quantile(prior: Parameter, q: float) -> float:
    """The value below which a prior puts probability ``q``.

    Parameters
    ----------
    prior
        A distribution (a fixed value is its own quantile).
    q
        From 0 to 1.

    Returns
    -------
    float
    """
    a, b = (*prior.values, 0.0)[:2]
    if prior.distribution is Distribution.FIXED:
        return prior.mean()
    if prior.distribution is Distribution.UNIFORM:
        return a + q * (b - a)
    if prior.distribution is Distribution.LOGNORMAL:
        return math.exp(a + b * NormalDist().inv_cdf(min(max(q, 1e-300), 1 - 1e-16)))
    beta = prior.distribution is Distribution.BETA

    def cdf(x: float) -> float:
        return beta_cdf(x, a, b) if beta else gamma_cdf(x, a)

    low, high = 0.0, 1.0 if beta else max(1.0, 2.0 * a)
    while not beta and cdf(high) < q:  # gamma, scale b: widen until the quantile is inside
        high *= 2.0
    for _ in range(200):
        middle = (low + high) / 2
        if cdf(middle) < q:
            low = middle
        else:
            high = middle
    value = (low + high) / 2
    return value * b if prior.distribution is Distribution.GAMMA else value
