"""``tipframe plan``: the cheapest setting of a plan's levers that meets a reach target with a required probability."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

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
    wrote,
)
from tipframe.io.files import write_atomic
from tipframe.io.problems import DocumentError
from tipframe.model import CascadePlan, IsoDate


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "plan",
        help="find the cheapest setting of a plan's levers that meets a reach target",
        description=(
            "Find the cheapest setting of a cascade plan's levers (seed trainers, cohort size, ...) whose chance of "
            "meeting a target (a share of eligible staff reached or trained by a date or period) has a lower 95% "
            "bound of at least the required probability; every setting runs the same replicates. Cheapest: the "
            "lowest mean cost where the plan gives costs, else the fewest seed trainers. An unreachable target is "
            "an answer (exit 0), with the best achievable."
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="a cascade plan: a file, or builtin:ID")
    add_bundle(parser, "files or folders the plan refers to")
    parser.add_argument("--target", required=True, metavar="SHARE@WHEN",
                        help="such as 80%%@2027-03 (a date: the plan needs a start) or 0.8@52 (a period)")  # fmt: skip
    parser.add_argument("--probability", type=float, default=0.9, metavar="P", help="required chance (default 0.9)")
    parser.add_argument("--measure", choices=("reach", "trained"), default="reach", help="what is counted")
    parser.add_argument("--lever", action="append", default=[], metavar="NAME=VALUES", required=True,
                        help="seeds=1..20, seeds.ORG=0..4, or a field: tiers[0].cohort_size=8,10,12")  # fmt: skip
    parser.add_argument("--replicates", type=positive, default=400, metavar="N", help="per setting (default 400)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--json", metavar="OUT", help="save every setting tried as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    parser.set_defaults(run=run)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def parse_lever(text: str) -> tuple[str, tuple[Any, ...]]:
    """``seeds=1..20`` or ``tiers[0].cohort_size=8,10,12``: a lever's name and values.

    Parameters
    ----------
    text
        As written after ``--lever``.

    Returns
    -------
    tuple of (str, tuple)

    Raises
    ------
    ValueError
        Saying what is wrong with it.
    """
    name, sep, values = text.partition("=")
    if not sep or not name or not values:
        raise ValueError(f"--lever {text!r}: write NAME=VALUES, such as seeds=1..20 or tiers[0].cohort_size=8,12")
    span = re.fullmatch(r"(\d+)\.\.(\d+)", values)
    try:
        found = tuple(range(int(span[1]), int(span[2]) + 1)) if span else tuple(_number(v) for v in values.split(","))
    except ValueError:
        raise ValueError(f"--lever {text!r}: values are numbers, a list (8,10,12) or a range (1..20)") from None
    if not found:
        raise ValueError(f"--lever {text!r}: the range is empty")
    return name.strip(), found


def parse_target(text: str, plan: CascadePlan) -> tuple[float, int]:
    """``80%@2027-03`` or ``0.8@52``: the share and the period.

    Parameters
    ----------
    text
        As written after ``--target``.
    plan
        The plan (its start dates a period).

    Returns
    -------
    tuple of (float, int)

    Raises
    ------
    ValueError
        Saying what is wrong with it.
    """
    share_text, sep, when = text.partition("@")
    usage = f"--target {text!r}: write SHARE@WHEN, such as 80%@2027-03 or 0.8@52"
    try:
        share = float(share_text.rstrip("%")) / (100 if share_text.endswith("%") else 1)
    except ValueError:
        raise ValueError(usage) from None
    if not sep:
        raise ValueError(usage)
    if not 0 < share <= 1:
        raise ValueError(f"--target {text!r}: a share is above 0 and at most 100% (80% or 0.8)")
    if when.isdigit():
        return share, int(when)
    try:
        date = IsoDate.parse(when)
    except ValueError:
        raise ValueError(f"--target {text!r}: {when!r} is neither a period number nor an ISO date") from None
    if plan.start is None:
        raise ValueError(f"plan {plan.id!r} has no start date: give the target's period as a number (0.8@52)")
    return share, plan.period_at(date)


def run(args: argparse.Namespace) -> int:
    from tipframe.reach.scenario import PlanError
    from tipframe.reach.targets import Lever, Target, fewest_replicates, plan_for_target

    bundle = read_documents([args.plan, *args.bundle], beside=args.plan)
    plan: CascadePlan = document_at(bundle, args.plan, CascadePlan, "a CascadePlan")
    try:
        share, period = parse_target(args.target, plan)
        levers = [Lever(*parse_lever(text)) for text in args.lever]
    except ValueError as error:
        return fail("plan", str(error))
    target = Target(share=share, period=period, probability=args.probability, measure=args.measure)
    if not 0 < args.probability < 1:
        return fail("plan", f"--probability is between 0 and 1, not {args.probability:g}")
    if args.replicates < fewest_replicates(args.probability):
        least = fewest_replicates(args.probability)
        return fail("plan", f"--replicates {args.replicates} cannot show a probability of {args.probability:g}: "
                    f"use at least {least}")  # fmt: skip
    try:
        with progress_bar("settings", args.quiet) as show:
            result = plan_for_target(plan, target, levers, bundle=bundle, replicates=args.replicates,
                                     seed=args.seed, progress=show)  # fmt: skip
    except KeyError as error:
        return fail("plan", str(error.args[0]) if error.args else str(error), INVALID)
    except (PlanError, ValueError, DocumentError) as error:
        message = "; ".join(p.message for p in error.problems) if isinstance(error, DocumentError) else str(error)
        return fail("plan", message, INVALID)
    sys.stdout.write(result.describe())
    if args.json:
        write_atomic(args.json, json.dumps(result.to_data(), indent=2) + "\n")
        wrote(args.json, "every setting tried, JSON")
    return OK
