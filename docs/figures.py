"""A build step of the docs site (a mkdocs hook): the pictures the pages show, drawn from the examples.

Each figure is made afresh from a built-in or example document with a fixed seed, so a page
never shows a picture pasted in by hand that the code would no longer draw. The files go to
``docs/figures/`` (not kept in git) before the site's files are gathered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIGURES = Path(__file__).parent / "figures"


def on_pre_build(config: Any) -> None:
    """Draw every figure (mkdocs calls this before it gathers the site's files)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    import tipframe
    from tipframe import plots

    FIGURES.mkdir(exist_ok=True)
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    workforce = tipframe.load(plan.workforce, tipframe.Workforce)
    course = tipframe.load(plan.programme, tipframe.Programme)
    result = tipframe.simulate_reach(plan, workforce, course, replicates=200, seed=1, backend="reference")
    drawn = {
        "help-the-helpers-reach.png": plots.plot_reach(result, full_scale=True),
        "help-the-helpers-organisations.png": plots.plot_organisation_reach(result),
        "svru-network.png": plots.plot_network(
            tipframe.load(Path(__file__).parent.parent / "examples" / "svru-community-referrals.yaml",
                          tipframe.ReferralNetwork),
            scale=tipframe.load("builtin:nes-levels", tipframe.LevelScale),
        ),
    }  # fmt: skip
    for name, ax in drawn.items():
        ax.figure.savefig(FIGURES / name, dpi=110)
        pyplot.close(ax.figure)
