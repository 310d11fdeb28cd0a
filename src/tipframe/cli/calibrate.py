"""``tipframe calibrate``: fit a plan's uncertain parameters to observed counts, save the result, rerun it."""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

from tipframe.bundle import Bundle
from tipframe.cli.common import (
    INVALID,
    OK,
    UNUSABLE,
    add_bundle,
    add_memory_limit,
    add_threshold,
    document_at,
    fail,
    positive,
    read_documents,
    seed,
    whole,
    wrote,
)
from tipframe.io.documents import dump, load_located, to_data
from tipframe.io.problems import DocumentError, Problem
from tipframe.model import CalibrationResult, CascadePlan, Observations, RecurringPlan, Workforce
from tipframe.progress import terminal_progress


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "calibrate",
        help="fit a plan's uncertain parameters to observed counts (ABC-SMC)",
        description=(
            "Fit the parameters a plan writes as distributions (its priors) to an Observations document by "
            "approximate Bayesian computation (ABC-SMC), and print each parameter's posterior median and 90% "
            "credible interval beside its prior, what the observations identify, and the posterior predictive "
            "beside each observed count."
        ),
    )
    parser.add_argument("plan", nargs="?", metavar="PLAN", help="the plan: a file, or builtin:ID")
    parser.add_argument("observations", nargs="?", metavar="OBSERVATIONS", help="the Observations document")
    add_bundle(parser, "files or folders the plan refers to")
    parser.add_argument("--particles", type=whole(10), default=500, metavar="N", help="particles (default 500)")
    parser.add_argument(
        "--simulations", type=positive, default=20_000, metavar="N", help="the most runs in all (default 20000)"
    )
    parser.add_argument("--generations", type=whole(0), default=8, metavar="N", help="the most generations (default 8)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--draws", type=whole(0), default=200, metavar="N",
                        help="posterior predictive runs (default 200; 0: none)")  # fmt: skip
    parser.add_argument("--workers", type=positive, metavar="N", help="processes (default: the cores, up to 8)")
    parser.add_argument("--json", metavar="OUT", help="save the result as JSON")
    parser.add_argument("--rerun", metavar="RESULT", help="calibrate a saved result again and compare, bit for bit")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    add_threshold(parser)
    add_memory_limit(parser)
    parser.set_defaults(run=run)


def _documents(args: argparse.Namespace) -> tuple[CascadePlan | RecurringPlan, Observations, Bundle]:
    bundle = read_documents([args.plan, args.observations, *args.bundle], beside=args.plan)
    plan = document_at(bundle, args.plan, (CascadePlan, RecurringPlan), "a CascadePlan or RecurringPlan")
    return plan, document_at(bundle, args.observations, Observations, "an Observations document"), bundle


def _progress(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    """A bar of the runs done against the most allowed (a calibration may stop before), at a terminal."""
    if args.quiet or not sys.stderr.isatty():
        return None
    bar = terminal_progress("calibrating")
    seen = {"generation": 0, "before": 0, "runs": 0}

    def show(generation: int, runs: int) -> None:  # runs: so far in this generation
        if generation != seen["generation"]:
            seen["before"] += seen["runs"]
            seen["generation"] = generation
        seen["runs"] = runs
        bar(min(seen["before"] + runs, args.simulations - 1), args.simulations)

    return show


def _message(error: Exception) -> str:
    """An error's message (a KeyError's without the quotes its str adds)."""
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def run(args: argparse.Namespace) -> int:
    from tipframe.reach.calibration_measures import describe_calibration

    if args.rerun:
        return _rerun(args)
    if not args.plan or not args.observations:
        return fail("calibrate", "give a plan and an Observations document (or --rerun RESULT)")
    if args.simulations < args.particles:
        return fail("calibrate", f"--simulations ({args.simulations}) must be at least --particles ({args.particles})")
    plan, observations, bundle = _documents(args)
    base = bundle.folder(bundle.get(plan.workforce, Workforce))  # where a staff network file is
    settings = {"particles": args.particles, "simulations": args.simulations, "generations": args.generations,
                "seed": args.seed}  # fmt: skip
    result, code = _calibrated(args, plan, observations, settings, base, bundle=bundle)
    if result is None:
        return code
    if args.json:  # saved first: a posterior predictive refused or interrupted leaves the result
        dump(result, args.json, format="json")
        wrote(args.json, "the calibration result, JSON")
    predictive, code = _predictive(args, result, base)
    if code != OK:
        return code
    sys.stdout.write(describe_calibration(result, predictive, args.threshold))
    return OK


def _calibrated(
    args: argparse.Namespace, plan: CascadePlan | RecurringPlan, observations: Observations, settings: dict[str, Any],
    base: str, **documents: Any,
) -> tuple[CalibrationResult | None, int]:  # fmt: skip
    """Calibrate on the workers the options ask for; the result, or None and the exit code."""
    from tipframe.cli.reach import _stop
    from tipframe.reach.calibrate import calibrate
    from tipframe.reach.limits import ResourceLimitError
    from tipframe.reach.scenario import PlanError

    workers = args.workers or min(8, os.cpu_count() or 1)
    progress = _progress(args)
    with contextlib.ExitStack() as stack:
        executor = None
        if workers > 1:
            executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
            stack.callback(_stop, executor)
        try:
            result = calibrate(plan, observations, executor=executor, progress=progress,
                               memory_limit=args.memory_limit, base=base, **settings, **documents)  # fmt: skip
        except ResourceLimitError as error:
            return None, fail("calibrate", str(error), UNUSABLE)
        except (PlanError, ValueError, KeyError) as error:
            return None, fail("calibrate", _message(error), INVALID)
        finally:
            if progress is not None:
                print(file=sys.stderr)
    return result, OK


def _predictive(args: argparse.Namespace, result: CalibrationResult, base: str) -> tuple[Any, int]:
    from tipframe.reach.calibration_measures import posterior_predictive
    from tipframe.reach.limits import ResourceLimitError

    if not args.draws:
        return None, OK
    try:
        return posterior_predictive(result, args.draws, base, args.memory_limit), OK
    except ResourceLimitError as error:
        return None, fail("calibrate", f"the posterior predictive: {error}", UNUSABLE)


def _rerun(args: argparse.Namespace) -> int:
    saved = load_located(args.rerun).document
    if not isinstance(saved, CalibrationResult):
        raise DocumentError([Problem(message="expected a CalibrationResult", layer="schema", file=args.rerun)])
    settings = {"particles": saved.particles, "simulations": saved.simulations, "generations": saved.max_generations,
                "quantile": saved.quantile, "min_acceptance": saved.min_acceptance, "seed": saved.seed}  # fmt: skip
    beside = os.path.dirname(args.rerun) or "."  # where a staff network file is looked for
    again, code = _calibrated(args, saved.plan, saved.observations, settings, beside, workforce=saved.workforce,
                              programme=saved.programme)  # fmt: skip
    if again is None:
        return code
    old, new = to_data(saved), to_data(again)
    different = [k for k in new if k not in ("tipframe_version",) and old.get(k) != new.get(k)]
    if different:
        print(f"not reproduced: {', '.join(different)} differ")
        return INVALID
    print(f"reproduced: {args.rerun} (seed {saved.seed}, {len(saved.generations)} generations), bit for bit")
    return OK
