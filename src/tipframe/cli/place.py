"""``tipframe place``: which organisations a cascade's first trainers should come from."""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import math
import sys

from tipframe.bundle import Bundle
from tipframe.cli.common import (
    INVALID,
    OK,
    add_bundle,
    document_at,
    fail,
    positive,
    progress_bar,
    read_documents,
    seed,
    whole,
)
from tipframe.model import CascadePlan, PeerPlan, Workforce


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "place",
        help="choose which organisations a cascade's seed trainers come from",
        description=(
            "Place a cascade plan's seed trainers a facilitator team at a time, greedily, then improve by moving one "
            "team at a time, to maximise the mean share of eligible staff reached (or trained) by a period or to "
            "minimise the mean periods until a share; set the placement beside simple baselines (largest "
            "organisations first, one per organisation, random) run on the same replicates. For a peer plan, pick "
            "the people who start."
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="a cascade plan (teams by organisation) or a peer plan (people)")
    add_bundle(parser, "files or folders the plan refers to")
    parser.add_argument("--seeds", type=positive, required=True, metavar="N", help="seed trainers, in whole teams")
    parser.add_argument("--measure", choices=("reach", "trained"), default="reach", help="what is counted")
    parser.add_argument("--period", type=whole(0), metavar="T", help="count at this period (default: the horizon)")
    parser.add_argument(
        "--share", type=share, metavar="S", help="instead: minimise the mean periods until this share (80%% or 0.8)"
    )
    parser.add_argument(
        "--method", choices=("auto", "percolation", "ris"), default="auto",
        help="peer plans: sampled networks, or reverse-influence sampling (auto: RIS for a period or a large network)",
    )  # fmt: skip
    parser.add_argument(
        "--epsilon", type=slack, default=0.5, metavar="E", help="peer plans, RIS: within 1 - 1/e - E (default 0.5)"
    )
    parser.add_argument(
        "--workers", type=positive, metavar="N", help="processes each placement's replicates share (default: 1)"
    )
    parser.add_argument("--replicates", type=positive, default=200, metavar="N", help="per placement (default 200)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    parser.set_defaults(run=run)


def share(text: str) -> float:
    """A share written as 80% or 0.8."""
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share (80% or 0.8)") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a share is above 0 and at most 100%")
    return value


def slack(text: str) -> float:
    """RIS's epsilon: a number between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1")
    return value


def run(args: argparse.Namespace) -> int:
    from tipframe.reach.placement import place_seeds
    from tipframe.reach.scenario import PlanError

    bundle = read_documents([args.plan, *args.bundle], beside=args.plan)
    plan = document_at(bundle, args.plan, (CascadePlan, PeerPlan), "a CascadePlan or PeerPlan")
    if isinstance(plan, PeerPlan):
        return _peer(args, plan, bundle)
    size = plan.tiers[0].facilitators
    if args.seeds % size:
        return fail("place", f"--seeds {args.seeds} is not a whole number of teams of {size} (the plan's facilitators)")
    if args.share is not None and args.period is not None:
        return fail("place", "--share and --period are two objectives: give one")
    try:
        with progress_bar("placements", args.quiet) as show, contextlib.ExitStack() as stack:
            executor = None
            if (args.workers or 1) > 1:
                executor = stack.enter_context(concurrent.futures.ProcessPoolExecutor(max_workers=args.workers))
            result = place_seeds(plan, args.seeds, measure=args.measure, period=args.period, share=args.share,
                                 bundle=bundle, replicates=args.replicates, seed=args.seed, executor=executor,
                                 progress=show)  # fmt: skip
    except KeyError as error:
        return fail("place", str(error.args[0]) if error.args else str(error), INVALID)
    except (PlanError, ValueError) as error:
        return fail("place", str(error), INVALID)
    sys.stdout.write(result.describe())
    return OK


def _peer(args: argparse.Namespace, plan: PeerPlan, bundle: Bundle) -> int:
    """Seed people for a peer plan (q = 1): greedy over sampled networks or reverse-reachable sets."""
    from tipframe.reach.peer import StaffGraph
    from tipframe.reach.peer_placement import place_peer_seeds

    if plan.q != 1:
        return fail(
            "place", f"peer plan {plan.id!r} has q = {plan.q:g}: placement is for q = 1 (the independent cascade)"
        )
    workforce = bundle.get(plan.workforce, Workforce)
    try:
        graph = StaffGraph.from_workforce(workforce, bundle.folder(workforce))
        result = place_peer_seeds(graph, args.seeds, plan.p, samples=args.replicates, seed=args.seed,
                                  method=args.method, period=args.period, epsilon=args.epsilon)  # fmt: skip
    except ValueError as error:
        return fail("place", str(error), INVALID)
    except MemoryError as error:
        return fail("place", str(error))
    sys.stdout.write(result.describe(graph.people))
    return OK
