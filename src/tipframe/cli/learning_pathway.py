"""``tipframe reach`` for a plan that follows another: a learning pathway, its stages simulated as one rollout."""

from __future__ import annotations

import argparse
import contextlib
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from tipframe.cli.common import OK, UNUSABLE, fail, read_documents, wrote
from tipframe.cli.recurring import pool
from tipframe.io.files import write_csv
from tipframe.model import CascadePlan, LevelScale, Programme, Workforce
from tipframe.progress import terminal_progress

#: options of ``tipframe reach`` that a pathway does not take yet
_NOT_FOR_PATHWAYS = ("projection", "json", "graph", "rerun", "workforce")


def run_pathway(args: argparse.Namespace, plan: CascadePlan, stop: Callable[[Any], None]) -> int:
    """Simulate the pathway ``plan`` ends and print who holds each level, then each stage's summary."""
    from tipframe.reach.learning_pathway import pathway_plans, simulate_learning_pathway
    from tipframe.reach.measures import Estimate, describe_summary, summarise_reach

    given = [f"--{name}" for name in _NOT_FOR_PATHWAYS if getattr(args, name)]
    if given:
        return fail("reach", f"{', '.join(given)}: not for a learning pathway (a plan that follows another) yet",
                    UNUSABLE)  # fmt: skip
    bundle = read_documents([args.plan, *args.bundle], beside=args.plan)
    chain = pathway_plans(plan, lambda name: bundle.get(name, CascadePlan))
    workforce = bundle.get(plan.workforce, Workforce)
    if workforce.levels is None:
        raise KeyError(f"workforce {workforce.id!r} names no level scale: a pathway needs one")
    programmes = [bundle.get(p.programme, Programme) for p in chain]
    scale = bundle.get(workforce.levels, LevelScale)
    show = not args.quiet and args.replicates >= 200
    with contextlib.ExitStack() as stack:
        executor, _ = pool(args, stack, stop, least=100)
        result = simulate_learning_pathway(
            chain, workforce, programmes, scale, replicates=args.replicates, seed=args.seed, executor=executor,
            progress=terminal_progress("simulating") if show else None, memory_limit=args.memory_limit,
            backend=args.backend,
        )  # fmt: skip
    horizon = plan.horizon
    stages = ", then ".join(f"{p.id} ({level})" for p, level in zip(chain, result.levels, strict=True))
    print(textwrap.fill(f"Learning pathway of {len(chain)} stages: {stages}", 96))
    print(textwrap.fill(f"Staff whose role needs each level and who hold it: at the start, and by "
                        f"{plan.period_label(horizon)} the median over replicates with its 90% interval, then the "
                        "mean ± its Monte Carlo s.e.", 96))  # fmt: skip
    held = result.at_level(horizon)
    for k, (level, needing) in enumerate(zip(result.levels, result.needing(), strict=True)):
        e = Estimate.of(held[:, k])
        share = f" ({e.median / needing:.1%})" if needing else ""
        print(f"  {level:<12} {needing:,} need it; {result.holding[k]:,} held it at the start; by then "
              f"{e.median:,.0f}{share}")  # fmt: skip
        error = f"{e.mcse:,.0f}" if e.mcse >= 10 else f"{e.mcse:.2g}"
        print(f"  {'':<12} (90% interval {e.low:,.0f} to {e.high:,.0f}); mean {e.mean:,.1f} ± {error}")
    for k, stage in enumerate(result.stages):
        text = (f"Stage {k + 1} of {len(chain)}, to {result.levels[k]}: its eligible staff are those whose role "
                "needs the level and who lacked it at the start; a later stage's people arrive as the stage before "
                "it trains them.")  # fmt: skip
        print("\n" + textwrap.fill(text, 96))
        sys.stdout.write(describe_summary(summarise_reach(stage), stage, threshold=args.threshold))
    if args.csv:
        write_csv(args.csv, _rows(result, plan))
        wrote(args.csv, "a row a period and level, CSV")
    return OK


def _rows(result: Any, plan: CascadePlan) -> list[dict[str, Any]]:
    """Each period and level: staff who need it, and who hold it (median, interval, mean, Monte Carlo s.e.)."""
    from tipframe.reach.measures import Estimate

    rows = []
    needing = result.needing()
    for t in range(plan.horizon + 1):
        held = result.at_level(t)
        for k, level in enumerate(result.levels):
            row: dict[str, Any] = {"period": t, "date": plan.period_date(t) if plan.start is not None else ""}
            row |= {"level": level, "needing": needing[k], **Estimate.of(held[:, k]).columns("holding")}
            rows.append(row)
    return rows
