"""Open Referral (HSDS 3.x) directories in and out of referral networks, losing no record, field or link.

A directory is read, in any form the specification publishes (`hsds_forms`: tabular JSON, a
record with others nested in it, a list of records, an API page, a tabular data package), as
flat tables of records: ``organization``, ``service`` and any others it has, a nested record a
row of its own table with its parents' keys.

Organisations and services become the network's; each keeps its whole HSDS record, verbatim,
under ``x-hsds``, and the other tables, the form and its layout are kept under the network's own
``x-hsds``. Writing back starts from those records and overwrites only what the network says
(name, description, status, eligibility, the organisation a service belongs to), so fields
tipframe does not model come back as they went in, in the form they came in. Referral pathways
have no place in HSDS and stay in the network.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

import attrs

from tipframe.io.files import read_text, recover_folder, unfinished_writes, write_atomic
from tipframe.io.problems import DEFAULT_LIMITS, DocumentError, Limits, Problem
from tipframe.io.walk import path_inside
from tipframe.model import NetworkOrganisation, ReferralNetwork, Service, ServiceStatus
from tipframe.network.datapackage import fail as _fail
from tipframe.network.datapackage import read_package, table_of, table_schema, write_package
from tipframe.network.hsds_forms import (
    Form,
    flat_tables,
    json_style,
    ordered_columns,
    patched,
    read_form,
    read_rows,
)
from tipframe.network.hsds_tables import FILES

__all__ = ["Directory", "hsds_from_network", "network_from_hsds", "read_hsds", "write_hsds"]

#: key under which HSDS records are kept in ``x-`` data
KEY: Final = "x-hsds"
#: namespace for the ids of records made from a network (UUID 5: the same names give the same ids)
_NAMESPACE: Final = uuid.UUID("0b4c1e0e-6f1e-5b8e-9a8e-2f6a3c1d9e57")


@attrs.frozen
class Directory:
    """An HSDS directory as flat tables of records, each table's columns in order, and the form it came in.

    ``form`` says how to write it back as it came (`hsds_forms.Form`; None for a directory made in
    tipframe); ``newlines`` each CSV file's line ending, as read.
    """

    tables: Mapping[str, tuple[Mapping[str, Any], ...]]
    columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    datapackage: Mapping[str, Any] | None = None  # the package's descriptor, kept as read
    form: Form | None = None
    newlines: Mapping[str, str] = attrs.field(factory=dict)


def read_hsds(path: str | os.PathLike[str], limits: Limits | None = None, *, table: str | None = None) -> Directory:
    """Read an HSDS directory in any form the specification publishes: a JSON file (tabular JSON keyed by table
    or by CSV file name, one record of any table with others nested in it, a list of records, an API page), a
    ``datapackage.json``, or a folder holding one.

    Parameters
    ----------
    path, limits
        The file or folder, and bounds on each file read and on a package's files together
        (``max_files``, ``max_total_bytes``); default ``Limits()``.
    table
        The table a record, list or page holds, when it should not be told from its fields.

    Returns
    -------
    Directory
        Flat tables (nested records become rows of their own tables, linked to their parents),
        with the form they came in.

    Raises
    ------
    DocumentError
        When a file cannot be read or parsed, or is not HSDS (naming the forms expected); when a
        record has no id; when a package's file lies outside its folder (a link leading out
        included); when an export into the folder is still being written (one a killed process
        left is finished first, as by `recover_folder`).
    """
    name, limits = os.fspath(path), limits or DEFAULT_LIMITS
    if os.path.isdir(name):
        recover_folder(name)
        pending = unfinished_writes(name)
        if pending:
            message = "an export into this folder is being written, or could not be finished; try again"
            raise _fail(pending[0], message, layer="read")
        if not os.path.lexists(os.path.join(name, "datapackage.json")):
            raise _fail(name, "a folder read as HSDS needs a datapackage.json", layer="read")
        if path_inside(name, "datapackage.json") is None:
            raise _fail(os.path.join(name, "datapackage.json"), "is a link leading outside its folder", layer="read")
        name = os.path.join(name, "datapackage.json")
    text = read_text(name, limits)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(
            [Problem(message=error.msg, layer="parse", file=name, line=error.lineno, column=error.colno)]
        ) from None
    if isinstance(data, dict) and "resources" in data and os.path.basename(name) == "datapackage.json":
        package = read_package(name, data, limits)
        return Directory(package.tables, package.columns, data, Form("package"), package.newlines)
    form, tables = read_form(name, data, table)
    form = attrs.evolve(form, style=json_style(text))
    return Directory({t: tuple(rows) for t, rows in tables.items()},
                     {t: ordered_columns(t, rows) for t, rows in tables.items()}, None, form)  # fmt: skip


def _slug(text: str, taken: set[str], fallback: str) -> str:
    base = "-".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())[:48].strip("-")
    if not base or not base[0].isalpha():
        base = f"{fallback}-{base}" if base else fallback
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _service_problems(record: Mapping[str, Any], where: str, organisation: str | None) -> list[str]:
    """Why a service record cannot become a service: no name, an unknown status, no organisation."""
    statuses = [s.value for s in ServiceStatus]
    status = record.get("status") or "active"
    found = []
    if _text(record.get("name")) is None:
        found.append(f"{where}: a service needs a name")
    if status not in statuses:
        found.append(f"{where}: status {status!r} is not one of {', '.join(statuses)}")
    if organisation is None:
        found.append(f"{where}: organization_id {record.get('organization_id')!r} names no organization")
    return found


def _services(
    directory: Directory, org_ids: Mapping[str, str], taken: set[str], file: str, problems: list[Problem]
) -> list[Service]:
    """The directory's service records as services; what is wrong with any is added to ``problems``."""
    areas: dict[str, list[str]] = {}
    for record in directory.tables.get("service_area", ()):
        if _text(record.get("name")) and record.get("service_id") is not None:
            areas.setdefault(str(record["service_id"]), []).append(str(record["name"]))
    services = []
    for index, record in enumerate(directory.tables.get("service", ())):
        where = f"service[{index}]"
        if record.get("id") in (None, ""):
            problems.append(Problem(message=f"{where}: a record needs an id", layer="schema", file=file))
            continue
        organisation = org_ids.get(str(record.get("organization_id", "")))
        found = _service_problems(record, where, organisation)
        problems.extend(Problem(message=message, layer="schema", file=file) for message in found)
        if found or organisation is None:
            continue
        service_name = str(record.get("name"))
        nested = [_text(a.get("name")) for a in record.get("service_areas") or [] if isinstance(a, dict)]
        service_areas = [a for a in nested if a is not None] + areas.get(str(record.get("id")), [])
        services.append(
            Service(
                id=_slug(service_name, taken, "service"),
                name=service_name,
                organisation=organisation,
                description=_text(record.get("description")),
                status=ServiceStatus(record.get("status") or "active"),
                eligibility=_text(record.get("eligibility_description")),
                areas=tuple(dict.fromkeys(service_areas)),
                extensions={KEY: record},
            )
        )
    return services


