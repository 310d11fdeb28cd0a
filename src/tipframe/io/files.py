"""Files: bounded UTF-8 reading, atomic writing (text and CSV), and the walk that finds documents in a folder."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import stat
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any, Final

from tipframe.io.problems import DEFAULT_LIMITS, DocumentError, Limits, Problem

#: the suffixes of document files a folder walk picks up
DOCUMENT_SUFFIXES: Final = (".yaml", ".yml", ".json")


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


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write text to a temporary file beside ``path``, flush and fsync it, then rename it over ``path``.

    An interrupted save leaves the earlier file whole; an existing file keeps its permissions, and
    a symbolic link is written through, not replaced.

    Parameters
    ----------
    path
        The file to write.
    text
        Written as UTF-8, line endings as given.

    Raises
    ------
    OSError
        When the file cannot be written; `IsADirectoryError` when ``path`` is a folder.
    """
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
    folder = os.path.dirname(target)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".tipframe-", suffix=".tmp")
    except OSError as error:
        raise type(error)(error.errno, error.strerror, os.fspath(path)) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_current_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


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


def document_files(folder: str) -> list[str]:
    """Documents under a folder, sorted; hidden files and folders skipped, linked folders followed once.

    Parameters
    ----------
    folder
        The folder to walk, recursively.

    Returns
    -------
    list of str
        Paths of the ``.yaml``, ``.yml`` and ``.json`` files.
    """
    files: list[str] = []
    seen: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(
            os.path.join(root, n)
            for n in sorted(names)
            if not n.startswith(".") and n.lower().endswith(DOCUMENT_SUFFIXES)
        )
    return files


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
