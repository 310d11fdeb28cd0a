"""Results of any size: arrays too large to write inline go to a companion ``.npz`` file beside the document.

A document's text is read under `Limits` (10 MiB and strings of a million characters by
default) because it may come from anyone. A simulation of a few thousand replicates produces
arrays past those limits, so `dump` writes them, when they are large (`INLINE_MAX`), to
``<file>.npz`` beside the document (``r.json`` -> ``r.json.npz``), records its name and SHA-256
in the document (``arrays``), and leaves each array its shape, type and entry name. Loading the
document from its file reads the companion back and checks it: the digest must match, every
entry must be stored uncompressed (no archive can expand past its size on disk) with exactly the
type and shape the document declares, and the arrays together must fit `Limits.max_array_bytes`.
The document's own text stays under the usual limits, so hostile input is still refused.

The archive is written byte for byte the same for the same arrays (fixed entry dates, sorted
entries), so the same result saves to the same files; the document and its companion are
written as one set (`tipframe.io.files.write_files`), and a companion that is a link leading
outside the document's folder is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from tipframe.io.arrays import from_numpy, to_numpy
from tipframe.io.files import write_atomic, write_files
from tipframe.io.problems import DocumentError, Limits, Problem
from tipframe.io.walk import path_inside
from tipframe.model import ArrayData, Companion, ReachResult
from tipframe.model.reach import result_arrays

__all__ = ["INLINE_MAX", "archive", "dump_result", "join_arrays", "split_arrays"]

#: encoded characters of arrays from which a saved result keeps them in a companion file: well under
#: the 10 MiB a document may hold, and any one array over `ONE_MAX` goes there too
INLINE_MAX = 4_000_000
ONE_MAX = 500_000

#: zip entries' date: fixed, so that the same arrays make the same file
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _needs_companion(result: ReachResult) -> bool:
    sizes = [len(array.data) for _, array in _each(result)]
    return sum(sizes) > INLINE_MAX or max(sizes, default=0) > ONE_MAX


def _each(result: ReachResult) -> list[tuple[str, ArrayData]]:
    """Every array of a result, with its entry name: its path in the document, dotted."""
    return [(".".join(str(part) for part in path), array) for path, array in result_arrays(result)]


def _replace(result: ReachResult, arrays: dict[str, ArrayData], companion: Companion | None) -> ReachResult:
    top: dict[str, Any] = {name: arrays[name] for name in arrays if "." not in name}
    events = []
    for index, log in enumerate(result.events):
        prefix = f"events.{index}."
        changes: dict[str, Any] = {
            name[len(prefix) :]: value for name, value in arrays.items() if name.startswith(prefix)
        }
        events.append(attrs.evolve(log, **changes) if changes else log)
    return attrs.evolve(result, **top, events=tuple(events), arrays=companion)


def archive(arrays: dict[str, Any]) -> bytes:
    """The bytes of an uncompressed ``.npz`` archive of ``arrays``, the same for the same arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive_file:
        for name in sorted(arrays):
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            entry.external_attr = 0o644 << 16
            with archive_file.open(entry, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(arrays[name]), allow_pickle=False)
    return buffer.getvalue()


def split_arrays(result: ReachResult, path: str) -> tuple[ReachResult, bytes | None]:
    """A result ready to save to ``path``: with its arrays in a companion archive when they are large.

    Parameters
    ----------
    result
        The result to save.
    path
        The document's file; the companion is this name with ``.npz`` added.

    Returns
    -------
    tuple
        The result as the document holds it (arrays named by entry, ``arrays`` set) and the
        archive's bytes; or the result unchanged and None when its arrays are small.
    """
    if not _needs_companion(result):
        return attrs.evolve(result, arrays=None), None
    named = _each(result)
    payload = archive({name: to_numpy(array) for name, array in named})
    stored = {name: ArrayData(dtype=array.dtype, shape=array.shape, stored=name) for name, array in named}
    companion = Companion(file=os.path.basename(path) + ".npz", sha256=hashlib.sha256(payload).hexdigest())
    return _replace(result, stored, companion), payload


