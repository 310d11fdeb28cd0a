"""Coverage of calibration's 90% credible intervals: datasets simulated from parameters drawn from the prior.

    python benchmarks/calibration_coverage.py                 # 100 datasets, 2 workers
    python benchmarks/calibration_coverage.py --datasets 200

For dataset d, the built-in Help the Helpers rollout's three free parameters (attrition,
completion, conversion) are drawn from their priors (``SeedSequence(seed, spawn_key=(d, 0))``)
and the plan is run once with them (``(d, 1)``); four counts of that run (trainers by weeks 26
and 52, trainers who delivered by week 52, people trained by week 52) are the observations, and
the plan is calibrated to them (seed d). A well-calibrated posterior's 90% interval holds the
true value in 90% of datasets: for each parameter the script prints the share that does, with
its 95% Clopper-Pearson interval (which should contain 0.90), and the median interval width
beside the prior's. Not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import time

import numpy as np

import tipframe
from tipframe.model import Observation, Observations
from tipframe.model.observations import Measure
from tipframe.reach.abc import sample_prior
from tipframe.reach.calibration_models import make_model
from tipframe.reach.stats import clopper_pearson

PLAN = "builtin:help-the-helpers-rollout"


def documents() -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    plan = tipframe.load(PLAN, tipframe.CascadePlan)
    return plan, tipframe.load(plan.workforce, tipframe.Workforce), tipframe.load(plan.programme, tipframe.Programme)


def one(dataset: int, seed: int, particles: int, simulations: int) -> tuple[list[float], list[tuple[float, float]]]:
    """The true values of one dataset, and each parameter's 90% interval from calibrating to it."""
    plan, workforce, programme = documents()
    model = make_model(plan, workforce, programme)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(dataset, 0)))
    truth = sample_prior(model.priors, rng)
    run = model.run(truth, seed, (dataset, 1))
    items = [Observation(measure=Measure.TRAINERS, period=t, value=int(run["trainers"][t])) for t in (26, 52)]
    items.append(Observation(measure=Measure.DELIVERED, period=52, value=int(run["delivered"][52])))
    items.append(Observation(measure=Measure.TRAINED, period=52, value=int(run["trained"][52])))
    observed = Observations(id="simulated", name="Simulated", plan=plan.id, observations=tuple(items))
    result = tipframe.calibrate(plan, observed, workforce=workforce, programme=programme, particles=particles,
                                simulations=simulations, seed=dataset)  # fmt: skip
    return truth.tolist(), [(p.low, p.high) for p in result.posterior]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--particles", type=int, default=300)
    parser.add_argument("--simulations", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        found = list(pool.map(one, range(args.datasets), [args.seed] * args.datasets,
                              [args.particles] * args.datasets, [args.simulations] * args.datasets))  # fmt: skip
    model = make_model(*documents())
    prior = np.array([sample_prior(model.priors, np.random.default_rng(np.random.SeedSequence(99, spawn_key=(i,))))
                      for i in range(4000)])  # fmt: skip
    print(f"{args.datasets} datasets, {args.particles} particles, at most {args.simulations:,} runs each "
          f"({time.perf_counter() - start:.0f} s on {args.workers} workers)")  # fmt: skip
    print(f"{'parameter':<22}{'covered':>10}{'95% Clopper-Pearson':>24}{'median width':>15}{'prior width':>13}")
    for column, path in enumerate(model.names):
        inside = sum(low <= truth[column] <= high for truth, intervals in found for low, high in [intervals[column]])
        low, high = clopper_pearson(inside, args.datasets)
        width = float(np.median([intervals[column][1] - intervals[column][0] for _, intervals in found]))
        prior_width = float(np.subtract(*np.percentile(prior[:, column], [95, 5])))
        interval = f"{low:.3f} to {high:.3f}"
        print(f"{path:<22}{inside / args.datasets:>10.2f}{interval:>24}{width:>15.4f}{prior_width:>13.4f}")


if __name__ == "__main__":
    main()
