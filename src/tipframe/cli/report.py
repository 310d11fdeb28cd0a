"""``tipframe report``: one self-contained HTML page about documents, with pictures."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tipframe.bundle import read_bundle
from tipframe.cli.common import OK, UNUSABLE, add_bundle, add_threshold, fail, plural, positive, print_problems, seed
from tipframe.io.files import write_atomic
from tipframe.progress import terminal_progress
from tipframe.report.content import gather_report


def _date(text: str) -> dt.date:
    """An argument type: an ISO date, or ``today``."""
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2025-03-31, or today, not {text!r}") from None


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
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_threshold(parser)
    parser.add_argument(
        "--date",
        type=_date,
        metavar="DATE",
        help="say the page was made on DATE (YYYY-MM-DD, or today); by default no date, so the same inputs "
        "give the same page",
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
    show = None if args.quiet else terminal_progress("simulating plans")
    content = gather_report(documents, bundle, replicates=args.replicates, seed=args.seed, progress=show)
    try:
        page = render_report(content, title=args.title, threshold=args.threshold, date=args.date)
    except ImportError as error:
        return fail("report", str(error))
    write_atomic(args.output, page)
    print(f"wrote {args.output} ({plural(len(documents), 'document')})", file=sys.stderr)
    return OK
