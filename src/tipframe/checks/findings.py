"""Findings: what a practice rule says about a document, placed where the document says it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from typing import Any, Final, overload

import attrs

from tipframe.io.problems import location
from tipframe.tables import data_frame, html_table


class Severity(Enum):
    """How much a finding matters: an error fails ``tipframe check``; warnings and info do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for an error, 1 for a warning, 2 for info: the most serious sorts first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@attrs.frozen(kw_only=True)
class Finding:
    """One problem a rule found: code, severity, message, hint, place, and the source of the expectation."""

    code: str
    severity: Severity
    message: str
    hint: str | None = None
    where: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    citation: str | None = None
    document: str = ""

    def location(self) -> str:
        """``file:line:column``, as far as each is known."""
        return location(self.file, self.line, self.column)

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.location()}: {self.code} {self.severity.value} {self.message}{where}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output: every field, the severity as its value (``error``)."""
        data = attrs.asdict(self)
        data["severity"] = self.severity.value
        return data

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Place and code; findings that tie keep the order their rule gave them."""
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.where)


def _in_order(items: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(items, key=Finding.sort_key))


#: the columns of a table of findings
COLUMNS: Final = ("code", "severity", "message", "where", "file", "line", "column", "document", "hint", "citation")


@attrs.frozen
class Findings(Sequence[Finding]):
    """The findings of a check, in a stable order (file, line, column, code, place)."""

    items: tuple[Finding, ...] = attrs.field(converter=_in_order)

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error (``tipframe check`` then exits 1)."""
        return any(f.severity is Severity.ERROR for f in self.items)

    def of(self, code: str) -> tuple[Finding, ...]:
        """Findings whose code is ``code`` or starts with it.

        Parameters
        ----------
        code
            A code (``TIP101``) or a prefix (``TIP1`` for every principle finding).

        Returns
        -------
        tuple of Finding
            In order.
        """
        return tuple(f for f in self.items if f.code.startswith(code))

    def counts(self) -> dict[str, int]:
        """How many findings at each severity: ``{"error": 0, "warning": 2, "info": 1}``."""
        counted = Counter(f.severity.value for f in self.items)
        return {s.value: counted.get(s.value, 0) for s in Severity}

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every finding as plain data (`Finding.to_dict`), in order."""
        return [f.to_dict() for f in self.items]

    def rows(self) -> list[dict[str, Any]]:
        """One row per finding: code, severity, message, where, file, line, column, document, hint, source."""
        return [{name: getattr(f, name) if name != "severity" else f.severity.value for name in COLUMNS} for f in self]

    def _repr_html_(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items()) or "no findings"
        return html_table(self.rows(), COLUMNS[:6], caption=counts)

    def to_frame(self) -> Any:
        """One row per finding, as a pandas DataFrame (``pip install tipframe[table]``).

        Returns
        -------
        pandas.DataFrame
            The columns of `rows`, even with no findings.

        Raises
        ------
        ImportError
            When pandas is missing, saying what to install.
        """
        return data_frame(self.rows(), COLUMNS)
