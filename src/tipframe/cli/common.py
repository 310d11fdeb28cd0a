"""What every command shares: exit codes, printing problems, and argument types."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, NoReturn, TextIO

from tipframe.bundle import Bundle, read_bundle
from tipframe.io.problems import DocumentError, Problem
from tipframe.model.fields import ID_PATTERN
from tipframe.model.kinds import KINDS

#: the exit codes of every command
OK: Final = 0
INVALID: Final = 1
UNUSABLE: Final = 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with 2, as every tipframe usage error does."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(UNUSABLE, f"{self.prog}: error: {message}\n")


def exit_code(problems: Sequence[Problem]) -> int:
    """0 with no problems; 2 when some input could not be read at all; else 1 (an invalid document)."""
    if not problems:
        return OK
    return UNUSABLE if any(p.layer == "read" for p in problems) else INVALID


def in_order(problems: Sequence[Problem]) -> list[Problem]:
    """Problems by file, line and column."""
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))


def print_problems(problems: Sequence[Problem], stream: TextIO) -> int:
    """Print each problem as ``file:line:col: layer error: path: message``; returns the exit code."""
    for problem in in_order(problems):
        where = f"{problem.where}: " if problem.path else ""
        print(f"{problem.location}: {problem.layer} error: {where}{problem.message}", file=stream)
    return exit_code(problems)


def problems_json(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """Problems as JSON-ready dicts, in order."""
    return [
        {"file": p.file, "line": p.line, "column": p.column, "path": p.where, "layer": p.layer, "message": p.message}
        for p in in_order(problems)
    ]


def print_json(payload: object) -> None:
    print(json.dumps(payload, indent=2, ensure_ascii=False))


def read_documents(paths: Sequence[str], beside: str | None = None) -> Bundle:
    """The bundle of ``paths`` (files, folders, builtin:ID); raises `DocumentError` with every problem found.

    When only references are unresolved and ``beside`` is a file, the documents in its folder are
    looked in too (a plan's workforce and programme usually lie beside it); the problems found
    without them are reported if that does not resolve every one."""
    bundle, problems = read_bundle(paths)
    if problems and beside is not None and os.path.isfile(beside) and all(p.layer == "bundle" for p in problems):
        again, still = read_bundle([*paths, os.path.dirname(beside) or "."])
        if not still:
            return again
    if problems:
        raise DocumentError(problems)
    return bundle


def document_at(bundle: Bundle, file: str, kinds: type[Any] | tuple[type[Any], ...], expected: str) -> Any:
    """The document read from ``file`` (a path given on the command line), which must be of ``kinds``; else a
    `DocumentError` saying ``expected`` (``a CascadePlan``) at that file."""
    found = next((entry.document for entry in bundle.entries if entry.file == file), None)
    if not isinstance(found, kinds):
        raise DocumentError([Problem(message=f"expected {expected}", layer="schema", file=file)])
    return found


@contextlib.contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar at a terminal (None when quiet or off a terminal) whose line is ended if the work stops
    before it is done, so that an error starts on a line of its own."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tipframe.progress import terminal_progress

    draw, open_line = terminal_progress(label), [False]

    def show(done: int, total: int) -> None:
        draw(done, total)
        open_line[0] = done < total

    try:
        yield show
    finally:
        if open_line[0]:
            print(file=sys.stderr)


def wrote(path: str, what: str) -> None:
    """Say on standard error what a command wrote, and where: ``wrote out.json (the result, JSON)``."""
    print(f"wrote {path} ({what})", file=sys.stderr)


def fail(command: str, message: str, code: int = UNUSABLE) -> int:
    """Say what went wrong on standard error, as ``tipframe COMMAND: message``; returns ``code``."""
    print(f"tipframe {command}: {message}", file=sys.stderr)
    return code


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def whole(minimum: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


positive = whole(1)
seed = whole(0)


def gibibytes(text: str) -> int:
    """An argument type: a positive, finite number of GiB (``--memory-limit 2.5``), returned in bytes."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of GiB, not {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value * 2**30 < 1:
        raise argparse.ArgumentTypeError(f"must be a positive, finite number of GiB, not {text!r}")
    return int(value * 2**30)


def identifier(text: str) -> str:
    """An argument type: a document id."""
    if not re.fullmatch(ID_PATTERN, text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (lower-case letters, digits and '-', from a letter)")
    return text


def kind(name: str) -> str:
    """An argument type: a document kind, in any case, with or without dashes."""
    wanted = name.replace("-", "").replace("_", "").lower()
    for known in KINDS:
        if known.lower() == wanted:
            return known
    raise argparse.ArgumentTypeError(f"unknown kind {name!r}: one of {', '.join(KINDS)}")


def codes(text: str) -> list[str]:
    """An argument type: comma-separated rule codes."""
    return [part.strip() for part in text.split(",") if part.strip()]


def add_bundle(parser: argparse.ArgumentParser, help: str = "other files or folders its references point to") -> None:
    parser.add_argument("--bundle", nargs="*", default=[], metavar="PATH", help=help)


def add_memory_limit(parser: argparse.ArgumentParser) -> None:
    """``--memory-limit GIB``: refuse a run whose estimate is larger, before it starts."""
    parser.add_argument(
        "--memory-limit",
        type=gibibytes,
        metavar="GIB",
        help=(
            "refuse runs estimated to need more than this many GiB (default: half the machine's memory, or less "
            "where the process or its cgroup is limited, less what is in use)"
        ),
    )


def add_threshold(parser: argparse.ArgumentParser) -> None:
    """``--threshold N``: the disclosure-control rule of a command that prints observed counts of people."""
    from tipframe.privacy import DEFAULT_THRESHOLD

    parser.add_argument(
        "--threshold",
        type=positive,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help=f"suppress observed counts of people from 1 to N-1 (default {DEFAULT_THRESHOLD}; 1 shows them all)",
    )


@contextlib.contextmanager
def terminable() -> Iterator[None]:
    """While writing files, turn SIGTERM into `SystemExit` (143) so that writes undo and clean up as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler; a host's threads keep theirs
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
