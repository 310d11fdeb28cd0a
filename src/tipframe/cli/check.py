"""``tipframe check`` and ``tipframe rules``: documents reviewed against the practice rules, like a linter."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable

from tipframe.bundle import read_bundle
from tipframe.checks import RULE_FAILED, CheckOptions, Finding, Findings, Registry, Severity, check
from tipframe.checks.formats import github, junit, sarif
from tipframe.checks.lint import ConfigError, LintConfig, fails, find_config, read_config, suppress
from tipframe.checks.rules import FAMILIES
from tipframe.cli.common import (
    INVALID,
    OK,
    codes,
    exit_code,
    fail,
    plural,
    print_json,
    print_problems,
    problems_json,
)
from tipframe.io.files import read_text
from tipframe.io.problems import Problem
from tipframe.version import __version__


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="review documents against practice rules (like a linter)",
        description=(
            "Review programme designs and other documents against trauma-informed practice rules. Prints "
            "file:line:col: CODE severity message; exits 1 when any finding is an error (--fail-on sets the level, "
            "--exit-zero never fails). A comment '# tipframe: ignore[TIP205]' on a finding's line, or alone on the "
            "line above, suppresses it; [tool.tipframe] in the nearest pyproject.toml sets select, ignore, "
            "per-file-ignores and rule parameters."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or builtin:ID")
    parser.add_argument("--select", type=codes, metavar="CODES", help="only these codes or prefixes (TIP1,TIP205)")
    parser.add_argument("--ignore", type=codes, metavar="CODES", help="skip these codes or prefixes")
    parser.add_argument("--format", choices=("text", "json", "github", "sarif", "junit"), default="text",
                        help="text, json, github (workflow annotations), sarif (2.1.0) or junit")  # fmt: skip
    parser.add_argument("--hints", action="store_true", help="print each finding's hint and source")
    failing = parser.add_mutually_exclusive_group()
    failing.add_argument("--exit-zero", action="store_true", help="exit 0 whatever the findings")
    failing.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                         help="exit 1 when a finding is at this level or worse (default error)")  # fmt: skip
    parser.add_argument("--statistics", action="store_true", help="also count the findings by rule")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (auto: at a terminal, unless NO_COLOR is set)")  # fmt: skip
    parser.add_argument(
        "--private-names", metavar="FILE", help="a file of names (one a line) that must never appear in a document"
    )
    parser.add_argument(
        "--as-of", type=_day, metavar="DATE", help="judge observed counts' dates against this day (default today)"
    )
    parser.set_defaults(run=run)
    rules = commands.add_parser("rules", help="list the practice rules", description="List every practice rule.")
    rules.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    rules.set_defaults(run=run_rules)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day such as 2026-04-01") from None


def _private_names(path: str | None) -> tuple[str, ...]:
    if path is None:
        return ()
    lines = (line.strip() for line in read_text(path).splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def _unmatched(codes: Iterable[str], registry: Registry) -> str | None:
    """The first of ``codes`` (codes, prefixes or names) that no rule matches, or None."""
    known = {r.code for r in registry} | {r.name for r in registry} | {RULE_FAILED}
    return next((c for c in codes if not any(k.startswith(c.upper()) or k == c for k in known)), None)


def _unknown_selection(args: argparse.Namespace, registry: Registry) -> int | None:
    if args.select is not None and not args.select:
        return fail("check", "--select needs at least one code; see tipframe rules")
    given = _unmatched([*(args.select or []), *(args.ignore or [])], registry)
    if given is not None:
        return fail("check", f"no rule matches {given!r}; see tipframe rules")
    return None


_COLOURS = {"error": "31", "warning": "33", "info": "36"}


def _coloured(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _print_findings(findings: Findings, documents: int, hints: bool, colour: bool = False) -> None:
    for finding in findings:
        text = str(finding)
        if colour:
            level = finding.severity.value
            text = text.replace(f" {level} ", f" \033[{_COLOURS[level]}m{level}\033[0m ", 1)
        print(text)
        if hints and finding.hint:
            print(f"    hint: {finding.hint}")
        if hints and finding.citation:
            print(f"    source: {finding.citation}")
    many = {"error": "errors", "warning": "warnings", "info": "info"}
    summary = ", ".join(plural(n, s, many[s]) for s, n in findings.counts().items())
    print(f"{plural(documents, 'document')} checked: {summary}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    registry = Registry.default()
    refused = _unknown_selection(args, registry)
    if refused is not None:
        return refused
    bundle, problems = read_bundle(args.paths)
    # References are judged by the rules; only documents that cannot be read stop the check.
    unreadable = [p for p in problems if p.layer != "bundle"]
    if not unreadable and len(bundle) == 0:
        unreadable = [Problem(message="no documents found", layer="read", file=" ".join(args.paths))]
    if unreadable:
        if args.format == "json":
            print_json({"findings": [], "problems": problems_json(unreadable)})
            return exit_code(unreadable)
        code = print_problems(unreadable, sys.stdout if args.format == "text" else sys.stderr)
        if args.format != "text":  # a CI report (github, sarif, junit) still comes, the problems its results
            _report(args, Findings([_as_finding(p) for p in unreadable]), registry, 0)
        print("documents could not be read: fix these, then check again", file=sys.stderr)
        return code
    try:
        config = _config(args.paths)
    except ConfigError as error:
        return fail("check", str(error))
    unknown = _unknown_codes(config, registry)
    if unknown is not None:
        return fail("check", unknown)
    # The library keeps no clock: the command line is where "today" comes from.
    as_of = args.as_of if args.as_of is not None else dt.date.today()
    options = CheckOptions(private_names=_private_names(args.private_names), as_of=as_of, **config.options)
    select = args.select if args.select is not None else config.select
    findings = check(bundle, registry, select=select, ignore=[*config.ignore, *(args.ignore or [])], options=options)
    findings = Findings([f for f in findings if not _per_file(config, f)])
    findings, _ = suppress(findings, read_text)
    _report(args, findings, registry, len(bundle))
    if args.exit_zero:
        return OK
    return INVALID if fails(findings, args.fail_on) else OK


def _as_finding(problem: Problem) -> Finding:
    """A document that cannot be read, as a CI report's result: an error named by its layer (``schema-error``)."""
    return Finding(code=f"{problem.layer}-error", severity=Severity.ERROR, message=problem.message,
                   where=problem.where, file=problem.file, line=problem.line, column=problem.column)  # fmt: skip


