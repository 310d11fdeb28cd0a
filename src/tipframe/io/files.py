"""Files: bounded UTF-8 reading, atomic writing of one file (text and CSV) or of a set of files.

`write_atomic` replaces one file by a rename; `write_files` writes several into one folder all or
none, by a journal it keeps in a hidden folder beside them. Every temporary is named
``.tipframe-PID-RANDOM.tmp`` (``.commit`` and ``.undo`` for a set's journal), so that a later
write into the same folder finds those a killed process left and settles them (`recover_folder`).
The folder walk lives in `tipframe.io.walk`; `document_files` is importable from here too.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final

from tipframe.io.problems import DEFAULT_LIMITS, DocumentError, Limits, Problem
from tipframe.io.walk import DOCUMENT_SUFFIXES as DOCUMENT_SUFFIXES
from tipframe.io.walk import document_files as document_files
from tipframe.io.walk import is_inside

#: seconds after which a later write removes (or settles) a temporary even when the process
#: that made it seems alive: a process id can be reused
STALE_AFTER: Final = 3600.0
#: the names of tipframe's temporaries: an optional process id, a random part, and what it is
_TEMPORARY: Final = re.compile(r"\.tipframe-(?:(\d+)-)?[A-Za-z0-9_]+\.(tmp|commit|undo)")


def read_text(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a UTF-8 file (a byte-order mark is dropped) within ``limits.max_bytes``.

    Parameters
    ----------
    path
        A regular file.
    limits
        Its ``max_bytes`` bounds the file's size.

    Returns
    -------
    str

    Raises
    ------
    DocumentError
        At the ``read`` layer: missing, a folder, not a regular file, no permission, too large,
        not UTF-8, or any other failure to read.
    """
    name = os.fspath(path)

    def fail(message: str, line: int | None = None) -> DocumentError:
        return DocumentError([Problem(message=message, layer="read", file=name, line=line)])

    try:
        if not stat.S_ISREG(os.stat(name).st_mode):
            # A named pipe or device would block or never end.
            raise fail("is a folder, not a file" if os.path.isdir(name) else "not a regular file")
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_bytes:
                raise fail(
                    f"the file is {size:,} bytes, more than the limit of {limits.max_bytes:,} (Limits.max_bytes)"
                )
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as error:
        raise fail(f"cannot be read: {error.strerror or error}") from None
    if len(raw) > limits.max_bytes:
        raise fail(f"the file is more than {limits.max_bytes:,} bytes (Limits.max_bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise fail(f"not UTF-8 text (byte {error.start} cannot be decoded); save the file as UTF-8", line) from None


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write text (or bytes) to a temporary file beside ``path``, flush and fsync it, then rename it over ``path``.

    An interrupted save leaves the earlier file whole; an existing file keeps its permissions, and
    a symbolic link is written through, not replaced. Temporaries a killed save left in the same
    folder are removed first (see `recover_folder`).

    Parameters
    ----------
    path
        The file to write.
    text
        Text is written as UTF-8, line endings as given; bytes as they are.

    Raises
    ------
    OSError
        When the file cannot be written; `IsADirectoryError` when ``path`` is a folder.
    """
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
    folder = os.path.dirname(target)
    recover_folder(folder)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".tipframe-{os.getpid()}-", suffix=".tmp")
    except OSError as error:
        raise type(error)(error.errno, error.strerror, os.fspath(path)) from None
    try:
        _fill(descriptor, temporary, text, _mode(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync(folder)


def _fill(descriptor: int, path: str, text: str | bytes, mode: int) -> None:
    """Write, flush and fsync a new file (text as UTF-8), then give it ``mode``."""
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, mode)


def _mode(target: str) -> int:
    """The permissions a new file at ``target`` gets: the existing file's, else the umask's."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_current_umask()


def _sync(folder: str) -> None:
    """Make a folder's renames durable, where the system can (not on every platform)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _current_umask() -> int:
    # Setting the umask to read it would change it for every thread of a host; read it instead.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV text: columns in order of first appearance, values that are not plain numbers or text as JSON.

    Parameters
    ----------
    rows
        One mapping per row; a missing key is an empty cell.

    Returns
    -------
    str
    """
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: v if v is None or isinstance(v, int | float | str) else json.dumps(v) for k, v in row.items()}
        )
    return out.getvalue()


