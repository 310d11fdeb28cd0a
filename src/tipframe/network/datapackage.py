"""Tabular data packages (one CSV file per table, named by a ``datapackage.json``), kept inside their folder.

Reading resolves each file's path, links included, and refuses one that leads out of the
package's folder; `Limits` bounds each file, and the package's files together (``max_files``,
``max_total_bytes``). Writing puts the whole package in place at once, with `write_files`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

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
    """The table a resource holds: its ``name``, else the table HSDS keeps in its file, else the file's stem."""
    from tipframe.network.hsds_tables import FILES

    if resource.get("name"):
        return str(resource["name"])
    path = Path(str(resource.get("path", "")))
    return next((table for table, file in FILES.items() if file == path.name), path.stem)


@attrs.frozen
class Package:
    """A package's tables, their columns, and each CSV file's line ending (CR LF, LF, or CR CR LF as read)."""

    tables: Tables
    columns: Columns
    newlines: dict[str, str]


def read_package(name: str, descriptor: Mapping[str, Any], limits: Limits) -> Package:
    """The tables of the package that ``name`` (its ``datapackage.json``) describes, their columns and line endings.

    Raises
    ------
    DocumentError
        When a file leads outside the folder, the files are over the limits, or a CSV is malformed.
    """
    folder = os.path.dirname(name)
    tables: Tables = {}
    columns: Columns = {}
    newlines: dict[str, str] = {}
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
        text = read_text(csv_path, limits)
        rows, header = _rows(csv_path, text)
        tables[table_of(resource)] = rows
        columns[table_of(resource)] = header
        newlines[table_of(resource)] = _newline(text)
    return Package(tables, columns, newlines)


def _newline(text: str) -> str:
    """The line ending of a CSV file's header line: CR LF, LF, CR, or a spreadsheet's CR CR LF."""
    quoted = False
    for at, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:  # the first break outside a quoted cell ends the header row
            match = re.match(r"\r*\n|\r", text[at:])
            return match.group(0) if match is not None else "\r\n"
    return "\r\n"


def _lines(cell: str) -> str:
    """A cell's line breaks as LF, whichever a file uses (CR LF, CR, a spreadsheet's CR CR LF: one break each)."""
    return re.sub(r"\r*\n|\r", "\n", cell)


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


def write_package(
    folder: str,
    tables: Mapping[str, Any],
    columns: Mapping[str, tuple[str, ...]],
    descriptor: Mapping[str, Any],
    newlines: Mapping[str, str] | None = None,
) -> list[str]:
    """Write each resource of ``descriptor`` as CSV and the descriptor as ``datapackage.json``, all or none; each
    table's rows end with its ``newlines`` entry (CR LF where there is none).

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
        fields = list(columns.get(table_of(resource)) or columns_of(rows))
        ending = (newlines or {}).get(table_of(resource), "\r\n")
        lines = [_line(fields, ending)]
        lines += [_line([_cell(row.get(field)) for field in fields], ending) for row in rows]
        files[relative] = "".join(line + ending for line in lines)
    files["datapackage.json"] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    return write_files(folder, files)


def _line(cells: list[str], ending: str) -> str:
    """One CSV row: a cell quoted where it holds a comma, a quote or a line break (written with the file's own
    line ending, so that the break reads back as it was)."""
    out = []
    for cell in cells:
        if any(c in cell for c in ',"\r\n') or cell != cell.strip(" "):
            cell = '"' + cell.replace('"', '""').replace("\n", ending) + '"'
        out.append(cell)
    return ",".join(out)


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


_TYPES: Final = {
    "number": re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"),
    "time": re.compile(r"\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?"),
}


def _fits(value: Any, kind: str) -> bool:
    """Whether a cell's value is of a Frictionless type (an empty cell is of every type)."""
    if value is None or value == "":
        return True
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return math.isfinite(value)
    text = value if isinstance(value, str) else None
    if text is None or _TYPES[kind].fullmatch(text) is None:
        return False
    parse = {"date": dt.date.fromisoformat, "datetime": dt.datetime.fromisoformat,
             "time": dt.time.fromisoformat}.get(kind)  # fmt: skip
    try:
        if parse is not None:
            parse(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def table_schema(table: str, tables: Mapping[str, Any], columns: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """A Frictionless table schema for one of an HSDS package's tables, claiming only what its rows bear out.

    Each column is HSDS's type for it where every value has that type, else ``string``; ``id`` is the
    primary key where every row has one and none repeats; each of HSDS's foreign keys (``service_id``
    to ``service``, a parent to its own table) is declared where its table is in the package and every
    value names one of its rows.

    Parameters
    ----------
    table
        The table.
    tables, columns
        Every table's rows, and their columns.

    Returns
    -------
    dict
        ``{"fields": [...], "primaryKey": "id", "foreignKeys": [...]}``, the last two where they hold.
    """
    from tipframe.network.hsds_tables import TYPES

    rows = tables.get(table, ())
    fields = []
    for column in columns.get(table) or columns_of(rows):
        kind = TYPES.get(column, "string")
        if kind != "string" and not all(_fits(row.get(column), kind) for row in rows):
            kind = "string"
        fields.append({"name": column, "type": kind})
    schema: dict[str, Any] = {"fields": fields}
    ids = [str(row.get("id")) for row in rows if row.get("id") not in (None, "")]
    if any(f["name"] == "id" for f in fields) and len(ids) == len(rows) and len(set(ids)) == len(ids):
        schema["primaryKey"] = "id"
    keys = []
    for field in fields:
        target = _target(table, field["name"])
        if target is None or target not in tables:
            continue
        known = {str(row.get("id")) for row in tables[target]}
        values = [row.get(field["name"]) for row in rows if row.get(field["name"]) not in (None, "")]
        if values and all(str(v) in known for v in values):
            resource = "" if target == table else target  # Frictionless names the table itself ""
            keys.append({"fields": field["name"], "reference": {"resource": resource, "fields": "id"}})
    if keys:
        schema["foreignKeys"] = keys
    return schema


def _target(table: str, column: str) -> str | None:
    """The table a foreign key column names: ``service_id`` a service, a parent id its own table."""
    if column in ("parent_organization_id", "parent_id"):
        return table
    if column.endswith("_id") and column not in ("link_id", "resource_id", "tax_id"):
        return column.removesuffix("_id")
    return None
