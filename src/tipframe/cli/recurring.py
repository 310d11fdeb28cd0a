"""``tipframe reach`` for a recurring plan or a peer plan: simulate it, summarise it, save it, rerun it."""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tipframe.cli.common import INVALID, OK, document_at, fail, read_documents, wrote
from tipframe.io.arrays import to_numpy
from tipframe.io.documents import dump
from tipframe.io.files import write_csv
from tipframe.model import PeerPlan, PeerResult, Programme, RecurringPlan, RecurringResult, Workforce
from tipframe.model.recurring import RECURRING_SERIES
from tipframe.progress import terminal_progress

#: options of ``tipframe reach`` that only a cascade plan takes
CASCADE_ONLY = {"projection": "--projection", "draws": "--draws", "check": "--check", "graph": "--graph"}
#: how the command gives a pool's workers back (`tipframe.cli.reach._stop`)
Stop = Callable[[concurrent.futures.ProcessPoolExecutor], None]


def usage_problem(args: argparse.Namespace, kind: str = "a recurring plan") -> str | None:
    """Why the options cannot go with a recurring (or peer) plan, or None."""
    for name, option in CASCADE_ONLY.items():
        if getattr(args, name, None):
            return f"{option} goes with a cascade plan, not {kind}"
    if args.backend != "compiled" and kind == "a recurring plan":
        return "--backend goes with a cascade or peer plan: a recurring plan has one implementation"
    return None


def _read(args: argparse.Namespace, workforce: str) -> tuple[Any, Workforce]:
    """The bundle the options name, and the workforce to run over (see `_workforce`)."""
    bundle = read_documents([args.plan, *([args.workforce] if args.workforce else []), *args.bundle], beside=args.plan)
    return bundle, _workforce(args, bundle, workforce)


def _workforce(args: argparse.Namespace, bundle: Any, ref: str) -> Workforce:
    """The workforce ``--workforce`` gives (the engine then says if the plan names another), else the plan's."""
    if args.workforce:
        given: Workforce = document_at(bundle, args.workforce, Workforce, "a Workforce document")
        return given
    found: Workforce = bundle.get(ref, Workforce)
    return found


def pool(
    args: argparse.Namespace, stack: contextlib.ExitStack, stop: Stop, least: int = 200
) -> tuple[concurrent.futures.ProcessPoolExecutor | None, int]:
    """A pool of the workers the options ask for (given back by ``stop`` when ``stack`` closes), or None for a
    run of fewer than ``least`` replicates (not worth sharing); and the number of workers."""
    workers = args.workers or min(8, os.cpu_count() or 1)
    if workers <= 1 or args.replicates < least:
        return None, workers
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
    stack.callback(stop, executor)
    return executor, workers


def _save(args: argparse.Namespace, result: Any, rows: Callable[[Any], list[dict[str, Any]]]) -> None:
    """Write the result (``--json``) and its per-period table (``--csv``) when asked."""
    if args.json:
        dump(result, args.json, format="json")
        wrote(args.json, "the result, JSON")
    if args.csv:
        write_csv(args.csv, rows(result))
        wrote(args.csv, "a row a period, CSV")


def _reproduced(saved: Any, again: Any, names: tuple[str, ...]) -> int:
    """Compare a saved result's arrays ``names`` with a run made again, and say so (noting another numpy)."""
    if saved.numpy_version != np.__version__:
        print(
            f"note: the result was made with numpy {saved.numpy_version}; this is numpy {np.__version__}, so numbers "
            "may differ",
            file=sys.stderr,
        )
    different = [n for n in names if not np.array_equal(to_numpy(getattr(saved, n)), to_numpy(getattr(again, n)))]
    if different:
        return fail("reach", f"not reproduced: {', '.join(different)} differ", INVALID)  # as for a cascade
    print(f"reproduced bit for bit: {saved.replicates:,} replicates, seed {saved.seed}")
    return OK


def run_recurring(args: argparse.Namespace, plan: RecurringPlan, stop: Stop) -> int:
    """Simulate ``plan`` as the options say, print its summary and save what was asked for.

    ``stop`` is the cascade command's way of giving workers back (`tipframe.cli.reach._stop`).
    """
    from tipframe.reach.recurring import simulate_recurring
    from tipframe.reach.recurring_measures import describe_recurring, recurring_rows, summarise_recurring

    problem = usage_problem(args)
    if problem is not None:
        return fail("reach", problem)
    bundle, workforce = _read(args, plan.workforce)
    programme = bundle.get(plan.programme, Programme)
    with contextlib.ExitStack() as stack:
        executor, workers = pool(args, stack, stop)
        show = not args.quiet and args.replicates >= 200
        result = simulate_recurring(
            plan, workforce, programme, replicates=args.replicates, seed=args.seed, executor=executor,
            chunks=4 * workers, progress=terminal_progress("simulating") if show else None,
            memory_limit=args.memory_limit, base=bundle.folder(workforce),
        )  # fmt: skip
    sys.stdout.write(describe_recurring(summarise_recurring(result), result))
    _save(args, result, recurring_rows)
    return OK


def rerun_recurring(saved: RecurringResult, memory_limit: int | None, base: str = ".") -> int:
    """Run a saved recurring result again and check that every series comes out the same (a staff network
    file is looked for in ``base``, the saved result's folder)."""
    from tipframe.reach.recurring import simulate_recurring

    again = simulate_recurring(
        saved.plan, saved.workforce, saved.programme, replicates=saved.replicates, seed=saved.seed,
        memory_limit=memory_limit, base=base,
    )  # fmt: skip
    return _reproduced(saved, again, RECURRING_SERIES)


def run_peer(args: argparse.Namespace, plan: PeerPlan, stop: Stop) -> int:
    """Run a peer uptake plan as the options say, print its summary and save what was asked for."""
    from tipframe.reach.peer_plan import describe_peer, peer_rows, simulate_peer_plan, summarise_peer

    problem = usage_problem(args, "a peer plan")
    if problem is not None:
        return fail("reach", problem)
    bundle, workforce = _read(args, plan.workforce)
    with contextlib.ExitStack() as stack:
        executor, workers = pool(args, stack, stop)
        result = simulate_peer_plan(
            plan, workforce, replicates=args.replicates, seed=args.seed, base=bundle.folder(workforce),
            backend=args.backend, executor=executor, chunks=4 * workers if executor is not None else None,
            memory_limit=args.memory_limit,
        )  # fmt: skip
    sys.stdout.write(describe_peer(summarise_peer(result), result))
    _save(args, result, peer_rows)
    return OK


def rerun_peer(saved: PeerResult, memory_limit: int | None, base: str = ".") -> int:
    """Run a saved peer result again and check that it comes out the same (a staff network file is looked for
    in ``base``, the saved result's folder)."""
    from tipframe.reach.peer_plan import simulate_peer_plan

    again = simulate_peer_plan(
        saved.plan, saved.workforce, replicates=saved.replicates, seed=saved.seed, backend=saved.backend,
        memory_limit=memory_limit, base=base,
    )  # fmt: skip
    return _reproduced(saved, again, ("trained",))
