"""The ``tipframe`` command.

Exit codes, for every command: 0 success; 1 an invalid document (syntax, type, schema or
reference) or a finding at error level; 2 wrong usage, or input that cannot be read at all
(missing, no permission, not UTF-8, over a size limit). No command prints a Python traceback.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from tipframe.bundle import read_bundle
from tipframe.checks import RULE_FAILED, CheckOptions, Registry, check
from tipframe.checks.rules import FAMILIES
from tipframe.io.documents import BUILTIN_PREFIX, builtins, dump, dumps, load_located, schema_filename
from tipframe.io.files import read_text, write_atomic
from tipframe.io.problems import DocumentError, Problem
from tipframe.model import CascadePlan, Crosswalk, Engine, Framework, Programme, ReachResult, Workforce
from tipframe.model.kinds import KINDS
from tipframe.privacy import DEFAULT_THRESHOLD
from tipframe.report.text import summarise
from tipframe.schema import json_schema
from tipframe.version import __version__

OK, INVALID, UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(UNUSABLE, f"{self.prog}: error: {message}\n")


def _format_problem(problem: Problem) -> str:
    where = f"{problem.where}: " if problem.path else ""
    return f"{problem.location}: {problem.layer} error: {where}{problem.message}"


def _sorted(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))


def _report(problems: Sequence[Problem], stream: TextIO) -> int:
    for problem in _sorted(problems):
        print(_format_problem(problem), file=stream)
    return UNUSABLE if any(p.layer == "read" for p in problems) else INVALID


def _problem_dict(p: Problem) -> dict[str, object]:
    return {"file": p.file, "line": p.line, "column": p.column, "path": p.where, "layer": p.layer, "message": p.message}


def _validate(args: argparse.Namespace) -> int:
    bundle, problems = read_bundle(args.paths)
    if not problems and len(bundle) == 0:
        problems = [
            Problem(
                message="no documents found (looked for *.yaml, *.yml and *.json)",
                layer="read",
                file=" ".join(args.paths),
            )
        ]
    if args.format == "json":
        payload = {
            "valid": not problems,
            "documents": [{"kind": d.KIND, "id": d.id} for d in bundle],
            "problems": [_problem_dict(p) for p in _sorted(problems)],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        if not problems:
            return OK
        return UNUSABLE if any(p.layer == "read" for p in problems) else INVALID
    if problems:
        code = _report(problems, sys.stdout)
        count = len(problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return code
    count = len(bundle)
    print(f"ok: {count} document{'s' if count != 1 else ''} valid")
    return OK


def _show(args: argparse.Namespace) -> int:
    try:
        loaded = load_located(args.path)
    except DocumentError as error:
        return _report(error.problems, sys.stderr)
    bundle, problems = read_bundle([args.path, *args.bundle, *args.crosswalk])
    if problems and (args.bundle or args.crosswalk):
        return _report(problems, sys.stderr)
    crosswalks = []
    for ref in args.crosswalk:
        crosswalk = load_located(ref, kind=Crosswalk).document
        assert isinstance(crosswalk, Crosswalk)
        document = loaded.document
        if isinstance(document, Programme) and document.framework is not None:
            source = bundle.get(crosswalk.source, Framework)
            if document.framework.removeprefix(BUILTIN_PREFIX) != source.id:
                print(
                    f"tipframe show: {ref} maps from {crosswalk.source}, not from {document.framework}", file=sys.stderr
                )
                return UNUSABLE
        crosswalks.append((crosswalk, bundle.get(crosswalk.target, Framework)))
    sys.stdout.write(summarise(loaded.document, bundle, crosswalks=crosswalks))
    return OK


def _private_names(path: str | None) -> tuple[str, ...]:
    if path is None:
        return ()
    text = read_text(path)
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def _check(args: argparse.Namespace) -> int:
    registry = Registry.default()
    known = {r.code for r in registry} | {r.name for r in registry} | {RULE_FAILED}
    if args.select is not None and not args.select:
        print("tipframe check: --select needs at least one code; see tipframe rules", file=sys.stderr)
        return UNUSABLE
    for given in [*(args.select or []), *(args.ignore or [])]:
        if not any(k.startswith(given.upper()) or k == given for k in known):
            print(f"tipframe check: no rule matches {given!r}; see tipframe rules", file=sys.stderr)
            return UNUSABLE
    bundle, problems = read_bundle(args.paths)
    unreadable = [p for p in problems if p.layer != "bundle"]
    if not unreadable and len(bundle) == 0:
        unreadable = [Problem(message="no documents found", layer="read", file=" ".join(args.paths))]
    if unreadable:
        if args.format == "json":
            print(json.dumps({"findings": [], "problems": [_problem_dict(p) for p in _sorted(unreadable)]}, indent=2))
            return UNUSABLE if any(p.layer == "read" for p in unreadable) else INVALID
        code = _report(unreadable, sys.stdout)
        print("documents could not be read: fix these, then check again", file=sys.stderr)
        return code
    options = CheckOptions(private_names=_private_names(args.private_names))
    findings = check(bundle, registry, select=args.select, ignore=args.ignore, options=options)
    counts = findings.counts()
    if args.format == "json":
        print(json.dumps({"findings": findings.to_dicts(), "counts": counts}, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding)
            if args.hints:
                if finding.hint:
                    print(f"    hint: {finding.hint}")
                if finding.citation:
                    print(f"    source: {finding.citation}")
        words = {"error": "errors", "warning": "warnings", "info": "info"}
        summary = ", ".join(f"{n} {s if n == 1 else words[s]}" for s, n in counts.items())
        print(f"{len(bundle)} documents checked: {summary}", file=sys.stderr)
    return INVALID if findings.has_errors else OK


def _network(args: argparse.Namespace) -> int:
    from tipframe.model import ReferralNetwork
    from tipframe.network import referral_graph, write_graph

    loaded = load_located(args.path, kind=ReferralNetwork)
    network = loaded.document
    assert isinstance(network, ReferralNetwork)
    bundle, problems = read_bundle([args.path, *args.bundle])
    if problems:
        return _report(problems, sys.stderr)
    if args.export is not None:
        if args.output is None:
            print("tipframe network: --export needs -o/--output FILE", file=sys.stderr)
            return UNUSABLE
        if args.export.startswith("hsds-"):
            from tipframe.network.hsds import hsds_from_network, write_hsds

            written = write_hsds(hsds_from_network(network), args.output, args.export.removeprefix("hsds-"))
            print(f"wrote {len(written)} file(s): {', '.join(written)}", file=sys.stderr)
            return OK
        write_graph(referral_graph(network), args.output, args.export)
        print(f"wrote {args.output} ({args.export})", file=sys.stderr)
        return OK
    sys.stdout.write(summarise(network, bundle))
    findings = check(bundle, Registry.default(), select=["TIP7"])
    ours = [f for f in findings if f.document == f"{network.KIND} {network.id}"]
    if ours:
        print()
        for finding in ours:
            print(finding)
    return INVALID if any(f.severity.value == "error" for f in ours) else OK


def _report_page(args: argparse.Namespace) -> int:
    try:
        from tipframe.report.page import render_report
    except ImportError as error:  # pragma: no cover - matplotlib is an extra
        print(f"tipframe report: {error}", file=sys.stderr)
        return UNUSABLE
    reported, problems = read_bundle(args.paths)
    unreadable = [p for p in problems if p.layer != "bundle"]  # references are judged with --bundle below
    if unreadable:
        return _report(unreadable, sys.stderr)
    bundle, problems = read_bundle([*args.paths, *args.bundle])
    if problems:
        return _report(problems, sys.stderr)
    documents = list(reported)
    if not documents:
        print("tipframe report: no documents found", file=sys.stderr)
        return UNUSABLE
    try:
        page = render_report(
            documents, bundle, replicates=args.replicates, seed=args.seed, title=args.title, threshold=args.threshold
        )
    except ImportError as error:
        print(f"tipframe report: {error}", file=sys.stderr)
        return UNUSABLE
    write_atomic(args.output, page)
    print(f"wrote {args.output} ({len(documents)} document{'s' if len(documents) != 1 else ''})", file=sys.stderr)
    return OK


def _import_hsds(args: argparse.Namespace) -> int:
    from tipframe.network.hsds import network_from_hsds, read_hsds

    directory = read_hsds(args.path)
    network = network_from_hsds(directory, network_id=args.id, name=args.name, file=args.path)
    if args.levels is not None:
        import attrs

        network = attrs.evolve(network, levels=args.levels)
    if args.output is None:
        sys.stdout.write(dumps(network, "yaml"))
    else:
        dump(network, args.output)
        print(
            f"wrote {args.output}: {len(network.organisations)} organisations, {len(network.services)} services; "
            "add support levels, pathways and entry points",
            file=sys.stderr,
        )
    return OK


def _reach_documents(args: argparse.Namespace) -> tuple[CascadePlan, Workforce, Programme]:
    plan_loaded = load_located(args.plan, kind=CascadePlan)
    plan = plan_loaded.document
    assert isinstance(plan, CascadePlan)
    paths = [args.plan, *([args.workforce] if args.workforce else []), *args.bundle]
    bundle, problems = read_bundle(paths)
    if problems:
        raise DocumentError(problems)
    workforce = (
        bundle.get(plan.workforce, Workforce)
        if not args.workforce
        else load_located(args.workforce, kind=Workforce).document
    )
    assert isinstance(workforce, Workforce)
    programme = bundle.get(plan.programme, Programme)
    return plan, workforce, programme


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rsimulating: {done:,} of {total:,} replicates")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _reach(args: argparse.Namespace) -> int:
    from tipframe.reach import MemoryLimitError, PlanError, project_reach, simulate_reach
    from tipframe.reach.measures import describe_summary, series_rows, summarise_reach

    if args.graph and args.projection:
        print(
            "tipframe reach: --graph needs a simulation; a projection follows expected numbers, not people",
            file=sys.stderr,
        )
        return UNUSABLE
    if args.graph and os.path.splitext(args.graph)[1].lower() not in (".graphml", ".gexf", ".json"):
        print("tipframe reach: --graph writes .graphml, .gexf or .json files", file=sys.stderr)
        return UNUSABLE
    try:
        if args.rerun:
            saved = load_located(args.rerun, kind=ReachResult).document
            assert isinstance(saved, ReachResult)
            return _rerun(saved)
        plan, workforce, programme = _reach_documents(args)
        if args.projection:
            result = project_reach(plan, workforce, programme)
        else:
            show = sys.stderr.isatty() and not args.quiet and args.replicates >= 200
            workers = args.workers or min(8, os.cpu_count() or 1)
            with contextlib.ExitStack() as stack:
                executor = None
                if workers > 1 and args.replicates >= 100:
                    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
                    # On Ctrl-C, give the workers back at once rather than wait for their work.
                    stack.callback(executor.shutdown, wait=False, cancel_futures=True)
                result = simulate_reach(
                    plan,
                    workforce,
                    programme,
                    replicates=args.replicates,
                    seed=args.seed,
                    executor=executor,
                    progress=_progress if show else None,
                    memory_limit=int(args.memory_limit * 2**30) if args.memory_limit else None,
                )
    except MemoryLimitError as error:
        print(f"tipframe reach: {error}", file=sys.stderr)
        return UNUSABLE
    except (PlanError, KeyError) as error:
        print(f"tipframe reach: {str(error).strip(chr(34))}", file=sys.stderr)
        return INVALID
    sys.stdout.write(describe_summary(summarise_reach(result), result))
    if args.json:
        dump(result, args.json, format="json")
    if args.graph:
        from tipframe.graphs import dissemination_graph, write_graph

        write_graph(dissemination_graph(result), args.graph)
    if args.csv:
        rows = series_rows(result)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(args.csv, buffer.getvalue())
    return OK


def _rerun(saved: ReachResult) -> int:
    from tipframe.reach import project_reach, simulate_reach

    if saved.engine is Engine.PROJECTION:
        again = project_reach(saved.plan, saved.workforce, saved.programme)
    else:
        keep = [log.replicate for log in saved.events]
        again = simulate_reach(
            saved.plan,
            saved.workforce,
            saved.programme,
            replicates=saved.replicates,
            seed=saved.seed or 0,
            keep_events=keep,
        )
    import numpy

    if saved.numpy_version != numpy.__version__:
        print(
            f"note: the result was made with numpy {saved.numpy_version}; this is numpy {numpy.__version__}, "
            "so numbers may differ",
            file=sys.stderr,
        )
    fields = ["trained", "by_generation", "by_organisation", "trainers", "cohorts_started", "maintenance"]
    different = [f for f in fields if getattr(saved, f) != getattr(again, f)]
    if saved.events != again.events:
        different.append("events")
    if different:
        print(f"not reproduced: {', '.join(different)} differ", file=sys.stderr)
        return INVALID
    print(f"reproduced bit for bit: {saved.replicates:,} replicates, seed {saved.seed}")
    return OK


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _rules(args: argparse.Namespace) -> int:
    registry = Registry.default()
    if args.format == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "rationale": r.rationale,
                "citation": r.citation,
                "kinds": [k.KIND or "any" for k in r.kinds],
            }
            for r in registry
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return OK
    family = ""
    for r in registry:
        if r.family != family:
            family = r.family
            title = FAMILIES.get(family, ("Other rules", None))[0]
            print(f"{family}xx  {title}")
        print(f"  {r.code}  {r.severity.value:<8} {r.name:<42} {r.summary}")
    return OK


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


_positive = _whole(1)
_seed = _whole(0)


def _identifier(text: str) -> str:
    import re

    from tipframe.model.fields import ID_PATTERN

    if not re.fullmatch(ID_PATTERN, text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (lower-case letters, digits and '-', from a letter)")
    return text


def _kind(name: str) -> str:
    wanted = name.replace("-", "").replace("_", "").lower()
    for kind in KINDS:
        if kind.lower() == wanted:
            return kind
    raise argparse.ArgumentTypeError(f"unknown kind {name!r}: one of {', '.join(KINDS)}")


def _schema(args: argparse.Namespace) -> int:
    if args.all:
        os.makedirs(args.all, exist_ok=True)
        for kind in KINDS:
            path = os.path.join(args.all, schema_filename(kind))
            write_atomic(path, json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n")
            print(path)
        return OK
    if args.kind is None:
        print("tipframe schema: name a kind (" + ", ".join(KINDS) + ") or use --all DIR", file=sys.stderr)
        return UNUSABLE
    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return OK


def _builtins(args: argparse.Namespace) -> int:
    for document_id, loaded in builtins().items():
        print(f"{BUILTIN_PREFIX + document_id:<34} {loaded.document.KIND:<13} {loaded.document.name}")
    return OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tipframe",
        description="Model trauma-informed practice: frameworks, practice levels, programmes and organisations.",
        epilog="Exit codes: 0 success, 1 invalid document or error finding, 2 wrong usage or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"tipframe {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    validate = commands.add_parser(
        "validate",
        help="check documents: syntax, types, schema and references between them",
        description=(
            "Check documents and the references between them; every problem is reported with its file and line."
        ),
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or builtin:ID")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    validate.set_defaults(run=_validate)

    show = commands.add_parser(
        "show",
        help="summarise a document for people",
        description=(
            "Summarise a document: schedule, contact hours, facilitation and principle coverage for a programme."
        ),
    )
    show.add_argument("path", metavar="PATH", help="a file, or builtin:ID")
    show.add_argument(
        "--bundle", nargs="*", default=[], metavar="PATH", help="other files or folders its references point to"
    )
    show.add_argument(
        "--crosswalk",
        action="append",
        default=[],
        metavar="REF",
        help="also show principle coverage through this crosswalk (builtin:nttp-samhsa)",
    )
    show.set_defaults(run=_show)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a document kind",
        description="Print the JSON Schema (2020-12) of a document kind.",
    )
    schema.add_argument("kind", nargs="?", type=_kind, help=", ".join(KINDS))
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of printing")
    schema.add_argument("--all", metavar="DIR", help="write every kind's schema into DIR")
    schema.set_defaults(run=_schema)

    checking = commands.add_parser(
        "check",
        help="review documents against practice rules (like a linter)",
        description=(
            "Review programme designs and other documents against trauma-informed practice rules. Prints "
            "file:line:col: CODE severity message; exits 1 when any finding is an error."
        ),
    )
    checking.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or builtin:ID")
    checking.add_argument("--select", type=_split, metavar="CODES", help="only these codes or prefixes (TIP1,TIP205)")
    checking.add_argument("--ignore", type=_split, metavar="CODES", help="skip these codes or prefixes")
    checking.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    checking.add_argument("--hints", action="store_true", help="print each finding's hint and source")
    checking.add_argument(
        "--private-names", metavar="FILE", help="a file of names (one a line) that must never appear in a document"
    )
    checking.set_defaults(run=_check)

    reach = commands.add_parser(
        "reach",
        help="simulate a train-the-trainer rollout and summarise its reach",
        description=(
            "Simulate a cascade plan (default: the built-in Help the Helpers rollout) and print reach, time to "
            "reach, adoption, maintenance and depth, with 90% intervals across replicates."
        ),
    )
    reach.add_argument("plan", nargs="?", default="builtin:help-the-helpers-rollout", metavar="PLAN")
    reach.add_argument("--workforce", metavar="FILE", help="the workforce (default: the one the plan names)")
    reach.add_argument("--bundle", nargs="*", default=[], metavar="PATH", help="files or folders the plan refers to")
    reach.add_argument("--replicates", type=_positive, default=1000, metavar="N", help="replicates (default 1000)")
    reach.add_argument("--seed", type=_seed, default=0, metavar="S", help="random seed (default 0)")
    reach.add_argument("--projection", action="store_true", help="the expected-value projection instead")
    reach.add_argument(
        "--workers", type=_positive, metavar="N", help="processes to run replicates in (default: the cores, up to 8)"
    )
    reach.add_argument("--json", metavar="OUT", help="save the result (a ReachResult document) as JSON")
    reach.add_argument("--csv", metavar="OUT", help="save per-period means and intervals as CSV")
    reach.add_argument(
        "--graph", metavar="OUT", help="save who trained whom in replicate 0 (.graphml, .gexf or node-link .json)"
    )
    reach.add_argument("--rerun", metavar="FILE", help="rerun a saved result and check it reproduces bit for bit")
    reach.add_argument("--quiet", action="store_true", help="no progress bar")
    reach.add_argument(
        "--memory-limit",
        type=float,
        metavar="GIB",
        help="refuse runs estimated to need more than this many GiB (default: half the machine's memory)",
    )
    reach.set_defaults(run=_reach)

    network = commands.add_parser(
        "network",
        help="analyse a referral network: routes, weak points, capacity and staff levels",
        description=(
            "Summarise a referral network with its analyses (routes from each entry point to specialist support, "
            "single points of failure, dead ends, capacity, staff below the level they need) and its findings; "
            "or export it for Gephi."
        ),
    )
    network.add_argument("path", metavar="FILE", help="a ReferralNetwork document")
    network.add_argument("--bundle", nargs="*", default=[], metavar="PATH", help="files or folders it refers to")
    network.add_argument(
        "--export",
        choices=("graphml", "gexf", "hsds-json", "hsds-csv"),
        help="write it instead: a graph for Gephi, or an Open Referral directory (JSON, or a CSV package in a folder)",
    )
    network.add_argument("-o", "--output", metavar="FILE", help="where --export writes (a folder for hsds-csv)")
    network.set_defaults(run=_network)

    page = commands.add_parser(
        "report",
        help="write one self-contained HTML page about documents, with pictures",
        description=(
            "Write one HTML page (pictures embedded, nothing fetched) summarising each document with its findings: "
            "a programme's principle coverage, a rollout plan's modelled reach, a referral network's weak points."
        ),
    )
    page.add_argument(
        "paths", nargs="+", metavar="FILE", help="the documents to report on (files, folders, builtin:ID)"
    )
    page.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    page.add_argument("--bundle", nargs="*", default=[], metavar="PATH", help="files or folders they refer to")
    page.add_argument("--replicates", type=_positive, default=200, metavar="N", help="replicates for plans (200)")
    page.add_argument("--seed", type=_seed, default=0, metavar="S", help="random seed (default 0)")
    page.add_argument("--title", help="the page's title")
    page.add_argument(
        "--threshold",
        type=_positive,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help="observed counts of people below N are suppressed (default 5)",
    )
    page.set_defaults(run=_report_page)

    hsds = commands.add_parser(
        "import-hsds",
        help="turn an Open Referral (HSDS 3.0) directory into a referral network",
        description=(
            "Read an Open Referral HSDS 3.0 directory (a JSON file, or a tabular data package: its datapackage.json "
            "or its folder) and write a ReferralNetwork document of its organisations and services, each keeping "
            "its HSDS record, ready for support levels, pathways and entry points to be added."
        ),
    )
    hsds.add_argument("path", metavar="PATH", help="HSDS JSON, a datapackage.json, or a folder holding one")
    hsds.add_argument("-o", "--output", metavar="FILE", help="write the network here (default: print it)")
    hsds.add_argument("--id", type=_identifier, default="directory", help="the network's id (default directory)")
    hsds.add_argument("--name", default="Imported directory", help="the network's name")
    hsds.add_argument("--levels", metavar="REF", help="its level scale, such as builtin:nes-levels")
    hsds.set_defaults(run=_import_hsds)

    rules = commands.add_parser("rules", help="list the practice rules", description="List every practice rule.")
    rules.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    rules.set_defaults(run=_rules)

    listing = commands.add_parser(
        "builtins", help="list the built-in documents", description="List the documents shipped with tipframe."
    )
    listing.set_defaults(run=_builtins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "run", None) is None:
            parser.print_help(sys.stderr)
            return UNUSABLE
        code: int = args.run(args)
        return code
    except DocumentError as error:
        return _report(error.problems, sys.stderr)
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


def run() -> NoReturn:
    """Entry point of the ``tipframe`` console script."""
    try:
        code = main()
    except Exception as error:  # the last guard: a bug must still not print a traceback
        print(f"tipframe: internal error: {type(error).__name__}: {error} (please report this)", file=sys.stderr)
        code = UNUSABLE
    sys.exit(code)
