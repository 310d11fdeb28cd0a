"""Findings in the formats continuous integration reads: GitHub workflow annotations, SARIF 2.1.0 for code
scanning, and JUnit XML for test reports."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from tipframe.checks.findings import Finding, Severity
from tipframe.checks.rule import Rule

__all__ = ["github", "junit", "sarif"]

_GITHUB: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github(findings: Iterable[Finding]) -> str:
    """One workflow command a finding (``::error file=...,line=...::message``), as GitHub Actions annotates.

    Parameters
    ----------
    findings
        The findings.

    Returns
    -------
    str
    """
    lines = []
    for f in findings:
        props = [f"title={_property(f.code)}"]
        if f.file:
            props.insert(0, f"file={_property(f.file)}")
        if f.line:
            props.insert(1 if f.file else 0, f"line={f.line}")
        if f.line and f.column:
            props.insert(2 if f.file else 1, f"col={f.column}")
        where = f" [{f.where}]" if f.where else ""
        lines.append(f"::{_GITHUB[f.severity]} {','.join(props)}::{_data(f.message + where)}")
    return "".join(line + "\n" for line in lines)


def _uri(file: str) -> str:
    """A URI reference: relative to the working folder, percent-encoded, or a file: URI outside it; a built-in
    document's name (``builtin:nttp``) is a URI already."""
    if file.startswith("builtin:"):
        return file
    path = Path(file)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        relative = ".."
    if relative.startswith(".."):
        return path.resolve().as_uri()
    return quote(relative.replace(os.sep, "/"))


def sarif(findings: Sequence[Finding], rules: Iterable[Rule], version: str) -> str:
    """The findings as a SARIF 2.1.0 log: one run of the tool ``tipframe``, its rules, and a result a finding.

    Parameters
    ----------
    findings
        The findings.
    rules
        The rules that ran (their codes, names, summaries and levels describe the results).
    version
        tipframe's version.

    Returns
    -------
    str
        JSON text.
    """
    described = list(rules)
    index = {r.code: i for i, r in enumerate(described)}
    results: list[dict[str, Any]] = []
    for f in findings:
        result: dict[str, Any] = {"ruleId": f.code, "level": _SARIF[f.severity], "message": {"text": f.message}}
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.file:
            region = {"startLine": f.line} if f.line else {}
            if f.line and f.column:
                region["startColumn"] = f.column
            location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}}}
            if region:
                location["physicalLocation"]["region"] = region
            if f.where:
                location["logicalLocations"] = [{"fullyQualifiedName": f.where, "kind": "member"}]
            result["locations"] = [location]
        else:  # a document checked in Python, read from no file: where in it, by name
            name = ".".join(part for part in (f.document, f.where) if part)
            result["locations"] = [{"logicalLocations": [{"fullyQualifiedName": name or f.code, "kind": "member"}]}]
        results.append(result)
    driver = {
        "name": "tipframe",
        "version": version,
        "informationUri": "https://pypi.org/project/tipframe/",
        "rules": [
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": " ".join(r.rationale.split())},
                "defaultConfiguration": {"level": _SARIF[r.severity]},
                "properties": {"citation": r.citation},
            }
            for r in described
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def junit(findings: Sequence[Finding], documents: int) -> str:
    """The findings as a JUnit XML report: a test case a finding (failed at error and warning, skipped at info),
    or one passing case when there are none.

    Parameters
    ----------
    findings
        The findings.
    documents
        How many documents were checked.

    Returns
    -------
    str
    """
    cases = []
    failures = skipped = 0
    for f in findings:
        name = quoteattr(f"{f.code} {f.location()}")
        classname = quoteattr(f.file or f.document or "tipframe")
        body = escape(f"{f}\n{f.hint or ''}".strip())
        if f.severity is Severity.INFO:
            skipped += 1
            cases.append(f"    <testcase classname={classname} name={name}><skipped message={quoteattr(f.message)}/>"
                         "</testcase>")  # fmt: skip
        else:
            failures += 1
            cases.append(f"    <testcase classname={classname} name={name}><failure type={quoteattr(f.severity.value)} "
                         f"message={quoteattr(f.message)}>{body}</failure></testcase>")  # fmt: skip
    if not cases:
        cases.append(f'    <testcase classname="tipframe" name={quoteattr(f"{documents} documents checked")}/>')
    tests = max(len(findings), 1)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites tests="{tests}" failures="{failures}" skipped="{skipped}">\n'
        f'  <testsuite name="tipframe check" tests="{tests}" failures="{failures}" skipped="{skipped}" errors="0">\n'
        + "\n".join(cases)
        + "\n  </testsuite>\n</testsuites>\n"
    )
