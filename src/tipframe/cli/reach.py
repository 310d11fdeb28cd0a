"""``tipframe reach``: simulate or project a train-the-trainer rollout, save it, rerun it."""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import sys
import textwrap
import threading
from typing import cast

from tipframe.cli.common import (
    INVALID,
    OK,
    UNUSABLE,
    add_bundle,
    add_memory_limit,
    add_threshold,
    fail,
    positive,
    read_documents,
    seed,
    whole,
    wrote,
)
from tipframe.cli.learning_pathway import run_pathway
from tipframe.cli.recurring import pool, rerun_peer, rerun_recurring, run_peer, run_recurring
from tipframe.io.documents import dump, load_located
from tipframe.io.files import write_csv
from tipframe.io.problems import DocumentError, Problem
from tipframe.model import (
    CascadePlan,
    Document,
    PeerPlan,
    PeerResult,
    Programme,
    ReachResult,
    RecurringPlan,
    RecurringResult,
    Workforce,
)
from tipframe.privacy import suppression_note
from tipframe.progress import terminal_progress


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "reach",
        help="simulate a train-the-trainer rollout or a recurring format and summarise its reach",
        description=(
            "Simulate a cascade plan (default: the built-in Help the Helpers rollout) and print reach, time to "
            "reach, adoption, maintenance and depth; a recurring plan (clinics, reflective groups) and print "
            "meetings, cases discussed and practitioners supported; or a peer plan and print the people a practice "
            "reaches from colleague to colleague: each the median across replicates with its 90% interval, and the "
            "mean with its Monte Carlo standard error."
        ),
    )
    parser.add_argument("plan", nargs="?", default="builtin:help-the-helpers-rollout", metavar="PLAN")
    parser.add_argument("--workforce", metavar="FILE", help="the workforce (default: the one the plan names)")
    add_bundle(parser, "files or folders the plan refers to")
    parser.add_argument("--replicates", type=positive, default=1000, metavar="N", help="replicates (default 1000)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--projection", action="store_true", help="the expected-value projection instead")
    parser.add_argument(
        "--draws",
        type=positive,
        metavar="N",
        help="with --projection: draws of the plan's distributions (default 100; one when it has none)",
    )
    parser.add_argument(
        "--check",
        type=whole(0),
        metavar="N",
        help="with --projection: runs of the short simulation it is checked against (default 200; 0: none)",
    )
    parser.add_argument(
        "--workers", type=positive, metavar="N", help="processes to run replicates in (default: the cores, up to 8)"
    )
    parser.add_argument(
        "--backend",
        choices=("compiled", "reference"),
        default="compiled",
        help="the simulation's implementation: compiled (numba, the default) or reference (numpy); they agree in "
        "distribution",
    )
    parser.add_argument("--json", metavar="OUT", help="save the result (a ReachResult document) as JSON")
    parser.add_argument(
        "--csv",
        metavar="OUT",
        help="save per period the median, 90%% interval, mean and Monte Carlo s.e. of trained and reach as CSV",
    )
    parser.add_argument(
        "--graph", metavar="OUT", help="save who trained whom in replicate 0 (.graphml, .gexf or node-link .json)"
    )
    parser.add_argument("--rerun", metavar="FILE", help="rerun a saved result and check it reproduces bit for bit")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_threshold(parser)  # for the eligible staff it prints; --json and --csv keep every count
    add_memory_limit(parser)
    parser.set_defaults(run=run)


def _one_of(name: str, kinds: tuple[type[Document], ...]) -> Document:
    """The document in ``name`` when it is of one of ``kinds``; otherwise a problem naming the kind found."""
    document = load_located(name).document
    if not isinstance(document, kinds):
        wanted = ", ".join(k.KIND for k in kinds[:-1]) + f" or {kinds[-1].KIND}"
        message = f"expected a {wanted} document, found {document.KIND}"
        raise DocumentError([Problem(message=message, layer="schema", file=name)])
    return document


def _documents(args: argparse.Namespace, plan: CascadePlan) -> tuple[CascadePlan, Workforce, Programme]:
    paths = [args.plan, *([args.workforce] if args.workforce else []), *args.bundle]
    bundle = read_documents(paths, beside=args.plan)
    workforce = (
        load_located(args.workforce, kind=Workforce).document
        if args.workforce
        else bundle.get(plan.workforce, Workforce)
    )
    if not isinstance(workforce, Workforce):
        raise TypeError(f"{args.workforce} is not a workforce")
    return plan, workforce, bundle.get(plan.programme, Programme)


