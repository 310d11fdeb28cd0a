"""Tabular data packages (one CSV file per table, named by a ``datapackage.json``), kept inside their folder.

Reading resolves each file's path, links included, and refuses one that leads out of the
package's folder; `Limits` bounds each file, and the package's files together (``max_files``,
``max_total_bytes``). Writing puts the whole package in place at once, with `write_files`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tipframe.io.files import read_text, write_files
from tipframe.io.problems import DocumentError, Layer, Limits, Problem
from tipframe.io.walk import path_inside

Tables = dict[str, tuple[Mapping[str, Any], ...]]
Columns = dict[str, tuple[str, ...]]


def fail(file: str, message: str, line: int | None = None, layer: Layer = "schema") -> DocumentError:
    """A `DocumentError` with one problem, in ``file``."""
    return DocumentError([Problem(message=message, layer=layer, file=file, line=line)])


def columns_of(rows: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The keys of the rows, in the order first seen."""
    return tuple(dict.fromkeys(key for row in rows for key in row))


def table_of(resource: Mapping[str, Any]) -> str:
    """The table a resource holds: its ``name``, else its file's stem."""
    return str(resource.get("name") or Path(str(resource.get("path", ""))).stem)


def read_package(name: str, descriptor: Mapping[str, Any], limits: Limits) -> tuple[Tables, Columns]:
    """The tables of the package that ``name`` (its ``datapackage.json``) describes, and their columns.

    Raises
    ------
    DocumentError
        When a file leads outside the folder, the files are over the limits, or a CSV is malformed.
    """
    folder = os.path.dirname(name)
    tables: Tables = {}
    columns: Columns = {}
    resources = descriptor.get("resources") or []
    if not isinstance(resources, list) or len(resources) > limits.max_files:
        raise fail(name, f"resources must be a list of at most {limits.max_files:,} files (Limits.max_files)")
    total = 0
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise fail(name, f"resources[{index}] needs a path to its CSV file")
        csv_path = path_inside(folder, resource["path"])
        if csv_path is None:
            raise fail(name, f"resources[{index}].path {resource['path']!r} leads outside the package's folder")
        total += os.path.getsize(csv_path) if os.path.isfile(csv_path) else 0
        if total > limits.max_total_bytes:
            message = f"the package's files come to more than {limits.max_total_bytes:,} bytes (Limits.max_total_bytes)"
            raise fail(csv_path, message, layer="read")
        rows, header = _rows(csv_path, read_text(csv_path, limits))
        tables[table_of(resource)] = rows
        columns[table_of(resource)] = header
    return tables, columns


def _lines(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def _rows(csv_path: str, text: str) -> tuple[tuple[Mapping[str, Any], ...], tuple[str, ...]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header = reader.fieldnames or []
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise fail(csv_path, f"the header names column {repeated[0]!r} more than once", 1, "parse")
    try:
        rows = []
        for row in reader:
            if None in row:
                raise fail(csv_path, "a row has more cells than the header has columns", reader.line_num)
            # Spreadsheets write line breaks inside cells as CR LF; tipframe's text holds LF only.
            rows.append({k: _lines("" if v is None else v) for k, v in row.items()})
    except csv.Error as error:
        raise fail(csv_path, f"not valid CSV: {error}", reader.line_num, "parse") from None
    return tuple(rows), tuple(reader.fieldnames or ())


def write_package(folder: str, tables: Tables, columns: Columns, descriptor: Mapping[str, Any]) -> list[str]:
    """Write each resource of ``descriptor`` as CSV and the descriptor as ``datapackage.json``, all or none.

    Raises
    ------
    DocumentError
        When a resource's path leads outside ``folder``; nothing is written then.
    OSError
        When a file cannot be written; the folder's earlier files stay.
    """
    files: dict[str, str] = {}
    where = os.path.join(folder, "datapackage.json")
    for index, resource in enumerate(descriptor.get("resources") or []):
        path = resource.get("path")
        if not isinstance(path, str):
            raise fail(where, f"resources[{index}] needs a path to its CSV file")
        relative = os.path.normpath(path)
        if os.path.isabs(relative) or relative.split(os.sep)[0] in ("..", ".") or "\0" in relative:
            raise fail(where, f"resources[{index}].path {path!r} leads outside the package's folder")
        rows = tables.get(table_of(resource), ())
        out = io.StringIO(newline="")
        fields = list(columns.get(table_of(resource)) or columns_of(rows))
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        files[relative] = out.getvalue()
    files["datapackage.json"] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    return write_files(folder, files)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
