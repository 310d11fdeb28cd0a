"""Folder walks that never leave the folder given, and paths that documents name inside their folder.

A walk lists the folder's documents, recursively, skipping hidden files and folders. A link is
followed only when its target resolves inside the folder walked; a link that leads out of it, a
link loop and a link to nothing are reported as problems and skipped. A budget (`Limits`'
``max_files`` and ``max_total_bytes``) bounds what the walks of one reading may list.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Final

import attrs

from tipframe.io.problems import DEFAULT_LIMITS, DocumentError, Limits, Problem

#: the suffixes of document files a folder walk picks up
DOCUMENT_SUFFIXES: Final = (".yaml", ".yml", ".json")
#: the codes of the problems a walk reports
OUTSIDE: Final = "link-outside"
LOOP: Final = "link-loop"
BUDGET: Final = "walk-budget"


def is_inside(root: str, path: str) -> bool:
    """Whether ``path`` is ``root`` or lies under it; both are real (resolved, absolute) paths.

    Parameters
    ----------
    root, path
        Absolute paths, already resolved with `os.path.realpath`.

    Returns
    -------
    bool
    """
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def path_inside(folder: str | os.PathLike[str], relative: str) -> str | None:
    """The real path of ``relative`` under ``folder``, or None when it leads outside the folder.

    Links are resolved first, so a link that points elsewhere leads outside; an absolute path
    always does.

    Parameters
    ----------
    folder
        The folder the path is relative to (a document's, or a package's).
    relative
        The path as the document writes it.

    Returns
    -------
    str or None
    """
    if os.path.isabs(relative) or "\0" in relative:
        return None
    base = os.path.realpath(os.fspath(folder) or ".")
    target = os.path.realpath(os.path.join(base, relative))
    return target if is_inside(base, target) and target != base else None


def _resolve(path: str) -> str | None:
    """The real path of a link's target; None for a link to nothing; `OSError` (``ELOOP``) for a loop."""
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise
        return None


@attrs.define
class Walker:
    """Walks folders for documents within one budget, shared by every walk it makes.

    Use one walker for one reading (the folders of one bundle); it keeps what it found in
    ``problems``, ``files`` and ``bytes`` and is not meant to be shared between threads.
    """

    limits: Limits = DEFAULT_LIMITS
    suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES
    #: links that lead outside, loops, folders that cannot be listed, an exceeded budget
    problems: list[Problem] = attrs.field(factory=list)
    #: documents listed so far, and their size in bytes
    files: int = 0
    bytes: int = 0
    #: set once the budget is exceeded: later walks list nothing
    exhausted: bool = False

    def walk(self, folder: str | os.PathLike[str]) -> list[str]:
        """The documents under ``folder``, depth first, each folder's files before its sub-folders, by name.

        Parameters
        ----------
        folder
            The folder to walk; it may itself be a link (the root is where it resolves to).

        Returns
        -------
        list of str
            Paths as found under ``folder`` (a linked file keeps the link's path). Empty once the
            budget is exceeded; ``problems`` says why.
        """
        shown = os.fspath(folder)
        root = os.path.realpath(shown)
        found: list[str] = []
        seen: set[str] = set()
        stack = [(shown, root)]
        while stack and not self.exhausted:
            path, real = stack.pop()
            if real in seen:
                continue
            seen.add(real)
            folders: list[tuple[str, str]] = []
            for entry in self._entries(path):
                if entry.name.startswith("."):
                    continue
                child = self._child(root, real, seen, entry)
                if child is None:
                    continue
                if child[1]:
                    folders.append((entry.path, child[0]))
                elif self._count(entry.path, child[0]):
                    found.append(entry.path)
                if self.exhausted:
                    return []
            stack.extend(reversed(folders))
        return [] if self.exhausted else found

    def _entries(self, path: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(path) as listing:
                return sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            self._problem(path, f"the folder cannot be listed: {error.strerror or error}")
            return []

    def _child(self, root: str, parent: str, seen: set[str], entry: os.DirEntry[str]) -> tuple[str, bool] | None:
        """``(real path, is a folder)`` of an entry the walk takes; None for one it skips, reported where it matters."""
        document = entry.name.lower().endswith(self.suffixes)
        try:
            if not entry.is_symlink():
                folder = entry.is_dir(follow_symlinks=False)
                return (os.path.join(parent, entry.name), folder) if folder or document else None
            target = _resolve(entry.path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                self._problem(entry.path, "is a link that leads round in a loop; not followed", LOOP)
            return None
        if target is None:
            if document:
                self._problem(entry.path, "is a link to nothing (its target does not exist)")
            return None
        folder = os.path.isdir(target)
        if not folder and not document:
            return None
        if not is_inside(root, target):
            what = "a folder" if folder else "a file"
            self._problem(entry.path, f"is a link to {what} outside {root} ({target}); not followed", OUTSIDE)
            return None
        if folder and is_inside(target, parent):
            self._problem(entry.path, f"is a link back to {target}, a folder it lies in; not followed", LOOP)
            return None
        if folder and target in seen:
            return None  # the same folder by another name: read once
        return target, folder

    def _count(self, path: str, real: str) -> bool:
        """Charge a document to the budget; False (with a problem) once the budget is exceeded."""
        try:
            info = os.stat(real)
            size = info.st_size if stat.S_ISREG(info.st_mode) else 0
        except OSError:
            size = 0  # reading it will say what is wrong
        self.files += 1
        self.bytes += size
        if self.files > self.limits.max_files:
            message = f"more than {self.limits.max_files:,} documents to read (Limits.max_files); nothing was read"
        elif self.bytes > self.limits.max_total_bytes:
            message = (
                f"the documents come to more than {self.limits.max_total_bytes:,} bytes "
                "(Limits.max_total_bytes); nothing was read"
            )
        else:
            return True
        self._problem(path, message, BUDGET)
        self.exhausted = True
        return False

    def _problem(self, path: str, message: str, code: str | None = None) -> None:
        self.problems.append(Problem(message=message, layer="read", file=path, code=code))


def document_files(folder: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Documents under a folder, as `Walker.walk` lists them: hidden files skipped, never leaving the folder.

    Parameters
    ----------
    folder
        The folder to walk, recursively.
    limits
        Its ``max_files`` and ``max_total_bytes`` bound the walk.

    Returns
    -------
    list of str
        Paths of the ``.yaml``, ``.yml`` and ``.json`` files.

    Raises
    ------
    DocumentError
        At the ``read`` layer, when a link leads outside the folder or round in a loop, a folder
        cannot be listed, or the walk exceeds its budget.
    """
    walker = Walker(limits)
    files = walker.walk(folder)
    if walker.problems:
        raise DocumentError(walker.problems)
    return files