def network_from_hsds(
    directory: Directory, *, network_id: str = "directory", name: str = "Imported directory", file: str = ""
) -> ReferralNetwork:
    """A referral network of the directory's organisations and services, ready for pathways to be added.

    Ids are made from names (HSDS ids are UUIDs, not tipframe ids); each object keeps its HSDS
    record under ``x-hsds``. Services' level of support is left unset: HSDS does not say it.

    Parameters
    ----------
    directory
        As `read_hsds` reads it.
    network_id, name, file
        The network's id and name, and the file its problems name.

    Raises
    ------
    DocumentError
        When a record lacks an id or a name, has an unknown status or organization, or there is no service.
    """
    problems: list[Problem] = []
    taken: set[str] = set()
    organisations = []
    org_ids: dict[str, str] = {}
    for index, record in enumerate(directory.tables.get("organization", ())):
        if record.get("id") in (None, ""):
            problems.append(Problem(message=f"organization[{index}]: a record needs an id", layer="schema", file=file))
            continue
        hsds_id = str(record["id"])
        org_id = _slug(str(record.get("name") or hsds_id), taken, "organisation")
        org_ids[hsds_id] = org_id
        organisations.append(NetworkOrganisation(id=org_id, name=_text(record.get("name")), extensions={KEY: record}))
    services = _services(directory, org_ids, taken, file, problems)
    if problems:
        raise DocumentError(problems)
    if not services:
        raise _fail(file, "the directory lists no services")
    kept = {t: list(rows) for t, rows in directory.tables.items() if t not in ("organization", "service")}
    extra: dict[str, Any] = {"tables": kept, "columns": {t: list(c) for t, c in directory.columns.items()}}
    if directory.datapackage is not None:
        extra["datapackage"] = directory.datapackage
    if directory.newlines:
        extra["newlines"] = dict(directory.newlines)
    if directory.form is not None and directory.form.kind != "package":
        extra["form"] = directory.form.to_data()
    return ReferralNetwork(
        id=network_id,
        name=name,
        organisations=tuple(organisations),
        services=tuple(services),
        extensions={KEY: extra},
    )


