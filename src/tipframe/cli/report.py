"""``tipframe report``: one self-contained HTML page about documents, with pictures."""

from __future__ import annotations

import argparse
import sys

from tipframe.bundle import read_bundle
from tipframe.cli.common import OK, UNUSABLE, add_bundle, fail, plural, positive, print_problems, seed
from tipframe.io.files import write_atomic
from tipframe.privacy import DEFAULT_THRESHOLD
from tipframe.report.content import gather_report


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help="write one self-contained HTML page about documents, with pictures",
        description=(
            "Write one HTML page (pictures embedded, nothing fetched) summarising each document with its findings: "
            "a programme's principle coverage, a rollout plan's modelled reach, a referral network's weak points."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="FILE", help="the documents to report on (files, folders, builtin:ID)"
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    add_bundle(parser, "files or folders they refer to")
    parser.add_argument("--replicates", type=positive, default=200, metavar="N", help="replicates for plans (200)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--title", help="the page's title")
    parser.add_argument(
        "--threshold",
        type=positive,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help=f"observed counts of people below N are suppressed (default {DEFAULT_THRESHOLD})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from tipframe.report.page import render_report
    except ImportError as error:  # pragma: no cover - matplotlib is an extra
        return fail("report", str(error))
    reported, problems = read_bundle(args.paths)
    unreadable = [p for p in problems if p.layer != "bundle"]  # references are judged with --bundle below
    if unreadable:
        return print_problems(unreadable, sys.stderr)
    bundle, problems = read_bundle([*args.paths, *args.bundle])
    if problems:
        return print_problems(problems, sys.stderr)
    documents = list(reported)
    if not documents:
        return fail("report", "no documents found", UNUSABLE)
    content = gather_report(documents, bundle, replicates=args.replicates, seed=args.seed)
    try:
        page = render_report(content, title=args.title, threshold=args.threshold)
    except ImportError as error:
        return fail("report", str(error))
    write_atomic(args.output, page)
    print(f"wrote {args.output} ({plural(len(documents), 'document')})", file=sys.stderr)
    return OK