def _unknown_codes(config: LintConfig, registry: Registry) -> str | None:
    """What is wrong with the configuration's codes (a code no rule has), or None."""
    given = [*(config.select or []), *config.ignore, *(c for _, codes in config.per_file_ignores for c in codes)]
    code = _unmatched(given, registry)
    if code is None:
        return None
    return f"{config.file}: [tool.tipframe] names {code!r}, which no rule matches; see tipframe rules"


def _config(paths: list[str]) -> LintConfig:
    found = find_config(paths)
    return read_config(found) if found is not None else LintConfig()


def _per_file(config: LintConfig, finding: Finding) -> bool:
    """Whether ``per-file-ignores`` drops this finding."""
    return bool(finding.file) and any(finding.code.startswith(c) for c in config.ignored_in(finding.file or ""))


def _report(args: argparse.Namespace, findings: Findings, registry: Registry, documents: int) -> None:
    if args.format == "json":
        print_json({"findings": findings.to_dicts(), "counts": findings.counts()})
    elif args.format == "github":
        sys.stdout.write(github(findings))
    elif args.format == "sarif":
        sys.stdout.write(sarif(findings, registry, __version__))
    elif args.format == "junit":
        sys.stdout.write(junit(findings, documents))
    else:
        _print_findings(findings, documents, args.hints, _coloured(args))
    if args.statistics:
        names = {r.code: r.name for r in registry}
        counts: dict[str, int] = {}
        for finding in findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        stream = sys.stderr if args.format != "text" else sys.stdout
        for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"{count:>5}  {code}  {names.get(code, '')}", file=stream)


def run_rules(args: argparse.Namespace) -> int:
    registry = Registry.default()
    if args.format == "json":
        print_json(
            [
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
        )
        return OK
    family = ""
    for r in registry:
        if r.family != family:
            family = r.family
            print(f"{family}xx  {FAMILIES.get(family, ('Other rules', None))[0]}")
        print(f"  {r.code}  {r.severity.value:<8} {r.name:<42} {r.summary}")
    return OK
