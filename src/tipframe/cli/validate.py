"""``tipframe validate``: syntax, types, schema and the references between documents."""

from __future__ import annotations

import argparse
import sys

from tipframe.bundle import read_bundle
from tipframe.cli.common import OK, exit_code, plural, print_json, print_problems, problems_json
from tipframe.io.problems import Problem


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "validate",
        help="check documents: syntax, types, schema and references between them",
        description=(
            "Check documents and the references between them; every problem is reported with its file and line. "
            "Folders are walked without leaving them: a link that leads outside the folder, or round in a loop, "
            "is reported and not followed."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or builtin:ID")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    bundle, problems = read_bundle(args.paths)
    if not problems and len(bundle) == 0:
        message = "no documents found (looked for *.yaml, *.yml and *.json)"
        problems = [Problem(message=message, layer="read", file=" ".join(args.paths))]
    if args.format == "json":
        print_json(
            {
                "valid": not problems,
                "documents": [{"kind": d.KIND, "id": d.id} for d in bundle],
                "problems": problems_json(problems),
            }
        )
        return exit_code(problems)
    if problems:
        code = print_problems(problems, sys.stdout)
        print(f"{plural(len(problems), 'problem')} found", file=sys.stderr)
        return code
    print(f"ok: {plural(len(bundle), 'document')} valid")
    return OK