def _new_id(network: ReferralNetwork, kind: str, own_id: str) -> str:
    """An id for a record made in tipframe: a UUID 5 of the network's id and its own, the same on every export."""
    return str(uuid.uuid5(_NAMESPACE, f"{network.id}/{kind}/{own_id}"))


def _edited(record: Mapping[str, Any], changes: Mapping[str, tuple[Any, Any]], tabular: bool) -> dict[str, Any]:
    """The record with each field the network changed set anew; ``changes`` maps field to (imported, now).

    A field whose value is what the import made of the record keeps the record's own text, so
    an empty status, a name with spaces or a whole-number id comes back as it went in.
    """
    out = dict(record)
    for key, (imported, now) in changes.items():
        if now == imported:
            continue
        if now is None:
            out[key] = "" if tabular else None
        else:
            out[key] = now if not tabular or isinstance(now, str) else str(now)
    return out


def _imported_status(record: Mapping[str, Any]) -> str:
    return str(record.get("status") or "active")


def hsds_from_network(network: ReferralNetwork) -> Directory:
    """The network's organisations and services as an HSDS directory, with every kept record and table.

    Records read from a directory come back with only what the network changed (names,
    descriptions, statuses, eligibility, a service's organisation); records made in tipframe
    are written whole, with new ids.
    """
    kept: Mapping[str, Any] = network.extensions.get(KEY) or {}
    tabular = "datapackage" in kept
    org_hsds: dict[str, Any] = {}
    slug_of: dict[Any, str] = {}
    organisations = []
    for organisation in network.organisations:
        record = organisation.extensions.get(KEY)
        if record:
            org_hsds[organisation.id] = record["id"]
            slug_of[record["id"]] = organisation.id
            changes = {"name": (_text(record.get("name")), organisation.name)}
            organisations.append(_edited(record, changes, tabular))
        else:
            org_hsds[organisation.id] = _new_id(network, "organization", organisation.id)
            organisations.append({"id": org_hsds[organisation.id], "name": organisation.name or organisation.id})
    services = []
    for service in network.services:
        record = service.extensions.get(KEY)
        if record:
            changes = {
                "organization_id": (record.get("organization_id"), org_hsds.get(service.organisation)),
                "name": (_text(record.get("name")), service.name),
                "description": (_text(record.get("description")), service.description),
                "status": (_imported_status(record), service.status.value),
                "eligibility_description": (_text(record.get("eligibility_description")), service.eligibility),
            }
            if slug_of.get(record.get("organization_id")) == service.organisation:
                del changes["organization_id"]  # the same organisation: keep the record's own id for it
            services.append(_edited(record, changes, tabular))
        else:
            fresh = {
                "id": _new_id(network, "service", service.id),
                "organization_id": org_hsds.get(service.organisation),
                "name": service.name,
                "description": service.description,
                "status": service.status.value,
                "eligibility_description": service.eligibility,
            }
            services.append(
                {k: ("" if v is None and tabular else v) for k, v in fresh.items() if v is not None or tabular}
            )
    tables: dict[str, tuple[Mapping[str, Any], ...]] = {
        "organization": tuple(organisations),
        "service": tuple(services),
    }
    for table, rows in (kept.get("tables") or {}).items():
        tables[table] = tuple(rows)
    columns = {t: tuple(c) for t, c in (kept.get("columns") or {}).items()}
    for table, rows in tables.items():
        columns[table] = ordered_columns(table, rows, columns.get(table, ()))
    form = Form.of(kept.get("form")) or (Form("package") if tabular else None)
    return Directory(tables, columns, kept.get("datapackage"), form, dict(kept.get("newlines") or {}))


