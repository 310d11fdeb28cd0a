"""What a linter's users expect of ``tipframe check``: inline suppression, project configuration, and the exit
code a failing level gives.

Suppression: a YAML comment ``# tipframe: ignore[TIP205]`` (several codes with commas, or
``# tipframe: ignore`` for every code) on a finding's line, or alone on the line above it,
removes that finding. Configuration: a ``[tool.tipframe]`` table in the nearest
``pyproject.toml`` above the files checked gives ``select``, ``ignore``, ``per-file-ignores``
(file patterns to codes: ``*`` within a folder, ``**`` across folders; a pattern without ``/``
also matches the file name), and rule parameters (``participants-per-facilitator``,
``peer-participants-per-facilitator``); the level that fails a check is the command line's alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from tipframe.checks.findings import Finding, Findings, Severity
from tipframe.io.problems import DocumentError

__all__ = ["CONFIG_KEYS", "ConfigError", "LintConfig", "fails", "find_config", "read_config", "suppress"]

_SUPPRESS: Final = re.compile(r"#\s*tipframe:\s*ignore\b\s*(\[[^\]]*\])?")

#: keys ``[tool.tipframe]`` may hold
CONFIG_KEYS: Final = frozenset(
    {"select", "ignore", "per-file-ignores", "participants-per-facilitator", "peer-participants-per-facilitator"}
)  # fmt: skip

#: severities from the most to the least severe
_ORDER: Final = (Severity.ERROR, Severity.WARNING, Severity.INFO)


class ConfigError(ValueError):
    """A ``[tool.tipframe]`` table that cannot be used: names the file and the key."""


@attrs.frozen
class LintConfig:
    """``[tool.tipframe]`` as read: where it came from and what it sets (None: not set)."""

    file: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    options: Mapping[str, Any] = attrs.field(factory=dict)

    def ignored_in(self, file: str) -> tuple[str, ...]:
        """Codes ignored in ``file`` by ``per-file-ignores`` (patterns match the path relative to the config's
        folder, or the file name).

        Parameters
        ----------
        file
            A checked file's path.

        Returns
        -------
        tuple of str
        """
        root = Path(self.file).parent if self.file else Path.cwd()
        path = Path(file).resolve()
        try:
            relative = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            relative = path.as_posix()
        found: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if _glob(pattern).match(relative) or ("/" not in pattern and _glob(pattern).match(path.name)):
                found += codes
        return tuple(found)


def _glob(pattern: str) -> re.Pattern[str]:
    """A file pattern as a regular expression: ``*`` and ``?`` stay within a folder, ``**`` crosses folders."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _codes(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f'{file}: [tool.tipframe] {key} must be a list of codes, such as ["TIP205"]')
    return tuple(value)


def read_config(path: str | Path) -> LintConfig:
    """The ``[tool.tipframe]`` table of one ``pyproject.toml`` (an empty configuration when it has none).

    Parameters
    ----------
    path
        The ``pyproject.toml``.

    Returns
    -------
    LintConfig

    Raises
    ------
    ConfigError
        When the file is not TOML, or a key is unknown or of the wrong type (naming both).
    """
    file = str(path)
    try:
        tool = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: not valid TOML: {error}") from None
    table = tool.get("tipframe") if isinstance(tool, dict) else None
    if table is None:
        return LintConfig(file=file)
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: [tool.tipframe] must be a table, not {table!r}")
    unknown = sorted(set(table) - CONFIG_KEYS)
    if unknown:
        raise ConfigError(
            f"{file}: [tool.tipframe] has no key {unknown[0]!r} (known: {', '.join(sorted(CONFIG_KEYS))})"
        )
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{file}: [tool.tipframe] per-file-ignores must be a table of patterns to code lists")
    options: dict[str, Any] = {}
    for key in ("participants-per-facilitator", "peer-participants-per-facilitator"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"{file}: [tool.tipframe] {key} must be a positive number, not {value!r}")
            options[key.replace("-", "_")] = value
    return LintConfig(
        file=file,
        select=_codes(table["select"], file, "select") if "select" in table else None,
        ignore=_codes(table.get("ignore", []), file, "ignore"),
        per_file_ignores=tuple((str(k), _codes(v, file, f"per-file-ignores.{k}")) for k, v in per_file.items()),
        options=options,
    )


def find_config(paths: Iterable[str]) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.tipframe]`` table, walking up from the first path given
    that is a file or folder (``builtin:`` names have none).

    Parameters
    ----------
    paths
        The paths checked.

    Returns
    -------
    pathlib.Path or None
    """
    for given in paths:
        if given.startswith("builtin:"):
            continue
        start = Path(given).resolve()
        folder = start if start.is_dir() else start.parent
        for candidate in (folder, *folder.parents):
            found = candidate / "pyproject.toml"
            if found.is_file():
                try:
                    tool = tomllib.loads(found.read_text(encoding="utf-8")).get("tool", {})
                    if not isinstance(tool, dict) or "tipframe" in tool:
                        return found
                except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                    return found  # read_config names what is wrong with it
        return None
    return None


def _suppressions(lines: Sequence[str], line: int) -> set[str] | None:
    """Codes a comment on ``line`` (1-based) or alone on the line above suppresses; {"*"} for all; None."""
    found: set[str] = set()
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        text = lines[number - 1]
        if number == line - 1 and not text.lstrip().startswith("#"):
            continue  # the line above counts only when it is a comment of its own
        match = _SUPPRESS.search(text)
        if match:  # codes in brackets (empty ones dropped: "ignore[]" suppresses nothing), or every code
            listed = match.group(1)
            found |= {c.strip().upper() for c in listed[1:-1].split(",") if c.strip()} if listed else {"*"}
    return found or None


def suppress(findings: Findings, read: Any) -> tuple[Findings, int]:
    """The findings less those an inline ``# tipframe: ignore[...]`` comment suppresses, and how many those were.

    Parameters
    ----------
    findings
        From `tipframe.check`.
    read
        Called with a file's path, returns its text (or raises OSError or `DocumentError` when it cannot).

    Returns
    -------
    tuple of (Findings, int)
    """
    texts: dict[str, list[str] | None] = {}
    kept: list[Finding] = []
    for finding in findings:
        codes = None
        if finding.file and finding.line:
            if finding.file not in texts:
                try:  # a built-in document, or a file gone since, has no comments to read
                    texts[finding.file] = (
                        None if finding.file.startswith("builtin:") else read(finding.file).splitlines()
                    )
                except (OSError, DocumentError):
                    texts[finding.file] = None
            lines = texts[finding.file]
            codes = _suppressions(lines, finding.line) if lines is not None else None
        if codes is not None and ("*" in codes or any(finding.code.startswith(c) for c in codes)):
            continue
        kept.append(finding)
    return Findings(kept), len(findings) - len(kept)


def fails(findings: Iterable[Finding], level: str = "error") -> bool:
    """Whether any finding is at ``level`` or more severe (``error``, ``warning`` or ``info``).

    Parameters
    ----------
    findings
        The findings.
    level
        The least severe level that fails.

    Returns
    -------
    bool
    """
    worst = _ORDER.index(Severity(level))
    return any(_ORDER.index(f.severity) <= worst for f in findings)