def _simulate(args: argparse.Namespace, cascade: CascadePlan) -> ReachResult:
    from tipframe.reach import project_reach, simulate_reach

    plan, workforce, programme = _documents(args, cascade)
    if args.projection:
        return project_reach(
            plan,
            workforce,
            programme,
            draws=args.draws,
            seed=args.seed,
            check=200 if args.check is None else args.check,
            memory_limit=args.memory_limit,
        )
    show = not args.quiet and args.replicates >= 200
    with contextlib.ExitStack() as stack:
        executor, workers = pool(args, stack, _stop, least=100)
        return simulate_reach(
            plan,
            workforce,
            programme,
            replicates=args.replicates,
            seed=args.seed,
            executor=executor,
            chunks=4 * workers,
            progress=terminal_progress("simulating") if show else None,
            memory_limit=args.memory_limit,
            backend=args.backend,
        )


def _stop(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """Give the workers back at once (on Ctrl-C too): cancel what has not started, end what has.

    A worker interrupted goes on to the pieces already queued for it, and the process could not
    exit before they finish; by the time this runs, every result wanted has been gathered. The
    pool's own thread is waited for (a few seconds at most) with its one spurious error silenced:
    on Python 3.11, a pool broken while its futures are being cancelled (Ctrl-C reaches the
    workers too) reports that it could not fail a cancelled future."""
    processes = list((getattr(executor, "_processes", None) or {}).values())  # shutdown forgets them
    manager = getattr(executor, "_executor_manager_thread", None)
    previous = threading.excepthook

    def quiet(args: threading.ExceptHookArgs) -> None:
        if not isinstance(args.exc_value, concurrent.futures.InvalidStateError):
            previous(args)

    threading.excepthook = quiet
    try:
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        if manager is not None:
            manager.join(timeout=5)
    finally:
        threading.excepthook = previous


def _save(args: argparse.Namespace, result: ReachResult) -> None:

    if args.json:
        dump(result, args.json, format="json")
        wrote(args.json, "the result, JSON")
    if args.graph:
        from tipframe.graphs import dissemination_graph, write_graph

        write_graph(dissemination_graph(result), args.graph)
        wrote(args.graph, "who trained whom in replicate 0")
    if args.csv:
        from tipframe.reach.costs import rows_with_costs

        write_csv(args.csv, rows_with_costs(result))  # with prices: each period's cost beside its series
        wrote(args.csv, "a row a period, CSV")


def _usage_problem(args: argparse.Namespace) -> str | None:
    if not args.projection and (args.draws is not None or args.check is not None):
        return "--draws and --check go with --projection"
    if args.graph and args.projection:
        return "--graph needs a simulation; a projection follows expected numbers, not people"
    if args.graph and os.path.splitext(args.graph)[1].lower() not in (".graphml", ".gexf", ".json"):
        return "--graph writes .graphml, .gexf or .json files"
    return None


def run(args: argparse.Namespace) -> int:
    from tipframe.reach import PlanError
    from tipframe.reach.costs import costs_text
    from tipframe.reach.limits import ResourceLimitError
    from tipframe.reach.measures import describe_summary, summarise_reach

    problem = _usage_problem(args)
    if problem is not None:
        return fail("reach", problem)
    try:
        if args.rerun:
            saved = _one_of(args.rerun, (ReachResult, RecurringResult, PeerResult))
            beside = os.path.dirname(args.rerun) or "."  # where a staff network file is looked for
            if isinstance(saved, RecurringResult):
                return rerun_recurring(saved, args.memory_limit, beside)
            if isinstance(saved, PeerResult):
                return rerun_peer(saved, args.memory_limit, beside)
            return _rerun(cast(ReachResult, saved), args.memory_limit)  # the kind left
        plan = _one_of(args.plan, (CascadePlan, RecurringPlan, PeerPlan))
        if isinstance(plan, RecurringPlan):
            return run_recurring(args, plan, _stop)
        if isinstance(plan, PeerPlan):
            return run_peer(args, plan, _stop)
        if cast(CascadePlan, plan).follows is not None:
            return run_pathway(args, cast(CascadePlan, plan), _stop)
        result = _simulate(args, cast(CascadePlan, plan))  # the kind left
    except ResourceLimitError as error:
        return fail("reach", str(error), UNUSABLE)
    except (PlanError, KeyError) as error:
        return fail("reach", str(error).strip('"'), INVALID)
    summary = summarise_reach(result)
    sys.stdout.write(describe_summary(summary, result, threshold=args.threshold))
    costs = costs_text(result)
    if costs is not None:
        sys.stdout.write("\n" + costs)
    if 0 < summary.eligible < args.threshold:
        print("\n" + textwrap.fill(suppression_note(args.threshold), 96))
    _save(args, result)
    return OK


def _rerun(saved: ReachResult, memory_limit: int | None) -> int:
    from tipframe.reach import rerun

    again = rerun(saved, memory_limit=memory_limit)
    for library, was, now in again.changed_versions():
        print(f"note: the result was made with {library} {was}; this is {library} {now}, so numbers may differ",
              file=sys.stderr)  # fmt: skip
    if not again.reproduced:
        return fail("reach", f"not reproduced: {', '.join(again.different)} differ", INVALID)
    print(f"reproduced bit for bit: {saved.replicates:,} replicates, seed {saved.seed}")
    return OK
