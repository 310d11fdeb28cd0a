"""``tipframe show``: a document summarised for people."""

from __future__ import annotations

import argparse
import sys

from tipframe.bundle import read_bundle
from tipframe.cli.common import OK, UNUSABLE, add_bundle, add_threshold, fail, print_problems
from tipframe.io.documents import BUILTIN_PREFIX, load_located
from tipframe.io.problems import DocumentError
from tipframe.model import Crosswalk, Framework, Programme
from tipframe.report.text import summarise


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "show",
        help="summarise a document for people",
        description=(
            "Summarise a document: schedule, contact hours, facilitation and principle coverage for a programme. "
            "Observed counts of people (delivery records, workforce headcounts) below the threshold are suppressed; "
            "control characters in the document are shown escaped."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="a file, or builtin:ID")
    add_bundle(parser)
    parser.add_argument(
        "--crosswalk",
        action="append",
        default=[],
        metavar="REF",
        help="also show principle coverage through this crosswalk (builtin:nttp-samhsa)",
    )
    add_threshold(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        loaded = load_located(args.path)
    except DocumentError as error:
        return print_problems(error.problems, sys.stderr)
    bundle, problems = read_bundle([args.path, *args.bundle, *args.crosswalk])
    if problems and (args.bundle or args.crosswalk):
        return print_problems(problems, sys.stderr)
    crosswalks = []
    document = loaded.document
    for ref in args.crosswalk:
        crosswalk = load_located(ref, kind=Crosswalk).document
        if not isinstance(crosswalk, Crosswalk):  # load_located checked the kind
            return UNUSABLE
        if isinstance(document, Programme) and document.framework is not None:
            source = bundle.get(crosswalk.source, Framework)
            if document.framework.removeprefix(BUILTIN_PREFIX) != source.id:
                return fail("show", f"{ref} maps from {crosswalk.source}, not from {document.framework}")
        crosswalks.append((crosswalk, bundle.get(crosswalk.target, Framework)))
    sys.stdout.write(summarise(document, bundle, crosswalks=crosswalks, threshold=args.threshold))
    return OK
