"""Problems found in documents, the exception that carries them, and the limits on what is read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from tipframe.model.fields import Path, format_path

#: the layer that rejects a document: ``read`` (cannot be read at all: missing, not UTF-8, too
#: large), ``parse`` (not well-formed YAML or JSON), ``schema`` (a type, required key, unknown key,
#: enum or single-field constraint), ``model`` (fields that contradict each other), ``bundle``
#: (references between documents)
Layer = Literal["read", "parse", "schema", "model", "bundle"]


def location(file: str | None, line: int | None, column: int | None) -> str:
    """``file:line:column``, as far as each is known (``<input>`` for text with no file).

    Parameters
    ----------
    file, line, column
        Where, as far as known (None where not).

    Returns
    -------
    str
    """
    place = repr(file) if file == "" else file or "<input>"
    if line is not None:
        place += f":{line}"
        if column is not None:
            place += f":{column}"
    return place


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a document, placed as exactly as the input allows."""

    message: str
    layer: Layer
    path: Path = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    #: a stable name for the kind of problem, where tools act on it (``missing-reference``)
    code: str | None = None

    @property
    def where(self) -> str:
        """The path as people write it: ``sessions[3].duration``."""
        return format_path(self.path)

    @property
    def location(self) -> str:
        """``file:line:column``, as far as each is known."""
        return location(self.file, self.line, self.column)

    def __str__(self) -> str:
        where = f"{self.where}: " if self.path else ""
        return f"{self.location}: {where}{self.message}"


class DocumentError(ValueError):
    """A document (or several) could not be read, or is not valid. ``problems`` lists every one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds on what a document may contain; pass larger ones to `load` to read bigger files."""

    max_bytes: int = attrs.field(default=10 * 1024 * 1024, validator=attrs.validators.ge(1))
    #: at most 100: deeper data would exhaust Python's recursion limit while it is written out
    max_depth: int = attrs.field(default=40, validator=[attrs.validators.ge(1), attrs.validators.le(100)])
    max_nodes: int = attrs.field(default=500_000, validator=attrs.validators.ge(1))
    max_string: int = attrs.field(default=1_000_000, validator=attrs.validators.ge(1))
    #: the arrays a saved result keeps in its companion .npz file (tipframe.io.companion)
    max_array_bytes: int = attrs.field(default=2 * 1024**3, validator=attrs.validators.ge(1))
    #: the most files one walk reads: documents under the folders of a bundle, or a package's tables
    max_files: int = attrs.field(default=10_000, validator=attrs.validators.ge(1))
    #: the most bytes those files may hold in all (each is also bounded by ``max_bytes``)
    max_total_bytes: int = attrs.field(default=2**30, validator=attrs.validators.ge(1))


DEFAULT_LIMITS = Limits()


@attrs.frozen
class Locations:
    """Where each value (and each mapping key) of a parsed document starts: 1-based line and column."""

    values: Mapping[Path, tuple[int, int]]
    keys: Mapping[Path, tuple[int, int]]
    #: paths whose value is a mapping or a list
    containers: frozenset[Path] = frozenset()

    def find(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """The position of ``path``, or of its nearest enclosing value that has one.

        A scalar is placed where its value starts; a mapping or list where its key is written
        (``sessions:`` rather than its first item), as is a key asked for with ``key=True``.

        Parameters
        ----------
        path
            Keys and list indices, outermost first.
        key
            Place the key rather than the value.

        Returns
        -------
        tuple of int or None
            ``(line, column)``, 1-based; None when nothing on the path has a position.
        """
        probe = tuple(path)
        while True:
            if probe in self.keys and (key or probe in self.containers):
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]


NO_LOCATIONS = Locations({}, {})
