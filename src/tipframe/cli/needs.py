"""``tipframe needs``: a training needs analysis of a workforce."""

from __future__ import annotations

import argparse
import sys

from tipframe.cli.common import INVALID, OK, add_bundle, add_threshold, document_at, fail, read_documents, wrote
from tipframe.model import Workforce


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "needs",
        help="who lacks the practice level their role needs, and what closing the gap takes",
        description=(
            "A training needs analysis: per role (or per organisation and role), the staff below the level their "
            "role needs (from the roles' levels_held, observed counts), the levels on the way, the programmes in "
            "scope that bring people to each, and the contact hours, cohorts and cost it takes. Counts are ranges "
            "where levels are not recorded or counts are suppressed; small observed counts are suppressed."
        ),
    )
    parser.add_argument("workforce", metavar="WORKFORCE", help="a workforce: a file, or builtin:ID")
    add_bundle(parser, "files or folders with the level scale and the programmes")
    parser.add_argument("--organisations", action="store_true", help="one block an organisation and role")
    parser.add_argument("--csv", metavar="OUT", help="save a row an organisation, role and level as CSV")
    add_threshold(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tipframe.io.files import write_csv
    from tipframe.needs import needs_rows, training_needs

    bundle = read_documents([args.workforce, *args.bundle])
    workforce = document_at(bundle, args.workforce, Workforce, "a Workforce")
    try:
        result = training_needs(workforce, bundle)
    except KeyError as error:
        return fail("needs", str(error.args[0]) if error.args else str(error), INVALID)
    except ValueError as error:
        return fail("needs", str(error), INVALID)
    sys.stdout.write(result.describe(args.threshold, organisations=args.organisations))
    if args.csv:
        write_csv(args.csv, needs_rows(result, args.threshold))
        wrote(args.csv, "a row an organisation, role and level, CSV")
    return OK
