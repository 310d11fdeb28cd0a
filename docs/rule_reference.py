"""Write docs/rules/ from the rules themselves: one page per family and an index.

    python docs/rule_reference.py

A test fails when the pages and the rules disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from tipframe.checks import CheckOptions, Registry
from tipframe.checks.rules import FAMILIES

RULES_DIR = Path(__file__).with_name("rules")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def pages() -> dict[str, str]:
    """Page file name -> Markdown text."""
    registry = Registry.builtin()
    defaults = CheckOptions()
    out: dict[str, str] = {}
    index = [
        "# Practice rules",
        "",
        "`tipframe check PATH...` runs these rules; `tipframe rules` lists them. Findings read",
        "`file:line:col: CODE severity message`. Errors make the command exit 1; warnings and info do not.",
        "Select or ignore rules by code, code prefix or name: `--select TIP1,TIP205 --ignore TIP5`.",
        "",
        "| family | rules |",
        "| --- | --- |",
    ]
    for prefix, (title, _module) in FAMILIES.items():
        rules = [r for r in registry if r.family == prefix]
        name = f"{_slug(title)}.md"
        index.append(f"| [{prefix}xx {title}]({name}) | {', '.join(r.code for r in rules)} |")
        lines = [f"# {prefix}xx: {title}", ""]
        for r in rules:
            kinds = ", ".join(k.KIND or "every document" for k in r.kinds)
            lines += [
                f"## {r.code} {r.name}",
                "",
                f"{r.summary}",
                "",
                f"- **Severity:** {r.severity.value}",
                f"- **Applies to:** {kinds}",
                f"- **Source:** {r.citation}",
                f"- **Cases:** `tests/cases/checks/{r.code}-fail*` and `{r.code}-pass*`",
                "",
                r.rationale,
                "",
            ]
        out[name] = "\n".join(lines).rstrip() + "\n"
    index += [
        "",
        "## Thresholds",
        "",
        "Rules that compare against a number take it from `tipframe.checks.CheckOptions`, so a host",
        "can set its own. The defaults come from the case studies:",
        "",
        "| option | default | source |",
        "| --- | --- | --- |",
        f"| `participants_per_facilitator` | {defaults.participants_per_facilitator:g} | Help the Helpers: twelve "
        "participants with two facilitators (SVRU case study) |",
        "| `peer_participants_per_facilitator` | none | no case study gives a ratio for peer-led groups, reflective "
        "spaces or action learning sets (Midlothian's space is peer-to-peer, with no size) |",
        f"| `clinic_cases` | {defaults.clinic_cases} | Safe & Together clinics: 3-5 families discussed per clinic "
        "(Manchester case study) |",
        "| `private_names` | none | the host's own list of people who must not appear (`--private-names FILE`) |",
        "",
        "## In CI and in a project",
        "",
        "Only two options turn findings into an exit code: by default an error finding exits 1 and warnings",
        "and info do not; `--fail-on warning` (or `info`) fails on those too, and `--exit-zero` never fails.",
        "Selection, configuration and suppression decide which findings exist; unreadable documents still",
        "exit 1 or 2.",
        "",
        "- `--format github` prints workflow commands GitHub Actions shows as annotations; `--format sarif`",
        "  a SARIF 2.1.0 log for code scanning; `--format junit` a JUnit XML report (a test case a finding,",
        "  failed at error and warning, skipped at info). `--statistics` counts the findings by rule. The",
        "  SARIF log validates against the published SARIF 2.1.0 JSON Schema (a test checks it, with a copy",
        "  kept in `tests/data/`). A document that cannot be read is reported in these formats too, as an",
        "  error result named by what failed (`parse-error`, `schema-error`, `model-error`), beside the",
        "  usual lines on standard error.",
        "- Text output is coloured at a terminal unless `NO_COLOR` is set; `--color always|never` decides.",
        "- A comment `# tipframe: ignore[TIP205]` (codes or prefixes, with commas; `# tipframe: ignore` for",
        "  all) on a finding's line, or alone on the line above it, suppresses that finding.",
        "- A `[tool.tipframe]` table in the nearest `pyproject.toml` above the files checked sets `select`,",
        "  `ignore`, `per-file-ignores` (patterns relative to that file: `*` within a folder, `**` across",
        "  folders; a pattern without `/` also matches a file's name) and rule parameters",
        "  (`participants-per-facilitator`, `peer-participants-per-facilitator`); `--select` on the command",
        "  line replaces the table's, and",
        "  `--ignore` adds to it. An unknown key is refused (exit 2), naming the file and the key. The",
        "  failing level is the command line's alone.",
        "",
        "```toml",
        "[tool.tipframe]",
        'ignore = ["TIP103"]',
        "participants-per-facilitator = 8",
        "",
        "[tool.tipframe.per-file-ignores]",
        '"drafts/*.yaml" = ["TIP3"]',
        "```",
        "",
        "## Your own rules",
        "",
        "A rule is a function that takes a document and a `Context` and yields `Report`s. Host",
        "applications add rules to their own `Registry`, or expose them from an installed package",
        "in the `tipframe.rules` entry-point group (a `Rule`, or a list of them); `check` and",
        "`tipframe check` pick those up. See `tests/host_rules.py`. A rule that raises becomes a",
        "`TIP000` error finding rather than stopping the other rules.",
    ]
    out["index.md"] = "\n".join(index) + "\n"
    return out


if __name__ == "__main__":
    RULES_DIR.mkdir(exist_ok=True)
    for name, text in pages().items():
        (RULES_DIR / name).write_text(text, encoding="utf-8")
