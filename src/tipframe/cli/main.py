"""The parser that gathers every command, and the entry point that turns every failure into an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from tipframe.cli import (
    calibrate,
    check,
    completion,
    needs,
    network,
    place,
    plan,
    reach,
    report,
    schema,
    show,
    validate,
)
from tipframe.cli.common import OK, UNUSABLE, Parser, print_problems
from tipframe.io.problems import DocumentError
from tipframe.version import __version__

#: the command modules, in the order ``tipframe --help`` lists them; each adds its own parsers
COMMANDS = (validate, show, schema, check, reach, calibrate, plan, place, needs, network, report, completion)


def build_parser() -> argparse.ArgumentParser:
    """The ``tipframe`` argument parser, with every command's subparser."""
    parser = Parser(
        prog="tipframe",
        description="Model trauma-informed practice: frameworks, practice levels, programmes and organisations.",
        epilog="Exit codes: 0 success, 1 invalid document or error finding, 2 wrong usage or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"tipframe {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add(commands)
    parser.set_defaults(root=parser)  # for tipframe completion, which describes the whole parser
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 success; 1 an invalid document or a finding at error level; 2 wrong usage or input
        that cannot be read; 130 interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "run", None) is None:
            parser.print_help(sys.stderr)
            return UNUSABLE
        code: int = args.run(args)
        return code
    except DocumentError as error:
        return print_problems(error.problems, sys.stderr)
    except MemoryError as error:
        print(f"tipframe: {out_of_memory(error)}", file=sys.stderr)
        return UNUSABLE
    except KeyboardInterrupt:
        print("tipframe: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``tipframe show ... | head``): nothing more to say.
        sys.stderr.close()
        return OK
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"tipframe: {where}{error.strerror or error}", file=sys.stderr)
        return UNUSABLE


def out_of_memory(error: MemoryError) -> str:
    """What to say when memory ran out: the engines' own message names the estimate and the limit."""
    resources = sys.modules.get("tipframe.reach.resources")  # loaded when an engine ran; never loaded for this
    if resources is not None and isinstance(error, resources.MemoryExhaustedError):
        return str(error)
    detail = f" ({error})" if str(error) else ""
    return (
        f"out of memory{detail}: the work needs more memory than this machine or process can give; try a smaller "
        "run (fewer replicates, a shorter horizon, a smaller input), or --memory-limit GIB where the command has "
        "it, to be told before it starts"
    )


def run() -> NoReturn:
    """Entry point of the ``tipframe`` console script."""
    try:
        code = main()
    except MemoryError as error:  # raised outside a command (while reading its arguments)
        print(f"tipframe: {out_of_memory(error)}", file=sys.stderr)
        code = UNUSABLE
    except Exception as error:  # the last guard: a bug must still not print a traceback
        print(f"tipframe: internal error: {type(error).__name__}: {error} (please report this)", file=sys.stderr)
        code = UNUSABLE
    sys.exit(code)