def write_csv(path: str | os.PathLike[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write rows as CSV, atomically (see `csv_text`).

    Parameters
    ----------
    path
        The file to write.
    rows
        One mapping per row.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    write_atomic(path, csv_text(rows))


def write_files(folder: str | os.PathLike[str], files: Mapping[str, str | bytes]) -> list[str]:
    """Write several text files into one folder, all or none: the old set stays, or the new set is whole.

    Only the files named are replaced; anything else in the folder is left as it is. The new
    files are first written and fsynced in a hidden folder ``.tipframe-PID-RANDOM.tmp`` inside
    ``folder``, beside hard links to the files they replace; renaming it to ``...commit`` is the
    point after which the new set wins. Each file is then renamed into place and the journal
    removed. Any failure or exception (an interrupt, or a signal the process turns into one)
    before the end puts the old files back and removes what was written.

    What is and is not atomic on POSIX: each file's rename is; the set is not, to a reader that
    looks while the files are being renamed (a few milliseconds), nor after a kill that no code
    can catch (``SIGKILL``, a power cut) until the next write into the folder, which settles
    what the dead process left: before the commit the old set stays and the temporaries go;
    after it, the new set is finished (`recover_folder`). Two processes writing one folder at
    once are not kept apart. Links among the files named are replaced, not written through, and
    a sub-folder that is a link leading outside ``folder`` is refused.

    Parameters
    ----------
    folder
        The folder to write into; made when missing.
    files
        Contents by path relative to ``folder`` (``sub/name.csv`` makes ``sub``): text is written
        as UTF-8, bytes as they are.

    Returns
    -------
    list of str
        The paths written, in the order of ``files``.

    Raises
    ------
    ValueError
        For a name that is absolute, leads out of ``folder``, repeats another or is a temporary's.
    OSError
        When a file cannot be written (`IsADirectoryError` for a name that is a folder), after
        the old files have been put back.
    """
    names = _names(files)
    os.makedirs(folder, exist_ok=True)
    root = os.path.realpath(folder)
    recover_folder(root)
    staging = os.path.join(root, f".tipframe-{os.getpid()}-{secrets.token_hex(8)}.tmp")
    journal = staging.removesuffix(".tmp") + ".commit"
    os.mkdir(staging, 0o700)
    try:
        _stage(root, staging, {name: files[original] for original, name in names.items()})
        os.rename(staging, journal)
        _sync(root)
        _apply(root, journal)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # what cannot be undone now, the next write settles
            if os.path.lexists(journal):
                _undo(root, journal)
        raise
    return [os.path.join(os.fspath(folder), name) for name in names.values()]


def _names(files: Mapping[str, str | bytes]) -> dict[str, str]:
    """Each name of ``files`` normalised, checked to stay inside its folder and to name no temporary."""
    names: dict[str, str] = {}
    for original in files:
        name = os.path.normpath(original)
        first = name.split(os.sep)[0]
        if os.path.isabs(original) or "\0" in original or first in (".", "..") or _TEMPORARY.fullmatch(first):
            raise ValueError(f"{original!r} is not a file name inside the folder written")
        if name in names.values():
            raise ValueError(f"{original!r} names the same file as another")
        names[original] = name
    return names


def _stage(root: str, staging: str, files: Mapping[str, str | bytes]) -> None:
    """Write the new files under ``staging/new``, link the old ones under ``staging/old``, and the manifest."""
    existed = []
    for name, text in files.items():
        target = os.path.join(root, name)
        parent = os.path.dirname(target)
        if not is_inside(root, os.path.realpath(parent)):
            raise PermissionError(errno.EACCES, "a folder on the way is a link leading outside", target)
        if os.path.isdir(target) and not os.path.islink(target):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", target)
        os.makedirs(parent, exist_ok=True)
        new = os.path.join(staging, "new", name)
        os.makedirs(os.path.dirname(new), exist_ok=True)
        _fill(os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), new, text, _mode(target))
        if os.path.lexists(target):
            old = os.path.join(staging, "old", name)
            os.makedirs(os.path.dirname(old), exist_ok=True)
            try:
                os.link(target, old, follow_symlinks=False)
            except (OSError, NotImplementedError):  # a file system without hard links
                shutil.copy2(target, old, follow_symlinks=False)
            existed.append(name)
    manifest = json.dumps({"files": list(files), "existed": existed})
    path = os.path.join(staging, "manifest.json")
    _fill(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path, manifest, 0o600)
    for here, _dirs, _files in os.walk(staging):
        _sync(here)


def _manifest(journal: str) -> tuple[list[str], set[str]]:
    """The files of a journal, and those of them that existed before; none when its removal began."""
    try:
        with open(os.path.join(journal, "manifest.json"), encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:  # only a journal half removed, its work done, has no manifest
        return [], set()
    return [str(name) for name in data["files"]], {str(name) for name in data["existed"]}


def _apply(root: str, journal: str) -> None:
    """Rename each new file still in the journal into place, then remove the journal."""
    names, _existed = _manifest(journal)
    for name in names:
        source = os.path.join(journal, "new", name)
        if os.path.lexists(source):  # a settled journal may have moved some already
            os.replace(source, os.path.join(root, name))
    for parent in sorted({os.path.dirname(os.path.join(root, name)) for name in names}):
        _sync(parent)
    _remove(journal)


def _undo(root: str, journal: str) -> None:
    """Put back the old files of a journal (renamed ``.undo`` first, so a kill midway still undoes), then remove it."""
    undo = journal.rsplit(".", 1)[0] + ".undo"
    if journal != undo:
        os.rename(journal, undo)
    names, existed = _manifest(undo)
    for name in names:
        target = os.path.join(root, name)
        old = os.path.join(undo, "old", name)
        if name in existed:
            if os.path.lexists(old):
                os.replace(old, target)
        elif not os.path.lexists(os.path.join(undo, "new", name)) and os.path.lexists(target):
            os.unlink(target)  # new in this set, and already in place
    for parent in sorted({os.path.dirname(os.path.join(root, name)) for name in names}):
        _sync(parent)
    _remove(undo)


def _remove(journal: str) -> None:
    """Remove a settled journal: its manifest first, so that what a failure leaves reads as done."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(journal, "manifest.json"))
    shutil.rmtree(journal, ignore_errors=True)


def recover_folder(folder: str | os.PathLike[str]) -> list[str]:
    """Settle what killed writes left in a folder: temporaries removed, interrupted sets finished or undone.

    A temporary (``.tipframe-PID-RANDOM.tmp``, ``.commit`` or ``.undo``) is stale when the
    process that made it is no longer running on this machine, or when it is older than
    `STALE_AFTER` seconds whatever its process (ids are reused; on Windows, where a process
    cannot be asked after safely, only age counts). A stale ``.tmp`` is removed; a stale
    ``.commit`` journal is finished (its new files renamed into place); a stale ``.undo`` is
    undone (its old files put back). Temporaries of running processes are left alone. Every
    write of tipframe into a folder does this first.

    Parameters
    ----------
    folder
        The folder to look in (not its sub-folders).

    Returns
    -------
    list of str
        The temporaries settled.
    """
    root = os.path.realpath(folder)
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    settled = []
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry)
        path = os.path.join(root, entry)
        if found is None or not _stale(path, found.group(1)):
            continue
        try:
            if found.group(2) == "commit":
                _apply(root, path)
            elif found.group(2) == "undo":
                _undo(root, path)
            elif os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except (OSError, ValueError, KeyError, TypeError):
            continue  # left for a person: a journal tipframe did not write
        settled.append(path)
    return settled


def unfinished_writes(folder: str | os.PathLike[str]) -> list[str]:
    """Journals of sets of files being written into ``folder``, or left unfinished by a killed write.

    While one is there the folder may hold some old files and some new: a reader should wait,
    or write the set again.

    Parameters
    ----------
    folder
        The folder to look in.

    Returns
    -------
    list of str
        Their paths; empty when the folder's files are one whole set.
    """
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    return [
        os.path.join(os.fspath(folder), entry)
        for entry in entries
        if (found := _TEMPORARY.fullmatch(entry)) is not None and found.group(2) != "tmp"
    ]


def _stale(path: str, pid: str | None) -> bool:
    try:
        age = time.time() - os.lstat(path).st_mtime
    except OSError:
        return False
    if age > STALE_AFTER:
        return True
    return pid is not None and not _running(int(pid))


def _running(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process, or an id out of range: leave it to age
    return True
