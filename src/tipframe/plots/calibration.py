"""Plots of a calibration: each parameter's posterior against its prior, the most correlated pair, and the
posterior predictive with the observed counts."""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from tipframe.io.arrays import to_numpy
from tipframe.model import CalibrationResult, Qualifier
from tipframe.model.observations import FLOWS
from tipframe.plots.axes import label, new_axes, period_axis

__all__ = ["plot_pair", "plot_posterior", "plot_predictive"]

PRIOR, POSTERIOR, OBSERVED = "#999999", "#0072b2", "#d55e00"


def plot_posterior(result: CalibrationResult, *, axes: Any = None) -> Any:
    """Each free parameter's posterior (weighted histogram, median and 90% credible interval) against its
    prior's density, one panel a parameter.

    Parameters
    ----------
    result
        From `tipframe.calibrate`.
    axes
        A sequence of matplotlib Axes, one per parameter; None draws on a new figure's.

    Returns
    -------
    list of matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``axes`` are given.
    """
    from tipframe.reach.abc import log_prior

    count = len(result.parameters)
    if axes is None:
        first = new_axes(None)
        figure = first.figure
        figure.set_size_inches(3.6 * count, 3.4)
        first.remove()
        axes = list(figure.subplots(1, count, squeeze=False)[0])
    theta, weights = to_numpy(result.theta), to_numpy(result.weights)
    for column, (ax, summary) in enumerate(zip(axes, result.posterior, strict=True)):
        values = theta[:, column]
        low = min(summary.prior_low, summary.low, float(values.min()))
        high = max(summary.prior_high, summary.high, float(values.max()))
        pad = 0.15 * (high - low or abs(high) or 1.0)
        grid = np.linspace(low - pad, high + pad, 400)
        density = np.exp(log_prior([summary.prior], grid[:, None]))
        ax.hist(values, bins=30, weights=weights, density=True, color=POSTERIOR, alpha=0.45, label="posterior")
        ax.plot(grid, density, color=PRIOR, linestyle="--", label="prior")
        ax.axvspan(summary.low, summary.high, color=POSTERIOR, alpha=0.12, linewidth=0, label="90% credible interval")
        ax.axvline(summary.median, color=POSTERIOR, linewidth=1.5, label="posterior median")
        ax.set_title(f"{summary.path}\nshrinkage {summary.shrinkage:.0%}", fontsize="medium")
        ax.set_yticks([])
        ax.set_xlabel("value")
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize="small", loc="best")
    if axes[0].figure.get_layout_engine() is None:  # the caller's figure: lay it out; ours is constrained
        axes[0].figure.tight_layout()
    return axes


def plot_pair(result: CalibrationResult, first: str | None = None, second: str | None = None, *, ax: Any = None) -> Any:
    """Two parameters' posterior particles against each other (darker: more weight): by default the most
    correlated pair, where a ridge shows what the observations pin down only in combination.

    Parameters
    ----------
    result
        From `tipframe.calibrate`, with at least two free parameters.
    first, second
        Parameter paths; None for the most correlated pair (the first two when none is).
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When the result has fewer than two parameters, or a path is not one of them.
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    names = list(result.parameters)
    if len(names) < 2:
        raise ValueError("a pair plot needs two free parameters; this calibration has one")
    if first is None or second is None:
        top = result.correlations[0] if result.correlations else None
        first, second = (top.first, top.second) if top is not None else (names[0], names[1])
    for path in (first, second):
        if path not in names:
            raise ValueError(f"no free parameter {path!r}; the calibration's are {', '.join(names)}")
    theta, weights = to_numpy(result.theta), to_numpy(result.weights)
    x, y = theta[:, names.index(first)], theta[:, names.index(second)]
    shade = 0.15 + 0.85 * weights / weights.max()
    colours = np.zeros((weights.size, 4))
    colours[:] = (0.0, 0.447, 0.698, 1.0)
    colours[:, 3] = shade
    ax = new_axes(ax)
    ax.scatter(x, y, s=14, c=colours, edgecolors="none")
    r = next((c.r for c in result.correlations if {c.first, c.second} == {first, second}), None)
    if r is None and np.std(x) > 0 and np.std(y) > 0:
        r = float(np.corrcoef(x, y)[0, 1])
    said = f", correlation {r:+.2f}" if r is not None and math.isfinite(r) else ""
    ax.set_xlabel(first)
    ax.set_ylabel(second)
    ax.set_title(f"posterior particles ({result.particles}; darker: more weight){said}", fontsize="medium")
    return ax


def plot_predictive(
    result: CalibrationResult, draws: int = 200, *, ax: Any = None, base: str | os.PathLike[str] = "."
) -> Any:
    """The posterior predictive of the first observation's measure by period (median and 90% interval, runs
    whose parameters are drawn from the posterior) with the counts observed of it as points.

    Parameters
    ----------
    result
        From `tipframe.calibrate`.
    draws
        Runs of the posterior predictive.
    ax
        The matplotlib Axes to draw on; None draws on a new figure's.
    base
        The folder a recurring plan's staff network file is relative to.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        When matplotlib is missing and no ``ax`` is given.
    """
    from tipframe.reach.calibration_measures import posterior_predictive

    predictive = posterior_predictive(result, draws, base)
    periods = np.arange(predictive.median.size)
    ax = new_axes(ax)
    ax.fill_between(periods, predictive.low, predictive.high, color="#56b4e9", alpha=0.35, linewidth=0,
                    label="modelled: 90% interval")  # fmt: skip
    ax.plot(periods, predictive.median, color=POSTERIOR, label="modelled: median")
    head = result.observations.observations[0]
    markers = {Qualifier.AT_LEAST: "^", Qualifier.AT_MOST: "v", Qualifier.ABOUT: "D"}
    for item in result.observations.observations:
        if item.measure is not head.measure or item.organisation != head.organisation or item.value is None:
            continue
        first, last = item.window(result.plan)
        if item.measure in FLOWS and first > 1:
            continue  # events in a later window are not a count so far
        spread = item.tolerance if item.qualifier is Qualifier.ABOUT else None  # "about": a bar of its tolerance
        ax.errorbar([last], [item.value], yerr=spread, marker=markers.get(item.qualifier, "o"), color=OBSERVED,
                    markersize=8, capsize=4, linestyle="none", label=f"observed: {item.describe()}")  # fmt: skip
    period_axis(ax, result.plan)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(predictive.measure)
    ax.set_title(f"{label(result.plan.name)}\nposterior predictive, {draws} runs", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left")
    return ax