def write_hsds(directory: Directory, path: str | os.PathLike[str], form: str) -> list[str]:
    """Write ``form`` ``json`` (one file at ``path``) or ``csv`` (a package in the folder ``path``).

    JSON is written in the form the directory was read in: tabular JSON keyed as it was (by table,
    or by CSV file name), or the record, list or API page read, with only what was edited changed
    (new services join a list or page of services). A package uses HSDS's own file names
    (``services.csv``, ``service_at_location.csv``), each table's line ending as read (CR LF for a
    new file, as the specification's own), and gives every resource a table schema: its columns,
    HSDS's type for those whose every value has it (else text), ``id`` as primary key where ids
    are unique, and HSDS's foreign keys whose every value names a row of the package.

    Parameters
    ----------
    directory, path, form
        What to write, where, and in which form (``json`` or ``csv``).

    Returns
    -------
    list of str
        The files written: JSON atomically; a package's files all or none, by `write_files`,
        which replaces only the package's files and leaves anything else in the folder.

    Raises
    ------
    ValueError
        For another ``form``, or a single record's directory that gained services.
    DocumentError
        When a package's resource path leads outside its folder; when a record nested under two
        parents of one table cannot be a flat row.
    OSError
        When a file cannot be written; the folder's earlier files are then left as they were.
    """
    name = os.fspath(path)
    read = directory.form
    if form == "json":
        payload: Any
        if read is not None and read.kind in ("record", "list", "page"):
            try:
                payload = patched(read, read_rows(read), {t: list(r) for t, r in directory.tables.items()})
            except ValueError as error:
                raise _fail(name, str(error), layer="model") from None
        else:
            keys = read.keys if read is not None else {}
            files = read is not None and read.kind == "files"
            payload = {keys.get(t) or (FILES.get(t, f"{t}.csv") if files else t): list(rows)
                       for t, rows in directory.tables.items()}  # fmt: skip
        style = read.style if read is not None else {}
        text = json.dumps(payload, indent=style.get("indent", 2), ensure_ascii=bool(style.get("ascii", False)))
        write_atomic(name, text + ("\n" if style.get("newline", True) else ""))
        return [name]
    if form != "csv":
        raise ValueError(f"unknown HSDS form {form!r}: json or csv")
    nested = any(isinstance(v, dict | list) for rows in directory.tables.values() for row in rows for v in row.values())
    flat = flat_tables(name, directory.tables) if nested else {t: list(rows) for t, rows in directory.tables.items()}
    columns = {t: ordered_columns(t, rows, directory.columns.get(t, ())) for t, rows in flat.items()}
    descriptor = dict(directory.datapackage or {"name": "hsds-directory", "profile": "tabular-data-package"})
    resources = [dict(r) for r in descriptor.get("resources") or [] if isinstance(r, dict)]
    known = {table_of(r) for r in resources}
    for table in flat:
        if table not in known:
            path = FILES.get(table, f"{table}.csv")
            resources.append({"name": table, "path": path, "format": "csv", "mediatype": "text/csv",
                              "encoding": "utf-8", "profile": "tabular-data-resource"})  # fmt: skip
    for resource in resources:
        if "schema" not in resource:
            resource["schema"] = table_schema(table_of(resource), flat, columns)
        elif isinstance(resource["schema"], dict) and isinstance(resource["schema"].get("fields"), list):
            named = {f.get("name") for f in resource["schema"]["fields"] if isinstance(f, dict)}
            added = [{"name": c, "type": "string"} for c in columns.get(table_of(resource), ()) if c not in named]
            resource["schema"] = {**resource["schema"], "fields": [*resource["schema"]["fields"], *added]}
    descriptor["resources"] = resources
    return write_package(name, flat, columns, descriptor, directory.newlines)