def dump_result(result: ReachResult, path: str, render: Callable[[ReachResult], str]) -> None:
    """Write a result to ``path``: alone when its arrays are small, else with its companion, as one set.

    Parameters
    ----------
    result
        The result to save.
    path
        The document's file.
    render
        The document's text for the result as saved (its format chosen by the caller).

    Raises
    ------
    OSError
        When the files cannot be written; neither is then changed.
    """
    saved, payload = split_arrays(result, path)
    if payload is None:
        write_atomic(path, render(saved))
        return
    folder, base = os.path.split(path)
    write_files(folder or ".", {base: render(saved), f"{base}.npz": payload})


def _problem(file: str, message: str) -> DocumentError:
    return DocumentError([Problem(message=message, layer="read", file=file, path=("arrays",))])


def _declared_bytes(named: list[tuple[str, ArrayData]]) -> int:
    total = 0
    for _, array in named:
        count = 1
        for n in array.shape:
            count *= n
        total += count * np.dtype(array.dtype).itemsize
    return total


def _read_archive(name: str, payload: bytes, named: list[tuple[str, ArrayData]]) -> dict[str, ArrayData]:
    """The archive's arrays as `ArrayData`, each checked against the type and shape declared."""
    try:
        archive_file = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise _problem(name, "the companion file is not a .npz archive") from None
    entries = {info.filename: info for info in archive_file.infolist()}
    found: dict[str, ArrayData] = {}
    with archive_file:
        for key, declared in named:
            info = entries.get(f"{key}.npy")
            if info is None:
                raise _problem(name, f"the companion file has no entry {key!r}")
            if info.compress_type != zipfile.ZIP_STORED:
                raise _problem(name, f"entry {key!r} is compressed; companion files are stored uncompressed")
            try:
                with archive_file.open(info) as handle:
                    values = np.lib.format.read_array(handle, allow_pickle=False)
            except (ValueError, OSError, zipfile.BadZipFile) as error:
                raise _problem(name, f"entry {key!r} cannot be read: {error}") from None
            if values.dtype != np.dtype(declared.dtype) or tuple(values.shape) != declared.shape:
                raise _problem(
                    name,
                    f"entry {key!r} holds {values.dtype} of shape {list(values.shape)}, but the document declares "
                    f"{declared.dtype} of shape {list(declared.shape)}",
                )
            found[key] = from_numpy(values)
    return found


def join_arrays(result: ReachResult, document_file: str, limits: Limits) -> ReachResult:
    """A result loaded from ``document_file`` with its companion's arrays put back inline.

    Parameters
    ----------
    result
        As parsed, ``arrays`` naming its companion file.
    document_file
        The file it was read from; the companion lies in its folder.
    limits
        ``max_array_bytes`` bounds the arrays' declared size.

    Returns
    -------
    ReachResult
        With every array inline and ``arrays`` None; unchanged when it has no companion.

    Raises
    ------
    DocumentError
        When the companion is missing, too large, altered (its digest differs), or holds other
        arrays than the document declares.
    """
    companion = result.arrays
    if companion is None:
        return result
    path = path_inside(os.path.dirname(document_file) or ".", companion.file)
    if path is None:
        raise _problem(document_file, f"its companion file {companion.file} leads outside the document's folder")
    named = _each(result)
    declared = _declared_bytes(named)
    if declared > limits.max_array_bytes:
        raise _problem(
            document_file,
            f"its arrays would take {declared:,} bytes, more than {limits.max_array_bytes:,} (Limits.max_array_bytes)",
        )
    try:
        with open(path, "rb") as handle:
            payload = handle.read(declared + 1024 * (len(named) + 1) + 1)
    except OSError as error:
        raise _problem(document_file, f"its companion file {companion.file} cannot be read: {error.strerror}") from None
    if len(payload) > declared + 1024 * (len(named) + 1):
        raise _problem(document_file, f"its companion file {companion.file} is larger than its arrays declare")
    if hashlib.sha256(payload).hexdigest() != companion.sha256:
        raise _problem(
            document_file, f"its companion file {companion.file} has changed: its SHA-256 differs from the one recorded"
        )
    found = _read_archive(companion.file, payload, named)
    return _replace(result, found, None)
