"""The forms HSDS is published in, read into flat tables and written back as they came.

The specification and its profiles publish a directory as: tabular JSON (an object whose keys
are table names, or CSV file names, and whose values are lists of flat rows); one record of any
table, with other tables' records nested in it (``service_full.json``); a list of such records;
an API page (``total_items``, ..., ``contents``); and a tabular data package (`datapackage`).
`read_form` turns any JSON form into flat tables, each nested record a row of its own table with
the foreign key nesting implied (`hsds_tables.link_of`), a record nested under several parents
kept once with every parent's key; `nest` puts flat tables back into nested records, and
`patched` writes a nested form back as it was read, with only what was edited changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from tipframe.network.datapackage import fail
from tipframe.network.hsds_tables import FIELDS, FILES, NESTED, REQUIRED, TABULAR_REQUIRED, link_of, owner_key

__all__ = [
    "EDITED",
    "PAGE_FIELDS",
    "Form",
    "flat_tables",
    "json_style",
    "nest",
    "ordered_columns",
    "patched",
    "read_form",
    "read_rows",
    "table_of",
]

#: an API page's fields beside its ``contents``, in the specification's order
PAGE_FIELDS: Final = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
_BY_FILE: Final = {file: table for table, file in FILES.items()}
_EXPECTED: Final = (
    "an HSDS document is tabular JSON (tables or CSV file names as keys, lists of rows as values), one record "
    "of a table (an object with an id), a list of records, or an API page (total_items, ..., contents)"
)

Rows = dict[str, dict[str, dict[str, Any]]]  # table -> the record's id as JSON -> its row


@attrs.frozen
class Form:
    """How a directory was published, so that it is written back alike.

    ``kind`` is ``tables`` or ``files`` (tabular JSON keyed by table or by CSV file name: ``keys``
    gives each table's key as written), ``record``, ``list`` or ``page`` (nested records of
    ``table``; ``nested`` holds them as read, and ``page`` an API page's other fields, in order),
    or ``package`` (a tabular data package).
    """

    kind: str
    table: str | None = None
    keys: Mapping[str, str] = attrs.field(factory=dict)
    page: Mapping[str, Any] = attrs.field(factory=dict)
    nested: Any = None
    #: how its JSON was laid out: ``indent`` (None: on one line), ``ascii`` (non-ASCII escaped), ``newline`` (a
    #: final line break)
    style: Mapping[str, Any] = attrs.field(factory=dict)

    def to_data(self) -> dict[str, Any]:
        """Plain data, for keeping in a network's ``x-hsds``."""
        return {"kind": self.kind, "table": self.table, "keys": dict(self.keys), "page": dict(self.page),
                "nested": self.nested, "style": dict(self.style)}  # fmt: skip

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Form | None:
        """The form `to_data` wrote, or None."""
        if not isinstance(data, Mapping) or "kind" not in data:
            return None
        return cls(str(data["kind"]), data.get("table"), dict(data.get("keys") or {}), dict(data.get("page") or {}),
                   data.get("nested"), dict(data.get("style") or {}))  # fmt: skip


def json_style(text: str) -> dict[str, Any]:
    """How a JSON text is laid out (`Form.style`), so that it is written back alike."""
    found = re.search(r"\n( *)\S", text.strip("\n"))
    return {"indent": len(found.group(1)) if found is not None else None,
            "ascii": text.isascii() and "\\u" in text, "newline": text.endswith("\n")}  # fmt: skip


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def tables_for(record: Mapping[str, Any]) -> list[str]:
    """The tables this record could be of: those whose fields and nested keys cover the most of its keys (more than
    half of them), narrowed to those whose required fields it has where that leaves any."""
    keys = set(record)
    cover = {t: len(keys & (set(f) | set(NESTED.get(t, {})))) / max(1, len(keys)) for t, f in FIELDS.items()}
    best = max(cover.values(), default=0.0)
    if best <= 0.5:
        return []
    found = sorted(t for t, c in cover.items() if c == best)
    complete = [t for t in found if set(REQUIRED.get(t, ("id",))) <= keys] or found
    # a flat row with the foreign keys only one of them requires in tabular form is that one's
    keyed = [t for t in complete if TABULAR_REQUIRED.get(t) and set(TABULAR_REQUIRED[t]) <= keys]
    return keyed if len(keyed) == 1 else complete


def table_of(record: Mapping[str, Any]) -> str | None:
    """The table this record is of, when its fields tell one table (`tables_for`), else None."""
    found = tables_for(record)
    return found[0] if len(found) == 1 else None


def _records_table(name: str, records: Sequence[Any], given: str | None) -> str:
    if given is not None:
        return given
    possible: set[str] | None = None
    for record in records[:50]:
        found = set(tables_for(record)) if isinstance(record, Mapping) else set()
        possible = found if possible is None else possible & found
    return _one(name, sorted(possible or ()), "these records are")


def _one(name: str, found: Sequence[str], what: str) -> str:
    if len(found) == 1:
        return found[0]
    if found:
        raise fail(name, f"{what} of one of the tables {', '.join(found)}, as far as their fields tell: give the "
                         "table (--table in tipframe import-hsds, table= in read_hsds)")  # fmt: skip
    raise fail(name, f"cannot tell which HSDS table {what} of: {_EXPECTED}")


def read_form(name: str, data: Any, table: str | None = None) -> tuple[Form, dict[str, list[dict[str, Any]]]]:
    """The form of a JSON document and its flat tables (rows as dicts, in the order read).

    Parameters
    ----------
    name
        The file, for messages.
    data
        The parsed JSON.
    table
        The table of a record, list or page, when it should not be guessed from its fields.

    Raises
    ------
    DocumentError
        When it is none of HSDS's forms, naming what was expected, or a record lacks an id.
    """
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        records = data["contents"]
        root = _records_table(name, records, table) if records else (table or "service")
        page = {k: (None if k == "contents" else v) for k, v in data.items()}
        return Form("page", root, page=page, nested=records), _flat(name, root, records)
    if isinstance(data, list):
        root = _records_table(name, data, table) if data else (table or "service")
        return Form("list", root, nested=data), _flat(name, root, data)
    if not isinstance(data, dict):
        raise fail(name, f"not HSDS: {_EXPECTED}")
    if "id" in data and not isinstance(data["id"], list | dict):
        found = table or _one(name, tables_for(data), "this record is")
        return Form("record", found, nested=data), _flat(name, found, [data])
    return _tabular(name, data)


def _tabular(name: str, data: Mapping[str, Any]) -> tuple[Form, dict[str, list[dict[str, Any]]]]:
    keys: dict[str, str] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for key, rows in data.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise fail(name, f"key {key!r} holds no list of rows: {_EXPECTED}")
        table = _BY_FILE.get(key, key.removesuffix(".csv")) if key.endswith(".csv") else key
        keys[table] = key
        tables[table] = [dict(r) for r in rows]
    if not any(t in FIELDS for t in tables):
        raise fail(name, f"none of its keys ({', '.join(map(repr, list(data)[:5])) or 'none'}) names an HSDS table: "
                         f"{_EXPECTED}")  # fmt: skip
    files = any(key.endswith(".csv") for key in data)
    return Form("files" if files else "tables", keys=keys), tables


def _flat(name: str, table: str, records: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
    return flat_tables(name, {table: records})


def flat_tables(name: str, tables: Mapping[str, Sequence[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Tables whose rows may hold nested records, as flat tables (see the module's description): each nested
    record a row of its own table, linked to its parent, a record met twice kept once.

    Raises
    ------
    DocumentError
        When a record has no id, or one record has two parents of the same table (a flat row has one place
        for that parent's id).
    """
    rows: Rows = {}
    clashes: list[str] = []
    stack: list[tuple[str, Any, tuple[str, Any] | None, str]] = [
        (table, record, None, f"{table}[{i}]")
        for table, records in reversed(list(tables.items()))
        for i, record in reversed(list(enumerate(records)))
    ]
    for table in tables:
        rows.setdefault(table, {})
    while stack:
        current, record, parent, where = stack.pop()
        if not isinstance(record, dict) or record.get("id") in (None, ""):
            raise fail(name, f"{where}: a record needs an id")
        row: dict[str, Any] = {}
        children: list[tuple[str, Any, tuple[str, Any] | None, str]] = []
        for key, value in record.items():
            child = NESTED.get(current, {}).get(key)
            if child is not None and child[1] and isinstance(value, list):
                children += [(child[0], item, (current, record["id"]), f"{where}.{key}[{i}]")
                             for i, item in enumerate(value)]  # fmt: skip
            elif child is not None and not child[1] and isinstance(value, dict):
                children.append((child[0], value, None, f"{where}.{key}"))
                row.setdefault(owner_key(key), value.get("id"))
            else:
                row[key] = value
        if parent is not None:
            link, kind = link_of(current, parent[0])
            row.setdefault(link, parent[1])
            if kind is not None:
                row.setdefault(kind, parent[0])
        _merge(rows.setdefault(current, {}), current, row, clashes)
        stack += reversed(children)
    if clashes:
        raise fail(name, f"{clashes[0]}: a flat table has one place for it (HSDS ids are unique in a table)")
    return {t: list(by_id.values()) for t, by_id in rows.items()}


def _merge(table_rows: dict[str, dict[str, Any]], table: str, row: dict[str, Any], clashes: list[str]) -> None:
    """Add ``row``, or fill in the row already there with the same id (a record nested under several parents)."""
    key = _key(row["id"])
    if key not in table_rows:
        table_rows[key] = row
        return
    kept = table_rows[key]
    for field, value in row.items():
        if field not in kept or kept[field] in (None, ""):
            kept[field] = value
        elif value not in (None, "") and kept[field] != value:
            clashes.append(f"{table} {row['id']!r} has {field} {kept[field]!r} in one place and {value!r} in another")


def read_rows(form: Form) -> dict[str, list[dict[str, Any]]]:
    """The flat tables of a nested form's records as read."""
    records = form.nested if isinstance(form.nested, list) else [form.nested]
    return _flat("", form.table or "service", records)


def ordered_columns(table: str, rows: Iterable[Mapping[str, Any]], known: Sequence[str] = ()) -> tuple[str, ...]:
    """Columns for a table's rows: those already known, then HSDS's own in its order, then any others."""
    present = dict.fromkeys(k for row in rows for k in row)
    first = [c for c in known if c in present or not present]
    hsds = [c for c in FIELDS.get(table, ()) if c in present and c not in first]
    return (*first, *hsds, *(c for c in present if c not in first and c not in hsds))


def nest(tables: Mapping[str, Sequence[Mapping[str, Any]]], table: str) -> list[dict[str, Any]]:
    """The records of ``table`` with the records that name them nested in them, as HSDS's nested forms hold them
    (a key nesting implies is left out; a table already on the way down is not nested again)."""
    by_id = {t: {_key(r.get("id")): r for r in rows} for t, rows in tables.items()}
    under: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for child, rows in tables.items():
        for row in rows:
            for parent in {*NESTED} - {child}:
                link, kind = link_of(child, parent)
                if row.get(link) not in (None, "") and (kind is None or row.get(kind) == parent):
                    under.setdefault((child, parent, _key(row[link])), []).append(row)

    def build(current: str, row: Mapping[str, Any], above: tuple[str, ...]) -> dict[str, Any]:
        implied = {link_of(current, above[-1])[0]} if above else set()
        out = {k: v for k, v in row.items() if k not in implied}
        for key, (child, many) in NESTED.get(current, {}).items():
            if child in above or child == current:
                continue
            if many:
                found = under.get((child, current, _key(row.get("id"))), [])
                if found:
                    out[key] = [build(child, r, (*above, current)) for r in found]
            elif row.get(owner_key(key)) not in (None, "") and _key(row[owner_key(key)]) in by_id.get(child, {}):
                out.pop(owner_key(key), None)
                out[key] = build(child, by_id[child][_key(row[owner_key(key)])], (*above, current))
        return out

    return [build(table, row, ()) for row in tables.get(table, ())]


#: the fields of organisations and services a referral network edits
EDITED: Final = {
    "organization": ("name",),
    "service": ("name", "description", "status", "eligibility_description", "organization_id"),
}


def patched(form: Form, read: Mapping[str, Sequence[Mapping[str, Any]]],
            now: Mapping[str, Sequence[Mapping[str, Any]]]) -> Any:  # fmt: skip
    """The nested records of ``form`` as read, as the network now has them: each organisation's and service's
    edited fields set as in ``now`` (flat rows; ``read`` is what the form's records flattened to), a service moved
    to another organisation given that organisation's record, services the network dropped left out, and new
    services added (nested as the form nests them) to a list or page of services, or to their organisation's
    ``services`` in an organisation's record; a page's ``size`` and ``total_items`` follow.

    Raises
    ------
    ValueError
        When services were added that the form has no place for (a single service's record gained one).
    """
    before = {t: {_key(r.get("id")): r for r in read.get(t, ())} for t in EDITED}
    after = {t: {_key(r.get("id")): r for r in now.get(t, ())} for t in EDITED}
    nested = json.loads(json.dumps(form.nested))  # a copy to edit
    new_services = [s for k, s in after["service"].items() if k not in before["service"]]
    fresh = {_key(s.get("id")): s for s in nest(now, "service")}
    placed: set[str] = set()

    def walk(table: str, record: Any, top: bool = False) -> None:
        if not isinstance(record, dict):
            return
        key = _key(record.get("id"))
        if table in EDITED and key in after[table]:
            old, new = before[table].get(key, {}), after[table][key]
            for field in EDITED[table]:
                if new.get(field) == old.get(field):
                    continue
                if field == "organization_id" and isinstance(record.get("organization"), dict):
                    record["organization"] = fresh.get(key, {}).get("organization", {"id": new.get(field)})
                else:
                    record[field] = new.get(field)
        # an organisation's record (not one nested in a service) holds its new services
        mine = [s for s in new_services if top and table == "organization" and s.get("organization_id") == record["id"]]
        if mine and "services" not in record:
            record["services"] = []
        for name, (child, many) in NESTED.get(table, {}).items():
            items = record.get(name) if many else [record.get(name)]
            if many and child == "service" and isinstance(items, list):
                record[name] = items = [i for i in items if not _dropped(i, before, after)]
                items += [_without(fresh[_key(s["id"])], "organization") for s in mine]
                placed.update(_key(s["id"]) for s in mine)
            for item in items if isinstance(items, list) else []:
                walk(child, item)

    records = nested if isinstance(nested, list) else [nested]
    count = len(records)
    if form.table == "service":
        records = [r for r in records if not _dropped(r, before, after)]
    for record in records:
        walk(form.table or "", record, top=True)
    if form.table == "service" and form.kind in ("list", "page"):
        records += [fresh[_key(s["id"])] for s in new_services]
        placed.update(_key(s["id"]) for s in new_services)
    if len(placed) < len(new_services):
        raise ValueError(f"a directory read as {form.kind} of {form.table} records has no place for the new "
                         "services: export it as a package (hsds-csv)")  # fmt: skip
    if form.kind != "page":
        return records if form.kind == "list" else records[0]
    page = dict(form.page)
    if page.get("size") == count:
        page["size"] = len(records)
    if isinstance(page.get("total_items"), int):
        page["total_items"] += len(records) - count
    return {k: (records if k == "contents" else v) for k, v in page.items()}


def _dropped(record: Any, before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether a service record was read and the network no longer has it."""
    key = _key(record.get("id")) if isinstance(record, dict) else None
    return key in before["service"] and key not in after["service"]


def _without(record: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != key}
