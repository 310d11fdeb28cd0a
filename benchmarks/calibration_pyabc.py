"""tipframe's ABC-SMC against pyabc's on one case: the same plan, priors, observations, runs and distance.

    pip install -e ".[bench]"
    python benchmarks/calibration_pyabc.py

The case is the built-in Help the Helpers rollout calibrated to examples/help-the-helpers-observed.yaml
(four counts simulated at attrition 0.005, completion 0.837, conversion 0.15). Both samplers run
the plan once per particle with the same compiled engine, and measure the same distance (the
qualified deviations, each scaled as tipframe's generation 0 scaled them); pyabc keeps its own
defaults otherwise (median epsilon, multivariate normal kernel, adaptive population off) on one
core. Prints each parameter's posterior median and 90% interval from each, the runs each used
and its wall time. The two are approximations with their own tolerances, so they agree in
location and spread, not number for number. Not a test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import tipframe
from tipframe.reach.abc import deviations, weighted_quantile
from tipframe.reach.calibration_models import make_model, statistics

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    import pyabc  # the bench extra

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=500)
    parser.add_argument("--simulations", type=int, default=20_000)
    args = parser.parse_args()
    plan = tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan)
    workforce = tipframe.load(plan.workforce, tipframe.Workforce)
    programme = tipframe.load(plan.programme, tipframe.Programme)
    observed = tipframe.load(ROOT / "examples" / "help-the-helpers-observed.yaml", tipframe.Observations)
    start = time.perf_counter()
    ours = tipframe.calibrate(plan, observed, particles=args.particles, simulations=args.simulations, seed=1)
    ours_seconds = time.perf_counter() - start
    model = make_model(plan, workforce, programme)
    windows = [item.window(plan) for item in observed.observations]
    scales = np.array(ours.scales)
    items = observed.observations
    weights = np.array([item.weight for item in items])
    counter = iter(range(1 << 62))

    def simulate(parameters: dict[str, float]) -> dict[str, np.ndarray]:
        theta = np.array([parameters[f"p{k}"] for k in range(len(model.names))])
        run = model.run(theta, 7, (next(counter),))  # a stream of its own for each run
        return {"s": statistics(run, observed, windows)}

    def distance(x: dict[str, np.ndarray], _: dict[str, np.ndarray]) -> float:
        scaled = deviations(items, x["s"][None, :])[0] / scales
        return float(np.sqrt((weights * scaled**2).sum()))

    priors = pyabc.Distribution(
        **{f"p{k}": pyabc.RV("beta", *prior.values) for k, prior in enumerate(model.priors)}
    )  # every free parameter of this plan has a beta prior
    np.random.seed(1)
    abc = pyabc.ABCSMC(simulate, priors, distance, population_size=args.particles,
                       sampler=pyabc.sampler.SingleCoreSampler())  # fmt: skip
    database = os.path.join(tempfile.mkdtemp(), "abc.db")
    abc.new("sqlite:///" + database, {"s": np.zeros(len(items))})
    start = time.perf_counter()
    history = abc.run(max_total_nr_simulations=args.simulations, max_nr_populations=9)
    theirs_seconds = time.perf_counter() - start
    frame, frame_weights = history.get_distribution()
    print(f"tipframe: {ours.runs:,} runs, {ours_seconds:.1f} s (one process)")
    print(f"pyabc:    {history.total_nr_simulations:,} runs, {theirs_seconds:.1f} s (one core)")
    print(f"{'parameter':<22}{'tipframe median (90%)':>32}{'pyabc median (90%)':>32}")
    for k, summary in enumerate(ours.posterior):
        values = frame[f"p{k}"].to_numpy()
        low, mid, high = (weighted_quantile(values, frame_weights, q) for q in (0.05, 0.5, 0.95))
        left = f"{summary.median:.4f} ({summary.low:.4f}-{summary.high:.4f})"
        right = f"{mid:.4f} ({low:.4f}-{high:.4f})"
        print(f"{summary.path:<22}{left:>32}{right:>32}")


if __name__ == "__main__":
    main()
